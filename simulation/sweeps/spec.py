"""Sweep files: the base scenario, the inputs (levers and uncertainties), the design, the outcomes.

A sweep file (YAML, read by :func:`simulation.inputs.read_yaml` and checked like a scenario
file) says which inputs to vary over a base scenario, how to sample them and what to record::

    name: levers                       # optional; defaults to the file name
    description: Training x padat karya x PBI under the model's uncertainty.
    base: ../baseline.yaml             # a scenario file (paths are from this file's folder)
    counterfactual: ../no_programmes.yaml   # optional: persons lifted, extra spending
    households: 20000                  # per run
    replications: 1                    # runs per design point, each with its own seed
    seed: 20210301
    end: 2024-12                       # optional (default 2024-12)
    levers:                            # policy arguments of the base scenario, by label
      prakerja_scale:                  # the input's name: its column in runs.csv
        path: policy:prakerja.scale
        values: [0, 1, 2, 3]           # or range: [low, high] (levels: k for a grid)
        label: Prakerja places (x published size)
    uncertainties:                     # dotted parameter paths
      matching_efficiency:
        path: labour.matching.efficiency
        range: [0.12, 0.20]
        reason: +-25% around the calibrated 0.16
      calibrated:                      # or: every path of a posterior file
        posterior: ../../calibration/posterior.csv
    design:
      levers: {sampler: grid}
      uncertainties: {sampler: latin_hypercube, n: 8}
    outcomes: [extreme_poverty_rate_2024_03, band_2024_12, persons_lifted_2024_12]

The design crosses a sample of the levers with a sample of the uncertainties (EMA Workbench's
policies x scenarios): every lever point meets every uncertainty point, ``replications`` times.
Samplers: ``grid`` (full factorial of ``values``, or ``levels`` evenly spaced points of a
``range``), ``latin_hypercube`` (``n`` points, :class:`scipy.stats.qmc.LatinHypercube`),
``posterior`` (``n`` draws from the posterior file alone), ``sobol`` (SALib's Saltelli sample
for Sobol indices: ``n`` a power of two, ``n * (d + 2)`` points, or ``n * (2d + 2)`` with
``second_order: true``), ``morris`` (SALib's Morris
trajectories: ``n`` trajectories of ``d + 1`` points on ``levels`` levels, default 4) and
``base`` (one point: the group has no inputs).

Outcomes are named ``<measure>_<YYYY>_<MM>``: any indicator of
:data:`simulation.measures.INDICATOR_NAMES` (``extreme_poverty_rate_2024_12``), ``band`` (1 if
extreme poverty is at or below 1%, else 0), ``zero`` (1 if it rounds to 0.00% as BPS publishes
it), ``spending`` (rupiah spent by all policies from April 2021 through the month),
``extra_spending`` and ``persons_lifted`` (against the counterfactual run with the same seed
and uncertain inputs). ``band_2024_03`` and ``band_2024_12`` are always recorded.

A posterior file (the calibration's output) is a CSV with one column per dotted parameter path
and a ``weight`` column (non-negative, not all zero; an optional ``draw`` column names the
rows); each uncertainty point draws one row, with probability proportional to its weight, from
its own seed (see :mod:`simulation.posterior`, which ``povsim run --posterior`` shares).

Every mistake raises :class:`~simulation.errors.InputError` naming the file and the key.
"""

from __future__ import annotations

import hashlib
import json
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from simulation import inputs
from simulation.errors import InputError
from simulation.measures import INDICATOR_NAMES, INDICATORS
from simulation.parameter_set import check_value, month_index, month_label
from simulation.posterior import (  # noqa: F401 (re-exported: the sweeps' names)
    POSTERIOR_DRAW,
    POSTERIOR_WEIGHT,
    Posterior,
    read_posterior,
)

