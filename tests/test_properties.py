"""Properties of the optimum on random feasible instances, checked against an independent LP."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
from hypothesis import event, given, note
from hypothesis import strategies as st

from sourcing import InfeasibleError, RiskOptions, load_inputs, solve
from sourcing.output.json import result_json as to_json
from tests import strategies as strat
from tests.helpers import check_invariants, close, reference_solve, temp_folder


@given(strat.instances(), strat.risk, strat.cvar_weight, strat.cvar_level)
def test_optimum_matches_reference_lp(tables, risk_weight, cvar_weight, cvar_level):
    folder = temp_folder(**tables)
    data = load_inputs(folder)
    options = RiskOptions(risk_weight, cvar_weight, cvar_level)
    result = solve(data, options)
    ref = reference_solve(folder, risk_weight, cvar_weight, cvar_level)
    note(f"{result!r} reference {ref.get('objective')}")
    assert ref["status"] == "optimal"
    assert close(result.objective, ref["objective"], rel=1e-6)
    check_invariants(data, result)


@given(strat.instances(), st.sampled_from(["China", "Southeast Asia", "Australia", "France", "NA"]),
       st.floats(0.0, 1.0), strat.risk)
def test_cap_override_matches_reference_lp(tables, origin, share, risk_weight):
    """--cap ORIGIN=SHARE replaces the origin's rows; the optimum is the reference's (or both infeasible)."""
    folder = temp_folder(**tables)
    data = load_inputs(folder)
    if origin not in set(data.offers["origin"]):
        return
    share = round(share, 3)
    ref = reference_solve(folder, risk_weight, caps={origin: share})
    try:
        result = solve(data.with_caps({origin: share}), RiskOptions(risk_weight))
    except InfeasibleError:
        assert ref["status"] == "infeasible"
        return
    assert ref["status"] == "optimal"
    assert close(result.objective, ref["objective"], rel=1e-6)
    check_invariants(data.with_caps({origin: share}), result)


@given(strat.instances(), strat.risk)
def test_loosening_a_cap_never_raises_the_objective(tables, risk_weight):
    data = load_inputs(temp_folder(**tables))
    base = solve(data, RiskOptions(risk_weight))
    for row in data.caps.itertuples():
        looser = data.with_caps({(row.origin, row.element): min(1.0, row.max_share + 0.1)})
        assert solve(looser, RiskOptions(risk_weight)).objective <= base.objective * (1 + 1e-9) + 1e-6


@given(strat.instances(), strat.risk, strat.cvar_weight, st.sampled_from([0.5, 2.0, 10.0]))
def test_scaling_all_costs_scales_the_objective(tables, risk_weight, cvar_weight, k):
    folder = temp_folder(**tables)
    base = solve(load_inputs(folder), RiskOptions(risk_weight, cvar_weight))
    scaled_tables = dict(tables)
    scaled_tables["supply"] = [{**r, "unit_cost": r["unit_cost"] * k} for r in tables["supply"]]
    scaled_tables["demand"] = [{**r, "shortage_cost": r["shortage_cost"] * k} for r in tables["demand"]]
    if tables["stockpile"]:
        scaled_tables["stockpile"] = [{**r, "holding_cost": r.get("holding_cost", 0) * k} for r in tables["stockpile"]]
    scaled = solve(load_inputs(temp_folder(**scaled_tables)), RiskOptions(risk_weight, cvar_weight))
    assert close(scaled.objective, k * base.objective, rel=1e-6)


@given(strat.instances(), st.randoms(use_true_random=False))
def test_shuffling_rows_and_columns_changes_nothing(tables, rnd):
    """Same JSON, byte for byte, whatever the order of rows and columns in the files."""
    shuffled = {}
    for name, rows in tables.items():
        if rows is None:
            shuffled[name] = None
            continue
        frame = pd.DataFrame(rows)
        cols = list(frame.columns)
        rnd.shuffle(cols)
        shuffled[name] = frame.sample(frac=1.0, random_state=rnd.randrange(2**31))[cols]
    a = to_json(solve(load_inputs(temp_folder(**tables))))
    b = to_json(solve(load_inputs(temp_folder(**shuffled))))
    assert a == b


@given(strat.instances())
def test_risk_weight_zero_gives_the_cheapest_cover(tables):
    """At risk weight 0 the objective is the procurement cost, and no plan covering demand within
    the caps is cheaper: the reference LP at risk weight 0 agrees, and the risk-weighted optimum
    never costs less to buy."""
    folder = temp_folder(**tables)
    data = load_inputs(folder)
    cheap = solve(data, RiskOptions(risk_weight=0.0))
    assert close(cheap.objective, cheap.procurement_cost)
    assert close(cheap.objective, reference_solve(folder, risk_weight=0.0)["objective"])
    careful = solve(data, RiskOptions(risk_weight=1.0))
    assert careful.procurement_cost >= cheap.procurement_cost * (1 - 1e-9) - 1e-6
    assert careful.expected_shortage_cost <= cheap.expected_shortage_cost * (1 + 1e-9) + 1e-6


@given(strat.instances(), strat.risk)
def test_marginal_cost_per_pp_matches_finite_differences(tables, risk_weight):
    """Where the objective is differentiable in a cap (left and right differences agree), the
    reported marginal cost equals 0.01 x the derivative."""
    data = load_inputs(temp_folder(**tables))
    options = RiskOptions(risk_weight)
    base = solve(data, options)
    h = 1e-4
    for cap in base.caps.itertuples():
        if not (h < cap.limit < 1 - h):
            continue
        key = (cap.origin, cap.element)
        try:
            down = solve(data.with_caps({key: cap.limit - h}), options).objective
        except InfeasibleError:
            continue
        up = solve(data.with_caps({key: cap.limit + h}), options).objective
        left, right = (down - base.objective) / h, (base.objective - up) / h
        scale = max(1.0, abs(base.objective))
        if abs(left - right) > 1e-6 * scale / h * 1e-2:
            continue  # a kink: the dual is one of a range of subgradients
        event("compared with finite differences")
        assert np.isclose(cap.marginal_cost_per_pp, 0.01 * left, rtol=1e-4, atol=1e-6 * scale)


@given(strat.instances())
def test_json_is_reproducible_and_complete(tables):
    data = load_inputs(temp_folder(**tables))
    first, second = to_json(solve(data)), to_json(solve(data))
    assert first == second
    doc = json.loads(first)
    assert len(doc["plan"]) == len(tables["supply"])
    assert {"status", "objective", "procurement_cost", "expected_shortage_cost", "plan", "caps", "scenarios"} <= set(doc)
    for entry in doc["caps"]:
        assert {"origin", "element", "max_share", "share", "binding", "marginal_cost_per_pp"} <= set(entry)
        assert entry["marginal_cost_per_pp"] >= 0
