"""The event chain: which events start in which years, as histories with weights.

A *history* is a tuple of (event code k, start position t) pairs, ordered by start, then by event
name; ``()`` is ``baseline``. Two producers:

- :func:`first_histories`: ``plan.md``'s tree (``--events first``): one event per path, the
  hazards competing (``k@t`` has probability p[k,t] prod_{y<t} (1 - P[y])).
- :func:`independent_histories`: the default (``--events independent``). Each event k is a chain
  of its own: at the start of a year it is *free* or *in progress* with r years left. A free event
  starts in year t with probability p[k,t] and is then in progress in t .. t + d[k,t] - 1; an
  event in progress today (``in_progress_until`` u) is in progress in y0 .. u on every path. The
  events are independent, so a path's probability is the product of its events' own histories'
  probabilities. The paths of probability >= :data:`MIN_PROBABILITY` are *counted* by a recursion
  over those per-event chains (each event's probabilities gathered by state, never the paths
  themselves), stopped as soon as the count passes the limit: at most ``limit`` of them, the tree
  is exact (every such path); otherwise ``limit`` paths are sampled year by year with numpy's
  seeded generator, identical paths merged (weights 1/N added).

:mod:`~sourcing.multiyear.tree` turns any list of histories and weights into nodes.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

import numpy as np

MIN_PROBABILITY = 1e-12
"""Paths below this probability are left out of an exact tree (and of every output)."""
INDEPENDENT, FIRST = "independent", "first"
EVENT_MODELS = (INDEPENDENT, FIRST)
"""``--events``: every event independently (the default), or one event per path (``plan.md``'s tree)."""
DEFAULT_PATHS = 500
"""``--paths``: the most paths of an exact tree, and the sample size otherwise (see docs/plan.md)."""
MIN_PATHS = 500

History = tuple[tuple[int, int], ...]


@dataclass(frozen=True)
class Histories:
    """Paths as histories with weights, and how they were produced (the JSON's ``tree``)."""

    histories: tuple[History, ...]
    weights: np.ndarray
    events: str
    exact: bool
    sample_size: int | None
    seed: int | None
    mass_left_out: float


def first_histories(n: int, hazard: np.ndarray) -> Histories:
    """``plan.md``'s paths: ``baseline`` with prod_y (1 - P[y]), ``k@t`` with p[k,t] prod_{y<t} (1 - P[y]);
    baseline first, then by event and start; below :data:`MIN_PROBABILITY` left out."""
    p = np.asarray(hazard, dtype=float)
    if p.ndim == 1:
        p = np.repeat(p[:, None], n, axis=1)
    survive = np.clip(1.0 - p.sum(axis=0), 0.0, 1.0)
    before = np.concatenate([[1.0], np.cumprod(survive)])
    k = np.repeat(np.arange(len(p)), n)
    t = np.tile(np.arange(n), len(p))
    prob = np.concatenate([[before[n]], p[k, t] * before[t]])
    histories = [()] + [((int(a), int(b)),) for a, b in zip(k, t)]
    keep = np.flatnonzero(prob >= MIN_PROBABILITY)
    weights = prob[keep]
    return Histories(tuple(histories[s] for s in keep), weights, FIRST, True, None, None,
                     max(0.0, 1.0 - float(weights.sum())))


def _chain(p: np.ndarray, d: np.ndarray, busy: int, keep_starts: bool):
    """One event's own histories over the horizon, forward year by year from its state (``busy``:
    years in progress from y0 on; 0: free). ``keep_starts``: a list of (starts, probability);
    otherwise a Counter probability -> how many histories have it (grouped by state, never
    listed). Partial histories below :data:`MIN_PROBABILITY` are dropped (a path holding one is
    below it too). Both forms multiply the same factors in the same order."""
    empty = () if keep_starts else None
    states: dict[int, Counter] = {busy: Counter({(empty, 1.0): 1})}
    for i in range(len(p)):
        nxt: dict[int, Counter] = {}
        for r, held in states.items():
            for (starts, prob), count in held.items():
                if r > 0:
                    moves = [(r - 1, starts, prob)]
                else:
                    moves = [(0, starts, prob * (1.0 - float(p[i])))]
                    if p[i] > 0:
                        moves.append((int(d[i]) - 1, starts + (i,) if keep_starts else None, prob * float(p[i])))
                for state, after, value in moves:
                    if value >= MIN_PROBABILITY:
                        nxt.setdefault(state, Counter())[after, value] += count
        states = nxt
    if keep_starts:
        return [key for held in states.values() for key in held]
    out: Counter = Counter()
    for held in states.values():
        for (_, value), count in held.items():
            out[value] += count
    return out


def count_paths(hazard: np.ndarray, duration: np.ndarray, busy: np.ndarray, limit: int) -> int:
    """The number of independent-event paths of probability >= :data:`MIN_PROBABILITY`, or any
    number above ``limit`` once it is known to exceed it. Each event's chain gives its histories'
    probabilities with their multiplicities (by state, without listing the histories); the
    recursion over events multiplies them in event order, as :func:`independent_histories` does."""
    chains = [sorted(_chain(hazard[k], duration[k], int(busy[k]), False).items(), reverse=True)
              for k in range(len(hazard))]

    def rec(k: int, prefix: float) -> int:
        if k == len(chains):
            return 1
        total = 0
        for value, count in chains[k]:
            x = prefix * value
            if x < MIN_PROBABILITY:
                break
            total += count * rec(k + 1, x)
            if total > limit:
                break
        return total

    return rec(0, 1.0)


def _order(events: list[str] | tuple[str, ...]):
    return lambda h: tuple((t, events[k]) for k, t in h)


def independent_histories(events: list[str] | tuple[str, ...], hazard: np.ndarray, duration: np.ndarray,
                          busy: np.ndarray, limit: int, seed: int) -> Histories:
    """The independent-event paths: exact when at most ``limit`` have probability >=
    :data:`MIN_PROBABILITY`, else ``limit`` sampled with ``seed`` (see the module docstring).
    ``busy[k]``: the years event k is in progress from y0 on (0: not in progress today)."""
    hazard, duration = np.asarray(hazard, dtype=float), np.asarray(duration, dtype=np.int64)
    busy = np.asarray(busy, dtype=np.int64)
    order = _order(events)
    if count_paths(hazard, duration, busy, limit) <= limit:
        return _exact(hazard, duration, busy, order)
    return sample_histories(hazard, duration, busy, limit, seed, order)


def _exact(hazard: np.ndarray, duration: np.ndarray, busy: np.ndarray, order) -> Histories:
    chains = [sorted(_chain(hazard[k], duration[k], int(busy[k]), True), key=lambda x: -x[1])
              for k in range(len(hazard))]
    found: list[tuple[History, float]] = []

    def rec(k: int, prefix: float, pairs: tuple) -> None:
        if k == len(chains):
            found.append((pairs, prefix))
            return
        for starts, value in chains[k]:
            x = prefix * value
            if x < MIN_PROBABILITY:
                break
            rec(k + 1, x, pairs + tuple((k, t) for t in starts))

    rec(0, 1.0, ())
    found = [(tuple(sorted(h, key=lambda kt: order(((kt[0], kt[1]),)))), w) for h, w in found]
    found.sort(key=lambda x: order(x[0]))
    weights = np.array([w for _, w in found], dtype=float)
    return Histories(tuple(h for h, _ in found), weights, INDEPENDENT, True, None, None,
                     max(0.0, 1.0 - float(weights.sum())))


def simulate(hazard: np.ndarray, duration: np.ndarray, busy: np.ndarray, size: int,
             seed: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``size`` paths simulated year by year: (path, event, start) of every start, in the order
    drawn. Each year draws one uniform number per path and event, stratified over the paths
    (:func:`stratified`); a free event starts where its draw is below its hazard."""
    rng = np.random.default_rng(seed)
    K, n = hazard.shape
    left = np.broadcast_to(np.asarray(busy, dtype=np.int64), (size, K)).copy()
    path, event, start = [], [], []
    for i in range(n):
        draw = stratified(rng, size, K)
        starts = (left == 0) & (draw < hazard[:, i])
        left = np.where(left > 0, left - 1, 0)
        s, k = np.nonzero(starts)
        left[s, k] = duration[k, i] - 1
        path.append(s)
        event.append(k)
        start.append(np.full(len(s), i))
    return np.concatenate(path), np.concatenate(event), np.concatenate(start)


def stratified(rng: np.random.Generator, size: int, events: int) -> np.ndarray:
    """``size`` x ``events`` uniform draws on [0, 1), stratified per event (a Latin hypercube over
    the paths): path s's draw is (pi(s) + u) / size, pi a random permutation of 0 .. size - 1 and u
    uniform, so each draw is uniform and exactly one falls in each of the ``size`` equal strata.
    Where an event is free on every path, it then starts on size x p of them give or take one,
    where independent draws scatter that count binomially; where it is in progress on some, the
    count among the free ones scatters less, the more so the fewer they are. Far less sampling noise in
    the plan (Linderoth, Shapiro and Wright, 2006). numpy's PCG64 makes it the same on every
    machine."""
    strata = rng.permuted(np.tile(np.arange(size, dtype=float), (events, 1)), axis=1).T
    return (strata + rng.random((size, events))) / size


def sample_histories(hazard: np.ndarray, duration: np.ndarray, busy: np.ndarray, size: int, seed: int,
                     order) -> Histories:
    """``size`` simulated paths, identical ones merged (weight: how many / size), in path order."""
    s, k, t = simulate(hazard, duration, busy, size, seed)
    per_path: list[list[tuple[int, int]]] = [[] for _ in range(size)]
    for a, b, c in zip(s.tolist(), k.tolist(), t.tolist()):
        per_path[a].append((b, c))
    merged = Counter(tuple(sorted(h, key=lambda kt: order((kt,)))) for h in per_path)
    found = sorted(merged.items(), key=lambda x: order(x[0]))
    weights = np.array([c / size for _, c in found], dtype=float)
    return Histories(tuple(h for h, _ in found), weights, INDEPENDENT, False, int(size), int(seed), 0.0)
