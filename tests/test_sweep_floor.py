"""``sourcing sweep --floor`` (issue 21, item 11): what a floor on an origin or group costs, swept
as ``--cap`` sweeps a cap, with the same outputs, resume, workers and Dask. Each point is checked
against an LP written apart from the model (tests.helpers.reference_solve) with the floor written
into caps.csv."""

from __future__ import annotations

import json

import numpy as np
import openpyxl
import pandas as pd
import pytest
from click.testing import CliRunner

from sourcing import load_inputs
from sourcing.cli import main
from sourcing.sweep import parse_values, run_sweep
from tests.helpers import close, reference_solve, temp_folder, write_folder

SUPPLY = [{"origin": o, "element": e, "unit_cost": c, "capacity": cap} for o, e, c, cap in [
    ("A", "Nd", 10, 200), ("B", "Nd", 14, 60), ("C", "Nd", 18, 50),
    ("A", "Dy", 300, 50), ("B", "Dy", 420, 25),
]]
DEMAND = [{"element": "Nd", "demand": 100, "shortage_cost": 60}, {"element": "Dy", "demand": 40, "shortage_cost": 900}]
TABLES = dict(supply=SUPPLY, demand=DEMAND,
              groups=[{"group": "allies", "origin": "B"}, {"group": "allies", "origin": "C"}],
              scenarios=[{"scenario": "ban", "probability": 0.1}],
              disruptions=[{"scenario": "ban", "origin": "A", "element": "*", "availability": 0.2}])
FLOORS = "0:1:0.1"


@pytest.fixture(scope="module")
def folder():
    return temp_folder(**TABLES)


def _reference(tmp_path, target, floor, risk_weight):
    """The independent LP with the floor written into caps.csv: one row per element the target offers."""
    origin, element = (target, None) if isinstance(target, str) else target
    members = {"allies": {"B", "C"}}.get(origin, {origin})
    elements = sorted({r["element"] for r in SUPPLY if r["origin"] in members}) if element is None else [element]
    caps = [{"origin": origin, "element": e, "min_share": floor} for e in elements]
    where = write_folder(tmp_path / f"ref-{origin}-{element}-{floor:g}", **TABLES, caps=caps)
    return reference_solve(where, risk_weight=risk_weight)


@pytest.mark.parametrize("target", ["allies", ("B", "Dy"), "C"])
def test_every_point_is_the_independent_lp_with_that_floor(folder, tmp_path, target):
    frame = run_sweep(load_inputs(folder), target, parse_values(FLOORS, "--floor"), risk_weights=(0.0, 1.0),
                      bound="min_share")
    assert list(frame.columns[:3]) == ["min_share", "risk_weight", "cvar_weight"]
    assert len(frame) == 22
    statuses = set()
    for row in frame.itertuples():
        ref = _reference(tmp_path, target, row.min_share, row.risk_weight)
        assert row.status == ref["status"], (row.min_share, row.risk_weight)
        statuses.add(row.status)
        if ref["status"] != "optimal":
            assert np.isnan(row.objective)
            continue
        assert close(row.objective, ref["objective"], 1e-6, 1.0), (row.min_share, row.objective, ref["objective"])
        # the floor holds: the target's share of each element it is floored on
        shares = pd.Series(frame.loc[row.Index, [c for c in frame.columns if c.startswith("share:")]], dtype=float)
        members = {"allies": {"B", "C"}}.get(target if isinstance(target, str) else target[0],
                                              {target if isinstance(target, str) else target[0]})
        for element in ({"Nd", "Dy"} if isinstance(target, str) else {target[1]}):
            held = sum(shares.get(f"share:{element}:{o}", 0.0) for o in members)
            if any(f"share:{element}:{o}" in shares for o in members):
                assert held >= row.min_share - 1e-7, (element, held, row.min_share)
    assert "optimal" in statuses and "infeasible" in statuses  # the sweep reaches past the feasible floors


def test_marginal_cost_is_the_rise_of_the_independent_objective_per_point(folder, tmp_path):
    """marginal_cost_per_pp: the objective's rise (USD) if the floor rises by one point, read as
    the forward difference of the independent LP over a tiny step."""
    frame = run_sweep(load_inputs(folder), "allies", (0.0, 0.15, 0.35, 0.55), bound="min_share")
    rises = 0
    for row in frame[frame["status"] == "optimal"].itertuples():
        h = 1e-5
        here = _reference(tmp_path, "allies", row.min_share, 1.0)
        above = _reference(tmp_path, "allies", row.min_share + h, 1.0)
        assert above["status"] == "optimal"
        expected = (above["objective"] - here["objective"]) / h * 0.01
        assert close(row.marginal_cost_per_pp, expected, 1e-3, 1.0), (row.min_share, row.marginal_cost_per_pp, expected)
        rises += row.marginal_cost_per_pp > 0
    assert rises >= 2  # a floor on the dearer origins costs something


