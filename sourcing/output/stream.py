"""Documents written point by point as a sweep runs, complete at every moment.

A sweep's document in each format is ``prefix + sep.join(items) + suffix``; :class:`Journal` keeps
a file in that form while points arrive (each point added with one write call, the closing text
written after it), so that a sweep killed at any moment leaves a readable file.
"""

from __future__ import annotations

import contextlib
import os
import time
from pathlib import Path

from sourcing.frontier import Grid, Row
from sourcing.output.csv import SweepCsv
from sourcing.output.files import write_atomic
from sourcing.output.json import SweepJson
from sourcing.output.table import SweepTable

FSYNC_INTERVAL = 1.0
"""Seconds between fsync calls on a journal (each point reaches the file at once; fsync guards
against power loss, not against a kill)."""

STREAMS = {"csv": SweepCsv, "json": SweepJson, "table": SweepTable}
"""The point-by-point writer of each format."""


def document(grid: Grid, rows: dict[int, Row], fmt: str) -> str:
    """The whole document for ``rows`` (in grid order) in format ``fmt`` (table, csv or json)."""
    w = STREAMS[fmt]
    return w.prefix(grid) + w.sep.join(w.item(grid, i, rows[i]) for i in sorted(rows)) + w.suffix


class Journal:
    """``path`` kept a complete document at every moment: each finished point is added with one
    write call (the document's closing text rewritten after it), fsync'd at least every second."""

    def __init__(self, path: Path, fmt: str, grid: Grid, rows: dict[int, Row]) -> None:
        self.path, self.grid, self.writer = path, grid, STREAMS[fmt]
        text = document(grid, rows, fmt)
        write_atomic(path, text)
        self.fd = os.open(path, os.O_WRONLY)
        self.size = len(text.encode("utf-8"))
        self.count = len(rows)
        self.tail = len(self.writer.suffix.encode("utf-8"))
        self.synced = time.monotonic()

    def append(self, index: int, row: Row) -> None:
        """Add one point. Raises OSError (a full disk, say) with the file restored to the complete
        document it was before the call, as far as the disk allows."""
        w = self.writer
        data = ((w.sep if self.count else "") + w.item(self.grid, index, row) + w.suffix).encode("utf-8")
        at = self.size - self.tail
        try:
            written = os.pwrite(self.fd, data, at)  # one call, unless the disk is full or the like
            while written < len(data):
                written += os.pwrite(self.fd, data[written:], at + written)
        except OSError:
            with contextlib.suppress(OSError):  # cut what got written, put the closing text back
                os.ftruncate(self.fd, at)
                os.pwrite(self.fd, w.suffix.encode("utf-8"), at)
            raise
        self.size += len(data) - self.tail
        self.count += 1
        if time.monotonic() - self.synced >= FSYNC_INTERVAL:
            os.fsync(self.fd)
            self.synced = time.monotonic()

    def close(self) -> None:
        with contextlib.suppress(OSError):
            os.fsync(self.fd)
        os.close(self.fd)
