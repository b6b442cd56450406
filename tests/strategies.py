"""Hypothesis strategies that build valid, feasible input folders by construction (no filtering)."""

from __future__ import annotations

from hypothesis import strategies as st

ORIGINS = ["China", "Southeast Asia", "Australia", "France", "NA"]
ELEMENTS = ["NdPr", "Dy", "Tb", "La"]

money = st.floats(min_value=0.5, max_value=500, allow_nan=False, allow_infinity=False)


@st.composite
def instances(draw, max_elements: int = 3, max_origins: int = 4, max_scenarios: int = 3,
              with_stock_decision: bool = True) -> dict:
    """Tables for ``helpers.write_folder``. A feasible plan x* exists by construction: each element's
    demand is split over its offers by shares q; capacities exceed x*, caps are at least q, and
    commitments are at most x*."""
    elements = draw(st.lists(st.sampled_from(ELEMENTS), min_size=1, max_size=max_elements, unique=True))
    origins = draw(st.lists(st.sampled_from(ORIGINS), min_size=2, max_size=max_origins, unique=True))
    supply, demand, caps = [], [], []
    for e in elements:
        d = draw(st.floats(min_value=1, max_value=5000).map(lambda v: round(v, 2)))
        demand.append({"element": e, "demand": d, "shortage_cost": draw(money)})
        offering = draw(st.lists(st.sampled_from(origins), min_size=1, max_size=len(origins), unique=True))
        weights = [draw(st.integers(1, 10)) for _ in offering]
        for o, w in zip(offering, weights):
            q = w / sum(weights)
            x_star = q * d
            supply.append({
                "origin": o, "element": e, "unit_cost": round(draw(money), 3),
                "capacity": round(x_star * draw(st.floats(1.0, 3.0)) + 1, 3),
                "min_volume": round(x_star * draw(st.sampled_from([0, 0, 0.3, 0.9])), 3),
            })
            if draw(st.booleans()):
                caps.append({"origin": o, "element": e, "max_share": min(1.0, round(q + draw(st.floats(0.001, 0.6)), 4))})
    origins = sorted({r["origin"] for r in supply})
    n_scen = draw(st.integers(0, max_scenarios))
    scenarios, disruptions = [], []
    left = 1.0
    for k in range(n_scen):
        p = round(draw(st.floats(0.0, 0.4)) * left, 4)
        left -= p
        scenarios.append({"scenario": f"s{k}", "probability": p, "description": f"scenario {k}"})
        for o in draw(st.lists(st.sampled_from(origins), min_size=1, max_size=2, unique=True)):
            element = draw(st.sampled_from(["*"] + elements))
            disruptions.append({"scenario": f"s{k}", "origin": o, "element": element,
                                "availability": round(draw(st.floats(0, 0.95)), 3)})
    stock = []
    for e in elements:
        if draw(st.booleans()):
            row = {"element": e, "stock": round(draw(st.floats(0, 500)), 1)}
            if with_stock_decision and draw(st.booleans()):
                row["max_stock"] = row["stock"] + round(draw(st.floats(0, 2000)), 1)
                row["holding_cost"] = round(draw(st.floats(0, 50)), 2)
            stock.append(row)
    return {
        "supply": supply, "demand": demand, "caps": caps or None,
        "scenarios": scenarios or None, "disruptions": disruptions or None, "stockpile": stock or None,
    }


risk = st.sampled_from([0.0, 0.5, 1.0, 3.0])
cvar_weight = st.sampled_from([0.0, 0.0, 0.3, 1.0])
cvar_level = st.sampled_from([0.0, 0.5, 0.9, 0.95])


@st.composite
def policy_instances(draw) -> dict:
    """``instances`` plus groups, upstream content, floors and demand-basis limits. Not feasible by
    construction: tests compare against the reference LP, infeasibility included."""
    tables = draw(instances(max_elements=2, max_origins=4, max_scenarios=2))
    origins = sorted({r["origin"] for r in tables["supply"]})
    elements = sorted({r["element"] for r in tables["supply"]})
    groups = []
    if len(origins) >= 2 and draw(st.booleans()):
        members = draw(st.lists(st.sampled_from(origins), min_size=1, max_size=len(origins), unique=True))
        groups = [{"group": "allies", "origin": o} for o in members]
    content = []
    for r in tables["supply"]:
        if draw(st.integers(0, 3)) == 0:
            upstream = draw(st.sampled_from([o for o in origins if o != r["origin"]] + ["Myanmar"]))
            content.append({"origin": r["origin"], "element": draw(st.sampled_from(["*", r["element"]])),
                            "upstream": upstream, "fraction": round(draw(st.floats(0.0, 1.0)), 3)})
    content = list({(c["origin"], c["element"], c["upstream"]): c for c in content}.values())
    # keep each offer's fractions within 1 (exact rows override '*' rows per upstream)
    for c in content:
        c["fraction"] = round(c["fraction"] / 2, 3)
    caps = list(tables["caps"] or [])
    targets = origins + (["allies"] if groups else []) + sorted({c["upstream"] for c in content})
    for _ in range(draw(st.integers(0, 3))):
        scope = draw(st.sampled_from(["origin", "content"]))
        target = draw(st.sampled_from(targets if scope == "content" else origins + (["allies"] if groups else [])))
        lo = round(draw(st.floats(0.0, 0.5)), 3) if draw(st.booleans()) else 0.0
        hi = round(draw(st.floats(max(lo, 0.2), 1.0)), 3) if (draw(st.booleans()) or lo == 0) else None
        caps.append({"origin": target, "element": draw(st.sampled_from(["*"] + elements)),
                     "max_share": hi, "min_share": lo, "basis": draw(st.sampled_from(["imports", "demand"])),
                     "scope": scope})
    caps = list({(c["origin"], c["element"], c.get("basis", "imports"), c.get("scope", "origin")): c
                 for c in caps}.values())
    return {**tables, "caps": caps or None, "groups": groups or None, "content": content or None}
