"""Stopping on request: SIGTERM treated as Ctrl-C, so that every command stops the same way.

Inside :func:`sigterm_as_interrupt`, SIGTERM raises ``KeyboardInterrupt`` in the main thread, as
Ctrl-C does: the sweep stops its workers and keeps its finished points, a solve asks HiGHS to stop
(:func:`sourcing.highs.run_highs`), and the CLI exits 130 with one line.
"""

from __future__ import annotations

import contextlib
import signal
import threading
from collections.abc import Iterator


@contextlib.contextmanager
def sigterm_as_interrupt() -> Iterator[None]:
    """SIGTERM raises KeyboardInterrupt inside the block (main thread only; elsewhere a no-op)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def handler(signum, frame):
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, handler)
    try:
        yield
    finally:
        if signal.getsignal(signal.SIGTERM) is handler:  # not if the block chose another (note_interrupts)
            signal.signal(signal.SIGTERM, previous)


def note_interrupts() -> list[int]:
    """From now on, Ctrl-C and SIGTERM are noted in the list returned, not raised (main thread
    only; elsewhere the list stays empty): for a command that has its answer and is writing it, so
    that a signal can no longer land between the file's rename into place and the exit (exit 130
    with the file there). The caller decides: the write done, the command ends as it would; the
    write failed, a noted signal makes it an interruption."""
    noted: list[int] = []
    if threading.current_thread() is threading.main_thread():
        for s in (signal.SIGINT, signal.SIGTERM):
            signal.signal(s, lambda signum, frame: noted.append(signum))
    return noted


@contextlib.contextmanager
def no_more_interrupts() -> Iterator[None]:
    """Ignore further Ctrl-C and SIGTERM inside the block: for the clean-up after a stop, so that a
    second Ctrl-C does not cut it short (and print a traceback). Main thread only."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = {s: signal.signal(s, signal.SIG_IGN) for s in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield
    finally:
        for s, handler in previous.items():
            signal.signal(s, handler)


def ignore_interrupts() -> None:
    """Ignore Ctrl-C and SIGTERM from now on (main thread only): for a process that is exiting."""
    if threading.current_thread() is threading.main_thread():
        for s in (signal.SIGINT, signal.SIGTERM):
            signal.signal(s, signal.SIG_IGN)


def current_handlers() -> dict:
    """The handlers of Ctrl-C and SIGTERM now (main thread only; elsewhere none), for
    :func:`restore_handlers`."""
    if threading.current_thread() is not threading.main_thread():
        return {}
    return {s: signal.getsignal(s) for s in (signal.SIGINT, signal.SIGTERM)}


def restore_handlers(saved: dict) -> None:
    """Put back the handlers :func:`current_handlers` saved (a command done, in a process that
    goes on: a test, a program that runs the CLI in-process)."""
    for s, handler in saved.items():
        if handler is not None:
            signal.signal(s, handler)
