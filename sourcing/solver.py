"""Hand the LP to HiGHS, check how the solve ended, and extract a :class:`Result`.

The LP's matrices come from :func:`sourcing.lp.build_lp` (the model's standard form, built with
numpy) or, for a Pyomo model a caller built or extended, from Pyomo's ``LinearStandardFormCompiler``
(:func:`compile_model`); either is passed to ``highspy`` directly (see
``../shared/docs/performance.md``). No Pyomo object leaves this module: callers get a
:class:`Result` of pandas frames.
"""

from __future__ import annotations

import os
import sys
import time
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from sourcing.data import ALL, IMPORTS, InputData
from sourcing.errors import InfeasibleError, OptionError, SolverError
from sourcing.lp import Compiled, TriviallyInfeasibleError, build_lp
from sourcing.model import USD_PER_KG_TO_USD_PER_T, FirstStage, RiskOptions, build_model
from sourcing.result import Evaluation, Result, cvar_of
from sourcing.speed import paused_gc

if TYPE_CHECKING:
    import pyomo.environ as pyo

MEAN = "mean"
"""The one scenario of the mean-value problem."""
ZERO = 1e-9
"""Solver values smaller than this in magnitude are reported as 0."""
GAP_TOLERANCE = 1e-6
"""A scenario gap below this fraction of demand is solver round-off, not a shortage."""
BINDING_TOLERANCE = 1e-6
"""A cap binds when its slack is at most this fraction of the element's total (at least 1 t x this)."""


@dataclass
class RawSolution:
    status: str
    objective: float
    col_value: np.ndarray
    row_dual: np.ndarray
    iterations: int


def compile_model(model: pyo.ConcreteModel) -> Compiled:
    """Compile ``model`` to the matrices HiGHS takes (rows in mixed form: <=, >= or ==)."""
    import pyomo.environ as pyo
    from pyomo.repn.plugins.standard_form import LinearStandardFormCompiler

    with paused_gc():
        info = LinearStandardFormCompiler().write(model, mixed_form=True, set_sense=pyo.minimize)
    # (a row that holds no variable and can never hold raises InfeasibleConstraintException)
    cols = info.columns
    n = len(cols)
    col_pos = {id(v): i for i, v in enumerate(cols)}
    inf = np.inf
    lower = np.fromiter((-inf if v.lb is None else v.lb for v in cols), float, n)
    upper = np.fromiter((inf if v.ub is None else v.ub for v in cols), float, n)
    rhs = np.asarray(info.rhs, dtype=float)
    mult = np.fromiter((r[1] for r in info.rows), int, len(info.rows))
    row_lower = np.where(mult <= 0, rhs, -inf)
    row_upper = np.where(mult >= 0, rhs, inf)
    row_pos = {id(r[0]): i for i, r in enumerate(info.rows)}
    columns, fallback = {}, {}
    for var in model.component_objects(pyo.Var, active=True):
        datas = list(var.values())
        columns[var.name] = np.fromiter((col_pos.get(id(v), -1) for v in datas), int, len(datas))
        fallback[var.name] = np.array([_resting_value(v) for v in datas], dtype=float)
    rows = {}
    for con in model.component_objects(pyo.Constraint, active=True):
        datas = list(con.values())
        rows[con.name] = np.fromiter((row_pos.get(id(c), -1) for c in datas), int, len(datas))
    cost = np.asarray(info.c.toarray()[0] if info.c.shape[0] else np.zeros(n), dtype=float)
    offset = float(info.c_offset[0]) if len(info.c_offset) else 0.0
    return Compiled(cost, offset, info.A.tocsc(), lower, upper, row_lower, row_upper, columns, rows, fallback)


def _resting_value(v) -> float:
    """The value of a variable the compiler left out: its fixed value, else the bound nearest 0."""
    if v.fixed:
        return float(v.value)
    lb = -np.inf if v.lb is None else v.lb
    ub = np.inf if v.ub is None else v.ub
    return float(min(max(0.0, lb), ub))


def new_highs():
    """A ``highspy.Highs`` without its start-up banner, which HiGHS prints to stdout (ours is for data)."""
    import highspy

    sys.stdout.flush()
    saved = os.dup(1)
    quiet = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(quiet, 1)
        return highspy.Highs()
    finally:
        os.dup2(saved, 1)
        os.close(quiet)
        os.close(saved)


