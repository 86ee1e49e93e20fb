"""Job creation (Kemnaker lever): padat karya public works, TKM start-up grants, formal jobs.

Three policies, sized in ``simulation/parameters/programmes/job_creation.yaml`` (dated values
with sources; every size can be set in a scenario or multiplied by ``scale``):

* :class:`PadatKarya` (``padat_karya``): cash-for-work. Each year ``workers_per_year`` real
  persons (PUPR padat karya tunai: 1,064,994 in 2022, row 249 of the shared data) work
  ``days_per_month`` days a month at ``daily_wage`` (Rp 70,000, row 251) for a spell of
  ``months`` months. Places go to unemployed, casual, own-account or unpaid family workers, a
  ``poor_share`` of them (0.41, row 301) in the households the registry ranks poorest.
* :class:`TkmGrants` (``tkm_grants``): Tenaga Kerja Mandiri start-up grants of Rp 20 M per group
  of 10 (rows 253-254). Grantees start an own-account business whose earnings carry an uplift
  (the return on the grant's equipment and materials) until the business fails (the holder is
  then unemployed again).
* :class:`FormalJobCreation` (``formal_job_creation``): formal vacancies *beyond* the baseline's
  GDP-driven labour demand (none by default: a scenario sets ``jobs_per_year``), added to formal
  employers' desired headcount. Who fills them is decided by the matching market, not by the
  programme.

Common rules: sizes are real persons (or groups, or jobs) per year, spread evenly over the months
and turned into sample units with ``households.weight[0]`` (a sample worker stands for as many
real workers as a sample household stands for real households) by stochastic rounding on the
policy's own random stream, so a policy of size zero draws nothing from any shared stream and
reproduces the run without it exactly. Spending never exceeds ``annual_budget``.

Burn-in: padat karya and TKM in force in March 2021 also act during the stationary burn-in (at
their March-2021 sizes), so the starting state holds the stock of participants and grant
businesses a running programme has. Formal job creation does not act in the burn-in: added jobs
accumulate, and the jobs investment was creating before March 2021 are already in the starting
labour market.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np

from simulation import kernels
from simulation.errors import InputError
from simulation.policies.base import Arg, Policy, Result, register
from simulation.population import informal_base_earnings
from simulation.sampling import argsort_ties
from simulation.state import CASUAL, FORMAL, OWN_ACCOUNT, UNEMPLOYED, UNPAID

if TYPE_CHECKING:
    from simulation.model import PovertyModel

PARAMS = "programmes.job_creation"
# Padat karya sizes count distinct persons a year, so a person starts at most one spell a year.
ROTATION_MONTHS = 12
_SCALE = Arg("float", 1.0, minimum=0, help="multiplier on the size (default size x scale)")


def stochastic_round(x: float, rng: np.random.Generator) -> int:
    """Round ``x >= 0`` up with probability equal to its fraction (no draw when ``x`` is 0).

    Examples:
        >>> stochastic_round(0.0, np.random.default_rng(0))
        0
        >>> stochastic_round(3.0, np.random.default_rng(0))
        3
    """
    if x <= 0:
        return 0
    whole = math.floor(x)
    frac = x - whole
    return int(whole + (1 if frac > 0 and rng.random() < frac else 0))


class _JobCreationPolicy(Policy):
    """Shared helpers of the job-creation policies (not registered itself).

    Subclasses name, in ``DEFAULTS``, the parameter (under ``programmes.job_creation``) that
    gives each argument its default when the scenario leaves it unset.
    """

    PARAMETER_GROUP = PARAMS

    lever = "job_creation"
    DEFAULTS: dict[str, str] = {}

    def init(self, model: PovertyModel) -> None:
        """Resolve dates; check the default parameters exist."""
        super().init(model)
        for name in self.DEFAULTS:  # fail now, naming the path, if a parameter is missing
            self.setting(model, name)

    def monthly_units(self, model: PovertyModel, per_year: float,
                      rng: np.random.Generator) -> int:
        """This month's sample units of a yearly real-person size (times ``scale``)."""
        return stochastic_round(self.scale * float(per_year) / model.worker_weight / 12.0, rng)

    def within_budget(self, model: PovertyModel, unit_cost: float, wanted: int) -> int:
        """How many of ``wanted`` units of ``unit_cost`` Rp the budget left this year allows."""
        if self.annual_budget is None or wanted <= 0:
            return max(int(wanted), 0)
        return self.affordable(model.t, unit_cost, wanted, model)

    def count(self, model: PovertyModel, key: str, n: int) -> None:
        """Add ``n`` sample units to the result ``key``, in real persons (not in the burn-in)."""
        self.record(model, key, n * model.worker_weight)


