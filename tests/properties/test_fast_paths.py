"""Fast paths give the same results as the plain computations they replaced.

Each test compares one optimised routine with its reference (the straightforward computation,
or the previous implementation copied here) on random inputs with ties, zeros, empty and
single-element arrays, all-equal values and unsorted layouts:

* ``argsort_ties`` equals ``np.lexsort`` (``np.argsort(kind="stable")`` without tie keys);
* ``top_k_weighted`` picks the same set as the previous implementation;
* ``WorkerState.households_with`` and ``status_counts`` equal ``np.bincount`` computations;
* ``Registry.lowest`` (head scan) equals filtering the whole registry order;
* ``gini_of_households`` equals ``gini`` of rounded consumption with person weights;
* ``poverty_indicators`` (subset FGT) equals ``fgt`` on both lines, persons and households;
* ``poverty_flows`` (subset sums) equals the previous full-mask computation.
"""

from dataclasses import fields

import numpy as np
import pytest
from factories import worker_state
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from simulation import detmath
from simulation.measures import fgt, gini, gini_of_households, poverty_flows, poverty_indicators
from simulation.parameter_set import baseline_parameters
from simulation.sampling import argsort_ties, person_quantile, top_k_weighted
from simulation.state import STATUS_NAMES, HouseholdState
from simulation.streams import Streams
from simulation.targeting import Registry

PARAMS = baseline_parameters()
SEED = st.integers(0, 2**32 - 1)


# ------------------------------------------------------------------ references (previous code)
def reference_top_k_weighted(u: np.ndarray, weights: np.ndarray, k: int) -> np.ndarray:
    """The rule of ``simulation.sampling.top_k_weighted`` stated directly.

    The ``k`` smallest Efraimidis-Spirakis keys ``-log(u) / w`` among positive weights, ties
    broken by the lower index (a full stable sort; ``argpartition``'s tie order depends on the
    CPU, which is why the model no longer uses it). Returned in index order.
    """
    weights = np.asarray(weights, dtype=np.float64)
    positive = np.flatnonzero(weights > 0)
    k = int(min(k, len(positive)))
    if k <= 0:
        return np.empty(0, dtype=np.int64)
    w = weights[positive]
    if w.min() == w.max():  # equal chances: the largest draws (keys would only rescale them)
        keys = -np.asarray(u, dtype=np.float64)[positive]
    else:
        with np.errstate(over="ignore"):  # a tiny weight's key overflows: it ties at the top
            keys = np.minimum(-detmath.log(np.maximum(np.asarray(u, dtype=np.float64)[positive],
                                                      1e-12)) / w, np.finfo(np.float64).max)
    return np.sort(positive[np.argsort(keys, kind="stable")[:k]])


def old_poverty_flows(hh: HouseholdState, w_p: np.ndarray, step: int) -> dict[str, float]:
    """``simulation.measures.poverty_flows`` before the fast path (HEAD~1)."""
    if step < 12:
        return {"poor_entry_share": float("nan"), "poor_exit_share": float("nan")}
    now = (hh.poor_history & 1).astype(bool)
    then = (hh.poor_history >> 12 & 1).astype(bool)
    w_now = w_p[now].sum()
    w_then = w_p[then].sum()
    entry = w_p[now & ~then].sum() / w_now if w_now > 0 else float("nan")
    exit_ = w_p[then & ~now].sum() / w_then if w_then > 0 else float("nan")
    return {"poor_entry_share": float(entry), "poor_exit_share": float(exit_)}


def _same(a: float, b: float) -> bool:
    """Exactly equal, NaN equal to NaN."""
    return (np.isnan(a) and np.isnan(b)) or a == b


