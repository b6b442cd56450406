"""A multi-year plan as text tables for a planner: what ``sourcing plan --format table`` prints.

In order: what to sign now (the root's decisions, ``PlanResult.sign_now``), the expected course
over the paths (``PlanResult.trajectory``), the worst paths, the funding per history, the time to
survive a stop, the cost split (and the value of planning on the tree, the error stated by
replications, and how progressive hedging ended, when asked for). Volumes in t
with one decimal, shares in %, money in USD M (present values).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from sourcing.data import InputData
from sourcing.multiyear.outlook import BY_ORIGIN, CONTRACT, INVESTMENT, origins_of
from sourcing.multiyear.result import PlanResult
from sourcing.output.formats import MUSD
from sourcing.output.inputs import DEFAULT_HORIZON, horizon_reason, inputs_words
from sourcing.output.table import _frame

WORST = 5
"""How many of the worst paths are listed."""
NO_GAP = "-"


@dataclass(frozen=True)
class Block:
    """One part of the plan's report: a title, and a table of figures already formatted (or a
    line of text where there is no table). The text table and the HTML report show the same."""

    key: str
    title: str
    frame: pd.DataFrame | None = None
    text: str = ""


def heading(result: PlanResult, data: InputData | None = None) -> str:
    """The first line: the horizon, the inputs (of ``data``, when given), the options, the paths."""
    first, last = result.years[0], result.years[-1]
    o = result.options
    inputs = f", {inputs_words(data)}" if data is not None else ""
    return (f"Multi-year plan {first}-{last}{inputs}: risk weight {o.risk_weight:g}"
            + (f", CVaR weight {o.cvar_weight:g} at level {o.cvar_level:g}" if o.cvar_weight > 0 else "")
            + f", discount rate {result.discount_rate:.1%}; {len(result.paths)} path{'s' * (len(result.paths) != 1)}")


def blocks(result: PlanResult) -> list[Block]:
    """The plan's report in order: sign now, trajectory, worst paths, funding, survival, costs."""
    return [*_sign_now(result), *_trajectory(result), *_worst_paths(result), *_funding(result),
            *_survival(result), *_costs(result), *_replications(result), *_decomposition(result)]


def horizon_line(result: PlanResult, data: InputData | None) -> str:
    """Why the plan covers its years: ``--years 2026:2035``, or the default and how to widen it
    ("" without ``data``: nothing says how the years were chosen)."""
    if data is None:
        return ""
    first, last = result.years[0], result.years[-1]
    reason = horizon_reason(data)
    line = f"Years {first}-{last}: {reason}"
    if reason != DEFAULT_HORIZON:  # the --years option chose them
        return line + "."
    timeline = data.timeline
    demand = timeline.frames.get("demand") if timeline is not None else None
    before = timeline.in_force("demand", first - 1) if demand is not None else None
    if before is not None and set(before["element"]) == set(demand["element"]):  # undated rows hold before
        line += (f" (a row without a year holds before its key's first dated row: --years {first - 1}:{last} "
                 f"plans {first - 1} on such rows too)")
    return line + "."


def plan_table(result: PlanResult, data: InputData | None = None) -> str:
    why = horizon_line(result, data)
    out = [heading(result, data), *([why] if why else []), ""]
    for block in blocks(result):
        if block.key == "contracts":  # the two parts of "sign now" share one heading
            out.append(block.title.split("\n", 1)[0])
            title = block.title.split("\n", 1)[1]
        else:
            title = block.title
        if block.frame is not None:
            out += [title, _frame(block.frame), ""]
        elif block.text and block.key == "worst":
            out += [title, f"  {block.text}", ""]
        else:
            out += [f"{title}{block.text}", ""]
    return "\n".join(out).rstrip("\n") + "\n"


