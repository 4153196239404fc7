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
"""

from __future__ import annotations

import ctypes
from functools import cache


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
