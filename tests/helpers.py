"""Shared test helpers: write input folders, an independent reference LP, and invariant checks.

Nothing here imports sourcing's model: the reference LP is built straight from the CSV files with
numpy and solved with scipy's HiGHS, and the invariants are recomputed from the result tables.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import numpy as np
import pandas as pd
from scipy.optimize import linprog

REL = 1e-6
"""One tolerance for comparing money and volumes (relative to the scale of the quantity)."""


def close(a: float, b: float, rel: float = REL, scale: float = 1.0) -> bool:
    return abs(a - b) <= rel * max(abs(a), abs(b), scale)


def write_folder(folder: Path, **tables: pd.DataFrame | list[dict] | str | None) -> Path:
    """Write ``supply=``, ``demand=``, ... as CSV files (a str is written verbatim)."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    for name, table in tables.items():
        if table is None:
            continue
        path = folder / f"{name}.csv"
        if isinstance(table, str):
            path.write_text(table, encoding="utf-8")
        else:
            pd.DataFrame(table).to_csv(path, index=False)
    return folder


def temp_folder(**tables) -> Path:
    return write_folder(Path(tempfile.mkdtemp(prefix="sourcing-test-")), **tables)


def problem_finders(**defaults: str):
    """``problems(**files)``, the messages of the InputError that loading a folder of ``files``
    (the ``defaults`` for those not given) raises, and ``one(pattern, **files)``, the first of them
    matching ``pattern`` (failing the test if none does)."""
    import re

    import pytest

    from sourcing import InputError, load_inputs

    def problems(**files) -> list[str]:
        with pytest.raises(InputError) as info:
            load_inputs(temp_folder(**{**defaults, **files}))
        return [str(p) for p in info.value.problems]

    def one(pattern: str, **files) -> str:
        found = problems(**files)
        hits = [p for p in found if re.search(pattern, p)]
        assert hits, f"no problem matches {pattern!r} in {found}"
        return hits[0]

    return problems, one


# ---------------------------------------------------------------------------------------------
# the reference: the contract's LP, written densely from the CSV files


def _read(folder: Path, name: str) -> pd.DataFrame | None:
    path = folder / f"{name}.csv"
    if not path.exists():
        return None
    return pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")


