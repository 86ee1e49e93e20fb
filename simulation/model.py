"""PovertyModel: a Mesa model of Indonesian households and employers, month by month.

The model simulates, from March 2021, the path of extreme poverty (BPS, revised
US$1.90 series), national poverty and the Sakernas labour market, as the outcome of households'
and employers' rules rather than of fitted trends. Households and workers are vectorised arrays
(:mod:`simulation.state`); employers are Mesa agents over their own arrays
(:mod:`simulation.employers`); the model is a thin orchestrator whose :meth:`PovertyModel.step`
reads as the month's calendar.

Dated parameters: the rules' settings (labour market, consumption, shocks, the registry, the
exogenous paths) are resolved for every step when the model is built and selected month by month,
so a dated value applies from its month (:mod:`simulation.dated`); the population and the burn-in
use the March-2021 values. Parameters fixed over a run are read once, here.

Randomness: one root :class:`numpy.random.SeedSequence` per replication. Mesa's ``self.rng`` is
seeded from it; the stages draw from per-stage, per-month streams derived from the same root
(:mod:`simulation.streams`) so that scenarios sharing a seed share their random numbers.
"""

from __future__ import annotations

import copy
import time
from collections.abc import Callable, Sequence

import mesa
import numpy as np

from simulation import detmath
from simulation import households as hh_rules
from simulation import labour_market as lm
from simulation import population as pop
from simulation.employers import Employer, plan_labour_demand
from simulation.errors import InputError
from simulation.households import ConsumptionSettings
from simulation.macro import START_MONTH, compile_paths
from simulation.measures import INDICATOR_NAMES, labour_indicators, poverty_indicators
from simulation.parameter_set import ParameterSet, baseline_parameters
from simulation.policies import Policy, make_policy
from simulation.population import build_population
from simulation.shocks import STREAM as SHOCK_STREAM
from simulation.shocks import ShockProcess, ShockSettings
from simulation.state import CASUAL, OWN_ACCOUNT
from simulation.streams import Streams
from simulation.targeting import Registry

_BURN_IN_DRAW_OFFSET = 1_000_000  # stream months of the burn-in, apart from the run's months


def build_policies(policies: Sequence[Policy | dict]) -> list[Policy]:
    """Fresh policy objects for one model (specs are built, objects deep-copied)."""
    built = [make_policy(dict(p), key=f"policies[{i}]") if isinstance(p, dict)
             else copy.deepcopy(p) for i, p in enumerate(policies)]
    labels = [p.label for p in built]
    dup = sorted({x for x in labels if labels.count(x) > 1})
    if dup:
        raise InputError("<policies>", "label", "labels that differ between policies", dup[0])
    return built


class Recorder:
    """Monthly indicators in a preallocated array (one row per step), picklable and tidy.

    Attributes:
        names: Indicator names (columns).
        dates: ``YYYY-MM`` of each row.
        values: Array of shape (steps + 1, indicators).
    """

    def __init__(self, names: tuple[str, ...], dates: list[str]):
        self.names = names
        self.dates = dates
        self.values = np.full((len(dates), len(names)), np.nan)
        self._col = {n: i for i, n in enumerate(names)}

    def record(self, step: int, indicators: dict[str, float]) -> None:
        """Store the indicators of ``step``."""
        row = self.values[step]
        for k, v in indicators.items():
            row[self._col[k]] = v

    def as_dict(self) -> dict[str, np.ndarray | list[str]]:
        """Return ``{"date": [...], indicator: array, ...}``."""
        out: dict[str, np.ndarray | list[str]] = {"date": list(self.dates)}
        for i, n in enumerate(self.names):
            out[n] = self.values[:, i].copy()
        return out


