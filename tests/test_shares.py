"""Shares as people write them (issue 21, item 4): ``50%`` in a share column, a workbook cell
formatted as a percentage or holding the text ``50%``, ``--cap China=60%``, and the CSV that Excel
writes where the decimal separator is a comma (semicolons between columns, ``0,5`` in numbers)."""

from __future__ import annotations

import csv
import re
import shutil
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from sourcing import InputError, bundled_inputs, load_inputs
from sourcing.cli import main
from sourcing.errors import OptionError
from sourcing.sweep import parse_cap
from tests.helpers import problem_finders, temp_folder
from tests.test_golden import without

SUPPLY = "origin,element,unit_cost,capacity\nChina,Nd,10,100\nFrance,Nd,20,100\n"
DEMAND = "element,demand,shortage_cost\nNd,50,100\n"

problems, one = problem_finders(supply=SUPPLY, demand=DEMAND)


def run(*args: str):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def test_a_share_written_as_a_percentage_is_read_as_a_fraction():
    data = load_inputs(temp_folder(supply=SUPPLY, demand=DEMAND, caps="origin,element,max_share,min_share\n"
                                   "China,Nd,50%,12.5%\n",
                                   scenarios="scenario,probability\ncut,5 %\n"))
    assert data.caps["max_share"].tolist() == [0.5]
    assert data.caps["min_share"].tolist() == [0.125]
    assert data.scenarios.set_index("scenario")["probability"]["cut"] == pytest.approx(0.05)


def test_a_percentage_outside_a_share_column_or_above_100_is_refused():
    assert re.search(r"supply\.csv:2:4: expected a finite number .* got '50%'",
                     one("supply.csv:2:4", supply=SUPPLY.replace("10,100", "10,50%")))
    assert re.search(r"caps\.csv:2:3: .*got '150%'",
                     one("caps.csv:2:3", caps="origin,element,max_share\nChina,Nd,150%\n"))


def _excel_locale_copy(source: Path, target: Path, change=lambda name, cells: cells) -> Path:
    """The bundled folder as Excel writes CSV where the decimal separator is a comma."""
    shutil.copytree(source, target)
    for path in target.glob("*.csv"):
        rows = list(csv.reader(path.open(encoding="utf-8")))
        rows = [change(path.name, [re.sub(r"^(\d*)\.(\d+)$", r"\1,\2", c) for c in r]) for r in rows]
        with path.open("w", newline="", encoding="utf-8") as f:
            csv.writer(f, delimiter=";").writerows(rows)
    return target


def test_semicolons_and_decimal_commas_read_as_the_same_data(tmp_path):
    folder = _excel_locale_copy(bundled_inputs(), tmp_path / "de")
    assert "0,30" in (folder / "scenarios.csv").read_text()  # the copy writes decimal commas
    assert (folder / "supply.csv").read_text().startswith("origin;element;")
    mine, bundled = load_inputs(folder), load_inputs(bundled_inputs())
    for name in ("offers", "elements", "caps", "scenarios", "disruptions"):
        a, b = getattr(mine, name), getattr(bundled, name)
        numeric = [c for c in b.columns if b[c].dtype.kind == "f"]
        assert numeric, name
        assert a[numeric].equals(b[numeric]), name
    # the same answer; only the inputs (their kind, path and hashes) differ
    assert without(run("solve", "--inputs", str(folder), "--format", "json").stdout) == \
        without(run("solve", "--inputs", str(bundled_inputs()), "--format", "json").stdout)


def test_a_point_that_may_group_thousands_is_an_error_naming_the_excel_setting(tmp_path):
    def grouped(name, cells):
        return [("9.000" if c == "9000" else c) for c in cells] if name == "supply.csv" else cells

    folder = _excel_locale_copy(bundled_inputs(), tmp_path / "de", grouped)
    with pytest.raises(InputError) as info:
        load_inputs(folder)
    text = str(info.value)
    assert re.search(r"supply\.csv:2:4: got '9\.000'", text)
    assert "Use system separators" in text and "decimal separator to '.'" in text


def test_decimal_commas_in_a_comma_separated_file_are_named_as_such():
    found = one("supply.csv:3", supply=SUPPLY.replace("France,Nd,20,100", "France,Nd,20,5,100"))
    assert "decimal commas" in found and "';'" in found


def test_a_workbook_percentage_cell_and_text_are_shares(tmp_path):
    book = tmp_path / "book.xlsx"
    assert run("init", "--xlsx", str(book)).exit_code == 0
    wb = openpyxl.load_workbook(book)
    sheet = wb["caps"]
    header = [c.value for c in sheet[1]]
    col = header.index("max_share") + 1
    rows = [r for r in range(2, sheet.max_row + 1) if sheet.cell(r, col).value not in (None, "")]
    first, second = rows[0], rows[1]
    sheet.cell(first, col).value = 0.4
    sheet.cell(first, col).number_format = "0%"
    sheet.cell(second, col).value = "55%"
    wb.save(book)
    caps = load_inputs(book).timeline.frames["caps"]  # every year's rows
    assert caps["max_share"].tolist()[:2] == [0.4, 0.55]


def test_cap_options_take_percentages():
    assert run("solve", "--cap", "China=60%", "--format", "json").stdout == \
        run("solve", "--cap", "China=0.6", "--format", "json").stdout.replace("0.6", "0.6")
    assert parse_cap("China:Dy=100%:50%:10%") == (("China", "Dy"), (1.0, 0.9, 0.8, 0.7, 0.6, 0.5))
    assert parse_cap("China=60%,0.5") == ("China", (0.6, 0.5))
    with pytest.raises(OptionError, match="'x%' is not a number"):
        parse_cap("China=x%")
    bad = run("solve", "--cap", "China=160%")
    assert bad.exit_code == 2 and "must lie in [0, 1], got 1.6" in bad.output
