"""Outputs that cannot hurt: never over an input, every CSV spreadsheet-safe, a picture in the format
its name says, a signal never leaving a file behind an exit 130 (issue 20's data-loss findings)."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from sourcing.cli import main
from tests.helpers import temp_folder

FORMULAS = ["=HYPERLINK(\"http://x\")", "+cmd", "-halt", "@SUM(A1)"]


def run(*args: str):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def formula_folder() -> Path:
    supply = pd.DataFrame({"origin": FORMULAS, "element": "Nd", "unit_cost": [10, 11, 12, 13], "capacity": 1000})
    return temp_folder(supply=supply, demand="element,demand,shortage_cost\nNd,1500,50\n")


@pytest.mark.parametrize("command", [["solve"], ["plan", "--years", "2026:2027"]])
def test_every_commands_csv_writes_formula_like_names_as_text(command):
    text = run(*command, "--inputs", str(formula_folder()), "--format", "csv").stdout
    rows = list(csv.reader(io.StringIO(text)))
    origins = {row[rows[0].index("origin")] for row in rows[1:]}
    assert origins == {"'" + name for name in FORMULAS}
    assert not any(cell.startswith(("=", "+", "-", "@")) for row in rows[1:] for cell in row
                   if not cell.lstrip("-").replace(".", "").replace("e", "").isdigit())


@pytest.mark.parametrize("suffix, magic", [(".png", b"\x89PNG"), (".svg", b"<?xml"), (".pdf", b"%PDF")])
@pytest.mark.parametrize("command", [["sweep", "--cap", "China=1,0.5", "--format", "csv"],
                                     ["plan", "--years", "2026:2027", "--format", "csv"]])
def test_a_plot_is_written_in_the_format_its_extension_names(tmp_path, command, suffix, magic):
    picture = tmp_path / f"picture{suffix.upper() if suffix == '.pdf' else suffix}"
    result = run(*command, "--plot", str(picture))
    assert result.exit_code == 0, result.output
    assert picture.read_bytes().startswith(magic)


@pytest.mark.parametrize("name, message", [("-", "not to stdout"), ("picture.jpg", "extension"),
                                           ("picture", "extension")])
@pytest.mark.parametrize("command", [["sweep", "--cap", "China=1,0.5"], ["plan", "--years", "2026:2027"]])
def test_a_plot_to_stdout_or_of_an_unknown_format_is_a_usage_error_that_writes_nothing(tmp_path, monkeypatch,
                                                                                     command, name, message):
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, [*command, "--plot", name])
    assert result.exit_code == 2 and message in result.output
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("force", [[], ["--force"]])
@pytest.mark.parametrize("make, name, message", [
    (lambda d: (d / "afile").write_text("mine"), "afile", "is a file, not a folder"),
    (lambda d: (d / "afile").write_text("mine"), "afile/sub", "afile is a file, not a folder"),
    (lambda d: (d / "dangling").symlink_to(d / "nowhere"), "dangling", "symbolic link"),
    (lambda d: (d / "afile").write_text("mine"), "--xlsx=afile/sub.xlsx", "cannot write"),
    (lambda d: (d / "dangling.xlsx").symlink_to(d / "nowhere" / "x.xlsx"), "--xlsx=dangling.xlsx", "cannot write"),
])
def test_init_where_no_template_can_go_is_a_usage_error_naming_it(tmp_path, monkeypatch, make, name, message,
                                                                 force):
    monkeypatch.chdir(tmp_path)
    make(tmp_path)
    before = sorted(p.name for p in tmp_path.iterdir())
    result = CliRunner().invoke(main, ["init", name, *force])
    assert result.exit_code == 2, result.output
    assert message in result.output and "internal error" not in result.output
    assert sorted(p.name for p in tmp_path.iterdir()) == before
    if (tmp_path / "afile").exists():
        assert (tmp_path / "afile").read_text() == "mine"


# ---------------------------------------------------------------------------------------------
# No command's --output (nor --plot) can resolve to one of its inputs


@pytest.fixture
def inputs_copy(tmp_path) -> Path:
    import shutil

    from sourcing import bundled_inputs

    folder = tmp_path / "inputs"
    shutil.copytree(bundled_inputs(), folder)
    return folder


def _names_of_an_input(folder: Path, tmp: Path) -> dict[str, str]:
    """Ways of naming a file the folder's reader reads, each as an output path (all .csv)."""
    import os

    (tmp / "link.csv").symlink_to(folder / "caps.csv")
    os.link(folder / "demand.csv", tmp / "hard.csv")
    (tmp / "sub").mkdir()
    return {
        "direct": str(folder / "supply.csv"),
        "relative": os.path.relpath(folder / "scenarios.csv", Path.cwd()),
        "dotdot": str(tmp / "sub" / ".." / "inputs" / "disruptions.csv"),
        "symlink": str(tmp / "link.csv"),
        "hard link": str(tmp / "hard.csv"),
        "another case": str(folder / "Supply.CSV"),
        "not there yet": str(folder / "groups.csv"),
        "status quo": str(folder / "plans" / "status-quo.csv"),
    }


