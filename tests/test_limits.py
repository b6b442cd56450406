"""Caps that say what policy says: groups, demand basis, upstream content, floors."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner
from hypothesis import event, given
from hypothesis import strategies as st

from sourcing import InfeasibleError, InputError, RiskOptions, bundled_inputs, load_inputs, solve
from sourcing.cli import main
from tests import strategies as strat
from tests.helpers import check_invariants, close, reference_limits, reference_solve, temp_folder

SUPPLY = ("origin,element,unit_cost,capacity\nChina,Nd,10,100\nVietnam,Nd,12,100\nFrance,Nd,30,100\n"
          "China,Dy,100,100\nFrance,Dy,300,100\n")
DEMAND = "element,demand,shortage_cost\nNd,100,1000\nDy,50,1000\n"


def folder(**files):
    return temp_folder(supply=files.pop("supply", SUPPLY), demand=files.pop("demand", DEMAND), **files)


@given(strat.policy_instances(), strat.risk)
def test_policy_limits_match_the_reference_lp(tables, risk_weight):
    """On random groups, contents, floors and bases: same optimum as the reference LP written
    independently from the CSV files, or both infeasible; every limit holds when recomputed."""
    path = temp_folder(**tables)
    try:
        data = load_inputs(path)
    except InputError as exc:  # e.g. a floor above a cap drawn at random: must be said so
        assert all("min_share" in p.message or "fraction" in p.message for p in exc.problems), exc
        event("rejected input")
        return
    ref = reference_solve(path, risk_weight)
    try:
        result = solve(data, RiskOptions(risk_weight))
    except InfeasibleError as exc:
        assert ref["status"] == "infeasible"
        assert exc.causes
        event("both infeasible")
        return
    assert ref["status"] == "optimal"
    event("both optimal")
    assert close(result.objective, ref["objective"], rel=1e-6)
    check_invariants(data, result, folder=path)


def test_groups_cap_the_members_together():
    """China and Vietnam as one group capped at 60% of Nd: the cheapest plan takes 60 t from the
    group (China first at 10) and 40 t from France: 600 + 0 + 1,200 = 1,800 thousand USD."""
    path = folder(groups="group,origin\nchina_routed,China\nchina_routed,Vietnam\n",
                  caps="origin,element,max_share\nchina_routed,Nd,0.6\n")
    result = solve(load_inputs(path), RiskOptions(risk_weight=0))
    plan = result.plan.set_index(["origin", "element"])["volume"]
    assert plan["China", "Nd"] == pytest.approx(60) and plan["France", "Nd"] == pytest.approx(40)
    cap = result.caps.iloc[0]
    assert (cap["origin"], cap["kind"], bool(cap["binding"])) == ("china_routed", "max", True)
    # tightening by one point moves 1 t from China (10) to France (30): 20,000 USD
    assert cap["marginal_cost_per_pp"] == pytest.approx(20_000)


@given(strat.instances(), strat.risk)
def test_a_group_of_one_origin_is_the_origin(tables, risk_weight):
    caps = tables["caps"] or []
    if not caps:
        return
    first = caps[0]
    grouped = {**tables, "groups": [{"group": "solo", "origin": first["origin"]}],
               "caps": [{**first, "origin": "solo"}] + caps[1:]}
    a = solve(load_inputs(temp_folder(**tables)), RiskOptions(risk_weight))
    b = solve(load_inputs(temp_folder(**grouped)), RiskOptions(risk_weight))
    assert close(a.objective, b.objective)
    solo = b.caps[b.caps["origin"] == "solo"]
    assert len(solo) == int(first["max_share"] < 1)  # a cap of 1 is no cap
    if solo.empty:
        return
    assert solo.iloc[0]["limit"] == first["max_share"]
    member = b.plan.set_index(["origin", "element"])["share"][first["origin"], first["element"]]
    assert solo.iloc[0]["share"] == pytest.approx(member)


@given(strat.instances(), st.data())
def test_a_demand_basis_cap_of_one_never_binds_when_supply_covers_demand_exactly(tables, data):
    """At risk weight 0 nothing is bought beyond demand, so x[o,e] <= 1 x demand[e] cannot bind."""
    origin = data.draw(st.sampled_from(sorted({r["origin"] for r in tables["supply"]})))
    extra = {"origin": origin, "element": "*", "max_share": 1.0, "basis": "demand"}
    capped = {**tables, "caps": (tables["caps"] or []) + [extra]}
    a = solve(load_inputs(temp_folder(**tables)), RiskOptions(0))
    b = solve(load_inputs(temp_folder(**capped)), RiskOptions(0))
    assert close(a.objective, b.objective)
    rows = b.caps[b.caps["basis"] == "demand"]
    assert len(rows) and (rows["share"] <= 1 + 1e-9).all()
    # where the origin does not supply the whole demand the row is slack, so it has no marginal cost
    # (where it does, tightening it would cost: a positive marginal cost is then right)
    slack = rows["share"] < 1 - 1e-6
    assert (rows.loc[slack, "marginal_cost_per_pp"] == 0).all()


@given(strat.instances(), strat.risk)
def test_a_content_cap_with_identity_content_is_the_origin_cap(tables, risk_weight):
    caps = tables["caps"] or []
    if not caps:
        return
    as_content = {**tables, "caps": [{**c, "scope": "content"} for c in caps]}
    a = solve(load_inputs(temp_folder(**tables)), RiskOptions(risk_weight))
    b = solve(load_inputs(temp_folder(**as_content)), RiskOptions(risk_weight))
    assert close(a.objective, b.objective)
    assert a.caps["marginal_cost_per_pp"].tolist() == pytest.approx(b.caps["marginal_cost_per_pp"].tolist(), rel=1e-6,
                                                                     abs=1e-6 * max(1.0, a.objective))


def test_content_cap_counts_chinese_oxide_routed_through_vietnam():
    """Half of Vietnam's Nd is Chinese oxide. A 50% cap on China's content allows
    China + 0.5 Vietnam <= 50; at risk weight 0 the cheapest plan is China 50 - 0.5 V with V as large
    as pays: every tonne of V (12) displaces France (30) but costs 0.5 t of China (10): take V = 100?
    No: X = 100 gives China = 50 - 0.5 V and France = 50 - 0.5 V >= 0, so V = 100, China 0, France 0:
    cost 1,200 thousand USD against 10 x 50 + 12 x 50 = 1,100 with the plain origin cap."""
    content = "origin,element,upstream,fraction\nVietnam,*,China,0.5\n"
    plain = solve(load_inputs(folder(content=content, caps="origin,element,max_share\nChina,Nd,0.5\n")), RiskOptions(0))
    routed = solve(load_inputs(folder(content=content,
                                      caps="origin,element,max_share,scope\nChina,Nd,0.5,content\n")), RiskOptions(0))
    nd = routed.plan[routed.plan["element"] == "Nd"].set_index("origin")["volume"]
    assert nd["Vietnam"] == pytest.approx(100) and nd["China"] == pytest.approx(0, abs=1e-6)
    assert routed.objective - 1000 * 100 * 50 == pytest.approx(1_200_000)  # Dy: 50 t from China at 100
    assert plain.objective - 1000 * 100 * 50 == pytest.approx(1_100_000)
    row = routed.caps.iloc[0]
    assert row["scope"] == "content" and row["share"] == pytest.approx(0.5)


def test_floor_and_its_marginal_cost():
    """At least 30% of Nd from France (30 USD/kg, against China's 10): 30 t of France; raising the
    floor a point moves 1 t from China to France: 20,000 USD."""
    result = solve(load_inputs(folder(caps="origin,element,min_share\nFrance,Nd,0.3\n")), RiskOptions(0))
    nd = result.plan[result.plan["element"] == "Nd"].set_index("origin")["volume"]
    assert nd["France"] == pytest.approx(30)
    row = result.caps.iloc[0]
    assert row["kind"] == "min" and bool(row["binding"])
    assert row["marginal_cost_per_pp"] == pytest.approx(20_000)
    raised = solve(load_inputs(folder(caps="origin,element,min_share\nFrance,Nd,0.31\n")), RiskOptions(0))
    assert raised.objective - result.objective == pytest.approx(row["marginal_cost_per_pp"])


def test_demand_basis_cap():
    """China at most 40% of Nd demand (40 t), whatever is contracted beyond demand."""
    result = solve(load_inputs(folder(caps="origin,element,max_share,basis\nChina,Nd,0.4,demand\n")), RiskOptions(0))
    nd = result.plan[result.plan["element"] == "Nd"].set_index("origin")["volume"]
    assert nd["China"] == pytest.approx(40)
    row = result.caps.iloc[0]
    assert row["basis"] == "demand" and row["share"] == pytest.approx(0.4)


@pytest.mark.parametrize(
    ("files", "pattern"),
    [
        ({"groups": "group,origin\nallies,Japan\n"}, r"groups\.csv:2:2: origin 'Japan' is not defined"),
        ({"groups": "group,origin\nChina,France\n"}, r"groups\.csv:2:1: group 'China' has the name of an origin"),
        ({"content": "origin,element,upstream,fraction\nVietnam,*,China,0.7\nVietnam,Nd,Myanmar,0.5\n"},
         r"content\.csv:3:4: content fractions of Vietnam Nd sum to 1\.2"),
        ({"caps": "origin,element,max_share,min_share\nFrance,Nd,0.2,0.3\n"},
         r"caps\.csv:2:4: floor min_share 0\.3 is above the cap max_share 0\.2"),
        ({"caps": "origin,element,max_share,basis\nChina,Nd,0.2,exports\n"}, r"caps\.csv:2:4: got 'exports'; expected one of imports, demand"),
        ({"caps": "origin,element,max_share,min_share\nChina,Nd,,\n"}, r"caps\.csv:2:3: missing value: give max_share"),
        ({"caps": "origin,element\nChina,Nd\n"}, r"caps\.csv:1:1: missing column: give at least one of max_share, min_share"),
        ({"caps": "origin,element,max_share\nallies,Nd,0.5\n"}, r"caps\.csv:2:1: origin 'allies' is not defined"),
    ],
)
def test_bad_policy_input_exits_3_with_file_and_line(files, pattern):
    path = folder(**files)
    result = CliRunner().invoke(main, ["check", "--inputs", str(path)])
    assert result.exit_code == 3
    assert any(__import__("re").search(pattern, line) for line in result.stderr.splitlines()), result.stderr


@pytest.mark.parametrize(
    ("caps", "expected"),
    [
        ("origin,element,max_share,min_share\nFrance,Nd,,0.9\nChina,Nd,0.5,\n",
         "Nd: the floor (min_share) of 90.0% of imports for France, set by caps.csv line 2, cannot be met"),
        ("origin,element,max_share,scope\nChina,Nd,0.1,content\n",
         "Nd: China content must supply at least"),
        ("origin,element,max_share,basis\nChina,Dy,0.2,demand\n",
         "Dy: China must supply at least"),
    ],
)
def test_infeasible_policy_limits_are_explained(caps, expected):
    supply = SUPPLY.replace("France,Nd,30,100", "France,Nd,30,20").replace("France,Dy,300,100", "France,Dy,300,20")
    content = "origin,element,upstream,fraction\nVietnam,*,China,0.9\n"
    with pytest.raises(InfeasibleError) as info:
        solve(load_inputs(folder(supply=supply, caps=caps, content=content)))
    assert any(expected in c for c in info.value.causes), info.value.causes


def test_bundled_content_cap_binds_and_costs_more_than_the_origin_cap():
    data = load_inputs(bundled_inputs())
    result = solve(data)
    content = result.caps[result.caps["scope"] == "content"]
    assert len(content) and content["binding"].any()
    without = data.caps[data.caps["scope"] != "content"]
    from dataclasses import replace

    plain = solve(replace(data, caps=without))
    assert plain.objective <= result.objective
    doc = json.loads(CliRunner().invoke(main, ["solve", "--format", "json"]).stdout)
    assert {"kind", "basis", "scope"} <= set(doc["caps"][0])


def test_reference_limits_agree_with_the_limits_table():
    path = folder(groups="group,origin\nallies,France\nallies,Vietnam\n",
                  content="origin,element,upstream,fraction\nVietnam,*,China,0.5\n",
                  caps="origin,element,max_share,min_share,basis,scope\nChina,*,0.6,,imports,content\n"
                       "allies,Nd,,0.3,demand,origin\n")
    data = load_inputs(path)
    limits, terms = data.limits()
    offers = list(zip(data.offers["origin"], data.offers["element"]))
    ref = reference_limits(path, offers, {})
    assert len(ref) == len(limits)
    mine = {(r.origin, r.element, r.kind): dict(zip(terms.loc[terms["limit"] == r.limit, "offer"],
                                                    terms.loc[terms["limit"] == r.limit, "weight"]))
            for r in limits.itertuples()}
    theirs = {(r["target"], r["element"], r["kind"]): r["weights"] for r in ref}
    assert mine == theirs
