"""Results as CSV for scripts and spreadsheets: what ``--format csv`` writes."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence

import numpy as np
import pandas as pd

from sourcing.frontier import FIGURES, KEYS, Grid, Row
from sourcing.result import Evaluation, Result


def result_csv(result: Result | Evaluation) -> str:
    """One row per offer: the plan, with its cap's share, binding flag and marginal cost (for an
    evaluation, also the optimum's volume and share)."""
    if isinstance(result, Evaluation):
        plan = _plan_with_caps(result.result)
        if result.optimum is not None:
            plan["optimum_volume"] = result.optimum.plan["volume"].to_numpy()
            plan["optimum_share"] = result.optimum.plan["share"].to_numpy()
        return plan.to_csv(index=False, lineterminator="\n", float_format="%.10g")
    return _plan_with_caps(result).to_csv(index=False, lineterminator="\n", float_format="%.10g")


def _plan_with_caps(result: Result) -> pd.DataFrame:
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
    return [*KEYS, "status", *FIGURES, *shares, "target", "cvar_level"]


def num(value: float) -> str:
    """A figure at full precision (it reads back exactly); empty where there is none."""
    return "" if not np.isfinite(value) else repr(float(value))


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
                  grid.label, num(grid.cvar_level)]
        return csv_line(values)
