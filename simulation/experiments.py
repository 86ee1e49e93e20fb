"""Batch runs: scenarios x replications, their tidy results, summary and run folder.

This is the one seam for batch work. :func:`run_experiment` runs every scenario with every
replication seed through :func:`simulation.model.run_model` (in-process or in a process pool),
:func:`summary` reduces the runs to the figures the targets are stated in, and :func:`save`
writes a run folder (``timeseries.csv``, ``spending.csv``, ``summary.json``, ``manifest.json``)
atomically.

Seeds and common random numbers: replication ``r`` of a run with root seed ``S`` uses
``numpy.random.SeedSequence(S).spawn(R)[r]``, which is ``SeedSequence(S, spawn_key=(r,))``
whatever ``R`` is (:func:`replication_seed`). Every scenario of a run gets the same seed for the
same replication, so scenarios differ only where their rules differ. The ``seed`` column of the
time series holds ``S`` and the ``replication`` column holds ``r``; together they rerun a single
replication exactly::

    run_model(scenario.params, households, replication_seed(S, r), end=end,
              policies=scenario.policies)

Costs and impact: every policy records the rupiah it spends each month; :func:`run_experiment`
collects them in a tidy table (``spending.csv``) and :func:`accounting` reduces them to spending
per lever and persons lifted out of extreme poverty against a counterfactual scenario of the same
run (same seeds, so the difference is the policies' effect, not noise).
"""

from __future__ import annotations

import contextlib
import datetime as _dt
import importlib.metadata
import json
import math
import multiprocessing
import os
import platform
import re
import shutil
import subprocess
import sys
import time
from collections.abc import Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from tqdm import tqdm

from simulation import inputs
from simulation.environment import environment
from simulation.errors import InputError
from simulation.measures import INDICATOR_NAMES
from simulation.model import burn_in_months, run_model
from simulation.parameter_set import month_index
from simulation.scenarios import Scenario
from simulation.streams import replication_seeds

START = "2021-03"  # step 0 of every run (the model's first recorded month)
END_MIN, END_MAX = "2021-04", "2029-12"
HOUSEHOLDS_MIN, HOUSEHOLDS_MAX = 100, 20_000_000
REPLICATIONS_MAX = 10_000
WORKERS_MAX = 256
SEED_MAX = 2**63 - 1  # the seed column of timeseries.csv is int64
SUMMARY_MONTHS = ("2024-03", "2024-12")  # BPS March survey and the end of the Inpres 4/2022 target
ID_COLUMNS = ("scenario", "replication", "seed", "date")
SPENDING_COLUMNS = ("scenario", "replication", "date", "label", "lever", "rupiah")
RESULT_FILES = ("timeseries.csv", "spending.csv", "summary.json", "manifest.json")
SPENDING_FROM = "2021-04"  # scenarios differ from April 2021; March 2021 is the starting state
DEFAULT_COUNTERFACTUAL = "no_programmes"  # used when a scenario names none and it is in the run
_END_RE = re.compile(r"^\d{4}-\d{2}$")


def replication_seed(seed: int, replication: int) -> np.random.SeedSequence:
    """Return the seed of replication ``replication`` of a run with root seed ``seed``.

    It equals ``replication_seeds(seed, R)[replication]`` for any ``R > replication``.

    Examples:
        >>> from simulation.streams import replication_seeds
        >>> a = replication_seed(7, 2).generate_state(2)
        >>> b = replication_seeds(7, 5)[2].generate_state(2)
        >>> bool((a == b).all())
        True
    """
    return np.random.SeedSequence(seed, spawn_key=(replication,))


def n_months(end: str) -> int:
    """Number of recorded months from March 2021 to ``end`` inclusive."""
    return month_index(end) - month_index(START) + 1


