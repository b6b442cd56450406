"""Results as one Excel workbook a planner can open and forward (written with XlsxWriter).

A first sheet ``about`` says what was solved (the inputs with a SHA-256 of each file, the options,
the status, the objective, the version and the date); then one sheet per result table, with the
unit in every header, number formats (tonnes with one decimal, shares in %, money in USD M with
three decimals), a frozen header row, filters and column widths. Text is always written as text:
a name such as ``=HYPERLINK(...)`` can never become a formula.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from sourcing.data import InputData
from sourcing.frontier import FIGURES, Frontier
from sourcing.multiyear.outlook import BY_ORIGIN
from sourcing.multiyear.result import PlanResult
from sourcing.output.csv import plan_with_caps
from sourcing.output.inputs import horizon_reason, inputs_doc, inputs_kind
from sourcing.result import Evaluation, Result
from sourcing.stamp import now, version

M = 1e6

# kind of a column: (unit shown in the header, number format, scale applied to the value)
KINDS = {
    "t": ("t", "#,##0.0", 1.0),
    "t/yr": ("t/yr", "#,##0.0", 1.0),
    "share": ("%", "0.0%", 1.0),
    "probability": ("%", "0.000%", 1.0),
    "usd_per_t_yr": ("USD per t/yr", "#,##0", 1.0),
    "usd_kg": ("USD/kg", "#,##0.00", 1.0),
    "musd": ("USD M", "#,##0.000", 1 / M),
    "musd_pp": ("USD M per pp", "#,##0.0000", 1 / M),
    "number": ("", "General", 1.0),
    "text": ("", None, 1.0),
    "flag": ("", None, 1.0),
}

PLAN = {"origin": "text", "element": "text", "volume": "t/yr", "share": "share", "unit_cost": "usd_kg",
        "procurement_cost": "musd", "capacity": "t/yr", "min_volume": "t/yr", "max_share": "share",
        "binding": "text", "marginal_cost_per_pp": "musd_pp", "violated": "flag", "excess": "share",
        "optimum_volume": "t/yr", "optimum_share": "share"}
ELEMENTS = {"element": "text", "demand": "t/yr", "shortage_cost": "usd_kg", "initial_stock": "t", "max_stock": "t",
            "holding_cost": "usd_kg", "total_volume": "t/yr", "optimal_stock": "t", "marginal_cost": "usd_kg",
            "stock_value": "usd_kg"}
STOCKPILE = {"element": "text", "initial_stock": "t", "optimal_stock": "t", "max_stock": "t", "holding_cost": "usd_kg"}
CAPS = {"origin": "text", "element": "text", "limit": "share", "kind": "text", "basis": "text", "scope": "text",
        "max_share": "share", "min_share": "share", "share": "share", "binding": "flag", "violated": "flag",
        "excess": "share", "marginal_cost_per_pp": "musd_pp", "slack": "t/yr"}
SCENARIOS = {"scenario": "text", "probability": "share", "description": "text", "shortage_cost": "musd"}
SHORTAGES = {"scenario": "text", "element": "text", "demand": "t/yr", "arrived": "t/yr", "stock_release": "t",
             "shortage": "t", "shortage_cost": "musd"}
VIOLATIONS = {"origin": "text", "element": "text", "kind": "text", "basis": "text", "scope": "text",
              "limit": "number", "value": "number", "excess": "number"}
POINTS = {"max_share": "share", "min_share": "share", "risk_weight": "number", "cvar_weight": "number",
          "status": "text",
          **{f: "musd" for f in FIGURES if f != "marginal_cost_per_pp"}, "marginal_cost_per_pp": "musd_pp",
          "target": "text", "cvar_level": "share"}


@dataclass(frozen=True)
class Table:
    """One sheet: its name, its frame, and the kind of each column (see :data:`KINDS`)."""

    name: str
    frame: pd.DataFrame
    kinds: dict[str, str]


def result_xlsx(result: Result | Evaluation | Frontier | PlanResult, data: InputData | None = None,
                options: dict[str, Any] | None = None, command: str = "") -> bytes:
    """``result`` as the bytes of an .xlsx workbook (see the module's docstring)."""
    if isinstance(result, Frontier):
        tables = [_points(result)]
        status, objective = _sweep_status(result), None
    elif isinstance(result, PlanResult):
        tables = _plan_tables(result)
        status, objective = result.status, result.objective
    elif isinstance(result, Evaluation):
        tables = _evaluation_tables(result, data)
        status, objective = result.result.status, result.result.objective
    else:
        tables = _result_tables(result, data)
        status, objective = result.status, result.objective
    about = _about(command, data, options or {}, status, objective)
    return workbook([about, *tables])


def workbook(tables: Sequence[Table], *, setup=None) -> bytes:
    """The tables as one workbook, each on a formatted sheet; ``setup(book, sheets, formats)`` may
    add to it (comments, validation) before it is closed."""
    import xlsxwriter

    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_formulas": False,
                                        "strings_to_numbers": False, "strings_to_urls": False})
    book.set_properties({"title": "sourcing", "author": "sourcing " + version(), "created": now().replace(tzinfo=None)})
    header = book.add_format({"bold": True, "text_wrap": True, "valign": "top", "bottom": 1})
    formats = {kind: book.add_format({"num_format": fmt}) for kind, (_, fmt, _) in KINDS.items() if fmt}
    sheets = {}
    for table in tables:
        sheets[table.name] = _sheet(book, table, header, formats)
    if setup is not None:
        setup(book, sheets, formats)
    book.close()
    return buffer.getvalue()


