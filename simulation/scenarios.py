"""Scenarios: a named set of parameter changes and policies, read from YAML, as a delta on a base.

A scenario file overrides baseline parameters by dotted path, as PolicyEngine's
``Scenario(parameter_changes={...})`` does; the baseline is never modified (the changes go
through :meth:`simulation.parameter_set.ParameterSet.with_changes`, which returns a new set)::

    name: minimum_wage_up     # optional; defaults to the file name without .yaml
    description: One or two sentences saying what the scenario is.
    parameters:               # optional: dotted path -> value, or {YYYY-MM: value} from a date
      labour.matching.efficiency: 0.2
      labour.minimum_wage.ump_mean:
        2024-01: 3200000
    policies:                 # optional: levers and programmes (simulation/policies/)
      - type: cash_transfer
        label: topup
        amount_monthly: 200000
        share: 0.1
    counterfactual: baseline  # optional: what persons lifted are measured against

A scenario that differs from another one says so and holds only the differences (PolicyEngine's
reforms are deltas on a base)::

    name: more_training
    base: baseline            # another scenario: <name>.yaml beside this file, or a path
    description: The baseline with Prakerja doubled from April 2022.
    parameters: {...}         # applied on top of the base's (dated values merge)
    policies:                 # added to the base's (at the end, or after a label)
      - type: vocational_training
        label: prakerja_extra
        programme: prakerja
        start: 2022-04
        after: prakerja       # optional: where in the base's list it goes
    change_policies:          # arguments of the base's policies, by label
      padat_karya: {end: 2021-03}
    remove_policies: [bsu]    # the base's policies dropped, by label
    counterfactual: null      # optional: replaces the base's (null: none)

Every mistake raises :class:`simulation.errors.InputError` naming the scenario file and the key:
the file is read by :func:`simulation.inputs.read_yaml` (no duplicate keys, no timestamps, ...),
dated changes must be ``YYYY-MM`` text inside the model's calendar (2021-03 to 2029-12), and
:meth:`Scenario.check_run` refuses, before a run, what that run would not act on (a dated change
after its end, a policy window outside it) or would fail on (a PBI lever without ``bpjs_tk``, a
size above the population).
"""

from __future__ import annotations

import copy
import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any

from simulation import inputs
from simulation.errors import InputError
from simulation.macro import LATEST_END, START_MONTH, compile_paths
from simulation.parameter_set import (
    ParameterSet,
    baseline_parameters,
    check_value,
    month_index,
    month_label,
    read_yaml,
)
from simulation.policies.base import Policy

# A name goes into output folder names and the ``scenario`` column, so keep it path-safe.
_NAME_RE = inputs.NAME_RE
_NAME_EXPECTED = inputs.NAME_EXPECTED
_INTERPOLATED_TYPES = ("float", "int", "rate", "money")  # types interpolation applies to


