"""The error of a plan solved on a sampled tree, stated from independent replications.

:class:`Replications` holds what ``plan --replications R`` reports (docs/events.md): the in-sample
optimum of each of R sampled trees with a 95% Student-t interval on their mean; the first tree's
sign-now decisions evaluated on each other tree (its root decisions fixed, every other decision
re-optimised) with its interval; the gap estimate, the mean of the R - 1 paired differences
(evaluation minus in-sample optimum on the same tree) with its interval (Mak, Morton and Wood's
estimator of the optimality gap of the first tree's decisions); and, for each sign-now decision,
its min, median and max over the R trees. It is computed from plain numbers and frames here; the
solves are :mod:`sourcing.replications`'s.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from sourcing.multiyear.result import records

LEVEL = 0.95
"""The confidence level of every interval."""
KEYS = ["decision", "origin", "element", "year", "signed", "project"]
"""The columns that name a sign-now decision (a contract or an investment)."""


def t_interval(values, level: float = LEVEL) -> tuple[float, float] | None:
    """The two-sided Student-t interval on the mean of ``values``: mean -/+ t(1 - (1 - level)/2,
    n - 1) s / sqrt(n), s the sample standard deviation (ddof 1). None for fewer than 2 values."""
    from scipy.stats import t

    x = np.asarray(values, dtype=float)
    if x.size < 2:
        return None
    half = float(t.ppf(0.5 + level / 2.0, x.size - 1) * x.std(ddof=1) / np.sqrt(x.size))
    mean = float(x.mean())
    return (mean - half, mean + half)


@dataclass(frozen=True)
class Replications:
    """The replications of a sampled plan.

    Attributes:
        runs: one row per tree: ``replication`` (1 .. R), ``seed``, ``paths`` (distinct paths),
            ``objective`` (its in-sample optimum, USD), ``evaluation`` (the first tree's sign-now
            decisions fixed on it, USD; NaN for the first tree) and ``gap`` (evaluation minus
            objective; NaN for the first).
        sign_now: per sign-now decision (``decision``, ``origin``, ``element``, ``year``,
            ``signed``, ``project``): ``quantity`` (``volume`` t or ``capacity`` t/yr), ``first``
            (the first tree's, the plan reported), ``min``, ``median`` (numpy's) and ``max`` over the
            R trees.
        mean, ci95: the mean in-sample optimum and its 95% Student-t interval (None with R = 1).
        evaluation_mean, evaluation_ci95: the mean evaluation over trees 2 .. R and its interval
            (None below 2 and 3 trees).
        gap, gap_ci95: the mean paired difference over trees 2 .. R and its interval (None below
            3 trees for both: one difference states no error).
    """

    runs: pd.DataFrame
    sign_now: pd.DataFrame
    mean: float
    ci95: tuple[float, float] | None
    evaluation_mean: float | None
    evaluation_ci95: tuple[float, float] | None
    gap: float | None
    gap_ci95: tuple[float, float] | None

    @property
    def count(self) -> int:
        return len(self.runs)

    def to_dict(self) -> dict[str, Any]:
        """The JSON's ``replications``."""
        def pair(x):
            return None if x is None else [float(x[0]), float(x[1])]

        later = self.runs.iloc[1:]
        return {
            "count": self.count, "seeds": [int(s) for s in self.runs["seed"]],
            "paths": [int(p) for p in self.runs["paths"]],
            "objective": [float(v) for v in self.runs["objective"]], "mean": float(self.mean),
            "ci95": pair(self.ci95),
            "evaluation": [float(v) for v in later["evaluation"]],
            "evaluation_mean": None if self.evaluation_mean is None else float(self.evaluation_mean),
            "evaluation_ci95": pair(self.evaluation_ci95),
            "gap": None if self.gap is None else float(self.gap), "gap_ci95": pair(self.gap_ci95),
            "sign_now": records(self.sign_now),
        }


def summarise(seeds: list[int], paths: list[int], objectives: list[float], evaluations: list[float],
              decisions: list[pd.DataFrame]) -> Replications:
    """:class:`Replications` from R trees: their ``seeds``, distinct ``paths``, in-sample
    ``objectives``, the ``evaluations`` of the first tree's decisions on trees 2 .. R (R - 1
    numbers), and each tree's ``sign_now`` frame (:func:`sourcing.multiyear.outlook.sign_now`)."""
    R = len(objectives)
    if not (len(seeds) == len(paths) == len(decisions) == R and len(evaluations) == R - 1 and R >= 1):
        raise ValueError("one seed, path count, objective and sign_now per tree, one evaluation per later tree")
    obj = np.asarray(objectives, dtype=float)
    ev = np.asarray(evaluations, dtype=float)
    diff = ev - obj[1:]
    runs = pd.DataFrame({"replication": np.arange(1, R + 1), "seed": np.asarray(seeds, dtype=np.int64),
                         "paths": np.asarray(paths, dtype=np.int64), "objective": obj,
                         "evaluation": np.r_[np.nan, ev], "gap": np.r_[np.nan, diff]})
    later = R >= 2
    stated = R >= 3
    return Replications(
        runs=runs, sign_now=_spread(decisions), mean=float(obj.mean()), ci95=t_interval(obj),
        evaluation_mean=float(ev.mean()) if later else None, evaluation_ci95=t_interval(ev),
        gap=float(diff.mean()) if stated else None, gap_ci95=t_interval(diff) if stated else None)


def _spread(decisions: list[pd.DataFrame]) -> pd.DataFrame:
    """Per decision: its quantity on the first tree, and min, median and max over the trees."""
    quantities = []
    for frame in decisions:
        q = frame["volume"].where(frame["decision"] == "contract", frame["capacity"]).to_numpy(float)
        quantities.append(q)
    first = decisions[0]
    for other in decisions[1:]:  # every tree has the same root decisions (items of the horizon)
        if len(other) != len(first) or not other[KEYS].astype(str).equals(first[KEYS].astype(str)):
            raise ValueError("the trees' sign-now decisions differ in kind; they must be of one horizon")
    stacked = np.vstack(quantities) if quantities else np.zeros((0, 0))
    out = first[KEYS].copy().reset_index(drop=True)
    out["quantity"] = np.where(first["decision"] == "contract", "volume", "capacity")
    out["first"] = stacked[0]
    out["min"] = stacked.min(axis=0)
    out["median"] = np.median(stacked, axis=0)
    out["max"] = stacked.max(axis=0)
    return out
