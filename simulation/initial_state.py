"""The starting state: a stationary history before March 2021, then the fit of consumption.

A synthetic population (:mod:`simulation.population`) is a snapshot with no history: every
household at its permanent income, every worker at the start of a spell. :func:`burn_in`
simulates the model's own months in a world held at March 2021 (prices, output and poverty lines
at their March-2021 values, the unemployed count held at its published level, policies in force
in March 2021 acting at their March-2021 settings) so that spells, buffers and earnings shocks
reach their long-run mix, then fits permanent consumption so that the cross-section has the
fitted distribution, and pins March 2021 to it.

The months of that history draw from their own stream months (:data:`BURN_IN_DRAW_OFFSET` and
up), apart from the run's, so a scenario's April 2021 draws are the same whatever the length of
the history. They are the calendar months up to March 2021 (the last), so programmes in force
then pay on the same calendar as in the run (PKH in January, April, July and October).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from simulation import labour_market as lm
from simulation import population as pop
from simulation.macro import START_MONTH
from simulation.measures import fgt, gini
from simulation.parameter_set import ParameterSet

if TYPE_CHECKING:
    from simulation.model import PovertyModel

BURN_IN_DRAW_OFFSET = 1_000_000  # stream months of the burn-in, apart from the run's months
#: The measures of :func:`cross_section` (``PovertyModel.start_before_remap``'s keys).
BEFORE_REMAP = ("extreme_p0", "extreme_p1", "national_p0", "national_p1", "gini")


def burn_in_months(params: ParameterSet) -> int:
    """Total months simulated before March 2021 (the history plus the fitting months)."""
    months = int(params.value("population.welfare.burn_in_months"))
    if months <= 0:
        return 0
    fit = int(params.value("population.welfare.fit_months"))
    return months + (int(params.value("population.welfare.fit_iterations")) + 1) * fit


def burn_in(model: PovertyModel, params: ParameterSet) -> None:
    """Simulate the stationary history before March 2021, then fit and pin the start.

    Runs ``population.welfare.burn_in_months`` months of the world held at March 2021
    (:meth:`~simulation.model.PovertyModel.stationary_month`), then:

    1. each household's *expected* labour income is what its members earn in the long run
       under the model's own flows (:func:`~simulation.labour_market.expected_earnings`), with
       the hire rate per unit of search weight averaged over the last ``expectation_months``;
    2. households are ranked by a permanent welfare score (expected labour income per person,
       residence, size, a fixed noise) and given permanent consumption at their rank, with
       other income making up what expected labour income does not cover
       (:func:`~simulation.population.set_permanent_consumption`);
    3. ``fit_iterations`` times, ``fit_months`` more months are simulated and the permanent
       quantiles are scaled by target over achieved quantile, so that the cross-section
       (permanent level plus current spells) has the fitted distribution;
    4. a final rank-preserving remap pins March 2021 to the fitted distribution exactly
       (:func:`~simulation.population.remap_consumption`). How much work it does is recorded
       first: :func:`cross_section` of the model's own state before it goes to
       ``model.start_before_remap``.

    Args:
        model: A model just built (step 0, before its first recorded month).
        params: The parameters in force in March 2021.
    """
    months = int(params.value("population.welfare.burn_in_months"))
    if months <= 0:
        return
    window = min(int(params.value("population.welfare.expectation_months")), months)
    iterations = int(params.value("population.welfare.fit_iterations"))
    fit_months = int(params.value("population.welfare.fit_months"))
    hh = model.households
    model.hold_unemployed(int(np.count_nonzero(model.workers.status == lm.UNEMPLOYED)))
    k = 0
    hire_rates: list[float] = []
    first = START_MONTH - burn_in_months(params) + 1  # the history's first calendar month

    def advance(n_months: int, record: bool = False) -> None:
        nonlocal k
        for _ in range(n_months):
            stats = model.stationary_month(BURN_IN_DRAW_OFFSET + k, calendar_month=first + k)
            k += 1
            if record:
                hire_rates.append(stats.get("hires_per_weight", 0.0))

    advance(months - window)
    advance(window, record=True)
    needy = hh.consumption < (model.labour.need_threshold * model.paths.national_line[0]
                              * hh.size)
    pay = lm.expected_earnings(model.workers, model.labour, params, hh.is_urban, needy,
                               float(np.mean(hire_rates)))
    expected = np.bincount(model.workers.household, weights=pay, minlength=hh.n)
    hh.expected_labour[:] = expected

    g = model.streams.generator("welfare", 0)
    score = pop.welfare_score(params, hh.size, hh.is_urban, expected / hh.size,
                              g.random(hh.n), g.standard_normal(hh.n))
    rank = pop.person_ranks(score, hh.size)
    dist = pop.consumption_distribution(params)
    target = dist.ppf(rank)
    pop.set_permanent_consumption(params, hh, expected, rank, target)
    for _ in range(iterations):
        advance(fit_months)
        achieved = pop.quantiles_at(hh.measured / hh.size, hh.size, rank)
        target = target * np.clip(dist.ppf(rank) / np.maximum(achieved, 1.0), 0.5, 2.0)
        pop.set_permanent_consumption(params, hh, expected, rank, target)
    advance(fit_months)
    model.start_before_remap = cross_section(model)
    pop.remap_consumption(params, hh, model.paths)


def cross_section(model: PovertyModel) -> dict[str, float]:
    """Extreme and national poverty (P0, P1; persons, March-2021 lines) and the Gini now.

    The burn-in records it just before the final remap (``model.start_before_remap``): the
    distance between it and the fitted March-2021 figures is the work the remap does, and the
    part of any later drift in a stationary world that the model's own rules bring back.
    """
    hh = model.households
    c_pc = hh.measured.astype(np.float64) / hh.size
    w = hh.weight * hh.size
    e0, e1, _ = fgt(c_pc, w, float(model.paths.extreme_line[0]))
    n0, n1, _ = fgt(c_pc, w, float(model.paths.national_line[0]))
    return {"extreme_p0": e0, "extreme_p1": e1, "national_p0": n0, "national_p1": n1,
            "gini": gini(c_pc, w)}
