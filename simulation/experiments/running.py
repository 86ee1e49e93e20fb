"""Running scenarios x replications, in this process or in a pool of worker processes.

:func:`run_experiment` runs every scenario with every replication seed through
:func:`simulation.model.run_model` and collects the replications'
:class:`~simulation.results.RunResult` into tidy tables, in scenario order then replication,
whatever order the workers finish in.
"""

from __future__ import annotations

import multiprocessing
import os
import sys
import time
from collections.abc import Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from tqdm import tqdm

from simulation import inputs
from simulation.experiments.settings import (
    ID_COLUMNS,
    POLICY_RESULT_COLUMNS,
    SPENDING_COLUMNS,
    check_scenarios,
    check_settings,
    n_months,
)
from simulation.initial_state import BEFORE_REMAP, burn_in_months
from simulation.measures import INDICATOR_NAMES
from simulation.model import run_model
from simulation.posterior import Posterior, replication_rows, with_draw
from simulation.results import RunResult
from simulation.scenarios import Scenario
from simulation.streams import replication_seeds


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
            burn-in), ``seconds_run`` (the months from March 2021), ``labour_force_slots``
            and, from the model's own cross-section before the burn-in's final remap
            (:attr:`simulation.results.RunResult.start_before_remap`), ``before_remap_``
            ``extreme_p0``, ``extreme_p1``, ``national_p0``, ``national_p1`` and ``gini``
            (NaN without a burn-in).
        seconds_wall: Wall-clock seconds of the whole experiment.
        spending: Tidy table :data:`SPENDING_COLUMNS`: rupiah each policy (``label``, in its
            accounting ``lever``) spent in each month, one row per scenario x replication x
            policy x month, sorted in that order (empty for scenarios without policies).
        policy_results: Tidy table :data:`POLICY_RESULT_COLUMNS`: each policy's declared
            results (:class:`simulation.policies.Result`) month by month, one row per scenario
            x replication x policy x result x month.
        result_meta: ``{scenario: {label: {result: {"label", "unit", "kind"}}}}``.
        posterior: The posterior the replications drew from, or None (the point parameters).
        posterior_rows: Per replication, the posterior row it drew (empty without one); the
            same in every scenario (common random numbers).
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
    policy_results: pd.DataFrame = field(
        default_factory=lambda: pd.DataFrame(columns=list(POLICY_RESULT_COLUMNS)))
    result_meta: dict = field(default_factory=dict)
    posterior: Posterior | None = None
    posterior_rows: tuple[int, ...] = ()

    def draw_id(self, replication: int) -> int | None:
        """The posterior draw id replication ``replication`` used (None without a posterior)."""
        if self.posterior is None:
            return None
        return self.posterior.ids[self.posterior_rows[replication]]

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
                   progress: bool = False,
                   posterior: Posterior | None = None) -> ExperimentResult:
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

    With a ``posterior``, replication ``r`` runs every scenario with the posterior row
    :func:`simulation.posterior.replication_rows` gives it (drawn from the root seed and
    ``r`` in this process, so the draws do not depend on ``workers``), applied with
    :func:`simulation.posterior.with_draw`: intervals over replications then carry the
    parameters' uncertainty and the model's own noise together.

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
        posterior: Parameter draws for the replications (already read and checked, see
            :func:`simulation.posterior.load_for_run`), or None for the point parameters.

    Raises:
        InputError: for settings out of range, duplicate scenario names, or a scenario its
            run would fail on or ignore.
    """
    check_settings(households, replications, seed, workers, end, file="run_experiment",
                   prefix="")
    scenarios = check_scenarios(scenarios, end)
    with inputs.stop_on_signals():
        return _run_jobs(scenarios, households, replications, seed, end, workers, progress,
                         posterior)


def _job_params(scenarios: list[Scenario], posterior: Posterior | None,
                rows: Sequence[int]) -> dict[tuple[int, int], object]:
    """Each job's parameters: the scenario's, with its replication's posterior draw."""
    if posterior is None:
        return {(s, r): scenarios[s].params for s in range(len(scenarios))
                for r in range(len(rows))}
    by_row: dict[tuple[int, int], object] = {}
    out = {}
    for s in range(len(scenarios)):
        for r, row in enumerate(rows):
            if (s, row) not in by_row:
                by_row[s, row] = with_draw(scenarios[s], posterior, row)
            out[s, r] = by_row[s, row]
    return out


