"""Unit tests of simulation/households.py: income, the buffer-stock rule, poverty history."""

from dataclasses import fields, replace

import numpy as np
import pytest
from factories import worker_state

from simulation.households import (
    ConsumptionSettings,
    consume,
    receive_income,
    record_poverty_history,
)
from simulation.parameter_set import baseline_parameters
from simulation.state import HouseholdState

# The consumption rule with round numbers; other settings as in the baseline.
RULE = replace(ConsumptionSettings.from_params(baseline_parameters()),
               permanent_income_weight=0.15, buffer_drawdown_rate=0.25,
               borrowing_limit_months=0.5)


def _households(income, buffer_months=0.0, savings=None, perm=None, size=4, kappa=1.0,
                other=0.0, transfers=0.0):
    income = np.atleast_1d(np.asarray(income, dtype=np.float64))
    n = len(income)

    def f32(x):
        return np.broadcast_to(np.asarray(x, dtype=np.float64), (n,)).astype(np.float32)

    b = f32(buffer_months)
    arrays = dict(
        weight=np.ones(n), size=np.broadcast_to(np.int8(size), (n,)).astype(np.int8),
        n_adults=np.full(n, 2, dtype=np.int8), is_urban=np.zeros(n, dtype=bool),
        education=np.zeros(n, dtype=np.int8), other_income=f32(other), kappa=f32(kappa),
        buffer_months=b, transfers=f32(transfers), labour_income=np.zeros(n, dtype=np.float32),
        income=f32(income), perm_income=f32(income if perm is None else perm),
        savings=f32(b * income if savings is None else savings), consumption=f32(income),
        measured=f32(income), poor_history=np.zeros(n, dtype=np.uint16),
        extreme_history=np.zeros(n, dtype=np.uint16),
    )
    # Fields this test does not know about (the state grows) start at zero.
    for f in fields(HouseholdState):
        arrays.setdefault(f.name, np.zeros(n, dtype=np.float32))
    return HouseholdState(**arrays)


def test_settings_from_baseline_parameters():
    p = baseline_parameters()
    s = ConsumptionSettings.from_params(p)
    assert s.buffer_drawdown_rate == p.value("households.consumption.buffer_drawdown_rate")
    assert s.permanent_income_weight == p.value("households.consumption.permanent_income_weight")
    assert s.borrowing_limit_months == p.value("households.consumption.borrowing_limit_months")


# ------------------------------------------------------------------ the consumption rule
def test_steady_state_is_a_fixed_point():
    y = np.array([400_000.0, 1_500_000.0, 2_000_000.0, 9_000_000.0])
    hh = _households(y, buffer_months=[0.0, 0.1, 1.0, 3.0])
    s0 = hh.savings.copy()
    for _ in range(24):
        consume(hh, RULE)
        np.testing.assert_allclose(hh.consumption, y, rtol=1e-6)
        np.testing.assert_allclose(hh.perm_income, y, rtol=1e-6)
    np.testing.assert_allclose(hh.savings, s0, rtol=1e-5, atol=1.0)


def test_consumption_never_exceeds_cash_on_hand_plus_credit():
    rng = np.random.default_rng(3)
    n = 5000
    hh = _households(rng.lognormal(14, 1, n), buffer_months=rng.random(n) * 3,
                     savings=rng.normal(0, 3e6, n), perm=rng.lognormal(14, 1, n))
    for _ in range(6):
        hh.income[:] = rng.lognormal(14, 1.2, n) * (rng.random(n) < 0.9)
        s_before = hh.savings.astype(np.float64).copy()
        consume(hh, RULE)
        limit = (s_before + hh.income + RULE.borrowing_limit_months
                 * hh.perm_income.astype(np.float64))
        c = hh.consumption.astype(np.float64)
        assert np.all(c >= 0.0)
        assert np.all(c <= np.maximum(limit, 0.0) * (1 + 1e-6) + 1.0)
        # Savings move by income less consumption.
        np.testing.assert_allclose(hh.savings, s_before + hh.income - c, rtol=1e-5, atol=2.0)


def test_deep_debt_gives_zero_consumption_not_negative():
    hh = _households([100_000.0], savings=[-10_000_000.0], perm=[100_000.0])
    consume(hh, RULE)
    assert hh.consumption[0] == 0.0


