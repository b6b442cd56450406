"""What ``sourcing report`` puts before a reader: the optimum, today's mix judged against it, the cap
frontier, and every input with its source, as one read-only dataclass.

:func:`sourcing.reporting.report` assembles it (it solves, evaluates and sweeps);
:func:`sourcing.output.html.briefing_html` writes it as one HTML file. Every figure in it is one of
the results the other commands return (:class:`~sourcing.result.Result`,
:class:`~sourcing.result.Evaluation`, :class:`~sourcing.frontier.Frontier`), so the report's numbers
are the JSON's.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from sourcing.frontier import Frontier, Target
from sourcing.multiyear.result import PlanResult
from sourcing.result import Evaluation, Result
from sourcing.sources import InputFile


@dataclass(frozen=True)
class CapFrontier:
    """A sweep of one cap at the report's risk options, and why its tightest caps have no plan.

    Attributes:
        frontier: the sweep's grid and rows (:func:`sourcing.sweep.execute`).
        infeasible_below: the loosest cap of the sweep without a plan (None if every point has one);
            every tighter cap of a sweep over one cap has none either.
        causes: why no plan exists at ``infeasible_below`` (:attr:`sourcing.InfeasibleError.causes`).
    """

    frontier: Frontier
    infeasible_below: float | None = None
    causes: tuple[str, ...] = ()

    @property
    def target(self) -> Target:
        return self.frontier.grid.target


@dataclass(frozen=True)
class MultiYear:
    """``sourcing plan`` on the report's inputs and options: the plan, or why there is none.

    Attributes:
        years: the horizon (first, last).
        plan: the optimal multi-year plan (None if there is none, or HiGHS stopped).
        causes: why no plan exists over the horizon (empty when there is one).
        stopped: why HiGHS stopped without a plan (a time limit, ...), "" if it did not.
    """

    years: tuple[int, int]
    plan: PlanResult | None = None
    causes: tuple[str, ...] = ()
    stopped: str = ""


@dataclass(frozen=True)
class Briefing:
    """Everything the report shows. Treat the frames inside as read-only.

    Attributes:
        result: the optimal plan for the inputs and options (with ``value_of_information`` when the
            objective is risk-neutral, ``cvar_weight`` 0).
        inputs: every input file with its rows, ``source`` and ``note`` (:func:`sourcing.sources.input_files`);
            empty when the data did not come from a folder.
        caps: the ``--cap`` overrides applied to the inputs' caps, as given.
        time_limit: seconds HiGHS could take per solve, if limited.
        status_quo: the given mix (``plans/status-quo.csv`` of the folder, by default) priced under
            the scenarios, beside ``result`` as its optimum; None without one.
        status_quo_file: that plan file, with its sources.
        cap_frontier: the default sweep over the China cap (or the one asked for); None if not asked.
        focus: the origin whose share of each element the first screen sets beside its caps (China
            by default, or the swept origin).
        folder: the inputs folder; ``bundled``: whether it is the bundled dataset.
        version: the version of sourcing that made the report.
        created: when the report was made (UTC; ``SOURCE_DATE_EPOCH`` fixes it, for reproducible files).
        year: the year whose rows were solved (None: the inputs have no dated row).
        year_reason: why that year (``--year 2030``, or the first year the inputs name).
        digests: (file or sheet, sha256) of every input read, as :attr:`sourcing.data.InputData.digests`.
        multi_year: the multi-year plan over the inputs' years (None for inputs without dated rows,
            or when not asked for); :mod:`sourcing.output.html` shows it after the cap frontier.
    """

    result: Result
    inputs: tuple[InputFile, ...]
    version: str
    created: dt.datetime
    caps: dict = field(default_factory=dict)
    time_limit: float | None = None
    status_quo: Evaluation | None = None
    status_quo_file: InputFile | None = None
    cap_frontier: CapFrontier | None = None
    focus: str = ""
    folder: Path | None = None
    bundled: bool = False
    multi_year: MultiYear | None = None
    year: int | None = None
    year_reason: str | None = None
    digests: tuple[tuple[str, str], ...] = ()

    @property
    def options(self):
        """The risk options of every solve in the report."""
        return self.result.options