COMMANDS = {
    "solve": ["solve"],
    "evaluate": ["evaluate", "--plan", "{plan}"],
    "sweep": ["sweep", "--cap", "China=1,0.5"],
    "plan": ["plan", "--years", "2026:2027"],
}


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.mark.parametrize("command, option", [(c, "--output") for c in COMMANDS] + [("sweep", "--plot"),
                                                                                 ("plan", "--plot")])
def test_no_output_resolves_to_an_input(inputs_copy, tmp_path, command, option):
    before = _snapshot(inputs_copy)
    plan = tmp_path / "mine.csv"
    plan.write_text((inputs_copy / "plans" / "status-quo.csv").read_text())
    args = [a.format(plan=plan) for a in COMMANDS[command]] + ["--inputs", str(inputs_copy)]
    names = _names_of_an_input(inputs_copy, tmp_path)
    if command == "evaluate":
        names["the --plan file"] = str(plan)
    for how, path in names.items():
        if option == "--plot":  # a picture's name ends in .png: only a link can make it an input
            if how not in ("symlink", "hard link"):
                continue
            Path(path).rename(path[:-4] + ".png")
            path = path[:-4] + ".png"
        result = CliRunner().invoke(main, [*args, option, path])
        assert result.exit_code == 2, (how, result.output)
        assert "would replace the input" in result.output, how
        assert _snapshot(inputs_copy) == before, how
        if option == "--plot":
            Path(path).rename(path[:-4] + ".csv")


def test_no_output_resolves_to_the_input_workbook_and_a_report_is_html(tmp_path):
    from sourcing import bundled_inputs
    from sourcing.output.template import template_xlsx

    book = tmp_path / "book.xlsx"
    book.write_bytes(template_xlsx(bundled_inputs()))
    (tmp_path / "link.xlsx").symlink_to(book)
    (tmp_path / "page.html").symlink_to(book)
    before = book.read_bytes()
    for args in (["solve", "--output", str(book)], ["solve", "--output", str(tmp_path / "link.xlsx")],
                 ["plan", "--years", "2026:2027", "--output", str(tmp_path / "link.xlsx")],
                 ["report", "--output", str(book)], ["report", "--output", str(tmp_path / "page.html")],
                 ["report", "--output", str(tmp_path / "report.json")]):
        result = CliRunner().invoke(main, [*args, "--inputs", str(book)])
        assert result.exit_code == 2, (args, result.output)
        assert book.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["book.xlsx", "link.xlsx", "page.html"]


def test_report_refuses_to_write_over_its_status_quo_and_the_folders_files(inputs_copy, tmp_path):
    before = _snapshot(inputs_copy)
    (tmp_path / "sq.html").symlink_to(inputs_copy / "plans" / "status-quo.csv")
    for output in (tmp_path / "sq.html", inputs_copy / "supply.csv"):
        result = CliRunner().invoke(main, ["report", "--inputs", str(inputs_copy), "--output", str(output)])
        assert result.exit_code == 2, result.output
    assert _snapshot(inputs_copy) == before


def test_init_never_writes_over_the_bundled_inputs():
    from sourcing import bundled_inputs

    before = _snapshot(bundled_inputs())
    result = CliRunner().invoke(main, ["init", str(bundled_inputs()), "--force"])
    assert result.exit_code == 2 and "would replace the input" in result.output
    assert _snapshot(bundled_inputs()) == before