def test_borrowing_limit_binds_after_income_loss():
    # No buffer, income falls to zero: consumption is cut to savings + credit line.
    hh = _households([0.0], buffer_months=0.0, savings=[0.0], perm=[1_000_000.0])
    consume(hh, RULE)
    perm = 0.85 * 1_000_000.0
    assert hh.consumption[0] == pytest.approx(0.5 * perm, rel=1e-6)
    assert hh.savings[0] == pytest.approx(-0.5 * perm, rel=1e-6)


@pytest.mark.parametrize("b", [0.0, 0.5, 2.0])
def test_transitory_gain_spent_partly_now_rest_later(b):
    y, gain = 2_000_000.0, 1_000_000.0
    hh = _households([y], buffer_months=b)
    hh.income[:] = y + gain
    consume(hh, RULE)
    extra = [float(hh.consumption[0]) - y]
    # Month one: C = P + g (S - b P) with P = y + w G and S = b y, so C - y = w G (1 - g b).
    w, g = RULE.permanent_income_weight, RULE.buffer_drawdown_rate
    assert extra[0] == pytest.approx(w * gain * (1 - g * b), rel=1e-5)
    assert 0 < extra[0] < gain
    hh.income[:] = y
    for _ in range(240):
        consume(hh, RULE)
        extra.append(float(hh.consumption[0]) - y)
    total = np.cumsum(extra)
    assert total[-1] == pytest.approx(gain, rel=1e-3)
    assert total[12] > 0.5 * gain  # most of it within a year
    # The buffer returns to its target.
    assert hh.savings[0] == pytest.approx(b * y, rel=1e-3, abs=1e3)


def test_transitory_gain_nothing_spent_with_zero_weight_and_no_drawdown():
    rule = replace(RULE, permanent_income_weight=0.0, buffer_drawdown_rate=0.0)
    hh = _households([1_000_000.0])
    hh.income[:] = 2_000_000.0
    consume(hh, rule)
    assert hh.consumption[0] == pytest.approx(1_000_000.0)
    assert hh.savings[0] == pytest.approx(1_000_000.0)


def test_households_are_independent():
    y = np.array([1_000_000.0, 3_000_000.0])
    both = _households(y, buffer_months=1.0)
    both.income[1] *= 2
    consume(both, RULE)
    alone = _households(y[:1], buffer_months=1.0)
    consume(alone, RULE)
    assert both.consumption[0] == alone.consumption[0]


# ------------------------------------------------------------------ income
def _workers(household, earnings):
    return worker_state(household, earnings=earnings)


NO_SHARING = replace(RULE, risk_sharing_share=0.0, expectation_adjustment_rate=0.0)


def test_receive_income_sums_members_and_adds_other_income():
    hh = _households([0.0, 0.0, 0.0], other=[100.0, 200.0, 0.0], transfers=[0.0, 50.0, 10.0])
    w = _workers([0, 0, 1], [1000.0, 500.0, 2000.0])  # household 2 has no workers
    receive_income(hh, w, 1.5, NO_SHARING)
    np.testing.assert_allclose(hh.labour_income, [1500.0, 2000.0, 0.0])
    # kappa = 1 (no long-term saving), no risk sharing: Y = labour + other * index + transfers.
    np.testing.assert_allclose(hh.income, [1650.0, 2000 + 300 + 50, 10.0], rtol=1e-6)


def test_receive_income_risk_sharing_hand_computed():
    # Two rural households expecting 2000; A earns 1000 (a bad month), B earns 2000. Expectations
    # adapt by 10% of the gap: E_A = 2000 + 0.1 * (1000 - 2000) = 1900, E_B = 2000. The network
    # owes A half the gap: 0.5 * 900 = 450, B nothing. The levy that balances the pool is
    # lambda = 450 / (1900 + 2000) of expected income: A receives 450 - 1900 lambda = 230.77 and
    # B pays 2000 lambda = 230.77. Y_A = 1000 + 230.77 + other 100 = 1330.77.
    rule = replace(RULE, risk_sharing_share=0.5, expectation_adjustment_rate=0.1)
    hh = _households([0.0, 0.0], other=[100.0, 0.0])
    hh.expected_labour[:] = 2000.0
    receive_income(hh, _workers([0, 1], [1000.0, 2000.0]), 1.0, rule)
    lam = 450.0 / 3900.0
    assert hh.expected_labour[0] == pytest.approx(1900.0, rel=1e-6)
    assert hh.shared.tolist() == pytest.approx([450 - 1900 * lam, -2000 * lam], rel=1e-5)
    assert hh.income[0] == pytest.approx(1000 + 450 - 1900 * lam + 100, rel=1e-6)
    assert abs(float(hh.shared.sum())) < 1e-3  # what A receives, B pays