def heading(column: str, kind: str) -> str:
    """A column's header with its unit: ``volume (t/yr)``."""
    unit = KINDS[kind][0]
    return f"{column} ({unit})" if unit else column


def _sheet(book, table: Table, header, formats):
    sheet = book.add_worksheet(table.name)
    frame = table.frame
    columns = list(frame.columns)
    widths = []
    for j, column in enumerate(columns):
        kind = table.kinds.get(column, "number")
        title = heading(column, kind)
        sheet.write_string(0, j, title, header)
        widths.append(max(len(title) * 0.9, 8))
    for i, row in enumerate(frame.itertuples(index=False), start=1):
        for j, value in enumerate(row):
            kind = table.kinds.get(columns[j], "number")
            widths[j] = max(widths[j], _write(sheet, i, j, value, kind, formats))
    for j, width in enumerate(widths):
        sheet.set_column(j, j, min(width + 2, 60))
    sheet.freeze_panes(1, 0)
    if len(frame):
        sheet.autofilter(0, 0, len(frame), max(0, len(columns) - 1))
    return sheet


def _write(sheet, row: int, col: int, value, kind: str, formats) -> float:
    """Write one cell as its kind says; return the width its text takes."""
    if value is None or (isinstance(value, float) and not np.isfinite(value)):
        sheet.write_blank(row, col, None)
        return 0
    if isinstance(value, bool | np.bool_):
        sheet.write_boolean(row, col, bool(value))
        return 5
    if isinstance(value, int | float | np.integer | np.floating):
        scaled = float(value) * KINDS[kind][2] + 0.0
        sheet.write_number(row, col, scaled, formats.get(kind))
        return len(f"{scaled:,.3f}")
    text = str(value)
    sheet.write_string(row, col, text)  # text, never a formula
    return min(len(text), 60)


def _result_tables(result: Result, data: InputData | None = None, *, evaluated: bool = False) -> list[Table]:
    short = result.shortages.pivot(index="scenario", columns="element", values="shortage")
    scen = result.scenarios.copy()
    for element in short.columns:
        scen[f"shortage {element}"] = scen["scenario"].map(short[element])
    kinds = SCENARIOS | {f"shortage {e}": "t" for e in short.columns}
    e = result.elements.rename(columns={"stock": "initial_stock"})
    stockpile = e[["element", "initial_stock", "optimal_stock", "max_stock", "holding_cost"]]
    plan = _plan(result, data)
    if not evaluated:  # whether the plan breaks a limit is evaluate's question: an optimum never does
        plan = plan.drop(columns=["violated", "excess"])
    return [
        Table("plan", plan, PLAN),
        Table("elements", e, ELEMENTS),
        Table("stockpile", stockpile, STOCKPILE),
        Table("caps", result.caps, CAPS),
        Table("scenarios", scen, kinds),
        Table("shortages", result.shortages, SHORTAGES),
        Table("totals", _totals({"value": result}), {"figure": "text", "value": "musd"}),
    ]


