"""The plan LP (P1)-(P8), stated once as families of variables, rows and costs (numpy arrays).

Notation (README, "The multi-year plan"): o origin, e element, y year (position i), n node, s path,
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
from sourcing.lp import TriviallyInfeasibleError
from sourcing.model import USD_PER_KG_TO_USD_PER_T, RiskOptions
from sourcing.multiyear.families import Cost, Rows, Variables, rows_at_depth
from sourcing.multiyear.horizon import Horizon, build_horizon, committed
from sourcing.multiyear.tree import Tree, build_tree
from sourcing.schema import IMPORTS

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


def tree_for(horizon: Horizon) -> Tree:
    """The tree of the horizon's events (their probabilities as annual hazards)."""
    return build_tree(horizon.years, list(horizon.events["scenario"]), horizon.hazard)


def statement_for(data: InputData, years: tuple[int, int] | None, discount_rate: float,
                  options: RiskOptions) -> Statement:
    """The LP statement that :func:`sourcing.plan` solves for these arguments."""
    horizon = build_horizon(data, years, discount_rate)
    return build_statement(horizon, tree_for(horizon), options)


def crf(rate: float, life: np.ndarray) -> np.ndarray:
    """Capital recovery factor r / (1 - (1 + r)^-life), and 1 / life at r = 0."""
    life = np.asarray(life, dtype=float)
    if rate == 0:
        return 1.0 / life
    return rate / (1.0 - (1.0 + rate) ** -life)


class _Availability:
    """a[o,e,y] of an event, looked up by (year position, event, offer); 1 where none is given."""

    def __init__(self, horizon: Horizon, events: int) -> None:
        a = horizon.availability
        self.events, self.offers = max(events, 1), max(len(horizon.offers), 1)
        year, event = a["i"].to_numpy(np.int64), a["k"].to_numpy(np.int64)
        key = (year * self.events + event) * self.offers + a["offer"].to_numpy()
        order = np.argsort(key, kind="stable")
        self.key, self.value = key[order], a["availability"].to_numpy(float)[order]

    def of(self, i: np.ndarray, k: np.ndarray, offer: np.ndarray) -> np.ndarray:
        key = (np.asarray(i, dtype=np.int64) * self.events + np.asarray(k)) * self.offers + np.asarray(offer)
        at = np.minimum(np.searchsorted(self.key, key), max(len(self.key) - 1, 0))
        found = (self.key[at] == key) if len(self.key) else np.zeros(len(key), dtype=bool)
        return np.where(found, self.value[at] if len(self.key) else 1.0, 1.0)


