"""``*`` rows of disruptions.csv and caps.csv on dated inputs (issue 20, items 1 and 2).

1. A ``*`` disruption row stands for the offers its origin has in force that year: an origin with
   none that year is hit nowhere (it once hit the last origin's offers instead).
2. A ``*`` floor stands for the elements its origin (or a member of its group) offers that year;
   an (origin, element) floor on a pair nobody in it offers stays infeasible (exit 4).
"""

from __future__ import annotations

import json

import pandas as pd
import pytest
from click.testing import CliRunner

from sourcing import InfeasibleError, load_inputs, plan, solve
from sourcing.cli import main
from tests.helpers import close, reference_solve, temp_folder
from tests.plan_reference import reference_plan

KG = 1000.0

# the case: A offers Nd from 2027 only, B always; scenario e cuts every offer of A
SUPPLY = "origin,element,unit_cost,capacity,year\nA,Nd,10,1000,2027\nB,Nd,20,1000,\n"
DEMAND = "element,demand,shortage_cost\nNd,100,1000\n"
SCENARIOS = "scenario,probability\ne,0.5\n"


def run(*args: str):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def dated_case(disrupted_element: str) -> str:
    return str(temp_folder(supply=SUPPLY, demand=DEMAND, scenarios=SCENARIOS,
                           disruptions=f"scenario,origin,element,availability\ne,A,{disrupted_element},0\n"))


def objective(*args: str) -> float:
    result = run(*args, "--format", "json")
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)["objective"]


# ---------------------------------------------------------------------------------------------
# 1. a '*' disruption row of an origin without an offer in force


def test_a_star_disruption_of_an_origin_without_offers_hits_nothing_in_solve():
    folder = dated_case("*")
    # in 2026 only B offers; e touches A alone, so 100 t from B at 20 USD/kg always arrive
    assert close(objective("solve", "--inputs", folder, "--year", "2026"), 100 * 20 * KG)
    data = load_inputs(folder, year=2026)
    assert data.offer_availability().empty
    result = solve(data)
    assert close(result.objective, 100 * 20 * KG)
    assert result.shortages["shortage"].abs().max() < 1e-9


def test_a_star_disruption_row_is_its_explicit_rows_in_every_year():
    star, exact = dated_case("*"), dated_case("Nd")
    for year in ("2026", "2027"):
        assert close(objective("solve", "--inputs", star, "--year", year),
                     objective("solve", "--inputs", exact, "--year", year))
        pd.testing.assert_frame_equal(load_inputs(star, year=int(year)).offer_availability(),
                                      load_inputs(exact, year=int(year)).offer_availability())
    # in 2027 A is there and is hit: the row is not void
    hit = load_inputs(star, year=2027).offer_availability()
    assert list(zip(hit["origin"], hit["element"], hit["availability"])) == [("A", "Nd", 0.0)]


def test_a_star_disruption_of_an_origin_without_offers_hits_nothing_in_plan():
    star, exact = dated_case("*"), dated_case("Nd")
    got = objective("plan", "--inputs", star, "--years", "2026:2027")
    assert close(got, objective("plan", "--inputs", exact, "--years", "2026:2027"))
    assert close(got, reference_plan(star, (2026, 2027))["objective"])
    api = plan(load_inputs(star, year=2026), (2026, 2027))
    assert close(api.objective, got)


def test_a_star_disruption_hits_its_own_origin_in_every_year_and_no_other():
    """Whatever the origin's offers in force (its capacity dated to 0 in 2027 is still an offer),
    the row hits A alone; where A offers nothing, it hits nothing (C, sorted last, was hit before
    the fix)."""
    supply = ("origin,element,unit_cost,capacity,year\nA,Nd,10,1000,\nA,Nd,10,0,2027\nA,Nd,10,1000,2028\n"
              "B,Nd,30,1000,\nC,Nd,20,1000,\n")
    folder = temp_folder(supply=supply, demand=DEMAND, scenarios=SCENARIOS,
                         disruptions="scenario,origin,element,availability\ne,A,*,0\n")
    for year in (2026, 2027, 2028):
        hit = load_inputs(folder, year=year).offer_availability()
        assert set(hit["origin"]) == {"A"}
    # A's only row holds from 2030: in 2026 A offers nothing, and the row hits nothing
    supply = "origin,element,unit_cost,capacity,year\nA,Nd,10,1000,2030\nB,Nd,30,1000,\nC,Nd,20,1000,\n"
    folder = temp_folder(supply=supply, demand=DEMAND, scenarios=SCENARIOS,
                         disruptions="scenario,origin,element,availability\ne,A,*,0\n")
    assert load_inputs(folder, year=2026).offer_availability().empty
    assert close(objective("solve", "--inputs", str(folder), "--year", "2026"), 100 * 20 * KG)


