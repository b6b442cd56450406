"""The floor: the same LP as ``sourcing.build_model``, built straight from the CSV files with numpy and
scipy and handed to ``highspy``; what no modeling layer can beat.

It reads the files with a bare ``pandas.read_csv`` (no validation), builds one scipy CSC matrix with
the rows and columns in the order ``sourcing`` passes them to HiGHS, solves, and extracts what
``sourcing`` reports (plan with shares, cap marginal costs, per-scenario shortages). It covers what
the benchmark generator writes: plain caps (``origin``, ``element`` or ``*``, ``max_share``), the
risk-neutral or weighted mean objective (no CVaR), no groups, content or floors.

``formulation="sparse"`` is the formulation of ``sourcing.model`` (a total-volume column per element;
scenario rows hold it minus the lost part of the disrupted offers); ``"dense"`` is the contract's
text (every offer of the element in every cover, cap and scenario row), for comparison.
"""

from __future__ import annotations

import gc
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import scipy.sparse as sp

USD_PER_T = 1000.0
BASELINE = "baseline"


@dataclass
class FloorLP:
    cost: np.ndarray
    matrix: sp.csc_array
    col_lower: np.ndarray
    col_upper: np.ndarray
    row_lower: np.ndarray
    row_upper: np.ndarray
    offers: pd.DataFrame
    elements: pd.DataFrame
    scenarios: pd.DataFrame
    caps: pd.DataFrame  # offer, share: one row per concentration row, in row order
    layout: dict = field(default_factory=dict)  # first column / row of each family


def read(folder: str | Path) -> dict[str, pd.DataFrame | None]:
    folder = Path(folder)
    out: dict[str, pd.DataFrame | None] = {}
    for name in ("supply", "demand", "caps", "scenarios", "disruptions", "stockpile"):
        path = folder / f"{name}.csv"
        out[name] = pd.read_csv(path, keep_default_na=False) if path.is_file() else None
    return out


