"""What a newcomer met in the first ten minutes (issue 12): each test failed before its fix."""

from __future__ import annotations

import json
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
    lines = caps.read_text().splitlines()
    line = next(i for i, text in enumerate(lines, start=1) if text.startswith("China,Dy,0.65"))
    caps.write_text(caps.read_text().replace("China,Dy,0.65", "China,Dy,0.2"))
    with pytest.raises(InfeasibleError) as info:
        solve(load_inputs(folder))
    assert any("Dy:" in c and f"set by caps.csv line {line}" in c for c in info.value.causes), info.value.causes
    floor = temp_folder(supply="origin,element,unit_cost,capacity\nA,X,1,10\nB,X,2,10\n",
                        demand="element,demand,shortage_cost\nX,10,1\n",
                        caps="origin,element,max_share,min_share\nB,X,,0.2\nallies,X,0.1,\n",
                        groups="group,origin\nallies,B\n")
    with pytest.raises(InfeasibleError) as info:
        solve(load_inputs(floor))
    assert any("set by caps.csv line 3" in c for c in info.value.causes), info.value.causes


def test_a_file_no_one_reads_is_named_with_the_close_name(tmp_path):
    folder = bundled_copy(tmp_path)
    (folder / "caps.csv").rename(folder / "cap.csv")  # Caps.csv, the same name in another case, is exit 3
    for command in ("check", "solve"):
        result = run(command, "--inputs", str(folder))
        assert result.exit_code == 0
        assert "warning: cap.csv is not a file sourcing reads, and is ignored; did you mean caps.csv?" in result.stderr
    assert "README.md" not in run("check", "--inputs", str(folder)).stderr  # notes beside the data are fine


def test_a_flood_of_warnings_is_cut_on_stderr_and_whole_in_the_json(tmp_path):
    folder = bundled_copy(tmp_path)
    for i in range(25):
        (folder / f"suply{i:02}.csv").write_text("x\n")
    result = run("check", "--inputs", str(folder))
    said = [line for line in result.stderr.splitlines() if line.startswith("warning: ")]
    assert len(said) == 21 and said[-1].startswith("warning: ... and 5 more (sourcing check --format json")
    doc = json.loads(run("check", "--inputs", str(folder), "--format", "json").stdout)
    assert len([w for w in doc["warnings"] if "is not a file sourcing reads" in w]) == 25


def test_an_origin_no_scenario_disrupts_and_a_price_per_tonne_are_warned_about(tmp_path):
    result = run("check")
    assert "warning: Australia is named in no row of disruptions.csv" not in result.stderr  # said on purpose
    folder0 = bundled_copy(tmp_path / "0")
    dis = folder0 / "disruptions.csv"
    dis.write_text("\n".join(line for line in dis.read_text().splitlines() if ",Australia," not in line) + "\n")
    assert "warning: Australia is named in no row of disruptions.csv" in run("check", "--inputs", str(folder0)).stderr
    dis.write_text("\n".join(line for line in dis.read_text().splitlines() if ",France," not in line) + "\n")
    stderr = run("check", "--inputs", str(folder0)).stderr  # several: one warning names them all
    assert ("warning: 2 origins are named in no row of disruptions.csv (Australia, France), so no scenario "
            "disrupts them") in stderr and "warning: Australia is named" not in stderr
    folder = bundled_copy(tmp_path)
    supply = folder / "supply.csv"
    supply.write_text(supply.read_text().replace("France,Dy,520,", "France,Dy,520000,"))
    warning = [w for w in load_inputs(folder).warnings if "520000" in w]
    assert warning and re.match(r"supply\.csv:\d+: unit_cost 520000 USD/kg of France Dy is ", warning[0])


def test_a_utf16_file_is_read_and_check_says_so(tmp_path):
    folder = bundled_copy(tmp_path)
    demand = folder / "demand.csv"
    demand.write_bytes(demand.read_text(encoding="utf-8").encode("utf-16"))
    result = run("check", "--inputs", str(folder))
    assert result.exit_code == 0 and "demand.csv was read as UTF-16" in result.stderr


