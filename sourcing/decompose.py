"""``plan --decompose ph``: the plan's tree solved by progressive hedging on mpi-sppy.

One model, two methods: every path's subproblem is cut from the same compiled statement as the
extensive form (:func:`sourcing.multiyear.matrices.compile_statement`): the columns and rows whose
node lies on the path, each column's cost divided by its node's probability, the nonanticipative
variables of a node being its columns. mpi-sppy names the nodes ``ROOT``, ``ROOT_i``,
``ROOT_i_j`` (i: the child's rank under its parent) and takes the scenarios in depth-first leaf
order, with every node (leaves included) in ``all_nodenames``: the tree is not balanced.

Launched as ``mpiexec -n K sourcing plan --decompose ph``. The ranks form mpi-sppy's cylinders:
with K a multiple of 3, a PH hub, a Lagrangian spoke (outer bound) and an xhatshuffle spoke (inner
bound); with K even, the hub and the xhatshuffle spoke; otherwise the hub alone. On any number of
ranks the hub computes both bounds itself every :data:`BOUNDS_EVERY` iterations
(:mod:`sourcing.phbounds`): the Lagrangian bound of its weights, and the cost of its consensus's
policy on the whole tree (below). PH stops when the bounds are within ``--ph-gap`` of each other,
at ``--time-limit``, or when it has converged (or after :data:`MAX_ITERATIONS`).

The plan reported is the *inner bound's*: a feasible non-anticipative policy, so its cost is an
upper bound (:mod:`sourcing.phpolicy`). Its root holds the contracts and investments of a candidate:
PH's consensus at the root (xbar), the cheapest the hub evaluated, or a path's root. Below the
root every decision is re-optimised, the extensive form with the root fixed (as for the VSS), on a
tree of at most ``piece_paths`` paths (:data:`PIECE_PATHS`). On a larger tree the nodes above that
size take the decisions nearest PH's consensus there, and the pieces beneath them are solved each
on its own, shared among the ranks: no rank holds the whole tree's extensive form. The gap
reported is (inner - outer) / |inner| with that inner bound and the best outer bound. Rank 0 alone
returns it.

The Lagrangian spoke's subproblems need every nonanticipative column bounded above:
:func:`decomposition_bounds` gives each family a finite upper bound that some optimal plan meets,
so the extensive form's optimum is unchanged (``tests/test_decompose.py`` checks it).
"""

from __future__ import annotations

import contextlib
import sys
import time
from dataclasses import replace
from typing import Any

import numpy as np

from sourcing.data import InputData
from sourcing.errors import OptionError
from sourcing.model import RiskOptions
from sourcing.multiyear.api import checked_tree
from sourcing.multiyear.events import DEFAULT_PATHS, INDEPENDENT
from sourcing.multiyear.extract import extract_plan
from sourcing.multiyear.horizon import build_horizon
from sourcing.multiyear.matrices import compile_statement
from sourcing.multiyear.result import PlanResult
from sourcing.multiyear.statement import Statement, build_statement
from sourcing.phbounds import hub_bounds, progress_line
from sourcing.phpolicy import Candidate, Pieces, cheapest_policy, evaluate_shared

