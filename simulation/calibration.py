"""Calibration of the baseline by ABC-SMC (pyabc): priors, targets, simulator, posterior (issue 16).

``povsim calibrate`` fits the free parameters of ``calibration/priors.yaml`` to the published
figures of ``calibration/calibration_targets.yaml`` by approximate Bayesian computation with
sequential Monte Carlo (pyabc's ``ABCSMC``; Beaumont et al. 2009, Klinger et al. 2018):

- a particle is a parameter vector; its summary statistics are the targets' indicators at
  their months, averaged over a few replications that use the same seeds for every particle
  (common random numbers: two particles differ by their parameters, not by their luck);
- the distance is the root mean square of (model - published) / observation error over the
  fit's targets (:class:`ScaledDistance`), so a target counts by how precisely it is measured;
- each generation's threshold is the median distance of the last one (``QuantileEpsilon``,
  alpha 0.5), the first generation is the prior (threshold infinity);
- the sampler (:class:`OrderedMappingSampler`) gives task ``i`` of generation ``t`` the numpy
  seed ``SeedSequence([seed, t + 1]).generate_state(n)[i]`` and keeps the tasks' order (an
  order-preserving ``map``), so the same seed gives the same posterior bit for bit with 1 or
  2 worker processes; pyabc's own samplers depend on completion order or reseed from entropy;
- every generation starts from the SQLite history (``ABCSMC.load``), so an interrupted run
  resumed with ``--resume`` goes through exactly the steps of an uninterrupted one.

pyabc is imported only inside the functions that need it (its import takes seconds).
"""

from __future__ import annotations

import csv
import functools
import hashlib
import io
import json
import math
import os
import random
import subprocess
import sys
import time
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from simulation import inputs
from simulation.errors import InputError
from simulation.measures import INDICATOR_NAMES

ROOT = Path(__file__).resolve().parents[1]
PRIORS_FILE = ROOT / "calibration" / "priors.yaml"
TARGETS_FILE = ROOT / "calibration" / "calibration_targets.yaml"
BASELINE_FILE = ROOT / "scenarios" / "baseline.yaml"
CMD = "<command line>"
FITS = ("full", "validation")
DISTRIBUTIONS = ("uniform",)
#: Indicators the calibration computes from the model's state (not in INDICATOR_NAMES). The
#: ``*_before_remap`` ones are the model's own March-2021 cross-section before the burn-in's
#: final remap pins it (``PovertyModel.start_before_remap``), read at month 2021-03 only.
EXTRA_INDICATORS = ("poverty_rate_urban", "poverty_rate_rural", "bpjs_tk_members",
                    "extreme_poverty_rate_before_remap", "poverty_rate_before_remap",
                    "extreme_poverty_gap_before_remap", "poverty_gap_before_remap")
#: The ``*_before_remap`` indicators and their keys in ``start_before_remap``.
BEFORE_REMAP_INDICATORS = {"extreme_poverty_rate_before_remap": "extreme_p0",
                           "poverty_rate_before_remap": "national_p0",
                           "extreme_poverty_gap_before_remap": "extreme_p1",
                           "poverty_gap_before_remap": "national_p1"}
#: Files a calibration folder holds (``--out``); anything else there is refused.
FOLDER_FILES = ("calibration.json", "history.db", "history.db-journal", "posterior.csv",
                "posterior.json", "fit.csv", "calibration_fit.png")
FORMAT = "povsim-calibration/1"


# --------------------------------------------------------------------------------------------
# Settings
# --------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Settings:
    """How large an ABC-SMC run is.

    Attributes:
        households: Sample households per model run.
        replications: Model runs per particle (seeds shared by every particle).
        particles: Accepted particles per generation (the posterior's draws).
        generations: Generations, the prior's included.
        alpha: Quantile of the last generation's distances that is the next threshold.
        seed: Root seed: replication r runs with ``SeedSequence(seed, spawn_key=(r,))``, the
            sampler's tasks with seeds from ``SeedSequence([seed, t + 1])``.
    """

    households: int
    replications: int
    particles: int
    generations: int
    alpha: float = 0.5
    seed: int = 16


QUICK = Settings(households=2_000, replications=1, particles=24, generations=3)
FULL = Settings(households=10_000, replications=1, particles=200, generations=3)


# --------------------------------------------------------------------------------------------
# Priors and targets
# --------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Prior:
    """One free parameter: a dotted path and its uniform prior on [low, high]."""

    path: str
    distribution: str
    low: float
    high: float
    baseline: float | None
    reasoning: str


@dataclass(frozen=True)
class Target:
    """One published figure the model is compared with."""

    name: str
    indicator: str
    month: str
    rows: tuple[int, ...]
    published: float
    unit: str
    model_scale: float
    error: float
    error_basis: str
    fits: tuple[str, ...]

    @property
    def key(self) -> str:
        """Summary-statistic name: ``<name>_<YYYY>_<MM>``."""
        return f"{self.name}_{self.month.replace('-', '_')}"


def _mapping(value: Any, file: str, key: str) -> dict:
    if not isinstance(value, dict):
        raise InputError(file, key, "a mapping", value)
    return value


def _number(value: Any, file: str, key: str, positive: bool = False) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise InputError(file, key, "a finite number", value)
    if positive and value <= 0:
        raise InputError(file, key, "a number above 0", value)
    return float(value)


