"""The workbook carries today's mix (issue 21, item 7): a ``plan`` sheet in the inputs workbook
plays the role of a folder's ``plans/status-quo.csv`` (the report's "Today's mix", ``evaluate``),
and ``--plan`` takes a path relative to the inputs folder or a sheet of the inputs workbook."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from sourcing import InputError, bundled_inputs, load_inputs
from sourcing.cli import main
from sourcing.data import load_plan
from sourcing.reporting import report

STATUS_QUO = bundled_inputs() / "plans" / "status-quo.csv"


def run(*args: str):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


@pytest.fixture(scope="module")
def book(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("book") / "mine.xlsx"
    assert run("init", "--xlsx", str(path)).exit_code == 0
    return path


def _figures(stdout: str) -> dict:
    doc = json.loads(stdout)
    doc.pop("options", None)
    doc.pop("inputs", None)
    return doc


def test_the_template_workbook_carries_todays_mix(book):
    data = load_inputs(book)
    assert load_plan(book, data, "plan").equals(load_plan(STATUS_QUO, load_inputs(bundled_inputs())))
    assert "plan" in [r[0] for r in openpyxl.load_workbook(book)["readme"].iter_rows(values_only=True)]
    checked = run("check", "--inputs", str(book))
    assert checked.exit_code == 0 and "'plan'" not in checked.stderr


def test_the_report_of_a_workbook_judges_its_plan_sheet(book):
    from_book = report(load_inputs(book), sweep=None, years=None)
    from_folder = report(load_inputs(bundled_inputs()), sweep=None, years=None)
    assert from_book.status_quo is not None and from_book.status_quo_file.name == "sheet plan"
    assert from_book.status_quo.result.objective == pytest.approx(from_folder.status_quo.result.objective, rel=1e-9)
    assert from_book.status_quo.result.plan["volume"].tolist() == from_folder.status_quo.result.plan["volume"].tolist()


def test_evaluate_takes_a_sheet_of_the_inputs_workbook(book):
    by_sheet = run("evaluate", "--inputs", str(book), "--plan", "plan", "--format", "json")
    by_file = run("evaluate", "--plan", str(STATUS_QUO), "--format", "json")
    assert by_sheet.exit_code == 0, by_sheet.output
    assert _figures(by_sheet.stdout) == _figures(by_file.stdout)


def test_evaluate_takes_a_plan_relative_to_the_inputs_folder_from_any_folder(tmp_path, monkeypatch):
    folder = tmp_path / "inputs"
    shutil.copytree(bundled_inputs(), folder)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    relative = run("evaluate", "--inputs", str(folder), "--plan", "plans/status-quo.csv", "--format", "json")
    assert relative.exit_code == 0, relative.output
    assert _figures(relative.stdout) == _figures(run("evaluate", "--plan", str(STATUS_QUO), "--format", "json").stdout)


def test_a_plan_found_nowhere_is_a_usage_error_naming_where_it_looked(book):
    missing = run("evaluate", "--inputs", str(book), "--plan", "plam")
    assert missing.exit_code == 2
    assert "nor a sheet of the inputs workbook mine.xlsx" in missing.output and "did you mean 'plan'" in missing.output


def test_a_bad_cell_of_the_plan_sheet_is_named_by_sheet_and_cell(tmp_path, book):
    bad = tmp_path / "bad.xlsx"
    shutil.copyfile(book, bad)
    wb = openpyxl.load_workbook(bad)
    wb["plan"]["C3"] = "lots"
    wb.save(bad)
    with pytest.raises(InputError) as info:
        load_plan(bad, load_inputs(bad), "plan")
    assert re.search(r"bad\.xlsx:plan!C3: .*got 'lots'", str(info.value))
