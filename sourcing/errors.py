"""The exceptions `sourcing` raises, each with the process exit code the CLI maps it to.

Every message says what is wrong and what to change. The CLI prints the message to stderr and exits
with ``exit_code``; the Python API raises the exception itself.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import dataclass


class SourcingError(Exception):
    """Base class of every error `sourcing` raises on purpose."""

    exit_code: int = 1


class OptionError(SourcingError, ValueError):
    """An option value is out of range or names something that does not exist (exit 2)."""

    exit_code = 2


@dataclass(frozen=True)
class Problem:
    """One thing wrong in an input file, located by 1-based line and column; ``value`` is the cell's
    text as written, where one cell is at fault (the message quotes it too)."""

    file: str
    line: int
    column: int
    message: str
    value: str | None = None

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.column}: {self.message}"


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


class InfeasibleError(SourcingError):
    """No plan meets every constraint; ``causes`` says which limits conflict and by how much (exit 4)."""

    exit_code = 4

    def __init__(self, causes: list[str]) -> None:
        self.causes = list(causes)
        text = "no plan meets every constraint:\n" + "\n".join(f"  - {c}" for c in self.causes)
        super().__init__(text)


class OutputError(SourcingError):
    """An output file cannot be written (exit 2); the file that stood there is left as it was, or,
    for a sweep's file written point by point, holds every point finished so far."""

    exit_code = 2


class SolverError(SourcingError):
    """HiGHS failed, hit a limit or returned something unusable (exit 5)."""

    exit_code = 5


def suggest(name: str, known: Iterable[str]) -> str:
    """``"; did you mean 'X'?"`` for the known name closest to ``name``, or "" if none is close."""
    match = difflib.get_close_matches(name, list(known), n=1)
    return f"; did you mean {match[0]!r}?" if match else ""
