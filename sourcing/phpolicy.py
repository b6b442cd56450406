"""The inner bound's policy for ``plan --decompose ph``, evaluated piece by piece.

PH's inner bound is the cost of a feasible non-anticipative policy on the whole tree. The policy:

- the root's contracts and investments are held at a candidate (PH's consensus at the root, or a
  path's root);
- a node whose subtree holds at most ``max_paths`` paths tops a *piece*: every decision in the
  piece is re-optimised, the ancestors' held fixed (the extensive form of the subtree);
- a node above that size is a *split* node: it takes the decisions nearest PH's consensus at the
  node (its ``target``, xbar) that meet the node's own rows, its ancestors' decisions held fixed,
  and leave a feasible continuation along the most probable path of each child's subtree (min of
  c x + sum_j w_j |x_j - target_j| over the node's columns j, w_j = :data:`WEIGHT` (|c_j| + the
  node's mean |c|), plus the cost of those paths' decisions, which are then dropped). Without the
  look-ahead, the consensus of an unconverged PH at one node and at its ancestors could break a
  piece below (a project funded at both beyond its max_capacity).

A node's decisions depend on its own history only, so the policy is non-anticipative, and its cost
(the sum over the split nodes and the pieces) is an upper bound on the plan's optimum whenever every
LP holds. When the whole tree holds at most ``max_paths`` paths it is one piece: the extensive form
with the root's contracts and investments fixed. Given the extensive form's own optimum as targets
the policy returns that optimum (``tests/test_phpolicy.py``).

Once the split nodes are decided (cheap, and the same on every rank), the pieces are independent:
a rank solves only its share of them (:meth:`Pieces.evaluate`), so no rank ever holds more than a
piece's LP, never the whole tree's extensive form. Every LP is cut from the same compiled statement
as the extensive form and PH's paths.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from sourcing.errors import SolverError
from sourcing.highs import RawSolution, new_highs, pass_model, run_highs, scaled, scaling_of, solver_failure, unscaled
from sourcing.lp import Compiled

WEIGHT = 10.0
"""A split node's price per unit of distance to its target, in units of the node's own costs."""

Candidate = tuple[list[float], dict[int, list[float]]]
"""A policy's candidate: the values of the root's columns (ascending) and the split nodes' targets
(by node, each in the order of the node's columns)."""


@dataclass(frozen=True)
class Evaluation:
    """One share of a policy's evaluation.

    Attributes:
        objective: this share's part of the policy's cost (the split nodes' cost and the constant
            go to share 0); None when some LP of the share (or a split node) does not hold.
        columns, values: the compiled columns this share decided and their values (the shares'
            columns are disjoint and together cover every compiled column).
        iterations: simplex iterations of the share's LPs.
    """

    objective: float | None
    columns: np.ndarray
    values: np.ndarray
    iterations: int


class Pieces:
    """The split nodes and pieces of a compiled tree (see the module docstring).

    ``col_node``/``row_node``: the node of each compiled column/row; ``path_node``: the tree's
    ``path_node`` (paths x (depths + 1), the root first); ``hard``: the compiled columns the root's
    candidate fixes (its contracts and investments); ``weights``: the paths' probabilities (which
    path of a subtree a split node looks ahead along); ``rows``: ``cp.matrix`` by rows, when the
    caller holds it already."""

    def __init__(self, cp: Compiled, col_node: np.ndarray, row_node: np.ndarray, path_node: np.ndarray,
                 hard: np.ndarray, max_paths: int, weights: np.ndarray, rows: sp.csr_array | None = None) -> None:
        if max_paths < 1:
            raise ValueError(f"max_paths must be >= 1, got {max_paths}")
        self.cp, self.max_paths = cp, int(max_paths)
        self.rows = sp.csr_array(cp.matrix) if rows is None else rows
        self.hard = np.asarray(hard, dtype=np.int64)
        nodes = int(path_node.max()) + 1
        self.cols_of = _group(np.asarray(col_node, dtype=np.int64), nodes)
        self.rows_of = _group(np.asarray(row_node, dtype=np.int64), nodes)
        self.root = int(path_node[0, 0])
        self.depth = np.full(nodes, -1, dtype=np.int64)
        self.paths = np.zeros(nodes, dtype=np.int64)
        for d in range(path_node.shape[1]):
            self.depth[path_node[:, d]] = d - 1
            np.add.at(self.paths, path_node[:, d], 1)
        self.children: dict[int, list[int]] = {}
        for d in range(path_node.shape[1] - 1):
            pairs = np.unique(path_node[:, d: d + 2], axis=0)
            for parent, child in pairs.tolist():
                self.children.setdefault(parent, []).append(child)
        self.path_node = path_node
        self._subtrees: dict[int, np.ndarray] = {}
        # split nodes (depth-first from the root) and the pieces' top nodes
        self.split: list[int] = []
        self.tops: list[int] = []
        if self.paths[self.root] <= self.max_paths:
            self.tops.append(self.root)
        else:
            stack = [self.root]
            while stack:
                v = stack.pop()
                self.split.append(v)
                for c in reversed(self.children.get(v, [])):
                    (stack if self.paths[c] > self.max_paths else self.tops).append(c)
        self.split.sort(key=lambda v: (self.depth[v], v))
        # a split node looks ahead along the most probable path of each child's subtree
        self.ahead: dict[int, np.ndarray] = {}
        for v in self.split:
            below = []
            for c in self.children.get(v, []):
                through = np.flatnonzero(path_node[:, self.depth[c] + 1] == c)
                s = through[np.argmax(np.asarray(weights)[through])]
                below.append(path_node[s, self.depth[c] + 1:])
            self.ahead[v] = np.unique(np.concatenate(below)) if below else np.empty(0, dtype=np.int64)

    def subtree(self, v: int) -> np.ndarray:
        """The nodes of the subtree under ``v`` (``v`` included), found once (every PH iteration
        evaluates the same pieces)."""
        if v not in self._subtrees:
            d = self.depth[v]
            through = self.path_node[:, d + 1] == v
            self._subtrees[v] = np.unique(self.path_node[through, d + 1:])
        return self._subtrees[v]

    def share_of(self, size: int) -> list[list[int]]:
        """The pieces' top nodes of each of ``size`` shares: the largest first, each to the share
        with the fewest paths so far (ties: the lowest share)."""
        load = np.zeros(size, dtype=np.int64)
        out: list[list[int]] = [[] for _ in range(size)]
        for v in sorted(self.tops, key=lambda v: (-self.paths[v], v)):
            k = int(np.argmin(load))
            out[k].append(v)
            load[k] += self.paths[v]
        return out

    def evaluate(self, root: np.ndarray, targets: dict[int, np.ndarray], share: tuple[int, int] = (0, 1)) -> Evaluation:
        """The policy's cost for this share (``share``: (rank, ranks)): ``root`` the values of the
        root's compiled columns (ascending), ``targets`` the split nodes' (each node's compiled
        columns ascending; the root's own is ``root``)."""
        cp = self.cp
        rank, size = share
        decided = np.full(len(cp.cost), np.nan)
        fixed = np.clip(np.asarray(root, dtype=float)[np.searchsorted(self.cols_of[self.root], self.hard)],
                        cp.col_lower[self.hard], cp.col_upper[self.hard])
        iterations, cost = 0, 0.0
        for v in self.split:
            target = np.asarray(root if v == self.root else targets[v], dtype=float)
            got = self._node(v, target, decided, fixed)
            if got is None:
                return Evaluation(None, np.empty(0, dtype=np.int64), np.empty(0), iterations)
            x, its = got
            iterations += its
            decided[self.cols_of[v]] = x
            cost += float(cp.cost[self.cols_of[v]] @ x)
        columns = [np.concatenate([self.cols_of[v] for v in self.split])] if rank == 0 and self.split else []
        values = [decided[columns[0]]] if columns else []
        total = cost + cp.offset if rank == 0 else 0.0
        for v in self.share_of(size)[rank]:
            got = self._piece(v, decided, fixed)
            if got is None:
                return Evaluation(None, np.empty(0, dtype=np.int64), np.empty(0), iterations)
            cols, x, objective, its = got
            columns.append(cols)
            values.append(x)
            total += objective
            iterations += its
        if not columns:
            return Evaluation(total, np.empty(0, dtype=np.int64), np.empty(0), iterations)
        return Evaluation(total, np.concatenate(columns), np.concatenate(values), iterations)

    def _node(self, v: int, target: np.ndarray, decided: np.ndarray, fixed: np.ndarray):
        """A split node's decisions: min c x + w |x - target| over its rows, its ancestors fixed, with
        a feasible continuation along its look-ahead paths (their columns' costs counted, their
        values dropped)."""
        cp = self.cp
        own = self.cols_of[v]
        k = len(own)
        if k == 0:
            return np.empty(0), 0
        ahead = self.ahead[v]
        cols = np.concatenate([own, *(self.cols_of[u] for u in ahead)])
        rows = np.concatenate([self.rows_of[v], *(self.rows_of[u] for u in ahead)])
        lower, upper = cp.col_lower[cols].copy(), cp.col_upper[cols].copy()
        if v == self.root:
            at = np.searchsorted(own, self.hard)
            lower[at] = upper[at] = fixed
        A, row_lower, row_upper = self._rows(rows, cols, decided)
        c = cp.cost[own]
        scale = float(np.abs(c).mean())
        w = WEIGHT * (np.abs(c) + (scale if scale > 0 else 1.0))
        n = len(cols)
        pick = sp.csc_array((np.ones(k), (np.arange(k), np.arange(k))), shape=(k, n))
        eye = sp.identity(k, format="csc")
        matrix = sp.vstack([sp.hstack([A, sp.csc_array((A.shape[0], 2 * k))]), sp.hstack([pick, -eye, eye])])
        lp = Compiled(np.concatenate([cp.cost[cols], w, w]), 0.0, sp.csc_array(matrix),
                      np.concatenate([lower, np.zeros(2 * k)]), np.concatenate([upper, np.full(2 * k, np.inf)]),
                      np.concatenate([row_lower, target]), np.concatenate([row_upper, target]), {}, {})
        raw = _solve(lp)
        return None if raw is None else (raw.col_value[:k], raw.iterations)

    def _piece(self, v: int, decided: np.ndarray, fixed: np.ndarray):
        """A piece's extensive form, its ancestors fixed: (columns, values, objective, iterations)."""
        cp = self.cp
        nodes = self.subtree(v)
        cols = np.concatenate([self.cols_of[u] for u in nodes])
        rows = np.concatenate([self.rows_of[u] for u in nodes])
        cols.sort()
        rows.sort()
        lower, upper = cp.col_lower[cols].copy(), cp.col_upper[cols].copy()
        if v == self.root:
            at = np.searchsorted(cols, self.hard)
            lower[at] = upper[at] = fixed
        A, row_lower, row_upper = self._rows(rows, cols, decided)
        raw = _solve(Compiled(cp.cost[cols], 0.0, sp.csc_array(A), lower, upper, row_lower, row_upper, {}, {}))
        return None if raw is None else (cols, raw.col_value, float(raw.objective), raw.iterations)

    def _rows(self, rows: np.ndarray, cols: np.ndarray, decided: np.ndarray):
        """``rows`` over ``cols``, every other column's (decided) contribution moved to the bounds."""
        sub = self.rows[rows]
        inside = np.zeros(sub.shape[1], dtype=bool)
        inside[cols] = True
        outside = np.unique(sub.indices[~inside[sub.indices]])
        if np.isnan(decided[outside]).any():
            raise AssertionError("a row of a piece references a column that is neither in it nor decided")
        known = sub[:, outside] @ decided[outside] if len(outside) else np.zeros(len(rows))
        lower, upper = self.cp.row_lower[rows] - known, self.cp.row_upper[rows] - known
        return sp.csc_array(sub[:, cols]), lower, upper


def evaluate_shared(pieces: Pieces, candidate: Candidate, comm) -> tuple[float | None, Evaluation]:
    """The cost of ``candidate``'s policy (None when it breaks some path), each rank of the MPI
    communicator ``comm`` solving its share of the pieces (collective), and this rank's share."""
    root, targets = candidate
    got = pieces.evaluate(np.asarray(root, dtype=float), {v: np.asarray(x, dtype=float) for v, x in targets.items()},
                          (comm.Get_rank(), comm.Get_size()))
    parts = comm.allgather(got.objective)
    return (None if any(p is None for p in parts) else float(sum(parts))), got


def cheapest_policy(pieces: Pieces, candidates: list[Candidate], comm, fallback: int) -> RawSolution | None:
    """The cheapest feasible policy of rank 0's ``candidates`` as a solution of the compiled LP
    (on rank 0; None elsewhere), every rank of ``comm`` solving its share (collective). The last
    ``fallback`` candidates are tried only when none before them holds.

    Raises:
        SolverError: no candidate holds (on every rank alike).
    """
    candidates = comm.bcast(candidates, root=0)
    best: tuple[float, Evaluation] | None = None
    for k, candidate in enumerate(candidates):
        if best is not None and k >= len(candidates) - fallback:
            break
        cost, got = evaluate_shared(pieces, candidate, comm)
        if cost is not None and (best is None or cost < best[0]):
            best = (cost, got)
    if best is None:
        raise SolverError(f"progressive hedging stopped before any of its {len(candidates)} root candidates "
                          "(xbar and the nearest paths' roots) held on the whole tree: allow more --time-limit "
                          "(or, with the tree in pieces, a larger --ph-piece-paths)")
    parts = comm.gather((best[1].columns, best[1].values, best[1].iterations), root=0)
    if comm.Get_rank() != 0:
        return None
    x = np.zeros(len(pieces.cp.cost))
    for columns, values, _ in parts:
        x[columns] = values
    return RawSolution("optimal", best[0], x, np.empty(0), sum(its for *_, its in parts))


def _group(owner: np.ndarray, count: int) -> list[np.ndarray]:
    """Per owner 0 .. count - 1, its positions (ascending)."""
    order = np.argsort(owner, kind="stable")
    bounds = np.searchsorted(owner[order], np.arange(count + 1))
    return [order[bounds[i]: bounds[i + 1]] for i in range(count)]


def _solve(lp: Compiled):
    """HiGHS's optimum of ``lp`` (scaled as the extensive form is), None when it cannot hold."""
    highs = new_highs()
    scaling = scaling_of(lp)
    pass_model(highs, scaled(lp, scaling))
    raw = unscaled(run_highs(highs, interruptible=True), scaling)
    if raw.status == "infeasible":
        return None
    if raw.status != "optimal":
        raise solver_failure(raw)
    return raw
