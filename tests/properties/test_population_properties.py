"""Properties of the synthetic population, for any size and seed."""

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from simulation.macro import compile_paths
from simulation.parameter_set import baseline_parameters
from simulation.population import build_population
from simulation.state import CASUAL, FORMAL, UNEMPLOYED
from simulation.streams import Streams

BASE = baseline_parameters()
PATHS = compile_paths(BASE, "2021-03")
TOTAL = "population.households.total_persons"


@settings(max_examples=25, deadline=None, derandomize=True)
@given(n=st.integers(1, 3000), seed=st.integers(0, 2**32 - 1),
       total=st.floats(1.0e6, 1.0e9))
def test_weights_times_size_sum_to_population(n, seed, total):
    params = BASE.with_changes({TOTAL: total})
    hh, workers, _ = build_population(params, n, Streams(seed), PATHS)
    assert hh.n == n
    assert np.all(hh.weight > 0)
    persons = float((hh.weight * hh.size).sum())
    assert abs(persons - total) <= 1e-9 * total


@settings(max_examples=25, deadline=None, derandomize=True)
@given(n=st.integers(1, 3000), seed=st.integers(0, 2**32 - 1))
def test_population_is_internally_consistent(n, seed):
    hh, workers, employers = build_population(BASE, n, Streams(seed), PATHS)
    # Households: sizes 1..8, adults between 1 and size.
    assert np.all((hh.size >= 1) & (hh.size <= 8))
    assert np.all((hh.n_adults >= 1) & (hh.n_adults <= hh.size))
    # Workers are adult members: no household has more workers than adults.
    lf = np.bincount(workers.household, minlength=n)
    assert np.all(lf <= hh.n_adults)
    # Only employees are attached to employers; headcounts count them.
    has_emp = workers.employer >= 0
    np.testing.assert_array_equal(has_emp, np.isin(workers.status, (FORMAL, CASUAL)))
    np.testing.assert_array_equal(
        np.bincount(workers.employer[has_emp], minlength=employers.n), employers.headcount)
    # The unemployed earn nothing; consumption and income are non-negative and finite.
    assert np.all(workers.earnings[workers.status == UNEMPLOYED] == 0)
    for name in ("consumption", "income", "perm_income", "other_income", "savings"):
        arr = getattr(hh, name)
        assert np.all(np.isfinite(arr)), name
    assert np.all(hh.consumption > 0)
    assert np.all((hh.kappa > 0) & (hh.kappa <= 1))


def test_population_without_labour_force_builds():
    # A valid parameter set (participation is a rate, 0 allowed) where no household has a
    # labour-force member: the population must still build, with no workers.
    params = BASE.with_changes({"population.labour_force.participation_rate": 0.0})
    hh, workers, employers = build_population(params, 200, Streams(1), PATHS)
    assert workers.n == 0
    assert hh.n == 200
    assert np.all(employers.headcount == 0)
    assert np.all(hh.consumption > 0)
