"""Unit tests of simulation/measures.py: FGT, Gini, bottom share, labour indicators."""

import numpy as np
import pytest
from factories import worker_state

from simulation.measures import (
    INDICATOR_NAMES,
    INDICATORS,
    bottom_share,
    fgt,
    gini,
    labour_indicators,
    poverty_flows,
)
from simulation.state import CASUAL, FORMAL, OWN_ACCOUNT, UNEMPLOYED, UNPAID


# ------------------------------------------------------------------ FGT
def test_fgt_hand_computed_two_units():
    # Gaps: (100 - 50) / 100 = 0.5 and 0 -> P0 = 1/2, P1 = 0.5/2, P2 = 0.25/2.
    assert fgt(np.array([50.0, 150.0]), np.ones(2), 100.0) == (0.5, 0.25, 0.125)


def test_fgt_hand_computed_with_weights():
    # Units at 20, 60, 100 (exactly on the line: not poor), 200; weights 1, 3, 2, 4 (total 10).
    # Gaps 0.8 and 0.4; P0 = (1 + 3) / 10; P1 = (0.8 + 3 * 0.4) / 10 = 0.2;
    # P2 = (0.64 + 3 * 0.16) / 10 = 0.112.
    p0, p1, p2 = fgt(np.array([20.0, 60.0, 100.0, 200.0]), np.array([1.0, 3.0, 2.0, 4.0]), 100.0)
    assert p0 == pytest.approx(0.4, abs=1e-15)
    assert p1 == pytest.approx(0.2, abs=1e-15)
    assert p2 == pytest.approx(0.112, abs=1e-15)


def test_fgt_zero_consumption_has_gap_one():
    assert fgt(np.array([0.0, 0.0]), np.ones(2), 100.0) == (1.0, 1.0, 1.0)


def test_fgt_nobody_poor():
    assert fgt(np.array([100.0, 300.0]), np.ones(2), 100.0) == (0.0, 0.0, 0.0)


def test_fgt_zero_total_weight_is_zero_not_nan():
    assert fgt(np.array([1.0]), np.zeros(1), 100.0) == (0.0, 0.0, 0.0)


def test_fgt_weights_equal_duplicated_rows():
    rng = np.random.default_rng(5)
    c = rng.lognormal(6, 1, size=50)
    w = rng.integers(1, 5, size=50).astype(float)
    dup = np.repeat(c, w.astype(int))
    assert fgt(c, w, 400.0) == pytest.approx(fgt(dup, np.ones(len(dup)), 400.0), rel=1e-12)


def test_fgt_scale_invariant_in_weights():
    c = np.array([10.0, 50.0, 90.0, 120.0])
    w = np.array([1.0, 2.0, 3.0, 4.0])
    assert fgt(c, w, 100.0) == pytest.approx(fgt(c, 7.5 * w, 100.0), rel=1e-12)


# ------------------------------------------------------------------ Gini
def test_gini_equal_values_is_zero():
    assert gini(np.full(7, 3.0), np.ones(7)) == pytest.approx(0.0, abs=1e-12)
    assert gini(np.full(5, 3.0), np.array([1.0, 5.0, 2.0, 9.0, 0.5])) == pytest.approx(0.0,
                                                                                   abs=1e-12)


