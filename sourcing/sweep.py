"""``sourcing sweep``: what diversification costs, over a grid of caps and risk weights.

One model, many solves. The model is built and compiled once per process; each point of the grid
changes one coefficient per capped element in the HiGHS model already loaded (the cap row (3) reads
``sum_o x[o,e] - max_share * X[e] <= 0``, so a cap is the coefficient of ``total_volume[e]``) and
re-runs HiGHS from the previous point's basis. Risk weights only change column costs, set once per
chunk. Nothing is rebuilt per point; ``benchmarks/SWEEP.md`` has the measured speed-up.

The grid is cut into *chunks*: consecutive cap values at one (risk_weight, cvar_weight), at most
``chunk_size`` points each, the same whatever the number of workers. A chunk starts from the model
as compiled (no basis) and warm-starts point to point, so every point's figures depend only on the
grid and ``chunk_size``: serial, ``workers=N`` and Dask give identical results, and so does a
resumed sweep (a chunk cut short by a kill is re-run from its start, its finished points not
written twice).

Per point, the figures are computed as :func:`sourcing.solver.solve` computes them (volumes clipped
to their bounds, shortages from the closed-form recourse, CVaR by :func:`sourcing.result.cvar_of`),
with numpy instead of pandas, so that a sweep point equals ``solve(data.with_caps({target: share}),
RiskOptions(...))`` for the same options (tests check it on random points).

``marginal_cost_per_pp`` of the swept cap: the first-order rise of the objective (USD) if the swept
max_share falls by 0.01 (one percentage point), for every element it covers at once. For a target
``ORIGIN:ELEMENT`` it is that cap's ``marginal_cost_per_pp`` as ``sourcing solve`` reports it
(max(0, -dual * X[e] * 0.01)); for ``ORIGIN`` it is the sum of those of the origin's caps, one per
element it offers. Where the cost curve has a kink at the point itself (round capacities make that
common on a grid of round shares), the row's dual is not unique and a single solve may report any
value between the rates on either side; the sweep reports the rate of tightening, read from a
second, warm solve at max_share - 1e-7 whenever the two duals differ. At max_share 1 the cap row
is kept (redundant, as ``sourcing solve`` would drop it) and the same rule gives the cost of the
first point of cap. At the tightest feasible cap it is the point's own dual.
"""

from __future__ import annotations

import contextlib
import csv
import io
import json
import math
import os
import queue
import signal
import sys
import threading
import time
import traceback
import uuid
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple

import numpy as np
import pandas as pd

from sourcing.data import IMPORTS, ORIGIN, InputData
from sourcing.errors import OptionError, SolverError
from sourcing.model import USD_PER_KG_TO_USD_PER_T, RiskOptions

Target = str | tuple[str, str]

CHUNK_SIZE = 25
"""Points per chunk (consecutive cap values at one risk setting) unless told otherwise."""
MAX_POINTS = 1_000_000
"""A grid larger than this is refused as a likely typo (a step of 1e-9, say)."""
GRID_DECIMALS = 12
"""Values of a START:STOP:STEP range are rounded to this many decimals (1 - 14 * 0.05 is 0.3)."""
KEY_DECIMALS = 9
"""Points of a file being resumed are matched to the grid after rounding to this many decimals."""
FSYNC_INTERVAL = 1.0
"""Seconds between fsync calls on ``output`` (each point reaches the file at once; fsync guards
against power loss, not against a kill)."""
PROBE = 1e-7
KINK = 1e-4
"""Where the dual at max_share - PROBE differs from the point's own by more than this (relative),
the point is a kink of the cost curve and marginal_cost_per_pp is the former (see the docstring)."""
SWEPT_CAP = 0.5
"""The swept caps are set to this (any value below 1) before the model is built, so their rows exist."""

KEYS = ("max_share", "risk_weight", "cvar_weight")
FIGURES = ("objective", "procurement_cost", "stockpile_cost", "expected_shortage_cost", "cvar", "marginal_cost_per_pp")
FORMATS = ("table", "csv", "json")


# ---------------------------------------------------------------------------------------------
# the grid


def parse_values(text: str, what: str, *, upper: float | None = 1.0) -> tuple[float, ...]:
    """``START:STOP:STEP`` (inclusive of STOP when on the grid, either direction) or ``V1,V2,...``.

    The sign of STEP does not matter: the range runs from START towards STOP. Every value must lie
    in [0, ``upper``] (no upper bound if None) and appear once.

    Raises:
        OptionError: not numbers, a zero step, a value out of range, a repeated value, or more than
            :data:`MAX_POINTS` values.
    """
    text = text.strip()
    form = "START:STOP:STEP or V1,V2,..."
    if ":" in text:
        parts = text.split(":")
        if len(parts) != 3:
            raise OptionError(f"{what} {text!r}: expected {form}")
        start, stop, step = (_number(p, what, text) for p in parts)
        if step == 0:
            raise OptionError(f"{what} {text!r}: STEP must not be 0")
        step = abs(step) if stop >= start else -abs(step)
        count = math.floor((stop - start) / step + 1e-9) + 1
        if count > MAX_POINTS:
            raise OptionError(f"{what} {text!r}: {count:,} values (more than {MAX_POINTS:,}); use a larger STEP")
        values = [round(start + i * step, GRID_DECIMALS) + 0.0 for i in range(count)]
    else:
        values = [_number(p, what, text) + 0.0 for p in text.split(",")]
    for v in values:
        if v < 0 or (upper is not None and v > upper):
            expected = f"[0, {upper:g}]" if upper is not None else ">= 0"
            raise OptionError(f"{what} {text!r}: {v:g} is outside {expected}")
    seen: set[float] = set()
    for v in values:
        key = round(v, KEY_DECIMALS)
        if key in seen:
            raise OptionError(f"{what} {text!r}: {v:g} is given twice")
        seen.add(key)
    if len(values) > MAX_POINTS:
        raise OptionError(f"{what} {text!r}: more than {MAX_POINTS:,} values")
    return tuple(values)


