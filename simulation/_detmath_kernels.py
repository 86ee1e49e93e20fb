"""numba kernels of :mod:`simulation.detmath` (imported by it on first use of a large array).

Each kernel performs exactly the operations of the numpy definition in
:mod:`simulation.detmath`, in the same order, with no fast-math (so no fused multiply-adds and
no reassociation): the results are the same bits. The in-range inputs are computed branch-free
so the loop vectorises; the others are counted and finished in a second loop.
"""

import numba as _nb
import numpy as np
from numba import types as _types
from numba.extending import intrinsic as _intrinsic

from simulation.detmath import (
    _INV_LN2,
    _LG1,
    _LG2,
    _LG3,
    _LG4,
    _LG5,
    _LG6,
    _LG7,
    _LN2_HI,
    _LN2_LO,
    _MANT23,
    _MANT52,
    _MIN_NORMAL,
    _MIN_NORMAL32,
    _P1,
    _P2,
    _P3,
    _P4,
    _P5,
    _SQRT2,
    _TWO64,
    _X_MAX,
)


@_intrinsic
def _bits_to_float(typingctx, x):  # pragma: no cover - compiled
    """Reinterpret an int64 as a float64 (a free bit cast)."""
    sig = _types.float64(_types.int64)

    def codegen(context, builder, signature, args):
        return builder.bitcast(args[0], context.get_value_type(_types.float64))

    return sig, codegen


@_intrinsic
def _float_to_bits(typingctx, x):  # pragma: no cover - compiled
    """Reinterpret a float64 as an int64 (a free bit cast)."""
    sig = _types.int64(_types.float64)

    def codegen(context, builder, signature, args):
        return builder.bitcast(args[0], context.get_value_type(_types.int64))

    return sig, codegen


_JIT = {"cache": True, "nogil": True, "error_model": "numpy"}


@_nb.njit(**_JIT)
def _exp_one(xc):  # pragma: no cover - compiled
    kf = np.rint(_INV_LN2 * xc)
    hi = xc - kf * _LN2_HI
    lo = kf * _LN2_LO
    r = hi - lo
    t = r * r
    c = r - t * (_P1 + t * (_P2 + t * (_P3 + t * (_P4 + t * _P5))))
    y = 1.0 - ((lo - (r * c) / (2.0 - c)) - hi)
    return y * _bits_to_float((np.int64(kf) + 1023) << 52)


@_nb.njit(**_JIT)
def exp_nb(x, out):  # pragma: no cover - compiled
    n_special = 0  # an integer count, not a bool flag: the loop then vectorises
    for i in range(x.size):
        v = np.float64(x[i])
        ok = (v >= -_X_MAX) & (v <= _X_MAX)
        n_special += np.int64(not ok)
        out[i] = _exp_one(v if ok else 0.0)
    if n_special:
        for i in range(x.size):
            v = np.float64(x[i])
            if v != v:
                out[i] = np.nan
            elif v < -_X_MAX:
                out[i] = 0.0
            elif v > _X_MAX:
                out[i] = np.inf


@_nb.njit(**_JIT)
def _log_core_one(ef, f):  # pragma: no cover - compiled
    big = f > _SQRT2
    f = f * 0.5 if big else f
    ef = ef + 1.0 if big else ef
    fm = f - 1.0
    s = fm / (2.0 + fm)
    z = s * s
    w = z * z
    t1 = w * (_LG2 + w * (_LG4 + w * _LG6))
    t2 = z * (_LG1 + w * (_LG3 + w * (_LG5 + w * _LG7)))
    big_r = t2 + t1
    hfsq = 0.5 * fm * fm
    return ef * _LN2_HI - ((hfsq - (s * (hfsq + big_r) + ef * _LN2_LO)) - fm)


@_nb.njit(**_JIT)
def _log_special(v):  # pragma: no cover - compiled
    """The numpy path for zero, negatives, NaN, infinity and subnormals."""
    if v == 0:
        return -np.inf
    if v == np.inf:
        return np.inf
    if not (v > 0):
        return np.nan
    b = _float_to_bits(v * _TWO64)
    return _log_core_one(
        np.float64((b >> 52) - 1023 - 64), 1.0 + np.float64(b & 0x000FFFFFFFFFFFFF) * _MANT52
    )


@_nb.njit(**_JIT)
def log_nb64(x, out):  # pragma: no cover - compiled
    n_special = 0
    for i in range(x.size):
        v = x[i]
        ok = (v >= _MIN_NORMAL) & (v < np.inf)
        n_special += np.int64(not ok)
        b = _float_to_bits(v if ok else 1.0)
        out[i] = _log_core_one(
            np.float64((b >> 52) - 1023), 1.0 + np.float64(b & 0x000FFFFFFFFFFFFF) * _MANT52
        )
    if n_special:
        for i in range(x.size):
            v = x[i]
            if not (v >= _MIN_NORMAL and v < np.inf):
                out[i] = _log_special(v)


@_nb.njit(**_JIT)
def log_nb32(x, bits, out):  # pragma: no cover - compiled
    # A normal float32 has the same exponent and fraction as its float64 value, read here
    # from the 32-bit layout (8 exponent and 23 fraction bits).
    n_special = 0
    for i in range(x.size):
        v = np.float64(x[i])
        ok = (v >= _MIN_NORMAL32) & (v < np.inf)
        n_special += np.int64(not ok)
        b = np.int64(bits[i]) if ok else np.int64(0x3F800000)
        out[i] = _log_core_one(
            np.float64((b >> 23) - 127), 1.0 + np.float64(b & 0x007FFFFF) * _MANT23
        )
    if n_special:
        for i in range(x.size):
            v = np.float64(x[i])
            if not (v >= _MIN_NORMAL32 and v < np.inf):
                if v >= _MIN_NORMAL and v < np.inf:  # a float32 subnormal: normal in 64
                    b = _float_to_bits(v)
                    out[i] = _log_core_one(
                        np.float64((b >> 52) - 1023),
                        1.0 + np.float64(b & 0x000FFFFFFFFFFFFF) * _MANT52,
                    )
                else:
                    out[i] = _log_special(v)
