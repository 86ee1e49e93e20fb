"""A plain one-agent-per-household reference implementation of the core monthly loop.

This is a yardstick and a test oracle, not a product. Each household is a ``mesa.Agent``
(:class:`HouseholdAgent`) holding its labour-force members as small plain :class:`Worker`
objects, and the month is written as a Mesa user would write it: loops over agents, one random
draw per agent from the model's own ``random.Random``. It follows the rules of the vectorised
:class:`~simulation.model.PovertyModel` in two worlds: no programmes (``policies=()``), or
BPJS Ketenagakerjaan alone (``policies=[{"type": "bpjs_tk", "label": "bpjs_tk"}]``, the
baseline scenario's insurance policy, :class:`~simulation.policies.social_insurance.BpjsTk`):

labour demand (the vectorised :func:`~simulation.employers.plan_labour_demand` on a copy of the
employer arrays: employers are few) -> separations (base rates plus employer layoffs; insured
formal job losers with 12 months of contributions claim JKP, from February 2022) -> matching
(``M = A S^a V^(1-a)`` hires, winners by a per-agent weighted draw without replacement, each
filling a vacancy slot drawn at random) -> informal fallback (needy and other rates, the status
and sector mix, casual workers joining informal employers by size) -> earnings (indexed wages,
AR(1) informal shocks, crowding) -> shocks (bills paid, then accident, death, illness) ->
insurance (JKM for last month's members who died; membership renewed: formal employees of
complying employers (PU) and informal workers with the voluntary-member trait (BPU), who pay
their contribution from household income; JKK settles insured accident care bills and replaces
the earnings an accident spell withholds) -> benefits as transfers (JKP 45% then 25% of the
capped last wage until re-employed formally, JKM periodic instalments) -> income with risk
sharing (a pool per residence, balanced by a levy on expected labour income) -> the buffer-stock
consumption rule with long-term saving -> poverty on consumption as Susenas measures it (food
this month; non-food with the bills paid, partly over the long recall period), unemployment,
members and benefits.

The initial state is copied from a built (burned-in) ``PovertyModel`` at step 0, including what
the scheme carries over from the burn-in (it acts then): membership, contribution months, last
wages, JKP spells and JKM instalments in progress, the complying employers and the voluntary
members' trait. From there the reference draws its own random numbers, so it matches the
vectorised model in distribution, not draw by draw. Simplifications: no other policies, registry
or poverty histories; no fund account (contributions are charged to households but not summed);
arithmetic is in float64 (the vectorised model keeps float32 arrays); only the indicators below
are measured.

    # with benchmarks/ on sys.path (run.py and the tests put it there)
    from reference import run_reference
    out = run_reference(baseline_parameters(), 5_000, seed=1, end="2022-03", insurance=True)
"""

from __future__ import annotations

import heapq
import math

import mesa
import numpy as np

from simulation.employers import plan_labour_demand
from simulation.labour_market import informal_productivity
from simulation.model import PovertyModel
from simulation.parameter_set import ParameterSet
from simulation.policies.social_insurance import BpjsTk
from simulation.population import informal_education_factor
from simulation.state import AGRICULTURE, CASUAL, FORMAL, OWN_ACCOUNT, UNEMPLOYED, UNPAID

INDICATORS = ("extreme_poverty_rate", "poverty_rate", "unemployment_rate")
#: Benefits paid (Rp, weighted to the population, per month), as the vectorised fund names them.
BENEFITS = ("benefits_jkk_care", "benefits_jkk_income", "benefits_jkm_lump",
            "benefits_jkm_periodic", "benefits_jkp")
#: Measured in the insurance world only: members (persons) and the benefits above.
INSURANCE_INDICATORS = ("members", *BENEFITS)
BPJS_TK = {"type": "bpjs_tk", "label": "bpjs_tk"}  # the baseline scenario's entry

_LABOUR_FIELDS = ("status", "sector", "education", "employer", "base_earnings", "shock",
                  "earnings", "months_in_status", "productivity")
_INFORMAL = (CASUAL, OWN_ACCOUNT, UNPAID)


