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
def _less_minimum_nb(keys, lo, hi):  # pragma: no cover - compiled
    """``keys - lo`` in place, and the bits of ``hi - lo`` (the keys' span)."""
    for i in range(keys.size):
        keys[i] -= lo
    span = hi - lo
    width = 0
    while span:
        width += 1
        span >>= np.uint64(1)
    return keys, width


@_nb.njit(**_JIT)
def float_keys_nb(x):  # pragma: no cover - compiled
    """Order-preserving unsigned keys of float ``x`` (no NaN), less their minimum, and its bits.

    ``-0.0`` is keyed as ``+0.0`` (numpy's sorts treat them as equal); a negative float's bits
    are inverted, a non-negative one's get the sign bit set, so unsigned order is float order.
    """
    n = x.size
    keys = np.empty(n, dtype=np.uint64)
    sign = np.uint64(1) << np.uint64(63)
    lo = np.uint64(0xFFFFFFFFFFFFFFFF)
    hi = np.uint64(0)
    bits = np.empty(1, dtype=np.float64)
    view = bits.view(np.uint64)
    for i in range(n):
        bits[0] = np.float64(x[i]) + 0.0
        b = view[0]
        k = ~b if b & sign else b | sign
        keys[i] = k
        if k < lo:
            lo = k
        if k > hi:
            hi = k
    return _less_minimum_nb(keys, lo, hi)


@_nb.njit(**_JIT)
def int_keys_nb(x):  # pragma: no cover - compiled
    """Order-preserving unsigned keys of integer ``x`` (as int64) less their minimum; their bits."""
    n = x.size
    keys = np.empty(n, dtype=np.uint64)
    sign = np.uint64(1) << np.uint64(63)
    lo = np.uint64(0xFFFFFFFFFFFFFFFF)
    hi = np.uint64(0)
    for i in range(n):
        k = np.uint64(np.int64(x[i])) ^ sign
        keys[i] = k
        if k < lo:
            lo = k
        if k > hi:
            hi = k
    return _less_minimum_nb(keys, lo, hi)


@_nb.njit(**_JIT)
def radix_argsort_nb(keys, bits):  # pragma: no cover - compiled
    """``np.argsort(keys, kind="stable")`` of uint64 ``keys`` below ``2**bits``.

    LSD radix sort carrying the indices: digits of ``ceil(bits / passes)`` bits (at most 14),
    all digit counts in one read, then one stable scatter of keys and indices per digit.
    """
    n = keys.size
    order = np.arange(n)
    if bits == 0 or n < 2:
        return order
    passes = (bits + 13) // 14
    width = (bits + passes - 1) // passes
    mask = np.uint64((1 << width) - 1)
    count = np.zeros((passes, (1 << width) + 1), dtype=np.int64)
    for i in range(n):
        k = keys[i]
        for p in range(passes):
            count[p, np.int64((k >> np.uint64(p * width)) & mask) + 1] += 1
    for p in range(passes):
        for d in range(1 << width):
            count[p, d + 1] += count[p, d]
    a = keys.copy()
    b = np.empty_like(a)
    other = np.empty_like(order)
    for p in range(passes):
        shift = np.uint64(p * width)
        c = count[p]
        for i in range(n):
            k = a[i]
            d = np.int64((k >> shift) & mask)
            j = c[d]
            b[j] = k
            other[j] = order[i]
            c[d] = j + 1
        a, b = b, a
        order, other = other, order
    return order


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
def earnings_nb(status, sector, education, base, shock, z, table, rho, sd, half_var,
                premium, earnings, months):  # pragma: no cover - compiled
    """The earnings rule of :func:`simulation.kernels.update_earnings_np`, slot by slot.

    Branch-free in range (the loop vectorises, as detmath's exp kernel); the few slots whose
    exponent is outside exp's range (none in practice) are finished in a second loop.
    """
    n_special = 0  # an integer count, not a bool flag: the loop then vectorises
    for i in range(status.size):
        st = status[i]
        paid = np.float32((st == 1) | (st == 2))
        s = shock[i] * rho
        s = s + sd * z[i]
        s = s * paid
        shock[i] = s
        x = np.float64(s - half_var * paid)
        ok = (x >= -_X_MAX) & (x <= _X_MAX)
        n_special += np.int64(not ok)
        e = base[i] * table[(st * 3 + sector[i]) * 4 + education[i]]
        earnings[i] = np.float32(np.float64(e) * _exp_one(x if ok else 0.0))
        months[i] += 1
    if n_special:
        for i in range(status.size):
            st = status[i]
            paid = np.float32((st == 1) | (st == 2))
            x = np.float64(shock[i] - half_var * paid)
            if not ((x >= -_X_MAX) & (x <= _X_MAX)):
                m = np.nan if x != x else (0.0 if x < 0 else np.inf)
                e = base[i] * table[(st * 3 + sector[i]) * 4 + education[i]]
                earnings[i] = np.float32(np.float64(e) * m)
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


@_nb.njit(**_JIT)
def gini_keys_nb(c_pc, size):  # pragma: no cover - compiled
    """``(int64(rint(max(c_pc, 0))) << 7) | size`` and its maximum (``c_pc`` without NaN)."""
    out = np.empty(c_pc.size, dtype=np.int64)
    top = np.int64(0)
    for i in range(c_pc.size):
        c = c_pc[i] if c_pc[i] > 0 else 0.0  # np.maximum(c, 0) (no NaN here)
        k = (np.int64(np.rint(c)) << 7) | np.int64(size[i])
        out[i] = k
        top = max(top, k)
    return out, top


