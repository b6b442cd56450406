"""Paths and nodes: which disruption starts in which year, and what is known when.

A scenario's ``probability`` p[k] is an annual hazard: the probability that event k starts in a
given year, given that no event has started before. With P = sum_k p[k] and n years y0..yT, a path
is ``baseline`` (no event starts in the horizon), of probability (1 - P)^n, or ``k@t`` (event k
starts in year t, and no other event in the horizon), of probability p[k] (1 - P)^(t - y0). Paths
of probability below :data:`MIN_PROBABILITY` are left out. Where scenarios.csv has dated rows, the
hazards are those in force each year, p[k,y] and P[y]: ``k@t`` has probability
p[k,t] prod_{y<t} (1 - P[y]) and ``baseline`` prod_y (1 - P[y]) (the same when nothing is dated).

What is known at the end of year y is the event history through y: "no event yet", or "k started
in t". A *node* is such a history at a *depth* (the year it runs through; depth -1 is the root,
before the first year). Every path passes through exactly one node at each depth; paths that share
a node share every decision taken with that knowledge. Depths are year positions: 0 is y0.

Nodes are numbered depth by depth (root first); within a depth, "no event" first, then the event
histories in path order. Every node listed holds at least one path.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

MIN_PROBABILITY = 1e-12
"""Paths below this probability are left out of the LP and of every output."""
BASELINE_PATH = "baseline"
NO_EVENT = "none"
"""The label of a node whose history holds no event."""


@dataclass(frozen=True)
class Tree:
    """Paths and nodes of a horizon (arrays; see the module docstring).

    Attributes:
        years: the calendar years.
        events: event (scenario) names, by code k.
        path_event: k of each path (-1 for ``baseline``).
        path_start: the start year's position t of each path's event (n for ``baseline``).
        path_probability: each path's probability.
        node_depth, node_event, node_start: each node's depth, event (-1: none) and start (-1: none).
        node_probability: the probability of the paths through each node.
        depth_start: nodes of depth d are ``depth_start[d + 1]`` .. ``depth_start[d + 2] - 1``.
        path_node: ``path_node[s, d + 1]`` is the node of path s at depth d.
        event_node: ``event_node[d + 1, k, t]``: the node of history "k started at t" at depth d (-1: none).
        none_node: ``none_node[d + 1]``: the node "no event through depth d" (-1 if it holds no path).
    """

    years: np.ndarray
    events: tuple[str, ...]
    path_event: np.ndarray
    path_start: np.ndarray
    path_probability: np.ndarray
    node_depth: np.ndarray
    node_event: np.ndarray
    node_start: np.ndarray
    node_probability: np.ndarray
    depth_start: np.ndarray
    path_node: np.ndarray
    event_node: np.ndarray
    none_node: np.ndarray

    @property
    def n(self) -> int:
        return len(self.years)

    @property
    def paths(self) -> int:
        return len(self.path_event)

    @property
    def nodes(self) -> int:
        return len(self.node_depth)

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
        node, depth = np.asarray(node), np.asarray(depth)
        start = self.node_start[node]
        event = self.node_event[node]
        known = (event >= 0) & (start <= depth)
        out = self.none_node[depth + 1]
        return np.where(known, self.event_node[depth + 1, np.maximum(event, 0), np.maximum(start, 0)], out)

    def active(self, node: np.ndarray, year: np.ndarray, duration: np.ndarray) -> np.ndarray:
        """Whether the event of each node's history is under way in year position ``year``
        (started at t and ``year`` in t .. t + duration - 1); ``duration[k, t]``: how long event k
        lasts if it starts at t."""
        node = np.asarray(node)
        event = self.node_event[node]
        start = self.node_start[node]
        known = event >= 0
        if not known.any():
            return known
        last = np.where(known, start + np.asarray(duration)[np.maximum(event, 0), np.maximum(start, 0)] - 1, -1)
        return known & (start <= year) & (year <= last)

    def path_names(self) -> list[str]:
        return [BASELINE_PATH if k < 0 else f"{self.events[k]}@{self.years[t]}"
                for k, t in zip(self.path_event.tolist(), self.path_start.tolist())]

    def node_labels(self) -> np.ndarray:
        """``none`` or ``event@year`` for each node (unique within a depth)."""
        return np.array([NO_EVENT if k < 0 else f"{self.events[k]}@{self.years[t]}"
                         for k, t in zip(self.node_event.tolist(), self.node_start.tolist())], dtype=object)


def hazard_paths(n: int, probabilities: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(event, start, probability) of every path of positive probability, baseline first, then by
    event and start: ``baseline`` with prod_y (1 - P[y]), ``k@t`` with p[k,t] prod_{y<t} (1 - P[y]).
    ``probabilities``: one hazard per event, or (events x years)."""
    p = np.asarray(probabilities, dtype=float)
    if p.ndim == 1:
        p = np.repeat(p[:, None], n, axis=1)
    survive = np.clip(1.0 - p.sum(axis=0), 0.0, 1.0)  # per year
    before = np.concatenate([[1.0], np.cumprod(survive)])  # no event before year t
    k = np.repeat(np.arange(len(p)), n)
    t = np.tile(np.arange(n), len(p))
    prob = p[k, t] * before[t]
    event = np.concatenate([[-1], k])
    start = np.concatenate([[n], t])
    prob = np.concatenate([[before[n]], prob])
    keep = prob >= MIN_PROBABILITY
    return event[keep], start[keep], prob[keep]


