"""Where the figures come from: every input file's rows as the model read them, with the ``source``
and ``note`` columns that cite them and the line each row is on.

The model never reads ``source`` or ``note`` (:func:`sourcing.data.load_inputs` drops them); people
do, to trace a number to its publication or assumption. The files are read by the same readers
and schema as :func:`~sourcing.data.load_inputs`, so a value here is the value the model used
(defaults filled in), in the order and on the line of the file.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

import pandas as pd

from sourcing.errors import InputError
from sourcing.readers import Collector, Folder, open_source, read_table
from sourcing.schema import FREE_COLUMNS, PLAN_SPEC, SPECS, FileSpec

LINE = "line"
"""The column of :attr:`InputFile.rows` holding each row's 1-based line in its file."""


@dataclass(frozen=True)
class InputFile:
    """One input file as read.

    Attributes:
        name: the file's name (``supply.csv``), or its path below the inputs folder for a plan
            (``plans/status-quo.csv``).
        spec: its declaration in :mod:`sourcing.schema` (columns, units, docs).
        rows: one row per row of the file, in the file's order: the spec's columns (typed, defaults
            filled in), then ``source`` and ``note`` where the file has them, then :data:`LINE`.
            Empty (no rows, no columns) for a file not given.
        given: whether the file exists.
    """

    name: str
    spec: FileSpec
    rows: pd.DataFrame
    given: bool

    @property
    def free_columns(self) -> tuple[str, ...]:
        """The ``source`` and ``note`` columns the file has."""
        return tuple(c for c in FREE_COLUMNS if c in self.rows.columns)


def input_files(folder: str | Path) -> list[InputFile]:
    """Every input file of ``folder`` in the schema's order (supply, demand, caps, ...), absent
    optional files included (``given`` False).

    Raises:
        InputError: the folder does not load (as :func:`sourcing.data.load_inputs` would say).
    """
    problems = Collector(open_source(folder), SPECS.values())
    read = [(spec, read_table(problems, spec)) for spec in SPECS.values()]
    if problems.problems:
        raise InputError(problems.finish())
    return [_file(spec.name, spec, frame, problems) for spec, frame in read]


def plan_file(path: str | Path, folder: str | Path | None = None) -> InputFile:
    """A plan (``origin``, ``element``, ``volume``) as :func:`sourcing.data.load_plan` reads it,
    named by its path below ``folder`` when it lies there.

    Raises:
        InputError: the file does not read as a plan.
    """
    path = Path(path)
    spec = replace(PLAN_SPEC, name=path.name)
    problems = Collector(Folder(path.parent), [spec])
    frame = read_table(problems, spec)
    if problems.problems:
        raise InputError(problems.finish())
    name = path.name
    if folder is not None:
        try:
            name = path.resolve().relative_to(Path(folder).resolve()).as_posix()
        except ValueError:
            pass
    return _file(name, spec, frame, problems)


def _file(name: str, spec: FileSpec, frame: pd.DataFrame | None, problems: Collector) -> InputFile:
    if frame is None:
        return InputFile(name, spec, pd.DataFrame(), False)
    lines = [problems.line(spec, row) for row in frame.index]
    return InputFile(name, spec, frame.assign(**{LINE: lines}).reset_index(drop=True), True)
