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
import subprocess
import sys
import zipfile
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
from tests.xlsx_parts import part_of, repack

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


def test_a_zip_bomb_is_refused_from_the_zip_directory(tmp_path, template_book):
    """A sheet that inflates 1,000 times (20 MiB of spaces in 20 kB) is refused before it is read."""
    part = part_of(template_book, "demand")
    book = repack(template_book, tmp_path / "bomb.xlsx", {part: lambda x: x.replace(b"</sheetData>",
                                                                                b"</sheetData>" + b" " * 20 * 2**20)})
    result = CliRunner().invoke(main, ["check", "--inputs", str(book)])
    assert result.exit_code == 3
    assert f"{book}:demand!A1: sheet demand (part {part}) inflates " in result.stderr
    assert "as a zip bomb does" in result.stderr


@pytest.mark.parametrize("quote", ['"', "'"])
@pytest.mark.parametrize("cell", ["Z1048576", "XFD1048576", "XFE1"])
def test_a_sheet_of_absurd_extent_is_refused_before_calamine_allocates(tmp_path, template_book, cell, quote):
    """One value at XFD1048576 had calamine allocate 512 GiB and abort the process (run apart, so
    that an abort fails the test rather than the run); Z1048576 cost 1.2 GB."""
    part = part_of(template_book, "supply")
    row = cell[3:] if cell == "XFE1" else 1048576
    book = repack(template_book, tmp_path / "far.xlsx", {part: lambda x: x.replace(
        b"</sheetData>", f'<row r={quote}{row}{quote}><c r={quote}{cell}{quote}><v>1</v></c></row>'
        .encode() + b"</sheetData>")})
    result = subprocess.run([sys.executable, "-m", "sourcing.cli", "check", "--inputs", str(book), "--format",
                             "json"], capture_output=True, text=True, timeout=120)
    assert result.returncode == 3, result.stderr[-2000:]
    doc = json.loads(result.stdout)
    assert doc["status"] == "invalid_input"
    (problem,) = doc["errors"]
    assert problem["sheet"] == "supply"
    assert (f"reaches cell {cell}" if cell != "XFE1" else "beyond Excel's last cell") in problem["message"]


DTD = (b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;">'
       b'<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;">]>')


