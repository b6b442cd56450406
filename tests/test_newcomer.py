"""What a newcomer met in the first ten minutes (issue 12): each test failed before its fix."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from sourcing import InfeasibleError, bundled_inputs, load_inputs, solve
from sourcing.cli import main
from tests.helpers import temp_folder
from tests.test_golden import COMMANDS, GOLDEN

NEGATIVE_ZERO = re.compile(r"(?<![\w.])-0(?:\.0*)?(?![\d.])")


def run(*args: str, **kw):
    return CliRunner().invoke(main, list(args), catch_exceptions=False, **kw)


def bundled_copy(tmp_path: Path) -> Path:
    folder = tmp_path / "inputs"
    shutil.copytree(bundled_inputs(), folder)
    return folder


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_no_output_shows_a_negative_zero(name):
    text = (GOLDEN / name).read_text()
    assert not NEGATIVE_ZERO.search(text), NEGATIVE_ZERO.search(text)


def test_no_negative_zero_in_the_api_frames_either():
    plan = bundled_inputs() / "plans" / "status-quo.csv"
    result = run("evaluate", "--plan", str(plan), "--format", "csv")
    assert not NEGATIVE_ZERO.search(result.stdout)
    from sourcing.data import load_plan
    from sourcing.solver import evaluate

    data = load_inputs(bundled_inputs())
    ev = evaluate(data, load_plan(plan, data))
    for frame in (ev.result.caps, ev.result.plan, ev.result.elements, ev.result.shortages):
        floats = frame.select_dtypes("float")
        assert not ((floats == 0) & (1 / floats.where(floats == 0, 1) < 0)).any().any()  # 1/-0 is -inf


def test_an_infeasibility_names_the_option_or_the_line_that_set_the_cap(tmp_path):
    result = run("solve", "--cap", "China=0.3")
    assert result.exit_code == 4
    assert "set by --cap China=0.3" in result.stderr and "caps.csv" not in result.stderr
    folder = bundled_copy(tmp_path)
    caps = folder / "caps.csv"
    caps.write_text(caps.read_text().replace("China,Dy,0.65", "China,Dy,0.3"))
    with pytest.raises(InfeasibleError) as info:
        solve(load_inputs(folder))
    assert any("Dy:" in c and "set by caps.csv line 3" in c for c in info.value.causes), info.value.causes
    floor = temp_folder(supply="origin,element,unit_cost,capacity\nA,X,1,10\nB,X,2,10\n",
                        demand="element,demand,shortage_cost\nX,10,1\n",
                        caps="origin,element,max_share,min_share\nB,X,,0.2\nallies,X,0.1,\n",
                        groups="group,origin\nallies,B\n")
    with pytest.raises(InfeasibleError) as info:
        solve(load_inputs(floor))
    assert any("set by caps.csv line 3" in c for c in info.value.causes), info.value.causes


def test_a_file_no_one_reads_is_named_with_the_close_name(tmp_path):
    folder = bundled_copy(tmp_path)
    (folder / "caps.csv").rename(folder / "Caps.csv")
    for command in ("check", "solve"):
        result = run(command, "--inputs", str(folder))
        assert result.exit_code == 0
        assert "warning: Caps.csv is not a file sourcing reads, and is ignored; did you mean caps.csv?" in result.stderr
    assert "README.md" not in run("check", "--inputs", str(folder)).stderr  # notes beside the data are fine


def test_an_origin_no_scenario_disrupts_and_a_price_per_tonne_are_warned_about(tmp_path):
    result = run("check")
    assert "warning: Australia is disrupted in no scenario" in result.stderr
    folder = bundled_copy(tmp_path)
    supply = folder / "supply.csv"
    supply.write_text(supply.read_text().replace("France,Dy,850,", "France,Dy,850000,"))
    warning = [w for w in load_inputs(folder).warnings if "850000" in w]
    assert warning and re.match(r"supply\.csv:\d+: unit_cost 850000 USD/kg of France Dy is ", warning[0])


def test_a_utf16_file_is_read_and_check_says_so(tmp_path):
    folder = bundled_copy(tmp_path)
    demand = folder / "demand.csv"
    demand.write_bytes(demand.read_text(encoding="utf-8").encode("utf-16"))
    result = run("check", "--inputs", str(folder))
    assert result.exit_code == 0 and "demand.csv was read as UTF-16" in result.stderr