MAX_ITERATIONS = 1000
"""PH's iterations at most (without --time-limit, it stops there at the latest)."""
RHO = 0.003
"""PH's penalty rho for a column: RHO x the column's cost in the path's objective (at least 1). Of
0.001, 0.003, 0.01 and 0.03 (quadratic proximal term), the quickest to 1e-3 and 1e-4 on the one-year
tree and within a fifth of the best gap after six minutes on the three-year one
(benchmarks/README.md)."""
BOUNDS_EVERY = 1
"""The hub computes its own outer and inner bounds every this many PH iterations (:mod:`sourcing.phbounds`)."""
CONVERGED = 1e-6
"""PH's own convergence metric (the mean distance of the paths' nonanticipative values to xbar)
below which the hub stops; only the bounds certify the answer."""
CANDIDATES = 3
"""Root candidates evaluated on the whole tree for the inner bound at most (xbar and the nearest paths')."""
PIECE_PATHS = 2000
"""The inner bound's pieces hold at most this many paths (:mod:`sourcing.phpolicy`): a tree of at
most this many is evaluated whole, as the extensive form with the root fixed; above, no rank holds
more than a piece's LP (about 0.5 MB a decade path, benchmarks/README.md)."""
SOLVER = "sourcing_highs"
"""Pyomo's HiGHS interface for the path subproblems: its persistent ``highs`` (a QP for HiGHS, as
PH's proximal term is quadratic; ``appsi_highs`` takes linear objectives only), silenced
(:func:`_register_solver`)."""
LINEARIZE = False
"""PH's proximal term as linear cuts instead: far slower to converge (its cuts leave the paths'
values at kinks), kept for solvers without QP."""
QP_REGULARIZATION = 1e-5
"""HiGHS's ``qp_regularization_value`` for the path subproblems. Its default (1e-7) let HiGHS's
active-set QP solver cycle without end on some of them (the Hessian is zero on every column but
the nonanticipative ones); at 1e-5 it solves them in a few hundred iterations, to points that meet
the unregularised QP's optimality conditions to 1e-7 of its largest cost (``tests/test_decompose.py``
keeps such a subproblem and checks them)."""


def decomposition_bounds(st: Statement) -> None:
    """Give every column of ``st`` a finite upper bound that some optimal plan meets (in place).

    Contracts X and spot Z: the offer's capacity plus the max_capacity of every project that can
    add to it; the total T: the sum of its contracts' bounds; investments: the project's
    max_capacity; stock moved in B: max_stock of the year, out W: the element's largest max_stock
    or initial stock (B and W cost nothing and appear only as B - W, so netting them keeps a plan
    optimal, and then B <= S[y] and W <= S[y-1]); shortage U: demand plus max_stock (beyond the
    gap left after netting, shortage only adds cost); terminal shortfall V: terminal_stock; the
    CVaR threshold eta in [0, the largest loss] and excess z <= the largest loss (losses are >= 0).
    """
    h, var = st.horizon, st.variables
    oy, ey = h.offer_years, h.element_years
    E = len(h.elements)
    capacity = oy["capacity"].to_numpy(float).copy()
    if len(st.contributions):
        projects = h.investments["max_capacity"].to_numpy(float)
        j_of = np.asarray(var["investment"].codes["j"], dtype=np.int64)
        pairs = np.unique(np.c_[j_of[st.contributions[:, 0]], st.contributions[:, 1]], axis=0)
        np.add.at(capacity, pairs[:, 1], projects[pairs[:, 0]])

    def cap(name: str, upper_per_item: np.ndarray) -> None:
        if name in var:
            fam = var[name]
            fam.upper = np.minimum(fam.upper, np.asarray(upper_per_item, dtype=float)[fam.item])

    cap("volume", capacity)
    total = np.zeros(h.n * E)
    np.add.at(total, oy["i"].to_numpy(np.int64) * E + oy["e"].to_numpy(np.int64), capacity)
    cap("total_volume", total)
    if "spot" in var:
        cap("spot", capacity[var["spot"].codes["q"]])
    if "investment" in var:
        cap("investment", h.investments["max_capacity"].to_numpy(float)[var["investment"].codes["j"]])
    max_stock = ey["max_stock"].to_numpy(float)
    e_of = ey["e"].to_numpy(np.int64)
    widest = np.maximum(h.elements["stock"].to_numpy(float), 0.0)
    np.maximum.at(widest, e_of, max_stock)
    cap("into_stock", max_stock)
    cap("release", widest[e_of])
    shortage = ey["demand"].to_numpy(float) + max_stock
    cap("shortage", shortage)
    terminal = h.elements["terminal_stock"].to_numpy(float)
    if "shortfall" in var:
        cap("shortfall", terminal[var["shortfall"].codes["e"]])
    if "cvar_threshold" in var:
        penalty = st.costs["expected_shortage_cost"].terms[0][2] / np.maximum(
            st.tree.node_probability[var["shortage"].node], 1e-300)
        per_item = np.zeros(len(ey))
        np.maximum.at(per_item, var["shortage"].item, penalty)  # the path-free price per tonne of shortage
        worst = float(per_item @ shortage) * 2.0 + 1.0
        fam = var["cvar_threshold"]
        fam.lower = np.maximum(fam.lower, 0.0)
        fam.upper = np.minimum(fam.upper, worst)
        cap("cvar_excess", np.full(1, worst))


