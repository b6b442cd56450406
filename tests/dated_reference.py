"""Dated rows resolved from the contract's words, apart from ``sourcing``'s reader and timeline.

The contract ("Dated rows" of the plan contract): for each key (supply: origin, element; demand:
element; caps: origin, element, basis, scope; disruptions: scenario, origin, element; scenarios:
scenario), a row with a ``year`` holds from that year until the key's next dated row; a row
without a year holds in every year before the key's first dated row, and in all years if the key
has no dated row. A key with only dated rows does not exist before its first one. Each key is
resolved per year first; then an (origin, element) row overrides the origin's ``*`` row, and a
``*`` row stands for the elements its origin (or a member of its group) offers in that year.

Nothing here imports ``sourcing``: the rows are the plain dicts a test generates, and the LPs are
``tests.helpers.reference_solve`` (one year, from an undated folder written here) and
``tests.plan_reference.plan_lp`` (per path, from the per-year data resolved here).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from tests.helpers import temp_folder
from tests.plan_reference import plan_lp

KEYS = {"supply": ("origin", "element"), "demand": ("element",), "caps": ("origin", "element", "basis", "scope"),
        "scenarios": ("scenario",), "disruptions": ("scenario", "origin", "element")}


def _key(table: str, row: dict) -> tuple:
    defaults = {"basis": "imports", "scope": "origin"}
    return tuple(row.get(c) or defaults.get(c, "") for c in KEYS[table])


def in_force(table: str, rows: list[dict] | None, year: int) -> list[dict]:
    """The rows of ``table`` in force in ``year``, one per key, read literally from the contract."""
    by_key: dict[tuple, list[dict]] = {}
    for r in rows or []:
        by_key.setdefault(_key(table, r), []).append(r)
    out = []
    for group in by_key.values():
        dated = [r for r in group if r.get("year", "") != ""]
        undated = [r for r in group if r.get("year", "") == ""]
        started = [r for r in dated if int(r["year"]) <= year]
        if started:  # the latest dated row at or before the year holds
            out.append(max(started, key=lambda r: int(r["year"])))
        elif undated and (not dated or year < min(int(r["year"]) for r in dated)):
            out.append(undated[0])  # before the key's first dated row (or with none)
        # else: only dated rows, all later: the key does not exist yet
    return out


def _undated(rows: list[dict]) -> list[dict]:
    return [{k: v for k, v in r.items() if k not in ("year", "lead_time", "duration")} for r in rows]


def one_year_tables(tables: dict, year: int) -> dict:
    """The tables of a one-year (undated) folder holding the rows in force in ``year``."""
    out = {name: _undated(in_force(name, tables.get(name), year)) or None for name in KEYS}
    out["demand"] = out["demand"] or []
    out["groups"] = tables.get("groups")
    return out


def reference_solve_year(tables: dict, year: int) -> dict:
    """``solve --year year`` by the one-year reference LP on the rows resolved here."""
    from tests.helpers import reference_solve

    return reference_solve(Path(temp_folder(**one_year_tables(tables, year))))


def _members(tables: dict, target: str) -> set[str]:
    group = {r["origin"] for r in tables.get("groups") or [] if r["group"] == target}
    return group or {target}


def plan_inputs(tables: dict, years: tuple[int, int]) -> dict:
    """What ``tests.plan_reference.plan_lp`` needs, every year resolved here (no stockpile,
    investment or spot: the instances of ``plan_strategies.dated_instances`` have none)."""
    Y = list(range(years[0], years[1] + 1))
    n = len(Y)
    elements = sorted({r["element"] for r in tables["demand"]})
    offers, dem, limits, avail = {}, {}, [], {}
    for i, y in enumerate(Y):
        for r in in_force("supply", tables["supply"], y):
            offers[r["origin"], r["element"], i] = {
                "cost": float(r["unit_cost"]), "cap": float(r["capacity"]),
                "min": float(r.get("min_volume") or 0), "lead": int(r.get("lead_time") or 0), "spot": None}
        for r in in_force("demand", tables["demand"], y):
            dem[r["element"], i] = (float(r["demand"]), float(r["shortage_cost"]))
        offered = {(o, e) for (o, e, j) in offers if j == i}
        caps = in_force("caps", tables.get("caps"), y)
        exact = {_key("caps", r) for r in caps if r["element"] != "*"}
        for r in caps:
            members = _members(tables, r["origin"])
            basis = r.get("basis") or "imports"
            covered = [e for e in elements if any((o, e) in offered for o in members)]
            if r["element"] == "*":
                named = [e for e in covered if (r["origin"], e, basis, r.get("scope") or "origin") not in exact]
                capped = floored = named
            else:
                floored = [r["element"]]
                capped = floored if r["element"] in covered or basis == "demand" else []
            top = r.get("max_share", "")
            if top not in ("", None) and (float(top) < 1 or basis == "demand"):
                limits += [{"i": i, "element": e, "members": members, "kind": "max", "share": float(top),
                            "basis": basis} for e in capped]
            if float(r.get("min_share") or 0) > 0:
                limits += [{"i": i, "element": e, "members": members, "kind": "min",
                            "share": float(r["min_share"]), "basis": basis} for e in floored]
        rows = in_force("disruptions", tables.get("disruptions"), y)
        for r in sorted(rows, key=lambda r: r["element"] != "*"):  # '*' first; the exact row overrides
            for o, e in offered:
                if o == r["origin"] and r["element"] in ("*", e):
                    avail[r["scenario"], o, e, i] = float(r["availability"])
    events = sorted({r["scenario"] for r in tables.get("scenarios") or []})
    hazard, duration = np.zeros((len(events), n)), np.ones((len(events), n), dtype=int)
    for i, y in enumerate(Y):
        for r in in_force("scenarios", tables.get("scenarios"), y):
            hazard[events.index(r["scenario"]), i] = float(r["probability"])
            duration[events.index(r["scenario"]), i] = int(r.get("duration") or 1)
    zeros = {(e, i): 0.0 for e in elements for i in range(n)}
    return {"Y": Y, "n": n, "DF": [1.0] * n, "elements": elements, "offers": offers, "dem": dem, "cap_of": {},
            "limits": limits, "events": events, "hazard": hazard, "busy": [0] * len(events), "duration": duration,
            "avail": avail,
            "initial": dict.fromkeys(elements, 0.0), "target": dict.fromkeys(elements, 0.0),
            "max_stock": zeros, "holding": zeros, "projects": []}


def reference_plan_dated(tables: dict, years: tuple[int, int]) -> dict:
    """``plan --years START:END`` by the per-path reference LP on the rows resolved here."""
    return plan_lp(plan_inputs(tables, years))
