"""Village cash-for-work (Padat Karya Tunai Desa, PKTD): paid work in village projects.

Kemendes PDTT's village programme, paid from village funds (Dana Desa): rural households' members
work on village projects for a spell and are paid in cash. This module, its parameter file
(``parameters/programmes/village_cash_for_work.yaml``) and a scenario file
(``scenarios/village_cash_for_work.yaml``) are the whole lever: the README's "For modellers"
walks through them as the example of adding one.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from simulation.policies.base import Arg, Policy, Result, State, register
from simulation.state import FORMAL

if TYPE_CHECKING:
    from simulation.model import PovertyModel


@register
class VillageCashForWork(Policy):
    """Cash for work in village projects, for members of rural households.

    Each month ``scale x workers_per_year / 12`` real persons start a spell of ``months``
    months (sample workers by stochastic rounding on the policy's own stream). Eligible are
    members of rural households who are not formal employees and whose household has nobody in
    a spell; a ``poor_share`` of the places go to the rural households the registry ranks
    poorest (one member each), the rest to eligible workers at random. In each month of the
    spell the participant's household receives ``wage_share x cost_per_worker / months``; the
    whole ``cost_per_worker / months`` is booked (the rest is materials); when the year's
    ``annual_budget`` is spent, the remaining spells end.

    Args:
        scale: Multiplier on the size (default 1).
        workers_per_year: Persons starting a spell each year (default: parameter file).
        cost_per_worker: Rp spent per participant over the spell (default: parameter file).
        wage_share: Share of the cost paid as wages (default: parameter file).
        months: Months in a spell (default: parameter file).
        poor_share: Share of places for the registry's poorest (default: parameter file).

    Examples:
        >>> VillageCashForWork(label="pktd", scale=2.0).to_dict()["scale"]
        2.0
    """

    kind = "village_cash_for_work"
    lever = "job_creation"
    ARGS = {
        "scale": Arg("float", 1.0, minimum=0, maximum=100, help="multiplier on the size"),
        "workers_per_year": Arg("float", None, minimum=0, optional=True, counts="persons",
                                help="persons starting a spell each year"),
        "cost_per_worker": Arg("money", None, optional=True, help="Rp per participant"),
        "wage_share": Arg("rate", None, optional=True, help="share of the cost paid as wages"),
        "months": Arg("int", None, minimum=1, maximum=12, optional=True,
                      help="months in a spell"),
        "poor_share": Arg("rate", None, optional=True,
                          help="share of places for the registry's poorest"),
    }
    PARAMETER_GROUP = "programmes.village_cash_for_work"
    DEFAULTS = {name: name for name in ARGS if name != "scale"}
    STATES = (State("months_left", "worker", "int8", 0, help="months left in the spell"),)
    RESULTS = (
        Result("participants", "Persons starting a spell", "persons"),
        Result("paid", "Persons paid in the month", "persons"),
    )

    def before_labour_market(self, model: PovertyModel) -> None:
        """Start this month's spells."""
        rng = self.rng(model)
        expected = self.scale * float(self.setting(model, "workers_per_year")) / 12.0
        wanted = int(np.floor(expected / model.worker_weight + rng.random()))
        w, hh = model.workers, model.households
        in_spell = np.zeros(hh.n, dtype=bool)
        in_spell[w.household[self.months_left > 0]] = True
        eligible = ((w.status != FORMAL) & ~hh.is_urban[w.household]
                    & ~in_spell[w.household])
        n_poor = int(round(wanted * float(self.setting(model, "poor_share"))))
        poor_hh = model.registry.lowest(n_poor, np.bincount(
            w.household[eligible], minlength=hh.n) > 0)
        first = np.zeros(hh.n, dtype=np.int64) - 1  # one eligible member per poorest household
        members = np.flatnonzero(eligible)
        first[w.household[members[::-1]]] = members[::-1]
        chosen = first[poor_hh]
        rest = np.setdiff1d(members, chosen)
        n_rest = min(wanted - len(chosen), len(rest))
        chosen = np.concatenate([chosen, rng.choice(rest, size=max(n_rest, 0), replace=False)])
        self.months_left[chosen] = int(self.setting(model, "months"))
        self.record(model, "participants", len(chosen) * model.worker_weight)

    def pay_transfers(self, model: PovertyModel) -> None:
        """Pay this month's participants; book the month's cost."""
        on = np.flatnonzero(self.months_left > 0)
        if len(on) == 0:
            return
        per_month = float(self.setting(model, "cost_per_worker")) / int(
            self.setting(model, "months"))
        n = self.affordable(model.t, per_month * model.worker_weight, len(on), model)
        self.months_left[on[n:]] = 0  # the year's budget is spent: those spells end
        on = on[:n]
        wage = per_month * float(self.setting(model, "wage_share"))
        self.pay(model, model.workers.household[on], wage,
                 booked=per_month * len(on) * model.worker_weight, per_worker=True)
        self.months_left[on] -= 1
        self.record(model, "paid", len(on) * model.worker_weight)
