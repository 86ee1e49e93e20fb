"""Behavioural interventions: small policy objects in the covasim/starsim shape.

A policy:

* ``__init__`` only stores (and type-checks) its arguments: dates, sizes, amounts, eligibility,
  an annual budget in rupiah and a ``label`` (covasim's ``Intervention._store_args``);
* :meth:`Policy.init` resolves dates to steps against the model and validates them (starsim's
  ``RoutineDelivery.init_pre`` refuses dates outside the run);
* acts through hooks called by :class:`simulation.model.PovertyModel` at fixed points of the
  month (the calendar in ``PovertyModel.step``), only inside its window:

  - :meth:`Policy.before_labour_market`: post vacancies, enrol trainees, hand out grants;
  - :meth:`Policy.after_separations`: respond to job losses (job-loss insurance);
  - :meth:`Policy.after_shocks`: respond to accidents, deaths, illness (insurance benefits);
  - :meth:`Policy.pay_transfers`: put cash into households' ``transfers`` this month;

* records every rupiah it spends through :meth:`Policy.spend`, which never lets spending exceed
  the annual budget (by calendar year);
* draws random numbers only from its own stream (``policy:<label>``), so a policy of size zero
  leaves every other draw, and so the whole run, unchanged;
* :meth:`Policy.to_dict` returns its constructor arguments, so a scenario file can recreate it.

Arguments are declared in ``ARGS`` (name -> type, bounds, default) and checked with the same
rules as parameters (:func:`simulation.parameter_set.check_value`), so a bad lever setting gets
the one-line error naming the file and key. Months are ``YYYY-MM`` text; money has a ceiling
(:data:`simulation.inputs.MONEY_MAX`); a size that counts persons or households
(``Arg(counts=...)``) may not exceed the population (:func:`simulation.inputs.population_bounds`).
:meth:`Policy.check_run` checks, before a run, what only the run's parameters and months tell:
a window that overlaps the run, the policies it needs (``REQUIRES``), and the sizes it will act
on (its arguments or their parameter defaults, times ``scale``) against the population.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar

import numpy as np

from simulation import households as hh_rules
from simulation import inputs, kernels
from simulation.errors import InputError
from simulation.parameter_set import check_value, month_index, month_label

if TYPE_CHECKING:
    from simulation.model import PovertyModel


@dataclass(frozen=True)
class State:
    """Declaration of an array a policy owns, one entry per worker slot or per household.

    Allocated by :meth:`Policy.init` as an attribute of the policy named ``name`` (starsim's
    ``define_states``). A ``shared`` state is a *modifier* the core rules read, kept by the model
    (:class:`simulation.model.Modifiers`) and shared by every policy that declares it: the
    matching queue reads ``search_log_boost`` and earnings read ``earnings_premium``. A
    modifier is a trait of the person in the slot, so a death resets it.

    Attributes:
        name: Attribute name (and modifier name when shared).
        entity: ``"worker"`` (one per labour-force slot) or ``"household"``.
        dtype: numpy dtype name.
        default: Initial value.
        shared: Whether it is a shared modifier (see above).
        help: What it holds, with its unit.
    """

    name: str
    entity: str
    dtype: str
    default: Any = 0
    shared: bool = False
    help: str = ""


@dataclass(frozen=True)
class Result:
    """Declaration of a monthly tally a policy reports (starsim's ``define_results``).

    :meth:`Policy.init` allocates ``policy.results[name]``, one value per step (March 2021 is
    step 0); :meth:`Policy.record` adds to it outside the burn-in. Every declared result reaches
    the run folder (``policy_results.csv``) with its label and unit in the manifest.

    Attributes:
        name: Result name (``snake_case``).
        label: Short label for tables and charts.
        unit: Unit (``persons``, ``Rp``, ...).
        kind: ``"flow"`` (a monthly amount: add months for a total) or ``"stock"`` (a level).
    """

    name: str
    label: str
    unit: str
    kind: str = "flow"


@dataclass(frozen=True)
class Arg:
    """Declaration of one policy argument.

    Attributes:
        type: A parameter type (``float``, ``int``, ``rate``, ``money``, ``bool``, ``str``,
            ``month``) checked by :func:`~simulation.parameter_set.check_value`.
        default: Default value (``None`` = required unless ``optional``).
        minimum: Lower bound for numbers.
        maximum: Upper bound for numbers.
        optional: Whether ``None`` is allowed.
        help: One line saying what the argument is, with its unit.
        counts: ``"persons"`` or ``"households"`` for a size, which may then not exceed the
            population (persons) or the households at the run's start.
    """

    type: str
    default: Any = None
    minimum: float | None = None
    maximum: float | None = None
    optional: bool = False
    help: str = ""
    counts: str | None = None


class Policy:
    """Base class of levers and programmes.

    Args:
        label: Unique label of this instance (used in tables and in its random stream).
        start: First month the policy acts (``YYYY-MM``).
        end: Last month the policy acts (``YYYY-MM``).
        annual_budget: Most it may spend in a calendar year (Rp); None for no cap.
        file: Where the settings came from (for error messages).

    Attributes:
        kind: Registry name used as ``type:`` in scenario files.
        lever: Accounting group (``job_creation``, ``training``, ``social_insurance``,
            ``social_assistance``).
        REQUIRES: Kinds of policy that must be in the same run, with the reason.
        STATES: The arrays the policy owns (:class:`State`), allocated by :meth:`init`.
        RESULTS: The monthly tallies it reports (:class:`Result`), in ``results``.
        results: ``{name: array of one value per step}`` for each of ``RESULTS``.
    """

    kind: ClassVar[str] = "policy"
    lever: ClassVar[str] = "other"
    ARGS: ClassVar[dict[str, Arg]] = {}
    # Annual budget in force in each step, when it comes from a dated parameter (set in init).
    _budget_steps: np.ndarray | None = None
    REQUIRES: ClassVar[dict[str, str]] = {}
    STATES: ClassVar[tuple[State, ...]] = ()
    RESULTS: ClassVar[tuple[Result, ...]] = ()
    _BASE_ARGS: ClassVar[dict[str, Arg]] = {
        "label": Arg("name", help="unique label"),
        "start": Arg("month", "2021-03", help="first month it acts"),
        "end": Arg("month", "2029-12", help="last month it acts"),
        "annual_budget": Arg("money", None, optional=True,
                             help="most it may spend per calendar year (Rp); none = no cap"),
    }

    def __init__(self, file: str = "<code>", key: str = "policy", **kwargs: Any):
        self._file, self._key = str(file), str(key)
        spec = {**self._BASE_ARGS, **self.ARGS}
        unknown = sorted((k for k in kwargs if k not in spec), key=str)
        if unknown:
            raise InputError(file, f"{key}.{unknown[0]}",
                             f"one of the arguments of {self.kind}: {', '.join(spec)}")
        self._args: dict[str, Any] = {}
        for name, arg in spec.items():
            value = kwargs.get(name, arg.default if name != "label" else kwargs.get(
                "label", self.kind))
            self._args[name] = _check_arg(value, arg, file, f"{key}.{name}")
        for name, value in self._args.items():
            setattr(self, name, value)
        if month_index(self.end) < month_index(self.start):
            raise InputError(file, f"{key}.end", f"a month not before start ({self.start})",
                             self.end)
        self.ti_start = self.ti_end = None
        self.initialized = False
        self.finalized = False
        self.spent: np.ndarray | None = None
        self.results: dict[str, np.ndarray] = {}

    # ------------------------------------------------------------------ lifecycle
    def init(self, model: PovertyModel) -> None:
        """Resolve dates to steps, check them against the run, allocate the spending record."""
        if self.initialized:
            raise RuntimeError(f"{self.label}: init() called twice")
        first, last = int(model.paths.months[0]), int(model.paths.months[-1])
        start_m, end_m = month_index(self.start), month_index(self.end)
        if start_m > last or end_m < first:
            # Outside the run: it never acts (a 2025 lever in a run that ends in 2024).
            self.ti_start, self.ti_end = 1, 0
        else:
            self.ti_start = max(start_m - first, 0)
            self.ti_end = min(end_m - first, model.paths.n_steps)
        self.spent = np.zeros(model.paths.n_steps + 1)
        self.results = {r.name: np.zeros(model.paths.n_steps + 1) for r in self.RESULTS}
        for state in self.STATES:
            n = model.workers.n if state.entity == "worker" else model.households.n
            if state.shared:
                arr = model.modifiers.declare(state.name, state.dtype)
            else:
                arr = np.full(n, state.default, dtype=state.dtype)
            setattr(self, state.name, arr)
        self._months = model.paths.months
        self.initialized = True

    def check_run(self, params: Any, first: int, last: int, kinds: set[str],
                  bounds: inputs.PopulationBounds | None = None) -> None:
        """Refuse, before a run from month ``first`` to ``last``, what would fail or do nothing.

        Args:
            params: The run's parameters (sizes default to them).
            first: First month index of the run (March 2021).
            last: Last month index of the run.
            kinds: Kinds of all policies in the run (for ``REQUIRES``).
            bounds: Population ceilings (default: from ``params``).

        Raises:
            InputError: for a window wholly outside the run, a missing required policy, or a
                size (argument or parameter default, times ``scale``) above the population.
        """
        start_m, end_m = month_index(self.start), month_index(self.end)
        if start_m > last or end_m < first:
            raise InputError(self._file, f"{self._key}.start",
                             f"a window that overlaps the run ({month_label(first)} to "
                             f"{month_label(last)}); this one never acts",
                             f"{self.start} to {self.end}")
        for kind, why in self.REQUIRES.items():
            if kind not in kinds:
                raise InputError(self._file, f"{self._key}.type",
                                 f"a {kind} policy in the same scenario ({why})", self.kind)
        bounds = bounds if bounds is not None else inputs.population_bounds(params)
        months = np.arange(max(start_m, first), min(end_m, last) + 1)
        scale = self._args.get("scale")
        scale = 1.0 if scale is None else float(scale)
        for name, arg in self.ARGS.items():
            if arg.counts is None:
                continue
            value, source = self._args.get(name), None
            if value is None:
                try:
                    source = self.parameter_path(name)
                except KeyError:
                    continue
                if source not in params:
                    continue
                value = float(np.max(np.asarray(params.monthly(source, months),
                                                dtype=np.float64)))
            factor, factor_name = self.count_factor(name, params, months)
            limit, at_most, reason = bounds.limit(arg.counts)
            if float(value) * factor * scale <= limit:
                continue
            times = f" x {factor_name} ({_number(factor)})" if factor_name else ""
            if scale != 1.0 and float(value) * factor <= limit:  # the scale is to blame
                what = f"{name} ({_number(value)}{f', from {source}' if source else ''}){times}"
                raise InputError(self._file, f"{self._key}.scale",
                                 f"a scale that keeps {what} x scale {at_most} ({reason})",
                                 scale)
            scaled = f" x scale ({_number(scale)})" if scale != 1.0 else ""
            if source is not None:  # a parameter default: name it, and the policy it sizes
                raise InputError(self._file, source,
                                 f"a value that keeps {name}{times}{scaled} of {self._key} "
                                 f"({self.kind}) {at_most} ({reason})", value)
            raise InputError(self._file, f"{self._key}.{name}",
                             f"a value that keeps {name}{times}{scaled} {at_most} ({reason})",
                             value)

    def count_factor(self, name: str, params: Any, months: np.ndarray) -> tuple[float, str]:
        """Persons (or households) per unit of the size ``name``, and the argument giving it.

        1 for sizes counted in persons or households themselves; a policy sized in groups
        returns the group size (see :meth:`check_run`).
        """
        return 1.0, ""

    def is_active(self, t: int) -> bool:
        """Whether the policy acts in step ``t`` (after March 2021, inside its window)."""
        return t >= 1 and self.ti_start <= t <= self.ti_end

    def finalize(self, model: PovertyModel) -> None:
        """Close the policy at the end of the run (refuses to run twice, as covasim does)."""
        if self.finalized:
            raise RuntimeError(f"{self.label}: finalize() called twice")
        self.finalized = True

    # ------------------------------------------------------------------ hooks (default: no-op)
    def before_labour_market(self, model: PovertyModel) -> None:
        """Act before separations and matching (vacancies, enrolment, grants)."""

    def after_separations(self, model: PovertyModel, formal_losers: np.ndarray) -> None:
        """Act on workers who lost a formal job this month."""

    def after_shocks(self, model: PovertyModel, events: dict[str, np.ndarray]) -> None:
        """Act on this month's shocks (accidents, deaths, illness)."""

    def pay_transfers(self, model: PovertyModel) -> None:
        """Add this month's cash transfers to ``model.households.transfers``."""

    # ------------------------------------------------------------------ settings
    def parameter_path(self, name: str) -> str:
        """Dotted path of the parameter giving the default of argument ``name``.

        Subclasses that default their sizes from a parameter file override this (or set
        ``PARAMETER_GROUP`` and ``DEFAULTS``: argument name -> key in that group).
        """
        group = getattr(self, "PARAMETER_GROUP", None)
        defaults = getattr(self, "DEFAULTS", {})
        if group is None or name not in defaults:
            raise KeyError(f"{self.kind}: no parameter default for {name!r}")
        return f"{group}.{defaults[name]}"

    def setting(self, model: PovertyModel, name: str, month: int | None = None) -> Any:
        """The argument ``name`` if given, else its parameter's value in the month.

        Args:
            model: The model (its parameters and clock).
            name: An argument name of ``ARGS``.
            month: Month index to read dated parameters at (default: this step's month;
                March 2021 during the burn-in and before the clock starts).
        """
        value = self._args.get(name)
        if value is not None:
            return value
        return self.parameter(model, self.parameter_path(name), month)

    def parameter(self, model: PovertyModel, path: str, month: int | None = None) -> Any:
        """The parameter ``path`` in force this month (March 2021 during the burn-in).

        Args:
            model: The model (its parameters and clock).
            path: A dotted parameter path.
            month: Month index to read at instead (default: this step's month).
        """
        if month is None:
            step = 0 if getattr(model, "in_burn_in", False) else getattr(model, "t", 0)
            month = int(model.paths.months[step])
        return model.params.value(path, at=month)

    def monthly_setting(self, model: PovertyModel, name: str,
                        dtype: type = np.float64) -> np.ndarray:
        """Argument ``name`` for every step of the run (:meth:`setting` for all steps at once).

        The argument if given (constant), else the dated parameter month by month.
        """
        value = self._args.get(name)
        if value is not None:
            return np.full(model.paths.n_steps + 1, value, dtype=dtype)
        return np.asarray(model.params.monthly(self.parameter_path(name), model.paths.months),
                          dtype=dtype)

    # ------------------------------------------------------------------ money
    def budget_left(self, t: int) -> float:
        """Rupiah left in the calendar year of step ``t`` (inf if no budget).

        A budget from a dated parameter is the one in force in step ``t``, less what was spent
        in that calendar year so far.
        """
        if self.annual_budget is None:
            return math.inf
        budget = self.annual_budget if self._budget_steps is None else self._budget_steps[t]
        year = self._months // 12
        same = year == year[t]
        return max(float(budget) - float(self.spent[same].sum()), 0.0)

    def affordable(self, t: int, unit_cost: float, wanted: int,
                   model: PovertyModel | None = None) -> int:
        """How many units of ``unit_cost`` Rp fit in the budget left this year (at most wanted)."""
        left = self.budget_left(t)
        if unit_cost <= 0 or math.isinf(left) or (model is not None and model.in_burn_in):
            return int(wanted)
        return int(min(wanted, math.floor(left / unit_cost + 1e-9)))

    def spend(self, t: int, amount: float, model: PovertyModel | None = None) -> None:
        """Record ``amount`` Rp spent in step ``t``; raises if that would break the budget.

        Spending during the burn-in (``model`` in its stationary history) is not recorded.
        """
        if model is not None and model.in_burn_in:
            return
        if amount < 0:
            raise ValueError(f"{self.label}: negative spending {amount}")
        if amount > self.budget_left(t) * (1 + 1e-9) + 1e-6:
            raise RuntimeError(f"{self.label}: spending {amount:,.0f} exceeds the budget left")
        self.spent[t] += amount

    def rng(self, model: PovertyModel, purpose: str = "") -> np.random.Generator:
        """This month's generator of the policy's own stream.

        Each call returns a fresh generator on the same stream for the same ``purpose``: a
        policy that draws in two hooks of one month must give each its own ``purpose``.
        """
        name = f"policy:{self.label}" + (f":{purpose}" if purpose else "")
        return model.streams.generator(name, model.draw_month)

    def uniform_at(self, model: PovertyModel, purpose: str, slots: np.ndarray) -> np.ndarray:
        """This month's uniform for each of ``slots`` on the policy's own stream (counter-based).

        One number per worker or household slot, the same whatever other slots are asked for
        (:meth:`simulation.streams.Streams.uniform_at`): for a stage that draws for a few slots.
        """
        return model.streams.uniform_at(f"policy:{self.label}:{purpose}", model.draw_month,
                                        slots)

    # ------------------------------------------------------------------ paying and reporting
    def pay(self, model: PovertyModel, households: np.ndarray, amounts: float | np.ndarray,
            into: str = "transfers", booked: float | None = None, months: int = 1,
            per_worker: bool = False) -> float:
        """Pay ``amounts`` Rp to sample ``households`` this month and book the spending.

        Adds to ``households.transfers`` (cash this month; ``into="savings"`` for a lump sum that
        goes to savings, ``into="in_kind"`` for food aid in kind at its retail value,
        ``into="scheduled"`` with ``months`` for a scheduled payment covering that many months,
        which households set aside and spend over them,
        :func:`simulation.households.receive_scheduled`) with repeats allowed, and records the real
        rupiah (sample amounts times the sample weight) through :meth:`spend`, which enforces the
        annual budget. The one place where a policy's money reaches households, so that what
        households receive is what the run books. ``booked`` (real Rp) books a different amount: a
        programme whose cost includes more than what reaches households (padat karya's materials),
        or an insurance fund paying benefits or collecting contributions (0: the fund's own account,
        not the budget). Negative amounts are payments by households (contributions). Every payment
        is entered in ``model.ledger`` for the month (the accounting checks read it).

        ``per_worker=True`` for an amount per sample worker (a wage, a stipend, a benefit or a
        contribution of one member, ``households`` their homes): each sample worker stands for
        :attr:`~simulation.model.PovertyModel.workers_per_household_rel` times as many real
        workers per real household as in March 2021, so the household receives the amount times
        that, and the booking is the amount times ``model.worker_weight``.

        Returns:
            The real rupiah booked.
        """
        households = np.asarray(households)
        amounts = np.broadcast_to(np.asarray(amounts, dtype=np.float64), households.shape)
        if per_worker:
            amounts = amounts * model.workers_per_household_rel
        paid = amounts.astype(np.float32)
        if len(households) and into == "scheduled":
            aside, cash = hh_rules.receive_scheduled(
                model.households, households, paid, months,
                model.consumption_rules.scheduled_payment_spread_share)
            model.ledger.append((self.label, "scheduled", households, aside))
            model.ledger.append((self.label, "transfers", households, cash))
        elif len(households):
            kernels.add_at(getattr(model.households, into), households, paid)  # np.add.at
            model.ledger.append((self.label, into, households, paid))
        total = float(amounts.sum()) * model.sample_weight if booked is None else float(booked)
        self.spend(model.t, total, model)
        return total

    def record(self, model: PovertyModel, name: str, value: float) -> None:
        """Add ``value`` to the declared result ``name`` this month (not during the burn-in)."""
        if not model.in_burn_in:
            self.results[name][model.t] += value

    # ------------------------------------------------------------------ description
    def to_dict(self) -> dict[str, Any]:
        """Return ``{"type": kind, **constructor arguments}`` (recreates the policy)."""
        return {"type": self.kind, **self._args}

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v!r}" for k, v in self._args.items())
        return f"{type(self).__name__}({args})"


