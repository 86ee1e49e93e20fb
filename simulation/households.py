"""Household income and consumption: a buffer-stock rule on vectorised household arrays.

Each month (all households at once):

* labour income is the sum of members' earnings; other income (imputed rent, home production,
  remittances) is indexed to prices and, with an elasticity, to real GDP per person;
* disposable income ``Y = kappa * (labour + other + transfers)``; ``kappa`` < 1 only for
  households that earned more than they consumed at the start (the rest is long-term saving);
* permanent income ``P = (1 - w) P + w Y`` (exponential smoothing);
* desired consumption ``C* = P + g * (S - b * P)``: consume permanent income and move the liquid
  buffer ``S`` towards its target of ``b`` months (``b`` is near zero for the poor, so shocks pass
  through quickly, as MODEL_NOTES asks);
* consumption cannot exceed cash on hand plus informal credit: ``C = clip(C*, 0, S + Y + l * P)``;
* savings ``S = S + Y - C``.

In a steady state (constant income) consumption equals disposable income and the buffer sits at
its target, so the initial state is a fixed point of the rule.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from simulation.parameter_set import ParameterSet
from simulation.state import HouseholdState, WorkerState


@dataclass(frozen=True)
class ConsumptionSettings:
    """Consumption-rule parameters resolved once per run."""

    permanent_income_weight: float
    buffer_drawdown_rate: float
    borrowing_limit_months: float
    other_income_growth_elasticity: float

    @classmethod
    def from_params(cls, p: ParameterSet) -> ConsumptionSettings:
        """Resolve the consumption parameters of ``p``."""
        return cls(
            permanent_income_weight=p.value("households.consumption.permanent_income_weight"),
            buffer_drawdown_rate=p.value("households.consumption.buffer_drawdown_rate"),
            borrowing_limit_months=p.value("households.consumption.borrowing_limit_months"),
            other_income_growth_elasticity=p.value(
                "households.consumption.other_income_growth_elasticity"),
        )


def receive_income(hh: HouseholdState, workers: WorkerState, other_index: float) -> None:
    """Sum members' earnings and add other income and transfers into disposable income."""
    hh.labour_income[:] = np.bincount(workers.household, weights=workers.earnings,
                                      minlength=hh.n)
    gross = hh.labour_income + hh.other_income * np.float32(other_index) + hh.transfers
    hh.income[:] = hh.kappa * gross


def consume(hh: HouseholdState, s: ConsumptionSettings) -> None:
    """Apply the buffer-stock consumption rule to every household (in place)."""
    w = np.float32(s.permanent_income_weight)
    hh.perm_income *= np.float32(1.0) - w
    hh.perm_income += w * hh.income
    target = hh.buffer_months * hh.perm_income
    desired = hh.perm_income + np.float32(s.buffer_drawdown_rate) * (hh.savings - target)
    cash = hh.savings + hh.income + np.float32(s.borrowing_limit_months) * hh.perm_income
    np.minimum(desired, cash, out=desired)
    np.maximum(desired, np.float32(0.0), out=desired)
    hh.consumption[:] = desired
    hh.savings += hh.income
    hh.savings -= desired


def record_poverty_history(hh: HouseholdState, extreme_line: float, national_line: float) -> None:
    """Shift the 16-month poverty bit histories and set this month's bit."""
    c_pc = hh.consumption / hh.size
    hh.poor_history <<= 1
    hh.poor_history |= (c_pc < national_line).astype(np.uint16)
    hh.extreme_history <<= 1
    hh.extreme_history |= (c_pc < extreme_line).astype(np.uint16)
