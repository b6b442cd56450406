"""The planner's risk questions: evaluate a given mix, the stockpile as a decision, and the value
of planning for disruption (VSS, EVPI)."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st

from sourcing import InputError, RiskOptions, bundled_inputs, load_inputs, solve
from sourcing.cli import main
from sourcing.data import load_plan
from sourcing.output.json import result_json as to_json
from sourcing.solver import evaluate, value_of_information
from tests import strategies as strat
from tests.helpers import check_invariants, close, reference_solve, temp_folder
from tests.test_hand import hand_folder


def run(*args: str):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


# ------------------------------------------------------------------------- evaluate


@given(strat.instances(), strat.risk, strat.cvar_weight, strat.cvar_level)
def test_evaluating_the_optimum_gives_the_optimum(tables, risk_weight, cvar_weight, cvar_level):
    data = load_inputs(temp_folder(**tables))
    options = RiskOptions(risk_weight, cvar_weight, cvar_level)
    best = solve(data, options)
    ev = evaluate(data, best.plan["volume"], options, with_optimum=False)
    assert ev.result.status == "evaluated"
    assert close(ev.result.objective, best.objective, rel=1e-6)
    assert ev.violations.empty
    check_invariants(data, ev.result)


@given(strat.instances(), strat.risk, st.sampled_from([0.0, 0.3, 3.0]))
def test_no_feasible_plan_beats_the_optimum_and_figures_match_reference(tables, risk_weight, other_weight):
    """The optimum for another risk weight is a feasible plan; priced at this weight it costs at least
    the optimum, and its objective equals the independent LP with the volumes fixed."""
    folder = temp_folder(**tables)
    data = load_inputs(folder)
    options = RiskOptions(risk_weight)
    plan = solve(data, RiskOptions(other_weight)).plan
    ev = evaluate(data, plan["volume"], options)
    assert ev.result.objective >= ev.optimum.objective * (1 - 1e-9) - 1e-6
    fixed = dict(zip(zip(plan["origin"], plan["element"]), plan["volume"]))
    ref = reference_solve(folder, risk_weight, fixed_volume=fixed)
    assert close(ev.result.objective, ref["objective"], rel=1e-6)
    check_invariants(data, ev.result)


@given(strat.instances(), strat.risk, st.floats(0.0, 1.5))
def test_any_plan_is_priced_exactly_with_violations(tables, risk_weight, scale):
    """A plan that breaks limits (volumes scaled by a random factor) is priced like the reference
    LP with the volumes fixed; uncovered demand is shortage in every scenario, baseline included."""
    folder = temp_folder(**tables)
    data = load_inputs(folder)
    volume = data.offers["capacity"] * scale
    ev = evaluate(data, volume, RiskOptions(risk_weight), with_optimum=False)
    fixed = dict(zip(zip(data.offers["origin"], data.offers["element"]), volume))
    assert close(ev.result.objective, reference_solve(folder, risk_weight, fixed_volume=fixed)["objective"])
    kinds = set(ev.violations["kind"])
    totals = ev.result.plan.groupby("element")["volume"].sum()
    demand = data.elements.set_index("element")["demand"]
    assert ("demand" in kinds) == bool((totals.reindex(demand.index, fill_value=0) < demand * (1 - 1e-9)).any())
    assert ("capacity" in kinds) == (scale > 1 and bool((data.offers["capacity"] > 0).any()))
    baseline = ev.result.shortages[ev.result.shortages["scenario"] == "baseline"].set_index("element")
    if len(baseline):
        stock = ev.result.elements.set_index("element")["optimal_stock"]
        gap = (demand - totals.reindex(demand.index, fill_value=0) - stock).clip(lower=0)
        assert np.allclose(baseline["shortage"].reindex(demand.index), gap, atol=1e-6 * demand.max())


def test_status_quo_beside_the_optimum():
    data = load_inputs(bundled_inputs())
    volume = load_plan(bundled_inputs() / "plans" / "status-quo.csv", data)
    china = data.offers["origin"] == "China"
    assert volume[china].sum() / volume.sum() == pytest.approx(0.60, abs=0.01)
    result = run("evaluate", "--plan", str(bundled_inputs() / "plans" / "status-quo.csv"), "--format", "json")
    assert result.exit_code == 0
    doc = json.loads(result.stdout)
    assert doc["status"] == "evaluated" and doc["optimum"]["status"] == "optimal"
    assert doc["optimum"] == json.loads(to_json(solve(data)))
    broken = {(v["origin"], v["element"]) for v in doc["violations"] if v["kind"] == "max_share"}
    mine = pd.DataFrame(doc["plan"]).set_index(["origin", "element"])
    over = {k for k, cap in zip(mine.index, mine["max_share"]) if mine.loc[k, "share"] > cap + 1e-9}
    assert broken == over and broken
    table = run("evaluate", "--plan", str(bundled_inputs() / "plans" / "status-quo.csv"))
    assert "your_mix" in table.stdout and "optimum" in table.stdout and "Violations (" in table.stdout


def test_bad_plan_file_exits_3_with_lines(tmp_path):
    plan = tmp_path / "plan.csv"
    plan.write_text("origin,element,volume\nChina,NdPr,10\nChile,NdPr,5\nChina,Xx,1\nIndia,Dy,3\nChina,NdPr,x\n")
    result = run("evaluate", "--plan", str(plan))
    assert result.exit_code == 3
    err = result.stderr
    assert "plan.csv:3:1: origin 'Chile' is not in the inputs' supply.csv" in err
    assert "plan.csv:4:2: element 'Xx' is not in the inputs' demand.csv" in err
    assert "plan.csv:5:2: India does not offer Dy" in err
    assert "plan.csv:6:3: expected a finite number" in err
    with pytest.raises(InputError, match="duplicate row"):
        plan.write_text("origin,element,volume\nChina,NdPr,10\nChina,NdPr,5\n")
        load_plan(plan, load_inputs(bundled_inputs()))


# ------------------------------------------------------------------------- stockpile decision


def test_stockpile_defaults_reproduce_v1_exactly():
    """max_stock = stock (explicitly, or by default) gives byte-identical output."""
    base = dict(
        supply="origin,element,unit_cost,capacity\nA,Nd,10,100\nB,Nd,20,100\n",
        demand="element,demand,shortage_cost\nNd,100,50\n",
        scenarios="scenario,probability\nban,0.1\n",
        disruptions="scenario,origin,element,availability\nban,A,*,0\n",
    )
    plain = temp_folder(**base, stockpile="element,stock\nNd,20\n")
    explicit = temp_folder(**base, stockpile="element,stock,max_stock,holding_cost\nNd,20,20,7\n")
    a, b = solve(load_inputs(plain)).to_dict(), solve(load_inputs(explicit)).to_dict()
    for doc in (a, b):  # the only difference is the echo of the holding cost, which cannot apply
        for row in doc["elements"] + doc["stockpile"]:
            row.pop("holding_cost")
    assert json.dumps(a) == json.dumps(b)
    assert a["stockpile_cost"] == 0.0


def test_stockpile_decision_by_hand():
    """Hand case (tests/test_hand.py) with stock 0 and up to 100 t storable at h USD/kg/yr.

    A tonne of stock saves 0.1 x 50,000 = 5,000 USD/yr of expected shortage in 'ban' (while the
    shortage lasts) and lets the plan shift nothing else (caps bind on contracts, not stock), so
    stock is worth holding iff h < 5 USD/kg: at h = 2, s = 60 (the ban shortage), objective
    1,700,000 - 60 x 5,000 + 60 x 2,000 = 1,520,000; at h = 8, s = 0.
    """
    for holding, level, objective in [(2.0, 60.0, 1_520_000.0), (8.0, 0.0, 1_700_000.0)]:
        folder = hand_folder()
        (folder / "stockpile.csv").write_text(f"element,stock,max_stock,holding_cost\nNd,0,100,{holding}\n")
        data = load_inputs(folder)
        result = solve(data)
        assert result.elements.iloc[0]["optimal_stock"] == pytest.approx(level, abs=1e-6)
        assert result.objective == pytest.approx(objective)
        assert result.stockpile_cost == pytest.approx(1000 * holding * level)
        check_invariants(data, result)
        doc = result.to_dict()
        assert doc["stockpile"][0]["optimal_stock"] == pytest.approx(level, abs=1e-6)


@given(strat.instances(), strat.risk, st.floats(0.0, 2000.0))
def test_raising_max_stock_never_raises_the_objective(tables, risk_weight, extra):
    folder = temp_folder(**tables)
    base = solve(load_inputs(folder), RiskOptions(risk_weight))
    rows = tables["stockpile"] or []
    raised = [{**r, "max_stock": r.get("max_stock", r["stock"]) + extra} for r in rows]
    folder2 = temp_folder(**{**tables, "stockpile": raised or None})
    more = solve(load_inputs(folder2), RiskOptions(risk_weight))
    assert more.objective <= base.objective * (1 + 1e-9) + 1e-6
    assert close(more.objective, reference_solve(folder2, risk_weight)["objective"])


# ------------------------------------------------------------------------- value of information


def test_value_of_information_by_hand():
    """Hand case: RP = 1,700,000 (x_A = 60, x_B = 40).

    Mean-value problem: A delivers 0.9 on average; the cheapest full cover with x_A <= 1.5 x_B and
    0.9 x_A + x_B >= 100 is x_B = 100 / 2.35 = 42.553, x_A = 63.830 (shortage costs 50,000/t, more than
    the 14,894 USD a delivered tonne costs). EEV prices it under the scenarios: procurement
    1,489,361.7 plus 0.1 x 50,000 x (100 - 42.553) = 287,234.0, i.e. 1,776,595.7; VSS = 76,595.7.
    Wait-and-see: baseline alone 1,400,000 (60/40), ban alone 2,000,000 (x_B = 100), so
    WS = 0.9 x 1,400,000 + 0.1 x 2,000,000 = 1,460,000 and EVPI = 240,000.
    """
    v = value_of_information(load_inputs(hand_folder()))
    assert v["recourse_problem"] == pytest.approx(1_700_000)
    assert v["mean_value_problem"] == pytest.approx(1_489_361.7, rel=1e-7)
    assert v["expected_result_of_mean_value_solution"] == pytest.approx(1_776_595.7, rel=1e-7)
    assert v["value_of_stochastic_solution"] == pytest.approx(76_595.7, rel=1e-6)
    assert v["wait_and_see"] == pytest.approx(1_460_000)
    assert v["expected_value_of_perfect_information"] == pytest.approx(240_000)


@given(strat.instances(), strat.risk)
def test_value_of_information_is_never_negative(tables, risk_weight):
    data = load_inputs(temp_folder(**tables))
    v = value_of_information(data, RiskOptions(risk_weight))
    scale = max(1.0, abs(v["recourse_problem"]))
    assert v["value_of_stochastic_solution"] >= -1e-7 * scale
    assert v["expected_value_of_perfect_information"] >= -1e-7 * scale


@given(strat.instances(max_elements=2, max_scenarios=2), strat.risk)
def test_value_of_information_matches_the_reference_lp(tables, risk_weight):
    """RP and WS are the reference LP's optima (on the full folder, and on one folder per scenario
    holding it alone at probability 1); EEV is the reference LP with the mean-value plan's volumes
    and stock levels fixed (the mean-value plan itself may be one of several optima)."""
    import shutil

    from sourcing.solver import mean_value_data

    folder = temp_folder(**tables)
    data = load_inputs(folder)
    options = RiskOptions(risk_weight)
    v = value_of_information(data, options)
    assert close(v["recourse_problem"], reference_solve(folder, risk_weight)["objective"])
    ws = 0.0
    for k, p in zip(data.scenarios["scenario"], data.scenarios["probability"]):
        alone = temp_folder(**{**tables, "scenarios": None, "disruptions": None})
        shutil.copy(folder / "supply.csv", alone / "supply.csv")
        if k != "baseline":
            (alone / "scenarios.csv").write_text(f"scenario,probability\n{k},1\n")
            dis = pd.DataFrame(tables["disruptions"] or [], columns=["scenario", "origin", "element", "availability"])
            dis[dis["scenario"] == k].to_csv(alone / "disruptions.csv", index=False)
        ws += p * reference_solve(alone, risk_weight)["objective"]
    assert close(v["wait_and_see"], ws)
    mean = solve(mean_value_data(data), options)
    fixed = dict(zip(zip(mean.plan["origin"], mean.plan["element"]), mean.plan["volume"]))
    stock = dict(zip(mean.elements["element"], mean.elements["optimal_stock"]))
    eev = reference_solve(folder, risk_weight, fixed_volume=fixed, fixed_stock=stock)["objective"]
    assert close(v["expected_result_of_mean_value_solution"], eev)


def test_value_of_information_cli():
    result = run("solve", "--value-of-information", "--format", "json")
    assert result.exit_code == 0
    doc = json.loads(result.stdout)
    assert doc["value_of_stochastic_solution"] >= 0
    assert doc["expected_value_of_perfect_information"] >= 0
    assert doc["recourse_problem"] == pytest.approx(doc["objective"])
    refused = run("solve", "--value-of-information", "--cvar-weight", "0.5")
    assert refused.exit_code == 2 and "risk-neutral" in refused.stderr