class Worker:
    """One labour-force member (a plain object held by its household)."""

    __slots__ = (*_LABOUR_FIELDS, "skill", "incapacity", "lost",
                 "bpu_trait", "insured", "contrib_months", "last_wage", "jkp_months_left",
                 "jkp_wage")

    def __init__(self, **kw):
        for k, v in kw.items():
            setattr(self, k, v)

    def leave_job(self) -> None:
        """Become an unemployed job seeker with no pay."""
        self.employer = -1
        self.earnings = 0.0
        self.base_earnings = 0.0
        self.status = UNEMPLOYED
        self.months_in_status = 0


class HouseholdAgent(mesa.Agent):
    """A sample household: its members, income, savings and consumption."""

    def __init__(self, model: ReferenceModel, **kw):
        super().__init__(model)
        self.workers: list[Worker] = []
        self.transfers = 0.0
        self.health = 0.0  # bills paid this month
        self.dead: list[Worker] = []  # this month's deaths and accidents
        self.hurt: list[Worker] = []
        for k, v in kw.items():
            setattr(self, k, v)

    # ------------------------------------------------------------------ labour market
    def separate(self, layoff_share: list) -> None:
        """Each member's job ends with its monthly chance (plus the employer's layoff share)."""
        m = self.model
        for w in self.workers:
            if w.status == UNEMPLOYED:
                continue
            p = m.formal_sep if w.status == FORMAL else m.informal_exit
            if w.employer >= 0:
                p += layoff_share[w.employer]
            if m.random.random() < p:
                was_formal = w.status == FORMAL
                if w.employer >= 0:
                    m.employers.headcount[w.employer] -= 1
                w.leave_job()
                if was_formal and m.jkp_open:
                    self.claim_jkp(w)

    def claim_jkp(self, w: Worker) -> None:
        """An insured formal job loser with enough contribution months may claim JKP."""
        m = self.model
        r = m.rules
        if (w.insured and w.contrib_months >= r.jkp_min_contribution_months
                and m.random.random() < r.jkp_take_up_rate):
            w.jkp_months_left = 6
            w.jkp_wage = min(w.last_wage, r.jkp_wage_cap)
            w.contrib_months = 0

    def search_weight(self, w: Worker) -> float:
        """Weight in the hiring queue: intensity x education x residence x exp(skill)."""
        m = self.model
        if w.status == FORMAL:
            return 0.0
        intensity = 1.0 if w.status == UNEMPLOYED else m.labour.informal_search_intensity
        urban = m.labour.urban_weight if self.is_urban else 1.0
        return intensity * m.edu_weight[w.education] * urban * math.exp(w.skill)

    def fall_back(self, needy_line: float, movers: list) -> None:
        """Unemployed members decide whether to take informal work (collected in ``movers``)."""
        m = self.model
        needy = self.consumption < needy_line * self.size
        rate = m.labour.fallback_rate_needy if needy else m.labour.fallback_rate
        has_business = any(w.status == OWN_ACCOUNT for w in self.workers)
        for w in self.workers:
            if w.status == UNEMPLOYED:
                u = m.random.random()
                if u < rate:
                    movers.append((w, u / rate, has_business))

    def earn(self, informal_index: list, wage_index: list) -> None:
        """Set this month's earnings of each member."""
        m = self.model
        for w in self.workers:
            z = m.random.gauss(0.0, 1.0)
            if w.status in (CASUAL, OWN_ACCOUNT):
                w.shock = m.rho * w.shock + m.sd * z
                w.earnings = (w.base_earnings * informal_index[w.sector]
                              * math.exp(w.shock - m.half_var))
            else:
                w.shock = 0.0
                mult = (wage_index[w.education] if w.status == FORMAL
                        else informal_index[w.sector])
                w.earnings = w.base_earnings * mult
            w.months_in_status += 1

    # ------------------------------------------------------------------ shocks
    def suffer_shocks(self) -> None:
        """Pay part of old bills; then accidents, deaths and illness; withhold accident pay."""
        m = self.model
        s = m.shock_settings
        self.dead, self.hurt = [], []
        self.health = 0.0
        if self.owed > 0:
            pay = self.owed / s.dur_repayment_months
            if self.owed - pay < 1_000.0:
                pay = self.owed
            self.owed -= pay
            self.savings -= pay
            self.health = pay  # Susenas counts it as (non-food) consumption
        for w in self.workers:
            u = m.random.random()
            if u < s.p_death:  # a member takes the slot up as an unemployed job seeker
                if w.employer >= 0:
                    m.employers.headcount[w.employer] -= 1
                w.leave_job()
                w.shock = 0.0
                w.skill = 0.0
                w.incapacity = 0
                self.owed += s.funeral_cost_months * max(self.perm_income, 0.0)
                self.dead.append(w)
            elif (u < s.p_death + s.p_accident[w.sector] and w.status != UNEMPLOYED
                  and w.incapacity == 0):
                w.incapacity = s.dur_incapacity_months
                self.owed += s.care_cost
                self.hurt.append(w)
        if m.random.random() < s.p_illness:
            self.owed += s.illness_cost_months * max(self.perm_income, 0.0)
        for w in self.workers:
            w.lost = 0.0  # earnings withheld by an accident spell this month
            if w.incapacity > 0:
                w.lost = w.earnings
                w.earnings = 0.0
                w.incapacity -= 1

    # ------------------------------------------------------------------ BPJS-TK
    def insure(self) -> None:
        """JKM for members who died, membership and contributions this month, then JKK."""
        m = self.model
        r, paid = m.rules, m.paid
        for w in self.dead:
            if w.insured:  # a member last month: lump sum and funeral now, the rest monthly
                self.savings += m.psi * (r.jkm_lump_sum + r.jkm_funeral)
                self.jkm_remaining += r.jkm_periodic_total
                self.jkm_instalment += r.jkm_periodic_total / r.jkm_periodic_months
                paid["benefits_jkm_lump"] += self.weight * (r.jkm_lump_sum + r.jkm_funeral)
            w.insured, w.contrib_months, w.jkp_months_left, w.last_wage = False, 0, 0, 0.0
        for w in self.workers:
            pu = w.status == FORMAL and w.employer >= 0 and m.compliant[w.employer]
            bpu = w.status in _INFORMAL and w.bpu_trait
            w.insured = pu or bpu
            if pu:
                w.contrib_months = min(w.contrib_months + 1, 32_767)
                w.last_wage = max(w.earnings, w.lost)
            elif bpu:
                self.transfers -= m.psi * r.bpu_contribution
        for w in self.hurt:
            if w.insured:  # JKK pays the provider: the care bill is settled
                settled = min(m.shock_settings.care_cost * r.jkk_care_covered_rate, self.owed)
                self.owed -= settled
                paid["benefits_jkk_care"] += self.weight * settled
        for w in self.workers:
            if w.insured and w.lost > 0:  # in an accident spell: JKK replaces the lost pay
                cap = w.lost if w.status == FORMAL else min(w.lost, r.bpu_reported_income)
                w.earnings = r.jkk_income_replacement_rate * cap
                paid["benefits_jkk_income"] += self.weight * w.earnings

    def collect_benefits(self) -> None:
        """JKP cash benefits and JKM periodic instalments, as this month's transfers."""
        m = self.model
        r, paid = m.rules, m.paid
        for w in self.workers:
            if w.jkp_months_left > 0:
                if w.status == FORMAL:  # re-employed in a wage job: the benefit stops
                    w.jkp_months_left = 0
                    continue
                rate = r.jkp_rate_first if w.jkp_months_left > 3 else r.jkp_rate_later
                self.transfers += m.psi * rate * w.jkp_wage
                w.jkp_months_left -= 1
                paid["benefits_jkp"] += self.weight * rate * w.jkp_wage
        if self.jkm_remaining > 0:
            pay = min(self.jkm_instalment, self.jkm_remaining)
            self.jkm_remaining -= pay
            if self.jkm_remaining <= 1e-6:
                self.jkm_remaining = self.jkm_instalment = 0.0
            self.transfers += m.psi * pay
            paid["benefits_jkm_periodic"] += self.weight * pay

    # ------------------------------------------------------------------ income and consumption
    def expect_labour(self, growth: float) -> None:
        """Sum members' earnings; move expected labour income towards them."""
        c = self.model.consumption_rules
        # A member stands for more earners as the labour force outgrows the population.
        self.labour_income = self.model.psi * sum(w.earnings for w in self.workers)
        self.expected_labour *= growth
        self.expected_labour += c.expectation_adjustment_rate * (self.labour_income
                                                                 - self.expected_labour)

    def receive_income(self, other_index: float, levy: float) -> None:
        """Risk sharing (the pool's levy given), other income, transfers, long-term saving."""
        c = self.model.consumption_rules
        shared = c.risk_sharing_share * (self.expected_labour - self.labour_income) - (
            levy * self.expected_labour)
        gross = self.labour_income + shared + self.other_income * other_index + self.transfers
        ref = self.reference_income * other_index
        ratio = min(1.0, max(gross, 0.0) / max(ref, 1.0))
        k = self.kappa
        beta = min(1.0, k / (1.0 - k)) if k < 1.0 else 1.0
        saving = (1.0 - k) * ratio**beta * max(gross, 0.0)
        self.income = gross - saving

    def consume(self) -> None:
        """The buffer-stock rule: consume permanent income, move savings towards the target."""
        c = self.model.consumption_rules
        w = c.permanent_income_weight
        self.perm_income = (1.0 - w) * self.perm_income + w * self.income
        desired = self.perm_income + c.buffer_drawdown_rate * (
            self.savings - self.buffer_months * self.perm_income)
        cash = self.savings + self.income + c.borrowing_limit_months * self.perm_income
        self.consumption = max(min(desired, cash), 0.0)
        self.savings += self.income - self.consumption
        # As Susenas measures it: food this month, non-food (with the bills paid) partly over
        # the long recall period (no aid in kind in the reference's worlds).
        s = self.model.measurement
        nonfood = (1.0 - s.food_share) * self.consumption + self.health
        w = s.recall_weight
        self.nonfood_recall = (1.0 - w) * self.nonfood_recall + w * nonfood
        year = s.nonfood_year_recall_share
        self.measured = (s.food_share * self.consumption + (1.0 - year) * nonfood
                         + year * self.nonfood_recall)


