"""Contracts already signed (``commitments.csv``): hand cases on paper, the Pyomo models equal to the
fast paths with commitments, the errors, and the objective's parts adding up.

Money in USD; a price of c USD/kg on x t costs 1,000 c x USD.
"""

from __future__ import annotations

import re
import shutil

import pandas as pd
import pytest
import xlsxwriter
from click.testing import CliRunner

from sourcing import (
    InfeasibleError,
    InputError,
    RiskOptions,
    build_model,
    build_plan_model,
    load_inputs,
    plan,
    solve,
)
from sourcing.cli import main
from sourcing.highs import compile_model
from sourcing.lp import build_lp
from sourcing.multiyear.matrices import compile_statement
from sourcing.multiyear.statement import statement_for
from tests.helpers import FORMER_CASE, temp_folder
from tests.test_lp import assert_same as assert_same_lp
from tests.test_plan_lp import assert_same as assert_same_plan
from tests.test_plan_lp import rich_folder

SUPPLY = "origin,element,unit_cost,capacity,year\nA,Nd,10,100,\nA,Nd,12,100,2027\nB,Nd,20,100,\n"
DEMAND = "element,demand,shortage_cost\nNd,50,100\n"
SIGNED = "origin,element,year,volume,unit_cost,source\nB,Nd,2026,20,30,signed in 2025\nA,Nd,2027,80,,signed in 2025\n"


def folder(commitments: str | None = SIGNED, supply: str = SUPPLY, **more):
    return temp_folder(supply=supply, demand=DEMAND, commitments=commitments, **more)


def run(*args: str, code: int = 0):
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    assert result.exit_code == code, result.output
    return result


def volume(result, year: int, origin: str) -> float:
    v = result.volumes
    return float(v[(v["path"] == "baseline") & (v["year"] == year) & (v["origin"] == origin)]["volume"].sum())


def test_a_commitment_is_priced_at_its_own_cost():
    """2026: 20 t of B are signed at 30 USD/kg (B's offer is 20): x_B >= 20, so B ships 20 at 30 and
    A the other 30 at 10: 600,000 + 300,000 = 900,000 (unsigned, A would ship 50: 500,000).
    2027: nothing signed for B, 80 t of A at A's unit_cost in force in 2027 (12, the row gives
    none) -- more than the 50 t of demand the optimum would take: 80 x 12,000 = 960,000.
    The plan over 2026:2027 (no scenario: one path) is the sum, 1,860,000."""
    data = load_inputs(folder())
    y26, y27 = solve(data.in_year(2026)), solve(data.in_year(2027))
    assert y26.objective == pytest.approx(900_000) and y26.procurement_cost == pytest.approx(900_000)
    assert y26.plan.set_index("origin")["volume"].to_dict() == pytest.approx({"A": 30, "B": 20})
    assert y26.plan.set_index("origin")["procurement_cost"].to_dict() == pytest.approx({"A": 300_000, "B": 600_000})
    assert y27.objective == pytest.approx(960_000)
    assert y27.plan.set_index("origin")["volume"].to_dict() == pytest.approx({"A": 80, "B": 0})
    result = plan(data, (2026, 2027))
    assert result.objective == pytest.approx(1_860_000) == pytest.approx(result.procurement_cost)
    assert [volume(result, 2026, "B"), volume(result, 2026, "A"), volume(result, 2027, "A")] == pytest.approx(
        [20, 30, 80])
    unsigned = plan(load_inputs(folder(None)), (2026, 2027))
    assert unsigned.objective == pytest.approx(500_000 + 600_000)


def test_a_commitment_below_the_optimum_changes_nothing_but_its_price():
    """60 t of A signed for 2026 at 9 USD/kg: the optimum buys 50 t of A anyway, and now must take
    60 (x_A >= C): 60 x 9,000 = 540,000; its lower price is the commitment's, not the offer's."""
    result = solve(load_inputs(folder("origin,element,year,volume,unit_cost\nA,Nd,2026,60,9\n"), year=2026))
    assert result.objective == pytest.approx(540_000)
    assert result.plan.set_index("origin")["volume"].to_dict() == pytest.approx({"A": 60, "B": 0})


def test_rows_of_one_offer_and_year_add_up_and_the_discount_applies():
    """Two contracts with A for 2027, 30 t at 8 and 10 t at A's 12: C = 40 t, and the 10 t more that
    demand needs come at A's 12: 240,000 + 120,000 + 120,000 = 480,000, discounted by 1.25 in the
    plan at 25% (2026 buys 50 t of A at 10: 500,000)."""
    data = load_inputs(folder("origin,element,year,volume,unit_cost\nA,Nd,2027,30,8\nA,Nd,2027,10,\n"))
    assert solve(data.in_year(2027)).objective == pytest.approx(480_000)
    assert plan(data, (2026, 2027), discount_rate=0.25).objective == pytest.approx(500_000 + 480_000 / 1.25)


