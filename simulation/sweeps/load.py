"""Reading a sweep file against povsim: levers as policy arguments, uncertainties as parameters.

:func:`load_sweep` reads and checks a sweep file (:mod:`simulation.sweeps.spec` describes it)
and returns a :class:`Sweep`: the checked spec, its sampled design and a :class:`PovsimModel`,
the picklable function a worker calls to run one design point (and its counterfactual).
Everything is checked here, in the parent, before any run: a lever that is not a numeric
argument of a policy of the base scenario, an uncertainty that is not a scalar parameter, a
range whose ends a parameter or argument cannot take, sizes above the population.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from simulation import inputs
from simulation.errors import InputError
from simulation.experiments import check_end, check_settings
from simulation.experiments.answer import rounds_to_zero
from simulation.posterior import parameter_describer
from simulation.sweeps import spec as sp
from simulation.sweeps.design import Design, make_design, points_count

if TYPE_CHECKING:
    from simulation.scenarios import Scenario


class SweepModel:
    """What a sweep runs: the interface :func:`simulation.sweeps.run_sweep` calls in workers.

    Subclasses are picklable (they travel to worker processes and Dask workers).
    ``evaluate(inputs, seed)`` returns ``{column: value}`` for one design run (outcomes and
    anything :meth:`combine` needs); ``counterfactual(inputs, seed)`` the same for the
    counterfactual run (only when :attr:`has_counterfactual`); ``combine(run, cf)`` the final
    outcome values of a design run from both.
    """

    has_counterfactual = False
    counterfactual_columns: tuple[str, ...] = ()

    def evaluate(self, values: Mapping[str, float], seed: int) -> dict[str, float]:
        """Run one design point; return its values."""
        raise NotImplementedError

    def counterfactual(self, values: Mapping[str, float], seed: int) -> dict[str, float]:
        """Run the counterfactual of one scenario index (uncertain inputs only)."""
        raise NotImplementedError

    def combine(self, run: Mapping[str, float], cf: Mapping[str, float] | None,
                outcomes: tuple[sp.Outcome, ...]) -> dict[str, float]:
        """The outcome columns of a design run (``cf`` None when there is no counterfactual)."""
        return {o.name: run[o.name] for o in outcomes}


class FunctionModel(SweepModel):
    """A plain function as a sweep model: ``function(values, seed) -> {outcome: value}``.

    The function must be importable (defined at the top level of a module) to run in worker
    processes; the tests wire known functions (Ishigami, a linear model) through the sweep
    machinery with it.
    """

    def __init__(self, function: Callable[[Mapping[str, float], int], Mapping[str, float]]):
        self.function = function

    def evaluate(self, values: Mapping[str, float], seed: int) -> dict[str, float]:
        """Call the function."""
        return dict(self.function(values, seed))


@dataclass
class PovsimModel(SweepModel):
    """One povsim run per design point: the base scenario with the levers and uncertainties.

    Attributes:
        params: The base scenario's resolved parameters.
        policies: The base scenario's policy specs.
        cf_params: The counterfactual scenario's parameters (None without one).
        cf_policies: Its policy specs.
        households: Sample households per run.
        end: Last month.
        levers: ``{input name: (policy label, argument, type)}``.
        uncertainties: ``{input name: (parameter path, type)}``.
        dated_levers: ``{input name: (parameter path, month, change, type)}``: levers that
            change a parameter from a month (``set`` its value or ``add`` to the value in
            force then, within its bounds), applied after the uncertain inputs; an ``add`` of
            0 changes nothing.
        cost_from: The first month of the ``cost`` outcomes' window (``YYYY-MM``).
        posterior: ``(paths, draws)`` of the posterior, or None.
        posterior_column: The ``runs.csv`` column holding the drawn row.
        outcomes: The outcomes recorded.
    """

    params: Any
    policies: list[dict]
    cf_params: Any
    cf_policies: list[dict] | None
    households: int
    end: str
    levers: dict[str, tuple[str, str, str]]
    uncertainties: dict[str, tuple[str, str]]
    posterior: tuple[tuple[str, ...], np.ndarray, tuple[int, ...]] | None
    posterior_column: str | None
    outcomes: tuple[sp.Outcome, ...] = field(default=())
    dated_levers: dict[str, tuple[str, str, str, str]] = field(default_factory=dict)
    cost_from: str = "2021-04"

    @property
    def has_counterfactual(self) -> bool:  # type: ignore[override]
        """Whether a counterfactual scenario is run."""
        return self.cf_params is not None

    @property
    def counterfactual_columns(self) -> tuple[str, ...]:  # type: ignore[override]
        """The values a counterfactual run records (persons and spending by outcome month)."""
        months = sp.months_needed(tuple(o for o in self.outcomes if o.needs_counterfactual))
        cost = set(cost_months(self.outcomes))
        return tuple(f"{m}_{mo.replace('-', '_')}" for mo in months
                     for m in ("extreme_poor_persons", "spending")
                     + (("spending_window", "extreme_poverty_rate") if mo in cost else ()))

    def changes(self, values: Mapping[str, float]) -> dict[str, Any]:
        """The parameter changes of the uncertain inputs (and the posterior row drawn)."""
        out: dict[str, Any] = {}
        for name, (path, ptype) in self.uncertainties.items():
            v = values[name]
            out[path] = int(round(v)) if ptype == "int" else float(v)
        if self.posterior is not None:
            paths, draws, ids = self.posterior
            row = ids.index(int(values[self.posterior_column]))
            for p, v in zip(paths, draws[row], strict=True):
                out[p] = float(v)
        return out

    def dated_changes(self, params, values: Mapping[str, float]) -> dict[str, Any]:
        """The dated parameter changes of the dated levers, on top of ``params``."""
        out: dict[str, Any] = {}
        for name, (path, month, change, ptype) in self.dated_levers.items():
            v = float(values[name])
            if change == "add":
                if v == 0.0:
                    continue  # no change: the run is the one without the lever
                p = params[path]
                v = float(p.value(month)) + v
                rate = p.type == "rate"  # a rate is a fraction in [0, 1] (check_value)
                lo = (0.0 if rate else -np.inf) if p.minimum is None else p.minimum
                hi = (1.0 if rate else np.inf) if p.maximum is None else p.maximum
                v = float(min(max(v, lo), hi))
            out[path] = {month: int(round(v)) if ptype == "int" else v}
        return out

    def _run(self, params, policies, seed: int):
        from simulation.model import run_model

        return run_model(params, self.households, seed, end=self.end, policies=policies)

    def evaluate(self, values: Mapping[str, float], seed: int) -> dict[str, float]:
        """Run the base scenario with the levers set and the uncertain inputs changed."""
        specs = [dict(p) for p in self.policies]
        by_label = {p["label"]: p for p in specs}
        for name, (label, arg, atype) in self.levers.items():
            v = values[name]
            by_label[label][arg] = int(round(v)) if atype == "int" else float(v)
        params = self.params.with_changes(self.changes(values))
        if self.dated_levers:
            params = params.with_changes(self.dated_changes(params, values))
        out = self._run(params, specs, seed)
        return outcome_values(out, self.outcomes, counterfactual_months(self.outcomes),
                              self.cost_from)

    def counterfactual(self, values: Mapping[str, float], seed: int) -> dict[str, float]:
        """Run the counterfactual with the same uncertain inputs (and seed)."""
        out = self._run(self.cf_params.with_changes(self.changes(values)),
                        [dict(p) for p in self.cf_policies], seed)
        return raw_values(out, counterfactual_months(self.outcomes), self.cost_from,
                          cost_months(self.outcomes))

    def combine(self, run: Mapping[str, float], cf: Mapping[str, float] | None,
                outcomes: tuple[sp.Outcome, ...]) -> dict[str, float]:
        """Persons lifted and extra spending from the run's and the counterfactual's values."""
        out = {}
        for o in outcomes:
            m = o.month.replace("-", "_")
            if o.measure == "persons_lifted":
                out[o.name] = (float("nan") if cf is None else
                               cf[f"extreme_poor_persons_{m}"] - run[f"extreme_poor_persons_{m}"])
            elif o.measure == "extra_spending":
                out[o.name] = (float("nan") if cf is None else
                               run[f"spending_{m}"] - cf[f"spending_{m}"])
            elif o.measure == "cost":
                out[o.name] = (float("nan") if cf is None else
                               run[f"spending_window_{m}"] - cf[f"spending_window_{m}"])
            else:
                out[o.name] = run[o.name]
        return out


def counterfactual_months(outcomes: tuple[sp.Outcome, ...]) -> list[str]:
    """Months at which persons and spending are compared with the counterfactual."""
    return sp.months_needed(tuple(o for o in outcomes if o.needs_counterfactual))


def cost_months(outcomes: tuple[sp.Outcome, ...]) -> list[str]:
    """Months of the ``cost`` outcomes."""
    return sp.months_needed(tuple(o for o in outcomes if o.measure == "cost"))


def raw_values(out, months: list[str], cost_from: str = "2021-04",
               window_months: list[str] | None = None) -> dict[str, float]:
    """Extreme-poor persons in, and spending through, each month of a run.

    For each month of ``window_months`` also ``spending_window_<m>``, the spending from
    ``cost_from`` through it, and ``extreme_poverty_rate_<m>``.
    """
    dates = list(out.dates)
    spent = (np.sum([np.asarray(p.spending, dtype=np.float64)[:len(dates)]
                     for p in out.policies], axis=0) if out.policies else np.zeros(len(dates)))
    spent[0] = 0.0  # March 2021 is the starting state: spending is counted from April 2021
    cum = np.cumsum(spent)
    res = {}
    first = dates.index(cost_from) if cost_from in dates else 0
    before = float(cum[first - 1]) if first > 0 else 0.0
    for m in months:
        t = dates.index(m)
        k = m.replace("-", "_")
        res[f"extreme_poor_persons_{k}"] = float(out.indicators["extreme_poor_persons"][t])
        res[f"spending_{k}"] = float(cum[t])
        if window_months and m in window_months:
            res[f"spending_window_{k}"] = float(cum[t]) - before
            res[f"extreme_poverty_rate_{k}"] = float(out.indicators["extreme_poverty_rate"][t])
    return res


def outcome_values(out, outcomes: tuple[sp.Outcome, ...], cf_months: list[str],
                   cost_from: str = "2021-04") -> dict:
    """The outcomes of one run (persons lifted, extra spending and cost come later, in combine)."""
    dates = list(out.dates)
    res = raw_values(out, sorted({o.month for o in outcomes}), cost_from, cost_months(outcomes))
    values: dict[str, float] = {k: v for k, v in res.items()
                                if any(k.endswith(m.replace("-", "_")) for m in cf_months)
                                and not k.startswith("extreme_poverty_rate_")}
    for o in outcomes:
        t = dates.index(o.month)
        rate = float(out.indicators["extreme_poverty_rate"][t])
        if o.measure == "band":
            values[o.name] = float(rate <= 0.01)
        elif o.measure == "zero":
            values[o.name] = float(rounds_to_zero(rate))
        elif o.measure == "spending":
            values[o.name] = res[f"spending_{o.month.replace('-', '_')}"]
        elif o.needs_counterfactual:
            continue
        else:
            values[o.name] = float(out.indicators[o.measure][t])
    return values


# --------------------------------------------------------------------------------------------
# The sweep
# --------------------------------------------------------------------------------------------
@dataclass
class Sweep:
    """A checked sweep ready to run.

    Attributes:
        spec: The checked sweep file.
        design: Its sampled points.
        model: What each run calls (:class:`PovsimModel` for a sweep file).
        record: Extra facts for ``sweep.json`` (the base and counterfactual scenarios).
        digest: SHA-256 of the resolved sweep: a folder resumes only the same digest.
    """

    spec: sp.SweepSpec
    design: Design
    model: SweepModel
    record: dict = field(default_factory=dict)
    digest: str = ""

    @property
    def counterfactual_runs(self) -> int:
        """Counterfactual model runs: one per scenario index when there is a counterfactual."""
        return self.design.scenarios if self.model.has_counterfactual else 0

    def __post_init__(self):
        if not self.digest:
            self.digest = sp.digest(self.resolved())

    def resolved(self) -> dict:
        """What the digest covers: the file's content, resolved scenarios, posterior, design."""
        return {
            "content": self.spec.content, "record": self.record,
            "inputs": [i.to_dict() for i in self.spec.inputs],
            "posterior": self.spec.posterior.to_dict() if self.spec.posterior else None,
            "design": {k: g.to_dict() for k, g in self.spec.design.items()},
            "outcomes": [o.to_dict() for o in self.spec.outcomes],
            "households": self.spec.households, "replications": self.spec.replications,
            "seed": self.spec.seed, "end": self.spec.end,
        }