# --------------------------------------------------------------------------------------------
# Checking run settings
# --------------------------------------------------------------------------------------------
def check_settings(households: int, replications: int, seed: int, workers: int, end: str,
                   *, file: str = "<command line>", prefix: str = "--") -> None:
    """Check the run settings; raise :class:`InputError` naming ``file`` and the option.

    Args:
        households: Sample households per replication.
        replications: Replications per scenario (1 to :data:`REPLICATIONS_MAX`).
        seed: Root seed (0 to 2^63 - 1: the ``seed`` column is int64).
        workers: Processes (1 to :data:`WORKERS_MAX`).
        end: Last month, ``YYYY-MM`` between :data:`END_MIN` and :data:`END_MAX`.
        file: What to name as the source of the values.
        prefix: Put before the option names in messages (``--`` for the command line).
    """

    def _int(value: Any, key: str, lo: int, hi: int) -> None:
        expected = f"an integer from {lo:,} to {hi:,}"
        ok = isinstance(value, int | np.integer) and not isinstance(value, bool | np.bool_)
        if not ok or value < lo or value > hi:
            raise InputError(file, prefix + key, expected, value)

    _int(households, "households", HOUSEHOLDS_MIN, HOUSEHOLDS_MAX)
    _int(replications, "replications", 1, REPLICATIONS_MAX)
    _int(seed, "seed", 0, SEED_MAX)
    _int(workers, "workers", 1, WORKERS_MAX)
    check_end(end, file=file, key=prefix + "end")


def check_end(end: Any, *, file: str = "<command line>", key: str = "--end") -> str:
    """Check that ``end`` is ``YYYY-MM`` between :data:`END_MIN` and :data:`END_MAX`."""
    expected = f"a month as YYYY-MM from {END_MIN} to {END_MAX}"
    if not isinstance(end, str) or not _END_RE.match(end):
        raise InputError(file, key, expected, end)
    m = month_index(end, file=file, key=key)  # rejects month 13
    if not month_index(END_MIN) <= m <= month_index(END_MAX):
        raise InputError(file, key, expected, end)
    return end


def check_out_dir(out_dir: Path | str, *, file: str = "<command line>", key: str = "--out") -> Path:
    """Check ``out_dir`` before the run (:func:`simulation.inputs.check_out_dir`); return it.

    It must not exist yet or be an empty folder, not be a symbolic link, and lie under a folder
    where folders can be made; no other live process may be saving there.
    """
    return inputs.check_out_dir(out_dir, file=file, key=key)


def check_scenarios(scenarios: Sequence[Scenario], end: str, *,
                    file: str = "run_experiment") -> list[Scenario]:
    """Check scenarios before a run to ``end``; return them as a list.

    Types, distinct names, and each one's :meth:`~simulation.scenarios.Scenario.check_run`
    (dates and policies inside the run, sizes within the population, required policies present).

    Raises:
        InputError: naming the scenario file and key.
    """
    if isinstance(scenarios, Scenario):
        scenarios = [scenarios]
    if not isinstance(scenarios, list | tuple):
        raise InputError(file, "scenarios", "a Scenario or a list of them (load_scenario or "
                         "scenario)", scenarios)
    if not scenarios:
        raise InputError(file, "scenarios", "at least one scenario", scenarios)
    for i, sc in enumerate(scenarios):
        if not isinstance(sc, Scenario):
            raise InputError(file, f"scenarios[{i}]", "a Scenario (load_scenario or scenario)",
                             sc)
    check_unique_names(scenarios)
    for sc in scenarios:
        sc.check_run(end)
    return list(scenarios)


# --------------------------------------------------------------------------------------------
# Running
# --------------------------------------------------------------------------------------------
@dataclass
class ExperimentResult:
    """The outcome of :func:`run_experiment`.

    Attributes:
        scenarios: The scenarios, in the order given.
        households: Sample households per replication.
        replications: Replications per scenario.
        seed: Root seed (see :func:`replication_seed`).
        end: Last month, ``YYYY-MM``.
        workers: Processes used (1 = in-process).
        timeseries: Tidy table: ``scenario, replication, seed, date`` then every indicator of
            :data:`simulation.measures.INDICATOR_NAMES`; one row per scenario x replication x
            month, sorted in that order.
        jobs: One row per scenario x replication with ``seconds_build`` (population and
            burn-in), ``seconds_run`` (the months from March 2021) and ``labour_force_slots``.
        seconds_wall: Wall-clock seconds of the whole experiment.
        spending: Tidy table :data:`SPENDING_COLUMNS`: rupiah each policy (``label``, in its
            accounting ``lever``) spent in each month, one row per scenario x replication x
            policy x month, sorted in that order (empty for scenarios without policies).
    """

    scenarios: list[Scenario]
    households: int
    replications: int
    seed: int
    end: str
    workers: int
    timeseries: pd.DataFrame
    jobs: pd.DataFrame
    seconds_wall: float
    spending: pd.DataFrame = field(
        default_factory=lambda: pd.DataFrame(columns=list(SPENDING_COLUMNS)))

    @property
    def months(self) -> int:
        """Number of recorded months per replication."""
        return n_months(self.end)

    @property
    def household_months(self) -> int:
        """Household-months simulated from March 2021 (burn-in not counted), all jobs."""
        return self.households * self.months * len(self.scenarios) * self.replications


