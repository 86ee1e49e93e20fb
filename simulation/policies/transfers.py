"""Targeted cash transfers: the building block of social-assistance programmes.

A transfer pays a fixed amount per household per month to households selected from the noisy
registry (:mod:`simulation.targeting`): either the registry's poorest ``share`` of persons, or
its poorest ``households`` households scaled to the sample (a count in real households).

Payment calendar: a *spell* is a run of consecutive months in which the transfer is in force (from
April 2021 at the earliest: March 2021 is the starting state). Payments are made every ``pay_every``
months counted from the spell's first month, each covering ``pay_every`` months (fewer if the spell
ends first; a spell still in force in the run's last month goes on after it, so the payments do not
depend on where the run ends): at the start of each block (in advance, the default) or at its end
(``in_arrears``, e.g. a three-month benefit paid as one lump sum in the third month). During the
burn-in a transfer in force in March 2021 pays on the same calendar, continued backwards from April
2021 (:attr:`~simulation.model.PovertyModel.calendar_month`): PKH, quarterly, pays in January,
April, July and October before April 2021 as after it. A payment covering several months is a
scheduled payment (``Policy.pay(..., into="scheduled")``): households set it aside and spend it over
the months it covers (``households.consumption. scheduled_payment_spread_share``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from simulation.errors import InputError
from simulation.macro import START_MONTH
from simulation.policies.base import Arg, Policy, Result, register

if TYPE_CHECKING:
    from simulation.model import PovertyModel


@register
class CashTransfer(Policy):
    """Monthly cash to households the registry ranks poorest.

    Args:
        amount_monthly: Rupiah per household per month.
        households: Beneficiary households in the population (real households, not sample);
            mutually exclusive with ``share``.
        share: Share of persons covered, from the registry's poorest up.
        pay_every: Pay every n months, the amount for n months at once (quarterly PKH: 3).
        in_arrears: Pay each block of ``pay_every`` months at its end instead of its start.
        rural_only: Only rural households are eligible (the registry's poorest among them).

    Examples:
        >>> CashTransfer(label="topup", amount_monthly=200_000, share=0.1).to_dict()["share"]
        0.1
    """

    kind = "cash_transfer"
    lever = "social_assistance"
    into = "transfers"  # where the payment goes (aid in kind: "in_kind")
    RESULTS = (Result("recipients", "Households paid in the month", "households"),)
    ARGS = {
        "amount_monthly": Arg("money", help="Rp per household per month"),
        "households": Arg("float", None, minimum=0, optional=True,
                          help="beneficiary households in the population", counts="households"),
        "share": Arg("rate", None, optional=True, help="share of persons covered"),
        "pay_every": Arg("int", 1, minimum=1, maximum=12, help="months between payments"),
        "in_arrears": Arg("bool", False, help="pay each block of months at its end"),
        "rural_only": Arg("bool", False, help="only rural households are eligible"),
    }

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self._check_coverage_args()

    def _check_coverage_args(self) -> None:
        if (self.households is None) == (self.share is None):
            raise InputError(self._file, f"{self._key}.households",
                             "exactly one of households or share", self.households)

    # ------------------------------------------------------------------ settings by month
    def init(self, model: PovertyModel) -> None:
        """Resolve dates; fix each month's coverage and amount, and the payment calendar."""
        super().init(model)
        steps = model.paths.n_steps + 1
        self._coverage = self.monthly_coverage(model)
        self._amount = self.monthly_amount(model)
        self._pay_every = self.monthly_pay_every(model)
        t = np.arange(steps)
        in_force = (t >= self.ti_start) & (t <= self.ti_end) & (self._amount > 0) & (
            self._coverage > 0)
        self._in_force = in_force
        self._months_paid = self._calendar(in_force[1:], self._pay_every[1:])

    def monthly_coverage(self, model: PovertyModel) -> np.ndarray:
        """Coverage per step: real households, or the share of persons (``share``)."""
        value = self.households if self.households is not None else self.share
        return np.full(model.paths.n_steps + 1, float(value))

    def monthly_amount(self, model: PovertyModel) -> np.ndarray:
        """Rupiah per household per month, per step."""
        return np.full(model.paths.n_steps + 1, float(self.amount_monthly))

    def monthly_pay_every(self, model: PovertyModel) -> np.ndarray:
        """Months covered by one payment, per step."""
        return np.full(model.paths.n_steps + 1, int(self.pay_every), dtype=np.int64)

    def _calendar(self, in_force: np.ndarray, every: np.ndarray) -> np.ndarray:
        """Months paid at each step from April 2021 (index 0 = step 1); 0 = no payment."""
        paid = np.zeros(len(in_force) + 1, dtype=np.int64)
        n = len(in_force)
        i = 0
        while i < n:
            if not in_force[i]:
                i += 1
                continue
            j = i
            while j + 1 < n and in_force[j + 1]:
                j += 1
            k = i  # the spell is steps i+1 .. j+1
            open_ended = j == n - 1  # in force to the run's end: it goes on after it
            while k <= j:
                block = int(every[k]) if open_ended else min(int(every[k]), j - k + 1)
                at = k + block - 1 if self.in_arrears else k
                if at < n:  # (a block paid in arrears after the run's end is not paid in it)
                    paid[at + 1] = block
                k += block
            i = j + 1
        return paid

    def _burn_in_months_paid(self, model: PovertyModel) -> int:
        """Months paid in a burn-in month: March 2021's calendar continued backwards.

        Blocks of ``pay_every`` months (March 2021's) are aligned so that one starts in April
        2021, as the run's first block does; a block is paid in its first month, or in its last
        with ``in_arrears``.
        """
        if not self._in_force[0]:
            return 0
        every = int(self._pay_every[0])
        phase = (model.calendar_month - (START_MONTH + 1)) % every
        return every if phase == (every - 1 if self.in_arrears else 0) else 0

    # ------------------------------------------------------------------ who and how much
    def eligible(self, model: PovertyModel) -> np.ndarray | None:
        """Boolean mask of eligible households (None = all)."""
        return ~model.households.is_urban if self.rural_only else None

    def beneficiaries(self, model: PovertyModel, t: int | None = None) -> np.ndarray:
        """Indices of the beneficiary households at step ``t`` (default now), from the registry."""
        t = model.t if t is None else t
        reg = model.registry
        eligible = self.eligible(model)
        if self.share is not None:
            mask = reg.below(float(self._coverage[t]))
            if eligible is not None:
                mask &= eligible
            return reg.order[mask[reg.order]]  # registry order, poorest first
        k = int(round(float(self._coverage[t]) / model.sample_weight))
        return reg.lowest(k, eligible)

    def recipients(self, model: PovertyModel, t: int | None = None) -> np.ndarray:
        """Boolean mask of households covered at step ``t`` (whether or not paid this month)."""
        t = model.t if t is None else t
        mask = np.zeros(model.households.n, dtype=bool)
        if self._in_force[t]:
            mask[self.beneficiaries(model, t)] = True
        return mask

    def pay_transfers(self, model: PovertyModel) -> None:
        """Pay the beneficiaries (within the budget); record the spending in real rupiah."""
        t = model.t
        if model.in_burn_in:
            months = self._burn_in_months_paid(model)
        else:
            months = int(self._months_paid[t])
        if months == 0:
            return
        amount = float(self._amount[t]) * months
        who = self.beneficiaries(model, t)
        weight = model.sample_weight
        n = len(who) if self.annual_budget is None else self.affordable(
            t, amount * weight, len(who), model)  # affordable() overflows on an infinite budget
        who = who[:n]
        into = "scheduled" if months > 1 and self.into == "transfers" else self.into
        self.pay(model, who, amount, into=into, months=months)
        self.record(model, "recipients", n * weight)
