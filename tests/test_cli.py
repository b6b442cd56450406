"""The CLI through click's CliRunner: formats, --cap, exit codes, messages, atomic output."""

from __future__ import annotations

import io
import json

import pandas as pd
import pytest
from click.testing import CliRunner

from sourcing import RiskOptions, bundled_inputs, load_inputs, solve
from sourcing.cli import main
from tests.helpers import close, temp_folder


def run(*args: str):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


@pytest.fixture(scope="module")
def bundled_json():
    result = run("solve", "--format", "json")
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


def test_default_solve_runs_from_any_directory_and_binds_a_cap(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = run("solve")
    assert result.exit_code == 0
    api = solve(load_inputs(bundled_inputs()))
    assert api.caps["binding"].any()
    assert f"{api.objective / 1e6:,.3f}" in result.stdout
    for row in api.plan.itertuples():
        assert f"{row.volume:,.1f}" in result.stdout
    assert "Binding caps" in result.stdout and "Scenarios" in result.stdout
    assert "HiGHS" not in result.stdout  # the solver's banner stays off stdout


def test_json_matches_the_api_and_the_contract(bundled_json):
    api = solve(load_inputs(bundled_inputs()))
    assert bundled_json["status"] == "optimal"
    assert close(bundled_json["objective"], api.objective)
    assert close(bundled_json["procurement_cost"], api.procurement_cost)
    assert close(bundled_json["expected_shortage_cost"], api.expected_shortage_cost)
    assert len(bundled_json["plan"]) == len(api.plan)
    for entry in bundled_json["plan"]:
        assert {"origin", "element", "volume", "share"} <= set(entry)
    elements = set(api.elements["element"])
    for scen in bundled_json["scenarios"]:
        assert {"scenario", "probability", "shortage", "shortage_cost"} <= set(scen)
        assert set(scen["shortage"]) == elements
    assert sum(s["probability"] for s in bundled_json["scenarios"]) == pytest.approx(1.0)
    binding = [c for c in bundled_json["caps"] if c["binding"]]
    assert binding and all(c["marginal_cost_per_pp"] >= 0 for c in bundled_json["caps"])


def test_csv_is_the_plan(tmp_path):
    result = run("solve", "--format", "csv")
    assert result.exit_code == 0
    plan = pd.read_csv(io.StringIO(result.stdout), keep_default_na=False)
    api = solve(load_inputs(bundled_inputs())).plan
    assert list(plan["origin"]) == list(api["origin"])
    assert plan["volume"].to_numpy() == pytest.approx(api["volume"].to_numpy())
    assert {"binding", "marginal_cost_per_pp", "max_share", "share"} <= set(plan.columns)


def test_output_is_byte_for_byte_reproducible(tmp_path):
    first, second = tmp_path / "a.json", tmp_path / "b.json"
    assert run("solve", "--format", "json", "--output", str(first)).exit_code == 0
    assert run("solve", "--format", "json", "--output", str(second)).exit_code == 0
    assert first.read_bytes() == second.read_bytes()
    assert first.read_text() == run("solve", "--format", "json").stdout
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.json", "b.json"]  # no temporary left


def test_cap_overrides(bundled_json):
    removed = json.loads(run("solve", "--format", "json", "--cap", "China=1").stdout)
    assert not [c for c in removed["caps"] if c["origin"] == "China" and c["scope"] == "origin"]
    assert [c for c in removed["caps"] if c["scope"] == "content"]  # --cap leaves other kinds of limit
    assert removed["objective"] <= bundled_json["objective"] + 1e-6
    one = json.loads(run("solve", "--format", "json", "--cap", "China:NdPr=0.4").stdout)
    caps = {(c["origin"], c["element"]): c for c in one["caps"]}
    assert caps["China", "NdPr"]["max_share"] == 0.4
    assert caps["China", "NdPr"]["share"] <= 0.4 + 1e-9
    assert caps["China", "La"]["max_share"] == 0.5  # others untouched
    data = load_inputs(bundled_inputs()).with_caps({("China", "NdPr"): 0.4})
    assert close(one["objective"], solve(data, RiskOptions()).objective)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--cap", "China=1.5"], "SHARE must lie in"),
        (["--cap", "China"], "expected ORIGIN=SHARE"),
        (["--cap", "China=abc"], "SHARE must be a number"),
        (["--cap", "Chile=0.5"], "unknown origin or group 'Chile'"),
        (["--cap", "China:Xx=0.5"], "unknown element 'Xx'"),
        (["--risk-weight", "-1"], "--risk-weight must be"),
        (["--cvar-level", "1"], "--cvar-level must be"),
        (["--cvar-weight", "2"], "--cvar-weight must be"),
        (["--format", "xml"], "xml"),
        (["--inputs", "/no/such/folder"], "does not exist"),
    ],
)
def test_usage_errors_exit_2(args, message):
    result = run("solve", *args)
    assert result.exit_code == 2
    assert message in result.stderr


