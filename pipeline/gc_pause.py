"""Pause Python's cyclic garbage collector while a review runs.

A review builds millions of small dicts and lists (pglast's JSON parse trees,
tree-sitter facts, the replayed catalogue) that live until the review ends.
None of them form reference cycles, so reference counting frees them, but the
cyclic collector still walks them again and again as its generation counters
fill: measured on the 300-file benchmark (``scripts/bench_large_pr.py``) it
was 0.8 s of 3.6 s, with the same peak memory when paused (266 MB either way).
A review is short and bounded, so the collector is paused for its duration
(the command line pauses it for the whole command: imports and the diff too)
and simply resumes afterwards.

Reviews may overlap (tests run several on one event loop), so pauses nest: the
collector comes back only when the last one ends, and only if it was on.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

_lock = threading.Lock()
_depth = 0
_was_enabled = False


@contextmanager
def gc_paused() -> Iterator[None]:
    """Run the body with the cyclic collector off (nesting-safe)."""
    global _depth, _was_enabled
    with _lock:
        if _depth == 0:
            _was_enabled = gc.isenabled()
            gc.disable()
        _depth += 1
    try:
        yield
    finally:
        with _lock:
            _depth -= 1
            if _depth == 0 and _was_enabled:
                gc.enable()