def _evaluation_tables(ev: Evaluation, data: InputData | None = None) -> list[Table]:
    mine = _result_tables(ev.result, data, evaluated=True)
    plan = _plan(ev.result, data)
    if ev.optimum is not None:
        plan["optimum_volume"] = ev.optimum.plan["volume"].to_numpy()
        plan["optimum_share"] = ev.optimum.plan["share"].to_numpy()
    columns = {"your_mix": ev.result} | ({"optimum": ev.optimum} if ev.optimum is not None else {})
    totals = _totals(columns)
    return [Table("plan", plan, PLAN), Table("violations", ev.violations, VIOLATIONS),
            *[t for t in mine if t.name not in ("plan", "totals")],
            Table("totals", totals, {"figure": "text"} | {c: "musd" for c in columns})]


def _plan(result: Result, data: InputData | None = None) -> pd.DataFrame:
    """The plan with its caps; with ``data``, ``binding`` names every limit that binds on the
    offer (its own cap, a group's, a cap on upstream content the offer carries: "" for none) and
    ``marginal_cost_per_pp`` is the costliest of them."""
    plan = plan_with_caps(result)
    if data is None or not len(result.caps):
        return plan
    _, terms = data.limits()
    caps = result.caps.reset_index(drop=True)  # one row per limit, in the order of data.limits()
    on = terms[terms["limit"].map(caps["binding"]).astype(bool)]
    names, costs = [""] * len(plan), [0.0] * len(plan)
    for offer, limits in on.groupby("offer")["limit"]:
        rows = caps.loc[limits].sort_values("marginal_cost_per_pp", ascending=False, kind="stable")
        names[offer] = "; ".join(
            f"{r.origin} {r.kind} {r.limit:.0%} of {r.element} ({r.basis}, {r.scope}): "
            f"{r.marginal_cost_per_pp / M:,.4f} USD M per pp" for r in rows.itertuples())
        costs[offer] = float(rows["marginal_cost_per_pp"].iloc[0])
    return plan.assign(binding=names, marginal_cost_per_pp=costs)


def _totals(columns: dict[str, Result]) -> pd.DataFrame:
    first = next(iter(columns.values()))
    names = ["procurement cost", "stockpile cost", "expected shortage cost",
             f"CVaR of shortage cost, {first.options.cvar_level:.0%}", "objective"]
    out = pd.DataFrame({"figure": names})
    for label, r in columns.items():
        out[label] = [r.procurement_cost, r.stockpile_cost, r.expected_shortage_cost, r.cvar, r.objective]
    if first.value_of_information and len(columns) == 1:
        extra = pd.DataFrame({"figure": list(first.value_of_information),
                              "value": list(first.value_of_information.values())})
        out = pd.concat([out, extra], ignore_index=True)
    return out


PLAN_KINDS = {
    "path": "text", "event": "text", "origin": "text", "element": "text", "project": "text",
    "probability": "probability", "weight": "probability", "capex": "usd_per_t_yr", "annual_cost_per_t": "usd_per_t_yr",
    "max_capacity": "t/yr",
    "volume": "t", "spot": "t", "stock": "t", "release": "t", "into_stock": "t", "shortage": "t", "shortfall": "t",
    "capacity": "t/yr", "decision": "text", "demand": "t", "stock_p5": "t", "stock_p95": "t", "shortage_p95": "t",
    "shortage_probability": "probability", "procurement_cost": "musd", "spot_cost": "musd", "stockpile_cost": "musd",
    "investment_cost": "musd", "terminal_shortfall_cost": "musd", "shortage_cost": "musd", "total": "musd",
}


def _plan_tables(result: PlanResult) -> list[Table]:
    parts = ["procurement_cost", "spot_cost", "stockpile_cost", "investment_cost", "terminal_shortfall_cost",
             "expected_shortage_cost", "cvar", "objective"]
    totals = pd.DataFrame({"figure": parts, "value": [getattr(result, p) for p in parts]})
    if result.value_of_information:
        totals = pd.concat([totals, pd.DataFrame({"figure": list(result.value_of_information),
                                                  "value": list(result.value_of_information.values())})],
                           ignore_index=True)
    frames = {name: getattr(result, name) for name in
              ("paths", "volumes", "stock", "terminal", "investments", "survival", "path_costs", "projects")}
    frames["paths"] = frames["paths"].drop(columns=["events"], errors="ignore")  # its pairs are in the path's name
    tables = [Table(name, frame, PLAN_KINDS) for name, frame in frames.items()]
    trajectory = result.trajectory
    by_origin = {c: "t" for c in trajectory.columns if c.startswith(BY_ORIGIN)}
    acts = [Table("sign_now", result.sign_now, PLAN_KINDS), Table("trajectory", trajectory, PLAN_KINDS | by_origin)]
    return [*acts, *tables, Table("totals", totals, {"figure": "text", "value": "musd"}), *_scale_tables(result)]