def _sign_now(result: PlanResult) -> list[Block]:
    first = result.years[0]
    now = result.sign_now
    root = now[now["decision"] == CONTRACT]
    head = f"Sign now: decided at the start of {first}, before any event is known (every path shares them)"
    shown = pd.DataFrame({
        "year": root["year"], "element": root["element"], "origin": root["origin"],
        "volume_t": root["volume"].map("{:,.1f}".format), "signed": root["signed"],
    })
    out = [Block("contracts", f"{head}\nContracts (t for the year; signed at the start of `signed`, lead_time years "
                               "ahead)", shown)]
    funded = now[now["decision"] == INVESTMENT]
    if len(funded):
        projects = result.projects.set_index("project")
        shown = pd.DataFrame({
            "project": funded["project"],
            "origin": funded["origin"],
            "element": funded["element"],
            "capacity_t_yr": funded["capacity"].map("{:,.1f}".format),
            "max_capacity_t_yr": funded["project"].map(projects["max_capacity"]).map("{:,.0f}".format),
            "online": funded["project"].map(lambda p: _online(result, p, first)),
            "capex_musd": (funded["capacity"] * funded["project"].map(projects["capex"]) / MUSD).map(
                "{:,.3f}".format),
        })
        out.append(Block("invest_now", "Investments decided now (capacity funded, t/yr; capex is the whole outlay)",
                         shown))
    else:
        why = "no project of investments.csv delivers in time" if len(result.projects) else "the inputs hold no project"
        out.append(Block("invest_now", "Investments decided now", text=f": none can be decided now ({why})"))
    return out


def _online(result: PlanResult, project: str, decided: int) -> str:
    p = result.projects.set_index("project").loc[project]
    start = decided + int(p["lead_time"])
    end = min(start + int(p["life"]) - 1, result.years[-1])
    return f"{start}-{end}" if end > start else f"{start}"


def _capped_origins(result: PlanResult) -> list[str]:
    """The origins whose share the trajectory shows: those an origin cap (max_share) limits in some
    year, or else the one with the most tonnes expected to be contracted."""
    lim = result.limits
    offering = set(origins_of(result.trajectory))
    capped = sorted(set(lim.loc[(lim["kind"] == "max") & (lim["scope"] == "origin"), "origin"]) & offering)
    if capped:
        return capped
    tr = result.trajectory
    by_origin = {o: float(np.nansum(tr[BY_ORIGIN + o].to_numpy(float))) for o in sorted(offering)}
    return sorted(by_origin, key=lambda o: -by_origin[o])[:1]


def _tonnes(values: pd.Series) -> list[str]:
    return [NO_GAP if not np.isfinite(x) else f"{x:,.1f}" for x in values.to_numpy(float)]


def _trajectory(result: PlanResult) -> list[Block]:
    tr = result.trajectory
    if not len(tr):
        return []
    origins = origins_of(tr)
    table = pd.DataFrame({"year": tr["year"], "element": tr["element"], "demand_t": _tonnes(tr["demand"])})
    for origin in origins:
        table[origin] = _tonnes(tr[BY_ORIGIN + origin])
    table["spot_t"] = _tonnes(tr["spot"])
    top = _capped_origins(result)
    total = tr["volume"].to_numpy(float)
    for origin in top:
        share = np.nan_to_num(tr[BY_ORIGIN + origin].to_numpy(float)) / np.where(total > 0, total, 1.0)
        table[f"{origin}_share"] = [f"{x:.1%}" for x in share]
    for name in ("stock", "stock_p5", "stock_p95", "shortage", "shortage_p95"):
        table[f"{name}_t"] = _tonnes(tr[name])
    table["p_shortage"] = [f"{x:.1%}" for x in tr["shortage_probability"].to_numpy(float)]
    return [Block("trajectory", "Expected course over the paths, weighted by their probabilities (mean contracts per "
                  f"origin and spot purchases, t; {', '.join(top)} share of the mean contracts; stock at the end of "
                  "the year: mean, 5th and 95th percentile; shortage: mean, 95th percentile, and the probability of "
                  f"any; {NO_GAP}: no offer)", table)]


def worst_paths(result: PlanResult) -> pd.DataFrame:
    """The rows of ``path_costs`` that leave demand unmet, the costliest shortage first (then by name)."""
    costs = result.path_costs
    return costs[costs["shortage_cost"] > 0].sort_values(["shortage_cost", "path"], ascending=[False, True])


