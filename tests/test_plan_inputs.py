"""Dated rows and the plan's inputs: what is in force in which year, and every bad input's message.

A file error exits 3 with ``file:line:column`` and the bad value; an option error exits 2 naming
the option; nothing is solved (and nothing written) on either.
"""

from __future__ import annotations

import re

import pytest
from click.testing import CliRunner

from sourcing import InfeasibleError, OptionError, load_inputs, plan, solve
from sourcing.cli import main
from tests.helpers import problem_finders, temp_folder

SUPPLY = "origin,element,unit_cost,capacity,year\nChina,Nd,10,100,\nFrance,Nd,20,100,\n"
DEMAND = "element,demand,shortage_cost,year\nNd,50,100,\nNd,60,100,2028\n"

problems, one = problem_finders(supply=SUPPLY, demand=DEMAND)


@pytest.mark.parametrize(
    ("files", "pattern"),
    [
        ({"demand": DEMAND + "Nd,70,100,2029.5\n"}, r"demand\.csv:4:4: expected a whole year from 1000 to 9999, got '2029\.5'"),
        ({"demand": DEMAND + "Nd,70,100,2028.0\n"},
         r"demand\.csv:4:4: duplicate row for element='Nd' in year 2028; first given on line 3"),
        ({"demand": DEMAND + "Nd,70,100,\n"}, r"demand\.csv:4:1: duplicate row for element='Nd'; first given on line 2"),
        ({"demand": DEMAND + "Nd,70,100,20300\n"}, r"demand\.csv:4:4: expected a whole year .* got '20300'"),
        ({"supply": "origin,element,unit_cost,capacity,lead_time\nChina,Nd,10,100,-1\n"},
         r"supply\.csv:2:5: must not be negative, got '-1'; expected a whole number >= 0"),
        ({"supply": "origin,element,unit_cost,capacity,lead_time\nChina,Nd,10,100,1.5\n"},
         r"supply\.csv:2:5: expected a whole number >= 0 and below 1e\+12, got '1\.5'"),
        ({"scenarios": "scenario,probability,duration\nhalt,0.1,0\n"},
         r"scenarios\.csv:2:3: expected a whole number >= 1 and below 1e\+12, got '0'"),
        ({"scenarios": "scenario,probability,year\na,0.6,\nb,0.3,\nb,0.5,2028\n"},
         r"scenarios\.csv:4:2: probabilities sum to 1\.1 \(> 1\) in 2028 by this row"),
        ({"investments": "project,origin,element,capex,lead_time,max_capacity,life\np,China,Nd,1,1,1,0\n"},
         r"investments\.csv:2:7: expected a whole number >= 1 .* got '0'"),
        ({"investments": "project,origin,element,capex,lead_time,max_capacity\np,China,Nd,1,1,1\np,France,Nd,1,1,1\n"},
         r"investments\.csv:3:1: duplicate row for project='p'; first given on line 2"),
        ({"investments": "project,origin,element,capex,lead_time,max_capacity\np,Japan,Nd,1,1,1\n"},
         r"investments\.csv:2:2: origin 'Japan' is not defined in supply\.csv"),
        ({"supply": SUPPLY, "demand": DEMAND.replace("Nd,50,100,\n", "Nd,50,100,\nCe,5,1,\n"),
          "investments": "project,origin,element,capex,lead_time,max_capacity\np,France,Ce,1,1,1\n"},
         r"investments\.csv:2:3: France does not offer Ce in supply\.csv; .*capacity may be 0"),
        ({"investments": "project,origin,element,capex,lead_time\np,China,Nd,1,1\n"},
         r"investments\.csv:1:1: missing required column 'max_capacity'"),
        ({"stockpile": "element,stock,year\nNd,,\n"}, r"stockpile\.csv:2:2: missing value; expected a finite number"),
        ({"stockpile": "element,stock,year\nNd,,2028\nNd,5,2029\n"},
         r"stockpile\.csv:2:2: missing value; .*takes the value of the element's earlier row"),
        ({"demand": "element,demand,shortage_cost,year\nNd,50,100,2028\n",
          "supply": "origin,element,unit_cost,capacity,year\nChina,Nd,10,100,2027\n"},
         r"demand\.csv:2:4: element 'Nd' has no row in force in 2027 .*its first row holds from 2028"),
    ],
)
def test_bad_inputs_are_located(files, pattern):
    one(pattern, **files)


