"""Corrupted inputs, seeded: whatever a file holds, the CLI answers with an exit code of the contract.

Each case copies the bundled inputs, corrupts one cell or one row of one file (or of the plan that
``evaluate`` reads), and runs the CLI. The properties: the exit code is 0, 3 or 4 (never a
traceback or an internal error); a file error names file:line:column, and a bad cell is named with
the value found in it; a failed run leaves an existing ``--output`` untouched and prints nothing on
stdout. The same for the template workbook (``sourcing init --xlsx``) with a cell or row changed
as a planner would in Excel, whose problems name sheet!cell. And on random valid instances, a plan given to ``evaluate`` has each limit either met or
reported violated, by the amount it breaks it.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import random
import re
import shutil
from pathlib import Path

import numpy as np
import openpyxl
import pytest
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st

from sourcing import InputError, bundled_inputs, load_inputs
from sourcing.cli import main
from sourcing.solver import evaluate
from tests import strategies as strat
from tests.helpers import temp_folder

FILES = ["supply.csv", "demand.csv", "caps.csv", "content.csv", "scenarios.csv", "disruptions.csv",
         "stockpile.csv", "plans/status-quo.csv"]
CELLS = ["", "-1", "abc", "1e400", "nan", "inf", "65", "*", "=1+2", "١٢", "0x10", "1_000", "NA", "China",
         "Dy", "baseline", "x" * 300, "Cote\u0302", '"', "1;2", "\t", "0", "1", "0.5", "1e11", "imports", "content"]
ROWS = ["duplicate", "delete", "extra field", "missing field", "blank", "commas only", "swap", "open quote", "header"]
LOCATION = re.compile(r"^\S.*:(\d+):(\d+): .+$")


def corrupt(folder: Path, rnd: random.Random) -> tuple[str, int, int | None, str | None]:
    """Corrupt one cell or row of one file; return (file, line, field or None, cell written or None)."""
    name = rnd.choice(FILES)
    path = folder / name
    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8-sig"))))
    line = rnd.randrange(1, len(rows))  # a data row (0 is the header)
    if rnd.random() < 0.6:
        field = rnd.randrange(len(rows[line]))
        value = rnd.choice(CELLS)
        rows[line][field] = value
        text = _write(rows)
        where = (name, line + 1, field + 1, value)
    else:
        how = rnd.choice(ROWS)
        row = rows[line]
        if how == "duplicate":
            rows.insert(line, list(row))
        elif how == "delete":
            del rows[line]
        elif how == "extra field":
            rows[line] = row + ["surplus"]
        elif how == "missing field":
            rows[line] = row[:-1]
        elif how == "blank":
            rows[line] = []
        elif how == "commas only":
            rows[line] = [""] * len(row)
        elif how == "swap" and len(row) > 1:
            rows[line] = [row[1], row[0], *row[2:]]
        elif how == "header":
            rows[0] = [rows[0][0] + "x", *rows[0][1:]]
        text = _write(rows)
        if how == "open quote":
            lines = text.split("\n")
            lines[line] = '"' + lines[line]
            text = "\n".join(lines)
        where = (name, line + 1, None, None)
    path.write_text(text, encoding="utf-8")
    return where


def _write(rows: list[list[str]]) -> str:
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerows(rows)
    return buf.getvalue()


@pytest.mark.parametrize("seed", range(120))
def test_a_corrupted_input_gets_a_contract_exit_code_and_a_located_message(tmp_path, seed):
    rnd = random.Random(seed)
    folder = tmp_path / "inputs"
    shutil.copytree(bundled_inputs(), folder)
    name, line, field, value = corrupt(folder, rnd)
    out = tmp_path / "result.json"
    out.write_text("precious\n")
    command = rnd.choice(["solve", "check", "evaluate"])
    args = [command, "--inputs", str(folder)]
    if command == "evaluate":
        args += ["--plan", str(folder / "plans" / "status-quo.csv")]
    if command != "check":
        args += ["--format", "json"] + (["--output", str(out)] if rnd.random() < 0.5 else [])
    result = CliRunner().invoke(main, args, catch_exceptions=False)
    note = f"{command} with {name}:{line}:{field} = {value!r}: exit {result.exit_code}\n{result.stderr}"
    assert result.exit_code in (0, 3, 4), note
    assert "Traceback" not in result.stderr and "internal error" not in result.stderr, note
    if result.exit_code != 0:  # nothing half-written: the old file stays, stdout holds no partial table
        assert out.read_text() == "precious\n", note
        if "--format" in args:  # a script asked for JSON: one error document, nothing else
            doc = json.loads(result.stdout)
            assert doc["exit_code"] == result.exit_code and doc["status"] in ("invalid_input", "infeasible"), note
        else:
            assert result.stdout == "", note
    if result.exit_code == 3:
        lines = result.stderr.splitlines()
        start = next(i for i, line in enumerate(lines) if line.startswith("error: "))
        problems = lines[start + 1:]
        listed = [p for p in problems if not p.startswith("... and")]
        assert listed and all(LOCATION.match(p) for p in listed), note
        if field is not None and value.strip():  # a problem at the cell written quotes what it found
            at_cell = [p for p in listed if f"{name}:{line}:{field}:" in p]
            shown = repr(value.strip()) if len(value) < 100 else value.strip()[:20]
            assert all(shown in p or "duplicate row" in p or "sum to" in p or "is above the cap" in p
                       or "exceeds capacity" in p or "below stock" in p or "times smaller" in p
                       or "has the name of an origin" in p or "implicit scenario" in p for p in at_cell), note


SHEETS = ["supply", "demand", "caps", "groups", "content", "scenarios", "disruptions", "stockpile", "investments"]
BOOK_CELLS = [*CELLS, -1, 1e300, True, dt.datetime(2027, 1, 1), "#N/A", "=1/0", "=A1", None, 0.5, 2027, 2027.5,
              "  China  "]
BOOK_ROWS = ["delete", "blank", "duplicate", "header"]


@pytest.fixture(scope="module")
def template_book(tmp_path_factory) -> Path:
    book = tmp_path_factory.mktemp("book") / "inputs.xlsx"
    assert CliRunner().invoke(main, ["init", "--xlsx", str(book)]).exit_code == 0
    return book


@pytest.mark.parametrize("seed", range(40))
def test_a_corrupted_workbook_gets_a_contract_exit_code_and_names_sheet_and_cell(tmp_path, template_book, seed):
    """The template workbook (the bundled data), one cell or row changed with openpyxl as a planner
    would in Excel (a text, a number, a date, a boolean, an error value, a formula never computed)."""
    rnd = random.Random(seed)
    book = openpyxl.load_workbook(template_book)
    sheet = rnd.choice(SHEETS)
    ws = book[sheet]
    row = rnd.randrange(2, ws.max_row + 1)
    cell = value = None
    if rnd.random() < 0.7:
        column = rnd.randrange(1, ws.max_column + 1)
        value = rnd.choice(BOOK_CELLS)
        ws.cell(row, column).value = value
        cell = ws.cell(row, column).coordinate
    else:
        how = rnd.choice(BOOK_ROWS)
        if how == "delete":
            ws.delete_rows(row)
        elif how == "blank":
            for c in ws[row]:
                c.value = None
        elif how == "duplicate":
            values = [c.value for c in ws[row]]
            ws.insert_rows(row)
            for i, v in enumerate(values, 1):
                ws.cell(row, i).value = v
        else:
            ws.cell(1, 1).value = f"{ws.cell(1, 1).value}x"
    path = tmp_path / "book.xlsx"
    book.save(path)
    out = tmp_path / "result.json"
    out.write_text("precious\n")
    command = rnd.choice(["solve", "check", "plan"])
    args = [command, "--inputs", str(path)] + (["--format", "json", "--output", str(out)] if command != "check" else [])
    result = CliRunner().invoke(main, args, catch_exceptions=False)
    note = f"{command} with {sheet}!{cell or row} = {value!r}: exit {result.exit_code}\n{result.stderr}"
    assert result.exit_code in (0, 3, 4), note
    assert "Traceback" not in result.stderr and "internal error" not in result.stderr, note
    if result.exit_code != 0:
        assert out.read_text() == "precious\n", note
    if result.exit_code == 3:
        lines = result.stderr.splitlines()
        start = next(i for i, line in enumerate(lines) if line.startswith("error: "))
        listed = [p for p in lines[start + 1:] if not p.startswith("... and")]
        at = re.compile(rf"^{re.escape(str(path))}:({'|'.join(SHEETS)})![A-Z]+\d+: .+$")
        assert listed and all(at.match(p) for p in listed), note
        assert not any(re.search(r"\b[a-z]+\.csv\b", p) for p in listed), note  # a book's sheets, not files
        if isinstance(value, str) and value.strip() and not value.startswith("="):
            here = [p for p in listed if f":{sheet}!{cell}:" in p]
            shown = repr(value.strip()) if len(value) < 100 else value.strip()[:20]
            shown = f"error value {value}" if value == "#N/A" else shown  # Excel's error, not a text
            assert all(shown in p or "duplicate row" in p or "sum to" in p or "is above the cap" in p
                       or "exceeds capacity" in p or "below stock" in p or "times smaller" in p
                       or "has the name of an origin" in p or "implicit scenario" in p for p in here), note


@given(strat.instances(max_elements=2, max_origins=3, max_scenarios=2), st.integers(0, 2**32 - 1))
def test_any_plan_meets_each_limit_or_is_reported_to_break_it(tables, seed):
    """Random volumes within capacity: each limit row is violated exactly when its share breaks the
    limit by more than a millionth of the element's imports (and then by ``excess``), and a
    violated limit is never binding."""
    path = temp_folder(**tables)
    try:
        data = load_inputs(path)
    except InputError:
        return
    rng = np.random.default_rng(seed)
    volume = rng.uniform(0.0, 1.0, len(data.offers)) * data.offers["capacity"].to_numpy()
    ev = evaluate(data, volume, with_optimum=False)
    caps = ev.result.caps
    if caps.empty:
        return
    is_max = caps["kind"] == "max"
    breaks = np.where(is_max, caps["share"] - caps["limit"], caps["limit"] - caps["share"])
    assert (caps.loc[breaks > 2e-6, "violated"]).all()
    assert not caps.loc[breaks < 0, "violated"].any()
    assert np.allclose(caps.loc[caps["violated"], "excess"], breaks[caps["violated"].to_numpy()])
    assert not (caps["violated"] & caps["binding"]).any()
    listed = ev.violations[ev.violations["kind"].str.endswith("_share")]
    assert len(listed) == int(caps["violated"].sum())
