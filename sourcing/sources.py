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

from sourcing.errors import InputError, OptionError, suggest
from sourcing.readers import Book, Collector, Folder, open_source, read_table
from sourcing.readers.csv import UnreadableError
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


STATUS_QUO = Path("plans") / "status-quo.csv"
"""Today's mix in an inputs folder (the report's "Today's mix" judges it against the optimum)."""
PLAN_SHEET = "plan"
"""Today's mix in an inputs workbook: the sheet that plays the role of :data:`STATUS_QUO`."""


def locate_plan(plan: str | Path, inputs: str | Path | None, option: str = "--plan") -> tuple[Path, str | None]:
    """Where a plan named on the command line is: ``(csv_path, None)`` for a file, as given or
    relative to the inputs folder (``plans/status-quo.csv`` from any folder), or ``(workbook,
    sheet)`` for a sheet of the inputs workbook (``plan``).

    Raises:
        OptionError: nothing of that name, naming where it was looked for.
    """
    text = str(plan)
    path = Path(text)
    if path.is_file():
        return path, None
    where = [f"no file {text!r} here"]
    if inputs is not None:
        inputs = Path(inputs)
        if inputs.is_dir():
            if not path.is_absolute() and (inputs / path).is_file():
                return inputs / path, None
            where.append(f"nor in the inputs folder {inputs}")
        elif inputs.is_file():
            sheets = workbook_sheets(inputs)
            if text in sheets:
                return inputs, text
            where.append(f"nor a sheet of the inputs workbook {inputs.name} ({', '.join(sheets)})"
                         + suggest(text, sheets))
    raise OptionError(f"{option} {text!r}: {', '.join(where)}; give a CSV file (a path here, or below the inputs "
                      "folder) or a sheet of the inputs workbook")


def workbook_sheets(book: Path) -> list[str]:
    """The sheets of the workbook ``book`` (none if it does not read as one)."""
    try:
        return Book(book).sheets
    except (UnreadableError, OSError):
        return []


def status_quo_of(inputs: str | Path | None) -> tuple[Path, str | None] | None:
    """Today's mix of the inputs, where they give one: the folder's :data:`STATUS_QUO`, or the
    workbook's :data:`PLAN_SHEET`; None otherwise."""
    if inputs is None:
        return None
    inputs = Path(inputs)
    if inputs.is_dir():
        return (inputs / STATUS_QUO, None) if (inputs / STATUS_QUO).is_file() else None
    return (inputs, PLAN_SHEET) if inputs.is_file() and PLAN_SHEET in workbook_sheets(inputs) else None


def plan_file(path: str | Path, folder: str | Path | None = None, sheet: str | None = None) -> InputFile:
    """A plan (``origin``, ``element``, ``volume``) as :func:`sourcing.data.load_plan` reads it,
    named by its path below ``folder`` when it lies there (``sheet plan`` for a workbook's sheet).

    Raises:
        InputError: the file does not read as a plan.
    """
    path = Path(path)
    spec = replace(PLAN_SPEC, name=f"{sheet}.csv" if sheet else path.name)
    problems = Collector(Book(path) if sheet else Folder(path.parent), [spec])
    frame = read_table(problems, spec)
    if problems.problems:
        raise InputError(problems.finish())
    if sheet:
        return _file(f"sheet {sheet}", spec, frame, problems)
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