def run_experiment(scenarios: Sequence[Scenario], households: int, replications: int,
                   seed: int, end: str = "2024-12", workers: int = 1,
                   progress: bool = False) -> ExperimentResult:
    """Run every scenario with every replication seed and collect a tidy time series.

    Replication ``r`` uses ``replication_seeds(seed, replications)[r]`` in every scenario
    (common random numbers). Results do not depend on ``workers``: jobs are sorted by
    scenario order, then replication.

    With ``workers > 1`` jobs run in a :class:`~concurrent.futures.ProcessPoolExecutor` using the
    *spawn* start method: each worker starts a fresh interpreter, so it inherits no threads or
    locks from the parent (tqdm's monitor thread, BLAS pools), which *fork* can deadlock on and
    which Python 3.12 warns about; spawn is also what macOS and Windows use, so runs behave the
    same everywhere. Its cost, importing the package once per worker (about a second), is small
    next to a replication.

    Every input is checked first, here in the parent process (:func:`check_settings`,
    :func:`check_scenarios`). SIGTERM and SIGHUP stop the run as Ctrl-C does
    (:func:`simulation.inputs.stop_on_signals`): the workers are ended and
    :class:`simulation.inputs.StopRequested` (a ``KeyboardInterrupt``) is raised.

    Args:
        scenarios: Scenarios to run (distinct names).
        households: Sample households per replication.
        replications: Replications per scenario.
        seed: Root seed (>= 0).
        end: Last month, ``YYYY-MM``.
        workers: Processes; 1 runs in this process.
        progress: Show a tqdm bar over months simulated (on stderr).

    Raises:
        InputError: for settings out of range, duplicate scenario names, or a scenario its
            run would fail on or ignore.
    """
    check_settings(households, replications, seed, workers, end, file="run_experiment",
                   prefix="")
    scenarios = check_scenarios(scenarios, end)
    with inputs.stop_on_signals():
        return _run_jobs(scenarios, households, replications, seed, end, workers, progress)


