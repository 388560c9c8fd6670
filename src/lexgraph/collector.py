"""Python's cycle collector paused while an in-memory index is read and assembled.

With a million triples' worth of new tuples and strings, each full collection walks every
object made so far, over and over (a third of a build's time). The indexes hold no reference
cycles, and reference counting goes on freeing everything else meanwhile.
"""

from __future__ import annotations

import gc
from contextlib import contextmanager
from typing import Iterator


@contextmanager
def collector_paused() -> Iterator[None]:
    """The collector off inside the block, and back on after it if it was on before (so that
    builds that overlap leave it as they found it)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
