"""Dated parameters with provenance, loaded from the YAML tree in ``simulation/parameters/``.

Each YAML file is a group; its top-level keys are parameters (plus an optional group
``description``). A parameter's dotted path mirrors the folder tree and the key:
``parameters/labour/matching.yaml`` key ``efficiency`` -> ``labour.matching.efficiency``.

A parameter, in the shape of PolicyEngine's dated parameters::

    efficiency:
      description: One sentence saying what the number is.
      values:
        2021-03: 0.42            # in force from this month on (YYYY-MM or YYYY-MM-DD)
      metadata:
        unit: per month
        type: float              # float | int | bool | str | rate | money | float_list
        min: 0                   # optional bounds, checked on load and on every override
        max: 5
        interpolation: step      # step (default) | linear | log_linear, between dated values
        fixed: false             # optional; true: one value for the whole run (see below)
        reference:               # published sources: title, href, and the row of
          - title: BPS Sakernas Feb-2021    # calibration/targets.csv it comes from
            href: https://...
            row: 100
        assumption: Why this value, when no source gives it.

Every parameter must have a ``reference`` or an ``assumption`` (both is fine). The loader returns
a frozen :class:`ParameterSet`; :meth:`ParameterSet.with_changes` returns a new set and never
mutates the baseline (as openfisca's ``Reform.modify_parameters`` copies the tree first).

**Dated values and fixed parameters.** A dated value is honoured month by month wherever the
model reads the parameter (as PolicyEngine formulas call ``parameters(period)`` every period):
the model resolves each rule's settings for every step when it is built (one settings object per
step, shared while the values do not change) and selects them month by month; the stationary
burn-in before March 2021 uses the March-2021 values. A parameter marked ``fixed: true`` is read
once, when the model is built (population structure, the fit of the initial state, burn-in
lengths, employer structure, the earnings structure at March-2021 prices): it has a single value,
the loader refuses a file giving it several dates, and :meth:`ParameterSet.with_changes` refuses
a ``{YYYY-MM: value}`` change for it (a plain value, the same for the whole run, is allowed).
"""

from __future__ import annotations

import datetime as _dt
import hashlib
import json
import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from types import MappingProxyType
from typing import Any

import numpy as np

from simulation import detmath, inputs
from simulation.errors import InputError
from simulation.inputs import MONEY_MAX, MONEY_MAX_TEXT

PARAMETER_ROOT = Path(__file__).resolve().parent / "parameters"

TYPES = ("float", "int", "bool", "str", "rate", "money", "float_list")
INTERPOLATIONS = ("step", "linear", "log_linear")
_PARAM_KEYS = {"description", "values", "metadata"}
_META_KEYS = {
    "unit", "label", "type", "min", "max", "interpolation", "reference", "assumption",
    "length", "labels", "derivation", "fixed",
}
_MONTH_RE = re.compile(r"^(\d{4})-(\d{2})(?:-(\d{2}))?$")
_INDEX_MIN, _INDEX_MAX = 1900 * 12, 2200 * 12  # month indices from 1900-01 to 2199-12


# --------------------------------------------------------------------------------------------
# Months: integer index year * 12 + (month - 1), printed as YYYY-MM.
# --------------------------------------------------------------------------------------------
def month_index(value: Any, *, file: str = "<input>", key: str = "date") -> int:
    """Convert ``YYYY-MM``, ``YYYY-MM-DD``, a date or an int month index to a month index.

    Examples:
        >>> month_index("2021-03")
        24254
        >>> month_label(month_index("2024-12"))
        '2024-12'
    """
    if isinstance(value, bool):
        raise InputError(file, key, "a month as YYYY-MM", value)
    if isinstance(value, int | np.integer):
        # A month index (year * 12 + month - 1); a bare year or a small number is not one.
        if not _INDEX_MIN <= value < _INDEX_MAX:
            raise InputError(file, key, "a month as YYYY-MM", value)
        return int(value)
    if isinstance(value, _dt.date):
        return value.year * 12 + value.month - 1
    if isinstance(value, str):
        m = _MONTH_RE.match(value.strip())
        if m and 1 <= int(m.group(2)) <= 12:
            return int(m.group(1)) * 12 + int(m.group(2)) - 1
    raise InputError(file, key, "a month as YYYY-MM", value)


def month_label(index: int) -> str:
    """Return ``YYYY-MM`` for a month index."""
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


# --------------------------------------------------------------------------------------------
# One parameter
# --------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Reference:
    """A published source for a parameter value."""

    title: str
    href: str = ""
    row: int | None = None
    note: str = ""


