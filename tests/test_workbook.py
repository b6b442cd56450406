"""The planner's workbook (issue 14): Excel in and out, ``init``, the format from the extension,
and the JSON document a script gets when a run fails. The workbooks are real files, written with
XlsxWriter or openpyxl and read back with openpyxl, never mocked."""

from __future__ import annotations

import io
import json
import shutil
import signal
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
import xlsxwriter
from click.testing import CliRunner

from sourcing import InputError, bundled_inputs, load_inputs, solve
from sourcing.cli import main
from sourcing.output import render
from tests.test_golden import GOLDEN


def run(*args: str):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


@pytest.fixture(scope="module")
def template(tmp_path_factory) -> Path:
    book = tmp_path_factory.mktemp("init") / "inputs.xlsx"
    assert run("init", "--xlsx", str(book)).exit_code == 0
    return book


# ---------------------------------------------------------------------------------------------
# Excel in


def test_the_template_workbook_gives_the_bundled_answer_bit_for_bit(template):
    assert run("solve", "--inputs", str(template), "--format", "json").stdout == (GOLDEN / "solve.json").read_text()
    assert run("check", "--inputs", str(template)).stdout.startswith("ok: 16 offers from 4 origins")


def test_the_template_folder_gives_the_bundled_answer(tmp_path):
    folder = tmp_path / "mine"
    assert run("init", str(folder)).exit_code == 0
    assert run("solve", "--inputs", str(folder), "--format", "json").stdout == (GOLDEN / "solve.json").read_text()
    readme = (folder / "README.md").read_text()
    assert "| `max_share` |" in readme and "a number in [0, 1]" in readme  # the columns, from the schema
    assert (folder / "groups.csv").read_text().startswith("group,origin,note\nallies,Australia,")


def planner_book(path: Path, changes: dict | None = None) -> Path:
    """The bundled case as a planner's workbook comes: a merged title row above the header, numbers
    stored as text, capacities as formulas with their saved values, a hidden sheet, a notes sheet,
    empty trailing rows and columns, and a date in a free column."""
    book = xlsxwriter.Workbook(path)
    title = book.add_format({"bold": True})
    for csv in sorted(bundled_inputs().glob("*.csv")):
        frame = pd.read_csv(csv, dtype=str, keep_default_na=False)
        sheet = book.add_worksheet(csv.stem)
        sheet.merge_range(0, 0, 0, len(frame.columns) - 1, f"Japan rare earths: {csv.stem}", title)
        sheet.write_row(2, 0, list(frame.columns))
        for i, row in enumerate(frame.itertuples(index=False), start=3):
            for j, (name, value) in enumerate(zip(frame.columns, row)):
                value = (changes or {}).get((csv.stem, i + 1, name), value)
                if isinstance(value, tuple):  # (formula, the value Excel saved for it)
                    sheet.write_formula(i, j, *value[:1], None, value[1])
                elif name == "capacity":  # a formula whose value Excel saved
                    sheet.write_formula(i, j, f"={value}*1", None, float(value))
                elif name in ("unit_cost", "demand", "probability"):  # a number stored as text
                    sheet.write_string(i, j, value)
                else:
                    try:
                        sheet.write_number(i, j, float(value))
                    except ValueError:
                        sheet.write_string(i, j, value)
        sheet.write_blank(len(frame) + 6, len(frame.columns) + 3, None, title)  # empty trailing cells
    hidden = book.add_worksheet("workings")
    hidden.write_string(0, 0, "the buyer's own sums")
    hidden.hide()
    book.add_worksheet("notes").write_string(0, 0, "call Lynas about the 2027 volumes")
    book.add_worksheet("Suply").write_string(0, 0, "an old copy")
    book.close()
    return path


def test_a_planners_workbook_is_read_as_the_folder(tmp_path):
    book = planner_book(tmp_path / "planner.xlsx")
    data = load_inputs(book)
    assert render(solve(data), "json") == (GOLDEN / "solve.json").read_text()
    warnings = " ".join(data.warnings)
    assert "'Suply'" in warnings and "did you mean 'supply'" in warnings  # a close name: warned
    assert "notes" not in warnings and "workings" not in warnings  # a notes sheet and a hidden one: ignored


