"""Targeting shared by all programmes: a noisy registry of household welfare (DTKS / P3KE).

Programmes do not see true consumption. They select from a registry score that ranks households
by a proxy of welfare (proxy-means test), which correlates only partly with true consumption
(``targeting.registry.rank_correlation``; World Bank 2012 found half the target group excluded).
Each household's measurement error is fixed (a household that looks better off than it is keeps
looking so); the registry re-measures true ranks every ``update_months``.

Both parameters may be dated. A new ``rank_correlation`` is a new registry (as P3KE replaced the
DTKS ranking in 2022): it is measured at the end of the month before its date, from that month's
consumption as a scheduled update would be, so programmes select from it from its first month on,
and the update clock restarts. A new ``update_months`` sets the cadence from its month on,
counted from the last measurement.

Examples:
    ``model.registry.lowest(k)`` gives the k households the registry ranks poorest;
    ``model.registry.percentile`` gives each household's registry percentile (0 = poorest).
"""

from __future__ import annotations

import numpy as np

from simulation.macro import START_MONTH
from simulation.parameter_set import ParameterSet
from simulation.sampling import argsort_ties, normal_scores_of_rank
from simulation.state import HouseholdState
from simulation.streams import Streams


class Registry:
    """A noisy welfare registry over the sample households.

    Args:
        params: Parameters (``targeting.registry.*``).
        hh: Household arrays (ranks are measured from per-capita consumption).
        streams: Random streams (the ``registry`` stream draws the persistent errors).
        months: Month index of each step of the run (default: March 2021 only); the dated
            parameters are read for each.

    Attributes:
        score: Registry welfare score per household (lower = poorer).
        percentile: Person-weighted percentile of the score (0 = poorest, 1 = richest).
        rho: Rank correlation of the registry in force.
        update_months: Months between updates, in force this month.
    """

    def __init__(self, params: ParameterSet, hh: HouseholdState, streams: Streams,
                 months=None):
        months = [START_MONTH] if months is None else months
        self._rho = [float(v) for v in
                     params.in_force("targeting.registry.rank_correlation", months)]
        self._update_months = [int(v) for v in
                               params.in_force("targeting.registry.update_months", months)]
        self.rho = self._rho[0]
        self.update_months = self._update_months[0]
        g = streams.generator("registry", 0)
        self._error = g.standard_normal(hh.n)
        self._tie = g.random(hh.n)
        self.months_since_update = 0
        self.measure(hh)

    def measure(self, hh: HouseholdState, for_step: int | None = None) -> None:
        """Re-measure true ranks now (the measurement error stays).

        With ``for_step``, the registry is the one in force in that step (its correlation).
        """
        if for_step is not None:
            self.rho = self._rho[min(for_step, len(self._rho) - 1)]
        z = normal_scores_of_rank(hh.measured / hh.size, self._tie)
        self.score = self.rho * z + np.sqrt(max(1.0 - self.rho**2, 0.0)) * self._error
        order = argsort_ties(self.score)
        persons = hh.size[order].astype(np.float64)
        cum = np.cumsum(persons)
        self.percentile = np.empty(hh.n)
        self.percentile[order] = (cum - 0.5 * persons) / cum[-1]
        self._order = order
        self.months_since_update = 0

    @property
    def order(self) -> np.ndarray:
        """Household indices from the poorest registry score up (read-only)."""
        return self._order

    def tick(self, hh: HouseholdState, t: int | None = None) -> None:
        """End step ``t``: advance one month; re-measure when an update is due next month.

        With ``t``, next month's parameters apply: a new ``rank_correlation`` is measured now (a
        new registry), and ``update_months`` is next month's cadence. Without ``t`` the
        parameters stay as they are.
        """
        self.months_since_update += 1
        if t is not None:
            following = min(t + 1, len(self._rho) - 1)
            self.update_months = self._update_months[following]
            if self._rho[following] != self.rho:
                self.measure(hh, following)
                return
        if self.months_since_update >= self.update_months:
            self.measure(hh)

    def lowest(self, k: int, eligible: np.ndarray | None = None) -> np.ndarray:
        """Indices of the ``k`` households with the lowest registry score (among ``eligible``)."""
        k = max(int(k), 0)
        if eligible is None:
            return self._order[:k]
        # Scan the registry order from the poorest in growing blocks until k are eligible
        # (the same k as filtering the whole order, reading only the head of it).
        n = len(self._order)
        m = min(n, 2 * k + 1024)
        while True:
            head = self._order[:m]
            found = head[eligible[head]]
            if len(found) >= k or m == n:
                return found[:k]
            m = min(n, 4 * m)

    def below(self, share: float) -> np.ndarray:
        """Boolean mask: households in the registry's poorest ``share`` of persons."""
        return self.percentile < share
