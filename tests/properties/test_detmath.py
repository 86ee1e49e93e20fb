"""simulation.detmath: accurate, and the numba kernels give the numpy definition's bits.

The model's answer may not depend on the CPU, so its transcendental functions are computed from
correctly rounded IEEE operations (see the module docstring). Two things can go wrong: a
formula that is simply wrong (caught by the accuracy checks against numpy's own functions, to
a few units in the last place), and a numba kernel that drifts from the numpy definition (an
operation reordered, a constant changed: caught bit for bit, on random and special inputs).
"""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp
from scipy.special import ndtri as scipy_ndtri

from simulation import detmath

pytestmark = pytest.mark.skipif(not detmath.have_numba(), reason="numba is not installed")

FLOATS = st.floats(allow_nan=True, allow_infinity=True, width=64)
SPECIAL = [0.0, -0.0, 1.0, -1.0, np.inf, -np.inf, np.nan, 5e-324, 2.2250738585072014e-308,
           1e-310, 700.0, -700.0, 700.1, -700.1, 709.0, 1e300, -1e-300]


def _numba(fn, x):
    """The numba path (arrays of at least the kernel threshold)."""
    x = np.asarray(x)
    reps = -(-detmath._NUMBA_MIN_SIZE // max(len(x), 1))
    return fn(np.tile(x, reps))[:len(x)]


def _same_bits(a, b) -> bool:
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    # NaNs count as equal whatever their payload; everything else must match bit for bit.
    return a.shape == b.shape and bool(((a.view(np.int64) == b.view(np.int64))
                                        | (np.isnan(a) & np.isnan(b))).all())


def _ulps(a, b):
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    ok = np.isfinite(b) & (b != 0)
    return np.abs(a[ok] - b[ok]) / np.spacing(np.abs(b[ok]))


@settings(max_examples=200, deadline=None, derandomize=True)
@given(hnp.arrays(np.float64, st.integers(1, 64), elements=FLOATS))
def test_exp_numba_equals_numpy_bits(x):
    assert _same_bits(_numba(detmath.exp, x), detmath._exp_np(x))


@settings(max_examples=200, deadline=None, derandomize=True)
@given(hnp.arrays(np.float64, st.integers(1, 64), elements=FLOATS))
def test_log_numba_equals_numpy_bits(x):
    assert _same_bits(_numba(detmath.log, x), detmath._log_np(x))


@settings(max_examples=200, deadline=None, derandomize=True)
@given(hnp.arrays(np.float32, st.integers(1, 64),
                  elements=st.floats(allow_nan=True, allow_infinity=True, width=32)))
def test_float32_inputs_equal_their_float64_values(x):
    x64 = x.astype(np.float64)
    assert _same_bits(_numba(detmath.log, x), detmath._log_np(x64))
    assert _same_bits(_numba(detmath.exp, x), detmath._exp_np(x64))


@settings(max_examples=300, deadline=None, derandomize=True)
@given(FLOATS)
def test_scalars_equal_the_numpy_definition_bits(v):
    """Scalars take the same operations on Python floats (not numpy, not numba)."""
    x = np.array([v])
    assert _same_bits([detmath.exp(v)], detmath._exp_np(x))
    assert _same_bits([detmath.log(v)], detmath._log_np(x))
    assert isinstance(detmath.exp(v), float) and isinstance(detmath.log(np.float32(1.5)), float)


def test_special_values_both_paths():
    x = np.array(SPECIAL)
    for fn, ref in ((detmath.exp, detmath._exp_np), (detmath.log, detmath._log_np)):
        assert _same_bits(_numba(fn, x), ref(x))
        assert _same_bits(np.array([fn(v) for v in SPECIAL]), ref(x))  # scalars: numpy path
    with np.errstate(all="ignore"):
        want_log = np.log(x)
    got = detmath.log(x)
    assert _same_bits(got[~np.isfinite(want_log)], want_log[~np.isfinite(want_log)])
    assert detmath.exp(-np.inf) == 0.0 and detmath.exp(np.inf) == np.inf
    assert np.isnan(detmath.exp(np.nan)) and np.isnan(detmath.log(-1.0))


@pytest.mark.parametrize("low,high", [(-700, 700), (-1, 1), (-1e-8, 1e-8), (-30, 5)])
def test_exp_within_one_ulp(low, high):
    x = np.random.default_rng(1).uniform(low, high, 100_000)
    assert _ulps(detmath.exp(x), np.exp(x)).max() <= 1.0


@pytest.mark.parametrize("scale", ["wide", "near_one", "unit"])
def test_log_within_one_ulp(scale):
    g = np.random.default_rng(2)
    x = {"wide": g.random(100_000) * 10.0 ** g.integers(-307, 307, 100_000),
         "near_one": 1.0 + g.uniform(-1e-6, 1e-6, 100_000),
         "unit": g.random(100_000)}[scale]
    assert _ulps(detmath.log(x), np.log(x)).max() <= 1.0


def test_exact_points():
    assert detmath.exp(0.0) == 1.0 and detmath.log(1.0) == 0.0
    assert detmath.power(1.0, 0.3) == 1.0 and detmath.power(5.0, 0.0) == 1.0
    assert detmath.power(0.0, 2.0) == 0.0 and detmath.power(0.0, 0.0) == 1.0
    assert detmath.power(0.0, -1.0) == np.inf
    assert np.isnan(detmath.power(-2.0, 0.5))
    assert detmath.log(2.0 ** 40) == 40 * detmath._LN2_HI + 40 * detmath._LN2_LO


def test_power_broadcasts_and_is_accurate():
    g = np.random.default_rng(3)
    x, y = g.uniform(0.01, 100, 10_000), g.uniform(-3, 3, 10_000)
    got = detmath.power(x, y)
    assert got.shape == x.shape
    assert (np.abs(got / x ** y - 1) < 1e-14).all()
    assert detmath.power(x, 0.5).shape == x.shape
    assert detmath.power(2.0, np.array([0.0, 1.0, 2.0])).tolist() == [1.0, 2.0, 4.0]
    assert isinstance(detmath.power(2.0, 3.0), float)


def test_ndtri_matches_scipy():
    p = np.concatenate([np.linspace(1e-12, 1 - 1e-12, 50_001), [1e-300, 1e-20, 0.5]])
    got, want = detmath.ndtri(p), scipy_ndtri(p)
    assert np.max(np.abs(got - want) / np.maximum(np.abs(want), 1e-300)) < 1e-14
    assert detmath.ndtri(0.5) == 0.0
    assert detmath.ndtri(0.0) == -np.inf and detmath.ndtri(1.0) == np.inf
    assert np.isnan(detmath.ndtri(1.5))
    assert (np.diff(detmath.ndtri(np.linspace(0.001, 0.999, 10_001))) > 0).all()  # monotone


def test_planted_bug_is_caught():
    """A kernel with one operation reordered gives different bits: the checks above can fail."""
    x = np.random.default_rng(4).uniform(-5, 5, 10_000)
    r = x - np.rint(detmath._INV_LN2 * x) * detmath._LN2_HI
    reordered = 1.0 + r * (1.0 + r * 0.5)
    direct = 1.0 + (r + 0.5 * r * r)
    assert not _same_bits(reordered, direct)


def test_disabled_numba_gives_the_same_bits(tmp_path):
    """POVSIM_NUMBA=0 (the numpy path everywhere) gives the numba path's bits."""
    import json
    import subprocess
    import sys

    code = ("import json, numpy as np; from simulation import detmath as d; "
            "x = np.random.default_rng(5).uniform(-50, 50, 5000); "
            "print(json.dumps([d.have_numba(), d.exp(x).view(np.int64).tolist()[:2000:7], "
            "d.log(np.abs(x)).view(np.int64).tolist()[:2000:7]]))")
    runs = [json.loads(subprocess.run([sys.executable, "-c", code], capture_output=True,
                                      text=True, check=True, env={**__import__("os").environ,
                                                                  "POVSIM_NUMBA": flag}
                                      ).stdout) for flag in ("1", "0")]
    assert runs[0][0] is True and runs[1][0] is False
    assert runs[0][1:] == runs[1][1:]