def _run_jobs(scenarios: list[Scenario], households: int, replications: int, seed: int,
              end: str, workers: int, progress: bool) -> ExperimentResult:
    seeds = replication_seeds(seed, replications)
    jobs = [(s, r) for s in range(len(scenarios)) for r in range(replications)]
    steps = n_months(end) - 1  # months stepped after March 2021
    # run_model reports each burn-in month too; the bar counts both.
    job_months = [burn_in_months(scenarios[s].params) + steps for s, _ in jobs]
    workers = min(workers, len(jobs))
    outputs: dict[tuple[int, int], dict] = {}

    t0 = time.perf_counter()
    with tqdm(total=sum(job_months), unit="month", desc="povsim", disable=not progress,
              file=sys.stderr, dynamic_ncols=True) as bar:
        if workers == 1:
            for s, r in jobs:
                outputs[s, r] = run_model(scenarios[s].params, households, seeds[r], end=end,
                                          progress=bar.update,
                                          policies=scenarios[s].policies)
        else:
            executor = ProcessPoolExecutor(
                max_workers=workers, mp_context=multiprocessing.get_context("spawn"),
                initializer=inputs.worker_init, initargs=(os.getpid(),))
            try:
                pending: dict[Future, tuple[int, int]] = {
                    executor.submit(run_model, scenarios[s].params, households, seeds[r], end,
                                    None, scenarios[s].policies): (s, r)
                    for s, r in jobs
                }
                while pending:
                    done, _ = wait(pending, return_when=FIRST_COMPLETED)
                    for future in done:
                        s_r = pending.pop(future)
                        outputs[s_r] = future.result()
                        bar.update(burn_in_months(scenarios[s_r[0]].params) + steps)
            except BaseException:
                inputs.stop_pool(executor)
                raise
            executor.shutdown(wait=True)
    seconds_wall = time.perf_counter() - t0

    frames, job_rows, spend_frames = [], [], []
    for s, r in jobs:  # scenario order, then replication: independent of completion order
        out = outputs[s, r]
        dates = out["date"]
        frame = {
            "scenario": [scenarios[s].name] * len(dates),
            "replication": np.full(len(dates), r, dtype=np.int64),
            "seed": np.full(len(dates), seed, dtype=np.int64),
            "date": list(dates),
        }
        frame.update({name: np.asarray(out[name], dtype=np.float64) for name in INDICATOR_NAMES})
        frames.append(pd.DataFrame(frame, columns=[*ID_COLUMNS, *INDICATOR_NAMES]))
        spend_frames.append(_spending_frame(scenarios[s].name, r, dates, out))
        job_rows.append({
            "scenario": scenarios[s].name, "replication": r,
            "seconds_build": float(out["_seconds_build"]),
            "seconds_run": float(out["_seconds_run"]),
            "labour_force_slots": int(out["_labour_force_slots"]),
        })
    return ExperimentResult(
        scenarios=scenarios, households=households, replications=replications, seed=seed,
        end=end, workers=workers, timeseries=pd.concat(frames, ignore_index=True),
        jobs=pd.DataFrame(job_rows), seconds_wall=seconds_wall,
        spending=_concat_spending(spend_frames),
    )


def _concat_spending(frames: list[pd.DataFrame]) -> pd.DataFrame:
    frames = [f for f in frames if len(f)]
    if not frames:
        return pd.DataFrame(columns=list(SPENDING_COLUMNS))
    return pd.concat(frames, ignore_index=True).astype({"replication": np.int64,
                                                        "rupiah": np.float64})


def _spending_frame(scenario: str, replication: int, dates: Sequence[str],
                    out: dict) -> pd.DataFrame:
    """One replication's spending as tidy rows (policy by policy, month by month)."""
    levers = {p["label"]: p["lever"] for p in out.get("_policies", [])}
    parts = []
    for label, spent in out.get("_spending", {}).items():
        parts.append(pd.DataFrame({
            "scenario": scenario, "replication": replication, "date": list(dates),
            "label": label, "lever": levers.get(label, "other"),
            "rupiah": np.asarray(spent, dtype=np.float64)[:len(dates)],
        }, columns=list(SPENDING_COLUMNS)))
    if not parts:
        return pd.DataFrame(columns=list(SPENDING_COLUMNS))
    return pd.concat(parts, ignore_index=True)


def check_unique_names(scenarios: Sequence[Scenario]) -> None:
    """Raise :class:`InputError` naming the second file when two scenarios share a name."""
    seen: dict[str, Scenario] = {}
    for sc in scenarios:
        if sc.name in seen:
            first = seen[sc.name].file
            expected = ("each scenario file to be given once" if first == sc.file
                        else f"a scenario name not already used by {first}")
            raise InputError(sc.file, "name", expected, sc.name)
        seen[sc.name] = sc


# --------------------------------------------------------------------------------------------
# Summary
# --------------------------------------------------------------------------------------------
def _num(x: Any) -> float | None:
    x = float(x)
    return x if math.isfinite(x) else None


