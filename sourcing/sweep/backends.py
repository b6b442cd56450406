"""Where a sweep's chunks are solved: in this process, in local worker processes, or on Dask.

Each executor calls ``emit(index, row)`` for every finished point as soon as it has it, and stops
its workers on any exception (Ctrl-C included), keeping the points that came back before the stop.
"""

from __future__ import annotations

import contextlib
import os
import queue
import re
import signal
import threading
import time
import traceback
from collections.abc import Callable
from typing import Any

from sourcing.errors import OptionError, SolverError
from sourcing.frontier import Row
from sourcing.signals import no_more_interrupts
from sourcing.sweep.grid import Chunk, SweepPlan
from sourcing.sweep.resolve import Resolver, _resolver

Emit = Callable[[int, Row], None]


Work = list[tuple[Chunk, frozenset[int]]]


def _serial(plan: SweepPlan, work: Work, emit: Emit) -> None:
    resolver = Resolver(plan, threads=None)
    for chunk, skip in work:
        for index, row in resolver.solve_chunk(chunk, skip):
            emit(index, row)


def _worker_main(plan: SweepPlan, tasks, results, parent: int) -> None:  # pragma: no cover (subprocess)
    """A local worker process: one model, chunks from ``tasks``, points to ``results``."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent decides when to stop

    def watch() -> None:  # exit if the parent dies (even by SIGKILL): no orphans
        while os.getppid() == parent:
            time.sleep(0.25)
        os._exit(1)

    threading.Thread(target=watch, daemon=True).start()
    try:
        resolver = Resolver(plan, threads=1)
        while (task := tasks.get()) is not None:
            chunk, skip = task
            for index, row in resolver.solve_chunk(chunk, skip):
                results.put((index, row))
    except BaseException:
        results.put(("error", traceback.format_exc()))


def _local(plan: SweepPlan, work: Work, emit: Emit, workers: int) -> None:
    """``workers`` spawned processes (spawn: no HiGHS or BLAS threads inherited through fork)."""
    import multiprocessing as mp

    ctx = mp.get_context("spawn")
    tasks, results = ctx.Queue(), ctx.Queue()
    for item in work:
        tasks.put(item)
    workers = max(1, min(workers, len(work)))
    for _ in range(workers):
        tasks.put(None)
    procs = [ctx.Process(target=_worker_main, args=(plan, tasks, results, os.getpid()), daemon=True,
                         name=f"sourcing-sweep-{i}") for i in range(workers)]
    remaining = sum(len(chunk.points) - len(skip) for chunk, skip in work)
    stalled = 0
    try:
        for p in procs:
            p.start()
        while remaining:
            try:
                index, row = results.get(timeout=0.25)
            except queue.Empty:
                dead = [p for p in procs if p.exitcode not in (None, 0)]
                if dead:
                    raise SolverError(f"a sweep worker process died (exit code {dead[0].exitcode}); finished "
                                      "points are kept in --output: run again with --resume") from None
                if all(p.exitcode is not None for p in procs):  # all gone, nothing left in the queue
                    stalled += 1
                    if stalled > 1:
                        raise RuntimeError(f"sweep workers ended with {remaining} points unsolved") from None
                continue
            if index == "error":
                raise RuntimeError(f"a sweep worker failed:\n{row}")
            emit(index, row)
            remaining -= 1
    except BaseException:
        # keep what is already back (points finished before the stop), then stop the workers
        with no_more_interrupts(), contextlib.suppress(Exception):
            while True:
                index, row = results.get_nowait()
                if index != "error":
                    emit(index, row)
        raise
    finally:
        with no_more_interrupts():
            _stop_workers(procs, (tasks, results))


def _stop_workers(procs: list, queues: tuple) -> None:
    """Terminate, then kill, every worker still alive; close the queues."""
    for p in procs:
        if p.is_alive():
            p.terminate()
    for p in procs:
        p.join(timeout=5)
        if p.is_alive():
            p.kill()
            p.join()
    for q in queues:
        q.cancel_join_thread()
        q.close()


def _dask_chunk(plan: SweepPlan, chunk: Chunk, skip: frozenset[int]) -> list[tuple[int, Row]]:
    """A Dask task: one chunk on the worker's cached model (one HiGHS thread)."""
    return list(_resolver(plan, threads=1).solve_chunk(chunk, skip))


_ADDRESS = re.compile(r"(?:(?:tcp|tls|ws|wss|ucx)://)?(?:\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9][A-Za-z0-9.-]*):(\d{1,5})")


def check_scheduler(address: str) -> str:
    """``address`` if it has the form of a Dask scheduler's address (``tcp://HOST:PORT``, or
    ``HOST:PORT``, or tls://, ws://, wss://, ucx://, inproc://...).

    Raises:
        OptionError: anything else, at once (Dask would try to connect to it for 20 s or more).
    """
    found = _ADDRESS.fullmatch(address.strip())
    if address.startswith("inproc://") or (found and 0 < int(found.group(1)) < 65536):
        return address.strip()
    raise OptionError(f"--scheduler {address!r}: not a scheduler address; expected tcp://HOST:PORT "
                      "(as the scheduler prints it, e.g. tcp://10.0.0.5:8786)")


def _dask(plan: SweepPlan, work: Work, emit: Emit, scheduler: Any) -> None:
    """Chunks as tasks on an existing Dask distributed cluster (address or ``distributed.Client``)."""
    try:
        from distributed import Client, as_completed
    except ImportError:
        raise OptionError("--scheduler needs Dask distributed: pip install 'sourcing[distributed]'") from None
    own = not isinstance(scheduler, Client)
    if own:
        try:
            client = Client(scheduler, timeout="20s", set_as_default=False)
        except (OSError, TimeoutError, ValueError) as exc:
            raise OptionError(f"--scheduler {scheduler!r}: cannot reach the Dask scheduler ({exc})") from None
    else:
        client = scheduler
    futures: list = []
    try:
        [shared] = client.scatter([plan], broadcast=True, hash=False)
        futures = [client.submit(_dask_chunk, shared, chunk, skip, pure=False) for chunk, skip in work]
        done = set()
        try:
            for future in as_completed(futures, loop=client.loop):
                for index, row in future.result():
                    emit(index, row)
                done.add(future.key)
        except BaseException:
            with no_more_interrupts():
                for future in futures:  # keep chunks that finished before the stop
                    if future.key not in done and future.status == "finished":
                        for index, row in future.result():
                            emit(index, row)
            raise
    finally:
        with no_more_interrupts():
            with contextlib.suppress(Exception):
                client.cancel(futures)
            if own:
                client.close()