def reference_solve(folder: Path, risk_weight: float = 1.0, cvar_weight: float = 0.0, cvar_level: float = 0.95,
                    caps: dict | None = None, fixed_volume: dict | None = None,
                    fixed_stock: dict | None = None) -> dict:
    """Solve the contract's LP (1)-(5) (+ CVaR) as written there, one column per origin in every
    scenario row, with scipy's HiGHS. Only plain caps (origin or origin:element, imports basis).

    With ``fixed_volume`` {(origin, element): t}, the volumes are fixed (others 0) and (2)-(3)
    dropped: the plan is priced, as ``sourcing evaluate`` does.

    Returns the objective and the volume of every (origin, element).
    """
    folder = Path(folder)
    supply = _read(folder, "supply")
    demand = _read(folder, "demand")
    offers = [(r.origin.strip(), r.element.strip()) for r in supply.itertuples()]
    cost = supply["unit_cost"].astype(float).to_numpy()
    capacity = supply["capacity"].astype(float).to_numpy()
    minimum = supply["min_volume"].astype(float).to_numpy() if "min_volume" in supply else np.zeros(len(offers))
    elements = [e.strip() for e in demand["element"]]
    d = dict(zip(elements, demand["demand"].astype(float)))
    pen = dict(zip(elements, demand["shortage_cost"].astype(float)))
    stock_df = _read(folder, "stockpile")
    stock = {e: 0.0 for e in elements}
    max_stock, holding = dict(stock), dict(stock)
    if stock_df is not None:
        for r in stock_df.to_dict(orient="records"):
            e = r["element"].strip()
            stock[e] = float(r["stock"])
            max_stock[e] = float(r["max_stock"]) if r.get("max_stock", "") != "" else stock[e]
            holding[e] = float(r["holding_cost"]) if r.get("holding_cost", "") != "" else 0.0

    limits = reference_limits(folder, offers, caps or {})

    scen_df = _read(folder, "scenarios")
    scen = []
    if scen_df is not None:
        scen = [(r.scenario.strip(), float(r.probability)) for r in scen_df.itertuples()]
    rest = 1.0 - sum(p for _, p in scen)
    if rest > 1e-9:
        scen.append(("baseline", rest))
    avail = {}
    dis = _read(folder, "disruptions")
    if dis is not None:
        rows = sorted(dis.itertuples(), key=lambda r: r.element.strip() != "*")  # '*' first, exact override
        for r in rows:
            for o, e in offers:
                if o == r.origin.strip() and r.element.strip() in ("*", e):
                    avail[r.scenario.strip(), o, e] = float(r.availability)

    n, E, K = len(offers), len(elements), len(scen)
    use_cvar = risk_weight > 0 and cvar_weight > 0
    nvar = n + 2 * E * K + (1 + K if use_cvar else 0) + E
    iu = lambda e, k: n + e * K + k  # noqa: E731
    iw = lambda e, k: n + E * K + e * K + k  # noqa: E731
    ieta = n + 2 * E * K
    iz = lambda k: ieta + 1 + k  # noqa: E731
    i_s = lambda e: nvar - E + e  # noqa: E731  stock level s[e] in [stock, max_stock]
    c = np.zeros(nvar)
    c[:n] = 1000 * cost
    offset = 0.0
    for ei, e in enumerate(elements):
        c[i_s(ei)] = 1000 * holding[e]
        offset -= 1000 * holding[e] * stock[e]
    mean_w = risk_weight * ((1 - cvar_weight) if use_cvar else 1.0)
    for ei, e in enumerate(elements):
        for k, (_, p) in enumerate(scen):
            c[iu(ei, k)] = mean_w * p * 1000 * pen[e]
    if use_cvar:
        c[ieta] = risk_weight * cvar_weight
        for k, (_, p) in enumerate(scen):
            c[iz(k)] = risk_weight * cvar_weight * p / (1 - cvar_level)
    A, b = [], []
    for e in elements if fixed_volume is None else []:  # (2) cover
        row = np.zeros(nvar)
        for j, (_, e2) in enumerate(offers):
            if e2 == e:
                row[j] = -1
        A.append(row)
        b.append(-d[e])
    for lim in limits if fixed_volume is None else []:  # (3), (3b)
        row = np.zeros(nvar)
        sign = 1.0 if lim["kind"] == "max" else -1.0
        for j, w in lim["weights"].items():
            row[j] += sign * w
        if lim["basis"] == "imports":
            for j, (_, e2) in enumerate(offers):
                if e2 == lim["element"]:
                    row[j] -= sign * lim["share"]
            rhs = 0.0
        else:
            rhs = sign * lim["share"] * d[lim["element"]]
        A.append(row)
        b.append(rhs)
    for ei, e in enumerate(elements):  # (4)
        for k, (name, _) in enumerate(scen):
            row = np.zeros(nvar)
            for j, (o, e2) in enumerate(offers):
                if e2 == e:
                    row[j] = -avail.get((name, o, e), 1.0)
            row[iw(ei, k)] = -1
            row[iu(ei, k)] = -1
            A.append(row)
            b.append(-d[e])
    for ei, _ in enumerate(elements):  # (5) w[e,k] <= s[e]
        for k in range(K):
            row = np.zeros(nvar)
            row[iw(ei, k)] = 1
            row[i_s(ei)] = -1
            A.append(row)
            b.append(0.0)
    if use_cvar:  # z_k >= L_k - eta
        for k in range(K):
            row = np.zeros(nvar)
            for ei, e in enumerate(elements):
                row[iu(ei, k)] = 1000 * pen[e]
            row[ieta] = -1
            row[iz(k)] = -1
            A.append(row)
            b.append(0.0)
    bounds = [(minimum[j], capacity[j]) for j in range(n)]
    if fixed_volume is not None:
        bounds = [(fixed_volume.get(k, 0.0),) * 2 for k in offers]
    bounds += [(0, None)] * (E * K)
    bounds += [(0, None)] * (E * K)
    if use_cvar:
        bounds += [(None, None)] + [(0, None)] * K
    bounds += [(stock[e], max_stock[e]) for e in elements]
    if fixed_stock is not None:
        bounds[-E:] = [(fixed_stock[e], fixed_stock[e]) for e in elements]
    res = linprog(c, A_ub=np.array(A).reshape(len(A), nvar), b_ub=np.array(b), bounds=bounds, method="highs")
    if res.status != 0:
        return {"status": "infeasible" if res.status == 2 else f"status {res.status}"}
    return {"status": "optimal", "objective": float(res.fun) + offset,
            "volume": dict(zip(offers, res.x[:n])),
            "stock_level": {e: float(res.x[i_s(ei)]) for ei, e in enumerate(elements)}}


def _blank(v) -> bool:
    return v is None or (isinstance(v, float) and np.isnan(v)) or str(v).strip() == ""