class PathModels:
    """mpi-sppy's view of a compiled statement: scenario names, node names, and one Pyomo model
    per path (:meth:`create`)."""

    def __init__(self, st: Statement) -> None:
        self.st = st
        self.cp = compile_statement(st)
        cp, t = self.cp, st.tree
        self.A = cp.matrix.tocsr()
        ncol, nrow = self.A.shape[1], self.A.shape[0]
        self.col_node = np.full(ncol, -1, dtype=np.int64)
        for name, fam in st.variables.items():
            pos = cp.columns[name]
            self.col_node[pos[pos >= 0]] = fam.node[pos >= 0]
        self.row_node = np.full(nrow, -1, dtype=np.int64)
        for name, fam in st.rows.items():
            pos = cp.rows[name]
            self.row_node[pos[pos >= 0]] = fam.node[pos >= 0]
        self.total = float(t.path_probability.sum())
        n = t.path_node.shape[1] - 1
        names, parent, kids = {int(t.path_node[0, 0]): "ROOT"}, {}, {}
        for d in range(1, n + 1):
            for s in range(t.paths):
                node, par = int(t.path_node[s, d]), int(t.path_node[s, d - 1])
                if node in names:
                    continue
                names[node] = f"{names[par]}_{kids.get(par, 0)}"
                kids[par] = kids.get(par, 0) + 1
                parent[node] = par
        self.node_name, self.parent, self.depth_count = names, parent, n

        def position(node: int) -> tuple[int, ...]:
            return tuple(int(x) for x in names[node].split("_")[1:])

        self.order = sorted(range(t.paths), key=lambda s: position(int(t.path_node[s, n])))
        self.scenario_names = [f"path{s}" for s in self.order]
        every = {int(x) for x in np.unique(t.path_node)}
        self.all_nodenames = sorted((names[x] for x in every), key=lambda x: (x.count("_"), position_of(x)))

    def create(self, name: str, **_: Any):
        """The Pyomo model of path ``name`` (``pathS``) with mpi-sppy's attributes."""
        import mpisppy.scenario_tree as scenario_tree
        import pyomo.environ as pyo
        from pyomo.core.expr.numeric_expr import LinearExpression

        t, cp = self.st.tree, self.cp
        s = int(name[4:])
        nodes = np.asarray(t.path_node[s], dtype=np.int64)
        cols = np.flatnonzero(np.isin(self.col_node, nodes))
        rows = np.flatnonzero(np.isin(self.row_node, nodes))
        local = np.full(self.A.shape[1], -1, dtype=np.int64)
        local[cols] = np.arange(len(cols))
        m = pyo.ConcreteModel(name)
        m.x = pyo.Var(range(len(cols)))
        for i, c in enumerate(cols.tolist()):
            lo, hi = cp.col_lower[c], cp.col_upper[c]
            m.x[i].setlb(None if np.isinf(lo) else float(lo))
            m.x[i].setub(None if np.isinf(hi) else float(hi))
        sub = self.A[rows]
        m.c = pyo.ConstraintList()
        for k, r in enumerate(rows.tolist()):
            a, b = sub.indptr[k], sub.indptr[k + 1]
            idx = local[sub.indices[a:b]]
            if (idx < 0).any():
                raise AssertionError("a row of the path references a column off the path")
            expr = LinearExpression(linear_coefs=sub.data[a:b].tolist(), linear_vars=[m.x[j] for j in idx.tolist()])
            lo, hi = cp.row_lower[r], cp.row_upper[r]
            m.c.add((None if np.isinf(lo) else float(lo), expr, None if np.isinf(hi) else float(hi)))
        prob = t.node_probability
        weight = cp.cost[cols] / prob[self.col_node[cols]]
        depth = t.node_depth[self.col_node[cols]]
        stage_cost, nonants = {}, {}
        for d in range(-1, self.depth_count):
            ix = np.flatnonzero(depth == d).tolist()
            nonants[d] = [m.x[i] for i in ix]
            stage_cost[d] = LinearExpression(linear_coefs=weight[ix].tolist(), linear_vars=nonants[d])
        m.obj = pyo.Objective(expr=sum(stage_cost.values()))
        listed = []
        for d in range(-1, self.depth_count - 1):
            node = int(t.path_node[s, d + 1])
            par = self.parent.get(node)
            cond = prob[node] / (prob[par] if par is not None else self.total)
            listed.append(scenario_tree.ScenarioNode(self.node_name[node], cond, d + 2, stage_cost[d], nonants[d], m,
                                                     parent_name=None if par is None else self.node_name[par]))
        m._mpisppy_node_list = listed
        m._mpisppy_probability = float(t.path_probability[s] / self.total)
        m._sourcing_columns = cols
        return m

    def rho(self, model) -> list[tuple[int, float]]:
        """Per nonanticipative variable (by id): RHO x its cost in the path's objective, at least 1."""
        out = []
        cols = model._sourcing_columns
        weight = np.abs(self.cp.cost[cols] / self.st.tree.node_probability[self.col_node[cols]])
        index = {id(v): i for i, v in enumerate(model.x.values())}
        for node in model._mpisppy_node_list:
            for v in node.nonant_vardata_list:
                out.append((id(v), max(1.0, RHO * float(weight[index[id(v)]]))))
        return out


