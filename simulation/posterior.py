"""Posterior files: parameter draws with weights, checked before any run, and drawn per run.

The calibration (issue 16) writes its result as a CSV: one column per dotted parameter path, a
``weight`` column (non-negative, not all zero; normalised when read) and an optional ``draw``
column of distinct integer ids (``calibration/posterior.csv``; ``tests/cases/posteriors/``
holds small ones). Next to it may lie

- a sidecar ``<stem>.json`` (``posterior.json``) whose ``posterior_sha256`` is the SHA-256 of
  the CSV's text: a CSV edited (or swapped) after the calibration wrote it is refused;
- the priors, ``priors.yaml``: per parameter ``path``, ``distribution``, ``low``, ``high``. Every
  column must be a parameter of the priors and every value inside its bounds.

Both ``povsim run --posterior FILE`` and a sweep file's ``posterior: FILE`` read a posterior
with :func:`read_posterior`, and both draw it with :func:`posterior_row`: a run (a replication
of ``povsim run``, a scenario index of a sweep) with seed ``s`` draws one row with
probability proportional to its weight from ``SeedSequence(s, spawn_key=(0x706F,))``, so the
same seed draws the same row on any machine and whatever the number of workers.

Every mistake raises :class:`~simulation.errors.InputError` naming the file and the key.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from simulation import inputs
from simulation.errors import InputError

if TYPE_CHECKING:
    from simulation.parameter_set import ParameterSet
    from simulation.scenarios import Scenario

POSTERIOR_WEIGHT = "weight"
POSTERIOR_DRAW = "draw"
#: The sidecar key holding the CSV's SHA-256.
SIDECAR_DIGEST = "posterior_sha256"
#: The priors file looked for next to a posterior.
PRIORS_FILE = "priors.yaml"
#: The posterior ``povsim run`` and :func:`simulation.run` use by default, when it exists.
SHIPPED = Path(__file__).resolve().parents[1] / "calibration" / "posterior.csv"
_POSTERIOR_TAG = 0x706F  # spawn-key tag: posterior draws apart from the runs' own streams
_PRIOR_KEYS = ("path", "distribution", "low", "high")

#: ``describe(path, key, file=...) -> (type, unit, label, check)``: what a column is.
Describer = Callable[..., tuple[str, str, str, Callable[[Any, str], None]]]


@dataclass(frozen=True)
class Prior:
    """One parameter's prior: its bounds (any draw of the posterior lies inside them).

    Attributes:
        path: The dotted parameter path.
        distribution: The prior's family, as written (``uniform``, ``loguniform``, ...).
        low: Its lower bound.
        high: Its upper bound.
    """

    path: str
    distribution: str
    low: float
    high: float


@dataclass(frozen=True)
class Posterior:
    """A posterior file: parameter draws with weights.

    Attributes:
        name: A name for the draw's column (``<name>_draw`` in a sweep's ``runs.csv``).
        file: The file as given.
        paths: The dotted parameter paths, in the file's column order.
        draws: One row per draw: the values of ``paths``.
        weights: Normalised weights (sum 1).
        ids: The ``draw`` column, or the row numbers from 0.
        digest: SHA-256 of the file's text.
        sidecar: The sidecar file checked (its digest matched), or None.
        priors: The priors file checked against, or None.
        priors_digest: SHA-256 of the priors file's text, or None.
    """

    name: str
    file: str
    paths: tuple[str, ...]
    draws: np.ndarray
    weights: np.ndarray
    ids: tuple[int, ...]
    digest: str
    sidecar: str | None = None
    priors: str | None = None
    priors_digest: str | None = None

    @property
    def column(self) -> str:
        """The ``runs.csv`` column holding the drawn row's id."""
        return f"{self.name}_draw"

    @property
    def effective_sample_size(self) -> float:
        """Kish's effective sample size of the weights, ``1 / sum(w^2)``."""
        return float(1.0 / np.sum(self.weights ** 2))

    def changes(self, row: int) -> dict[str, float | int]:
        """The parameter changes of row ``row`` (``{path: value}``)."""
        return {p: float(v) for p, v in zip(self.paths, self.draws[row], strict=True)}

    def to_dict(self) -> dict:
        """What a manifest records of the posterior (not the draws themselves)."""
        return {"name": self.name, "file": self.file, "paths": list(self.paths),
                "rows": int(len(self.ids)), "column": self.column, "sha256": self.digest,
                "effective_sample_size": self.effective_sample_size,
                "sidecar": self.sidecar, "priors": self.priors,
                "priors_sha256": self.priors_digest}


