"""Household income and consumption: a buffer-stock rule on vectorised household arrays.

Each month (all households at once):

* labour income is the sum of members' earnings; other income (imputed rent, home production,
  remittances) is indexed to prices and, with an elasticity, to real GDP per person;
* informal risk sharing (family, neighbours, village networks) is a pool among the households
  of each residence (urban, rural): a household receives a share ``theta`` of the gap between
  its expected labour income ``E`` and what its members earned (and gives the same share of
  any excess), less a levy ``lambda E`` that balances the pool, ``lambda = sum(w theta (E - L))
  / sum(w E)``: what one household receives another pays, so the flows sum to zero, and only
  idiosyncratic shocks are shared (an aggregate one passes through); ``E`` adapts slowly, so
  lasting changes (a new job, a lost one that is not regained) pass through in the end;
* scheduled payments covering several months (a quarterly PKH tranche, a BLT paid for two or
  three months at once) are set aside (``earmarked``, a share
  ``scheduled_payment_spread_share``) and released evenly over the months they cover
  (``released``), the rest being cash of the month it arrives;
* gross income ``G = labour + shared + other + transfers + in kind + released``, where aid in
  kind is
  food (the rice aid) valued at retail prices: it is less than what the household eats of it
  anyway, so it frees the same cash as a transfer (infra-marginal), and consumption is at least
  its value (the food is eaten that month); long-term saving ``s G^+`` with a
  share ``s = (1 - kappa) min(1, G / G_ref)^beta``: ``kappa`` < 1 only for households that
  earned more than they consumed at the start, and their saving share shrinks as income falls
  below its reference, so a household that loses its earnings stops saving before it cuts
  consumption. ``beta = min(1, kappa / (1 - kappa))`` keeps the marginal propensity to save
  at most 1, so more gross income never means less to spend (for ``kappa >= 1/2``, the common
  case, ``beta`` is 1). The saving goes into the household's long-term savings (``wealth``,
  not drawn for consumption); disposable income is ``Y = G - s G^+``;
* permanent income ``P = (1 - w) P + w Y`` (exponential smoothing);
* desired consumption ``C* = P + g * (S - b * P)``: consume permanent income and move the liquid
  buffer ``S`` towards its target of ``b`` months (``b`` is near zero for the poor, so shocks pass
  through quickly, as MODEL_NOTES asks);
* consumption cannot exceed cash on hand plus informal credit: ``C = clip(C*, 0, S + Y + l * P)``;
* savings ``S = S + Y - C``.

Money is conserved: every month, for every household, labour income + risk sharing received +
other income + transfers + aid in kind + scheduled payments (+ lump sums paid into savings) =
consumption + the change in liquid savings + the change in money set aside + long-term saving
(+ bills paid from savings); ``tests/properties/
test_accounting_properties.py`` checks it, with the risk-sharing pools summing to zero.

In a steady state (constant income) consumption equals disposable income and the buffer sits at
its target, so the initial state is a fixed point of the rule.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from simulation import detmath
from simulation.dated import settings_by_step
from simulation.macro import START_MONTH
from simulation.parameter_set import ParameterSet
from simulation.state import HouseholdState, WorkerState


@dataclass(frozen=True)
class ConsumptionSettings:
    """Consumption-rule parameters in force in one month (the model holds one per step)."""

    permanent_income_weight: float
    risk_sharing_share: float
    expectation_adjustment_rate: float
    buffer_drawdown_rate: float
    borrowing_limit_months: float
    other_income_growth_elasticity: float
    scheduled_payment_spread_share: float = 1.0

    @classmethod
    def for_steps(cls, p: ParameterSet, months) -> list[ConsumptionSettings]:
        """The settings in force in each month index of ``months`` (shared while unchanged)."""
        return settings_by_step(cls.from_params, p, months)

    @classmethod
    def from_params(cls, p) -> ConsumptionSettings:
        """Resolve the consumption parameters of ``p``.

        ``p`` is one step's values, or a parameter set (its values in force in March 2021).
        """
        if isinstance(p, ParameterSet):
            p = p.at_month(START_MONTH)
        return cls(
            permanent_income_weight=p.value("households.consumption.permanent_income_weight"),
            risk_sharing_share=p.value("households.consumption.risk_sharing_share"),
            expectation_adjustment_rate=p.value(
                "households.consumption.expectation_adjustment_rate"),
            buffer_drawdown_rate=p.value("households.consumption.buffer_drawdown_rate"),
            borrowing_limit_months=p.value("households.consumption.borrowing_limit_months"),
            other_income_growth_elasticity=p.value(
                "households.consumption.other_income_growth_elasticity"),
            scheduled_payment_spread_share=p.value(
                "households.consumption.scheduled_payment_spread_share"),
        )


def risk_sharing(hh: HouseholdState, theta: float) -> np.ndarray:
    """What each household receives from (> 0) or pays into (< 0) its residence's pool (Rp).

    ``theta (E - L) - lambda E`` with ``lambda`` set per pool (urban, rural) so that the
    weighted flows of the pool sum to zero.
    """
    gap = np.float32(theta) * (hh.expected_labour - hh.labour_income)
    shared = gap.copy()
    w = hh.weight
    urban = np.flatnonzero(hh.is_urban)
    rural = np.flatnonzero(~hh.is_urban)
    for idx in (urban, rural):  # index arrays: the same values as boolean masks, fewer passes
        e_pool = hh.expected_labour.take(idx)
        w_pool = w.take(idx)
        e_sum = float(np.sum(w_pool * e_pool, dtype=np.float64))
        if e_sum <= 0:
            shared[idx] = 0.0
            continue
        g_pool = gap.take(idx)
        levy = float(np.sum(w_pool * g_pool, dtype=np.float64)) / e_sum
        shared[idx] = g_pool - np.float32(levy) * e_pool
    return shared


def receive_scheduled(hh: HouseholdState, households: np.ndarray, amounts: np.ndarray,
                      months: int, spread: float) -> tuple[np.ndarray, np.ndarray]:
    """A scheduled payment covering ``months`` months: set aside ``spread`` of it, rest cash now.

    The set-aside part goes to ``earmarked`` and is released evenly over the months the payment
    covers (this one included, :func:`release_earmarked`); a household with money set aside from
    an earlier payment releases both over the longer of the two horizons.

    Returns:
        ``(set_aside, cash_now)`` per entry of ``households`` (float32).
    """
    amounts = np.asarray(amounts, dtype=np.float32)
    aside = (amounts * np.float32(spread)).astype(np.float32)
    cash = amounts - aside
    np.add.at(hh.earmarked, households, aside)
    hh.earmarked_months[households] = np.maximum(hh.earmarked_months[households],
                                                 np.int8(months))
    np.add.at(hh.transfers, households, cash)
    return aside, cash


def release_earmarked(hh: HouseholdState) -> None:
    """Release this month's share of the money set aside (``released``, part of income)."""
    hh.released[:] = 0.0
    idx = np.flatnonzero(hh.earmarked_months > 0)
    if len(idx):
        r = hh.earmarked[idx] / hh.earmarked_months[idx].astype(np.float32)
        hh.earmarked[idx] -= r
        hh.earmarked_months[idx] -= 1
        done = idx[hh.earmarked_months[idx] == 0]
        hh.earmarked[done] = 0.0  # the last month releases all (no float32 dust)
        hh.released[idx] = r


