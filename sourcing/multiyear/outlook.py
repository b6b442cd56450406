"""What a planner acts on: the decisions of the root node (``sign_now``) and the expected course
over the paths (``trajectory``), read off a solved plan.

``sign_now`` takes every decision whose node is the root (depth -1 of the tree): the contracts
signed at the start of y0 or, by their lead time, before it, and the investments decided in y0.
They are one column each in the LP, so they are read from the solution directly, not from a path.

``trajectory`` summarises the per-path values over the paths, each weighted by its probability
(normalised to sum to 1 over the paths in the tree): means, the weighted percentiles of
:func:`weighted_quantile`, and the probability of a shortage above :data:`SHORTAGE_TOLERANCE`.
It needs nothing of the tree but each path's probability, so it holds for any tree whose paths
carry probabilities or sampling weights.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from sourcing.multiyear.horizon import Horizon

LOW, HIGH = 0.05, 0.95
"""The band of the trajectory: the 5th and the 95th weighted percentile over the paths."""
SHORTAGE_TOLERANCE = 1e-6
"""t: a path is short of an element in a year when its shortage exceeds this."""
CUMULATIVE_TOLERANCE = 1e-9
"""Rounding allowed when the cumulative weight is compared with the level (see :func:`weighted_quantile`)."""
CONTRACT, INVESTMENT = "contract", "investment"
"""The two kinds of decision in ``sign_now``."""
BY_ORIGIN = "volume:"
"""Prefix of the trajectory's per-origin columns (``volume:China``)."""


def weighted_quantile(values: np.ndarray, weights: np.ndarray, level: float) -> np.ndarray:
    """The weighted ``level``-quantile of each column of ``values`` (paths x columns; a vector is
    one column): the smallest value v of the column such that the paths with a value <= v weigh at
    least ``level`` of the total weight, F(v) >= level (the inverse of the weighted distribution
    function, numpy's ``inverted_cdf``; F is compared with ``level`` up to
    :data:`CUMULATIVE_TOLERANCE` so that sums such as 50 x 0.001 reach 0.05). With equal weights it
    is numpy's ``percentile(values, 100 * level, method="inverted_cdf")``; every result is one of
    the values."""
    if not 0.0 <= level <= 1.0:
        raise ValueError(f"level {level} is not in [0, 1]")
    values = np.asarray(values, dtype=float)
    column = values.ndim == 1
    if column:
        values = values[:, None]
    weights = np.asarray(weights, dtype=float)
    if weights.shape != (values.shape[0],) or values.shape[0] == 0 or (weights < 0).any() or weights.sum() <= 0:
        raise ValueError("one non-negative weight per row is needed, with a positive sum")
    order = np.argsort(values, axis=0, kind="stable")
    ranked = np.take_along_axis(values, order, axis=0)
    cumulative = np.cumsum(weights[order], axis=0) / weights.sum()
    first = np.argmax(cumulative >= level - CUMULATIVE_TOLERANCE, axis=0)
    out = ranked[first, np.arange(values.shape[1])]
    return out[0] if column else out