def _number(part: str, what: str, text: str) -> float:
    try:
        value = float(part.strip())
    except ValueError:
        raise OptionError(f"{what} {text!r}: {part.strip()!r} is not a number") from None
    if not math.isfinite(value):
        raise OptionError(f"{what} {text!r}: {part.strip()!r} is not a finite number")
    return value


def parse_target(text: str) -> Target:
    """``ORIGIN`` -> ``"ORIGIN"``; ``ORIGIN:ELEMENT`` -> ``("ORIGIN", "ELEMENT")``."""
    origin, colon, element = text.partition(":")
    origin, element = origin.strip(), element.strip()
    if not origin or (colon and not element) or ":" in element:
        raise OptionError(f"--cap {text!r}: TARGET must be ORIGIN or ORIGIN:ELEMENT")
    return (origin, element) if colon else origin


def parse_cap(text: str) -> tuple[Target, tuple[float, ...]]:
    """``TARGET=START:STOP:STEP`` or ``TARGET=V1,V2,...`` -> (target, shares)."""
    target, sep, values = text.rpartition("=")
    if not sep or not target.strip() or not values.strip():
        raise OptionError(f"--cap {text!r}: expected TARGET=START:STOP:STEP or TARGET=V1,V2,...")
    return parse_target(target), parse_values(values, f"--cap {target.strip()}=")


def target_label(target: Target) -> str:
    return target if isinstance(target, str) else f"{target[0]}:{target[1]}"


class Chunk(NamedTuple):
    """Consecutive points of the grid at one risk setting, solved in order with warm starts."""

    risk_weight: float
    cvar_weight: float
    points: tuple[tuple[int, float], ...]  # (index in the grid, max_share)


@dataclass(frozen=True)
class SweepPlan:
    """A validated sweep: the data (with the swept caps set below 1 so their rows exist), the swept
    target and the grid. Points are ordered risk_weight, then cvar_weight, then max_share as given
    (the cap varies fastest). Picklable: this is what workers receive.
    """

    data: InputData
    target: Target
    shares: tuple[float, ...]
    risk_weights: tuple[float, ...]
    cvar_weights: tuple[float, ...]
    cvar_level: float
    chunk_size: int = CHUNK_SIZE
    key: str = field(default_factory=lambda: uuid.uuid4().hex)

    @property
    def label(self) -> str:
        return target_label(self.target)

    @property
    def size(self) -> int:
        return len(self.shares) * len(self.risk_weights) * len(self.cvar_weights)

    @property
    def uses_cvar(self) -> bool:
        """Whether some point gives CVaR weight (then the model carries the CVaR rows throughout)."""
        return any(r > 0 and c > 0 for r in self.risk_weights for c in self.cvar_weights)

    def point(self, index: int) -> tuple[float, float, float]:
        """(max_share, risk_weight, cvar_weight) of point ``index``."""
        n, m = len(self.shares), len(self.cvar_weights)
        line, j = divmod(index, n)
        r, c = divmod(line, m)
        return self.shares[j], self.risk_weights[r], self.cvar_weights[c]

    def index_of(self) -> dict[tuple[float, float, float], int]:
        """Point index by its (max_share, risk_weight, cvar_weight) rounded to KEY_DECIMALS."""
        return {tuple(round(v, KEY_DECIMALS) for v in self.point(i)): i for i in range(self.size)}

    def chunks(self) -> list[Chunk]:
        """The grid cut into chunks of at most ``chunk_size`` consecutive cap values, as evenly as
        possible; the cut depends only on the grid and ``chunk_size``."""
        n = len(self.shares)
        pieces = max(1, math.ceil(n / self.chunk_size))
        bounds = [round(i * n / pieces) for i in range(pieces + 1)]
        out = []
        line = 0
        for rw in self.risk_weights:
            for cw in self.cvar_weights:
                base = line * n
                for a, b in zip(bounds, bounds[1:]):
                    out.append(Chunk(rw, cw, tuple((base + j, self.shares[j]) for j in range(a, b))))
                line += 1
        return out

    def offers(self) -> list[tuple[str, str]]:
        """(element, origin) of every share column, in the order of ``data.offers``."""
        return list(zip(self.data.offers["element"], self.data.offers["origin"]))


def plan_sweep(data: InputData, target: Target, shares: Iterable[float], *,
               risk_weights: Iterable[float] = (1.0,), cvar_weights: Iterable[float] = (0.0,),
               cvar_level: float = 0.95, chunk_size: int = CHUNK_SIZE) -> SweepPlan:
    """Check a sweep's options against ``data`` and return its :class:`SweepPlan`.

    Raises:
        OptionError: an unknown origin or element, a target that caps nothing, a share outside
            [0, 1], a bad risk option, an empty or repeated value.
    """
    shares = tuple(float(s) + 0.0 for s in shares)
    risk_weights = tuple(float(r) + 0.0 for r in risk_weights)
    cvar_weights = tuple(float(c) + 0.0 for c in cvar_weights)
    for name, values, upper in (("--cap", shares, 1.0), ("--risk-weight", risk_weights, None),
                                ("--cvar-weight", cvar_weights, 1.0)):
        if not values:
            raise OptionError(f"{name}: give at least one value")
        parse_values(",".join(repr(v) for v in values), name, upper=upper)  # range, finiteness, repeats
    for r in risk_weights:
        for c in cvar_weights:
            RiskOptions(r, c, cvar_level)  # raises OptionError with the option's name
    if not (isinstance(chunk_size, int) and chunk_size >= 1):
        raise OptionError(f"chunk_size must be a positive integer, got {chunk_size!r}")
    if isinstance(target, tuple):
        target = (str(target[0]), str(target[1]))
    swept_data = data.with_caps({target: SWEPT_CAP})  # raises OptionError for unknown names
    if not swept_rows(swept_data, target).any():
        label = target_label(target)
        raise OptionError(f"--cap {label}: no cap of {label} applies (it offers nothing there)")
    size = len(shares) * len(risk_weights) * len(cvar_weights)
    if size > MAX_POINTS:
        raise OptionError(f"the grid has {size:,} points (more than {MAX_POINTS:,})")
    return SweepPlan(swept_data, target, shares, risk_weights, cvar_weights, float(cvar_level), chunk_size)


