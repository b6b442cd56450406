"""A second formulation of the plan LP, written independently of ``sourcing.multiyear``.

It reads the CSV files itself (with its own reading of dated rows), writes every decision once per
*path* (not per node), and ties paths together with explicit equality constraints wherever two
paths share the history a decision knows: the contract for year y between paths whose histories
agree through y - lead_time - 1, an investment decided in v through v - 1, the in-year decisions
through y. Every constraint is written densely (a cap row holds every offer of the element), and
the LP is solved with scipy's HiGHS. Scope: plain caps (origin or ``*``, imports basis, origin
scope), everything else that ``sourcing plan`` reads.

The paths are its own: ``events="first"`` lists ``plan.md``'s one-event paths; ``"independent"``
enumerates every history year by year (each subset of the free events starting), multiplying
p, 1 - p or 1 per event and year, and keeps those of probability >= 1e-12; ``given`` takes
paths as (name, pairs, weight), e.g. read back from a plan's JSON.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import scipy.sparse as sp
from scipy.optimize import linprog

KG = 1000.0


def _read(folder: Path, name: str) -> pd.DataFrame | None:
    path = Path(folder) / f"{name}.csv"
    if not path.exists():
        return None
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    return frame.apply(lambda c: c.str.strip())


def _num(frame: pd.DataFrame, col: str, default: float) -> pd.Series:
    if col not in frame:
        return pd.Series(default, index=frame.index, dtype=float)
    return frame[col].map(lambda v: default if v == "" else float(v))


def _in_force(frame: pd.DataFrame | None, key: list[str], year: int) -> pd.DataFrame:
    """Per key: the latest row dated at or before ``year``, else the undated row."""
    if frame is None:
        return pd.DataFrame()
    years = _num(frame, "year", np.nan)
    best: dict[tuple, tuple[float, int]] = {}
    for i, (k, y) in enumerate(zip(frame[key].itertuples(index=False, name=None), years)):
        rank = -np.inf if np.isnan(y) else y
        if rank <= year and (k not in best or rank > best[k][0]):
            best[k] = (rank, i)
    return frame.iloc[sorted(i for _, i in best.values())]


def _inherited(frame: pd.DataFrame | None, key: list[str], col: str, year: int, default: float) -> dict:
    """Per key: ``col`` of the latest row at or before ``year`` that fills it."""
    out: dict = {}
    if frame is None or col not in frame:
        return out
    years = _num(frame, "year", np.nan).fillna(-np.inf)
    order = sorted(range(len(frame)), key=lambda i: years.iloc[i])
    for i in order:
        if years.iloc[i] <= year and frame[col].iloc[i] != "":
            out[tuple(frame[key].iloc[i])] = float(frame[col].iloc[i])
    return out


def read_plan_inputs(folder: Path, years: tuple[int, int], discount_rate: float = 0.0,
                     lead_override: dict | None = None) -> dict:
    """Every input of the plan per year, read afresh from the CSV files (see the module docstring)."""
    folder = Path(folder)
    Y = list(range(years[0], years[1] + 1))
    n = len(Y)
    supply, demand = _read(folder, "supply"), _read(folder, "demand")
    caps, scen, dis = _read(folder, "caps"), _read(folder, "scenarios"), _read(folder, "disruptions")
    stock_f, inv = _read(folder, "stockpile"), _read(folder, "investments")
    elements = sorted(demand["element"].unique())
    DF = [(1 + discount_rate) ** -i for i in range(n)]

    # ---- per year: offers, demand, caps, availability, stockpile
    offers = {}  # (origin, element, i) -> dict
    for i, y in enumerate(Y):
        for r in _in_force(supply, ["origin", "element"], y).to_dict("records"):
            lead = int(float(r.get("lead_time") or 0))
            if lead_override and (r["origin"], r["element"]) in lead_override:
                lead = lead_override[r["origin"], r["element"]]
            offers[r["origin"], r["element"], i] = {
                "cost": float(r["unit_cost"]), "cap": float(r["capacity"]),
                "min": float(r.get("min_volume") or 0), "lead": lead,
                "spot": float(r["spot_cost"]) if r.get("spot_cost", "") != "" else None}
    dem = {}
    for i, y in enumerate(Y):
        rows = _in_force(demand, ["element"], y)
        for r in rows.to_dict("records"):
            dem[r["element"], i] = (float(r["demand"]), float(r["shortage_cost"]))
        assert all((e, i) in dem for e in elements), "a year without demand"
    cap_of = {}  # (origin, element, i) -> max_share
    if caps is not None:
        caps = caps.assign(element=caps["element"])
        for i, y in enumerate(Y):
            rows = _in_force(caps, ["origin", "element"], y)
            for r in sorted(rows.to_dict("records"), key=lambda r: r["element"] != "*"):
                for (o, e, j) in offers:
                    if j == i and o == r["origin"] and r["element"] in ("*", e) and r.get("max_share", "") != "":
                        cap_of[o, e, i] = float(r["max_share"])
    events = sorted(scen["scenario"].unique()) if scen is not None else []
    busy = np.zeros(len(events), dtype=int)
    if scen is not None and "in_progress_until" in scen:
        for r in scen.to_dict("records"):
            if r["in_progress_until"] != "" and r.get("year", "") == "":
                busy[events.index(r["scenario"])] = min(max(int(float(r["in_progress_until"])) - Y[0] + 1, 0), n)
    hazard = np.zeros((len(events), n))
    duration = np.ones((len(events), n), dtype=int)
    for i, y in enumerate(Y):
        for r in _in_force(scen, ["scenario"], y).to_dict("records") if scen is not None else []:
            k = events.index(r["scenario"])
            hazard[k, i] = float(r["probability"])
            duration[k, i] = int(float(r.get("duration") or 1))
    avail = {}  # (event, origin, element, i) -> a
    for i, y in enumerate(Y):
        rows = _in_force(dis, ["scenario", "origin", "element"], y) if dis is not None else pd.DataFrame()
        for r in sorted(rows.to_dict("records"), key=lambda r: r["element"] != "*"):
            for (o, e, j) in offers:
                if j == i and o == r["origin"] and r["element"] in ("*", e):
                    avail[r["scenario"], o, e, i] = float(r["availability"])
    stock_rows = [_in_force(stock_f, ["element"], y) if stock_f is not None else pd.DataFrame() for y in Y]
    initial = _inherited(stock_f, ["element"], "stock", Y[0], 0.0)
    initial = {e: initial.get((e,), 0.0) if len(stock_rows[0]) and e in set(stock_rows[0]["element"]) else 0.0
               for e in elements}
    target = _inherited(stock_f, ["element"], "terminal_stock", Y[-1], 0.0)
    target = {e: target.get((e,), 0.0) for e in elements}
    max_stock, holding = {}, {}
    for i in range(n):
        rows = {r["element"]: r for r in stock_rows[i].to_dict("records")} if len(stock_rows[i]) else {}
        for e in elements:
            r = rows.get(e)
            max_stock[e, i] = 0.0 if r is None else (float(r["max_stock"]) if r.get("max_stock", "") != ""
                                                    else initial[e])
            holding[e, i] = 0.0 if r is None else float(r.get("holding_cost") or 0)
    projects = []
    for r in (inv.to_dict("records") if inv is not None else []):
        first = int(float(r["first_year"])) if r.get("first_year", "") != "" else Y[0]
        lead, life = int(float(r["lead_time"])), int(float(r.get("life") or 20))
        decisions = [v for v in range(max(first, Y[0]), Y[-1] - lead + 1)]
        rate = discount_rate
        crf = 1 / life if rate == 0 else rate / (1 - (1 + rate) ** -life)
        projects.append({"origin": r["origin"], "element": r["element"], "capex": float(r["capex"]), "lead": lead,
                         "life": life, "max": float(r["max_capacity"]), "decisions": [v - Y[0] for v in decisions],
                         "crf": crf})

    return {"Y": Y, "n": n, "DF": DF, "elements": elements, "offers": offers, "dem": dem, "cap_of": cap_of,
            "events": events, "hazard": hazard, "busy": busy, "duration": duration, "avail": avail, "initial": initial,
            "target": target, "max_stock": max_stock, "holding": holding, "projects": projects}


def path_table(inputs: dict, events: str = "independent") -> tuple[list[tuple[str, tuple]], np.ndarray]:
    """Paths (name, pairs of (event code, start position)) of probability >= 1e-12, and their probabilities."""
    n, names, hazard, duration = inputs["n"], inputs["events"], inputs["hazard"], inputs["duration"]
    Y = inputs["Y"]
    if events == "first":
        paths = [("baseline", ())]
        survive = np.clip(1 - hazard.sum(axis=0), 0, 1)
        before = np.concatenate([[1.0], np.cumprod(survive)])
        probs = [before[n]]
        for k, name in enumerate(names):
            for t in range(n):
                paths.append((f"{name}@{Y[t]}", ((k, t),)))
                probs.append(hazard[k, t] * before[t])
        keep = [s for s in range(len(paths)) if probs[s] >= 1e-12]
        return [paths[s] for s in keep], np.array([probs[s] for s in keep])
    found = []

    def walk(i: int, left: tuple, pairs: tuple, prob: float) -> None:
        if prob < 1e-12:
            return
        if i == n:
            found.append((pairs, prob))
            return
        free = [k for k in range(len(names)) if left[k] == 0]
        for mask in range(2 ** len(free)):
            starting = [k for b, k in enumerate(free) if mask >> b & 1]
            p = prob
            for k in free:
                p *= hazard[k, i] if k in starting else 1 - hazard[k, i]
            after = tuple(duration[k, i] - 1 if k in starting else max(left[k] - 1, 0) for k in range(len(names)))
            walk(i + 1, after, pairs + tuple((k, i) for k in sorted(starting, key=lambda k: names[k])), p)

    walk(0, tuple(int(b) for b in inputs["busy"]), (), 1.0)
    found.sort(key=lambda x: [(t, names[k]) for k, t in x[0]])
    return [(path_name(inputs, pairs), pairs) for pairs, _ in found], np.array([p for _, p in found])


def path_name(inputs: dict, pairs: tuple) -> str:
    return "+".join(f"{inputs['events'][k]}@{inputs['Y'][t]}" for k, t in pairs) or "baseline"


def in_progress(inputs: dict, pairs: tuple, i: int) -> list[tuple[int, bool]]:
    """(event, known at the start of year i) of every event in progress in year i on the path."""
    out = [(k, True) for k, b in enumerate(inputs["busy"]) if i < b]
    out += [(k, t < i) for k, t in pairs if t <= i <= t + inputs["duration"][k, t] - 1]
    return out


def availability(inputs: dict, pairs: tuple, origin: str, element: str, i: int) -> float:
    """a[o,e,y] on the path of ``pairs``: the product over the events in progress in year i."""
    a = 1.0
    for k, _ in in_progress(inputs, pairs, i):
        a *= inputs["avail"].get((inputs["events"][k], origin, element, i), 1.0)
    return a


def covered(inputs: dict, pairs: tuple, i: int, events: str) -> bool:
    """(P3) holds in year i: no event known in progress (first: no event started before i)."""
    if events == "first":
        return all(t >= i for _, t in pairs)
    return not any(known for _, known in in_progress(inputs, pairs, i))


def reference_plan(folder: Path, years: tuple[int, int], risk_weight: float = 1.0, cvar_weight: float = 0.0,
                   cvar_level: float = 0.95, discount_rate: float = 0.0,
                   lead_override: dict | None = None, events: str = "independent",
                   given: list[tuple[str, tuple, float]] | None = None) -> dict:
    """The plan's optimum, per path. Returns ``status``, ``objective`` and ``paths`` (name -> probability)."""
    model = events
    inputs = read_plan_inputs(folder, years, discount_rate, lead_override)
    Y, n, DF, elements, offers, dem = (inputs[k] for k in ("Y", "n", "DF", "elements", "offers", "dem"))
    cap_of, events, duration, avail = (inputs[k] for k in ("cap_of", "events", "duration", "avail"))
    initial, target, max_stock, holding, projects = (inputs[k] for k in (
        "initial", "target", "max_stock", "holding", "projects"))
    if given is None:
        paths, probs = path_table(inputs, model)
    else:
        paths, probs = [(name, pairs) for name, pairs, _ in given], np.array([w for *_, w in given])
    del avail, events, duration, Y
    S = len(paths)

    def history(s: int, depth: int):
        return frozenset(p for p in paths[s][1] if p[1] <= depth)

    def a(s: int, o: str, e: str, i: int) -> float:
        return availability(inputs, paths[s][1], o, e, i)

    # ---- variables: (kind, path, key) -> column
    col: dict[tuple, int] = {}
    lower, upper, cost = [], [], []

    def add(key, lo=0.0, hi=np.inf, c=0.0):
        col[key] = len(lower)
        lower.append(lo)
        upper.append(hi)
        cost.append(c)

    q_list = sorted(offers, key=lambda q: (q[2], q[1], q[0]))
    for s in range(S):
        p = probs[s]
        for q in q_list:
            o, e, i = q
            add(("X", s, q), offers[q]["min"], np.inf, p * DF[i] * KG * offers[q]["cost"])
            if offers[q]["spot"] is not None:
                add(("Z", s, q), 0, np.inf, p * DF[i] * KG * offers[q]["spot"])
        for j, pr in enumerate(projects):
            for v in pr["decisions"]:
                online = [i for i in range(v + pr["lead"], min(v + pr["lead"] + pr["life"], n))]
                add(("I", s, j, v), 0, np.inf, p * pr["capex"] * pr["crf"] * sum(DF[i] for i in online))
        for e in elements:
            for i in range(n):
                add(("S", s, e, i), 0, max_stock[e, i], p * DF[i] * KG * holding[e, i])
                add(("W", s, e, i))
                add(("B", s, e, i))
                mean = risk_weight * ((1 - cvar_weight) if cvar_weight > 0 and risk_weight > 0 else 1.0)
                add(("U", s, e, i), 0, np.inf, mean * p * DF[i] * KG * dem[e, i][1])
            if target[e] > 0:
                add(("V", s, e), 0, np.inf, p * DF[n - 1] * KG * dem[e, n - 1][1])
    use_cvar = risk_weight > 0 and cvar_weight > 0
    if use_cvar:
        add(("eta",), -np.inf, np.inf, risk_weight * cvar_weight)
        for s in range(S):
            add(("z", s), 0, np.inf, risk_weight * cvar_weight * probs[s] / (1 - cvar_level))

    rows, rlo, rhi = [], [], []

    def row(terms: dict, lo: float, hi: float):
        rows.append(terms)
        rlo.append(lo)
        rhi.append(hi)

    def online_terms(s: int, o: str, e: str, i: int, coef: float) -> dict:
        out = {}
        for j, pr in enumerate(projects):
            if (pr["origin"], pr["element"]) == (o, e):
                for v in pr["decisions"]:
                    if v + pr["lead"] <= i <= v + pr["lead"] + pr["life"] - 1:
                        out[col["I", s, j, v]] = coef
        return out

    for s in range(S):
        for q in q_list:
            o, e, i = q
            row({col["X", s, q]: 1.0, **online_terms(s, o, e, i, -1.0)}, -np.inf, offers[q]["cap"])  # (P1)
            if offers[q]["spot"] is not None:  # (P5)
                aa = a(s, o, e, i)
                row({col["Z", s, q]: 1.0, col["X", s, q]: aa, **online_terms(s, o, e, i, -aa)}, -np.inf,
                    aa * offers[q]["cap"])
        for j, pr in enumerate(projects):  # (P2)
            if pr["decisions"]:
                row({col["I", s, j, v]: 1.0 for v in pr["decisions"]}, -np.inf, pr["max"])
        for e in elements:
            for i in range(n):
                mine = [q for q in q_list if q[1] == e and q[2] == i]
                if covered(inputs, paths[s][1], i, model):  # (P3)
                    row({col["X", s, q]: 1.0 for q in mine}, dem[e, i][0], np.inf)
                for q in mine:  # (P4) plain caps, dense
                    if q in cap_of and cap_of[q] < 1:
                        terms = {col["X", s, r]: -cap_of[q] for r in mine}
                        terms[col["X", s, q]] += 1.0
                        row(terms, -np.inf, 0.0)
                terms = {col["X", s, q]: a(s, q[0], e, i) for q in mine}  # (P6)
                terms.update({col["Z", s, q]: 1.0 for q in mine if offers[q]["spot"] is not None})
                terms.update({col["W", s, e, i]: 1.0, col["B", s, e, i]: -1.0, col["U", s, e, i]: 1.0})
                row(terms, dem[e, i][0], np.inf)
                terms = {col["S", s, e, i]: 1.0, col["B", s, e, i]: -1.0, col["W", s, e, i]: 1.0}  # (P7)
                if i > 0:
                    terms[col["S", s, e, i - 1]] = -1.0
                rhs = initial[e] if i == 0 else 0.0
                row(terms, rhs, rhs)
            if target[e] > 0:  # (P8)
                row({col["V", s, e]: 1.0, col["S", s, e, n - 1]: 1.0}, target[e], np.inf)
        if use_cvar:
            terms = {col["z", s]: 1.0, col["eta",]: 1.0}
            for e in elements:
                for i in range(n):
                    terms[col["U", s, e, i]] = -DF[i] * KG * dem[e, i][1]
            row(terms, 0.0, np.inf)

    # ---- non-anticipativity: paths sharing a history share the decision taken with it
    def tie(key_of, depth: int):
        groups: dict = {}
        for s in range(S):
            groups.setdefault(history(s, depth), []).append(s)
        for members in groups.values():
            for s in members[1:]:
                a_col, b_col = key_of(members[0]), key_of(s)
                if a_col is not None:
                    row({a_col: 1.0, b_col: -1.0}, 0.0, 0.0)

    for q in q_list:
        depth = q[2] - offers[q]["lead"] - 1
        tie(lambda s, q=q: col["X", s, q], depth)
        if offers[q]["spot"] is not None:
            tie(lambda s, q=q: col["Z", s, q], q[2])
    for j, pr in enumerate(projects):
        for v in pr["decisions"]:
            tie(lambda s, j=j, v=v: col["I", s, j, v], v - 1)
    for e in elements:
        for i in range(n):
            for kind in ("S", "W", "B", "U"):
                tie(lambda s, kind=kind, e=e, i=i: col[kind, s, e, i], i)

    nvar = len(lower)
    data, ri, ci = [], [], []
    for r, terms in enumerate(rows):
        for c, v in terms.items():
            ri.append(r)
            ci.append(c)
            data.append(v)
    A = sp.csr_array((data, (ri, ci)), shape=(len(rows), nvar))
    lo, hi = np.array(rlo), np.array(rhi)
    eq = lo == hi
    ub_rows = ~eq
    A_ub = sp.vstack([A[ub_rows & np.isfinite(hi)], -A[ub_rows & np.isfinite(lo)]])
    b_ub = np.concatenate([hi[ub_rows & np.isfinite(hi)], -lo[ub_rows & np.isfinite(lo)]])
    res = linprog(np.array(cost), A_ub=A_ub, b_ub=b_ub, A_eq=A[eq] if eq.any() else None,
                  b_eq=lo[eq] if eq.any() else None, bounds=list(zip(lower, [None if not np.isfinite(h) else h
                                                                            for h in upper])), method="highs")
    if res.status != 0:
        return {"status": "infeasible" if res.status == 2 else f"status {res.status}"}
    return {"status": "optimal", "objective": float(res.fun),
            "paths": {paths[s][0]: float(probs[s]) for s in range(S)}}
