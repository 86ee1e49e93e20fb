"""Village cash-for-work (Padat Karya Tunai Desa): rural places, the poor share, the booked cost."""

import numpy as np
import pytest
from short_burn_in import SHORT_PARAMS

from simulation.model import PovertyModel

SPEC = {"type": "village_cash_for_work", "label": "pktd", "start": "2021-04", "scale": 20.0}


@pytest.fixture(scope="module")
def month():
    model = PovertyModel(SHORT_PARAMS, n_households=3000, seed=3, end="2021-06", policies=[SPEC])
    model.step()  # April: the first spells start and are paid
    return model


def test_places_go_to_rural_non_formal_workers_one_household_each_for_the_poor(month):
    pol, w, hh = month.policies[0], month.workers, month.households
    on = np.flatnonzero(pol.months_left > 0)
    assert len(on) > 20
    assert not hh.is_urban[w.household[on]].any()
    started = pol.results["participants"][1] / month.worker_weight  # real workers
    assert started == pytest.approx(len(on))
    expected = 20.0 * 560_497 / 12 / month.worker_weight
    assert abs(started - expected) <= 1
    poorest = month.registry.percentile[w.household[on]]
    assert np.mean(poorest < 0.2) > 0.3  # about 40% of places for the registry's poorest


def test_households_get_the_wage_share_and_the_whole_cost_is_booked(month):
    pol = month.policies[0]
    per_month = 1_773_447 / 2
    paid = pol.results["paid"][1] / month.sample_weight
    assert pol.spent[1] == pytest.approx(per_month * paid * month.sample_weight)
    on = np.flatnonzero(pol.months_left == 1)  # paid once, one month left
    got = month.households.transfers[month.workers.household[on]]
    assert (got >= 0.5 * per_month - 1).all()
