"""The API of ``sourcing plan``: :func:`plan` and :func:`value_of_information`.

Each call resolves the horizon (:mod:`~sourcing.multiyear.horizon`), builds the tree of paths
(:mod:`~sourcing.multiyear.tree`), states the LP (:mod:`~sourcing.multiyear.statement`), compiles it
(:mod:`~sourcing.multiyear.matrices`, or Pyomo's compiler for a model a caller built), hands it to
HiGHS (:mod:`sourcing.highs`) and extracts the result (:mod:`~sourcing.multiyear.extract`). No Pyomo
object leaves this layer.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

import numpy as np

from sourcing.data import InputData
from sourcing.errors import InfeasibleError, OptionError
from sourcing.highs import (
    RawSolution,
    compile_model,
    new_highs,
    pass_model,
    run_highs,
    scaled,
    scaling_of,
    solver_failure,
    unscaled,
    values,
)
from sourcing.lp import TriviallyInfeasibleError
from sourcing.model import RiskOptions
from sourcing.multiyear.availability import Availability
from sourcing.multiyear.events import DEFAULT_PATHS, EVENT_MODELS, FIRST, INDEPENDENT, MIN_PATHS
from sourcing.multiyear.extract import extract_plan
from sourcing.multiyear.horizon import Horizon, build_horizon
from sourcing.multiyear.infeasible import explain_plan
from sourcing.multiyear.matrices import compile_statement
from sourcing.multiyear.result import PlanResult
from sourcing.multiyear.statement import Statement, build_statement, statement_for, tree_for
from sourcing.multiyear.tree import Tree, tree_of_paths
from sourcing.speed import paused_gc

if TYPE_CHECKING:
    import pyomo.environ as pyo

Years = tuple[int, int]
__all__ = ["plan", "value_of_information", "statement_for", "expected_availability"]


def plan(data: InputData, years: Years | None = None, *, discount_rate: float = 0.0,
         options: RiskOptions | None = None, time_limit: float | None = None,
         model: pyo.ConcreteModel | None = None, stats: dict | None = None, events: str = INDEPENDENT,
         paths: int = DEFAULT_PATHS, seed: int = 0) -> PlanResult:
    """The optimal multi-year plan for ``data`` over ``years`` (START, END inclusive; default: the
    years named in the inputs' ``year`` columns), with discount rate ``discount_rate``.

    ``model``: solve this Pyomo model instead (:func:`sourcing.multiyear.model.build_plan_model` of
    the same arguments, possibly extended), through Pyomo's standard-form compiler. ``stats``: a
    dict that receives the seconds of each phase (``horizon``, ``tree``, ``build``, ``handoff``,
    ``solve``, ``extract``) and the LP's ``rows``, ``columns``, ``nnz``, ``paths`` and ``nodes``.
    ``events``: ``independent`` (every event independently; exact when at most ``paths`` paths
    have probability >= 1e-12, else ``paths`` sampled with ``seed``) or ``first`` (one event per
    path, docs/plan.md's first tree).

    Raises:
        OptionError: a bad horizon or discount rate (see :func:`~sourcing.multiyear.horizon.build_horizon`).
        InputError: a year of the default horizon without demand.
        InfeasibleError: no plan meets every constraint; the message names the year, paths and cause.
        SolverError: HiGHS failed or hit ``time_limit`` (seconds).
    """
    options = options or RiskOptions()
    with paused_gc():
        clock = [time.perf_counter()]
        horizon = build_horizon(data, years, discount_rate)
        clock.append(time.perf_counter())
        tree = _tree(horizon, events, paths, seed)
        clock.append(time.perf_counter())
        st, raw, compiled, clock = _solve(horizon, tree, options, time_limit, model, clock)
        result = extract_plan(st, compiled, raw, check=lambda r: _check(horizon, tree, r))
        clock.append(time.perf_counter())
    if stats is not None:
        stats.update(zip(("horizon", "tree", "build", "handoff", "solve", "extract"), np.diff(clock).tolist()))
        stats.update(rows=compiled.matrix.shape[0], columns=compiled.matrix.shape[1], nnz=int(compiled.matrix.nnz),
                     paths=tree.paths, nodes=tree.nodes)
    return result


def _tree(horizon: Horizon, events: str, paths: int, seed: int) -> Tree:
    """The tree of ``events``; OptionError for a bad choice, too few paths, or events in progress
    today with ``first``."""
    if events not in EVENT_MODELS:
        raise OptionError(f"--events {events}: expected one of {', '.join(EVENT_MODELS)}")
    if int(paths) != paths or paths < 1:  # the CLI asks for at least MIN_PATHS
        raise OptionError(f"--paths {paths}: expected a whole number >= {MIN_PATHS}")
    if int(seed) != seed or seed < 0:
        raise OptionError(f"--seed {seed}: expected a whole number >= 0")
    if events == FIRST and (horizon.in_progress_years() > 0).any():
        busy = horizon.events["scenario"][horizon.in_progress_years() > 0].tolist()
        raise OptionError(f"--events first has one event per path and cannot start with events in progress "
                          f"({', '.join(busy)}: in_progress_until in scenarios.csv); use --events independent "
                          "(the default)")
    return tree_for(horizon, events, int(paths), int(seed))


def _solve(horizon: Horizon, tree: Tree, options: RiskOptions, time_limit: float | None,
           model, clock: list[float], **statement) -> tuple[Statement, RawSolution, object, list[float]]:
    try:
        st = build_statement(horizon, tree, options, **statement)
        compiled = compile_statement(st) if model is None else _compile(model)
    except TriviallyInfeasibleError:
        raise InfeasibleError(explain_plan(horizon, tree) or [_UNEXPLAINED]) from None
    clock.append(time.perf_counter())
    highs = new_highs()
    scaling = scaling_of(compiled)  # tonnes near 1e12 would leave HiGHS calling the plan unbounded
    pass_model(highs, scaled(compiled, scaling))
    clock.append(time.perf_counter())
    raw = unscaled(run_highs(highs, time_limit, interruptible=True), scaling)
    clock.append(time.perf_counter())
    return st, raw, compiled, clock


def _compile(model):
    from pyomo.common.errors import InfeasibleConstraintException

    try:
        return compile_model(model)
    except InfeasibleConstraintException as exc:
        raise TriviallyInfeasibleError(str(exc)) from exc


_UNEXPLAINED = ("HiGHS found the plan infeasible but no single year's caps, capacities or commitments explain it; "
                "run `sourcing solve --year Y` for the years of the horizon and review caps.csv and supply.csv")


def _check(horizon: Horizon, tree: Tree, raw: RawSolution) -> None:
    if raw.status == "optimal":
        return
    if raw.status == "infeasible":
        raise InfeasibleError(explain_plan(horizon, tree) or [_UNEXPLAINED])
    raise solver_failure(raw)


def checked_tree(horizon: Horizon, events: str, paths: int, seed: int) -> Tree:
    """The tree :func:`plan` solves for these options (OptionError for bad ones)."""
    return _tree(horizon, events, paths, seed)


def solve_tree(horizon: Horizon, tree: Tree, options: RiskOptions, time_limit: float | None = None, *,
               fix_root: dict | None = None) -> tuple[Statement, object, RawSolution]:
    """The statement of the plan on ``tree``, compiled, and HiGHS's optimal solution of it
    (``fix_root``: root decisions held fixed, as :func:`build_statement` takes them).

    Raises:
        InfeasibleError, SolverError: as :func:`plan`.
    """
    st, raw, compiled, _ = _solve(horizon, tree, options, time_limit, None, [0.0], fix_root=fix_root)
    _check(horizon, tree, raw)
    return st, compiled, raw


def root_values(st: Statement, compiled, raw: RawSolution) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """The root's decisions (contracts and investments at depth -1) of a solution, as the
    ``fix_root`` that holds them fixed on another tree of the same horizon (items, values)."""
    fix = {}
    for name in ("volume", "investment"):
        fam = st.variables[name]
        root = np.flatnonzero(fam.depth == -1)
        got = values(compiled, raw, name)[fam.first[root]]
        fix[name] = (root, np.clip(got, fam.lower[fam.first[root]], fam.upper[fam.first[root]]))
    return fix


def _objective(horizon: Horizon, tree: Tree, options: RiskOptions, time_limit: float | None,
               **statement) -> tuple[float, Statement, object, RawSolution]:
    st, raw, compiled, _ = _solve(horizon, tree, options, time_limit, None, [0.0], **statement)
    _check(horizon, tree, raw)
    return raw.objective, st, compiled, raw


def value_of_information(data: InputData, years: Years | None = None, *, discount_rate: float = 0.0,
                         options: RiskOptions | None = None, time_limit: float | None = None,
                         events: str = INDEPENDENT, paths: int = DEFAULT_PATHS, seed: int = 0) -> dict[str, float]:
    """VSS = EEV - RP and EVPI = RP - WS of the plan, for the risk-neutral objective (cvar_weight 0).

    RP is the plan's optimum. The mean-value problem has one path on which no event is ever known
    and every offer delivers, each year, its expected availability over the paths
    (sum_s p_s a[o,e,y,s]); EEV is the plan's objective with the root decisions (the contracts
    signed at the start of y0, the investments decided then) fixed to the mean-value optimum's and
    every later decision re-optimized on the tree. WS = sum_s p_s V_s, V_s the optimum of path s
    alone (its events known from the start). All on the tree :func:`plan` solves (``events``,
    ``paths``, ``seed``): exact or sampled.
    """
    options = options or RiskOptions()
    if options.cvar_weight > 0:
        raise OptionError("--value-of-information is defined for the risk-neutral objective: use --cvar-weight 0")
    with paused_gc():
        horizon = build_horizon(data, years, discount_rate)
        tree = _tree(horizon, events, paths, seed)
        rp, *_ = _objective(horizon, tree, options, time_limit)
        mean_tree = tree_of_paths(horizon.years, tree.events, [()], [1.0], horizon.duration, tree.model)
        mv, st, compiled, raw = _objective(horizon, mean_tree, options, time_limit,
                                           none_availability=expected_availability(horizon, tree))
        fix = root_values(st, compiled, raw)
        eev, *_ = _objective(horizon, tree, options, time_limit, fix_root=fix)
        ws = 0.0
        for history, p in zip(tree.histories, tree.path_probability):
            alone = tree_of_paths(horizon.years, tree.events, [history], [1.0], horizon.duration, tree.model,
                                  tree.ongoing)
            ws += float(p) * _objective(horizon, alone, options, time_limit)[0]
    return {
        "value_of_stochastic_solution": float(eev - rp),
        "expected_value_of_perfect_information": float(rp - ws),
        "recourse_problem": float(rp),
        "expected_result_of_mean_value_solution": float(eev),
        "mean_value_problem": float(mv),
        "wait_and_see": float(ws),
    }


def expected_availability(horizon: Horizon, tree: Tree) -> np.ndarray:
    """Per offer-year: sum over paths of p_s a[o,e,y,s] (1 - the expected lost fraction)."""
    a = Availability(horizon, tree)
    lost = np.zeros(len(horizon.offer_years))
    np.add.at(lost, a.q, tree.node_probability[a.node] * (1.0 - a.value))
    return 1.0 - lost
