"""Where independent tasks are solved: in this process, in local worker processes, or on Dask.

What ``sweep`` (chunks of points) and ``plan --replications`` (sampled trees) share. A *task* is a
module-level function ``task(shared, item, threads)`` returning a list of ``(key, value)`` pairs; ``shared``
is sent once to each worker (pickled), ``item`` once per task, and ``threads`` is None in this
process and 1 in a worker. Each executor calls ``emit(key, value)`` for every pair as soon as it
has it, and stops its workers on any exception (Ctrl-C included), keeping the pairs that came back
before the stop. Results do not depend on the executor: every task is solved by the same code.
"""

from __future__ import annotations

import contextlib
import os
import queue
import re
import signal
import sys
import threading
import time
import traceback
from collections.abc import Callable, Iterable
from typing import Any

from tqdm import tqdm

from sourcing.errors import OptionError, SolverError
from sourcing.signals import no_more_interrupts

Emit = Callable[[Any, Any], None]
Task = Callable[[Any, Any, "int | None"], Iterable[tuple[Any, Any]]]


def run_serial(task: Task, shared: Any, items: list, emit: Emit) -> None:
    """Every item in this process, in order."""
    for item in items:
        for key, value in task(shared, item, None):
            emit(key, value)


def _worker_main(task: Task, shared: Any, tasks, results, parent: int) -> None:  # pragma: no cover (subprocess)
    """A local worker process: items from ``tasks``, pairs to ``results``."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent decides when to stop

    def watch() -> None:  # exit if the parent dies (even by SIGKILL): no orphans
        while os.getppid() == parent:
            time.sleep(0.25)
        os._exit(1)

    threading.Thread(target=watch, daemon=True).start()
    try:
        while (item := tasks.get()) is not None:
            for key, value in task(shared, item, 1):
                results.put((key, value))
    except BaseException:
        results.put(("error", traceback.format_exc()))


def run_local(task: Task, shared: Any, items: list, emit: Emit, workers: int, expected: int, *,
              what: str = "sweep", died: str = "") -> None:
    """``workers`` spawned processes (spawn: no HiGHS or BLAS threads inherited through fork),
    until ``expected`` pairs have come back. ``what`` names the work in messages; ``died`` is
    added to the message when a worker dies."""
    import multiprocessing as mp

    ctx = mp.get_context("spawn")
    tasks, results = ctx.Queue(), ctx.Queue()
    for item in items:
        tasks.put(item)
    workers = max(1, min(workers, len(items)))
    for _ in range(workers):
        tasks.put(None)
    procs = [ctx.Process(target=_worker_main, args=(task, shared, tasks, results, os.getpid()), daemon=True,
                         name=f"sourcing-{what}-{i}") for i in range(workers)]
    remaining = expected
    stalled = 0
    try:
        for p in procs:
            p.start()
        while remaining:
            try:
                key, value = results.get(timeout=0.25)
            except queue.Empty:
                dead = [p for p in procs if p.exitcode not in (None, 0)]
                if dead:
                    raise SolverError(f"a {what} worker process died (exit code {dead[0].exitcode}){died}") from None
                if all(p.exitcode is not None for p in procs):  # all gone, nothing left in the queue
                    stalled += 1
                    if stalled > 1:
                        raise RuntimeError(f"{what} workers ended with {remaining} results missing") from None
                continue
            if key == "error":
                raise RuntimeError(f"a {what} worker failed:\n{value}")
            emit(key, value)
            remaining -= 1
    except BaseException:
        # keep what is already back (finished before the stop), then stop the workers
        with no_more_interrupts(), contextlib.suppress(Exception):
            while True:
                key, value = results.get_nowait()
                if key != "error":
                    emit(key, value)
        raise
    finally:
        with no_more_interrupts():
            stop_workers(procs, (tasks, results))


def stop_workers(procs: list, queues: tuple) -> None:
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


def run_dask(task: Task, shared: Any, items: list, emit: Emit, scheduler: Any) -> None:
    """Items as tasks on an existing Dask distributed cluster (address or ``distributed.Client``);
    ``task`` itself is submitted (its name is the tasks' prefix on the cluster)."""
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
        [remote] = client.scatter([shared], broadcast=True, hash=False)
        futures = [client.submit(task, remote, item, 1, pure=False) for item in items]
        done = set()
        try:
            for future in as_completed(futures, loop=client.loop):
                for key, value in future.result():
                    emit(key, value)
                done.add(future.key)
        except BaseException:
            with no_more_interrupts():
                for future in futures:  # keep tasks that finished before the stop
                    if future.key not in done and future.status == "finished":
                        for key, value in future.result():
                            emit(key, value)
            raise
    finally:
        with no_more_interrupts():
            with contextlib.suppress(Exception):
                client.cancel(futures)
            if own:
                client.close()


def check_executor(workers: int, scheduler: Any) -> Any:
    """The scheduler to use (None: none) after checking ``workers`` and ``scheduler`` together.

    Raises:
        OptionError: workers not a positive integer, both given, or a malformed address.
    """
    if not (isinstance(workers, int) and workers >= 1):
        raise OptionError(f"--workers must be a positive integer, got {workers!r}")
    if scheduler is not None and workers > 1:
        raise OptionError("--workers and --scheduler exclude each other (unset DASK_SCHEDULER_ADDRESS to use "
                          "local workers)")
    return check_scheduler(scheduler) if isinstance(scheduler, str) else scheduler


def progress_bar(total: int, done: int = 0, *, enabled: bool = True, file: Any = None, delay: float = 1.0,
                 desc: str = "sweep", unit: str = " points") -> tqdm:
    """A progress bar on stderr (``unit`` done of ``total``, rate, time left), drawn only once
    ``delay`` seconds have passed, and not at all unless ``enabled``."""
    return tqdm(total=total, initial=done, disable=not enabled, delay=delay, file=file or sys.stderr,
                desc=desc, unit=unit, dynamic_ncols=True)