def build_tree(years: np.ndarray, events: list[str] | tuple[str, ...], probabilities: np.ndarray) -> Tree:
    """The tree of the hazards ``probabilities`` (one per event, or events x years) over ``years``."""
    event, start, prob = hazard_paths(len(years), probabilities)
    return tree_of_paths(years, events, event, start, prob)


def tree_of_paths(years: np.ndarray, events: list[str] | tuple[str, ...], path_event: np.ndarray,
                  path_start: np.ndarray, path_probability: np.ndarray) -> Tree:
    """The nodes of the given paths (each an event code or -1, a start position or n, a probability)."""
    n, K, S = len(years), len(events), len(path_event)
    path_event = np.asarray(path_event, dtype=np.int64)
    path_start = np.asarray(path_start, dtype=np.int64)
    path_probability = np.asarray(path_probability, dtype=float)
    depths, kinds, starts = [], [], []
    path_node = np.empty((S, n + 1), dtype=np.int64)
    event_node = np.full((n + 1, max(K, 1), max(n, 1)), -1, dtype=np.int64)
    none_node = np.full(n + 1, -1, dtype=np.int64)
    depth_start = np.zeros(n + 2, dtype=np.int64)
    at = 0
    for d in range(-1, n):
        depth_start[d + 1] = at
        waiting = path_start > d  # no event through d (baseline included)
        if waiting.any():
            none_node[d + 1] = at
            path_node[waiting, d + 1] = at
            depths.append(d)
            kinds.append(-1)
            starts.append(-1)
            at += 1
        known = np.flatnonzero(~waiting)
        ids = at + np.arange(len(known))
        path_node[known, d + 1] = ids
        event_node[d + 1, path_event[known], path_start[known]] = ids
        depths += [d] * len(known)
        kinds += path_event[known].tolist()
        starts += path_start[known].tolist()
        at += len(known)
    depth_start[n + 1] = at
    node_probability = np.zeros(at)
    for d in range(-1, n):
        np.add.at(node_probability, path_node[:, d + 1], path_probability)
    return Tree(np.asarray(years), tuple(events), path_event, path_start, path_probability,
                np.asarray(depths, dtype=np.int64), np.asarray(kinds, dtype=np.int64),
                np.asarray(starts, dtype=np.int64), node_probability, depth_start, path_node, event_node, none_node)
