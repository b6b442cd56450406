"""An offer's availability in a year of a history: the one place that computes it.

In year y of a path, an offer's availability is the product, over the events in progress in y on
that path, of each event's availability for the offer in y (its disruptions.csv rows in force in
y; 1 where it names neither the offer nor a ``*`` row of the origin). No event in progress: 1.
The node of depth y (the history through y) knows every event in progress in y, so availability
is a function of (node of depth y, offer-year). The statement's (P5) and (P6), hence the Pyomo
model, the value of information and the extraction read it from here.
"""

from __future__ import annotations

import numpy as np

from sourcing.multiyear.horizon import Horizon
from sourcing.multiyear.tree import Tree


class Availability:
    """a[node, offer-year] below 1, as a sorted table: ``node``, ``q`` (row of
    ``horizon.offer_years``), ``value``; :meth:`of` looks any pair up (1 where none is listed)."""

    def __init__(self, horizon: Horizon, tree: Tree) -> None:
        h = horizon
        oy = h.offer_years
        self.offer_years = len(oy)
        n_offers = max(len(h.offers), 1)
        q_of = np.full((h.n, n_offers), -1, dtype=np.int64)
        q_of[oy["i"].to_numpy(np.int64), oy["offer"].to_numpy(np.int64)] = np.arange(len(oy))
        a = h.availability
        ai, ak = a["i"].to_numpy(np.int64), a["k"].to_numpy(np.int64)
        K = max(len(tree.events), 1)
        key = ai * K + ak
        order = np.argsort(key, kind="stable")
        key, rows = key[order], order
        node, event, _ = tree.in_progress()
        want = tree.node_depth[node] * K + event
        lo, hi = np.searchsorted(key, want, "left"), np.searchsorted(key, want, "right")
        counts = hi - lo
        entry = np.repeat(np.arange(len(want)), counts)
        row = rows[lo[entry] + (np.arange(int(counts.sum())) - (np.cumsum(counts) - counts)[entry])]
        q = q_of[ai[row], a["offer"].to_numpy(np.int64)[row]]
        ok = q >= 0
        node_e, q, value = node[entry][ok], q[ok], a["availability"].to_numpy(float)[row][ok]
        pair = node_e * max(self.offer_years, 1) + q
        order = np.lexsort((event[entry][ok], pair))
        pair, value = pair[order], value[order]
        starts = np.flatnonzero(np.concatenate([[True], pair[1:] != pair[:-1]])) if len(pair) else np.zeros(0, int)
        product = np.multiply.reduceat(value, starts) if len(pair) else np.zeros(0)
        self.key = pair[starts] if len(pair) else np.zeros(0, dtype=np.int64)
        self.value = product
        self.node = self.key // max(self.offer_years, 1)
        self.q = self.key % max(self.offer_years, 1)

    def of(self, node: np.ndarray, q: np.ndarray) -> np.ndarray:
        """a at each (node, offer-year) pair (the node of the offer-year's depth)."""
        key = np.asarray(node, dtype=np.int64) * max(self.offer_years, 1) + np.asarray(q, dtype=np.int64)
        if not len(self.key):
            return np.ones(len(key))
        at = np.minimum(np.searchsorted(self.key, key), len(self.key) - 1)
        return np.where(self.key[at] == key, self.value[at], 1.0)
