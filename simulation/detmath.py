"""Transcendental functions that give the same bits on every CPU: exp, log, power, ndtri.

Why: numpy dispatches ``exp``, ``log``, ``power`` and friends at run time to SIMD kernels chosen
by the CPU (AVX512F, AVX2 with FMA, or the C library on the baseline), and those kernels differ
in the last bits. An agent-based model turns a last-bit difference into a different sample path
(a household just above or below a line, a vacancy rounded up or down), so the same seed gave
different answers on machines with and without AVX512, and under ``NPY_DISABLE_CPU_FEATURES``.

How: every function here is computed from IEEE-754 operations that are correctly rounded on
every CPU and at every SIMD width (``+ - * /``, ``sqrt``, comparisons, ``rint``, integer and bit
operations, exact scaling by powers of two), in a fixed order, so the result is a function of
the input alone. The algorithms are those of fdlibm (Sun's freely distributable libm, the
reference behind Java's ``StrictMath``): ``exp`` and ``log`` within 1 unit in the last place of
the correctly rounded value; ``power`` is ``exp(y * log(x))``, within about ``|y log x|`` units
in the last place; ``ndtri`` is Wichura's AS 241 (relative error about 1e-16).

Arrays go through numba kernels that perform the same operations in the same order
(no fast-math, so no fused multiply-adds and no reassociation): the two paths give identical
bits, which ``tests/properties/test_detmath.py`` checks, and numba only makes them faster;
scalars use the same operations on Python floats. Without numba (or with ``POVSIM_NUMBA=0``)
the numpy path is used for arrays.

Not covered here: numpy's random generators call the C library's ``exp`` and ``log`` inside
ziggurat tails and binomial and Pareto draws. Those do not depend on numpy's dispatch, only on
the C library, which is the same on every machine of a given operating-system image.

Examples:
    >>> exp(0.0), log(1.0), power(2.0, 10.0)
    (1.0, 0.0, 1024.0)
    >>> float(ndtri(0.5))
    0.0
"""

from __future__ import annotations

import math
import os
from typing import Any

import numpy as np

__all__ = ["exp", "have_numba", "log", "ndtri", "power"]

# fdlibm e_exp.c and e_log.c constants.
_LN2_HI = 6.93147180369123816490e-01  # 0x3fe62e42fee00000: k * _LN2_HI is exact for |k| < 2^11
_LN2_LO = 1.90821492927058770002e-10
_INV_LN2 = 1.44269504088896338700e00
_P1, _P2, _P3 = 1.66666666666666019037e-01, -2.77777777770155933842e-03, 6.61375632143793436117e-05
_P4, _P5 = -1.65339022054652515390e-06, 4.13813679705723846039e-08
_LG1, _LG2, _LG3 = 6.666666666666735130e-01, 3.999999999940941908e-01, 2.857142874366239149e-01
_LG4, _LG5, _LG6 = 2.222219843214978396e-01, 1.818357216161805012e-01, 1.531383769920937332e-01
_LG7 = 1.479819860511658591e-01
_SQRT2 = 1.4142135623730951
_X_MAX = 700.0  # exp saturates outside [-700, 700]: 0 below, inf above
_MANT52 = 2.220446049250313e-16  # 2^-52
_MANT23 = 1.1920928955078125e-07  # 2^-23
_MIN_NORMAL = 2.2250738585072014e-308
_MIN_NORMAL32 = 1.1754943508222875e-38
_TWO64 = 18446744073709551616.0

_USE_NUMBA = os.environ.get("POVSIM_NUMBA", "1") != "0"
_NUMBA_MIN_SIZE = 1  # arrays of any size: a kernel call costs a few microseconds


# --------------------------------------------------------------------------------------------
# The definitions, in numpy (the numba kernels below repeat them operation by operation)
# --------------------------------------------------------------------------------------------
def _exp_core_np(xc: np.ndarray) -> np.ndarray:
    """The fdlibm exp for values already in [-700, 700]."""
    kf = np.rint(_INV_LN2 * xc)
    hi = xc - kf * _LN2_HI
    lo = kf * _LN2_LO
    r = hi - lo
    t = r * r
    c = r - t * (_P1 + t * (_P2 + t * (_P3 + t * (_P4 + t * _P5))))
    y = 1.0 - ((lo - (r * c) / (2.0 - c)) - hi)
    scale = ((kf.astype(np.int64) + 1023) << 52).view(np.float64)  # 2^k, exactly
    return y * scale


