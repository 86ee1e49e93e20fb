"""A plain one-agent-per-household reference implementation of the core monthly loop.

This is a yardstick and a test oracle, not a product. Each household is a ``mesa.Agent``
(:class:`HouseholdAgent`) holding its labour-force members as small plain :class:`Worker`
objects, and the month is written as a Mesa user would write it: loops over agents, one random
draw per agent from the model's own ``random.Random``. It follows the rules of the vectorised
:class:`~simulation.model.PovertyModel` for the no-programmes world (``policies=()``):

labour demand (the vectorised :func:`~simulation.employers.plan_labour_demand` on a copy of the
employer arrays: employers are few) -> separations (base rates plus employer layoffs) ->
matching (``M = A S^a V^(1-a)`` hires, winners by a per-agent weighted draw without replacement,
each filling a vacancy slot drawn at random) -> informal fallback (needy and other rates, the
status and sector mix, casual workers joining informal employers by size) -> earnings (indexed
wages, AR(1) informal shocks, crowding) -> shocks (bills paid, then accident, death, illness)
-> income with risk sharing -> the buffer-stock consumption rule -> poverty and unemployment.

The initial state is copied from a built (burned-in) ``PovertyModel`` at step 0; from there the
reference draws its own random numbers, so it matches the vectorised model in distribution,
not draw by draw. Simplifications: no policies, registry or poverty histories; arithmetic is in
float64 (the vectorised model keeps float32 arrays); only the indicators below are measured.

    # with benchmarks/ on sys.path (run.py and the tests put it there)
    from reference import run_reference
    out = run_reference(baseline_parameters(), 5_000, seed=1, end="2022-03")
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
from simulation.population import informal_education_factor
from simulation.state import CASUAL, FORMAL, OWN_ACCOUNT, UNEMPLOYED, UNPAID

INDICATORS = ("extreme_poverty_rate", "poverty_rate", "unemployment_rate")


class Worker:
    """One labour-force member (a plain object held by its household)."""

    __slots__ = ("status", "sector", "education", "employer", "base_earnings", "shock",
                 "earnings", "months_in_status", "skill", "productivity", "incapacity")

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
        for k, v in kw.items():
            setattr(self, k, v)

    # ------------------------------------------------------------------ labour market
    def separate(self, layoff_share: np.ndarray) -> None:
        """Each member's job ends with its monthly chance (plus the employer's layoff share)."""
        m = self.model
        for w in self.workers:
            if w.status == UNEMPLOYED:
                continue
            p = m.formal_sep if w.status == FORMAL else m.informal_exit
            if w.employer >= 0:
                p += layoff_share[w.employer]
            if m.random.random() < p:
                if w.employer >= 0:
                    m.employers.headcount[w.employer] -= 1
                w.leave_job()

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

    def earn(self, informal_index: np.ndarray, wage_index: float) -> None:
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
                mult = wage_index if w.status == FORMAL else informal_index[w.sector]
                w.earnings = w.base_earnings * mult
            w.months_in_status += 1

    # ------------------------------------------------------------------ shocks
    def suffer_shocks(self) -> None:
        """Pay part of old bills; then accidents, deaths and illness; withhold accident pay."""
        m = self.model
        s = m.shock_settings
        if self.owed > 0:
            pay = self.owed / s.dur_repayment_months
            if self.owed - pay < 1_000.0:
                pay = self.owed
            self.owed -= pay
            self.savings -= pay
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
            elif (u < s.p_death + s.p_accident[w.sector] and w.status != UNEMPLOYED
                  and w.incapacity == 0):
                w.incapacity = s.dur_incapacity_months
                self.owed += s.care_cost
        if m.random.random() < s.p_illness:
            self.owed += s.illness_cost_months * max(self.perm_income, 0.0)
        for w in self.workers:
            if w.incapacity > 0:
                w.earnings = 0.0
                w.incapacity -= 1

    # ------------------------------------------------------------------ income and consumption
    def receive_income(self, other_index: float, growth: float) -> None:
        """Labour income, risk sharing, other income, and the long-term saving share."""
        c = self.model.consumption_rules
        labour = sum(w.earnings for w in self.workers)
        self.expected_labour *= growth
        self.expected_labour += c.expectation_adjustment_rate * (labour - self.expected_labour)
        shared = c.risk_sharing_share * (self.expected_labour - labour)
        gross = max(labour + shared + self.other_income * other_index, 0.0)
        ref = self.reference_income * other_index
        saving_share = (1.0 - self.kappa) * min(1.0, gross / max(ref, 1.0))
        self.income = gross * (1.0 - saving_share)

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


class ReferenceModel(mesa.Model):
    """Households as agents, started from the step-0 state of a built ``PovertyModel``.

    Args:
        vm: A built vectorised model at step 0 (with ``policies=()``); it is only read.
        seed: Seed of the reference's own random draws.
    """

    def __init__(self, vm: PovertyModel, seed: int = 0):
        super().__init__(rng=seed)
        if vm.policies:
            raise ValueError("the reference runs the no-programmes world only")
        self.params, self.paths = vm.params, vm.paths
        self.labour, self.consumption_rules = vm.labour, vm.consumption_rules
        self.shock_settings = vm.shocks.settings
        self.np_rng = np.random.default_rng(seed)
        self.employers = vm.employer_state.copy()
        self.informal_start = vm._informal_start.copy()
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

        hh, ws, sh = vm.households, vm.workers, vm.shocks
        fields = ("weight", "size", "is_urban", "other_income", "kappa", "reference_income",
                  "expected_labour", "buffer_months", "income", "perm_income", "savings",
                  "consumption")
        cols = {f: getattr(hh, f).tolist() for f in fields}
        owed = sh.owed.tolist()
        self.households = [HouseholdAgent(self, owed=owed[i], **{f: cols[f][i] for f in fields})
                           for i in range(hh.n)]
        wcols = {f: getattr(ws, f).tolist() for f in Worker.__slots__ if f != "incapacity"}
        wcols["incapacity"] = sh.incapacity.tolist()
        for j, h in enumerate(ws.household.tolist()):
            self.households[h].workers.append(Worker(**{f: wcols[f][j] for f in Worker.__slots__}))
        self.records: dict[str, list] = {"date": [], **{k: [] for k in INDICATORS}}
        self.measure()

    def all_workers(self):
        """Every worker, household by household."""
        for h in self.households:
            yield from h.workers

    # ------------------------------------------------------------------ the month
    def step(self) -> None:
        """Advance one month (the same calendar as ``PovertyModel.step`` without policies)."""
        self.t += 1
        t = self.t
        e = self.employers
        layoffs = plan_labour_demand(
            e, self.paths.sector_growth_monthly[:, t], self.labour.employment_output_elasticity,
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
        real = informal_productivity(self.paths.sector_output[:, t], informal_now,
                                     self.informal_start, self.labour)
        index = (real * self.paths.cpi_rel[t]).tolist()
        self.agents.do("earn", index, float(self.paths.formal_wage_index[t]))
        self.agents.do("suffer_shocks")
        c = self.consumption_rules
        e_other = c.other_income_growth_elasticity
        other = [self.paths.cpi_rel[k] * self.paths.gdp_pc_rel[k] ** e_other for k in (t - 1, t)]
        self.agents.do("receive_income", float(other[1]), float(other[1] / other[0]))
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
        """Record extreme and national P0 (persons) and the unemployment rate."""
        ext, nat = self.paths.extreme_line[self.t], self.paths.national_line[self.t]
        persons = ext_poor = nat_poor = lf = unemployed = 0.0
        for h in self.households:
            wp = h.weight * h.size
            c_pc = h.consumption / h.size
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

    def run(self) -> dict:
        """Step to the end of the paths; return the monthly indicators."""
        while self.t < self.paths.n_steps:
            self.step()
        return self.results()

    def results(self) -> dict:
        """``{"date": [...], indicator: array}``."""
        return {k: (v if k == "date" else np.asarray(v)) for k, v in self.records.items()}


def run_reference(params: ParameterSet, n_households: int, seed: int,
                  end: str = "2024-12") -> dict:
    """Build the vectorised model (population and burn-in), copy it into agents, run to ``end``.

    Returns ``{"date": [...], "extreme_poverty_rate", "poverty_rate", "unemployment_rate"}``,
    one entry per month from March 2021.
    """
    vm = PovertyModel(params, n_households=n_households, seed=seed, end=end, policies=())
    return ReferenceModel(vm, seed=seed).run()


def run_both(params: ParameterSet, n_households: int, seed: int, end: str) -> tuple[dict, dict]:
    """One build, two runs: the vectorised model and the reference from the same step-0 state."""
    vm = PovertyModel(params, n_households=n_households, seed=seed, end=end, policies=())
    ref = ReferenceModel(vm, seed=seed)  # copies the state before the vectorised model moves
    vec = vm.run()
    vec = {"date": vec["date"], **{k: np.asarray(vec[k]) for k in INDICATORS}}
    return vec, ref.run()
