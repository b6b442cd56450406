"""What dates and signs an output: this package's version, and the time of the run.

The time is ``SOURCE_DATE_EPOCH`` (seconds since 1970, UTC) when that is set, so that the same
inputs, options and date give the same bytes (the reproducible-builds convention); else now.
"""

from __future__ import annotations

import datetime as dt
import os


def version() -> str:
    """The installed version of ``sourcing`` (``unknown`` for a checkout run without installing)."""
    from importlib.metadata import PackageNotFoundError
    from importlib.metadata import version as installed

    try:
        return installed("sourcing")
    except PackageNotFoundError:  # pragma: no cover - a checkout run without installing
        return "unknown"


def now() -> dt.datetime:
    """The time of the run, UTC, to the second (``SOURCE_DATE_EPOCH`` when set)."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch and epoch.strip().isdigit():
        return dt.datetime.fromtimestamp(int(epoch), dt.UTC)
    return dt.datetime.now(dt.UTC).replace(microsecond=0)