def select_workers(model: PovertyModel, eligible: np.ndarray, n: int, poor_share: float,
                   rng: np.random.Generator) -> np.ndarray:
    """Pick ``n`` eligible workers: a ``poor_share`` from the registry's poorest households.

    The poor places go, one per household, to the households the registry ranks poorest among
    those with an eligible member (a random eligible member each); the other places go to
    eligible workers drawn at random (the programme's geographic targeting leaks to the non-poor).

    Args:
        model: The model (``registry``, ``workers``).
        eligible: Boolean mask over workers.
        n: Places to fill (fewer are filled if fewer workers are eligible).
        poor_share: Share of places reserved for the registry's poorest.
        rng: The policy's generator this month.

    Returns:
        Indices of the chosen workers.
    """
    cand = np.flatnonzero(eligible)
    n = min(int(n), len(cand))
    if n <= 0:
        return np.empty(0, dtype=np.int64)
    hh_of = model.workers.household[cand]
    n_poor = min(stochastic_round(poor_share * n, rng), n)
    chosen = np.empty(0, dtype=np.int64)
    if n_poor > 0:
        has_eligible = np.zeros(model.households.n, dtype=bool)
        has_eligible[hh_of] = True
        poor_hh = model.registry.lowest(n_poor, has_eligible)
        in_poor = np.zeros(model.households.n, dtype=bool)
        in_poor[poor_hh] = True
        pool = cand[in_poor[hh_of]]
        # One random eligible member per household: sort by (household, random key), keep first.
        order = argsort_ties(model.workers.household[pool], rng.random(len(pool)))
        pool = pool[order]
        hh_sorted = model.workers.household[pool]
        first = np.ones(len(pool), dtype=bool)
        first[1:] = hh_sorted[1:] != hh_sorted[:-1]
        chosen = pool[first]
    rest = n - len(chosen)
    if rest > 0:
        taken = np.zeros(model.workers.n, dtype=bool)
        taken[chosen] = True
        others = cand[~taken[cand]]  # cand is sorted, as setdiff1d would return it
        chosen = np.concatenate([chosen, rng.choice(others, size=min(rest, len(others)),
                                                    replace=False)])
    return chosen