#: Samplers a design group may use.
SAMPLERS = ("grid", "latin_hypercube", "sobol", "morris", "posterior", "base", "points")
#: Most model runs a sweep may have (design runs plus counterfactual runs).
MAX_MODEL_RUNS = 1_000_000
#: Most household-runs (model runs x households) a sweep may have without ``--yes``: about
#: 1,000 runs of 100,000 households, an hour or more on a 2-core workstation.
MAX_HOUSEHOLD_RUNS = 100_000_000
#: Most points one design group may have.
MAX_POINTS = 1_000_000
#: Outcome measures beyond the indicators: label, unit, whether 0/1, whether it needs the
#: counterfactual.
MEASURES = {
    "band": ("Extreme poverty at or below 1% (1 = yes)", "0/1", True, False),
    "zero": ("Extreme poverty rounds to 0.00% (1 = yes)", "0/1", True, False),
    "spending": ("Rupiah spent by all policies from April 2021 through the month", "Rp",
                 False, False),
    "extra_spending": ("Spending minus the counterfactual's, from April 2021 through the month",
                       "Rp", False, True),
    "persons_lifted": ("Extreme-poor persons in the counterfactual minus in the run", "persons",
                       False, True),
    "cost": ("Spending minus the counterfactual's, from the sweep's cost_from month through "
             "the month (the booked spending above the counterfactual over the window)", "Rp",
             False, True),
}
ALWAYS = ("band_2024_03", "band_2024_12")
DEFAULT_OUTCOMES = ("extreme_poverty_rate_2024_03", "extreme_poverty_rate_2024_12",
                    "band_2024_03", "band_2024_12", "spending_2024_12")
DEFAULT_WITH_COUNTERFACTUAL = ("persons_lifted_2024_03", "persons_lifted_2024_12",
                               "extra_spending_2024_12")
_OUTCOME_RE = re.compile(r"(?P<measure>[a-z_]+)_(?P<year>\d{4})_(?P<month>\d{2})")
_INPUT_NAME_RE = re.compile(r"[A-Za-z_][A-Za-z0-9_.]{0,79}")
_INPUT_NAME_EXPECTED = ("a name of up to 80 letters, digits, '_' or '.', starting with a letter "
                        "or '_' (it is a column of runs.csv)")
_POLICY_PREFIX = "policy:"
_NUMERIC = ("float", "int", "rate", "money")
_RESERVED = ("run", "lever_point", "uncertainty_point", "replication", "seed", "error")
_KEYS = ("name", "description", "base", "counterfactual", "households", "replications", "seed",
         "end", "levers", "uncertainties", "design", "outcomes", "cost_from")
_REQUIRED = ("description", "base", "households", "design")
_INPUT_KEYS = ("path", "range", "values", "levels", "label", "reason", "unit", "from", "change")
#: How a dated parameter lever changes its parameter from its month: ``set`` (the lever's value)
#: or ``add`` (the lever's value added to the value in force then, within the parameter's
#: bounds; 0 leaves the run unchanged).
CHANGES = ("set", "add")


