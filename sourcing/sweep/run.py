"""Run a sweep: check it, solve its chunks where asked, keep ``--output`` complete, show progress."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pandas as pd

from sourcing.data import InputData
from sourcing.errors import OptionError, OutputError
from sourcing.frontier import Frontier, Row, Target
from sourcing.output import FORMATS, render, write_atomic
from sourcing.output.files import is_regular_or_absent
from sourcing.output.stream import STREAMS, Journal
from sourcing.parallel import check_executor, progress_bar
from sourcing.signals import sigterm_as_interrupt
from sourcing.sweep.backends import _dask, _local, _serial
from sourcing.sweep.grid import CHUNK_SIZE, SweepPlan, plan_sweep
from sourcing.sweep.journal import check_kept, read_points


def run_sweep(data: InputData, target: Target, shares: Iterable[float], *,
              risk_weights: Iterable[float] = (1.0,), cvar_weights: Iterable[float] = (0.0,),
              cvar_level: float = 0.95, workers: int = 1, scheduler: Any = None,
              output: str | Path | None = None, fmt: str = "csv", resume: bool = False,
              progress: bool = False, chunk_size: int = CHUNK_SIZE, bound: str = "max_share") -> pd.DataFrame:
    """Solve the contract's LP at every point of the grid ``shares x risk_weights x cvar_weights``.

    Args:
        data: validated inputs (:func:`sourcing.load_inputs`).
        target: ``"ORIGIN"`` (that origin's or group's cap on every element, like a ``*`` row) or
            ``("ORIGIN", "ELEMENT")``; each point sets it as ``data.with_caps({target: share})``.
        shares: the values of the swept ``max_share``, in [0, 1] (1: no cap); of ``min_share``
            with ``bound="min_share"`` (0: no floor).
        risk_weights, cvar_weights, cvar_level: the risk options (:class:`sourcing.RiskOptions`).
        workers, scheduler, output, fmt, resume, progress: see :func:`execute`.
        chunk_size: points per chunk (see the module's docstring); results depend on it only in
            degenerate cases (plans of equal cost), never on ``workers`` or ``scheduler``.
        bound: ``max_share`` sweeps the target's cap; ``min_share`` its floor (``sweep --floor``:
            on every element the target offers, or on ORIGIN:ELEMENT; see :mod:`sourcing.sweep.floors`).

    Returns:
        One row per point, in grid order: ``max_share`` (or ``min_share``), ``risk_weight``, ``cvar_weight``,
        ``status`` (``optimal``, ``infeasible``, or HiGHS's model status), ``objective``,
        ``procurement_cost``, ``expected_shortage_cost``, ``cvar``, ``marginal_cost_per_pp`` (USD,
        of the swept cap; NaN unless optimal), ``share:ELEMENT:ORIGIN`` (of the element's contracted
        total) for every offer, ``target``, ``cvar_level``.

    Raises:
        OptionError: bad options, or a file to resume that is not this sweep's.
        KeyboardInterrupt: on Ctrl-C or SIGTERM, after stopping the workers; every point finished
            so far is in ``output``.
    """
    plan = plan_sweep(data, target, shares, risk_weights=risk_weights, cvar_weights=cvar_weights,
                      cvar_level=cvar_level, chunk_size=chunk_size, bound=bound)
    frontier = execute(plan, workers=workers, scheduler=scheduler, output=output, fmt=fmt, resume=resume,
                       progress=progress)
    return frontier.frame()


def execute(plan: SweepPlan, *, workers: int = 1, scheduler: Any = None, output: str | Path | None = None,
            fmt: str = "csv", resume: bool = False, progress: bool = False) -> Frontier:
    """Solve every point of ``plan``; return its grid and the rows by grid index.

    Args:
        workers: local processes (spawned; one HiGHS thread each); 1 solves in this process.
        scheduler: address of a Dask distributed scheduler, or a ``distributed.Client``, to send
            chunks to instead (needs ``sourcing[distributed]``; its workers must have ``sourcing``).
        output: a file kept complete as points finish (each point in it before the next starts;
            in completion order while running), in ``fmt`` (table, csv or json), rewritten in grid
            order at the end.
        resume: keep the points already in ``output`` (csv or json) and solve only the others.
        progress: draw a progress bar on stderr (points done, rate, time left) once the sweep has
            run a second.
    """
    if fmt not in FORMATS:
        raise OptionError(f"--format must be one of {', '.join(FORMATS)}, got {fmt!r}")
    if fmt == "xlsx" and output is None:
        raise OptionError("--format xlsx writes a workbook: give --output FILE.xlsx")
    scheduler = check_executor(workers, scheduler)
    if resume and output is None:
        raise OptionError("--resume needs --output (the file to resume)")
    if resume and fmt == "table":
        raise OptionError("--resume needs --format csv or json (a table keeps rounded figures only)")
    path = Path(output) if output is not None else None
    rows: dict[int, Row] = {}
    if resume and path is not None and path.exists():
        rows = read_points(path, fmt, plan)
        check_kept(path, plan, rows)
    work = [(chunk, frozenset(i for i, _ in chunk.points if i in rows)) for chunk in plan.chunks()]
    work = [(chunk, skip) for chunk, skip in work if len(skip) < len(chunk.points)]
    # the file is touched only once a point has arrived (a failed start leaves it as it was), and
    # kept complete point by point only where it is a file (a pipe gets the document at the end)
    journaled = path is not None and fmt in STREAMS and is_regular_or_absent(path)
    journal: Journal | None = None
    bar = progress_bar(plan.size, len(rows), enabled=progress)

    def emit(index: int, row: Row) -> None:
        nonlocal journal
        if index in rows:
            return
        rows[index] = row
        if journaled:
            try:
                if journal is None:
                    journal = Journal(path, fmt, plan.grid, rows)
                else:
                    journal.append(index, row)
            except OSError as exc:
                raise _unwritable(path, exc, len(rows) - 1) from None
        bar.update()

    try:
        with sigterm_as_interrupt():
            if not work:
                pass
            elif scheduler is not None:
                _dask(plan, work, emit, scheduler)
            elif workers > 1:
                _local(plan, work, emit, workers)
            else:
                _serial(plan, work, emit)
    finally:
        bar.close()
        if journal is not None:
            journal.close()
    frontier = Frontier(plan.grid, rows)
    if path is not None:
        try:
            write_atomic(path, render(frontier, fmt, data=plan.data, command="sweep",
                                      options={("cap" if plan.bound == "max_share" else "floor"): plan.label,
                                               "risk_weight": plan.grid.risk_weights,
                                               "cvar_weight": plan.grid.cvar_weights, "cvar_level": plan.cvar_level,
                                               "year": plan.data.year}))
        except OSError as exc:
            raise _unwritable(path, exc, len(rows)) from None
    return frontier


def _unwritable(path: Path, exc: OSError, kept: int) -> OutputError:
    return OutputError(f"cannot write {path}: {exc.strerror or exc}; it holds the {kept} points finished before "
                       "(or what it held before the sweep): make room, then run the same command with --resume")


def infeasible_causes(plan: SweepPlan, frontier: Frontier) -> tuple[float | None, tuple[str, ...]]:
    """The loosest swept cap (or floor) without a plan (None if every point has one) and why there
    is none there, as :class:`sourcing.InfeasibleError` says it. Over one cap every tighter point
    has no plan either; the causes are found from the data alone (:mod:`sourcing.feasibility`)."""
    from sourcing.feasibility import explain_infeasibility

    infeasible = [plan.grid.point(i)[0] for i, row in frontier.rows.items() if row.status == "infeasible"]
    if not infeasible:
        return None, ()
    loosest = max(infeasible) if plan.bound == "max_share" else min(infeasible)
    return loosest, tuple(str(c) for c in explain_infeasibility(plan.at(loosest)))
