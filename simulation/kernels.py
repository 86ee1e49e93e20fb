"""Fused stage kernels: one pass over the arrays where numpy makes several.

Each function states its rule in numpy (the ``*_np`` definitions below, or the numpy call it
equals) and, where numba is available, runs a kernel of :mod:`simulation._stage_kernels`
that performs the same operations on the same types in the same order, so that both paths
give the same bits; ``tests/properties/test_kernels.py`` checks every pair on random inputs,
and ``tests/regression/test_cpu_features.py`` runs the model both ways (``POVSIM_NUMBA=0``).
The numpy path is kept, as in :mod:`simulation.detmath`: numba is a dependency, but a run
without it (or with ``POVSIM_NUMBA=0``) still gives the model's bits, only slower.

The kernels are loaded lazily with detmath's (numba costs half a second to import).
"""

from __future__ import annotations

import numpy as np

from simulation import detmath

_KERNELS = None


def _nb():
    """The kernel module, or None without numba (or with ``POVSIM_NUMBA=0``)."""
    global _KERNELS
    if _KERNELS is None:
        _KERNELS = False
        if detmath.have_numba():
            try:
                from simulation import _stage_kernels as k
            except ImportError:  # pragma: no cover - numba is a dependency
                k = False
            _KERNELS = k
    return _KERNELS or None


def use_kernels() -> bool:
    """Whether the numba kernels are in use."""
    return _nb() is not None


# ------------------------------------------------------------------ sorting and scattering
def sort_keys(keys: np.ndarray) -> np.ndarray:
    """``np.sort(keys)`` for non-negative int64 keys (a sorted copy).

    Sorted values are unique whatever the algorithm, so a radix sort (numba: three or four
    passes of 11-bit digits for keys of up to 44 bits) gives numpy's result exactly.
    """
    k = _nb()
    if k is None or len(keys) < 2:
        return np.sort(keys)
    top = int(keys.max())
    if top < 0 or int(keys.min()) < 0:
        return np.sort(keys)
    return k.sort_keys_nb(np.ascontiguousarray(keys, dtype=np.int64), max(top.bit_length(), 1))


def gini_terms_np(c_pc: np.ndarray, size: np.ndarray) -> tuple[np.ndarray, np.ndarray, int]:
    """The sorted terms of :func:`simulation.measures.gini_of_households`, in numpy.

    ``key = (int64(rint(max(c_pc, 0))) << 7) | size``, sorted; with ``w = key & 127`` (persons)
    and ``v = key >> 7`` (rupiah): ``vw = float64(v * w)``, the running persons ``W_<=i`` and
    their total ``W``, and ``term = vw * float64(2 W_<=i - w - W)``. Returns ``(vw, term, W)``.
    """
    key = (np.rint(np.maximum(c_pc, 0.0)).astype(np.int64) << 7) | size.astype(np.int64)
    key = np.sort(key)
    w = key & 127
    vw = ((key >> 7) * w).astype(np.float64)  # exact: v < 2**50 and w < 128
    cw = np.cumsum(w)
    total_w = int(cw[-1])
    cw *= 2
    cw -= w
    cw -= total_w
    return vw, vw * cw.astype(np.float64), total_w


def gini_terms(c_pc: np.ndarray, size: np.ndarray) -> tuple[np.ndarray, np.ndarray, int]:
    """:func:`gini_terms_np` in three passes and a radix sort (numba), the same bits.

    For non-empty float ``c_pc`` without NaN and int ``size`` in 1-127 (the caller checks the
    sizes and the range of consumption); otherwise the numpy statement.
    """
    k = _nb()
    if k is None or len(c_pc) == 0 or c_pc.dtype.kind != "f" or size.dtype.kind not in "iu" \
            or bool(np.isnan(c_pc).any()) or int(size.min()) < 0:
        return gini_terms_np(c_pc, size)
    key, top = k.gini_keys_nb(np.ascontiguousarray(c_pc), np.ascontiguousarray(size))
    key = k.sort_keys_nb(key, max(int(top).bit_length(), 1))
    total_w = int(size.sum())
    vw, term = k.gini_terms_nb(key, total_w)
    return vw, term, total_w