@pytest.mark.parametrize(("fault", "said"), [
    ("truncated", ":demand!A1: part {part} of sheet demand cannot be read"),
    ("missing", ":demand!A1: sheet demand has no part in the package ({part} is missing)"),
    ("dtd", ":demand!A1: sheet demand (part {part}) declares a DTD"),
    ("dtd in workbook.xml", ":1:1: part xl/workbook.xml declares a DTD"),
    ("dtd in sharedStrings.xml", ":1:1: part xl/sharedStrings.xml declares a DTD"),
    ("no workbook.xml", ":1:1: part xl/workbook.xml is missing from the package"),
    ("encrypted", ":1:1: is encrypted (saved with a password to open it): save it in Excel without a password"),
])
def test_a_damaged_package_is_an_input_error_naming_the_part(tmp_path, template_book, fault, said):
    part = part_of(template_book, "demand")
    book = tmp_path / "damaged.xlsx"
    if fault == "encrypted":  # an OLE compound file, as Excel saves a book with a password to open it
        book.write_bytes(bytes.fromhex("D0CF11E0A1B11AE1") + bytes(504) + "EncryptedPackage".encode("utf-16-le"))
    else:
        prolog = re.compile(rb"^<\?xml[^>]*\?>\s*")
        changes = {"truncated": {part: lambda x: x[:len(x) // 2]}, "missing": {part: None},
                   "dtd": {part: lambda x: DTD + prolog.sub(b"", x)},
                   "dtd in workbook.xml": {"xl/workbook.xml": lambda x: DTD + prolog.sub(b"", x)},
                   "dtd in sharedStrings.xml": {"xl/sharedStrings.xml": lambda x: DTD + prolog.sub(b"", x)},
                   "no workbook.xml": {"xl/workbook.xml": None}}[fault]
        repack(template_book, book, changes)
    result = CliRunner().invoke(main, ["check", "--inputs", str(book)])
    assert result.exit_code == 3 and "internal error" not in result.stderr
    assert f"{book}{said.format(part=part)}" in result.stderr


FAR_CELLS = ["J40", "AA300", "B2000", "Z1048576", "XFD1048576", "XFE1", "A1048577", "ZZ200000", "E5000001"]
"""Cells a value may be typed at: near the table, or far enough to span more than MAX_CELLS (or
beyond Excel's grid): nothing between, which would be read, slowly."""
PACKAGE_FAULTS = ["inflate", "far cell", "far cell without r", "no r", "missing part", "dtd", "truncate",
                  "flip bytes"]


@pytest.mark.parametrize("seed", range(48))
def test_a_workbook_damaged_in_its_package_is_refused_cheaply_or_read(tmp_path, template_book, seed):
    """The template workbook with one fault of its zip package: a part that inflates a thousand
    times, a value typed far away (rows and cells with or without their ``r``), a part removed, a
    DTD, a part cut short, a byte of compressed data changed. The answer is an exit code of the
    contract, never an internal error, a crash or memory exhausted; the faults that must be refused
    are refused, naming the workbook (and the sheet or part)."""
    rnd = random.Random(seed)
    with zipfile.ZipFile(template_book) as z:
        parts = [i.filename for i in z.infolist()]
    xml = [p for p in parts if p.endswith((".xml", ".rels", ".vml"))]
    sheet = rnd.choice(SHEETS)
    part = part_of(template_book, sheet)
    read = {"xl/workbook.xml", "xl/_rels/workbook.xml.rels", "xl/sharedStrings.xml", "xl/styles.xml"} | {
        part_of(template_book, s) for s in SHEETS}  # the parts sourcing reads (all of them scanned first)
    fault = rnd.choice(PACKAGE_FAULTS)
    path, expect = tmp_path / "damaged.xlsx", None
    if fault == "inflate":
        target, size = rnd.choice(xml), rnd.choice([2 * 2**20, 6 * 2**20])
        repack(template_book, path, {target: lambda x: x + b" " * size})
        expect = "as a zip bomb does"
    elif fault.startswith("far cell"):
        cell = rnd.choice(FAR_CELLS)
        column, row = re.fullmatch(r"([A-Z]+)(\d+)", cell).groups()
        strip = (lambda x: re.sub(rb'(<(?:row|c)\b[^>]*?) r="[A-Z]*\d+"', rb"\1", x)) if "without" in fault \
            else (lambda x: x)
        far = f'<row r="{row}"><c r="{cell}"><v>1</v></c></row>'.encode()
        repack(template_book, path, {part: lambda x: strip(x).replace(b"</sheetData>", far + b"</sheetData>")})
        cells = int(row) * sum((ord(c) - 64) * 26 ** i for i, c in enumerate(reversed(column)))
        expect = "beyond Excel's last cell" if int(row) > 1048576 or len(column) == 3 and column > "XFD" else \
            f"reaches cell {cell}" if cells > 5_000_000 else None
    elif fault == "no r":
        repack(template_book, path, {part: lambda x: re.sub(rb'(<(?:row|c)\b[^>]*?) r="[A-Z]*\d+"', rb"\1", x)})
    elif fault == "missing part":
        target = rnd.choice(parts)
        repack(template_book, path, {target: None})
    elif fault == "dtd":
        target = rnd.choice(xml)
        repack(template_book, path, {target: lambda x: b'<!DOCTYPE x [<!ENTITY a "aaaa">]>' + x})
        expect = "declares a DTD" if target in read else None
    elif fault == "truncate":
        target = rnd.choice(xml)
        repack(template_book, path, {target: lambda x: x[:rnd.randrange(len(x))]})
    else:
        repack(template_book, path, {})
        data = bytearray(path.read_bytes())
        with zipfile.ZipFile(path) as z:
            info = z.getinfo(rnd.choice(parts))
        start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
        at = start + rnd.randrange(max(info.compress_size, 1))
        data[at] ^= 0xFF
        path.write_bytes(bytes(data))
    result = CliRunner().invoke(main, ["check", "--inputs", str(path)], catch_exceptions=False)
    note = f"{fault} ({sheet}): exit {result.exit_code}\n{result.stderr[-3000:]}"
    assert result.exit_code in (0, 3), note
    assert "Traceback" not in result.stderr and "internal error" not in result.stderr, note
    if expect is not None:
        assert result.exit_code == 3 and expect in result.stderr, note
    if result.exit_code == 3:
        lines = result.stderr.splitlines()
        start = next(i for i, line in enumerate(lines) if line.startswith("error: "))
        listed = [p for p in lines[start + 1:] if not p.startswith("... and")]
        assert listed and all(p.startswith(f"{path}:") for p in listed), note


@pytest.mark.parametrize("chunk", [7, 64, 2**20])
def test_the_extent_of_a_sheet_is_found_from_every_cell_reference(monkeypatch, chunk):
    """Rows and cells that say where they stand (as Excel writes them: the fast path), and ones
    that do not (each stands after the last), read in chunks of any size: the last row and column
    reached, a cell's own reference counting even where its row says otherwise."""
    from sourcing.readers.package import Package

    monkeypatch.setattr("sourcing.readers.package._CHUNK", chunk)
    ns = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
    book = (f'<workbook {ns} xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
            '<sheets><sheet name="s" sheetId="1" r:id="rId1"/></sheets></workbook>')
    rels = ('<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" Target="worksheets/sheet1.xml" Type="worksheet"/></Relationships>')
    cases = {'<row r="2"><c r="B2"><v>1</v></c></row><row r="3"><c r="C40"><v>1</v></c></row>': (40, 3),
             '<row r="2"><c r="B2"><v>1</v></c></row><row><c><v>1</v></c><c/><c t="n"><v>2</v></c></row>'
             '<row r="9"><c r="AB7"><v>3</v></c></row>': (9, 28),
             '<row><c><v>1</v></c></row><row><c><v>1</v></c><c><v>1</v></c></row>': (2, 2),
             # XML lets an attribute be quoted with ' and spaced around = (calamine reads them so; a
             # cell ZZ1048000 written r='ZZ1048000' went unseen and calamine took 17 GB)
             "<row r='2'><c r='B2'><v>1</v></c></row><row r='40000'><c r='AB40000'><v>1</v></c></row>":
                 (40000, 28),
             '<row r = "5"><c s="0" r = "C5"><v>1</v></c></row>': (5, 3)}
    for cells, extent in cases.items():
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as z:
            z.writestr("xl/workbook.xml", book)
            z.writestr("xl/_rels/workbook.xml.rels", rels)
            z.writestr("xl/worksheets/sheet1.xml", f"<worksheet {ns}><sheetData>{cells}</sheetData></worksheet>")
        package = Package(buffer.getvalue(), "book.xlsx")
        assert package.scan(package.part("s"), cells=True) == extent, cells