def run_seed(seed: int, u: int) -> int:
    """The 63-bit seed of run index ``u`` (a replication, a sweep's scenario index).

    ``SeedSequence(seed, spawn_key=(u,))``'s first 64-bit word, shifted right by one.

    Examples:
        >>> run_seed(1, 0) == run_seed(1, 0) != run_seed(1, 1)
        True
    """
    state = np.random.SeedSequence(seed, spawn_key=(u,)).generate_state(1, np.uint64)
    return int(state[0] >> np.uint64(1))


def posterior_row(posterior: Posterior, run_seed_value: int) -> int:
    """The posterior row a run draws, with probability proportional to its weight.

    Drawn from ``SeedSequence(run seed, spawn_key=(0x706F,))``, so the same seed draws the
    same row on any machine. A row of weight 0 is never drawn.
    """
    rng = np.random.default_rng(np.random.SeedSequence(run_seed_value,
                                                       spawn_key=(_POSTERIOR_TAG,)))
    cdf = np.cumsum(posterior.weights)
    return int(min(np.searchsorted(cdf, rng.random() * cdf[-1], side="right"),
                   len(cdf) - 1))


def replication_rows(posterior: Posterior, seed: int, replications: int) -> list[int]:
    """The row each replication of a ``povsim run`` with root seed ``seed`` draws.

    Replication ``r`` draws :func:`posterior_row` of ``run_seed(seed, r)``: the same for every
    scenario of the run (common random numbers) and for any number of replications or workers.
    """
    return [posterior_row(posterior, run_seed(seed, r)) for r in range(replications)]


# --------------------------------------------------------------------------------------------
# Reading
# --------------------------------------------------------------------------------------------
def read_priors(path: Path, file: str) -> dict[str, Prior]:
    """Read a priors file: a list of ``{path, distribution, low, high}`` entries.

    The list may be the whole file, or under ``parameters:`` (a list, or a mapping of names to
    entries whose ``path`` defaults to the name). Extra keys (``source``, ``reason``, ...) are
    allowed.
    """
    data = inputs.read_yaml(path, file=file)
    entries = data.get("parameters", data) if isinstance(data, Mapping) else data
    if isinstance(entries, Mapping):
        entries = [{"path": k, **v} if isinstance(v, Mapping) and "path" not in v else v
                   for k, v in entries.items()]
    if not isinstance(entries, list) or not entries:
        raise InputError(file, "parameters", "a list of priors, each with path, distribution, "
                         "low and high", entries)
    priors: dict[str, Prior] = {}
    for i, e in enumerate(entries):
        key = f"parameters[{i}]"
        if not isinstance(e, Mapping) or any(k not in e for k in _PRIOR_KEYS):
            raise InputError(file, key, "a prior with " + ", ".join(_PRIOR_KEYS), e)
        lo, hi = e["low"], e["high"]
        for k, v in (("low", lo), ("high", hi)):
            if isinstance(v, bool) or not isinstance(v, int | float) or not math.isfinite(v):
                raise InputError(file, f"{key}.{k}", "a finite number", v)
        if not lo <= hi:
            raise InputError(file, key, "low at most high", [lo, hi])
        p = str(e["path"])
        if p in priors:
            raise InputError(file, f"{key}.path", "each parameter once", p)
        priors[p] = Prior(path=p, distribution=str(e["distribution"]), low=float(lo),
                          high=float(hi))
    return priors


def _check_sidecar(path: Path, text: str, shown: str) -> str | None:
    sidecar = path.with_suffix(".json")
    if not sidecar.exists():
        return None
    side_shown = str(sidecar)
    try:
        data = json.loads(inputs.read_text(sidecar, file=side_shown))
    except json.JSONDecodeError as exc:
        raise InputError(side_shown, "<file>", "a JSON file", exc.msg) from None
    want = data.get(SIDECAR_DIGEST) if isinstance(data, dict) else None
    if not isinstance(want, str):
        raise InputError(side_shown, SIDECAR_DIGEST, "the SHA-256 of the posterior file as "
                         "text", want)
    have = hashlib.sha256(text.encode("utf-8")).hexdigest()
    if want.lower() != have:
        raise InputError(shown, SIDECAR_DIGEST, f"the SHA-256 its sidecar {side_shown} records, "
                         f"{want[:16]}... (the CSV was changed after the calibration wrote it)",
                         f"{have[:16]}...")
    return side_shown