def position_of(name: str) -> tuple[int, ...]:
    return tuple(int(x) for x in name.split("_")[1:])


def _denouement(*_: Any, **__: Any) -> None:
    pass


def _comm():
    import os
    import tempfile

    here = os.getcwd()
    try:
        # mpi-sppy's hub and xhat modules open log files (hub.log, xhatclp.log, xhateval.log) in the
        # working directory when imported: import them in a scratch one, never the user's
        with tempfile.TemporaryDirectory() as scratch:
            os.chdir(scratch)
            try:
                import mpisppy  # noqa: F401
                import mpisppy.cylinders.hub  # noqa: F401
                import mpisppy.cylinders.xhatshufflelooper_bounder  # noqa: F401
                import mpisppy.utils.xhat_eval  # noqa: F401
                from mpi4py import MPI
            finally:
                os.chdir(here)
    except ImportError:
        raise OptionError("--decompose ph needs mpi-sppy and mpi4py: pip install 'sourcing[mpi]' (and an MPI "
                          "library such as Debian's openmpi-bin)") from None
    return MPI.COMM_WORLD


def _register_solver() -> None:
    """Register :data:`SOLVER`: Pyomo's ``highs`` with HiGHS's output off from the start. HiGHS
    otherwise says "Hessian has dimension N but no nonzeros, so is ignored" on stdout each time
    PH hands it a path with the proximal term off (iteration 0, the bounds' solves), before any
    solver option reaches it."""
    from pyomo.contrib.solver.common.factory import SolverFactory
    from pyomo.contrib.solver.solvers.highs import Highs

    if SOLVER in SolverFactory:
        return

    class QuietHighs(Highs):
        def set_instance(self, model):
            super().set_instance(model)
            self._solver_model.setOptionValue("output_flag", False)

    SolverFactory.register(name=SOLVER, legacy_name=SOLVER, doc="Pyomo's HiGHS, silent")(QuietHighs)


def cylinders(ranks: int) -> list[str]:
    """The spokes beside the PH hub on ``ranks`` ranks (each cylinder gets ranks / cylinders)."""
    if ranks % 3 == 0:
        return ["lagrangian", "xhatshuffle"]
    if ranks % 2 == 0:
        return ["xhatshuffle"]
    return []


