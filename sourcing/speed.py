"""Small helpers that keep large runs fast without changing what they compute."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def paused_gc() -> Iterator[None]:
    """Pause Python's cyclic garbage collector inside the block (restored after, nested or not).

    Building a model or large tables creates millions of objects that live on; without the pause
    the collector rescans all of them again and again as they accumulate, which took most of the
    time of ``build_model`` on the benchmark's M instance. Reference counting still frees memory.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