def read_posterior(path: Path | str, name: str, file: str, key: str, describe: Describer,
                   priors: Path | str | None | bool = True) -> Posterior:
    """Read and check a posterior CSV (see the module docstring).

    Every value must be one its parameter can take (``describe``'s check, at each column's
    minimum and maximum, which bound it) and, with priors, lie inside its prior's bounds;
    weights are finite, non-negative and not all zero; draw ids are distinct integers; a
    sidecar's digest must match.

    Args:
        path: The CSV file.
        name: The posterior's name (its draw column is ``<name>_draw``).
        file: The file that named it (for the error when it cannot be read), or
            ``<command line>``.
        key: The key or option that named it.
        describe: ``describe(path, key, file=...) -> (type, unit, label, check)``
            (:func:`parameter_describer`).
        priors: The priors file; True (the default) looks for ``priors.yaml`` next to the
            posterior, None or False checks none.
    """
    path = Path(path)
    shown = str(path)
    try:
        text = inputs.read_text(path, file=shown)
    except InputError as exc:
        raise InputError(file, key, f"a readable posterior file ({exc.expected})",
                         shown) from None
    rows = [r for r in csv.reader(io.StringIO(text)) if r]
    if len(rows) < 2:
        raise InputError(shown, "<file>", "a header row and at least one draw")
    header = [h.strip() for h in rows[0]]
    if POSTERIOR_WEIGHT not in header:
        raise InputError(shown, "<header>", f"a {POSTERIOR_WEIGHT} column", header)
    if len(set(header)) != len(header):
        raise InputError(shown, "<header>", "each column once", header)
    paths = [h for h in header if h not in (POSTERIOR_WEIGHT, POSTERIOR_DRAW)]
    if not paths:
        raise InputError(shown, "<header>", "at least one dotted parameter path", header)
    checks = {}
    for p in paths:
        ptype, _, _, check = describe(p, f"<header>.{p}", file=shown)
        checks[p] = (ptype, check)
    table = np.empty((len(rows) - 1, len(header)))
    for i, row in enumerate(rows[1:], start=2):
        if len(row) != len(header):
            raise InputError(shown, f"line {i}", f"{len(header)} values", len(row))
        for j, cell in enumerate(row):
            try:
                v = float(cell)
            except ValueError:
                raise InputError(shown, f"line {i}.{header[j]}", "a number", cell) from None
            if not math.isfinite(v):
                raise InputError(shown, f"line {i}.{header[j]}", "a finite number", cell)
            table[i - 2, j] = v
    col = {h: table[:, j] for j, h in enumerate(header)}
    weights = col[POSTERIOR_WEIGHT]
    if (weights < 0).any() or weights.sum() <= 0:
        raise InputError(shown, POSTERIOR_WEIGHT, "non-negative weights, not all zero",
                         float(weights.min()))
    if POSTERIOR_DRAW in col:
        ids = col[POSTERIOR_DRAW]
        for i, x in enumerate(ids):
            if not float(x).is_integer():
                raise InputError(shown, f"line {i + 2}.{POSTERIOR_DRAW}", "an integer draw id",
                                 float(x))
        first: dict[float, int] = {}
        for i, x in enumerate(ids):
            if x in first:
                raise InputError(shown, f"line {i + 2}.{POSTERIOR_DRAW}", "distinct draw ids "
                                 f"(given again, first on line {first[x] + 2})", int(x))
            first[x] = i
        ids_t = tuple(int(x) for x in ids)
    else:
        ids_t = tuple(range(len(weights)))
    for p in paths:
        ptype, check = checks[p]
        if ptype == "int" and any(not float(x).is_integer() for x in col[p]):
            raise InputError(shown, p, "integers (the parameter is an integer)")
        for v in (col[p].min(), col[p].max()):
            check(int(v) if ptype == "int" else float(v), p)
    priors_file, priors_digest = _check_priors(path, priors, paths, col)
    sidecar = _check_sidecar(path, text, shown)
    return Posterior(name=name, file=shown, paths=tuple(paths),
                     draws=np.column_stack([col[p] for p in paths]),
                     weights=weights / weights.sum(), ids=ids_t,
                     digest=hashlib.sha256(text.encode("utf-8")).hexdigest(),
                     sidecar=sidecar, priors=priors_file, priors_digest=priors_digest)