# ---------------------------------------------------------------------------------------------
# Control characters in names never reach a terminal: refused where they are read


OSC = "\x1b]0;pwned\x07"


@pytest.mark.parametrize("files, where", [
    ({"supply": f"origin,element,unit_cost,capacity\n\"A{OSC}\",Nd,10,1000\nB,Nd,20,1000\n"}, "supply.csv:2:1:"),
    ({"supply": "origin,element,unit_cost,capacity\nA,N\x9bd,10,1000\n"}, "supply.csv:2:2:"),
    ({"scenarios": f"scenario,probability,description\nhit,0.1,\"a {OSC} b\"\n"}, "scenarios.csv:2:3:"),
    ({"supply": f"origin,element,unit_cost,capacity,source\nA,Nd,10,1000,\"x{OSC}\"\n"}, "supply.csv:2:5:"),
])
def test_a_control_character_in_a_csv_name_or_text_is_refused_at_its_cell(files, where):
    base = {"supply": "origin,element,unit_cost,capacity\nA,Nd,10,1000\n",
            "demand": "element,demand,shortage_cost\nNd,100,1000\n"}
    folder = temp_folder(**{**base, **files})
    for command in (["check"], ["solve"], ["plan", "--years", "2026:2027"]):
        result = CliRunner().invoke(main, [*command, "--inputs", str(folder)])
        assert result.exit_code == 3, result.output
        assert where in result.output and "control character" in result.output
        assert not any(c in result.output for c in "\x1b\x07\x9b")  # quoted with escapes, never raw


def test_tabs_and_line_breaks_in_free_text_are_kept():
    folder = temp_folder(supply="origin,element,unit_cost,capacity,source\nA,Nd,10,1000,\"page 3\tline 2\nnext\"\n",
                         demand="element,demand,shortage_cost\nNd,100,1000\n")
    assert CliRunner().invoke(main, ["check", "--inputs", str(folder)]).exit_code == 0


def test_a_control_character_in_a_workbook_name_is_refused_at_its_cell(tmp_path):
    import openpyxl

    book = openpyxl.Workbook()
    supply = book.active
    supply.title = "supply"
    supply.append(["origin", "element", "unit_cost", "capacity"])
    supply.append(["B", "Nd", 20, 1000])
    supply.append(["A_x001B_]0;pwned_x0007_", "Nd", 10, 1000])  # how Excel stores ESC and BEL
    demand = book.create_sheet("demand")
    demand.append(["element", "demand", "shortage_cost"])
    demand.append(["Nd", 100, 1000])
    book.save(tmp_path / "book.xlsx")
    result = CliRunner().invoke(main, ["solve", "--inputs", str(tmp_path / "book.xlsx")])
    assert result.exit_code == 3, result.output
    assert "supply!A3" in result.output and "control character" in result.output
    assert "\x1b" not in result.output and "\x07" not in result.output


# ---------------------------------------------------------------------------------------------
# A signal at any moment: exit 130 and nothing written, or exit 0 and the file complete


def _signalled(when: str, delay: float, how: str, *command: str):
    import os
    import subprocess
    import sys

    return subprocess.run([sys.executable, "-m", "tests.signal_child", when, str(delay), how, *command],
                          capture_output=True, timeout=300, cwd=Path(__file__).parents[1],
                          env={**os.environ, "PYTHONPATH": str(Path(__file__).parents[1])})


def _interrupted_or_complete(proc, out: Path, folder: Path) -> str:
    """Assert the contract's two outcomes and say which it was."""
    import json

    assert proc.returncode in (0, 130), (proc.returncode, proc.stderr.decode()[-300:])
    if proc.returncode == 130:
        assert list(folder.iterdir()) == [], "exit 130 with a file written"
        assert proc.stderr.decode().splitlines()[-1].startswith("interrupted")
        return "interrupted"
    assert [p.name for p in folder.iterdir()] == [out.name]
    if out.suffix == ".json":
        json.loads(out.read_text())  # complete
    else:
        assert out.read_text().rstrip().endswith("</html>")
    return "complete"