def build_statement(horizon: Horizon, tree: Tree, options: RiskOptions, *,
                    none_availability: np.ndarray | None = None,
                    fix_root: dict[str, tuple[np.ndarray, np.ndarray]] | None = None) -> Statement:
    """The plan LP of ``horizon`` on ``tree`` with the risk ``options``.

    ``none_availability``: per offer-year, the availability on histories without an event
    (default 1; the mean-value problem gives the expected availability). ``fix_root``: by variable
    family, (items, values) of root decisions to hold fixed.
    """
    h, t = horizon, tree
    n, E, n_offers = h.n, len(h.elements), len(h.offers)
    st = Statement(h, t, options)
    oy = h.offer_years
    q_i, q_offer, q_e = (oy[c].to_numpy(np.int64) for c in ("i", "offer", "e"))
    Q = len(oy)
    q_of = np.full((n, max(n_offers, 1)), -1, dtype=np.int64)  # offer-year of (year, offer)
    q_of[q_i, q_offer] = np.arange(Q)
    depth_x = np.maximum(q_i - oy["lead_time"].to_numpy(np.int64) - 1, -1)
    ey = h.element_years
    ey_i, ey_e = ey["i"].to_numpy(np.int64), ey["e"].to_numpy(np.int64)
    depth_t = np.full(n * E, -1, dtype=np.int64)
    np.maximum.at(depth_t, q_i * E + q_e, depth_x)
    duration = h.duration
    availability = _Availability(h, len(h.events))
    base = np.ones(Q) if none_availability is None else np.asarray(none_availability, dtype=float)
    discount = h.discount

    def avail(q: np.ndarray, node: np.ndarray) -> np.ndarray:
        """a of offer-year q at the node (of depth q's year)."""
        event = t.node_event[node]
        on = t.active(node, q_i[q], duration)
        hit = availability.of(q_i[q], np.maximum(event, 0), q_offer[q])
        return np.where(event < 0, base[q], np.where(on, hit, 1.0))

    # investments: items (project, decision year) and the offer-years their capacity reaches
    inv = h.investments
    j_items, v_items = [], []
    for j, row in enumerate(inv.itertuples(index=False)):
        lo, hi = max(int(row.first_year) - int(h.years[0]), 0), n - 1 - int(row.lead_time)
        if row.offer >= 0 and lo <= hi:
            j_items += [j] * (hi - lo + 1)
            v_items += list(range(lo, hi + 1))
    j_items, v_items = np.asarray(j_items, dtype=np.int64), np.asarray(v_items, dtype=np.int64)
    lead_j = inv["lead_time"].to_numpy(np.int64)[j_items]
    life_j = inv["life"].to_numpy(np.int64)[j_items]
    online_first = v_items + lead_j
    online_last = np.minimum(online_first + life_j - 1, n - 1)
    spans = np.maximum(online_last - online_first + 1, 0)
    pair_item = np.repeat(np.arange(len(j_items)), spans)
    pair_i = online_first[pair_item] + (np.arange(int(spans.sum())) - (np.cumsum(spans) - spans)[pair_item])
    offer_j = inv["offer"].to_numpy(np.int64)
    pair_q = q_of[pair_i, offer_j[j_items][pair_item]] if len(pair_item) else np.empty(0, dtype=np.int64)
    st.contributions = np.column_stack([pair_item[pair_q >= 0], pair_q[pair_q >= 0]]).astype(np.int64)
    cum = np.concatenate([[0.0], np.cumsum(discount)])
    rate = inv["capex"].to_numpy(float)[j_items] * crf(h.discount_rate, life_j)
    st.annuity = rate * (cum[online_last + 1] - cum[online_first])
    reached = np.zeros(Q, dtype=bool)
    reached[st.contributions[:, 1]] = True

    # ---- variables
    var = st.variables
    var["volume"] = Variables("volume", "X[o,e,y]: tonnes contracted for year y, signed at the start of year "
                              "y - lead_time, at the node through y - lead_time - 1; (P1) min_volume <= X",
                              {"q": np.arange(Q)}, depth_x, t)
    var["volume"].bound(oy["min_volume"].to_numpy(float),
                        np.where(reached, np.inf, oy["capacity"].to_numpy(float)))
    var["total_volume"] = Variables("total_volume", "T[e,y]: tonnes contracted for year y in all, (P3a)",
                                    {"r": np.arange(n * E)}, depth_t, t)
    spot_q = np.flatnonzero(np.isfinite(oy["spot_cost"].to_numpy(float)))
    var["spot"] = Variables("spot", "Z[o,e,y]: tonnes bought in year y from the origin's spare capacity "
                            "at spot_cost, at the node through y; (P5)", {"q": spot_q}, q_i[spot_q], t)
    var["investment"] = Variables("investment", "I[j,v]: capacity (t/yr) of project j funded at the start of year "
                                  "v, at the node through v - 1; online from v + lead_time for life years; (P2)",
                                  {"j": j_items, "v": v_items}, v_items - 1, t)
    in_year = {"r": np.arange(n * E)}
    var["stock"] = Variables("stock", "S[e,y]: tonnes held at the end of year y; (P7) S <= max_stock", in_year,
                             ey_i, t)
    var["stock"].bound(upper=ey["max_stock"].to_numpy(float))
    var["release"] = Variables("release", "W[e,y]: tonnes taken out of stock in year y", in_year, ey_i, t)
    var["into_stock"] = Variables("into_stock", "B[e,y]: tonnes put into stock in year y", in_year, ey_i, t)
    var["shortage"] = Variables("shortage", "U[e,y]: tonnes of demand unmet in year y", in_year, ey_i, t)
    targets = np.flatnonzero(h.elements["terminal_stock"].to_numpy(float) > 0)
    var["shortfall"] = Variables("shortfall", "V[e]: tonnes short of terminal_stock at the end of the horizon, "
                                 "per path; (P8)", {"e": targets}, np.full(len(targets), n - 1), t)
    uses_cvar = options.uses_cvar
    if uses_cvar:
        var["cvar_threshold"] = Variables("cvar_threshold", "eta: the value at risk of the path losses, USD",
                                          {"one": np.zeros(1, dtype=np.int64)}, np.full(1, -1), t, free=True)
        var["cvar_excess"] = Variables("cvar_excess", "z[s]: the loss of path s above eta, USD",
                                       {"one": np.zeros(1, dtype=np.int64)}, np.full(1, n - 1), t)
    for name, (items, values) in (fix_root or {}).items():
        cols = var[name].first[np.asarray(items, dtype=np.int64)]  # root items: one column each
        var[name].lower[cols] = var[name].upper[cols] = np.asarray(values, dtype=float)

    # ---- rows
    rows = st.rows
    X, T, Z, funding = var["volume"], var["total_volume"], var["spot"], var["investment"]
    S, W, B, U = var["stock"], var["release"], var["into_stock"], var["shortage"]
    pairs = st.contributions
    cap_q = np.unique(pairs[:, 1])
    pos = np.full(Q, -1)
    pos[cap_q] = np.arange(len(cap_q))
    deepest = depth_x[cap_q].copy()
    np.maximum.at(deepest, pos[pairs[:, 1]], v_items[pairs[:, 0]] - 1)
    item, node = rows_at_depth(t, deepest)
    capacity = oy["capacity"].to_numpy(float)
    f = rows["capacity"] = Rows("capacity", "P1", "(P1) X[o,e,y] - sum_{j on (o,e), online in y} I[j,v] <= capacity",
                                {"q": cap_q}, item, node, np.full(len(item), -np.inf), capacity[cap_q][item])
    f.add(X, np.arange(len(cap_q)), cap_q, 1.0)
    f.add(funding, pos[pairs[:, 1]], pairs[:, 0], -1.0)

    projects = np.unique(j_items)
    last_v = np.full(len(inv), -1, dtype=np.int64)
    np.maximum.at(last_v, j_items, v_items)
    item, node = rows_at_depth(t, last_v[projects] - 1)
    f = rows["project_limit"] = Rows("project_limit", "P2", "(P2) sum_v I[j,v] <= max_capacity[j]",
                                     {"j": projects}, item, node, np.full(len(item), -np.inf),
                                     inv["max_capacity"].to_numpy(float)[projects][item])
    f.add(funding, np.searchsorted(projects, j_items), np.arange(len(j_items)), 1.0)

    item, node = rows_at_depth(t, depth_t)
    f = rows["total_volume_def"] = Rows("total_volume_def", "P3a", "(P3a) T[e,y] - sum_o X[o,e,y] = 0",
                                        {"r": np.arange(n * E)}, item, node, np.zeros(len(item)), np.zeros(len(item)))
    f.add(T, np.arange(n * E), np.arange(n * E), 1.0)
    f.add(X, q_i * E + q_e, np.arange(Q), -1.0)

    waiting = t.none_node[ey_i]  # no event through y - 1 (depth i - 1), where some path is
    cover = np.flatnonzero(waiting >= 0)
    demand = ey["demand"].to_numpy(float)
    f = rows["cover"] = Rows("cover", "P3", "(P3) T[e,y] >= demand[e,y] where no event has started before y",
                             {"r": cover}, np.arange(len(cover)), waiting[cover], demand[cover],
                             np.full(len(cover), np.inf))
    f.add(T, np.arange(len(cover)), cover, 1.0)

    _limit_rows(st, q_of, depth_x, depth_t, E)

    item, node = rows_at_depth(t, q_i[spot_q])
    f = rows["spot_limit"] = Rows(
        "spot_limit", "P5", "(P5) Z[o,e,y] + a X[o,e,y] - a sum_j I[j,v] <= a capacity[o,e,y]", {"q": spot_q},
        item, node, np.full(len(item), -np.inf), avail(spot_q[item], node) * capacity[spot_q][item])
    f.add(Z, np.arange(len(spot_q)), np.arange(len(spot_q)), 1.0)
    f.add(X, np.arange(len(spot_q)), spot_q, lambda p, nd: avail(spot_q[p], nd))
    spot_pos = np.full(Q, -1)
    spot_pos[spot_q] = np.arange(len(spot_q))
    with_spot = spot_pos[pairs[:, 1]] >= 0
    sp = pairs[with_spot]
    f.add(funding, spot_pos[sp[:, 1]], sp[:, 0], lambda p, nd: -avail(sp[p, 1], nd))

    item, node = rows_at_depth(t, ey_i)
    f = rows["balance"] = Rows(
        "balance", "P6", "(P6) T[e,y] - sum_o (1 - a) X[o,e,y] + sum_o Z[o,e,y] + W - B + U >= demand[e,y]",
        {"r": np.arange(n * E)}, item, node, demand[item], np.full(len(item), np.inf))
    f.add(T, np.arange(n * E), np.arange(n * E), 1.0)
    _lost_terms(st, f, q_of, base, duration, E)
    f.add(Z, q_i[spot_q] * E + q_e[spot_q], np.arange(len(spot_q)), 1.0)
    f.add(W, np.arange(n * E), np.arange(n * E), 1.0)
    f.add(B, np.arange(n * E), np.arange(n * E), -1.0)
    f.add(U, np.arange(n * E), np.arange(n * E), 1.0)

    initial = h.elements["stock"].to_numpy(float)
    rhs = np.where(ey_i == 0, initial[ey_e], 0.0)[item]
    f = rows["stock_balance"] = Rows("stock_balance", "P7", "(P7) S[e,y] - S[e,y-1] - B[e,y] + W[e,y] = 0 "
                                     "(= stock[e] in y0)", {"r": np.arange(n * E)}, item, node, rhs, rhs)
    f.add(S, np.arange(n * E), np.arange(n * E), 1.0)
    later = np.flatnonzero(ey_i > 0)
    f.add(S, later, later - E, -1.0)
    f.add(B, np.arange(n * E), np.arange(n * E), -1.0)
    f.add(W, np.arange(n * E), np.arange(n * E), 1.0)

    target = h.elements["terminal_stock"].to_numpy(float)
    item, node = rows_at_depth(t, np.full(len(targets), n - 1))
    f = rows["terminal"] = Rows("terminal", "P8", "(P8) V[e] + S[e,yT] >= terminal_stock[e]", {"e": targets},
                                item, node, target[targets][item], np.full(len(item), np.inf))
    f.add(var["shortfall"], np.arange(len(targets)), np.arange(len(targets)), 1.0)
    f.add(S, np.arange(len(targets)), (n - 1) * E + targets, 1.0)

    penalty = KG * ey["shortage_cost"].to_numpy(float) * discount[ey_i]  # DF[y] 1000 pen[e,y]
    if uses_cvar:
        item, node = rows_at_depth(t, np.full(1, n - 1))
        f = rows["cvar_excess_def"] = Rows("cvar_excess_def", "P9", "z[s] + eta - L[s] >= 0, L[s] = sum_y DF[y] "
                                           "sum_e 1000 shortage_cost[e,y] U[e,y]", {"one": np.zeros(1)}, item, node,
                                           np.zeros(len(item)), np.full(len(item), np.inf))
        f.add(var["cvar_excess"], np.zeros(1), np.zeros(1), 1.0)
        f.add(var["cvar_threshold"], np.zeros(1), np.zeros(1), 1.0)
        f.add(U, np.zeros(n * E), np.arange(n * E), -penalty)

    _costs(st, penalty, spot_q, q_i, ey_i, targets)
    _commitments(st)
    return st


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


