"""Hand a compiled LP to HiGHS, run it with every option set, and read back what it found.

The matrices come from :func:`sourcing.lp.build_lp` (the model's standard form, built with numpy)
or, for a Pyomo model a caller built or extended, from Pyomo's ``LinearStandardFormCompiler``
(:func:`compile_model`); either is passed to ``highspy`` directly, because Pyomo's solver
interfaces walk the model again at several times the cost (see ``benchmarks/README.md``).
:func:`check_status` is the one gate between a solve and its values: nothing is read from a solve
that did not end optimal.
"""

from __future__ import annotations

import contextlib
import os
import sys
import threading
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

import numpy as np

from sourcing.data import InputData
from sourcing.errors import InfeasibleError, SolverError
from sourcing.lp import Compiled
from sourcing.speed import paused_gc

if TYPE_CHECKING:
    import pyomo.environ as pyo

ZERO = 1e-9
"""Solver values smaller than this in magnitude are reported as 0."""
PRIMAL_TOLERANCE = 1e-7
"""HiGHS's primal feasibility tolerance (its default, which :func:`run_highs` keeps): a row may be
off by this much, in absolute terms, in a solution HiGHS calls optimal."""


SCALED_MAGNITUDE = 1e6
"""The largest bound (and cost) :func:`scaling_of` leaves in the LP HiGHS sees: an LP whose tonnes
reach 1e11 is solved in units of 2^k t so that they stay below it (HiGHS, whose tolerances are
absolute and for which 1e20 is infinite, may call such an LP unbounded otherwise)."""


@dataclass(frozen=True)
class Scaling:
    """How the LP handed to HiGHS is scaled: every column counts ``tonnes`` of the model's units
    (every row bound is divided by it), and the objective is the model's divided by ``cost``. Both
    are powers of 2, so scaling and unscaling are exact; 1 and 1 leave the LP as it is."""

    tonnes: float = 1.0
    cost: float = 1.0


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


def scaling_of(compiled: Compiled) -> Scaling:
    """The scaling that brings the LP's largest finite bound, then its largest cost, down to about
    :data:`SCALED_MAGNITUDE` (none where they are below it already)."""
    bounds = np.concatenate([compiled.row_lower, compiled.row_upper, compiled.col_lower, compiled.col_upper])
    bounds = np.abs(bounds[np.isfinite(bounds)])
    tonnes = _power_of_two(float(bounds.max(initial=0.0)) / SCALED_MAGNITUDE)
    cost = _power_of_two(float(np.abs(compiled.cost).max(initial=0.0)) * tonnes / SCALED_MAGNITUDE)
    return Scaling(tonnes, cost)


def _power_of_two(ratio: float) -> float:
    """The power of 2 nearest ``ratio`` when it is above 1, else 1."""
    return float(2.0 ** np.round(np.log2(ratio))) if ratio > 1.0 else 1.0


def scaled(compiled: Compiled, scaling: Scaling) -> Compiled:
    """``compiled`` in the units of ``scaling`` (x = tonnes x', objective = cost objective')."""
    if scaling == Scaling():
        return compiled
    t, c = scaling.tonnes, scaling.cost
    return replace(compiled, cost=compiled.cost * (t / c), offset=compiled.offset / c,
                   col_lower=compiled.col_lower / t, col_upper=compiled.col_upper / t,
                   row_lower=compiled.row_lower / t, row_upper=compiled.row_upper / t)


def unscaled(raw: RawSolution, scaling: Scaling) -> RawSolution:
    """What HiGHS found on the :func:`scaled` LP, in the model's units."""
    if scaling == Scaling():
        return raw
    t, c = scaling.tonnes, scaling.cost
    return replace(raw, objective=raw.objective * c, col_value=raw.col_value * t, row_dual=raw.row_dual * (c / t))


def _resting_value(v) -> float:
    """The value of a variable the compiler left out: its fixed value, else the bound nearest 0."""
    if v.fixed:
        return float(v.value)
    lb = -np.inf if v.lb is None else v.lb
    ub = np.inf if v.ub is None else v.ub
    return float(min(max(0.0, lb), ub))


def new_highs():
    """A silent ``highspy.Highs``: HiGHS prints its banner, and warnings such as those on tiny matrix
    values when a model is passed, to stdout, which is ours for data."""
    import highspy

    sys.stdout.flush()
    saved = os.dup(1)
    quiet = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(quiet, 1)
        highs = highspy.Highs()
        highs.setOptionValue("output_flag", False)
        return highs
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


