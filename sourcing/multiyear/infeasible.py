"""Why no multi-year plan exists: the year, the paths and the limits that conflict.

In every year, the caps, floors, capacities and commitments (P1)-(P4) must admit volumes that
cover demand on the paths where cover (P3) holds that year; stock, spot and shortage can
always close the balance (P5)-(P8). A plan exists as soon as every year admits such volumes (use
them on every path), so a conflict is one year's one-year conflict, which
:func:`sourcing.feasibility.explain_infeasibility` explains, counting in each year the most capacity
that projects funded in time could add (rarely, projects whose funding windows compete are the
cause instead; the message then says that no single year explains it).
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from sourcing.data import InputData
from sourcing.feasibility import explain_infeasibility
from sourcing.multiyear.events import FIRST
from sourcing.multiyear.horizon import Horizon
from sourcing.multiyear.tree import BASELINE_PATH, Tree


def _with_funded_capacity(horizon: Horizon, i: int) -> InputData:
    """Year ``i``'s one-year data with each offer's capacity raised by what projects can have online."""
    one = horizon.source.in_year(int(horizon.years[i]))
    inv = horizon.investments
    first = np.maximum(inv["first_year"].to_numpy() - int(horizon.years[0]), 0)
    online_from = first + inv["lead_time"].to_numpy()
    last_decision = horizon.n - 1 - inv["lead_time"].to_numpy()
    reach = (inv["offer"].to_numpy() >= 0) & (first <= last_decision) & (online_from <= i) & (
        i <= last_decision + inv["lead_time"].to_numpy() + inv["life"].to_numpy() - 1)
    if not reach.any():
        return one
    extra = inv[reach].groupby(["origin", "element"])["max_capacity"].sum()
    offers = one.offers
    key = list(zip(offers["origin"], offers["element"]))
    added = np.array([extra.get(k, 0.0) for k in key])
    return replace(one, offers=offers.assign(capacity=offers["capacity"].to_numpy() + added))


def explain_plan(horizon: Horizon, tree: Tree) -> list[str]:
    """One sentence per conflict: ``YEAR, on PATHS: cause``."""
    causes: list[str] = []
    for i, year in enumerate(horizon.years):
        found = explain_infeasibility(_with_funded_capacity(horizon, i))
        if not found:
            continue
        if tree.model != FIRST and i > 0:
            paths = f"the paths that know no event in progress in {year} at its start, where demand must be covered"
        elif tree.none_node[i] >= 0:
            paths = (f"the paths without an event before {year} ({BASELINE_PATH} and every event from {year} on), "
                     "where demand must be covered") if i > 0 else "every path"
        else:
            paths = "every path"
        causes += [f"{year}, on {paths}: {cause}" for cause in found]
    return causes