@dataclass(frozen=True)
class Parameter:
    """A frozen, typed, dated parameter.

    Attributes:
        path: Dotted path, e.g. ``labour.matching.efficiency``.
        description: One sentence saying what the number is.
        unit: Unit of the value (``Rp per month``, ``fraction``, ...).
        type: One of :data:`TYPES`.
        values: Tuple of ``(month_index, value)`` sorted by month.
        label: Short label for charts and tables.
        minimum: Lower bound (inclusive) or None.
        maximum: Upper bound (inclusive) or None.
        interpolation: ``step``, ``linear`` or ``log_linear``.
        references: Published sources.
        assumption: Reason for the value where no source gives it.
        file: The YAML file the parameter came from.
        fixed: Whether the value is fixed over a run (read once, when the model is built).
    """

    path: str
    description: str
    unit: str
    type: str
    values: tuple[tuple[int, Any], ...]
    label: str = ""
    minimum: float | None = None
    maximum: float | None = None
    interpolation: str = "step"
    references: tuple[Reference, ...] = ()
    assumption: str = ""
    derivation: str = ""
    length: int | None = None
    labels: tuple[str, ...] = ()
    file: str = ""
    fixed: bool = False

    @property
    def is_dated(self) -> bool:
        """Whether the parameter has more than one dated value."""
        return len(self.values) > 1

    def value(self, at: Any = None) -> Any:
        """Return the value in force at month ``at`` (default: the first value).

        Before the first date the first value applies; interpolating parameters interpolate
        between dates and hold the last value after the last date.
        """
        if at is None or len(self.values) == 1:
            return self.values[0][1]
        return self.monthly([month_index(at)])[0]

    def monthly(self, months: Iterable[int]) -> list[Any] | np.ndarray:
        """Return the value for each month index in ``months``."""
        months = np.asarray(list(months), dtype=np.int64)
        dates = np.array([d for d, _ in self.values], dtype=np.int64)
        vals = [v for _, v in self.values]
        if self.type in ("str", "bool", "float_list") or self.interpolation == "step":
            pos = np.searchsorted(dates, months, side="right") - 1
            pos = np.clip(pos, 0, len(vals) - 1)
            out = [vals[p] for p in pos]
            if self.type in ("float", "rate", "money", "int"):
                return np.asarray(out, dtype=np.float64)
            return out
        y = np.asarray(vals, dtype=np.float64)
        if self.interpolation == "log_linear":
            return detmath.exp(np.interp(months, dates, detmath.log(y)))
        return np.interp(months, dates, y)

    def in_force(self, months: Iterable[int]) -> list[Any]:
        """Return the value in force in each month index of ``months``, as stored.

        Like :meth:`monthly`, but step parameters give their stored values (Python numbers,
        tuples, strings), exactly what :meth:`value` gives for a single-valued parameter;
        interpolating parameters give floats.
        """
        months = list(months)
        if len(self.values) == 1:
            return [self.values[0][1]] * len(months)
        if self.interpolation != "step" and self.type not in ("str", "bool", "float_list"):
            return [float(v) for v in self.monthly(months)]
        dates = np.array([d for d, _ in self.values], dtype=np.int64)
        pos = np.clip(np.searchsorted(dates, np.asarray(months, dtype=np.int64), side="right")
                      - 1, 0, len(self.values) - 1)
        return [self.values[p][1] for p in pos]


# --------------------------------------------------------------------------------------------
# Validation of one value
# --------------------------------------------------------------------------------------------
def _expected_text(ptype: str, lo: float | None, hi: float | None, length: int | None) -> str:
    base = {
        "float": "a number",
        "int": "an integer",
        "bool": "true or false",
        "str": "a string",
        "rate": "a fraction between 0 and 1",
        "money": f"an amount in rupiah from 0 to {MONEY_MAX_TEXT}",
        "float_list": "a list of numbers",
    }[ptype]
    if ptype == "float_list" and length:
        base = f"a list of {length} numbers"
    if ptype in ("float", "int", "float_list") and (lo is not None or hi is not None):
        if lo is not None and hi is not None:
            base += f" between {lo:g} and {hi:g}"
        elif lo is not None:
            base += f" >= {lo:g}"
        else:
            base += f" <= {hi:g}"
    return base


