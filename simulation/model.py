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

from simulation import detmath, measurement
from simulation import households as hh_rules
from simulation import labour_market as lm
from simulation.employers import Employer, plan_labour_demand
from simulation.errors import InputError
from simulation.households import ConsumptionSettings
from simulation.initial_state import burn_in, burn_in_months
from simulation.macro import START_MONTH, compile_paths
from simulation.measures import INDICATOR_NAMES, labour_indicators, poverty_indicators
from simulation.parameter_set import ParameterSet, baseline_parameters
from simulation.policies import Policy, make_policy
from simulation.population import build_population
from simulation.results import RunResult
from simulation.shocks import STREAM as SHOCK_STREAM
from simulation.shocks import ShockProcess, ShockSettings
from simulation.state import AGRICULTURE, CASUAL, OWN_ACCOUNT, Modifiers
from simulation.streams import Streams
from simulation.targeting import Registry


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
        modifiers: Per-worker modifiers of the core rules that levers declare
            (:class:`~simulation.state.Modifiers`: training's search boost and earnings premium).
        registry: The welfare registry programmes select from.
        month_cache: Values policies share within one month (cleared at its start).
        ledger: This month's payments to households, ``(label, "transfers" or "savings",
            household indices, Rp each)``, one entry per :meth:`~simulation.policies.Policy.pay`.
        recorder: Monthly indicators.
        t: Current step (0 = March 2021).

    The interface policies use: ``t``, :attr:`in_burn_in`, :attr:`draw_month`,
    :attr:`sample_weight`, ``households``, ``workers``, ``employer_state``, ``paths``,
    ``params``, ``registry``, ``modifiers``, ``shocks``, ``streams``, ``month_cache``,
    ``policies`` and :meth:`wage_index` (and, in the policy base class, ``pay``, ``spend``,
    ``record``, ``rng`` and ``uniform_at``). Nothing else of the model is theirs to touch.
    """

    def __init__(self, params: ParameterSet | None = None, n_households: int = 100_000,
                 seed: int | np.random.SeedSequence = 0, end: str = "2024-12",
                 progress: Callable[[int], None] | None = None,
                 policies: Sequence[Policy | dict] = ()):
        self.streams = Streams(seed)
        self.month_cache: dict = {}  # values policies share within one month (cleared monthly)
        self.ledger: list = []  # the month's payments to households (Policy.pay), cleared monthly
        self._stationary = False
        self._calendar = START_MONTH
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
        self.measurement = measurement.MeasurementSettings.from_params(self._start_params)
        self.households, self.workers, self.employer_state = build_population(
            self._start_params, n_households, self.streams, self.paths)
        Employer.create_agents(self, self.employer_state.n, row=np.arange(self.employer_state.n))
        self.modifiers = Modifiers(self.workers.n)
        self._search_weights: dict = {}
        self._static_search_weight = self._search_weight_for(self.labour)
        self.registry = Registry(self.params, self.households, self.streams, months,
                                 workers=self.workers)
        self.shocks = ShockProcess(self._shock_steps[0], self.workers.n, self.households.n)
        self.policies = build_policies(policies)
        for policy in self.policies:
            policy.init(self)
        self._informal_start = self._informal_by_sector()
        self.t = 0
        self._draw_t = 0
        self._progress = progress
        self._burned_in = False
        self._unemployed_target: int | None = None
        #: The model's own cross-section before the burn-in's final remap (None without a
        #: burn-in): :func:`simulation.initial_state.cross_section`.
        self.start_before_remap: dict[str, float] | None = None
        burn_in(self, self._start_params)
        self._stationary = False
        self._draw_t = 0
        self._informal_start = self._informal_by_sector()  # crowding is measured from here
        self._burned_in = burn_in_months(self._start_params) > 0
        self._progress = None
        # The registry as the burn-in left it, on its own cadence: an update due at the end of
        # March 2021 reads March 2021 as the burn-in's final remap left it; a new registry dated
        # April 2021 is measured at the end of March. No other re-measure at the start.
        if self.paths.n_steps >= 1 and self.registry.rho_at(1) != self.registry.rho:
            self.registry.measure(self.households, for_step=1)
        elif self.registry.months_since_update == 0:
            self.registry.measure(self.households)
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
        self.ledger.clear()
        self.households.transfers[:] = 0.0
        self.households.in_kind[:] = 0.0
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
        self.measure_consumption()
        # One registry rule in the burn-in and the run (the burn-in keeps March 2021's settings).
        self.registry.tick(self.households, None if self._stationary else self.t)

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
                                u_workers, u_households, self.modifiers)

    # ------------------------------------------------------------------ the public interface
    @property
    def in_burn_in(self) -> bool:
        """Whether this month is one of the stationary history before March 2021."""
        return self._stationary

    @property
    def calendar_month(self) -> int:
        """Month index of this month on the calendar (payment calendars follow it).

        In the run, the step's month; in the burn-in, the month of the stationary history (its
        last month is March 2021), so programmes paid quarterly pay on the same calendar before
        and after April 2021.
        """
        return self._calendar if self._stationary else int(self.paths.months[self.t])

    @property
    def draw_month(self) -> int:
        """The month random streams are drawn for (the step; burn-in months have their own)."""
        return self._draw_t

    @property
    def population_scale(self) -> float:
        """Population relative to March 2021 this month (1 in the burn-in).

        A sample household stands for ``households.weight * population_scale`` real households.
        """
        return float(self.paths.population_rel[self.t])

    @property
    def labour_force_scale(self) -> float:
        """Labour force relative to March 2021 this month (1 in the burn-in).

        A sample worker stands for ``households.weight[household] * labour_force_scale`` real
        workers.
        """
        return float(self.paths.labour_force_rel[self.t])

    @property
    def workers_per_household_rel(self) -> float:
        """Real workers per real household relative to March 2021 (1 in the burn-in).

        ``labour_force_scale / population_scale``: the labour force (Sakernas, rising
        participation) grows faster than the population, so a sample household's members stand
        for more earners each month. Household labour income and every per-worker payment
        (``Policy.pay(..., per_worker=True)``) are scaled by it, so a rupiah paid to a sample
        worker is ``worker_weight`` real rupiah.
        """
        return self.labour_force_scale / self.population_scale

    @property
    def sample_weight(self) -> float:
        """Real households each sample household stands for now (the same for every household).

        It grows with the population, so programme counts in real households cover fewer sample
        households as the population grows, and spending in rupiah grows with it.
        """
        return float(self.households.weight[0]) * self.population_scale

    @property
    def worker_weight(self) -> float:
        """Real workers each sample worker stands for now (grows with the labour force)."""
        return float(self.households.weight[0]) * self.labour_force_scale

    @property
    def informal_start(self) -> np.ndarray:
        """Paid informal workers by sector in March 2021, the base of informal crowding."""
        return self._informal_start

    @property
    def unemployed_held(self) -> int | None:
        """The unemployed count stationary months hold (None before the burn-in sets it)."""
        return self._unemployed_target

    def hold_unemployed(self, count: int) -> None:
        """In stationary months, keep this many workers unemployed (the fallback moves the rest)."""
        self._unemployed_target = int(count)

    def stationary_month(self, draw_month: int, calendar_month: int | None = None) -> dict:
        """Simulate one month of the world held at March 2021 (a month of the burn-in).

        Prices, output and poverty lines stay at their March-2021 values, policies in force in
        March 2021 act at their March-2021 settings and spend nothing on the books, the
        unemployed count is held (:meth:`hold_unemployed`), and the draws are those of stream
        month ``draw_month``. The clock ``t`` does not move. ``calendar_month`` (a month index;
        default March 2021) is the month of the year payment calendars follow
        (:attr:`calendar_month`): the burn-in's last month is March 2021.

        Returns:
            The matching stage's statistics of the month (``hires_per_weight``).
        """
        self._stationary = True
        self._draw_t = draw_month
        self._calendar = START_MONTH if calendar_month is None else int(calendar_month)
        self._match_stats.clear()
        self._month()
        hh_rules.record_poverty_history(self.households, self.paths.extreme_line[0],
                                        self.paths.national_line[0])
        if self._progress is not None:
            self._progress(1)
        return dict(self._match_stats)

    # ------------------------------------------------------------------ stages
    def plan_labour_demand(self) -> np.ndarray:
        """Employers move desired headcount with sector output, post vacancies, plan layoffs."""
        e = self.employer_state
        g = self.streams.generator("demand", self._draw_t)
        shock = g.standard_normal(e.n)
        u_round = g.random(e.n)
        if self._stationary:
            growth, lf_growth = np.zeros(3), 0.0
        else:
            growth = self.paths.sector_growth_monthly[:, self.t]
            lf = self.paths.labour_force_rel
            lf_growth = float(lf[self.t] / lf[self.t - 1] - 1.0)
        return plan_labour_demand(
            e, growth, self.labour.employment_output_elasticity, lf_growth,
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
                        self._match_stats, self._static_search_weight,
                        boost=self.modifiers.get("search_log_boost"))

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
        # Output per member of the labour force: the sample's labour force is fixed while the
        # real one grows, so total output over it would overstate informal pay.
        per_worker = self.paths.sector_output[:, self.t] / self.paths.labour_force_rel[self.t]
        real = lm.informal_productivity(per_worker, now,
                                        self._informal_start, self.labour)
        # Nominal: farm and home production (agriculture) at the poor's prices, other informal
        # work at the CPI; employees' wages by education (Sakernas), so low wages can recover.
        prices = np.full(3, self.paths.cpi_rel[self.t])
        prices[AGRICULTURE] = self.paths.poor_price_rel[self.t]
        lm.update_earnings(self.workers, self.labour, z,
                           self.paths.formal_wage_by_education[:, self.t], real * prices,
                           premium=self.modifiers.get("earnings_premium"))

    def receive_income(self) -> None:
        """Households add up earnings, other income and transfers."""
        c = self.consumption_rules
        other = self.paths.cpi_rel[self.t] * detmath.power(
            self.paths.gdp_pc_rel[self.t], c.other_income_growth_elasticity)
        prev = self.paths.cpi_rel[self.t - 1] * detmath.power(
            self.paths.gdp_pc_rel[self.t - 1],
            self._consumption_steps[self.t - 1].other_income_growth_elasticity,
        ) if self.t > 0 else other  # last month's index, at last month's elasticity
        self.other_index = other  # the month's index of other income (1 in March 2021)
        hh_rules.receive_income(self.households, self.workers, other, c, other / prev,
                                labour_scale=self.workers_per_household_rel)

    def consume(self) -> None:
        """Households consume by the buffer-stock rule."""
        hh_rules.consume(self.households, self.consumption_rules)

    def measure_consumption(self) -> None:
        """Consumption as Susenas measures it (:mod:`simulation.measurement`)."""
        measurement.measure(self.households, self.measurement, self.shocks.paid_now)

    def collect(self) -> None:
        """Measure poverty and the labour market for the current month."""
        hh = self.households
        ext, nat = self.paths.extreme_line[self.t], self.paths.national_line[self.t]
        c_pc = hh.measured / hh.size
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

    def state_nbytes(self) -> int:
        """Bytes of state: household, worker and employer arrays, modifiers, policies' states."""
        own = sum(getattr(p, st.name).nbytes for p in self.policies for st in p.STATES
                  if not st.shared)
        return (self.households.nbytes() + self.workers.nbytes() + self.employer_state.nbytes()
                + self.modifiers.nbytes() + own)

    def spending(self) -> dict[str, np.ndarray]:
        """Rupiah spent by each policy (by label) in each step."""
        return {p.label: p.spent.copy() for p in self.policies}


def run_model(params: ParameterSet, n_households: int, seed: int | np.random.SeedSequence,
              end: str = "2024-12", progress: Callable[[int], None] | None = None,
              policies: Sequence[Policy | dict] = ()) -> RunResult:
    """Build and run one replication; return its :class:`~simulation.results.RunResult`.

    This is the pure seam for batch work (the function an EMA Workbench ``Model`` wraps, as in
    its ``example_mesa.py``): arguments and result are plain picklable objects, so it runs
    unchanged in a process pool or on Dask.
    ``progress`` is called with 1 per month simulated, burn-in months included
    (:func:`~simulation.initial_state.burn_in_months` of them, then one per month after March
    2021). ``policies`` are specs (``{"type": kind, ...}``) or objects.
    """
    t0 = time.perf_counter()
    model = PovertyModel(params, n_households=n_households, seed=seed, end=end,
                         progress=progress, policies=policies)
    t1 = time.perf_counter()
    model.run(progress)
    return RunResult.of(model, seconds_build=t1 - t0, seconds_run=time.perf_counter() - t1)
