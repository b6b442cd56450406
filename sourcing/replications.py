"""``plan --replications R``: the plan on R sampled trees (seeds S .. S + R - 1), solved in this
process, in local worker processes or on Dask (:mod:`sourcing.parallel`, as ``sweep`` does), and
the error they state (:mod:`sourcing.multiyear.spread`).

Two rounds of independent solves: first each tree's in-sample optimum (the first tree's whole
plan is kept: it is the plan reported), then, on trees 2 .. R, the first tree's sign-now decisions
held fixed with every other decision re-optimised. Every solve is the same code on the same
inputs wherever it runs, so the results do not depend on the workers or the scheduler. Nothing is
returned (or written) unless every solve finished.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from sourcing.data import InputData
from sourcing.errors import OptionError
from sourcing.highs import values
from sourcing.model import RiskOptions
from sourcing.multiyear.api import checked_tree, root_values, solve_tree
from sourcing.multiyear.events import DEFAULT_PATHS, INDEPENDENT
from sourcing.multiyear.extract import extract_plan
from sourcing.multiyear.horizon import build_horizon
from sourcing.multiyear.outlook import sign_now
from sourcing.multiyear.result import PlanResult
from sourcing.multiyear.spread import summarise
from sourcing.parallel import check_executor, progress_bar, run_dask, run_local, run_serial
from sourcing.signals import sigterm_as_interrupt
from sourcing.speed import paused_gc

SOLVE, EVALUATE = "solve", "evaluate"


@dataclass(frozen=True)
class Job:
    """What every solve of the replications shares (sent once to each worker)."""

    data: InputData
    years: tuple[int, int] | None
    discount_rate: float
    options: RiskOptions
    time_limit: float | None
    events: str
    paths: int
    first_seed: int


def _replication(job: Job, item: tuple[str, int, Any], threads: int | None) -> list[tuple[tuple[str, int], dict]]:
    """A task: tree ``seed`` solved in-sample (``solve``; the first seed's whole plan kept) or with
    the first tree's root decisions ``fix`` held (``evaluate``)."""
    kind, seed, fix = item
    with paused_gc():
        horizon = build_horizon(job.data, job.years, job.discount_rate)
        tree = checked_tree(horizon, job.events, job.paths, seed)
        st, compiled, raw = solve_tree(horizon, tree, job.options, job.time_limit, fix_root=fix)
        out: dict[str, Any] = {"objective": float(raw.objective), "paths": int(tree.paths)}
        if kind == SOLVE:
            value = {name: values(compiled, raw, name) for name in ("volume", "investment")}
            out["sign_now"] = sign_now(horizon, st.variables, value)
            if seed == job.first_seed:
                out["fix"] = root_values(st, compiled, raw)
                out["result"] = extract_plan(st, compiled, raw, check=lambda r: None)
    return [((kind, seed), out)]


def replicate(data: InputData, years: tuple[int, int] | None = None, *, replications: int,
              discount_rate: float = 0.0, options: RiskOptions | None = None, time_limit: float | None = None,
              events: str = INDEPENDENT, paths: int = DEFAULT_PATHS, seed: int = 0, workers: int = 1,
              scheduler: Any = None, progress: bool = False) -> PlanResult:
    """The plan of tree ``seed`` (what :func:`sourcing.plan` returns for it) with its
    ``replications`` (:class:`~sourcing.multiyear.spread.Replications`) over the trees of seeds
    ``seed`` .. ``seed + replications - 1``.

    Args:
        workers: local processes (spawned; one HiGHS thread each); 1 solves in this process.
        scheduler: a Dask distributed scheduler's address, or a ``distributed.Client``.
        progress: draw a progress bar on stderr (solves done of 2R - 1) once it has run a second.

    Raises:
        OptionError: bad options, or an exact tree (nothing to replicate).
        InfeasibleError, SolverError: as :func:`sourcing.plan`, for any tree.
        KeyboardInterrupt: on Ctrl-C or SIGTERM, after stopping the workers.
    """
    if not (isinstance(replications, int) and replications >= 1):
        raise OptionError(f"--replications must be a positive integer, got {replications!r}")
    scheduler = check_executor(workers, scheduler)
    options = options or RiskOptions()
    horizon = build_horizon(data, years, discount_rate)
    tree = checked_tree(horizon, events, paths, seed)
    if tree.info.get("exact", True):
        raise OptionError(f"--replications {replications}: the tree is exact ({tree.paths} paths of probability "
                          f">= 1e-12, at most --paths {paths}), so every seed gives the same tree: nothing to "
                          "replicate (raise the horizon's paths above --paths, or drop --replications)")
    job = Job(data, years, discount_rate, options, time_limit, events, paths, seed)
    seeds = list(range(seed, seed + replications))
    got: dict[tuple[str, int], dict] = {}
    bar = progress_bar(2 * replications - 1, enabled=progress, desc="replications", unit=" solves")

    def emit(key: tuple[str, int], value: dict) -> None:
        got[key] = value
        bar.update()

    def run(items: list) -> None:
        if not items:
            return
        if scheduler is not None:
            run_dask(_replication, job, items, emit, scheduler)
        elif workers > 1:
            run_local(_replication, job, items, emit, workers, len(items), what="replication")
        else:
            run_serial(_replication, job, items, emit)

    try:
        with sigterm_as_interrupt():
            run([(SOLVE, s, None) for s in seeds])
            fix = got[(SOLVE, seed)]["fix"]
            run([(EVALUATE, s, fix) for s in seeds[1:]])
    finally:
        bar.close()
    solved = [got[(SOLVE, s)] for s in seeds]
    stated = summarise(seeds, [g["paths"] for g in solved], [g["objective"] for g in solved],
                       [got[(EVALUATE, s)]["objective"] for s in seeds[1:]], [g["sign_now"] for g in solved])
    return replace(solved[0]["result"], replications=stated)
