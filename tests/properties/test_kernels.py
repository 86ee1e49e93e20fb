"""simulation.kernels: each numba kernel gives the bits of the numpy statement of its rule.

Every kernel is compared, bit for bit, with a direct numpy statement of the same rule (the
numpy call it replaces, or the ``*_np`` definition in :mod:`simulation.kernels`) on random
inputs with repeats, ties, zeros, empty and single-element arrays. Planted bugs (a kernel that
rounds differently, drops a tie or reorders a sum) must make these comparisons fail: see
``test_planted_bugs_are_caught``.
"""

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from simulation import detmath, kernels
from simulation.sampling import kth_smallest, person_quantile, top_k_weighted

pytestmark = pytest.mark.skipif(not kernels.use_kernels(), reason="numba is not in use")
SETTINGS = settings(max_examples=150, deadline=None, derandomize=True)
F32 = st.floats(-1e6, 1e6, width=32, allow_subnormal=False)


def same_bits(a, b) -> bool:
    a, b = np.asarray(a), np.asarray(b)
    if a.shape != b.shape or a.dtype != b.dtype:
        return False
    if a.dtype.kind == "f":
        ia = a.view(np.int32 if a.dtype == np.float32 else np.int64)
        ib = b.view(ia.dtype)
        return bool(((ia == ib) | (np.isnan(a) & np.isnan(b))).all())
    return bool((a == b).all())


@SETTINGS
@given(hnp.arrays(np.int64, st.integers(0, 3000), elements=st.integers(0, 2**44)),
       st.integers(0, 60))
def test_sort_keys_is_np_sort(keys, shift):
    keys = keys >> min(shift, 44)  # narrow ranges too: few digits, many ties
    assert same_bits(kernels.sort_keys(keys), np.sort(keys))


def _argsort_kernel(x):
    """kernels.argsort_stable with the kernel taken at every size."""
    saved = kernels.RADIX_MIN_SIZE
    kernels.RADIX_MIN_SIZE = 0
    try:
        return kernels.argsort_stable(x)
    finally:
        kernels.RADIX_MIN_SIZE = saved


@SETTINGS
@given(st.integers(0, 3000), st.integers(0, 2**32 - 1),
       st.sampled_from(["normal", "rounded", "zeros", "signed_zeros", "infinite", "lognormal",
                        "wide", "constant"]),
       st.sampled_from([np.float64, np.float32]))
def test_argsort_stable_is_a_stable_argsort_of_floats(n, seed, kind, dtype):
    g = np.random.default_rng(seed)
    x = {"normal": lambda: g.normal(0, 1e3, n),
         "rounded": lambda: np.round(g.normal(0, 3, n)),  # many ties
         "zeros": lambda: np.where(g.random(n) < 0.5, 0.0, g.normal(0, 1, n)),
         "signed_zeros": lambda: np.where(g.random(n) < 0.5, -0.0, 0.0),  # equal in numpy
         "infinite": lambda: np.choose(g.integers(0, 3, n), [np.inf, -np.inf, g.normal(0, 1, n)]),
         "lognormal": lambda: np.exp(g.normal(13, 0.6, n)),
         "wide": lambda: g.normal(0, 1, n) * 10.0 ** g.integers(-300, 300, n),
         "constant": lambda: np.full(n, 7.5)}[kind]()
    with np.errstate(over="ignore"):  # float32 of "wide" overflows to inf: still a case
        x = x.astype(dtype)
    assert same_bits(_argsort_kernel(x), np.argsort(x, kind="stable"))
    assert same_bits(kernels.argsort_stable(x), np.argsort(x, kind="stable"))


@SETTINGS
@given(st.integers(0, 3000), st.integers(0, 2**32 - 1),
       st.sampled_from([np.int64, np.int32, np.int8, np.uint32, np.uint16, np.uint64]),
       st.integers(1, 62))
