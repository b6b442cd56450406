"""A workbook (.xlsx) as a source of input tables: one sheet per input file, named like the file
without ``.csv`` (``supply``, ``demand``, ``caps``, ...), with the same columns and rules.

Read with python-calamine (the values Excel saved: a formula gives its cached value), the way a
planner's workbook comes: a title row above the header, merged header cells, numbers stored as
text, dates, empty trailing rows and columns, and sheets that are not tables (a hidden sheet, a
notes sheet) are all taken as they are. A problem names the cell: ``book.xlsx:supply!C7``.
"""

from __future__ import annotations

import datetime as dt
import difflib
import hashlib
import io
import math
import re
from collections.abc import Iterator
from pathlib import Path
from xml.etree import ElementTree

import numpy as np
import pandas as pd

from sourcing.errors import InputError, Problem
from sourcing.readers.csv import UnreadableError
from sourcing.readers.package import Package
from sourcing.schema import FREE_COLUMNS, PLAN_SPEC, SPECS, FileSpec

HEADER_SEARCH = 20
"""The header is looked for in the first this many rows (title rows may stand above it)."""
FORMULA_SCAN = 1_000_000
"""Sheets of up to this many cells that hold formulas or error values and have empty cells in
their table are read a second time (their XML, about 2 s per million cells) to tell an empty
cell from a formula whose value was never saved (a workbook written by a program and never
opened in Excel holds formulas without values) or an error value (``#N/A``), which python-calamine
reads as empty. A larger sheet is warned about instead."""


_FILE_NAME = re.compile(r"\b(" + "|".join(re.escape(s.name.removesuffix(".csv")) for s in SPECS.values())
                        + r")\.csv\b(?::(\d+)\b)?")


ERROR_VALUES = frozenset({"#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A", "#GETTING_DATA",
                          "#SPILL!", "#CALC!", "#FIELD!", "#BLOCKED!", "#CONNECT!", "#BUSY!", "#UNKNOWN!"})
"""Excel's error values: a cell holding one is an error, not an empty cell."""


_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_MAY_HOLD = re.compile(rb'<(?:\w+:)?f[\s>/]|\st="e"')
"""In a worksheet's XML: a formula, or a cell of an error value."""
_ROW, _CELL, _FORMULA, _VALUE = (f"{_MAIN}{tag}" for tag in ("row", "c", "f", "v"))


def _held_cells(part, last: int) -> Iterator[tuple[int, int, str]]:
    """(row, column, what it holds) of each cell of a worksheet's XML, up to row ``last``, that
    calamine reads as empty but is not: an error value (``#N/A``), or a formula without a saved
    value (``=...``; a formula whose saved value is empty text is empty)."""
    row = column = 0
    for event, elem in ElementTree.iterparse(part, events=("start", "end")):
        if elem.tag == _ROW:
            if event == "start":
                row, column = (int(elem.get("r")) if elem.get("r") else row + 1), 0
                if row > last:
                    return
            else:
                elem.clear()
        elif elem.tag == _CELL and event == "end":
            ref = elem.get("r")
            column = _column_number(ref) if ref else column + 1
            kind, formula, value = elem.get("t"), elem.find(_FORMULA), elem.find(_VALUE)
            if kind == "e" and value is not None and value.text:
                yield row, column, value.text
            elif formula is not None and (value is None or value.text is None) and kind != "str":
                yield row, column, "=" + (formula.text or "(a shared formula)")


def _column_number(ref: str) -> int:
    """The 1-based column of a cell reference: ``C7`` is 3, ``AB2`` is 28."""
    number = 0
    for char in ref:
        if not char.isalpha():
            break
        number = number * 26 + ord(char.upper()) - 64
    return number


def sheet_words(message: str) -> str:
    """``message`` with the input files it names as a workbook's sheets: ``demand.csv`` becomes
    ``sheet demand``, ``caps.csv:6`` becomes ``sheet caps row 6``."""
    return _FILE_NAME.sub(lambda m: f"sheet {m.group(1)}" + (f" row {m.group(2)}" if m.group(2) else ""), message)


