"""Warm-started re-solves: the sweep's model compiled once, loaded in one ``highspy.Highs``, and
re-solved point by point with one coefficient changed per capped element.

The cap row (3) reads ``sum_o x[o,e] - max_share * X[e] <= 0``, so a cap is the coefficient of
``total_volume[e]``; risk weights only change column costs, set once per chunk. Per point, the
figures are computed as :func:`sourcing.solve` computes them (volumes clipped to their bounds,
shortages from the closed-form recourse, CVaR by :func:`sourcing.result.cvar_of`), with numpy
instead of pandas, so that a sweep point equals ``solve(data.with_caps({target: share}), ...)``.

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

A floor sweep (``min_share``) is the same with the floor row (3b) ``sum_o x[o,e] - min_share * X[e]
>= 0``: its marginal cost is the rise of the objective if the floor rises by one point
(max(0, dual * X[e] * 0.01)), and the probe is at min_share + 1e-7.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator

import numpy as np

from sourcing.errors import SolverError
from sourcing.extract import best_response
from sourcing.frontier import Row, failed
from sourcing.highs import ZERO, new_highs, pass_model, run_highs, values
from sourcing.lp import TriviallyInfeasibleError, build_lp
from sourcing.model import USD_PER_KG_TO_USD_PER_T, RiskOptions
from sourcing.result import cvar_of
from sourcing.sweep.grid import MAX_SHARE, SWEPT_CAP, Chunk, SweepPlan, swept_rows

PROBE = 1e-7


KINK = 1e-4
"""Where the dual at max_share - PROBE differs from the point's own by more than this (relative),
the point is a kink of the cost curve and marginal_cost_per_pp is the former (see the docstring)."""


class Resolver:
    """The plan's model, compiled once and loaded in one ``highspy.Highs``, re-solved point by point.

    ``threads``: set HiGHS's ``threads`` option (process-wide in HiGHS: workers use 1); None leaves
    HiGHS's default, as :func:`sourcing.solver.solve` does.
    """

    def __init__(self, plan: SweepPlan, threads: int | None = None) -> None:

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

        # the swept cap (or floor) rows and the column of total_volume[e] in each
        floor = plan.bound != MAX_SHARE
        self.tighter = 1.0 if floor else -1.0  # the direction in which the swept share tightens
        sel = swept_rows(data, plan.target, plan.bound)
        limits, _ = data.limits()
        maxes = limits[limits["kind"] == ("min" if floor else "max")].reset_index(drop=True)
        elements = list(data.elements["element"])
        self.swept_elem = np.array([elements.index(e) for e in maxes.loc[sel, "element"]], dtype=int)
        self.swept_rows = compiled.rows["floor" if floor else "concentration"][sel]
        self.swept_cols = compiled.columns["total_volume"][self.swept_elem]
        A = compiled.matrix
        for r, c in zip(self.swept_rows, self.swept_cols):
            if r < 0 or c < 0 or abs(A[r, c] + SWEPT_CAP) > 1e-12:
                raise SolverError("sweep: a cap row is not of the form sum_o x[o,e] - share * X[e] <= 0 (or >= 0 "
                                  "for a floor): the model changed; sourcing.sweep needs updating")

        # what solver.extract and solver.recourse need, as arrays
        offers = data.offers
        self.elem_of = np.array([elements.index(e) for e in offers["element"]], dtype=int)
        committed, extra = data.committed()  # contracts already signed: x >= C, priced at their own cost
        self.lower = np.maximum(offers["min_volume"].to_numpy(float), committed)
        self.upper = offers["capacity"].to_numpy(float)
        self.unit_cost = USD_PER_KG_TO_USD_PER_T * offers["unit_cost"].to_numpy(float)
        self.committed_cost = USD_PER_KG_TO_USD_PER_T * float(extra.sum())
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
                    yield index, failed("infeasible", self.n_offers)
            return
        from dataclasses import replace


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
                kept = row.status == "optimal" and raw.iterations == 0 and self.tighter * (share - pending[1]) > 0
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

        if probe and row.status == "optimal" and 0.0 <= share + self.tighter * PROBE <= 1.0:
            self._set_cap(share + self.tighter * PROBE)
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
        """The figures :func:`sourcing.extract.extract` would report, from the raw solution."""

        if raw.status != "optimal":
            return failed(raw.status.lower().replace(" ", "_"), self.n_offers)
        vol, total = self._volumes(raw)
        n_sc, n_el = self.shape
        of = total[self.elem_of]
        shares = np.where(of > 0, vol / np.where(of > 0, of, 1.0), 0.0)
        procurement = float(np.sum(self.unit_cost * vol)) + self.committed_cost
        arrived = total[None, :] - (self.lost @ vol).reshape(n_sc, n_el)
        level = np.clip(values(self.compiled, raw, "stock_level"), self.stock, self.max_stock)
        _, short = best_response(self.demand[None, :], arrived, level[None, :])
        loss = (self.penalty[None, :] * short).sum(axis=1)
        expected = float((self.probability * loss).sum())
        cvar = cvar_of(loss, self.probability, self.plan.cvar_level)
        stockpile = float(np.sum(self.holding * (level - self.stock)))
        figures = np.array([raw.objective, procurement, stockpile, expected, cvar, self._marginal(raw, total)])
        return Row("optimal", figures, shares)

    def _volumes(self, raw) -> tuple[np.ndarray, np.ndarray]:
        """Volumes as :func:`sourcing.extract.extract` reports them, and each element's total."""

        vol = np.clip(values(self.compiled, raw, "volume"), self.lower, self.upper)
        return vol, np.bincount(self.elem_of, weights=vol, minlength=self.shape[1])

    def _marginal(self, raw, total: np.ndarray | None = None) -> float:
        """Sum over the swept caps of :func:`sourcing.extract.limit_report`'s marginal_cost_per_pp:
        max(0, -dual * X[e] * 0.01)."""

        if total is None:
            total = self._volumes(raw)[1]
        dual = raw.row_dual[self.swept_rows]
        dual = np.where(np.abs(dual) < ZERO, 0.0, dual)
        return float(np.sum(np.maximum(0.0, self.tighter * dual * total[self.swept_elem] * 0.01)))


_CACHE = threading.local()


def _resolver(plan: SweepPlan, threads: int | None) -> Resolver:
    """This thread's resolver for ``plan`` (a Dask worker runs many chunks of one sweep: the model
    is built once per worker thread, for the latest sweep only)."""
    if getattr(_CACHE, "key", None) != plan.key:
        _CACHE.resolver = None  # release the previous sweep's model first
        _CACHE.resolver = Resolver(plan, threads)
        _CACHE.key = plan.key
    return _CACHE.resolver
