"""numba kernels of :mod:`simulation.kernels` (imported by it on first use).

Each kernel computes the rule stated in its docstring with the operations, types and order of
the numpy statement in :mod:`simulation.kernels` (no fast-math: no fused multiply-adds, no
reassociation), so both give the same bits; ``tests/properties/test_kernels.py`` checks each
pair on random inputs.
"""

import numba as _nb
import numpy as np

from simulation._detmath_kernels import _exp_one
from simulation.detmath import _X_MAX

_JIT = {"cache": True, "nogil": True, "error_model": "numpy"}


@_nb.njit(**_JIT)
def sort_keys_nb(keys, bits):  # pragma: no cover - compiled
    """Sorted copy of non-negative int64 ``keys`` below ``2**bits``.

    LSD radix sort: digits of ``ceil(bits / passes)`` bits (at most 13), all digit counts in one
    read, then one stable scatter per digit.
    """
    n = keys.size
    passes = max(1, (bits + 12) // 13)
    width = (bits + passes - 1) // passes
    mask = (1 << width) - 1
    count = np.zeros((passes, (1 << width) + 1), dtype=np.int64)
    for i in range(n):
        x = keys[i]
        for p in range(passes):
            count[p, ((x >> (p * width)) & mask) + 1] += 1
    for p in range(passes):
        for d in range(1 << width):
            count[p, d + 1] += count[p, d]
    a = keys.copy()
    b = np.empty_like(a)
    for p in range(passes):
        shift = p * width
        c = count[p]
        for i in range(n):
            x = a[i]
            d = (x >> shift) & mask
            b[c[d]] = x
            c[d] += 1
        a, b = b, a
    return a


@_nb.njit(**_JIT)
def add_at_nb(target, idx, values):  # pragma: no cover - compiled
    """``target[idx[i]] += values[i]`` in index order, in the target's type (np.add.at)."""
    for i in range(idx.size):
        j = idx[i]
        target[j] = target[j] + values[i]


@_nb.njit(**_JIT)
def stable_order_nb(codes, n_codes):  # pragma: no cover - compiled
    """``np.argsort(codes, kind="stable")`` for codes in ``[0, n_codes)`` (a counting sort)."""
    count = np.zeros(n_codes + 1, dtype=np.int64)
    for i in range(codes.size):
        count[codes[i] + 1] += 1
    for c in range(n_codes):
        count[c + 1] += count[c]
    out = np.empty(codes.size, dtype=np.int64)
    for i in range(codes.size):
        c = codes[i]
        out[count[c]] = i
        count[c] += 1
    return out


@_nb.njit(**_JIT)
def leavers_nb(u, status, employer, base, share):  # pragma: no cover - compiled
    """Indices ``i`` with ``u[i] < base[status[i]] + share[employer[i] + 1]`` (float32)."""
    n = u.size
    out = np.empty(n, dtype=np.int64)
    k = 0
    for i in range(n):
        p = base[status[i]] + share[employer[i] + 1]
        out[k] = i
        k += np.int64(u[i] < p)
    return out[:k]


@_nb.njit(**_JIT)
def leavers_base_nb(u, status, base):  # pragma: no cover - compiled
    """Indices ``i`` with ``u[i] < base[status[i]]`` (float32)."""
    n = u.size
    out = np.empty(n, dtype=np.int64)
    k = 0
    for i in range(n):
        out[k] = i
        k += np.int64(u[i] < base[status[i]])
    return out[:k]


@_nb.njit(**_JIT)
def seeker_weights_nb(status, static, intensity, out):  # pragma: no cover - compiled
    """``out[i] = intensity[status[i]] * static[i]`` (float32); returns the positive count."""
    k = 0
    for i in range(status.size):
        w = intensity[status[i]] * static[i]
        out[i] = w
        k += np.int64(w > 0)
    return k


@_nb.njit(**_JIT)
def positive_nb(w, k):  # pragma: no cover - compiled
    """The ``k`` indices with ``w > 0``, in increasing order (np.flatnonzero)."""
    out = np.empty(k, dtype=np.int64)
    j = 0
    for i in range(w.size):
        if w[i] > 0:
            out[j] = i
            j += 1
    return out


@_nb.njit(**_JIT)
def earnings_nb(status, sector, base, shock, z, table, rho, sd, half_var,
                premium, earnings, months):  # pragma: no cover - compiled
    """The earnings rule of :func:`simulation.kernels.update_earnings_np`, slot by slot."""
    for i in range(status.size):
        st = status[i]
        paid = np.float32(1.0) if (st == 1) | (st == 2) else np.float32(0.0)
        s = shock[i] * rho
        s = s + sd * z[i]
        s = s * paid
        shock[i] = s
        e = base[i] * table[st * 3 + sector[i]]
        x = np.float64(s - half_var * paid)
        if x == 0.0:  # exp(0) = 1 exactly: the slots without a shock (most of them)
            m = 1.0
        elif (x >= -_X_MAX) & (x <= _X_MAX):
            m = _exp_one(x)
        elif x != x:
            m = np.nan
        elif x < 0:
            m = 0.0
        else:
            m = np.inf
        e = np.float32(np.float64(e) * m)
        earnings[i] = e
        months[i] += 1
    if premium.size:
        for i in range(status.size):
            earnings[i] = earnings[i] * (np.float32(1.0) + premium[i])


@_nb.njit(**_JIT)
def weight_range_nb(weights):  # pragma: no cover - compiled
    """Count, minimum and maximum of the positive ``weights`` (float64 of float32 values)."""
    k = 0
    lo = np.inf
    hi = -np.inf
    for i in range(weights.size):
        w = np.float64(weights[i])
        if w > 0:
            k += 1
            lo = min(lo, w)
            hi = max(hi, w)
    return k, lo, hi


@_nb.njit(**_JIT)
def exponential_keys_nb(log_u, weights, out):  # pragma: no cover - compiled
    """``out = min(-log_u / w, DBL_MAX)`` where ``w > 0``, else ``inf`` (float64)."""
    top = np.finfo(np.float64).max
    for i in range(weights.size):
        w = np.float64(weights[i])
        if w > 0:
            out[i] = min(-log_u[i] / w, top)
        else:
            out[i] = np.inf
