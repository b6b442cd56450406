"""Results as text tables for people: what ``--format table`` prints.

Figures are written by the rules of :mod:`sourcing.output.formats` (the HTML report uses the same):
volumes in t with one decimal, shares in %, money in USD M with three decimals (marginal costs per
point with four).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import pandas as pd

from sourcing.data import InputData
from sourcing.errors import printable
from sourcing.frontier import FIGURES, Grid, Row, bound_words
from sourcing.output.formats import (
    cap,
    level,
    musd,
    musd_per_pp,
    probability,
    share,
    tonnes,
    usd_kg,
    weight,
    whole_tonnes,
)
from sourcing.output.inputs import inputs_words, solved_heading, year_line
from sourcing.result import Evaluation, Result


def result_table(result: Result | Evaluation, data: InputData | None = None) -> str:
    """What a planner reads first: the plan, the totals, the binding caps, the scenarios (headed
    by the year and the inputs of ``data``, when given)."""
    if isinstance(result, Evaluation):
        return evaluation_table(result, data)
    out = [*_heading("Sourcing plan", result, data), ""]
    plan = result.plan
    shown = pd.DataFrame({
        "element": plan["element"],
        "origin": plan["origin"],
        "volume_t": plan["volume"].map(tonnes),
        "share": plan["share"].map(share),
        "unit_cost_usd_kg": plan["unit_cost"].map(usd_kg),
        "cost_musd": plan["procurement_cost"].map(musd),
        "capacity_t": plan["capacity"].map(whole_tonnes),
        "cap": plan["max_share"].map(cap),
    })
    out += ["Plan (t/yr; share of the element's contracted total; cost in USD M/yr)", _frame(shown), ""]

    e = result.elements
    elem = pd.DataFrame({
        "element": e["element"],
        "demand_t": e["demand"].map(tonnes),
        "contracted_t": e["total_volume"].map(tonnes),
        "optimal_stock_t": e["optimal_stock"].map(tonnes),
        "marginal_cost_usd_kg": e["marginal_cost"].map(usd_kg),
        "stock_value_usd_kg": e["stock_value"].map(usd_kg),
    })
    out += ["Elements (marginal cost: rise of the objective per extra kg of demand; stock value: its fall per"
            " extra kg of stock)", _frame(elem), ""]
    if (e["max_stock"] > e["stock"]).any():
        decided = e[e["max_stock"] > e["stock"]]
        stock = pd.DataFrame({
            "element": decided["element"],
            "initial_stock_t": decided["stock"].map(tonnes),
            "optimal_stock_t": decided["optimal_stock"].map(tonnes),
            "max_stock_t": decided["max_stock"].map(tonnes),
            "holding_cost_usd_kg": decided["holding_cost"].map(usd_kg),
        })
        out += ["Stockpile (the stock level is a decision between the initial stock and max_stock)", _frame(stock),
                ""]

    out += ["Totals (USD M/yr)", _frame(_totals({"value": result}), indent="  ")]
    if result.value_of_information:
        v = result.value_of_information
        out += ["", "Value of planning for disruption (USD M/yr)",
                _frame(pd.DataFrame({
                    "measure": ["value of the stochastic solution (EEV - RP)",
                                "expected value of perfect information (RP - WS)",
                                "mean-value plan under the scenarios (EEV)", "wait-and-see (WS)"],
                    "musd": [musd(v[k]) for k in (
                        "value_of_stochastic_solution", "expected_value_of_perfect_information",
                        "expected_result_of_mean_value_solution", "wait_and_see")],
                }))]
    out.append("")
    out += _binding(result.caps)
    out += ["Scenarios (shortage left after stock release, t; its cost, USD M)", _frame(_scenarios(result))]
    return "\n".join(out) + "\n"


def evaluation_table(ev: Evaluation, data: InputData | None = None) -> str:
    """The given plan beside the optimum: money, shares, violations, shortages."""
    mine, best = ev.result, ev.optimum
    out = [*_heading("Evaluation of a given plan", mine, data), ""]
    columns = {"your_mix": mine} | ({"optimum": best} if best is not None else {})
    out += ["Your mix beside the optimum (USD M/yr)", _frame(_totals(columns)), ""]
    if best is None:
        out += ["No optimum exists for these inputs:"] + [f"  - {c}" for c in ev.optimum_causes] + [""]
    plan = mine.plan
    shares = pd.DataFrame({
        "element": plan["element"], "origin": plan["origin"],
        "your_volume_t": plan["volume"].map(tonnes),
        "your_share": plan["share"].map(share),
    })
    if best is not None:
        shares["optimum_volume_t"] = best.plan["volume"].map(tonnes).to_numpy()
        shares["optimum_share"] = best.plan["share"].map(share).to_numpy()
    out += ["Volumes and shares by element and origin", _frame(shares), ""]
    v = ev.violations
    if len(v):
        share_kind = v["kind"].str.endswith("_share")
        fmt = lambda x, s: share(x) if s else f"{tonnes(x)} t"  # noqa: E731
        shown = pd.DataFrame({
            "origin": v["origin"], "element": v["element"], "kind": v["kind"],
            "basis": v["basis"].replace("", "-"), "scope": v["scope"].replace("", "-"),
            "limit": [fmt(x, s) for x, s in zip(v["limit"], share_kind)],
            "value": [fmt(x, s) for x, s in zip(v["value"], share_kind)],
            "excess": [fmt(x, s) for x, s in zip(v["excess"], share_kind)],
        })
        out += [f"Violations ({len(v)}: limits the plan breaks)", _frame(shown), ""]
    else:
        out += ["Violations: none (the plan meets capacities, commitments, demand and every cap)", ""]
    out += ["Scenarios, your mix (shortage left after stock release, t; its cost, USD M)", _frame(_scenarios(mine))]
    if best is not None:
        out += ["", "Scenarios, optimum", _frame(_scenarios(best))]
    return "\n".join(out) + "\n"


def _heading(title: str, result: Result, data: InputData | None) -> list[str]:
    """The first line (what was solved: the year, the inputs, the options) and, for a year of
    dated inputs, why that year."""
    o = result.options
    head = f"{solved_heading(title, data)}: risk weight {weight(o.risk_weight)}"
    if o.cvar_weight > 0:
        head += f", CVaR weight {weight(o.cvar_weight)} at level {weight(o.cvar_level)}"
    why = year_line(data)
    return [head, why] if why else [head]


def _totals(columns: dict[str, Result]) -> pd.DataFrame:
    first = next(iter(columns.values()))
    cvar_level = first.options.cvar_level
    names = ["procurement cost", "stockpile cost", "expected shortage cost",
             f"CVaR of shortage cost, {level(cvar_level)}", "objective"]
    table = pd.DataFrame({"": names})
    for label, r in columns.items():
        values = [r.procurement_cost, r.stockpile_cost, r.expected_shortage_cost, r.cvar, r.objective]
        table[label] = [musd(v) for v in values]
    return table


def _binding(caps: pd.DataFrame) -> list[str]:
    binding = caps[caps["binding"]]
    if not len(binding):
        return [f"Binding caps: none of {count(len(caps), 'limit')} binds", ""]
    b = pd.DataFrame({
        "origin": binding["origin"],
        "element": binding["element"],
        "kind": binding["kind"],
        "limit": binding["limit"].map(share),
        "share": binding["share"].map(share),
        "marginal_cost_per_pp_musd": binding["marginal_cost_per_pp"].map(musd_per_pp),
    })
    if (binding["basis"] != "imports").any() or (binding["scope"] != "origin").any():
        b.insert(3, "basis", binding["basis"])
        b.insert(4, "scope", binding["scope"])
    return ["Binding caps (marginal cost: rise of the objective if the cap tightens, or the floor rises, by 1 "
            "percentage point)", _frame(b), ""]


def _scenarios(result: Result) -> pd.DataFrame:
    short = result.shortages.pivot(index="scenario", columns="element", values="shortage")
    scen = result.scenarios.set_index("scenario")
    table = pd.DataFrame({"probability": scen["probability"].map(probability)})
    for element in short.columns:
        table[f"{element}_t"] = short.loc[scen.index, element].map(tonnes)
    table["shortage_cost_musd"] = scen["shortage_cost"].map(musd)
    return table.reset_index()


def _frame(frame: pd.DataFrame, indent: str = "  ") -> str:
    """Columns of text: names left-aligned, figures (already formatted) right-aligned."""
    cols = []
    for name in frame.columns:
        cells = [str(name)] + [unsigned(str(v)) for v in frame[name]]
        width = max(map(len, cells))
        numeric = all(_looks_numeric(v) for v in cells[1:])
        cols.append([c.rjust(width) if numeric else c.ljust(width) for c in cells])
    lines = ["  ".join(row).rstrip() for row in zip(*cols)]
    return "\n".join(indent + line for line in lines)


_NEGATIVE_ZERO = re.compile(r"-(?=0[0.,]*(?:%| t)?$)")


def unsigned(text: str) -> str:
    """A formatted figure without the sign of a zero: ``-0.00`` (from -0.0 or -1e-9) is ``0.00``."""
    return _NEGATIVE_ZERO.sub("", text, count=1) if text.startswith("-") else text


def _looks_numeric(text: str) -> bool:
    return text == "-" or text.replace(",", "").replace("%", "").replace(".", "", 1).lstrip("-").isdigit()


def count(n: int, noun: str) -> str:
    """``1 point``, ``2 points``, ``1,000 points``."""
    return f"{n:,} {noun}" if n == 1 else f"{n:,} {noun}s"


def check_summary(data: InputData) -> str:
    """What ``sourcing check`` prints for a folder that passes."""
    n_dis = len(data.offer_availability())
    return (
        f"ok: {count(len(data.offers), 'offer')} from {count(len(data.origins), 'origin')} for "
        f"{count(len(data.elements), 'element')}; {count(len(data.caps), 'cap row')}; "
        f"{count(len(data.scenarios), 'scenario')} "
        f"with {count(n_dis, 'disrupted offer-scenario')}; "
        f"{'workbook' if data.folder is not None and data.folder.is_file() else 'folder'} "
        f"{printable(str(data.folder))}\n"
    )


def sweep_summary(rows: dict[int, Row]) -> str:
    """One line for stderr: how many points were solved and how many have no plan."""
    status = [row.status for row in rows.values()]
    failed = len(status) - status.count("optimal")
    return (f"{count(len(status), 'point')}: {status.count('optimal')} optimal"
            + (f", {failed} without a plan (status {', '.join(sorted(set(status) - {'optimal'}))})"
               if failed else ""))


class SweepTable:
    """Fixed-width columns (so that rows can be appended): money in USD M, shares of the target in %."""

    sep, suffix = "", ""

    @staticmethod
    def _shown(grid: Grid) -> list[tuple[int, str]]:
        """Share columns shown: the target origin's share of each element it offers, or, for an
        ORIGIN:ELEMENT target, every origin's share of that element."""
        cols = []
        for i, (element, origin) in enumerate(grid.offers):
            if isinstance(grid.target, tuple):
                if element == grid.target[1]:
                    cols.append((i, f"{origin}:{element}"))
            elif origin in grid.members:
                cols.append((i, f"{origin}:{element}"))
        return cols

    @staticmethod
    def _widths(grid: Grid) -> list[int]:
        return [9, 11, 11, 11] + [13] * len(FIGURES) + [max(8, len(n)) for _, n in SweepTable._shown(grid)]

    @staticmethod
    def prefix(grid: Grid) -> str:
        names = [grid.bound, "risk_weight", "cvar_weight", "status", "objective", "procurement", "stockpile",
                 "exp_shortage", "cvar", "marginal_pp"] + [n for _, n in SweepTable._shown(grid)]
        limit, tightens = bound_words(grid.bound)
        what = (f"the {limit} on {grid.target[0]}'s share of {grid.target[1]}" if isinstance(grid.target, tuple)
                else f"the {limit} on {grid.label} (every element it offers)")
        year = f" for {grid.year}" if grid.year is not None else ""
        inputs = f", {inputs_words(grid.inputs)}" if grid.inputs is not None else ""
        why = year_line(None, grid.year, grid.year_reason)
        lines = [
            f"Sweep of {what}{year}{inputs}: {count(grid.size, 'point')}; CVaR level {weight(grid.cvar_level)}",
            *([why] if why else []),
            f"Money in USD M/yr; marginal_pp: rise of the objective (USD M) if the {limit} {tightens} by 1 "
            "percentage point; shares in % of the element's imports",
            SweepTable._line(names, SweepTable._widths(grid)),
        ]
        return "\n".join(lines) + "\n"

    @staticmethod
    def _line(cells: Sequence[str], widths: Sequence[int]) -> str:
        cells = [unsigned(c) for c in cells]
        out = [c.rjust(w) if i != 3 else c.ljust(w) for i, (c, w) in enumerate(zip(cells, widths))]
        return "  ".join(out).rstrip()

    @staticmethod
    def item(grid: Grid, index: int, row: Row) -> str:
        cap_share, rw, cw = grid.point(index)
        ok = row.status == "optimal"
        cells = [share(cap_share), weight(rw), weight(cw), row.status]
        cells += [musd(v) if ok else "-" for v in row.figures[:-1]]
        cells += [musd_per_pp(row.figures[-1]) if ok else "-"]
        cells += [share(row.shares[i]) if ok else "-" for i, _ in SweepTable._shown(grid)]
        return SweepTable._line(cells, SweepTable._widths(grid)) + "\n"