def test_cli_floor_sweep_outputs_resume_and_workers(folder, tmp_path):
    args = ["sweep", "--inputs", str(folder), "--floor", f"allies={FLOORS}", "--risk-weight", "0,1"]
    full = tmp_path / "full.csv"
    done = CliRunner().invoke(main, [*args, "--format", "csv", "--output", str(full)])
    assert done.exit_code == 0, done.output
    frame = pd.read_csv(full)
    assert list(frame.columns[:3]) == ["min_share", "risk_weight", "cvar_weight"]
    assert set(frame["target"]) == {"allies"}
    # resume: a file cut after five points and inside the sixth finishes to the same file
    lines = full.read_text().splitlines(keepends=True)
    part = tmp_path / "part.csv"
    part.write_text("".join(lines[:6]) + lines[6][:10])
    resumed = CliRunner().invoke(main, [*args, "--format", "csv", "--output", str(part), "--resume"])
    assert resumed.exit_code == 0, resumed.output
    assert part.read_text() == full.read_text()
    # a cap sweep's file is not this floor sweep's
    cap_file = tmp_path / "cap.csv"
    CliRunner().invoke(main, ["sweep", "--inputs", str(folder), "--cap", f"allies={FLOORS}", "--risk-weight", "0,1",
                              "--output", str(cap_file)])
    refused = CliRunner().invoke(main, [*args, "--output", str(cap_file), "--resume"])
    assert refused.exit_code == 2 and "is not a CSV file of this sweep" in refused.output
    # workers: the serial result
    parallel = run_sweep(load_inputs(folder), "allies", parse_values(FLOORS, "--floor"), risk_weights=(0.0, 1.0),
                         bound="min_share", workers=2)
    serial = run_sweep(load_inputs(folder), "allies", parse_values(FLOORS, "--floor"), risk_weights=(0.0, 1.0),
                       bound="min_share")
    pd.testing.assert_frame_equal(parallel, serial, check_exact=True)
    # the JSON document and the table name the floor
    doc = json.loads(CliRunner().invoke(main, [*args, "--format", "json"]).stdout)
    assert doc["points"][0]["min_share"] == 0.0 and "max_share" not in doc["points"][0]
    book = tmp_path / "floor.xlsx"
    assert CliRunner().invoke(main, [*args, "--output", str(book)]).exit_code == 0
    points = openpyxl.load_workbook(book)["points"]
    assert points["A1"].value == "min_share (%)" and points["A3"].number_format == points["A2"].number_format
    assert "%" in points["A2"].number_format  # a share, as the cap sweep's max_share
    table = CliRunner().invoke(main, args).stdout
    assert table.startswith("Sweep of the floor on allies (every element it offers)")
    assert "if the floor rises by 1 percentage point" in table


def test_dask_gives_the_serial_floor_sweep(folder):
    distributed = pytest.importorskip("distributed")
    data = load_inputs(folder)
    kw = dict(risk_weights=(0.0, 1.0), bound="min_share", chunk_size=3)
    serial = run_sweep(data, "allies", parse_values(FLOORS, "--floor"), **kw)
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None,
                                  silence_logs=40) as cluster:
        remote = run_sweep(data, "allies", parse_values(FLOORS, "--floor"), scheduler=cluster.scheduler_address, **kw)
    pd.testing.assert_frame_equal(remote, serial, check_exact=True)


@pytest.mark.parametrize(("args", "message"), [
    (["--floor", "allies=0:0.5:0.1", "--cap", "A=1:0.5:0.1"], "give exactly one cap or one floor"),
    (["--floor", "C:Dy=0,0.1"], "C offers no Dy"),
    (["--floor", "alies=0,0.1"], "did you mean 'allies'"),
    (["--floor", "allies=0,120%"], "1.2 is outside [0, 1]"),
])
def test_bad_floor_options_exit_2(folder, args, message):
    result = CliRunner().invoke(main, ["sweep", "--inputs", str(folder), *args])
    assert result.exit_code == 2 and message in result.output, result.output


def test_floor_plot_runs_from_no_floor_to_the_tightest(folder, tmp_path):
    png = tmp_path / "floor.png"
    result = CliRunner().invoke(main, ["sweep", "--inputs", str(folder), "--floor", f"allies={FLOORS}", "--plot",
                                       str(png), "--output", str(tmp_path / "f.csv")])
    assert result.exit_code == 0, result.output
    assert png.read_bytes().startswith(b"\x89PNG")
    from sourcing.output.plot import plot_frontier

    fig = plot_frontier(pd.read_csv(tmp_path / "f.csv"))
    ax = fig.axes[0]
    left, right = ax.get_xlim()
    assert left < right and left <= 0 and right >= 100  # loose (no floor) on the left, as for a cap
    assert "floor" in ax.get_xlabel() and "min_share" in ax.get_xlabel()
