"""The floor of ``sourcing plan``: the same LP built straight from the CSV files with numpy and one
scipy matrix, handed to ``highspy``; no validation, no modelling layer. Written apart from
``sourcing.multiyear`` (nothing is imported from it): the benchmark's yardstick, and a second
statement of the LP that ``tests/test_benchmarks.py`` checks against ``sourcing.plan``.

It covers what ``benchmarks/plan_generate.py`` writes: undated supply (lead_time, spot_cost),
demand dated every year, plain caps (``*`` rows and per-element overrides, imports basis, origin
scope), undated events (probability as an annual hazard, duration), ``*`` and per-element
disruptions, an undated stockpile (stock, max_stock, holding_cost, terminal_stock) and
investments; the risk-neutral or weighted mean objective (no CVaR). Two trees: ``plan.md``'s one
event per path (``events_model="first"``), or docs/plan.md's independent events, ``paths`` paths
sampled with ``seed`` by its own simulation of the documented draws (nodes by the pairs started so
far, availabilities multiplied over the events in progress, cover unless an event in progress is
known at the start of the year).

The LP (README, "The multi-year plan"): decisions per node of the event-history tree, at the
depth of what they know (a contract for year y through y - lead - 1, an investment decided in v
through v - 1, in-year decisions through y); a row per node at the depth of its deepest term; the
element's contracted total T as a column, so that caps hold two terms and balances the disrupted
offers only.
"""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np
import pandas as pd
import scipy.sparse as sp

KG = 1000.0


def read(folder: str | Path) -> dict[str, pd.DataFrame]:
    folder = Path(folder)
    return {name: pd.read_csv(folder / f"{name}.csv", keep_default_na=False, na_values=[""])
            for name in ("supply", "demand", "caps", "scenarios", "disruptions", "stockpile", "investments")
            if (folder / f"{name}.csv").is_file()}


