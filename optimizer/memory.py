"""Giving freed memory back to the operating system: at the start of a solve and after each LP.

Why: GLOP and HiGHS allocate their copies of the model with the C allocator, and glibc keeps
what they free in the process's heap for reuse. The heap then only grows: on the
100,000-teacher sample district the process stayed at 1,054 MB after level 1's LP (GLOP), and
the later levels' LP (HiGHS) came on top of that. `malloc_trim(0)` returns the free pages at
the top of the heap and the unused ones in it (glibc's own call; Dask's workers do the same to
release memory). With it, and the model's lists turned into arrays (`model.RotationModel`),
the solve's peak as the kernel counts it (`VmHWM`) went from 1,355 to 1,204 MB, now at level
1's LP rather than at the later one. A no-op where the C library has no `malloc_trim` (macOS,
Windows, musl).

And the pace of Python's cyclic garbage collector during a solve (`fewer_collections`).
"""

from __future__ import annotations

import ctypes
import gc
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache

YOUNG_COLLECTION_EVERY = 50_000
"""Allocations between two young-generation collections while a solve runs (Python's default:
700); the command line (`workforce.cli.app.start`) keeps this pace for its whole process."""


def release_freed_memory() -> None:
    """Return the C heap's free memory to the operating system (glibc), or do nothing."""
    trim = _malloc_trim()
    if trim is not None:
        trim(0)


@cache
def _malloc_trim():  # type: ignore[no-untyped-def]
    try:  # the symbols the process has loaded, the C library's among them
        return ctypes.CDLL(None).malloc_trim
    except (OSError, AttributeError, TypeError):
        return None


@contextmanager
def fewer_collections(every: int = YOUNG_COLLECTION_EVERY) -> Iterator[None]:
    """Run the block with the young generation collected every `every` allocations (unless it
    already is as seldom), and the collector's thresholds as they were afterwards.

    Why: a solve allocates hundreds of thousands of objects that form no cycles (arcs, index
    lists, explanations) beside the instance; at Python's pace every 700 allocations trigger a
    collection, and the resulting full collections each walk the whole instance. Timed with
    `gc.callbacks`: a 10,000-teacher county spent 0.33 s of a 4 s solve collecting (0.26 s in
    two full collections), the 30,000-teacher district 0.83 s; at 50,000 allocations 0.03 s and
    0.38 s. Cyclic garbage is still collected while the block runs. The collector's thresholds
    are the process's: a solve running beside another thread paces that thread's collections
    too, for as long as it runs."""
    before = gc.get_threshold()
    if before[0] == 0 or before[0] >= every:  # disabled by threshold 0, or already as seldom
        yield
        return
    gc.set_threshold(every, *before[1:])
    try:
        yield
    finally:
        gc.set_threshold(*before)