def _text(value: Any, file: str, key: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise InputError(file, key, "a non-empty text", value)
    return value


def _unknown(entry: dict, allowed: Iterable[str], file: str, key: str) -> None:
    extra = sorted(set(entry) - set(allowed))
    if extra:
        raise InputError(file, f"{key}.{extra[0]}", f"one of the keys {', '.join(allowed)}",
                         extra[0])


def load_priors(path: Path | str = PRIORS_FILE, params: Any = None) -> list[Prior]:
    """Read and check a priors file (``parameters:``, a list of path/distribution/low/high).

    Every path must be a parameter of the baseline, each bound a value it can take, low below
    high, and each path given once.

    Raises:
        InputError: naming the file and the key at fault.
    """
    file = str(path)
    doc = _mapping(inputs.read_yaml(path, file), file, "<file>")
    _unknown(doc, ("description", "method", "parameters", "excluded"), file, "<file>")
    entries = doc.get("parameters")
    if not isinstance(entries, list) or not entries:
        raise InputError(file, "parameters", "a list of at least one free parameter",
                         entries if "parameters" in doc else "no such key")
    if params is None:
        from simulation.scenarios import load_scenario

        params = load_scenario(BASELINE_FILE).params
    out: list[Prior] = []
    seen: dict[str, int] = {}
    for i, entry in enumerate(entries):
        key = f"parameters[{i}]"
        entry = _mapping(entry, file, key)
        _unknown(entry, ("path", "distribution", "low", "high", "baseline", "reasoning"), file,
                 key)
        for k in ("path", "distribution", "low", "high", "reasoning"):
            if k not in entry:
                raise InputError(file, f"{key}.{k}", "every key of a prior (path, distribution, "
                                 "low, high, reasoning)", "no such key")
        p = _text(entry["path"], file, f"{key}.path")
        if p in seen:
            raise InputError(file, f"{key}.path", f"each path once (also parameters[{seen[p]}])",
                             p)
        seen[p] = i
        if entry["distribution"] not in DISTRIBUTIONS:
            raise InputError(file, f"{key}.distribution", f"one of {', '.join(DISTRIBUTIONS)}",
                             entry["distribution"])
        low = _number(entry["low"], file, f"{key}.low")
        high = _number(entry["high"], file, f"{key}.high")
        if not low < high:
            raise InputError(file, f"{key}.high", f"a number above low ({low:g})", high)
        base = entry.get("baseline")
        if base is not None:
            base = _number(base, file, f"{key}.baseline")
        if p not in params.params:
            try:
                params.with_changes({p: low}, source=file)  # a did-you-mean hint
            except InputError as exc:
                raise InputError(file, f"{key}.path", exc.expected, p) from None
        for bound, k in ((low, "low"), (high, "high")):
            try:
                params.with_changes({p: bound}, source=file)
            except InputError as exc:
                raise InputError(file, f"{key}.{k}", f"a value {p} can take ({exc.expected})",
                                 bound) from None
        out.append(Prior(p, entry["distribution"], low, high, base,
                         _text(entry["reasoning"], file, f"{key}.reasoning")))
    return out


TARGET_KEYS = ("name", "indicator", "month", "rows", "published", "unit", "model_scale",
               "error", "error_basis", "fits")


def load_targets(path: Path | str = TARGETS_FILE) -> list[Target]:
    """Read and check a calibration targets file.

    Raises:
        InputError: naming the file and the key at fault.
    """
    file = str(path)
    doc = _mapping(inputs.read_yaml(path, file), file, "<file>")
    _unknown(doc, ("description", "information_set_end", "validation_end", "errors", "dropped",
                   "targets"), file, "<file>")
    end = _month(doc.get("information_set_end"), file, "information_set_end")
    errors = _mapping(doc.get("errors", {}), file, "errors")
    entries = doc.get("targets")
    if not isinstance(entries, list) or not entries:
        raise InputError(file, "targets", "a list of at least one target",
                         entries if "targets" in doc else "no such key")
    known = set(INDICATOR_NAMES) | set(EXTRA_INDICATORS)
    out: list[Target] = []
    seen: dict[str, int] = {}
    for i, entry in enumerate(entries):
        key = f"targets[{i}]"
        entry = _mapping(entry, file, key)
        _unknown(entry, TARGET_KEYS, file, key)
        for k in TARGET_KEYS:
            if k not in entry:
                raise InputError(file, f"{key}.{k}", f"a {k}", "no such key")
        name = _text(entry["name"], file, f"{key}.name")
        indicator = entry["indicator"]
        if indicator not in known:
            raise InputError(file, f"{key}.indicator", "a model indicator "
                             "(simulation.measures.INDICATOR_NAMES or "
                             f"{', '.join(EXTRA_INDICATORS)})", indicator)
        month = _month(entry["month"], file, f"{key}.month")
        if month > end:
            raise InputError(file, f"{key}.month", f"a month up to information_set_end ({end})",
                             month)
        if indicator in BEFORE_REMAP_INDICATORS and month != "2021-03":
            raise InputError(file, f"{key}.month", f"2021-03 (the start) for {indicator}", month)
        rows = entry["rows"]
        if (not isinstance(rows, list) or not rows
                or not all(isinstance(r, int) and not isinstance(r, bool) and r >= 2
                           for r in rows)):
            raise InputError(file, f"{key}.rows", "a list of shared-file line numbers (>= 2)",
                             rows)
        fits = entry["fits"]
        if not isinstance(fits, list) or not set(fits) <= set(FITS) or len(set(fits)) != len(
                fits):
            raise InputError(file, f"{key}.fits", f"a list of distinct fits ({', '.join(FITS)})",
                             fits)
        basis = entry["error_basis"]
        if basis not in errors:
            raise InputError(file, f"{key}.error_basis", "a key of errors:", basis)
        t = Target(name=name, indicator=indicator, month=month, rows=tuple(rows),
                   published=_number(entry["published"], file, f"{key}.published"),
                   unit=_text(entry["unit"], file, f"{key}.unit"),
                   model_scale=_number(entry["model_scale"], file, f"{key}.model_scale", True),
                   error=_number(entry["error"], file, f"{key}.error", True),
                   error_basis=basis, fits=tuple(fits))
        if t.key in seen:
            raise InputError(file, f"{key}.month", f"each name and month once (also "
                             f"targets[{seen[t.key]}])", month)
        seen[t.key] = i
        out.append(t)
    return out


def _month(value: Any, file: str, key: str) -> str:
    text = str(value) if value is not None else ""
    if not (len(text) == 7 and text[4] == "-" and text[:4].isdigit() and text[5:].isdigit()
            and 1 <= int(text[5:]) <= 12):
        raise InputError(file, key, "a month YYYY-MM", value if value is not None else
                         "no such key")
    return text


def fit_targets(targets: list[Target], fit: str) -> list[Target]:
    """The targets of ``fit`` (those in its distance)."""
    return [t for t in targets if fit in t.fits]


def run_end(targets: list[Target], fit: str) -> str:
    """Last month a fit's runs simulate: its targets' and, for validation, the forecasts'."""
    used = [t for t in targets if t.fits]
    if fit == "validation":
        last_in = max(t.month for t in fit_targets(targets, fit))
        # The forecasts: every full-fit target within a year after the validation's last month.
        horizon = f"{int(last_in[:4]) + 1}{last_in[4:]}"
        return max(t.month for t in used if t.month <= horizon)
    return max(t.month for t in used)


def reported_targets(targets: list[Target], fit: str) -> list[Target]:
    """Targets a fit's summary statistics include (its own, and for validation the forecasts)."""
    end = run_end(targets, fit)
    return [t for t in targets if t.fits and t.month <= end]


# --------------------------------------------------------------------------------------------
# The simulator: one particle = the targets' indicators averaged over replications
# --------------------------------------------------------------------------------------------
_BASE: dict[str, Any] = {}


def _baseline():
    if "scenario" not in _BASE:
        from simulation.scenarios import load_scenario

        _BASE["scenario"] = load_scenario(BASELINE_FILE)
    return _BASE["scenario"]


def run_replication(params: Any, policies: Any, households: int, seed: Any, end: str,
                    months: set[str]) -> tuple[dict[str, np.ndarray], list[str], dict]:
    """Run one replication; return its indicators, dates and the extra indicators by month."""
    from simulation.model import PovertyModel
    from simulation.results import RunResult

    model = PovertyModel(params, n_households=households, seed=seed, end=end, policies=policies)
    extra: dict[tuple[str, str], float] = {}
    before = model.start_before_remap or {}
    for name, key in BEFORE_REMAP_INDICATORS.items():
        extra[(name, model.paths.label(0))] = float(before.get(key, float("nan")))
    while model.t < model.paths.n_steps:
        model.step()
        label = model.paths.label(model.t)
        if label in months:
            hh = model.households
            c_pc = hh.measured / hh.size
            poor = c_pc < model.paths.national_line[model.t]
            w = hh.weight * hh.size
            for name, mask in (("poverty_rate_urban", hh.is_urban),
                               ("poverty_rate_rural", ~hh.is_urban)):
                extra[(name, label)] = float(w[mask & poor].sum() / w[mask].sum())
    for policy in model.policies:
        policy.finalize(model)
    res = RunResult.of(model)
    for rec in res.policies:
        if rec.lever == "social_insurance" and "members" in rec.results:
            for m in months:
                if m in res.dates:
                    extra[("bpjs_tk_members", m)] = float(
                        rec.results["members"][res.dates.index(m)])
    return res.indicators, res.dates, extra


@dataclass(frozen=True)
class Simulator:
    """The pyabc model: parameters ``p0..pk`` -> the targets' values (published units).

    Picklable (it crosses to spawned workers); the baseline scenario is loaded once per process.
    """

    paths: tuple[str, ...]
    targets: tuple[Target, ...]
    settings: Settings
    end: str

    def __call__(self, pars: dict) -> dict[str, float]:
        """Simulate one particle."""
        changes = {p: float(pars[f"p{i}"]) for i, p in enumerate(self.paths)}
        return self.simulate(changes)

    def simulate(self, changes: dict[str, float]) -> dict[str, float]:
        """The targets' values at parameter ``changes``, the mean over replications."""
        base = _baseline()
        params = base.params.with_changes(changes, source="<calibration>")
        months = {t.month for t in self.targets}
        sums = {t.key: 0.0 for t in self.targets}
        for r in range(self.settings.replications):
            seed = np.random.SeedSequence(self.settings.seed, spawn_key=(r,))
            ind, dates, extra = run_replication(params, base.policy_specs(),
                                                self.settings.households, seed, self.end, months)
            for t in self.targets:
                if t.indicator in EXTRA_INDICATORS:
                    v = extra.get((t.indicator, t.month), float("nan"))
                else:
                    v = float(ind[t.indicator][dates.index(t.month)])
                sums[t.key] += v * t.model_scale
        return {k: v / self.settings.replications for k, v in sums.items()}


@dataclass(frozen=True)
class ScaledDistance:
    """Root mean square of (model - published) / error over the fit's targets.

    A NaN (an indicator the run could not compute) is an infinite distance.
    """

    keys: tuple[str, ...]
    errors: tuple[float, ...]

    def __call__(self, x: dict, x0: dict) -> float:
        """Distance of simulated ``x`` from observed ``x0``."""
        z = [(x[k] - x0[k]) / e for k, e in zip(self.keys, self.errors, strict=True)]
        d = math.sqrt(sum(v * v for v in z) / len(z))
        return d if math.isfinite(d) else float("inf")


# --------------------------------------------------------------------------------------------
# The sampler: pyabc's MappingSampler with seeded, ordered tasks
# --------------------------------------------------------------------------------------------
def _seeded_task(sample_factory: Any, pickled: bytes, seed: int) -> tuple[Any, int]:
    """One task: seed numpy and random, simulate until one particle is accepted."""
    import pickle

    simulate_one = pickle.loads(pickled)
    np.random.seed(seed)
    random.seed(seed)
    n = 0
    sample = sample_factory()
    while True:
        sim = simulate_one()
        n += 1
        sample.append(sim)
        if sim.accepted:
            return sample, n


def ordered_sampler(map_: Callable, seed: int, progress: Callable[[int, int, int], None] | None):
    """An order-preserving, seeded pyabc ``MappingSampler`` (see the module docstring).

    ``progress(t, done, n)`` is called as each task's result arrives (in order).
    """
    from pyabc.sampler import MappingSampler

    class OrderedMappingSampler(MappingSampler):
        """Task ``i`` of generation ``t`` seeds numpy with a seed fixed by (seed, t, i)."""

        def sample_until_n_accepted(self, n, simulate_one, t, *, max_eval=np.inf,
                                    all_accepted=False, ana_vars=None):
            seeds = np.random.SeedSequence([seed, t + 1]).generate_state(n)
            import pickle

            task = functools.partial(_seeded_task, self.sample_factory,
                                     pickle.dumps(simulate_one))
            results = []
            for i, res in enumerate(self.map_(task, [int(s) for s in seeds])):
                results.append(res)
                if progress is not None:
                    progress(t, i + 1, n)
            self.nr_evaluations_ = sum(r[1] for r in results)
            sample = self._create_empty_sample()
            for res, _ in results:
                sample += res
            return sample

    return OrderedMappingSampler(map_=map_)


# --------------------------------------------------------------------------------------------
# The run
# --------------------------------------------------------------------------------------------
@dataclass
class Calibration:
    """A finished (or stopped) calibration.

    Attributes:
        folder: Its output folder.
        generations: One dict per finished generation (t, epsilon, particles, evaluations,
            acceptance_rate, seconds).
        posterior: The last generation's particles: one column per parameter path, ``weight``.
        fit: The fit table (:data:`simulation.report.folders.FIT_COLUMNS`).
    """

    folder: Path
    generations: list[dict]
    posterior: Any
    fit: Any
    info: dict = field(default_factory=dict)


def _git_commit() -> str:
    try:
        out = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "HEAD"], capture_output=True,
                             text=True, timeout=10, check=False)
        return out.stdout.strip() or "unknown"
    except (OSError, subprocess.SubprocessError):
        return "unknown"


