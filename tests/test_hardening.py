"""Findings of the adversarial review (issue 16): each test failed before its fix.

Wrong answers first (a floor dropped, a priced shortage reported as zero, an unreadable file taken
as absent, a broken cap called binding), then inputs that once ended in a traceback or a misleading
message.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner

from sourcing import InfeasibleError, InputError, RiskOptions, bundled_inputs, load_inputs, solve
from sourcing.cli import main
from tests.helpers import close, temp_folder

SUPPLY = "origin,element,unit_cost,capacity\nChina,Dy,200,1000\nChina,Nd,50,9000\nAustralia,Nd,80,9000\n"
DEMAND = "element,demand,shortage_cost\nDy,100,1000\nNd,1000,300\n"


def run(*args: str):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def bundled_copy(tmp_path: Path) -> Path:
    folder = tmp_path / "inputs"
    shutil.copytree(bundled_inputs(), folder)
    return folder


# ---------------------------------------------------------------------------------------------
# 1. a floor on an origin (or group) that offers nothing of the element


@pytest.mark.parametrize("caps, groups", [
    ("origin,element,min_share,basis\nAustralia,Dy,0.3,imports\n", None),
    ("origin,element,min_share,basis\nAustralia,Dy,0.3,demand\n", None),
    ("origin,element,min_share\nallies,Dy,0.3\n", "group,origin\nallies,Australia\n"),
])
def test_a_floor_that_nothing_offered_can_meet_is_infeasible(caps, groups):
    folder = temp_folder(supply=SUPPLY, demand=DEMAND, caps=caps, groups=groups)
    with pytest.raises(InfeasibleError) as info:
        solve(load_inputs(folder))
    cause = " ".join(info.value.causes)
    assert "Dy: the floor (min_share) of 30.0%" in cause and "offers no Dy" in cause
    result = run("solve", "--inputs", str(folder))
    assert result.exit_code == 4 and "floor (min_share)" in result.stderr


def test_a_cap_on_a_pair_not_offered_is_still_void():
    caps = "origin,element,max_share\nAustralia,Dy,0.3\n"
    result = solve(load_inputs(temp_folder(supply=SUPPLY, demand=DEMAND, caps=caps)))
    assert result.caps.empty  # nothing of Dy comes from Australia, so the cap cannot bind


# ---------------------------------------------------------------------------------------------
# 2. a shortage below a millionth of demand is priced by the LP and must be reported


def test_a_tiny_shortage_of_a_huge_demand_is_reported_and_the_parts_sum_to_the_objective():
    """Demand 2e6 t, all from one origin that delivers 0.9999996 in the scenario: 0.8 t short,
    priced at 10,000 USD/kg = 8 M USD in the scenario (probability 0.5, so 4 M expected) unless
    the plan contracts more, at 0.5 USD/kg, which is cheaper: then nothing is short. With a
    capacity at demand exactly, the plan cannot hedge and the 0.8 t must be reported."""
    supply = "origin,element,unit_cost,capacity\nChina,Nd,0.5,2000000\n"
    demand = "element,demand,shortage_cost\nNd,2000000,10000\n"
    scenarios = "scenario,probability\nleak,0.5\n"
    disruptions = "scenario,origin,element,availability\nleak,China,Nd,0.9999996\n"
    folder = temp_folder(supply=supply, demand=demand, scenarios=scenarios, disruptions=disruptions)
    result = solve(load_inputs(folder))
    short = result.shortages.set_index("scenario").loc["leak", "shortage"]
    assert close(short, 0.8, rel=1e-6)
    assert close(result.expected_shortage_cost, 0.5 * 0.8 * 1e7, rel=1e-6)
    assert close(result.procurement_cost + result.stockpile_cost + result.expected_shortage_cost, result.objective)
    doc = json.loads(run("solve", "--inputs", str(folder), "--format", "json").stdout)
    leak = next(s for s in doc["scenarios"] if s["scenario"] == "leak")
    assert close(leak["shortage"]["Nd"], 0.8, rel=1e-6) and leak["shortage_cost"] > 7.9e6


# ---------------------------------------------------------------------------------------------
# 3. an optional file that exists but is not a readable file is an error, never "absent"


@pytest.mark.parametrize("kind", ["dangling symlink", "symlink loop", "folder", "fifo"])
def test_an_optional_file_that_cannot_be_read_is_named(tmp_path, kind):
    folder = bundled_copy(tmp_path)
    caps = folder / "caps.csv"
    caps.unlink()
    if kind == "dangling symlink":
        caps.symlink_to(tmp_path / "nowhere.csv")
    elif kind == "symlink loop":
        caps.symlink_to(caps)
    elif kind == "folder":
        caps.mkdir()
    else:
        os.mkfifo(caps)
    with pytest.raises(InputError, match=r"caps\.csv:1:1: "):
        load_inputs(folder)
    for command in ("check", "solve"):
        result = run(command, "--inputs", str(folder))
        assert result.exit_code == 3, (command, result.stdout)
        assert "caps.csv:1:1:" in result.stderr and result.stdout == ""


def test_an_unreadable_file_is_named(tmp_path, monkeypatch):
    folder = bundled_copy(tmp_path)
    real = Path.read_bytes

    def denied(self):
        if self.name == "supply.csv":
            raise PermissionError(13, "Permission denied")
        return real(self)

    monkeypatch.setattr(Path, "read_bytes", denied)  # root reads whatever the mode says
    result = run("check", "--inputs", str(folder))
    assert result.exit_code == 3
    assert "supply.csv:1:1: cannot be read (Permission denied)" in result.stderr


# ---------------------------------------------------------------------------------------------
# 4. evaluate: a broken cap is violated, not binding


def test_a_broken_cap_is_violated_with_its_excess_in_every_format():
    plan = str(bundled_inputs() / "plans" / "status-quo.csv")
    doc = json.loads(run("evaluate", "--plan", plan, "--format", "json").stdout)
    dy = next(c for c in doc["caps"] if c["origin"] == "China" and c["element"] == "Dy" and c["scope"] == "origin")
    assert dy["share"] > dy["limit"] and dy["violated"] is True and dy["binding"] is False
    assert close(dy["excess"], dy["share"] - dy["limit"])
    assert not any(c["violated"] for c in doc["optimum"]["caps"])
    table = run("evaluate", "--plan", plan).stdout
    assert "excess" in table and f"{dy['excess']:.1%}" in table
    csv_text = run("evaluate", "--plan", plan, "--format", "csv").stdout
    header, *rows = csv_text.splitlines()
    columns = header.split(",")
    row = next(r.split(",") for r in rows if r.startswith("China,Dy,"))
    assert row[columns.index("violated")] == "True" and row[columns.index("binding")] == "False"


# ---------------------------------------------------------------------------------------------
# 10. line endings and encodings


def test_mac_line_endings_and_a_stray_cr_are_read(tmp_path):
    folder = bundled_copy(tmp_path)
    for name in ("supply.csv", "demand.csv"):
        path = folder / name
        path.write_bytes(path.read_bytes().replace(b"\r\n", b"\n").replace(b"\n", b"\r"))
    data = load_inputs(folder)
    assert np.allclose(solve(data).objective, solve(load_inputs(bundled_inputs())).objective, rtol=1e-12)
    quoted = 'element,demand,shortage_cost,source\nDy,100,1000,"two\rlines"\nNd,1000,300,x\n'
    ok = temp_folder(supply=SUPPLY, demand=quoted)
    assert load_inputs(ok).elements["element"].tolist() == ["Dy", "Nd"]
    stray = temp_folder(supply=SUPPLY, demand="element,demand,shortage_cost,source\nDy,100,1000,a\rb\nNd,1000,300,x\n")
    result = run("check", "--inputs", str(stray))
    assert result.exit_code == 3 and "demand.csv:3:" in result.stderr  # the CR starts a line of one field


def test_utf16_is_read_and_shift_jis_is_refused_at_its_line():
    folder = temp_folder(supply=SUPPLY, demand=DEMAND)
    (folder / "demand.csv").write_bytes(DEMAND.encode("utf-16"))
    assert load_inputs(folder).elements["element"].tolist() == ["Dy", "Nd"]
    note = "element,demand,shortage_cost,note\nDy,100,1000,ok\nNd,1000,300,日本\n"
    (folder / "demand.csv").write_bytes(note.encode("shift_jis"))
    with pytest.raises(InputError, match=r"demand\.csv:3:4: not UTF-8 text"):
        load_inputs(folder)


def test_default_options_still_solve(tmp_path):  # the hardening changes no answer on valid data
    assert solve(load_inputs(bundled_inputs()), RiskOptions()).status == "optimal"


# ---------------------------------------------------------------------------------------------
# 5-9. outputs never destroy or leak


def test_output_to_a_fifo_a_device_and_stdout_writes_through(tmp_path):
    import threading

    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    got: list[bytes] = []
    reader = threading.Thread(target=lambda: got.append(fifo.read_bytes()))
    reader.start()
    assert run("solve", "--format", "json", "--output", str(fifo)).exit_code == 0
    reader.join(10)
    assert fifo.is_fifo() and json.loads(got[0])["status"] == "optimal"  # still a pipe, and it got the data
    null = Path("/dev/null")
    assert run("solve", "--format", "csv", "--output", str(null)).exit_code == 0
    assert null.is_char_device()  # never replaced by a regular file
    result = run("solve", "--format", "json", "--output", "-")
    assert result.exit_code == 0 and json.loads(result.stdout)["status"] == "optimal"


def test_output_through_a_symlink_replaces_its_target_and_keeps_the_link_and_the_mode(tmp_path):
    target = tmp_path / "result.json"
    target.write_text("old")
    target.chmod(0o600)
    link = tmp_path / "latest.json"
    link.symlink_to(target)
    assert run("solve", "--format", "json", "--output", str(link)).exit_code == 0
    assert link.is_symlink() and json.loads(target.read_text())["status"] == "optimal"
    assert (target.stat().st_mode & 0o777) == 0o600
    assert sorted(p.name for p in tmp_path.iterdir()) == ["latest.json", "result.json"]  # no temporary left


def test_empty_output_and_a_full_device_are_usage_errors_that_write_nothing(tmp_path):
    result = run("solve", "--output", "")
    assert result.exit_code == 2 and "must not be empty" in result.stderr
    result = run("solve", "--output", "/dev/full")
    assert result.exit_code == 2 and "cannot write /dev/full" in result.stderr and result.stdout == ""


def test_sweep_leaves_its_output_untouched_when_the_scheduler_cannot_be_used(tmp_path):
    out = tmp_path / "frontier.csv"
    out.write_text("precious\n")
    for address in ("not an address", "tcp://127.0.0.1:99999"):
        result = run("sweep", "--cap", "China=1,0.9", "--format", "csv", "--output", str(out), "--scheduler", address)
        assert result.exit_code == 2 and "not a scheduler address" in result.stderr
        assert out.read_text() == "precious\n"
    blank = CliRunner().invoke(main, ["sweep", "--cap", "China=1,0.9", "--workers", "2"],
                               env={"DASK_SCHEDULER_ADDRESS": "  "})
    assert blank.exit_code == 0, blank.stderr  # a blank variable is unset: no clash with --workers


def test_sweep_output_and_plot_on_one_path_is_refused(tmp_path):
    same = tmp_path / "x.png"  # (a --plot names its format)
    result = run("sweep", "--cap", "China=1,0.9", "--output", str(same), "--plot", str(same))
    assert result.exit_code == 2 and "same file" in result.stderr and not same.exists()


def test_a_full_disk_during_a_sweep_keeps_a_complete_file_and_exits_2(tmp_path, monkeypatch):
    import errno

    out = tmp_path / "frontier.csv"
    real = os.pwrite
    calls = {"n": 0}

    def full(fd, data, offset):
        calls["n"] += 1
        if calls["n"] == 4:  # the fourth point: half of it gets written, then the disk is full
            real(fd, data[: len(data) // 2], offset)
            raise OSError(errno.ENOSPC, "No space left on device")
        return real(fd, data, offset)

    monkeypatch.setattr(os, "pwrite", full)
    result = run("sweep", "--cap", "China=1:0.9:0.01", "--format", "csv", "--output", str(out))
    assert result.exit_code == 2 and "No space left on device" in result.stderr and "--resume" in result.stderr
    monkeypatch.setattr(os, "pwrite", real)
    lines = out.read_text().splitlines()
    assert lines[0].startswith("max_share,") and len(lines) == 1 + 4  # the points before, each whole
    resumed = run("sweep", "--cap", "China=1:0.9:0.01", "--format", "csv", "--output", str(out), "--resume")
    assert resumed.exit_code == 0
    assert out.read_text() == run("sweep", "--cap", "China=1:0.9:0.01", "--format", "csv").stdout


FORMULAS = ["=HYPERLINK(\"http://x\")", "+1+2", "-3", "@SUM(A1)"]  # (names are trimmed: no leading tab or CR)


def test_formula_like_names_are_text_in_csv(tmp_path):
    supply = pd.DataFrame({"origin": FORMULAS, "element": "Nd", "unit_cost": [10, 11, 12, 13], "capacity": 1000})
    folder = temp_folder(supply=supply, demand="element,demand,shortage_cost\nNd,100,50\n")
    text = run("solve", "--inputs", str(folder), "--format", "csv").stdout
    import csv
    import io

    cells = [row[0] for row in csv.reader(io.StringIO(text))][1:]
    assert sorted(cells) == sorted("'" + name for name in FORMULAS)
    swept = run("sweep", "--inputs", str(folder), "--cap", f"{FORMULAS[1]}=1,0.5", "--format", "csv").stdout
    rows = list(csv.reader(io.StringIO(swept)))
    assert rows[1][rows[0].index("target")] == "'+1+2"
    assert json.loads(run("solve", "--inputs", str(folder), "--format", "json").stdout)["plan"][0]["origin"] in FORMULAS
    from sourcing.output.csv import spreadsheet_safe

    assert [spreadsheet_safe(t) for t in ("\tx", "\rx", "a=b", "-")] == ["'\tx", "'\rx", "a=b", "'-"]


# ---------------------------------------------------------------------------------------------
# 16. options that once passed or misled


@pytest.mark.parametrize("args, message", [
    (["solve", "--time-limit", "nan"], "not a finite number"),
    (["solve", "--risk-weight", "١"], "not a finite number"),
    (["solve", "--cap", "China=0.5", "--cap", "China=0.6"], "given twice"),
    (["solve", "--cap", "China=٠.٥"], "SHARE must be a number"),
    (["solve", "--cap", "China=65"], "for 65% write 0.65"),
    (["solve", "--cap", "India:Dy=0.5"], "India offers no Dy"),
    (["sweep", "--cap", "India:Dy=0.5,0.4"], "India offers no Dy"),
    (["sweep", "--cap", "China=٠.٥"], "not a number"),
])
def test_bad_options_are_refused_with_a_clear_message(args, message):
    result = run(*args)
    assert result.exit_code == 2, result.stdout
    assert message in result.stderr


def test_the_command_line_and_the_files_read_numbers_alike():
    from sourcing.schema import parse_number

    words = ["1", "1.", ".5", "+1", "1e5", "1E+5", "1_000", "0x10", "inf", "nan", "١٢", "1,5", "1e", "--1", "１"]
    for word in words:
        supply = f"origin,element,unit_cost,capacity\nChina,Nd,{word if ',' not in word else chr(34) + word + chr(34)},100\n"
        folder = temp_folder(supply=supply, demand="element,demand,shortage_cost\nNd,1,1\n")
        try:
            load_inputs(folder)
            in_file = True
        except InputError:
            in_file = False
        on_line = parse_number(word) is not None and np.isfinite(parse_number(word))
        assert in_file == on_line, word


def test_highs_warnings_never_reach_stdout():
    """An availability of 0.999999999 puts a coefficient of 1e-9 in the LP, on which HiGHS warns
    when the model is passed; the warning went to stdout, in front of the JSON."""
    folder = temp_folder(supply=SUPPLY, demand=DEMAND, scenarios="scenario,probability\ns,0.1\n",
                         disruptions="scenario,origin,element,availability\ns,China,*,0.999999999\n")
    import subprocess
    import sys

    out = subprocess.run([sys.executable, "-m", "sourcing.cli", "solve", "--inputs", str(folder), "--format", "json"],
                         capture_output=True, text=True, env={**os.environ, "PYTHONPATH": str(Path(__file__).parents[1])})
    assert out.returncode == 0 and json.loads(out.stdout)["status"] == "optimal"


def test_magnitudes_no_lp_can_resolve_are_refused_by_check():
    supply = "origin,element,unit_cost,capacity\nChina,Nd,10,9e11\nFrance,Nd,20,100\n"
    folder = temp_folder(supply=supply, demand="element,demand,shortage_cost\nNd,1e-3,100\n")
    result = run("check", "--inputs", str(folder))
    assert result.exit_code == 3
    assert "demand.csv:2:2: demand 0.001 is 9e+14 times smaller than capacity 9e+11 (supply.csv:2)" in result.stderr


def test_a_cap_is_not_binding_from_a_slack_of_a_gram_at_sub_gram_volumes():
    """Demand 1e-4 t (a tenth of a kilogram); China is dearer and gets nothing, so its 1% cap has a
    slack of 1e-6 t: 1% of the element, not round-off."""
    supply = "origin,element,unit_cost,capacity\nChina,Nd,90,1\nFrance,Nd,20,1\n"
    caps = "origin,element,max_share\nChina,Nd,0.01\n"
    result = solve(load_inputs(temp_folder(supply=supply, demand="element,demand,shortage_cost\nNd,1e-4,100\n",
                                           caps=caps)))
    cap = result.caps.iloc[0]
    assert close(cap["slack"], 1e-6, rel=1e-6) and not cap["binding"] and not cap["violated"]


@pytest.fixture(scope="module")
def large_folder(tmp_path_factory):
    from benchmarks.generate import SIZES, generate

    return generate(tmp_path_factory.mktemp("large"), SIZES["L"])  # a solve of a few seconds


@pytest.mark.parametrize("how", ["SIGINT", "SIGTERM"])
def test_a_signal_during_a_solve_exits_130_with_one_line_and_no_file(large_folder, tmp_path, how):
    import signal
    import subprocess
    import sys
    import time

    out = tmp_path / "result.json"
    cmd = [sys.executable, "-m", "sourcing.cli", "solve", "--inputs", str(large_folder), "--format", "json",
           "--output", str(out)]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            env={**os.environ, "PYTHONPATH": str(Path(__file__).parents[1])})
    time.sleep(2.5)  # reading, building or solving: each must stop the same way
    assert proc.poll() is None, "the solve ended before it could be stopped"
    proc.send_signal(getattr(signal, how))
    stdout, stderr = proc.communicate(timeout=60)
    assert proc.returncode == 130 and stderr == b"interrupted\n"
    assert json.loads(stdout)["status"] == "interrupted"  # it asked for JSON: the error document, nothing else
    assert list(tmp_path.iterdir()) == []  # neither the output nor a temporary file


@pytest.fixture(scope="module")
def plan_folder(tmp_path_factory):
    from benchmarks.plan_generate import PLAN_SIZES, generate_plan

    return generate_plan(tmp_path_factory.mktemp("plan"), PLAN_SIZES["M10x5"])  # a plan of several seconds


@pytest.mark.parametrize("how", ["SIGINT", "SIGTERM"])
def test_a_signal_during_a_plan_exits_130_with_one_line_and_no_file(plan_folder, tmp_path, how):
    import signal
    import subprocess
    import sys
    import time

    out = tmp_path / "plan.json"
    cmd = [sys.executable, "-m", "sourcing.cli", "plan", "--inputs", str(plan_folder), "--output", str(out)]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            env={**os.environ, "PYTHONPATH": str(Path(__file__).parents[1])})
    time.sleep(3.0)
    assert proc.poll() is None, "the plan ended before it could be stopped"
    proc.send_signal(getattr(signal, how))
    stdout, stderr = proc.communicate(timeout=60)
    assert proc.returncode == 130
    assert [line for line in stderr.decode().splitlines() if not line.startswith("warning: ")] == ["interrupted"]
    assert json.loads(stdout)["status"] == "interrupted"  # .json output: a script's error document
    assert list(tmp_path.iterdir()) == []
