"""Turn an optimal HiGHS solution into a :class:`~sourcing.result.Result` of pandas frames.

Volumes and stock levels are read from the columns the LP placed them in; duals become marginal
costs with the sign convention of docs/model.md; shortages are the closed-form best response to the
plan in each scenario (:func:`recourse`), which equals the LP's wherever the LP cares.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from sourcing.data import InputData
from sourcing.highs import PRIMAL_TOLERANCE, ZERO, RawSolution, check_status, duals, values
from sourcing.lp import Compiled
from sourcing.model import USD_PER_KG_TO_USD_PER_T, FirstStage, RiskOptions
from sourcing.result import Result, cvar_of
from sourcing.schema import ALL, IMPORTS

BINDING_TOLERANCE = 1e-6
"""A limit binds when its slack is at most this fraction of its basis (the element's total, or its
demand), and at least the solver's own tolerance; it is violated when it is broken by more."""


def extract(data: InputData, options: RiskOptions, compiled: Compiled, raw: RawSolution,
            fixed: FirstStage | None = None) -> Result:
    """Turn an optimal HiGHS solution into a :class:`Result`; raises on any other status.

    With ``fixed`` (an evaluation), volumes are the given ones and the status is ``evaluated``.
    """
    check_status(data, raw)
    offers = data.offers
    committed, extra = data.committed()
    if fixed is None:
        volume = np.clip(values(compiled, raw, "volume"), np.maximum(offers["min_volume"].to_numpy(), committed),
                         offers["capacity"].to_numpy())
    else:
        volume = fixed.volume.to_numpy(float)
    plan = offers[["origin", "element", "unit_cost", "capacity", "min_volume"]].copy()
    plan["volume"] = volume
    total = plan.groupby("element", sort=False)["volume"].transform("sum")
    plan["share"] = np.where(total > 0, plan["volume"] / total.where(total > 0, 1.0), 0.0)
    plan["procurement_cost"] = USD_PER_KG_TO_USD_PER_T * plan["unit_cost"] * plan["volume"] \
        + USD_PER_KG_TO_USD_PER_T * extra  # the commitments at their own price
    plan["max_share"] = data.offer_caps()
    plan = plan[["origin", "element", "volume", "share", "unit_cost", "procurement_cost",
                 "capacity", "min_volume", "max_share"]]

    elements = data.elements.copy()
    totals = plan.groupby("element")["volume"].sum()
    elements["total_volume"] = elements["element"].map(totals).fillna(0.0)
    level = np.clip(values(compiled, raw, "stock_level"), elements["stock"].to_numpy(),
                    elements["max_stock"].to_numpy())
    elements["optimal_stock"] = level
    n_elem, n_scen = len(elements), len(data.scenarios)
    limits, _ = data.limits()
    limit_duals = _limit_duals(limits, compiled, raw)
    # d(objective)/d(demand[e]): demand is the rhs of (2), of every (4), and of demand-basis limits
    scenario_duals = duals(compiled, raw, "scenario_balance", n_elem * n_scen).reshape(n_elem, n_scen).sum(axis=1)
    per_limit = pd.Series(np.where(limits["basis"] == IMPORTS, 0.0, limit_duals * limits["share"]))
    by_element = per_limit.groupby(limits["element"].to_numpy()).sum()
    demand_limit_duals = elements["element"].map(by_element).fillna(0.0).to_numpy()
    cover = duals(compiled, raw, "cover", n_elem)
    elements["marginal_cost"] = (cover + scenario_duals + demand_limit_duals) / USD_PER_KG_TO_USD_PER_T
    stock_duals = duals(compiled, raw, "stock_limit", n_elem * n_scen).reshape(n_elem, n_scen)
    elements["stock_value"] = -stock_duals.sum(axis=1) / USD_PER_KG_TO_USD_PER_T

    caps = limit_report(data, plan, limits, limit_duals)

    shortages = recourse(data, plan, pd.Series(level, index=elements["element"].to_numpy()))
    losses = shortages.groupby("scenario", sort=False)["shortage_cost"].sum()
    scenarios = data.scenarios.copy()
    scenarios["shortage_cost"] = scenarios["scenario"].map(losses).fillna(0.0)
    p = scenarios["probability"].to_numpy()
    loss = scenarios["shortage_cost"].to_numpy()
    expected = float((p * loss).sum())
    procurement = float(plan["procurement_cost"].sum())
    stockpile = float((USD_PER_KG_TO_USD_PER_T * elements["holding_cost"] * (level - elements["stock"])).sum())
    return Result(
        status="optimal" if fixed is None else "evaluated",
        objective=raw.objective + 0.0,
        procurement_cost=procurement + 0.0,
        expected_shortage_cost=expected + 0.0,
        cvar=cvar_of(loss, p, options.cvar_level) + 0.0,
        options=options,
        plan=unsigned_zeros(plan.reset_index(drop=True)),
        caps=unsigned_zeros(caps),
        elements=unsigned_zeros(elements.reset_index(drop=True)),
        scenarios=unsigned_zeros(scenarios.reset_index(drop=True)),
        shortages=unsigned_zeros(shortages),
        stockpile_cost=stockpile + 0.0,
        iterations=raw.iterations,
    )