def summary(result: ExperimentResult) -> dict:
    """Reduce a run to the figures the extreme-poverty target is stated in.

    For each scenario and each of :data:`SUMMARY_MONTHS` inside the run, over replications:

    - ``extreme_poverty_rate_median``, ``_p05``, ``_p95`` (fractions; percentiles by linear
      interpolation between replications, numpy's default);
    - ``p_target_zero``: share of replications whose rate, in percent rounded to two decimals as
      BPS publishes it, is 0.00 (``round(rate * 100, 2) == 0``);
    - ``p_target_band``: share of replications with ``rate <= 0.01`` (at most 1%);
    - ``poverty_rate_median`` and ``unemployment_rate_median``.

    Spending and persons lifted are under ``accounting`` (:func:`accounting`).

    Returns:
        ``{"months": [...], "replications": R, "households": N, "scenarios": {name: {month:
        {...}}}, "accounting": {...}}`` with plain floats (None for NaN), ready for JSON.
    """
    ts = result.timeseries
    present = set(ts["date"])
    months = [m for m in SUMMARY_MONTHS if m in present]
    out: dict[str, Any] = {
        "months": months, "replications": result.replications, "households": result.households,
        "scenarios": {},
    }
    for sc in result.scenarios:
        per_month = {}
        for m in months:
            rows = ts[(ts["scenario"] == sc.name) & (ts["date"] == m)]
            rate = rows["extreme_poverty_rate"].to_numpy(dtype=np.float64)
            published = np.array([round(x * 100, 2) for x in rate])
            per_month[m] = {
                "extreme_poverty_rate_median": _num(np.median(rate)),
                "extreme_poverty_rate_p05": _num(np.percentile(rate, 5)),
                "extreme_poverty_rate_p95": _num(np.percentile(rate, 95)),
                "p_target_zero": _num(np.mean(published == 0)),
                "p_target_band": _num(np.mean(rate <= 0.01)),
                "poverty_rate_median": _num(np.median(rows["poverty_rate"])),
                "unemployment_rate_median": _num(np.median(rows["unemployment_rate"])),
            }
        out["scenarios"][sc.name] = per_month
    out["accounting"] = accounting(result, months)
    return out


def counterfactual_of(scenario: Scenario, names: Sequence[str]) -> str | None:
    """The scenario persons lifted are measured against, if it is in the run.

    The scenario's own ``counterfactual`` when it names one (None if that one is not in the
    run), else :data:`DEFAULT_COUNTERFACTUAL` when present (and not the scenario itself).
    """
    if scenario.counterfactual is not None:
        wanted = scenario.counterfactual
    else:
        wanted = DEFAULT_COUNTERFACTUAL
    if wanted == scenario.name or wanted not in names:
        return None
    return wanted


def accounting(result: ExperimentResult, months: Sequence[str] | None = None) -> dict:
    """Spending per lever and persons lifted out of extreme poverty, per scenario.

    For each scenario and each summary month ``m`` in the run (``months``, default the
    :data:`SUMMARY_MONTHS` in the run):

    - ``spending_rupiah``: ``{"total": Rp, "by_lever": {lever: Rp}}``, spent from
      :data:`SPENDING_FROM` through ``m``, mean over replications;
    - when the scenario has a counterfactual in the run (:func:`counterfactual_of`), ``impact``:
      ``persons_lifted_median``, ``_p05``, ``_p95``, ``_mean`` (counterfactual extreme-poor
      persons minus the scenario's at ``m``, replication by replication: same seed, common
      random numbers), ``extra_spending_rupiah`` (scenario total minus counterfactual total
      through ``m``, mean over replications) and ``rupiah_per_person_lifted`` (extra spending
      over mean persons lifted; None when persons lifted <= 0).

    Returns:
        ``{"spending_from": "2021-04", "scenarios": {name: {"counterfactual": name or None,
        month: {...}}}}``.
    """
    ts, sp = result.timeseries, result.spending
    if months is None:
        present = set(ts["date"])
        months = [m for m in SUMMARY_MONTHS if m in present]
    names = [sc.name for sc in result.scenarios]
    reps = np.arange(result.replications)
    start = month_index(SPENDING_FROM)
    sp = sp.assign(_m=[month_index(d) for d in sp["date"]]) if len(sp) else sp

    def spent(name: str, month: str) -> pd.DataFrame:
        """Rupiah by replication (rows) and lever (columns) from April 2021 through month."""
        if not len(sp):
            return pd.DataFrame(index=reps)
        rows = sp[(sp["scenario"] == name) & (sp["_m"] >= start)
                  & (sp["_m"] <= month_index(month))]
        table = rows.pivot_table(index="replication", columns="lever", values="rupiah",
                                 aggfunc="sum", fill_value=0.0)
        return table.reindex(index=reps, fill_value=0.0)

    def persons(name: str, month: str) -> np.ndarray:
        rows = ts[(ts["scenario"] == name) & (ts["date"] == month)].sort_values("replication")
        return rows["extreme_poor_persons"].to_numpy(dtype=np.float64)

    out: dict[str, Any] = {"spending_from": SPENDING_FROM, "scenarios": {}}
    for sc in result.scenarios:
        cf = counterfactual_of(sc, names)
        entry: dict[str, Any] = {"counterfactual": cf}
        for m in months:
            table = spent(sc.name, m)
            total = table.sum(axis=1).to_numpy(dtype=np.float64)
            item: dict[str, Any] = {"spending_rupiah": {
                "total": _num(total.mean()),
                "by_lever": {str(k): _num(v) for k, v in table.mean(axis=0).items()},
            }}
            if cf is not None:
                lifted = persons(cf, m) - persons(sc.name, m)
                cf_total = spent(cf, m).sum(axis=1).to_numpy(dtype=np.float64)
                extra = float((total - cf_total).mean())
                mean_lifted = float(lifted.mean())
                item["impact"] = {
                    "persons_lifted_median": _num(np.median(lifted)),
                    "persons_lifted_p05": _num(np.percentile(lifted, 5)),
                    "persons_lifted_p95": _num(np.percentile(lifted, 95)),
                    "persons_lifted_mean": _num(mean_lifted),
                    "extra_spending_rupiah": _num(extra),
                    "rupiah_per_person_lifted": (_num(extra / mean_lifted) if mean_lifted > 0
                                                 else None),
                }
            entry[m] = item
        out["scenarios"][sc.name] = entry
    return out


