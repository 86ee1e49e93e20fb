"""One payment calendar, in the burn-in and the run, and scheduled payments spread (issue 15).

PKH pays quarterly (January, April, July, October) before April 2021 as after it, and households
spend a scheduled payment over the months it covers
(``households.consumption.scheduled_payment_spread_share``, 1 by default). So the same annual
amount paid monthly or quarterly gives the same March poverty, within sampling error; with the
share at 0 (each tranche income of its month) the quarterly calendar makes March, the third
month after the January tranche, a trough, and the same comparison detects it.
"""

from types import SimpleNamespace

import numpy as np
import pytest
from short_burn_in import SHORT_PARAMS

from simulation.macro import START_MONTH
from simulation.model import PovertyModel
from simulation.parameter_set import month_index
from simulation.policies.transfers import CashTransfer

N = 6000
SEEDS = (1, 2, 3)
MARCHES = ("2022-03", "2023-03")
SPREAD = "households.consumption.scheduled_payment_spread_share"


def pkh(every: int) -> dict:
    return {"type": "assistance", "label": "pkh", "programme": "pkh", "pay_every": every}


def march_poverty(spread: float, every: int, seed: int) -> np.ndarray:
    """Extreme and national poverty (percent) in each March, PKH paid every ``every`` months."""
    params = SHORT_PARAMS.with_changes({SPREAD: spread})
    model = PovertyModel(params, n_households=N, seed=seed, end="2023-03", policies=[pkh(every)])
    out = model.run()
    rows = [out["date"].index(m) for m in MARCHES]
    return 100 * np.array([[out["extreme_poverty_rate"][i], out["poverty_rate"][i]]
                           for i in rows])


def differences(spread: float) -> np.ndarray:
    """Quarterly minus monthly, per seed (common random numbers): shape (seeds, Marches, 2)."""
    return np.array([march_poverty(spread, 3, s) - march_poverty(spread, 1, s) for s in SEEDS])


def test_monthly_or_quarterly_gives_the_same_march_poverty():
    d = differences(1.0)
    se = d.std(axis=0, ddof=1) / np.sqrt(len(SEEDS))
    assert np.all(np.abs(d.mean(axis=0)) <= 3 * se + 0.02), d  # percentage points


def test_unspread_quarterly_tranches_make_march_a_trough():
    """The check has power: without spreading, quarterly PKH leaves March poorer."""
    d = differences(0.0)
    national = d[:, :, 1]
    se = national.std(axis=0, ddof=1) / np.sqrt(len(SEEDS))
    assert np.all(national.mean(axis=0) > 3 * se), national
    assert np.all(national.mean(axis=0) > 0.05), national


@pytest.mark.parametrize("month, arrears, every, paid", [
    ("2021-01", False, 3, 3), ("2021-02", False, 3, 0), ("2021-03", False, 3, 0),
    ("2020-10", False, 3, 3), ("2020-04", False, 3, 3), ("2021-03", True, 3, 3),
    ("2021-01", True, 3, 0), ("2020-12", True, 3, 3), ("2021-02", False, 1, 1),
    ("2021-03", False, 2, 0), ("2021-02", False, 2, 2),
])
def test_the_burn_in_continues_the_calendar_backwards(month, arrears, every, paid):
    p = CashTransfer(label="x", amount_monthly=1, share=0.1, pay_every=every, in_arrears=arrears)
    p._in_force = np.array([True])
    p._pay_every = np.array([every])
    model = SimpleNamespace(calendar_month=month_index(month))
    assert p._burn_in_months_paid(model) == paid


def test_the_start_has_released_the_january_tranche_and_april_sets_aside_the_next():
    model = PovertyModel(SHORT_PARAMS, n_households=3000, seed=4, end="2021-05",
                         policies=[pkh(3)])
    hh = model.households
    assert model.calendar_month == START_MONTH
    got = model.policies[0].recipients(model)
    assert got.sum() > 0
    assert np.all(hh.earmarked == 0) and np.all(hh.earmarked_months == 0)
    model.step()  # April 2021: the quarter's tranche, a third released now
    amount = 3 * float(model.params.value("programmes.assistance.pkh_benefit_monthly"))
    paid = np.flatnonzero(hh.earmarked > 0)
    assert len(paid) > 0 and np.all(hh.earmarked_months[paid] == 2)
    np.testing.assert_allclose(hh.earmarked[paid], amount * 2 / 3, rtol=1e-5)
    np.testing.assert_allclose(hh.released[paid], amount / 3, rtol=1e-5)
    model.step()  # May: another third
    np.testing.assert_allclose(hh.earmarked[paid], amount / 3, rtol=1e-5)
    assert np.all(hh.transfers == 0)  # nothing paid in cash in May