def test_names_padded_with_any_white_space_read_as_the_folder(tmp_path):
    """A name typed with a space at an end (an ideographic space from a Japanese keyboard, a no-break
    space pasted from a web page, a tab) is stripped in a workbook as in a CSV file."""
    padded = {("supply", 4, "origin"): "\u3000China", ("supply", 5, "element"): "NdPr\xa0",
              ("demand", 4, "element"): "\tNdPr ", ("caps", 4, "origin"): "China\u2003"}
    data = load_inputs(planner_book(tmp_path / "padded.xlsx", padded))
    assert render(solve(data), "json") == (GOLDEN / "solve.json").read_text()


def test_a_bad_cell_is_named_by_sheet_cell_and_value(tmp_path):
    book = planner_book(tmp_path / "bad.xlsx", {("supply", 7, "unit_cost"): "-5", ("demand", 5, "demand"): "lots"})
    with pytest.raises(InputError) as info:
        load_inputs(book)
    found = {(p.sheet, p.cell, p.value) for p in info.value.problems}
    assert ("supply", "C7", "-5") in found and ("demand", "B5", "lots") in found
    text = str(info.value)
    assert f"{book}:supply!C7: must not be negative, got '-5'" in text
    result = run("check", "--inputs", str(book))
    assert result.exit_code == 3 and f"{book}:demand!B5: expected a finite number" in result.stderr


def test_a_formula_without_a_saved_value_is_named(tmp_path):
    book = tmp_path / "unsaved.xlsx"
    shutil.copyfile(planner_book(tmp_path / "base.xlsx"), book)
    wb = openpyxl.load_workbook(book)
    wb["supply"]["D5"] = "=2*1500"  # openpyxl saves formulas without their values (all of them, here)
    wb.save(book)
    with pytest.raises(InputError) as info:
        load_inputs(book)
    found = {(p.sheet, p.cell): p for p in info.value.problems}
    assert found[("supply", "D5")].value == "=2*1500"
    assert all("whose value was never saved" in p.message for p in found.values())
    rows = len((bundled_inputs() / "supply.csv").read_text().splitlines()) - 1
    assert {cell for sheet, cell in found} == {f"D{row}" for row in range(4, 4 + rows)}  # every capacity formula


def test_an_error_value_is_named_not_read_as_an_empty_cell(tmp_path):
    """#N/A from a lookup that missed: in an optional column (Southeast Asia's NdPr min_volume,
    1500 t) it would otherwise drop a commitment silently; in a required one it is no "missing value"."""
    book = planner_book(tmp_path / "errors.xlsx", {("caps", 5, "max_share"): ('=VLOOKUP("x",A1:B2,2,0)', "#N/A"),
                                                   ("supply", 5, "min_volume"): ("=1/0", "#DIV/0!")})
    with pytest.raises(InputError) as info:
        load_inputs(book)
    found = {(p.sheet, p.cell): p.message for p in info.value.problems}
    assert found[("caps", "C5")].startswith("holds the error value #N/A (or a formula that gives it)")
    assert found[("supply", "E5")].startswith("holds the error value #DIV/0!")
    assert len(found) == 2
    wb = openpyxl.load_workbook(book)
    wb["demand"]["B5"] = "#REF!"  # typed as an error value
    wb.save(book)
    assert "demand!B5: holds the error value #REF!" in run("check", "--inputs", str(book)).stderr


