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


POOL = ["A", "B", "C", "D"]


@st.composite
def dated_instances(draw, max_years: int = 3) -> dict:
    """Dated ``tables`` (plain row dicts; ``year`` "" = undated) and ``years``: origins, offers and
    scenarios that exist only from some year (some from after the horizon), dated changes,
    ``*`` disruption rows of origins that offer nothing in some years, dated caps and floors on
    origins and a group (basis imports or demand). Not feasible by construction: a floor may ask
    for what nobody offers that year. No stockpile, investment or spot."""
    n = draw(st.integers(1, max_years))
    years = (YEARS[0], YEARS[0] + n - 1)
    when = st.sampled_from([""] + [years[0] + k for k in range(1, n + 1)])  # n + 1: after the horizon
    elements = draw(st.lists(st.sampled_from(ELEMENTS), min_size=1, max_size=2, unique=True))
    share = st.integers(1, 30).map(lambda p: p / 100)
    supply, demand = [], []
    for e in elements:
        d = float(draw(st.integers(10, 300)))
        demand.append({"element": e, "demand": d, "shortage_cost": draw(money) * 3, "year": ""})
        if n > 1 and draw(st.booleans()):
            demand.append({"element": e, "demand": round(d * draw(st.floats(0.5, 1.5)), 1),
                           "shortage_cost": draw(money) * 3, "year": years[0] + draw(st.integers(1, n - 1))})
        anchor = draw(st.sampled_from(POOL[:-1]))  # always there, enough for the largest demand
        supply.append({"origin": anchor, "element": e, "unit_cost": draw(money), "capacity": 2 * d,
                       "min_volume": 0.0, "lead_time": draw(st.integers(0, 1)), "year": ""})
        others = draw(st.lists(st.sampled_from([o for o in POOL[:-1] if o != anchor]), max_size=2, unique=True))
        for o in ["D"] + others:  # D, a newcomer: its rows hold from a later year (some after the horizon)
            first = draw(st.sampled_from([years[0] + k for k in range(n, 0, -1)])) if o == "D" else draw(when)
            row = {"origin": o, "element": e, "unit_cost": draw(money), "capacity": float(draw(st.integers(0, 300))),
                   "min_volume": 0.0, "lead_time": draw(st.integers(0, 1)), "year": first}
            supply.append(row)
            later = [y for y in range(years[0] + 1, years[0] + n) if first == "" or y > first]
            if later and draw(st.booleans()):  # a dated change: price, capacity, commitment
                cap = float(draw(st.integers(0, 300)))
                supply.append(dict(row, unit_cost=draw(money), capacity=cap, year=draw(st.sampled_from(later)),
                                   min_volume=round(cap * draw(st.sampled_from([0, 0, 0.3])), 1)))
    origins = sorted({r["origin"] for r in supply})
    newcomers = sorted({r["origin"] for r in supply if r["year"] != ""} - {r["origin"] for r in supply
                                                                           if r["year"] == ""})
    groups = []
    if len(origins) > 1 and draw(st.booleans()):
        groups = [{"group": "G", "origin": o}
                  for o in draw(st.lists(st.sampled_from(origins), min_size=1, max_size=2, unique=True))]
    scenarios, disruptions = [], []
    for k in range(draw(st.integers(0, 2))):
        name = f"ev{k}"
        scenarios.append({"scenario": name, "probability": draw(share), "description": "",
                          "duration": draw(st.integers(1, 2)), "year": draw(st.sampled_from(["", "", years[0] + 1]))})
        if n > 1 and draw(st.booleans()):
            y = years[0] + draw(st.integers(1, n - 1))
            if scenarios[-1]["year"] != y:
                scenarios.append(dict(scenarios[-1], probability=draw(share), year=y))
        for _ in range(draw(st.integers(1, 3))):  # mostly an origin that offers nothing in some years
            disruptions.append({"scenario": name, "origin": draw(st.sampled_from(newcomers + origins)),
                                "element": draw(st.sampled_from(["*", "*"] + elements)),
                                "availability": round(draw(st.floats(0.0, 0.9)), 2), "year": draw(when)})
    caps = []
    targets = origins + (["G"] if groups else [])
    for _ in range(draw(st.integers(0, 3))):
        floor = draw(st.booleans())
        low = round(draw(st.floats(0.05, 0.4)), 2) if floor else ""
        caps.append({"origin": draw(st.sampled_from(targets)), "element": draw(st.sampled_from(["*", "*"] + elements)),
                     "max_share": "" if floor and draw(st.booleans()) else round(draw(st.floats(0.4, 1.0)), 2),
                     "min_share": low, "basis": draw(st.sampled_from(["imports", "imports", "demand"])),
                     "scope": "origin", "year": draw(when)})
    # one row per key and year, as the contract asks
    unique = lambda rows, key: list({tuple(r[c] for c in key) + (r["year"],): r for r in rows}.values())  # noqa: E731
    tables = {"supply": unique(supply, ("origin", "element")), "demand": demand,
              "caps": unique(caps, ("origin", "element", "basis", "scope")) or None,
              "groups": groups or None, "scenarios": unique(scenarios, ("scenario",)) or None,
              "disruptions": unique(disruptions, ("scenario", "origin", "element")) or None}
    return {"tables": tables, "years": years}