def _exp_np(x: np.ndarray) -> np.ndarray:
    ok = (x >= -_X_MAX) & (x <= _X_MAX)
    if ok.all():
        return _exp_core_np(x)
    out = _exp_core_np(np.where(ok, x, 0.0))
    out[x < -_X_MAX] = 0.0
    out[x > _X_MAX] = np.inf
    out[np.isnan(x)] = np.nan
    return out


def _log_core_np(ef: np.ndarray, f: np.ndarray) -> np.ndarray:
    """The fdlibm log of ``f * 2**ef`` for ``f`` in [1, 2) (reduced here to [1/sqrt 2, sqrt 2])."""
    big = f > _SQRT2
    f = np.where(big, f * 0.5, f)
    ef = np.where(big, ef + 1.0, ef)
    fm = f - 1.0
    s = fm / (2.0 + fm)
    z = s * s
    w = z * z
    t1 = w * (_LG2 + w * (_LG4 + w * _LG6))
    t2 = z * (_LG1 + w * (_LG3 + w * (_LG5 + w * _LG7)))
    big_r = t2 + t1
    hfsq = 0.5 * fm * fm
    return ef * _LN2_HI - ((hfsq - (s * (hfsq + big_r) + ef * _LN2_LO)) - fm)


def _log_np(x: np.ndarray) -> np.ndarray:
    ok = (x >= _MIN_NORMAL) & (x < np.inf)
    xs = x if ok.all() else np.where(ok, x, 1.0)
    bits = np.ascontiguousarray(xs).view(np.int64)
    ef = ((bits >> 52) - 1023).astype(np.float64)
    f = 1.0 + (bits & 0x000FFFFFFFFFFFFF).astype(np.float64) * _MANT52
    out = _log_core_np(ef, f)
    if not ok.all():
        sub = (x > 0) & (x < _MIN_NORMAL)
        if sub.any():  # subnormals: the same computation on x * 2^64, exponent less 64
            b = (x[sub] * _TWO64).view(np.int64)
            out[sub] = _log_core_np(((b >> 52) - 1023 - 64).astype(np.float64),
                                    1.0 + (b & 0x000FFFFFFFFFFFFF).astype(np.float64)
                                    * _MANT52)
        out[x == 0] = -np.inf
        out[x == np.inf] = np.inf
        out[(x < 0) | np.isnan(x)] = np.nan
    return out


# --------------------------------------------------------------------------------------------
# numba kernels (simulation/_detmath_kernels.py): the same operations, faster on large arrays
# --------------------------------------------------------------------------------------------
_KERNELS: dict | None = None


def _kernels() -> dict:
    """The numba kernels, compiled (or loaded from numba's cache) on first use; {} without numba.

    Imported lazily: numba adds about half a second to a process, which runs that never meet a
    large array (the command line refusing a bad input, say) do not pay.
    """
    global _KERNELS
    if _KERNELS is not None:
        return _KERNELS
    _KERNELS = {}
    if not _USE_NUMBA:
        return _KERNELS
    try:
        from simulation import _detmath_kernels as k
    except ImportError:  # pragma: no cover - numba is a dependency; the numpy path stands in
        return _KERNELS
    _KERNELS.update(exp=k.exp_nb, log64=k.log_nb64, log32=k.log_nb32)
    return _KERNELS


def have_numba() -> bool:
    """Whether the numba kernels are in use (numba installed and not disabled)."""
    return bool(_kernels())


def _flat(x: Any) -> tuple[np.ndarray, tuple]:
    """A contiguous 1-d float32 or float64 view of ``x`` and its shape."""
    arr = np.asarray(x)
    if arr.dtype != np.float32:
        arr = arr.astype(np.float64, copy=False)
    return np.ascontiguousarray(arr).ravel(), arr.shape