# ------------------------------------------------------------------ state builders
def _households(consumption, size, weight=None, poor_history=None) -> HouseholdState:
    """A HouseholdState with the given consumption and sizes; other fields zero."""
    consumption = np.asarray(consumption, dtype=np.float32)
    n = len(consumption)
    arrays = dict(
        weight=np.ones(n) if weight is None else np.asarray(weight, dtype=np.float64),
        size=np.asarray(size, dtype=np.int8), consumption=consumption,
        poor_history=(np.zeros(n, dtype=np.uint16) if poor_history is None
                      else np.asarray(poor_history, dtype=np.uint16)),
        extreme_history=np.zeros(n, dtype=np.uint16), is_urban=np.zeros(n, dtype=bool),
        n_adults=np.ones(n, dtype=np.int8), education=np.zeros(n, dtype=np.int8),
        measured=consumption.copy(),  # measured as it was consumed (no bills, no aid in kind)
    )
    for f in fields(HouseholdState):
        arrays.setdefault(f.name, np.zeros(n, dtype=np.float32))
    return HouseholdState(**arrays)



# ------------------------------------------------------------------ 1. argsort_ties
# Few distinct values (many ties), -0.0 next to 0.0, infinities, extremes of the dtype.
FLOAT_VALUES = st.sampled_from([-0.0, 0.0, 1.0, -1.0, 0.5, 2.5, 1e300, -np.inf, np.inf, 3.0])
FLOAT32_VALUES = st.sampled_from([-0.0, 0.0, 1.0, -1.0, 0.5, 2.5, 3e38, -np.inf, np.inf, 3.0])
INT_VALUES = st.integers(-3, 3) | st.sampled_from([-128, 127])


@st.composite
def tie_arrays(draw):
    n = draw(st.integers(0, 500))
    kind = draw(st.sampled_from(["f8", "f4", "i8", "i4", "i1", "u2", "continuous"]))
    if kind == "continuous":  # few or no ties: the quicksort order is kept as is
        x = np.random.default_rng(draw(SEED)).standard_normal(n)
    elif kind == "f4":
        x = draw(hnp.arrays(np.float32, n, elements=FLOAT32_VALUES))
    elif kind == "f8":
        x = draw(hnp.arrays(np.float64, n, elements=FLOAT_VALUES))
    elif kind == "u2":
        x = draw(hnp.arrays(np.uint16, n, elements=st.integers(0, 3) | st.just(65535)))
    else:
        x = draw(hnp.arrays(np.dtype(kind), n, elements=INT_VALUES))
    n_keys = draw(st.integers(0, 2))
    keys = []
    for _ in range(n_keys):
        key_kind = draw(st.sampled_from(["f8", "i4", "random"]))
        if key_kind == "random":  # a random tie-breaker, as the callers pass
            keys.append(np.random.default_rng(draw(SEED)).random(n))
        elif key_kind == "f8":
            keys.append(draw(hnp.arrays(np.float64, n, elements=FLOAT_VALUES)))
        else:
            keys.append(draw(hnp.arrays(np.int32, n, elements=st.integers(0, 2))))
    return x, keys


@settings(max_examples=300, deadline=None, derandomize=True)
@given(data=tie_arrays())
def test_argsort_ties_equals_lexsort(data):
    """argsort_ties(x, *keys) == np.lexsort((*reversed(keys), x)), element for element."""
    x, keys = data
    got = argsort_ties(x, *keys)
    want = np.lexsort((*reversed(keys), x))
    np.testing.assert_array_equal(got, want)
    assert len(got) == len(x)
    if not keys:
        np.testing.assert_array_equal(got, np.argsort(x, kind="stable"))


@pytest.mark.parametrize("x", [
    np.array([], dtype=np.float64), np.array([7.0]), np.zeros(300), np.full(257, -0.0),
    np.array([0.0, -0.0, 0.0, -0.0, 1.0, -0.0]), np.arange(50)[::-1].astype(np.int8),
    np.tile([2.0, 1.0], 100), np.array([5, 5, 5, 1, 1, 9], dtype=np.int64),
    np.full(17, np.nan), np.array([np.nan, 1.0, np.nan, 0.0, 1.0, np.nan]),
    np.array([3.0, np.nan], dtype=np.float32),
])
def test_argsort_ties_edge_cases(x):
    """Empty, one element, all equal, signed zeros, reversed, alternating ties, NaNs (last)."""
    np.testing.assert_array_equal(argsort_ties(x), np.argsort(x, kind="stable"))
    key = np.arange(len(x))[::-1].astype(np.float64)  # reverses the index order within ties
    np.testing.assert_array_equal(argsort_ties(x, key), np.lexsort((key, x)))


