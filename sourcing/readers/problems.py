"""Problems found in input files, collected while reading and reported in file order.

Whoever finds a problem says where it is as the data knows it: a file, a row of the file's table
(its position, 0-based, as the reader returned it) or the header, and a column by name. The
:class:`Collector` turns that into the ``file:line:column`` a user can open, through the line map
the reader of that file registered, and sorts every problem by file, line and column.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path

from sourcing.errors import Problem
from sourcing.schema import FileSpec

HEADER = -1
"""The row position of a file's header."""


class Collector:
    """The problems of one reading of a folder (or of one file), in the order of ``specs``."""

    def __init__(self, folder: Path, specs: Iterable[FileSpec]) -> None:
        self.folder = folder
        self.order = {spec.name: i for i, spec in enumerate(specs)}
        self.problems: list[tuple[str, int, int, str]] = []  # file, row (-1 header, < -1: line -row-1), col, msg
        self._line_of: dict[str, Callable[[int], int]] = {}
        self._headers: dict[str, list[str]] = {}

    def register(self, spec: FileSpec, header: list[str], line_of: Callable[[int], int] | None = None) -> None:
        """Say which header ``spec``'s file has and how its row positions map to lines."""
        self._headers[spec.name] = header
        if line_of is not None:
            self._line_of[spec.name] = line_of

    def header(self, spec: FileSpec) -> list[str]:
        """The header ``spec``'s file was registered with (empty if it was not read)."""
        return list(self._headers.get(spec.name, []))

    def line(self, spec: FileSpec, row: int) -> int:
        """The 1-based line of row position ``row`` of ``spec``'s file."""
        return self._line_of[spec.name](row)

    def add(self, spec: FileSpec, rows: Iterable[int], column: str | None, message: str) -> None:
        """One problem per row position in ``rows`` (:data:`HEADER` for the header), at ``column``
        (a header name; None or a name the header lacks: column 1)."""
        header = self._headers.get(spec.name, [])
        col = header.index(column) + 1 if column in header else 1
        for row in rows:
            self.problems.append((spec.name, int(row), col, message))

    def at_column(self, spec: FileSpec, row: int, col: int, message: str) -> None:
        """One problem at row position ``row`` and the 1-based column number ``col``."""
        self.problems.append((spec.name, int(row), col, message))

    def at_line(self, spec: FileSpec, line: int, col: int, message: str) -> None:
        """One problem at a line of the file found by the reader itself (not a row of its table)."""
        self.problems.append((spec.name, -1 - line, col, message))

    def finish(self) -> list[Problem]:
        """Every problem, located, sorted by file, line and column, each once."""
        out = []
        for name, row, col, msg in self.problems:
            line = 1 if row == HEADER else (-1 - row if row < HEADER else self._line_of[name](row))
            out.append((self.order[name], line, col, Problem(str(self.folder / name), line, col, msg)))
        out.sort(key=lambda t: t[:3])
        seen: set[Problem] = set()
        return [p for *_, p in out if not (p in seen or seen.add(p))]