def _number(x: float) -> str:
    """``1,064,994`` for whole numbers, ``2.5`` otherwise."""
    x = float(x)
    return f"{x:,.0f}" if x.is_integer() and abs(x) < 1e15 else f"{x:,.6g}"


#: Months a policy window may name (wider than the run: a start before March 2021 means in force
#: from the start).
MONTH_FIRST, MONTH_LAST = month_index("2000-01"), month_index("2099-12")


def _check_arg(value: Any, arg: Arg, file: str, key: str) -> Any:
    if value is None:
        if arg.optional:
            return None
        raise InputError(file, key, f"a value ({arg.help or arg.type})")
    if arg.type == "month":  # text only: 5 or 2023 is not a month
        return month_label(inputs.parse_month(value, file=file, key=key, first=MONTH_FIRST,
                                              last=MONTH_LAST))
    if arg.type == "name":
        return inputs.check_name(value, file=file, key=key)
    checked = check_value(value, arg.type, minimum=arg.minimum, maximum=arg.maximum, file=file,
                          key=key)
    if arg.counts is not None:
        limit, at_most, reason = inputs.population_bounds().limit(arg.counts)
        if checked > limit:
            raise InputError(file, key, f"{at_most} ({reason})", value)
    return checked


REGISTRY: dict[str, type[Policy]] = {}


def register(cls: type[Policy]) -> type[Policy]:
    """Class decorator: make a policy available as ``type: <kind>`` in scenario files."""
    REGISTRY[cls.kind] = cls
    return cls


def make_policy(spec: dict[str, Any], file: str = "<code>", key: str = "policies[0]") -> Policy:
    """Build a policy from ``{"type": kind, **arguments}`` (a scenario file's entry)."""
    if not isinstance(spec, dict):
        raise InputError(file, key, "a mapping with a type and the policy's arguments", spec)
    kind = spec.get("type")
    if not isinstance(kind, str) or kind not in REGISTRY:
        raise InputError(file, f"{key}.type", f"one of {', '.join(sorted(REGISTRY))}", kind)
    bad = [k for k in spec if not isinstance(k, str)]
    if bad:
        raise InputError(file, key, "argument names that are text", bad[0])
    args = {k: v for k, v in spec.items() if k != "type"}
    return REGISTRY[kind](file=file, key=key, **args)