def test_argsort_ties_docstring_example():
    x = np.array([2., 1., 2., 1.])
    k = np.array([.5, .9, .1, .9])
    assert argsort_ties(x, k).tolist() == [1, 3, 2, 0] == np.lexsort((k, x)).tolist()


# ------------------------------------------------------------------ 2. top_k_weighted
@st.composite
def weighted_draws(draw):
    n = draw(st.integers(0, 300))
    u_dtype = draw(st.sampled_from([np.float32, np.float64]))
    # Few distinct draws (ties in the keys) or arbitrary ones; 0 hits the 1e-12 floor.
    u_values = draw(st.sampled_from([
        st.sampled_from([0.0, 0.25, 0.5, 0.75]),
        st.floats(0.0, 1.0, exclude_max=True, width=32 if u_dtype is np.float32 else 64)]))
    u = draw(hnp.arrays(u_dtype, n, elements=u_values))
    # Subnormal weights included: their keys overflow, and must still come before zero weights.
    weights = draw(hnp.arrays(np.float64, n, elements=st.sampled_from([0.0, 0.0, 1.0, 2.0, 0.5])
                              | st.sampled_from([5e-324, 1.1e-308]) | st.floats(0.0, 1e6)))
    if draw(st.booleans()):
        weights = weights.astype(draw(st.sampled_from([np.float32, np.int64])))
    k = draw(st.integers(-1, n + 3))
    return u, weights, k


@settings(max_examples=300, deadline=None, derandomize=True)
@given(data=weighted_draws())
def test_top_k_weighted_follows_its_rule(data):
    """The rule stated directly (ties to the lower index), incl. zero weights, k > #positive."""
    u, weights, k = data
    with np.errstate(over="ignore"):  # log(u) / tiny weight overflows in both
        got = top_k_weighted(u, weights, k)
        want = reference_top_k_weighted(u, weights, k)
    assert got.tolist() == want.tolist()
    n_positive = int((np.asarray(weights, dtype=np.float64) > 0).sum())
    assert len(got) == max(min(k, n_positive), 0)
    assert len(set(got.tolist())) == len(got)  # without replacement
    assert (np.asarray(weights)[got] > 0).all()  # zero weights never picked


@pytest.mark.parametrize("u_dtype", [np.float32, np.float64])
def test_top_k_weighted_edge_cases(u_dtype):
    u = np.array([0.5, 0.0, 0.9, 0.1, 0.5], dtype=u_dtype)
    for w in (np.zeros(5), np.ones(5), np.array([0.0, 1.0, 0.0, 2.0, 0.0]), np.full(5, 3.0)):
        for k in range(0, 8):
            assert top_k_weighted(u, w, k).tolist() == reference_top_k_weighted(
                u, w, k).tolist(), (w, k)
    assert len(top_k_weighted(np.empty(0, dtype=u_dtype), np.empty(0), 3)) == 0
    assert top_k_weighted(np.array([0.3], dtype=u_dtype), np.array([1.0]), 1).tolist() == [0]


# ------------------------------------------------------------------ 3, 4. WorkerState
@st.composite
def worker_layouts(draw):
    """Worker slots household by household (sorted) or shuffled; some households empty."""
    n_hh = draw(st.integers(0, 60))
    per_hh = draw(hnp.arrays(np.int64, n_hh, elements=st.integers(0, 6)))
    household = np.repeat(np.arange(n_hh), per_hh)
    status = draw(hnp.arrays(np.int8, len(household), elements=st.integers(0, 4)))
    if draw(st.booleans()) and len(household) > 1:
        perm = np.random.default_rng(draw(SEED)).permutation(len(household))
        household, status = household[perm], status[perm]
    n_query = draw(st.integers(0, 80))
    queries = draw(hnp.arrays(np.int64, n_query, elements=st.integers(0, max(n_hh - 1, 0))))
    if n_hh == 0:
        queries = queries[:0]
    s = draw(st.integers(0, 4))
    return household, status, queries, n_hh, s


