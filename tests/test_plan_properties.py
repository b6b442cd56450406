"""Properties of ``sourcing plan`` on random instances (hypothesis, the CI profile of conftest.py).

- The per-path formulation of ``tests/plan_reference.py`` (decisions per path, tied by explicit
  equalities between paths that share a history) reaches the same optimum.
- Every constraint, the non-anticipativity of every decision, and every figure hold when
  recomputed from the result frames (``tests/plan_invariants.py``).
- The objective never falls when a cap tightens or a lead time grows (the feasible set shrinks);
  never rises when an event gets milder (availability up: more arrives, spare capacity grows).
- With one year, it never rises when a hazard falls: mass moves from an event path to ``baseline``,
  whose in-year options include the event path's. Over several years this is *not* a property of
  the tree (one event per path: a lower hazard of a harmless event can make a harmful later one
  likelier); ``test_plan_hand.py`` shows a case.
- With one year (and nothing only plan reads), the plan of ``--events first`` has ``solve``'s objective.
- The default (independent events, in progress today, up to three) and ``--events first`` each
  agree with the per-path formulation on its own enumeration of the paths.

Each comparison solves two plans, so those run fewer examples than the profile's (``PAIRS``).
"""

from __future__ import annotations

import copy

from hypothesis import given, settings
from hypothesis import strategies as st

from sourcing import InfeasibleError, RiskOptions, load_inputs, plan, solve
from tests.helpers import close, temp_folder
from tests.plan_invariants import check_plan
from tests.plan_reference import reference_plan
from tests.plan_strategies import plan_instances
from tests.strategies import instances

risk = st.sampled_from([RiskOptions(), RiskOptions(risk_weight=0.0), RiskOptions(risk_weight=2.0),
                        RiskOptions(risk_weight=1.0, cvar_weight=0.5, cvar_level=0.8)])
rate = st.sampled_from([0.0, 0.0, 0.05, -0.02])
PAIRS = settings(max_examples=15)


def solved(tables: dict, years, options: RiskOptions | None = None, discount_rate: float = 0.0):
    folder = temp_folder(**tables)
    return folder, plan(load_inputs(folder, year=years[0]), years, discount_rate=discount_rate, options=options)


@given(plan_instances(max_events=3, in_progress=True), risk, rate)
def test_plan_agrees_with_the_per_path_formulation_and_meets_every_constraint(case, options, r):
    """Independent events (the default), up to three, overlapping, in progress today: the exact tree."""
    folder, result = solved(case["tables"], case["years"], options, r)
    assert result.tree["exact"]
    ref = reference_plan(folder, case["years"], options.risk_weight, options.cvar_weight, options.cvar_level, r)
    assert ref["status"] == "optimal"
    assert set(ref["paths"]) == set(result.paths["path"])
    assert close(result.objective, ref["objective"], scale=1.0)
    check_plan(result, folder)


@given(plan_instances(), risk)
def test_the_first_event_tree_agrees_with_its_per_path_formulation(case, options):
    folder = temp_folder(**case["tables"])
    result = plan(load_inputs(folder, year=case["years"][0]), case["years"], options=options, events="first")
    ref = reference_plan(folder, case["years"], options.risk_weight, options.cvar_weight, options.cvar_level,
                         events="first")
    assert close(result.objective, ref["objective"], scale=1.0)
    check_plan(result, folder)


def _objective(tables: dict, years) -> float:
    try:
        return solved(tables, years)[1].objective
    except InfeasibleError:
        return float("inf")


@PAIRS
@given(plan_instances(max_years=2), st.data())
def test_tightening_a_cap_never_lowers_the_objective(case, data):
    tables, years = case["tables"], case["years"]
    base = _objective(tables, years)
    tighter = copy.deepcopy(tables)
    row = data.draw(st.sampled_from(tighter["supply"]))
    caps = [c for c in (tighter["caps"] or []) if (c["origin"], c["element"]) == (row["origin"], row["element"])]
    share = data.draw(st.floats(0.3, 0.95))
    if caps:
        caps[0]["max_share"] = round(caps[0]["max_share"] * share, 3)
    else:
        tighter["caps"] = (tighter["caps"] or []) + [{"origin": row["origin"], "element": row["element"],
                                                      "max_share": round(share, 3), "year": ""}]
    assert _objective(tighter, years) >= base - 1e-6 * max(1.0, abs(base))


@PAIRS
@given(plan_instances(max_years=3), st.data())
def test_a_longer_lead_time_never_lowers_the_objective(case, data):
    tables, years = case["tables"], case["years"]
    base = _objective(tables, years)
    longer = copy.deepcopy(tables)
    row = data.draw(st.sampled_from(longer["supply"]))
    row["lead_time"] += 1
    assert _objective(longer, years) >= base - 1e-6 * max(1.0, abs(base))


@PAIRS
@given(plan_instances(max_years=3), st.data())
def test_a_milder_event_never_raises_the_objective(case, data):
    tables, years = case["tables"], case["years"]
    if not tables["disruptions"]:
        return
    base = _objective(tables, years)
    milder = copy.deepcopy(tables)
    row = data.draw(st.sampled_from(milder["disruptions"]))
    row["availability"] = round(row["availability"] + data.draw(st.floats(0, 1)) * (1 - row["availability"]), 3)
    assert _objective(milder, years) <= base + 1e-6 * max(1.0, abs(base))


@PAIRS
@given(plan_instances(max_years=1), st.data())
def test_in_one_year_a_lower_hazard_never_raises_the_objective(case, data):
    tables, years = case["tables"], case["years"]
    if not tables["scenarios"]:
        return
    base = _objective(tables, years)
    lower = copy.deepcopy(tables)
    row = data.draw(st.sampled_from(lower["scenarios"]))
    row["probability"] = round(row["probability"] * data.draw(st.floats(0, 1)), 4)
    assert _objective(lower, years) <= base + 1e-6 * max(1.0, abs(base))


@given(instances(with_stock_decision=False), risk)
def test_one_year_is_solve(tables, options):
    """Contract v1's folders (no lead time, spot, investment, terminal stock, holding cost; stock
    fixed): with one event per path (``--events first``) the paths are v1's scenarios, and the
    objectives agree."""
    folder = temp_folder(**tables)
    data = load_inputs(folder)
    try:
        one = solve(data, options)
    except InfeasibleError:
        return
    multi = plan(data, (2026, 2026), options=options, events="first")
    assert close(multi.objective, one.objective, scale=1.0)