def normals_from_table(raw: np.ndarray, table: np.ndarray, n: int) -> np.ndarray:
    """``table.take(raw.view(np.uint16)[:n] & 4095)``: four 12-bit cells per 64-bit draw."""
    k = _nb()
    r16 = raw.view(np.uint16)
    if k is None:
        return table.take(r16[:n] & np.uint16(4095))
    return k.table_normals_nb(r16, table, int(n))


def add_at(target: np.ndarray, idx: np.ndarray, values: np.ndarray) -> None:
    """``np.add.at(target, idx, values)``: repeats accumulate in index order, in target's type.

    ``values`` must already have ``target``'s dtype (the caller casts), one per index.
    """
    k = _nb()
    idx = np.asarray(idx)
    n = len(target)
    if (k is None or len(idx) == 0 or idx.dtype.kind not in "iu" or values.dtype != target.dtype
            or len(values) != len(idx) or int(idx.min()) < -n or int(idx.max()) >= n):
        np.add.at(target, idx, values)  # (and its errors for indices out of range)
        return
    k.add_at_nb(target, np.ascontiguousarray(idx), np.ascontiguousarray(values))


RADIX_MIN_SIZE = 2048  # below this numpy's sort is as fast as the kernel's call


def argsort_stable(x: np.ndarray) -> np.ndarray:
    """``np.argsort(x, kind="stable")`` of a 1-D float or integer array.

    The permutation that sorts ``x`` with equal values in index order is unique, so a radix
    sort (numba: order-preserving 64-bit keys less their minimum, digits of up to 14 bits,
    passes only for the bits the keys span) gives numpy's result exactly. ``-0.0`` equals
    ``0.0`` (as in numpy); arrays with NaN, small arrays and other types take numpy's sort.
    """
    k = _nb()
    x = np.asarray(x)
    if k is None or x.ndim != 1 or len(x) < RADIX_MIN_SIZE:
        return np.argsort(x, kind="stable")
    if x.dtype.kind == "f" and x.dtype.itemsize in (4, 8):
        if bool(np.isnan(x).any()):
            return np.argsort(x, kind="stable")
        keys, bits = k.float_keys_nb(np.ascontiguousarray(x))
    elif x.dtype.kind in "iu" and (x.dtype.kind == "i" or x.dtype.itemsize < 8):
        keys, bits = k.int_keys_nb(np.ascontiguousarray(x))
    else:  # uint64 (may exceed int64) and other types
        return np.argsort(x, kind="stable")
    return k.radix_argsort_nb(keys, int(bits))


def stable_order(codes: np.ndarray, n_codes: int) -> np.ndarray:
    """``np.argsort(codes, kind="stable")`` for integer codes in ``[0, n_codes)``.

    The positions of code 0 in index order, then those of code 1, and so on (a counting sort).
    """
    k = _nb()
    if k is None:
        return np.argsort(codes, kind="stable")
    return k.stable_order_nb(codes, int(n_codes))


def applicant_cells_np(static_cell: np.ndarray, status: np.ndarray, eligible: np.ndarray,
                       unemployed: int) -> tuple[np.ndarray, np.ndarray]:
    """Training's applicant cells, sorted: ``(order, bounds)``, in numpy.

    ``cell = static_cell + 4 (status == unemployed)``, 8 where not ``eligible``;
    ``order = np.argsort(cell, kind="stable")`` (cell by cell, each in index order) and
    ``bounds = np.searchsorted(cell[order], range(9))`` (cell ``c`` is
    ``order[bounds[c]:bounds[c + 1]]``).
    """
    cell = static_cell + np.int8(4) * (status == unemployed)
    cell[~eligible] = 8
    order = np.argsort(cell, kind="stable")
    return order, np.searchsorted(cell[order], np.arange(9))


def applicant_cells(static_cell, status, eligible, unemployed) -> tuple[np.ndarray, np.ndarray]:
    """:func:`applicant_cells_np` in two passes (a counting sort)."""
    k = _nb()
    if k is None:
        return applicant_cells_np(static_cell, status, eligible, unemployed)
    return k.applicant_cells_nb(static_cell, status, eligible, np.int8(unemployed))


