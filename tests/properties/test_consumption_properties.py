"""Consumption stays non-negative and finite for any seed and valid behavioural parameters; more
cash never means less to spend (the saving share's exponent keeps the marginal propensity to
save at most 1)."""

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from simulation.households import receive_income

STEPS = 6
CHANGES = st.fixed_dictionaries({
    "labour.flows.fallback_rate": st.floats(0.0, 1.0),
    "labour.flows.fallback_rate_needy": st.floats(0.0, 1.0),
    "labour.flows.formal_separation_rate": st.floats(0.0, 1.0),
    "labour.flows.informal_exit_rate": st.floats(0.0, 1.0),
    "households.consumption.buffer_drawdown_rate": st.floats(0.0, 1.0),
    "households.consumption.permanent_income_weight": st.floats(0.0, 1.0),
    "households.consumption.borrowing_limit_months": st.floats(0.0, 12.0),
    "labour.earnings.informal_shock_sd": st.floats(0.0, 2.0),
})


def _check(hh):
    assert np.all(np.isfinite(hh.consumption))
    assert np.all(hh.consumption >= 0)
    for name in ("income", "perm_income", "savings"):
        assert np.all(np.isfinite(getattr(hh, name))), name
    assert np.all(hh.income >= 0)


@settings(max_examples=20, deadline=None, derandomize=True)
@given(seed=st.integers(0, 2**32 - 1), changes=CHANGES)
def test_no_negative_consumption_ever(make_model, seed, changes):
    model = make_model(seed, 1500, changes)
    _check(model.households)
    for _ in range(STEPS):
        model.step()
        _check(model.households)


@settings(max_examples=10, deadline=None, derandomize=True)
@given(seed=st.integers(0, 2**32 - 1), extra=st.floats(1e4, 5e6))
def test_more_transfers_never_lower_disposable_income(make_model, seed, extra):
    """Raising every household's transfers never lowers its disposable income this month."""
    model = make_model(seed, 1500)
    base = model.households.copy()
    more = model.households.copy()
    more.transfers += np.float32(extra)
    other = float(model.paths.cpi_rel[0])
    rules = model.consumption_rules
    receive_income(base, model.workers, other, rules)
    receive_income(more, model.workers, other, rules)
    assert (more.income >= base.income).all()
