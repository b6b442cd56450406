"""The figures the documentation states in prose and in its tables come from the program.

Console and Python examples are run as they stand (see ``conftest.py``); the numbers written in
sentences and in markdown tables are recomputed here from the bundled data and looked up, as
written, in the page that states them. A change to the data or the model that moves one of them
fails here, naming the page and the figure to update.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from sourcing import bundled_inputs, load_inputs, solve
from sourcing.data import load_plan
from sourcing.solver import evaluate, value_of_information
from sourcing.sweep import parse_values, run_sweep

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text()
RISK_DOC = (ROOT / "docs" / "risk.md").read_text()
SWEEP_DOC = (ROOT / "docs" / "sweep.md").read_text()
DATA_DOC = (ROOT / "inputs" / "README.md").read_text()
FORMER = ROOT / "docs" / "cases" / "japan-2025"
M = 1e6


def said(page: str, text: str, name: str) -> None:
    flat = " ".join(page.split())
    assert " ".join(text.split()) in flat, f"{name} should say {text!r}"


@pytest.fixture(scope="module")
def bundled():
    return load_inputs(bundled_inputs())


@pytest.fixture(scope="module")
def optimum(bundled):
    return solve(bundled)


def test_the_story_of_the_default_run(bundled, optimum):
    caps = optimum.caps.set_index(["origin", "element", "scope"])
    nd = caps.loc[("China", "NdPr", "content"), "marginal_cost_per_pp"] / M
    tb = caps.loc[("China", "Tb", "origin"), "marginal_cost_per_pp"] / M
    said(README, f"{nd:.3f} M USD per percentage point for NdPr's content cap, {tb:.3f} for Tb", "README")
    said(DATA_DOC, f"(about {nd:.3f} M USD per percentage point for NdPr's content cap and {tb:.3f} for Tb)",
         "inputs/README.md")
    e = optimum.elements.set_index("element")
    stock = bundled.elements.set_index("element")
    said(README, f"raises NdPr stock from {stock.at['NdPr', 'stock']:,.0f} to {e.at['NdPr', 'optimal_stock']:,.0f} t "
                 f"and fills Dy and Tb to their 180-day limits ({e.at['Dy', 'optimal_stock']:,.0f} and "
                 f"{e.at['Tb', 'optimal_stock']:,.0f} t)", "README")
    assert (e.loc[["Dy", "Tb"], "optimal_stock"] == stock.loc[["Dy", "Tb"], "max_stock"]).all()
    said(DATA_DOC, f"The stockpile is raised to NdPr {e.at['NdPr', 'optimal_stock']:,.0f} t, Dy "
                   f"{e.at['Dy', 'optimal_stock']:,.0f} t and Tb {e.at['Tb', 'optimal_stock']:,.0f} t", "inputs/README.md")
    held = bundled.elements[bundled.elements["max_stock"] > bundled.elements["stock"]]["holding_cost"]
    said(README, f"at {held.min():g}-{held.max():g} USD/kg/yr", "README")
    plan = optimum.plan.set_index(["origin", "element"])
    dy = plan.loc[("China", "Dy")]
    said(README, f"Chinese Dy is bought at only {dy['share']:.1%}, below its 65% cap", "README")
    said(DATA_DOC, f"buys only {dy['volume']:,.0f} t of Chinese Dy ({dy['share']:.1%}, below its 65% cap)",
         "inputs/README.md")
    said(DATA_DOC, f"NdPr comes {plan.at[('China', 'NdPr'), 'volume']:,.0f} t from China, "
                   f"{plan.at[('Malaysia', 'NdPr'), 'volume']:,.0f} t from Malaysia and India's whole "
                   f"{plan.at[('India', 'NdPr'), 'volume']:,.0f} t", "inputs/README.md")
    assert plan.at[("India", "NdPr"), "volume"] == plan.at[("India", "NdPr"), "capacity"]
    price = bundled.offers.set_index(["origin", "element"])["unit_cost"]
    said(README, f"(NdPr {price[('China', 'NdPr')]:g} against {price[('Malaysia', 'NdPr')]:g} USD/kg)", "README")


def test_the_status_quo_and_the_value_of_planning(bundled, optimum):
    plan = load_plan(bundled_inputs() / "plans" / "status-quo.csv", bundled)
    evaluation = evaluate(bundled, plan)
    mine = evaluation.result
    extra = (mine.objective - optimum.objective) / M
    said(RISK_DOC, f"The status quo is {extra:.0f} M USD a year dearer than the capped optimum, although it breaks "
                 f"{['no', 'one', 'two', 'three', 'four', 'five', 'six'][len(evaluation.violations)]} caps and buys "
                 f"{(optimum.procurement_cost - mine.procurement_cost) / M:.0f} M USD a year less", "docs/risk.md")
    said(DATA_DOC, f"costing {extra:.0f} M USD a year more than the capped optimum", "inputs/README.md")
    said(RISK_DOC, f"leaves {mine.cvar / M:,.0f} M USD of shortages, its CVaR. The optimum's caps and stock cut that "
                 f"tail to {optimum.cvar / M:,.0f} M USD", "docs/risk.md")
    said(DATA_DOC, f"where its shortages cost {mine.cvar / M:,.0f} M USD", "inputs/README.md")
    china = plan[bundled.offers["origin"] == "China"].sum() / plan.sum()
    said(RISK_DOC, f"(about {china:.0%} Chinese overall", "docs/risk.md")
    content = bundled.content
    viet = float(content[(content["origin"] == "Vietnam") & (content["upstream"] == "China")]["fraction"].iloc[0])
    with_content = (plan[bundled.offers["origin"] == "China"].sum()
                    + viet * plan[(bundled.offers["origin"] == "Vietnam").to_numpy()].sum()) / plan.sum()
    for page, name in ((DATA_DOC, "inputs/README.md"), ((ROOT / "docs" / "sources.md").read_text(), "docs/sources.md")):
        said(page, f"{china:.1%}", name)
        said(page, f"{with_content:.1%}", name)
    v = value_of_information(bundled)
    vss, evpi = v["value_of_stochastic_solution"] / M, v["expected_value_of_perfect_information"] / M
    said(RISK_DOC, f"would cost {vss:.0f} M USD a year more than planning for the scenarios", "docs/risk.md")
    said(RISK_DOC, f"would be worth only {evpi:.0f} M USD more", "docs/risk.md")
    said(DATA_DOC, f"at about {vss:.0f} M USD a year", "inputs/README.md")
    avail = bundled.offer_availability()
    p = bundled.scenarios.set_index("scenario")["probability"]
    for element in ("Dy", "Tb"):
        hit = avail[(avail["origin"] == "China") & (avail["element"] == element)]
        mean = 1 - float(((1 - hit["availability"]) * hit["scenario"].map(p)).sum())
        said(RISK_DOC, f"(Chinese Dy and Tb arrive at {mean:.0%} on average)", "docs/risk.md")


def test_the_content_cap_paragraph(bundled, optimum):
    without = solve(replace(bundled, caps=bundled.caps[bundled.caps["scope"] != "content"]))
    nd = lambda r, o: float(r.plan.set_index(["origin", "element"]).at[(o, "NdPr"), "volume"])  # noqa: E731
    said(RISK_DOC, f"the optimum buys {nd(without, 'China'):,.0f} t of NdPr from China and "
                 f"{nd(without, 'Vietnam'):,.0f} t of Vietnamese metal", "docs/risk.md")
    assert nd(optimum, "Vietnam") == 0
    share = optimum.plan.set_index(["origin", "element"]).at[("China", "NdPr"), "share"]
    said(RISK_DOC, f"China still ships {nd(optimum, 'China'):,.0f} t ({share:.1%} by origin, 50% by content), "
                 f"the Vietnamese metal goes and Malaysia rises to {nd(optimum, 'Malaysia'):,.0f} t, for "
                 f"{(optimum.objective - without.objective) / M:.1f} M USD a year more (objective "
                 f"{without.objective / M:,.1f} against {optimum.objective / M:,.1f} M USD)", "docs/risk.md")


@pytest.fixture(scope="module")
def former():
    """The 2025 case, kept in docs/cases/japan-2025 for the comparisons published on it."""
    return load_inputs(FORMER)


def test_the_ndpr_cap_table(former):
    bundled = former
    lines = RISK_DOC.split("| cap on China's NdPr |", 1)[1].split("\n\n", 1)[0].splitlines()[2:]
    assert len(lines) == 7
    for line in lines:
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        cap = float(cells[0].rstrip("%")) / 100
        caps = bundled.caps.copy()
        caps.loc[(caps["origin"] == "China") & (caps["element"] == "NdPr"), "max_share"] = cap  # the content cap
        data = replace(bundled, caps=caps).with_caps({("China", "NdPr"): cap})  # and the origin cap
        r = solve(data)
        v = r.plan[r.plan["element"] == "NdPr"].set_index("origin")["volume"]
        stock = r.elements.set_index("element").at["NdPr", "optimal_stock"]
        want = [f"{v['China']:,.0f}", f"{v['Southeast Asia']:,.0f}", f"{v['Australia'] + v['France']:,.0f}",
                f"{stock:,.0f}", f"{r.procurement_cost / M:,.1f}", f"{r.stockpile_cost / M:,.1f}",
                f"{r.expected_shortage_cost / M:,.2f}", f"{r.objective / M:,.1f}"]
        assert cells[1:] == want, f"docs/risk.md's NdPr table, row {cells[0]}: should be {want}"


@pytest.fixture(scope="module")
def frontier(former):
    frame = run_sweep(former, "China", parse_values("1.0:0.3:0.01", "--cap"), risk_weights=[0, 1, 2])
    return frame.set_index(["risk_weight", "max_share"])


def test_the_reading_of_the_bundled_frontier(former, frontier):
    bundled = former
    ok = frontier[frontier["status"] == "optimal"]
    tightest = ok.index.get_level_values("max_share").min()
    said(SWEEP_DOC, f"below {tightest:.0%} there is no plan", "docs/sweep.md")
    offers = bundled.offers.set_index(["origin", "element"])
    demand = bundled.elements.set_index("element")["demand"]
    outside = offers[offers.index.get_level_values("origin") != "China"]["capacity"].groupby("element").sum()
    said(SWEEP_DOC, f"only {outside['Dy']:,.0f} t of Dy (of {demand['Dy']:,.0f} t) and {outside['Tb']:,.0f} t "
                    f"of Tb (of {demand['Tb']:,.0f} t) can be bought", "docs/sweep.md")
    need = 1 - outside / demand
    said(SWEEP_DOC, f"China must supply at least {np.ceil(need['Dy'] * 1000 - 1e-6) / 10:.1f}% of Dy and "
                    f"{np.ceil(need['Tb'] * 1000 - 1e-6) / 10:.1f}% of Tb", "docs/sweep.md")
    neutral = ok.loc[0.0]
    said(SWEEP_DOC, f"pays {neutral['objective'].min() / M:,.0f} to {neutral['objective'].max() / M:,.0f} M USD/yr",
         "docs/sweep.md")
    loose, tight = neutral.loc[1.0], neutral.loc[tightest]
    said(SWEEP_DOC, f"expected shortage cost of {loose['expected_shortage_cost'] / M:,.0f} falling to "
                    f"{tight['expected_shortage_cost'] / M:,.0f} M USD", "docs/sweep.md")
    counted = ok.loc[1.0]
    extra = [(ok.loc[w].loc[1.0, "objective"] - loose["objective"]) / M for w in (1.0, 2.0)]
    said(SWEEP_DOC, f"pays {min(extra):.0f}-{max(extra):.0f} M USD more at 100%", "docs/sweep.md")
    said(SWEEP_DOC, f"({counted.loc[1.0, 'stockpile_cost'] / M:.0f} M USD/yr of holding cost)", "docs/sweep.md")
    said(SWEEP_DOC, f"cuts the expected shortage cost to {counted.loc[1.0, 'expected_shortage_cost'] / M:.0f} M USD",
         "docs/sweep.md")
    said(SWEEP_DOC, f"({counted.loc[tightest, 'stockpile_cost'] / M:.0f} M USD/yr at {tightest:.0%})", "docs/sweep.md")
    pp = neutral["marginal_cost_per_pp"] / M
    said(SWEEP_DOC, f"{pp.min():.0f} to {pp.max():.0f} M USD for every point of cap", "docs/sweep.md")
    pp = ok.loc[[1.0, 2.0], "marginal_cost_per_pp"] / M
    said(SWEEP_DOC, f"each point of cap then costs {pp.min():.0f} to {pp.max():.0f} M USD", "docs/sweep.md")
    china_nd = ok["share:NdPr:China"]
    said(SWEEP_DOC, f"NdPr stays at {china_nd.max():.0%} Chinese throughout", "docs/sweep.md")
    assert china_nd.max() - china_nd.min() < 1e-9


def test_sweep_doc_tb_in_2030():
    """docs/sweep.md: in 2030, without new capacity, Tb has no plan with China capped at 65% or below."""
    from sourcing import InfeasibleError

    data = load_inputs(FORMER, year=2030)
    frame = run_sweep(data, ("China", "Tb"), parse_values("1.0:0.5:0.05", "--cap"))
    feasible = frame.loc[frame["status"] == "optimal", "max_share"]
    assert feasible.min() == 0.70 and (frame.loc[frame["max_share"] <= 0.65, "status"] == "infeasible").all()
    with pytest.raises(InfeasibleError) as info:
        solve(data)
    assert "Tb: China must supply at least 65.4% of imports" in str(info.value)
    said(SWEEP_DOC, "China must supply at least 65.4% of 2030's Tb imports", "docs/sweep.md")
    said(SWEEP_DOC, "finds no plan at 65% and below", "docs/sweep.md")