@settings(max_examples=300, deadline=None, derandomize=True)
@given(data=worker_layouts())
def test_households_with_equals_bincount(data):
    """households_with(s, q) == (bincount(household[status == s], minlength=H) > 0)[q]."""
    household, status, queries, n_hh, s = data
    w = worker_state(household, status)
    want = (np.bincount(household[status == s], minlength=n_hh) > 0)[queries]
    got = w.households_with(s, queries)
    assert got.dtype == bool
    np.testing.assert_array_equal(got, want)
    # Every status on the same state (the sorted-layout flag is cached per state).
    for other in range(len(STATUS_NAMES)):
        want = (np.bincount(household[status == other], minlength=n_hh) > 0)[queries]
        np.testing.assert_array_equal(w.households_with(other, queries), want)


def test_households_with_edge_cases():
    # Sorted: household 1 has no workers, household 3 has five (the longest run), repeats.
    w = worker_state([0, 0, 2, 3, 3, 3, 3, 3], [4, 2, 2, 0, 0, 0, 0, 2])
    q = np.array([3, 3, 1, 0, 2, 0, 3, 1])
    np.testing.assert_array_equal(w.households_with(2, q),
                                  [True, True, False, True, True, True, True, False])
    assert w.households_with(2, np.array([], dtype=np.int64)).shape == (0,)
    # The same slots shuffled (fallback path) give the same flags.
    perm = np.array([7, 2, 0, 5, 1, 3, 6, 4])
    u = worker_state(np.array([0, 0, 2, 3, 3, 3, 3, 3])[perm],
                     np.array([4, 2, 2, 0, 0, 0, 0, 2])[perm])
    np.testing.assert_array_equal(u.households_with(2, q), w.households_with(2, q))
    # No workers at all; a single worker; queried households beyond the last worker's.
    empty = worker_state([], [])
    np.testing.assert_array_equal(empty.households_with(0, np.array([0, 4, 4])), [False] * 3)
    one = worker_state([2], [3])
    np.testing.assert_array_equal(one.households_with(3, np.array([0, 2, 5, 2])),
                                  [False, True, False, True])


@settings(max_examples=200, deadline=None, derandomize=True)
@given(status=hnp.arrays(np.int8, st.integers(0, 500), elements=st.integers(0, 4)))
def test_status_counts_equals_bincount(status):
    """status_counts() == np.bincount(status, minlength=5), as int64."""
    w = worker_state(np.zeros(len(status), dtype=np.int32), status)
    got = w.status_counts()
    np.testing.assert_array_equal(got, np.bincount(status, minlength=5))
    assert got.dtype == np.int64 and got.shape == (5,)


# ------------------------------------------------------------------ 5. Registry.lowest
def _registry(n: int, seed: int) -> Registry:
    rng = np.random.default_rng(seed)
    size = rng.integers(1, 9, n)
    # Rounded consumption: ties in per-capita consumption (broken by the registry's draws).
    consumption = np.round(rng.lognormal(13.5, 0.6, n), -5) * (rng.random(n) < 0.9)
    return Registry(PARAMS, _households(consumption, size), Streams(seed))


REGISTRIES = {n: _registry(n, 1000 + n) for n in (1, 2, 7, 300, 3000, 12_000)}


def _check_lowest(reg: Registry, eligible: np.ndarray, k: int) -> None:
    order = reg._order
    want = order[eligible[order]][:max(k, 0)]
    np.testing.assert_array_equal(reg.lowest(k, eligible), want)


@settings(max_examples=120, deadline=None, derandomize=True)
@given(n=st.sampled_from(sorted(REGISTRIES)), seed=SEED,
       density=st.sampled_from([0.0, 1e-4, 1e-3, 0.01, 0.1, 0.5, 0.99, 1.0]),
       k_share=st.floats(0.0, 1.5), k_extra=st.integers(-1, 3))