@pytest.mark.parametrize("command", [["plan", "--years", "2026:2028"], ["solve"], ["report", "--years", "none"]])
def test_a_signal_as_highs_starts_exits_130_with_nothing_written(tmp_path, command):
    suffix = ".html" if command[0] == "report" else ".json"
    outcomes = []
    for i, delay in enumerate((0.0, 0.002, 0.005, 0.01, 0.02, 0.04)):
        folder = tmp_path / str(i)
        folder.mkdir()
        out = folder / f"out{suffix}"
        how = ("SIGTERM", "SIGINT")[i % 2]
        outcomes.append(_interrupted_or_complete(_signalled("solve", delay, how, *command, "--output", str(out)),
                                                 out, folder))
    assert "interrupted" in outcomes  # the signal did land during the work


@pytest.mark.parametrize("when, outcome", [("renamed", "complete"), ("before-rename", "complete"),
                                           ("rename-fails", "interrupted")])
@pytest.mark.parametrize("command", [["solve"], ["plan", "--years", "2026:2027"]])
def test_a_signal_while_the_output_is_written_never_gives_130_with_the_file(tmp_path, command, when, outcome):
    out = tmp_path / "out.json"
    proc = _signalled(when, 0, "SIGTERM", *command, "--output", str(out))
    assert _interrupted_or_complete(proc, out, tmp_path) == outcome


def test_a_control_character_in_a_file_name_is_escaped_in_the_warning_naming_it(inputs_copy):
    (inputs_copy / f"x{OSC}.csv").write_text("a\n")
    result = CliRunner().invoke(main, ["check", "--inputs", str(inputs_copy)])
    assert result.exit_code == 0
    assert "x\\x1b]0;pwned\\x07.csv is not a file sourcing reads" in result.output
    assert "\x1b" not in result.output and "\x07" not in result.output


@pytest.mark.parametrize("command", [["solve", "--output", "o{}.csv"], ["init", "--xlsx", "b{}.xlsx"],
                                     ["init", "d{}"], ["plan", "--years", "2026:2027", "--plot", "p{}.png"],
                                     ["sweep", "--cap", "China=1", "--output", "s{}.csv", "--plot", "s{}.png"]])
def test_a_control_character_in_an_output_name_is_escaped_in_the_line_saying_it_was_written(
        tmp_path, monkeypatch, command):
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, [word.format(OSC) for word in command])
    assert result.exit_code == 0, result.output
    assert "wrote " in result.output and "\\x1b]0;pwned\\x07" in result.output
    assert "\x1b" not in result.output and "\x07" not in result.output


@pytest.mark.parametrize("target", [["folder"], ["--xlsx", "book.xlsx"]])
def test_a_signal_while_init_writes_never_gives_130_with_files_written(tmp_path, monkeypatch, target):
    import os
    import shutil
    import signal

    monkeypatch.chdir(tmp_path)
    copy, replace = shutil.copyfile, os.replace

    def copy_then_signal(*args, **kwargs):  # a Ctrl-C after the first file of the folder is in place
        done = copy(*args, **kwargs)
        os.kill(os.getpid(), signal.SIGINT)
        return done

    def replace_then_signal(*args, **kwargs):  # a Ctrl-C once the workbook is renamed into place
        replace(*args, **kwargs)
        os.kill(os.getpid(), signal.SIGINT)

    monkeypatch.setattr(shutil, "copyfile", copy_then_signal)
    monkeypatch.setattr(os, "replace", replace_then_signal)
    result = CliRunner().invoke(main, ["init", *target])
    written = sorted(p.name for p in tmp_path.rglob("*"))
    assert not (result.exit_code == 130 and written), (result.output, written)
    assert result.exit_code == 0, result.output  # the signal came once the answer was being written
    assert result.output.rstrip().splitlines()[-1].startswith("wrote ")
    if target == ["folder"]:
        assert {"supply.csv", "groups.csv", "README.md", "status-quo.csv"} <= set(written)