def test_bad_input_exits_3_and_writes_nothing(tmp_path):
    folder = temp_folder(supply="origin,element,unit_cost,capacity\nChina,Nd,x,1\n",
                         demand="element,demand,shortage_cost\nNd,1,1\nNd,2,2\n")
    out = tmp_path / "plan.json"
    result = run("solve", "--inputs", str(folder), "--output", str(out))
    assert result.exit_code == 3
    assert "supply.csv:2:3: expected a finite number" in result.stderr
    assert "demand.csv:3:1: duplicate row" in result.stderr
    assert "Traceback" not in result.stderr
    assert not out.exists()
    check = run("check", "--inputs", str(folder))
    assert check.exit_code == 3 and "supply.csv:2:3" in check.stderr


def test_check_passes_on_bundled_data():
    result = run("check")
    assert result.exit_code == 0
    assert "19 offers from 6 origins" in result.stdout


def test_infeasible_exits_4_with_cause_and_amount():
    folder = temp_folder(
        supply="origin,element,unit_cost,capacity\nChina,Tb,1,100\nFrance,Tb,3,10\n",
        demand="element,demand,shortage_cost\nTb,60,1\n",
        caps="origin,element,max_share\nChina,*,0.5\n",
    )
    result = run("solve", "--inputs", str(folder))
    assert result.exit_code == 4
    # France ships at most 10 t, so China must ship 50 of 60 t: 83.4% rounded up
    assert "Tb: China must supply at least 83.4% of imports" in result.stderr
    short = temp_folder(supply="origin,element,unit_cost,capacity\nChina,Tb,1,10\n",
                        demand="element,demand,shortage_cost\nTb,60,1\n")
    result = run("solve", "--inputs", str(short))
    assert result.exit_code == 4 and "exceeds the total capacity of all origins, 10 t, by 50 t" in result.stderr
    commit = temp_folder(
        supply="origin,element,unit_cost,capacity,min_volume\nChina,Tb,1,100,80\nFrance,Tb,3,50,0\n",
        demand="element,demand,shortage_cost\nTb,60,1\n",
        caps="origin,element,max_share\nChina,*,0.5\n",
    )
    result = run("solve", "--inputs", str(commit))
    assert result.exit_code == 4
    assert "take-or-pay commitment (min_volume) of 80 t from China overshoots its caps by 30 t" in result.stderr


def test_solver_failure_exits_5(monkeypatch):
    import sourcing.solver as solver

    real = solver.run_highs

    def stopped(highs, time_limit=None, **kw):
        raw = real(highs, time_limit, **kw)
        return solver.RawSolution("time_limit", float("nan"), raw.col_value[:0], raw.row_dual[:0], 0)

    monkeypatch.setattr(solver, "run_highs", stopped)
    result = run("solve")
    assert result.exit_code == 5
    assert "time_limit" in result.stderr


def test_help_lists_commands():
    result = run("--help")
    assert result.exit_code == 0
    assert "solve" in result.stdout and "check" in result.stdout


def test_output_in_a_missing_folder_is_a_usage_error(tmp_path):
    for args in (["solve"], ["sweep", "--cap", "China=1,0.9"]):
        result = run(*args, "--output", str(tmp_path / "missing" / "out.csv"))
        assert result.exit_code == 2
        assert "does not exist" in result.stderr
    result = run("sweep", "--cap", "China=1,0.9", "--plot", str(tmp_path / "missing" / "p.png"))
    assert result.exit_code == 2 and "Traceback" not in result.stderr
