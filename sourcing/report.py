"""Format a :class:`Result` for people (table) and scripts (JSON, CSV); write files atomically."""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

import pandas as pd

from sourcing.result import Result

MUSD = 1e6


def to_json(result: Result) -> str:
    return json.dumps(result.to_dict(), indent=2, allow_nan=False) + "\n"


def to_csv(result: Result) -> str:
    """One row per offer: the plan, with its cap's share, binding flag and marginal cost."""
    caps = result.caps[["origin", "element", "binding", "marginal_cost_per_pp"]]
    plan = result.plan.merge(caps, on=["origin", "element"], how="left")
    plan["binding"] = plan["binding"].astype("boolean").fillna(False).astype(bool)
    plan["marginal_cost_per_pp"] = plan["marginal_cost_per_pp"].fillna(0.0)
    return plan.to_csv(index=False, lineterminator="\n", float_format="%.10g")


def to_table(result: Result) -> str:
    """What a planner reads first: the plan, the totals, the binding caps, the scenarios."""
    o = result.options
    head = f"Sourcing plan: risk weight {o.risk_weight:g}"
    if o.cvar_weight > 0:
        head += f", CVaR weight {o.cvar_weight:g} at level {o.cvar_level:g}"
    out = [head, ""]

    plan = result.plan
    shown = pd.DataFrame({
        "element": plan["element"],
        "origin": plan["origin"],
        "volume_t": plan["volume"].map("{:,.1f}".format),
        "share": plan["share"].map("{:.1%}".format),
        "unit_cost_usd_kg": plan["unit_cost"].map("{:,.2f}".format),
        "cost_musd": (plan["procurement_cost"] / MUSD).map("{:,.3f}".format),
        "capacity_t": plan["capacity"].map("{:,.0f}".format),
        "cap": plan["max_share"].map(lambda s: "-" if s >= 1 else f"{s:.0%}"),
    })
    out += ["Plan (t/yr; share of the element's contracted total; cost in USD M/yr)", _frame(shown), ""]

    e = result.elements
    elem = pd.DataFrame({
        "element": e["element"],
        "demand_t": e["demand"].map("{:,.1f}".format),
        "contracted_t": e["total_volume"].map("{:,.1f}".format),
        "stock_t": e["stock"].map("{:,.1f}".format),
        "marginal_cost_usd_kg": e["marginal_cost"].map("{:,.2f}".format),
    })
    out += ["Elements (marginal cost: rise of the objective per extra kg of demand)", _frame(elem), ""]

    width = 26
    rows = [
        ("procurement cost", result.procurement_cost),
        ("expected shortage cost", result.expected_shortage_cost),
        (f"CVaR of shortage cost, {o.cvar_level:.0%}", result.cvar),
        ("objective", result.objective),
    ]
    out.append("Totals (USD M/yr)")
    out += [f"  {name:<{width + 10}}{value / MUSD:>14,.3f}" for name, value in rows]
    out.append("")

    caps = result.caps
    binding = caps[caps["binding"]]
    if len(binding):
        b = pd.DataFrame({
            "origin": binding["origin"],
            "element": binding["element"],
            "max_share": binding["max_share"].map("{:.1%}".format),
            "share": binding["share"].map("{:.1%}".format),
            "marginal_cost_per_pp_musd": (binding["marginal_cost_per_pp"] / MUSD).map("{:,.4f}".format),
        })
        out += ["Binding caps (marginal cost: rise of the objective if the cap tightens by 1 percentage point)",
                _frame(b), ""]
    else:
        out += [f"Binding caps: none of {len(caps)} caps binds", ""]

    short = result.shortages.pivot(index="scenario", columns="element", values="shortage")
    scen = result.scenarios.set_index("scenario")
    table = pd.DataFrame({"probability": scen["probability"].map("{:.3f}".format)})
    for element in short.columns:
        table[f"{element}_t"] = short.loc[scen.index, element].map("{:,.1f}".format)
    table["shortage_cost_musd"] = (scen["shortage_cost"] / MUSD).map("{:,.3f}".format)
    table = table.reset_index()
    out += ["Scenarios (shortage left after stock release, t; its cost, USD M)", _frame(table)]
    return "\n".join(out) + "\n"


def _frame(frame: pd.DataFrame, indent: str = "  ") -> str:
    """Columns of text: names left-aligned, figures (already formatted) right-aligned."""
    cols = []
    for name in frame.columns:
        cells = [str(name)] + [str(v) for v in frame[name]]
        width = max(map(len, cells))
        numeric = all(_looks_numeric(v) for v in cells[1:])
        cols.append([c.rjust(width) if numeric else c.ljust(width) for c in cells])
    lines = ["  ".join(row).rstrip() for row in zip(*cols)]
    return "\n".join(indent + line for line in lines)


def _looks_numeric(text: str) -> bool:
    return text == "-" or text.replace(",", "").replace("%", "").replace(".", "", 1).lstrip("-").isdigit()


def write_atomic(path: str | Path, text: str) -> None:
    """Write ``text`` to ``path`` through a temporary file renamed into place: never half a file."""
    path = Path(path)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent or ".")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


FORMATS = {"table": to_table, "json": to_json, "csv": to_csv}
