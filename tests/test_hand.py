"""A case small enough to solve on paper, and the contract's sign conventions pinned on it."""

import pytest

from sourcing import InfeasibleError, RiskOptions, load_inputs, solve
from tests.helpers import check_invariants, temp_folder


def hand_folder(cap_a: float = 0.6, capacity_b: float = 100.0):
    return temp_folder(
        supply=[
            {"origin": "A", "element": "Nd", "unit_cost": 10, "capacity": 100},
            {"origin": "B", "element": "Nd", "unit_cost": 20, "capacity": capacity_b},
        ],
        demand=[{"element": "Nd", "demand": 100, "shortage_cost": 50}],
        caps=[{"origin": "A", "element": "*", "max_share": cap_a}],
        scenarios=[{"scenario": "ban", "probability": 0.1}],
        disruptions=[{"scenario": "ban", "origin": "A", "element": "Nd", "availability": 0}],
    )


def test_hand_solved_optimum():
    """Demand 100 t; A costs 10 USD/kg (capped at 60%), B 20 USD/kg; in 'ban' (p = 0.1) A delivers
    nothing and each unmet kg costs 50 USD.

    With risk weight 1, for x_B <= 100 the objective is
        10,000 x_A + 20,000 x_B + 0.1 * 50,000 * (100 - x_B) = 10,000 x_A + 15,000 x_B + 500,000,
    subject to x_A + x_B >= 100 and x_A <= 0.6 (x_A + x_B), i.e. x_A <= 1.5 x_B.
    Every tonne moved from B to A saves 5,000, so x_A = 60, x_B = 40:
        procurement 600,000 + 800,000 = 1,400,000; expected shortage 0.1 * 50,000 * 60 = 300,000;
        objective 1,700,000.
    At cap s the objective is 1,000,000 s + 1,500,000 (1 - s) + 500,000 = 2,000,000 - 500,000 s, so
    tightening by one point costs 5,000. One more tonne of demand (x_A = 60.6, x_B = 40.4, shortage
    60.6) costs 606,000 + 808,000 + 303,000 - 1,700,000 = 17,000 USD, i.e. 17 USD/kg.
    """
    data = load_inputs(hand_folder())
    result = solve(data, RiskOptions(risk_weight=1.0))
    plan = result.plan.set_index("origin")
    assert plan.loc["A", "volume"] == pytest.approx(60)
    assert plan.loc["B", "volume"] == pytest.approx(40)
    assert result.procurement_cost == pytest.approx(1_400_000)
    assert result.expected_shortage_cost == pytest.approx(300_000)
    assert result.objective == pytest.approx(1_700_000)
    cap = result.caps.iloc[0]
    assert bool(cap["binding"]) and cap["share"] == pytest.approx(0.6)
    assert cap["marginal_cost_per_pp"] == pytest.approx(5_000)
    assert result.elements.iloc[0]["marginal_cost"] == pytest.approx(17)
    shortage = result.shortages.set_index("scenario")["shortage"]
    assert shortage["ban"] == pytest.approx(60) and shortage["baseline"] == 0
    check_invariants(data, result)


def test_hand_risk_neutral_and_cvar():
    """Risk weight 0: 10,000 x_A + 20,000 x_B, same plan, objective 1,400,000, and a point of cap
    costs 10,000 (2,000,000 - 1,000,000 s).

    CVaR only (weight 1, level 0.9): the worst 10% is 'ban', so the risk term is 50,000 (100 - x_B)
    and the objective 10,000 x_A - 30,000 x_B + 5,000,000 is least at x_B = 100, x_A = 0: 2,000,000.
    """
    data = load_inputs(hand_folder())
    neutral = solve(data, RiskOptions(risk_weight=0.0))
    assert neutral.objective == pytest.approx(1_400_000)
    assert neutral.caps.iloc[0]["marginal_cost_per_pp"] == pytest.approx(10_000)
    check_invariants(data, neutral)
    tail = solve(data, RiskOptions(risk_weight=1.0, cvar_weight=1.0, cvar_level=0.9))
    plan = tail.plan.set_index("origin")
    assert plan.loc["B", "volume"] == pytest.approx(100)
    assert plan.loc["A", "volume"] == pytest.approx(0, abs=1e-6)
    assert tail.objective == pytest.approx(2_000_000)
    assert tail.cvar == pytest.approx(0.0, abs=1e-3)
    check_invariants(data, tail)


def test_hand_infeasible_names_smallest_cap():
    """B can ship 50 t; A capped at 30%: X <= 50 / 0.7 < 100. A must supply at least 50%."""
    data = load_inputs(hand_folder(cap_a=0.3, capacity_b=50))
    with pytest.raises(InfeasibleError, match=r"Nd: A must supply at least 50\.0% of imports .* is 30\.0%"):
        solve(data)


def test_sign_convention_of_marginal_cost_per_pp():
    """marginal_cost_per_pp >= 0 and is the rise of the objective when max_share falls by 0.01."""
    base = solve(load_inputs(hand_folder(cap_a=0.6)))
    tighter = solve(load_inputs(hand_folder(cap_a=0.59)))
    assert tighter.objective - base.objective == pytest.approx(base.caps.iloc[0]["marginal_cost_per_pp"])
    assert base.caps.iloc[0]["marginal_cost_per_pp"] > 0