# --------------------------------------------------------------------------------------------
# Saving a run folder
# --------------------------------------------------------------------------------------------
def _package_version() -> str:
    try:
        return importlib.metadata.version("povsim")
    except importlib.metadata.PackageNotFoundError:
        return "unknown"


def _git_commit() -> tuple[str | None, bool | None]:
    """Return (commit, has uncommitted changes) of the repository holding this package.

    None when the package is not a git checkout (e.g. installed from a wheel) or git fails.
    """
    package_dir = Path(__file__).resolve().parent

    def _git(*args: str) -> str | None:
        try:
            done = subprocess.run(["git", "-C", str(package_dir), *args], capture_output=True,
                                  text=True, timeout=10, check=False)
        except (OSError, subprocess.SubprocessError):
            return None
        return done.stdout.strip() if done.returncode == 0 else None

    top = _git("rev-parse", "--show-toplevel")
    # A non-editable install inside some other repository (a venv in a checkout) is not ours.
    if top is None or Path(top).resolve() / package_dir.name != package_dir:
        return None, None
    commit = _git("rev-parse", "HEAD")
    if commit is None:
        return None, None
    status = _git("status", "--porcelain", "--untracked-files=no")
    return commit, (bool(status) if status is not None else None)


def _json_default(obj: Any) -> Any:
    if isinstance(obj, _dt.date):
        return obj.isoformat()
    if isinstance(obj, np.integer):
        return int(obj)
    if isinstance(obj, np.floating):
        return _num(obj)
    if isinstance(obj, tuple | set):
        return list(obj)
    if isinstance(obj, Path):
        return str(obj)
    if hasattr(obj, "items"):  # read-only mappings (MappingProxyType)
        return dict(obj.items())
    raise TypeError(f"cannot write {type(obj).__name__} to JSON")