# ------------------------------------------------------------------ labour-market stages
def leavers(u: np.ndarray, status: np.ndarray, employer: np.ndarray, base: np.ndarray,
            share: np.ndarray | None) -> np.ndarray:
    """Slots that separate: ``u < base[status] + share[employer + 1]`` (all float32).

    ``base`` is the monthly separation chance by status, ``share`` the layoff share by employer
    row (row 0 is "no employer"), None when no employer lays off (then ``u < base[status]``).
    """
    k = _nb()
    if k is None:
        p = base.take(status)
        if share is not None:
            p += share.take(employer + 1)
        return np.flatnonzero(u < p)
    if share is None:
        return k.leavers_base_nb(u, status, base)
    return k.leavers_nb(u, status, employer, base, share)


def seeker_weights(status: np.ndarray, static: np.ndarray,
                   intensity: np.ndarray) -> tuple[np.ndarray, int]:
    """``intensity.take(status) * static`` (float32) and the number of positive weights."""
    k = _nb()
    if k is None:
        w = intensity.take(status) * static
        return w, int(np.count_nonzero(w > 0))
    out = np.empty(len(status), dtype=np.float32)
    return out, int(k.seeker_weights_nb(status, static, intensity, out))


def positive(w: np.ndarray, count: int | None = None) -> np.ndarray:
    """``np.flatnonzero(w > 0)``; ``count`` is the number of positive entries if known."""
    k = _nb()
    if k is None or count is None:
        return np.flatnonzero(w > 0)
    return k.positive_nb(w, int(count))


def exponential_keys(u: np.ndarray, weights: np.ndarray) -> tuple[np.ndarray | None, int]:
    """Efraimidis-Spirakis keys of :func:`simulation.sampling.top_k_weighted`, and the count.

    With ``w`` the float64 weights and ``p = w > 0``: ``keys = -u`` (float64) if all positive
    weights are equal, else ``min(-detmath.log(max(u, 1e-12)) / w, DBL_MAX)`` (the maximum in
    ``u``'s type); ``inf`` where not ``p``. Returns ``(keys, number of positive weights)``,
    ``(None, 0)`` if none is positive, and ``(None, -1)`` without numba (the caller then
    computes the keys in numpy, as stated here).
    """
    k = _nb()
    if k is None:
        return None, -1
    count, lo, hi = k.weight_range_nb(weights)
    if count == 0:
        return None, 0
    if lo == hi:
        keys = -np.asarray(u, dtype=np.float64)
        if count < len(weights):
            keys[~(weights > 0)] = np.inf
        return keys, int(count)
    log_u = detmath.log(np.maximum(u, 1e-12))
    keys = np.empty(len(weights), dtype=np.float64)
    k.exponential_keys_nb(log_u, weights, keys)
    return keys, int(count)


def public_works_eligible_np(status, earnings, household, months_left, last_start, clock,
                             forgone, pay, pay_positive, rotation, n_households) -> np.ndarray:
    """Padat karya's eligibility (:class:`simulation.policies.job_creation.PadatKarya`), numpy.

    A worker is eligible if not a formal employee (code 0), no member of the household is in a
    spell (``months_left != 0``), the last start was at least ``rotation`` months ago
    (int32 clock arithmetic) and the pay is worth it: for casual and own-account workers
    (codes 1, 2) ``forgone * earnings < pay`` in float32, for the others ``pay_positive``
    (``0 < pay`` of the unrounded pay). ``forgone`` and ``pay`` are float32 scalars (numpy
    casts a Python float to float32 against a float32 array, in arithmetic and comparisons).
    """
    informal_paid = (status == 1) | (status == 2)
    low = np.where(informal_paid, (forgone * earnings) < pay, bool(pay_positive))
    in_spell = np.zeros(n_households, dtype=bool)
    in_spell[household[np.flatnonzero(months_left)]] = True
    return ((status != 0) & ~in_spell.take(household)
            & (np.int32(clock) - last_start >= rotation) & low)


