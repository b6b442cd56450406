"""Results as JSON documents for scripts: what ``--format json`` writes (the contract's keys)."""

from __future__ import annotations

import json
from typing import Any

from sourcing.frontier import FIGURES, KEYS, Grid, Row
from sourcing.result import Evaluation, Result


def result_json(result: Result | Evaluation) -> str:
    """The result's document (:meth:`sourcing.result.Result.to_dict`) as indented JSON."""
    return json.dumps(_unsigned(result.to_dict()), indent=2, allow_nan=False) + "\n"


def _unsigned(doc: Any) -> Any:
    """``doc`` with every -0.0 written as 0.0."""
    if isinstance(doc, float):
        return doc + 0.0
    if isinstance(doc, dict):
        return {k: _unsigned(v) for k, v in doc.items()}
    if isinstance(doc, list):
        return [_unsigned(v) for v in doc]
    return doc


class SweepJson:
    """``{"target", "cvar_level", "points": [...]}``, one point per line; null where not optimal."""

    sep, suffix = ",\n", "\n]}\n"

    @staticmethod
    def prefix(grid: Grid) -> str:
        head = json.dumps({"target": grid.label, "cvar_level": grid.cvar_level})
        return head[:-1] + ', "points": [\n'

    @staticmethod
    def item(grid: Grid, index: int, row: Row) -> str:
        point: dict[str, Any] = dict(zip(KEYS, grid.point(index)))
        point["status"] = row.status
        ok = row.status == "optimal"
        point.update({name: float(v) + 0.0 if ok else None for name, v in zip(FIGURES, row.figures)})
        shares: dict[str, dict[str, float]] | None = None
        if ok:
            shares = {}
            for (element, origin), s in zip(grid.offers, row.shares):
                shares.setdefault(element, {})[origin] = float(s) + 0.0
        point["shares"] = shares
        return "  " + json.dumps(point, allow_nan=False)