@pytest.mark.parametrize("n", [2, 4, 10, 100])
def test_gini_one_holder_is_n_minus_one_over_n(n):
    v = np.zeros(n)
    v[n // 2] = 5.0
    assert gini(v, np.ones(n)) == pytest.approx((n - 1) / n, rel=1e-12)


def test_gini_one_holder_with_weights():
    # Persons: holder has weight 2, others total 6 -> 8 persons, holder share of persons 1/4.
    # Lorenz curve is 0 up to 3/4 then rises linearly to 1: area 1/8, Gini 1 - 2/8 = 0.75.
    v = np.array([0.0, 0.0, 10.0, 0.0])
    w = np.array([1.0, 2.0, 2.0, 3.0])
    assert gini(v, w) == pytest.approx(0.75, rel=1e-12)


def test_gini_hand_computed_two_values():
    # Values 1 and 3, equal weights: Lorenz points (0.5, 0.25), (1, 1).
    # Area = 0.5 * 0.25 / 2 + 0.5 * (0.25 + 1) / 2 = 0.375; Gini = 1 - 0.75 = 0.25.
    assert gini(np.array([3.0, 1.0]), np.ones(2)) == pytest.approx(0.25, rel=1e-12)


def test_gini_weights_equal_duplicated_rows():
    rng = np.random.default_rng(11)
    v = rng.lognormal(0, 0.8, size=40)
    w = rng.integers(1, 6, size=40)
    dup = np.repeat(v, w)
    assert gini(v, w.astype(float)) == pytest.approx(gini(dup, np.ones(len(dup))), rel=1e-12)


def test_gini_invariant_to_order_and_scale():
    rng = np.random.default_rng(2)
    v = rng.lognormal(0, 1, size=30)
    w = rng.random(30) + 0.1
    perm = rng.permutation(30)
    assert gini(v, w) == pytest.approx(gini(v[perm], w[perm]), rel=1e-12)
    assert gini(v, w) == pytest.approx(gini(10 * v, w), rel=1e-12)
    assert gini(v, w) == pytest.approx(gini(v, 3 * w), rel=1e-12)


def test_gini_all_zero_is_zero():
    assert gini(np.zeros(3), np.ones(3)) == 0.0


# ------------------------------------------------------------------ bottom share
def test_bottom_share_equal_values_is_the_share():
    assert bottom_share(np.full(10, 2.0), np.ones(10), 0.4) == pytest.approx(0.4, rel=1e-12)


def test_bottom_share_hand_computed_with_split_unit():
    # Values 1, 2, 3, 4 (total 10), each unit a quarter of the people: the bottom 40% is the
    # unit holding 1 (25%) plus 15/25 of the unit holding 2 -> (1 + 0.6 * 2) / 10 = 0.22.
    assert bottom_share(np.array([4.0, 1.0, 3.0, 2.0]), np.ones(4), 0.4) == pytest.approx(0.22)


def test_bottom_share_exact_cut():
    # Bottom half of 1, 2, 3, 4 is units 1 and 2: 3 / 10.
    assert bottom_share(np.array([1.0, 2.0, 3.0, 4.0]), np.ones(4), 0.5) == pytest.approx(0.3)


def test_bottom_share_weights_equal_duplicated_rows():
    v = np.array([1.0, 5.0, 2.0, 8.0])
    w = np.array([2, 1, 3, 4])
    dup = np.repeat(v, w)
    assert bottom_share(v, w.astype(float), 0.4) == pytest.approx(
        bottom_share(dup, np.ones(len(dup)), 0.4), rel=1e-12)


def test_bottom_share_whole_population_is_one():
    v = np.array([1.0, 5.0, 2.0])
    assert bottom_share(v, np.ones(3), 1.0) == pytest.approx(1.0)


# ------------------------------------------------------------------ labour indicators
def test_labour_indicators_tiny_state():
    # Household 0 (weight 1): formal, unemployed. Household 1 (weight 3): casual, own-account,
    # unpaid. Labour force 2 + 9 = 11; unemployed 1 -> 1/11. Employed 10, formal 1 -> 9/10.
    w = worker_state([0, 0, 1, 1, 1], [FORMAL, UNEMPLOYED, CASUAL, OWN_ACCOUNT, UNPAID])
    out = labour_indicators(w, np.array([1.0, 3.0]))
    assert out["unemployment_rate"] == pytest.approx(1 / 11)
    assert out["informality_rate"] == pytest.approx(9 / 10)


def test_labour_indicators_all_unemployed_and_empty():
    w = worker_state([0, 0], [UNEMPLOYED, UNEMPLOYED])
    assert labour_indicators(w, np.ones(1)) == {"unemployment_rate": 1.0, "informality_rate": 0.0}
    empty = worker_state([], [])
    assert labour_indicators(empty, np.ones(1)) == {"unemployment_rate": 0.0,
                                                    "informality_rate": 0.0}


def test_labour_indicators_weights_equal_duplicated_rows():
    w = worker_state([0, 1, 1], [UNEMPLOYED, FORMAL, CASUAL])
    dup = worker_state([0, 0, 1, 1, 2, 2], [UNEMPLOYED, UNEMPLOYED, FORMAL, CASUAL, FORMAL, CASUAL])
    assert labour_indicators(w, np.array([2.0, 2.0])) == pytest.approx(
        labour_indicators(dup, np.ones(3)))


# ------------------------------------------------------------------ flows and metadata
class _History:
    def __init__(self, bits):
        self.poor_history = np.asarray(bits, dtype=np.uint16)


def test_poverty_flows_hand_computed():
    now, then = 1, 1 << 12
    # Persons 1: poor now only (entry). 2: poor then only (exit). 3: poor both. 4: never.
    hh = _History([now, then, now | then, 0])
    w = np.array([1.0, 2.0, 3.0, 4.0])
    out = poverty_flows(hh, w, step=12)
    assert out["poor_entry_share"] == pytest.approx(1 / 4)  # 1 of the 1 + 3 poor now
    assert out["poor_exit_share"] == pytest.approx(2 / 5)  # 2 of the 2 + 3 poor then


def test_poverty_flows_nan_before_a_year():
    out = poverty_flows(_History([1]), np.ones(1), step=11)
    assert np.isnan(out["poor_entry_share"]) and np.isnan(out["poor_exit_share"])


def test_indicator_names_are_unique_and_labelled():
    assert len(set(INDICATOR_NAMES)) == len(INDICATOR_NAMES)
    for ind in INDICATORS:
        assert ind.label and ind.unit, ind.name
