"""Solve the one-year LP, price a given plan, and value planning for disruption: the API of ``solve``
and ``evaluate``.

Each call builds the LP (:func:`sourcing.lp.build_lp`, or a caller's Pyomo model compiled),
hands it to HiGHS (:mod:`sourcing.highs`) and extracts the result (:mod:`sourcing.extract`).
No Pyomo object leaves this layer: callers get a :class:`~sourcing.result.Result` of pandas frames.
"""

from __future__ import annotations

import time
from dataclasses import replace
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from sourcing.data import InputData
from sourcing.errors import InfeasibleError, OptionError
from sourcing.extract import extract, violations
from sourcing.highs import RawSolution, check_status, compile_model, new_highs, pass_model, run_highs
from sourcing.lp import TriviallyInfeasibleError, build_lp
from sourcing.model import FirstStage, RiskOptions, build_model
from sourcing.result import Evaluation, Result
from sourcing.speed import paused_gc

if TYPE_CHECKING:
    import pyomo.environ as pyo

MEAN = "mean"
"""The one scenario of the mean-value problem."""


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
    raw = run_highs(highs, time_limit, interruptible=True)
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