def _resolve(value: Any, folder: Path, file: str, key: str) -> Path:
    if not isinstance(value, str) or not value.strip():
        raise InputError(file, key, "the path of a scenario file (from the sweep file's "
                         "folder)", value)
    p = Path(value)
    return p if p.is_absolute() else folder / p


def _scenario_record(sc: Scenario) -> dict:
    return {"name": sc.name, "file": sc.file, "base": sc.base,
            "parameters_digest": sc.params.digest(), "policies": sc.policy_specs()}


def _lever_describer(base: Scenario, end: str, file: str):
    """``describe(path, key)`` for levers: a numeric argument of a policy of the base."""
    from simulation.policies import REGISTRY, make_policy

    specs = base.policy_specs()
    labels = [p["label"] for p in specs]

    def describe(path: str, key: str, file: str = file):
        if not path.startswith("policy:") or path.count(".") < 1:
            raise InputError(file, key, "a lever: a policy argument of the base scenario, "
                             f"policy:LABEL.ARGUMENT with LABEL one of {', '.join(labels)} "
                             "(or a dotted parameter path with from: YYYY-MM, a dated "
                             "change)", path)
        label, arg = path[len("policy:"):].split(".", 1)
        if label not in labels:
            raise InputError(file, key, f"a policy label of the base scenario {base.name}: "
                             f"{', '.join(labels) or '(none)'}", path)
        i = labels.index(label)
        cls = REGISTRY[specs[i]["type"]]
        args = {**cls._BASE_ARGS, **cls.ARGS}
        numeric = [k for k, a in args.items() if a.type in sp._NUMERIC]
        if arg not in args or args[arg].type not in sp._NUMERIC:
            raise InputError(file, key, f"a numeric argument of {label} ({cls.kind}): "
                             f"{', '.join(numeric)}", path)
        a = args[arg]

        def check(value: Any, vkey: str) -> None:
            from simulation.scenarios import Scenario

            changed = [dict(p) for p in specs]
            changed[i][arg] = value
            make_policy(changed[i], file=file, key=vkey)
            Scenario(name=base.name, description=base.description, path=base.path,
                     changes=base.changes, params=base.params, policies=tuple(changed),
                     counterfactual=base.counterfactual).check_run(end)

        unit = a.help.split("(")[-1].rstrip(")") if "(" in a.help else ""
        return a.type, unit, f"{label} {arg}", _rewrap(check, file)

    return describe