class ReferenceModel(mesa.Model):
    """Households as agents, started from the step-0 state of a built ``PovertyModel``.

    Args:
        vm: A built vectorised model at step 0, with no policies or with exactly one
            ``bpjs_tk`` policy (any settings; its rules and window are honoured). It is only
            read.
        seed: Seed of the reference's own random draws.

    Raises:
        ValueError: If ``vm`` has other policies or has already stepped.
    """

    def __init__(self, vm: PovertyModel, seed: int = 0):
        super().__init__(rng=seed)
        kinds = [p.kind for p in vm.policies]
        if kinds not in ([], ["bpjs_tk"]) or not all(isinstance(p, BpjsTk) for p in vm.policies):
            raise ValueError("the reference runs the world with no policies or with exactly one "
                             f"bpjs_tk policy, not with {kinds}")
        if vm.t != 0:
            raise ValueError(f"the reference starts from step 0; the model is at step {vm.t}")
        self.params, self.paths = vm.params, vm.paths
        self.labour, self.consumption_rules = vm.labour, vm.consumption_rules
        self.measurement = vm.measurement
        self.shock_settings = vm.shocks.settings
        self.np_rng = np.random.default_rng(seed)
        self.employers = vm.employer_state.copy()
        self.informal_start = vm.informal_start.copy()
        self.t = vm.t
        lab = self.labour
        self.formal_sep, self.informal_exit = lab.formal_separation_rate, lab.informal_exit_rate
        self.edu_weight = [float(x) for x in lab.education_weight]
        self.rho, self.sd = lab.shock_persistence, lab.shock_sd
        self.half_var = 0.5 * self.sd**2 / max(1.0 - self.rho**2, 1e-9)
        p = self.params
        self.fallback_shares = lab.fallback_shares / lab.fallback_shares.sum()
        mix = np.asarray(p.value("population.labour_force.sector_shares_by_status")).reshape(4, 3)
        self.sector_cum = np.cumsum(mix, axis=1) / mix.sum(axis=1, keepdims=True)
        self.casual_mean = np.asarray(p.value("labour.earnings.casual_wage"))
        self.own_mean = (p.value("labour.earnings.own_account_income")
                         * np.asarray(p.value("labour.earnings.own_account_sector_relative")))
        self.edu_factor = informal_education_factor(p)
        self.sigma_casual = p.value("labour.earnings.casual_wage_dispersion")
        self.sigma_own = p.value("labour.earnings.own_account_dispersion")

        # The scheme: its rules and window, and what it carries over from the burn-in.
        scheme = vm.policies[0] if vm.policies else None
        self.insurance = scheme is not None
        self.rules = scheme.rules if scheme else None
        self.window = (scheme.ti_start, scheme.ti_end) if scheme else (1, 0)
        self.compliant = scheme.compliant.tolist() if scheme else []
        self.jkp_open = False
        self.paid = dict.fromkeys(BENEFITS, 0.0)

        hh, ws, sh = vm.households, vm.workers, vm.shocks
        fields = ("weight", "size", "is_urban", "other_income", "kappa", "reference_income",
                  "expected_labour", "buffer_months", "income", "perm_income", "savings",
                  "consumption", "health", "measured", "nonfood_recall")
        cols = {f: getattr(hh, f).tolist() for f in fields}
        cols["owed"] = sh.owed.tolist()
        zeros_h, zeros_w = [0.0] * hh.n, [0.0] * ws.n
        cols["jkm_remaining"] = scheme.jkm_remaining.tolist() if scheme else zeros_h
        cols["jkm_instalment"] = scheme.jkm_instalment.tolist() if scheme else zeros_h
        self.households = [HouseholdAgent(self, **{f: c[i] for f, c in cols.items()})
                           for i in range(hh.n)]
        wcols = {f: getattr(ws, f).tolist() for f in _LABOUR_FIELDS}
        wcols["incapacity"] = sh.incapacity.tolist()
        wcols["lost"] = sh.lost_earnings.tolist()
        boost = vm.modifiers.get("search_log_boost")  # none without training: all zero
        wcols["skill"] = boost.tolist() if boost is not None else zeros_w
        wcols["insured"] = scheme.is_insured.tolist() if scheme else [False] * ws.n
        wcols["contrib_months"] = scheme.contrib_months.tolist() if scheme else [0] * ws.n
        if scheme:
            wcols["bpu_trait"] = _bpu_trait(scheme).tolist()
            wcols["last_wage"] = scheme.last_wage.tolist()
            wcols["jkp_months_left"] = scheme.jkp_months_left.tolist()
            wcols["jkp_wage"] = scheme.jkp_wage.tolist()
        else:
            wcols.update(bpu_trait=[False] * ws.n, last_wage=zeros_w, jkp_months_left=[0] * ws.n,
                         jkp_wage=zeros_w)
        for j, h in enumerate(ws.household.tolist()):
            self.households[h].workers.append(Worker(**{f: wcols[f][j] for f in Worker.__slots__}))
        names = INDICATORS + (INSURANCE_INDICATORS if self.insurance else ())
        self.records: dict[str, list] = {"date": [], **{k: [] for k in names}}
        self.measure()

    def all_workers(self):
        """Every worker, household by household."""
        for h in self.households:
            yield from h.workers

    # ------------------------------------------------------------------ the month
    def step(self) -> None:
        """Advance one month (the calendar of ``PovertyModel.step``)."""
        self.t += 1
        t = self.t
        insured = self.insurance and self.window[0] <= t <= self.window[1]
        self.jkp_open = insured and bool(self.params.value(
            "programmes.social_insurance.is_jkp_in_force", at=self.paths.label(t)))
        self.paid = dict.fromkeys(BENEFITS, 0.0)
        lf = self.paths.labour_force_rel
        self.psi = float(lf[t]) / float(self.paths.population_rel[t])
        for h in self.households:
            h.transfers = 0.0
        e = self.employers
        layoffs = plan_labour_demand(
            e, self.paths.sector_growth_monthly[:, t], self.labour.employment_output_elasticity,
            float(lf[t] / lf[t - 1] - 1.0),
            self.np_rng.standard_normal(e.n), self.labour.demand_shock_sd,
            self.labour.excess_layoff_rate, self.np_rng.random(e.n))
        share = layoffs / np.maximum(e.headcount, 1)
        self.agents.do("separate", share.tolist())
        self.match()
        self.fall_back()
        informal_now = np.zeros(3)
        for w in self.all_workers():
            if w.status in (CASUAL, OWN_ACCOUNT):
                informal_now[w.sector] += 1
        real = informal_productivity(self.paths.sector_output[:, t] / lf[t], informal_now,
                                     self.informal_start, self.labour)
        prices = np.full(3, self.paths.cpi_rel[t])
        prices[AGRICULTURE] = self.paths.poor_price_rel[t]  # farm output at the poor's prices
        index = (real * prices).tolist()
        self.agents.do("earn", index, self.paths.formal_wage_by_education[:, t].tolist())
        self.agents.do("suffer_shocks")
        if insured:
            self.agents.do("insure")
            self.agents.do("collect_benefits")
        c = self.consumption_rules
        e_other = c.other_income_growth_elasticity
        other = [self.paths.cpi_rel[k] * self.paths.gdp_pc_rel[k] ** e_other for k in (t - 1, t)]
        self.agents.do("expect_labour", float(other[1] / other[0]))
        levy = {}
        for urban in (True, False):  # the risk-sharing pool of each residence sums to zero
            pool = [h for h in self.households if h.is_urban == urban]
            e_sum = sum(h.weight * h.expected_labour for h in pool)
            gap = sum(h.weight * c.risk_sharing_share * (h.expected_labour - h.labour_income)
                      for h in pool)
            levy[urban] = gap / e_sum if e_sum > 0 else 0.0
        for h in self.households:
            h.receive_income(float(other[1]), levy[h.is_urban])
        self.agents.do("consume")
        self.measure()

    def match(self) -> None:
        """Job seekers fill formal vacancies: hires from the matching function, weighted queue."""
        e, lab = self.employers, self.labour
        n_vacancies = int(e.vacancies.sum())
        keys, intensity_sum = [], 0.0
        for h in self.households:
            for w in h.workers:
                weight = h.search_weight(w)
                if weight > 0:
                    intensity_sum += 1.0 if w.status == UNEMPLOYED else (
                        lab.informal_search_intensity)
                    # Efraimidis-Spirakis: the largest log(u)/w are a weighted draw without
                    # replacement.
                    keys.append((math.log(max(self.random.random(), 1e-12)) / weight, id(w), w))
        if n_vacancies <= 0 or intensity_sum <= 0:
            return
        a = lab.matching_elasticity
        expected = lab.matching_efficiency * intensity_sum**a * n_vacancies ** (1 - a)
        n_hires = min(n_vacancies, len(keys), int(math.floor(expected + self.random.random())))
        winners = [w for _, _, w in heapq.nlargest(n_hires, keys)]
        slots = np.repeat(np.arange(e.n), e.vacancies).tolist()
        sd = lab.formal_individual_sd
        for w, emp in zip(winners, self.random.sample(slots, len(winners)), strict=True):
            if w.employer >= 0:
                e.headcount[w.employer] -= 1
            e.headcount[emp] += 1
            e.vacancies[emp] -= 1
            w.base_earnings = (lab.formal_wage_by_education[w.education] * e.wage_premium[emp]
                               * math.exp(sd * w.productivity - 0.5 * sd * sd))
            w.employer, w.sector, w.shock = emp, int(e.sector[emp]), 0.0
            w.earnings = w.base_earnings * float(self.paths.formal_wage_index[self.t])
            w.status, w.months_in_status = FORMAL, 0

    def fall_back(self) -> None:
        """Unemployed people who found no wage job take casual, own-account or unpaid work."""
        movers: list = []
        needy_line = self.labour.need_threshold * self.paths.national_line[self.t]
        self.agents.do("fall_back", needy_line, movers)
        if not movers:
            return
        e, shares = self.employers, self.fallback_shares
        beta = max(sum(m[2] for m in movers) / len(movers), 1e-9)
        pools = []  # informal employers of each sector, chosen by size (headcount + 1)
        for sec in range(3):
            pool = np.flatnonzero(~e.is_formal & (e.sector == sec))
            pools.append((pool.tolist(), np.cumsum(e.headcount[pool] + 1.0).tolist()))
        for w, u, has_business in movers:
            p_unpaid = min(1.0, shares[2] / beta) if has_business else 0.0
            p_casual = (1.0 - p_unpaid) * shares[0] / (shares[0] + shares[1])
            status = CASUAL if u < p_casual else UNPAID if u < p_casual + p_unpaid else OWN_ACCOUNT
            su = self.random.random()
            w.sector = min(int(sum(su >= c for c in self.sector_cum[status])), 2)
            if status == CASUAL:
                mean, sigma = self.casual_mean[w.sector], self.sigma_casual
            else:
                mean = self.own_mean[w.sector] * self.edu_factor[w.education]
                sigma = self.sigma_own
            base = mean * math.exp(sigma * w.productivity - 0.5 * sigma * sigma)
            w.base_earnings = base if status in (CASUAL, OWN_ACCOUNT) else 0.0
            if status == CASUAL:
                pool, cum = pools[w.sector]
                if pool:
                    emp = self.random.choices(pool, cum_weights=cum)[0]
                    w.base_earnings *= float(e.wage_premium[emp])
                    w.employer = emp
                    e.headcount[emp] += 1
            w.shock, w.status, w.months_in_status = 0.0, status, 0

    # ------------------------------------------------------------------ measurement
    def measure(self) -> None:
        """Record extreme and national P0 (persons), unemployment, and the scheme's figures."""
        ext, nat = self.paths.extreme_line[self.t], self.paths.national_line[self.t]
        persons = ext_poor = nat_poor = lf = unemployed = 0.0
        for h in self.households:
            wp = h.weight * h.size
            c_pc = h.measured / h.size  # as Susenas measures it
            persons += wp
            ext_poor += wp * (c_pc < ext)
            nat_poor += wp * (c_pc < nat)
            for w in h.workers:
                lf += h.weight
                unemployed += h.weight * (w.status == UNEMPLOYED)
        r = self.records
        r["date"].append(self.paths.label(self.t))
        r["extreme_poverty_rate"].append(ext_poor / persons)
        r["poverty_rate"].append(nat_poor / persons)
        r["unemployment_rate"].append(unemployed / lf if lf > 0 else 0.0)
        if self.insurance:  # a sample worker stands for more real ones as the labour force grows
            scale = float(self.paths.labour_force_rel[self.t])
            r["members"].append(scale * sum(h.weight for h in self.households
                                            for w in h.workers if w.insured))
            for k in BENEFITS:
                r[k].append(self.paid[k] * scale)

    def run(self) -> dict:
        """Step to the end of the paths; return the monthly indicators."""
        while self.t < self.paths.n_steps:
            self.step()
        return self.results()

    def results(self) -> dict:
        """``{"date": [...], indicator: array}``."""
        return {k: (v if k == "date" else np.asarray(v)) for k, v in self.records.items()}