def test_commitments_outside_the_horizon_are_ignored_and_check_says_so():
    """Over 2027:2028 the 2026 contract is ignored: 2027 as above (960,000), 2028 50 t of A at 12."""
    data = load_inputs(folder())
    assert plan(data, (2027, 2028)).objective == pytest.approx(960_000 + 600_000)  # 2026's commitment: ignored
    text = run("check", "--inputs", str(folder())).stdout
    assert re.search(r"commitments\.csv: 2 rows for delivery in 2026-2027: plan counts those for the years it "
                     r"plans and ignores the others \(1 for 2026, outside the default horizon 2027:2027, are "
                     r"ignored there\)", text), text


@pytest.mark.parametrize(("commitments", "supply", "pattern"), [
    ("origin,element,year,volume\nB,Nd,2026,0\n", SUPPLY,
     r"commitments\.csv:2:4: a commitment's volume must be > 0 t"),
    ("origin,element,year,volume\nC,Nd,2027,10\n", SUPPLY + "C,Nd,15,100,2028\n",
     r"commitments\.csv:2:3: C does not offer Nd in 2027 \(no row of supply\.csv for it is in force then\)"),
    ("origin,element,year,volume\nJapan,Nd,2027,10\n", SUPPLY, r"commitments\.csv:2:1: origin 'Japan' is not defined"),
    ("origin,element,volume\nA,Nd,10\n", SUPPLY, r"commitments\.csv:1:1: missing required column 'year'"),
    ("origin,element,year,volume,unit_cost\nA,Nd,2027,10,-1\n", SUPPLY,
     r"commitments\.csv:2:5: must not be negative, got '-1'"),
])
def test_a_bad_commitment_is_exit_3_naming_its_row(commitments, supply, pattern):
    with pytest.raises(InputError) as info:
        load_inputs(folder(commitments, supply))
    assert any(re.search(pattern, str(p)) for p in info.value.problems), info.value.problems
    result = run("check", "--inputs", str(folder(commitments, supply)), code=3)
    assert re.search(pattern, result.stderr)


def test_commitments_above_capacity_are_infeasible_naming_them(tmp_path):
    """B offers 100 t; 70 + 50 t are signed for 2027: exit 4 naming both rows and the 100 t that fit."""
    f = folder("origin,element,year,volume,unit_cost\nB,Nd,2027,70,\nB,Nd,2027,50,25\n")
    data = load_inputs(f)
    for attempt in (lambda: plan(data, (2026, 2028)), lambda: solve(data.in_year(2027))):
        with pytest.raises(InfeasibleError) as info:
            attempt()
        (conflict,) = info.value.conflicts
        assert (conflict.kind, conflict.origin, conflict.value) == ("commitment", "B", 120)
        assert conflict.feasible == pytest.approx(100)
        assert conflict.given == "commitments.csv line 2, commitments.csv line 3"
        assert "the tonnes already contracted from B for 2027, 120 t" in conflict.message
    assert info.value.conflicts[0].year is None
    with pytest.raises(InfeasibleError) as info:
        plan(data, (2026, 2028))
    assert info.value.conflicts[0].year == 2027 and info.value.causes[0].startswith("2027, on the paths")
    out = tmp_path / "plan.json"
    result = run("plan", "--inputs", str(f), "--years", "2026:2028", "--output", str(out), code=4)
    assert "commitments.csv line 2" in result.stderr and not out.exists()


def test_a_commitments_sheet_is_read_as_the_file(tmp_path):
    """The same inputs as one workbook, the contracts in a ``commitments`` sheet: the same plan."""
    f = folder()
    book = xlsxwriter.Workbook(tmp_path / "book.xlsx")
    for csv in sorted(f.glob("*.csv")):
        frame = pd.read_csv(csv, dtype=str, keep_default_na=False)
        sheet = book.add_worksheet(csv.stem)
        sheet.write_row(0, 0, list(frame.columns))
        for i, row in enumerate(frame.itertuples(index=False), start=1):
            sheet.write_row(i, 0, list(row))
    book.close()
    assert plan(load_inputs(tmp_path / "book.xlsx"), (2026, 2027)).objective == pytest.approx(1_860_000)
    with pytest.raises(InputError, match=r"bad\.xlsx:commitments!D2: a commitment's volume must be > 0 t"):
        bad = xlsxwriter.Workbook(tmp_path / "bad.xlsx")
        for csv in sorted(f.glob("*.csv")):
            frame = pd.read_csv(csv, dtype=str, keep_default_na=False)
            if csv.stem == "commitments":
                frame = frame.assign(volume="0")
            sheet = bad.add_worksheet(csv.stem)
            sheet.write_row(0, 0, list(frame.columns))
            for i, row in enumerate(frame.itertuples(index=False), start=1):
                sheet.write_row(i, 0, list(row))
        bad.close()
        load_inputs(tmp_path / "bad.xlsx")