def test_the_cells_calamine_reads_as_empty_are_told_apart_in_the_sheet_xml():
    """As Excel writes them: an error value, a formula's error, a formula without a saved value, a
    formula whose saved value is empty text (empty), a shared formula with its value (a number)."""
    from sourcing.readers.book import _held_cells

    ns = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
    xml = (f'<worksheet {ns}><sheetData><row r="2"><c r="A2" t="e"><v>#N/A</v></c>'
           '<c r="B2" t="e"><f>1/0</f><v>#DIV/0!</v></c><c r="C2"><f>2*3</f><v/></c>'
           '<c r="D2" t="str"><f>IFERROR(1/0,"")</f><v></v></c><c r="E2"><f t="shared" si="0"/><v>3</v></c></row>'
           '<row><c t="e"><v>#REF!</v></c></row><row r="9"><c r="A9" t="e"><v>#NUM!</v></c></row>'
           '</sheetData></worksheet>').encode()
    assert list(_held_cells(io.BytesIO(xml), last=5)) == [(2, 1, "#N/A"), (2, 2, "#DIV/0!"), (2, 3, "=2*3"),
                                                         (3, 1, "#REF!")]  # row 9 is past the last asked for


def test_a_sheet_too_large_to_look_into_is_warned_about(tmp_path, monkeypatch):
    monkeypatch.setattr("sourcing.readers.book.FORMULA_SCAN", 50)  # the planner's supply sheet has formulas
    data = load_inputs(planner_book(tmp_path / "large.xlsx"))
    said = [w for w in data.warnings if "too many to check its empty cells" in w]
    assert len(said) == 1 and said[0].startswith("sheet supply holds formulas or error values and has ")


# ---------------------------------------------------------------------------------------------
# Excel out


def test_the_result_workbook_has_formatted_sheets_and_the_json_volumes(tmp_path):
    out = tmp_path / "result.xlsx"
    result = run("solve", "--output", str(out))  # the format from the extension
    assert result.exit_code == 0 and result.stdout == ""
    book = openpyxl.load_workbook(out)
    assert book.sheetnames == ["about", "plan", "elements", "stockpile", "caps", "scenarios", "shortages", "totals"]
    plan = book["plan"]
    header = [c.value for c in plan[1]]
    assert header[:4] == ["origin", "element", "volume (t/yr)", "share (%)"] and "procurement_cost (USD M)" in header
    assert plan["C2"].number_format == "#,##0.0" and plan["D2"].number_format == "0.0%"
    assert plan[f"{chr(65 + header.index('procurement_cost (USD M)'))}2"].number_format == "#,##0.000"
    assert plan.freeze_panes == "A2" and plan.auto_filter.ref
    doc = json.loads((GOLDEN / "solve.json").read_text())
    volumes = [row[2] for row in plan.iter_rows(min_row=2, values_only=True)]
    assert volumes == pytest.approx([p["volume"] for p in doc["plan"]], rel=1e-15)  # Excel keeps 15 digits
    about = {row[1]: row[2] for row in book["about"].iter_rows(min_row=2, values_only=True)}
    assert about["command"] == "sourcing solve" and about["status"] == "optimal"
    assert about["supply.csv"].startswith("sha256 ") and abs(about["objective (USD M)"] - doc["objective"] / 1e6) < 1e-9


def test_the_plan_workbook_holds_every_table_of_the_plan_json(tmp_path):
    out = tmp_path / "plan.xlsx"
    result = run("plan", "--years", "2027:2030", "--value-of-information", "--output", str(out))
    assert result.exit_code == 0, result.stderr
    doc = json.loads(run("plan", "--years", "2027:2030", "--value-of-information", "--format", "json").stdout)
    book = openpyxl.load_workbook(out)
    tables = ["sign_now", "trajectory", "paths", "volumes", "stock", "terminal", "investments", "survival",
              "path_costs", "projects"]
    assert book.sheetnames == ["about", *tables, "totals"]  # what a planner acts on first
    assert {k for k, v in doc.items() if isinstance(v, list) and k != "years"} == set(tables)  # every table
    for sheet in tables:
        assert book[sheet].max_row - 1 == len(doc[sheet]), sheet
    assert book["paths"]["D2"].number_format == "0.000%"  # a path's probability may be 0.013%
    volumes = book["volumes"]
    header = [c.value for c in volumes[1]]
    assert header[:4] == ["path", "year", "origin", "element"] and "volume (t)" in header
    column = header.index("volume (t)")
    got = [row[column] for row in volumes.iter_rows(min_row=2, values_only=True)]
    assert got == pytest.approx([v["volume"] for v in doc["volumes"]], rel=1e-15)
    totals = {row[0]: row[1] for row in book["totals"].iter_rows(min_row=2, values_only=True)}
    assert totals["objective"] == pytest.approx(doc["objective"] / 1e6, rel=1e-12)
    assert totals["value_of_stochastic_solution"] == pytest.approx(doc["value_of_stochastic_solution"] / 1e6,
                                                                   rel=1e-12, abs=1e-9)
    about = {row[1]: row[2] for row in book["about"].iter_rows(min_row=2, values_only=True)}
    assert about["command"] == "sourcing plan" and about["status"] == "optimal"