def progressive_hedging(data: InputData, years: tuple[int, int] | None = None, *, discount_rate: float = 0.0,
                        options: RiskOptions | None = None, time_limit: float | None = None, gap: float = 1e-4,
                        events: str = INDEPENDENT, paths: int = DEFAULT_PATHS, seed: int = 0,
                        max_iterations: int = MAX_ITERATIONS, progress: bool = False,
                        piece_paths: int = PIECE_PATHS) -> PlanResult | None:
    """The plan of :func:`sourcing.plan`'s tree solved by progressive hedging (see the module's
    docstring), with ``decomposition``; None on every rank but 0. With ``progress``, the hub
    writes a line to stderr each time it has evaluated its bounds (:func:`progress_line`).
    ``piece_paths``: the most paths a piece of the inner bound's evaluation holds.

    Raises:
        OptionError: mpi-sppy or mpi4py missing, or a bad ``gap``.
        InfeasibleError, SolverError: as :func:`sourcing.plan`.
    """
    if not gap > 0:
        raise OptionError(f"--ph-gap must be > 0, got {gap}")
    if int(piece_paths) != piece_paths or piece_paths < 1:
        raise OptionError(f"--ph-piece-paths must be a whole number >= 1, got {piece_paths}")
    with _quiet():  # mpi-sppy greets on stdout when imported
        comm = _comm()
    rank, ranks = comm.Get_rank(), comm.Get_size()
    options = options or RiskOptions()
    horizon = build_horizon(data, years, discount_rate)
    tree = checked_tree(horizon, events, paths, seed)
    st = build_statement(horizon, tree, options)
    decomposition_bounds(st)
    models = PathModels(st)
    pieces = _pieces(models, int(piece_paths))
    start = time.perf_counter()

    def evaluate(candidate: Candidate, comm) -> float | None:
        return evaluate_shared(pieces, candidate, comm)[0]

    def consensus(opt) -> Candidate:
        return _consensus(models, pieces, opt)

    def report(iteration: int, outer: float, inner: float) -> None:
        print(progress_line(iteration, time.perf_counter() - start, outer, inner), file=sys.stderr, flush=True)

    with _quiet():  # mpi-sppy talks on stdout, which is ours for data
        hub, outer, inner_spoke, iterations, candidates = _spin(models, ranks, time_limit, gap, max_iterations,
                                                               evaluate, consensus, report if progress else None)
    # the inner bound's plan: the cheapest candidate's policy, evaluated on every rank
    raw = cheapest_policy(pieces, candidates, comm, fallback=CANDIDATES - 1)
    if rank != 0:
        return None
    result = extract_plan(models.st, models.cp, raw, check=lambda r: None)
    inner = float(raw.objective)
    outer = float(outer) * models.total
    seconds = time.perf_counter() - start
    return replace(result, decomposition={
        "method": "ph", "ranks": int(ranks), "iterations": int(iterations), "outer_bound": outer,
        "inner_bound": inner, "gap": float((inner - outer) / abs(inner)) if inner else 0.0, "seconds": seconds,
        "piece_paths": int(piece_paths), "pieces": len(pieces.tops)})


def _spin(models: PathModels, ranks: int, time_limit: float | None, gap: float, max_iterations: int,
          evaluate, consensus, report=None):
    from mpisppy.spin_the_wheel import WheelSpinner
    from mpisppy.utils import cfg_vanilla as vanilla
    from mpisppy.utils import config

    cfg = config.Config()
    cfg.popular_args()
    cfg.two_sided_args()
    cfg.ph_args()
    cfg.lagrangian_args()
    cfg.xhatshuffle_args()
    _register_solver()
    cfg.solver_name = SOLVER
    cfg.linearize_proximal_terms = LINEARIZE
    cfg.solver_options = f"qp_regularization_value={QP_REGULARIZATION!r}"
    cfg.default_rho = 1.0
    cfg.max_iterations = max_iterations
    cfg.intra_hub_conv_thresh = CONVERGED
    cfg.rel_gap = gap
    cfg.abs_gap = 0.0
    cfg.time_limit = time_limit
    cfg.verbose = False
    cfg.display_progress = False
    spokes = cylinders(ranks)
    common = dict(all_nodenames=models.all_nodenames)
    bounds, converger = hub_bounds(evaluate, consensus, BOUNDS_EVERY, gap, models.total, report)
    hub = vanilla.ph_hub(cfg, models.create, _denouement, models.scenario_names, rho_setter=models.rho,
                         ph_extensions=bounds, ph_converger=converger, **common)
    made = []
    for name in spokes:
        maker = vanilla.lagrangian_spoke if name == "lagrangian" else vanilla.xhatshuffle_spoke
        kwargs = {"rho_setter": models.rho} if name == "lagrangian" else {}
        made.append(maker(cfg, models.create, _denouement, models.scenario_names, **kwargs, **common))
    ws = WheelSpinner(hub, made)
    ws.spin()
    from_spoke = _spoke_root(ws)
    candidates: list[Candidate] = []
    iterations, outer = 0, ws.BestOuterBound
    opt = getattr(ws.spcomm, "opt", None)
    if opt is not None and ws.strata_rank == 0:
        iterations = int(getattr(opt, "_PHIter", 0))
        own_bounds = opt.extobject
        outer = max(outer, own_bounds.outer)
        root, targets = consensus(opt)
        xbar = np.asarray(root)
        scenarios = list(opt.local_scenarios.values())
        own = np.array([[float(v.value) for v in s._mpisppy_node_list[0].nonant_vardata_list] for s in scenarios])
        nearest = np.argsort(np.abs(own - xbar).sum(axis=1), kind="stable")
        best = [own_bounds.candidate] if own_bounds.candidate is not None else []
        spoke = [(from_spoke, targets)] if from_spoke is not None else []
        candidates = [*best, *spoke, (root, targets), *((own[k].tolist(), targets) for k in nearest[:CANDIDATES - 1])]
    return ws, outer, ws.BestInnerBound, iterations, candidates