def _rewrap(check, file: str):
    """Name the sweep file and the input's key in an error of the base scenario's checks."""

    def wrapped(value: Any, key: str) -> None:
        try:
            check(value, key)
        except InputError as exc:
            if exc.file == file:
                raise
            raise InputError(file, key, f"a value the input can take ({exc.key}: "
                             f"{exc.expected})", value) from None

    return wrapped


def _dated_describer(bases: list[Scenario], end: str, file: str):
    """``describe_dated(path, key, month, change)`` for levers with ``from:``.

    Such a lever changes a scalar numeric parameter, one not fixed over a run, from a month.
    """
    describe = parameter_describer(bases, end, file)

    def describe_dated(path: str, key: str, month: str, change: str):
        if path.startswith("policy:"):
            raise InputError(file, key, "a dotted parameter path for a lever with from: (a "
                             "policy argument takes no from:; set the policy's start)", path)
        ptype, unit, label, _ = describe(path, key)
        p = bases[0].params[path]
        if p.fixed:
            raise InputError(file, key, f"a parameter that may change during a run ({path} "
                             "is fixed over a run)", path)

        def check(value: Any, vkey: str) -> None:
            if change == "add":
                return  # added to the value in force and kept within its bounds when applied
            for sc in bases:
                try:
                    sc.with_changes({path: {month: value}}, name=sc.name).check_run(end)
                except InputError as exc:
                    raise InputError(file, vkey, f"a value {path} can take from {month} "
                                     f"({exc.expected})", value) from None

        return ptype, unit, label, check

    return describe_dated