def test_argsort_stable_is_a_stable_argsort_of_integers(n, seed, dtype, bits):
    g = np.random.default_rng(seed)
    info = np.iinfo(dtype)
    lo, hi = max(int(info.min), -(2 ** bits)), min(int(info.max), 2 ** bits)
    x = g.integers(lo, hi, n, endpoint=True, dtype=np.int64 if dtype != np.uint64 else np.uint64)
    x = x.astype(dtype)
    assert same_bits(_argsort_kernel(x), np.argsort(x, kind="stable"))


def test_argsort_stable_with_nan_and_on_large_arrays():
    g = np.random.default_rng(3)
    x = g.normal(size=50_000)
    x[::7] = np.nan  # NaN: numpy's sort (NaNs last, in index order)
    assert same_bits(_argsort_kernel(x), np.argsort(x, kind="stable"))
    x = np.round(g.lognormal(13, 0.6, 300_000), -2)  # the radix path, ties in index order
    assert same_bits(kernels.argsort_stable(x), np.argsort(x, kind="stable"))


@SETTINGS
@given(st.integers(1, 50), st.integers(0, 400), st.integers(0, 2**32 - 1))
def test_add_at_is_np_add_at(n, m, seed):
    g = np.random.default_rng(seed)
    target = g.normal(0, 1e5, n).astype(np.float32)
    idx = g.integers(-n, n, m)  # repeats and negative indices
    values = g.normal(0, 1e5, m).astype(np.float32)
    a, b = target.copy(), target.copy()
    kernels.add_at(a, idx, values)
    np.add.at(b, idx, values)
    assert same_bits(a, b)


def test_add_at_refuses_indices_out_of_range():
    with pytest.raises(IndexError):
        kernels.add_at(np.zeros(3, np.float32), np.array([0, 3]), np.ones(2, np.float32))


@SETTINGS
@given(hnp.arrays(np.int8, st.integers(0, 3000), elements=st.integers(0, 8)))
def test_stable_order_is_a_stable_argsort(codes):
    assert same_bits(kernels.stable_order(codes, 9), np.argsort(codes, kind="stable"))


@SETTINGS
@given(st.integers(0, 3000), st.integers(0, 2**32 - 1))
def test_applicant_cells_are_the_stable_sort(n, seed):
    g = np.random.default_rng(seed)
    static = g.integers(0, 4, n).astype(np.int8)
    status = g.integers(0, 5, n).astype(np.int8)
    eligible = g.random(n) < 0.9
    got = kernels.applicant_cells(static, status, eligible, 4)
    want = kernels.applicant_cells_np(static, status, eligible, 4)
    assert same_bits(got[0], want[0]) and same_bits(got[1], want[1])


@SETTINGS
@given(st.integers(0, 2000), st.integers(1, 30), st.booleans(), st.integers(0, 2**32 - 1))
def test_leavers_rule(n, n_emp, layoffs, seed):
    g = np.random.default_rng(seed)
    u = g.random(n, dtype=np.float32)
    status = g.integers(0, 5, n).astype(np.int8)
    employer = np.where(status <= 1, g.integers(-1, n_emp, n), -1).astype(np.int32)
    base = np.array([0.01, 0.05, 0.05, 0.05, 0.0], dtype=np.float32)
    share = g.random(n_emp + 1, dtype=np.float32) * np.float32(0.3) if layoffs else None
    if share is not None:
        share[0] = 0
    p = base.take(status) + (share.take(employer + 1) if share is not None else np.float32(0))
    assert same_bits(kernels.leavers(u, status, employer, base, share), np.flatnonzero(u < p))


@SETTINGS
@given(st.integers(0, 2000), st.integers(0, 2**32 - 1))
def test_seeker_weights_rule(n, seed):
    g = np.random.default_rng(seed)
    status = g.integers(0, 5, n).astype(np.int8)
    static = g.random(n, dtype=np.float32) * np.float32(3)
    intensity = np.array([0.0, 0.3, 0.3, 0.3, 1.0], dtype=np.float32)
    w, count = kernels.seeker_weights(status, static, intensity)
    expected = intensity.take(status) * static
    assert same_bits(w, expected) and count == np.count_nonzero(expected > 0)
    assert same_bits(kernels.positive(w, count), np.flatnonzero(expected > 0))