# ---------------------------------------------------------------------------------------------
# 2. a '*' floor stands for the elements the origin (or a member of its group) offers

FLOOR_SUPPLY = ("origin,element,unit_cost,capacity,year\nA,El1,10,1000,\nA,El2,10,1000,\nB,El1,20,1000,\n"
                "C,El2,30,1000,\n")
FLOOR_DEMAND = "element,demand,shortage_cost\nEl1,100,1000\nEl2,100,1000\n"


def floor_case(caps: str, groups: str | None = None, supply: str = FLOOR_SUPPLY) -> str:
    return str(temp_folder(supply=supply, demand=FLOOR_DEMAND, caps=caps, groups=groups))


def floors(data) -> list[tuple[str, str]]:
    limits, _ = data.limits()
    mins = limits[limits["kind"] == "min"]
    return sorted(zip(mins["origin"], mins["element"]))


def test_a_star_floor_binds_only_the_elements_the_origin_offers():
    folder = floor_case("origin,element,max_share,min_share\nB,*,,0.18\n")
    data = load_inputs(folder)
    assert floors(data) == [("B", "El1")]
    result = solve(data)
    plan_ = result.plan.set_index(["origin", "element"])["volume"]
    assert plan_["B", "El1"] >= 0.18 * 100 - 1e-6
    assert close(result.objective, reference_solve(folder)["objective"])
    # 18 t of El1 from B at 20 instead of A at 10; El2 from A
    assert close(objective("solve", "--inputs", folder), (82 * 10 + 18 * 20 + 100 * 10) * KG)


def test_a_group_star_floor_binds_the_elements_any_member_offers():
    groups = "group,origin\nG,B\nG,C\n"
    folder = floor_case("origin,element,max_share,min_share\nG,*,,0.25\n", groups)
    data = load_inputs(folder)
    assert floors(data) == [("G", "El1"), ("G", "El2")]
    assert close(solve(data).objective, reference_solve(folder)["objective"])
    only_b = floor_case("origin,element,max_share,min_share\nG,*,,0.25\n", "group,origin\nG,B\n")
    assert floors(load_inputs(only_b)) == [("G", "El1")]


def test_an_explicit_floor_on_a_pair_nobody_offers_stays_infeasible():
    folder = floor_case("origin,element,max_share,min_share\nB,El2,,0.18\n")
    with pytest.raises(InfeasibleError) as info:
        solve(load_inputs(folder))
    assert "offers no El2" in " ".join(info.value.causes)
    result = run("solve", "--inputs", folder)
    assert result.exit_code == 4 and "B offers no El2" in result.stderr
    # the explicit row overrides B's '*' row for El2, so it still binds beside it
    both = floor_case("origin,element,max_share,min_share\nB,*,,0.1\nB,El2,,0.18\n")
    assert run("solve", "--inputs", both).exit_code == 4


def test_a_star_floor_follows_the_offers_in_force_each_year():
    supply = FLOOR_SUPPLY + "B,El2,25,1000,2027\n"
    folder = floor_case("origin,element,max_share,min_share\nB,*,,0.18\n", supply=supply)
    assert floors(load_inputs(folder, year=2026)) == [("B", "El1")]
    assert floors(load_inputs(folder, year=2027)) == [("B", "El1"), ("B", "El2")]
    assert objective("solve", "--inputs", folder, "--year", "2026") > 0
    result = run("plan", "--inputs", folder, "--years", "2026:2027", "--format", "json")
    assert result.exit_code == 0, result.output
    volumes = pd.DataFrame(json.loads(result.stdout)["volumes"])
    b2 = volumes[(volumes["origin"] == "B") & (volumes["element"] == "El2")]
    assert (b2["year"] == 2027).all() and (b2["volume"] >= 18 - 1e-6).all() and len(b2)
