"""``sourcing report``'s assembly: solve, value the stochastic solution, judge today's mix, sweep the
China cap, and gather the inputs with their sources, into one :class:`~sourcing.briefing.Briefing`.

Every figure comes from the API the other commands use (:func:`sourcing.solve`,
:func:`sourcing.evaluate`, :func:`sourcing.value_of_information`, the sweep's
:func:`~sourcing.sweep.plan_sweep` and :func:`~sourcing.sweep.execute`); nothing is computed twice
or differently. This room sits above the sweep and below the CLI; :mod:`sourcing.output.html`
writes the result.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import replace
from pathlib import Path

from sourcing import bundled_inputs
from sourcing.briefing import Briefing, CapFrontier, MultiYear
from sourcing.data import InputData, load_plan
from sourcing.errors import InfeasibleError, SolverError
from sourcing.frontier import Target
from sourcing.model import RiskOptions
from sourcing.multiyear.api import plan
from sourcing.solver import evaluate, solve, value_of_information
from sourcing.sources import input_files, locate_plan, plan_file, status_quo_of
from sourcing.stamp import now, version
from sourcing.sweep import execute, infeasible_causes, parse_values, plan_sweep

"""Today's mix, below the inputs folder: judged against the optimum when it exists."""
DEFAULT_TARGET = "China"
"""The cap the report sweeps by default (where the inputs have that origin)."""
DEFAULT_SHARES = parse_values("1.0:0.3:0.01", "the default sweep")
"""The caps it sweeps by default: 100% down to 30% by one point (71 points)."""

_DEFAULT = object()


def report(data: InputData, options: RiskOptions | None = None, *,
           caps: Mapping[str | tuple[str, str], float] | None = None,
           status_quo: str | Path | None = _DEFAULT,  # type: ignore[assignment]
           sweep: tuple[Target, Iterable[float]] | None = _DEFAULT,  # type: ignore[assignment]
           time_limit: float | None = None, created: dt.datetime | None = None,
           years: tuple[int, int] | None = _DEFAULT,  # type: ignore[assignment]
           replications: int = 1) -> Briefing:
    """Everything ``sourcing report`` shows, for ``data`` under ``options``.

    Args:
        data: validated inputs (:func:`sourcing.load_inputs`), before any ``caps`` override.
        options: the risk options of every solve (and of the sweep).
        caps: overrides as ``--cap`` gives them (:meth:`InputData.with_caps`); shown in the report.
        status_quo: a plan (origin, element, volume) to judge against the optimum: a CSV file (as
            given, or relative to the inputs folder) or a sheet of the inputs workbook; by default
            the folder's ``plans/status-quo.csv`` or the workbook's ``plan`` sheet, where there is
            one; None for none.
        sweep: ``(target, shares)`` of the cap frontier; by default China (or, without a China
            origin, the origin with the largest share of the optimum's volume) from 100% to 30%
            by one point; None for none. Each point sets the target's cap as
            ``data.with_caps({target: share})`` does, at the report's risk options.
        time_limit: seconds HiGHS may take per solve.
        years: the horizon of the multi-year section (``sourcing plan`` at the report's options and
            caps); by default the inputs' own (the first to the last year their rows name), none for
            inputs without dated rows; None for none.
        created: when the report is dated (default now, or ``SOURCE_DATE_EPOCH`` if set).

    Raises:
        InfeasibleError: the inputs (with ``caps``) admit no plan: there is nothing to report.
        InputError: the status-quo plan does not read.
        OptionError, SolverError: as :func:`sourcing.solve`.
    """
    options = options or RiskOptions()
    caps = dict(caps or {})
    solved_data = data.with_caps(caps) if caps else data
    optimum = solve(solved_data, options, time_limit=time_limit)
    result = optimum
    if options.cvar_weight == 0:
        result = replace(optimum, value_of_information=value_of_information(solved_data, options,
                                                                            time_limit=time_limit))
    folder = data.folder
    where = status_quo_of(folder) if status_quo is _DEFAULT else (
        None if status_quo is None else locate_plan(status_quo, folder, "--status-quo"))
    evaluation, status_file = None, None
    if where is not None:
        volume = load_plan(where[0], solved_data, where[1])
        evaluation = evaluate(solved_data, volume, options, time_limit=time_limit, with_optimum=False)
        evaluation = replace(evaluation, optimum=optimum)  # what sourcing evaluate reports beside it
        status_file = plan_file(where[0], folder, where[1])
    focus = default_target(solved_data, result)
    if sweep is _DEFAULT:
        sweep = (focus, DEFAULT_SHARES)
    cap_frontier = None if sweep is None else frontier(solved_data, options, *sweep)
    if sweep is not None:
        swept = sweep[0] if isinstance(sweep[0], str) else sweep[0][0]
        focus = swept if swept in solved_data.origins else focus
    if years is _DEFAULT:
        years = data.timeline.default_horizon() if data.timeline is not None else None
    multi_year = None if years is None else plan_section(data, options, caps, tuple(years), time_limit,
                                                         replications)
    return Briefing(
        result=result,
        inputs=tuple(input_files(folder)) if folder is not None else (),
        version=version(),
        created=created or now(),
        caps=caps,
        time_limit=time_limit,
        status_quo=evaluation,
        status_quo_file=status_file,
        cap_frontier=cap_frontier,
        focus=focus,
        folder=folder,
        bundled=folder is not None and folder.resolve() == bundled_inputs().resolve(),
        year=data.year,
        year_reason=data.year_reason,
        digests=data.digests,
        multi_year=multi_year,
    )


def plan_section(data: InputData, options: RiskOptions, caps: dict, years: tuple[int, int],
                 time_limit: float | None, replications: int = 1) -> MultiYear:
    """``sourcing plan --years FIRST:LAST`` with the report's options and caps (and
    ``--replications R`` when ``replications`` > 1: the section then states the sampled tree's
    error); its causes when the horizon admits no plan, or why HiGHS stopped (a time limit): the
    one-year report still stands."""
    start = data.in_year(years[0], f"--years {years[0]}:{years[1]}") if data.year != years[0] else data
    if caps:
        start = start.with_caps(caps)
    try:
        if replications > 1:
            from sourcing.replications import replicate

            return MultiYear(years, replicate(start, years, replications=replications, options=options,
                                              time_limit=time_limit))
        return MultiYear(years, plan(start, years, options=options, time_limit=time_limit))
    except InfeasibleError as exc:
        return MultiYear(years, None, tuple(exc.causes))
    except SolverError as exc:
        return MultiYear(years, None, stopped=str(exc))


def default_target(data: InputData, result) -> str:
    """China where the inputs have it; else the origin with the largest share of the volume."""
    if DEFAULT_TARGET in data.origins:
        return DEFAULT_TARGET
    volume = result.plan.groupby("origin")["volume"].sum().sort_index(kind="stable")
    return str(volume.idxmax())


def frontier(data: InputData, options: RiskOptions, target: Target, shares: Iterable[float]) -> CapFrontier:
    """The sweep of ``target`` over ``shares`` at ``options``, and why its tightest caps have no plan."""
    plan = plan_sweep(data, target, shares, risk_weights=[options.risk_weight],
                      cvar_weights=[options.cvar_weight], cvar_level=options.cvar_level)
    swept = execute(plan)
    loosest, causes = infeasible_causes(plan, swept)
    return CapFrontier(swept, loosest, causes)