def sha256(path: Path) -> str:
    """Hex sha256 digest of a file."""
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def check_folder(out: Path, resume: bool, fingerprint: dict) -> None:
    """Check ``--out`` before anything runs: new or empty, or with ``--resume`` this run's."""
    if not resume:
        inputs.check_out_dir(out, key="--out")
        return
    shown = str(out)
    info_path = out / "calibration.json"
    if not out.is_dir() or not info_path.is_file() or not (out / "history.db").is_file():
        raise InputError(CMD, "--out", "with --resume, the folder of a calibration "
                         "(calibration.json, history.db)", shown)
    try:
        info = json.loads(info_path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        raise InputError(str(info_path), "<file>", "the calibration.json of a calibration",
                         "unreadable") from None
    if not isinstance(info, dict) or info.get("format") != FORMAT:
        raise InputError(str(info_path), "format", f"{FORMAT!r}", info.get("format")
                         if isinstance(info, dict) else type(info).__name__)
    foreign = sorted(set(os.listdir(out)) - set(FOLDER_FILES))
    if foreign:
        raise InputError(CMD, "--out", f"a calibration folder holding only its own files (it "
                         f"holds {foreign[0]!r})", shown)
    had = dict(info.get("fingerprint") or {})
    if isinstance(had.get("settings"), dict):
        had["settings"] = {k: v for k, v in had["settings"].items() if k != "generations"}
    for k, v in fingerprint.items():
        if had.get(k) != v:
            raise InputError(CMD, "--resume", f"the same calibration as the one in --out "
                             f"({k} differs)", shown)


def fingerprint(settings: Settings, fit: str, priors_path: Path, targets_path: Path) -> dict:
    """What must be equal for ``--resume`` to go on with a folder."""
    kept = {k: v for k, v in asdict(settings).items() if k != "generations"}  # may grow
    return {"settings": kept, "fit": fit,
            "priors_sha256": sha256(priors_path), "targets_sha256": sha256(targets_path)}


def calibrate(out: Path | str, settings: Settings = QUICK, fit: str = "full",
              priors_path: Path | str = PRIORS_FILE, targets_path: Path | str = TARGETS_FILE,
              workers: int = 1, resume: bool = False, command_line: str = "",
              log: Callable[[str], None] | None = None, progress: bool = False,
              stop_after: int | None = None) -> Calibration:
    """Run (or resume) an ABC-SMC calibration into ``out``; return its result.

    ``stop_after`` stops after that many generations of this call (a test of ``--resume``).
    Inputs are checked first (:func:`load_priors`, :func:`load_targets`, :func:`check_folder`).
    """
    priors_path, targets_path, out = Path(priors_path), Path(targets_path), Path(out)
    priors = load_priors(priors_path)
    targets = load_targets(targets_path)
    if not fit_targets(targets, fit):
        raise InputError(str(targets_path), "targets", f"at least one target of the {fit} fit")
    fp = fingerprint(settings, fit, priors_path, targets_path)
    check_folder(out, resume, fp)
    log = log or (lambda s: None)

    import logging

    import pyabc  # slow import: only here
    from pyabc.weighted_statistics import weighted_quantile as weighted_quantile_pyabc

    for name in ("ABC", "ABC.History", "ABC.Sampler", "ABC.Distance", "ABC.Epsilon"):
        logging.getLogger(name).setLevel(logging.WARNING)

    shown = reported_targets(targets, fit)
    used = fit_targets(targets, fit)
    end = run_end(targets, fit)
    sim = Simulator(tuple(p.path for p in priors), tuple(shown), settings, end)
    dist = ScaledDistance(tuple(t.key for t in used), tuple(t.error for t in used))
    x0 = {t.key: t.published for t in shown}
    prior = pyabc.Distribution(**{f"p{i}": pyabc.RV("uniform", p.low, p.high - p.low)
                                  for i, p in enumerate(priors)})
    out.mkdir(parents=True, exist_ok=True)
    db = f"sqlite:///{(out / 'history.db').resolve()}"
    info_path = out / "calibration.json"
    started = time.strftime("%Y-%m-%dT%H:%M:%S%z")
    info = json.loads(info_path.read_text()) if resume else {
        "format": FORMAT, "method": "ABC-SMC (pyabc "
        f"{pyabc.__version__}), uniform priors, MultivariateNormalTransition, QuantileEpsilon "
        f"alpha {settings.alpha}, distance: RMS of (model - published) / observation error",
        "fit": fit, "fingerprint": fp, "started": started, "command_line": command_line,
        "git_commit": _git_commit(), "run_end": end, "generations": []}
    info["generations_planned"] = settings.generations
    _write_json(info_path, info)

    def show(t: int, done: int, n: int) -> None:
        if progress:
            print(f"\rgeneration {t}: {done}/{n} particles", end="", file=sys.stderr,
                  flush=True)

    pool = None
    if workers > 1:
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        pool = ProcessPoolExecutor(max_workers=workers,
                                   mp_context=multiprocessing.get_context("spawn"))
        map_ = functools.partial(pool.map, chunksize=1)
    else:
        map_ = map
    done_now = 0
    try:
        while True:
            # Each generation starts from the history (a resumed run takes the same steps):
            # its threshold is the alpha-quantile of the last generation's weighted distances,
            # the first generation's is infinite (a sample of the prior).
            eps = np.inf
            if _has_run(out):
                last = pyabc.History(db)
                last.id = 1
                if last.max_t >= 0:
                    wd = last.get_weighted_distances(t=last.max_t)
                    w = wd["w"].to_numpy(dtype=float)
                    eps = float(weighted_quantile_pyabc(points=wd["distance"].to_numpy(),
                                                        weights=w / w.sum(),
                                                        alpha=settings.alpha))
            abc = pyabc.ABCSMC(
                models=sim, parameter_priors=prior, distance_function=dist,
                population_size=settings.particles,
                sampler=ordered_sampler(map_, settings.seed, show),
                eps=pyabc.epsilon.QuantileEpsilon(initial_epsilon=eps, alpha=settings.alpha))
            history = abc.load(db, 1) if _has_run(out) else abc.new(db, x0)
            if history.max_t + 1 >= settings.generations or (
                    stop_after is not None and done_now >= stop_after):
                break
            t0 = time.perf_counter()
            abc.run(max_nr_populations=1)
            seconds = time.perf_counter() - t0
            t = abc.history.max_t
            pops = abc.history.get_all_populations()
            row = pops[pops["t"] == t].iloc[0]
            gen = {"t": int(t), "epsilon": float(row["epsilon"]),
                   "particles": int(settings.particles),
                   "evaluations": int(row["samples"]),
                   "acceptance_rate": settings.particles / float(row["samples"]),
                   # null in the JSON: infinite, the first generation accepts the prior
                   "seconds": round(seconds, 1)}
            info["generations"] = [g for g in info["generations"] if g["t"] != gen["t"]] + [gen]
            _write_json(info_path, info)
            if progress:
                print(file=sys.stderr)
            log(f"generation {t}: epsilon {gen['epsilon']:.3f}, {gen['evaluations']} "
                f"evaluations (acceptance {gen['acceptance_rate']:.2f}), {seconds:.0f} s")
            done_now += 1
    finally:
        if pool is not None:
            pool.shutdown(cancel_futures=True)
    return finish(out, priors, targets, shown, fit, info, priors_path, targets_path)


def _has_run(out: Path) -> bool:
    import sqlite3

    path = out / "history.db"
    if not path.exists():
        return False
    con = sqlite3.connect(path)
    try:
        return bool(con.execute("select name from sqlite_master where name='abc_smc'").fetchone()
                    and con.execute("select count(*) from abc_smc").fetchone()[0])
    finally:
        con.close()


def _write_json(path: Path, data: dict) -> None:
    """Write strict JSON atomically (an epsilon of infinity, the prior's, is written null)."""
    from simulation.sweeps.results import write_json

    write_json(path, data, indent=2)


def weighted_quantile(values: np.ndarray, weights: np.ndarray, q: float) -> float:
    """Quantile ``q`` of weighted ``values`` (the inverse of the weighted CDF at midpoints).

    Examples:
        >>> weighted_quantile(np.array([1.0, 2.0, 3.0]), np.ones(3), 0.5)
        2.0
    """
    ok = np.isfinite(values)
    v, w = values[ok], weights[ok]
    if not len(v):
        return float("nan")
    order = np.argsort(v, kind="stable")
    v, w = v[order], w[order]
    cw = (np.cumsum(w) - 0.5 * w) / w.sum()
    return float(np.interp(q, cw, v))


def finish(out: Path, priors: list[Prior], targets: list[Target], shown: list[Target], fit: str,
           info: dict, priors_path: Path, targets_path: Path) -> Calibration:
    """Write posterior.csv, posterior.json, fit.csv, calibration_fit.png from the history."""
    import pandas as pd
    import pyabc

    history = pyabc.History(f"sqlite:///{(out / 'history.db').resolve()}")
    history.id = 1
    t = history.max_t
    frame, w = history.get_distribution(m=0, t=t)
    frame = frame[[f"p{i}" for i in range(len(priors))]]
    post = pd.DataFrame({"draw": np.arange(len(w))})
    for i, p in enumerate(priors):
        post[p.path] = frame[f"p{i}"].to_numpy()
    post["weight"] = np.asarray(w) / np.sum(w)
    text = io.StringIO()
    post.to_csv(text, index=False, float_format="%.10g", lineterminator="\n")
    (out / "posterior.csv").write_text(text.getvalue(), encoding="utf-8")
    sw, stats = history.get_weighted_sum_stats(t=t)
    sw = np.asarray(sw, dtype=float)
    rows = []
    for tg in shown:
        vals = np.array([float(s[tg.key]) for s in stats])
        rows.append({"target": tg.name, "date": tg.month, "published": tg.published,
                     "unit": tg.unit, "row": ";".join(str(r) for r in tg.rows),
                     "model_median": weighted_quantile(vals, sw, 0.5),
                     "model_p05": weighted_quantile(vals, sw, 0.05),
                     "model_p95": weighted_quantile(vals, sw, 0.95),
                     "in_sample": fit in tg.fits, "error": tg.error})
    fit_frame = pd.DataFrame(rows)
    fit_frame["z"] = (fit_frame["model_median"] - fit_frame["published"]) / fit_frame["error"]
    fit_frame["covered"] = ((fit_frame["model_p05"] <= fit_frame["published"])
                            & (fit_frame["published"] <= fit_frame["model_p95"]))
    fit_frame.to_csv(out / "fit.csv", index=False, float_format="%.6g", lineterminator="\n")
    provenance = {
        "posterior_sha256": sha256(out / "posterior.csv"),
        "posterior_file": "posterior.csv", "draws": len(post),
        "targets_file": str(targets_path.name), "targets_sha256": sha256(targets_path),
        "priors_file": str(priors_path.name), "priors_sha256": sha256(priors_path),
        "priors": [asdict(p) for p in priors],
        "fit": fit, "method": info["method"],
        "settings": {**info["fingerprint"]["settings"],
                     "generations": info.get("generations_planned",
                                             info["fingerprint"]["settings"].get("generations"))},
        "run_end": info["run_end"], "created": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "started": info.get("started"), "git_commit": info.get("git_commit"),
        "command_line": info.get("command_line"),
        "generations_finished": t + 1,
        "generations_planned": info.get("generations_planned",
                                        info["fingerprint"]["settings"].get("generations")),
        "acceptance_path": info["generations"],
        "targets_in_distance": [tg.key for tg in fit_targets(targets, fit)],
    }
    _write_json(out / "posterior.json", provenance)
    info["finished"] = provenance["created"]
    _write_json(out / "calibration.json", info)
    try:
        draw_fit(fit_frame, out / "calibration_fit.png", info)
    except ImportError:  # matplotlib is optional for the run itself
        pass
    return Calibration(folder=out, generations=info["generations"], posterior=post,
                       fit=fit_frame, info=provenance)


def draw_fit(fit_frame: Any, path: Path, info: dict) -> None:
    """The calibration_fit chart (PNG, 300 dpi) of a fit table."""
    from simulation.report import charts

    ctx = charts.Context(lang="en", source=(
        "Published: BPS, Sakernas, BPJS-TK, World Bank (calibration/targets.csv rows); "
        f"model: {info.get('method', '')[:60]}",
        f"git {str(info.get('git_commit', 'unknown'))[:10]}"))
    fig = charts.calibration_fit(fit_frame, ctx)
    fig.savefig(path, dpi=300)


def read_posterior_csv(path: Path | str) -> tuple[list[str], np.ndarray, np.ndarray]:
    """Read a posterior.csv: (paths, draws x paths, weights)."""
    with open(path, newline="", encoding="utf-8") as fh:
        rows = list(csv.reader(fh))
    header = rows[0]
    paths = [h for h in header if h not in ("draw", "weight")]
    table = np.array([[float(c) for c in r] for r in rows[1:]])
    col = {h: table[:, j] for j, h in enumerate(header)}
    return paths, np.column_stack([col[p] for p in paths]), col["weight"]


def synthetic_targets(targets_path: Path | str, truth: dict[str, float], settings: Settings,
                      fit: str, out_path: Path | str) -> None:
    """Write a targets file whose published values are the model's at ``truth`` (a test)."""
    import yaml

    targets = load_targets(targets_path)
    shown = reported_targets(targets, fit)
    sim = Simulator(tuple(truth), tuple(shown), settings, run_end(targets, fit))
    values = sim.simulate(truth)
    doc = yaml.safe_load(Path(targets_path).read_text(encoding="utf-8"))
    for entry in doc["targets"]:
        key = Target(**{**{k: entry[k] for k in TARGET_KEYS}, "rows": tuple(entry["rows"]),
                        "fits": tuple(entry["fits"]), "month": str(entry["month"])}).key
        if key in values:
            entry["published"] = float(values[key])
    Path(out_path).write_text(yaml.safe_dump(doc, sort_keys=False), encoding="utf-8")


__all__ = ["FULL", "QUICK", "Calibration", "Posterior", "Prior", "ScaledDistance", "Settings",
           "Simulator", "Target", "calibrate", "load_posterior", "load_priors", "load_targets",
           "weighted_quantile"]


# --------------------------------------------------------------------------------------------
# povsim calibrate
# --------------------------------------------------------------------------------------------
def add_parser(commands: Any) -> None:
    """Add ``calibrate`` to the ``povsim`` subparsers."""
    cal = commands.add_parser(
        "calibrate", help="fit the free parameters to published figures (ABC-SMC, pyabc)",
        description="Fit the parameters of calibration/priors.yaml to the targets of "
                    "calibration/calibration_targets.yaml by ABC-SMC (pyabc), with common "
                    "random numbers and distances scaled by each target's observation error; "
                    "writes history.db (SQLite), posterior.csv, posterior.json, fit.csv and "
                    "calibration_fit.png to a new folder. Needs pip install -e '.[calibrate]'.")
    cal.add_argument("--quick", action="store_true",
                     help=f"a small run ({QUICK.particles} particles x {QUICK.generations} "
                          f"generations of {QUICK.households:,} households; what CI runs)")
    cal.add_argument("--validation", action="store_true",
                     help="fit March 2021 to March 2022 only and forecast to March 2023")
    cal.add_argument("--out", default=None, metavar="DIR",
                     help="calibration folder, new or empty (default "
                          "outputs/calibration-<fit>-<time>); with --resume, its folder")
    cal.add_argument("--resume", action="store_true",
                     help="go on from the last finished generation in --out")
    cal.add_argument("--workers", default=None, metavar="W",
                     help="processes, 1 to 2 (default min(2, CPUs)); the posterior does not "
                          "depend on it")
    cal.add_argument("--seed", default=str(FULL.seed), metavar="S",
                     help=f"root seed, 0 to 2^32 - 1 (default {FULL.seed})")
    cal.add_argument("--generations", default=None, metavar="G",
                     help="generations, the prior's included, 1 to 50 (default "
                          f"{FULL.generations}; {QUICK.generations} with --quick)")
    cal.add_argument("--priors", default=str(PRIORS_FILE), metavar="FILE",
                     help="priors file (default calibration/priors.yaml)")
    cal.add_argument("--targets", default=str(TARGETS_FILE), metavar="FILE",
                     help="targets file (default calibration/calibration_targets.yaml)")


def handle(args: Any, command_line: str) -> int:
    """Run ``povsim calibrate``; return the exit status."""
    # 1. Check everything before creating anything.
    workers = (min(2, os.cpu_count() or 1) if args.workers is None
               else inputs.parse_int(args.workers, file=CMD, key="--workers", lo=1, hi=2))
    seed = inputs.parse_int(args.seed, file=CMD, key="--seed", lo=0, hi=2**32 - 1)
    settings = QUICK if args.quick else FULL
    if args.generations is not None:
        settings = Settings(**{**asdict(settings), "generations": inputs.parse_int(
            args.generations, file=CMD, key="--generations", lo=1, hi=50)})
    settings = Settings(**{**asdict(settings), "seed": seed})
    if args.resume and args.out is None:
        raise InputError(CMD, "--resume", "--out DIR naming the calibration folder to resume")
    fit = "validation" if args.validation else "full"
    load_priors(args.priors)
    load_targets(args.targets)
    out = Path(args.out) if args.out is not None else (
        Path("outputs") / f"calibration-{fit}-{time.strftime('%Y%m%d-%H%M%S')}")
    check_folder(out, args.resume, fingerprint(settings, fit, Path(args.priors),
                                               Path(args.targets)))
    try:
        import pyabc  # noqa: F401 (checked here: the extra may be missing)
    except ImportError:
        raise InputError(CMD, "calibrate", "pyabc installed (pip install -e '.[calibrate]')",
                         "not installed") from None

    # 2. Run.
    print(f"povsim: calibrate ({fit} fit) {settings.particles} particles x "
          f"{settings.generations} generations, {settings.households:,} households x "
          f"{settings.replications} replication(s), {workers} worker(s), seed {seed}",
          file=sys.stderr)
    try:
        with inputs.stop_on_signals():
            res = calibrate(out, settings, fit=fit, priors_path=args.priors,
                            targets_path=args.targets, workers=workers, resume=args.resume,
                            command_line=command_line, progress=sys.stderr.isatty(),
                            log=lambda s: print(s, file=sys.stderr))
    except KeyboardInterrupt as exc:
        again = " ".join(["povsim calibrate", *(["--quick"] if args.quick else []),
                          *(["--validation"] if args.validation else []),
                          *([f"--generations {args.generations}"] if args.generations else []),
                          f"--seed {seed}", f"--out {out}", "--resume"])
        print(f"povsim: interrupted ({inputs.signal_name(exc)}); the finished generations are "
              f"in {out}: resume with {again}", file=sys.stderr)
        return inputs.exit_status(exc)
    print(format_summary(res))
    return 0


def format_summary(res: Calibration) -> str:
    """The posterior (weighted median and 90% interval per parameter) and the fit's worst."""
    post = res.posterior
    w = post["weight"].to_numpy()
    lines = [f"Posterior: {len(post)} draws, generation {len(res.generations) - 1}"]
    for p in [c for c in post.columns if c not in ("draw", "weight")]:
        v = post[p].to_numpy()
        lo, mid, hi = (weighted_quantile(v, w, q) for q in (0.05, 0.5, 0.95))
        lines.append(f"  {p}: {mid:.4g} ({lo:.4g} to {hi:.4g})")
    fit = res.fit
    lines.append(f"Targets covered by the 90% band: {int(fit['covered'].sum())} of {len(fit)}")
    lines.append(f"Output: {res.folder}")
    return "\n".join(lines)


# --------------------------------------------------------------------------------------------
# Reading a posterior back
# --------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Posterior:
    """A posterior read from ``posterior.csv``: weighted draws of the prior's paths."""

    paths: tuple[str, ...]
    draws: np.ndarray
    weights: np.ndarray
    ids: tuple[int, ...]


def load_posterior(path: Path | str, priors_path: Path | str = PRIORS_FILE) -> Posterior:
    """Read and check ``posterior.csv`` against ``posterior.json`` (beside it) and the priors.

    Checks: the header (``draw``, one column per prior path, ``weight``), numbers, distinct
    integer draw ids, every value inside its prior's bounds, weights finite, non-negative and
    not all zero, and the file's sha256 equal to ``posterior_sha256`` of posterior.json.

    Raises:
        InputError: naming the file and the key at fault.
    """
    path = Path(path)
    file = str(path)
    text = inputs.read_text(path, file)
    info_path = path.with_name("posterior.json")
    try:
        info = json.loads(inputs.read_text(info_path, str(info_path)))
    except ValueError:
        raise InputError(str(info_path), "<file>", "a JSON file (posterior_sha256)") from None
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    if not isinstance(info, dict) or info.get("posterior_sha256") != digest:
        raise InputError(str(info_path), "posterior_sha256", f"the sha256 of {path.name} "
                         f"({digest})", info.get("posterior_sha256") if isinstance(info, dict)
                         else type(info).__name__)
    priors = {p.path: p for p in load_priors(priors_path)}
    rows = [r for r in csv.reader(io.StringIO(text)) if r]
    if len(rows) < 2:
        raise InputError(file, "<file>", "a header row and at least one draw")
    header = [h.strip() for h in rows[0]]
    if "weight" not in header or len(set(header)) != len(header):
        raise InputError(file, "<header>", "each column once, with a weight column", header)
    paths = tuple(h for h in header if h not in ("draw", "weight"))
    for p in paths:
        if p not in priors:
            raise InputError(file, f"<header>.{p}", "a parameter path of the priors file "
                             f"({priors_path})", p)
    table = np.empty((len(rows) - 1, len(header)))
    for i, row in enumerate(rows[1:], start=2):
        if len(row) != len(header):
            raise InputError(file, f"line {i}", f"{len(header)} values", len(row))
        for j, cell in enumerate(row):
            try:
                table[i - 2, j] = float(cell)
            except ValueError:
                raise InputError(file, f"line {i}.{header[j]}", "a number", cell) from None
    if not np.isfinite(table).all():
        raise InputError(file, "<values>", "finite numbers")
    col = {h: table[:, j] for j, h in enumerate(header)}
    w = col["weight"]
    if (w < 0).any() or w.sum() <= 0:
        raise InputError(file, "weight", "non-negative weights, not all zero", float(w.min()))
    for p in paths:
        lo, hi = priors[p].low, priors[p].high
        bad = (col[p] < lo) | (col[p] > hi)
        if bad.any():
            i = int(np.flatnonzero(bad)[0])
            raise InputError(file, f"line {i + 2}.{p}", f"a value inside the prior [{lo:g}, "
                             f"{hi:g}]", float(col[p][i]))
    ids = col.get("draw", np.arange(len(w), dtype=float))
    if not all(float(x).is_integer() for x in ids) or len(set(ids)) != len(ids):
        raise InputError(file, "draw", "distinct integer draw ids", ids[:4].tolist())
    return Posterior(paths=paths, draws=np.column_stack([col[p] for p in paths]),
                     weights=w / w.sum(), ids=tuple(int(x) for x in ids))
