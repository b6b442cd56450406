"""Where a sweep's chunks are solved: in this process, in local worker processes, or on Dask
(:mod:`sourcing.parallel`, which ``plan --replications`` shares).

Each executor calls ``emit(index, row)`` for every finished point as soon as it has it, and stops
its workers on any exception (Ctrl-C included), keeping the points that came back before the stop.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sourcing.frontier import Row
from sourcing.parallel import check_scheduler, run_dask, run_local
from sourcing.sweep.grid import Chunk, SweepPlan
from sourcing.sweep.resolve import Resolver, _resolver

__all__ = ["check_scheduler", "_serial", "_local", "_dask"]

Emit = Callable[[int, Row], None]


Work = list[tuple[Chunk, frozenset[int]]]


def _serial(plan: SweepPlan, work: Work, emit: Emit) -> None:
    resolver = Resolver(plan, threads=None)
    for chunk, skip in work:
        for index, row in resolver.solve_chunk(chunk, skip):
            emit(index, row)


def _dask_chunk(plan: SweepPlan, item: tuple[Chunk, frozenset[int]], threads: int | None) -> list[tuple[int, Row]]:
    """A task: one chunk on the worker's cached model (one HiGHS thread)."""
    chunk, skip = item
    return list(_resolver(plan, threads=threads).solve_chunk(chunk, skip))


def _local(plan: SweepPlan, work: Work, emit: Emit, workers: int) -> None:
    """``workers`` spawned processes, each with one model."""
    remaining = sum(len(chunk.points) - len(skip) for chunk, skip in work)
    run_local(_dask_chunk, plan, work, emit, workers, remaining, what="sweep",
              died="; finished points are kept in --output: run again with --resume")


def _dask(plan: SweepPlan, work: Work, emit: Emit, scheduler: Any) -> None:
    """Chunks as tasks on an existing Dask distributed cluster (address or ``distributed.Client``)."""
    run_dask(_dask_chunk, plan, work, emit, scheduler)
