"""Results as CSV for scripts and spreadsheets: what ``--format csv`` writes."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence

import numpy as np
import pandas as pd

from sourcing.frontier import FIGURES, Grid, Row
from sourcing.result import Evaluation, Result

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
"""A text cell beginning with one of these is read as a formula by spreadsheets (OWASP: CSV injection)."""


def spreadsheet_safe(text: str) -> str:
    """``text`` as a spreadsheet shows it and never runs it: a leading ``'`` before a cell that would
    start a formula (OWASP's rule for CSV injection); other text unchanged."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def _safe_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` with every text cell made :func:`spreadsheet_safe` (numbers are left as they are)."""
    text = [c for c in frame.columns if frame[c].dtype == object or pd.api.types.is_string_dtype(frame[c])]
    if not text:
        return frame
    return frame.assign(**{c: frame[c].map(lambda v: spreadsheet_safe(v) if isinstance(v, str) else v) for c in text})


def frame_csv(frame: pd.DataFrame) -> str:
    """``frame`` as CSV, every text cell :func:`spreadsheet_safe`: the one writer of every command's
    ``--format csv`` table (figures at up to 10 significant digits)."""
    return _safe_frame(frame).to_csv(index=False, lineterminator="\n", float_format="%.10g")


def result_csv(result: Result | Evaluation) -> str:
    """One row per offer: the plan, with its cap's share, binding flag and marginal cost (for an
    evaluation, also the optimum's volume and share)."""
    if isinstance(result, Evaluation):
        plan = plan_with_caps(result.result)
        if result.optimum is not None:
            plan["optimum_volume"] = result.optimum.plan["volume"].to_numpy()
            plan["optimum_share"] = result.optimum.plan["share"].to_numpy()
        return frame_csv(plan)
    return frame_csv(plan_with_caps(result))


def plan_with_caps(result: Result) -> pd.DataFrame:
    caps = result.caps
    plain = caps[(caps["kind"] == "max") & (caps["basis"] == "imports") & (caps["scope"] == "origin")]
    plain = plain[["origin", "element", "binding", "marginal_cost_per_pp", "violated", "excess"]]
    plain = plain.drop_duplicates(["origin", "element"])
    plan = result.plan.merge(plain, on=["origin", "element"], how="left")
    for flag in ("binding", "violated"):
        plan[flag] = plan[flag].astype("boolean").fillna(False).astype(bool)
    plan["excess"] = plan["excess"].fillna(0.0)
    plan["marginal_cost_per_pp"] = plan["marginal_cost_per_pp"].fillna(0.0)
    return plan


def sweep_header(grid: Grid) -> list[str]:
    """The columns of a sweep's CSV."""
    shares = [f"share:{e}:{o}" for e, o in grid.offers]
    return [*grid.keys, "status", *FIGURES, *shares, "target", "cvar_level"]


def sweep_label(grid: Grid) -> str:
    """The ``target`` cell of a sweep's CSV."""
    return spreadsheet_safe(grid.label)


def num(value: float) -> str:
    """A figure at full precision (it reads back exactly); empty where there is none."""
    return "" if not np.isfinite(value) else repr(float(value) + 0.0)


def csv_line(values: Sequence[str]) -> str:
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerow(values)
    return buf.getvalue()


class SweepCsv:
    """One line per point; figures at full precision (they read back exactly); empty if not optimal."""

    sep, suffix = "", ""

    @staticmethod
    def prefix(grid: Grid) -> str:
        return csv_line(sweep_header(grid))

    @staticmethod
    def item(grid: Grid, index: int, row: Row) -> str:
        values = [*map(num, grid.point(index)), row.status, *map(num, row.figures), *map(num, row.shares),
                  sweep_label(grid), num(grid.cvar_level)]
        return csv_line(values)