def test_dated_rows_are_in_force_from_their_year():
    """Undated rows hold before the key's first dated row; a dated-only key does not exist before
    its first row; per year, an (origin, element) row overrides the origin's '*' row."""
    folder = temp_folder(
        supply="origin,element,unit_cost,capacity,year\nChina,Nd,10,100,\nChina,Nd,12,90,2028\nFrance,Nd,20,100,2027\n",
        demand=DEMAND,
        caps="origin,element,max_share,year\nChina,*,0.8,\nChina,Nd,0.6,2028\n",
        stockpile="element,stock,max_stock,terminal_stock,year\nNd,10,30,4,\nNd,,40,,2028\n")
    data = load_inputs(folder)
    assert data.year == 2027 and data.timeline.years == (2027, 2028)
    in_force = {y: data.in_year(y) for y in (2026, 2027, 2028, 2030)}
    assert in_force[2026].offers["origin"].tolist() == ["China"]
    assert in_force[2027].offers["origin"].tolist() == ["China", "France"]
    assert in_force[2028].offers.set_index("origin").loc["China", "unit_cost"] == 12
    assert in_force[2027].offer_caps().tolist() == [0.8, 1.0]
    assert in_force[2030].offer_caps().tolist() == [0.6, 1.0]
    assert in_force[2030].elements[["demand", "stock", "max_stock"]].iloc[0].tolist() == [60, 10, 40]
    result = plan(data, (2027, 2029))
    assert result.stockpile[["stock", "terminal_stock"]].iloc[0].tolist() == [10, 4]
    assert result.elements.set_index("year")["max_stock"].tolist() == [30, 40, 40]


def test_an_empty_max_stock_is_the_initial_stock_and_no_row_is_no_stockpile():
    """In plan only the stock of y0 is on hand (a later row's stock is for solve --year); an empty
    max_stock leaves no room to build on it; before an element's first row it has no stockpile."""
    folder = temp_folder(supply=SUPPLY, demand=DEMAND, stockpile="element,stock,max_stock,year\nNd,10,,\nNd,20,,2028\n")
    result = plan(load_inputs(folder), (2026, 2028))
    assert result.elements["max_stock"].tolist() == [10, 10, 10]
    assert result.stockpile["stock"].tolist() == [10]
    assert load_inputs(folder, year=2028).elements[["stock", "max_stock"]].iloc[0].tolist() == [20, 20]
    folder = temp_folder(supply=SUPPLY, demand=DEMAND, stockpile="element,stock,max_stock,year\nNd,10,30,2027\n")
    result = plan(load_inputs(folder), (2026, 2028))
    assert result.elements["max_stock"].tolist() == [0, 30, 30]
    assert result.stockpile["stock"].tolist() == [0]


def test_a_year_without_demand_names_the_option_or_the_file():
    folder = temp_folder(supply=SUPPLY, demand="element,demand,shortage_cost,year\nNd,50,100,2027\n")
    with pytest.raises(OptionError, match=r"--years 2026:2028: element 'Nd' has no row of demand\.csv in force "
                                          r"in 2026 \(its first row holds from 2027\)"):
        plan(load_inputs(folder), (2026, 2028))
    with pytest.raises(OptionError, match=r"--year 2026: element 'Nd'"):
        load_inputs(folder, year=2026)
    result = CliRunner().invoke(main, ["plan", "--inputs", str(folder), "--years", "2026:2028"])
    assert result.exit_code == 2 and "--years 2026:2028: element 'Nd'" in result.stderr


