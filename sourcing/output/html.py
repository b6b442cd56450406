"""A :class:`~sourcing.briefing.Briefing` as one self-contained HTML file: what ``sourcing report``
writes.

The page is filled from Jinja2 templates kept in the package (``output/templates``); its style
sheet is inlined and its pictures (the sweep's, drawn by :func:`sourcing.output.plot.plot_frontier`,
and the plan's, by :func:`sourcing.output.plan_plot.plot_plan`) are base64 PNGs, so the file needs
nothing from the network, no script and no font. Every figure is written by the rules of
:mod:`sourcing.output.formats`, as the table writes it, from the same result objects as the JSON.
What the page holds and in which order is the template's business; this module only prepares the
rows it iterates over.

The years ahead (``sourcing plan``): when :attr:`Briefing.multi_year
<sourcing.briefing.Briefing.multi_year>` is set, ``report.html.j2`` includes
:data:`MULTI_YEAR_TEMPLATE` after the cap frontier, filled with the blocks that
:func:`sourcing.output.plan_table.blocks` gives the terminal table, and links to it.
"""

from __future__ import annotations

import base64
import io
import re
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd
from markupsafe import Markup, escape

from sourcing.briefing import Briefing, CapFrontier, MultiYear
from sourcing.output import formats
from sourcing.result import Result
from sourcing.schema import IMPORTS, ORIGIN, SPECS, YEAR
from sourcing.sources import LINE, InputFile
from sourcing.timeline import rows_in_force

ORIGIN_COLOURS = ("#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd",
                  "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf")
"""matplotlib's tab10, in the order the frontier's share panels give it to the origins (sorted), so
that an origin has the same colour in the bars and in the picture."""
DARK_TEXT = {"#ff7f0e", "#bcbd22", "#17becf", "#e377c2", "#7f7f7f"}
"""Colours light enough to carry dark text."""
SHORTAGE_SEEN = 1e-6
"""t: a scenario leaves a shortage when some element's shortage after stock exceeds this."""
TOP_CAPS = 3
"""The costliest caps the first screen names."""
FRONTIER_EVERY = 5
"""The frontier's table shows the caps at every this many percentage points (and the edge of the
infeasible zone); grids of at most :data:`FRONTIER_ALL` points are shown whole."""
FRONTIER_ALL = 15
PNG_DPI = 100
MULTI_YEAR_TEMPLATE = "multi_year.html.j2"
"""The template of the years ahead, given ``multi_year`` (:func:`multi_year`)."""


def briefing_html(briefing: Briefing) -> str:
    """The report as the text of one HTML file."""
    from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

    env = Environment(loader=PackageLoader("sourcing.output", "templates"),
                      autoescape=select_autoescape(default=True, default_for_string=True),
                      undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True)
    for name in ("tonnes", "whole_tonnes", "share", "cap", "usd_kg", "musd", "musd_change", "musd_per_pp",
                 "probability", "weight", "level", "given"):
        env.filters[name] = getattr(formats, name)
    css = env.loader.get_source(env, "report.css")[0]
    return env.get_template("report.html.j2").render(b=briefing, css=css, multi_year_template=MULTI_YEAR_TEMPLATE,
                                                     **context(briefing))


def context(b: Briefing) -> dict[str, Any]:
    """What the template iterates over, beside the briefing itself."""
    r = b.result
    origins = sorted(r.plan["origin"].unique())
    colour = {o: ORIGIN_COLOURS[i % len(ORIGIN_COLOURS)] for i, o in enumerate(origins)}
    return {
        "origins": [{"name": o, "colour": colour[o]} for o in origins],
        "bars": bars(r, b.focus, colour),
        "top_caps": costliest_caps(r),
        "binding": records(r.caps[r.caps["binding"]]),
        "plan": records(r.plan),
        "elements": records(r.elements),
        "stock_decided": records(r.elements[r.elements["max_stock"] > r.elements["stock"]]),
        "scenarios": scenarios(r),
        "shortage_chance": shortage_chance(r),
        "status_quo": status_quo(b),
        "frontier": frontier(b.cap_frontier, r) if b.cap_frontier is not None else None,
        "focus_caps": records(r.caps[r.caps["origin"] == b.focus]),
        "total_volume": float(r.elements["total_volume"].sum()),
        "total_demand": float(r.elements["demand"].sum()),
        "every": FRONTIER_EVERY,
        "input_files": [input_file(f) for f in (*b.inputs, *([b.status_quo_file] if b.status_quo_file else []))],
        "multi_year": multi_year(b.multi_year) if b.multi_year is not None else None,
        "lines": lines(b),
    }