@dataclass(frozen=True)
class Scenario:
    """A named, described set of parameter changes and the parameters they resolve to.

    Args:
        name: Short name used in output tables and folder names.
        description: What the scenario is, in a sentence or two.
        path: The scenario file, or None for a scenario built in code.
        changes: The parameter changes applied to the baseline (dotted path -> value or
            ``{YYYY-MM: value}``), read-only.
        params: The fully resolved parameters.
        policies: Policies: specs (``{"type": kind, "label": ..., ...}``, checked on load) or
            policy objects (:class:`simulation.policies.Policy`, copied; built in code).
        counterfactual: Name of the scenario to measure persons lifted against (optional).
        base: The scenario file this one is a delta on (``base:``), for the record; None for
            a scenario that starts from the baseline parameters.

    Examples:
        >>> s = Scenario.from_changes("faster_matching", {"labour.matching.efficiency": 0.2})
        >>> s.params.value("labour.matching.efficiency")
        0.2
    """

    name: str
    description: str
    path: Path | None
    changes: Mapping[str, Any] = field(hash=False)
    params: ParameterSet = field(hash=False, repr=False)
    policies: tuple[dict | Policy, ...] = field(default=(), hash=False)
    counterfactual: str | None = None
    base: str | None = None

    def __post_init__(self):
        object.__setattr__(self, "changes", MappingProxyType(copy.deepcopy(dict(self.changes))))
        object.__setattr__(self, "policies", tuple(
            copy.deepcopy(p) if isinstance(p, Policy) else copy.deepcopy(dict(p))
            for p in self.policies))

    def __reduce__(self):  # MappingProxyType does not pickle; rebuild from a plain dict
        return (Scenario, (self.name, self.description, self.path, dict(self.changes),
                           self.params, self.policies, self.counterfactual, self.base))

    def policy_specs(self) -> list[dict]:
        """The policies as ``{"type": kind, **arguments}`` specs (objects via ``to_dict``)."""
        return [p.to_dict() if isinstance(p, Policy) else dict(p) for p in self.policies]

    # ------------------------------------------------------------------ composing in code
    def with_changes(self, changes: Mapping[str, Any], name: str | None = None,
                     description: str | None = None) -> Scenario:
        """Return a copy with more parameter changes applied on top of this scenario's.

        Changes compose: the new ones are applied to this scenario's resolved parameters (so a
        ``{YYYY-MM: value}`` change adds dates to this scenario's values, not the baseline's).
        ``changes`` of the result records both sets, the later one winning for a path (dated
        mappings merged). This scenario is not modified.

        Args:
            changes: Dotted parameter path -> value or ``{YYYY-MM: value}``.
            name: Name of the new scenario (default: this one's).
            description: Its description (default: this one's).

        Raises:
            InputError: naming ``<scenario NAME>`` and the path, for an unknown path, a wrong
                type or a value out of range.

        Examples:
            >>> s = Scenario.from_changes("a", {"labour.matching.efficiency": 0.2})
            >>> t = s.with_changes({"labour.flows.fallback_rate": 0.1}, name="b")
            >>> sorted(t.changes), s.params.value("labour.flows.fallback_rate") != 0.1
            (['labour.flows.fallback_rate', 'labour.matching.efficiency'], True)
        """
        name = _check_name(self.name if name is None else name, f"<scenario {name}>")
        source = f"<scenario {name}>"
        description = _check_code_description(description, source)
        check_changes(changes, source, self.params)
        params = self.params.with_changes(changes, source=source)
        merged = {k: copy.deepcopy(v) for k, v in self.changes.items()}
        for path, change in changes.items():
            old = merged.get(path)
            if isinstance(change, Mapping) and isinstance(old, Mapping):
                merged[path] = {**old, **change}
            else:
                merged[path] = copy.deepcopy(change)
        return Scenario(name=name, description=self.description if description is None
                        else description, path=None, changes=merged, params=params,
                        policies=self.policies, counterfactual=self.counterfactual)

    def with_policies(self, add: Any = (), remove: Any = (), name: str | None = None,
                      description: str | None = None) -> Scenario:
        """Return a copy with policies removed (by label) and added (specs or objects).

        Args:
            add: Policies to append: ``{"type": kind, "label": ..., ...}`` specs or policy
                objects (a registered class, or any :class:`~simulation.policies.Policy`).
            remove: Labels of this scenario's policies to drop.
            name: Name of the new scenario (default: this one's).
            description: Its description (default: this one's).

        Raises:
            InputError: for an unknown label in ``remove``, a bad spec or a duplicate label.

        Examples:
            >>> s = Scenario.from_changes("a", {}).with_policies(
            ...     add=[{"type": "cash_transfer", "label": "topup", "amount_monthly": 1e5,
            ...           "share": 0.1}])
            >>> [p["label"] for p in s.policy_specs()]
            ['topup']
            >>> [p["label"] for p in s.with_policies(remove=["topup"]).policy_specs()]
            []
        """
        name = _check_name(self.name if name is None else name, f"<scenario {name}>")
        source = f"<scenario {name}>"
        description = _check_code_description(description, source)
        remove = [remove] if isinstance(remove, str) else remove
        if not isinstance(remove, list | tuple) or not all(isinstance(x, str) for x in remove):
            raise InputError(source, "remove", "a policy label or a list of labels", remove)
        add = [add] if isinstance(add, Mapping | Policy) else add
        if not isinstance(add, list | tuple):
            raise InputError(source, "add", "a policy (a spec or a Policy object) or a list of "
                             "them", add)
        labels = [p["label"] for p in self.policy_specs()]
        for label in remove:
            if label not in labels:
                raise InputError(source, "remove", f"a policy label of {self.name}: "
                                 f"{', '.join(labels) or '(none)'}", label)
        kept = [p for p, label in zip(self.policies, labels, strict=True) if label not in remove]
        policies = _check_policies([*kept, *add], source)
        return Scenario(name=name, description=self.description if description is None
                        else description, path=None, changes=self.changes, params=self.params,
                        policies=policies, counterfactual=self.counterfactual)

    def scale_policy(self, label: str, factor: float, name: str | None = None,
                     description: str | None = None) -> Scenario:
        """Return a copy with policy ``label``'s ``scale`` argument multiplied by ``factor``.

        Only for policies with a ``scale`` argument (job creation, training); the budget cap,
        if any, is unchanged.

        Raises:
            InputError: for an unknown label, a policy without ``scale`` or a bad factor.

        Examples:
            >>> s = Scenario.from_changes("a", {}, policies=[{"type": "padat_karya",
            ...                                                "label": "pk"}])
            >>> s.scale_policy("pk", 2.5).policy_specs()[0]["scale"]
            2.5
        """
        from simulation.policies import make_policy

        name = _check_name(self.name if name is None else name, f"<scenario {name}>")
        source = f"<scenario {name}>"
        description = _check_code_description(description, source)
        specs = self.policy_specs()
        labels = [p["label"] for p in specs]
        if not isinstance(label, str) or label not in labels:
            raise InputError(source, "scale_policy", f"a policy label of {self.name}: "
                             f"{', '.join(labels) or '(none)'}", label)
        i = labels.index(label)
        if "scale" not in specs[i]:
            raise InputError(source, f"{label}.scale", "a policy with a scale argument "
                             "(job creation, training)", specs[i]["type"])
        factor = check_value(factor, "float", minimum=0, file=source, key=f"{label}.scale")
        scale = float(specs[i]["scale"]) * factor
        if not math.isfinite(scale):
            raise InputError(source, f"{label}.scale", "a factor that keeps the scale finite",
                             factor)
        policies = list(self.policies)
        spec = {**specs[i], "scale": scale}
        old = policies[i]
        if isinstance(old, Policy):  # an object: rebuild it from its arguments
            policies[i] = type(old)(file=source, key=label,
                                    **{k: v for k, v in spec.items() if k != "type"})
        else:
            policies[i] = make_policy(spec, file=source, key=f"{label}").to_dict()
        return Scenario(name=name, description=self.description if description is None
                        else description, path=None, changes=self.changes, params=self.params,
                        policies=tuple(policies), counterfactual=self.counterfactual)

    def check_run(self, end: str) -> None:
        """Refuse, before a run from March 2021 to ``end``, what it would fail on or ignore.

        A dated change after ``end`` (except the first date after it of an interpolated
        parameter, which shapes the months before it), monthly paths that cannot be built
        (a bad reference month), and for each policy (:meth:`Policy.check_run`) a window
        outside the run, a missing policy it needs and a size above the population.

        Raises:
            InputError: naming the scenario file (``<scenario NAME>`` in code) and the key.
        """
        file = self.file if self.path is not None else f"<scenario {self.name}>"
        last = month_index(end, file="<command line>", key="end")
        for path, change in self.changes.items():
            if isinstance(change, Mapping) and path in self.params:
                _check_dates_act(self.params[path], change, file, last)
        try:
            compile_paths(self.params, end)
        except InputError as exc:
            raise InputError(file, f"parameters ({exc.key})", exc.expected, exc.got) from None
        from simulation.policies import make_policy

        policies = [p if isinstance(p, Policy) else make_policy(p, file=file, key=f"policies[{i}]")
                    for i, p in enumerate(self.policies)]
        kinds = {p.kind for p in policies}
        bounds = inputs.population_bounds(self.params)
        for policy in policies:
            policy.check_run(self.params, START_MONTH, last, kinds, bounds)

    @property
    def file(self) -> str:
        """The scenario file as a string (``<code>`` for a scenario built in code)."""
        return str(self.path) if self.path is not None else "<code>"

    @classmethod
    def from_changes(cls, name: str, changes: Mapping[str, Any], description: str = "",
                     base: ParameterSet | None = None,
                     policies: tuple[dict | Policy, ...] = ()) -> Scenario:
        """Build a scenario in code: ``base`` (default: the baseline) with ``changes`` applied.

        Raises:
            InputError: for a bad name, an unknown parameter path, a wrong type or a value out
                of range (the file is given as ``<scenario NAME>``).
        """
        source = f"<scenario {name}>"
        name = _check_name(name, source)
        description = _check_code_description(description, source) or ""
        base = base if base is not None else baseline_parameters()
        check_changes(changes, source, base)
        params = base.with_changes(changes, source=source)
        specs = _check_policies(list(policies), source) if policies else ()
        return cls(name=name, description=description, path=None, changes=dict(changes),
                   params=params, policies=specs)


