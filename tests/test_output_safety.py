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
