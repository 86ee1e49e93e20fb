"""Unit tests of simulation/sampling.py (seeded; statistical checks in standard deviations)."""

import numpy as np
import pytest

from simulation.sampling import (
    exact_count_flags,
    normal_scores_of_rank,
    split_by_shares,
    top_k_weighted,
)

TOL = 4.0  # standard deviations


def _inclusion_probabilities(w: np.ndarray) -> np.ndarray:
    """Exact chance of each unit being in a weighted sample of 2 drawn without replacement."""
    p = w / w.sum()
    out = p.copy()
    for j in range(len(w)):
        others = np.arange(len(w)) != j
        out[others] += p[j] * w[others] / (w.sum() - w[j])
    return out


@pytest.mark.parametrize("k", [0, 1, 3, 5, 6])
def test_picks_exactly_k_distinct(k):
    rng = np.random.default_rng(1)
    w = np.array([1.0, 2.0, 0.5, 3.0, 1.0, 4.0])
    idx = top_k_weighted(rng.random(6), w, k)
    assert len(idx) == k
    assert len(np.unique(idx)) == k


def test_k_is_clipped_to_positive_weights():
    w = np.array([0.0, 1.0, 0.0, 2.0])
    idx = top_k_weighted(np.full(4, 0.3), w, 4)
    assert sorted(idx.tolist()) == [1, 3]


def test_never_picks_zero_weights():
    rng = np.random.default_rng(7)
    for _ in range(200):
        w = rng.random(30) * (rng.random(30) < 0.5)
        idx = top_k_weighted(rng.random(30), w, 10)
        assert np.all(w[idx] > 0)
        assert len(idx) == min(10, int(np.count_nonzero(w)))


def test_all_zero_weights_pick_nothing():
    assert len(top_k_weighted(np.full(3, 0.5), np.zeros(3), 2)) == 0


def test_u_of_zero_is_allowed():
    idx = top_k_weighted(np.array([0.0, 0.5, 0.9]), np.ones(3), 2)
    assert sorted(idx.tolist()) == [1, 2]


def test_single_pick_frequency_proportional_to_weight():
    rng = np.random.default_rng(20240101)
    w = np.array([1.0, 2.0, 3.0, 4.0, 0.0, 10.0])
    reps = 20_000
    counts = np.zeros(len(w))
    for _ in range(reps):
        counts[top_k_weighted(rng.random(len(w)), w, 1)] += 1
    p = w / w.sum()
    sd = np.sqrt(reps * p * (1 - p))
    assert counts[4] == 0
    assert np.all(np.abs(counts - reps * p) <= TOL * np.maximum(sd, 1e-9))


def test_pair_inclusion_matches_successive_sampling():
    rng = np.random.default_rng(99)
    w = np.array([1.0, 2.0, 3.0, 6.0])
    reps = 20_000
    counts = np.zeros(len(w))
    for _ in range(reps):
        counts[top_k_weighted(rng.random(len(w)), w, 2)] += 1
    pi = _inclusion_probabilities(w)
    sd = np.sqrt(reps * pi * (1 - pi))
    assert np.all(np.abs(counts - reps * pi) <= TOL * sd)


def test_common_random_numbers_same_u_same_pick():
    u = np.random.default_rng(3).random(50)
    w = np.linspace(0.1, 5, 50)
    a = np.sort(top_k_weighted(u, w, 7))
    b = np.sort(top_k_weighted(u.copy(), w.copy(), 7))
    np.testing.assert_array_equal(a, b)


def test_exact_count_flags_count():
    rng = np.random.default_rng(4)
    for n, share in [(100, 0.0626), (7, 0.5), (1000, 0.4038), (10, 1.0), (10, 0.0)]:
        flags = exact_count_flags(rng.random(n), np.ones(n), share)
        assert flags.dtype == bool and flags.sum() == round(share * n)


def test_exact_count_flags_tilted_by_weight():
    rng = np.random.default_rng(8)
    n = 4000
    heavy = np.arange(n) < n // 2
    flags = exact_count_flags(rng.random(n), np.where(heavy, 3.0, 1.0), 0.1)
    assert flags[heavy].sum() > 2 * flags[~heavy].sum()


def test_split_by_shares_proportions():
    rng = np.random.default_rng(12)
    n = 50_000
    shares = np.array([0.2, 0.5, 0.3])
    codes = split_by_shares(rng.random(n), shares * 10)  # unnormalised shares are fine
    counts = np.bincount(codes, minlength=3)
    sd = np.sqrt(n * shares * (1 - shares))
    assert np.all(np.abs(counts - n * shares) <= TOL * sd)
    assert codes.dtype == np.int8


def test_split_by_shares_edges():
    codes = split_by_shares(np.array([0.0, 0.2, 0.9999999]), [0.2, 0.8])
    assert codes.tolist() == [0, 1, 1]


def test_normal_scores_of_rank_are_rank_preserving_and_symmetric():
    x = np.array([5.0, 1.0, 3.0, 3.0, 9.0])
    u = np.array([0.1, 0.2, 0.9, 0.3, 0.5])
    z = normal_scores_of_rank(x, u)
    order = np.lexsort((u, x))
    assert np.all(np.diff(z[order]) > 0)  # ties broken by u
    assert z[2] > z[3]  # equal x, larger u ranks higher
    assert z.sum() == pytest.approx(0.0, abs=1e-12)  # midpoint quantiles are symmetric
