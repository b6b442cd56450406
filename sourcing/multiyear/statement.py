"""The plan LP (P1)-(P8), stated once as families of variables, rows and costs (numpy arrays).

Notation (docs/model.md, "The multi-year model"): o origin, e element, y year (position i), n node, s path,
j project, v decision year; X volume, T total_volume, Z spot, I investment, S stock, W release,
B into_stock, U shortage, V shortfall; eta and z the CVaR threshold and excesses.

Each decision is indexed by the node that holds what is known when it is taken (so paths that
share that history share it, and non-anticipativity holds by construction): X[o,e,y] by the node
through y - lead_time - 1 (the root when that is before y0), I[j,v] by the node through v - 1,
the in-year Z, S, W, B, U of year y by the node through y, V by the path. A row is written once
per node at the depth of the deepest decision it holds. :mod:`sourcing.multiyear.matrices` turns
the statement into HiGHS's matrices and :mod:`sourcing.multiyear.model` into a Pyomo model;
``tests/test_plan_lp.py`` checks that Pyomo's compilation of the second is the first.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from sourcing.data import InputData
from sourcing.errors import InputError, Problem
from sourcing.lp import TriviallyInfeasibleError
from sourcing.model import USD_PER_KG_TO_USD_PER_T, RiskOptions
from sourcing.multiyear.availability import Availability
from sourcing.multiyear.events import (
    DEFAULT_PATHS,
    EVENT_MODELS,
    FIRST,
    INDEPENDENT,
    first_histories,
    independent_histories,
)
from sourcing.multiyear.families import Cost, Rows, Variables, rows_at_depth
from sourcing.multiyear.horizon import Horizon, build_horizon, committed
from sourcing.multiyear.tree import Tree, tree_of
from sourcing.schema import IMPORTS, PROBABILITY_TOLERANCE

KG = USD_PER_KG_TO_USD_PER_T


@dataclass
class Statement:
    """The plan LP: ``variables``, ``rows`` and ``costs`` (each an ordered dict by name), and what
    they were built from. The objective is the sum of ``weight * cost`` over ``costs``."""

    horizon: Horizon
    tree: Tree
    options: RiskOptions
    variables: dict[str, Variables] = field(default_factory=dict)
    rows: dict[str, Rows] = field(default_factory=dict)
    costs: dict[str, Cost] = field(default_factory=dict)
    contributions: np.ndarray | None = None  # (investment item, offer-year) pairs: I adds to K
    annuity: np.ndarray | None = None  # per investment item: capex CRF sum DF over its years online


def tree_for(horizon: Horizon, events: str = INDEPENDENT, paths: int = DEFAULT_PATHS, seed: int = 0) -> Tree:
    """The tree of the horizon's events (their probabilities as annual hazards): ``events``
    ``independent`` (exact when at most ``paths`` paths have probability >= 1e-12, else ``paths``
    sampled with ``seed``) or ``first`` (``plan.md``'s one-event tree)."""
    h = horizon
    names = list(h.events["scenario"])
    if events == FIRST:
        over = np.flatnonzero(h.hazard.sum(axis=0) > 1.0 + PROBABILITY_TOLERANCE) if h.hazard.size else []
        if len(over):
            raise InputError([Problem("scenarios.csv", 1, 1, (
                f"the hazards in force in {int(h.years[over[0]])} sum to {float(h.hazard[:, over[0]].sum()):.6g} "
                "(> 1): --events first lets one event start per path, so they must sum to at most 1; use the "
                "default --events independent, or lower them"))])
        return tree_of(h.years, names, first_histories(h.n, h.hazard), h.duration)
    if events != INDEPENDENT:
        raise ValueError(f"events must be one of {EVENT_MODELS}, got {events!r}")
    busy = h.in_progress_years()
    produced = independent_histories(names, h.hazard, h.duration, busy, paths, seed)
    ongoing = tuple((k, int(b) - 1) for k, b in enumerate(busy.tolist()) if b > 0)
    return tree_of(h.years, names, produced, h.duration, ongoing)


def statement_for(data: InputData, years: tuple[int, int] | None, discount_rate: float,
                  options: RiskOptions, *, events: str = INDEPENDENT, paths: int = DEFAULT_PATHS,
                  seed: int = 0) -> Statement:
    """The LP statement that :func:`sourcing.plan` solves for these arguments."""
    horizon = build_horizon(data, years, discount_rate)
    return build_statement(horizon, tree_for(horizon, events, paths, seed), options)


def crf(rate: float, life: np.ndarray) -> np.ndarray:
    """Capital recovery factor r / (1 - (1 + r)^-life), and 1 / life at r = 0."""
    life = np.asarray(life, dtype=float)
    if rate == 0:
        return 1.0 / life
    return rate / (1.0 - (1.0 + rate) ** -life)


@dataclass
class _Index:
    """The codes every family reads: offer-years (q), element-years (r), investment items."""

    q_i: np.ndarray
    q_offer: np.ndarray
    q_e: np.ndarray
    q_of: np.ndarray
    depth_x: np.ndarray
    depth_t: np.ndarray
    ey_i: np.ndarray
    ey_e: np.ndarray
    spot_q: np.ndarray
    j_items: np.ndarray
    v_items: np.ndarray
    targets: np.ndarray
    availability: Availability
    base: np.ndarray

    def avail(self, q: np.ndarray, node: np.ndarray, tree: Tree) -> np.ndarray:
        """a of offer-year q at the node (of depth q's year); ``base`` on the event-free history."""
        on_none = tree.none_node[tree.node_depth[node] + 1] == node
        return self.availability.of(node, q) * np.where(on_none, self.base[q], 1.0)


def build_statement(horizon: Horizon, tree: Tree, options: RiskOptions, *,
                    none_availability: np.ndarray | None = None,
                    fix_root: dict[str, tuple[np.ndarray, np.ndarray]] | None = None) -> Statement:
    """The plan LP of ``horizon`` on ``tree`` with the risk ``options``: the variables, then one
    ``define_*`` per constraint family in equation order, then the objective.

    ``none_availability``: per offer-year, the availability on the event-free history (default 1;
    the mean-value problem gives the expected availability). ``fix_root``: by variable family,
    (items, values) of root decisions to hold fixed.
    """
    st = Statement(horizon, tree, options)
    ix = _index(horizon, tree, none_availability)
    define_investment_reach(st, ix)
    define_variables(st, ix, fix_root)
    define_capacity(st, ix)
    define_project_limit(st, ix)
    define_cover(st, ix)
    define_limits(st, ix)
    define_spot(st, ix)
    define_balance(st, ix)
    define_stock(st, ix)
    define_terminal(st, ix)
    penalty = KG * horizon.element_years["shortage_cost"].to_numpy(float) * horizon.discount[ix.ey_i]
    define_cvar(st, ix, penalty)
    _costs(st, penalty, ix.spot_q, ix.q_i, ix.ey_i, ix.targets)
    define_commitments(st)
    return st


def _index(h: Horizon, t: Tree, none_availability: np.ndarray | None) -> _Index:
    n, E, n_offers = h.n, len(h.elements), len(h.offers)
    oy, ey = h.offer_years, h.element_years
    q_i, q_offer, q_e = (oy[c].to_numpy(np.int64) for c in ("i", "offer", "e"))
    Q = len(oy)
    q_of = np.full((n, max(n_offers, 1)), -1, dtype=np.int64)  # offer-year of (year, offer)
    q_of[q_i, q_offer] = np.arange(Q)
    depth_x = np.maximum(q_i - oy["lead_time"].to_numpy(np.int64) - 1, -1)
    depth_t = np.full(n * E, -1, dtype=np.int64)
    np.maximum.at(depth_t, q_i * E + q_e, depth_x)
    inv = h.investments
    j_items, v_items = [], []
    for j, row in enumerate(inv.itertuples(index=False)):
        lo, hi = max(int(row.first_year) - int(h.years[0]), 0), n - 1 - int(row.lead_time)
        if row.offer >= 0 and lo <= hi:
            j_items += [j] * (hi - lo + 1)
            v_items += list(range(lo, hi + 1))
    base = np.ones(Q) if none_availability is None else np.asarray(none_availability, dtype=float)
    return _Index(q_i, q_offer, q_e, q_of, depth_x, depth_t, ey["i"].to_numpy(np.int64), ey["e"].to_numpy(np.int64),
                  np.flatnonzero(np.isfinite(oy["spot_cost"].to_numpy(float))),
                  np.asarray(j_items, dtype=np.int64), np.asarray(v_items, dtype=np.int64),
                  np.flatnonzero(h.elements["terminal_stock"].to_numpy(float) > 0), Availability(h, t), base)


def define_investment_reach(st: Statement, ix: _Index) -> None:
    """Which offer-years each investment item (project j, decision year v) adds capacity to (online
    v + lead_time .. v + lead_time + life - 1), and each item's annuity: capex CRF(r, life) times the
    sum of DF over its years online in the horizon.

    Offtakes: a project of capex 0 is an offtake the buyer signs but does not fund (a producer's
    own plant sold on floor-price terms). It is an investment item like any other, its annuity 0;
    what it delivers is a volume of the offer it adds to, paid at that offer's unit_cost (the
    offtake's price) by the procurement cost. Nothing else in the statement treats it apart. Its
    capacity is decided only up to what the plan takes from it: signing more costs nothing."""
    h, n = st.horizon, st.horizon.n
    inv = h.investments
    j_items, v_items = ix.j_items, ix.v_items
    lead_j = inv["lead_time"].to_numpy(np.int64)[j_items]
    life_j = inv["life"].to_numpy(np.int64)[j_items]
    online_first = v_items + lead_j
    online_last = np.minimum(online_first + life_j - 1, n - 1)
    spans = np.maximum(online_last - online_first + 1, 0)
    pair_item = np.repeat(np.arange(len(j_items)), spans)
    pair_i = online_first[pair_item] + (np.arange(int(spans.sum())) - (np.cumsum(spans) - spans)[pair_item])
    offer_j = inv["offer"].to_numpy(np.int64)
    pair_q = ix.q_of[pair_i, offer_j[j_items][pair_item]] if len(pair_item) else np.empty(0, dtype=np.int64)
    st.contributions = np.column_stack([pair_item[pair_q >= 0], pair_q[pair_q >= 0]]).astype(np.int64)
    cum = np.concatenate([[0.0], np.cumsum(h.discount)])
    rate = inv["capex"].to_numpy(float)[j_items] * crf(h.discount_rate, life_j)
    st.annuity = rate * (cum[online_last + 1] - cum[online_first])


def define_variables(st: Statement, ix: _Index, fix_root: dict | None) -> None:
    """Every decision, each at the depth of the history it knows (see the module docstring)."""
    h, t, n, E = st.horizon, st.tree, st.horizon.n, len(st.horizon.elements)
    oy, ey = h.offer_years, h.element_years
    Q = len(oy)
    reached = np.zeros(Q, dtype=bool)
    reached[st.contributions[:, 1]] = True
    var = st.variables
    var["volume"] = Variables("volume", "X[o,e,y]: tonnes contracted for year y, signed at the start of year "
                              "y - lead_time, at the node through y - lead_time - 1; (P1) min_volume <= X",
                              {"q": np.arange(Q)}, ix.depth_x, t)
    var["volume"].bound(oy["min_volume"].to_numpy(float),
                        np.where(reached, np.inf, oy["capacity"].to_numpy(float)))
    var["total_volume"] = Variables("total_volume", "T[e,y]: tonnes contracted for year y in all, (P3a)",
                                    {"r": np.arange(n * E)}, ix.depth_t, t)
    var["spot"] = Variables("spot", "Z[o,e,y]: tonnes bought in year y from the origin's spare capacity "
                            "at spot_cost, at the node through y; (P5)", {"q": ix.spot_q}, ix.q_i[ix.spot_q], t)
    var["investment"] = Variables("investment", "I[j,v]: capacity (t/yr) of project j funded at the start of year "
                                  "v, at the node through v - 1; online from v + lead_time for life years; (P2)",
                                  {"j": ix.j_items, "v": ix.v_items}, ix.v_items - 1, t)
    in_year = {"r": np.arange(n * E)}
    var["stock"] = Variables("stock", "S[e,y]: tonnes held at the end of year y; (P7) S <= max_stock", in_year,
                             ix.ey_i, t)
    var["stock"].bound(upper=ey["max_stock"].to_numpy(float))
    var["release"] = Variables("release", "W[e,y]: tonnes taken out of stock in year y", in_year, ix.ey_i, t)
    var["into_stock"] = Variables("into_stock", "B[e,y]: tonnes put into stock in year y", in_year, ix.ey_i, t)
    var["shortage"] = Variables("shortage", "U[e,y]: tonnes of demand unmet in year y", in_year, ix.ey_i, t)
    var["shortfall"] = Variables("shortfall", "V[e]: tonnes short of terminal_stock at the end of the horizon, "
                                 "per path; (P8)", {"e": ix.targets}, np.full(len(ix.targets), n - 1), t)
    if st.options.uses_cvar:
        var["cvar_threshold"] = Variables("cvar_threshold", "eta: the value at risk of the path losses, USD",
                                          {"one": np.zeros(1, dtype=np.int64)}, np.full(1, -1), t, free=True)
        var["cvar_excess"] = Variables("cvar_excess", "z[s]: the loss of path s above eta, USD",
                                       {"one": np.zeros(1, dtype=np.int64)}, np.full(1, n - 1), t)
    for name, (items, values) in (fix_root or {}).items():
        cols = var[name].first[np.asarray(items, dtype=np.int64)]  # root items: one column each
        var[name].lower[cols] = var[name].upper[cols] = np.asarray(values, dtype=float)


def define_capacity(st: Statement, ix: _Index) -> None:
    """(P1) X[o,e,y] <= capacity[o,e,y] + the capacity funded in time, where a project reaches the
    offer (elsewhere the capacity is X's bound)."""
    t, oy, var = st.tree, st.horizon.offer_years, st.variables
    Q, pairs = len(oy), st.contributions
    cap_q = np.unique(pairs[:, 1])
    pos = np.full(Q, -1)
    pos[cap_q] = np.arange(len(cap_q))
    deepest = ix.depth_x[cap_q].copy()
    np.maximum.at(deepest, pos[pairs[:, 1]], ix.v_items[pairs[:, 0]] - 1)
    item, node = rows_at_depth(t, deepest)
    capacity = oy["capacity"].to_numpy(float)
    f = st.rows["capacity"] = Rows("capacity", "P1",
                                   "(P1) X[o,e,y] - sum_{j on (o,e), online in y} I[j,v] <= capacity",
                                   {"q": cap_q}, item, node, np.full(len(item), -np.inf), capacity[cap_q][item])
    f.add(var["volume"], np.arange(len(cap_q)), cap_q, 1.0)
    f.add(var["investment"], pos[pairs[:, 1]], pairs[:, 0], -1.0)


def define_project_limit(st: Statement, ix: _Index) -> None:
    """(P2) the funding of a project over its decision years stays within max_capacity."""
    t, inv = st.tree, st.horizon.investments
    projects = np.unique(ix.j_items)
    last_v = np.full(len(inv), -1, dtype=np.int64)
    np.maximum.at(last_v, ix.j_items, ix.v_items)
    item, node = rows_at_depth(t, last_v[projects] - 1)
    f = st.rows["project_limit"] = Rows("project_limit", "P2", "(P2) sum_v I[j,v] <= max_capacity[j]",
                                        {"j": projects}, item, node, np.full(len(item), -np.inf),
                                        inv["max_capacity"].to_numpy(float)[projects][item])
    f.add(st.variables["investment"], np.searchsorted(projects, ix.j_items), np.arange(len(ix.j_items)), 1.0)


def define_cover(st: Statement, ix: _Index) -> None:
    """(P3a) T[e,y] = sum_o X[o,e,y]; (P3) T[e,y] >= demand[e,y] on the histories through y - 1 where
    cover holds in y (:meth:`~sourcing.multiyear.tree.Tree.cover_nodes`), once per distinct T."""
    h, t = st.horizon, st.tree
    n, E = h.n, len(h.elements)
    T = st.variables["total_volume"]
    item, node = rows_at_depth(t, ix.depth_t)
    f = st.rows["total_volume_def"] = Rows("total_volume_def", "P3a", "(P3a) T[e,y] - sum_o X[o,e,y] = 0",
                                           {"r": np.arange(n * E)}, item, node, np.zeros(len(item)),
                                           np.zeros(len(item)))
    f.add(T, np.arange(n * E), np.arange(n * E), 1.0)
    f.add(st.variables["volume"], ix.q_i * E + ix.q_e, np.arange(len(ix.q_i)), -1.0)

    item, node = rows_at_depth(t, ix.ey_i - 1)  # the histories through y - 1
    keep = t.cover_nodes()[node]
    item, node = item[keep], node[keep]
    column = T.column(item, node)
    _, first = np.unique(column, return_index=True)  # one row per distinct T (item-major order kept)
    first.sort()
    item, node = item[first], node[first]
    demand = h.element_years["demand"].to_numpy(float)
    cover = np.unique(item)
    pos = np.searchsorted(cover, item)
    f = st.rows["cover"] = Rows("cover", "P3", "(P3) T[e,y] >= demand[e,y] unless an event in progress in y "
                                "was known at its start", {"r": cover}, pos, node, demand[item],
                                np.full(len(item), np.inf))
    f.add(T, np.arange(len(cover)), cover, 1.0)


def define_limits(st: Statement, ix: _Index) -> None:
    """(P4) the caps and floors of every year."""
    _limit_rows(st, ix.q_of, ix.depth_x, ix.depth_t, len(st.horizon.elements))


def define_spot(st: Statement, ix: _Index) -> None:
    """(P5) Z[o,e,y] <= a (K - X): the spare capacity that arrives."""
    t, oy, var = st.tree, st.horizon.offer_years, st.variables
    spot_q, pairs = ix.spot_q, st.contributions
    capacity = oy["capacity"].to_numpy(float)
    item, node = rows_at_depth(t, ix.q_i[spot_q])
    f = st.rows["spot_limit"] = Rows(
        "spot_limit", "P5", "(P5) Z[o,e,y] + a X[o,e,y] - a sum_j I[j,v] <= a capacity[o,e,y]", {"q": spot_q},
        item, node, np.full(len(item), -np.inf), ix.avail(spot_q[item], node, t) * capacity[spot_q][item])
    f.add(var["spot"], np.arange(len(spot_q)), np.arange(len(spot_q)), 1.0)
    f.add(var["volume"], np.arange(len(spot_q)), spot_q, lambda p, nd: ix.avail(spot_q[p], nd, t))
    spot_pos = np.full(len(oy), -1)
    spot_pos[spot_q] = np.arange(len(spot_q))
    sp = pairs[spot_pos[pairs[:, 1]] >= 0]
    f.add(var["investment"], spot_pos[sp[:, 1]], sp[:, 0], lambda p, nd: -ix.avail(sp[p, 1], nd, t))


def define_balance(st: Statement, ix: _Index) -> None:
    """(P6) what arrives, spot, stock released and shortage meet demand, every year on every history."""
    h, t, var = st.horizon, st.tree, st.variables
    n, E = h.n, len(h.elements)
    demand = h.element_years["demand"].to_numpy(float)
    item, node = rows_at_depth(t, ix.ey_i)
    f = st.rows["balance"] = Rows(
        "balance", "P6", "(P6) T[e,y] - sum_o (1 - a) X[o,e,y] + sum_o Z[o,e,y] + W - B + U >= demand[e,y]",
        {"r": np.arange(n * E)}, item, node, demand[item], np.full(len(item), np.inf))
    f.add(var["total_volume"], np.arange(n * E), np.arange(n * E), 1.0)
    _lost_terms(st, f, ix)
    spot_q = ix.spot_q
    f.add(var["spot"], ix.q_i[spot_q] * E + ix.q_e[spot_q], np.arange(len(spot_q)), 1.0)
    f.add(var["release"], np.arange(n * E), np.arange(n * E), 1.0)
    f.add(var["into_stock"], np.arange(n * E), np.arange(n * E), -1.0)
    f.add(var["shortage"], np.arange(n * E), np.arange(n * E), 1.0)


def define_stock(st: Statement, ix: _Index) -> None:
    """(P7) S[e,y] = S[e,y-1] + B - W, from the initial stock."""
    h, t, var = st.horizon, st.tree, st.variables
    n, E = h.n, len(h.elements)
    item, node = rows_at_depth(t, ix.ey_i)
    initial = h.elements["stock"].to_numpy(float)
    rhs = np.where(ix.ey_i == 0, initial[ix.ey_e], 0.0)[item]
    f = st.rows["stock_balance"] = Rows("stock_balance", "P7", "(P7) S[e,y] - S[e,y-1] - B[e,y] + W[e,y] = 0 "
                                        "(= stock[e] in y0)", {"r": np.arange(n * E)}, item, node, rhs, rhs)
    S = var["stock"]
    f.add(S, np.arange(n * E), np.arange(n * E), 1.0)
    later = np.flatnonzero(ix.ey_i > 0)
    f.add(S, later, later - E, -1.0)
    f.add(var["into_stock"], np.arange(n * E), np.arange(n * E), -1.0)
    f.add(var["release"], np.arange(n * E), np.arange(n * E), 1.0)


def define_terminal(st: Statement, ix: _Index) -> None:
    """(P8) V[e] >= terminal_stock[e] - S[e,yT], per path."""
    h, t, var = st.horizon, st.tree, st.variables
    n, E, targets = h.n, len(h.elements), ix.targets
    target = h.elements["terminal_stock"].to_numpy(float)
    item, node = rows_at_depth(t, np.full(len(targets), n - 1))
    f = st.rows["terminal"] = Rows("terminal", "P8", "(P8) V[e] + S[e,yT] >= terminal_stock[e]", {"e": targets},
                                   item, node, target[targets][item], np.full(len(item), np.inf))
    f.add(var["shortfall"], np.arange(len(targets)), np.arange(len(targets)), 1.0)
    f.add(var["stock"], np.arange(len(targets)), (n - 1) * E + targets, 1.0)


def define_cvar(st: Statement, ix: _Index, penalty: np.ndarray) -> None:
    """(P9) z[s] >= L[s] - eta, per path (only when CVaR is weighed)."""
    if not st.options.uses_cvar:
        return
    h, t, var = st.horizon, st.tree, st.variables
    n, E = h.n, len(h.elements)
    item, node = rows_at_depth(t, np.full(1, n - 1))
    f = st.rows["cvar_excess_def"] = Rows("cvar_excess_def", "P9", "z[s] + eta - L[s] >= 0, L[s] = sum_y DF[y] "
                                          "sum_e 1000 shortage_cost[e,y] U[e,y]", {"one": np.zeros(1)}, item, node,
                                          np.zeros(len(item)), np.full(len(item), np.inf))
    f.add(var["cvar_excess"], np.zeros(1), np.zeros(1), 1.0)
    f.add(var["cvar_threshold"], np.zeros(1), np.zeros(1), 1.0)
    f.add(var["shortage"], np.zeros(n * E), np.arange(n * E), -penalty)


def _limit_rows(st: Statement, q_of: np.ndarray, depth_x: np.ndarray, depth_t: np.ndarray, n_elements: int) -> None:
    """(P4) the caps (``concentration``) and floors (``floor``) of every year, one row per node at
    the depth of their deepest term."""
    h, t, E = st.horizon, st.tree, n_elements
    lim, terms = h.limits, h.limit_terms
    li = lim["i"].to_numpy(np.int64)
    le = lim["e"].to_numpy(np.int64)
    share = lim["share"].to_numpy(float)
    imports = (lim["basis"] == IMPORTS).to_numpy()
    demand = h.element_years["demand"].to_numpy(float)[li * E + le]
    row = terms["row"].to_numpy(np.int64)
    term_q = q_of[li[row], terms["offer"].to_numpy(np.int64)]
    depth = np.where(imports, depth_t[li * E + le], -2)
    np.maximum.at(depth, row, depth_x[term_q])
    for name, kind, equation in (("concentration", "max", "(P4) sum_{o in G} f X[o,e,y] - max_share B[e,y] <= 0"),
                                 ("floor", "min", "(P4) sum_{o in G} f X[o,e,y] - min_share B[e,y] >= 0")):
        keep = (lim["kind"] == kind).to_numpy()
        rhs = np.where(imports, 0.0, share * demand)
        empty = keep & (depth == -2)  # a demand-basis limit that no offer can touch: 0 against share x demand
        if name == "floor" and (rhs[empty] > 0).any():
            raise TriviallyInfeasibleError("a floor on demand that no offer can meet")
        ids = np.flatnonzero(keep & (depth >= -1))
        pos = np.full(len(lim), -1)
        pos[ids] = np.arange(len(ids))
        item, node = rows_at_depth(t, depth[ids])
        lower, upper = (np.full(len(item), -np.inf), rhs[ids][item]) if kind == "max" else (
            rhs[ids][item], np.full(len(item), np.inf))
        f = st.rows[name] = Rows(name, "P4", equation, {"limit": ids}, item, node, lower, upper)
        mine = pos[row] >= 0
        f.add(st.variables["volume"], pos[row[mine]], term_q[mine], terms["weight"].to_numpy(float)[mine])
        on_total = ids[imports[ids]]
        f.add(st.variables["total_volume"], pos[on_total], li[on_total] * E + le[on_total], -share[on_total])


def _lost_terms(st: Statement, f: Rows, ix: _Index) -> None:
    """The -(1 - a) X terms of (P6): at every node of a year where an event is in progress (a the
    product of :class:`~sourcing.multiyear.availability.Availability`), and, where ``base`` < 1 (the
    mean-value problem), on the event-free history."""
    t, E = st.tree, len(st.horizon.elements)
    X = st.variables["volume"]
    a = ix.availability
    if len(a.key):
        row = f.first[ix.q_i[a.q] * E + ix.q_e[a.q]] + t.rank(a.node)
        f.add_at(X, row, a.q, -(1.0 - a.value))
    hit = np.flatnonzero(ix.base < 1.0)
    if len(hit):
        qi, qe = ix.q_i[hit], ix.q_e[hit]
        node = t.none_node[qi + 1]
        ok = node >= 0
        row = f.first[qi[ok] * E + qe[ok]] + t.rank(node[ok])
        f.add_at(X, row, hit[ok], -(1.0 - ix.base[hit[ok]]))


def define_commitments(st: Statement) -> None:
    """(P1) with contracts already signed: X[o,e,y] = C[o,e,y] + X', X' >= 0 the decision, so X >= C (on
    every node of its offer-year; with min_volume, the larger holds); C is priced at its own
    unit_cost: procurement_cost holds sum_y DF[y] 1000 sum_rows C (cost - unit_cost) as a constant."""
    h = st.horizon
    volume, extra = committed(h)
    if not volume.any():
        return
    X = st.variables["volume"]
    X.lower = np.maximum(X.lower, volume[X.item])
    q_i = h.offer_years["i"].to_numpy(np.int64)
    st.costs["procurement_cost"].constant = float(KG * (extra * h.discount[q_i]).sum())


def _costs(st: Statement, penalty: np.ndarray, spot_q: np.ndarray, q_i: np.ndarray, ey_i: np.ndarray,
           targets: np.ndarray) -> None:
    """The objective's parts: each column's cost is its node's probability x DF x its price."""
    h, t, o = st.horizon, st.tree, st.options
    v, discount = st.variables, h.discount
    oy, ey = h.offer_years, h.element_years
    prob = t.node_probability
    c = st.costs

    def part(name: str, doc: str, weight: float, family: str, per_item: np.ndarray) -> None:
        fam = v[family]
        coef = prob[fam.node] * np.asarray(per_item, dtype=float)[fam.item]
        c[name] = Cost(name, doc, weight, [(family, np.arange(fam.size), coef)])

    part("procurement_cost", "E_s[sum_y DF[y] sum_{o,e} 1000 unit_cost X], USD", 1.0, "volume",
         KG * oy["unit_cost"].to_numpy(float) * discount[q_i])
    part("spot_cost", "E_s[sum_y DF[y] sum_{o,e} 1000 spot_cost Z], USD", 1.0, "spot",
         KG * oy["spot_cost"].to_numpy(float)[spot_q] * discount[q_i[spot_q]])
    holding = KG * ey["holding_cost"].to_numpy(float) * discount[ey_i]
    part("stockpile_cost", "E_s[sum_y DF[y] sum_e 1000 holding_cost S], USD", 1.0, "stock", holding)
    part("investment_cost", "E_s[sum_{j,v} I capex CRF(r, life) sum_{y online in the horizon} DF[y]], USD", 1.0,
         "investment", st.annuity)
    last = KG * ey["shortage_cost"].to_numpy(float)[(h.n - 1) * len(h.elements) + targets] * discount[h.n - 1]
    part("terminal_shortfall_cost", "E_s[DF[yT] sum_e 1000 shortage_cost[e,yT] V], USD", 1.0, "shortfall", last)
    lam, omega = o.risk_weight, o.cvar_weight
    mean = lam * (1.0 - omega) if o.uses_cvar else lam
    part("expected_shortage_cost", "E_s[L_s], L_s = sum_y DF[y] sum_e 1000 shortage_cost U, USD", mean, "shortage",
         penalty)
    if o.uses_cvar:
        z = v["cvar_excess"]
        tail = t.path_probability[t.rank(z.node)] / (1.0 - o.cvar_level)
        c["cvar"] = Cost("cvar", "eta + 1/(1 - beta) E_s[z], USD", lam * omega,
                         [("cvar_threshold", np.zeros(1, dtype=np.int64), np.ones(1)),
                          ("cvar_excess", np.arange(z.size), tail)])