def check_value(
    value: Any,
    ptype: str,
    *,
    minimum: float | None = None,
    maximum: float | None = None,
    length: int | None = None,
    file: str = "<input>",
    key: str = "value",
) -> Any:
    """Check ``value`` against a parameter type and bounds; return it normalised.

    Raises:
        InputError: naming ``file`` and ``key`` when the value does not fit.
    """
    lo, hi = minimum, maximum
    if ptype == "rate":
        lo = 0.0 if lo is None else max(lo, 0.0)
        hi = 1.0 if hi is None else min(hi, 1.0)
    if ptype == "money":
        lo = 0.0 if lo is None else lo
        hi = MONEY_MAX if hi is None else hi
    expected = _expected_text(ptype, lo, hi, length)

    def _num(v: Any) -> float:
        if isinstance(v, bool | np.bool_) or not isinstance(v, int | float | np.number):
            raise InputError(file, key, expected, value)
        try:  # float32 0.1 is meant as 0.1, not 0.10000000149
            v = float(str(v)) if isinstance(v, np.floating) else float(v)
        except (OverflowError, ValueError):  # an integer beyond 1e308
            raise InputError(file, key, expected, value) from None
        if not math.isfinite(v):
            raise InputError(file, key, expected, value)
        if (lo is not None and v < lo) or (hi is not None and v > hi):
            raise InputError(file, key, expected, value)
        return v

    if ptype == "bool":
        if isinstance(value, np.bool_):
            value = bool(value)
        if not isinstance(value, bool):
            raise InputError(file, key, expected, value)
        return value
    if ptype == "str":
        if not isinstance(value, str):
            raise InputError(file, key, expected, value)
        return value
    if ptype == "int":
        if isinstance(value, float | np.floating) and float(value).is_integer():
            value = int(value)
        if isinstance(value, np.integer):
            value = int(value)
        if isinstance(value, bool) or not isinstance(value, int):
            raise InputError(file, key, expected, value)
        _num(value)
        return value
    if ptype == "float_list":
        if not isinstance(value, list | tuple) or (length is not None and len(value) != length):
            raise InputError(file, key, expected, value)
        return tuple(_num(v) for v in value)
    return _num(value)


# --------------------------------------------------------------------------------------------
# Parsing YAML
# --------------------------------------------------------------------------------------------
def read_yaml(path: Path | str, prefix: str = "") -> Any:
    """Read a YAML file strictly (see :func:`simulation.inputs.read_yaml`).

    Regular files of at most 1 MB; no duplicate keys, timestamps, aliases beyond a small budget
    or deep nesting.

    Args:
        path: The file.
        prefix: Put before key paths in errors (the file's dotted parameter path).

    Raises:
        InputError: naming the file and the key path of the first problem.
    """
    return inputs.read_yaml(path, prefix=prefix)


def _parse_values(raw: Any, ptype: str, meta: dict, file: str, path: str) -> tuple:
    lo, hi, length = meta.get("min"), meta.get("max"), meta.get("length")
    if not isinstance(raw, Mapping) or not raw:
        raise InputError(file, f"{path}.values", "a mapping of YYYY-MM dates to values", raw)
    out = []
    for date, val in raw.items():
        m = month_index(date, file=file, key=f"{path}.values")
        out.append(
            (m, check_value(val, ptype, minimum=lo, maximum=hi, length=length, file=file,
                            key=f"{path}.values.{month_label(m)}"))
        )
    out.sort(key=lambda kv: kv[0])
    months = [m for m, _ in out]
    if len(set(months)) != len(months):
        raise InputError(file, f"{path}.values", "distinct dates", raw)
    return tuple(out)


