"""The software and CPU a run used, for its manifest: results can be traced to their environment.

Results are bit-identical across the CPU features numpy dispatches on (see
:mod:`simulation.detmath` and ``tests/regression/test_cpu_features.py``); the manifest still
records them, with the library versions, so that a difference found later can be traced.
"""

from __future__ import annotations

import importlib.metadata
import os
import platform

from simulation import detmath


def _version(name: str) -> str | None:
    try:
        return importlib.metadata.version(name)
    except importlib.metadata.PackageNotFoundError:
        return None


def numpy_cpu() -> dict:
    """The CPU features of numpy's baseline and the dispatch targets this CPU enables."""
    try:
        from numpy._core._multiarray_umath import (
            __cpu_baseline__,
            __cpu_dispatch__,
            __cpu_features__,
        )
    except ImportError:  # pragma: no cover - numpy moved its introspection
        return {}
    return {
        "baseline": list(__cpu_baseline__),
        "dispatch_enabled": [g for g in __cpu_dispatch__ if __cpu_features__.get(g)],
        "dispatch_built": list(__cpu_dispatch__),
    }


def environment() -> dict:
    """Python, platform, library versions, numpy's CPU features and the switches that move them.

    Examples:
        >>> sorted(environment())[:3]
        ['cpu', 'env', 'libraries']
    """
    return {
        "python": platform.python_version(),
        "platform": platform.platform(),
        "machine": platform.machine(),
        "libraries": {name: _version(name) for name in
                      ("numpy", "scipy", "Mesa", "pandas", "numba", "llvmlite", "PyYAML")},
        "cpu": {"numpy": numpy_cpu(), "detmath_numba_kernels": detmath.have_numba()},
        "env": {k: os.environ.get(k) for k in ("NPY_DISABLE_CPU_FEATURES", "OPENBLAS_CORETYPE",
                                               "NUMBA_CPU_NAME", "POVSIM_NUMBA")
                if k in os.environ},
    }