def pass_model(highs, compiled: Compiled) -> None:
    """Load ``compiled`` into ``highs`` (replacing whatever model it held)."""
    import highspy

    A = compiled.matrix
    lp = highspy.HighsLp()
    lp.num_col_ = A.shape[1]
    lp.num_row_ = A.shape[0]
    lp.col_cost_ = compiled.cost
    lp.col_lower_ = compiled.col_lower
    lp.col_upper_ = compiled.col_upper
    lp.row_lower_ = compiled.row_lower
    lp.row_upper_ = compiled.row_upper
    lp.offset_ = compiled.offset
    lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
    lp.a_matrix_.num_col_ = A.shape[1]
    lp.a_matrix_.num_row_ = A.shape[0]
    lp.a_matrix_.start_ = A.indptr.astype(np.int32)
    lp.a_matrix_.index_ = A.indices.astype(np.int32)
    lp.a_matrix_.value_ = A.data.astype(float)
    status = highs.passModel(lp)
    if status == highspy.HighsStatus.kError:
        raise SolverError("HiGHS rejected the model (passModel returned an error)")


def run_highs(highs, time_limit: float | None = None) -> RawSolution:
    """Solve the model loaded in ``highs``; every option is set on every call."""
    import highspy

    options = {
        "output_flag": False,
        "log_to_console": False,
        "presolve": "on",
        "solver": "choose",
        "time_limit": float(time_limit) if time_limit else np.inf,
        "random_seed": 0,
    }
    for name, value in options.items():
        highs.setOptionValue(name, value)
    highs.run()
    status = highs.getModelStatus()
    names = {
        highspy.HighsModelStatus.kOptimal: "optimal",
        highspy.HighsModelStatus.kInfeasible: "infeasible",
        highspy.HighsModelStatus.kUnboundedOrInfeasible: "infeasible",
        highspy.HighsModelStatus.kUnbounded: "unbounded",
        highspy.HighsModelStatus.kTimeLimit: "time_limit",
        highspy.HighsModelStatus.kIterationLimit: "iteration_limit",
    }
    name = names.get(status, highs.modelStatusToString(status))
    info = highs.getInfo()
    if name != "optimal":
        return RawSolution(name, np.nan, np.empty(0), np.empty(0), int(info.simplex_iteration_count))
    sol = highs.getSolution()
    return RawSolution(
        "optimal",
        float(info.objective_function_value),
        np.asarray(sol.col_value, dtype=float),
        np.asarray(sol.row_dual, dtype=float),
        int(info.simplex_iteration_count),
    )


def solve(data: InputData, options: RiskOptions | None = None, *, time_limit: float | None = None,
          model: pyo.ConcreteModel | None = None, stats: dict | None = None) -> Result:
    """Build, solve and extract the optimal plan for ``data``.

    The LP handed to HiGHS is :func:`sourcing.lp.build_lp`'s, the compiled form of
    ``build_model(data, options)`` built without creating the Pyomo objects. ``model``: solve this
    Pyomo model instead (``build_model(data, options)``, possibly extended), through Pyomo's
    standard-form compiler. ``stats``: a dict that receives the time in seconds of each phase (``build``,
    ``handoff``, ``solve``, ``extract``) and the LP's ``rows``, ``columns`` and ``nnz``.

    Raises:
        InfeasibleError: no plan meets every constraint; the message names the conflict.
        SolverError: HiGHS failed or hit ``time_limit`` (seconds).
    """
    options = options or RiskOptions()
    return _solve(data, options, model, time_limit, stats=stats)


def _solve(data: InputData, options: RiskOptions, model: pyo.ConcreteModel | None, time_limit: float | None,
           fixed: FirstStage | None = None, stats: dict | None = None) -> Result:
    """Build (or compile ``model``), pass, solve, extract; phase times into ``stats``."""
    with paused_gc():
        return _solve_paused(data, options, model, time_limit, fixed, stats)


