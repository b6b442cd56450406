"""`sourcing sweep`: points equal single solves, the cost curve's shape, resume, workers, Dask, CLI.

Every figure a sweep reports is checked against a fresh :func:`sourcing.solve` of the same point
(built from scratch, nothing shared with the sweep's model), or against a finite difference.
"""

from __future__ import annotations

import io
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st

from sourcing import InfeasibleError, RiskOptions, bundled_inputs, load_inputs, solve
from sourcing.cli import main
from sourcing.errors import OptionError
from sourcing.sweep import parse_values, run_sweep
from sourcing.sweep.run import progress_bar
from tests.helpers import REL, close, temp_folder

FIGURES = ["objective", "procurement_cost", "stockpile_cost", "expected_shortage_cost", "cvar"]
FD_STEP = 1e-5
"""Step of the finite differences that check marginal_cost_per_pp (in share, i.e. 0.001 pp)."""
FD_REL = 1e-4
"""Tolerance of those finite differences (the cost curve is smooth but not linear between kinks)."""

BUNDLED_GRID = "1.0:0.3:0.01"  # the 71 points, for risk weights 0, 1, 2


@pytest.fixture(scope="module")
def bundled():
    return load_inputs(bundled_inputs())


@pytest.fixture(scope="module")
def bundled_cli_sweep(tmp_path_factory):
    """The issue's sweep through the CLI: 71 caps x risk weights 0, 1, 2, to CSV and PNG."""
    out = tmp_path_factory.mktemp("sweep")
    csv_path, png_path = out / "frontier.csv", out / "frontier.png"
    result = CliRunner().invoke(main, ["sweep", "--cap", f"China={BUNDLED_GRID}", "--risk-weight", "0,1,2",
                                       "--format", "csv", "--output", str(csv_path), "--plot", str(png_path)])
    assert result.exit_code == 0, result.output
    return pd.read_csv(csv_path, keep_default_na=True), png_path, csv_path


def _share_columns(frame: pd.DataFrame) -> list[str]:
    return [c for c in frame.columns if c.startswith("share:")]


def _solve_point(data, target, share, risk_weight, cvar_weight=0.0, cvar_level=0.95):
    """A fresh solve of one point, or None if infeasible."""
    try:
        return solve(data.with_caps({target: share}), RiskOptions(risk_weight, cvar_weight, cvar_level))
    except InfeasibleError:
        return None


def _assert_point_equals_solve(data, target, row, check_marginal: bool = True, unique: bool = True) -> None:
    """A sweep row equals a fresh single solve: status, money figures, shares, marginal cost.

    ``unique=False``: the LP may have several optimal plans there (random data; weights at which two
    plans tie), so a different plan passes if it reaches the same objective, recomputed from its
    own procurement and risk figures.
    """
    fresh = _solve_point(data, target, row["max_share"], row["risk_weight"], row["cvar_weight"], row["cvar_level"])
    if fresh is None:
        assert row["status"] == "infeasible"
        assert all(np.isnan(row[f]) for f in FIGURES)
        return
    assert row["status"] == "optimal"
    scale = max(1.0, abs(fresh.objective))
    assert close(row["objective"], fresh.objective, REL, scale)
    o = fresh.options
    risk = (1 - o.cvar_weight) * row["expected_shortage_cost"] + o.cvar_weight * row["cvar"] \
        if o.uses_cvar else row["expected_shortage_cost"]
    assert close(row["procurement_cost"] + row["stockpile_cost"] + o.risk_weight * risk, fresh.objective, REL, scale)
    shares = {f"share:{e}:{o}": s for e, o, s in zip(fresh.plan["element"], fresh.plan["origin"], fresh.plan["share"])}
    assert set(shares) == set(_share_columns(pd.DataFrame([row])))
    same_plan = all(abs(row[col] - s) <= 1e-7 for col, s in shares.items())
    if not unique and not same_plan:
        return
    assert same_plan, {col: (row[col], s) for col, s in shares.items() if abs(row[col] - s) > 1e-7}
    for f in FIGURES:
        assert close(row[f], getattr(fresh, f), REL, scale), (f, row[f], getattr(fresh, f))
    if check_marginal and row["max_share"] < 1:
        origin, element = (target, None) if isinstance(target, str) else target
        caps = fresh.caps[(fresh.caps["origin"] == origin) & (fresh.caps["kind"] == "max")
                          & (fresh.caps["basis"] == "imports") & (fresh.caps["scope"] == "origin")]
        if element is not None:
            caps = caps[caps["element"] == element]
        assert close(row["marginal_cost_per_pp"], caps["marginal_cost_per_pp"].sum(), REL, scale)