def parse_parameter(path: str, node: Any, file: str) -> Parameter:
    """Build a :class:`Parameter` from one YAML node; raise :class:`InputError` if malformed."""
    if not isinstance(node, Mapping):
        raise InputError(file, path, "a mapping with description, values and metadata", node)
    unknown = set(node) - _PARAM_KEYS
    if unknown:
        raise InputError(file, f"{path}.{sorted(unknown)[0]}",
                         "one of description, values, metadata")
    for k in ("description", "values", "metadata"):
        if k not in node:
            raise InputError(file, f"{path}.{k}", "this key to be present")
    desc = node["description"]
    if not isinstance(desc, str) or not desc.strip():
        raise InputError(file, f"{path}.description", "a one-sentence description", desc)
    meta = node["metadata"]
    if not isinstance(meta, Mapping):
        raise InputError(file, f"{path}.metadata", "a mapping", meta)
    unknown = set(meta) - _META_KEYS
    if unknown:
        raise InputError(file, f"{path}.metadata.{sorted(unknown)[0]}",
                         f"one of {', '.join(sorted(_META_KEYS))}")
    unit = meta.get("unit")
    if not isinstance(unit, str) or not unit.strip():
        raise InputError(file, f"{path}.metadata.unit", "a unit string", unit)
    ptype = meta.get("type", "float")
    if ptype not in TYPES:
        raise InputError(file, f"{path}.metadata.type", f"one of {', '.join(TYPES)}", ptype)
    interp = meta.get("interpolation", "step")
    if interp not in INTERPOLATIONS:
        raise InputError(file, f"{path}.metadata.interpolation",
                         f"one of {', '.join(INTERPOLATIONS)}", interp)
    refs_raw = meta.get("reference") or []
    if not isinstance(refs_raw, list):
        raise InputError(file, f"{path}.metadata.reference", "a list of {title, href, row}",
                         refs_raw)
    refs = []
    for i, r in enumerate(refs_raw):
        if not isinstance(r, Mapping) or not isinstance(r.get("title"), str):
            raise InputError(file, f"{path}.metadata.reference[{i}]", "a mapping with a title", r)
        row = r.get("row")
        if row is not None and (isinstance(row, bool) or not isinstance(row, int)):
            raise InputError(file, f"{path}.metadata.reference[{i}].row",
                             "an integer row number", row)
        refs.append(Reference(title=r["title"], href=str(r.get("href", "")), row=row,
                              note=str(r.get("note", ""))))
    assumption = meta.get("assumption", "") or ""
    if not refs and not str(assumption).strip():
        raise InputError(file, f"{path}.metadata",
                         "a reference (published source) or an assumption with its reason")
    length = meta.get("length")
    fixed = meta.get("fixed", False)
    if not isinstance(fixed, bool):
        raise InputError(file, f"{path}.metadata.fixed", "true or false", fixed)
    values = _parse_values(node["values"], ptype, meta, file, path)
    if fixed and len(values) > 1:
        raise InputError(file, f"{path}.values", _fixed_expected(path), node["values"])
    return Parameter(
        path=path, description=desc.strip(), unit=unit, type=ptype, values=values,
        label=str(meta.get("label", "")), minimum=meta.get("min"), maximum=meta.get("max"),
        interpolation=interp, references=tuple(refs), assumption=str(assumption).strip(),
        derivation=str(meta.get("derivation", "") or "").strip(), length=length,
        labels=tuple(meta.get("labels", ()) or ()), file=file, fixed=fixed,
    )


def _fixed_expected(path: str) -> str:
    return f"a single value: {path} is fixed over a run (read once, when the model is built)"