def _run_jobs(scenarios: list[Scenario], households: int, replications: int, seed: int,
              end: str, workers: int, progress: bool,
              posterior: Posterior | None = None) -> ExperimentResult:
    seeds = replication_seeds(seed, replications)
    rows = (replication_rows(posterior, seed, replications) if posterior is not None
            else [0] * replications)
    params = _job_params(scenarios, posterior, rows)
    jobs = [(s, r) for s in range(len(scenarios)) for r in range(replications)]
    steps = n_months(end) - 1  # months stepped after March 2021
    # run_model reports each burn-in month too; the bar counts both.
    job_months = [burn_in_months(scenarios[s].params) + steps for s, _ in jobs]
    workers = min(workers, len(jobs))
    outputs: dict[tuple[int, int], RunResult] = {}

    t0 = time.perf_counter()
    with tqdm(total=sum(job_months), unit="month", desc="povsim", disable=not progress,
              file=sys.stderr, dynamic_ncols=True) as bar:
        if workers == 1:
            for s, r in jobs:
                outputs[s, r] = run_model(params[s, r], households, seeds[r], end=end,
                                          progress=bar.update,
                                          policies=scenarios[s].policies)
        else:
            executor = ProcessPoolExecutor(
                max_workers=workers, mp_context=multiprocessing.get_context("spawn"),
                initializer=inputs.worker_init, initargs=(os.getpid(),))
            try:
                pending: dict[Future, tuple[int, int]] = {
                    executor.submit(run_model, params[s, r], households, seeds[r], end,
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

    draw_ids = ([posterior.ids[row] for row in rows] if posterior is not None
                else [None] * replications)
    frames, job_rows, spend_frames, result_frames = [], [], [], []
    result_meta: dict = {}
    for s, r in jobs:  # scenario order, then replication: independent of completion order
        out = outputs[s, r]
        name = scenarios[s].name
        frames.append(timeseries_frame(name, r, seed, out, draw_ids[r]))
        spend_frames.append(spending_frame(name, r, out))
        result_frames.append(policy_results_frame(name, r, out))
        result_meta[name] = {p.label: p.result_meta for p in out.policies if p.result_meta}
        job_rows.append({
            "scenario": name, "replication": r, "draw": draw_ids[r],
            "seconds_build": out.seconds_build,
            "seconds_run": out.seconds_run, "labour_force_slots": out.labour_force_slots,
            **{f"before_remap_{k}": (out.start_before_remap or {}).get(k, float("nan"))
               for k in BEFORE_REMAP},
        })
    return ExperimentResult(
        scenarios=scenarios, households=households, replications=replications, seed=seed,
        end=end, workers=workers, timeseries=pd.concat(frames, ignore_index=True),
        jobs=pd.DataFrame(job_rows), seconds_wall=seconds_wall,
        spending=_concat(spend_frames, SPENDING_COLUMNS, "rupiah"),
        policy_results=_concat(result_frames, POLICY_RESULT_COLUMNS, "value"),
        result_meta=result_meta, posterior=posterior,
        posterior_rows=tuple(rows) if posterior is not None else (),
    )


def timeseries_frame(scenario: str, replication: int, seed: int,
                     out: RunResult, draw: int | None = None) -> pd.DataFrame:
    """One replication's indicators as tidy rows (:data:`ID_COLUMNS`, then the indicators).

    ``draw`` is the posterior draw id the replication used (empty in the CSV without one).
    """
    n = len(out.dates)
    frame = {
        "scenario": [scenario] * n,
        "replication": np.full(n, replication, dtype=np.int64),
        "seed": np.full(n, seed, dtype=np.int64),
        # int64 ids, or NaN without a posterior (an empty cell in the CSV, NaN read back)
        "draw": (np.full(n, np.nan) if draw is None else np.full(n, draw, dtype=np.int64)),
        "date": list(out.dates),
    }
    frame.update({k: np.asarray(out.indicators[k], dtype=np.float64) for k in INDICATOR_NAMES})
    return pd.DataFrame(frame, columns=[*ID_COLUMNS, *INDICATOR_NAMES])


def _concat(frames: list[pd.DataFrame], columns: Sequence[str], value: str) -> pd.DataFrame:
    frames = [f for f in frames if len(f)]
    if not frames:
        return pd.DataFrame(columns=list(columns))
    return pd.concat(frames, ignore_index=True).astype({"replication": np.int64,
                                                        value: np.float64})


def spending_frame(scenario: str, replication: int, out: RunResult) -> pd.DataFrame:
    """One replication's spending as tidy rows (policy by policy, month by month)."""
    dates = list(out.dates)
    parts = [pd.DataFrame({
        "scenario": scenario, "replication": replication, "date": dates, "label": p.label,
        "lever": p.lever, "rupiah": np.asarray(p.spending, dtype=np.float64)[:len(dates)],
    }, columns=list(SPENDING_COLUMNS)) for p in out.policies]
    if not parts:
        return pd.DataFrame(columns=list(SPENDING_COLUMNS))
    return pd.concat(parts, ignore_index=True)


def policy_results_frame(scenario: str, replication: int, out: RunResult) -> pd.DataFrame:
    """One replication's declared policy results as tidy rows (policy, result, month)."""
    dates = list(out.dates)
    parts = [pd.DataFrame({
        "scenario": scenario, "replication": replication, "date": dates, "label": p.label,
        "result": name, "value": np.asarray(values, dtype=np.float64)[:len(dates)],
    }, columns=list(POLICY_RESULT_COLUMNS))
        for p in out.policies for name, values in p.results.items()]
    if not parts:
        return pd.DataFrame(columns=list(POLICY_RESULT_COLUMNS))
    return pd.concat(parts, ignore_index=True)