def swept_rows(data: InputData, target: Target) -> np.ndarray:
    """Which max limits (kind 'max', in ascending id order: the rows of ``concentration``) the
    swept cap sets: the target's plain caps (imports basis, origin scope), for one element or all."""
    limits, _ = data.limits()
    maxes = limits[limits["kind"] == "max"]
    origin, element = (target, None) if isinstance(target, str) else target
    sel = (maxes["origin"] == origin) & (maxes["basis"] == IMPORTS) & (maxes["scope"] == ORIGIN)
    if element is not None:
        sel &= maxes["element"] == element
    return sel.to_numpy()


# ---------------------------------------------------------------------------------------------
# solving a chunk (in whichever process)


class Row(NamedTuple):
    """One solved point: ``status``, the :data:`FIGURES` (NaN unless optimal) and the share of
    every offer (order of ``data.offers``; NaN unless optimal)."""

    status: str
    figures: np.ndarray
    shares: np.ndarray


def _failed(status: str, n_offers: int) -> Row:
    return Row(status, np.full(len(FIGURES), np.nan), np.full(n_offers, np.nan))


class Resolver:
    """The plan's model, compiled once and loaded in one ``highspy.Highs``, re-solved point by point.

    ``threads``: set HiGHS's ``threads`` option (process-wide in HiGHS: workers use 1); None leaves
    HiGHS's default, as :func:`sourcing.solver.solve` does.
    """

    def __init__(self, plan: SweepPlan, threads: int | None = None) -> None:
        from sourcing.lp import TriviallyInfeasibleError, build_lp
        from sourcing.solver import new_highs

        self.plan = plan
        self.threads = threads
        data = plan.data
        self.n_offers = len(data.offers)
        # one layout for every point: the risk columns (and the CVaR ones if any point weighs CVaR)
        # are in the objective, so that a risk setting is only a change of column costs
        layout = RiskOptions(1.0, 0.5 if plan.uses_cvar else 0.0, plan.cvar_level)
        try:
            compiled = build_lp(data, layout)
        except TriviallyInfeasibleError:  # a row that no plan can meet, whatever the swept cap
            self.compiled = None
            return
        self.compiled = compiled
        self.highs = new_highs()

        # objective = base (risk weight 0) + risk_weight * ((1 - cvar_weight) * mean + cvar_weight * tail)
        n = len(compiled.cost)
        el, probability = data.elements, data.scenarios["probability"].to_numpy(float)
        shortage = compiled.columns["shortage"]  # element-major, as the model indexes it
        per_cell = np.outer(el["shortage_cost"].to_numpy(float) * USD_PER_KG_TO_USD_PER_T, probability).ravel()
        mean = np.zeros(n)
        mean[shortage[shortage >= 0]] = per_cell[shortage >= 0]
        risk_columns = [shortage[shortage >= 0]]
        self.tail = None
        if plan.uses_cvar:
            threshold, excess = compiled.columns["cvar_threshold"], compiled.columns["cvar_excess"]
            tail = np.zeros(n)
            tail[threshold[threshold >= 0]] = 1.0
            tail[excess[excess >= 0]] = (probability / (1.0 - plan.cvar_level))[excess >= 0]
            self.tail = tail
            risk_columns += [threshold[threshold >= 0], excess[excess >= 0]]
        base = compiled.cost.copy()
        base[np.concatenate(risk_columns)] = 0.0  # these columns carry only the risk term's cost
        self.base, self.offset, self.mean = base, compiled.offset, mean

        # the swept cap rows and the column of total_volume[e] in each
        sel = swept_rows(data, plan.target)
        limits, _ = data.limits()
        maxes = limits[limits["kind"] == "max"].reset_index(drop=True)
        elements = list(data.elements["element"])
        self.swept_elem = np.array([elements.index(e) for e in maxes.loc[sel, "element"]], dtype=int)
        self.swept_rows = compiled.rows["concentration"][sel]
        self.swept_cols = compiled.columns["total_volume"][self.swept_elem]
        A = compiled.matrix
        for r, c in zip(self.swept_rows, self.swept_cols):
            if r < 0 or c < 0 or abs(A[r, c] + SWEPT_CAP) > 1e-12:
                raise SolverError("sweep: a cap row is not of the form sum_o x[o,e] - max_share * X[e] <= 0 "
                                  "(the model changed; sourcing.sweep needs updating)")

        # what solver.extract and solver.recourse need, as arrays
        offers = data.offers
        self.elem_of = np.array([elements.index(e) for e in offers["element"]], dtype=int)
        self.lower = offers["min_volume"].to_numpy(float)
        self.upper = offers["capacity"].to_numpy(float)
        self.unit_cost = USD_PER_KG_TO_USD_PER_T * offers["unit_cost"].to_numpy(float)
        el = data.elements
        self.demand = el["demand"].to_numpy(float)
        self.stock = el["stock"].to_numpy(float)
        self.max_stock = el["max_stock"].to_numpy(float)
        self.holding = el["holding_cost"].to_numpy(float) * USD_PER_KG_TO_USD_PER_T
        self.penalty = el["shortage_cost"].to_numpy(float) * USD_PER_KG_TO_USD_PER_T
        self.probability = data.scenarios["probability"].to_numpy(float)
        from scipy.sparse import csr_array

        n_el, n_sc = len(elements), len(data.scenarios)
        k_of = {s: i for i, s in enumerate(data.scenarios["scenario"])}
        avail = data.offer_availability()
        rows = [k_of[k] * n_el + elements.index(e) for k, e in zip(avail["scenario"], avail["element"])]
        self.lost = csr_array((1.0 - avail["availability"].to_numpy(float), (rows, avail["offer"].to_numpy(int))),
                              shape=(n_sc * n_el, self.n_offers))
        self.shape = (n_sc, n_el)

    def solve_chunk(self, chunk: Chunk, skip: frozenset[int] = frozenset()) -> Iterator[tuple[int, Row]]:
        """Solve the chunk's points in order from a fresh copy of the compiled model (no basis);
        yield (index, row) for those not in ``skip`` (they are solved all the same, so that the
        others get the same warm starts as in an uninterrupted sweep)."""
        if self.compiled is None:
            for index, _ in chunk.points:
                if index not in skip:
                    yield index, _failed("infeasible", self.n_offers)
            return
        from dataclasses import replace

        from sourcing.solver import pass_model

        cost, offset = self._costs(chunk.risk_weight, chunk.cvar_weight)
        self.highs.clearSolver()
        pass_model(self.highs, replace(self.compiled, cost=cost, offset=offset))
        pending: tuple[int, float, Row] | None = None  # the previous point, its marginal not yet settled
        for index, share in chunk.points:
            self._set_cap(share)
            raw = self._run()
            row = self._row(raw)
            if pending is not None:
                # the previous point's basis still optimal at this tighter cap (no simplex pivot):
                # no kink between them, so its own dual is already the tightening rate
                kept = row.status == "optimal" and raw.iterations == 0 and share < pending[1]
                yield from self._settle(*pending, skip, probe=not kept)
            pending = (index, share, row)
        if pending is not None:
            yield from self._settle(*pending, skip, probe=True)

    def _settle(self, index: int, share: float, row: Row, skip: frozenset[int],
                probe: bool) -> Iterator[tuple[int, Row]]:
        """Fix the point's marginal cost at a kink, then yield it unless skipped.

        At a kink of the cost curve (and at share 1) the point's dual is any of several: the rate of
        the first step tighter is the dual a hair below the point, which a probe re-solve finds.
        """
        from sourcing.solver import ZERO

        if probe and row.status == "optimal" and share >= PROBE:
            self._set_cap(share - PROBE)
            below_raw = self._run()
            if below_raw.status == "optimal":
                own, below = row.figures[-1], self._marginal(below_raw)
                if abs(below - own) > KINK * max(abs(own), abs(below), ZERO * abs(row.figures[0])):
                    row.figures[-1] = below
        if index not in skip:
            yield index, row

    def _set_cap(self, share: float) -> None:
        for r, c in zip(self.swept_rows, self.swept_cols):
            self.highs.changeCoeff(int(r), int(c), -float(share))

    def _costs(self, risk_weight: float, cvar_weight: float) -> tuple[np.ndarray, float]:
        if risk_weight > 0 and cvar_weight > 0:
            cost = self.base + risk_weight * ((1.0 - cvar_weight) * self.mean + cvar_weight * self.tail)
        else:
            cost = self.base + risk_weight * self.mean
        return cost, self.offset  # the risk term has no constant

    def _run(self):
        import highspy

        from sourcing.solver import run_highs

        if self.threads is not None:
            self.highs.setOptionValue("threads", int(self.threads))
        raw = run_highs(self.highs)
        if self.threads is not None and self.highs.getModelStatus() == highspy.HighsModelStatus.kNotset:
            # HiGHS's scheduler was started in this process with another thread count (a Dask
            # worker that solved before): keep what it has
            self.threads = None
            self.highs.setOptionValue("threads", 0)
            raw = run_highs(self.highs)
        return raw

    def _row(self, raw) -> Row:
        """The figures :func:`sourcing.solver.extract` would report, from the raw solution."""
        from sourcing.result import cvar_of
        from sourcing.solver import _values, best_response

        if raw.status != "optimal":
            return _failed(raw.status.lower().replace(" ", "_"), self.n_offers)
        vol, total = self._volumes(raw)
        n_sc, n_el = self.shape
        of = total[self.elem_of]
        shares = np.where(of > 0, vol / np.where(of > 0, of, 1.0), 0.0)
        procurement = float(np.sum(self.unit_cost * vol))
        arrived = total[None, :] - (self.lost @ vol).reshape(n_sc, n_el)
        level = np.clip(_values(self.compiled, raw, "stock_level"), self.stock, self.max_stock)
        _, short = best_response(self.demand[None, :], arrived, level[None, :])
        loss = (self.penalty[None, :] * short).sum(axis=1)
        expected = float(self.probability @ loss)
        cvar = cvar_of(loss, self.probability, self.plan.cvar_level)
        stockpile = float(np.sum(self.holding * (level - self.stock)))
        figures = np.array([raw.objective, procurement, stockpile, expected, cvar, self._marginal(raw, total)])
        return Row("optimal", figures, shares)

    def _volumes(self, raw) -> tuple[np.ndarray, np.ndarray]:
        """Volumes as :func:`sourcing.solver.extract` reports them, and each element's total."""
        from sourcing.solver import _values

        vol = np.clip(_values(self.compiled, raw, "volume"), self.lower, self.upper)
        return vol, np.bincount(self.elem_of, weights=vol, minlength=self.shape[1])

    def _marginal(self, raw, total: np.ndarray | None = None) -> float:
        """Sum over the swept caps of :func:`sourcing.solver.limit_report`'s marginal_cost_per_pp:
        max(0, -dual * X[e] * 0.01)."""
        from sourcing.solver import ZERO

        if total is None:
            total = self._volumes(raw)[1]
        dual = raw.row_dual[self.swept_rows]
        dual = np.where(np.abs(dual) < ZERO, 0.0, dual)
        return float(np.sum(np.maximum(0.0, -dual * total[self.swept_elem] * 0.01)))