def _worst_paths(result: PlanResult) -> list[Block]:
    pen = result.elements.set_index(["year", "element"])["shortage_cost"]
    s = result.stock
    cost = s["shortage"].to_numpy() * pen.reindex(pd.MultiIndex.from_frame(s[["year", "element"]])).to_numpy() * 1000
    by_year = pd.DataFrame({"path": s["path"], "year": s["year"], "cost": cost}).groupby(["path", "year"])["cost"].sum()
    worst = worst_paths(result)
    level = result.options.cvar_level
    title = (f"Worst paths (shortage cost over the horizon; expected {result.expected_shortage_cost / MUSD:,.3f}, "
             f"CVaR {level:.0%} {result.cvar / MUSD:,.3f} USD M)")
    if not len(worst):
        return [Block("worst", title, text="no path leaves demand unmet")]
    rows = []
    for r in worst.head(WORST).itertuples(index=False):
        years = by_year.loc[r.path]
        year = int(years.idxmax())
        short = s[(s["path"] == r.path) & (s["year"] == year) & (s["shortage"] > 0)]
        rows.append((r.path, f"{r.probability:.4f}", f"{r.shortage_cost / MUSD:,.3f}", f"{r.total / MUSD:,.3f}", year,
                     ", ".join(f"{e} {x:,.1f} t" for e, x in zip(short["element"], short["shortage"]))))
    shown = pd.DataFrame(rows, columns=["path", "probability", "shortage_cost_musd", "path_cost_musd", "worst_year",
                                        "shortage_in_worst_year"])
    return [Block("worst", title, shown)]


def _funding(result: PlanResult) -> list[Block]:
    inv = result.investments
    if not len(inv):
        return []
    paths = result.paths.set_index("path")
    funded = inv[inv["capacity"] > 1e-6].copy()
    if not len(funded):
        return [Block("funding", "Funding per history", text=": no project is funded on any path")]
    pairs = dict(zip(result.paths["path"], _pairs(result)))
    known = ["+".join(f"{x['event']}@{x['start']}" for x in pairs[p] if x["start"] <= year - 1)
             for p, year in zip(funded["path"], funded["year"])]
    funded["history"] = [h or f"no event before {year}" for h, year in zip(known, funded["year"])]
    funded["probability"] = funded["path"].map(paths["probability"])
    nodes = funded.groupby(["project", "year", "history"], sort=False).agg(
        capacity=("capacity", "first"), probability=("probability", "sum"), paths=("path", "size")).reset_index()
    nodes = nodes.sort_values(["project", "year", "probability"], ascending=[True, True, False], kind="stable")
    nodes["amount"] = nodes["capacity"].map("{:,.1f}".format)  # histories funding the same amount, one row
    grouped = nodes.groupby(["project", "year", "amount"], sort=False).agg(
        history=("history", _histories), probability=("probability", "sum"), paths=("paths", "sum")).reset_index()
    shown = pd.DataFrame({
        "project": grouped["project"], "decided": grouped["year"],
        "capacity_t_yr": grouped["amount"], "online": [_online(result, p, y) for p, y in
                                                       zip(grouped["project"], grouped["year"])],
        "paths": grouped["paths"], "probability": grouped["probability"].map("{:.4f}".format),
        "history": grouped["history"],
    })
    return [Block("funding", "Funding per history (decided at the start of the year, knowing the events before it; "
                  "t/yr)", shown)]


def _pairs(result: PlanResult) -> list[list[dict]]:
    """Each path's (event, start) pairs (from ``event`` and ``start`` where a result has no ``events``)."""
    paths = result.paths
    if "events" in paths:
        return list(paths["events"])
    return [[] if e is None else [{"event": e, "start": s}] for e, s in zip(paths["event"], paths["start"])]


def _histories(names: pd.Series, most: int = 3) -> str:
    names = list(names)
    return ", ".join(names[:most]) + (f" and {len(names) - most} more" if len(names) > most else "")