def _items_at(first: np.ndarray, depth: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Every (item, node) for items of the given depths, item-major; ``first[d + 1]`` is the first
    node of depth d (nodes numbered depth by depth)."""
    depth = np.asarray(depth, dtype=np.int64)
    count = first[depth + 2] - first[depth + 1]
    item = np.repeat(np.arange(len(depth)), count)
    node = first[depth + 1][item] + (np.arange(count.sum()) - (np.cumsum(count) - count)[item])
    return item, node


class _Tree:
    """Nodes (depth d = -1 .. n-1; event k, start t; k = -1: no event yet) of the hazard paths."""

    def __init__(self, n: int, hazard: np.ndarray) -> None:
        K = len(hazard)
        survive = max(0.0, 1.0 - float(hazard.sum()))
        paths = [(-1, n, survive ** n)] + [(k, t, hazard[k] * survive ** t) for k in range(K) for t in range(n)]
        self.paths = [p for p in paths if p[2] >= 1e-12]
        self.n, self.K = n, K
        self.first = np.zeros(n + 2, dtype=np.int64)  # nodes of depth d: first[d+1] ..
        self.index = {}  # (d, k, t) -> node
        prob = []
        for d in range(-1, n):
            self.first[d + 1] = len(prob)
            waiting = [p for p in self.paths if p[1] > d]
            if waiting:
                self.index[d, -1, -1] = len(prob)
                prob.append(sum(p[2] for p in waiting))
            for k, t, pr in self.paths:
                if k >= 0 and t <= d:
                    self.index[d, k, t] = len(prob)
                    prob.append(pr)
        self.first[n + 1] = len(prob)
        self.prob = np.array(prob)
        self.depth = np.repeat(np.arange(-1, n), np.diff(self.first))
        keys = sorted(self.index, key=self.index.get)
        self.k = np.array([k for _, k, _ in keys])
        self.t = np.array([t for _, _, t in keys])
        self.lookup = np.full((n + 1, K + 1, n + 1), -1, dtype=np.int64)  # [d+1, k+1, t+1]
        for (d, k, t), node in self.index.items():
            self.lookup[d + 1, k + 1, t + 1] = node

    def at(self, depth: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Every (item, node) for items of the given depths, item-major."""
        return _items_at(self.first, depth)

    def up(self, node: np.ndarray, depth: np.ndarray) -> np.ndarray:
        known = (self.k[node] >= 0) & (self.t[node] <= depth)
        return np.where(known, self.lookup[depth + 1, self.k[node] + 1, self.t[node] + 1],
                        self.lookup[depth + 1, 0, 0])


def sample_histories(hazard: np.ndarray, duration: np.ndarray, n: int, size: int, seed: int) -> dict:
    """``size`` paths of independent events, simulated year by year as docs/plan.md states it (numpy's
    ``default_rng(seed)``; each year, per event, a Latin hypercube over the paths: the strata 0 .. size - 1
    shuffled by ``permuted`` (one row per event), then one ``random((size, events))`` jitter, the draw
    (stratum + jitter) / size; a free event starts where its draw is below its hazard, then is in
    progress for its duration): history -> weight, identical paths merged."""
    rng = np.random.default_rng(seed)
    K = len(hazard)
    left = np.zeros((size, K), dtype=np.int64)
    pairs: list[list] = [[] for _ in range(size)]
    for i in range(n):
        rows = np.repeat(np.arange(size, dtype=float)[None, :], K, axis=0)
        shuffled = rng.permuted(rows, axis=1)
        jitter = rng.random((size, K))
        draw = (shuffled.T + jitter) / size
        start = (left == 0) & (draw < hazard)
        left = np.maximum(left - 1, 0)
        s, k = np.nonzero(start)
        left[s, k] = duration[k] - 1
        for a, b in zip(s.tolist(), k.tolist()):
            pairs[a].append((b, i))
    out: dict = {}
    for p in pairs:
        key = tuple(sorted(p, key=lambda x: (x[1], x[0])))
        out[key] = out.get(key, 0.0) + 1.0 / size
    return out


class _Histories:
    """Nodes of any histories (tuples of (event, start)): the node of a path at depth d is its pairs
    with start <= d; ``a[node, offer]`` the product of the availabilities of the events in progress in
    the node's year; ``blocked[node]``: an event in progress in the next year is known at the node."""

    def __init__(self, n: int, histories: dict, duration: np.ndarray, a: np.ndarray) -> None:
        self.n = n
        self.paths = list(histories.items())
        S = len(self.paths)
        weight = np.array([w for _, w in self.paths])
        self.path_node = np.zeros((S, n + 1), dtype=np.int64)
        self.first = np.zeros(n + 2, dtype=np.int64)
        rep, prob = [0], [1.0]
        for d in range(n):
            self.first[d + 1] = len(rep)
            keys: dict = {}
            for s, (h, _) in enumerate(self.paths):
                key = (self.path_node[s, d], tuple(p for p in h if p[1] == d))
                if key not in keys:
                    keys[key] = len(rep)
                    rep.append(s)
                    prob.append(0.0)
                self.path_node[s, d + 1] = keys[key]
        self.first[n + 1] = len(rep)
        self.rep = np.array(rep)
        self.depth = np.repeat(np.arange(-1, n), np.diff(self.first))
        self.prob = np.zeros(len(rep))
        for d in range(n + 1):
            np.add.at(self.prob, self.path_node[:, d], weight)
        self.a = np.ones((len(rep), a.shape[1]))
        self.blocked = np.zeros(len(rep), dtype=bool)
        seen = set()
        for s, (h, _) in enumerate(self.paths):
            for k, t in h:
                for i in range(t, min(t + int(duration[k]), n)):
                    node = self.path_node[s, i + 1]
                    if (node, k) not in seen:
                        seen.add((node, k))
                        self.a[node] *= a[k]
                    if i > t:
                        self.blocked[self.path_node[s, i]] = True

    def at(self, depth: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        return _items_at(self.first, depth)

    def up(self, node: np.ndarray, depth: np.ndarray) -> np.ndarray:
        return self.path_node[self.rep[node], np.asarray(depth) + 1]


def build(frames: dict, risk_weight: float = 1.0, discount_rate: float = 0.0, events_model: str = "first",
          paths: int = 1000, seed: int = 0, timings: dict | None = None) -> dict:
    """The LP as arrays: cost, CSC matrix, column and row bounds, and the tree. ``events_model``:
    ``first`` (one event per path, every path of probability >= 1e-12) or ``independent`` (``paths``
    paths sampled with ``seed``)."""
    supply = frames["supply"].sort_values(["element", "origin"], ignore_index=True)
    demand = frames["demand"]
    years = np.sort(demand["year"].dropna().astype(int).unique())
    n = len(years)
    elements = np.sort(demand["element"].unique())
    E, n_offers = len(elements), len(supply)
    e_of = pd.Index(elements).get_indexer(supply["element"])
    lead = supply["lead_time"].fillna(0).to_numpy(int)
    d_demand = np.zeros((n, E))
    pen = np.zeros((n, E))
    for r in demand.itertuples(index=False):
        i = int(np.searchsorted(years, r.year))
        d_demand[i, pd.Index(elements).get_loc(r.element)] = r.demand
        pen[i, pd.Index(elements).get_loc(r.element)] = r.shortage_cost
    df = (1 + discount_rate) ** -np.arange(n, dtype=float)
    events = frames["scenarios"].sort_values("scenario", ignore_index=True)
    dur = events["duration"].fillna(1).to_numpy(int)
    # availability: event k, offer, a < 1 (exact rows override '*')
    dis = frames.get("disruptions")
    A = np.ones((max(len(events), 1), n_offers))
    if dis is not None:
        k_of = pd.Index(events["scenario"]).get_indexer(dis["scenario"])
        for exact in (False, True):
            for k, r in zip(k_of, dis.itertuples(index=False)):
                if (r.element != "*") == exact:
                    hit = (supply["origin"] == r.origin) & ((supply["element"] == r.element) | (r.element == "*"))
                    A[k, hit.to_numpy()] = r.availability
    started = time.perf_counter()
    independent = events_model == "independent"
    if independent:
        tree = _Histories(n, sample_histories(events["probability"].to_numpy(float), dur, n, paths, seed), dur, A)
    else:
        tree = _Tree(n, events["probability"].to_numpy(float))
    if timings is not None:
        timings["tree"] = time.perf_counter() - started

    # offer-years: every offer every year (undated supply)
    q_o = np.tile(np.arange(n_offers), n)
    q_i = np.repeat(np.arange(n), n_offers)
    q_e = e_of[q_o]
    dx = np.maximum(q_i - lead[q_o] - 1, -1)
    dt = np.full(n * E, -1)
    np.maximum.at(dt, q_i * E + q_e, dx)

    cols = {}  # family -> (first per item, depth per item, offset)
    lo_parts, hi_parts, cost_parts = [], [], []
    at = [0]

    def family(name, depth, lower, upper, price):
        item, node = tree.at(depth)
        count = tree.first[np.asarray(depth) + 2] - tree.first[np.asarray(depth) + 1]
        cols[name] = (at[0] + np.cumsum(count) - count, np.asarray(depth))
        lo_parts.append(np.asarray(lower, float)[item] if np.ndim(lower) else np.full(len(item), lower))
        hi_parts.append(np.asarray(upper, float)[item] if np.ndim(upper) else np.full(len(item), upper))
        cost_parts.append(tree.prob[node] * np.asarray(price, float)[item] if np.ndim(price) else
                          np.full(len(item), float(price)))
        at[0] += len(item)

    def col(name, item, node):
        first, depth = cols[name]
        anc = tree.up(node, depth[item])
        return first[item] + anc - tree.first[depth[item] + 1]

    inv = frames.get("investments")
    inv = inv.sort_values("project", ignore_index=True) if inv is not None else None
    j_item, v_item, annual = [], [], []
    if inv is not None:
        for j, r in enumerate(inv.itertuples(index=False)):
            life = int(r.life) if pd.notna(r.life) else 20
            crf = 1 / life if discount_rate == 0 else discount_rate / (1 - (1 + discount_rate) ** -life)
            for v in range(0, n - int(r.lead_time)):
                j_item.append(j)
                v_item.append(v)
                online = range(v + int(r.lead_time), min(v + int(r.lead_time) + life, n))
                annual.append(r.capex * crf * sum(df[i] for i in online))
    j_item, v_item = np.array(j_item, dtype=int), np.array(v_item, dtype=int)
    offer_key = {(o, e): k for k, (o, e) in enumerate(zip(supply["origin"], supply["element"]))}
    j_offer = np.array([offer_key[o, e] for o, e in zip(inv["origin"], inv["element"])], dtype=int) \
        if inv is not None else np.zeros(0, dtype=int)
    pairs = []  # (investment item, offer-year)
    for a, (j, v) in enumerate(zip(j_item, v_item)):
        r = inv.iloc[j]
        life = int(r["life"]) if pd.notna(r["life"]) else 20
        for i in range(v + int(r["lead_time"]), min(v + int(r["lead_time"]) + life, n)):
            pairs.append((a, i * n_offers + j_offer[j]))
    pairs = np.array(pairs, dtype=int).reshape(-1, 2)
    reached = np.zeros(n * n_offers, dtype=bool)
    reached[pairs[:, 1]] = True

    capacity = supply["capacity"].to_numpy(float)[q_o]
    family("X", dx, supply["min_volume"].to_numpy(float)[q_o], np.where(reached, np.inf, capacity),
           KG * supply["unit_cost"].to_numpy(float)[q_o] * df[q_i])
    family("T", dt, 0.0, np.inf, 0.0)
    spot_cost = supply["spot_cost"].to_numpy(float)[q_o]
    sq = np.flatnonzero(np.isfinite(spot_cost))
    family("Z", q_i[sq], 0.0, np.inf, KG * spot_cost[sq] * df[q_i[sq]])
    family("I", v_item - 1, 0.0, np.inf, np.array(annual))
    ey_i, ey_e = np.repeat(np.arange(n), E), np.tile(np.arange(E), n)
    stock = frames.get("stockpile")
    s0, smax, hold, target = (np.zeros(E) for _ in range(4))
    if stock is not None:
        k = pd.Index(elements).get_indexer(stock["element"])
        s0[k] = stock["stock"].to_numpy(float)
        smax[k] = stock["max_stock"].fillna(stock["stock"]).to_numpy(float)
        hold[k] = stock["holding_cost"].fillna(0).to_numpy(float)
        target[k] = stock["terminal_stock"].fillna(0).to_numpy(float)
    family("S", ey_i, 0.0, smax[ey_e], KG * hold[ey_e] * df[ey_i])
    family("W", ey_i, 0.0, np.inf, 0.0)
    family("B", ey_i, 0.0, np.inf, 0.0)
    family("U", ey_i, 0.0, np.inf, risk_weight * KG * pen.ravel() * df[ey_i])
    tgt = np.flatnonzero(target > 0)
    family("V", np.full(len(tgt), n - 1), 0.0, np.inf, KG * pen[n - 1, tgt] * df[n - 1])

    R, C, D, rlo, rhi = [], [], [], [], []
    nrow = [0]

    def rows(depth, lower, upper, nodes=None):
        """Rows per item at its depth (or at the given nodes); returns (first row per item, item, node)."""
        if nodes is None:
            item, node = tree.at(depth)
        else:
            item, node = np.arange(len(nodes)), np.asarray(nodes)
        count = np.bincount(item, minlength=len(depth))
        first = nrow[0] + np.cumsum(count) - count
        rlo.append(lower(item, node))
        rhi.append(upper(item, node))
        nrow[0] += len(item)
        return first, count, node

    def terms(block, row_item, var, var_item, coef):
        first, count, node_of = block
        c = count[row_item]
        pair = np.repeat(np.arange(len(row_item)), c)
        r = first[row_item][pair] + (np.arange(c.sum()) - (np.cumsum(c) - c)[pair])
        node = node_of[r - first[0]] if len(r) else r
        R.append(r)
        C.append(col(var, np.asarray(var_item)[pair], node))
        D.append(coef(pair, node) if callable(coef) else np.broadcast_to(np.asarray(coef, float),
                                                                         (len(row_item),))[pair])

    inf = np.full

    def avail(q, node):
        if independent:
            return tree.a[node, q_o[q]]
        k, t = tree.k[node], tree.t[node]
        on = (k >= 0) & (t <= q_i[q]) & (q_i[q] <= t + dur[np.maximum(k, 0)] - 1)
        return np.where(on, A[np.maximum(k, 0), q_o[q]], 1.0)

    # (P1) capacity where funded capacity can arrive
    cq = np.unique(pairs[:, 1])
    pos = np.full(n * n_offers, -1)
    pos[cq] = np.arange(len(cq))
    deep = dx[cq].copy()
    np.maximum.at(deep, pos[pairs[:, 1]], v_item[pairs[:, 0]] - 1)
    blk = rows(deep, lambda it, nd: inf(len(it), -np.inf), lambda it, nd: capacity[cq][it])
    terms(blk, np.arange(len(cq)), "X", cq, 1.0)
    terms(blk, pos[pairs[:, 1]], "I", pairs[:, 0], -1.0)
    # (P2)
    projects = np.unique(j_item)
    last = np.array([v_item[j_item == j].max() for j in projects], dtype=int)
    most = inv["max_capacity"].to_numpy(float) if inv is not None else np.zeros(0)
    blk = rows(last - 1, lambda it, nd: inf(len(it), -np.inf), lambda it, nd: most[projects][it])
    terms(blk, np.searchsorted(projects, j_item), "I", np.arange(len(j_item)), 1.0)
    # (P3a) T = sum X
    blk = rows(dt, lambda it, nd: np.zeros(len(it)), lambda it, nd: np.zeros(len(it)))
    terms(blk, np.arange(n * E), "T", np.arange(n * E), 1.0)
    terms(blk, q_i * E + q_e, "X", np.arange(n * n_offers), -1.0)
    # (P3) cover on the history without an event before the year
    if independent:  # on every history through y - 1 that knows no event in progress in y, once per T
        r_cov, cov_nodes = [], []
        for r in range(n * E):
            _, nodes = tree.at(np.array([ey_i[r] - 1]))
            nodes = nodes[~tree.blocked[nodes]]
            _, once = np.unique(tree.up(nodes, np.full(len(nodes), dt[r])), return_index=True)
            r_cov += [r] * len(once)
            cov_nodes += nodes[np.sort(once)].tolist()
        r_cov, cov_nodes = np.array(r_cov, dtype=int), np.array(cov_nodes, dtype=int)
    else:
        none = np.array([tree.index.get((i - 1, -1, -1), -1) for i in range(n)])
        r_cov = np.flatnonzero(none[ey_i] >= 0)
        cov_nodes = none[ey_i[r_cov]]
    blk = rows(dt[r_cov], lambda it, nd: d_demand.ravel()[r_cov][it], lambda it, nd: inf(len(it), np.inf),
               nodes=cov_nodes)
    terms(blk, np.arange(len(r_cov)), "T", r_cov, 1.0)
    # (P4) plain caps: share per (origin, element) offered, an exact row overriding '*'
    caps = frames.get("caps")
    share = np.ones(n_offers)
    if caps is not None:
        for exact in (False, True):
            for r in caps.itertuples(index=False):
                if (r.element != "*") == exact and pd.notna(r.max_share):
                    hit = (supply["origin"] == r.origin) & ((supply["element"] == r.element) | (r.element == "*"))
                    share[hit.to_numpy()] = r.max_share
    capped = np.flatnonzero(share < 1)
    cq2 = (np.arange(n)[:, None] * n_offers + capped[None, :]).ravel()  # year-major, then offer
    cap_e = q_i[cq2] * E + q_e[cq2]
    blk = rows(dt[cap_e], lambda it, nd: inf(len(it), -np.inf), lambda it, nd: np.zeros(len(it)))
    terms(blk, np.arange(len(cq2)), "X", cq2, 1.0)
    terms(blk, np.arange(len(cq2)), "T", cap_e, -share[q_o[cq2]])
    # (P5) spot
    spos = np.full(n * n_offers, -1)
    spos[sq] = np.arange(len(sq))
    blk = rows(q_i[sq], lambda it, nd: inf(len(it), -np.inf), lambda it, nd: avail(sq[it], nd) * capacity[sq][it])
    terms(blk, np.arange(len(sq)), "Z", np.arange(len(sq)), 1.0)
    terms(blk, np.arange(len(sq)), "X", sq, lambda p, nd: avail(sq[p], nd))
    sp_pairs = pairs[spos[pairs[:, 1]] >= 0]
    terms(blk, spos[sp_pairs[:, 1]], "I", sp_pairs[:, 0], lambda p, nd: -avail(sp_pairs[p, 1], nd))
    # (P6) balance: T - lost part of the disrupted offers + spot + W - B + U >= demand
    blk = rows(ey_i, lambda it, nd: d_demand.ravel()[it], lambda it, nd: inf(len(it), np.inf))
    terms(blk, np.arange(n * E), "T", np.arange(n * E), 1.0)
    if independent:  # at every node whose events in progress deliver a < 1
        node, o = np.nonzero(tree.a < 1)
        i = tree.depth[node]
        R.append(blk[0][i * E + e_of[o]] + (node - tree.first[i + 1]))
        C.append(col("X", i * n_offers + o, node))
        D.append(-(1.0 - tree.a[node, o]))
    hit_k, hit_o = np.nonzero(A < 1) if not independent else (np.zeros(0, int), np.zeros(0, int))
    for k, o in zip(hit_k, hit_o):  # at the nodes of event k under way
        for i in range(n):
            starts = [t for t in range(max(0, i - dur[k] + 1), i + 1) if (i, k, t) in tree.index]
            if starts:
                nodes = np.array([tree.index[i, k, t] for t in starts])
                r = blk[0][i * E + e_of[o]] + (nodes - tree.first[i + 1])
                R.append(r)
                C.append(col("X", np.full(len(nodes), i * n_offers + o), nodes))
                D.append(np.full(len(nodes), -(1.0 - A[k, o])))
    terms(blk, q_i[sq] * E + q_e[sq], "Z", np.arange(len(sq)), 1.0)
    for var, sign in (("W", 1.0), ("B", -1.0), ("U", 1.0)):
        terms(blk, np.arange(n * E), var, np.arange(n * E), sign)
    # (P7) stock
    rhs = np.where(ey_i == 0, s0[ey_e], 0.0)
    blk = rows(ey_i, lambda it, nd: rhs[it], lambda it, nd: rhs[it])
    terms(blk, np.arange(n * E), "S", np.arange(n * E), 1.0)
    later = np.flatnonzero(ey_i > 0)
    terms(blk, later, "S", later - E, -1.0)
    terms(blk, np.arange(n * E), "B", np.arange(n * E), -1.0)
    terms(blk, np.arange(n * E), "W", np.arange(n * E), 1.0)
    # (P8) terminal
    blk = rows(np.full(len(tgt), n - 1), lambda it, nd: target[tgt][it], lambda it, nd: inf(len(it), np.inf))
    terms(blk, np.arange(len(tgt)), "V", np.arange(len(tgt)), 1.0)
    terms(blk, np.arange(len(tgt)), "S", (n - 1) * E + tgt, 1.0)

    A_ = sp.csc_array((np.concatenate(D), (np.concatenate(R), np.concatenate(C))), shape=(nrow[0], at[0]))
    A_.sum_duplicates()
    A_.eliminate_zeros()
    return {"cost": np.concatenate(cost_parts), "matrix": A_, "col_lower": np.concatenate(lo_parts),
            "col_upper": np.concatenate(hi_parts), "row_lower": np.concatenate(rlo), "row_upper": np.concatenate(rhi),
            "paths": len(tree.paths)}


def solve(folder: str | Path, risk_weight: float = 1.0, discount_rate: float = 0.0,
          timings: dict | None = None, events_model: str = "first", paths: int = 1000, seed: int = 0) -> dict:
    """Read, build, hand to HiGHS, solve; the objective, the LP's size and the phase times."""
    import highspy

    t0 = time.perf_counter()
    frames = read(folder)
    t1 = time.perf_counter()
    tree_time: dict = {}
    lp = build(frames, risk_weight, discount_rate, events_model, paths, seed, tree_time)
    t2 = time.perf_counter()
    h = highspy.Highs()
    h.setOptionValue("output_flag", False)
    model = highspy.HighsLp()
    A = lp["matrix"]
    model.num_col_, model.num_row_ = A.shape[1], A.shape[0]
    model.col_cost_, model.col_lower_, model.col_upper_ = lp["cost"], lp["col_lower"], lp["col_upper"]
    model.row_lower_, model.row_upper_ = lp["row_lower"], lp["row_upper"]
    model.a_matrix_.format_ = highspy.MatrixFormat.kColwise
    model.a_matrix_.start_, model.a_matrix_.index_, model.a_matrix_.value_ = A.indptr, A.indices, A.data
    model.a_matrix_.num_col_, model.a_matrix_.num_row_ = A.shape[1], A.shape[0]
    h.passModel(model)
    for name, value in {"presolve": "on", "solver": "choose", "random_seed": 0}.items():
        h.setOptionValue(name, value)
    t3 = time.perf_counter()
    h.run()
    t4 = time.perf_counter()
    status = h.modelStatusToString(h.getModelStatus())
    objective = h.getInfo().objective_function_value
    col_value = np.asarray(h.getSolution().col_value)
    t5 = time.perf_counter()
    if timings is not None:
        timings.update(read=t1 - t0, build=t2 - t1, handoff=t3 - t2, solve=t4 - t3, extract=t5 - t4,
                       tree=tree_time.get("tree", 0.0))
    return {"status": status, "objective": float(objective), "nnz": int(A.nnz), "shape": A.shape,
            "paths": lp["paths"], "columns": len(col_value)}