def _int(value: Any, file: str, key: str, lo: int, hi: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not lo <= value <= hi:
        raise InputError(file, key, f"an integer from {lo:,} to {hi:,}", value)
    return value


def load_sweep(path: Path | str, *, yes: bool = False) -> Sweep:
    """Read and check a sweep file; sample its design.

    Args:
        path: The sweep file.
        yes: Allow more than :data:`~simulation.sweeps.spec.MAX_HOUSEHOLD_RUNS` household-runs.

    Raises:
        InputError: naming the file and the key, for anything wrong (see the module docstring
            of :mod:`simulation.sweeps.spec`).
    """
    if not isinstance(path, str | Path) or not str(path):
        raise InputError("load_sweep", "path", "a sweep file path", path)
    path = Path(path)
    return sweep_from_mapping(inputs.read_yaml(path), str(path), path.parent, path.stem,
                              yes=yes)


def sweep_from_mapping(data: Any, file: str, folder: Path, default_name: str, *,
                       yes: bool = False) -> Sweep:
    """Check a sweep file's content (``data``, read from ``file``) and sample its design.

    Paths in it are from ``folder``; ``default_name`` is the name when it gives none. The
    EMA Workbench adapter (:mod:`simulation.ema`) builds its model through here, so it is
    checked as a sweep file is.
    """
    from simulation import experiments as ex
    from simulation.scenarios import load_scenario

    if not isinstance(data, Mapping):
        raise InputError(file, "<file>", f"a mapping with keys {', '.join(sp._KEYS)}", data)
    for key in data:
        if key not in sp._KEYS:
            raise InputError(file, key, f"one of the keys {', '.join(sp._KEYS)}")
    for key in sp._REQUIRED:
        if key not in data:
            raise InputError(file, key, "this key to be present")
    name = inputs.check_name(data.get("name", default_name), file=file, key="name")
    description = data["description"]
    if not isinstance(description, str) or not description.strip():
        raise InputError(file, "description", "a sentence or two saying what the sweep "
                         "explores", description)
    end = check_end(data.get("end", "2024-12"), file=file, key="end")
    households = _int(data["households"], file, "households", ex.HOUSEHOLDS_MIN,
                      ex.HOUSEHOLDS_MAX)
    replications = _int(data.get("replications", 1), file, "replications", 1,
                        ex.REPLICATIONS_MAX)
    seed = _int(data.get("seed", 20210301), file, "seed", 0, ex.SEED_MAX)
    check_settings(households, replications, seed, 1, end, file=file, prefix="")
    from simulation.scenarios import Scenario

    # From code (povsim search) the base and counterfactual may be scenarios built in memory;
    # the content then names them, and the digest covers them through their records.
    data = dict(data)
    built = {}
    for key in ("base", "counterfactual"):
        if isinstance(data.get(key), Scenario):
            built[key] = data[key]
            data[key] = f"<scenario {data[key].name}>"
    base = built.get("base") or load_scenario(_resolve(data["base"], folder, file, "base"))
    base.check_run(end)
    cf = None
    if "counterfactual" in built:
        cf = built["counterfactual"]
    elif data.get("counterfactual") is not None:
        cf = load_scenario(_resolve(data["counterfactual"], folder, file, "counterfactual"))
    if cf is not None:
        cf.check_run(end)

    levers_raw = data.get("levers") or {}
    unc_raw = data.get("uncertainties") or {}
    for key, raw in (("levers", levers_raw), ("uncertainties", unc_raw)):
        if not isinstance(raw, Mapping):
            raise InputError(file, key, "a mapping of input names to {path, range or values}",
                             raw)
    bases = [base] + ([cf] if cf is not None else [])
    describe_lever = _lever_describer(base, end, file)
    describe_dated = _dated_describer(bases, end, file)
    levers = tuple(sp.read_input(n, e, "lever", file, describe_lever, describe_dated)
                   for n, e in levers_raw.items())
    describe_param = parameter_describer(bases, end, file)
    uncertainties, posterior = [], None
    for n, e in unc_raw.items():
        if isinstance(e, Mapping) and "posterior" in e:
            key = f"uncertainties.{n}"
            extra = [k for k in e if k not in ("posterior", "reason")]
            if extra:
                raise InputError(file, f"{key}.{extra[0]}", "only posterior: FILE (and "
                                 "reason:) in a posterior entry")
            if posterior is not None:
                raise InputError(file, key, "one posterior entry", n)
            if not isinstance(n, str) or not sp._INPUT_NAME_RE.fullmatch(n):
                raise InputError(file, key, sp._INPUT_NAME_EXPECTED, n)
            posterior = sp.read_posterior(_resolve(e["posterior"], folder, file,
                                                   f"{key}.posterior"),
                                          n, file, f"{key}.posterior", describe_param)
        else:
            uncertainties.append(sp.read_input(n, e, "uncertainty", file, describe_param))
    names = [i.name for i in (*levers, *uncertainties)]
    # A dated lever may change a path an uncertainty or the posterior sets for the whole run
    # (the lever's value applies from its month, on top of it); two levers may not share one.
    dated = [i.path for i in levers if i.is_dated_parameter]
    for i, p in enumerate(dated):
        if p in dated[:i]:
            raise InputError(file, "levers", "each path once among the dated levers", p)
    paths = [i.path for i in (*levers, *uncertainties) if not i.is_dated_parameter] + list(
        posterior.paths if posterior else [])
    for i, p in enumerate(paths):
        if p in paths[:i]:
            raise InputError(file, "uncertainties" if i >= len(levers) else "levers",
                             "each path once (levers, uncertainties and the posterior)", p)
    if posterior is not None:
        names.append(posterior.column)
    for i, n in enumerate(names):
        if n in names[:i]:
            raise InputError(file, n, "each input name once", n)

    design_raw = data["design"]
    if not isinstance(design_raw, Mapping):
        raise InputError(file, "design", "a mapping with levers: and uncertainties: samplers",
                         design_raw)
    for k in design_raw:
        if k not in ("levers", "uncertainties"):
            raise InputError(file, f"design.{k}", "levers or uncertainties (each "
                             "{sampler: ...})")
    design = {"levers": sp.read_group(design_raw.get("levers"), "levers", len(levers), file,
                                      levers),
              "uncertainties": sp.read_group(design_raw.get("uncertainties"), "uncertainties",
                                             len(uncertainties), file)}
    if design["uncertainties"].sampler == "posterior" and posterior is None:
        raise InputError(file, "design.uncertainties.sampler", "a posterior: entry under "
                         "uncertainties for the posterior design", "posterior")
    if posterior is not None and design["uncertainties"].sampler in ("sobol", "morris"):
        raise InputError(file, "design.uncertainties.sampler", "latin_hypercube, grid or "
                         "posterior with a posterior (a Sobol or Morris analysis needs its own "
                         "sample of ranges; posterior draws are not one)",
                         design["uncertainties"].sampler)

    outcomes_raw = data.get("outcomes")
    if outcomes_raw is None:
        outcomes_raw = list(sp.DEFAULT_OUTCOMES) + (list(sp.DEFAULT_WITH_COUNTERFACTUAL)
                                                    if cf is not None else [])
    if not isinstance(outcomes_raw, list) or not outcomes_raw:
        raise InputError(file, "outcomes", "a non-empty list of outcome names", outcomes_raw)
    names_out = list(outcomes_raw)
    for always in sp.ALWAYS:
        month = f"{always[-7:-3]}-{always[-2:]}"
        if always not in names_out and ex.n_months(end) > ex.n_months(month) - 1:
            names_out.append(always)
    cost_from = "2021-04"
    if data.get("cost_from") is not None:
        from simulation.parameter_set import month_index as _mi

        cost_from = sp.month_label(inputs.parse_month(
            data["cost_from"], file=file, key="cost_from", first=_mi("2021-04"),
            last=_mi(end), what="the first month of the cost outcomes' window"))
    outcomes = []
    for i, o in enumerate(names_out):
        key = f"outcomes[{i}]"
        if o in names_out[:i]:
            raise InputError(file, key, "each outcome once", o)
        if o in names:
            raise InputError(file, key, "an outcome name that is not an input's", o)
        outcome = sp.read_outcome(o, end, cf is not None, file, key)
        if outcome.measure == "cost" and outcome.month < cost_from:
            raise InputError(file, key, f"a cost month from cost_from ({cost_from}) on", o)
        outcomes.append(outcome)

    n_lev = points_count(design["levers"], levers)
    n_unc = points_count(design["uncertainties"], tuple(uncertainties))
    for g, n in (("levers", n_lev), ("uncertainties", n_unc)):
        if n > sp.MAX_POINTS:
            raise InputError(file, f"design.{g}", f"at most {sp.MAX_POINTS:,} points", n)
    runs = n_lev * n_unc * replications
    sp.check_size(file, runs, n_unc * replications if cf is not None else 0, households, yes)

    spec = sp.SweepSpec(
        name=name, description=" ".join(description.split()), file=file, levers=levers,
        uncertainties=tuple(uncertainties), posterior=posterior, design=design,
        households=households, replications=replications, seed=seed, end=end,
        outcomes=tuple(outcomes), content=dict(data))
    model = PovsimModel(
        params=base.params, policies=base.policy_specs(),
        cf_params=cf.params if cf is not None else None,
        cf_policies=cf.policy_specs() if cf is not None else None,
        households=households, end=end,
        levers={i.name: (i.policy_label, i.argument, i.type) for i in levers
                if not i.is_dated_parameter},
        dated_levers={i.name: (i.path, i.from_month, i.change, i.type) for i in levers
                      if i.is_dated_parameter},
        cost_from=cost_from,
        uncertainties={i.name: (i.path, i.type) for i in uncertainties},
        posterior=((posterior.paths, posterior.draws, posterior.ids) if posterior is not None
                   else None),
        posterior_column=posterior.column if posterior is not None else None,
        outcomes=tuple(outcomes))
    record = {"base": _scenario_record(base),
              "counterfactual": _scenario_record(cf) if cf is not None else None}
    return Sweep(spec=spec, design=make_design(spec), model=model, record=record)


def function_sweep(name: str, function: Callable, *, levers: tuple[sp.Input, ...] = (),
                   uncertainties: tuple[sp.Input, ...] = (), design: dict[str, sp.Group],
                   outcomes: tuple[sp.Outcome, ...], replications: int = 1,
                   seed: int = 1) -> Sweep:
    """A sweep of a plain function through the same machinery (tests, known answers).

    ``function(values, seed) -> {outcome name: value}`` must be importable for workers.
    """
    spec = sp.SweepSpec(name=name, description=f"function {getattr(function, '__name__', '?')}",
                        file="<code>", levers=tuple(levers), uncertainties=tuple(uncertainties),
                        posterior=None, design=design, households=100,
                        replications=replications, seed=seed, end="2024-12",
                        outcomes=tuple(outcomes),
                        content={"function": f"{function.__module__}.{function.__qualname__}"})
    return Sweep(spec=spec, design=make_design(spec), model=FunctionModel(function))
