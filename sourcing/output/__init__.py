"""The output layer: every result of every command becomes text or a file here, and only here.

:func:`render` chooses the format: a table for people, JSON or CSV for scripts. The formats live
one per module (:mod:`~sourcing.output.table`, :mod:`~sourcing.output.json`,
:mod:`~sourcing.output.csv`); :mod:`~sourcing.output.stream` writes a sweep's document point by
point; :mod:`~sourcing.output.plot` draws; :mod:`~sourcing.output.files` writes files atomically.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sourcing.data import InputData
from sourcing.errors import OptionError
from sourcing.frontier import Frontier
from sourcing.multiyear.result import PlanResult
from sourcing.output.csv import result_csv
from sourcing.output.files import write_atomic
from sourcing.output.inputs import dated_summary
from sourcing.output.json import check_json, result_json
from sourcing.output.plan_data import plan_csv, plan_json
from sourcing.output.plan_table import plan_table
from sourcing.output.stream import document
from sourcing.output.table import check_summary, result_table
from sourcing.result import Evaluation, Result

FORMATS = ("table", "json", "csv", "xlsx")
"""The formats of ``--format``; ``xlsx`` is bytes, for a file."""
EXTENSIONS = {".txt": "table", ".json": "json", ".csv": "csv", ".xlsx": "xlsx", ".html": "html"}
"""The format an ``--output`` file's extension stands for (``html`` is ``sourcing report``'s)."""

__all__ = ["EXTENSIONS", "FORMATS", "render", "resolve_format", "write_atomic"]


def resolve_format(fmt: str | None, output: Path | None, allowed: tuple[str, ...] = FORMATS) -> str:
    """The format a command writes: ``--format`` if given, else the one ``--output``'s extension
    stands for, else ``table``.

    Raises:
        OptionError: the two disagree, the extension is not one of :data:`EXTENSIONS` (and no
            --format says what to write), the format is not one this command writes, or a
            workbook would go to stdout.
    """
    suffix = output.suffix.lower() if output is not None else ""
    from_extension = EXTENSIONS.get(suffix)
    if fmt is None:
        if suffix and from_extension is None:
            known = ", ".join(EXTENSIONS)
            raise OptionError(f"--output {output}: {suffix} is not an extension sourcing knows ({known}); "
                              "give --format, or name the file with one of them")
        fmt = from_extension or "table"
    elif from_extension is not None and from_extension != fmt:
        raise OptionError(f"--output {output} is a {from_extension.upper()} file but --format {fmt} asks for "
                          f"{fmt.upper()}: drop one of them, or rename the file")
    if fmt not in allowed:
        hint = "; HTML is sourcing report's (sourcing report --output FILE.html)" if fmt == "html" else ""
        raise OptionError(f"this command writes {', '.join(allowed)}, not {fmt}{hint}")
    if fmt == "xlsx" and output is None:
        raise OptionError("--format xlsx writes a workbook: give --output FILE.xlsx")
    return fmt


def render(result: Result | Evaluation | Frontier | InputData | PlanResult, fmt: str = "table", *,
           data: InputData | None = None, options: dict[str, Any] | None = None, command: str = "") -> str | bytes:
    """``result`` as the text of format ``fmt`` (``table``, ``json`` or ``csv``), or the bytes of
    an ``xlsx`` workbook (whose ``about`` sheet names the inputs ``data``, the ``options`` and the
    ``command``).

    A :class:`~sourcing.result.Result` (``solve``) or :class:`~sourcing.result.Evaluation`
    (``evaluate``); a :class:`~sourcing.frontier.Frontier` (``sweep``); the :class:`InputData` that
    ``check`` validated (a summary line, the same in every format); a
    :class:`~sourcing.multiyear.result.PlanResult` (``plan``).
    """
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}; expected one of {', '.join(FORMATS)}")
    if fmt == "xlsx":
        from sourcing.output.xlsx import result_xlsx

        return result_xlsx(result, data, options, command)
    if isinstance(result, Frontier):
        return document(result.grid, result.rows, fmt)
    if isinstance(result, PlanResult):
        return plan_csv(result) if fmt == "csv" else {"table": plan_table, "json": plan_json}[fmt](result, data)
    if isinstance(result, InputData):
        return check_json(result) if fmt == "json" else check_summary(result) + dated_summary(result)
    return result_csv(result) if fmt == "csv" else {"table": result_table, "json": result_json}[fmt](result, data)
