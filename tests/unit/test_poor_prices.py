"""Prices the poor face and the recovery of low wages (issue 15, item 7)."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from simulation import labour_market as lm
from simulation.macro import compile_paths
from simulation.model import PovertyModel
from simulation.parameter_set import baseline_parameters, month_index
from simulation.state import AGRICULTURE, FORMAL, OWN_ACCOUNT, SERVICES

PARAMS = baseline_parameters()
PATHS = compile_paths(PARAMS, "2024-12")


def step(month: str) -> int:
    return int(np.flatnonzero(PATHS.months == month_index(month))[0])


def test_employee_wages_by_education_follow_sakernas_between_rounds():
    """Rows 164-165 and 172-173: primary or less 1.65 -> 1.91 M Rp, university 3.99 -> 4.62,
    August 2021 to August 2022; the formal wage index before the first round and after the
    last."""
    w, f = PATHS.formal_wage_by_education, PATHS.formal_wage_index
    a21, a22, a23, d24 = step("2021-08"), step("2022-08"), step("2023-08"), step("2024-12")
    assert w[0, a22] / w[0, a21] == pytest.approx(1.91 / 1.65, rel=1e-9)
    assert w[3, a22] / w[3, a21] == pytest.approx(4.62 / 3.99, rel=1e-9)
    assert w[0, a23] / w[0, a22] == pytest.approx(2.03 / 1.91, rel=1e-9)  # row 162
    np.testing.assert_array_equal(w[:, : a21 + 1], np.broadcast_to(f[: a21 + 1], (4, a21 + 1)))
    np.testing.assert_allclose(w[:, d24] / w[:, a23], f[d24] / f[a23], rtol=1e-12)
    # Low wages recover faster than one index (+2-4% a year) would carry them.
    assert w[0, a22] / w[0, a21] > 1.1 > f[a22] / f[a21]


def test_the_poor_s_prices_are_the_national_line():
    """Rows 41 and 53: the line rose from Rp 472,525 to Rp 550,458, March 2021 to March 2023,
    faster than the CPI (the extreme line stays on the CPI)."""
    m23 = step("2023-03")
    assert PATHS.poor_price_rel[m23] == pytest.approx(550_458 / 472_525, rel=1e-9)
    assert PATHS.poor_price_rel[m23] > PATHS.cpi_rel[m23] * 1.05
    np.testing.assert_allclose(PATHS.extreme_line / PATHS.extreme_line[0], PATHS.cpi_rel,
                               rtol=1e-12)


def test_farm_income_is_valued_at_the_poor_s_prices_and_wages_by_education():
    m = PovertyModel(PARAMS, n_households=2_000, seed=1, end="2023-03")
    while m.paths.label(m.t) != "2023-03":
        m.step()
    w = m.workers
    t = m.t
    # Recompute this month's pay of shock-free slots from the rule's inputs.
    real = np.ones(3)
    prices = np.full(3, m.paths.cpi_rel[t])
    prices[AGRICULTURE] = m.paths.poor_price_rel[t]
    saved = (w.shock.copy(), w.earnings.copy(), w.months_in_status.copy())
    w.shock[:] = 0.0
    lm.update_earnings(w, dataclasses.replace(m.labour, shock_sd=0.0),
                       np.zeros(w.n, np.float32), m.paths.formal_wage_by_education[:, t],
                       real * prices)
    formal = w.status == FORMAL
    for e in range(4):
        sel = formal & (w.education == e)
        if sel.any():
            np.testing.assert_allclose(
                w.earnings[sel], w.base_earnings[sel]
                * np.float32(m.paths.formal_wage_by_education[e, t]), rtol=1e-6)
    own = w.status == OWN_ACCOUNT
    farm, shop = own & (w.sector == AGRICULTURE), own & (w.sector == SERVICES)
    assert farm.any() and shop.any()
    np.testing.assert_allclose(w.earnings[farm] / w.base_earnings[farm],
                               m.paths.poor_price_rel[t], rtol=1e-6)
    np.testing.assert_allclose(w.earnings[shop] / w.base_earnings[shop],
                               m.paths.cpi_rel[t], rtol=1e-6)
    w.shock[:], w.earnings[:], w.months_in_status[:] = saved