def test_risk_sharing_pools_are_by_residence():
    rule = replace(RULE, risk_sharing_share=0.5, expectation_adjustment_rate=0.0)
    hh = _households([0.0, 0.0, 0.0])
    hh.is_urban[:] = [True, False, False]
    hh.expected_labour[:] = 2000.0
    receive_income(hh, _workers([0, 1, 2], [1000.0, 1000.0, 2000.0]), 1.0, rule)
    assert hh.shared[0] == pytest.approx(0.0, abs=1e-3)  # alone in its pool: nobody to share with
    assert hh.shared[1] > 0 > hh.shared[2]
    assert hh.shared[1] + hh.shared[2] == pytest.approx(0.0, abs=1e-3)


def test_receive_income_long_term_saving_is_at_most_one_minus_kappa():
    hh = _households([0.0, 0.0], kappa=[0.8, 0.8], other=[1000.0, 1000.0])
    hh.reference_income[:] = 4000.0
    w = _workers([0], [3000.0])  # household 0 earns, household 1 does not
    receive_income(hh, w, 1.0, NO_SHARING)
    gross = np.array([4000.0, 1000.0])
    # At the reference income the saving share is 1 - kappa; below it, less.
    assert hh.income[0] == pytest.approx(0.8 * 4000.0, rel=1e-6)
    assert 0.8 * 1000.0 < hh.income[1] <= 1000.0
    assert np.all(hh.income <= gross * (1 + 1e-6))
    # The saving is not lost: it goes into long-term savings.
    np.testing.assert_allclose(hh.wealth, gross - hh.income, rtol=1e-6)
    np.testing.assert_allclose(hh.saving, gross - hh.income, rtol=1e-6)


def test_more_gross_income_never_means_less_to_spend():
    """The saving share's exponent keeps the marginal propensity to save at most 1."""
    kappa = np.array([0.05, 0.2, 0.4, 0.5, 0.8, 1.0])
    previous = None
    for other in np.linspace(0.0, 6000.0, 121):
        hh = _households(np.zeros(len(kappa)), kappa=kappa, other=np.full(len(kappa), other))
        hh.reference_income[:] = 4000.0
        receive_income(hh, _workers([], []), 1.0, NO_SHARING)
        if previous is not None:
            assert (hh.income >= previous - 1e-3).all(), (other, hh.income, previous)
        previous = hh.income.copy()


# ------------------------------------------------------------------ poverty history
def test_poverty_history_bits_shift():
    hh = _households([0.0, 0.0, 0.0], size=2)
    hh.poor_history[:] = [0b1, 0b0, 0b101]
    hh.extreme_history[:] = [0b1, 0b0, 0b0]
    # Per person: 100 (extreme poor), 250 (poor), 400 (not poor); lines 200 and 300.
    hh.measured[:] = [200.0, 500.0, 800.0]
    record_poverty_history(hh, extreme_line=200.0, national_line=300.0)
    assert hh.poor_history.tolist() == [0b11, 0b1, 0b1010]
    assert hh.extreme_history.tolist() == [0b11, 0b0, 0b0]


def test_poverty_history_keeps_sixteen_months():
    hh = _households([0.0], size=1)
    hh.measured[:] = [1.0]
    for _ in range(20):
        record_poverty_history(hh, 10.0, 10.0)
    assert hh.poor_history[0] == 0xFFFF
    hh.measured[:] = [100.0]
    record_poverty_history(hh, 10.0, 10.0)
    assert hh.poor_history[0] == 0xFFFE
    assert hh.poor_history.dtype == np.uint16


def test_poverty_history_twelve_months_later_is_bit_twelve():
    hh = _households([0.0], size=1)
    hh.measured[:] = [1.0]
    record_poverty_history(hh, 10.0, 10.0)  # poor now
    hh.measured[:] = [100.0]
    for _ in range(12):
        record_poverty_history(hh, 10.0, 10.0)
    assert (hh.poor_history[0] >> 12) & 1 == 1
    assert hh.poor_history[0] & 0xFFF == 0