class PovertyModel(mesa.Model):
    """Households and employers in Indonesia from March 2021, one step per month.

    Args:
        params: Resolved parameters (default: the package baseline).
        n_households: Number of sample households (weights scale them to the population).
        seed: Root seed (int or SeedSequence) of the replication.
        end: Last month simulated, ``YYYY-MM`` (March 2021 is step 0).
        progress: Called with 1 after each burn-in month (see :func:`burn_in_months`).
        policies: Policies (objects, copied, or ``{"type": kind, ...}`` specs). Those in force
            in March 2021 also act during the burn-in, at their March-2021 settings, so the
            starting state includes them; scenarios differ from April 2021 on.

    Attributes:
        households: Household arrays.
        workers: Worker arrays (one slot per labour-force member).
        employer_state: Employer arrays, viewed by the :class:`Employer` agents.
        paths: Exogenous monthly paths (prices, lines, output).
        labour: Labour-market settings in force this month (one object per step, selected at
            the start of each month; March 2021's during the burn-in).
        consumption_rules: Consumption settings in force this month (likewise).
        shocks: The shock process (its ``settings`` are likewise this month's).
        recorder: Monthly indicators.
        t: Current step (0 = March 2021).
    """

    def __init__(self, params: ParameterSet | None = None, n_households: int = 100_000,
                 seed: int | np.random.SeedSequence = 0, end: str = "2024-12",
                 progress: Callable[[int], None] | None = None,
                 policies: Sequence[Policy | dict] = ()):
        self.streams = Streams(seed)
        self.month_cache: dict = {}  # values policies share within one month (cleared monthly)
        self._stationary = False
        self._match_stats: dict = {}
        super().__init__(rng=self.streams.generator("mesa", 0))
        self.params = params if params is not None else baseline_parameters()
        self._start_params = self.params.at_month(START_MONTH)  # what the build reads
        self.paths = compile_paths(self.params, end)
        months = self.paths.months
        self._labour_steps = lm.LabourSettings.for_steps(self.params, months)
        self._consumption_steps = ConsumptionSettings.for_steps(self.params, months)
        self._shock_steps = ShockSettings.for_steps(self.params, months)
        self.labour = self._labour_steps[0]
        self.consumption_rules = self._consumption_steps[0]
        self.households, self.workers, self.employer_state = build_population(
            self._start_params, n_households, self.streams, self.paths)
        Employer.create_agents(self, self.employer_state.n, row=np.arange(self.employer_state.n))
        self._search_weights: dict = {}
        self._static_search_weight = self._search_weight_for(self.labour)
        self.registry = Registry(self.params, self.households, self.streams, months)
        self.shocks = ShockProcess(self._shock_steps[0], self.workers.n, self.households.n)
        self.policies = build_policies(policies)
        for policy in self.policies:
            policy.init(self)
        self._informal_start = self._informal_by_sector()
        self.t = 0
        self._draw_t = 0
        self._progress = progress
        self._burned_in = False
        self.burn_in(int(self.params.value("population.welfare.burn_in_months")))
        self._progress = None
        # The registry as it stood in March 2021, which programmes select from in April.
        self.registry.measure(self.households, for_step=1)
        self.recorder = Recorder(INDICATOR_NAMES,
                                 [self.paths.label(i) for i in range(self.paths.n_steps + 1)])
        self.collect()

    # ------------------------------------------------------------------ the month's calendar
    def step(self) -> None:
        """Advance one month.

        The calendar: labour demand -> separations -> matching -> fallback -> earnings ->
        income -> consumption -> measurement.
        """
        if self.t >= self.paths.n_steps:
            raise RuntimeError(f"the run ends in {self.paths.label(self.paths.n_steps)}")
        self.t += 1
        self._draw_t = self.t
        self._month()
        self.collect()

    def _month(self) -> None:
        self._use_step(0 if self._stationary else self.t)
        self.month_cache.clear()
        self.households.transfers[:] = 0.0
        active = self.active_policies()
        for policy in active:
            policy.before_labour_market(self)
        layoffs = self.plan_labour_demand()
        losers = self.separate_workers(layoffs)
        for policy in active:
            policy.after_separations(self, losers)
        self.match_job_seekers()
        self.fall_back_on_informal_work()
        self.update_earnings()
        events = self.draw_shocks()
        for policy in active:
            policy.after_shocks(self, events)
        for policy in active:
            policy.pay_transfers(self)
        self.receive_income()
        self.consume()
        if not self._stationary:
            self.registry.tick(self.households, self.t)

    def _use_step(self, step: int) -> None:
        """Put the settings in force in ``step`` in place (step 0 during the burn-in)."""
        labour = self._labour_steps[step]
        if labour is not self.labour:
            self.labour = labour
            self._static_search_weight = self._search_weight_for(labour)
        self.consumption_rules = self._consumption_steps[step]
        self.shocks.settings = self._shock_steps[step]

    def _search_weight_for(self, labour: lm.LabourSettings) -> np.ndarray:
        """The fixed part of search weights under ``labour``'s weights (computed once each)."""
        key = (tuple(np.asarray(labour.education_weight).tolist()), labour.urban_weight)
        if key not in self._search_weights:
            self._search_weights[key] = lm.static_search_weight(self.workers, labour,
                                                                self.households.is_urban)
        return self._search_weights[key]

    def active_policies(self) -> list[Policy]:
        """Policies acting this month (in the burn-in: those in force in March 2021)."""
        if self._stationary:
            return [p for p in self.policies if p.ti_start <= 0 <= p.ti_end]
        return [p for p in self.policies if p.is_active(self.t)]

    def draw_shocks(self) -> dict[str, np.ndarray]:
        """Draw the month's household and worker shocks; return event arrays keyed by kind.

        Work accidents, deaths and illness (:mod:`simulation.shocks`): one uniform per worker
        slot, then one per household, from the ``shocks`` stream (common random numbers). Bills
        owed from earlier shocks are paid from savings first; accident victims' earnings are
        withheld. Returns ``{"accident", "death", "incapacitated"}`` worker indices and
        ``{"illness"}`` household indices.
        """
        g = self.streams.generator(SHOCK_STREAM, self._draw_t)
        u_workers = g.random(self.workers.n, dtype=np.float32)
        u_households = g.random(self.households.n, dtype=np.float32)
        return self.shocks.step(self.workers, self.employer_state, self.households,
                                u_workers, u_households)

    def burn_in(self, months: int) -> None:
        """Simulate ``months`` of stationary history before March 2021, then pin the start.

        Prices, output and poverty lines stay at their March-2021 values, and the unemployed
        count is held at its published level (the fallback stage moves exactly the excess into
        informal work), so the labour stocks stay at the Sakernas figures while spells, job
        reallocation across households, earnings shocks and savings buffers reach their
        long-run mix. Then:

        1. each household's *expected* labour income is what its members earn in the long run
           under the model's own flows (:func:`~simulation.labour_market.expected_earnings`),
           with the hire rate per unit of search weight averaged over the last
           ``expectation_months`` of that history;
        2. households are ranked by a permanent welfare score (expected labour income per
           person, residence, size, a fixed noise) and given permanent consumption at their
           rank, with other income making up what expected labour income does not cover
           (:func:`~simulation.population.set_permanent_consumption`);
        3. ``fit_iterations`` times, ``fit_months`` more months are simulated and the permanent
           quantiles are scaled by target over achieved quantile, so that the cross-section
           (permanent level plus current spells) has the fitted distribution;
        4. a final rank-preserving remap pins March 2021 to the fitted distribution exactly
           (:func:`~simulation.population.remap_consumption`; the shifts are small by then).
        """
        if months <= 0:
            return
        p = self._start_params
        window = min(int(p.value("population.welfare.expectation_months")), months)
        iterations = int(p.value("population.welfare.fit_iterations"))
        fit_months = int(p.value("population.welfare.fit_months"))
        hh = self.households
        self._stationary = True
        self._unemployed_target = int(np.count_nonzero(self.workers.status == lm.UNEMPLOYED))
        k = 0

        hire_rates: list[float] = []

        def advance(n_months: int, record: bool = False) -> None:
            nonlocal k
            for _ in range(n_months):
                self._draw_t = _BURN_IN_DRAW_OFFSET + k
                k += 1
                self._match_stats.clear()
                self._month()
                hh_rules.record_poverty_history(hh, self.paths.extreme_line[0],
                                                self.paths.national_line[0])
                if record:
                    hire_rates.append(self._match_stats.get("hires_per_weight", 0.0))
                if self._progress is not None:
                    self._progress(1)

        advance(months - window)
        advance(window, record=True)
        needy = hh.consumption < (self.labour.need_threshold * self.paths.national_line[0]
                                  * hh.size)
        pay = lm.expected_earnings(self.workers, self.labour, p, hh.is_urban, needy,
                                   float(np.mean(hire_rates)))
        expected = np.bincount(self.workers.household, weights=pay, minlength=hh.n)
        hh.expected_labour[:] = expected

        g = self.streams.generator("welfare", 0)
        score = pop.welfare_score(p, hh.size, hh.is_urban, expected / hh.size,
                                  g.random(hh.n), g.standard_normal(hh.n))
        rank = pop.person_ranks(score, hh.size)
        dist = pop.consumption_distribution(p)
        target = dist.ppf(rank)
        pop.set_permanent_consumption(p, hh, expected, rank, target)
        for _ in range(iterations):
            advance(fit_months)
            achieved = pop.quantiles_at(hh.consumption / hh.size, hh.size, rank)
            target = target * np.clip(dist.ppf(rank) / np.maximum(achieved, 1.0), 0.5, 2.0)
            pop.set_permanent_consumption(p, hh, expected, rank, target)
        advance(fit_months)

        self._stationary = False
        self._draw_t = 0
        self._informal_start = self._informal_by_sector()  # crowding is measured from here
        pop.remap_consumption(p, hh, self.paths)
        self._burned_in = True

    # ------------------------------------------------------------------ stages
    def plan_labour_demand(self) -> np.ndarray:
        """Employers move desired headcount with sector output, post vacancies, plan layoffs."""
        e = self.employer_state
        g = self.streams.generator("demand", self._draw_t)
        shock = g.standard_normal(e.n)
        u_round = g.random(e.n)
        growth = (np.zeros(3) if self._stationary
                  else self.paths.sector_growth_monthly[:, self.t])
        return plan_labour_demand(
            e, growth, self.labour.employment_output_elasticity,
            shock, self.labour.demand_shock_sd, self.labour.excess_layoff_rate, u_round)

    def separate_workers(self, layoffs: np.ndarray) -> np.ndarray:
        """Jobs end (separations, layoffs, informal exits); returns formal job losers."""
        u = self.streams.uniform("separation", self._draw_t, self.workers.n)
        return lm.separate(self.workers, self.employer_state, layoffs, self.labour, u)

    def match_job_seekers(self) -> np.ndarray:
        """Job seekers fill formal vacancies; returns the hired workers."""
        u = self.streams.uniform("search", self._draw_t, self.workers.n)
        return lm.match(self.workers, self.employer_state, self.labour, self.streams,
                        self._draw_t, u, self.wage_index(), self.households.is_urban,
                        self._match_stats, self._static_search_weight)

    def fall_back_on_informal_work(self) -> np.ndarray:
        """Unemployed people who found no wage job take informal work; returns them."""
        target = self._unemployed_target if self._stationary else None
        hh = self.households
        needy = hh.consumption < (self.labour.need_threshold * self.paths.national_line[self.t]
                                  * hh.size)
        return lm.fall_back(self.workers, self.employer_state, self.labour, self.streams,
                            self._draw_t, needy, keep_unemployed=target)

    def update_earnings(self) -> None:
        """Index wages; draw this month's informal earnings."""
        z = self.streams.normal("earnings", self._draw_t, self.workers.n)
        now = self._informal_start if self._stationary else self._informal_by_sector()
        real = lm.informal_productivity(self.paths.sector_output[:, self.t], now,
                                        self._informal_start, self.labour)
        lm.update_earnings(self.workers, self.labour, z, self.wage_index(),
                           real * self.paths.cpi_rel[self.t])

    def receive_income(self) -> None:
        """Households add up earnings, other income and transfers."""
        c = self.consumption_rules
        other = self.paths.cpi_rel[self.t] * detmath.power(
            self.paths.gdp_pc_rel[self.t], c.other_income_growth_elasticity)
        prev = self.paths.cpi_rel[self.t - 1] * detmath.power(
            self.paths.gdp_pc_rel[self.t - 1],
            self._consumption_steps[self.t - 1].other_income_growth_elasticity,
        ) if self.t > 0 else other  # last month's index, at last month's elasticity
        hh_rules.receive_income(self.households, self.workers, other, c, other / prev)

    def consume(self) -> None:
        """Households consume by the buffer-stock rule."""
        hh_rules.consume(self.households, self.consumption_rules)

    def collect(self) -> None:
        """Measure poverty and the labour market for the current month."""
        hh = self.households
        ext, nat = self.paths.extreme_line[self.t], self.paths.national_line[self.t]
        c_pc = hh.consumption / hh.size
        if not (self.t == 0 and self._burned_in):  # the burn-in already recorded March 2021
            hh_rules.record_poverty_history(hh, ext, nat, c_pc)
        ind = poverty_indicators(hh, ext, nat, self.paths.population_rel[self.t], self.t, c_pc)
        ind.update(labour_indicators(self.workers, hh.weight))
        self.recorder.record(self.t, ind)

    # ------------------------------------------------------------------ helpers
    def wage_index(self) -> float:
        """Nominal formal wage index this month (1 in March 2021)."""
        return float(self.paths.formal_wage_index[self.t])

    def _informal_by_sector(self) -> np.ndarray:
        w = self.workers
        paid = (w.status == CASUAL) | (w.status == OWN_ACCOUNT)
        return np.array([np.count_nonzero(paid & (w.sector == s)) for s in range(3)],
                        dtype=np.float64)

    def run(self, progress: Callable[[int], None] | None = None) -> dict:
        """Step to the end of the run, finalize the policies, return the recorded indicators."""
        while self.t < self.paths.n_steps:
            self.step()
            if progress is not None:
                progress(1)
        for policy in self.policies:
            policy.finalize(self)
        return self.recorder.as_dict()

    def spending(self) -> dict[str, np.ndarray]:
        """Rupiah spent by each policy (by label) in each step."""
        return {p.label: p.spent.copy() for p in self.policies}