def unsigned_zeros(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` with every -0.0 made 0.0 (x + 0.0 is x, but 0.0 for -0.0): no output shows ``-0``."""
    floats = frame.select_dtypes("float").columns
    return frame.assign(**{c: frame[c] + 0.0 for c in floats}) if len(floats) else frame


def _limit_duals(limits: pd.DataFrame, compiled: Compiled, raw: RawSolution) -> np.ndarray:
    """The dual of every limit row, aligned to ``limits`` (max rows are `concentration`, min `floor`)."""
    dual = np.zeros(len(limits))
    is_max = (limits["kind"] == "max").to_numpy()
    dual[is_max] = duals(compiled, raw, "concentration", int(is_max.sum()))
    dual[~is_max] = duals(compiled, raw, "floor", int((~is_max).sum()))
    return dual


def limit_report(data: InputData, plan: pd.DataFrame, limits: pd.DataFrame, dual: np.ndarray) -> pd.DataFrame:
    """One row per limit: the share reached, whether it binds, and its marginal cost per point.

    For a limit row  sum_o f[o] x[o,e] - s B <= 0  (or >= 0 for a floor) with B = X[e] or
    demand[e], HiGHS's row dual y is d(objective)/d(rhs), so d(objective)/ds = y B. Tightening a
    cap by 0.01 (or raising a floor by 0.01) moves the objective by 0.01 |y| B.
    """
    _, terms = data.limits()
    volume = plan["volume"].to_numpy()
    reached = (terms["weight"].to_numpy() * volume[terms["offer"].to_numpy()])
    reached = pd.Series(reached).groupby(terms["limit"].to_numpy()).sum().reindex(limits["limit"], fill_value=0.0)
    totals = plan.groupby("element")["volume"].sum()
    demand = data.elements.set_index("element")["demand"]
    elem = limits["element"]
    basis = np.where(limits["basis"] == IMPORTS, elem.map(totals).fillna(0.0), elem.map(demand))
    reached = reached.to_numpy()
    share = np.where(basis > 0, reached / np.where(basis > 0, basis, 1.0), 0.0)
    is_max = (limits["kind"] == "max").to_numpy()
    slack = np.where(is_max, limits["share"] * basis - reached, reached - limits["share"] * basis)
    tol = np.maximum(PRIMAL_TOLERANCE, BINDING_TOLERANCE * basis)
    out = limits[["origin", "element", "kind", "basis", "scope", "max_share", "min_share"]].copy()
    out.insert(2, "limit", limits["share"])
    out["share"] = share
    violated = slack < -tol
    out["binding"] = (basis > tol) & (np.abs(slack) <= tol)
    out["violated"] = violated
    out["excess"] = np.where(violated, np.where(is_max, share - limits["share"], limits["share"] - share), 0.0)
    out["marginal_cost_per_pp"] = np.maximum(0.0, np.where(is_max, -dual, dual) * basis * 0.01)
    out["slack"] = np.maximum(0.0, slack)
    return out.reset_index(drop=True)


def violations(result: Result) -> pd.DataFrame:
    """Where a plan breaks (1)-(3): ``origin``, ``element``, ``kind`` (capacity, min_volume, demand,
    max_share, min_share), ``basis`` and ``scope`` (of a share limit; empty otherwise), ``limit``,
    ``value`` and ``excess`` (by how much ``value`` breaks ``limit``; tonnes, or shares for share
    limits). Share limits are those :func:`limit_report` marks ``violated``."""
    rel = 1e-9
    rows = []
    for r in result.plan.itertuples(index=False):
        if r.volume > r.capacity * (1 + rel) + rel:
            rows.append((r.origin, r.element, "capacity", "", "", r.capacity, r.volume, r.volume - r.capacity))
        if r.volume < r.min_volume * (1 - rel) - rel:
            rows.append((r.origin, r.element, "min_volume", "", "", r.min_volume, r.volume, r.min_volume - r.volume))
    for r in result.elements.itertuples(index=False):
        if r.total_volume < r.demand * (1 - rel) - rel:
            rows.append((ALL, r.element, "demand", "", "", r.demand, r.total_volume, r.demand - r.total_volume))
    for r in result.caps[result.caps["violated"]].itertuples(index=False):
        rows.append((r.origin, r.element, f"{r.kind}_share", r.basis, r.scope, r.limit, r.share, r.excess))
    return pd.DataFrame(rows, columns=["origin", "element", "kind", "basis", "scope", "limit", "value", "excess"])


def best_response(demand: np.ndarray, arrived: np.ndarray, stock: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Stock release and shortage, the optimal w and u of (4)-(5), where ``arrived`` tonnes arrive
    against ``demand`` with ``stock`` to draw on (arrays that broadcast). A gap within the solver's
    tolerance (:data:`~sourcing.highs.PRIMAL_TOLERANCE`, absolute: the LP prices any gap above it)
    is round-off, not a shortage."""
    gap = np.maximum(0.0, demand - arrived)
    gap = np.where(gap <= PRIMAL_TOLERANCE, 0.0, gap)
    release = np.minimum(stock, gap)
    return release, np.where(gap - release < ZERO, 0.0, gap - release)


def recourse(data: InputData, plan: pd.DataFrame, stock_level: pd.Series | None = None) -> pd.DataFrame:
    """The best response to each scenario for the volumes in ``plan``, in closed form.

    Per element and scenario: what arrives is sum_o a[o,e,k] x[o,e]; stock covers the gap up to
    ``stock``; the rest is shortage. This is the optimal w, u of (4)-(5) for any plan, so it is
    also how the optimum's shortages are reported (it resolves ties the LP leaves open, e.g. at
    risk weight 0).
    """
    elements = data.elements.set_index("element")
    scen = data.scenarios["scenario"]
    n_scen, n_elem = len(scen), len(elements)
    contracted = plan.groupby("element")["volume"].sum().reindex(elements.index, fill_value=0.0)
    k, offer, availability = data.availability_arrays()
    element_of = pd.Index(elements.index).get_indexer(data.offers["element"])
    lost = pd.Series((1.0 - availability) * plan["volume"].to_numpy()[offer])
    lost = lost.groupby(k * n_elem + element_of[offer]).sum()  # cell of the table, scenario-major
    lost_cell = np.zeros(n_scen * n_elem)
    lost_cell[lost.index.to_numpy()] = lost.to_numpy()
    out = pd.DataFrame({"scenario": np.repeat(scen.to_numpy(), n_elem),  # every scenario x element
                        "element": np.tile(elements.index.to_numpy(), n_scen)})
    demand = np.tile(elements["demand"].to_numpy(), n_scen)  # cells run over elements fastest
    levels = elements["stock"] if stock_level is None else stock_level.reindex(elements.index)
    stock = np.tile(levels.to_numpy(), n_scen)
    arrived = np.tile(contracted.to_numpy(), n_scen) - lost_cell
    out["demand"] = demand
    out["arrived"] = np.where(np.abs(arrived) < ZERO, 0.0, arrived)
    out["stock_release"], out["shortage"] = best_response(demand, arrived, stock)
    penalty = np.tile(elements["shortage_cost"].to_numpy(), n_scen) * USD_PER_KG_TO_USD_PER_T
    out["shortage_cost"] = penalty * out["shortage"]
    return out