# ---------------------------------------------------------------------------------------------
# the grid


@pytest.mark.parametrize(("text", "expected"), [
    ("1.0:0.3:-0.05", [1.0 - 0.05 * i for i in range(15)]),
    ("1.0:0.3:0.05", [1.0 - 0.05 * i for i in range(15)]),
    ("0.3:1:0.05", [0.3 + 0.05 * i for i in range(15)]),
    ("0:1:0.3", [0.0, 0.3, 0.6, 0.9]),  # STOP off the grid is not included
    ("1:0:-0.25", [1.0, 0.75, 0.5, 0.25, 0.0]),
    ("0.5:0.5:0.1", [0.5]),
    ("0.2:0.9:5", [0.2]),
    ("0.5,1,0.25", [0.5, 1.0, 0.25]),  # a list keeps its order
    (" 0.4 , 0.6 ", [0.4, 0.6]),
])
def test_grid_values(text, expected):
    values = parse_values(text, "--cap")
    assert len(values) == len(expected)
    assert np.allclose(values, expected, rtol=0, atol=1e-12)


def test_grid_hits_round_values_exactly():
    """1 - 70 x 0.01 in floating point is not 0.3; the grid's values are the decimals one typed."""
    values = parse_values("1.0:0.3:0.01", "--cap")
    assert len(values) == 71
    assert values[0] == 1.0 and values[-1] == 0.3 and values[40] == 0.6
    assert all(v == round(v, 2) for v in values)


@pytest.mark.parametrize(("args", "message"), [
    (["--cap", "China=1.0:0.3:0"], "STEP must not be 0"),
    (["--cap", "China=1.2:0.3:0.1"], "outside"),
    (["--cap", "China=1.0:-0.1:0.1"], "outside"),
    (["--cap", "China=0.5,1.5"], "outside"),
    (["--cap", "China=-0.5"], "outside"),
    (["--cap", "China=0.5,0.5"], "given twice"),
    (["--cap", "China=0.5,,0.6"], "not a number"),
    (["--cap", "China=a:b:c"], "not a number"),
    (["--cap", "China=1:0.3"], "START:STOP:STEP"),
    (["--cap", "China=nan"], "finite"),
    (["--cap", "China=inf:0:0.1"], "finite"),
    (["--cap", "China=1:0:1e-9"], "use a larger STEP"),
    (["--cap", "China"], "TARGET="),
    (["--cap", "=0.5"], "TARGET="),
    (["--cap", "China:=0.5"], "ORIGIN:ELEMENT"),
    (["--cap", "Chna=0.5"], "did you mean 'China'"),
    (["--cap", "China:Xx=0.5"], "unknown element"),
    (["--cap", "India:Dy=0.5"], "India offers no Dy"),
    (["--cap", "China=0.5", "--cap", "France=0.5"], "exactly one cap"),
    (["--cap", "China=0.5", "--risk-weight", "-1"], "outside"),
    (["--cap", "China=0.5", "--cvar-weight", "0.5,2"], "outside"),
    (["--cap", "China=0.5", "--cvar-level", "1"], "cvar-level"),
    (["--cap", "China=0.5", "--workers", "0"], "workers"),
    (["--cap", "China=0.5", "--resume"], "--resume needs --output"),
])
def test_bad_options_exit_2(args, message):
    result = CliRunner().invoke(main, ["sweep", *args])
    assert result.exit_code == 2, result.output
    assert message in result.output


def test_resume_refuses_another_sweeps_file(tmp_path):
    out = tmp_path / "s.sweep"  # an extension that names no format: --format says what the file is
    ok = CliRunner().invoke(main, ["sweep", "--cap", "China=1,0.9", "--format", "csv", "--output", str(out)])
    assert ok.exit_code == 0, ok.output
    before = out.read_bytes()
    for args, message in [
        (["--cap", "France=1,0.9", "--format", "csv"], "not a CSV file of this sweep"),
        (["--cap", "China=1,0.9", "--format", "json"], "not a JSON file of this sweep"),
        (["--cap", "China=0.8,0.7", "--format", "csv"], "off this grid"),
        (["--cap", "China=1,0.9", "--format", "table"], "--resume needs --format csv or json"),
    ]:
        result = CliRunner().invoke(main, ["sweep", *args, "--output", str(out), "--resume"])
        assert result.exit_code == 2, result.output
        assert message in result.output
        assert out.read_bytes() == before  # nothing touched


