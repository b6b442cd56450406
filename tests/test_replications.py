"""plan --replications: R sampled trees, the error they state, and where they run.

Each replication is checked against a single ``plan`` with the same seed; the intervals against
scipy.stats; the executors (this process, local workers, a Dask LocalCluster) against each other
byte for byte; an interruption leaves nothing written."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pytest
import scipy.stats
from click.testing import CliRunner

from sourcing import load_inputs
from sourcing.cli import main
from sourcing.errors import OptionError
from sourcing.multiyear.api import plan
from sourcing.multiyear.spread import summarise, t_interval
from sourcing.replications import replicate
from tests.helpers import FORMER_CASE

YEARS = (2026, 2027)  # 64 histories a year: sampled at --paths 500, solved in a second
TREE = {"paths": 500}
CLI = ["plan", "--inputs", str(FORMER_CASE), "--years", "2026:2027", "--paths", "500", "--seed", "3", "--replications", "3", "--format", "json"]


@pytest.fixture(scope="module")
def bundled():
    return load_inputs(FORMER_CASE)  # six events, none in progress: sampled trees


@pytest.fixture(scope="module")
def replicated(bundled):
    return replicate(bundled, YEARS, replications=3, seed=3, **TREE)


def _quantity(frame: pd.DataFrame) -> np.ndarray:
    return frame["volume"].where(frame["decision"] == "contract", frame["capacity"]).to_numpy(float)


def test_each_replication_is_the_plan_of_its_seed(bundled, replicated):
    rep = replicated.replications
    singles = [plan(bundled, YEARS, seed=s, **TREE) for s in (3, 4, 5)]
    assert list(rep.runs["seed"]) == [3, 4, 5]
    assert list(rep.runs["objective"]) == [p.objective for p in singles]
    assert list(rep.runs["paths"]) == [p.tree["paths"] for p in singles]
    # the plan reported is the first tree's, whole
    mine = replicated.to_dict()
    del mine["replications"]
    assert mine == singles[0].to_dict()
    stacked = np.vstack([_quantity(p.sign_now) for p in singles])
    np.testing.assert_array_equal(rep.sign_now["first"], stacked[0])
    np.testing.assert_array_equal(rep.sign_now["min"], stacked.min(axis=0))
    np.testing.assert_array_equal(rep.sign_now["median"], np.median(stacked, axis=0))
    np.testing.assert_array_equal(rep.sign_now["max"], stacked.max(axis=0))
    assert set(singles[0].sign_now["origin"]) == set(rep.sign_now["origin"])


def test_the_first_trees_decisions_cost_at_least_each_trees_optimum(replicated):
    runs = replicated.replications.runs
    later = runs.iloc[1:]
    # fixing the root can only cost more than the tree's own optimum (HiGHS's tolerance aside)
    assert (later["evaluation"] >= later["objective"] - 1e-7 * later["objective"].abs()).all()
    assert np.isnan(runs["evaluation"].iloc[0])
    np.testing.assert_allclose(later["gap"], later["evaluation"] - later["objective"], rtol=0, atol=0)


def test_evaluating_the_first_trees_decisions_on_the_first_tree_gives_its_optimum(bundled):
    """The evaluation solve (root fixed) on the tree the root came from reproduces the optimum: the
    fixing keeps exactly the decisions, not something near them."""
    from sourcing.model import RiskOptions
    from sourcing.multiyear.api import checked_tree, root_values, solve_tree
    from sourcing.multiyear.horizon import build_horizon

    horizon = build_horizon(bundled, YEARS, 0.0)
    tree = checked_tree(horizon, "independent", 500, 3)
    st, compiled, raw = solve_tree(horizon, tree, RiskOptions())
    _, _, again = solve_tree(horizon, tree, RiskOptions(), fix_root=root_values(st, compiled, raw))
    assert again.objective == pytest.approx(raw.objective, rel=1e-9)


def test_intervals_are_scipys_student_t():
    x = [3.0, 5.5, 4.25, 8.0, 6.5]
    lo, hi = t_interval(x)
    want = scipy.stats.t.interval(0.95, len(x) - 1, loc=np.mean(x), scale=scipy.stats.sem(x))
    assert (lo, hi) == pytest.approx(want, rel=1e-12)
    assert t_interval([1.0]) is None
    # by hand: two values 1 and 3: mean 2, s = sqrt(2), t(0.975, 1) = 12.7062...
    assert t_interval([1.0, 3.0]) == pytest.approx((2 - 12.706204736, 2 + 12.706204736), rel=1e-9)


def test_summary_arithmetic_against_scipy():
    frame = pd.DataFrame({"decision": ["contract"], "origin": ["A"], "element": ["Dy"], "year": [2026],
                          "signed": [2026], "project": [None], "volume": [1.0], "capacity": [np.nan]})
    objectives = [10.0, 12.0, 11.0, 15.0]
    evaluations = [12.5, 11.75, 15.5]
    got = summarise([0, 1, 2, 3], [9, 9, 9, 9], objectives, evaluations, [frame] * 4)
    diff = np.array(evaluations) - np.array(objectives[1:])
    assert got.mean == pytest.approx(np.mean(objectives))
    assert got.ci95 == pytest.approx(scipy.stats.t.interval(0.95, 3, loc=np.mean(objectives),
                                                            scale=scipy.stats.sem(objectives)))
    assert got.evaluation_mean == pytest.approx(np.mean(evaluations))
    assert got.evaluation_ci95 == pytest.approx(scipy.stats.t.interval(0.95, 2, loc=np.mean(evaluations),
                                                                       scale=scipy.stats.sem(evaluations)))
    assert got.gap == pytest.approx(diff.mean())
    assert got.gap_ci95 == pytest.approx(scipy.stats.t.interval(0.95, 2, loc=diff.mean(), scale=scipy.stats.sem(diff)))
    two = summarise([0, 1], [9, 9], objectives[:2], evaluations[:1], [frame] * 2)
    assert two.gap is None and two.gap_ci95 is None and two.evaluation_ci95 is None
    assert two.to_dict()["gap_ci95"] is None and two.to_dict()["ci95"] is not None


def test_json_holds_the_contracts_keys(replicated):
    doc = json.loads(json.dumps(replicated.to_dict()))["replications"]
    for key in ("objective", "mean", "ci95", "evaluation", "evaluation_mean", "evaluation_ci95", "gap", "gap_ci95",
                "sign_now"):
        assert key in doc
    assert len(doc["objective"]) == 3 and len(doc["evaluation"]) == 2
    assert doc["ci95"][0] <= doc["mean"] <= doc["ci95"][1]
    assert {"min", "median", "max"} <= set(doc["sign_now"][0])


def test_an_exact_tree_is_refused_with_exit_2(bundled):
    with pytest.raises(OptionError, match="nothing to replicate"):
        replicate(bundled, YEARS, replications=2, events="first")
    got = CliRunner().invoke(main, ["plan", "--inputs", str(FORMER_CASE), "--years", "2026:2026", "--replications", "2"])
    assert got.exit_code == 2, got.output
    assert "nothing to replicate" in got.output


def test_workers_and_dask_give_the_same_bytes(tmp_path):
    distributed = pytest.importorskip("distributed")
    runner = CliRunner(env={"DASK_SCHEDULER_ADDRESS": None})
    serial = runner.invoke(main, CLI)
    assert serial.exit_code == 0, serial.output
    local = runner.invoke(main, [*CLI, "--workers", "2"])
    assert local.exit_code == 0, local.output
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None,
                                  silence_logs=40) as cluster:
        remote = CliRunner(env={"DASK_SCHEDULER_ADDRESS": cluster.scheduler_address}).invoke(main, CLI)
        assert "replication" in cluster.scheduler.task_prefixes  # the solves went there
    assert remote.exit_code == 0, remote.output
    assert json.loads(serial.stdout)["replications"]["count"] == 3
    assert local.stdout == serial.stdout
    assert remote.stdout == serial.stdout


def test_workers_and_scheduler_exclude_each_other(bundled):
    with pytest.raises(OptionError, match="exclude each other"):
        replicate(bundled, YEARS, replications=2, workers=2, scheduler="tcp://127.0.0.1:1", **TREE)


def test_an_interrupted_replication_writes_nothing(tmp_path, monkeypatch):
    import sourcing.replications as module

    original = module._replication

    def stop_at_evaluation(job, item, threads):
        if item[0] == module.EVALUATE:
            raise KeyboardInterrupt
        return original(job, item, threads)

    monkeypatch.setattr(module, "_replication", stop_at_evaluation)
    out = tmp_path / "plan.json"
    handlers = {s: signal.getsignal(s) for s in (signal.SIGINT, signal.SIGTERM)}
    try:
        got = CliRunner().invoke(main, [*CLI[:-2], "--output", str(out)])
    finally:  # the command ignores further interrupts on its way out: give this process its handlers back
        for s, handler in handlers.items():
            signal.signal(s, handler)
    assert got.exit_code == 130, got.output
    assert not out.exists()


def test_the_workbook_has_the_replications_sheets(tmp_path):
    out = tmp_path / "plan.xlsx"
    got = CliRunner().invoke(main, [*CLI[:-2], "--replications", "3", "--output", str(out)])
    assert got.exit_code == 0, got.output
    book = openpyxl.load_workbook(out)
    assert {"replications", "replication_intervals", "replicated_sign_now"} <= set(book.sheetnames)
    rows = list(book["replications"].iter_rows(values_only=True))
    assert len(rows) == 1 + 3  # header and one row per tree


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
@pytest.mark.parametrize("how", [signal.SIGINT, signal.SIGTERM])
def test_stopped_replications_leave_no_workers_and_no_file(tmp_path, how):
    """Ctrl-C or SIGTERM while two local workers solve: exit 130, the workers go, nothing written."""
    from tests.test_sweep import _alive, _children

    out = tmp_path / "plan.json"
    cmd = [sys.executable, "-m", "sourcing.cli", "plan", "--inputs", str(FORMER_CASE), "--years", "2026:2035", "--paths", "500",
           "--replications", "4", "--workers", "2", "--output", str(out)]
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1])}
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env,
                            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))  # not inherited ignored
    deadline = time.monotonic() + 120
    workers: set[int] = set()
    while len(workers) < 2 and proc.poll() is None and time.monotonic() < deadline:
        workers |= _children(proc.pid)
        time.sleep(0.01)
    assert proc.poll() is None, "the replications ended before they could be stopped"
    time.sleep(1.0)  # the workers are solving
    workers |= _children(proc.pid)
    proc.send_signal(how)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, err.decode()
    assert b"Traceback" not in err
    deadline = time.monotonic() + 10
    while any(_alive(p) for p in workers) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert workers and not any(_alive(p) for p in workers), "orphan worker processes"
    assert not out.exists()


def test_the_report_states_the_replications(bundled):
    from sourcing.output.html import briefing_html
    from sourcing.reporting import report

    briefing = report(bundled, sweep=None, status_quo=None, years=YEARS, replications=3)
    page = briefing_html(briefing)
    rep = replicate(bundled, YEARS, replications=3).replications
    assert 'id="plan-replications"' in page and 'id="plan-replicated_sign_now"' in page
    assert f"{rep.mean / 1e6:,.3f}" in page and f"{rep.ci95[0] / 1e6:,.3f} to {rep.ci95[1] / 1e6:,.3f}" in page