def multi_year(m: MultiYear) -> dict[str, Any]:
    """The plan's section: the same blocks as ``sourcing plan`` prints (figures formatted by the
    same code: what to sign now, the expected course, ...), its picture, and for the lede the worst
    path, the shortest survival and the year and element most likely short (from the trajectory)."""
    if m.plan is None:
        return {"years": m.years, "causes": list(m.causes), "stopped": m.stopped, "blocks": []}
    from sourcing.output.plan_table import blocks, heading, worst_paths

    shown = []
    for block in blocks(m.plan):
        frame = block.frame
        *lead, title = block.title.split("\n")
        shown.append({"key": block.key, "title": _code(title), "lead": lead[0] if lead else "",
                      "text": block.text.lstrip(": "),
                      "columns": [_breakable(c) for c in frame.columns] if frame is not None else [],
                      "rows": frame.astype(str).to_numpy().tolist() if frame is not None else [],
                      "numeric": [_numeric(frame[c]) for c in frame.columns] if frame is not None else []})
    costs = worst_paths(m.plan)
    worst = costs.iloc[0] if len(costs) else None
    first = m.plan.survival[m.plan.survival["year"] == m.years[0]]
    short = first.dropna(subset=["days"]).sort_values("days").head(1)
    tr = m.plan.trajectory
    exposed = tr[tr["shortage_probability"] > 0].sort_values(["shortage_probability", "year", "element"],
                                                              ascending=[False, True, True], kind="stable").head(1)
    return {"years": m.years, "causes": [], "stopped": "", "heading": heading(m.plan), "blocks": shown,
            "png": "data:image/png;base64," + base64.b64encode(plan_png(m.plan)).decode("ascii"),
            "worst": None if worst is None else {"path": worst["path"], "probability": float(worst["probability"]),
                                                 "shortage_cost": float(worst["shortage_cost"])},
            "shortest": None if short.empty else {"element": short["element"].iloc[0],
                                                  "origin": short["origin"].iloc[0],
                                                  "days": float(short["days"].iloc[0])},
            "exposed": None if exposed.empty else {"year": int(exposed["year"].iloc[0]),
                                                   "element": str(exposed["element"].iloc[0]),
                                                   "probability": float(exposed["shortage_probability"].iloc[0]),
                                                   "shortage": float(exposed["shortage"].iloc[0])},
            "objective": m.plan.objective}


def _code(text: str) -> Markup:
    """Plain text whose `quoted` names (as the terminal table writes them) become <code>."""
    return Markup(re.sub(r"`([^`<>]+)`", r"<code>\1</code>", str(escape(text))))


def _breakable(name: object) -> Markup:
    """A column name that may wrap after its underscores (``volume_t``), not inside a word."""
    return Markup("_<wbr>").join(escape(str(name)).split("_"))


def _numeric(column: pd.Series) -> bool:
    return all(str(v).replace(",", "").replace("%", "").replace(".", "", 1).lstrip("-").isdigit() or str(v) == "-"
               for v in column)


def plan_png(result) -> bytes:
    """The plan's own picture (:func:`~sourcing.output.plan_plot.plot_plan`) as PNG bytes."""
    from sourcing.output.plan_plot import plot_plan

    return _png(plot_plan, result)


def input_file(f: InputFile) -> dict[str, Any]:
    """One input file's table: its columns (with units and docs), free columns and rows."""
    key = "plan" if f.spec.name not in {s.name for s in SPECS.values()} else f.spec.name.removesuffix(".csv")
    columns = [{"name": c.name, "unit": c.unit, "doc": c.doc, "number": c.kind in ("number", "share")}
               for c in f.spec.columns]
    return {"key": key, "name": f.name, "doc": f.spec.doc, "given": f.given, "columns": columns,
            "free": list(f.free_columns), "rows": records(f.rows) if f.given else []}


def lines(b: Briefing) -> dict[str, dict[str, int]]:
    """Line of each offer (``origin|element``), element and scenario in its input file, for links."""
    out: dict[str, dict[str, int]] = {"supply.csv": {}, "demand.csv": {}, "scenarios.csv": {}, "stockpile.csv": {}}
    keys = {"supply.csv": ("origin", "element"), "demand.csv": ("element",), "scenarios.csv": ("scenario",),
            "stockpile.csv": ("element",)}
    for f in b.inputs:
        if f.name in keys and f.given:
            cols = keys[f.name]
            rows = f.rows
            if b.year is not None and YEAR in rows.columns:  # the row in force in the year solved
                rows = rows_in_force(rows, list(cols), b.year)
            out[f.name] = {"|".join(str(row[c]) for c in cols): int(row[LINE]) for row in records(rows)}
    return out


def records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    return frame.to_dict(orient="records")


def bars(r: Result, focus: str, colour: dict[str, str]) -> list[dict[str, Any]]:
    """One stacked bar per element: each origin's volume as a segment of the element's contracted
    total, the focus origin first; its plain cap (imports, by origin) as a marker; its caps listed."""
    out = []
    caps = r.caps[r.caps["origin"] == focus]
    for element, plan in r.plan.groupby("element", sort=False):
        plan = plan.assign(first=plan["origin"] != focus).sort_values(["first", "origin"], kind="stable")
        total = float(plan["volume"].sum())
        segments = [{"origin": p.origin, "volume": p.volume, "share": p.share, "colour": colour[p.origin],
                     "dark_text": colour[p.origin] in DARK_TEXT}
                    for p in plan.itertuples() if p.volume > 0]
        mine = caps[caps["element"] == element]
        plain = mine[(mine["kind"] == "max") & (mine["basis"] == IMPORTS) & (mine["scope"] == ORIGIN)]
        focus_rows = plan[plan["origin"] == focus]
        out.append({
            "element": element, "total": total, "segments": segments,
            "focus_share": float(focus_rows["share"].iloc[0]) if len(focus_rows) else None,
            "marker": float(plain["limit"].min()) if len(plain) else None,
            "caps": records(mine),
        })
    return out