def reference_limits(folder: Path, offers: list[tuple[str, str]], overrides: dict) -> list[dict]:
    """Every share limit from caps.csv, groups.csv and content.csv, read afresh: a list of
    {element, kind, basis, share, weights {offer index: f}} (CLI-style overrides apply to plain rows)."""
    cap_df = _read(folder, "caps")
    rows = []
    if cap_df is not None:
        for r in cap_df.to_dict(orient="records"):
            rows.append({
                "target": r["origin"].strip(), "element": r["element"].strip(),
                "max": None if _blank(r.get("max_share")) else float(r["max_share"]),
                "min": 0.0 if _blank(r.get("min_share")) else float(r["min_share"]),
                "basis": (r.get("basis") or "imports").strip() or "imports",
                "scope": (r.get("scope") or "origin").strip() or "origin",
            })
    for key, share in sorted(overrides.items(), key=lambda kv: isinstance(kv[0], tuple)):
        target, element = key if isinstance(key, tuple) else (key, "*")
        plain = [r for r in rows if r["target"] == target and r["basis"] == "imports" and r["scope"] == "origin"]
        for r in plain:
            if element == "*" or r["element"] == element:
                r["max"] = share
        if not any(r["element"] == element for r in plain):
            rows.append({"target": target, "element": element, "max": share, "min": 0.0,
                         "basis": "imports", "scope": "origin"})
    groups: dict[str, set] = {}
    g_df = _read(folder, "groups")
    if g_df is not None:
        for r in g_df.itertuples():
            groups.setdefault(r.group.strip(), set()).add(r.origin.strip())
    listed: dict[tuple, dict] = {}  # (origin, element) -> {upstream: fraction}
    c_df = _read(folder, "content")
    if c_df is not None:
        for r in sorted(c_df.itertuples(), key=lambda r: r.element.strip() != "*"):  # exact rows last: override
            for o, e in offers:
                if o == r.origin.strip() and r.element.strip() in ("*", e):
                    listed.setdefault((o, e), {})[r.upstream.strip()] = float(r.fraction)

    def content(j: int, country: str) -> float:
        o, e = offers[j]
        parts = listed.get((o, e), {})
        if country in parts:
            return parts[country]
        if country == o:
            return max(0.0, 1.0 - sum(parts.values()))
        return 0.0

    exact = {(r["target"], r["element"], r["basis"], r["scope"]) for r in rows if r["element"] != "*"}
    demand_elements = sorted(e.strip() for e in _read(folder, "demand")["element"])
    out = []
    for r in rows:
        members = groups.get(r["target"], {r["target"]})
        weight = {}
        for j, (o, _e) in enumerate(offers):
            w = float(o in members) if r["scope"] == "origin" else sum(content(j, c) for c in members)
            if w > 0:
                weight[j] = w
        covered = sorted({offers[j][1] for j in weight})
        named = demand_elements if r["element"] == "*" else [r["element"]]
        named = [e for e in named if r["element"] != "*" or (r["target"], e, r["basis"], r["scope"]) not in exact]
        # a cap on a pair that is not offered is void; a '*' row, cap or floor, stands for the elements
        # it covers; an (origin, element) floor holds whether offered or not
        capped = [e for e in named if e in covered or (r["element"] != "*" and r["basis"] == "demand")]
        floored = [e for e in named if e in covered or r["element"] != "*"]
        kinds = []
        if r["max"] is not None and (r["max"] < 1 or r["basis"] == "demand"):
            kinds.append(("max", r["max"], capped))
        if r["min"] > 0:
            kinds.append(("min", r["min"], floored))
        for kind, share, elements in kinds:
            for e in elements:
                w_e = {j: w for j, w in weight.items() if offers[j][1] == e}
                out.append({"target": r["target"], "element": e, "kind": kind, "basis": r["basis"],
                            "scope": r["scope"], "share": share, "weights": w_e})
    return out


# ---------------------------------------------------------------------------------------------
# invariants, recomputed from the result tables


def cvar_brute(loss, p, level: float) -> float:
    """min over eta in the losses of eta + E[(L - eta)+] / (1 - level): the RU formula by search."""
    loss, p = np.asarray(loss, float), np.asarray(p, float)
    return min(eta + p @ np.maximum(loss - eta, 0) / (1 - level) for eta in loss)


