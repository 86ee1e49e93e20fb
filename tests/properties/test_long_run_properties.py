"""Slow variants of the accounting properties: the full baseline (full burn-in) to 2024-12.

Run with ``pytest -m slow``. The fast property tests use short burn-ins and a few steps; these
check the same identities over the whole default run at 100,000 households, every month.
"""

import numpy as np
import pytest

from simulation.model import PovertyModel
from simulation.parameter_set import baseline_parameters
from simulation.state import CASUAL, FORMAL, UNEMPLOYED

pytestmark = pytest.mark.slow


@pytest.mark.parametrize("seed", [1, 2])
def test_identities_hold_every_month_of_the_default_run(seed):
    model = PovertyModel(baseline_parameters(), n_households=100_000, seed=seed, end="2024-12")
    e = model.employer_state
    col = model.recorder.names.index
    while True:
        w, hh = model.workers, model.households
        attached = w.employer >= 0
        np.testing.assert_array_equal(np.bincount(w.employer[attached], minlength=e.n),
                                      e.headcount)
        np.testing.assert_array_equal(attached, np.isin(w.status, (FORMAL, CASUAL)))
        weight = hh.weight[w.household]
        u = weight[w.status == UNEMPLOYED].sum() / weight.sum()
        assert model.recorder.values[model.t, col("unemployment_rate")] == pytest.approx(
            u, rel=1e-12)
        np.testing.assert_allclose(
            hh.labour_income, model.workers_per_household_rel  # members stand for more earners
            * np.bincount(w.household, weights=w.earnings.astype(np.float64), minlength=hh.n),
            rtol=1e-6, atol=1e-3)
        assert np.all(np.isfinite(hh.consumption)) and np.all(hh.consumption >= 0)
        row = model.recorder.values[model.t]
        for prefix in ("extreme_poverty", "poverty"):
            p0, p1, p2 = (row[col(f"{prefix}_{k}")] for k in ("rate", "gap", "severity"))
            assert 0 <= p2 <= p1 <= p0 <= 1 + 1e-12
        if model.t == model.paths.n_steps:
            break
        model.step()
    assert np.all(np.isfinite(model.recorder.values[:, col("poverty_rate")]))
