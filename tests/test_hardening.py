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
    ("origin,element,min_share\nAustralia,*,0.3\n", None),  # '*' names Dy too
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