def build(frames: dict, risk_weight: float = 1.0, formulation: str = "sparse") -> FloorLP:
    """The LP as matrices; columns: volume, shortage (element-major), total_volume, stock_release."""
    supply, demand = frames["supply"], frames["demand"]
    offers = supply.sort_values(["element", "origin"], ignore_index=True)
    if "min_volume" not in offers:
        offers["min_volume"] = 0.0
    elements = demand.sort_values("element", ignore_index=True)
    stock = frames["stockpile"]
    stock_of = dict(zip(stock["element"], stock["stock"])) if stock is not None else {}
    elements["stock"] = elements["element"].map(stock_of).fillna(0.0).astype(float)
    scen = frames["scenarios"]
    scen = scen.sort_values("scenario", ignore_index=True)[["scenario", "probability"]]
    rest = 1.0 - float(scen["probability"].sum())
    if rest > 1e-9:
        scen = pd.concat([pd.DataFrame({"scenario": [BASELINE], "probability": [rest]}), scen], ignore_index=True)
    n, E, K = len(offers), len(elements), len(scen)
    e_of = pd.Index(elements["element"]).get_indexer(offers["element"])
    k_index = pd.Index(scen["scenario"])

    # columns
    c_u, c_X, c_w = n, n + E * K, n + E * K + E  # volume columns are 0 .. n-1
    ncol = c_w + E * K
    sparse = formulation == "sparse"
    cost = np.zeros(ncol)
    cost[:n] = USD_PER_T * offers["unit_cost"].to_numpy(float)
    if risk_weight:
        pen = USD_PER_T * elements["shortage_cost"].to_numpy(float)
        cost[c_u:c_X] = risk_weight * np.outer(pen, scen["probability"].to_numpy(float)).ravel()
    lower = np.zeros(ncol)
    upper = np.full(ncol, np.inf)
    lower[:n] = offers["min_volume"].to_numpy(float)
    upper[:n] = offers["capacity"].to_numpy(float)
    demand_e = elements["demand"].to_numpy(float)

    # effective caps: an (origin, element) row overrides the origin's '*' row
    caps = frames["caps"]
    key = offers[["origin", "element"]]
    if caps is not None and len(caps):
        exact = caps[caps["element"] != "*"][["origin", "element", "max_share"]]
        star = caps[caps["element"] == "*"][["origin", "max_share"]]
        share = key.merge(exact, on=["origin", "element"], how="left")["max_share"].to_numpy(float)
        share_star = key.merge(star, on="origin", how="left")["max_share"].to_numpy(float)
        share = np.where(np.isnan(share), share_star, share)
    else:
        share = np.full(n, np.nan)
    capped = np.flatnonzero(share < 1.0)
    caps_rows = pd.DataFrame({"offer": capped, "share": share[capped]})

    # availability below 1 per (scenario, offer); an (origin, element) row overrides '*'
    d = frames["disruptions"]
    k_off, o_off, a_off = np.empty(0, int), np.empty(0, int), np.empty(0)
    if d is not None and len(d):
        k_off, o_off, a_off = _availability(d, offers, elements, k_index)

    rows, cols, vals = [], [], []
    lo, hi = [], []
    r = 0
    offers_idx = np.arange(n)
    if sparse:  # (2a) X[e] - sum_o x[o,e] = 0
        rows += [e_of + r, np.arange(E) + r]
        cols += [offers_idx, c_X + np.arange(E)]
        vals += [-np.ones(n), np.ones(E)]
        lo.append(np.zeros(E))
        hi.append(np.zeros(E))
        r += E
        # (2) X[e] >= demand[e]
        rows.append(np.arange(E) + r)
        cols.append(c_X + np.arange(E))
        vals.append(np.ones(E))
    else:  # (2) sum_o x[o,e] >= demand[e]
        rows.append(e_of + r)
        cols.append(offers_idx)
        vals.append(np.ones(n))
    lo.append(demand_e)
    hi.append(np.full(E, np.inf))
    cover_row = r
    r += E
    cap_row, m = r, len(capped)
    if sparse:  # (3) x[o,e] - share X[e] <= 0
        rows += [np.arange(m) + r, np.arange(m) + r]
        cols += [capped, c_X + e_of[capped]]
        vals += [np.ones(m), -share[capped]]
    else:  # (3) x[o,e] - share sum_o' x[o',e] <= 0
        members = [np.flatnonzero(e_of == e) for e in range(E)]
        for i, j in enumerate(capped):
            mem = members[e_of[j]]
            rows.append(np.full(len(mem), r + i))
            cols.append(mem)
            vals.append(np.where(mem == j, 1.0 - share[j], -share[j]))
    lo.append(np.full(m, -np.inf))
    hi.append(np.zeros(m))
    r += m
    # (4) scenario rows, element-major: row r + e*K + k
    scen_row = r
    ek = np.arange(E * K)
    if sparse:  # X[e] - sum_{disrupted} (1 - a) x + w + u >= demand
        rows += [ek + r, ek + r, ek + r, e_of[o_off] * K + k_off + r]
        cols += [c_X + ek // K, c_w + ek, c_u + ek, o_off]
        vals += [np.ones(E * K), np.ones(E * K), np.ones(E * K), a_off - 1.0]
    else:  # sum_o a x + w + u >= demand
        avail = np.ones((n, K))
        avail[o_off, k_off] = a_off
        rows += [np.repeat(e_of * K, K) + np.tile(np.arange(K), n) + r, ek + r, ek + r]
        cols += [np.repeat(offers_idx, K), c_w + ek, c_u + ek]
        vals += [avail.ravel(), np.ones(E * K), np.ones(E * K)]
    lo.append(np.repeat(demand_e, K))
    hi.append(np.full(E * K, np.inf))
    r += E * K
    # (5) w[e,k] <= stock[e]
    stock_row = r
    rows.append(ek + r)
    cols.append(c_w + ek)
    vals.append(np.ones(E * K))
    lo.append(np.full(E * K, -np.inf))
    hi.append(np.repeat(elements["stock"].to_numpy(float), K))
    r += E * K

    A = sp.csc_array((np.concatenate(vals), (np.concatenate(rows), np.concatenate(cols))), shape=(r, ncol))
    A.sum_duplicates()
    if not sparse:  # no total-volume columns: drop them
        keep = np.r_[0:c_X, c_w:ncol]
        A, cost, lower, upper = A[:, keep], cost[keep], lower[keep], upper[keep]
    layout = {"c_u": c_u, "c_X": c_X if sparse else None, "c_w": c_w if sparse else c_X,
              "cover": cover_row, "cap": cap_row, "scenario": scen_row, "stock": stock_row}
    return FloorLP(cost, A, lower, upper, np.concatenate(lo), np.concatenate(hi), offers, elements, scen,
                   caps_rows, layout)


def _availability(d: pd.DataFrame, offers: pd.DataFrame, elements: pd.DataFrame, k_index: pd.Index):
    """(scenario, offer, availability) below 1, '*' rows expanded to the origin's offers, an
    (origin, element) row overriding the '*' row; with integer codes, no merges."""
    n = len(offers)
    origin_codes, origin_names = pd.factorize(offers["origin"])
    e_index = pd.Index(elements["element"])
    d_origin = pd.Index(origin_names).get_indexer(d["origin"])
    d_k = k_index.get_indexer(d["scenario"])
    avail = d["availability"].to_numpy(float)
    star = (d["element"] == "*").to_numpy()
    table = np.full((len(origin_names), len(e_index)), -1)
    table[origin_codes, e_index.get_indexer(offers["element"])] = np.arange(n)
    ex = np.flatnonzero(~star)
    ex_offer = table[d_origin[ex], e_index.get_indexer(d["element"].to_numpy()[ex])]
    ex, ex_offer = ex[ex_offer >= 0], ex_offer[ex_offer >= 0]
    by_origin = np.argsort(origin_codes, kind="stable")
    count = np.bincount(origin_codes, minlength=len(origin_names))
    start = np.cumsum(count) - count
    rows = np.flatnonzero(star)
    reps = count[d_origin[rows]]
    shift = np.repeat(start[d_origin[rows]] - (np.cumsum(reps) - reps), reps)
    st_offer = by_origin[shift + np.arange(len(shift))]
    st_key = np.repeat(d_k[rows].astype(np.int64) * n, reps) + st_offer
    ex_key = np.sort(d_k[ex].astype(np.int64) * n + ex_offer)
    if len(ex_key):
        at = np.minimum(np.searchsorted(ex_key, st_key), len(ex_key) - 1)
        keep = ex_key[at] != st_key
    else:
        keep = np.ones(len(st_key), dtype=bool)
    key = np.concatenate([d_k[ex].astype(np.int64) * n + ex_offer, st_key[keep]])
    value = np.concatenate([avail[ex], np.repeat(avail[rows], reps)[keep]])
    below = value < 1.0
    return key[below] // n, key[below] % n, value[below]


def pass_to_highs(lp: FloorLP):
    import highspy

    h = highspy.Highs()
    h.setOptionValue("output_flag", False)
    A = lp.matrix
    model = highspy.HighsLp()
    model.num_col_, model.num_row_ = A.shape[1], A.shape[0]
    model.col_cost_, model.col_lower_, model.col_upper_ = lp.cost, lp.col_lower, lp.col_upper
    model.row_lower_, model.row_upper_ = lp.row_lower, lp.row_upper
    model.a_matrix_.format_ = highspy.MatrixFormat.kColwise
    model.a_matrix_.num_col_, model.a_matrix_.num_row_ = A.shape[1], A.shape[0]
    model.a_matrix_.start_ = A.indptr.astype(np.int32)
    model.a_matrix_.index_ = A.indices.astype(np.int32)
    model.a_matrix_.value_ = A.data
    h.passModel(model)
    return h


def run(h) -> None:
    for name, value in {"output_flag": False, "presolve": "on", "solver": "choose", "random_seed": 0}.items():
        h.setOptionValue(name, value)
    h.run()


def extract(h, lp: FloorLP) -> dict:
    """Objective, plan (volume, share), cap marginal cost per point, and the shortage table."""
    import highspy

    if h.getModelStatus() != highspy.HighsModelStatus.kOptimal:
        raise RuntimeError(f"floor: HiGHS status {h.modelStatusToString(h.getModelStatus())}")
    sol = h.getSolution()
    x = np.asarray(sol.col_value)
    y = np.asarray(sol.row_dual)
    L, n = lp.layout, len(lp.offers)
    E, K = len(lp.elements), len(lp.scenarios)
    plan = lp.offers[["origin", "element"]].copy()
    plan["volume"] = x[:n]
    total = plan.groupby("element", sort=False)["volume"].transform("sum").to_numpy()
    plan["share"] = np.where(total > 0, x[:n] / np.where(total > 0, total, 1.0), 0.0)
    caps = plan.iloc[lp.caps["offer"].to_numpy()][["origin", "element", "share"]].reset_index(drop=True)
    basis = total[lp.caps["offer"].to_numpy()]
    caps["max_share"] = lp.caps["share"].to_numpy()
    cap_dual = y[L["cap"]: L["cap"] + len(lp.caps)]
    caps["marginal_cost_per_pp"] = np.maximum(0.0, -cap_dual * basis * 0.01)
    grid = pd.MultiIndex.from_product([lp.elements["element"], lp.scenarios["scenario"]],
                                      names=["element", "scenario"]).to_frame(index=False)
    grid["shortage"] = x[L["c_u"]: L["c_u"] + E * K]
    grid["stock_release"] = x[L["c_w"]: L["c_w"] + E * K]
    pen = USD_PER_T * np.repeat(lp.elements["shortage_cost"].to_numpy(float), K)
    grid["shortage_cost"] = pen * grid["shortage"].to_numpy()
    return {"objective": float(h.getInfo().objective_function_value), "plan": plan, "caps": caps,
            "shortages": grid, "iterations": int(h.getInfo().simplex_iteration_count)}


def solve(folder: str | Path, risk_weight: float = 1.0, formulation: str = "sparse",
          timings: dict | None = None) -> dict:
    """Read, build, pass, solve, extract; phase times (s) go into ``timings`` when given. The
    cyclic garbage collector is paused throughout, as sourcing pauses it."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        return _solve(folder, risk_weight, formulation, timings)
    finally:
        if enabled:
            gc.enable()


def _solve(folder, risk_weight: float, formulation: str, timings: dict | None) -> dict:
    t = [time.perf_counter()]
    frames = read(folder)
    t.append(time.perf_counter())
    lp = build(frames, risk_weight, formulation)
    t.append(time.perf_counter())
    h = pass_to_highs(lp)
    t.append(time.perf_counter())
    run(h)
    t.append(time.perf_counter())
    out = extract(h, lp)
    t.append(time.perf_counter())
    out["nnz"] = lp.matrix.nnz
    out["shape"] = lp.matrix.shape
    if timings is not None:
        for name, a, b in zip(("read", "build", "handoff", "solve", "extract"), t, t[1:]):
            timings[name] = b - a
    return out