def check_invariants(data, result, rel: float = REL, folder: Path | None = None) -> None:
    """Every figure of ``result`` recomputed from its own tables and the input data (and, given the
    input ``folder``, every share limit recomputed from the CSV files by ``reference_limits``)."""
    plan = result.plan
    scale = max(1.0, float(data.elements["demand"].max()), float(data.offers["capacity"].max()))
    tol = rel * scale
    # (1) bounds
    assert (plan["volume"] >= plan["min_volume"] - tol).all()
    assert (plan["volume"] <= plan["capacity"] + tol).all()
    # (2) cover
    total = plan.groupby("element")["volume"].sum()
    demand = data.elements.set_index("element")["demand"]
    assert (total.reindex(demand.index, fill_value=0) >= demand - tol).all()
    # shares as reported
    share = plan["volume"] / plan["element"].map(total)
    assert np.allclose(plan["share"], share.fillna(0.0), atol=1e-9)
    # (3) plain caps: each offer's share within its own max_share
    assert (plan["share"] <= plan["max_share"] + 1e-6).all()
    caps = result.caps
    if len(caps):
        is_max = caps["kind"] == "max"
        assert (caps.loc[is_max, "share"] <= caps.loc[is_max, "limit"] + 1e-6).all()
        assert (caps.loc[~is_max, "share"] >= caps.loc[~is_max, "limit"] - 1e-6).all()
        # complementary slackness: a slack limit has no marginal cost
        slack = caps["slack"] > 1e-4 * scale
        assert (caps.loc[slack, "marginal_cost_per_pp"].abs() <= 1e-6 * max(1.0, abs(result.objective))).all()
        assert (caps["marginal_cost_per_pp"] >= 0).all()
        assert (caps.loc[caps["marginal_cost_per_pp"] > 1e-6 * abs(result.objective), "binding"]).all()
    if folder is not None:
        offers = list(zip(plan["origin"], plan["element"]))
        volume = plan["volume"].to_numpy()
        reported = {(r.origin, r.element, r.kind, r.basis, r.scope): r for r in caps.itertuples()}
        ref = reference_limits(folder, offers, {})
        assert len(ref) == len(caps)
        for lim in ref:
            reached = sum(w * volume[j] for j, w in lim["weights"].items())
            base = total.get(lim["element"], 0.0) if lim["basis"] == "imports" else demand[lim["element"]]
            if lim["kind"] == "max":
                assert reached <= lim["share"] * base + tol
            else:
                assert reached >= lim["share"] * base - tol
            row = reported[lim["target"], lim["element"], lim["kind"], lim["basis"], lim["scope"]]
            assert np.isclose(row.share, reached / base if base > 0 else 0.0, atol=1e-7)
    # (4)-(5) scenario balance from the shortages table
    s = result.shortages
    assert (s["arrived"] + s["stock_release"] + s["shortage"] >= s["demand"] - tol).all()
    e = data.elements.set_index("element")
    level = result.elements.set_index("element")["optimal_stock"]
    assert (level >= e["stock"] - tol).all() and (level <= e["max_stock"] + tol).all()
    assert (s["stock_release"] <= s["element"].map(level) + tol).all()
    holding = float((1000 * e["holding_cost"] * (level - e["stock"])).sum())
    assert close(result.stockpile_cost, holding, rel, scale=max(1.0, result.objective))
    assert (s[["stock_release", "shortage"]] >= 0).all().all()
    # the shortage is what the balance row leaves: stock first, then shortage
    gap = np.maximum(0.0, s["demand"] - s["arrived"])
    assert np.allclose(s["stock_release"], np.minimum(s["element"].map(level), gap), atol=tol)
    assert np.allclose(s["shortage"], gap - s["stock_release"], atol=tol)
    if len(caps):  # a solve meets every limit; binding means the limit holds with no slack
        assert not caps["violated"].any() and (caps["excess"] == 0).all()
        assert not (caps["binding"] & (caps["slack"] > 1e-6 * scale)).any()
    # arrived recomputed from the plan and the availabilities
    avail = data.offer_availability()
    lost = avail.assign(lost=(1 - avail["availability"]) * plan["volume"].to_numpy()[avail["offer"]])
    lost = lost.groupby(["scenario", "element"])["lost"].sum()
    arrived = s["element"].map(total).to_numpy() - np.array(
        [lost.get((k, e), 0.0) for k, e in zip(s["scenario"], s["element"])])
    assert np.allclose(s["arrived"], arrived, atol=tol)
    # money
    assert close(result.procurement_cost, float((1000 * plan["unit_cost"] * plan["volume"]).sum()), rel)
    pen = data.elements.set_index("element")["shortage_cost"]
    loss = (1000 * s["element"].map(pen) * s["shortage"]).groupby(s["scenario"]).sum()
    scen = result.scenarios.set_index("scenario")
    loss = loss.reindex(scen.index, fill_value=0.0)
    assert np.allclose(scen["shortage_cost"], loss, rtol=rel, atol=tol)
    expected = float(scen["probability"] @ loss)
    assert close(result.expected_shortage_cost, expected, rel, scale=max(1.0, result.objective))
    o = result.options
    cvar = cvar_brute(loss.to_numpy(), scen["probability"].to_numpy(), o.cvar_level)
    assert close(result.cvar, cvar, rel, scale=max(1.0, result.objective))
    assert result.cvar >= expected - rel * max(1.0, abs(expected))
    risk = (1 - o.cvar_weight) * expected + o.cvar_weight * cvar if o.risk_weight > 0 else 0.0
    assert close(result.objective, result.procurement_cost + result.stockpile_cost + o.risk_weight * risk, rel, scale=1.0)


FORMER_CASE = Path(__file__).resolve().parents[1] / "docs" / "cases" / "japan-2025"
"""The 2025 case (docs/cases/japan-2025): its origins and figures are the ones tests written on it name."""
