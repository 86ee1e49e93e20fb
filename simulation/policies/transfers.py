"""Targeted cash transfers: the building block of social-assistance programmes.

A transfer pays a fixed amount per household per month to households selected from the noisy
registry (:mod:`simulation.targeting`): either the registry's poorest ``share`` of persons, or
its poorest ``households`` households scaled to the sample (a count in real households).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from simulation.policies.base import Arg, Policy, register

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

    Examples:
        >>> CashTransfer(label="topup", amount_monthly=200_000, share=0.1).to_dict()["share"]
        0.1
    """

    kind = "cash_transfer"
    lever = "social_assistance"
    ARGS = {
        "amount_monthly": Arg("money", help="Rp per household per month"),
        "households": Arg("float", None, minimum=0, optional=True,
                          help="beneficiary households in the population"),
        "share": Arg("rate", None, optional=True, help="share of persons covered"),
        "pay_every": Arg("int", 1, minimum=1, maximum=12, help="months between payments"),
    }

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        if (self.households is None) == (self.share is None):
            from simulation.errors import InputError

            raise InputError(self._file, f"{self._key}.households",
                             "exactly one of households or share", self.households)

    def beneficiaries(self, model: PovertyModel) -> np.ndarray:
        """Indices of this month's beneficiary households (from the registry)."""
        reg = model.registry
        if self.share is not None:
            return np.flatnonzero(reg.below(self.share))
        k = int(round(self.households / model.households.weight[0]))
        return reg.lowest(k)

    def pay_transfers(self, model: PovertyModel) -> None:
        """Pay the beneficiaries (within the budget); record the spending in real rupiah."""
        t = model.t
        months_since = (t - max(self.ti_start, 1)) if not model._stationary else 0
        if not model._stationary and months_since % self.pay_every != 0:
            return
        amount = self.amount_monthly * (1 if model._stationary else self.pay_every)
        who = self.beneficiaries(model)
        weight = float(model.households.weight[0])
        n = self.affordable(t, amount * weight, len(who), model)
        who = who[:n]
        model.households.transfers[who] += np.float32(amount)
        self.spend(t, amount * weight * n, model)