def sheet_name(spec: FileSpec) -> str:
    """The sheet that holds ``spec``'s table: the file's name without ``.csv``."""
    return spec.name.removesuffix(".csv")


class Book:
    """The sheets of the workbook at ``path``."""

    kind = "workbook"

    def __init__(self, path: Path) -> None:
        import python_calamine

        self.path = Path(path)
        data = self.path.read_bytes()
        self.digest = hashlib.sha256(data).hexdigest()
        self.package = Package(data, self.path.name)  # refuses what would exhaust memory or abort calamine
        try:
            self._book = python_calamine.CalamineWorkbook.from_path(str(self.path))
        except BaseException as exc:  # calamine's errors, and its panics (a BaseException)
            _reraise_interrupt(exc)
            raise UnreadableError(f"not a workbook Excel can save as .xlsx ({exc})") from None
        meta = self._book.sheets_metadata
        self.sheets = [m.name for m in meta]
        self.hidden = {m.name for m in meta if str(m.visible).endswith(("Hidden", "VeryHidden"))}
        known = {sheet_name(spec).casefold(): sheet_name(spec) for spec in (*SPECS.values(), PLAN_SPEC)}
        self._named: dict[str, list[str]] = {}  # input sheet -> the book's sheets of its name, in any case
        for name in self.sheets:
            if name.casefold() in known:
                self._named.setdefault(known[name.casefold()], []).append(name)
        problems = [Problem(str(self.path), 1, 1, f"sheets {' and '.join(map(repr, names))} both name the input "
                            f"sheet {sheet!r} (Excel's sheet names are case-insensitive): keep one", None, names[-1])
                    for sheet, names in self._named.items() if len(names) > 1]
        for name in self.sheets:
            stem = name.casefold().removesuffix(".csv")  # 'caps.csv': the sheet named as its file
            close = [stem] if stem in known else difflib.get_close_matches(name.casefold(), list(known), n=1,
                                                                           cutoff=0.75)
            if name not in self.hidden and name.casefold() not in known and close:
                problems.append(Problem(str(self.path), 1, 1, f"sheet {name!r} is not an input sheet but its name is "
                                        f"close to {known[close[0]]!r}: rename it {known[close[0]]!r} to read it, or "
                                        "give it a name of its own (or hide it) to leave it out", None, name))
        if problems:
            raise InputError(problems)

    def place(self, spec: FileSpec) -> tuple[str, str | None]:
        return str(self.path), self._sheet(spec) or sheet_name(spec)

    def _sheet(self, spec: FileSpec) -> str | None:
        """The book's sheet that holds ``spec``'s table (its name in any case), or None."""
        names = self._named.get(sheet_name(spec))
        if names:
            return names[0]
        wanted = sheet_name(spec).casefold()  # a sheet named on the command line (evaluate --plan SHEET)
        return next((name for name in self.sheets if name.casefold() == wanted), None)

    def row_name(self, spec: FileSpec, line: int) -> str:
        return f"sheet {sheet_name(spec)} row {line}"

    def words(self, message: str) -> str:
        """Input files named as this book's sheets: ``demand.csv`` becomes ``sheet demand``."""
        return sheet_words(message)

    def missing(self, spec: FileSpec) -> str:
        return f"required sheet {sheet_name(spec)!r} not found in {self.path.name}"

    def open(self, spec: FileSpec) -> Sheet | None:
        """The sheet of ``spec``, or None where the book has none.

        Raises:
            UnreadableError: the sheet's part is missing, damaged, or spans too many cells.
        """
        name = self._sheet(spec)
        if name is None:
            return None
        part = self.package.part(name)
        self.package.scan(part, cells=True)
        try:
            rows = self._book.get_sheet_by_name(name).to_python(skip_empty_area=False)
        except BaseException as exc:  # calamine's errors (ill-formed XML, a value it cannot read), its panics
            _reraise_interrupt(exc)
            raise UnreadableError(f"part {part} of sheet {name} cannot be read ({exc}); save the book again "
                                  "in Excel") from None
        sheet = Sheet(rows, spec, _sheet_digest(rows))
        sheet.hidden = name in self.hidden
        gaps = sheet.gaps()
        if gaps:
            try:
                sheet.unsaved = self._unsaved_formulas(name, sheet, gaps, cells=sum(map(len, rows)))
            except ElementTree.ParseError as exc:
                raise UnreadableError(f"part {part} of sheet {name} is not well-formed XML ({exc}); save the book "
                                      "again in Excel") from None
        return sheet

    def _unsaved_formulas(self, name: str, sheet: Sheet, gaps: list[tuple[int, int]],
                          cells: int) -> list[tuple[int, int, str]]:
        """(row position, column index, what it holds) of the table's empty cells (``gaps``) that are
        not empty in the book: an error value (``#N/A``; also a formula's saved result), which
        calamine reads as "", or a formula whose value was never saved (``=...``). A sheet with
        neither is told by a search of its XML; else one pass over it, up to the last row in
        question, in sheets of up to :data:`FORMULA_SCAN` cells (``sheet.unchecked`` is set above)."""
        xml = self.package.read(self.package.part(name))  # scanned: no DTD, a bounded size
        if not _MAY_HOLD.search(xml):
            return []
        if cells > FORMULA_SCAN:
            sheet.unchecked = cells
            return []
        wanted = {(sheet.line(r), sheet.column(c)): (r, c) for r, c in gaps}
        last = max(line for line, _ in wanted)
        return [(*wanted[(line, column)], held) for line, column, held in _held_cells(io.BytesIO(xml), last)
                if (line, column) in wanted]

    def others(self) -> list[str]:
        """The visible sheets that hold no input table (a hidden sheet is the planner's own business)."""
        read = {name for names in self._named.values() for name in names}
        return [s for s in self.sheets if s not in self.hidden and s not in read]


