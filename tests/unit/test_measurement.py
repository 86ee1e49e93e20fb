"""Consumption as Susenas measures it (simulation/measurement.py)."""

from dataclasses import fields

import numpy as np
import pytest

from simulation.measurement import MeasurementSettings, measure
from simulation.parameter_set import baseline_parameters
from simulation.state import HouseholdState

S = MeasurementSettings(food_share=0.75, nonfood_year_recall_share=0.5, nonfood_recall_months=12)


def households(consumption, health=0.0, in_kind=0.0) -> HouseholdState:
    n = len(consumption)
    arrays = {"size": np.full(n, 4, dtype=np.int8),
              "consumption": np.asarray(consumption, dtype=np.float32)}
    for f in fields(HouseholdState):
        if f.name not in arrays and f.default is not None:
            arrays[f.name] = np.zeros(n, dtype=np.float32)
    hh = HouseholdState(**arrays)
    hh.health[:] = health
    hh.in_kind[:] = in_kind
    return hh


def test_settings_come_from_the_parameter_file():
    s = MeasurementSettings.from_params(baseline_parameters())
    assert s.food_share == pytest.approx(0.7396)  # row 73
    assert s.recall_weight == pytest.approx(2 / 13)


def test_a_steady_month_is_consumption_plus_bills():
    hh = households([1_000_000.0, 400_000.0], health=[50_000.0, 0.0])
    for _ in range(30):
        measure(hh, S)
    np.testing.assert_allclose(hh.measured, [1_050_000.0, 400_000.0], rtol=1e-6)


def test_a_bill_is_measured_partly_in_its_month_and_partly_after():
    hh = households([1_000_000.0])
    measure(hh, S)
    hh.health[:] = 120_000.0
    measure(hh, S)
    w = S.recall_weight
    now = 1_000_000.0 + 0.5 * 120_000.0 + 0.5 * w * 120_000.0
    assert hh.measured[0] == pytest.approx(now, rel=1e-6)
    hh.health[:] = 0.0
    later = []
    for _ in range(24):
        measure(hh, S)
        later.append(float(hh.measured[0]) - 1_000_000.0)
    assert later[0] == pytest.approx(0.5 * w * (1 - w) * 120_000.0, rel=1e-4)
    # fading with the recall window
    assert all(a > b > 0 for a, b in zip(later[:-1], later[1:], strict=True))
    # Over all months the bill is measured once: half now, half spread over the recall window.
    total = (now - 1_000_000.0) + sum(later) + 0.5 * 120_000.0 * (1 - w) ** 25
    assert total == pytest.approx(120_000.0, rel=1e-3)


def test_food_received_in_kind_is_measured_in_its_month():
    hh = households([1_000_000.0])
    measure(hh, S)
    hh.consumption[:] = 1_133_100.0  # the household eats the rice it received
    hh.in_kind[:] = 133_100.0
    measure(hh, S)
    # The rice is food (this month, in full); the cash part keeps its food share.
    assert hh.measured[0] == pytest.approx(1_133_100.0, rel=1e-6)


def test_a_spending_dip_is_measured_in_full_for_food_and_in_part_for_non_food():
    hh = households([1_000_000.0])
    measure(hh, S)
    hh.consumption[:] = 600_000.0
    measure(hh, S)
    food = 0.75 * 600_000.0
    nonfood_now = 0.25 * 600_000.0
    recall = (1 - S.recall_weight) * 250_000.0 + S.recall_weight * nonfood_now
    assert hh.measured[0] == pytest.approx(food + 0.5 * nonfood_now + 0.5 * recall, rel=1e-6)
    assert 600_000.0 < hh.measured[0] < 1_000_000.0