_CACHE = threading.local()


def _resolver(plan: SweepPlan, threads: int | None) -> Resolver:
    """This thread's resolver for ``plan`` (a Dask worker runs many chunks of one sweep: the model
    is built once per worker thread, for the latest sweep only)."""
    if getattr(_CACHE, "key", None) != plan.key:
        _CACHE.resolver = None  # release the previous sweep's model first
        _CACHE.resolver = Resolver(plan, threads)
        _CACHE.key = plan.key
    return _CACHE.resolver


# ---------------------------------------------------------------------------------------------
# executors: each calls emit(index, row) for every finished point, as soon as it has it

Emit = Callable[[int, Row], None]
Work = list[tuple[Chunk, frozenset[int]]]


def _serial(plan: SweepPlan, work: Work, emit: Emit) -> None:
    resolver = Resolver(plan, threads=None)
    for chunk, skip in work:
        for index, row in resolver.solve_chunk(chunk, skip):
            emit(index, row)


def _worker_main(plan: SweepPlan, tasks, results, parent: int) -> None:  # pragma: no cover (subprocess)
    """A local worker process: one model, chunks from ``tasks``, points to ``results``."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent decides when to stop

    def watch() -> None:  # exit if the parent dies (even by SIGKILL): no orphans
        while os.getppid() == parent:
            time.sleep(0.25)
        os._exit(1)

    threading.Thread(target=watch, daemon=True).start()
    try:
        resolver = Resolver(plan, threads=1)
        while (task := tasks.get()) is not None:
            chunk, skip = task
            for index, row in resolver.solve_chunk(chunk, skip):
                results.put((index, row))
    except BaseException:
        results.put(("error", traceback.format_exc()))


def _local(plan: SweepPlan, work: Work, emit: Emit, workers: int) -> None:
    """``workers`` spawned processes (spawn: no HiGHS or BLAS threads inherited through fork)."""
    import multiprocessing as mp

    ctx = mp.get_context("spawn")
    tasks, results = ctx.Queue(), ctx.Queue()
    for item in work:
        tasks.put(item)
    workers = max(1, min(workers, len(work)))
    for _ in range(workers):
        tasks.put(None)
    procs = [ctx.Process(target=_worker_main, args=(plan, tasks, results, os.getpid()), daemon=True,
                         name=f"sourcing-sweep-{i}") for i in range(workers)]
    remaining = sum(len(chunk.points) - len(skip) for chunk, skip in work)
    stalled = 0
    try:
        for p in procs:
            p.start()
        while remaining:
            try:
                index, row = results.get(timeout=0.25)
            except queue.Empty:
                dead = [p for p in procs if p.exitcode not in (None, 0)]
                if dead:
                    raise SolverError(f"a sweep worker process died (exit code {dead[0].exitcode}); finished "
                                      "points are kept in --output: run again with --resume") from None
                if all(p.exitcode is not None for p in procs):  # all gone, nothing left in the queue
                    stalled += 1
                    if stalled > 1:
                        raise RuntimeError(f"sweep workers ended with {remaining} points unsolved") from None
                continue
            if index == "error":
                raise RuntimeError(f"a sweep worker failed:\n{row}")
            emit(index, row)
            remaining -= 1
    except BaseException:
        # keep what is already back (points finished before the stop), then stop the workers
        with contextlib.suppress(Exception):
            while True:
                index, row = results.get_nowait()
                if index != "error":
                    emit(index, row)
        raise
    finally:
        for p in procs:
            if p.is_alive():
                p.terminate()
        for p in procs:
            p.join(timeout=5)
            if p.is_alive():
                p.kill()
                p.join()
        for q in (tasks, results):
            q.cancel_join_thread()
            q.close()


def _dask_chunk(plan: SweepPlan, chunk: Chunk, skip: frozenset[int]) -> list[tuple[int, Row]]:
    """A Dask task: one chunk on the worker's cached model (one HiGHS thread)."""
    return list(_resolver(plan, threads=1).solve_chunk(chunk, skip))