def _is_scalar(x: Any) -> bool:
    return isinstance(x, int | float) or (isinstance(x, np.generic) and x.ndim == 0) or (
        isinstance(x, np.ndarray) and x.ndim == 0)


# Scalars: the same operations on Python floats (IEEE doubles; round() is round-half-even like
# rint, frexp and ldexp are exact), a few microseconds instead of a numpy pass.
def _exp_scalar(v: float) -> float:
    if v != v:
        return math.nan
    if v < -_X_MAX:
        return 0.0
    if v > _X_MAX:
        return math.inf
    kf = float(round(_INV_LN2 * v))
    hi = v - kf * _LN2_HI
    lo = kf * _LN2_LO
    r = hi - lo
    t = r * r
    c = r - t * (_P1 + t * (_P2 + t * (_P3 + t * (_P4 + t * _P5))))
    y = 1.0 - ((lo - (r * c) / (2.0 - c)) - hi)
    return y * math.ldexp(1.0, int(kf))


def _log_scalar(v: float) -> float:
    if v == 0:
        return -math.inf
    if v == math.inf:
        return math.inf
    if not (v > 0):
        return math.nan
    m, e = math.frexp(v)  # subnormals too: the same fraction and exponent as the numpy path
    f = m * 2.0
    ef = float(e - 1)
    if f > _SQRT2:
        f = f * 0.5
        ef = ef + 1.0
    fm = f - 1.0
    s = fm / (2.0 + fm)
    z = s * s
    w = z * z
    t1 = w * (_LG2 + w * (_LG4 + w * _LG6))
    t2 = z * (_LG1 + w * (_LG3 + w * (_LG5 + w * _LG7)))
    big_r = t2 + t1
    hfsq = 0.5 * fm * fm
    return ef * _LN2_HI - ((hfsq - (s * (hfsq + big_r) + ef * _LN2_LO)) - fm)


def exp(x: Any) -> Any:
    """``e**x``, the same bits on every CPU (float64 array; a float for a scalar input).

    Saturates outside [-700, 700] (0 below, inf above; nothing in the model comes near).
    float32 inputs are taken exactly (as their float64 values).
    """
    if _is_scalar(x):
        return _exp_scalar(float(x))
    flat, shape = _flat(x)
    kernels = _kernels() if flat.size >= _NUMBA_MIN_SIZE else None
    if kernels:
        out = np.empty(flat.size, dtype=np.float64)
        kernels["exp"](flat, out)
    else:
        out = _exp_np(flat.astype(np.float64, copy=False))
    return out.reshape(shape)


def log(x: Any) -> Any:
    """Natural logarithm, the same bits on every CPU (float64 array; a float for a scalar input).

    ``log(0)`` is -inf, ``log(inf)`` is inf, negative inputs and NaN give NaN. float32 inputs
    are taken exactly (as their float64 values).
    """
    if _is_scalar(x):
        return _log_scalar(float(x))
    flat, shape = _flat(x)
    kernels = _kernels() if flat.size >= _NUMBA_MIN_SIZE else None
    if kernels:
        out = np.empty(flat.size, dtype=np.float64)
        if flat.dtype == np.float32:
            kernels["log32"](flat, flat.view(np.int32), out)
        else:
            kernels["log64"](flat, out)
    else:
        out = _log_np(flat.astype(np.float64, copy=False))
    return out.reshape(shape)


def power(x: Any, y: Any) -> Any:
    """``x**y`` for ``x >= 0`` as ``exp(y * log(x))``, the same bits on every CPU.

    ``power(0, y)`` is 0 for ``y > 0``, 1 for ``y == 0`` and inf for ``y < 0``;
    ``power(1, y)`` is exactly 1; negative ``x`` gives NaN. Broadcasts like numpy; a float
    for scalar inputs.
    """
    if _is_scalar(x) and _is_scalar(y):
        xf, yf = float(x), float(y)
        if xf == 0:
            return 1.0 if yf == 0 else (0.0 if yf > 0 else math.inf)
        return _exp_scalar(yf * _log_scalar(xf))
    xa = np.asarray(x, dtype=np.float64)
    ya = np.asarray(y, dtype=np.float64)
    with np.errstate(invalid="ignore"):
        prod = np.multiply(ya, log(xa) if xa.ndim else _log_scalar(float(xa)))
    if np.any(xa == 0):  # 0 * -inf is NaN; follow the limits instead
        prod = np.where((xa == 0) & (ya == 0), 0.0, prod)
    return exp(prod)


