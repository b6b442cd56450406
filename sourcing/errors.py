"""The exceptions `sourcing` raises, each with the process exit code the CLI maps it to.

Every message says what is wrong and what to change. The CLI prints the message to stderr and exits
with ``exit_code``; the Python API raises the exception itself.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable
from dataclasses import dataclass


class SourcingError(Exception):
    """Base class of every error `sourcing` raises on purpose."""

    exit_code: int = 1


class OptionError(SourcingError, ValueError):
    """An option value is out of range or names something that does not exist (exit 2).

    ``hint``: what to do, where the generic advice (see ``--help``) would not help; a script
    reads it in the JSON error document.
    """

    exit_code = 2

    def __init__(self, message: str, *, hint: str | None = None) -> None:
        super().__init__(message)
        self.hint = hint


@dataclass(frozen=True)
class Problem:
    """One thing wrong in an input file, located by 1-based line and column (in a workbook: the
    ``sheet``'s row and column, shown as its ``cell``, e.g. ``C7``); ``value`` is the cell's text
    as written, where one cell is at fault (the message quotes it too)."""

    file: str
    line: int
    column: int
    message: str
    value: str | None = None
    sheet: str | None = None

    @property
    def cell(self) -> str | None:
        """The cell in a workbook's notation (``C7``), or None for a CSV file."""
        return None if self.sheet is None else f"{column_letters(self.column)}{self.line}"

    def __str__(self) -> str:
        if self.sheet is not None:
            return f"{self.file}:{self.sheet}!{self.cell}: {self.message}"
        return f"{self.file}:{self.line}:{self.column}: {self.message}"


def column_letters(column: int) -> str:
    """A spreadsheet's name of the 1-based ``column``: 1 is A, 27 is AA."""
    letters = ""
    while column > 0:
        column, rest = divmod(column - 1, 26)
        letters = chr(65 + rest) + letters
    return letters or "A"


LISTED = 200
"""Problems an InputError's message lists; ``problems`` holds them all."""


class InputError(SourcingError, ValueError):
    """The input folder breaks the contract; ``problems`` lists every problem found (exit 3)."""

    exit_code = 3

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = list(problems)
        n = len(self.problems)
        lines = [f"{n:,} {'problem' if n == 1 else 'problems'} in the input data:"]
        lines += [str(p) for p in self.problems[:LISTED]]
        if n > LISTED:
            lines.append(f"... and {n - LISTED:,} more (fix these first: each file's problems are in line order)")
        super().__init__("\n".join(lines))


@dataclass(frozen=True)
class Conflict:
    """One reason no plan exists, and the nearest change that removes it.

    Attributes:
        element: the element whose limits conflict.
        kind: ``capacity`` (demand above all capacity), ``max_share`` (a cap), ``min_share`` (a
            floor), ``min_volume`` (a take-or-pay commitment), ``commitment`` (contracts already
            signed, commitments.csv) or ``several`` (no single change fixes it).
        origin: the origin, group or upstream country of the limit ("" for capacity, several).
        basis, scope: the limit's (as in caps.csv; "" where none).
        value: the limit as given (a share, or tonnes).
        feasible: the nearest value of it with which a plan exists (the smallest cap, the largest
            floor or commitment); None where no single change works.
        given: where the limit was set (``caps.csv line 3``, ``--cap China=0.3``, a file).
        message: the sentence the CLI prints.
        year: ``sourcing plan``'s: the year of the horizon whose limits conflict (None for ``solve``).
    """

    element: str
    kind: str
    origin: str
    basis: str
    scope: str
    value: float
    feasible: float | None
    given: str
    message: str
    year: int | None = None

    def __str__(self) -> str:
        return self.message


class InfeasibleError(SourcingError):
    """No plan meets every constraint; ``causes`` says which limits conflict and by how much (exit 4),
    and ``conflicts`` says the same as data (:class:`Conflict`)."""

    exit_code = 4

    def __init__(self, causes: list[str | Conflict]) -> None:
        self.conflicts = [c for c in causes if isinstance(c, Conflict)]
        self.causes = [str(c) for c in causes]
        text = "no plan meets every constraint:\n" + "\n".join(f"  - {c}" for c in self.causes)
        super().__init__(text)


class OutputError(SourcingError):
    """An output file cannot be written (exit 2); the file that stood there is left as it was, or,
    for a sweep's file written point by point, holds every point finished so far."""

    exit_code = 2


class SolverError(SourcingError):
    """HiGHS failed, hit a limit or returned something unusable (exit 5); ``status`` is HiGHS's
    model status (``time_limit``, ``unbounded``, ...)."""

    exit_code = 5

    def __init__(self, message: str, status: str = "solver_error") -> None:
        super().__init__(message)
        self.status = status


def suggest(name: str, known: Iterable[str]) -> str:
    """``"; did you mean 'X'?"`` for the known name closest to ``name``, or "" if none is close."""
    match = difflib.get_close_matches(name, list(known), n=1)
    return f"; did you mean {match[0]!r}?" if match else ""


_CONTROLS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def printable(message: str) -> str:
    """``message`` with every control character but tab and newline escaped (``\x1b``): a name
    that reaches a message or a summary (a file's name, say) never drives the terminal."""
    return _CONTROLS.sub(lambda m: m.group().encode("unicode_escape").decode("ascii"), message)