def _dask(plan: SweepPlan, work: Work, emit: Emit, scheduler: Any) -> None:
    """Chunks as tasks on an existing Dask distributed cluster (address or ``distributed.Client``)."""
    try:
        from distributed import Client, as_completed
    except ImportError:
        raise OptionError("--scheduler needs Dask distributed: pip install 'sourcing[distributed]'") from None
    own = not isinstance(scheduler, Client)
    if own:
        try:
            client = Client(scheduler, timeout="20s", set_as_default=False)
        except (OSError, TimeoutError, ValueError) as exc:
            raise OptionError(f"--scheduler {scheduler!r}: cannot reach the Dask scheduler ({exc})") from None
    else:
        client = scheduler
    futures: list = []
    try:
        [shared] = client.scatter([plan], broadcast=True, hash=False)
        futures = [client.submit(_dask_chunk, shared, chunk, skip, pure=False) for chunk, skip in work]
        done = set()
        try:
            for future in as_completed(futures, loop=client.loop):
                for index, row in future.result():
                    emit(index, row)
                done.add(future.key)
        except BaseException:
            for future in futures:  # keep chunks that finished before the stop
                if future.key not in done and future.status == "finished":
                    for index, row in future.result():
                        emit(index, row)
            raise
    finally:
        with contextlib.suppress(Exception):
            client.cancel(futures)
        if own:
            client.close()


# ---------------------------------------------------------------------------------------------
# output: one document = prefix + sep.join(items) + suffix, appended point by point


def _num(value: float) -> str:
    return "" if not np.isfinite(value) else repr(float(value))


def _header(plan: SweepPlan) -> list[str]:
    shares = [f"share:{e}:{o}" for e, o in plan.offers()]
    return [*KEYS, "status", *FIGURES, *shares, "target", "cvar_level"]


