"""What a sweep returns: its grid of points and, for each point, a row of figures and shares.

This is the sweep's result, as :mod:`sourcing.result` is a solve's: the output layer formats it,
the sweep (:mod:`sourcing.sweep`) computes it. Points are ordered by risk weight, then CVaR weight,
then the swept cap as given (the cap varies fastest).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, NamedTuple

import numpy as np
import pandas as pd

Target = str | tuple[str, str]
"""A swept cap: ``"ORIGIN"`` (its cap on every element it offers) or ``("ORIGIN", "ELEMENT")``."""

KEYS = ("max_share", "risk_weight", "cvar_weight")
"""What identifies a point of the grid of a cap sweep (a floor sweep's first key is ``min_share``)."""
BOUNDS = ("max_share", "min_share")
"""What a sweep varies: the target's cap (``--cap``) or its floor (``--floor``)."""
FIGURES = ("objective", "procurement_cost", "stockpile_cost", "expected_shortage_cost", "cvar", "marginal_cost_per_pp")
"""The money figures of a point (USD/yr), in the order of its row."""
KEY_DECIMALS = 9
"""Points of a file being resumed are matched to the grid after rounding to this many decimals."""


def bound_words(bound: str) -> tuple[str, str]:
    """(the limit's name, what tightens it): ``("cap", "tightens")`` or ``("floor", "rises")``."""
    return ("cap", "tightens") if bound == "max_share" else ("floor", "rises")


def target_label(target: Target) -> str:
    """``ORIGIN`` or ``ORIGIN:ELEMENT``, as ``--cap`` takes it."""
    return target if isinstance(target, str) else f"{target[0]}:{target[1]}"


class Row(NamedTuple):
    """One solved point: ``status``, the :data:`FIGURES` (NaN unless optimal) and the share of
    every offer (order of :attr:`Grid.offers`; NaN unless optimal)."""

    status: str
    figures: np.ndarray
    shares: np.ndarray


def failed(status: str, n_offers: int) -> Row:
    """The row of a point without a plan."""
    return Row(status, np.full(len(FIGURES), np.nan), np.full(n_offers, np.nan))


@dataclass(frozen=True)
class Grid:
    """The points of a sweep: every (max_share, risk_weight, cvar_weight) of the three value lists
    (``min_share`` for a floor sweep).

    Attributes:
        target: the swept cap (or floor).
        shares, risk_weights, cvar_weights: the values, in the order given.
        cvar_level: the one CVaR level of every point.
        offers: (element, origin) of every share column, in the order of the inputs' offers.
        members: the origins the target names (the origin, or a group's members).
        bound: ``max_share`` (a cap sweep) or ``min_share`` (a floor sweep).
        year: the year whose rows are swept (None: inputs without dated rows); ``year_reason`` why.
        inputs: what was swept, as the JSON documents say it (``kind``, ``path``, ``files``); None
            for a grid made without inputs.
    """

    target: Target
    shares: tuple[float, ...]
    risk_weights: tuple[float, ...]
    cvar_weights: tuple[float, ...]
    cvar_level: float
    offers: tuple[tuple[str, str], ...]
    members: tuple[str, ...]
    bound: str = "max_share"
    year: int | None = None
    year_reason: str | None = None
    inputs: dict[str, Any] | None = field(default=None, compare=False, hash=False)

    @property
    def keys(self) -> tuple[str, str, str]:
        """What identifies a point: (the bound, ``risk_weight``, ``cvar_weight``)."""
        return (self.bound, *KEYS[1:])

    @property
    def label(self) -> str:
        return target_label(self.target)

    @property
    def size(self) -> int:
        return len(self.shares) * len(self.risk_weights) * len(self.cvar_weights)

    def point(self, index: int) -> tuple[float, float, float]:
        """(max_share, risk_weight, cvar_weight) of point ``index``."""
        n, m = len(self.shares), len(self.cvar_weights)
        line, j = divmod(index, n)
        r, c = divmod(line, m)
        return self.shares[j], self.risk_weights[r], self.cvar_weights[c]

    def index_of(self) -> dict[tuple[float, float, float], int]:
        """Point index by its (max_share, risk_weight, cvar_weight) rounded to KEY_DECIMALS."""
        return {tuple(round(v, KEY_DECIMALS) for v in self.point(i)): i for i in range(self.size)}


def points_frame(grid: Grid, rows: dict[int, Row]) -> pd.DataFrame:
    """The rows as a DataFrame in grid order: ``max_share`` (or ``min_share``), ``risk_weight``, ``cvar_weight``,
    ``status``, the :data:`FIGURES`, ``share:ELEMENT:ORIGIN`` per offer, ``target``, ``cvar_level``."""
    order = sorted(rows)
    keys = np.array([grid.point(i) for i in order], dtype=float).reshape(len(order), 3)
    figures = np.array([rows[i].figures for i in order], dtype=float).reshape(len(order), len(FIGURES))
    shares = np.array([rows[i].shares for i in order], dtype=float).reshape(len(order), len(grid.offers))
    out: dict[str, Any] = {k: keys[:, j] for j, k in enumerate(grid.keys)}
    out["status"] = [rows[i].status for i in order]
    out.update({f: figures[:, j] for j, f in enumerate(FIGURES)})
    out.update({f"share:{e}:{o}": shares[:, j] for j, (e, o) in enumerate(grid.offers)})
    out["target"] = grid.label
    out["cvar_level"] = grid.cvar_level
    return pd.DataFrame(out)


@dataclass(frozen=True)
class Frontier:
    """A finished (or interrupted) sweep: its grid and the rows solved, by point index."""

    grid: Grid
    rows: dict[int, Row]

    def frame(self) -> pd.DataFrame:
        """The rows as a DataFrame in grid order (see :func:`points_frame`)."""
        return points_frame(self.grid, self.rows)