def run_highs(highs, time_limit: float | None = None, *, interruptible: bool = False) -> RawSolution:
    """Solve the model loaded in ``highs``; every option is set on every call.

    ``interruptible``: run HiGHS in a thread so that Ctrl-C (or SIGTERM, see
    :mod:`sourcing.signals`) in the main thread stops it at its next iteration and raises
    ``KeyboardInterrupt`` at once, instead of after the solve. One light callback per simplex
    iteration is the price; a sweep's many short re-solves do without.
    """
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
    if interruptible and threading.current_thread() is threading.main_thread():
        _run_interruptible(highs)
    else:
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


def _run_interruptible(highs) -> None:
    """``highs.run()`` in a thread, the main thread waiting on it so that signals reach Python.

    The wait is on an event the thread sets when HiGHS returns, never on ``Thread.join``: a
    KeyboardInterrupt raised inside ``join`` marks a running thread as stopped (CPython 3.11), so
    the process went on to exit while HiGHS still ran, and died of it (exit 134 or 139) instead of
    130. After a stop, HiGHS is waited for until it returns; a second signal stops the wait, and
    :func:`solve_running` then tells the caller to leave at once (``os._exit``).
    """
    import highspy

    stop, done = threading.Event(), threading.Event()

    def on_iteration(kind, message, data_out, data_in, user_data) -> None:
        if stop.is_set():
            data_in.user_interrupt = True

    def solve() -> None:
        try:
            if not stop.is_set():  # a stop before the thread ran: nothing to solve
                highs.run()
        finally:
            done.set()

    kinds = (highspy.cb.HighsCallbackType.kCallbackSimplexInterrupt, highspy.cb.HighsCallbackType.kCallbackIpmInterrupt)
    highs.setCallback(on_iteration, None)
    for kind in kinds:
        highs.startCallback(kind)
    solver = threading.Thread(target=solve, name="highs", daemon=True)
    try:
        _RUNNING.add(done)
        solver.start()
        while not done.wait(0.05):
            pass
    except KeyboardInterrupt:
        stop.set()  # HiGHS stops at its next iteration; a second Ctrl-C stops waiting for it
        with contextlib.suppress(KeyboardInterrupt):
            for _ in range(20):  # a stop inside start() may come before the thread exists
                if solver.ident is not None or done.wait(0.05):
                    break
            else:
                _RUNNING.discard(done)  # never started: nothing runs
            while solver.ident is not None and not done.wait(0.05):
                pass
        raise
    finally:
        if done.is_set():
            _RUNNING.discard(done)
            for kind in kinds:
                highs.stopCallback(kind)
            highs.setCallback(None, None)


_RUNNING: set[threading.Event] = set()
"""The solves of :func:`_run_interruptible` still running (their events not yet set)."""


def solve_running() -> bool:
    """Whether a HiGHS solve left behind by a stop still runs in its thread: the process must then
    leave with ``os._exit``, as Python's own exit would tear the interpreter down under it."""
    return any(not done.is_set() for done in _RUNNING)


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
    raise solver_failure(raw)


def solver_failure(raw: RawSolution) -> SolverError:
    """The error of a solve that ended neither optimal nor infeasible, for ``solve`` and ``plan``
    alike: its ``status`` is HiGHS's model status (``time_limit``, ``unbounded``, ...)."""
    if raw.status == "unbounded":  # every cost is >= 0 and every column bounded below: a numerical failure
        return SolverError("HiGHS called the LP unbounded, which it cannot be (no cost is negative and the tonnes "
                           "are bounded below); that is numerical trouble: check that the inputs' units are "
                           "consistent (t/yr, USD/kg) and that `sourcing check` passes", raw.status)
    return SolverError(f"HiGHS stopped without an optimal plan (model status: {raw.status})", raw.status)


def values(compiled: Compiled, raw: RawSolution, name: str) -> np.ndarray:
    pos = compiled.columns[name]
    vals = np.where(pos >= 0, raw.col_value[np.maximum(pos, 0)] if len(raw.col_value) else 0.0,
                    compiled.fallback[name])
    return np.where(np.abs(vals) < ZERO, 0.0, vals)


def duals(compiled: Compiled, raw: RawSolution, name: str, n: int) -> np.ndarray:
    """Row duals of constraint ``name`` in index order (0 for rows not in the model, or inactive)."""
    pos = compiled.rows.get(name)
    if pos is None or not len(raw.row_dual):
        return np.zeros(n)
    duals = np.where(pos >= 0, raw.row_dual[np.maximum(pos, 0)], 0.0)
    return np.where(np.abs(duals) < ZERO, 0.0, duals)