# ---------------------------------------------------------------------------------------------
@register
class PadatKarya(_JobCreationPolicy):
    """Labour-intensive public works (padat karya tunai): short paid spells for the poor.

    Each month ``scale x workers_per_year / 12`` real persons start a spell of ``months`` months
    (converted to sample workers by stochastic rounding). Eligible are labour-force members who
    are unemployed, casual, own-account or unpaid family workers; who have not started a spell in
    the last 12 months (the size counts distinct persons a year, so places rotate); whose
    household has no member in a spell (places are spread over households); and for whom the low
    wage is worth it (self-targeting: informal workers whose forgone earnings, at last month's
    earnings, would exceed the wage do not sign up). A ``poor_share`` of places goes to the
    households the registry ranks poorest (one member each), the rest to eligible workers at
    random (:func:`select_workers`).

    Participants keep their labour-market status (they still search and can be hired; a
    participant hired into a formal job leaves the programme; the measured unemployment rate does
    not count programme work). For each month of the spell their household receives
    ``daily_wage x days_per_month``. This is wage income for work done, paid in
    :meth:`pay_transfers` through ``households.transfers`` because earnings are recomputed in the
    labour-market stage that runs after the programme enrols. It enters household income and
    consumption like other cash; it is kept out of labour income, so a short spell does not raise
    the household's expected labour income (nor its risk-sharing claims). The work has an
    opportunity cost: a casual or own-account participant gives up
    ``forgone_share x days_per_month / working_days_per_month`` of this month's informal earnings
    (unemployed and unpaid family participants give up nothing). The household receives the wage
    net of that loss (at least 0): the loss is a choice, not a shock, so it is netted from the
    payment rather than cut from earnings, where the household's informal risk sharing would
    partly make it good. This month's paid participants are in ``self.paid_now``; the run's
    tallies in ``self.results``.

    Spending is the wage bill grossed up for materials, tools and supervision:
    ``wages / (1 - materials_share)``. When the budget runs short, the latest places are not paid
    and their spells end.

    The default size represents PUPR's padat karya tunai (798,000 persons assumed for 2021;
    1,064,994 in 2022, row 249; 701,000 targeted for 2023, row 250), the central government's
    largest cash-for-work programme with published counts. Kemnaker's own (6,000 in 2021, row 252)
    is under 1% of it; Kemendes's village programme (row 301) is a separate instance if wanted.

    Args:
        scale: Multiplier on the size (default 1).
        workers_per_year: Persons employed per year (real persons; default: parameter file).
        days_per_month: Days worked in each month of a spell (default 15, row 251).
        daily_wage: Rp per day (default 70,000, row 251).
        months: Spell length in months (default 2, assumption).
        poor_share: Share of places for the registry's poorest (default 0.41, row 301).
        materials_share: Share of spending on non-wage costs (default 0.84, derived, row 249).
        forgone_share: Share of informal earnings for the days worked that is given up
            (default 0.5, assumption).

    Examples:
        >>> p = PadatKarya(label="pk", scale=2.0, poor_share=0.6)
        >>> (p.kind, p.lever, p.to_dict()["scale"], p.to_dict()["poor_share"])
        ('padat_karya', 'job_creation', 2.0, 0.6)
    """

    kind = "padat_karya"
    RESULTS = (
        Result("participants", "Persons starting a spell", "persons"),
        Result("participant_months", "Persons paid in the month", "persons"),
    )
    ARGS = {
        "scale": _SCALE,
        "workers_per_year": Arg("float", None, minimum=0, optional=True,
                                help="persons employed per year (real persons)",
                                counts="persons"),
        "days_per_month": Arg("float", None, minimum=0, maximum=31, optional=True,
                              help="days worked per month of a spell"),
        "daily_wage": Arg("money", None, optional=True, help="Rp per day worked"),
        "months": Arg("int", None, minimum=1, maximum=12, optional=True,
                      help="months in a spell"),
        "poor_share": Arg("rate", None, optional=True,
                          help="share of places for the registry's poorest households"),
        "materials_share": Arg("rate", None, maximum=0.99, optional=True,
                               help="share of spending on materials, tools, supervision"),
        "forgone_share": Arg("rate", None, optional=True,
                             help="share of informal earnings for the days worked given up"),
    }
    DEFAULTS = {
        "workers_per_year": "padat_karya_workers_per_year",
        "days_per_month": "padat_karya_days_per_month",
        "daily_wage": "padat_karya_daily_wage",
        "months": "padat_karya_spell_months",
        "poor_share": "padat_karya_poor_share",
        "materials_share": "padat_karya_materials_share",
        "forgone_share": "padat_karya_forgone_earnings_share",
    }

    def init(self, model: PovertyModel) -> None:
        """Resolve dates and defaults; allocate the months left in each worker's spell."""
        super().init(model)
        self.parameter(model, f"{PARAMS}.working_days_per_month")  # fails now if missing
        self.months_left = np.zeros(model.workers.n, dtype=np.int8)
        self._clock = 0  # months this policy has run (the burn-in included)
        self._last_start = np.full(model.workers.n, -ROTATION_MONTHS, dtype=np.int32)
        self.paid_now = np.empty(0, dtype=np.int64)

    def monthly_pay(self, model: PovertyModel) -> float:
        """Rp a participant earns in a month of the spell."""
        return float(self.setting(model, "daily_wage")) * float(
            self.setting(model, "days_per_month"))

    def forgone_fraction(self, model: PovertyModel) -> float:
        """Share of a month's informal earnings a participant gives up by working the spell."""
        days = float(self.setting(model, "days_per_month"))
        full = float(self.parameter(model, f"{PARAMS}.working_days_per_month"))
        return float(self.setting(model, "forgone_share")) * min(days / full, 1.0)

    def unit_cost(self, model: PovertyModel) -> float:
        """Rp spent per sample participant-month (real persons x wage, grossed up)."""
        return self.monthly_pay(model) * model.worker_weight / (
            1.0 - float(self.setting(model, "materials_share")))

    def before_labour_market(self, model: PovertyModel) -> None:
        """Enrol this month's new participants (within the budget left for this year)."""
        rng = self.rng(model)
        w = model.workers
        self._clock += 1
        wanted = self.monthly_units(model, self.setting(model, "workers_per_year"), rng)
        if wanted <= 0:
            return
        continuing = int(np.count_nonzero(self.months_left))
        n_new = self.within_budget(model, self.unit_cost(model), continuing + wanted) - continuing
        if n_new <= 0:
            return
        st = w.status
        # Self-targeting: informal workers whose forgone earnings (at last month's earnings)
        # would exceed the wage do not sign up.
        # (Forgone earnings are 0 for the others: they qualify if the pay is positive.)
        # Not formal, no household member in a spell, no start in the last ROTATION_MONTHS,
        # and the pay worth it (float32, as numpy compares a float32 array with a float).
        pay = self.monthly_pay(model)
        assert (FORMAL, CASUAL, OWN_ACCOUNT) == (0, 1, 2)  # the codes the kernel reads
        eligible = kernels.public_works_eligible(
            st, w.earnings, w.household, self.months_left, self._last_start, self._clock,
            np.float32(self.forgone_fraction(model)), np.float32(pay), 0.0 < pay,
            ROTATION_MONTHS, model.households.n)
        chosen = select_workers(model, eligible, n_new, float(self.setting(model, "poor_share")),
                                rng)
        self.months_left[chosen] = int(self.setting(model, "months"))
        self._last_start[chosen] = self._clock
        self.count(model, "participants", len(chosen))

    def pay_transfers(self, model: PovertyModel) -> None:
        """Pay this month's participants; charge the opportunity cost; record the spending."""
        active = np.flatnonzero(self.months_left)
        if len(active) == 0:
            self.paid_now = active
            return
        w = model.workers
        hired = w.status[active] == FORMAL  # left for a wage job
        self.months_left[active[hired]] = 0
        active = active[~hired]
        n = self.within_budget(model, self.unit_cost(model), len(active))
        self.months_left[active[n:]] = 0  # no money left this year: those spells end
        paid = active[:n]
        st = w.status[paid]
        forgone = np.where((st == CASUAL) | (st == OWN_ACCOUNT),
                           self.forgone_fraction(model) * w.earnings[paid], 0.0)
        net = np.maximum(self.monthly_pay(model) - forgone, 0.0).astype(np.float32)
        # The wage bill grossed up for materials is booked; households receive the net wage.
        self.pay(model, w.household[paid], net, booked=self.unit_cost(model) * n,
                 per_worker=True)
        self.months_left[paid] -= 1
        self.paid_now = paid
        self.count(model, "participant_months", n)