def test_one_of_a_thing_is_singular():
    folder = temp_folder(supply="origin,element,unit_cost,capacity\nChina,Nd,10,100\n",
                         demand="element,demand,shortage_cost\nNd,50,100\n")
    assert run("check", "--inputs", str(folder)).stdout.startswith(
        "ok: 1 offer from 1 origin for 1 element; 0 cap rows; 1 scenario with 0 disrupted offer-scenarios;")
    result = run("sweep", "--cap", "China=0.7")
    assert "1 point: 1 optimal" in result.stderr and \
        "Sweep of the cap on China (every element it offers) for 2027, the bundled inputs: 1 point;" \
        in result.stdout


@pytest.mark.parametrize("command", ["solve", "evaluate", "sweep", "report", "check"])
def test_help_gives_an_example_and_every_exit_code(command):
    text = run(command, "--help").stdout
    assert f"$ sourcing {command}" in text
    for code in (0, 2, 3, 4, 5, 130):
        assert re.search(rf"\b{code} [a-z]", " ".join(text.split())), code
    if command == "sweep":
        for option in ("--cap", "--risk-weight", "--cvar-weight"):
            assert option in text.split("Options:")[0]  # what a sweep varies, said before the options


def test_the_frontier_picture_says_what_it_shows(tmp_path):
    """The PNG of the 2025 case's sweep (the picture docs/sweep.md reads): the marginal-cost line ends at the
    tightest cap with a plan, the shaded zone names its reason, an element whose shares never move is named in a note and
    not drawn, and every panel spans the whole sweep."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.image
    import matplotlib.pyplot as plt
    import numpy as np

    from sourcing.output.plot import plot_frontier
    from sourcing.sweep import execute, infeasible_causes, parse_values, plan_sweep

    former = Path(__file__).resolve().parents[1] / "docs" / "cases" / "japan-2025"
    plan = plan_sweep(load_inputs(former), "China", parse_values("1.0:0.3:0.01", "--cap"),
                      risk_weights=(0.0, 1.0))
    frontier = execute(plan)
    loosest, causes = infeasible_causes(plan, frontier)
    assert loosest == 0.62 and causes[0].startswith("Tb: China must supply at least 62.3% of imports")
    path = tmp_path / "frontier.png"
    fig = plot_frontier(frontier.frame(), path, causes=causes)
    height, width = matplotlib.image.imread(path).shape[:2]
    assert (width, height) == (1872, 1404)
    objective, costs, marginal = fig.axes[:3]
    for line in marginal.get_lines():
        x = np.asarray(line.get_xdata(), float)
        assert np.nanmin(x) == 63.0  # the line stops where the plan stops
    zone = " ".join(t.get_text() for t in objective.texts)
    assert "no plan" in zone and "Tb: China must supply at least 62.3%" in zone.replace("\n", " ")
    panels = {ax.get_title().split(":")[0]: ax for ax in fig.axes if ax.get_title().endswith("share of each origin")}
    assert "NdPr" not in panels  # every NdPr share is the same throughout: named in the note, not drawn empty
    note = " ".join(t.get_text() for ax in fig.axes for t in ax.texts).replace("\n", " ")
    assert "NdPr: Southeast Asia 64.1%, China 35.9%" in note
    dy = panels["Dy"]
    widths = {line.get_label(): line.get_linewidth() for line in dy.get_lines() if line.get_linestyle() == "-"}
    assert len(set(widths.values())) == len(widths) == 3  # China, France, Southeast Asia: none hidden under another
    for ax in fig.axes[:3] + list(panels.values()):
        lo, hi = sorted(ax.get_xlim())
        assert lo < 30 and hi > 100
    plt.close(fig)


def test_the_readme_starts_with_the_two_commands_ci_runs():
    root = Path(__file__).resolve().parents[1]
    readme, ci = (root / "README.md").read_text(), (root / ".ci" / "run").read_text()
    block = readme.split("```bash\n", 1)[1].split("```", 1)[0]
    first, second = [line for line in block.splitlines() if line and not line.startswith("#")]
    assert first.endswith("sourcing solve") and "sed -n '/^# 1\\./{n;p;q}' README.md" in ci  # CI runs it as written
    install = re.search(r"pip install -q -e '([^']+)'", second).group(1)
    assert f"pip install --quiet -e '{install}'" in ci and second.endswith("python -m pytest -q")
    assert ".venv/bin/python -m pytest -q" in ci