def test_resume_refuses_a_file_of_other_inputs_or_another_year(tmp_path):
    """The grid, target and offers of a file may match while its figures come from other inputs:
    the first kept point is solved again, and a file of another --year, or of a folder whose
    prices changed since, is refused (exit 2), untouched."""
    out = tmp_path / "s.csv"
    args = ["sweep", "--cap", "China=1,0.9,0.8"]
    assert CliRunner().invoke(main, [*args, "--output", str(out)]).exit_code == 0
    before = out.read_bytes()
    out.write_bytes(before[: before.index(b"\n", before.index(b"\n") + 1) + 1])  # the header and one point
    kept = out.read_bytes()
    changed = tmp_path / "changed"
    shutil.copytree(bundled_inputs(), changed)
    supply = pd.read_csv(changed / "supply.csv", dtype=str, keep_default_na=False)
    supply.loc[0, "unit_cost"] = "56"
    supply.to_csv(changed / "supply.csv", index=False)
    for extra in (["--year", "2030"], ["--inputs", str(changed)]):  # same offers, other figures
        result = CliRunner().invoke(main, [*args, *extra, "--output", str(out), "--resume"])
        assert result.exit_code == 2, result.output
        assert "was written from other inputs: at max_share 1, risk_weight 1, cvar_weight 0" in result.output
        assert out.read_bytes() == kept
    document = tmp_path / "s.json"  # a script's sweep: the refusal is a JSON document on stdout
    assert CliRunner().invoke(main, [*args, "--output", str(document)]).exit_code == 0
    script = CliRunner().invoke(main, [*args, "--year", "2030", "--output", str(document), "--resume"])
    assert script.exit_code == 2
    doc = json.loads(script.stdout)
    assert doc["status"] == "usage" and "other inputs" in doc["message"]
    assert doc["hint"].startswith("resume with the inputs and options that wrote the file")
    resumed = CliRunner().invoke(main, [*args, "--output", str(out), "--resume"])
    assert resumed.exit_code == 0 and out.read_bytes() == before


def test_sweep_answers_the_year_asked_for():
    """``sweep --year Y``: every point is the single solve on the rows in force in Y."""
    doc = json.loads(CliRunner().invoke(main, ["sweep", "--cap", "China=1,0.9", "--year", "2026",
                                               "--format", "json"]).stdout)
    data = load_inputs(bundled_inputs(), year=2026)
    default = load_inputs(bundled_inputs())
    for point in doc["points"]:
        capped = {"China": point["max_share"]}
        assert close(point["objective"], solve(data.with_caps(capped)).objective)
        assert not close(point["objective"], solve(default.with_caps(capped)).objective)


# ---------------------------------------------------------------------------------------------
# points equal single solves


def test_bundled_sweep_writes_csv_and_png(bundled_cli_sweep, bundled):
    frame, png, _ = bundled_cli_sweep
    assert len(frame) == 71 * 3
    assert list(frame["risk_weight"].unique()) == [0.0, 1.0, 2.0]
    assert np.allclose(frame["max_share"].to_numpy()[:71], np.linspace(1.0, 0.3, 71))
    assert set(frame["status"]) == {"optimal", "infeasible"}  # China below ~62% is infeasible here
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    # the points at share 1 are the plan with no cap on China at all
    uncapped = bundled.with_caps({"China": 1.0})
    for rw in (0.0, 1.0, 2.0):
        row = frame[(frame["max_share"] == 1.0) & (frame["risk_weight"] == rw)].iloc[0]
        assert close(row["objective"], solve(uncapped, RiskOptions(rw)).objective, REL, 1.0)


@given(index=st.integers(0, 71 * 3 - 1))
def test_bundled_sweep_points_equal_single_solves(bundled_cli_sweep, bundled, index):
    """Any point of the issue's sweep (as written by the CLI) equals `sourcing solve` of that point.
    The optimal plan is unique at every point of this sweep (checked once for all 213), so the plans
    themselves must agree."""
    frame, _, _ = bundled_cli_sweep
    _assert_point_equals_solve(bundled, "China", frame.iloc[index], check_marginal=not _is_kink(frame, index))


