"""Consumption as Susenas measures it: what the poverty figures are computed on.

BPS measures poverty on per-capita household consumption expenditure from Susenas (March and
September), which counts what the household spent on food and non-food goods and services, the
value of food it received in kind or produced itself, and out-of-pocket spending on health and
on ceremonies, each over its recall period: food over the past week, non-food over the past
month or the past twelve months, all turned into a monthly figure.

The model's consumption rule (:mod:`simulation.households`) decides the household's everyday
consumption of the month (``consumption``), which includes food aid received in kind
(``in_kind``, the rice aid, at its retail value, as Susenas values food received free). The
measured figure (``measured``) follows the recall periods
(``poverty.measurement.*``, with their sources and assumptions):

* food: the share ``food_share`` of this month's consumption bought in cash, plus the food
  received in kind, recorded for this month (a week's recall stands for the month);
* non-food: the rest of this month's consumption plus the out-of-pocket bills paid this month
  (``health``: care after an accident, illness, funerals, :mod:`simulation.shocks`; Susenas
  counts health spending and ceremonies as non-food consumption). A share
  ``nonfood_year_recall_share`` of it is recalled over ``nonfood_recall_months`` months: the
  household's average of those months (``nonfood_recall``, an exponentially weighted average
  with the same mean age), the rest this month's.

In a month like the months before it, the measured figure is consumption plus bills. A lump of
spending (a bill, a durable bought with a transfer) is measured partly in its month and partly
in the following ones. Everything the poverty indicators, the poverty histories and the fit of
the initial state read is ``measured``; the consumption rule and the households' own decisions
(who is needy enough to take any informal work) read ``consumption``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from simulation.parameter_set import ParameterSet
from simulation.state import HouseholdState


@dataclass(frozen=True)
class MeasurementSettings:
    """How consumption is measured (fixed over a run: Susenas's design)."""

    food_share: float = 0.7396
    nonfood_year_recall_share: float = 0.5
    nonfood_recall_months: int = 12

    @classmethod
    def from_params(cls, p: ParameterSet) -> MeasurementSettings:
        """Read ``poverty.measurement.*``."""
        return cls(food_share=float(p.value("poverty.measurement.food_share")),
                   nonfood_year_recall_share=float(
                       p.value("poverty.measurement.nonfood_year_recall_share")),
                   nonfood_recall_months=int(p.value("poverty.measurement.nonfood_recall_months")))

    @property
    def recall_weight(self) -> float:
        """Weight of this month in the long-recall average, ``2 / (months + 1)``."""
        return 2.0 / (self.nonfood_recall_months + 1.0)


def measure(hh: HouseholdState, s: MeasurementSettings = MeasurementSettings(),
            health: np.ndarray | None = None) -> None:
    """Set ``hh.measured`` (and the non-food recall) from this month's consumption and bills.

    Args:
        hh: Household arrays (``measured``, ``nonfood_recall`` and ``health`` updated in place).
        s: The measurement settings.
        health: Out-of-pocket bills each household paid this month (Rp); None keeps
            ``hh.health``.
    """
    if health is not None:
        hh.health[:] = health
    f = np.float32(s.food_share)
    bought = hh.consumption - hh.in_kind  # consumption paid in cash (the rest is food aid)
    nonfood = (np.float32(1.0) - f) * bought + hh.health
    w = np.float32(s.recall_weight)
    recall = hh.nonfood_recall
    if np.isnan(recall[:1]).any():  # the first measurement: the recent months were like this
        recall[:] = nonfood
    else:
        recall *= np.float32(1.0) - w
        recall += w * nonfood
    year = np.float32(s.nonfood_year_recall_share)
    np.multiply(f, bought, out=hh.measured)
    hh.measured += hh.in_kind
    hh.measured += (np.float32(1.0) - year) * nonfood
    hh.measured += year * recall