# --------------------------------------------------------------------------------------------
# The set
# --------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class ParameterSet:
    """A frozen mapping of dotted paths to :class:`Parameter`.

    Examples:
        >>> base = load_parameters()
        >>> new = base.with_changes({"households.consumption.buffer_drawdown_rate": 0.5})
        >>> new.value("households.consumption.buffer_drawdown_rate")
        0.5
        >>> base.value("households.consumption.buffer_drawdown_rate") != 0.5
        True
    """

    params: Mapping[str, Parameter]
    changes: tuple[tuple[str, str], ...] = field(default=())  # (path, source file) applied

    def __post_init__(self):
        object.__setattr__(self, "params", MappingProxyType(dict(self.params)))
        # value() results by (path, month): policies read their settings every month, and a
        # parameter lookup with a date costs a few numpy calls. The set is frozen, so they hold.
        object.__setattr__(self, "_values", {})

    def __contains__(self, path: str) -> bool:
        return path in self.params

    def __getitem__(self, path: str) -> Parameter:
        return self.params[path]

    def __iter__(self):
        return iter(self.params)

    def __len__(self) -> int:
        return len(self.params)

    def __reduce__(self):  # MappingProxyType does not pickle; rebuild from a plain dict
        return (ParameterSet, (dict(self.params), self.changes))

    def value(self, path: str, at: Any = None) -> Any:
        """Return the value of ``path`` in force at month ``at`` (first value if None)."""
        key = (path, at)
        try:
            return self._values[key]
        except KeyError:
            pass
        except TypeError:  # an unhashable month: compute it, do not cache
            return self._get(path).value(at)
        out = self._values[key] = self._get(path).value(at)
        return out

    def monthly(self, path: str, months: Iterable[int]):
        """Return the value of ``path`` for each month index."""
        return self._get(path).monthly(months)

    def in_force(self, path: str, months: Iterable[int]) -> list[Any]:
        """Return the value of ``path`` in force in each month index, as stored."""
        return self._get(path).in_force(months)

    def _get(self, path: str) -> Parameter:
        try:
            return self.params[path]
        except KeyError:
            raise InputError("<parameters>", path, "a known parameter path") from None

    def at_month(self, month: Any) -> ParameterSet:
        """Return the set with every parameter reduced to its value in force at ``month``.

        What the model is built from: the March-2021 population and the burn-in read the
        March-2021 values of every parameter, whatever their later dates.
        """
        m = month_index(month)
        single = {path: p if len(p.values) == 1 else replace(p, values=((m, p.in_force([m])[0]),))
                  for path, p in self.params.items()}
        return ParameterSet(single, self.changes)

    def paths(self, prefix: str = "") -> list[str]:
        """Return the sorted paths starting with ``prefix``."""
        return sorted(p for p in self.params if p.startswith(prefix))

    def with_changes(self, changes: Mapping[str, Any], source: str = "<code>") -> ParameterSet:
        """Return a new set with ``changes`` applied (dotted path -> value or {date: value}).

        A plain value replaces every dated value; a mapping of dates merges into the dated
        values (PolicyEngine's ``parameter_changes``). The receiver is never modified.

        Raises:
            InputError: for an unknown path, a wrong type, an out-of-range value, or a mapping
                of dates for a parameter that is fixed over a run.
        """
        new = dict(self.params)
        applied = list(self.changes)
        for path, change in changes.items():
            if not isinstance(path, str) or path not in new:
                close = _closest(str(path), new)
                hint = f"a known parameter path{f' (did you mean {close}?)' if close else ''}"
                raise InputError(source, str(path), hint)
            p = new[path]
            if isinstance(change, Mapping) and p.fixed:
                raise InputError(source, path, _fixed_expected(path), change)
            if isinstance(change, Mapping):
                merged = dict(p.values)
                for date, val in change.items():
                    m = month_index(date, file=source, key=f"{path} (date)")
                    merged[m] = check_value(val, p.type, minimum=p.minimum, maximum=p.maximum,
                                            length=p.length, file=source, key=path)
                values = tuple(sorted(merged.items()))
            else:
                val = check_value(change, p.type, minimum=p.minimum, maximum=p.maximum,
                                  length=p.length, file=source, key=path)
                values = ((p.values[0][0], val),)
            new[path] = replace(p, values=values)
            applied.append((path, source))
        return ParameterSet(new, tuple(applied))

    def to_dict(self) -> dict[str, Any]:
        """Return ``{path: value}`` (or ``{path: {YYYY-MM: value}}`` when dated), JSON-ready."""
        out: dict[str, Any] = {}
        for path in sorted(self.params):
            p = self.params[path]
            conv = [(month_label(m), list(v) if isinstance(v, tuple) else v) for m, v in p.values]
            out[path] = conv[0][1] if len(conv) == 1 else dict(conv)
        return out

    def digest(self) -> str:
        """Return a SHA-256 hash of the resolved values (stable across runs and machines)."""
        blob = json.dumps(self.to_dict(), sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(blob.encode()).hexdigest()


def _closest(path: str, known: Iterable[str]) -> str | None:
    import difflib

    hits = difflib.get_close_matches(path, list(known), n=1, cutoff=0.75)
    return hits[0] if hits else None


def load_parameters(root: Path | str | None = None) -> ParameterSet:
    """Load every ``*.yaml`` under ``root`` (default: the package's baseline tree).

    Raises:
        InputError: naming the file and key of the first malformed parameter.
    """
    root = Path(root) if root is not None else PARAMETER_ROOT
    params: dict[str, Parameter] = {}
    files = sorted(root.rglob("*.yaml"))
    if not files:
        raise InputError(str(root), "<folder>", "a folder holding parameter YAML files")
    for f in files:
        rel = f.relative_to(root).with_suffix("")
        prefix = ".".join(rel.parts)
        data = read_yaml(f, prefix)
        if not isinstance(data, Mapping):
            raise InputError(str(f), "<file>", "a mapping of parameter names to parameters", data)
        for key, node in data.items():
            if key == "description":
                if not isinstance(node, str):
                    raise InputError(str(f), "description", "a string", node)
                continue
            if not isinstance(key, str) or not re.fullmatch(r"[a-z][a-z0-9_]*", key):
                raise InputError(str(f), str(key), "a snake_case parameter name")
            path = f"{prefix}.{key}"
            params[path] = parse_parameter(path, node, str(f))
    return ParameterSet(params)


_BASELINE: ParameterSet | None = None


def baseline_parameters() -> ParameterSet:
    """Return the package's baseline parameter set (loaded once, then shared; it is frozen)."""
    global _BASELINE
    if _BASELINE is None:
        _BASELINE = load_parameters()
    return _BASELINE