class _Csv:
    """One line per point; figures at full precision (they read back exactly); empty if not optimal."""

    sep, suffix = "", ""

    @staticmethod
    def prefix(plan: SweepPlan) -> str:
        return _csv_line(_header(plan))

    @staticmethod
    def item(plan: SweepPlan, index: int, row: Row) -> str:
        values = [*map(_num, plan.point(index)), row.status, *map(_num, row.figures), *map(_num, row.shares),
                  plan.label, _num(plan.cvar_level)]
        return _csv_line(values)


def _csv_line(values: Sequence[str]) -> str:
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerow(values)
    return buf.getvalue()


class _Json:
    """``{"target", "cvar_level", "points": [...]}``, one point per line; null where not optimal."""

    sep, suffix = ",\n", "\n]}\n"

    @staticmethod
    def prefix(plan: SweepPlan) -> str:
        head = json.dumps({"target": plan.label, "cvar_level": plan.cvar_level})
        return head[:-1] + ', "points": [\n'

    @staticmethod
    def item(plan: SweepPlan, index: int, row: Row) -> str:
        point: dict[str, Any] = dict(zip(KEYS, plan.point(index)))
        point["status"] = row.status
        ok = row.status == "optimal"
        point.update({name: float(v) if ok else None for name, v in zip(FIGURES, row.figures)})
        shares: dict[str, dict[str, float]] | None = None
        if ok:
            shares = {}
            for (element, origin), s in zip(plan.offers(), row.shares):
                shares.setdefault(element, {})[origin] = float(s)
        point["shares"] = shares
        return "  " + json.dumps(point, allow_nan=False)


MUSD = 1e6


class _Table:
    """Fixed-width columns (so that rows can be appended): money in USD M, shares of the target in %."""

    sep, suffix = "", ""

    @staticmethod
    def _shown(plan: SweepPlan) -> list[tuple[int, str]]:
        """Share columns shown: the target origin's share of each element it offers, or, for an
        ORIGIN:ELEMENT target, every origin's share of that element."""
        cols = []
        for i, (element, origin) in enumerate(plan.offers()):
            if isinstance(plan.target, tuple):
                if element == plan.target[1]:
                    cols.append((i, f"{origin}:{element}"))
            elif origin in plan.data.members(plan.target):
                cols.append((i, f"{origin}:{element}"))
        return cols

    @staticmethod
    def _widths(plan: SweepPlan) -> list[int]:
        return [9, 11, 11, 11] + [13] * len(FIGURES) + [max(8, len(n)) for _, n in _Table._shown(plan)]

    @staticmethod
    def prefix(plan: SweepPlan) -> str:
        names = ["max_share", "risk_weight", "cvar_weight", "status", "objective", "procurement", "stockpile",
                 "exp_shortage", "cvar", "marginal_pp"] + [n for _, n in _Table._shown(plan)]
        what = (f"the cap on {plan.target[0]}'s share of {plan.target[1]}" if isinstance(plan.target, tuple)
                else f"the cap on {plan.label} (every element it offers)")
        lines = [
            f"Sweep of {what}: {plan.size} points; CVaR level {plan.cvar_level:g}",
            "Money in USD M/yr; marginal_pp: rise of the objective (USD M) if the cap tightens by 1 percentage "
            "point; shares in % of the element's imports",
            _Table._line(names, _Table._widths(plan)),
        ]
        return "\n".join(lines) + "\n"

    @staticmethod
    def _line(cells: Sequence[str], widths: Sequence[int]) -> str:
        out = [c.rjust(w) if i != 3 else c.ljust(w) for i, (c, w) in enumerate(zip(cells, widths))]
        return "  ".join(out).rstrip()

    @staticmethod
    def item(plan: SweepPlan, index: int, row: Row) -> str:
        share, rw, cw = plan.point(index)
        ok = row.status == "optimal"
        cells = [f"{share:.1%}", f"{rw:g}", f"{cw:g}", row.status]
        cells += [f"{v / MUSD:,.3f}" if ok else "-" for v in row.figures[:-1]]
        cells += [f"{row.figures[-1] / MUSD:,.4f}" if ok else "-"]
        cells += [f"{row.shares[i]:.1%}" if ok else "-" for i, _ in _Table._shown(plan)]
        return _Table._line(cells, _Table._widths(plan)) + "\n"


_WRITERS = {"csv": _Csv, "json": _Json, "table": _Table}


def format_points(plan: SweepPlan, rows: dict[int, Row], fmt: str) -> str:
    """The whole document for ``rows`` (in grid order) in format ``fmt`` (table, csv or json)."""
    w = _WRITERS[fmt]
    return w.prefix(plan) + w.sep.join(w.item(plan, i, rows[i]) for i in sorted(rows)) + w.suffix


class _Journal:
    """``output`` kept a complete document at every moment: each finished point is added with one
    write call (the document's closing text rewritten after it), fsync'd at least every second."""

    def __init__(self, path: Path, fmt: str, plan: SweepPlan, rows: dict[int, Row]) -> None:
        from sourcing.report import write_atomic

        self.path, self.plan, self.writer = path, plan, _WRITERS[fmt]
        text = format_points(plan, rows, fmt)
        write_atomic(path, text)
        self.fd = os.open(path, os.O_WRONLY)
        self.size = len(text.encode("utf-8"))
        self.count = len(rows)
        self.tail = len(self.writer.suffix.encode("utf-8"))
        self.synced = time.monotonic()

    def append(self, index: int, row: Row) -> None:
        w = self.writer
        data = ((w.sep if self.count else "") + w.item(self.plan, index, row) + w.suffix).encode("utf-8")
        os.lseek(self.fd, self.size - self.tail, os.SEEK_SET)
        written = os.write(self.fd, data)  # one call, unless the disk is full or the like
        while written < len(data):
            written += os.write(self.fd, data[written:])
        self.size += len(data) - self.tail
        self.count += 1
        if time.monotonic() - self.synced >= FSYNC_INTERVAL:
            os.fsync(self.fd)
            self.synced = time.monotonic()

    def close(self) -> None:
        with contextlib.suppress(OSError):
            os.fsync(self.fd)
        os.close(self.fd)