def _lost_terms(st: Statement, f: Rows, q_of: np.ndarray, base: np.ndarray, duration: np.ndarray,
                n_elements: int) -> None:
    """The -(1 - a) X terms of (P6): at the nodes whose event is under way, and, where the history
    has no event and ``base`` < 1 (the mean-value problem), at those."""
    h, t, E = st.horizon, st.tree, n_elements
    a = h.availability
    ai, ak, ao = (a[c].to_numpy(np.int64) for c in ("i", "k", "offer"))
    value = a["availability"].to_numpy(float)
    X = st.variables["volume"]
    q = q_of[ai, ao]
    if len(t.events):
        reps = duration.max(axis=1)[ak]  # the starts that may reach year i: i - longest + 1 .. i
        pair = np.repeat(np.arange(len(ai)), reps)
        start = ai[pair] - (np.arange(int(reps.sum())) - (np.cumsum(reps) - reps)[pair])
        ok = start >= 0
        pair, start = pair[ok], start[ok]
        ok = duration[ak[pair], start] >= ai[pair] - start + 1
        pair, start = pair[ok], start[ok]
        node = t.event_node[ai[pair] + 1, ak[pair], start]
        ok = node >= 0
        pair, node = pair[ok], node[ok]
        row = f.first[ai[pair] * E + h.offer_years["e"].to_numpy(np.int64)[q[pair]]] + t.rank(node)
        f.add_at(X, row, q[pair], -(1.0 - value[pair]))
    hit = np.flatnonzero(base < 1.0)
    if len(hit):
        oy = h.offer_years
        qi, qe = oy["i"].to_numpy(np.int64)[hit], oy["e"].to_numpy(np.int64)[hit]
        node = t.none_node[qi + 1]
        ok = node >= 0
        row = f.first[qi[ok] * E + qe[ok]] + t.rank(node[ok])
        f.add_at(X, row, hit[ok], -(1.0 - base[hit[ok]]))


def _commitments(st: Statement) -> None:
    """Contracts already signed: X[o,e,y] = C[o,e,y] + X', X' >= 0 the decision, so X >= C (on
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