def rich_signed(tmp_path):
    """``tests/test_plan_lp.py``'s rich case with contracts signed for 2026 and 2028 (on B, whose lead
    time is 1, and on C, whose offer of Ce exists from 2028 only), one below min_volume's take."""
    f = rich_folder()
    (f / "commitments.csv").write_text("origin,element,year,volume,unit_cost\nB,Nd,2026,30,25\nB,Nd,2028,3,\n"
                                       "C,Ce,2028,12,2.5\nA,Nd,2026,10,\n")
    return f


@pytest.mark.parametrize("options", [RiskOptions(), RiskOptions(risk_weight=1.0, cvar_weight=0.5, cvar_level=0.8)],
                         ids=["neutral", "cvar"])
def test_the_pyomo_models_compile_to_the_fast_paths_with_commitments(tmp_path, options):
    data = load_inputs(rich_signed(tmp_path), year=2026)
    st = statement_for(data, (2026, 2029), 0.05, options)
    assert st.costs["procurement_cost"].constant != 0
    assert_same_plan(compile_statement(st), compile_model(build_plan_model(data, (2026, 2029), discount_rate=0.05,
                                                                            options=options)))
    for year in (2026, 2028):
        one = data.in_year(year)
        assert one.committed()[0].any()
        assert_same_lp(build_lp(one, options), compile_model(build_model(one, options)))
        direct, via_pyomo = solve(one, options), solve(one, options, model=build_model(one, options))
        assert direct.objective == pytest.approx(via_pyomo.objective, rel=1e-9)


def test_the_reported_parts_add_up_to_the_objective_with_commitments(tmp_path):
    """The bundled case with contracts signed for 2026 and 2027 (at prices above and below the
    offers'): plan's parts, and solve --year's, add up to the objective, and pricing the commitments
    at their own cost moves both by what the prices say."""
    f = tmp_path / "inputs"
    shutil.copytree(FORMER_CASE, f)  # its offers are the ones the commitments name
    (f / "commitments.csv").write_text("origin,element,year,volume,unit_cost\nAustralia,NdPr,2027,600,90\n"
                                       "Southeast Asia,NdPr,2027,1800,70\nChina,Dy,2027,100,\n")
    data = load_inputs(f)
    result = plan(data, (2027, 2029))
    parts = (result.procurement_cost + result.spot_cost + result.stockpile_cost + result.investment_cost
             + result.terminal_shortfall_cost + result.expected_shortage_cost)
    assert result.objective == pytest.approx(parts, rel=1e-9)
    one = solve(data.in_year(2027))
    assert one.objective == pytest.approx(one.procurement_cost + one.stockpile_cost + one.expected_shortage_cost,
                                          rel=1e-9)
    assert one.procurement_cost == pytest.approx(one.plan["procurement_cost"].sum(), rel=1e-12)
    volumes = one.plan.set_index(["origin", "element"])["volume"]
    assert volumes["Australia", "NdPr"] >= 600 - 1e-6 and volumes["Southeast Asia", "NdPr"] >= 1800 - 1e-6
    # the same volumes priced at the offers' unit_cost, plus what the contracts' own prices add
    offers = data.in_year(2027).offers.set_index(["origin", "element"])["unit_cost"]
    at_offer = 1000 * float((volumes * offers.reindex(volumes.index)).sum())
    own = 1000 * (600 * (90 - offers["Australia", "NdPr"]) + 1800 * (70 - offers["Southeast Asia", "NdPr"]))
    assert one.procurement_cost == pytest.approx(at_offer + own, rel=1e-9)


def test_a_sweep_prices_the_commitments_as_solve_does():
    """2026 with B's 20 t signed at 30: each point of a sweep of A's cap is the solve of that cap
    (objective and procurement cost, the commitment at its own price, x_B >= 20)."""
    from sourcing.sweep import run_sweep

    data = load_inputs(folder(scenarios="scenario,probability\nban,0.2\n",
                              disruptions="scenario,origin,element,availability\nban,A,*,0\n"), year=2026)
    frame = run_sweep(data, "A", (1.0, 0.7, 0.4), risk_weights=(0.0, 1.0))
    assert (frame["status"] == "optimal").all() and len(frame) == 6
    for _, row in frame.iterrows():
        fresh = solve(data.with_caps({"A": row["max_share"]}), RiskOptions(risk_weight=row["risk_weight"]))
        assert row["objective"] == pytest.approx(fresh.objective, rel=1e-9)
        assert row["procurement_cost"] == pytest.approx(fresh.procurement_cost, rel=1e-9)
        assert row["share:Nd:B"] * fresh.plan["volume"].sum() >= 20 - 1e-6
