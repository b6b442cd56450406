"""Problems found in input files, collected while reading and reported in file order.

Whoever finds a problem says where it is as the data knows it: a file, a row of the file's table
(its position, 0-based, as the reader returned it) or the header, and a column by name. The
:class:`Collector` turns that into the place a user can open, through the map the reader of that
file registered: ``file:line:column`` for a CSV file, ``book.xlsx:sheet!C7`` for a workbook. It
sorts every problem by file, line and column.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Protocol

from sourcing.errors import Problem
from sourcing.schema import FileSpec

HEADER = -1
"""The row position of a file's header."""


class Source(Protocol):
    """Where the input tables are: a folder of CSV files, or one workbook."""

    path: Path

    def place(self, spec: FileSpec) -> tuple[str, str | None]:
        """(the file a problem names, the sheet, if any) of ``spec``'s table."""

    def row_name(self, spec: FileSpec, line: int) -> str:
        """A row of ``spec``'s table as a message names it: ``caps.csv line 3``, ``sheet caps row 3``."""

    def words(self, message: str) -> str:
        """``message`` (which names input files: ``demand.csv``) in this source's words."""


class _Table:
    """How one file's row positions and column indices map to what a user sees."""

    def __init__(self, header: list[str], line_of: Callable[[int], int] | None,
                 column_of: Callable[[int], int] | None, header_line: int) -> None:
        self.header, self.line_of, self.header_line = header, line_of, header_line
        self.column_of = column_of or (lambda index: index + 1)


class Collector:
    """The problems of one reading of a source (or of one file), in the order of ``specs``."""

    def __init__(self, source: Source, specs: Iterable[FileSpec]) -> None:
        self.source = source
        self.folder = source.path  # the folder, or the workbook
        self.order = {spec.name: i for i, spec in enumerate(specs)}
        # file, row (-1 header, < -1: line -row-1), column (1-based in the table), message, value
        self.problems: list[tuple[str, int, int, str, str | None]] = []
        self.notes: list[str] = []  # what is worth telling about files that were read all the same
        self.digests: dict[str, str] = {}  # what was read: file (or sheet) -> sha256 of its bytes
        self._tables: dict[str, _Table] = {}
        self._specs = {spec.name: spec for spec in specs}

    def register(self, spec: FileSpec, header: list[str], line_of: Callable[[int], int] | None = None,
                 column_of: Callable[[int], int] | None = None, header_line: int = 1) -> None:
        """Say which header ``spec``'s file has, how its row positions map to lines (and, in a
        workbook, its column indices to sheet columns), and on which line its header stands."""
        self._tables[spec.name] = _Table(header, line_of, column_of, header_line)

    def header(self, spec: FileSpec) -> list[str]:
        """The header ``spec``'s file was registered with (empty if it was not read)."""
        table = self._tables.get(spec.name)
        return list(table.header) if table else []

    def line(self, spec: FileSpec, row: int) -> int:
        """The 1-based line (a workbook: sheet row) of row position ``row`` of ``spec``'s file."""
        return self._tables[spec.name].line_of(row)

    def where(self, spec: FileSpec, row: int) -> str:
        """Row position ``row`` of ``spec``'s table as a message names it (``caps.csv line 3``)."""
        return self.source.row_name(spec, self.line(spec, row))

    def rows_with_problems(self, spec: FileSpec) -> set[int]:
        """The row positions of ``spec``'s file at which a problem was already found."""
        return {row for name, row, *_ in self.problems if name == spec.name and row >= 0}

    def add(self, spec: FileSpec, rows: Iterable[int], column: str | None, message: str,
            value: str | None = None) -> None:
        """One problem per row position in ``rows`` (:data:`HEADER` for the header), at ``column``
        (a header name; None or a name the header lacks: column 1); ``value``: the cell's text."""
        table = self._tables.get(spec.name)
        header = table.header if table else []
        col = header.index(column) + 1 if column in header else 1
        for row in rows:
            self.problems.append((spec.name, int(row), col, message, value))

    def at_column(self, spec: FileSpec, row: int, col: int, message: str, value: str | None = None) -> None:
        """One problem at row position ``row`` and the 1-based column ``col`` of the table."""
        self.problems.append((spec.name, int(row), col, message, value))

    def at_line(self, spec: FileSpec, line: int, col: int, message: str) -> None:
        """One problem at a line of the file found by the reader itself (not a row of its table)."""
        self.problems.append((spec.name, -1 - line, col, message, None))

    def finish(self) -> list[Problem]:
        """Every problem, located, sorted by file, line and column, each once."""
        out = []
        for name, row, col, msg, value in self.problems:
            table = self._tables.get(name)
            file, sheet = self.source.place(self._specs[name])
            if row == HEADER:
                line = table.header_line if table else 1
            elif row < HEADER:
                line = -1 - row
            else:
                line = table.line_of(row)
            column = table.column_of(col - 1) if table and row >= HEADER else col
            out.append((self.order[name], line, column,
                        Problem(file, line, column, self.source.words(msg), value, sheet)))
        out.sort(key=lambda t: t[:3])
        seen: set[Problem] = set()
        return [p for *_, p in out if not (p in seen or seen.add(p))]