# ---------------------------------------------------------------------------------------------
@register
class TkmGrants(_JobCreationPolicy):
    """Tenaga Kerja Mandiri (TKM Pemula): start-up grants that turn workers into own-account.

    Each month ``scale x groups_per_year x group_size / 12`` real persons get a grant share
    ``grant_per_group / group_size`` (Rp 2 M; rows 253-254). Eligible are unemployed, casual and
    unpaid family workers who have not had a grant before (TKM Pemula funds a person's *first*
    business; existing own-account workers are TKM Lanjutan's, not modelled); a ``poor_share``
    of places goes to the
    households the registry ranks poorest (:func:`select_workers`).

    A grantee becomes an own-account worker in their current (or last) sector, leaving any
    informal employer, with the ordinary own-account base earnings at their productivity plus an
    uplift of ``monthly_return_rate x grant per person`` (at March-2021 prices): the grant buys
    equipment and materials, and the uplift is the return on that capital (assumption: about 5% a
    month, the order found for micro-enterprise grants). Each month an active business fails with
    probability ``failure_rate``: the business closes, its uplift ends and its holder is
    unemployed again, a job seeker whom the model's own rules then move (matching, the fallback on
    informal work). Closing into unemployment rather than into ordinary own-account work keeps the
    grant from buying a permanent exit from unemployment: the effect lasts as long as the
    business. A business also ends when its holder leaves own-account work through the labour
    market (informal exit, a formal job). Active businesses are tracked in ``self.uplift`` (per
    worker slot, 0 = none); this month's grantees and failures are in ``self.granted_now`` and
    ``self.failed_now``; the run's tallies (grantees, business-months, failures, ended by the
    market) in ``self.results``.

    Args:
        scale: Multiplier on the size (default 1).
        groups_per_year: Groups funded per year (default: parameter file, 12,500 from 2022).
        group_size: Persons per group (default 10).
        grant_per_group: Rp per group (default 20,000,000).
        poor_share: Share of places for the registry's poorest (default 0.25, assumption).
        monthly_return_rate: Monthly earnings uplift as a share of the grant per person
            (default 0.05, assumption).
        failure_rate: Monthly chance an active business fails (default 0.0285, assumption).

    Examples:
        >>> g = TkmGrants(label="tkm", groups_per_year=20_000, failure_rate=0.05)
        >>> (g.kind, g.lever, g.to_dict()["groups_per_year"])
        ('tkm_grants', 'job_creation', 20000.0)
    """

    kind = "tkm_grants"
    RESULTS = (
        Result("grantees", "Persons receiving a grant", "persons"),
        Result("business_months", "Grant businesses running", "persons"),
        Result("failures", "Grant businesses failing", "persons"),
        Result("ended_by_market", "Grant businesses left for another job", "persons"),
    )
    ARGS = {
        "scale": _SCALE,
        "groups_per_year": Arg("float", None, minimum=0, optional=True,
                               help="groups funded per year (real groups)", counts="persons"),
        "group_size": Arg("int", None, minimum=1, optional=True, help="persons per group"),
        "grant_per_group": Arg("money", None, optional=True, help="Rp per group"),
        "poor_share": Arg("rate", None, optional=True,
                          help="share of places for the registry's poorest households"),
        "monthly_return_rate": Arg("rate", None, optional=True,
                                   help="monthly earnings uplift per Rp of grant"),
        "failure_rate": Arg("rate", None, optional=True,
                            help="monthly chance an active grant business fails"),
    }
    DEFAULTS = {
        "groups_per_year": "tkm_groups_per_year",
        "group_size": "tkm_group_size",
        "grant_per_group": "tkm_grant_per_group",
        "poor_share": "tkm_poor_share",
        "monthly_return_rate": "tkm_monthly_return_rate",
        "failure_rate": "tkm_business_failure_rate",
    }
    ELIGIBLE = (UNEMPLOYED, CASUAL, UNPAID)

    def count_factor(self, name: str, params, months: np.ndarray) -> tuple[float, str]:
        """Groups are counted in persons: ``groups_per_year`` x ``group_size``."""
        if name != "groups_per_year":
            return super().count_factor(name, params, months)
        size = self.group_size if self.group_size is not None else float(np.max(
            params.monthly(self.parameter_path("group_size"), months)))
        return float(size), "group_size"

    def init(self, model: PovertyModel) -> None:
        """Resolve dates and defaults; allocate the per-worker record of grant businesses."""
        super().init(model)
        self.uplift = np.zeros(model.workers.n, dtype=np.float32)  # March-2021 Rp per month
        self._base_set = np.zeros(model.workers.n, dtype=np.float32)
        self.ever_granted = np.zeros(model.workers.n, dtype=bool)
        self.granted_now = self.failed_now = np.empty(0, dtype=np.int64)

    def active(self) -> np.ndarray:
        """Indices of workers holding an active grant business."""
        return np.flatnonzero(self.uplift)

    def before_labour_market(self, model: PovertyModel) -> None:
        """Close failed or abandoned businesses, then hand out this month's grants."""
        rng = self.rng(model)
        w = model.workers
        self.granted_now = self.failed_now = np.empty(0, dtype=np.int64)
        held = self.active()
        if len(held):
            # A business is intact while its holder is own-account at the base it was given; the
            # labour market resets the base when the holder leaves (exit, formal job).
            intact = (w.status[held] == OWN_ACCOUNT) & (
                w.base_earnings[held] == self._base_set[held])
            self.uplift[held[~intact]] = 0.0
            self.count(model, "ended_by_market", int(np.count_nonzero(~intact)))
            alive = held[intact]
            fail = alive[rng.random(len(alive)) < float(self.setting(model, "failure_rate"))]
            self.uplift[fail] = 0.0
            w.status[fail] = UNEMPLOYED  # the business closes: back to the job queue
            w.months_in_status[fail] = 0
            w.base_earnings[fail] = 0.0
            w.earnings[fail] = 0.0
            w.shock[fail] = 0.0
            self.failed_now = fail
            self.count(model, "business_months", len(alive))
            self.count(model, "failures", len(fail))

        size = float(self.setting(model, "group_size"))
        wanted = self.monthly_units(model, float(self.setting(model, "groups_per_year")) * size,
                                    rng)
        grant = float(self.setting(model, "grant_per_group")) / size  # Rp per person
        n = self.within_budget(model, grant * model.worker_weight, wanted)
        if n <= 0:
            return
        by_status = np.zeros(5, dtype=bool)
        by_status[list(self.ELIGIBLE)] = True
        eligible = by_status.take(w.status) & ~self.ever_granted
        chosen = select_workers(model, eligible, n, float(self.setting(model, "poor_share")), rng)
        if len(chosen) == 0:
            return
        self._start_businesses(model, chosen, grant)
        self.granted_now = chosen
        self.spend(model.t, grant * model.worker_weight * len(chosen), model)
        self.count(model, "grantees", len(chosen))

    def _start_businesses(self, model: PovertyModel, who: np.ndarray, grant: float) -> None:
        w, e = model.workers, model.employer_state
        emp = w.employer[who]
        left = emp[emp >= 0]  # casual workers leave their informal employer
        e.headcount -= np.bincount(left, minlength=e.n).astype(e.headcount.dtype)
        w.employer[who] = -1
        status = np.full(len(who), OWN_ACCOUNT, dtype=w.status.dtype)
        base = informal_base_earnings(model.labour.informal_pay, status, w.sector[who],
                                      w.education[who],
                                      w.productivity[who].astype(np.float64))
        uplift = float(self.setting(model, "monthly_return_rate")) * grant / float(
            model.paths.cpi_rel[model.t])  # at March-2021 prices, like base earnings
        w.base_earnings[who] = (base + uplift).astype(np.float32)
        w.shock[who] = 0.0
        w.status[who] = OWN_ACCOUNT
        w.months_in_status[who] = 0
        self.uplift[who] = np.float32(uplift)
        self.ever_granted[who] = True
        self._base_set[who] = w.base_earnings[who]