def public_works_eligible(status, earnings, household, months_left, last_start, clock,
                          forgone, pay, pay_positive, rotation, n_households) -> np.ndarray:
    """:func:`public_works_eligible_np` in two passes."""
    k = _nb()
    if k is None:
        return public_works_eligible_np(status, earnings, household, months_left, last_start,
                                        clock, forgone, pay, pay_positive, rotation,
                                        n_households)
    return k.public_works_eligible_nb(status, earnings, household, months_left, last_start,
                                      np.int32(clock), forgone, pay, bool(pay_positive),
                                      np.int32(rotation), int(n_households))


def update_earnings_np(status, sector, education, base, shock, z, table, rho, sd, half_var,
                       premium, earnings, months) -> None:
    """The earnings rule, in numpy (all float32 but the exponential, as detmath gives it).

    For each slot, ``paid`` is 1 for casual and own-account work (codes 1 and 2), else 0:

    * ``shock = (shock * rho + sd * z) * paid`` (the AR(1) informal shock, zero for others);
    * ``earnings = float32(float64(base * table[4 * (3 * status + sector) + education])
      * detmath.exp(shock - half_var * paid))`` (the index by status, sector and education);
    * ``earnings *= 1 + premium`` when ``premium`` is non-empty;
    * ``months += 1``.
    """
    informal_paid = (status == 1) | (status == 2)
    shock *= rho
    shock += sd * z
    shock *= informal_paid
    cell = status.astype(np.int32) * 3
    cell += sector
    cell *= 4
    cell += education
    np.multiply(base, table.take(cell), out=earnings)
    log_mult = shock - half_var * informal_paid
    earnings *= detmath.exp(log_mult)
    if premium.size:
        earnings *= 1 + premium
    months += 1


def update_earnings(status, sector, education, base, shock, z, table, rho, sd, half_var,
                    premium, earnings, months) -> None:
    """:func:`update_earnings_np` in one pass (in place on ``shock``, ``earnings``, ``months``).

    ``table`` is the float32 index by ``4 * (3 * status + sector) + education``; ``rho``, ``sd`` and
    ``half_var`` are float32 scalars; ``premium`` is the float32 ``earnings_premium`` modifier, or
    an empty array for none.
    """
    k = _nb()
    if k is None:
        update_earnings_np(status, sector, education, base, shock, z, table, rho, sd,
                           half_var, premium, earnings, months)
        return
    k.earnings_nb(status, sector, education, base, shock, z, table, rho, sd, half_var, premium,
                  earnings, months)


# ------------------------------------------------------------------ weighted selection
def unit_kth_np(values: np.ndarray, sizes: np.ndarray, k: int):
    """``np.partition(np.repeat(values, sizes), k)[k]``: the ``k``-th smallest person's value."""
    persons = np.repeat(np.asarray(values), np.asarray(sizes, dtype=np.int64))
    return np.partition(persons, k)[k]


def unit_kth(values: np.ndarray, sizes: np.ndarray, k: int):
    """:func:`unit_kth_np` without building the repeated array (numba: a weighted quickselect).

    The ``k``-th smallest of a multiset is a value, the same whatever the algorithm, so the
    kernel gives numpy's result exactly. NaN among ``values``, negative sizes, ``k`` outside
    ``[0, sizes.sum())``, other dtypes and numba off take numpy's path (and its errors).
    """
    kern = _nb()
    values = np.asarray(values)
    if (kern is None or values.ndim != 1 or values.dtype.kind != "f"
            or values.dtype.itemsize not in (4, 8) or len(values) == 0):
        return unit_kth_np(values, sizes, k)
    sizes = np.asarray(sizes)
    if sizes.dtype.kind not in "iu" or sizes.shape != values.shape:
        return unit_kth_np(values, sizes, k)
    status, value = kern.unit_kth_nb(np.ascontiguousarray(values),
                                     np.ascontiguousarray(sizes), int(k))
    if status:  # NaN, a negative size, k out of range or a bad order: numpy's result or error
        return unit_kth_np(values, sizes, k)
    return values.dtype.type(value)