# --------------------------------------------------------------------------------------------
# The inverse of the standard normal CDF (Wichura 1988, algorithm AS 241, PPND16)
# --------------------------------------------------------------------------------------------
_A = (3.3871328727963666080e0, 1.3314166789178437745e2, 1.9715909503065514427e3,
      1.3731693765509461125e4, 4.5921953931549871457e4, 6.7265770927008700853e4,
      3.3430575583588128105e4, 2.5090809287301226727e3)
_B = (1.0, 4.2313330701600911252e1, 6.8718700749205790830e2, 5.3941960214247511077e3,
      2.1213794301586595867e4, 3.9307895800092710610e4, 2.8729085735721942674e4,
      5.2264952788528545610e3)
_C = (1.42343711074968357734e0, 4.63033784615654529590e0, 5.76949722146069140550e0,
      3.64784832476320460504e0, 1.27045825245236838258e0, 2.41780725177450611770e-1,
      2.27238449892691845833e-2, 7.74545014278341407640e-4)
_D = (1.0, 2.05319162663775882187e0, 1.67638483018380384940e0, 6.89767334985100004550e-1,
      1.48103976427480074590e-1, 1.51986665636164571966e-2, 5.47593808499534494600e-4,
      1.05075007164441684324e-9)
_E = (6.65790464350110377720e0, 5.46378491116411436990e0, 1.78482653991729133580e0,
      2.96560571828504891230e-1, 2.65321895265761230930e-2, 1.24266094738807843860e-3,
      2.71155556874348757815e-5, 2.01033439929228813265e-7)
_F = (1.0, 5.99832206555887937690e-1, 1.36929880922735805310e-1, 1.48753612908506148525e-2,
      7.86869131145613259100e-4, 1.84631831751005468180e-5, 1.42151175831644588870e-7,
      2.04426310338993978564e-15)


def _poly(coef: tuple[float, ...], z: np.ndarray) -> np.ndarray:
    out = np.full_like(z, coef[-1])
    for c in coef[-2::-1]:
        out = out * z + c
    return out


def ndtri(p: Any) -> Any:
    """Standard-normal quantile of ``p`` (AS 241), the same bits on every CPU.

    ``ndtri(0)`` is -inf and ``ndtri(1)`` is inf; outside [0, 1] gives NaN.

    Examples:
        >>> round(float(ndtri(0.975)), 6)
        1.959964
    """
    scalar = _is_scalar(p)
    flat, shape = _flat(p)
    flat = flat.astype(np.float64, copy=False)
    q = flat - 0.5
    out = np.empty_like(flat)
    central = np.abs(q) <= 0.425
    if central.any():
        qc = q[central]
        r = 0.180625 - qc * qc
        out[central] = qc * _poly(_A, r) / _poly(_B, r)
    tail = ~central & (flat > 0) & (flat < 1)
    if tail.any():
        qt = q[tail]
        pt = np.where(qt < 0, flat[tail], 1.0 - flat[tail])
        r = np.sqrt(-log(pt))
        near = r <= 5.0
        val = np.empty_like(r)
        rn = r[near] - 1.6
        val[near] = _poly(_C, rn) / _poly(_D, rn)
        rf = r[~near] - 5.0
        val[~near] = _poly(_E, rf) / _poly(_F, rf)
        out[tail] = np.where(qt < 0, -val, val)
    rest = ~central & ~tail
    if rest.any():
        out[rest & (flat == 0)] = -np.inf
        out[rest & (flat == 1)] = np.inf
        out[rest & ~((flat == 0) | (flat == 1))] = np.nan
    return float(out[0]) if scalar else out.reshape(shape)