def costliest_caps(r: Result) -> list[dict[str, Any]]:
    """The binding limits with the highest marginal cost per percentage point, costliest first."""
    binding = r.caps[r.caps["binding"] & (r.caps["marginal_cost_per_pp"] > 0)]
    return records(binding.sort_values("marginal_cost_per_pp", ascending=False, kind="stable").head(TOP_CAPS))


def scenarios(r: Result) -> list[dict[str, Any]]:
    """Per scenario: probability, description, shortage and stock release per element, cost."""
    out = []
    for s in r.scenarios.itertuples():
        rows = r.shortages[r.shortages["scenario"] == s.scenario]
        out.append({"scenario": s.scenario, "probability": s.probability, "description": s.description,
                    "shortage": dict(zip(rows["element"], rows["shortage"])),
                    "stock_release": dict(zip(rows["element"], rows["stock_release"])),
                    "shortage_cost": s.shortage_cost,
                    "short": bool((rows["shortage"] > SHORTAGE_SEEN).any())})
    return out


def shortage_chance(r: Result) -> dict[str, Any]:
    """The probability of a year in which some demand goes unmet after stock, and the worst scenario."""
    rows = scenarios(r)
    short = [s for s in rows if s["short"]]
    worst = max(rows, key=lambda s: s["shortage_cost"]) if rows else None
    return {"probability": sum(s["probability"] for s in short), "count": len(short), "of": len(rows),
            "worst": worst if worst is not None and worst["shortage_cost"] > 0 else None}


def status_quo(b: Briefing) -> dict[str, Any] | None:
    """Today's mix beside the optimum: money, shares, violations, scenario costs."""
    ev = b.status_quo
    if ev is None:
        return None
    mine, best = ev.result, b.result
    names = ["procurement_cost", "stockpile_cost", "expected_shortage_cost", "cvar", "objective"]
    totals = [{"name": n, "mine": getattr(mine, n), "best": getattr(best, n),
               "change": getattr(mine, n) - getattr(best, n)} for n in names]
    plan = mine.plan.assign(best_volume=best.plan["volume"].to_numpy(), best_share=best.plan["share"].to_numpy())
    scen = mine.scenarios.assign(best_cost=best.scenarios["shortage_cost"].to_numpy())
    return {"totals": {t["name"]: t for t in totals}, "rows": totals, "plan": records(plan),
            "violations": records(ev.violations), "scenarios": records(scen)}


def frontier(cf: CapFrontier, r: Result) -> dict[str, Any]:
    """The sweep's picture (PNG, base64), the points its table shows, and the infeasible zone."""
    points = cf.frontier.frame()
    ok = points["status"] == "optimal"
    tightest = float(points.loc[ok, "max_share"].min()) if ok.any() else None
    pct = np.rint(points["max_share"].to_numpy(float) * 100).astype(int)
    on_step = np.isclose(points["max_share"].to_numpy(float) * 100, pct) & (pct % FRONTIER_EVERY == 0)
    edge = points["max_share"].isin([v for v in (tightest, cf.infeasible_below) if v is not None])
    shown = points if len(points) <= FRONTIER_ALL else points[on_step | edge.to_numpy()]
    grid = cf.frontier.grid
    return {
        "png": "data:image/png;base64," + base64.b64encode(frontier_png(points, cf.causes)).decode("ascii"),
        "points": records(shown),
        "count": len(points),
        "loosest": max(grid.shares), "tightest_grid": min(grid.shares),
        "tightest": tightest, "infeasible_below": cf.infeasible_below, "causes": list(cf.causes),
        "label": grid.label, "members": list(grid.members),
        "origin": grid.target if isinstance(grid.target, str) else grid.target[0],
        "element": None if isinstance(grid.target, str) else grid.target[1],
    }


def frontier_png(points: pd.DataFrame, causes: Sequence[str] = ()) -> bytes:
    """The sweep's own picture (:func:`~sourcing.output.plot.plot_frontier`) as PNG bytes."""
    from sourcing.output.plot import plot_frontier

    return _png(plot_frontier, points, causes=causes)


def _png(draw, *args, **kwargs) -> bytes:
    """The figure ``draw(*args, **kwargs)`` returns, as PNG bytes without a date or a version in them."""
    import matplotlib

    matplotlib.use("Agg", force=False)
    import matplotlib.pyplot as plt

    fig = draw(*args, **kwargs)
    png = io.BytesIO()
    fig.savefig(png, format="png", dpi=PNG_DPI, metadata={"Software": None})
    plt.close(fig)
    return png.getvalue()