def _sheet_digest(rows: list[list]) -> str:
    """The sha256 of a sheet's own cells as read (the repr of its rows' values, so that the text
    "1" and the number 1 differ): it changes when a cell of this sheet does, and not when another
    sheet of the book does."""
    return hashlib.sha256(repr(rows).encode("utf-8", "surrogatepass")).hexdigest()


class Sheet:
    """One sheet's table: the header (found below any title rows), the rows below it as cells
    (text stripped, numbers as numbers, dates as ISO dates, empty as ""), and where each is."""

    encoding = "xlsx"
    hidden = False
    """Whether the sheet is hidden in the book (it is read all the same, with a warning)."""

    def __init__(self, rows: list[list], spec: FileSpec, digest: str) -> None:
        self.digest, self._spec = digest, spec
        known = {c.name for c in spec.columns} | set(FREE_COLUMNS)
        at = _header_row(rows, known)
        cells = [_text(v) for v in rows[at]] if rows else []
        named = [i for i, c in enumerate(cells) if c]
        if not named:
            self.header, self._columns, self._rows, self.header_line = [], [], rows, at + 1
            self.unsaved, self.unchecked, self.nonfinite, self._frame = [], 0, [], None
            return
        first, last = named[0], named[-1]
        body = rows[at + 1:]
        columns = list(range(first, last + 1))
        # a column with no name holds the rest of a merged header cell: dropped if it holds nothing
        columns = [i for i in columns if cells[i] or any(i < len(r) and _filled(r[i]) for r in body)]
        self.header = [cells[i] for i in columns]
        self._columns, self._rows, self.header_line = columns, body, at + 1
        self.unsaved: list[tuple[int, int, str]] = []  # formulas without a saved value (see Book)
        self.unchecked = 0  # the cells of a sheet too large to look for them in
        self.nonfinite: list[tuple[int, int, str]] = []  # (row, column, text) of NaN and infinite numbers
        self._frame: pd.DataFrame | None = None

    def rows(self) -> pd.DataFrame:
        """The cells below the header, one column per header name (empty cells are "")."""
        if self._frame is None:
            self._frame = self._cells()
        return self._frame

    def gaps(self) -> list[tuple[int, int]]:
        """(row position, column index) of the empty cells of rows that hold something."""
        frame = self.rows()
        empty = np.column_stack([(frame.iloc[:, j] == "").to_numpy(bool) for j in range(frame.shape[1])]) \
            if frame.shape[1] else np.zeros((len(frame), 0), bool)
        used = ~empty.all(axis=1)
        rows, cols = np.nonzero(empty & used[:, None])
        return list(zip(rows.tolist(), cols.tolist()))

    def _cells(self) -> pd.DataFrame:
        if not self._rows or not self._columns:
            return pd.DataFrame({name: pd.Series(dtype=object) for name in self.header})
        frame = pd.DataFrame(self._rows, dtype=object)  # ragged rows are padded with None
        frame = frame.reindex(columns=self._columns)
        frame.columns = range(len(self._columns))
        years = {c.name for c in self._spec.columns if c.kind == "year"}
        for j, name in zip(frame.columns, self.header):
            # NaN or infinity (a cell <v>NaN</v>): no number Excel writes, and NaN would read as empty
            bad = np.flatnonzero(frame[j].map(_non_finite).to_numpy(bool))
            self.nonfinite += [(int(row), j, _text(frame[j].iat[row])) for row in bad]
            frame[j] = _cells(frame[j], year=name in years)
        frame.columns = self.header
        return frame

    def line(self, row: int) -> int:
        """The sheet row (1-based) of row position ``row`` below the header."""
        return self.header_line + 1 + row

    def column(self, index: int) -> int:
        """The sheet column (1-based: A is 1) of the header's ``index``-th name."""
        return self._columns[index] + 1 if index < len(self._columns) else index + 1