@dataclass(frozen=True)
class Input:
    """One swept input: a lever (a policy argument) or an uncertainty (a parameter path).

    Attributes:
        name: Its column in ``runs.csv``.
        kind: ``lever`` or ``uncertainty``.
        path: ``policy:LABEL.ARG`` for a lever, a dotted parameter path for an uncertainty.
        type: ``float``, ``int``, ``rate`` or ``money`` (ints are rounded when applied).
        low: Lower end of its range (the smallest value).
        high: Upper end of its range (the largest value).
        values: The discrete values, or None for a continuous range.
        levels: Grid points of a range (``grid`` sampler), or None.
        label: Short label for tables and charts.
        unit: Unit of the value.
        reason: Why this range (a source, or a labelled assumption).
        source: ``range``, ``values`` or ``posterior`` (drawn from a posterior file).
        from_month: For a lever that is a dated parameter change, the month (``YYYY-MM``) it
            applies from (``{from_month: value}``); None for a policy argument or an
            uncertainty.
        change: ``set`` or ``add`` (see :data:`CHANGES`), for a dated parameter lever.
    """

    name: str
    kind: str
    path: str
    type: str
    low: float
    high: float
    values: tuple[float, ...] | None = None
    levels: int | None = None
    label: str = ""
    unit: str = ""
    reason: str = ""
    source: str = "range"
    from_month: str | None = None
    change: str = "set"

    @property
    def is_dated_parameter(self) -> bool:
        """Whether the input is a lever that changes a parameter from a month."""
        return self.from_month is not None

    @property
    def policy_label(self) -> str:
        """The policy label of a lever (``prakerja`` of ``policy:prakerja.scale``)."""
        return self.path[len(_POLICY_PREFIX):].split(".", 1)[0]

    @property
    def argument(self) -> str:
        """The argument of a lever (``scale`` of ``policy:prakerja.scale``)."""
        return self.path[len(_POLICY_PREFIX):].split(".", 1)[1]

    def cast(self, value: float) -> float | int:
        """The value as it is applied: rounded for an int input, else a float."""
        return int(round(float(value))) if self.type == "int" else float(value)

    def to_dict(self) -> dict:
        """What ``sweep.json`` records of the input."""
        return {"name": self.name, "kind": self.kind, "path": self.path, "type": self.type,
                "range": [self.low, self.high],
                "values": list(self.values) if self.values is not None else None,
                "levels": self.levels, "source": self.source, "label": self.label,
                "unit": self.unit, "reason": self.reason,
                **({"from": self.from_month, "change": self.change}
                   if self.from_month is not None else {})}


@dataclass(frozen=True)
class Group:
    """The sampler of one design group (``levers`` or ``uncertainties``).

    Attributes:
        sampler: One of :data:`SAMPLERS`.
        n: Points (``latin_hypercube``), base sample size (``sobol``) or trajectories
            (``morris``); None for ``grid`` and ``base``.
        levels: Morris levels (default 4).
        second_order: Sobol second-order indices (doubles the sample).
        points: The explicit points of a ``points`` design, one tuple of values per point (in
            the group's input order); empty for the other samplers.
    """

    sampler: str
    n: int | None = None
    levels: int | None = None
    second_order: bool = False
    points: tuple[tuple[float, ...], ...] = ()

    def to_dict(self) -> dict:
        """What ``sweep.json`` records of the group's sampler."""
        out: dict[str, Any] = {"sampler": self.sampler}
        if self.n is not None:
            out["n"] = self.n
        if self.sampler == "morris":
            out["levels"] = self.levels
        if self.sampler == "sobol":
            out["second_order"] = self.second_order
        if self.sampler == "points":
            out["points"] = [list(p) for p in self.points]
        return out


@dataclass(frozen=True)
class Outcome:
    """One recorded outcome: ``<measure>_<YYYY>_<MM>``.

    Attributes:
        name: Its column in ``runs.csv``.
        measure: An indicator name or one of :data:`MEASURES`.
        month: ``YYYY-MM``.
        label: What it is, in words.
        unit: Its unit (``0/1`` for the booleans).
        is_bool: Whether the column holds 0 or 1.
        needs_counterfactual: Whether it compares with the counterfactual run.
    """

    name: str
    measure: str
    month: str
    label: str
    unit: str
    is_bool: bool = False
    needs_counterfactual: bool = False

    def to_dict(self) -> dict:
        """What ``sweep.json`` records of the outcome."""
        return {"name": self.name, "measure": self.measure, "month": self.month,
                "label": self.label, "unit": self.unit,
                "type": "bool (0/1)" if self.is_bool else "float",
                "needs_counterfactual": self.needs_counterfactual}