@pytest.mark.parametrize(("args", "pattern"), [
    (["--years", "2028:2026"], r"--years 2028:2026: START must not be after END"),
    (["--years", "2026"], r"--years 2026: expected START:END"),
    (["--years", "a:b"], r"--years a:b: expected START:END"),
    (["--discount-rate", "-1"], r"'--discount-rate': '-1' must be > -1"),
    ([], r"no row of the inputs has a year, so there is no default horizon: give --years START:END"),
    (["--years", "2026:2027", "--cap", "Japan=0.5"], r"--cap: unknown origin or group 'Japan'"),
    (["--years", "2026:2027", "--value-of-information", "--cvar-weight", "0.5"], r"risk-neutral"),
])
def test_bad_options_exit_2_naming_the_option(args, pattern):
    folder = temp_folder(supply=SUPPLY, demand="element,demand,shortage_cost\nNd,50,100\n")
    result = CliRunner().invoke(main, ["plan", "--inputs", str(folder), *args])
    assert result.exit_code == 2, result.output
    assert re.search(pattern, result.stderr), result.stderr


def test_infeasible_names_the_year_the_paths_and_the_cause(tmp_path):
    """From 2028 China (the only Nd origin with capacity to spare) is capped at 30%, and France's
    50 t cannot supply the other 70% of 60 t: 2028 fails on the paths where demand must be covered."""
    folder = temp_folder(supply="origin,element,unit_cost,capacity\nChina,Nd,10,100\nFrance,Nd,20,30\n",
                         demand=DEMAND, caps="origin,element,max_share,year\nChina,Nd,0.3,2028\n",
                         scenarios="scenario,probability\nhalt,0.1\n")
    with pytest.raises(InfeasibleError) as info:
        plan(load_inputs(folder), (2026, 2029), events="first")
    assert re.search(r"^2028, on the paths without an event before 2028 \(baseline and every event from 2028 on\), "
                     r"where demand must be covered: Nd: China must supply at least 50\.0% of imports", info.value.causes[0])
    with pytest.raises(InfeasibleError) as info:
        plan(load_inputs(folder), (2026, 2029))
    assert re.search(r"^2028, on the paths that know no event in progress in 2028 at its start, where demand must be "
                     r"covered: Nd: China must supply at least 50\.0% of imports", info.value.causes[0])
    out = tmp_path / "plan.txt"
    result = CliRunner().invoke(main, ["plan", "--inputs", str(folder), "--years", "2026:2029", "--output", str(out)])
    assert result.exit_code == 4 and "2028, on the paths" in result.stderr and not out.exists()


def test_cap_overrides_apply_in_every_year():
    folder = temp_folder(supply=SUPPLY, demand=DEMAND, caps="origin,element,max_share,year\nChina,Nd,0.9,2028\n")
    data = load_inputs(folder).with_caps({"China": 0.7})
    assert [data.in_year(y).offer_caps().iloc[0] for y in (2026, 2028)] == [0.7, 0.7]
    result = plan(data, (2026, 2028))
    china = result.volumes.query("origin == 'China' and path == 'baseline'")["volume"].to_numpy()
    assert china.tolist() == pytest.approx([35, 35, 42])


def test_solve_year_uses_the_rows_in_force_and_ignores_what_only_plan_reads():
    folder = temp_folder(supply="origin,element,unit_cost,capacity,year,lead_time,spot_cost\n"
                                "China,Nd,10,100,,2,11\nChina,Nd,12,100,2028,0,\nFrance,Nd,20,100,,0,\n",
                         demand=DEMAND)
    assert solve(load_inputs(folder, year=2026)).procurement_cost == pytest.approx(500_000)
    assert solve(load_inputs(folder, year=2028)).procurement_cost == pytest.approx(720_000)
    assert solve(load_inputs(folder)).procurement_cost == pytest.approx(720_000)  # the first year named: 2028
    result = CliRunner().invoke(main, ["check", "--inputs", str(folder)])
    assert "solve ignores what only plan reads: supply.csv: lead_time, spot_cost" in result.stdout
    assert "dated rows name the years 2028-2028: solve answers 2028" in result.stdout