def _earnings_case(n, seed, with_premium, wild):
    g = np.random.default_rng(seed)
    status = g.integers(0, 5, n).astype(np.int8)
    sector = g.integers(0, 3, n).astype(np.int8)
    base = (g.lognormal(14, 1, n) * (status != 4)).astype(np.float32)
    shock = g.normal(0, 0.5, n).astype(np.float32)
    if wild and n:  # exp's specials: saturation and NaN
        shock[g.integers(0, n, 3)] = np.array([800.0, -800.0, np.nan], dtype=np.float32)
    z = g.normal(0, 1, n).astype(np.float32)
    education = g.integers(0, 4, n).astype(np.int8)
    table = (1 + g.random(60)).astype(np.float32)
    premium = (g.random(n) * 0.1 * (g.random(n) < 0.2)).astype(np.float32) if with_premium \
        else np.empty(0, np.float32)
    months = g.integers(0, 200, n).astype(np.int16)
    return (status, sector, education, base, shock, z, table, np.float32(0.8), np.float32(0.3),
            np.float32(0.12), premium, np.zeros(n, np.float32), months)


@SETTINGS
@given(st.integers(0, 2000), st.integers(0, 2**32 - 1), st.booleans(), st.booleans())
def test_update_earnings_rule(n, seed, with_premium, wild):
    a = _earnings_case(n, seed, with_premium, wild)
    b = tuple(x.copy() if isinstance(x, np.ndarray) else x for x in a)
    kernels.update_earnings(*a)
    kernels.update_earnings_np(*b)
    for x, y in zip(a, b, strict=True):
        if isinstance(x, np.ndarray):
            assert same_bits(x, y)


@SETTINGS
@given(hnp.arrays(np.float64, st.integers(1, 300_000),
                  elements=st.floats(0, 100, allow_nan=False) | st.sampled_from([np.inf, 1.0])),
       st.integers(1, 100_000))
def test_kth_smallest_is_partition(keys, k):
    k = min(k, len(keys))
    assert kth_smallest(keys, k) == np.partition(keys, k - 1)[k - 1]


def test_kth_smallest_on_large_arrays():
    g = np.random.default_rng(3)
    keys = np.concatenate([g.exponential(1, 400_000), np.full(1000, np.inf)])
    keys[::7] = keys[3]  # many ties
    for k in (1, 17, 4_000, 20_000, 24_000, 200_000):
        assert kth_smallest(keys, k) == np.partition(keys, k - 1)[k - 1]


@SETTINGS
@given(st.integers(1, 3000), st.integers(0, 2**32 - 1), st.sampled_from([np.float32, np.float64]),
       st.sampled_from(["lognormal", "few_values", "constant", "sorted", "reversed", "infinite",
                        "signed_zeros"]),
       st.sampled_from([np.int8, np.int64, np.uint8]), st.booleans(), st.floats(0, 1))
def test_unit_kth_is_the_partition_of_the_repeat(n, seed, dtype, kind, size_type, zero_sizes,
                                                  share):
    g = np.random.default_rng(seed)
    v = {"lognormal": lambda: g.lognormal(12, 0.7, n),
         "few_values": lambda: g.integers(0, 4, n).astype(float),
         "constant": lambda: np.full(n, 7.5),
         "sorted": lambda: np.sort(g.normal(0, 1, n)),
         "reversed": lambda: np.sort(g.normal(0, 1, n))[::-1],
         "infinite": lambda: np.where(g.random(n) < 0.2, np.inf, g.normal(0, 1, n)),
         "signed_zeros": lambda: np.where(g.random(n) < 0.5, -0.0, 0.0)}[kind]().astype(dtype)
    sizes = g.integers(0 if zero_sizes else 1, 9, n).astype(size_type)
    total = int(sizes.sum(dtype=np.int64))
    if total == 0:
        sizes[0] = 1
        total = 1
    k = min(int(share * total), total - 1)
    got, want = kernels.unit_kth(v, sizes, k), kernels.unit_kth_np(v, sizes, k)
    assert same_value(got, want)
    assert same_value(person_quantile(v, sizes, share), kernels.unit_kth_np(
        v, sizes, min(max(math.ceil(share * total) - 1, 0), total - 1)))