def _survival(result: PlanResult) -> list[Block]:
    sv = result.survival
    if not len(sv):
        return []
    table = sv.pivot_table(index=["year", "origin"], columns="element", values="days", aggfunc="first")
    elements = sorted(result.elements["element"].unique())
    table = table.reindex(columns=elements)
    shown = table.reset_index()
    for e in elements:
        shown[e] = [NO_GAP if not np.isfinite(x) else f"{x:,.0f}" for x in table[e].to_numpy(float)]
    shown.columns.name = None
    return [Block("survival", "Time to survive (no event so far: days the stock at the start of the year covers the "
                  f"gap if the origin stopped then; {NO_GAP}: the others cover demand)", shown)]


def _costs(result: PlanResult) -> list[Block]:
    names = ["procurement cost", "spot cost", "stockpile cost", "investment cost", "terminal shortfall cost",
             "expected shortage cost", f"CVaR of shortage cost, {result.options.cvar_level:.0%}", "objective"]
    values = [result.procurement_cost, result.spot_cost, result.stockpile_cost, result.investment_cost,
              result.terminal_shortfall_cost, result.expected_shortage_cost, result.cvar, result.objective]
    out = [Block("costs", "Cost split (present values, expected over the paths, USD M)",
                 pd.DataFrame({"": names, "value": [f"{v / MUSD:,.3f}" for v in values]}))]
    voi = result.value_of_information
    if voi:
        out.append(Block("voi", "Value of planning on the tree (USD M)", pd.DataFrame({
            "measure": ["value of the stochastic solution (EEV - RP)",
                        "expected value of perfect information (RP - WS)",
                        "mean-value plan's root decisions on the tree (EEV)", "wait-and-see (WS)"],
            "musd": [f"{voi[k] / MUSD:,.3f}" for k in ("value_of_stochastic_solution",
                                                       "expected_value_of_perfect_information",
                                                       "expected_result_of_mean_value_solution", "wait_and_see")],
        })))
    return out


def _interval(pair) -> str:
    return NO_GAP if pair is None else f"{pair[0] / MUSD:,.3f} to {pair[1] / MUSD:,.3f}"


def _replications(result: PlanResult) -> list[Block]:
    rep = result.replications
    if rep is None:
        return []
    seeds = rep.runs["seed"]
    figures = pd.DataFrame({
        "measure": ["in-sample optimum, mean over the trees", "first tree's sign-now decisions on the other trees",
                    "gap of the first tree's decisions (evaluation - optimum)"],
        "musd": [f"{v / MUSD:,.3f}" if v is not None else NO_GAP
                 for v in (rep.mean, rep.evaluation_mean, rep.gap)],
        "ci95_musd": [_interval(rep.ci95), _interval(rep.evaluation_ci95), _interval(rep.gap_ci95)],
    })
    title = (f"Replications: {rep.count} sampled trees (seeds {seeds.iloc[0]}..{seeds.iloc[-1]}); "
             "95% Student-t intervals, USD M")
    spread = rep.sign_now[rep.sign_now["max"] > 0]
    shown = pd.DataFrame({
        "decision": spread["decision"], "year": spread["year"], "element": spread["element"],
        "origin": spread["origin"], "project": spread["project"].fillna(NO_GAP),
        "unit": np.where(spread["quantity"] == "volume", "t", "t/yr"),
        **{name: spread[name].map("{:,.1f}".format) for name in ("first", "min", "median", "max")},
    })
    return [Block("replications", title, figures),
            Block("replicated_sign_now", "Sign now across the trees (this plan is the first tree's; decisions "
                                         "zero on every tree left out)", shown)]


def _decomposition(result: PlanResult) -> list[Block]:
    d = result.decomposition
    if d is None:
        return []
    text = (f": progressive hedging on {d['ranks']} rank{'s' * (d['ranks'] != 1)}, {d['iterations']} iterations, "
            f"{d['seconds']:,.1f} s; outer bound {d['outer_bound'] / MUSD:,.3f}, inner bound "
            f"{d['inner_bound'] / MUSD:,.3f} USD M (this plan{_pieces(d)}), gap {d['gap']:.2e}")
    return [Block("decomposition", "Decomposition", text=text)]


def _pieces(d: dict) -> str:
    """How the inner bound's plan was evaluated, when its tree was cut into pieces."""
    pieces = d.get("pieces", 1)
    return f"; its tree evaluated in {pieces} pieces of at most {d['piece_paths']:,} paths" if pieces > 1 else ""