def _solve_paused(data: InputData, options: RiskOptions, model: pyo.ConcreteModel | None, time_limit: float | None,
                  fixed: FirstStage | None, stats: dict | None) -> Result:
    clock = [time.perf_counter()]
    try:
        if model is None:
            compiled = build_lp(data, options)
            clock.append(time.perf_counter())
        else:
            from pyomo.common.errors import InfeasibleConstraintException

            clock.append(time.perf_counter())
            try:
                compiled = compile_model(model)
            except InfeasibleConstraintException as exc:
                raise TriviallyInfeasibleError(str(exc)) from exc
    except TriviallyInfeasibleError:
        check_status(data, RawSolution("infeasible", np.nan, np.empty(0), np.empty(0), 0))
        raise
    highs = new_highs()
    pass_model(highs, compiled)
    clock.append(time.perf_counter())
    raw = run_highs(highs, time_limit)
    clock.append(time.perf_counter())
    result = extract(data, options, compiled, raw, fixed=fixed)
    clock.append(time.perf_counter())
    if stats is not None:
        stats.update(zip(("build", "handoff", "solve", "extract"), np.diff(clock).tolist()))
        stats.update(rows=compiled.matrix.shape[0], columns=compiled.matrix.shape[1], nnz=int(compiled.matrix.nnz))
    return result


def evaluate(data: InputData, volume: pd.Series, options: RiskOptions | None = None, *,
             stock_level: pd.Series | None = None, time_limit: float | None = None,
             with_optimum: bool = True) -> Evaluation:
    """Price a given plan: volumes fixed (per offer, aligned to ``data.offers``), stock release and
    shortage chosen optimally in each scenario (and the stock level too, unless ``stock_level`` is
    given). Demand the plan leaves uncovered is shortage in every scenario, the baseline too.
    Capacities, commitments, cover and share limits the plan breaks are reported as violations.
    """
    options = options or RiskOptions()
    fixed = FirstStage(pd.Series(np.asarray(volume, dtype=float), index=data.offers.index), stock_level)
    result = _solve(data, options, build_model(data, options, fixed=fixed), time_limit, fixed=fixed)
    optimum, causes = None, []
    if with_optimum:
        try:
            optimum = solve(data, options, time_limit=time_limit)
        except InfeasibleError as exc:
            causes = exc.causes
    return Evaluation(result, violations(result), optimum, causes)


def violations(result: Result) -> pd.DataFrame:
    """Where a plan breaks (1)-(3): ``origin``, ``element``, ``kind`` (capacity, min_volume, demand,
    max_share, min_share), ``basis`` and ``scope`` (of a share limit; empty otherwise), ``limit`` and
    ``value`` (tonnes, or shares for share limits)."""
    rel = 1e-9
    rows = []
    for r in result.plan.itertuples(index=False):
        if r.volume > r.capacity * (1 + rel) + rel:
            rows.append((r.origin, r.element, "capacity", "", "", r.capacity, r.volume))
        if r.volume < r.min_volume * (1 - rel) - rel:
            rows.append((r.origin, r.element, "min_volume", "", "", r.min_volume, r.volume))
    for r in result.elements.itertuples(index=False):
        if r.total_volume < r.demand * (1 - rel) - rel:
            rows.append((ALL, r.element, "demand", "", "", r.demand, r.total_volume))
    for r in result.caps.itertuples(index=False):
        broken = r.share > r.limit + rel if r.kind == "max" else r.share < r.limit - rel
        if broken:
            rows.append((r.origin, r.element, f"{r.kind}_share", r.basis, r.scope, r.limit, r.share))
    return pd.DataFrame(rows, columns=["origin", "element", "kind", "basis", "scope", "limit", "value"])


def value_of_information(data: InputData, options: RiskOptions | None = None, *,
                         time_limit: float | None = None) -> dict[str, float]:
    """VSS = EEV - RP and EVPI = RP - WS for the risk-neutral objective (cvar_weight 0).

    RP is the optimum; EEV the objective of the full model with the first-stage decisions (volumes,
    and stock levels) fixed to the optimum of the mean-value problem (one scenario of probability 1
    with availability sum_k p[k] a[o,e,k]); WS = sum_k p[k] V[k], V[k] the optimum with scenario k
    alone at probability 1.
    """
    options = options or RiskOptions()
    if options.cvar_weight > 0:
        raise OptionError("--value-of-information is defined for the risk-neutral objective: use --cvar-weight 0")
    rp = solve(data, options, time_limit=time_limit)
    mean = solve(mean_value_data(data), options, time_limit=time_limit)
    fixed = FirstStage(mean.plan["volume"], mean.elements["optimal_stock"])
    eev = _solve(data, options, build_model(data, options, fixed=fixed), time_limit, fixed=fixed).objective
    ws = 0.0
    for k, p in zip(data.scenarios["scenario"], data.scenarios["probability"]):
        ws += p * solve(scenario_data(data, k), options, time_limit=time_limit).objective
    return {
        "value_of_stochastic_solution": eev - rp.objective,
        "expected_value_of_perfect_information": rp.objective - ws,
        "recourse_problem": rp.objective,
        "expected_result_of_mean_value_solution": eev,
        "mean_value_problem": mean.objective,
        "wait_and_see": ws,
    }