def _bpu_trait(scheme: BpjsTk) -> np.ndarray:
    """Whether each worker slot is a voluntary (BPU) member while in informal work (fixed)."""
    return np.asarray(scheme.bpu_willing, dtype=bool)


def _policies(insurance: bool) -> list[dict]:
    return [dict(BPJS_TK)] if insurance else []


def run_reference(params: ParameterSet, n_households: int, seed: int, end: str = "2024-12",
                  insurance: bool = False) -> dict:
    """Build the vectorised model (population and burn-in), copy it into agents, run to ``end``.

    Returns ``{"date": [...], "extreme_poverty_rate", "poverty_rate", "unemployment_rate"}``,
    one entry per month from March 2021; with ``insurance`` (the world with BPJS-TK only) also
    ``members`` (insured persons) and the benefits paid by kind (:data:`BENEFITS`, Rp).
    """
    vm = PovertyModel(params, n_households=n_households, seed=seed, end=end,
                      policies=_policies(insurance))
    return ReferenceModel(vm, seed=seed).run()


def run_both(params: ParameterSet, n_households: int, seed: int, end: str,
             insurance: bool = False) -> tuple[dict, dict]:
    """One build, two runs: the vectorised model and the reference from the same step-0 state.

    With ``insurance`` both run the world with BPJS-TK only (:data:`BPJS_TK`) and both results
    carry :data:`INSURANCE_INDICATORS` (the vectorised members of step 0 are counted from the
    state; the scheme records them from step 1).
    """
    vm = PovertyModel(params, n_households=n_households, seed=seed, end=end,
                      policies=_policies(insurance))
    ref = ReferenceModel(vm, seed=seed)  # copies the state before the vectorised model moves
    insured = vm.policies[0].is_insured if insurance else np.zeros(vm.workers.n, dtype=bool)
    members_0 = float(vm.households.weight[vm.workers.household[insured]].sum())
    out = vm.run()
    vec = {"date": out["date"], **{k: np.asarray(out[k]) for k in INDICATORS}}
    if insurance:
        scheme = vm.policies[0]
        vec["members"] = scheme.members.copy()
        vec["members"][0] = members_0
        vec.update({k: scheme.flows[k].copy() for k in BENEFITS})
    return vec, ref.run()
