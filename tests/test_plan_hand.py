"""Multi-year plans small enough to solve on paper; each derivation is in the test's docstring.

Money in USD; a price of c USD/kg on x t costs 1,000 c x USD.
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from sourcing import RiskOptions, load_inputs, plan, plan_value_of_information, solve, value_of_information
from tests.helpers import temp_folder
from tests.plan_invariants import check_plan
from tests.test_hand import hand_folder


def folder(supply, demand, scenarios=None, disruptions=None, stockpile=None, investments=None, caps=None):
    return temp_folder(supply=supply, demand=demand, scenarios=scenarios, disruptions=disruptions,
                       stockpile=stockpile, investments=investments, caps=caps)


def volume(result, path: str, year: int, origin: str) -> float:
    v = result.volumes
    return float(v[(v["path"] == path) & (v["year"] == year) & (v["origin"] == origin)]["volume"].sum())


def test_one_year_is_solve_on_the_hand_case():
    """tests/test_hand.py's case (A 10 USD/kg capped at 60%, B 20 USD/kg, a ban of A with
    probability 0.1, shortage 50 USD/kg) over the one year 2026: the paths are ``baseline``
    (0.9) and ``ban@2026`` (0.1), solve's scenarios, and the plan is solve's: x_A = 60, x_B = 40,
    objective 1,700,000, expected shortage 0.1 x 50,000 x 60 = 300,000."""
    f = hand_folder()
    data = load_inputs(f)
    one = solve(data)
    result = plan(data, (2026, 2026))
    assert result.objective == pytest.approx(one.objective) == pytest.approx(1_700_000)
    assert result.expected_shortage_cost == pytest.approx(300_000)
    assert volume(result, "baseline", 2026, "A") == pytest.approx(60)
    assert volume(result, "ban@2026", 2026, "B") == pytest.approx(40)
    assert result.paths["probability"].tolist() == pytest.approx([0.9, 0.1])
    check_plan(result, f)


def lead_case(lead: int, capacity_a: float = 100):
    """2026-2028; Nd demand 0, 0, 100 t; A 10 USD/kg (lead ``lead``), B 30 USD/kg (lead 0);
    a ban of A (availability 0, three years) with hazard 0.1; shortage 100 USD/kg."""
    return folder(
        supply=[{"origin": "A", "element": "Nd", "unit_cost": 10, "capacity": capacity_a, "lead_time": lead},
                {"origin": "B", "element": "Nd", "unit_cost": 30, "capacity": 100, "lead_time": 0}],
        demand=[{"element": "Nd", "demand": 0, "shortage_cost": 100, "year": ""},
                {"element": "Nd", "demand": 100, "shortage_cost": 100, "year": 2028}],
        scenarios=[{"scenario": "ban", "probability": 0.1, "duration": 3}],
        disruptions=[{"scenario": "ban", "origin": "A", "element": "*", "availability": 0}])


@pytest.mark.parametrize(("lead", "expected"), [(0, 2_190_000), (1, 2_280_000), (2, 2_380_000)])
def test_a_contract_with_lead_time_2_cannot_react_to_an_event_in_the_first_year(lead, expected):
    """Only 2028 has demand. Paths: baseline 0.729, ban@2026 0.1, ban@2027 0.09, ban@2028 0.081
    (hazard 0.1: 0.1 x 0.9^t). Buying B instead of A costs 20 USD/kg more and saves the
    shortage only on ban@2028; on paths whose ban is known when contracting, B is bought.

    Lead 0: A for 2028 is signed at the start of 2028. No ban yet (0.81): A 100 (1,000,000 x
    0.81), and ban@2028 loses it (0.081 x 10,000,000); known bans (0.19) buy B 100 (3,000,000 x
    0.19): 810,000 + 810,000 + 570,000 = 2,190,000.
    Lead 1: A is signed at the start of 2027, knowing 2026: no ban in 2026 (0.9): A 100 (900,000);
    of those, ban@2027 (0.09) buys B (270,000) and ban@2028 loses 810,000; ban@2026 (0.1) buys B
    (300,000): 2,280,000.
    Lead 2: A is signed at the start of 2026, before anything is known: A 100 on every path
    (1,000,000), wasted on ban@2026 as on the others: 1,000,000 + 810,000 + 570,000 = 2,380,000.
    """
    f = lead_case(lead)
    result = plan(load_inputs(f), (2026, 2028))
    assert result.objective == pytest.approx(expected)
    assert volume(result, "baseline", 2028, "A") == pytest.approx(100)
    assert volume(result, "ban@2026", 2028, "A") == pytest.approx(100 if lead == 2 else 0, abs=1e-6)
    assert volume(result, "ban@2026", 2028, "B") == pytest.approx(100)
    check_plan(result, f)


def test_the_value_of_the_stochastic_solution_over_the_tree():
    """The lead-2 case with A's capacity 200. The mean-value problem sees A deliver, in 2028, its
    expected availability 1 - (0.1 + 0.09 + 0.081) = 0.729, so it signs A = 100 / 0.729 =
    137.17 t at the root (cheaper per arriving kg than B: 10 / 0.729 < 30), MV = 1,371,742.
    Fixing that root decision on the tree: 37.17 t more than the plan's A = 100 are paid on every
    path and never help (on ban paths A delivers nothing): EEV = RP + 371,742 with RP = 2,380,000.
    Wait-and-see: baseline (0.729) buys A 100, every ban path B 100: WS = 729,000 + 0.271 x
    3,000,000 = 1,542,000, so EVPI = 838,000."""
    f = lead_case(2, capacity_a=200)
    v = plan_value_of_information(load_inputs(f), (2026, 2028))
    assert v["recourse_problem"] == pytest.approx(2_380_000)
    assert v["mean_value_problem"] == pytest.approx(10_000 * 100 / 0.729)
    assert v["value_of_stochastic_solution"] == pytest.approx(10_000 * (100 / 0.729 - 100))
    assert v["wait_and_see"] == pytest.approx(1_542_000)
    assert v["expected_value_of_perfect_information"] == pytest.approx(838_000)


def test_value_of_information_over_one_year_is_solves():
    """Over one year the tree is solve's scenarios, the root decisions are all the volumes, and the
    mean-value problem is solve's: VSS, EVPI and their parts agree (tests/test_planning.py's case)."""
    data = load_inputs(hand_folder())
    one, multi = value_of_information(data), plan_value_of_information(data, (2026, 2026))
    for key, value in one.items():
        assert multi[key] == pytest.approx(value, abs=1e-6), key


@pytest.mark.parametrize("rate", [0.0, 0.1])
def test_an_investment_with_lead_time_3_in_4_years_helps_only_the_last_year(rate):
    """2026-2029, Nd demand 100 t a year; A 50 USD/kg (capacity 100); B 20 USD/kg but capacity 0
    unless project j (capex 200,000 USD per t/yr, lead 3, life 20, up to 100 t/yr) funds it.
    The only decision year is 2029 - 3 = 2026; the capacity is online from 2029, the last year.
    It is charged capex x CRF(r, 20) per t/yr in each year online inside the horizon, 2029 only,
    discounted by DF = 1.1^-3 at r = 0.1: at r = 0, 10,000 USD per t/yr (10 USD/kg), so B costs
    30 < 50 and j is funded at 100 t/yr: 3 x 5,000,000 + 2,000,000 + 1,000,000 = 18,000,000 (not
    the 20,000,000 of A alone). At r = 0.1 the same plan is optimal (per kg in 2029: 20 +
    23.49 < 50) and costs 5,000,000 (1 + 1.1^-1 + 1.1^-2) + (2,000,000 + 100 x 200,000 x
    CRF(0.1, 20)) 1.1^-3."""
    f = folder(
        supply=[{"origin": "A", "element": "Nd", "unit_cost": 50, "capacity": 100},
                {"origin": "B", "element": "Nd", "unit_cost": 20, "capacity": 0}],
        demand=[{"element": "Nd", "demand": 100, "shortage_cost": 500}],
        investments=[{"project": "j", "origin": "B", "element": "Nd", "capex": 200_000, "lead_time": 3,
                      "max_capacity": 100, "life": 20}])
    result = plan(load_inputs(f), (2026, 2029), discount_rate=rate)
    crf = 1 / 20 if rate == 0 else rate / (1 - (1 + rate) ** -20)
    df = (1 + rate) ** -np.arange(4)
    expected = 5_000_000 * df[:3].sum() + (2_000_000 + 100 * 200_000 * crf) * df[3]
    assert result.objective == pytest.approx(expected)
    assert result.investment_cost == pytest.approx(100 * 200_000 * crf * df[3])
    inv = result.investments
    assert inv["year"].unique().tolist() == [2026]
    assert inv["capacity"].tolist() == pytest.approx([100.0])
    b = result.volumes[result.volumes["origin"] == "B"].set_index("year")["volume"]
    assert b.tolist() == pytest.approx([0, 0, 0, 100])
    check_plan(result, f)


def tomlin_case(hazard: float, duration: int):
    """2026-2027, Nd demand 100 t a year; A 10 USD/kg, unreliable (an event stops it), lead 0;
    B 15 USD/kg, reliable, signed a year ahead (lead 1: both years at the start of 2026); a stock
    of 100 t (no room to build), held at 2 USD/kg/yr; shortage 100 USD/kg."""
    return folder(
        supply=[{"origin": "A", "element": "Nd", "unit_cost": 10, "capacity": 200, "lead_time": 0},
                {"origin": "B", "element": "Nd", "unit_cost": 15, "capacity": 100, "lead_time": 1}],
        demand=[{"element": "Nd", "demand": 100, "shortage_cost": 100}],
        scenarios=[{"scenario": "stop", "probability": hazard, "duration": duration}],
        disruptions=[{"scenario": "stop", "origin": "A", "element": "*", "availability": 0}],
        stockpile=[{"element": "Nd", "stock": 100, "holding_cost": 2}])


def test_tomlin_frequent_short_disruptions_are_met_with_stock_rare_long_ones_with_a_reliable_source():
    """Tomlin (2006): against frequent short disruptions, holding stock beats a reliable dearer
    source; against rare long ones, the reverse.

    On the one-event tree (``--events first``):
    frequent and short (hazard 0.5, one year; baseline 0.25, stop@2026 0.5, stop@2027 0.25): A both
    years on every path (2,000,000) and the stock kept through 2026 wherever it was not used (no
    stop in 2026: 0.5 x 100 t x 2 USD/kg = 100,000): 2,100,000, no shortage. B for a year, signed
    at the root instead of A, costs 500,000 more on every path and saves at most that holding.
    Rare and long (hazard 0.1, two years; baseline 0.81, stop@2026 0.1, stop@2027 0.09): the stock
    bridges one year only, and B cannot be signed after a stop. A for 2026 (1,000,000) and B for
    2027 at the root (1,500,000): a 2026 stop is bridged by the stock, 2027 is B's on every path,
    the stock is idle after 2026 and not held: 2,500,000. Against it, the stock plan costs
    1,000,000 + 900,000 (A for 2027 where no stop came in 2026) + 180,000 (holding) + 1,000,000
    (stop@2026 loses 2027: 0.1 x 100 t x 100 USD/kg) = 3,080,000; B for 2026 with the stock kept
    for 2027, 1,500,000 + 200,000 + 900,000 = 2,600,000."""
    short = plan(load_inputs(tomlin_case(0.5, 1)), (2026, 2027), events="first")
    assert short.objective == pytest.approx(2_100_000)
    assert short.volumes.query("origin == 'B'")["volume"].abs().max() == pytest.approx(0, abs=1e-6)
    assert short.stock.query("path == 'baseline' and year == 2026")["stock"].item() == pytest.approx(100)
    assert short.expected_shortage_cost == pytest.approx(0, abs=1e-3)
    long = plan(load_inputs(tomlin_case(0.1, 2)), (2026, 2027), events="first")
    assert long.objective == pytest.approx(2_500_000)
    assert volume(long, "baseline", 2027, "B") == pytest.approx(100)
    assert volume(long, "baseline", 2026, "B") == pytest.approx(0, abs=1e-6)
    assert long.stock.query("path == 'baseline' and year == 2026")["stock"].item() == pytest.approx(0, abs=1e-6)


def test_a_lower_hazard_can_raise_the_objective_over_several_years():
    """Why the hazard property holds for one year only: with one event per path, an event is also
    news that no other will come. 2026-2027, Nd demand 0 then 100 t; A 10 USD/kg (lead 0) fails
    in a one-year stop; shortage 100 USD/kg. A 2026 stop is harmless (no demand) and rules out a
    2027 one; a 2027 stop costs its 100 t of shortage. The plan buys A 100 for 2027 on every path
    (1,000,000) and loses 10,000,000 on stop@2027, of probability p (1 - p): at p = 0.9 that is
    1,000,000 + 0.09 x 10,000,000 = 1,900,000; at p = 0.6, 1,000,000 + 0.24 x 10,000,000 =
    3,400,000. The lower hazard costs more. With independent events (the default) a 2026 stop
    rules nothing out: stop@2027 has probability p, 1,000,000 + 0.9 x 10,000,000 = 10,000,000 at
    p = 0.9 and 7,000,000 at p = 0.6: the lower hazard costs less."""
    def case(p, events="first"):
        return plan(load_inputs(folder(
            supply=[{"origin": "A", "element": "Nd", "unit_cost": 10, "capacity": 100}],
            demand=[{"element": "Nd", "demand": 0, "shortage_cost": 100, "year": ""},
                    {"element": "Nd", "demand": 100, "shortage_cost": 100, "year": 2027}],
            scenarios=[{"scenario": "stop", "probability": p}],
            disruptions=[{"scenario": "stop", "origin": "A", "element": "*", "availability": 0}])), (2026, 2027),
            events=events)
    assert case(0.9).objective == pytest.approx(1_900_000)
    assert case(0.6).objective == pytest.approx(3_400_000)
    assert case(0.9, "independent").objective == pytest.approx(10_000_000)
    assert case(0.6, "independent").objective == pytest.approx(7_000_000)


def test_days_of_stock_if_an_origin_stopped():
    """The hand case with a stock of 50 t over 2026: the plan is still A 60, B 40 (the ban's
    shortage is 10 t, so moving a tonne to A saves 10,000 and costs 5,000). If A stopped, the
    deficit would be 100 - 40 = 60 t a year, which 50 t cover for 365 x 50 / 60 = 304.17 days; if
    B stopped, 365 x 50 / 40 = 456.25 days."""
    f = hand_folder()
    (f / "stockpile.csv").write_text("element,stock\nNd,50\n")
    result = plan(load_inputs(f), (2026, 2026))
    days = result.survival.set_index("origin")["days"]
    assert days["A"] == pytest.approx(365 * 50 / 60)
    assert days["B"] == pytest.approx(365 * 50 / 40)


def test_dated_hazards_give_the_path_probabilities():
    """A hazard of 0.1 in 2026 and 0.3 from 2027, over 2026-2027, one event per path: e@2026 0.1,
    e@2027 0.9 x 0.3 = 0.27, baseline 0.9 x 0.7 = 0.63; a duration dated 2027 applies to a 2027
    start. Independent events (one-year ban): e@2026+e@2027 0.1 x 0.3 = 0.03, e@2026 0.07."""
    f = lead_case(0)
    (f / "scenarios.csv").write_text("scenario,probability,duration,year\nban,0.1,1,\nban,0.3,2,2027\n")
    result = plan(load_inputs(f), (2026, 2027), events="first")
    prob = result.paths.set_index("path")["probability"]
    assert prob.to_dict() == pytest.approx({"baseline": 0.63, "ban@2026": 0.1, "ban@2027": 0.27})
    prob = plan(load_inputs(f), (2026, 2027)).paths.set_index("path")["probability"]
    assert prob.to_dict() == pytest.approx({"baseline": 0.63, "ban@2026": 0.07, "ban@2026+ban@2027": 0.03,
                                            "ban@2027": 0.27})


def test_the_invariant_checker_catches_a_broken_plan():
    """check_plan is not vacuous: a contract raised on one path only breaks non-anticipativity,
    and a volume above capacity breaks (P1)."""
    f = lead_case(2)
    result = plan(load_inputs(f), (2026, 2028))
    check_plan(result, f)
    v = result.volumes.copy()
    v.loc[(v["path"] == "ban@2026") & (v["origin"] == "A") & (v["year"] == 2028), "volume"] -= 10
    with pytest.raises(AssertionError):
        check_plan(dataclasses.replace(result, volumes=v), f)
    v = result.volumes.copy()
    v.loc[v["origin"] == "B", "volume"] += 500
    with pytest.raises(AssertionError):
        check_plan(dataclasses.replace(result, volumes=v), f)


def test_cvar_weight_trades_expected_for_tail_shortage():
    """The lead-0 case: the only shortage is ban@2028's 100 t (10,000,000 USD, probability 0.081),
    which B signed at the start of 2028 (on the history without a ban) would avoid at 2,000,000 x
    0.81 more. Risk-neutral, the plan takes the shortage; with all weight on CVaR at level 0.95
    (the worst 5% of probability, all inside ban@2028), avoiding it is worth 10,000,000, and B is
    signed."""
    f = lead_case(0)
    neutral = plan(load_inputs(f), (2026, 2028))
    tail = plan(load_inputs(f), (2026, 2028), options=RiskOptions(risk_weight=1, cvar_weight=1, cvar_level=0.95))
    assert volume(neutral, "baseline", 2028, "B") == pytest.approx(0, abs=1e-6)
    assert volume(tail, "baseline", 2028, "B") == pytest.approx(100)
    assert tail.cvar == pytest.approx(0, abs=1e-3) and neutral.cvar == pytest.approx(10_000_000)
    check_plan(tail, f)
