"""Hypothesis strategies for multi-year plans: valid, feasible input folders by construction.

A plan x*[o,e,y] = q[o,e] demand[e,y] exists by construction on every path (it meets cover, so it
meets everything else): capacities hold the largest year's x*, caps lie above q, commitments below
the smallest year's x*. Events, durations, dated rows, lead times, spot offers, a stockpile and a
project are drawn on top.
"""

from __future__ import annotations

from hypothesis import strategies as st

YEARS = (2026, 2027, 2028)
ORIGINS = ["China", "Southeast Asia", "Australia"]
ELEMENTS = ["NdPr", "Dy"]

money = st.floats(min_value=1, max_value=200, allow_nan=False, allow_infinity=False).map(lambda v: round(v, 2))


@st.composite
def plan_instances(draw, max_years: int = 3, max_events: int = 2, projects: bool = True,
                   in_progress: bool = False) -> dict:
    """``tables`` for :func:`tests.helpers.write_folder` and ``years`` (START, END); ``in_progress``:
    events may be in progress today (``in_progress_until``, from the year before the horizon to its end)."""
    n = draw(st.integers(1, max_years))
    years = (YEARS[0], YEARS[0] + n - 1)
    elements = draw(st.lists(st.sampled_from(ELEMENTS), min_size=1, max_size=2, unique=True))
    supply, demand, caps = [], [], []
    for e in elements:
        d = float(draw(st.integers(10, 500)))
        growth = draw(st.sampled_from([0.0, 0.0, 0.2, 0.5]))
        pen = draw(money) * 3
        demand.append({"element": e, "demand": d, "shortage_cost": pen, "year": ""})
        if growth and n > 1:
            demand.append({"element": e, "demand": round(d * (1 + growth), 1), "shortage_cost": pen,
                           "year": years[0] + 1})
        most, least = d * (1 + growth), d
        offering = draw(st.lists(st.sampled_from(ORIGINS), min_size=1, max_size=3, unique=True))
        weights = [draw(st.integers(1, 5)) for _ in offering]
        for o, w in zip(offering, weights):
            q = w / sum(weights)
            cost = draw(money)
            row = {"origin": o, "element": e, "unit_cost": cost,
                   "capacity": round(q * most * draw(st.floats(1.0, 2.5)) + 1, 2),
                   "min_volume": round(q * least * draw(st.sampled_from([0, 0, 0.5])), 2),
                   "year": "", "lead_time": draw(st.integers(0, 2)),
                   "spot_cost": round(cost * draw(st.floats(1.1, 2.0)), 2) if draw(st.booleans()) else ""}
            supply.append(row)
            if n > 1 and draw(st.integers(0, 3)) == 0:  # a dated change of price and lead time
                supply.append(dict(row, unit_cost=round(cost * draw(st.floats(0.8, 1.3)), 2),
                                   lead_time=draw(st.integers(0, 1)), year=years[0] + draw(st.integers(1, n - 1))))
            if len(offering) > 1 and draw(st.booleans()):
                caps.append({"origin": o, "element": e, "max_share": min(1.0, round(q + draw(st.floats(0.01, 0.5)), 3)),
                             "year": ""})
    origins = sorted({r["origin"] for r in supply})
    scenarios, disruptions = [], []
    left = 1.0
    for k in range(draw(st.integers(0, max_events))):
        p = round(draw(st.floats(0.0, 0.45)) * left, 3)
        left -= p
        ongoing = years[0] + draw(st.integers(-1, n)) if in_progress and draw(st.booleans()) else ""
        scenarios.append({"scenario": f"event{k}", "probability": p, "description": "", "year": "",
                          "duration": draw(st.integers(1, 3)), "in_progress_until": ongoing})
        if n > 1 and draw(st.integers(0, 3)) == 0:  # a dated hazard
            scenarios.append({"scenario": f"event{k}", "probability": round(p * draw(st.floats(0, 1)), 3),
                              "description": "", "year": years[0] + 1, "duration": draw(st.integers(1, 3)),
                              "in_progress_until": ""})
        for o in draw(st.lists(st.sampled_from(origins), min_size=1, max_size=2, unique=True)):
            disruptions.append({"scenario": f"event{k}", "origin": o, "element": draw(st.sampled_from(["*"] + elements)),
                                "availability": round(draw(st.floats(0, 0.9)), 2), "year": ""})
    stock = []
    for e in elements:
        if draw(st.booleans()):
            held = float(draw(st.integers(0, 200)))
            stock.append({"element": e, "stock": held,
                          "max_stock": held + draw(st.sampled_from([0, 50, 300])),
                          "holding_cost": round(draw(st.floats(0, 20)), 2),
                          "terminal_stock": draw(st.sampled_from([0, 0, held])), "year": ""})
    investments = []
    if projects and draw(st.booleans()):
        r = draw(st.sampled_from(supply))
        investments.append({"project": "p1", "origin": r["origin"], "element": r["element"],
                            "capex": round(draw(st.floats(100, 5e5)), 0), "lead_time": draw(st.integers(0, 2)),
                            "max_capacity": float(draw(st.integers(1, 300))), "life": draw(st.integers(1, 4)),
                            "first_year": ""})
    tables = {"supply": supply, "demand": demand, "caps": caps or None, "scenarios": scenarios or None,
              "disruptions": disruptions or None, "stockpile": stock or None, "investments": investments or None}
    return {"tables": tables, "years": years}