def manifest(result: ExperimentResult, command_line: str) -> dict:
    """Return the run's manifest: versions, seeds, settings, resolved parameters, timings."""
    commit, dirty = _git_commit()
    jobs = result.jobs
    return {
        "package": "povsim",
        "version": _package_version(),
        "git_commit": commit,
        "git_uncommitted_changes": dirty,
        "created_utc": _dt.datetime.now(_dt.UTC).isoformat(timespec="seconds"),
        "command_line": command_line,
        "python": platform.python_version(),
        "platform": platform.platform(),
        "environment": environment(),
        "seed": result.seed,
        "replication_seeds": {
            "rule": (f"replication r uses numpy.random.SeedSequence({result.seed})"
                     f".spawn({result.replications})[r], which equals "
                     f"SeedSequence({result.seed}, spawn_key=(r,)); every scenario uses the "
                     "same seed for the same replication (common random numbers). Rerun one "
                     "with run_model(params, households, SeedSequence(seed, spawn_key=(r,)), "
                     "end) using the seed and replication columns of timeseries.csv."),
            "seeds": [{"replication": r, "entropy": result.seed, "spawn_key": [r]}
                      for r in range(result.replications)],
        },
        "households": result.households,
        "replications": result.replications,
        "start": START,
        "end": result.end,
        "months": result.months,
        "workers": result.workers,
        "files": list(RESULT_FILES),
        "scenarios": [
            {
                "name": sc.name,
                "description": sc.description,
                "file": sc.file,
                "changes": dict(sc.changes),
                "counterfactual": sc.counterfactual,
                "policies": sc.policy_specs(),
                "parameters_digest": sc.params.digest(),
                "parameters": sc.params.to_dict(),
            }
            for sc in result.scenarios
        ],
        "timings": {
            "wall_seconds": round(result.seconds_wall, 3),
            "household_months": result.household_months,
            "household_months_note": ("households x months from March 2021 x jobs; the "
                                      "burn-in months before March 2021 are not counted"),
            "household_months_per_second": round(
                result.household_months / max(result.seconds_wall, 1e-9), 1),
            "jobs": [
                {k: (round(v, 4) if isinstance(v, float) else v) for k, v in row.items()}
                for row in jobs.to_dict(orient="records")
            ],
        },
    }


def save(result: ExperimentResult, out_dir: Path | str, command_line: str) -> Path:
    """Write ``timeseries.csv``, ``spending.csv``, ``summary.json`` and ``manifest.json``.

    The files are written into a sibling ``<out_dir>.partial-<pid>`` folder that is renamed to
    ``out_dir`` at the end, so ``out_dir`` either holds a complete run or does not exist. On any
    error (or Ctrl-C, SIGTERM, SIGHUP) the partial folder is removed, with any parent folders
    made for it. Partial folders a killed process left (``<out_dir>.partial-<pid>`` of a pid
    that no longer runs) are removed first.

    Raises:
        InputError: before writing anything, when ``out_dir`` cannot be used
            (:func:`check_out_dir`).
    """
    given = check_out_dir(out_dir)
    out = Path(os.path.abspath(given))
    with inputs.stop_on_signals():
        _save_into(result, out, command_line)
    return given


def _save_into(result: ExperimentResult, out: Path, command_line: str) -> None:
    made = _missing_ancestors(out.parent)
    partial = out.with_name(f"{out.name}{inputs.PARTIAL}{os.getpid()}")
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        inputs.remove_stale_partials(out)  # also one of this pid left by an earlier crash
        partial.mkdir()
        result.timeseries.to_csv(partial / "timeseries.csv", index=False)
        result.spending.to_csv(partial / "spending.csv", index=False, columns=list(
            SPENDING_COLUMNS))
        _write_json(partial / "summary.json", summary(result))
        _write_json(partial / "manifest.json", manifest(result, command_line))
        check_out_dir(out)  # again: another process may have written there meanwhile
        if out.exists():
            out.rmdir()  # empty: replace it (renaming onto a folder fails on Windows)
        os.replace(partial, out)
    except BaseException:
        with inputs.signals_deferred():  # a second signal must not cut the cleanup short
            shutil.rmtree(partial, ignore_errors=True)
            for folder in made:  # deepest first; only if still empty
                with contextlib.suppress(OSError):
                    folder.rmdir()
        raise


def _missing_ancestors(folder: Path) -> list[Path]:
    """Return ``folder`` and its ancestors that do not exist yet, deepest first."""
    missing = []
    while not folder.exists() and folder != folder.parent:
        missing.append(folder)
        folder = folder.parent
    return missing


def _write_json(path: Path, data: Any) -> None:
    text = json.dumps(data, indent=2, default=_json_default, allow_nan=False)
    path.write_text(text + "\n", encoding="utf-8")

