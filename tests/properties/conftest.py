"""Shared helpers for the property tests: small, fast models (short burn-in)."""

import pytest

from simulation.model import PovertyModel
from simulation.parameter_set import baseline_parameters

BURN_IN = "population.welfare.burn_in_months"


@pytest.fixture(scope="session")
def make_model():
    """Return ``make(seed, n=1500, changes=None, end="2021-09")`` building a small model.

    Session-scoped (a factory, not a model), so hypothesis can call it for every example.
    """
    base = baseline_parameters().with_changes({BURN_IN: 6})

    def make(seed: int, n: int = 1500, changes: dict | None = None,
             end: str = "2021-09") -> PovertyModel:
        params = base.with_changes(changes) if changes else base
        return PovertyModel(params, n_households=n, seed=seed, end=end)

    return make