def _is_kink(frame: pd.DataFrame, index: int) -> bool:
    """Whether the cost curve bends at this grid point (its slopes either side differ), where a
    single solve's dual may be any value between the two (see sourcing.sweep)."""
    row = frame.iloc[index]
    line = frame[(frame["risk_weight"] == row["risk_weight"]) & (frame["cvar_weight"] == row["cvar_weight"])]
    line = line[line["status"] == "optimal"].sort_values("max_share")
    pos = list(line.index).index(frame.index[index]) if frame.index[index] in line.index else None
    if pos is None or pos == 0 or pos == len(line) - 1:
        return True
    s = line["max_share"].to_numpy()
    v = line["objective"].to_numpy()
    left = (v[pos - 1] - v[pos]) / (s[pos] - s[pos - 1])
    right = (v[pos] - v[pos + 1]) / (s[pos + 1] - s[pos])
    return not close(left, right, 1e-6, max(1.0, abs(v[pos]) * 1e-6))


def test_cvar_and_element_targets_equal_single_solves(bundled):
    """CVaR weights, an ORIGIN:ELEMENT target and random points of a grid nobody looked at."""
    rng = np.random.default_rng(20260128)
    shares = tuple(sorted({round(float(s), 3) for s in rng.uniform(0.3, 1.0, 9)} | {1.0}, reverse=True))
    for target in ["China", ("China", "Dy"), ("Malaysia", "NdPr")]:
        frame = run_sweep(bundled, target, shares, risk_weights=(0.0, 1.5), cvar_weights=(0.0, 0.6),
                          cvar_level=0.9)
        assert len(frame) == len(shares) * 4
        for index in rng.choice(len(frame), 6, replace=False):
            _assert_point_equals_solve(bundled, target, frame.iloc[index], check_marginal=not _is_kink(frame, index),
                                       unique=False)


def test_group_target(tmp_path):
    """A group's cap (groups.csv) sweeps like an origin's: the group's members' combined share."""
    folder = temp_folder(
        supply=[{"origin": o, "element": "Nd", "unit_cost": c, "capacity": 80} for o, c in
                [("A", 10), ("B", 12), ("C", 20)]],
        demand=[{"element": "Nd", "demand": 100, "shortage_cost": 60}],
        groups=[{"group": "AB", "origin": "A"}, {"group": "AB", "origin": "B"}],
        scenarios=[{"scenario": "ban", "probability": 0.2}],
        disruptions=[{"scenario": "ban", "origin": "A", "element": "*", "availability": 0.0}],
    )
    data = load_inputs(folder)
    frame = run_sweep(data, "AB", parse_values("1:0:0.1", "--cap"), risk_weights=(0.0, 1.0))
    for index in range(len(frame)):
        _assert_point_equals_solve(data, "AB", frame.iloc[index], check_marginal=not _is_kink(frame, index),
                                   unique=False)
    ok = frame[frame["status"] == "optimal"]
    together = ok["share:Nd:A"] + ok["share:Nd:B"]
    assert (together <= ok["max_share"] + 1e-9).all()
    # C can ship 80 of 100 t: the group must keep 20%; below that no plan exists
    assert set(frame.loc[frame["max_share"] < 0.2 - 1e-9, "status"]) == {"infeasible"}
    assert set(frame.loc[frame["max_share"] >= 0.2 - 1e-9, "status"]) == {"optimal"}


# ---------------------------------------------------------------------------------------------
# the shape of the cost curve


def _lines(frame: pd.DataFrame):
    for _, line in frame.groupby(["risk_weight", "cvar_weight"], sort=False):
        yield line.sort_values("max_share", ascending=False)


def _assert_monotone(frame: pd.DataFrame) -> None:
    """Tightening the cap, all else equal: the objective never falls, and once no plan exists
    none exists at any tighter cap."""
    for line in _lines(frame):
        ok = (line["status"] == "optimal").to_numpy()
        if (~ok).any():
            assert not ok[np.argmax(~ok):].any(), "a tighter cap became feasible again"
        v = line["objective"].to_numpy()[ok]
        scale = max(1.0, float(np.abs(v).max(initial=0.0)))
        assert (np.diff(v) >= -REL * scale).all(), v


def test_objective_never_falls_as_the_cap_tightens(bundled_cli_sweep, bundled):
    _assert_monotone(bundled_cli_sweep[0])
    _assert_monotone(run_sweep(bundled, ("China", "NdPr"), parse_values("1:0:0.02", "--cap"),
                               risk_weights=(0.0, 1.0), cvar_weights=(0.0, 0.5)))


