"""Explain why no plan exists: which caps, capacities or commitments conflict, and by how much.

Constraints (1)-(3) couple offers of one element only, and (4)-(6) can always be met with shortage,
so feasibility is decided element by element, in closed form, from the data alone. For one element
with total contracted volume X, a plan exists iff some X >= X_lo satisfies
g(X) = sum_o min(capacity_o, max_share_o X) - X >= 0, where
X_lo = max(demand, sum_o min_volume_o, max_o min_volume_o / max_share_o). g is concave with
g(0) = 0, so this holds iff g(X_lo) >= 0.
"""

from __future__ import annotations

import numpy as np

from sourcing.data import InputData

TOLERANCE = 1e-7
"""Relative slack allowed before a shortfall is called a conflict."""


def _lowest_total(demand: float, minimum: np.ndarray, share: np.ndarray) -> float:
    with np.errstate(divide="ignore", invalid="ignore"):
        forced = np.where(share > 0, minimum / share, np.where(minimum > 0, np.inf, 0.0))
    return float(max(demand, minimum.sum(), forced.max(initial=0.0)))


def _room(total: float, capacity: np.ndarray, share: np.ndarray) -> float:
    """g(X): how much more than X the offers can deliver under their caps at total X."""
    return float(np.minimum(capacity, share * total).sum() - total)


def _most_total(capacity: np.ndarray, share: np.ndarray) -> float:
    """The largest total X with g(X) >= 0 (g is concave, piecewise linear, g(0) = 0)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        breaks = np.where(share > 0, capacity / share, 0.0)
    points = np.unique(np.concatenate([[0.0], breaks, [capacity.sum()]]))
    prev = 0.0
    for x in points[1:]:
        gx = _room(x, capacity, share)
        if gx < -TOLERANCE * max(1.0, x):
            g0 = _room(prev, capacity, share)
            return float(prev + (x - prev) * g0 / (g0 - gx)) if g0 > 0 else float(prev)
        prev = x
    return float(prev)


def element_feasible(demand: float, capacity: np.ndarray, minimum: np.ndarray, share: np.ndarray) -> bool:
    """Whether (1)-(3) can hold for one element."""
    low = _lowest_total(demand, minimum, share)
    if not np.isfinite(low):
        return False
    return _room(low, capacity, share) >= -TOLERANCE * max(1.0, low)


def smallest_share(demand: float, capacity: np.ndarray, minimum: np.ndarray, share: np.ndarray, i: int) -> float | None:
    """The smallest max_share of offer ``i`` that makes the element feasible (None if even 1 fails)."""
    trial = share.copy()
    trial[i] = 1.0
    if not element_feasible(demand, capacity, minimum, trial):
        return None
    lo, hi = float(share[i]), 1.0
    for _ in range(60):
        mid = 0.5 * (lo + hi)
        trial[i] = mid
        if element_feasible(demand, capacity, minimum, trial):
            hi = mid
        else:
            lo = mid
    return hi


def explain_infeasibility(data: InputData) -> list[str]:
    """One sentence per conflict, naming the element, the limits involved and the amounts."""
    offers = data.offers.assign(max_share=data.offer_caps())
    causes: list[str] = []
    for row in data.elements.itertuples(index=False):
        e, demand = row.element, float(row.demand)
        grp = offers[offers["element"] == e]
        origins = grp["origin"].tolist()
        capacity = grp["capacity"].to_numpy(float)
        minimum = grp["min_volume"].to_numpy(float)
        share = grp["max_share"].to_numpy(float)
        if element_feasible(demand, capacity, minimum, share):
            continue
        if demand > capacity.sum() * (1 + TOLERANCE):
            causes.append(
                f"{e}: demand {demand:,.6g} t exceeds the total capacity of all origins, "
                f"{capacity.sum():,.6g} t, by {demand - capacity.sum():,.6g} t; raise capacity in "
                "supply.csv or lower demand in demand.csv"
            )
            continue
        most = _most_total(capacity, share)
        found = False
        for i, o in enumerate(origins):
            if minimum[i] > 0 and (share[i] == 0 or minimum[i] / share[i] > most * (1 + TOLERANCE)):
                need = minimum[i] / share[i] if share[i] > 0 else np.inf
                need_text = f"a total of {need:,.6g} t" if np.isfinite(need) else "an unbounded total"
                causes.append(
                    f"{e}: the take-or-pay commitment of {minimum[i]:,.6g} t from {o} (min_volume) "
                    f"overshoots its cap of {share[i]:.1%}: it needs {need_text}, but caps and "
                    f"capacities allow at most {most:,.6g} t; {o} would need a cap of at least "
                    f"{_ceil_pct(minimum[i] / most) if most > 0 else 'more than 100%'}, or lower min_volume"
                )
                found = True
        for i, o in enumerate(origins):
            if share[i] >= 1.0:
                continue
            least = smallest_share(demand, capacity, minimum, share, i)
            if least is not None:
                causes.append(
                    f"{e}: {o} must supply at least {_ceil_pct(least)} but its cap (max_share) is "
                    f"{share[i]:.1%}; the other origins' capacities and caps cannot cover the rest "
                    f"(caps and capacities allow at most {most:,.6g} t against demand {demand:,.6g} t)"
                )
                found = True
        if not found:
            causes.append(
                f"{e}: caps and capacities allow at most {most:,.6g} t against demand {demand:,.6g} t "
                "(and commitments); no single cap can be relaxed to fix it: raise several caps or capacities"
            )
    return causes


def _ceil_pct(share: float) -> str:
    """A share as a percentage rounded up at the first decimal, so the stated cap really suffices."""
    return f"{np.ceil(share * 1000 - 1e-9) / 10:.1f}%"