def burn_in_months(params: ParameterSet) -> int:
    """Total months simulated before March 2021 (burn-in plus the fitting months)."""
    months = int(params.value("population.welfare.burn_in_months"))
    if months <= 0:
        return 0
    fit = int(params.value("population.welfare.fit_months"))
    return months + (int(params.value("population.welfare.fit_iterations")) + 1) * fit


def run_model(params: ParameterSet, n_households: int, seed: int | np.random.SeedSequence,
              end: str = "2024-12", progress: Callable[[int], None] | None = None,
              policies: Sequence[Policy | dict] = ()) -> dict:
    """Build and run one replication; return its monthly indicators and timings.

    This is the pure seam for batch work (EMA Workbench's ``run_scenario``): arguments and
    result are plain picklable objects, so it runs unchanged in a process pool or on Dask.
    ``progress`` is called with 1 per month simulated, burn-in months included
    (:func:`burn_in_months` of them, then one per month after March 2021). ``policies`` are
    specs (``{"type": kind, ...}``) or objects; the result adds ``_spending`` (Rp by label and
    step) and ``_policies`` (their settings).
    """
    t0 = time.perf_counter()
    model = PovertyModel(params, n_households=n_households, seed=seed, end=end,
                         progress=progress, policies=policies)
    t1 = time.perf_counter()
    out = model.run(progress)
    out["_spending"] = model.spending()
    out["_policies"] = [{"label": p.label, "lever": p.lever, **p.to_dict()}
                        for p in model.policies]
    out["_seconds_build"] = t1 - t0
    out["_seconds_run"] = time.perf_counter() - t1
    out["_labour_force_slots"] = model.workers.n
    return out