def test_registry_lowest_equals_full_filter(n, seed, density, k_share, k_extra):
    """lowest(k, eligible) == order[eligible[order]][:k] for masks of any density, any k."""
    reg = REGISTRIES[n]
    eligible = np.random.default_rng(seed).random(n) < density
    n_eligible = int(eligible.sum())
    k = int(k_share * n_eligible) + k_extra
    _check_lowest(reg, eligible, k)
    _check_lowest(reg, eligible, n_eligible)
    _check_lowest(reg, eligible, n_eligible + 1)
    np.testing.assert_array_equal(reg.lowest(max(k, 0)), reg._order[:max(k, 0)])


@pytest.mark.parametrize("n", sorted(REGISTRIES))
def test_registry_lowest_edge_masks(n):
    """All / none eligible; only the richest (last in order), only the poorest, every 997th."""
    reg = REGISTRIES[n]
    order = reg._order
    masks = [np.zeros(n, dtype=bool), np.ones(n, dtype=bool)]
    for pick in (order[-1:], order[:1], order[::997], order[-3:], order[n // 2:n // 2 + 2]):
        m = np.zeros(n, dtype=bool)
        m[pick] = True
        masks.append(m)
    for eligible in masks:
        n_eligible = int(eligible.sum())
        for k in sorted({0, 1, 2, n_eligible - 1, n_eligible, n_eligible + 1, 1024, 5000, n + 5}):
            _check_lowest(reg, eligible, k)


# ------------------------------------------------------------------ 6. gini_of_households
@st.composite
def household_consumption(draw, equal_weights: bool, integer_consumption: bool = False):
    n = draw(st.integers(1, 300))
    size = draw(hnp.arrays(np.int8, n, elements=st.integers(1, 20)))
    shape = draw(st.sampled_from(["any", "few", "equal", "zeros"]))
    if shape == "any":
        c = draw(hnp.arrays(np.float64, n, elements=st.floats(0.0, 1e8)))
    elif shape == "few":  # many ties, some exact halves (rounding to even)
        c = draw(hnp.arrays(np.float64, n, elements=st.sampled_from(
            [0.0, 0.5, 1.5, 2.5, 1e5, 123456.7, 5e7])))
    elif shape == "equal":
        c = np.full(n, draw(st.floats(0.0, 1e8)))
    else:
        c = np.zeros(n)
    if integer_consumption:
        c = np.rint(c)
    if equal_weights:
        weight = np.full(n, draw(st.floats(1e-3, 1e6)))
    else:
        weight = draw(hnp.arrays(np.float64, n, elements=st.floats(1e-3, 1e6)))
        if n > 1 and (weight == weight[0]).all():
            weight[-1] = weight[0] * 2.0 + 1.0
    return c, size, weight


def _gini_reference(c, size, weight):
    return gini(np.rint(np.maximum(c, 0.0)), weight * size)


@settings(max_examples=300, deadline=None, derandomize=True)
@given(data=household_consumption(equal_weights=True))
def test_gini_of_households_fast_path(data):
    """Equal weights (packed-key path): gini of rounded consumption with person weights."""
    c, size, weight = data
    got = gini_of_households(c, size, weight)
    assert got == pytest.approx(_gini_reference(c, size, weight), abs=1e-12, rel=0)
    if (c == c[0]).all():
        assert abs(got) <= 1e-12


@settings(max_examples=150, deadline=None, derandomize=True)
@given(data=household_consumption(equal_weights=False, integer_consumption=True))
def test_gini_of_households_fallback(data):
    """Unequal weights (fallback to gini): the same value on whole-rupiah consumption."""
    c, size, weight = data
    got = gini_of_households(c, size, weight)
    assert got == pytest.approx(_gini_reference(c, size, weight), abs=1e-12, rel=0)
    assert got == gini(c, weight * size)


def test_gini_of_households_edge_cases():
    one = np.ones(1)
    for c in (np.array([0.0]), np.array([5.0]), np.zeros(10), np.full(10, 3.0)):
        w = np.ones(len(c))
        assert gini_of_households(c, np.full(len(c), 4, dtype=np.int8), w) == 0.0
    assert gini_of_households(np.array([7.0]), np.array([20], dtype=np.int8), one) == 0.0
    # Negative consumption counts as zero in the fast path.
    c = np.array([-5.0, 0.0, 10.0, 10.0])
    s = np.array([1, 3, 2, 20], dtype=np.int8)
    assert gini_of_households(c, s, np.ones(4)) == pytest.approx(
        _gini_reference(c, s, np.ones(4)), abs=1e-12, rel=0)
    # One rich person among many: the Gini approaches 1 - 1/persons.
    c = np.array([0.0] * 9 + [1e6])
    s = np.ones(10, dtype=np.int8)
    assert gini_of_households(c, s, np.ones(10)) == pytest.approx(0.9, abs=1e-12)


# ------------------------------------------------------------------ 7. poverty_indicators
FGT_KEYS = {
    ("extreme", "persons"): ("extreme_poverty_rate", "extreme_poverty_gap",
                             "extreme_poverty_severity"),
    ("national", "persons"): ("poverty_rate", "poverty_gap", "poverty_severity"),
    ("extreme", "households"): ("extreme_poverty_rate_households",
                                "extreme_poverty_gap_households",
                                "extreme_poverty_severity_households"),
    ("national", "households"): ("poverty_rate_households", "poverty_gap_households",
                                 "poverty_severity_households"),
}


@st.composite
def poverty_cases(draw):
    n = draw(st.integers(1, 300))  # the indicators include the Gini, undefined on no households
    rng = np.random.default_rng(draw(SEED))
    size = rng.integers(1, 21, n).astype(np.int8)
    shape = draw(st.sampled_from(["lognormal", "few", "equal", "zeros"]))
    if shape == "lognormal":
        consumption = rng.lognormal(13.5, 0.8, n)
    elif shape == "few":
        consumption = rng.choice([0.0, 4e5, 8e5, 1.6e6, 3.2e6], n) * size
    elif shape == "equal":
        consumption = np.full(n, 1.2e6)
    else:
        consumption = np.zeros(n)
    weight_kind = draw(st.sampled_from(["equal", "random", "some zero", "all zero"]))
    weight = {"equal": np.full(n, 37.5), "random": rng.uniform(1.0, 500.0, n),
              "some zero": rng.uniform(1.0, 500.0, n) * (rng.random(n) < 0.7),
              "all zero": np.zeros(n)}[weight_kind]
    hh = _households(consumption, size, weight)
    c_pc = hh.consumption / hh.size
    # Lines: random, or exactly at a household's per-capita consumption (not poor at the line).
    candidates = [st.floats(1.0, 5e6)]
    if n:
        candidates.append(st.sampled_from(sorted({float(v) for v in c_pc if v > 0}) or [1.0]))
    lines = st.one_of(*candidates)
    a, b = draw(lines), draw(lines)
    scale = draw(st.sampled_from([1.0, 0.25, 1234.5]))
    return hh, a, b, scale


def _check_poverty(hh, extreme, national, scale):
    with np.errstate(invalid="ignore"):  # zero total weight: mean consumption is NaN
        out = poverty_indicators(hh, extreme, national, population_scale=scale)
    c_pc = hh.consumption / hh.size
    w_hh = hh.weight * scale
    w_p = w_hh * hh.size
    for (line_name, unit), keys in FGT_KEYS.items():
        line = extreme if line_name == "extreme" else national
        want = fgt(c_pc, w_p if unit == "persons" else w_hh, line)
        got = tuple(out[k] for k in keys)
        assert got == want, (line_name, unit, got, want)
    total = float(w_p.sum())
    assert out["extreme_poor_persons"] == out["extreme_poverty_rate"] * total
    assert out["poor_persons"] == out["poverty_rate"] * total


@settings(max_examples=200, deadline=None, derandomize=True)
@given(data=poverty_cases())
def test_poverty_indicators_equal_fgt(data):
    """Exactly fgt() on both lines, persons and households, whichever line is higher."""
    hh, a, b, scale = data
    _check_poverty(hh, min(a, b), max(a, b), scale)  # subset path (extreme <= national)
    _check_poverty(hh, max(a, b), min(a, b), scale)  # fallback (extreme > national, or equal)
    _check_poverty(hh, a, a, scale)  # equal lines


def test_poverty_indicators_edge_cases():
    size = np.array([1, 2, 4, 3], dtype=np.int8)
    # Per-capita 100, 100, 50, 0: lines at, between and above those values.
    hh = _households([100.0, 200.0, 200.0, 0.0], size, [1.0, 2.0, 0.0, 3.0])
    for extreme in (50.0, 99.0, 100.0, 101.0, 1e9):
        for national in (50.0, 100.0, 100.5, 1e9):
            _check_poverty(hh, extreme, national, 1.0)
    everyone_poor = _households([10.0, 20.0], np.array([1, 1], dtype=np.int8))
    _check_poverty(everyone_poor, 50.0, 100.0, 1.0)
    _check_poverty(_households([5.0], np.array([2], dtype=np.int8)), 1.0, 3.0, 1.0)


# ------------------------------------------------------------------ 8. poverty_flows
@st.composite
def flow_cases(draw):
    n = draw(st.integers(0, 300))
    rng = np.random.default_rng(draw(SEED))
    kind = draw(st.sampled_from(["random", "sparse", "zeros", "ones"]))
    if kind == "random":
        history = rng.integers(0, 2**16, n, dtype=np.uint16)
    elif kind == "sparse":  # bits 0 and 12 set in a few households only, other bits anywhere
        history = rng.integers(0, 2**16, n, dtype=np.uint16) & np.uint16(0xEFFE)
        history |= (rng.random(n) < 0.1).astype(np.uint16)
        history |= (rng.random(n) < 0.1).astype(np.uint16) << np.uint16(12)
    elif kind == "zeros":
        history = np.zeros(n, dtype=np.uint16)
    else:
        history = np.full(n, 0xFFFF, dtype=np.uint16)
    w_p = draw(st.sampled_from([
        rng.uniform(0.0, 1e4, n), np.ones(n), rng.uniform(0.0, 1e4, n) * (rng.random(n) < 0.5),
        np.zeros(n)]))
    step = draw(st.sampled_from([0, 11, 12, 13, 120]))
    return history, w_p, step


@settings(max_examples=200, deadline=None, derandomize=True)
@given(data=flow_cases())
def test_poverty_flows_equal_full_mask(data):
    """Entry and exit shares equal the previous full-mask sums exactly (NaN where undefined)."""
    history, w_p, step = data
    hh = _households(np.ones(len(history)), np.ones(len(history)), poor_history=history)
    got = poverty_flows(hh, w_p, step)
    want = old_poverty_flows(hh, w_p, step)
    assert got.keys() == want.keys()
    for key in want:
        assert _same(got[key], want[key]), (key, got[key], want[key])


def test_poverty_flows_edge_cases():
    cases = [
        np.array([0x0001, 0x1000, 0x1001, 0x0000, 0xFFFF, 0xEFFE], dtype=np.uint16),
        np.array([0x1000], dtype=np.uint16), np.array([0x0001], dtype=np.uint16),
        np.array([], dtype=np.uint16),
    ]
    for history in cases:
        hh = _households(np.ones(len(history)), np.ones(len(history)), poor_history=history)
        for w_p in (np.arange(1.0, len(history) + 1), np.zeros(len(history))):
            got, want = poverty_flows(hh, w_p, 12), old_poverty_flows(hh, w_p, 12)
            for key in want:
                assert _same(got[key], want[key]), (history, w_p, key)


# ------------------------------------------------------------------ person_quantile
@settings(max_examples=300, deadline=None, derandomize=True)
@given(data=st.data())
def test_person_quantile_equals_the_sorted_cumulative_rule(data):
    """The unit whose cumulative persons first reach share x total, in sorted order."""
    n = data.draw(st.integers(1, 60))
    values = data.draw(hnp.arrays(np.float64, n, elements=st.sampled_from([1.0, 2.0, 3.0])
                                  | st.floats(0, 1e7)))
    sizes = data.draw(hnp.arrays(np.int8, n, elements=st.integers(1, 20)))
    share = data.draw(st.floats(0.0, 1.0))
    order = argsort_ties(values)
    cum = np.cumsum(sizes[order].astype(np.float64))
    want = values[order[min(int(np.searchsorted(cum, share * cum[-1], "left")), n - 1)]]
    assert person_quantile(values, sizes, share) == want
