"""glibc's allocator thresholds in Dask workers, which dask.distributed's nanny lowers.

The nanny starts every worker with ``MALLOC_TRIM_THRESHOLD_=65536`` (its configuration key
``distributed.nanny.pre-spawn-environ``), so that freed memory goes back to the operating system
at once and its memory monitor sees it. On glibc, fixing that threshold also switches off the
allocator's dynamic mmap threshold, which then stays at 128 kB: every temporary array above it
(a float32 array of 32,768 households or more) is a fresh ``mmap`` whose pages fault in, are
zeroed and are unmapped again, several times a month in every stage. A 20,000-household run of
the baseline took 1.6 to 2 times as long in a Dask worker as in a local process, and as long
again in a local process started with the nanny's variable (``benchmarks/README.md``).

:func:`tune_for_arrays` sets the two thresholds to the values glibc's own dynamic rule reaches
for large arrays (mmap above 32 MiB, its maximum on 64-bit; trim above twice that), so a worker
reuses freed temporaries as a local process does; a worker then keeps up to 64 MiB of freed
memory in its heap. It changes no result, only where the memory of a temporary comes from. The
Dask paths of sweeps and full-scale runs call it at the start of every task (once per process).
Elsewhere (not Linux, not glibc) it does nothing.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import sys

M_TRIM_THRESHOLD = -1  # glibc's <malloc.h> parameter numbers
M_MMAP_THRESHOLD = -3
MMAP_THRESHOLD = 32 * 1024 * 1024  # DEFAULT_MMAP_THRESHOLD_MAX on 64-bit glibc
TRIM_THRESHOLD = 2 * MMAP_THRESHOLD  # glibc's dynamic rule: trim at twice the mmap threshold

_TUNED: bool | None = None  # None: not tried in this process; then whether it took effect


def _libc():
    """The C library's ``mallopt`` if it is glibc's, else None."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        libc.gnu_get_libc_version  # noqa: B018 - only glibc has it (musl has mallopt too)
        fn = libc.mallopt
    except (OSError, AttributeError):
        return None
    fn.argtypes = [ctypes.c_int, ctypes.c_int]
    fn.restype = ctypes.c_int
    return fn


def tune_for_arrays() -> bool:
    """Set glibc's mmap and trim thresholds for large arrays (once per process).

    Returns:
        Whether the thresholds are set (False where there is no glibc).
    """
    global _TUNED
    if _TUNED is None:
        mallopt = _libc()
        _TUNED = bool(mallopt is not None
                      and mallopt(M_MMAP_THRESHOLD, MMAP_THRESHOLD) == 1
                      and mallopt(M_TRIM_THRESHOLD, TRIM_THRESHOLD) == 1)
    return _TUNED


def tuned() -> bool:
    """Whether :func:`tune_for_arrays` has set the thresholds in this process."""
    return bool(_TUNED)


def on_worker(fn, *args, **kwargs):
    """``fn(*args, **kwargs)`` after :func:`tune_for_arrays` (the Dask tasks' wrapper)."""
    tune_for_arrays()
    return fn(*args, **kwargs)