def test_a_formula_like_name_stays_text_in_the_workbook(tmp_path):
    folder = tmp_path / "inputs"
    folder.mkdir()
    (folder / "supply.csv").write_text('origin,element,unit_cost,capacity\n"=HYPERLINK(""http://x"")",Nd,10,100\n'
                                       "+1+2,Nd,12,100\n")
    (folder / "demand.csv").write_text("element,demand,shortage_cost\nNd,50,100\n")
    out = tmp_path / "r.xlsx"
    assert run("solve", "--inputs", str(folder), "--output", str(out)).exit_code == 0
    cells = [row[0] for row in openpyxl.load_workbook(out)["plan"].iter_rows(min_row=2)]
    assert [c.value for c in cells] == ["+1+2", '=HYPERLINK("http://x")'] and all(c.data_type == "s" for c in cells)


def test_the_template_workbook_documents_and_validates_its_cells(template):
    book = openpyxl.load_workbook(template)
    assert book.sheetnames[0] == "readme" and book["lists"].sheet_state == "hidden"
    caps = book["caps"]
    header = [c.value for c in caps[1]]
    share = caps.cell(1, header.index("max_share") + 1)
    assert "the cap" in share.comment.text and "a number in [0, 1]" in share.comment.text
    rules = {(v.type, str(v.sqref).split(":")[0]) for v in caps.data_validations.dataValidation}
    assert ("decimal", f"{chr(65 + header.index('max_share'))}2") in rules
    assert ("list", f"{chr(65 + header.index('element'))}2") in rules  # the known elements, as a drop-down


def test_init_refuses_to_overwrite_unless_forced(tmp_path, template):
    before = template.read_bytes()
    again = run("init", "--xlsx", str(template))
    assert again.exit_code == 2 and "exists" in again.stderr and template.read_bytes() == before
    assert run("init", "--xlsx", str(template), "--force").exit_code == 0


# ---------------------------------------------------------------------------------------------
# the format from the extension


@pytest.mark.parametrize("name, first", [("r.json", "{"), ("r.csv", "origin,element,"), ("r.txt", "Sourcing plan")])
def test_the_extension_picks_the_format(tmp_path, name, first):
    out = tmp_path / name
    assert run("solve", "--output", str(out)).exit_code == 0
    assert out.read_text().startswith(first)


@pytest.mark.parametrize("args, message", [
    (["--output", "r.csv", "--format", "json"], "is a CSV file but --format json"),
    (["--output", "r.parquet"], ".parquet is not an extension sourcing knows (.txt, .json, .csv, .xlsx, .html)"),
    (["--output", "r.html"], "sourcing report"),
    (["--format", "xlsx"], "give --output FILE.xlsx"),
])
def test_an_extension_and_a_format_that_disagree_are_a_usage_error(tmp_path, args, message):
    args = [a if not a.startswith("r.") else str(tmp_path / a) for a in args]
    result = run("solve", *args)
    assert result.exit_code == 2 and message in result.stderr
    assert list(tmp_path.iterdir()) == []


# ---------------------------------------------------------------------------------------------
# the JSON error document


def error_doc(*args: str, code: int) -> dict:
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    assert result.exit_code == code, result.stderr
    doc = json.loads(result.stdout)
    assert doc["exit_code"] == code and doc["message"] and doc["hint"]
    return doc