def read_points(path: Path, fmt: str, plan: SweepPlan) -> dict[int, Row]:
    """The points already in ``path`` (a csv or json file of this sweep), by grid index.

    A last point cut short (a kill inside a write) is dropped; a point that appears twice counts once.

    Raises:
        OptionError: the file is of another format, target, CVaR level or set of offers, or holds
            points that are not on this grid.
    """
    if fmt not in ("csv", "json"):
        raise OptionError("--resume needs --format csv or json (a table keeps rounded figures only)")
    text = Path(path).read_text(encoding="utf-8")
    records = _read_csv(text, plan, path) if fmt == "csv" else _read_json(text, plan, path)
    index_of = plan.index_of()
    rows: dict[int, Row] = {}
    for key, row in records:
        index = index_of.get(tuple(round(v, KEY_DECIMALS) for v in key))
        if index is None:
            share, rw, cw = key
            raise OptionError(f"--resume: {path} holds a point off this grid (max_share {share:g}, risk_weight "
                              f"{rw:g}, cvar_weight {cw:g}); resume with a grid that contains it, or remove the file")
        rows.setdefault(index, row)
    return rows


def _mismatch(path: Path, plan: SweepPlan, what: str) -> OptionError:
    return OptionError(f"--resume: {path} is not a {what} of this sweep ({plan.label}, CVaR level "
                       f"{plan.cvar_level:g}, these inputs); remove it or choose another --output")


def _read_csv(text: str, plan: SweepPlan, path: Path) -> list[tuple[tuple[float, ...], Row]]:
    if not text.endswith("\n"):  # the last line was cut short
        text = text[: text.rfind("\n") + 1]
    lines = list(csv.reader(io.StringIO(text)))
    if not lines or lines[0] != _header(plan):
        raise _mismatch(path, plan, "CSV file")
    n_fig, n_off = len(FIGURES), len(plan.offers())
    out = []
    for cells in lines[1:]:
        if not cells:
            continue
        if len(cells) != len(lines[0]) or cells[-2] != plan.label or _float(cells[-1]) != plan.cvar_level:
            raise _mismatch(path, plan, "CSV file")
        try:
            key = tuple(float(c) for c in cells[:3])
            figures = np.array([_float(c) for c in cells[4:4 + n_fig]])
            shares = np.array([_float(c) for c in cells[4 + n_fig:4 + n_fig + n_off]])
        except ValueError:
            raise _mismatch(path, plan, "CSV file") from None
        out.append((key, Row(cells[3], figures, shares)))
    return out


def _float(cell: str) -> float:
    return float(cell) if cell != "" else np.nan


def _read_json(text: str, plan: SweepPlan, path: Path) -> list[tuple[tuple[float, ...], Row]]:
    prefix = _Json.prefix(plan)
    if not text.startswith(prefix):
        raise _mismatch(path, plan, "JSON file")
    points = []
    for line in text[len(prefix):].split("\n"):  # one point per line; stop at a line cut short
        line = line.strip().rstrip(",")
        if not line.startswith("{"):
            break
        try:
            points.append(json.loads(line))
        except json.JSONDecodeError:
            break
    offers = plan.offers()
    out = []
    for p in points:
        try:
            key = tuple(float(p[k]) for k in KEYS)
            ok = p["status"] == "optimal"
            figures = np.array([float(p[f]) if ok else np.nan for f in FIGURES])
            shares = np.array([float(p["shares"][e][o]) if ok else np.nan for e, o in offers])
        except (KeyError, TypeError, ValueError):
            raise _mismatch(path, plan, "JSON file") from None
        out.append((key, Row(str(p["status"]), figures, shares)))
    return out


# ---------------------------------------------------------------------------------------------
# progress


class Progress:
    """A one-line progress bar on ``stream`` (stderr), shown once a sweep has run ``delay`` seconds."""

    def __init__(self, total: int, done: int = 0, stream=None, enabled: bool = True,
                 clock: Callable[[], float] = time.monotonic, delay: float = 1.0, interval: float = 0.1) -> None:
        self.total, self.done, self.start_done = total, done, done
        self.stream = stream if stream is not None else sys.stderr
        self.enabled, self.clock, self.delay, self.interval = enabled, clock, delay, interval
        self.start = clock()
        self.drawn = -math.inf
        self.shown = False

    def update(self, n: int = 1) -> None:
        self.done += n
        now = self.clock()
        if self.enabled and now - self.start >= self.delay and (now - self.drawn >= self.interval
                                                                 or self.done == self.total):
            self._draw(now)

    def _draw(self, now: float) -> None:
        elapsed = now - self.start
        frac = self.done / self.total if self.total else 1.0
        width = 30
        bar = "#" * int(width * frac) + "-" * (width - int(width * frac))
        solved = self.done - self.start_done
        left = (self.total - self.done) * elapsed / solved if solved else math.nan
        eta = f", about {left:,.0f} s left" if math.isfinite(left) and self.done < self.total else ""
        self.stream.write(f"\rsweep [{bar}] {self.done:,}/{self.total:,} points {frac:4.0%}  {elapsed:,.1f} s{eta}  ")
        self.stream.flush()
        self.drawn, self.shown = now, True

    def close(self) -> None:
        if self.shown:
            self._draw(self.clock())
            self.stream.write("\n")
            self.stream.flush()


# ---------------------------------------------------------------------------------------------
# the API


