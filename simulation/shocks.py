"""Household and worker shocks: work accidents, deaths of earners, illness needing care.

Each month, after earnings are set and before income is received (``PovertyModel.draw_shocks``):

* one uniform per worker slot, from the shared stream ``shocks`` (common random numbers: the same
  draw decides the same slot's fate in every scenario sharing the seed), is cut into intervals:
  ``u < p_death`` is a death (any labour-force member); ``p_death <= u < p_death + p_acc[sector]``
  is a work accident (employed workers only, by the sector of the job);
* one uniform per household, from the same generator after the workers', decides illness
  (``u < p_illness``).

Effects:

* **accident**: the worker cannot work for ``dur_incapacity_months`` (the accident month
  included): earnings are zero in those months (the job is kept; the employer of an uninsured
  worker is assumed not to pay). The household owes the care cost.
* **death**: the worker's job and earnings end; the household owes funeral costs. The model has
  no demography, so the slot is taken up at once by another household member (a spouse or grown
  child, who keeps the slot's education and productivity trait) as an unemployed job seeker. The
  slot count, and so employed + unemployed = labour force, is unchanged, and the labour force
  stays at its calibrated size instead of shrinking by the deaths of 168 burn-in months.
  Household size is not changed (the consumption of the deceased is not removed: an assumption
  that slightly overstates the household's need afterwards).
* **illness**: the household owes an out-of-pocket cost.

Out-of-pocket costs are bills, ``owed`` per household: each month, before the new shocks, a share
``1 / dur_repayment_months`` of what is owed is paid from the household's savings (cash), so the
consumption rule (:mod:`simulation.households`) sees lower cash on hand and cuts consumption
through its buffer drawdown and borrowing limit. Costs are therefore *not* income: permanent
income is unchanged and consumption recovers as the bill is paid. Measured consumption is
consumption net of these payments (the "impoverishment" convention for out-of-pocket health
spending); BPS counts health spending in consumption, so the poverty response to the cost part of
a shock is an upper bound relative to BPS measurement (the earnings loss is the same in both).
New bills are first charged the month after the shock, so insurance acting in the same month
(:meth:`ShockProcess.cover`, JKK care paid to the provider) settles them before the household pays.

Insurance state (membership, contribution months) belongs to the insurance policy, which
see the month's events through ``Policy.after_shocks``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from simulation.dated import settings_by_step
from simulation.macro import START_MONTH
from simulation.parameter_set import ParameterSet
from simulation.state import UNEMPLOYED, EmployerState, HouseholdState, Modifiers, WorkerState

STREAM = "shocks"


@dataclass(frozen=True)
class ShockSettings:
    """Shock parameters in force in one month (the model holds one per step).

    Attributes:
        p_accident: Monthly accident probability by sector (agriculture, industry, services).
        dur_incapacity_months: Months without earnings after an accident.
        care_cost: Care cost of an accident (Rp).
        p_death: Monthly death probability of a labour-force member.
        funeral_cost_months: Funeral cost in months of household permanent income.
        p_illness: Monthly probability of a catastrophic illness expense per household.
        illness_cost_months: Its cost in months of household permanent income.
        dur_repayment_months: Mean months over which a bill is paid off.
    """

    p_accident: np.ndarray
    dur_incapacity_months: int
    care_cost: float
    p_death: float
    funeral_cost_months: float
    p_illness: float
    illness_cost_months: float
    dur_repayment_months: int

    @classmethod
    def for_steps(cls, p: ParameterSet, months) -> list[ShockSettings]:
        """The settings in force in each month index of ``months`` (shared while unchanged)."""
        return settings_by_step(cls.from_params, p, months)

    @classmethod
    def from_params(cls, p) -> ShockSettings:
        """Resolve the ``shocks.*`` parameters of ``p``.

        ``p`` is one step's values, or a parameter set (its values in force in March 2021).
        """
        if isinstance(p, ParameterSet):
            p = p.at_month(START_MONTH)
        return cls(
            p_accident=np.asarray(p.value("shocks.accidents.accident_probability_by_sector"),
                                  dtype=np.float64),
            dur_incapacity_months=int(p.value("shocks.accidents.dur_incapacity_months")),
            care_cost=float(p.value("shocks.accidents.care_cost")),
            p_death=float(p.value("shocks.deaths.p_death")),
            funeral_cost_months=float(p.value("shocks.deaths.funeral_cost_months")),
            p_illness=float(p.value("shocks.illness.p_illness")),
            illness_cost_months=float(p.value("shocks.illness.cost_months")),
            dur_repayment_months=int(p.value("shocks.costs.dur_repayment_months")),
        )


class ShockProcess:
    """Draws the month's shocks and carries their lasting effects (spells, bills).

    Args:
        settings: Shock parameters (the model replaces them with each step's, see
            :meth:`ShockSettings.for_steps`).
        n_workers: Worker slots.
        n_households: Households.

    Attributes:
        settings: The shock parameters in force this month.
        incapacity: Months of accident spell left per worker (0 = able to work).
        lost_earnings: Earnings each worker lost to an accident spell this month (Rp).
        owed: Out-of-pocket bills each household still owes (Rp).
        paid_now: What each household paid of its bills this month, from its savings (Rp).
        new_costs: Bills added this month over all sample households, by kind (``care``,
            ``funeral``, ``illness``), Rp (unweighted sums).

    Examples:
        >>> from simulation.parameter_set import baseline_parameters
        >>> s = ShockProcess(ShockSettings.from_params(baseline_parameters()), 4, 2)
        >>> s.owed.tolist()
        [0.0, 0.0]
    """

    def __init__(self, settings: ShockSettings, n_workers: int, n_households: int):
        self.settings = settings
        self.incapacity = np.zeros(n_workers, dtype=np.int16)
        self.lost_earnings = np.zeros(n_workers, dtype=np.float32)
        self.owed = np.zeros(n_households, dtype=np.float64)
        self.new_costs = {k: 0.0 for k in ("care", "funeral", "illness")}
        self.paid_now = np.zeros(n_households)  # bills each household paid this month (Rp)

    @classmethod
    def from_params(cls, params: ParameterSet, n_workers: int,
                    n_households: int) -> ShockProcess:
        """Build the process from parameters and population sizes."""
        return cls(ShockSettings.from_params(params), n_workers, n_households)

    # ------------------------------------------------------------------ the month
    def step(self, workers: WorkerState, employers: EmployerState, hh: HouseholdState,
             u_workers: np.ndarray, u_households: np.ndarray,
             modifiers: Modifiers | None = None) -> dict[str, np.ndarray]:
        """Pay bills, draw this month's events, apply their effects; return the events.

        Args:
            workers: Worker arrays (earnings, statuses updated in place).
            employers: Employer arrays (headcounts of the deceased's employers).
            hh: Household arrays (savings pay the bills).
            u_workers: One uniform per worker slot.
            u_households: One uniform per household.
            modifiers: The workers' modifiers, reset for those who die.

        Returns:
            ``{"accident": worker indices, "death": worker indices, "illness": household
            indices, "incapacitated": workers without earnings this month (new and ongoing
            accident spells)}``.
        """
        self.paid_now = self.pay_bills(hh)
        events = self.draw(workers, u_workers, u_households)
        self.new_costs = dict.fromkeys(self.new_costs, 0.0)
        self._apply_deaths(workers, employers, hh, events["death"], modifiers)
        self._apply_accidents(workers, hh, events["accident"])
        self._apply_illness(hh, events["illness"])
        events["incapacitated"] = self._withhold_earnings(workers)
        return events

    def draw(self, workers: WorkerState, u_workers: np.ndarray,
             u_households: np.ndarray) -> dict[str, np.ndarray]:
        """Decide the events from the uniforms (no state changes).

        A worker dies if ``u < p_death``; an employed worker not already in an accident spell
        has an accident if ``p_death <= u < p_death + p_accident[sector]``; a household falls ill
        if its uniform is below ``p_illness``.
        """
        s = self.settings
        p_d = np.float32(s.p_death)
        death = np.flatnonzero(u_workers < p_d)
        # Candidates below the highest accident threshold first (a few per thousand), then the
        # sector's threshold and ability on those only.
        p_acc = p_d + s.p_accident.astype(np.float32)
        cand = np.flatnonzero((u_workers >= p_d) & (u_workers < p_acc.max()))
        keep = ((u_workers[cand] < p_acc.take(workers.sector[cand]))
                & (workers.status[cand] != UNEMPLOYED) & (self.incapacity[cand] == 0))
        accident = cand[keep]
        illness = np.flatnonzero(u_households < np.float32(s.p_illness))
        return {"accident": accident, "death": death, "illness": illness}

    def pay_bills(self, hh: HouseholdState) -> np.ndarray:
        """Pay ``1 / dur_repayment_months`` of what each household owes from its savings.

        Returns:
            The amount each household paid this month (Rp).
        """
        idx = np.flatnonzero(self.owed > 0)
        paid = np.zeros(len(self.owed))
        if len(idx):
            pay = self.owed[idx] / self.settings.dur_repayment_months
            pay = np.where(self.owed[idx] - pay < 1_000.0, self.owed[idx], pay)  # settle dust
            self.owed[idx] -= pay
            paid[idx] = pay
            hh.savings[idx] -= pay.astype(np.float32)
        return paid

    def cover(self, households: np.ndarray, amounts: np.ndarray) -> np.ndarray:
        """Settle bills on behalf of households (insurance paying the provider).

        Args:
            households: Household indices (repeats allowed).
            amounts: Rupiah offered for each.

        Returns:
            The rupiah actually settled for each entry (never more than is owed).
        """
        households = np.asarray(households, dtype=np.intp)
        amounts = np.asarray(amounts, dtype=np.float64)
        settled = np.zeros(len(households))
        for i, (h, a) in enumerate(zip(households, amounts, strict=True)):
            take = min(a, self.owed[h])
            self.owed[h] -= take
            settled[i] = take
        return settled

    # ------------------------------------------------------------------ effects
    def _apply_deaths(self, workers: WorkerState, employers: EmployerState,
                      hh: HouseholdState, dead: np.ndarray,
                      modifiers: Modifiers | None = None) -> None:
        if len(dead) == 0:
            return
        emp = workers.employer[dead]
        emp = emp[emp >= 0]
        employers.headcount -= np.bincount(emp, minlength=employers.n).astype(np.int32)
        # The replacement: a household member takes the slot up as a job seeker.
        workers.employer[dead] = -1
        workers.status[dead] = UNEMPLOYED
        workers.months_in_status[dead] = 0
        workers.earnings[dead] = 0.0
        workers.base_earnings[dead] = 0.0
        workers.shock[dead] = 0.0
        if modifiers is not None:
            modifiers.reset(dead)  # training's effects belonged to the person who died
        self.incapacity[dead] = 0
        home, count = np.unique(workers.household[dead], return_counts=True)
        cost = count * (self.settings.funeral_cost_months * np.maximum(hh.perm_income[home], 0.0))
        self.new_costs["funeral"] += float(cost.sum())
        self.owed[home] += cost

    def _apply_accidents(self, workers: WorkerState, hh: HouseholdState,
                         hurt: np.ndarray) -> None:
        if len(hurt) == 0:
            return
        self.incapacity[hurt] = self.settings.dur_incapacity_months
        home, count = np.unique(workers.household[hurt], return_counts=True)
        cost = count * self.settings.care_cost
        self.new_costs["care"] += float(cost.sum())
        self.owed[home] += cost

    def _apply_illness(self, hh: HouseholdState, ill: np.ndarray) -> None:
        if len(ill) == 0:
            return
        cost = self.settings.illness_cost_months * np.maximum(
            hh.perm_income[ill].astype(np.float64), 0.0)
        self.new_costs["illness"] += float(cost.sum())
        self.owed[ill] += cost

    def _withhold_earnings(self, workers: WorkerState) -> np.ndarray:
        """Zero the earnings of workers in an accident spell; count the spell down."""
        self.lost_earnings[:] = 0.0
        off = np.flatnonzero(self.incapacity > 0)
        if len(off):
            self.lost_earnings[off] = workers.earnings[off]
            workers.earnings[off] = 0.0
            self.incapacity[off] -= 1
        return off