def saving_share(hh: HouseholdState, gross: np.ndarray, idx: float) -> np.ndarray:
    """The long-term saving share ``(1 - kappa) min(1, G / G_ref)^beta`` (see the module doc)."""
    ratio = np.minimum(np.float32(1.0), np.maximum(gross, 0.0)
                       / np.maximum(hh.reference_income * np.float32(idx), 1.0))
    share = (np.float32(1.0) - hh.kappa) * ratio
    steep = np.flatnonzero(hh.kappa < 0.5)  # beta = kappa / (1 - kappa) < 1: a few rich savers
    if len(steep):
        k = hh.kappa[steep].astype(np.float64)
        share[steep] = ((1.0 - k) * detmath.power(ratio[steep], k / (1.0 - k))).astype(
            np.float32)
    return share


def receive_income(hh: HouseholdState, workers: WorkerState, other_index: float,
                   s: ConsumptionSettings, growth: float = 1.0,
                   labour_scale: float = 1.0) -> None:
    """Sum members' earnings, share risk, add other income and transfers; save long-term.

    Sets ``labour_income``, ``shared`` (the risk-sharing flow), ``saving`` (long-term saving,
    added to ``wealth``) and ``income`` (disposable: gross less long-term saving).

    Args:
        hh: Household arrays (updated in place).
        workers: Worker arrays.
        other_index: Nominal index of other income (1 in March 2021).
        s: Consumption settings (risk sharing and expectation adjustment).
        growth: Nominal growth factor of incomes this month, applied to expectations.
        labour_scale: Real workers per real household relative to March 2021
            (:attr:`simulation.model.PovertyModel.workers_per_household_rel`): the labour force
            grows faster than the population, so a household's sample members stand for more
            earners; the sample's members' earnings are scaled by it.
    """
    labour = np.bincount(workers.household, weights=workers.earnings, minlength=hh.n)
    hh.labour_income[:] = labour if labour_scale == 1.0 else labour * labour_scale
    lam = np.float32(s.expectation_adjustment_rate)
    hh.expected_labour *= np.float32(growth)
    hh.expected_labour += lam * (hh.labour_income - hh.expected_labour)
    hh.shared[:] = risk_sharing(hh, s.risk_sharing_share)
    release_earmarked(hh)
    idx = np.float32(other_index)
    gross = (hh.labour_income + hh.shared + hh.other_income * idx + hh.transfers + hh.in_kind
             + hh.released)
    hh.saving[:] = saving_share(hh, gross, other_index) * np.maximum(gross, 0.0)
    hh.wealth += hh.saving
    hh.income[:] = gross - hh.saving


def consume(hh: HouseholdState, s: ConsumptionSettings) -> None:
    """Apply the buffer-stock consumption rule to every household (in place)."""
    w = np.float32(s.permanent_income_weight)
    hh.perm_income *= np.float32(1.0) - w
    hh.perm_income += w * hh.income
    target = hh.buffer_months * hh.perm_income
    desired = hh.perm_income + np.float32(s.buffer_drawdown_rate) * (hh.savings - target)
    cash = hh.savings + hh.income + np.float32(s.borrowing_limit_months) * hh.perm_income
    np.minimum(desired, cash, out=desired)
    np.maximum(desired, hh.in_kind, out=desired)  # food received in kind is eaten (>= 0)
    hh.consumption[:] = desired
    hh.savings += hh.income
    hh.savings -= desired


def record_poverty_history(hh: HouseholdState, extreme_line: float, national_line: float,
                           c_pc: np.ndarray | None = None) -> None:
    """Shift the 16-month poverty bit histories and set this month's bit.

    ``c_pc`` is per-capita measured consumption if the caller has it (else computed).
    """
    if c_pc is None:
        c_pc = hh.measured / hh.size
    hh.poor_history <<= 1
    hh.poor_history |= (c_pc < national_line).astype(np.uint16)
    hh.extreme_history <<= 1
    hh.extreme_history |= (c_pc < extreme_line).astype(np.uint16)
