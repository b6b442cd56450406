"""Read input tables into typed frames, every problem located in its file (or sheet and cell).

A source holds the tables: a folder of CSV files (:mod:`~sourcing.readers.folder`, each file read
by :mod:`~sourcing.readers.csv`) or a workbook (:mod:`~sourcing.readers.book`). Either turns a
table into cells with their places; :mod:`~sourcing.readers.convert` types them by the schema, the
same for every source; :mod:`~sourcing.readers.problems` locates and orders what is wrong.
:func:`read_table` is the one sequence all of them follow.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from sourcing.errors import InputError, Problem
from sourcing.readers.book import Book, sheet_name
from sourcing.readers.convert import check_header, typed
from sourcing.readers.csv import UnreadableError
from sourcing.readers.folder import Folder
from sourcing.readers.problems import HEADER, Collector
from sourcing.schema import FileSpec

__all__ = ["Book", "Collector", "Folder", "inputs_here", "open_source", "read_table"]


def open_source(path: str | Path) -> Folder | Book:
    """The inputs at ``path``: a folder of CSV files, or a workbook (``.xlsx``).

    Raises:
        InputError: nothing to read there.
    """
    path = Path(path)
    if path.is_dir():
        return Folder(path)
    if path.suffix.lower() in (".xlsx", ".xlsm") and path.is_file():
        try:
            return Book(path)
        except (UnreadableError, OSError) as exc:
            message = exc.message if isinstance(exc, UnreadableError) else f"cannot be read ({exc.strerror or exc})"
            raise InputError([Problem(str(path), 1, 1, message, None, getattr(exc, "sheet", None))]) from None
    if path.exists():
        raise InputError([Problem(str(path), 1, 1, "neither a folder of CSV files nor an .xlsx workbook; "
                                  "pass --inputs DIR or --inputs book.xlsx")])
    raise InputError([Problem(str(path), 1, 1, "no such folder or workbook; pass --inputs DIR or --inputs book.xlsx")])


def inputs_here(folder: Path) -> tuple[Path | None, str]:
    """The inputs ``folder`` holds, and in what words: the folder itself when it holds a
    ``supply.csv``; else its one workbook with a ``supply`` sheet; else None, and why where the
    folder holds several such workbooks ("" where it holds none)."""
    from sourcing.schema import SPECS

    if (folder / SPECS["supply"].name).is_file():
        return folder, "this folder's supply.csv"
    books = []
    for path in sorted(folder.glob("*.xls[xm]")):
        if path.name.startswith("~$") or not path.is_file():  # Excel's lock file of an open book
            continue
        try:
            if sheet_name(SPECS["supply"]) in Book(path).sheets:
                books.append(path)
        except (UnreadableError, OSError):
            continue
    if len(books) == 1:
        return books[0], f"this folder's workbook {books[0].name} (its one workbook with a supply sheet)"
    if books:
        return None, f"{len(books)} workbooks here have a supply sheet ({', '.join(b.name for b in books)})"
    return None, ""


def read_table(problems: Collector, spec: FileSpec) -> pd.DataFrame | None:
    """The typed frame of ``spec``'s table in ``problems.source``; None if it is absent (problems
    name it if it is required) or could not be typed (problems say why)."""
    source = problems.source
    try:
        table = source.open(spec)
    except UnreadableError as exc:
        problems.register(spec, [])
        if exc.line is None:
            problems.add(spec, [HEADER], None, exc.message)
        else:
            problems.at_line(spec, exc.line, exc.column, exc.message)
        return None
    if table is None:
        if spec.required:
            problems.register(spec, [])
            problems.add(spec, [HEADER], None, source.missing(spec))
        return None
    header = table.header
    problems.register(spec, header, table.line, table.column, table.header_line)
    problems.digests[spec.name] = table.digest
    if table.encoding == "utf-16":
        problems.notes.append(f"{spec.name} was read as UTF-16 (Excel's Unicode text); sourcing's files are UTF-8")
    if not any(header):
        problems.add(spec, [HEADER], None, "no header row; the first line must name the columns")
        return None
    ok = check_header(problems, spec, header)
    try:
        raw = table.rows()
    except UnreadableError as exc:
        if exc.line is None:
            problems.add(spec, [HEADER], None, exc.message)
        else:
            problems.at_line(spec, exc.line, exc.column, exc.message)
        return None
    for row, col, held in getattr(table, "unsaved", ()):
        if held.startswith("="):
            problems.at_column(spec, row, col + 1, f"holds the formula {held!r}, whose value was never saved (the "
                               "book was not recalculated in Excel): open and save it in Excel, or type the value",
                               held)
        else:
            problems.at_column(spec, row, col + 1, f"holds the error value {held} (or a formula that gives it): "
                               "fix the formula or type the value; leave the cell empty for no value", held)
    for row, col, held in getattr(table, "nonfinite", ()):
        problems.at_column(spec, row, col + 1, f"holds {held!r}, which is no number: type the value, or leave the "
                           "cell empty for no value", held)
    if getattr(table, "hidden", False):
        problems.notes.append(f"sheet {problems.source.place(spec)[1]} is hidden, and is read all the same (an input "
                              "sheet is read whether shown or not): unhide it to see what is read, or rename it to "
                              "leave it out")
    if getattr(table, "unchecked", 0):
        problems.notes.append(f"sheet {spec.name.removesuffix('.csv')} holds formulas or error values and has "
                              f"{table.unchecked:,} cells, too many to check its empty cells: a formula never "
                              "recalculated, or an error value such as #N/A, reads there as an empty cell; save the "
                              "book in Excel and replace error values, or give that table as a CSV file")
    if not ok or getattr(table, "unsaved", ()) or getattr(table, "nonfinite", ()):
        return None
    raw = raw[(raw != "").any(axis=1)]
    return typed(problems, spec, raw, decimal_comma=getattr(table, "decimal_comma", False))