def mean_value_data(data: InputData) -> InputData:
    """``data`` with one scenario, ``mean`` (probability 1), in which each offer delivers its
    expected availability sum_k p[k] a[o,e,k]."""
    avail = data.offer_availability()
    prob = avail["scenario"].map(data.scenarios.set_index("scenario")["probability"])
    lost = ((1.0 - avail["availability"]) * prob).groupby(avail["offer"]).sum()
    offers = data.offers.loc[lost.index]
    disruptions = pd.DataFrame({"scenario": MEAN, "origin": offers["origin"].to_numpy(),
                                "element": offers["element"].to_numpy(),
                                "availability": (1.0 - lost).to_numpy()})
    scenarios = pd.DataFrame({"scenario": [MEAN], "probability": [1.0],
                              "description": ["mean-value problem: expected availabilities"]})
    return replace(data, scenarios=scenarios, disruptions=disruptions)


def scenario_data(data: InputData, scenario: str) -> InputData:
    """``data`` with ``scenario`` alone, at probability 1."""
    scenarios = data.scenarios[data.scenarios["scenario"] == scenario].assign(probability=1.0)
    disruptions = data.disruptions[data.disruptions["scenario"] == scenario]
    return replace(data, scenarios=scenarios.reset_index(drop=True), disruptions=disruptions.reset_index(drop=True))


def check_status(data: InputData, raw: RawSolution) -> None:
    """Raise the right error unless ``raw`` is optimal; never read values from a failed solve."""
    if raw.status == "optimal":
        return
    if raw.status == "infeasible":
        from sourcing.feasibility import explain_infeasibility  # scipy.optimize: only on this path

        causes = explain_infeasibility(data) or [
            "HiGHS found the model infeasible but no single cap, capacity or commitment explains it; "
            "run `sourcing check` and review caps.csv and supply.csv"
        ]
        raise InfeasibleError(causes)
    raise SolverError(f"HiGHS stopped without an optimal plan (model status: {raw.status})")


def _values(compiled: Compiled, raw: RawSolution, name: str) -> np.ndarray:
    pos = compiled.columns[name]
    vals = np.where(pos >= 0, raw.col_value[np.maximum(pos, 0)] if len(raw.col_value) else 0.0,
                    compiled.fallback[name])
    return np.where(np.abs(vals) < ZERO, 0.0, vals)


def _duals(compiled: Compiled, raw: RawSolution, name: str, n: int) -> np.ndarray:
    """Row duals of constraint ``name`` in index order (0 for rows not in the model, or inactive)."""
    pos = compiled.rows.get(name)
    if pos is None or not len(raw.row_dual):
        return np.zeros(n)
    duals = np.where(pos >= 0, raw.row_dual[np.maximum(pos, 0)], 0.0)
    return np.where(np.abs(duals) < ZERO, 0.0, duals)


def _limit_duals(limits: pd.DataFrame, compiled: Compiled, raw: RawSolution) -> np.ndarray:
    """The dual of every limit row, aligned to ``limits`` (max rows are `concentration`, min `floor`)."""
    dual = np.zeros(len(limits))
    is_max = (limits["kind"] == "max").to_numpy()
    dual[is_max] = _duals(compiled, raw, "concentration", int(is_max.sum()))
    dual[~is_max] = _duals(compiled, raw, "floor", int((~is_max).sum()))
    return dual