def same_value(a, b) -> bool:
    """The same number of the same type: bit for bit, except that ``-0.0`` equals ``0.0``.

    Which of tied signed zeros a selection returns depends on the algorithm (numpy's own
    partition included, whatever the CPU); they compare equal, which is all a cut is used for.
    """
    return type(a) is type(b) and (a == b or (np.isnan(a) and np.isnan(b)))


def test_unit_kth_falls_back_and_refuses_as_numpy_does():
    v = np.array([3.0, np.nan, 1.0, 2.0])
    sizes = np.array([1, 2, 1, 1])
    for k in range(5):  # NaN sorts last, as in numpy
        assert same_value(kernels.unit_kth(v, sizes, k), kernels.unit_kth_np(v, sizes, k))
    with pytest.raises(ValueError):  # a negative count, as np.repeat
        kernels.unit_kth(np.array([1.0, 2.0]), np.array([1, -1]), 0)
    with pytest.raises(ValueError):  # k beyond the persons, as np.partition
        kernels.unit_kth(np.array([1.0, 2.0]), np.array([1, 1]), 2)
    big = np.random.default_rng(5).lognormal(12, 0.7, 300_000).astype(np.float32)
    sizes = np.random.default_rng(6).integers(1, 9, 300_000).astype(np.int8)
    total = int(sizes.sum(dtype=np.int64))
    for k in (0, 1, total // 10, total // 2, total - 1):
        assert same_value(kernels.unit_kth(big, sizes, k), kernels.unit_kth_np(big, sizes, k))
    # A planted bug: selecting among households, not persons (sizes ignored), differs.
    k = total // 10
    assert kernels.unit_kth(big, sizes, k) != np.partition(big, k // 4)[k // 4]


@SETTINGS
@given(st.integers(1, 3000), st.integers(0, 2**32 - 1), st.sampled_from(["float32", "float64"]),
       st.booleans())
def test_gini_terms_are_the_numpy_terms(n, seed, dtype, ties):
    g = np.random.default_rng(seed)
    c = g.lognormal(13, 1.5, n)
    if ties:  # equal keys, zeros and negatives (clipped to 0)
        c = np.round(c, -5)
        c[g.random(n) < 0.1] = -5.0
    c = c.astype(dtype)
    size = g.integers(1, 128, n).astype(np.int8)
    got, want = kernels.gini_terms(c, size), kernels.gini_terms_np(c, size)
    assert same_bits(got[0], want[0]) and same_bits(got[1], want[1]) and got[2] == want[2]


@SETTINGS
@given(st.integers(0, 5000), st.integers(0, 2**32 - 1))
def test_normals_from_table_is_the_lookup(n, seed):
    raw = np.random.default_rng(seed).integers(0, 2**63, (n + 3) // 4, dtype=np.uint64)
    table = np.random.default_rng(1).normal(size=4096).astype(np.float32)
    want = table.take(raw.view(np.uint16)[:n] & np.uint16(4095))
    assert same_bits(kernels.normals_from_table(raw, table, n), want)


@SETTINGS
@given(st.integers(0, 2000), st.integers(1, 500), st.integers(0, 2**32 - 1),
       st.floats(0, 1), st.floats(0, 3e6))
def test_public_works_eligibility_rule(n, n_hh, seed, forgone, pay):
    g = np.random.default_rng(seed)
    status = g.integers(0, 5, n).astype(np.int8)
    earnings = (g.lognormal(14, 1, n) * (g.random(n) < 0.9)).astype(np.float32)
    household = np.sort(g.integers(0, n_hh, n)).astype(np.int32)
    months_left = (g.integers(0, 4, n) * (g.random(n) < 0.05)).astype(np.int8)
    last_start = g.integers(-12, 40, n).astype(np.int32)
    clock = int(g.integers(0, 60))
    args = (status, earnings, household, months_left, last_start, clock, np.float32(forgone),
            np.float32(pay), 0.0 < pay, 12, n_hh)
    want = kernels.public_works_eligible_np(*args)
    assert same_bits(kernels.public_works_eligible(*args), want)
    # The numpy statement is the policy's previous expression (Python floats, NEP 50).
    informal = (status == 1) | (status == 2)
    low = np.where(informal, (forgone * earnings) < pay, 0.0 < pay)
    in_spell = np.zeros(n_hh, dtype=bool)
    in_spell[household[np.flatnonzero(months_left)]] = True
    before = (status != 0) & ~in_spell.take(household) & (clock - last_start >= 12) & low
    assert same_bits(want, before)


def test_planted_bugs_are_caught():
    """Kernels with a planted bug fail the comparisons above."""
    g = np.random.default_rng(0)
    keys = g.integers(0, 2**40, 1000)
    assert not same_bits(np.sort(keys)[::-1], np.sort(keys))  # a descending "sort"
    target = np.zeros(3, np.float32)
    idx, values = np.array([0, 0, 0]), np.array([1e8, 1, 1], np.float32)
    wrong = target.copy()
    wrong[idx] += values  # fancy-index += drops repeats: np.add.at keeps them
    right = target.copy()
    kernels.add_at(right, idx, values)
    assert not same_bits(wrong, right)
    codes = np.array([1, 0, 1, 0], np.int8)
    assert not same_bits(np.argsort(-codes.astype(np.int64) + 1, kind="stable")[::-1],
                         kernels.stable_order(codes, 2))
    a = _earnings_case(500, 1, True, False)
    b = tuple(x.copy() if isinstance(x, np.ndarray) else x for x in a)
    kernels.update_earnings(*a)
    # A planted bug: the exponential taken in float32 instead of detmath's float64.
    status, sector, education, base, shock, z, table, rho, sd, half_var, premium, earn, months = b
    informal = (status == 1) | (status == 2)
    shock2 = (shock * rho + sd * z) * informal
    cell = (status.astype(np.int32) * 3 + sector) * 4 + education
    earn[:] = base * table.take(cell) * np.exp(
        (shock2 - half_var * informal).astype(np.float32)) * (1 + premium)
    assert not same_bits(a[11], earn)
    # The Gini terms with the running persons off by one unit (W_<i instead of W_<=i).
    c, size = np.array([3.0, 1.0, 2.0], np.float32), np.array([2, 1, 3], np.int8)
    vw, term, total = kernels.gini_terms_np(c, size)
    key = np.sort((np.rint(c).astype(np.int64) << 7) | size)
    w = key & 127
    shifted = vw * (2 * (np.cumsum(w) - w) - w - total).astype(np.float64)
    assert not same_bits(shifted, kernels.gini_terms(c, size)[1])
    # An unstable sort of tied values is not the stable argsort.
    ties = np.repeat(np.arange(5.0), 400)[::-1].copy()
    assert not same_bits(np.argsort(ties, kind="stable")[::-1], _argsort_kernel(ties))
    assert detmath.have_numba()


def _top_k_numpy(u, weights, k):
    """The numpy path of top_k_weighted (kernels switched off)."""
    saved = kernels._KERNELS
    kernels._KERNELS = False
    try:
        return top_k_weighted(u, weights, k)
    finally:
        kernels._KERNELS = saved


@SETTINGS
@given(st.integers(0, 3000), st.integers(0, 3000), st.integers(0, 2**32 - 1),
       st.sampled_from(["mixed", "equal", "zeros", "tiny"]), st.booleans())
def test_top_k_weighted_kernel_path_equals_numpy_path(n, k, seed, kind, as_float32):
    g = np.random.default_rng(seed)
    u = g.random(n, dtype=np.float32) if as_float32 else g.random(n)
    weights = {"mixed": g.random(n) * (g.random(n) < 0.8),
               "equal": np.full(n, 0.7) * (g.random(n) < 0.5),
               "zeros": np.zeros(n),
               "tiny": np.where(g.random(n) < 0.5, 1e-320, 2.0)}[kind]
    weights = weights.astype(np.float32) if as_float32 else weights
    assert same_bits(top_k_weighted(u, weights, k), _top_k_numpy(u, weights, k))
