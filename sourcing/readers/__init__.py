"""Read input files into typed frames, every problem located in its file.

A reader turns one file into text cells (:mod:`sourcing.readers.csv`); :mod:`sourcing.readers.convert`
types them by the schema, the same for every reader; :mod:`sourcing.readers.problems` locates and
orders what is wrong. :func:`read_table` is the one sequence all of them follow.
"""

from __future__ import annotations

import stat
from pathlib import Path

import pandas as pd

from sourcing.readers.convert import check_header, typed
from sourcing.readers.csv import CsvFile, UnreadableError
from sourcing.readers.problems import HEADER, Collector
from sourcing.schema import FileSpec

__all__ = ["Collector", "read_table"]


def read_table(problems: Collector, spec: FileSpec) -> pd.DataFrame | None:
    """The typed frame of ``spec``'s file in ``problems.folder``; None if it is absent (problems
    name it if it is required) or could not be typed (problems say why)."""
    path: Path = problems.folder / spec.name
    try:
        kind = _kind_of(path)
    except OSError as exc:  # a loop of symbolic links, or a folder that cannot be searched
        problems.register(spec, [])
        problems.add(spec, [HEADER], None, f"cannot be read ({exc.strerror or exc}); replace it by a CSV file")
        return None
    if kind != "file":
        if kind != "absent":  # a file of that name exists but is not one to read: never take it as absent
            problems.register(spec, [])
            problems.add(spec, [HEADER], None, f"is {kind}, not a file; replace it by a CSV file or remove it")
        elif spec.required:
            problems.register(spec, [])
            problems.add(spec, [HEADER], None, f"required file {spec.name} not found in {problems.folder}")
        return None
    try:
        file = CsvFile(path)
    except UnreadableError as exc:
        problems.register(spec, [])
        if exc.line is None:
            problems.add(spec, [HEADER], None, exc.message)
        else:
            problems.at_line(spec, exc.line, exc.column, exc.message)
        return None
    header = file.header
    problems.register(spec, header, file.line)
    if file.encoding != "utf-8":
        problems.notes.append(f"{spec.name} was read as {file.encoding.upper()} (Excel's Unicode text); "
                              "sourcing's files are UTF-8")
    if not any(header):
        problems.add(spec, [HEADER], None, "no header row; the first line must name the columns")
        return None
    ok = check_header(problems, spec, header)
    try:
        raw = file.rows()
    except UnreadableError as exc:
        if exc.line is None:
            problems.add(spec, [HEADER], None, exc.message)
        else:
            problems.at_line(spec, exc.line, exc.column, exc.message)
        return None
    if not ok:
        return None
    raw = raw[(raw != "").any(axis=1)]
    return typed(problems, spec, raw)


def _kind_of(path: Path) -> str:
    """``file`` (a regular file, through any symbolic links), ``absent``, or what else is there."""
    try:
        mode = path.stat().st_mode
    except FileNotFoundError:
        return "a symbolic link to a missing file" if path.is_symlink() else "absent"
    if stat.S_ISREG(mode):
        return "file"
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a named pipe (FIFO)"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "a device"