REPLICATION_KINDS = {"replication": "number", "seed": "number", "paths": "number", "objective": "musd",
                     "evaluation": "musd", "gap": "musd", "decision": "text", "origin": "text", "element": "text",
                     "year": "number", "signed": "number", "project": "text", "quantity": "text",
                     **{name: "t" for name in ("first", "min", "median", "max")}}
DECOMPOSITION_KINDS = {"method": "text", "ranks": "number", "iterations": "number", "outer_bound": "musd",
                       "inner_bound": "musd", "gap": "number", "seconds": "number",
                       "piece_paths": "number", "pieces": "number"}


def _scale_tables(result: PlanResult) -> list[Table]:
    """The replications' sheets (each tree's figures with the intervals after them, and the spread
    of every sign-now decision; t or t/yr as ``quantity`` says) and the decomposition's."""
    out = []
    rep = result.replications
    if rep is not None:
        doc = rep.to_dict()
        names, figures = [], []
        for name in ("mean", "ci95", "evaluation_mean", "evaluation_ci95", "gap", "gap_ci95"):
            value = doc[name]
            pairs = [(f"{name}_low", value[0]), (f"{name}_high", value[1])] if name.endswith("ci95") and value else \
                [(name, value)]
            for label, v in pairs:
                names.append(label)
                figures.append(np.nan if v is None else v)
        summary = pd.DataFrame({"figure": names, "value": figures})
        out += [Table("replications", rep.runs, REPLICATION_KINDS),
                Table("replication_intervals", summary, {"figure": "text", "value": "musd"}),
                Table("replicated_sign_now", rep.sign_now, REPLICATION_KINDS)]
    if result.decomposition is not None:
        out.append(Table("decomposition", pd.DataFrame([result.decomposition]), DECOMPOSITION_KINDS))
    return out


def _points(frontier: Frontier) -> Table:
    frame = frontier.frame()
    kinds = POINTS | {c: "share" for c in frame.columns if c.startswith("share:")}
    return Table("points", frame, kinds)


def _sweep_status(frontier: Frontier) -> str:
    status = [row.status for row in frontier.rows.values()]
    return f"{status.count('optimal')} of {len(status)} points optimal"


def _about(command: str, data: InputData | None, options: dict[str, Any], status: str,
           objective: float | None) -> Table:
    rows: list[tuple[str, str, Any]] = [("run", "command", f"sourcing {command}".strip())]
    if data is not None:
        rows.append(("inputs", "source", str(data.folder)))
        rows.append(("inputs", "kind", inputs_kind(data)))
        if data.year is not None and command != "plan":
            rows.append(("inputs", "year", f"{data.year} ({data.year_reason or 'the year asked for'})"))
        elif command == "plan" and isinstance(options, dict) and options.get("years"):
            rows.append(("inputs", "years", f"{options['years']} ({horizon_reason(data)})"))
        rows += [("inputs", f["name"], f"sha256 {f['sha256']}") for f in inputs_doc(data)["files"]]
    rows += [("options", name, _option(value)) for name, value in options.items()]
    rows.append(("result", "status", status))
    if objective is not None:
        rows.append(("result", "objective (USD M)", objective / M))
    rows += [("run", "version", f"sourcing {version()}"), ("run", "date", now().isoformat(sep=" "))]
    frame = pd.DataFrame(rows, columns=["section", "item", "value"])
    return Table("about", frame, {"section": "text", "item": "text", "value": "number"})


def _option(value: Any) -> Any:
    if isinstance(value, dict):
        return ", ".join(f"{k if isinstance(k, str) else ':'.join(k)}={v:g}" for k, v in value.items()) or "none"
    if isinstance(value, Iterable) and not isinstance(value, str):
        return ", ".join(str(v) for v in value)
    return "none" if value is None else value