@contextlib.contextmanager
def _sigterm_as_interrupt() -> Iterator[None]:
    """SIGTERM stops the sweep as Ctrl-C does (workers stopped, finished points kept)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def handler(signum, frame):
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, handler)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def run_sweep(data: InputData, target: Target, shares: Iterable[float], *,
              risk_weights: Iterable[float] = (1.0,), cvar_weights: Iterable[float] = (0.0,),
              cvar_level: float = 0.95, workers: int = 1, scheduler: Any = None,
              output: str | Path | None = None, fmt: str = "csv", resume: bool = False,
              progress: bool = False, chunk_size: int = CHUNK_SIZE) -> pd.DataFrame:
    """Solve the contract's LP at every point of the grid ``shares x risk_weights x cvar_weights``.

    Args:
        data: validated inputs (:func:`sourcing.load_inputs`).
        target: ``"ORIGIN"`` (that origin's or group's cap on every element, like a ``*`` row) or
            ``("ORIGIN", "ELEMENT")``; each point sets it as ``data.with_caps({target: share})``.
        shares: the values of the swept ``max_share``, in [0, 1] (1: no cap).
        risk_weights, cvar_weights, cvar_level: the risk options (:class:`sourcing.RiskOptions`).
        workers, scheduler, output, fmt, resume, progress: see :func:`execute`.
        chunk_size: points per chunk (see the module's docstring); results depend on it only in
            degenerate cases (plans of equal cost), never on ``workers`` or ``scheduler``.

    Returns:
        One row per point, in grid order: ``max_share``, ``risk_weight``, ``cvar_weight``,
        ``status`` (``optimal``, ``infeasible``, or HiGHS's model status), ``objective``,
        ``procurement_cost``, ``expected_shortage_cost``, ``cvar``, ``marginal_cost_per_pp`` (USD,
        of the swept cap; NaN unless optimal), ``share:ELEMENT:ORIGIN`` (of the element's contracted
        total) for every offer, ``target``, ``cvar_level``.

    Raises:
        OptionError: bad options, or a file to resume that is not this sweep's.
        KeyboardInterrupt: on Ctrl-C or SIGTERM, after stopping the workers; every point finished
            so far is in ``output``.
    """
    plan = plan_sweep(data, target, shares, risk_weights=risk_weights, cvar_weights=cvar_weights,
                      cvar_level=cvar_level, chunk_size=chunk_size)
    rows = execute(plan, workers=workers, scheduler=scheduler, output=output, fmt=fmt, resume=resume,
                   progress=progress)
    return points_frame(plan, rows)


def execute(plan: SweepPlan, *, workers: int = 1, scheduler: Any = None, output: str | Path | None = None,
            fmt: str = "csv", resume: bool = False, progress: bool = False) -> dict[int, Row]:
    """Solve every point of ``plan``; return the rows by grid index.

    Args:
        workers: local processes (spawned; one HiGHS thread each); 1 solves in this process.
        scheduler: address of a Dask distributed scheduler, or a ``distributed.Client``, to send
            chunks to instead (needs ``sourcing[distributed]``; its workers must have ``sourcing``).
        output: a file kept complete as points finish (each point in it before the next starts;
            in completion order while running), in ``fmt`` (table, csv or json), rewritten in grid
            order at the end.
        resume: keep the points already in ``output`` (csv or json) and solve only the others.
        progress: draw a progress bar on stderr once the sweep has run a second.
    """
    if fmt not in FORMATS:
        raise OptionError(f"--format must be one of {', '.join(FORMATS)}, got {fmt!r}")
    if not (isinstance(workers, int) and workers >= 1):
        raise OptionError(f"--workers must be a positive integer, got {workers!r}")
    if scheduler is not None and workers > 1:
        raise OptionError("--workers and --scheduler exclude each other (unset DASK_SCHEDULER_ADDRESS to use "
                          "local workers)")
    if resume and output is None:
        raise OptionError("--resume needs --output (the file to resume)")
    if resume and fmt == "table":
        raise OptionError("--resume needs --format csv or json (a table keeps rounded figures only)")
    path = Path(output) if output is not None else None
    rows: dict[int, Row] = {}
    if resume and path is not None and path.exists():
        rows = read_points(path, fmt, plan)
    work = [(chunk, frozenset(i for i, _ in chunk.points if i in rows)) for chunk in plan.chunks()]
    work = [(chunk, skip) for chunk, skip in work if len(skip) < len(chunk.points)]
    journal = _Journal(path, fmt, plan, rows) if path is not None else None
    bar = Progress(plan.size, done=len(rows), enabled=progress)

    def emit(index: int, row: Row) -> None:
        if index in rows:
            return
        rows[index] = row
        if journal is not None:
            journal.append(index, row)
        bar.update()

    try:
        with _sigterm_as_interrupt():
            if not work:
                pass
            elif scheduler is not None:
                _dask(plan, work, emit, scheduler)
            elif workers > 1:
                _local(plan, work, emit, workers)
            else:
                _serial(plan, work, emit)
    finally:
        bar.close()
        if journal is not None:
            journal.close()
    if path is not None:
        from sourcing.report import write_atomic

        write_atomic(path, format_points(plan, rows, fmt))
    return rows


def points_frame(plan: SweepPlan, rows: dict[int, Row]) -> pd.DataFrame:
    """The rows as a DataFrame in grid order (see :func:`run_sweep`)."""
    order = sorted(rows)
    keys = np.array([plan.point(i) for i in order], dtype=float).reshape(len(order), 3)
    figures = np.array([rows[i].figures for i in order], dtype=float).reshape(len(order), len(FIGURES))
    shares = np.array([rows[i].shares for i in order], dtype=float).reshape(len(order), len(plan.offers()))
    out: dict[str, Any] = {k: keys[:, j] for j, k in enumerate(KEYS)}
    out["status"] = [rows[i].status for i in order]
    out.update({f: figures[:, j] for j, f in enumerate(FIGURES)})
    out.update({f"share:{e}:{o}": shares[:, j] for j, (e, o) in enumerate(plan.offers())})
    out["target"] = plan.label
    out["cvar_level"] = plan.cvar_level
    return pd.DataFrame(out)