def test_an_invalid_input_as_json(tmp_path):
    folder = tmp_path / "inputs"
    shutil.copytree(bundled_inputs(), folder)
    supply = folder / "supply.csv"
    line = next(i for i, text in enumerate(supply.read_text().splitlines(), start=1) if text.startswith("China,Dy,"))
    supply.write_text(supply.read_text().replace("China,Dy,224,", "China,Dy,-224,"))
    doc = error_doc("solve", "--inputs", str(folder), "--format", "json", code=3)
    assert doc["status"] == "invalid_input"
    [error] = doc["errors"]
    assert error["file"].endswith("supply.csv") and error["value"] == "-224" and error["sheet"] is None
    assert (error["line"], error["column"]) == (line, 3) and "must not be negative" in error["message"]


def test_an_infeasibility_as_json_names_the_conflicts_and_the_smallest_feasible_cap(tmp_path):
    out = tmp_path / "plan.json"
    out.write_text("yesterday's plan")
    doc = error_doc("solve", "--cap", "China=0.3", "--output", str(out), code=4)  # JSON from the extension
    assert out.read_text() == "yesterday's plan"  # a failure never touches --output
    assert doc["status"] == "infeasible"
    tb = next(c for c in doc["conflicts"] if c["element"] == "Tb")
    assert (tb["kind"], tb["origin"], tb["value"], tb["feasible"], tb["given"]) == \
        ("max_share", "China", 0.3, 0.623, "--cap China=0.3")


def test_a_usage_error_as_json_even_before_parsing():
    doc = error_doc("solve", "--risk-weight", "lots", "--format", "json", code=2)
    assert doc["status"] == "usage" and "lots" in doc["message"]
    doc = error_doc("sweep", "--cap", "China=2", "--format", "json", code=2)
    assert doc["status"] == "usage" and "outside" in doc["message"]


@pytest.mark.parametrize("status, code", [("time_limit", 5), ("unbounded", 5)])
def test_a_solver_failure_as_json(monkeypatch, status, code):
    import sourcing.solver as solver

    real = solver.run_highs

    def stopped(highs, time_limit=None, **kw):
        raw = real(highs, time_limit, **kw)
        return solver.RawSolution(status, float("nan"), raw.col_value[:0], raw.row_dual[:0], 0)

    monkeypatch.setattr(solver, "run_highs", stopped)
    doc = error_doc("solve", "--format", "json", code=code)
    assert doc["status"] == ("time_limit" if status == "time_limit" else "solver_error")


def test_an_interruption_as_json(monkeypatch):
    import sourcing.solver as solver

    def interrupted(*args, **kw):
        raise KeyboardInterrupt

    monkeypatch.setattr(solver, "run_highs", interrupted)
    handlers = {s: signal.getsignal(s) for s in (signal.SIGINT, signal.SIGTERM)}
    try:
        doc = error_doc("solve", "--format", "json", code=130)
    finally:
        for s, handler in handlers.items():  # the CLI ignores further interrupts on its way out
            signal.signal(s, handler)
    assert doc["status"] == "interrupted"


def test_messages_about_a_workbook_name_its_sheets_not_files(tmp_path, template):
    """Where the inputs are a workbook, option errors, plan-file errors and check's summary name
    its sheets (a planner has no supply.csv to open)."""
    result = run("check", "--inputs", str(template))
    assert "solve ignores what only plan reads: sheet supply: lead_time" in result.stdout
    assert ".csv" not in result.stdout
    result = CliRunner().invoke(main, ["solve", "--inputs", str(template), "--cap", "Australia:Dy=0.5"])
    assert result.exit_code == 2 and "Australia offers no Dy in sheet supply, so the cap" in result.output
    mix = tmp_path / "mix.csv"
    mix.write_text("origin,element,volume\nChna,Dy,3\nFrance,Tb,10\n")
    result = CliRunner().invoke(main, ["evaluate", "--inputs", str(template), "--plan", str(mix), "--year", "2026"])
    assert result.exit_code == 3
    assert f"{mix}:2:1: origin 'Chna' is not in the inputs' sheet supply; did you mean 'China'?" in result.stderr
    assert f"{mix}:3:2: France does not offer Tb in sheet supply in 2026 (its row holds from 2027)" in result.stderr