def _header_row(rows: list[list], known: set[str]) -> int:
    """The first row naming a known column (title rows above it are skipped), else the first
    row that holds anything."""
    for i, row in enumerate(rows[:HEADER_SEARCH]):
        if any(_text(v) in known for v in row):
            return i
    return next((i for i, row in enumerate(rows) if any(_filled(v) for v in row)), 0)


def _reraise_interrupt(exc: BaseException) -> None:
    """Raise ``exc`` again if it is an interruption rather than one of python-calamine's errors."""
    if isinstance(exc, KeyboardInterrupt | SystemExit | GeneratorExit):
        raise exc


def _non_finite(value) -> bool:
    return isinstance(value, float) and not math.isfinite(value)


def _filled(value) -> bool:
    return not (value is None or (isinstance(value, str) and not value.strip()))


def _text(value) -> str:
    """A cell as text, the way it reads in the sheet: 20 (not 20.0), 0.65, 2027-01-01."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(sep=" ")
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    return str(value)


def _cells(column: pd.Series, *, year: bool = False) -> pd.Series:
    """A column of cells: numbers as float64 where every cell is a number (they are parsed as
    numbers anyway), else text stripped of white space at its ends ("" where empty). In a ``year``
    column a date is its year (a planner types 2027 and Excel may make it a date)."""
    column = column.where(column.notna(), "")
    if year:
        column = column.map(lambda v: float(v.year) if isinstance(v, dt.date) else v)
    kinds = pd.api.types.infer_dtype(column, skipna=False)
    if kinds == "string":
        return _stripped(column)
    if kinds in ("floating", "integer", "mixed-integer-float"):
        return column.astype(float)
    return column.map(lambda v: v if isinstance(v, float | int) and not isinstance(v, bool) else _text(v))


def _stripped(column: pd.Series) -> pd.Series:
    """Text stripped of white space at its ends (as ``str.strip``: any Unicode space, the
    ideographic one included). A sheet's text repeats a few names, so each distinct text is
    looked at once, which is far faster than stripping every cell of a large sheet."""
    changed = {text: text.strip() for text in set(column.tolist()) if text != text.strip()}
    return column.map(lambda text: changed.get(text, text)) if changed else column