def sign_now(horizon: Horizon, variables: dict, value: dict[str, np.ndarray]) -> pd.DataFrame:
    """The root's decisions: one row per contract (``decision`` ``contract``: ``origin``,
    ``element``, ``year`` delivered, ``signed``, ``volume`` t) and per investment decided in y0
    (``investment``: ``project``, ``origin``, ``element``, ``year`` = ``signed`` = y0, ``capacity``
    t/yr, ``online`` its first year online), zeros included; contracts by year, element and
    origin, then investments by project. ``variables``: the statement's families; ``value``: each
    family's column values."""
    h = horizon
    years = h.years
    X = variables["volume"]
    root = np.flatnonzero(X.depth == -1)
    q = X.codes["q"][root]
    oy, offers = h.offer_years, h.offers
    offer = oy["offer"].to_numpy(np.int64)[q]
    year = years[oy["i"].to_numpy(np.int64)[q]]
    contracts = pd.DataFrame({
        "decision": CONTRACT,
        "origin": offers["origin"].to_numpy()[offer],
        "element": offers["element"].to_numpy()[offer],
        "year": year.astype(np.int64),
        "signed": (year - oy["lead_time"].to_numpy(np.int64)[q]).astype(np.int64),
        "volume": value["volume"][X.first[root]],
        "project": None, "capacity": np.nan, "online": None,
    }).sort_values(["year", "element", "origin"], kind="stable")
    inv = variables["investment"]
    root = np.flatnonzero(inv.depth == -1)
    j = inv.codes["j"][root]
    projects = h.investments
    first = int(years[0])
    investments = pd.DataFrame({
        "decision": INVESTMENT,
        "origin": projects["origin"].to_numpy()[j],
        "element": projects["element"].to_numpy()[j],
        "year": np.full(len(j), first, dtype=np.int64),
        "signed": np.full(len(j), first, dtype=np.int64),
        "volume": np.nan,
        "project": projects["project"].to_numpy()[j],
        "capacity": value["investment"][inv.first[root]],
        "online": [first + int(lead) for lead in projects["lead_time"].to_numpy(np.int64)[j]],
    }).sort_values("project", kind="stable")
    out = pd.concat([contracts, investments], ignore_index=True) if len(investments) else contracts
    out = out.reset_index(drop=True)
    for name in ("project", "online"):
        out[name] = pd.Series(out[name].tolist(), dtype=object)
    return out


def trajectory(horizon: Horizon, volume: np.ndarray, spot: np.ndarray, stock: np.ndarray, shortage: np.ndarray,
               probability: np.ndarray) -> pd.DataFrame:
    """Per year and element (the horizon's element-years, in order), over the paths weighted by
    ``probability``: ``demand``; the expected ``volume`` contracted in all and ``volume:ORIGIN`` per
    origin (NaN where the origin has no offer of the element in force that year); the expected
    ``spot``; ``stock`` at the end of the year (mean, ``stock_p5``, ``stock_p95``); ``shortage``
    (mean, ``shortage_p95``); ``shortage_probability``, the weight of the paths whose shortage
    exceeds :data:`SHORTAGE_TOLERANCE`.

    ``volume``, ``spot``: paths x offer-years; ``stock``, ``shortage``: paths x element-years."""
    h = horizon
    w = np.asarray(probability, dtype=float)
    w = w / w.sum()
    E = len(h.elements)
    oy, ey = h.offer_years, h.element_years
    r = oy["i"].to_numpy(np.int64) * E + oy["e"].to_numpy(np.int64)  # element-year of each offer-year
    cells = h.n * E
    total, bought = np.zeros((cells, len(w))), np.zeros((cells, len(w)))
    np.add.at(total, r, np.asarray(volume, dtype=float).T)
    np.add.at(bought, r, np.asarray(spot, dtype=float).T)
    origin = h.offers["origin"].to_numpy()[oy["offer"].to_numpy(np.int64)]
    mean_volume = w @ volume if len(oy) else np.zeros(0)
    ey_i, ey_e = ey["i"].to_numpy(np.int64), ey["e"].to_numpy(np.int64)
    out = pd.DataFrame({
        "year": h.years[ey_i].astype(np.int64),
        "element": h.elements["element"].to_numpy()[ey_e],
        "demand": ey["demand"].to_numpy(float),
        "volume": total @ w,
    })
    for name in sorted(set(origin)):
        mine = origin == name
        column = np.full(cells, np.nan)
        column[r[mine]] = 0.0
        np.add.at(column, r[mine], mean_volume[mine])
        out[BY_ORIGIN + name] = column
    stock, shortage = np.asarray(stock, dtype=float), np.asarray(shortage, dtype=float)
    out["spot"] = bought @ w
    out["stock"] = w @ stock
    out["stock_p5"] = weighted_quantile(stock, w, LOW)
    out["stock_p95"] = weighted_quantile(stock, w, HIGH)
    out["shortage"] = w @ shortage
    out["shortage_p95"] = weighted_quantile(shortage, w, HIGH)
    out["shortage_probability"] = np.minimum(w @ (shortage > SHORTAGE_TOLERANCE), 1.0)
    return out


def origins_of(trajectory: pd.DataFrame) -> list[str]:
    """The origins of a trajectory's ``volume:ORIGIN`` columns, in order."""
    return [c.removeprefix(BY_ORIGIN) for c in trajectory.columns if c.startswith(BY_ORIGIN)]
