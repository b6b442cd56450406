"""The output layer: every result of every command becomes text or a file here, and only here.

:func:`render` chooses the format: a table for people, JSON or CSV for scripts. The formats live
one per module (:mod:`~sourcing.output.table`, :mod:`~sourcing.output.json`,
:mod:`~sourcing.output.csv`); :mod:`~sourcing.output.stream` writes a sweep's document point by
point; :mod:`~sourcing.output.plot` draws; :mod:`~sourcing.output.files` writes files atomically.
"""

from __future__ import annotations

from sourcing.data import InputData
from sourcing.frontier import Frontier
from sourcing.multiyear.result import PlanResult
from sourcing.output.csv import result_csv
from sourcing.output.files import write_atomic
from sourcing.output.inputs import dated_summary
from sourcing.output.json import result_json
from sourcing.output.plan_data import plan_csv, plan_json
from sourcing.output.plan_table import plan_table
from sourcing.output.stream import document
from sourcing.output.table import check_summary, result_table
from sourcing.result import Evaluation, Result

FORMATS = ("table", "json", "csv")
"""The formats of ``--format``."""

__all__ = ["FORMATS", "render", "write_atomic"]


def render(result: Result | Evaluation | Frontier | InputData | PlanResult, fmt: str = "table") -> str:
    """``result`` as the text of format ``fmt`` (``table``, ``json`` or ``csv``).

    A :class:`~sourcing.result.Result` (``solve``) or :class:`~sourcing.result.Evaluation`
    (``evaluate``); a :class:`~sourcing.frontier.Frontier` (``sweep``); the :class:`InputData` that
    ``check`` validated (a summary line, the same in every format); a
    :class:`~sourcing.multiyear.result.PlanResult` (``plan``).
    """
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}; expected one of {', '.join(FORMATS)}")
    if isinstance(result, Frontier):
        return document(result.grid, result.rows, fmt)
    if isinstance(result, PlanResult):
        return {"table": plan_table, "json": plan_json, "csv": plan_csv}[fmt](result)
    if isinstance(result, InputData):
        return check_summary(result) + dated_summary(result)
    return {"table": result_table, "json": result_json, "csv": result_csv}[fmt](result)