# --------------------------------------------------------------------------------------------
# Top-level keys of a scenario file. Each key has a checker ``(value, file) -> value``; to add a
# key, add a checker here and use its value in load_scenario.
# --------------------------------------------------------------------------------------------
def _check_name(value: Any, file: str) -> str:
    return inputs.check_name(value, file=file, key="name")


def _check_code_description(value: Any, file: str) -> str | None:
    if value is not None and not isinstance(value, str):
        raise InputError(file, "description", "a string saying what the scenario is", value)
    return value


def _check_description(value: Any, file: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise InputError(file, "description", "a non-empty string saying what the scenario is",
                         value)
    return value.strip()


def _check_parameters(value: Any, file: str) -> dict[str, Any]:
    if value is None:  # "parameters:" with nothing under it
        return {}
    if not isinstance(value, Mapping):
        raise InputError(file, "parameters",
                         "a mapping of dotted parameter paths to values or {YYYY-MM: value}",
                         value)
    return dict(value)


def _check_policies(value: Any, file: str) -> tuple[dict | Policy, ...]:
    """Check policy specs (and, in code, policy objects); return specs and unused objects."""
    from simulation.policies import make_policy

    if value is None:
        return ()
    if not isinstance(value, list | tuple):
        raise InputError(file, "policies", "a list of policies, each with a type", value)
    specs, labels = [], set()
    for i, entry in enumerate(value):
        if isinstance(entry, Mapping) and not isinstance(entry, dict):
            entry = dict(entry)
        if isinstance(entry, Policy):  # built in code (simulation.api): keep the object
            if entry.initialized:
                raise InputError(file, f"policies[{i}]", "a policy object not yet used in a run",
                                 entry.label)
            policy = entry
        else:
            policy = make_policy(entry, file=file, key=f"policies[{i}]")  # checks every argument
        if policy.label in labels:
            raise InputError(file, f"policies[{i}].label", "a label no other policy uses",
                             policy.label)
        labels.add(policy.label)
        specs.append(entry if isinstance(entry, Policy) else policy.to_dict())
    return tuple(specs)


def _check_counterfactual(value: Any, file: str) -> str:
    return inputs.check_name(value, file=file, key="counterfactual",
                             expected="the name of another scenario")


def check_changes(changes: Any, file: str, params: ParameterSet) -> None:
    """Check the shape of parameter changes before they are applied to ``params``.

    Paths are text; a dated change is a non-empty mapping whose keys are months written
    ``YYYY-MM`` inside the model's calendar (2021-03 to 2029-12: a date before the start is
    replaced by the start's value, one after the last month is never reached), so ``2023`` (a
    year, read as a month index) or ``2023-02-30`` never passes silently. A parameter whose unit
    is ``YYYY-MM`` takes months. Types and bounds of values are checked by
    :meth:`ParameterSet.with_changes`.

    Raises:
        InputError: naming ``file`` and the parameter path.
    """
    if not isinstance(changes, Mapping):
        raise InputError(file, "parameters", "a mapping of dotted parameter paths to values or "
                         "{YYYY-MM: value}", changes)
    for path, change in changes.items():
        if not isinstance(path, str):
            raise InputError(file, "parameters", "dotted parameter paths that are text", path)
        values = [change]
        if isinstance(change, Mapping):
            if not change:
                raise InputError(file, path, "a value or a non-empty {YYYY-MM: value} mapping",
                                 change)
            for date in change:
                inputs.parse_month(date, file=file, key=path, first=START_MONTH,
                                   last=LATEST_END, what="dates")
            values = list(change.values())
        p = params.params.get(path)  # an unknown path is named by with_changes
        if p is not None and p.unit == "YYYY-MM":
            for value in values:
                inputs.parse_month(value, file=file, key=path)


def _check_dates_act(p: Any, change: Mapping, file: str, last: int) -> None:
    """Refuse a dated change to ``p`` that acts after month ``last`` only (the run's end)."""
    dates = sorted(month_index(d) for d in change)
    merged = [m for m, _ in p.values]
    before = [m for m in merged if m <= last]
    after = [m for m in merged if m > last]
    for d in dates:
        if d <= last:
            continue
        # Interpolation: the first date after the end shapes the months since the one before.
        shapes = (p.interpolation != "step" and p.type in _INTERPOLATED_TYPES
                  and d == min(after) and before and max(before) < last)
        if not shapes:
            raise InputError(file, p.path, f"dates inside the run ({month_label(START_MONTH)} to "
                             f"{month_label(last)}): a change from {month_label(d)} never "
                             "acts in it", month_label(d))


def _check_base(value: Any, file: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise InputError(file, "base", "the name of another scenario (a file beside this one) "
                         "or the path of its file", value)
    return value


def _check_remove(value: Any, file: str) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise InputError(file, "remove_policies", "a list of the base's policy labels", value)
    return list(value)


def _check_change(value: Any, file: str) -> dict[str, dict]:
    if not isinstance(value, Mapping) or not all(
            isinstance(k, str) and isinstance(v, Mapping) for k, v in value.items()):
        raise InputError(file, "change_policies", "a mapping of the base's policy labels to "
                         "{argument: value}", value)
    return {k: dict(v) for k, v in value.items()}


def _check_counterfactual_or_none(value: Any, file: str) -> str | None:
    return None if value is None else _check_counterfactual(value, file)


_KEYS: dict[str, Callable[[Any, str], Any]] = {
    "name": _check_name,
    "base": _check_base,
    "description": _check_description,
    "parameters": _check_parameters,
    "policies": lambda value, file: value,  # checked against the base's (see _resolve_policies)
    "change_policies": _check_change,
    "remove_policies": _check_remove,
    "counterfactual": _check_counterfactual_or_none,
}
_REQUIRED = ("description",)
_DELTA_KEYS = ("change_policies", "remove_policies")  # only with a base


def _base_path(value: str, file: Path) -> Path:
    """The file a ``base:`` names: ``<name>.yaml`` beside ``file``, or a path from its folder."""
    if inputs.NAME_RE.fullmatch(value) and not value.endswith((".yaml", ".yml")):
        return file.parent / f"{value}.yaml"
    candidate = Path(value)
    return candidate if candidate.is_absolute() else file.parent / candidate


def _resolve_policies(base: list[dict], data: Mapping, file: str) -> tuple:
    """The base's policies with this file's removals, argument changes and additions."""
    from simulation.policies import make_policy

    labels = [p["label"] for p in base]
    for label in data.get("remove_policies", []):
        if label not in labels:
            raise InputError(file, "remove_policies", f"a policy label of the base: "
                             f"{', '.join(labels) or '(none)'}", label)
    removed = set(data.get("remove_policies", []))
    specs = [dict(p) for p in base if p["label"] not in removed]
    by_label = {p["label"]: i for i, p in enumerate(specs)}
    for label, args in data.get("change_policies", {}).items():
        if label not in by_label:
            raise InputError(file, "change_policies", "a policy label of the base (not removed): "
                             f"{', '.join(by_label) or '(none)'}", label)
        if "type" in args or "label" in args:
            raise InputError(file, f"change_policies.{label}", "arguments other than type and "
                             "label (remove the policy and add another instead)", sorted(args))
        spec = {**specs[by_label[label]], **args}
        specs[by_label[label]] = make_policy(spec, file=file,
                                             key=f"change_policies.{label}").to_dict()
    added = data.get("policies")
    if added is None:
        added = []
    if not isinstance(added, list):
        raise InputError(file, "policies", "a list of policies, each with a type", added)
    placed: set[int] = set()  # positions of entries added with after: (kept in file order)
    for i, entry in enumerate(added):
        entry = dict(entry) if isinstance(entry, Mapping) else entry
        after = entry.pop("after", None) if isinstance(entry, dict) else None
        if after is None:
            specs.append(entry)
            continue
        labels_now = [p.get("label") if isinstance(p, dict) else None for p in specs]
        if after not in labels_now:
            raise InputError(file, f"policies[{i}].after", "a policy label of the base: "
                             f"{', '.join(str(x) for x in labels_now if x)}", after)
        j = labels_now.index(after) + 1
        while j in placed:  # after the base's policy and what was already placed after it
            j += 1
        placed = {k + 1 if k >= j else k for k in placed} | {j}
        specs.insert(j, entry)
    return _check_policies(specs, file)


def load_scenario(path: Path | str, base: ParameterSet | None = None) -> Scenario:
    """Read a scenario file and resolve its parameters against ``base`` (default: baseline).

    A file with ``base:`` is a delta on that scenario (read first, recursively): its parameter
    changes apply on top of the base's, its ``policies`` are added to the base's, and
    ``change_policies`` and ``remove_policies`` edit the base's by label.

    Raises:
        InputError: naming the file and key for a missing or malformed file, an unknown or
            missing top-level key, an unknown parameter path, a wrong type or a value out of
            range, a base that cannot be read or that leads back to the file.
    """
    return _load(path, base, ())


def _load(path: Path | str, base_params: ParameterSet | None, seen: tuple[Path, ...]) -> Scenario:
    if not isinstance(path, str | Path) or not str(path):
        raise InputError("load_scenario", "path", "a scenario file path (str or pathlib.Path)",
                         path)
    path = Path(path)
    file = str(path)
    data = read_yaml(path)
    if not isinstance(data, Mapping):
        raise InputError(file, "<file>", f"a mapping with keys {', '.join(_KEYS)}", data)
    for key in data:
        if key not in _KEYS:
            raise InputError(file, key, f"one of the keys {', '.join(_KEYS)}")
    for key in _REQUIRED:
        if key not in data:
            raise InputError(file, key, "this key to be present")
    for key in _DELTA_KEYS:
        if key in data and "base" not in data:
            raise InputError(file, key, "a base: scenario whose policies it edits")
    checked = {key: check(data[key], file) for key, check in _KEYS.items() if key in data}
    if "name" in checked:
        name = checked["name"]
    elif _NAME_RE.fullmatch(path.stem):
        name = path.stem
    else:
        raise InputError(file, "name", f"{_NAME_EXPECTED}; the file name cannot serve, so add "
                         "a name: line", path.stem)
    changes = checked.get("parameters", {})
    parent = None
    if "base" in checked:
        base_file = _base_path(checked["base"], path)
        here = path.resolve()
        if base_file.resolve() in (*seen, here):
            raise InputError(file, "base", "a scenario that does not lead back to this file",
                             checked["base"])
        if not base_file.is_file():
            raise InputError(file, "base", "the name of another scenario (a file beside this "
                             f"one) or the path of its file; there is no {base_file}",
                             checked["base"])
        parent = _load(base_file, base_params, (*seen, here))
    if parent is None:
        start = base_params if base_params is not None else baseline_parameters()
        check_changes(changes, file, start)
        params = start.with_changes(changes, source=file)
        policies = _check_policies(checked.get("policies"), file)
        merged = changes
        counterfactual = checked.get("counterfactual")
    else:
        check_changes(changes, file, parent.params)
        params = parent.params.with_changes(changes, source=file)
        merged = _merge_changes(parent.changes, changes)
        policies = _resolve_policies(parent.policy_specs(), data, file)
        counterfactual = (checked["counterfactual"] if "counterfactual" in data
                          else parent.counterfactual)
    return Scenario(name=name, description=checked["description"], path=path, changes=merged,
                    params=params, policies=policies, counterfactual=counterfactual,
                    base=str(parent.path) if parent is not None else None)


def _merge_changes(old: Mapping[str, Any], new: Mapping[str, Any]) -> dict[str, Any]:
    """Changes of a delta on top of its base's: the later wins for a path, dated ones merge."""
    merged = {k: copy.deepcopy(v) for k, v in old.items()}
    for path, change in new.items():
        before = merged.get(path)
        if isinstance(change, Mapping) and isinstance(before, Mapping):
            merged[path] = {**before, **change}
        else:
            merged[path] = copy.deepcopy(change)
    return merged