def test_init_that_cannot_finish_a_new_folder_leaves_nothing(tmp_path, monkeypatch):
    import shutil

    copy, calls = shutil.copyfile, []

    def copy_until_the_disk_is_full(*args, **kwargs):
        calls.append(args)
        if len(calls) == 2:
            raise OSError(28, "No space left on device")
        return copy(*args, **kwargs)

    monkeypatch.setattr(shutil, "copyfile", copy_until_the_disk_is_full)
    result = CliRunner().invoke(main, ["init", str(tmp_path / "new")])
    assert result.exit_code == 2 and "No space left on device" in result.output
    assert list(tmp_path.iterdir()) == []


def _json_output_fails(monkeypatch) -> None:
    """Every rename onto a .json path fails as a full disk would; other renames go through."""
    import os

    replace = os.replace

    def output_fails(src, dst, *args, **kwargs):
        if str(dst).endswith(".json"):
            raise OSError(28, "No space left on device")
        return replace(src, dst, *args, **kwargs)

    monkeypatch.setattr(os, "replace", output_fails)


def test_a_picture_is_not_left_behind_when_the_output_cannot_be_written(tmp_path, monkeypatch):
    import signal

    _json_output_fails(monkeypatch)
    result = CliRunner().invoke(main, ["plan", "--years", "2026:2027", "--plot", str(tmp_path / "p.png"),
                                       "--output", str(tmp_path / "o.json")])
    assert result.exit_code == 2, result.output
    assert list(tmp_path.iterdir()) == []
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler  # Ctrl-C works again here


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_a_signal_while_a_finished_sweep_draws_its_picture_never_gives_130_with_the_file(tmp_path, monkeypatch,
                                                                                          fmt):
    import os
    import signal

    import sourcing.output.plot as plot

    draw = plot.plot_frontier

    def draw_then_signal(*args, **kwargs):  # a Ctrl-C once every point is solved and the file written
        figure = draw(*args, **kwargs)
        os.kill(os.getpid(), signal.SIGINT)
        return figure

    monkeypatch.setattr(plot, "plot_frontier", draw_then_signal)
    out, picture = tmp_path / f"o.{fmt}", tmp_path / "o.png"
    result = CliRunner().invoke(main, ["sweep", "--cap", "China=1,0.5", "--output", str(out), "--plot", str(picture)])
    assert result.exit_code == 0, result.output
    assert out.stat().st_size > 0 and picture.read_bytes().startswith(b"\x89PNG")


def test_an_interrupted_sweep_to_a_workbook_writes_nothing_and_says_so(tmp_path, monkeypatch):
    import signal

    import sourcing.sweep.run as sweep_run

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(sweep_run, "_serial", interrupted)
    out = tmp_path / "o.xlsx"
    out.write_bytes(b"last week's sweep")
    handlers = {s: signal.getsignal(s) for s in (signal.SIGINT, signal.SIGTERM)}
    try:
        result = CliRunner().invoke(main, ["sweep", "--cap", "China=1,0.5", "--output", str(out)])
    finally:
        for s, handler in handlers.items():  # the CLI ignores further interrupts on its way out (and a
            signal.signal(s, handler)         # subprocess started later would inherit that)
    assert result.exit_code == 130
    assert out.read_bytes() == b"last week's sweep"
    assert "--resume" not in result.output and "finished so far" not in result.output


def test_a_control_character_in_the_inputs_name_is_escaped_in_checks_summary(inputs_copy, tmp_path):
    folder = tmp_path / f"d{OSC}"
    inputs_copy.rename(folder)
    result = CliRunner().invoke(main, ["check", "--inputs", str(folder)])
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("ok: ") and "folder " in result.stdout and "d\\x1b]0;pwned\\x07" in result.stdout
    assert "\x1b" not in result.output and "\x07" not in result.output


def test_an_older_picture_is_put_back_when_the_output_cannot_be_written(tmp_path, monkeypatch):
    _json_output_fails(monkeypatch)
    (tmp_path / "p.png").write_bytes(b"last week's picture")
    result = CliRunner().invoke(main, ["plan", "--years", "2026:2027", "--plot", str(tmp_path / "p.png"),
                                       "--output", str(tmp_path / "o.json")])
    assert result.exit_code == 2, result.output
    assert [p.name for p in tmp_path.iterdir()] == ["p.png"]
    assert (tmp_path / "p.png").read_bytes() == b"last week's picture"
