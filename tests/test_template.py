"""The template tells the truth (issue 21, item 5): ``init``'s README and the workbook's readme
sheet describe each column as the readers read it, from the schema; a year written ``FY2027`` is
one problem, said once."""

from __future__ import annotations

import re

import openpyxl
from click.testing import CliRunner

from sourcing.cli import main
from sourcing.schema import NUMERIC_KINDS, SPECS, expected
from tests.helpers import problem_finders

NUMERIC = {(spec.name, c.name): c for spec in SPECS.values() for c in spec.columns if c.kind in NUMERIC_KINDS}


def run(*args: str):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def _rules_of_readme(text: str) -> dict[tuple[str, str], str]:
    rules, file = {}, None
    for line in text.splitlines():
        heading = re.match(r"## (\S+\.csv) ", line)
        if heading:
            file = heading.group(1)
        cells = re.match(r"\| `(\w+)` \| [^|]* \| ([^|]*) \|", line)
        if cells and file:
            rules[(file, cells.group(1))] = cells.group(2)
    return rules


def test_the_folder_readme_gives_each_numeric_column_its_rule(tmp_path):
    assert run("init", str(tmp_path / "mine")).exit_code == 0
    rules = _rules_of_readme((tmp_path / "mine" / "README.md").read_text())
    assert set(NUMERIC) <= set(rules)
    for key, col in NUMERIC.items():
        assert "free text" not in rules[key], key
        assert rules[key].startswith(expected(col)), key
    assert rules[("supply.csv", "year")].startswith("a whole year from 1000 to 9999")
    assert rules[("scenarios.csv", "duration")].startswith("a whole number from 1 to 1000")
    assert "read by sourcing plan only" in rules[("supply.csv", "lead_time")]
    assert "percentage" in rules[("caps.csv", "max_share")]


def test_the_readme_sheet_gives_each_numeric_column_its_rule_and_cells_are_validated(tmp_path):
    book = tmp_path / "mine.xlsx"
    assert run("init", "--xlsx", str(book)).exit_code == 0
    wb = openpyxl.load_workbook(book)
    rows = list(wb["readme"].iter_rows(min_row=2, values_only=True))
    rules = {(f"{sheet}.csv", column): rule for sheet, column, _, rule, _ in rows if column}
    for key, col in NUMERIC.items():
        assert rules[key].startswith(expected(col)), key
    header = [c.value for c in wb["supply"][1]]
    year_cell = f"{openpyxl.utils.get_column_letter(header.index('year') + 1)}2"
    kinds = [dv.type for dv in wb["supply"].data_validations.dataValidation if year_cell in dv.sqref]
    assert kinds == ["whole"]


problems, one = problem_finders(supply="origin,element,unit_cost,capacity\nChina,Nd,10,100\n",
                                demand="element,demand,shortage_cost,year\nNd,50,100,\nNd,60,100,FY2027\n")


def test_a_fiscal_year_is_one_problem_with_the_year_to_write():
    found = problems()
    assert len(found) == 1, found
    assert re.search(r"demand\.csv:3:4: expected a whole year .* got 'FY2027' \(write 2027\)", found[0])


def test_a_bad_key_cell_is_not_also_a_duplicate():
    messages = problems(demand="element,demand,shortage_cost,year\nNd,50,100,2027\nNd,60,100,2027.5\n")
    assert len(messages) == 1 and "2027.5" in messages[0], messages