@dataclass(frozen=True)
class SweepSpec:
    """A checked sweep: what to run, without the model (see :class:`simulation.sweeps.Sweep`).

    Attributes:
        name: The sweep's name.
        description: What it explores.
        file: The sweep file, or ``<code>``.
        levers: Lever inputs, in file order.
        uncertainties: Uncertainty inputs with ranges or values, in file order.
        posterior: The posterior file, if an uncertainty entry names one.
        design: ``{"levers": Group, "uncertainties": Group}``.
        households: Sample households per run.
        replications: Runs per design point.
        seed: Root seed.
        end: Last month.
        outcomes: The outcomes recorded, in order.
        content: The file's parsed content (for ``sweep.json``).
    """

    name: str
    description: str
    file: str
    levers: tuple[Input, ...]
    uncertainties: tuple[Input, ...]
    posterior: Posterior | None
    design: dict[str, Group]
    households: int
    replications: int
    seed: int
    end: str
    outcomes: tuple[Outcome, ...]
    content: dict = field(default_factory=dict)

    @property
    def inputs(self) -> tuple[Input, ...]:
        """Levers then uncertainties."""
        return (*self.levers, *self.uncertainties)


# --------------------------------------------------------------------------------------------
# Reading the parts
# --------------------------------------------------------------------------------------------
def _number(value: Any, file: str, key: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise InputError(file, key, "a number", value)
    if isinstance(value, int) and abs(value) >= 2**53:
        raise InputError(file, key, "a number below 2^53", value)
    v = float(value)
    if not math.isfinite(v):
        raise InputError(file, key, "a finite number", value)
    return v


def read_input(name: Any, entry: Any, kind: str, file: str, describe,
               describe_dated=None) -> Input:
    """Read one lever or uncertainty entry.

    Args:
        name: The entry's key (the input's name).
        entry: Its mapping (``path``, ``range`` or ``values``, ``levels``, ``label``,
            ``reason``, ``unit``; for a lever that is a dated parameter change, ``from:
            YYYY-MM`` and optionally ``change: set`` or ``add``).
        kind: ``lever`` or ``uncertainty``.
        file: The sweep file (for errors).
        describe: ``describe(path, key) -> (type, unit, label, check)``: what the path is, and
            a function ``check(value, key)`` that raises for a value it cannot take.
        describe_dated: ``describe_dated(path, key, month, change)``, the same for a lever
            with ``from:`` (None: such levers are refused).
    """
    group = "levers" if kind == "lever" else "uncertainties"
    if not isinstance(name, str) or not _INPUT_NAME_RE.fullmatch(name) or name in _RESERVED:
        raise InputError(file, f"{group}.{name}", _INPUT_NAME_EXPECTED + ", and not one of "
                         + ", ".join(_RESERVED), name)
    key = f"{group}.{name}"
    if not isinstance(entry, Mapping):
        raise InputError(file, key, "a mapping with a path and a range or values", entry)
    for k in entry:
        if k not in _INPUT_KEYS:
            raise InputError(file, f"{key}.{k}", f"one of the keys {', '.join(_INPUT_KEYS)}")
    if "path" not in entry:
        raise InputError(file, f"{key}.path", "this key to be present")
    path = entry["path"]
    if not isinstance(path, str):
        raise InputError(file, f"{key}.path", "a text path", path)
    from_month, change = None, "set"
    if "from" in entry or "change" in entry:
        if kind != "lever" or describe_dated is None:
            raise InputError(file, f"{key}.from", "no from: or change: for an uncertainty (it "
                             "applies over the whole run; a dated change is a lever)")
        if "from" not in entry:
            raise InputError(file, f"{key}.from", "this key with change: (the month the lever "
                             "changes its parameter from, YYYY-MM)")
        m = inputs.parse_month(entry["from"], file=file, key=f"{key}.from",
                               first=month_index("2021-04"), what="the month the lever "
                               "applies from (April 2021 or later)")
        from_month = month_label(m)
        change = entry.get("change", "set")
        if change not in CHANGES:
            raise InputError(file, f"{key}.change", f"one of {', '.join(CHANGES)}", change)
        ptype, unit, label, check = describe_dated(path, f"{key}.path", from_month, change)
    else:
        ptype, unit, label, check = describe(path, f"{key}.path")
    if ("range" in entry) == ("values" in entry):
        raise InputError(file, key, "either range: [low, high] or values: [...]",
                         sorted(k for k in entry if k in ("range", "values")))
    values = None
    if "range" in entry:
        rng = entry["range"]
        if not isinstance(rng, list) or len(rng) != 2:
            raise InputError(file, f"{key}.range", "a list [low, high]", rng)
        low = _number(rng[0], file, f"{key}.range[0]")
        high = _number(rng[1], file, f"{key}.range[1]")
        if not low < high:
            raise InputError(file, f"{key}.range", "a range [low, high] with low below high "
                             "(not empty, not reversed)", rng)
        if ptype == "int" and math.floor(high) < math.ceil(low):
            raise InputError(file, f"{key}.range", "a range holding an integer", rng)
        probes = (low, high)
    else:
        vals = entry["values"]
        if not isinstance(vals, list) or not vals:
            raise InputError(file, f"{key}.values", "a non-empty list of numbers", vals)
        values = tuple(_number(v, file, f"{key}.values[{i}]") for i, v in enumerate(vals))
        if len(set(values)) != len(values):
            raise InputError(file, f"{key}.values", "each value once", vals)
        if ptype == "int" and any(not float(v).is_integer() for v in values):
            raise InputError(file, f"{key}.values", "integers (the input is an integer)", vals)
        low, high = min(values), max(values)
        probes = values
    where = f"{key}.{'range' if values is None else 'values'}"
    for v in probes:
        check(int(round(v)) if ptype == "int" else v, where)
    levels = entry.get("levels")
    if levels is not None:
        if values is not None:
            raise InputError(file, f"{key}.levels", "levels only with a range (values are "
                             "the levels)", levels)
        if isinstance(levels, bool) or not isinstance(levels, int) or not 2 <= levels <= 1000:
            raise InputError(file, f"{key}.levels", "an integer from 2 to 1,000", levels)
    texts = {}
    for k in ("label", "reason", "unit"):
        v = entry.get(k, "")
        if not isinstance(v, str):
            raise InputError(file, f"{key}.{k}", "text", v)
        texts[k] = v.strip()
    return Input(name=name, kind=kind, path=path, type=ptype, low=low, high=high,
                 values=values, levels=levels, label=texts["label"] or label,
                 unit=texts["unit"] or unit, reason=texts["reason"],
                 source="range" if values is None else "values", from_month=from_month,
                 change=change)


def read_group(value: Any, group: str, n_inputs: int, file: str,
               inputs_of: tuple[Input, ...] | None = None) -> Group:
    """Read one design group: ``{sampler: ..., n: ..., levels: ..., second_order: ...}``.

    A ``points`` design lists its points (``points: [{name: value, ...}, ...]``), checked
    against the group's inputs ``inputs_of``.
    """
    key = f"design.{group}"
    if value is None:
        value = {"sampler": "base" if n_inputs == 0 else "grid"}
    if not isinstance(value, Mapping):
        raise InputError(file, key, "a mapping with a sampler", value)
    for k in value:
        if k not in ("sampler", "n", "levels", "second_order", "points"):
            raise InputError(file, f"{key}.{k}", "one of the keys sampler, n, levels, "
                             "second_order, points")
    sampler = value.get("sampler")
    if sampler not in SAMPLERS:
        raise InputError(file, f"{key}.sampler", f"a known design: {', '.join(SAMPLERS)}",
                         sampler)
    if sampler == "base" and n_inputs:
        raise InputError(file, f"{key}.sampler", f"a sampler for its {n_inputs} input(s) "
                         "(base is one point and takes no inputs)", sampler)
    if sampler == "posterior" and n_inputs:
        raise InputError(file, f"{key}.sampler", "a sampler for the range inputs (each of its "
                         "points draws its own posterior row); posterior takes no ranges",
                         sampler)
    if sampler not in ("base", "posterior") and not n_inputs:
        raise InputError(file, f"{key}.sampler", f"base: there are no {group} to sample",
                         sampler)
    n = value.get("n")
    if sampler in ("latin_hypercube", "sobol", "morris", "posterior"):
        if isinstance(n, bool) or not isinstance(n, int) or not 1 <= n <= MAX_POINTS:
            raise InputError(file, f"{key}.n", f"an integer from 1 to {MAX_POINTS:,} for the "
                             f"{sampler} design", n)
        if sampler == "sobol" and (n & (n - 1)) != 0:
            raise InputError(file, f"{key}.n", "a power of two for a Sobol design (2, 4, 8, "
                             "..., as the Sobol sequence's balance needs)", n)
        if sampler == "morris" and n < 2:
            raise InputError(file, f"{key}.n", "at least 2 Morris trajectories", n)
    elif n is not None:
        raise InputError(file, f"{key}.n", f"no n for the {sampler} design", n)
    levels = value.get("levels")
    if sampler == "morris":
        levels = 4 if levels is None else levels
        if isinstance(levels, bool) or not isinstance(levels, int) or not 2 <= levels <= 100:
            raise InputError(file, f"{key}.levels", "an even integer from 2 to 100", levels)
        if levels % 2:
            raise InputError(file, f"{key}.levels", "an even number of Morris levels", levels)
    elif levels is not None:
        raise InputError(file, f"{key}.levels", "levels only for a morris design (a grid "
                         "takes levels per input)", levels)
    second = value.get("second_order", False)
    if not isinstance(second, bool) or (second and sampler != "sobol"):
        raise InputError(file, f"{key}.second_order", "true or false, for a sobol design",
                         second)
    points: tuple[tuple[float, ...], ...] = ()
    if sampler == "points":
        points = _read_points(value.get("points"), inputs_of or (), file, f"{key}.points")
    elif "points" in value:
        raise InputError(file, f"{key}.points", "points only for a points design",
                         value["points"])
    return Group(sampler=sampler, n=n, levels=levels, second_order=second, points=points)


def _read_points(raw: Any, group_inputs: tuple[Input, ...], file: str,
                 key: str) -> tuple[tuple[float, ...], ...]:
    """Explicit design points: a list of ``{input name: value}``, every input once, in range."""
    if not isinstance(raw, list) or not raw:
        raise InputError(file, key, "a non-empty list of points, each {input name: value}", raw)
    if len(raw) > MAX_POINTS:
        raise InputError(file, key, f"at most {MAX_POINTS:,} points", len(raw))
    names = [i.name for i in group_inputs]
    out = []
    for n, point in enumerate(raw):
        pk = f"{key}[{n}]"
        if not isinstance(point, Mapping) or sorted(point) != sorted(names):
            raise InputError(file, pk, f"a mapping with a value for each of {', '.join(names)}",
                             point)
        row = []
        for inp in group_inputs:
            v = _number(point[inp.name], file, f"{pk}.{inp.name}")
            ok = (v in inp.values) if inp.values is not None else inp.low <= v <= inp.high
            if not ok:
                raise InputError(file, f"{pk}.{inp.name}", "one of its values" if inp.values
                                 is not None else f"a value in its range [{inp.low:g}, "
                                 f"{inp.high:g}]", point[inp.name])
            row.append(v)
        out.append(tuple(row))
    if len(set(out)) != len(out):
        raise InputError(file, key, "each point once", raw)
    return tuple(out)


def read_outcome(name: Any, end: str, has_counterfactual: bool, file: str, key: str) -> Outcome:
    """Read an outcome name ``<measure>_<YYYY>_<MM>`` and check it against the run."""
    expected = ("an outcome <measure>_<YYYY>_<MM>, the measure an indicator "
                f"({', '.join(INDICATOR_NAMES[:3])}, ...) or one of {', '.join(MEASURES)}")
    m = _OUTCOME_RE.fullmatch(name) if isinstance(name, str) else None
    if m is None:
        raise InputError(file, key, expected, name)
    measure, month = m["measure"], f"{m['year']}-{m['month']}"
    if measure not in MEASURES and measure not in INDICATOR_NAMES:
        raise InputError(file, key, expected, name)
    first = "2021-04" if measure in MEASURES and measure not in ("band", "zero") else "2021-03"
    inputs.parse_month(month, file=file, key=key, first=month_index(first),
                       last=month_index(end), what="an outcome month")
    if measure in MEASURES:
        label, unit, is_bool, needs_cf = MEASURES[measure]
    else:
        ind = next(i for i in INDICATORS if i.name == measure)
        label, unit, is_bool, needs_cf = ind.label, ind.unit, False, False
    if needs_cf and not has_counterfactual:
        raise InputError(file, key, "a counterfactual: scenario in the sweep file for "
                         f"{measure}", name)
    return Outcome(name=name, measure=measure, month=month, label=f"{label}, {month}",
                   unit=unit, is_bool=is_bool, needs_counterfactual=needs_cf)


# --------------------------------------------------------------------------------------------
# Run sizes and digests
# --------------------------------------------------------------------------------------------
def check_size(file: str, design_runs: int, counterfactual_runs: int, households: int,
               yes: bool) -> None:
    """Refuse a sweep too large to run, or large without ``yes`` (``--yes``).

    Above :data:`MAX_MODEL_RUNS` model runs always; above :data:`MAX_HOUSEHOLD_RUNS`
    household-runs (model runs, counterfactuals included, x households) without ``yes``.
    """
    total = design_runs + counterfactual_runs
    what = (f"{total:,} model runs ({design_runs:,} design + {counterfactual_runs:,} "
            f"counterfactual) x {households:,} households")
    if total > MAX_MODEL_RUNS:
        raise InputError(file, "design", f"at most {MAX_MODEL_RUNS:,} model runs", what)
    if not yes and total * households > MAX_HOUSEHOLD_RUNS:
        raise InputError(file, "households", f"at most {MAX_HOUSEHOLD_RUNS:,} household-runs "
                         "without --yes (pass --yes to run it, or lower households, n or "
                         "replications)", f"{what} = {total * households:,}")


def canonical_json(data: Any) -> str:
    """JSON with sorted keys and no spaces: the text digests are computed on."""
    return json.dumps(data, sort_keys=True, separators=(",", ":"), default=str,
                      allow_nan=False)


def digest(data: Any) -> str:
    """SHA-256 of :func:`canonical_json` of ``data``."""
    return hashlib.sha256(canonical_json(data).encode("utf-8")).hexdigest()


def check_value_as(ptype: str, lo: float | None, hi: float | None, file: str):
    """A ``check(value, key)`` for a parameter or argument of type ``ptype`` and bounds."""

    def check(value: Any, key: str) -> None:
        check_value(value, ptype, minimum=lo, maximum=hi, file=file, key=key)

    return check


def months_needed(outcomes: tuple[Outcome, ...]) -> list[str]:
    """The months the outcomes read, sorted."""
    return sorted({o.month for o in outcomes}, key=month_index)


__all__ = ["ALWAYS", "DEFAULT_OUTCOMES", "MAX_HOUSEHOLD_RUNS", "MAX_MODEL_RUNS", "MEASURES",
           "SAMPLERS", "Group", "Input", "Outcome", "Posterior", "SweepSpec", "canonical_json",
           "check_size", "digest", "month_label", "months_needed", "read_group", "read_input",
           "read_outcome", "read_posterior"]
