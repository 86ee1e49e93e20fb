"""Consumption as Susenas measures it: what the poverty figures are computed on.

BPS measures poverty on per-capita household consumption expenditure from Susenas, which counts
what the household spent on food and non-food goods and services, the value of food it received
in kind or produced itself, and out-of-pocket spending on health and on ceremonies. The model's
consumption rule (:mod:`simulation.households`) decides the household's everyday consumption
(``consumption``), which includes food aid received in kind (``in_kind``, the rice aid, at its
retail value, as Susenas values food received free: the rule counts it in income and consumes
at least its value). The measured figure (``measured``) adds what Susenas counts besides:

* ``health``: the out-of-pocket bills paid this month (care after an accident, illness, funeral
  costs; :mod:`simulation.shocks`). Susenas counts health spending and ceremonies as non-food
  consumption, so a bill paid from savings is measured as consumption even though it cuts the
  household's everyday spending later (through its savings).

Everything the poverty indicators, the poverty histories and the fit of the initial state read
is ``measured``; the consumption rule and the households' own decisions (who is needy enough to
take any informal work) read ``consumption``.
"""

from __future__ import annotations

import numpy as np

from simulation.state import HouseholdState


def measure(hh: HouseholdState, health: np.ndarray | None = None) -> None:
    """Set ``hh.measured`` from this month's consumption and health spending.

    Args:
        hh: Household arrays (``measured`` and ``health`` updated in place).
        health: Out-of-pocket bills each household paid this month (Rp); None keeps
            ``hh.health``.
    """
    if health is not None:
        hh.health[:] = health
    np.add(hh.consumption, hh.health, out=hh.measured)
