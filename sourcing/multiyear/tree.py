"""Paths and nodes: the histories of events a path holds, and what is known when.

A path is a *history*: a tuple of (event k, start position t) pairs (see
:mod:`~sourcing.multiyear.events`, which produces them: ``plan.md``'s one-event tree, the exact or
the sampled independent-event tree), with a weight (its probability, or its sampled share). Events
in progress today (``ongoing``: event k in progress in y0 .. its last year) belong to every path.

What is known at the end of year y is the history through y: the path's pairs with start <= y
(and the events in progress today). A *node* is such a history at a *depth* (the year it runs
through; depth -1 is the root, before the first year). Every path passes through exactly one node
at each depth; paths that share a node share every decision taken with that knowledge. Depths are
year positions: 0 is y0.

Nodes are numbered depth by depth (root first); within a depth, the event-free history first, then
the others in the order of their first path. Every node listed holds at least one path.
:func:`tree_of` builds the nodes of any histories, whatever produced them.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from sourcing.multiyear.events import FIRST, MIN_PROBABILITY, Histories, first_histories

__all__ = ["MIN_PROBABILITY", "BASELINE_PATH", "NO_EVENT", "Tree", "tree_of", "build_tree", "tree_of_paths"]

BASELINE_PATH = "baseline"
NO_EVENT = "none"
"""The label of a node whose history holds no event."""


@dataclass(frozen=True)
class Tree:
    """Paths and nodes of a horizon (arrays; see the module docstring).

    Attributes:
        years: the calendar years.
        events: event (scenario) names, by code k.
        histories: each path's (k, t) pairs, ordered by start, then event name.
        path_probability: each path's weight (probability, or sampled share).
        pair_path, pair_event, pair_start, pair_last: every pair of every path, path by path: its
            path, event, start position and last year position in progress (t + d[k,t] - 1).
        ongoing: (k, last year position) of the events in progress today (known at the root).
        node_depth: each node's depth; node_path: the first path through it.
        node_probability: the weight of the paths through each node.
        depth_start: nodes of depth d are ``depth_start[d + 1]`` .. ``depth_start[d + 2] - 1``.
        path_node: ``path_node[s, d + 1]`` is the node of path s at depth d.
        none_node: ``none_node[d + 1]``: the event-free node through depth d (-1 if no path is).
        model: ``independent`` or ``first`` (the cover rule (P3) of each).
        info: how the histories were produced (the JSON's ``tree``).
    """

    years: np.ndarray
    events: tuple[str, ...]
    histories: tuple[tuple[tuple[int, int], ...], ...]
    path_probability: np.ndarray
    pair_path: np.ndarray
    pair_event: np.ndarray
    pair_start: np.ndarray
    pair_last: np.ndarray
    ongoing: tuple[tuple[int, int], ...]
    node_depth: np.ndarray
    node_path: np.ndarray
    node_probability: np.ndarray
    depth_start: np.ndarray
    path_node: np.ndarray
    none_node: np.ndarray
    model: str = FIRST
    info: dict = field(default_factory=dict)

    @property
    def n(self) -> int:
        return len(self.years)

    @property
    def paths(self) -> int:
        return len(self.histories)

    @property
    def nodes(self) -> int:
        return len(self.node_depth)

    @property
    def path_event(self) -> np.ndarray:
        """The event of each one-event path (-1 for ``baseline`` and for paths of several events)."""
        return np.array([h[0][0] if len(h) == 1 else -1 for h in self.histories], dtype=np.int64)

    @property
    def path_start(self) -> np.ndarray:
        """The start of each one-event path's event (n otherwise)."""
        return np.array([h[0][1] if len(h) == 1 else self.n for h in self.histories], dtype=np.int64)

    def count(self, depth: np.ndarray) -> np.ndarray:
        """How many nodes each depth holds."""
        depth = np.asarray(depth)
        return self.depth_start[depth + 2] - self.depth_start[depth + 1]

    def rank(self, node: np.ndarray) -> np.ndarray:
        """A node's position among the nodes of its depth."""
        node = np.asarray(node)
        return node - self.depth_start[self.node_depth[node] + 1]

    def ancestor(self, node: np.ndarray, depth: np.ndarray) -> np.ndarray:
        """The node at ``depth`` (<= the node's own) on the history of ``node``."""
        return self.path_node[self.node_path[np.asarray(node)], np.asarray(depth) + 1]

    def in_progress(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Every (node, event, known) with the event in progress in the node's year (a node of depth
        i knows every event in progress in year i); ``known``: known at the start of that year
        (started before it, or in progress today). One entry per node and event, by node."""
        n = self.n
        spans = np.maximum(np.minimum(self.pair_last, n - 1) - self.pair_start + 1, 0)
        pair = np.repeat(np.arange(len(spans)), spans)
        year = self.pair_start[pair] + (np.arange(int(spans.sum())) - (np.cumsum(spans) - spans)[pair])
        node = self.path_node[self.pair_path[pair], year + 1]
        event = self.pair_event[pair]
        known = year > self.pair_start[pair]
        for k, last in self.ongoing:
            at = np.arange(self.depth_start[1], self.depth_start[min(last, n - 1) + 2])
            node = np.concatenate([node, at])
            event = np.concatenate([event, np.full(len(at), k)])
            known = np.concatenate([known, np.ones(len(at), dtype=bool)])
        key = node * max(len(self.events), 1) + event
        _, first = np.unique(key, return_index=True)
        return node[first], event[first], known[first]

    def cover_nodes(self) -> np.ndarray:
        """Per node of depth d, whether cover (P3) holds in the next year d + 1 on its paths:
        ``first``, on the event-free history only (``plan.md``); ``independent``, unless an event
        in progress in d + 1 is known at its start (started by d, or in progress today)."""
        out = np.zeros(self.nodes, dtype=bool)
        if self.model == FIRST:
            out[self.none_node[self.none_node >= 0]] = True
            return out
        out[:] = True
        n = self.n
        last = np.minimum(self.pair_last, n - 1) - 1  # the depths whose next year the event still holds
        spans = np.maximum(last - self.pair_start + 1, 0)
        pair = np.repeat(np.arange(len(spans)), spans)
        depth = self.pair_start[pair] + (np.arange(int(spans.sum())) - (np.cumsum(spans) - spans)[pair])
        out[self.path_node[self.pair_path[pair], depth + 1]] = False
        for _, until in self.ongoing:
            out[: self.depth_start[min(until, n) + 1]] = False  # depths -1 .. until - 1
        return out

    def path_names(self) -> list[str]:
        return [self._label(h) for h in self.histories]

    def _label(self, history) -> str:
        if not history:
            return BASELINE_PATH
        return "+".join(f"{self.events[k]}@{self.years[t]}" for k, t in history)

    def node_labels(self) -> np.ndarray:
        """``none`` or the node's pairs as ``event@year`` joined by ``+`` (unique within a depth)."""
        out = []
        for s, d in zip(self.node_path.tolist(), self.node_depth.tolist()):
            pairs = tuple(p for p in self.histories[s] if p[1] <= d)
            out.append(NO_EVENT if not pairs else self._label(pairs))
        return np.array(out, dtype=object)


def tree_of(years: np.ndarray, events: list[str] | tuple[str, ...], produced: Histories, duration: np.ndarray,
            ongoing: tuple[tuple[int, int], ...] = ()) -> Tree:
    """The nodes of the histories ``produced`` (their weights as path probabilities);
    ``duration[k, t]``: how long event k lasts if it starts at t; ``ongoing``: (k, last position) of
    the events in progress today."""
    n, histories = len(years), tuple(produced.histories)
    S = len(histories)
    weights = np.asarray(produced.weights, dtype=float)
    pair_path = np.array([s for s, h in enumerate(histories) for _ in h], dtype=np.int64)
    pair_event = np.array([k for h in histories for k, _ in h], dtype=np.int64)
    pair_start = np.array([t for h in histories for _, t in h], dtype=np.int64)
    duration = np.asarray(duration, dtype=np.int64)
    pair_last = pair_start + duration[pair_event, pair_start] - 1 if len(pair_event) else pair_start.copy()
    # the events starting in each year, per path, as a code (0: none)
    code = np.zeros((S, max(n, 1)), dtype=np.int64)
    codes: dict[tuple, int] = {}
    groups: dict[tuple[int, int], list[int]] = {}
    for s, k, t in zip(pair_path.tolist(), pair_event.tolist(), pair_start.tolist()):
        groups.setdefault((s, t), []).append(k)
    for (s, t), ks in groups.items():
        code[s, t] = codes.setdefault(tuple(ks), len(codes) + 1)
    width = len(codes) + 1
    path_node = np.zeros((S, n + 1), dtype=np.int64)
    depth_start = np.zeros(n + 2, dtype=np.int64)
    none_node = np.full(n + 1, -1, dtype=np.int64)
    node_depth, node_path = [np.full(1 if S else 0, -1, dtype=np.int64)], [np.zeros(1 if S else 0, dtype=np.int64)]
    free = np.ones(S, dtype=bool)  # event-free through the depth
    at = 1 if S else 0
    none_node[0] = 0 if S else -1
    depth_start[1] = at
    for d in range(n):
        key = path_node[:, d] * width + code[:, d]
        uniq, first, inverse = np.unique(key, return_index=True, return_inverse=True)
        free = free & (code[:, d] == 0)
        rank_key = first.copy()
        if free.any():
            rank_key[inverse[np.flatnonzero(free)[0]]] = -1  # the event-free history first
        order = np.argsort(rank_key, kind="stable")
        position = np.empty(len(uniq), dtype=np.int64)
        position[order] = np.arange(len(uniq))
        path_node[:, d + 1] = at + position[inverse.ravel()]
        node_depth.append(np.full(len(uniq), d, dtype=np.int64))
        node_path.append(first[order])
        if free.any():
            none_node[d + 1] = at
        at += len(uniq)
        depth_start[d + 2] = at
    node_probability = np.zeros(at)
    for d in range(-1, n):
        np.add.at(node_probability, path_node[:, d + 1], weights)
    info = {"events": produced.events, "exact": produced.exact, "paths": S, "sample_size": produced.sample_size,
            "seed": produced.seed, "mass_left_out": produced.mass_left_out}
    return Tree(np.asarray(years), tuple(events), histories, weights, pair_path, pair_event, pair_start, pair_last,
                tuple(ongoing), np.concatenate(node_depth), np.concatenate(node_path), node_probability, depth_start,
                path_node, none_node, produced.events, info)


def build_tree(years: np.ndarray, events: list[str] | tuple[str, ...], probabilities: np.ndarray,
               duration: np.ndarray | None = None) -> Tree:
    """``plan.md``'s one-event tree of the hazards ``probabilities`` (one per event, or events x years)."""
    n = len(years)
    duration = np.ones((len(events), n), dtype=np.int64) if duration is None else duration
    return tree_of(years, events, first_histories(n, probabilities), duration)


def tree_of_paths(years: np.ndarray, events: list[str] | tuple[str, ...], histories: list, weights: list[float],
                  duration: np.ndarray, model: str = FIRST, ongoing: tuple[tuple[int, int], ...] = ()) -> Tree:
    """The tree of the given histories (tuples of (event, start position)) and weights."""
    produced = Histories(tuple(tuple(h) for h in histories), np.asarray(weights, dtype=float), model, True, None,
                         None, 0.0)
    return tree_of(years, events, produced, duration, ongoing)