# ---------------------------------------------------------------------------------------------
@register
class FormalJobCreation(_JobCreationPolicy):
    """Investment-linked formal jobs beyond the baseline's GDP-driven labour demand.

    Investment created about 1.3 M direct jobs in 2022 (BKPM, row 248), but those jobs are
    already in the baseline: employers' desired headcount follows sector output, which the GDP
    path drives. This lever adds jobs *above* that: each month ``scale x jobs_per_year / 12``
    real jobs are added to formal employers' desired headcount, split across sectors by
    ``sector_shares``
    (default: the current mix of formal employment) and within a sector across formal employers
    in proportion to their size. The employers then post the extra vacancies and the matching
    market fills them: the winners are whoever wins vacancies (education, residence, training),
    not the poor by design. A created job is a lasting position (the employer keeps wanting it;
    it moves with sector output like every other job), so jobs accumulate over the years.

    The default size is 0 (the baseline adds no jobs above its labour demand), so a scenario
    sizes the push with ``jobs_per_year``; a reference unit is 130,000 a year, 10% of the 1.3 M
    direct jobs of 2022 (row 248; assumption), and ``scale`` multiplies it. It does not act during
    the burn-in (see the module docstring). Spending is ``cost_per_job`` (Rp, an investment
    incentive; default 0) per job created, within the budget.

    Args:
        scale: Multiplier on the size (default 1).
        jobs_per_year: Extra formal jobs per year (real jobs; default: parameter file, 0).
        cost_per_job: Rp of public money per job created (default 0).
        sector_shares: Shares of the jobs in agriculture, industry and services (default: the
            formal-employment mix of the month).

    Examples:
        >>> f = FormalJobCreation(label="fdi", jobs_per_year=130_000, scale=5.0,
        ...                       sector_shares=[0.1, 0.5, 0.4])
        >>> (f.kind, f.lever, f.to_dict()["sector_shares"])
        ('formal_job_creation', 'job_creation', (0.1, 0.5, 0.4))
    """

    kind = "formal_job_creation"
    RESULTS = (Result("jobs_added", "Formal vacancies added", "jobs"),)
    ARGS = {
        "scale": _SCALE,
        "jobs_per_year": Arg("float", None, minimum=0, optional=True,
                             help="extra formal jobs per year (real jobs)", counts="persons"),
        "cost_per_job": Arg("money", None, optional=True, help="Rp of public money per job"),
        "sector_shares": Arg("float_list", None, minimum=0, optional=True,
                             help="shares of jobs in agriculture, industry, services"),
    }
    DEFAULTS = {"jobs_per_year": "formal_jobs_per_year", "cost_per_job": "formal_cost_per_job"}

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        shares = self.sector_shares
        if shares is not None and (len(shares) != 3 or sum(shares) <= 0):
            raise InputError(self._file, f"{self._key}.sector_shares",
                             "three non-negative shares (agriculture, industry, services) with a "
                             "positive sum", list(shares))

    def before_labour_market(self, model: PovertyModel) -> None:
        """Add this month's jobs to formal employers' desired headcount."""
        if model.in_burn_in:
            return
        rng = self.rng(model)
        wanted = self.monthly_units(model, self.setting(model, "jobs_per_year"), rng)
        cost = float(self.setting(model, "cost_per_job")) * model.worker_weight
        n = self.within_budget(model, cost, wanted)
        if n <= 0:
            return
        e = model.employer_state
        formal = np.flatnonzero(e.is_formal)
        if self.sector_shares is not None:
            shares = np.asarray(self.sector_shares, dtype=np.float64)
        else:
            shares = np.bincount(e.sector[formal], weights=e.headcount[formal], minlength=3)
        present = np.bincount(e.sector[formal], minlength=3) > 0
        shares = np.where(present, shares, 0.0)
        if shares.sum() <= 0:
            return
        by_sector = rng.multinomial(n, shares / shares.sum())
        for sector in np.flatnonzero(by_sector):
            pool = formal[e.sector[formal] == sector]
            size = e.headcount[pool].astype(np.float64) + 1.0
            picks = rng.choice(pool, size=int(by_sector[sector]), p=size / size.sum())
            np.add.at(e.desired, picks, np.float32(1.0))
        self.spend(model.t, cost * n, model)
        self.count(model, "jobs_added", n)
