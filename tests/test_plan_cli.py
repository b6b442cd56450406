"""``sourcing plan`` through click's CliRunner: formats, files, exit codes."""

from __future__ import annotations

import io
import json

import pandas as pd
import pytest
from click.testing import CliRunner

from sourcing.cli import main
from sourcing.highs import RawSolution
from tests.test_plan_hand import lead_case

BUNDLED = ["plan", "--years", "2026:2035"]
PLAN_KEYS = {"status", "years", "discount_rate", "objective", "procurement_cost", "spot_cost", "stockpile_cost",
             "investment_cost", "terminal_shortfall_cost", "expected_shortage_cost", "paths", "volumes", "stock",
             "terminal", "investments", "survival"}
ROW_KEYS = {"paths": {"path", "event", "start", "probability"},
            "volumes": {"path", "year", "origin", "element", "volume", "spot"},
            "stock": {"path", "year", "element", "stock", "release", "into_stock", "shortage"},
            "terminal": {"path", "element", "shortfall"},
            "investments": {"path", "project", "year", "capacity"},
            "survival": {"year", "element", "origin", "days"}}


def run(*args: str, code: int = 0):
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    assert result.exit_code == code, result.stderr
    return result


@pytest.fixture(scope="module")
def bundled_json() -> dict:
    return json.loads(run(*BUNDLED, "--format", "json").stdout)


def test_json_has_plan_md_keys(bundled_json):
    doc = bundled_json
    assert PLAN_KEYS <= set(doc) and doc["status"] == "optimal"
    assert doc["years"] == list(range(2026, 2036)) and doc["discount_rate"] == 0.0
    for key, fields in ROW_KEYS.items():
        assert doc[key] and all(fields <= set(row) for row in doc[key]), key
    paths = pd.DataFrame(doc["paths"])
    assert paths["probability"].sum() == pytest.approx(1.0)
    assert paths.loc[paths["path"] == "baseline", ["event", "start"]].isna().all(axis=None)
    assert all(isinstance(p["start"], int) for p in doc["paths"] if p["start"] is not None)
    offer_years = pd.DataFrame(doc["volumes"]).groupby("path").size()
    assert (offer_years == offer_years.iloc[0]).all() and len(offer_years) == len(paths)
    assert {r["project"] for r in doc["investments"]} == {"arafura_nolans_ndpr", "lynas_malaysia_hre_dy",
                                                          "lynas_malaysia_hre_tb"}
    plain = (doc["procurement_cost"] + doc["spot_cost"] + doc["stockpile_cost"] + doc["investment_cost"]
             + doc["terminal_shortfall_cost"])
    assert doc["objective"] == pytest.approx(plain + doc["expected_shortage_cost"])


def test_table_is_for_a_planner():
    text = run(*BUNDLED).stdout
    for heading in ("Sign now: decided at the start of 2026", "Contracts (t for the year", "Investments decided now",
                    "Expected course over the paths", "stock_p95_t", "p_shortage", "China_share", "Worst paths", "Funding per history",
                    "Time to survive", "Cost split (present values"):
        assert heading in text, heading


def test_csv_has_a_row_per_path_year_and_offer(bundled_json):
    frame = pd.read_csv(io.StringIO(run(*BUNDLED, "--format", "csv").stdout))
    assert list(frame.columns) == ["path", "probability", "year", "origin", "element", "volume", "spot", "signed"]
    assert len(frame) == len(bundled_json["volumes"])


def test_output_and_plot_are_written(tmp_path):
    out, png = tmp_path / "plan.json", tmp_path / "plan.png"
    result = run("plan", "--inputs", str(lead_case(1)), "--years", "2026:2028", "--format", "json",
                 "--output", str(out), "--plot", str(png))
    assert result.stdout == "" and f"wrote {out}" in result.stderr and f"wrote {png}" in result.stderr
    assert json.loads(out.read_text())["status"] == "optimal"
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert not list(tmp_path.glob(".*.tmp"))


def test_value_of_information_is_reported():
    text = run("plan", "--inputs", str(lead_case(2, capacity_a=200)), "--years", "2026:2028",
               "--value-of-information").stdout
    assert "value of the stochastic solution (EEV - RP)" in text and "371.742" not in text
    doc = json.loads(run("plan", "--inputs", str(lead_case(2, capacity_a=200)), "--years", "2026:2028",
                         "--value-of-information", "--format", "json").stdout)
    assert doc["value_of_stochastic_solution"] == pytest.approx(371_742, rel=1e-5)


def test_a_solver_that_stops_exits_5(monkeypatch):
    monkeypatch.setattr("sourcing.multiyear.api.run_highs",
                        lambda highs, limit=None, **kw: RawSolution("time_limit", float("nan"), [], [], 0))
    result = run("plan", "--inputs", str(lead_case(0)), "--years", "2026:2028", "--time-limit", "1", code=5)
    assert "time_limit" in result.stderr


def test_help_lists_the_options():
    text = run("plan", "--help").stdout
    for option in ("--years", "--discount-rate", "--risk-weight", "--cvar-weight", "--cvar-level", "--cap",
                   "--format", "--output", "--plot", "--time-limit", "--value-of-information"):
        assert option in text


def test_the_readme_example_is_the_command_output():
    """The README's multi-year story (on the one-event tree) is the golden output of the same command,
    byte for byte; its example of the default tree is the start and the cost split of plan-voi.txt."""
    from pathlib import Path

    from tests.test_golden import GOLDEN, PLAN

    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text()
    block = f"```console\n$ sourcing {' '.join(PLAN)} --events first\n" + (GOLDEN / "plan-first-voi.txt").read_text()
    assert block + "```\n" in readme
    default = (GOLDEN / "plan-voi.txt").read_text()
    head, costs = default.split("\n\nExpected course")[0], default.split("\n\nCost split")[1].split("\n\n")[0]
    assert f"$ sourcing plan --years 2026:2035\n{head}\n...\nCost split{costs}\n```" in readme


def test_evaluate_answers_the_year_asked_for_like_the_api():
    """``evaluate --year Y`` prices the plan on the rows in force in Y, as the API does with
    ``load_inputs(year=Y)``; the bundled demand grows, so 2026's answer is not the default year's."""
    from sourcing import bundled_inputs, load_inputs
    from sourcing.data import load_plan
    from sourcing.model import RiskOptions
    from sourcing.output import render
    from sourcing.solver import evaluate

    status_quo = str(bundled_inputs() / "plans" / "status-quo.csv")
    got = run("evaluate", "--plan", status_quo, "--year", "2026", "--format", "json").stdout
    data = load_inputs(bundled_inputs(), year=2026)
    assert got == render(evaluate(data, load_plan(status_quo, data), RiskOptions()), "json")
    default = run("evaluate", "--plan", status_quo, "--format", "json").stdout
    assert json.loads(got)["objective"] != json.loads(default)["objective"]