def extract(data: InputData, options: RiskOptions, compiled: Compiled, raw: RawSolution,
            fixed: FirstStage | None = None) -> Result:
    """Turn an optimal HiGHS solution into a :class:`Result`; raises on any other status.

    With ``fixed`` (an evaluation), volumes are the given ones and the status is ``evaluated``.
    """
    check_status(data, raw)
    offers = data.offers
    if fixed is None:
        volume = np.clip(_values(compiled, raw, "volume"), offers["min_volume"].to_numpy(),
                         offers["capacity"].to_numpy())
    else:
        volume = fixed.volume.to_numpy(float)
    plan = offers[["origin", "element", "unit_cost", "capacity", "min_volume"]].copy()
    plan["volume"] = volume
    total = plan.groupby("element", sort=False)["volume"].transform("sum")
    plan["share"] = np.where(total > 0, plan["volume"] / total.where(total > 0, 1.0), 0.0)
    plan["procurement_cost"] = USD_PER_KG_TO_USD_PER_T * plan["unit_cost"] * plan["volume"]
    plan["max_share"] = data.offer_caps()
    plan = plan[["origin", "element", "volume", "share", "unit_cost", "procurement_cost",
                 "capacity", "min_volume", "max_share"]]

    elements = data.elements.copy()
    totals = plan.groupby("element")["volume"].sum()
    elements["total_volume"] = elements["element"].map(totals).fillna(0.0)
    level = np.clip(_values(compiled, raw, "stock_level"), elements["stock"].to_numpy(),
                    elements["max_stock"].to_numpy())
    elements["optimal_stock"] = level
    n_elem, n_scen = len(elements), len(data.scenarios)
    limits, _ = data.limits()
    limit_duals = _limit_duals(limits, compiled, raw)
    # d(objective)/d(demand[e]): demand is the rhs of (2), of every (4), and of demand-basis limits
    scenario_duals = _duals(compiled, raw, "scenario_balance", n_elem * n_scen).reshape(n_elem, n_scen).sum(axis=1)
    per_limit = pd.Series(np.where(limits["basis"] == IMPORTS, 0.0, limit_duals * limits["share"]))
    by_element = per_limit.groupby(limits["element"].to_numpy()).sum()
    demand_limit_duals = elements["element"].map(by_element).fillna(0.0).to_numpy()
    cover = _duals(compiled, raw, "cover", n_elem)
    elements["marginal_cost"] = (cover + scenario_duals + demand_limit_duals) / USD_PER_KG_TO_USD_PER_T
    stock_duals = _duals(compiled, raw, "stock_limit", n_elem * n_scen).reshape(n_elem, n_scen)
    elements["stock_value"] = -stock_duals.sum(axis=1) / USD_PER_KG_TO_USD_PER_T

    caps = limit_report(data, plan, limits, limit_duals)

    shortages = recourse(data, plan, pd.Series(level, index=elements["element"].to_numpy()))
    losses = shortages.groupby("scenario", sort=False)["shortage_cost"].sum()
    scenarios = data.scenarios.copy()
    scenarios["shortage_cost"] = scenarios["scenario"].map(losses).fillna(0.0)
    p = scenarios["probability"].to_numpy()
    loss = scenarios["shortage_cost"].to_numpy()
    expected = float(p @ loss)
    procurement = float(plan["procurement_cost"].sum())
    stockpile = float((USD_PER_KG_TO_USD_PER_T * elements["holding_cost"] * (level - elements["stock"])).sum())
    return Result(
        status="optimal" if fixed is None else "evaluated",
        objective=raw.objective,
        procurement_cost=procurement,
        expected_shortage_cost=expected,
        cvar=cvar_of(loss, p, options.cvar_level),
        options=options,
        plan=plan.reset_index(drop=True),
        caps=caps,
        elements=elements.reset_index(drop=True),
        scenarios=scenarios.reset_index(drop=True),
        shortages=shortages,
        stockpile_cost=stockpile,
        iterations=raw.iterations,
    )


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
    tol = BINDING_TOLERANCE * np.maximum(1.0, basis)
    out = limits[["origin", "element", "kind", "basis", "scope", "max_share", "min_share"]].copy()
    out.insert(2, "limit", limits["share"])
    out["share"] = share
    out["binding"] = (basis > tol) & (slack <= tol)
    out["marginal_cost_per_pp"] = np.maximum(0.0, np.where(is_max, -dual, dual) * basis * 0.01)
    out["slack"] = np.maximum(0.0, slack)
    return out.reset_index(drop=True)


def best_response(demand: np.ndarray, arrived: np.ndarray, stock: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Stock release and shortage, the optimal w and u of (4)-(5), where ``arrived`` tonnes arrive
    against ``demand`` with ``stock`` to draw on (arrays that broadcast). A gap below
    GAP_TOLERANCE x demand is solver round-off, not a shortage."""
    gap = np.maximum(0.0, demand - arrived)
    gap = np.where(gap <= GAP_TOLERANCE * np.maximum(1.0, demand), 0.0, gap)
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

