"""Explain why no plan exists: which caps, floors, capacities or commitments conflict, and by how much.

Bounds (1), cover (2) and the share limits (3) couple the offers of one element only, and the
scenario rows (4)-(6) can always be met with shortage, so feasibility is decided element by
element, from the data alone. For each element that fails, every single change that would restore
feasibility is found by bisection over small LPs: the smallest cap, the largest floor, the largest
commitment that works. Only the infeasible path pays for this.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy.optimize import linprog

from sourcing.data import InputData
from sourcing.errors import Conflict, suggest
from sourcing.schema import IMPORTS, ORIGIN

TOLERANCE = 1e-7
"""Relative slack allowed before a shortfall is called a conflict."""
BISECTIONS = 40


@dataclass
class _Element:
    """Limits (1)-(3) of one element: x in [minimum, capacity], sum x >= demand, and share rows."""

    name: str
    demand: float
    origins: list[str]
    capacity: np.ndarray
    minimum: np.ndarray
    rows: list[dict]  # kind, basis, share, weight (per offer of this element), label
    min_volume: np.ndarray = field(default_factory=lambda: np.zeros(0))
    committed: np.ndarray = field(default_factory=lambda: np.zeros(0))  # C: tonnes already contracted
    signed: list[str] = field(default_factory=list)  # where each offer's commitments were given

    def feasible(self) -> bool:
        n = len(self.capacity)
        if (self.minimum > self.capacity).any():
            return False
        if n == 0:
            return self.demand <= 0 and all(r["kind"] == "max" or r["share"] * self.demand <= 0 for r in self.rows)
        a_ub, b_ub = [-np.ones(n)], [-self.demand]
        for r in self.rows:
            w, s = r["weight"], r["share"]
            sign = 1.0 if r["kind"] == "max" else -1.0
            if r["basis"] == IMPORTS:
                a_ub.append(sign * (w - s))
                b_ub.append(0.0)
            else:
                a_ub.append(sign * w)
                b_ub.append(sign * s * self.demand)
        scale = max(1.0, self.demand, float(self.capacity.max()))
        res = linprog(
            np.zeros(n), A_ub=np.array(a_ub), b_ub=np.array(b_ub) + TOLERANCE * scale,
            bounds=list(zip(self.minimum, self.capacity)), method="highs",
        )
        return res.status == 0


def _bisect(element: _Element, set_value, lo: float, hi: float, increasing_helps: bool) -> float | None:
    """The value in [lo, hi] closest to the current one (lo if increasing helps, else hi) that is feasible."""
    target = hi if increasing_helps else lo
    set_value(target)
    if not element.feasible():
        return None
    bad, good = (lo, hi) if increasing_helps else (hi, lo)
    for _ in range(BISECTIONS):
        mid = 0.5 * (bad + good)
        set_value(mid)
        if element.feasible():
            good = mid
        else:
            bad = mid
    return good


def _elements(data: InputData) -> list[_Element]:
    limits, terms = data.limits()
    offers = data.offers
    committed, _ = data.committed()
    rows = data.commitments if data.commitments is not None else pd.DataFrame(columns=["origin", "element", "given"])
    signed = {key: ", ".join(g) for key, g in rows.groupby(["origin", "element"])["given"]}  # per offer
    out = []
    for row in data.elements.itertuples(index=False):
        mask = (offers["element"] == row.element).to_numpy()
        idx = np.flatnonzero(mask)
        pos = {int(o): i for i, o in enumerate(idx)}
        rows = []
        for lim in limits[limits["element"] == row.element].itertuples(index=False):
            t = terms[terms["limit"] == lim.limit]
            weight = np.zeros(len(idx))
            for offer, w in zip(t["offer"], t["weight"]):
                weight[pos[int(offer)]] = w
            what = lim.origin if lim.scope == ORIGIN else f"{lim.origin} content"
            base = "of imports" if lim.basis == IMPORTS else "of demand"
            none = (f"{lim.origin} offers no {row.element} {data.not_offered(lim.origin, row.element)}"
                    if lim.scope == ORIGIN
                    else data.words(f"no offer of {row.element} holds {lim.origin} content in content.csv"))
            rows.append({"kind": lim.kind, "basis": lim.basis, "share": float(lim.share), "weight": weight,
                         "what": what, "base": base, "none": none, "given": lim.given, "origin": lim.origin,
                         "scope": lim.scope})
        min_volume = offers["min_volume"].to_numpy(float)[idx]
        out.append(_Element(row.element, float(row.demand), offers["origin"].to_numpy()[idx].tolist(),
                            offers["capacity"].to_numpy(float)[idx], np.maximum(min_volume, committed[idx]), rows,
                            min_volume, committed[idx],
                            [signed.get((o, row.element), "") for o in offers["origin"].to_numpy()[idx]]))
    return out


def _typo(data: InputData, element: str) -> str:
    """Where no origin offers ``element`` at all: the offered element its name is closest to (a
    name mistyped in demand.csv or supply.csv is the likely cause)."""
    offered = data.offers.loc[data.offers["capacity"] > 0, "element"]
    if (offered == element).any():
        return ""
    close = suggest(element, set(offered) - {element})
    return f" (no origin offers {element}{close.replace('; did you mean', ': a mistyped name? did you mean')})" \
        if close else ""


def explain_infeasibility(data: InputData) -> list[Conflict]:
    """One :class:`~sourcing.errors.Conflict` per conflict, naming the element, the limit or
    commitment, where it was set and the amount to change (its ``message`` says it in a sentence)."""
    causes: list[Conflict] = []
    for el in _elements(data):
        if el.feasible():
            continue
        total = float(el.capacity.sum())
        if el.demand > total * (1 + TOLERANCE):
            causes.append(Conflict(
                el.name, "capacity", "", "", "", el.demand, total, "demand.csv",
                f"{el.name}: demand {el.demand:,.6g} t exceeds the total capacity of all origins, {total:,.6g} t, "
                f"by {el.demand - total:,.6g} t; raise capacity in supply.csv or lower demand in demand.csv"
                + _typo(data, el.name)
            ))
            continue
        found = False
        for r in el.rows:
            old = r["share"]

            def set_share(v: float, r: dict = r) -> None:
                r["share"] = v

            if r["kind"] == "max":
                need = _bisect(el, set_share, old, 1.0, increasing_helps=True)
                r["share"] = old
                if need is not None:
                    causes.append(Conflict(
                        el.name, "max_share", r["origin"], r["basis"], r["scope"], old, _rounded(need, up=True),
                        r["given"],
                        f"{el.name}: {r['what']} must supply at least {_pct(need, up=True)} {r['base']} but its "
                        f"cap (max_share) is {old:.1%}, set by {r['given']}; raise that cap, or capacity elsewhere"
                    ))
                    found = True
            elif not r["weight"].any():
                causes.append(Conflict(
                    el.name, "min_share", r["origin"], r["basis"], r["scope"], old, 0.0, r["given"],
                    f"{el.name}: the floor (min_share) of {old:.1%} {r['base']} for {r['what']}, set by {r['given']}, "
                    f"cannot be met: {r['none']}; remove the floor or add the offer"
                ))
                found = True
            else:
                most = _bisect(el, set_share, 0.0, old, increasing_helps=False)
                r["share"] = old
                if most is not None:
                    causes.append(Conflict(
                        el.name, "min_share", r["origin"], r["basis"], r["scope"], old, _rounded(most, up=False),
                        r["given"],
                        f"{el.name}: the floor (min_share) of {old:.1%} {r['base']} for {r['what']}, set by "
                        f"{r['given']}, cannot be met; at most {_pct(most, up=False)} is possible within the caps "
                        "and capacities: lower that floor"
                    ))
                    found = True
        for i, origin in enumerate(el.origins):
            old = float(el.minimum[i])
            if old <= 0:
                continue

            def set_min(v: float, i: int = i, el: _Element = el) -> None:
                el.minimum[i] = v

            most = _bisect(el, set_min, 0.0, old, increasing_helps=False)
            el.minimum[i] = old
            if most is not None and el.committed[i] > 0 and el.committed[i] >= el.min_volume[i]:
                causes.append(Conflict(
                    el.name, "commitment", origin, "", "", old, most, el.signed[i],
                    f"{el.name}: the tonnes already contracted from {origin}{_in(data)}, {old:,.6g} t "
                    f"({el.signed[i]}), overshoot its capacity and caps by {old - most:,.6g} t: at most "
                    f"{most:,.6g} t fits; raise the capacity in supply.csv or the cap, or correct commitments.csv"
                ))
                found = True
            elif most is not None:
                causes.append(Conflict(
                    el.name, "min_volume", origin, "", "", old, most, "supply.csv",
                    f"{el.name}: the take-or-pay commitment (min_volume) of {old:,.6g} t from {origin} overshoots "
                    f"its caps by {old - most:,.6g} t: at most {most:,.6g} t fits; lower min_volume or raise the cap"
                ))
                found = True
        if not found:
            causes.append(Conflict(
                el.name, "several", "", "", "", el.demand, None, "",
                f"{el.name}: caps, floors, capacities and commitments conflict and no single change fixes it "
                f"(demand {el.demand:,.6g} t, capacity {total:,.6g} t); relax several of them"
            ))
    return causes


def _in(data: InputData) -> str:
    return f" for {data.year}" if data.year is not None else ""


def _rounded(share: float, up: bool) -> float:
    """The share :func:`_pct` states, as a fraction (0.623 for 62.3%)."""
    scaled = share * 1000
    return float((np.ceil(scaled - 1e-6) if up else np.floor(scaled + 1e-6)) / 1000)


def _pct(share: float, up: bool) -> str:
    """A share as a percentage rounded (up or down) at the first decimal, so the stated value works."""
    scaled = share * 1000
    value = np.ceil(scaled - 1e-6) if up else np.floor(scaled + 1e-6)
    return f"{value / 10:.1f}%"
