"""Accounting identities of the labour market and of household income, at every step."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from simulation.state import CASUAL, FORMAL, OWN_ACCOUNT, STATUS_NAMES, UNEMPLOYED, UNPAID

STEPS = 6
SEEDS = st.integers(0, 2**32 - 1)
LABOUR_CHANGES = st.fixed_dictionaries({
    "labour.flows.formal_separation_rate": st.floats(0.0, 0.2),
    "labour.flows.informal_exit_rate": st.floats(0.0, 0.2),
    "labour.flows.fallback_rate": st.floats(0.0, 1.0),
    "labour.matching.efficiency": st.floats(0.0, 2.0),
    "labour.employers.excess_layoff_rate": st.floats(0.0, 1.0),
    "labour.employers.demand_shock_sd": st.floats(0.0, 0.2),
})


def _steps(model):
    """Yield the model at step 0 and after each of the next STEPS steps."""
    yield model
    for _ in range(STEPS):
        model.step()
        yield model


def _recorded(model, name):
    return model.recorder.values[model.t, model.recorder.names.index(name)]


@settings(max_examples=15, deadline=None, derandomize=True)
@given(seed=SEEDS, n=st.integers(20, 1500), changes=LABOUR_CHANGES)
def test_employed_plus_unemployed_is_the_labour_force(make_model, seed, n, changes):
    model = make_model(seed, n, changes)
    n_slots = model.workers.n
    for m in _steps(model):
        w = m.workers
        assert w.n == n_slots  # the labour force is the fixed set of worker slots
        counts = np.bincount(w.status, minlength=len(STATUS_NAMES))
        assert len(counts) == len(STATUS_NAMES)  # no unknown status code
        employed = counts[[FORMAL, CASUAL, OWN_ACCOUNT, UNPAID]].sum()
        assert employed + counts[UNEMPLOYED] == n_slots
        # The recorded unemployment and informality rates, recomputed by hand (person weights).
        weight = m.households.weight[w.household]
        lf = weight.sum()
        unemployed = weight[w.status == UNEMPLOYED].sum()
        emp = lf - unemployed
        informal = weight[np.isin(w.status, (CASUAL, OWN_ACCOUNT, UNPAID))].sum()
        assert _recorded(m, "unemployment_rate") == pytest.approx(
            unemployed / lf, rel=1e-12, abs=1e-15)
        if emp > 0:
            assert _recorded(m, "informality_rate") == pytest.approx(
                informal / emp, rel=1e-12, abs=1e-15)


@settings(max_examples=15, deadline=None, derandomize=True)
@given(seed=SEEDS, n=st.integers(20, 1500), changes=LABOUR_CHANGES)
def test_employer_headcounts_equal_attached_workers(make_model, seed, n, changes):
    model = make_model(seed, n, changes)
    e = model.employer_state
    for m in _steps(model):
        w = m.workers
        attached = w.employer >= 0
        np.testing.assert_array_equal(np.bincount(w.employer[attached], minlength=e.n),
                                      e.headcount)
        assert np.all(e.headcount >= 0) and np.all(e.vacancies >= 0)
        # Employees, and only employees, have an employer: formal ones a formal employer,
        # casual ones an informal employer.
        np.testing.assert_array_equal(attached, np.isin(w.status, (FORMAL, CASUAL)))
        assert np.all(e.is_formal[w.employer[w.status == FORMAL]])
        assert not np.any(e.is_formal[w.employer[w.status == CASUAL]])
        # The Mesa agents see the same numbers.
        agents = sorted(m.agents, key=lambda a: a.row)
        assert [a.headcount for a in agents] == e.headcount.tolist()


@settings(max_examples=15, deadline=None, derandomize=True)
@given(seed=SEEDS, n=st.integers(20, 1500))
def test_household_labour_income_is_sum_of_members_earnings(make_model, seed, n):
    model = make_model(seed, n)
    for m in _steps(model):
        w, hh = m.workers, m.households
        assert np.all(np.isfinite(w.earnings)) and np.all(w.earnings >= 0)
        assert np.all(w.earnings[np.isin(w.status, (UNEMPLOYED, UNPAID))] == 0)
        by_hand = np.bincount(w.household, weights=w.earnings.astype(np.float64), minlength=hh.n)
        by_hand *= m.workers_per_household_rel  # members stand for more earners over time
        np.testing.assert_allclose(hh.labour_income, by_hand, rtol=1e-6, atol=1e-3)