@_nb.njit(**_JIT)
def gini_terms_nb(key, total_w):  # pragma: no cover - compiled
    """From sorted keys: ``vw = float64((key >> 7) * w)`` and ``vw * float64(2 W_<=i - w - W)``."""
    n = key.size
    vw = np.empty(n, dtype=np.float64)
    term = np.empty(n, dtype=np.float64)
    cw = np.int64(0)
    for i in range(n):
        w = key[i] & 127
        x = np.float64((key[i] >> 7) * w)
        cw += w
        vw[i] = x
        term[i] = x * np.float64(2 * cw - w - total_w)
    return vw, term


@_nb.njit(**_JIT)
def table_normals_nb(raw16, table, n):  # pragma: no cover - compiled
    """``table[raw16[:n] & 4095]`` (float32 normals from 12-bit cell numbers)."""
    out = np.empty(n, dtype=np.float32)
    for i in range(n):
        out[i] = table[raw16[i] & 4095]
    return out


@_nb.njit(**_JIT)
def applicant_cells_nb(static_cell, status, eligible, unemployed):  # pragma: no cover
    """Counting sort of ``static_cell + 4 (status == unemployed)`` (8 where not eligible)."""
    n = status.size
    count = np.zeros(10, dtype=np.int64)
    cell = np.empty(n, dtype=np.int8)
    for i in range(n):
        c = static_cell[i] + 4 * np.int8(status[i] == unemployed) if eligible[i] else 8
        cell[i] = c
        count[c + 1] += 1
    for c in range(9):
        count[c + 1] += count[c]
    bounds = count[:9].copy()
    out = np.empty(n, dtype=np.int64)
    for i in range(n):
        c = cell[i]
        out[count[c]] = i
        count[c] += 1
    return out, bounds


@_nb.njit(**_JIT)
def public_works_eligible_nb(status, earnings, household, months_left, last_start, clock,
                             forgone, pay, pay_positive, rotation,
                             n_households):  # pragma: no cover
    """The padat karya eligibility rule of :func:`simulation.kernels.public_works_eligible_np`."""
    in_spell = np.zeros(n_households, dtype=np.bool_)
    for i in range(status.size):
        if months_left[i] != 0:
            in_spell[household[i]] = True
    out = np.empty(status.size, dtype=np.bool_)
    for i in range(status.size):
        st = status[i]
        informal = (st == 1) | (st == 2)
        low = (forgone * earnings[i] < pay) if informal else pay_positive
        out[i] = ((st != 0) & (not in_spell[household[i]])
                  & (np.int32(clock - last_start[i]) >= rotation) & low)
    return out


@_nb.njit(**_JIT)
def unit_kth_nb(values, sizes, k):  # pragma: no cover - compiled
    """The ``k``-th smallest (0-based) of ``values`` each repeated ``sizes`` times.

    A weighted quickselect: three-way partitions of a copy around a median-of-three pivot,
    keeping the side whose cumulative sizes hold position ``k``; small ranges are sorted by
    insertion and walked. Returns ``(status, value)``: status 0 if selected. Otherwise nothing
    is selected and the caller takes numpy's path, which sorts NaN last and raises on bad
    input: 1 with a NaN among ``values``, 2 with a negative size or ``k`` outside
    ``[0, sizes.sum())``, 3 after 100 partitions (an order that defeats the pivot; about
    2 log2 n are expected).
    """
    n = values.size
    v = np.empty(n, values.dtype)
    s = np.empty(n, np.int64)
    total = 0
    for i in range(n):
        x = values[i]
        if x != x:
            return 1, values[0]
        if sizes[i] < 0:
            return 2, values[0]
        v[i] = x
        s[i] = sizes[i]
        total += s[i]
    if k < 0 or k >= total:
        return 2, values[0]
    lo = 0
    hi = n
    rounds = 0
    while hi - lo > 24:
        rounds += 1
        if rounds > 100:  # a pathological order (expected rounds ~ 2 log2 n): numpy's path
            return 3, values[0]
        a, b, c = v[lo], v[(lo + hi) // 2], v[hi - 1]
        if a > b:
            a, b = b, a
        if b > c:
            b = c
            if a > b:
                b = a
        pivot = b
        lt, i, gt = lo, lo, hi
        w_less = 0
        w_equal = 0
        while i < gt:
            x = v[i]
            if x < pivot:
                w_less += s[i]
                v[i], v[lt] = v[lt], x
                s[i], s[lt] = s[lt], s[i]
                lt += 1
                i += 1
            elif x > pivot:
                gt -= 1
                v[i], v[gt] = v[gt], x
                s[i], s[gt] = s[gt], s[i]
            else:
                w_equal += s[i]
                i += 1
        if k < w_less:
            hi = lt
        elif k < w_less + w_equal:
            return 0, pivot
        else:
            k -= w_less + w_equal
            lo = gt
    for i in range(lo + 1, hi):  # insertion sort of the last few, then walk
        x = v[i]
        y = s[i]
        j = i - 1
        while j >= lo and v[j] > x:
            v[j + 1] = v[j]
            s[j + 1] = s[j]
            j -= 1
        v[j + 1] = x
        s[j + 1] = y
    for i in range(lo, hi):
        if k < s[i]:
            return 0, v[i]
        k -= s[i]
    return 0, v[hi - 1]  # pragma: no cover - k is within the total