def _spoke_root(ws) -> list[float] | None:
    """The root of the best incumbent when an inner-bound spoke found it (xhatshuffle's, whose
    cost bounded the gap mpi-sppy's hub stopped on), on every rank; None when the hub's own is the
    best. Collective: every rank must call it."""
    comm = ws.spcomm.fullcomm
    best = comm.bcast(ws.spcomm.last_ib_idx if comm.Get_rank() == 0 else None, root=0)
    mine = None
    if best not in (None, 0) and ws.strata_rank == best and ws.cylinder_rank == 0:
        opt = ws.spcomm.opt
        if opt.load_best_solution():  # the spoke's best xhat (as WheelSpinner.write_first_stage_solution reads it)
            first = opt.local_scenarios[opt.local_scenario_names[0]]
            mine = [float(v.value) for v in first._mpisppy_node_list[0].nonant_vardata_list]
    return next((got for got in comm.allgather(mine) if got is not None), None)


def _pieces(models: PathModels, max_paths: int) -> Pieces:
    """The inner bound's pieces of ``models``'s tree; the root's candidate fixes its contracts and
    investments."""
    st, cp = models.st, models.cp
    hard = []
    for name in ("volume", "investment"):
        fam = st.variables[name]
        pos = cp.columns[name][fam.first[np.flatnonzero(fam.depth == -1)]]
        hard.append(pos[pos >= 0])
    return Pieces(cp, models.col_node, models.row_node, st.tree.path_node, np.sort(np.concatenate(hard)), max_paths,
                  st.tree.path_probability, rows=models.A)


def _consensus(models: PathModels, pieces: Pieces, opt) -> Candidate:
    """PH's consensus (xbar) at the root and at the pieces' split nodes below it, gathered over the
    hub's ranks (collective on them). Values in the order of each node's columns."""
    wanted = {models.node_name[v]: v for v in {pieces.root, *pieces.split}}
    mine: dict[int, list[float]] = {}
    for s in opt.local_scenarios.values():
        for node in s._mpisppy_node_list:
            v = wanted.get(node.name)
            if v is not None and v not in mine:
                xbars = s._mpisppy_model.xbars
                mine[v] = [float(xbars[(node.name, i)].value) for i in range(len(node.nonant_vardata_list))]
    targets: dict[int, list[float]] = {}
    for got in opt.mpicomm.allgather(mine):
        targets.update(got)
    return targets.pop(pieces.root), targets


@contextlib.contextmanager
def _quiet():
    """Send what is written to file descriptor 1 to 2 inside the block: mpi-sppy prints its
    progress on stdout, which is ours for data (swapping ``sys.stdout`` instead deadlocks
    Pyomo's output capture)."""
    import os

    sys.stdout.flush()
    saved = os.dup(1)
    try:
        os.dup2(2, 1)
        yield
    finally:
        sys.stdout.flush()
        os.dup2(saved, 1)
        os.close(saved)