@st.composite
def instances(draw):
    """A small valid input folder in which origin O0 offers at least one element."""
    n_el = draw(st.integers(1, 3))
    n_or = draw(st.integers(2, 4))
    elements = [f"E{i}" for i in range(n_el)]
    supply = []
    for e in elements:
        origins = draw(st.sets(st.integers(0, n_or - 1), min_size=1, max_size=n_or))
        if e == "E0":
            origins.add(0)
        for o in sorted(origins):
            capacity = draw(st.integers(10, 200))
            supply.append({"origin": f"O{o}", "element": e, "unit_cost": draw(st.integers(1, 100)),
                           "capacity": capacity, "min_volume": draw(st.sampled_from([0, 0, capacity // 4]))})
    demand = [{"element": e, "demand": draw(st.integers(5, 150)), "shortage_cost": draw(st.integers(10, 500))}
              for e in elements]
    n_sc = draw(st.integers(0, 3))
    scenarios = [{"scenario": f"S{k}", "probability": draw(st.sampled_from([0.05, 0.1, 0.2]))} for k in range(n_sc)]
    disruptions = [{"scenario": f"S{k}", "origin": f"O{draw(st.integers(0, n_or - 1))}", "element": "*",
                    "availability": draw(st.sampled_from([0.0, 0.3, 0.7]))} for k in range(n_sc)]
    origins_used = sorted({r["origin"] for r in supply})
    disruptions = [d for d in disruptions if d["origin"] in origins_used]
    stock = [{"element": e, "stock": draw(st.integers(0, 30))} for e in elements]
    return temp_folder(supply=supply, demand=demand, scenarios=scenarios or None,
                       disruptions=disruptions or None, stockpile=stock)


@given(folder=instances(), pick=st.integers(0, 10_000))
def test_random_instances(folder, pick):
    """On random data: monotone in the cap, and a random point equals a single solve."""
    data = load_inputs(folder)
    frame = run_sweep(data, "O0", parse_values("1:0:0.125", "--cap"), risk_weights=(0.0, 1.0),
                      cvar_weights=(0.0, 0.5), chunk_size=4)
    _assert_monotone(frame)
    _assert_point_equals_solve(data, "O0", frame.iloc[pick % len(frame)], check_marginal=False, unique=False)


def test_marginal_cost_is_the_finite_difference(bundled):
    """marginal_cost_per_pp = (objective at max_share - h) - (objective at max_share), per 0.01:
    for ORIGIN (all its caps at once) and ORIGIN:ELEMENT targets, kinks and share 1 included."""
    shares = parse_values("1:0.6:0.05", "--cap")
    tighter = [round(s - FD_STEP, 12) for s in shares]
    checked = 0
    for target in ["China", ("China", "Dy"), ("China", "NdPr")]:
        kw = dict(risk_weights=(0.0, 1.0, 2.0), cvar_weights=(0.0, 0.5))
        at = run_sweep(bundled, target, shares, **kw)
        below = run_sweep(bundled, target, tighter, **kw)
        for i in range(len(at)):
            if at["status"][i] != "optimal" or below["status"][i] != "optimal":
                continue
            fd = (below["objective"][i] - at["objective"][i]) / (100 * FD_STEP)
            assert close(at["marginal_cost_per_pp"][i], fd, FD_REL, max(1.0, 1e-9 * at["objective"][i])), \
                (target, at["max_share"][i], at["risk_weight"][i], fd, at["marginal_cost_per_pp"][i])
            checked += 1
    assert checked >= 60


# ---------------------------------------------------------------------------------------------
# resume, workers, Dask


@pytest.mark.parametrize("fmt", ["csv", "json"])
def test_resume_after_a_kill_gives_the_same_file(tmp_path, bundled, fmt):
    """A sweep killed after k points (and inside the write of point k + 1) and resumed writes the
    same bytes as an uninterrupted one, each point once."""
    shares = parse_values("1:0.5:0.05", "--cap")
    kw = dict(risk_weights=(0.0, 1.0), cvar_weights=(0.0, 0.5), fmt=fmt, chunk_size=4)
    whole = tmp_path / f"whole.{fmt}"
    expected = run_sweep(bundled, "China", shares, output=whole, **kw)
    text = whole.read_text()
    lines = text.splitlines(keepends=True)
    head = 1  # the CSV header, or the JSON line that opens the list of points
    for k in (0, 7, 25):  # 7: in the middle of a chunk of 4
        cut = lines[head + k]
        killed = "".join(lines[:head + k]) + cut[: len(cut) // 2]  # a write cut short
        part = tmp_path / f"killed{k}.{fmt}"
        part.write_text(killed)
        got = run_sweep(bundled, "China", shares, output=part, resume=True, **kw)
        assert part.read_bytes() == whole.read_bytes()
        pd.testing.assert_frame_equal(got, expected, check_exact=True)
    # the file is readable as it stands at every point: here after the last
    if fmt == "json":
        assert len(json.loads(text)["points"]) == len(expected)
    else:
        assert len(pd.read_csv(io.StringIO(text))) == len(expected)


def test_resume_does_not_solve_finished_chunks(tmp_path, bundled, monkeypatch):
    """Chunks already on disk are not solved again; a chunk cut short is re-solved from its start."""
    from sourcing import sweep as sweep_module

    shares = parse_values("1:0.5:0.05", "--cap")  # 11 values, at most 4 a chunk: points 0-3, 4-6, 7-10
    out = tmp_path / "s.csv"
    run_sweep(bundled, "China", shares, output=out, chunk_size=4)
    lines = out.read_text().splitlines(keepends=True)
    out.write_text("".join(lines[:1 + 6]))  # points 0-5: the first chunk whole, the second in part
    solved = []
    original = sweep_module.Resolver.solve_chunk

    def spy(self, chunk, skip=frozenset()):
        solved.append([i for i, _ in chunk.points])
        return original(self, chunk, skip)

    monkeypatch.setattr(sweep_module.Resolver, "solve_chunk", spy)
    run_sweep(bundled, "China", shares, output=out, resume=True, chunk_size=4)
    assert solved == [[4, 5, 6], [7, 8, 9, 10]]
    assert out.read_text().splitlines(keepends=True) == lines


def test_workers_give_the_serial_result(bundled, tmp_path):
    shares = parse_values("1:0.3:0.05", "--cap")
    kw = dict(risk_weights=(0.0, 1.0, 2.0), cvar_weights=(0.0, 0.5), chunk_size=5)
    serial = run_sweep(bundled, "China", shares, **kw)
    out = tmp_path / "parallel.csv"
    parallel = run_sweep(bundled, "China", shares, workers=2, output=out, **kw)
    pd.testing.assert_frame_equal(parallel, serial, check_exact=True)
    assert list(pd.read_csv(out)["max_share"]) == list(serial["max_share"])  # the file in grid order


def test_dask_local_cluster_gives_the_serial_result(bundled):
    distributed = pytest.importorskip("distributed")
    shares = parse_values("1:0.3:0.05", "--cap")
    kw = dict(risk_weights=(0.0, 1.0, 2.0), cvar_weights=(0.0, 0.5), chunk_size=5)
    serial = run_sweep(bundled, "China", shares, **kw)
    cli = ["sweep", "--cap", "China=1:0.3:0.05", "--risk-weight", "0,1,2", "--format", "csv"]
    serial_cli = CliRunner(env={"DASK_SCHEDULER_ADDRESS": None}).invoke(main, cli)
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None,
                                  silence_logs=40) as cluster:
        by_env = CliRunner(env={"DASK_SCHEDULER_ADDRESS": cluster.scheduler_address}).invoke(main, cli)
        assert "dask_chunk" in cluster.scheduler.task_prefixes  # the CLI did send its chunks there
        by_address = run_sweep(bundled, "China", shares, scheduler=cluster.scheduler_address, **kw)
        with distributed.Client(cluster) as client:
            by_client = run_sweep(bundled, "China", shares, scheduler=client, **kw)
    pd.testing.assert_frame_equal(by_address, serial, check_exact=True)
    pd.testing.assert_frame_equal(by_client, serial, check_exact=True)
    assert by_env.exit_code == 0, by_env.output
    assert by_env.stdout == serial_cli.stdout


def test_scheduler_and_workers_exclude_each_other(bundled):
    with pytest.raises(OptionError, match="exclude each other"):
        run_sweep(bundled, "China", (1.0,), workers=2, scheduler="tcp://127.0.0.1:1")


# ---------------------------------------------------------------------------------------------
# stopping a real sweep: Ctrl-C, SIGKILL


def _children(pid: int) -> set[int]:
    out = set()
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                out.add(int(entry.name))
    return out


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state not in ("Z", "X")


def _data_lines(path: Path) -> int:
    try:
        return max(0, path.read_text().count("\n") - 1)
    except OSError:
        return 0


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
@pytest.mark.parametrize("how", [signal.SIGINT, signal.SIGTERM, "twice", signal.SIGKILL])
def test_stopped_sweep_leaves_no_workers_and_resumes(tmp_path, how):
    """Stop a 2-worker sweep half way (Ctrl-C, once or twice in a row, SIGTERM, or a kill nobody can
    catch): the workers go, the file holds whole points only, one line says so, and --resume
    completes it to the uninterrupted file."""
    grid = "1:0:0.0005"  # 2,001 caps x 2 risk weights: a few seconds of work
    args = ["sweep", "--cap", f"China={grid}", "--risk-weight", "0,1", "--format", "csv"]
    out = tmp_path / "stopped.csv"
    cmd = [sys.executable, "-m", "sourcing.cli", *args, "--output", str(out), "--workers", "2"]
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1])}
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    deadline = time.monotonic() + 60
    workers: set[int] = set()
    while _data_lines(out) < 300 and proc.poll() is None and time.monotonic() < deadline:
        workers |= _children(proc.pid)
        time.sleep(0.005)
    assert proc.poll() is None, "the sweep ended before it could be stopped"
    workers |= _children(proc.pid)
    if how == "twice":
        proc.send_signal(signal.SIGINT)
        time.sleep(0.05)
        proc.send_signal(signal.SIGINT)
    else:
        proc.send_signal(how)
    _, err = proc.communicate(timeout=30)
    if how != signal.SIGKILL:
        assert proc.returncode == 130, err.decode()
        last = err.decode().strip().splitlines()[-1]
        assert last.startswith("interrupted: ") and "--resume" in last, err.decode()
        assert b"Traceback" not in err
    assert workers, "no worker processes seen"
    deadline = time.monotonic() + 10
    while any(_alive(p) for p in workers) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not any(_alive(p) for p in workers), "orphan worker processes"

    stopped = out.read_text()
    done = pd.read_csv(io.StringIO(stopped[: stopped.rfind("\n") + 1]))
    assert 300 <= len(done) < 2 * 2001
    assert not done.duplicated(["max_share", "risk_weight"]).any()

    resumed = CliRunner().invoke(main, [*args, "--output", str(out), "--resume"])
    assert resumed.exit_code == 0, resumed.output
    whole = tmp_path / "whole.csv"
    assert CliRunner().invoke(main, [*args, "--output", str(whole)]).exit_code == 0
    assert out.read_bytes() == whole.read_bytes()


# ---------------------------------------------------------------------------------------------
# CLI formats, picture, progress


def test_cli_formats_agree_with_the_api(bundled):
    shares = (1.0, 0.8, 0.5)
    api = run_sweep(bundled, "China", shares, risk_weights=(0.0, 1.0))
    base = ["sweep", "--cap", "China=1,0.8,0.5", "--risk-weight", "0,1"]
    runner = CliRunner()
    as_csv = runner.invoke(main, [*base, "--format", "csv"])
    assert as_csv.exit_code == 0, as_csv.output
    pd.testing.assert_frame_equal(pd.read_csv(io.StringIO(as_csv.stdout)), api, check_exact=True)

    as_json = json.loads(runner.invoke(main, [*base, "--format", "json"]).stdout)
    assert as_json["target"] == "China" and as_json["cvar_level"] == 0.95
    assert len(as_json["points"]) == len(api)
    for point, (_, row) in zip(as_json["points"], api.iterrows()):
        assert point["max_share"] == row["max_share"] and point["status"] == row["status"]
        if row["status"] == "optimal":
            assert point["objective"] == row["objective"]
            for e, by_origin in point["shares"].items():
                for o, s in by_origin.items():
                    assert s == row[f"share:{e}:{o}"]
        else:
            assert point["objective"] is None and point["shares"] is None

    table = runner.invoke(main, base).stdout
    rows = [line for line in table.splitlines() if line.strip().endswith("%") or "infeasible" in line]
    assert len(rows) == len(api)
    assert sum("infeasible" in line for line in rows) == int((api["status"] == "infeasible").sum())


def test_table_file_is_written_point_by_point_in_the_final_layout(tmp_path, bundled):
    out = tmp_path / "t.txt"
    run_sweep(bundled, "China", (1.0, 0.7, 0.5), risk_weights=(1.0,), fmt="table", output=out)
    stdout = CliRunner().invoke(main, ["sweep", "--cap", "China=1,0.7,0.5"]).stdout
    assert out.read_text() == stdout


def test_plot_draws_every_series_and_element(bundled_cli_sweep):
    import matplotlib

    matplotlib.use("Agg")
    from sourcing.output.plot import plot_frontier

    frame = bundled_cli_sweep[0]
    fig = plot_frontier(frame)
    axes = fig.axes
    objective, costs, marginal = axes[:3]
    assert len(objective.get_lines()) == 3  # one per risk weight
    assert len(costs.get_lines()) == 3  # procurement per risk weight (left axis)
    risk = [ax for ax in axes if ax.get_shared_x_axes().joined(ax, costs) and ax is not costs]
    assert len(risk) == 1 and len(risk[0].get_lines()) == 6  # expected shortage and stockpile, their own axis
    assert "USD M" in objective.get_ylabel() and "percentage point" in marginal.get_ylabel()
    shares = _share_columns(frame)
    moving = {c.split(":")[1] for c in shares if frame.loc[frame["status"] == "optimal", c].nunique() > 1}
    titled = [ax for ax in axes if ax.get_title().endswith("share of each origin")]
    assert sorted(ax.get_title().split(":")[0] for ax in titled) == sorted(moving)
    note = " ".join(t.get_text() for ax in axes for t in ax.texts)
    assert all(f"{e}:" in note for e in {c.split(":")[1] for c in shares} - moving)  # named, not drawn empty
    assert all("%" in ax.get_ylabel() for ax in titled)
    # the lines carry the data: the objective line at risk weight 1, in USD M
    line = objective.get_lines()[1]
    ok = frame[(frame["risk_weight"] == 1.0) & (frame["status"] == "optimal")].sort_values("max_share")
    y = np.asarray(line.get_ydata(), float)
    assert np.allclose(y[~np.isnan(y)], ok["objective"] / 1e6)
    # no plan below about 62%: shaded
    assert objective.patches, "the infeasible range is not shaded"
    import matplotlib.pyplot as plt

    plt.close(fig)


def test_progress_bar_shows_points_rate_and_time_left_only_when_enabled():
    stream = io.StringIO()
    bar = progress_bar(10, 2, enabled=True, file=stream, delay=0.0)
    for _ in range(3):
        time.sleep(0.01)
        bar.update()
    bar.close()
    text = stream.getvalue()
    assert "5/10" in text and "points/s" in text and "<" in text  # done, rate, time left
    quiet = io.StringIO()
    off = progress_bar(10, enabled=False, file=quiet, delay=0.0)
    off.update(10)
    off.close()
    assert quiet.getvalue() == ""
    late = io.StringIO()
    slow = progress_bar(10, enabled=True, file=late, delay=60.0)  # drawn only after a minute
    slow.update(10)
    slow.close()
    assert late.getvalue() == ""


def test_data_on_stdout_only():
    result = CliRunner().invoke(main, ["sweep", "--cap", "China=1,0.9", "--format", "csv"])
    assert result.exit_code == 0
    frame = pd.read_csv(io.StringIO(result.stdout))
    assert len(frame) == 2
    assert "2 points" in result.stderr


def test_an_offer_of_a_later_year_is_named_so_and_the_year_recorded(tmp_path):
    """In a dated folder, an offer whose row holds from a later year is not 'missing from
    supply.csv': the message names the year asked for and the year the row holds from; the sweep's
    workbook records the year in its about sheet."""
    import openpyxl

    result = CliRunner().invoke(main, ["sweep", "--cap", "France:Tb=1,0.5", "--year", "2026"])
    assert result.exit_code == 2
    assert "France offers no Tb in supply.csv in 2026 (its row holds from 2027)" in result.output
    plan = tmp_path / "mix.csv"
    plan.write_text("origin,element,volume\nFrance,Tb,10\nChina,Tb,200\n")
    result = CliRunner().invoke(main, ["evaluate", "--plan", str(plan), "--year", "2026"])
    assert result.exit_code == 3
    assert f"{plan}:2:2: France does not offer Tb in supply.csv in 2026 (its row holds from 2027)" in result.stderr
    book = tmp_path / "s.xlsx"
    assert CliRunner().invoke(main, ["sweep", "--cap", "China=1,0.9", "--year", "2030", "--output", str(book)]
                              ).exit_code == 0
    about = {row[1]: row[2] for row in openpyxl.load_workbook(book)["about"].iter_rows(min_row=2, values_only=True)}
    assert about["year"] == 2030