def _check_priors(path: Path, priors: Path | str | None | bool, paths: Sequence[str],
                  col: Mapping[str, np.ndarray]) -> tuple[str | None, str | None]:
    if priors is True:
        priors = path.parent / PRIORS_FILE
        if not priors.exists():
            return None, None
    if priors is None or priors is False:
        return None, None
    priors = Path(priors)
    p_shown = str(priors)
    table = read_priors(priors, p_shown)
    shown = str(path)
    for p in paths:
        if p not in table:
            raise InputError(shown, f"<header>.{p}", f"a parameter of the priors ({p_shown}: "
                             f"{', '.join(sorted(table))})", p)
        prior = table[p]
        outside = np.flatnonzero((col[p] < prior.low) | (col[p] > prior.high))
        if len(outside):
            i = int(outside[0])
            raise InputError(shown, f"line {i + 2}.{p}", f"a value inside the prior's bounds "
                             f"[{prior.low:g}, {prior.high:g}] ({p_shown})", float(col[p][i]))
    digest = hashlib.sha256(inputs.read_text(priors, file=p_shown).encode("utf-8")).hexdigest()
    return p_shown, digest


# --------------------------------------------------------------------------------------------
# Checking a posterior against the scenarios it is applied to
# --------------------------------------------------------------------------------------------
def parameter_describer(bases: Sequence[Scenario], end: str, file: str) -> Describer:
    """``describe(path, key)`` for posterior columns and sweep uncertainties.

    A path must be a scalar numeric parameter; its ``check(value, key)`` raises unless every
    scenario of ``bases`` with the value is one its run to ``end`` accepts.
    """
    from simulation.parameter_set import _closest

    numeric = ("float", "int", "rate", "money")

    def describe(path: str, key: str, file: str = file):
        params = bases[0].params
        if path.startswith("policy:"):
            raise InputError(file, key, "an uncertainty as a dotted parameter path (a policy "
                             "argument is a lever: put it under levers:)", path)
        if path not in params:
            near = _closest(path, params.paths())
            raise InputError(file, key, "a known parameter path"
                             + (f" (did you mean {near}?)" if near else ""), path)
        p = params[path]
        if p.type not in numeric or p.length is not None:
            raise InputError(file, key, f"a scalar numeric parameter ({path} is "
                             f"{p.type}{'' if p.length is None else ' list'})", path)

        def check(value: Any, vkey: str) -> None:
            for sc in bases:
                try:
                    sc.with_changes({path: value}, name=sc.name).check_run(end)
                except InputError as exc:
                    raise InputError(file, vkey, f"a value {path} can take ({exc.expected})",
                                     value) from None

        return p.type, p.unit, p.label or path, check

    return describe


def load_for_run(posterior: Path | str | Posterior | None, scenarios: Sequence[Scenario],
                 end: str, *, file: str, key: str) -> Posterior | None:
    """The posterior a run uses: read and checked against its scenarios, or None.

    Args:
        posterior: A file, an already read :class:`Posterior` (checked again against the
            scenarios), ``"default"`` (:data:`SHIPPED` if it exists, else None), ``"none"`` or
            None (the point parameters).
        scenarios: The run's scenarios.
        end: The run's last month.
        file: What named it, for errors (``<command line>``, ``run``).
        key: The option or argument (``--posterior``, ``posterior``).
    """
    if posterior is None or (isinstance(posterior, str) and posterior == "none"):
        return None
    if isinstance(posterior, str) and posterior == "default":
        if not SHIPPED.exists():
            return None
        posterior = SHIPPED
    describe = parameter_describer(scenarios, end, file)
    if isinstance(posterior, Posterior):
        for p in posterior.paths:
            _, _, _, check = describe(p, f"{key}.{p}")
            for v in (posterior.draws[:, posterior.paths.index(p)].min(),
                      posterior.draws[:, posterior.paths.index(p)].max()):
                check(float(v), f"{key}.{p}")
        return posterior
    if not isinstance(posterior, str | Path):
        raise InputError(file, key, "a posterior CSV file, 'default' or 'none'", posterior)
    return read_posterior(posterior, "posterior", file, key, describe)


def with_draw(scenario: Scenario, posterior: Posterior, row: int) -> ParameterSet:
    """The scenario's parameters with posterior row ``row``'s values.

    The posterior replaces the baseline's values; the scenario's own changes stay on top: a
    path the scenario sets to a plain value keeps the scenario's value, a dated change adds
    its dates to the drawn value.
    """
    changes = posterior.changes(row)
    if not set(changes) & set(scenario.changes):
        return scenario.params.with_changes(changes, source=posterior.file)
    from simulation.parameter_set import baseline_parameters

    return (baseline_parameters().with_changes(changes, source=posterior.file)
            .with_changes(dict(scenario.changes), source=scenario.file))


__all__ = ["POSTERIOR_DRAW", "POSTERIOR_WEIGHT", "PRIORS_FILE", "SHIPPED", "SIDECAR_DIGEST",
           "Posterior", "Prior", "load_for_run", "parameter_describer", "posterior_row",
           "read_posterior", "read_priors", "replication_rows", "run_seed", "with_draw"]
