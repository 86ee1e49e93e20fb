"""Indonesia at full scale: one sample household per real household, run in blocks.

About 69.5 million households (:func:`national_households`: the March-2021 population of
271.6 million, rows 39-40 of calibration/targets.csv, over the mean household size 3.91 of
``population.households.size_distribution``, an assumption) do not fit in 24 GiB as one model
(about 600 bytes per household at the build's peak with the baseline programmes). So the nation
is split into ``blocks`` of at most ``block_households`` households. Each block is a complete
:class:`~simulation.model.PovertyModel` (its own employers, labour market, registry and
programmes): a national sample of its size, with its own seed, whose programmes have their
national sizes and budgets (places and money per person are the national ones). Blocks run in
separate processes (``processes`` at a time) and return additive monthly totals (persons, poor
persons, poverty gaps, labour-force counts, a fine histogram of per-capita consumption,
spending). Each block's totals count for its share of the households (``n_block / total``), so
pooled, every sample household stands for one real household (weight about 1), and the sums
give the national indicators.

What the blocks change: labour markets match within a block, not across the nation. With
millions of households per block and a constant-returns matching function, hires per seeker are
the same in expectation; blocks are the natural seam for the regional dimension (a province or
a group of districts per block, once the model has regions). The Gini is computed from the
summed histogram (4,096 log-spaced bins from Rp 1,000 to Rp 10^10, within-bin equality), so it
is exact to about 0.001.

Resumable: with ``out_dir``, each finished block is saved (``block_<i>.npz``) and an interrupted
run started again with the same arguments skips the blocks already done. Every option, the
scenario and the folder are checked before the first block starts (one line, exit status 2,
nothing written); the folder must be new, empty or this same run's (its ``run.json``), never one
holding other files. Ctrl-C, SIGTERM and SIGHUP stop the block processes (exit 130, 143, 129),
keep the finished blocks, and leave nothing when there are none.

    python -m simulation.fullscale --processes 2 --out outputs/fullscale

On a ``dask.distributed`` cluster (``--scheduler tcp://host:8786``, or
``run_full_scale(client=...)``) the blocks are Dask tasks instead of local processes: a block
lost with its worker is rerun by the scheduler on another worker, and finished blocks are
saved and resumed the same way. A Dask worker runs block after block in one process (no fresh
process per block), so give each worker memory for its largest block.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import math
import os
import re
import resource
import sys
import time
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from multiprocessing import get_context
from pathlib import Path
from typing import Any

import numpy as np

from simulation import detmath, inputs
from simulation.allocator import on_worker
from simulation.errors import InputError
from simulation.initial_state import BEFORE_REMAP
from simulation.measures import INDICATOR_NAMES, gini
from simulation.parameter_set import ParameterSet, baseline_parameters

_LN10 = detmath.log(10.0)
#: Log-spaced bins of per-capita consumption for the national Gini (Rp per person per month).
GINI_EDGES = np.concatenate([[0.0], detmath.power(10.0, np.linspace(3, 10, 4097))])

#: Additive monthly totals a block returns (numerators and denominators of the indicators).
TOTALS = (
    "persons", "households", "extreme_poor_persons", "extreme_gap", "extreme_severity",
    "poor_persons", "gap", "severity", "extreme_poor_households", "extreme_gap_households",
    "extreme_severity_households", "poor_households", "gap_households", "severity_households",
    "labour_force", "unemployed", "employed", "informal", "consumption", "poor_now",
    "poor_then", "entered", "exited",
)


def national_households(params: ParameterSet | None = None) -> int:
    """Households in Indonesia: March-2021 population over the mean household size.

    271.6 million persons (``population.households.total_persons``, from rows 39-40) over
    the mean of ``population.households.size_distribution`` (3.91, an assumption: the national
    household count was not in the collected data) = about 69.5 million. The same count bounds
    the size of household programmes (:func:`simulation.inputs.population_bounds`).
    """
    return inputs.population_bounds(params).households


def block_sizes(total: int, block_households: int) -> list[int]:
    """Split ``total`` households into the fewest blocks of at most ``block_households``."""
    if total < 1 or block_households < 1:
        raise ValueError("total and block_households must be at least 1")
    k = math.ceil(total / block_households)
    base, extra = divmod(total, k)
    return [base + (1 if i < extra else 0) for i in range(k)]


def peak_rss_mb() -> float:
    """Peak resident set size of this process in MB (ru_maxrss is KiB on Linux, bytes on macOS)."""
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return rss / 2**20 if sys.platform == "darwin" else rss / 2**10


def consumption_histogram(c_pc: np.ndarray, w_p: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Persons and consumption by bin of :data:`GINI_EDGES` (bin 0: below Rp 1,000)."""
    n_log = len(GINI_EDGES) - 2  # log-spaced bins between 10^3 and 10^10
    pos = (detmath.log(np.maximum(c_pc, 1e-30)) / _LN10 - 3.0) * (n_log / 7.0)
    idx = np.clip(np.floor(pos).astype(np.int64) + 1, 0, n_log)
    persons = np.bincount(idx, weights=w_p, minlength=n_log + 1)
    spend = np.bincount(idx, weights=c_pc * w_p, minlength=n_log + 1)
    return persons, spend


def _histogram_now(model) -> tuple[np.ndarray, np.ndarray]:
    hh = model.households
    w_p = hh.weight * float(model.paths.population_rel[model.t]) * hh.size
    return consumption_histogram(hh.measured / hh.size, w_p)


def block_totals(model, indicators: dict) -> dict[str, np.ndarray]:
    """Additive monthly totals (:data:`TOTALS`) from a run's recorded indicators.

    Each rate the model recorded times its denominator: persons (``population``), households
    (sample weights times population growth), the labour force (weighted slots, as
    :func:`~simulation.measures.labour_indicators` counts them, times labour-force growth),
    the employed, the poor now and
    the poor twelve months earlier (their persons now, as the entry and exit shares weigh them).
    """
    hh, w = model.households, model.workers
    rel = np.asarray(model.paths.population_rel[: len(indicators["date"])], dtype=np.float64)
    rate = {k: np.asarray(v, dtype=np.float64) for k, v in indicators.items() if k != "date"}
    persons = rate["population"]
    households = float(hh.weight.sum()) * rel
    lf_rel = np.asarray(model.paths.labour_force_rel[: len(rel)], dtype=np.float64)
    labour_force = float(hh.weight[w.household].sum()) * lf_rel
    unemployed = rate["unemployment_rate"] * labour_force
    employed = labour_force - unemployed
    poor = rate["poverty_rate"] * persons
    poor_then = np.full(len(rel), np.nan)
    poor_then[12:] = poor[:-12] * rel[12:] / rel[:-12]
    out = {"persons": persons, "households": households, "labour_force": labour_force,
           "unemployed": unemployed, "employed": employed,
           "informal": rate["informality_rate"] * employed,
           "consumption": rate["mean_consumption_pc"] * persons,
           "poor_now": poor, "poor_then": poor_then,
           "entered": rate["poor_entry_share"] * poor,
           "exited": rate["poor_exit_share"] * poor_then}
    for head, line in (("extreme_", "extreme_poverty"), ("", "poverty")):
        for tail, total in (("", persons), ("_households", households)):
            out[f"{head}poor_{'households' if tail else 'persons'}"] = (
                rate[f"{line}_rate{tail}"] * total)
            out[f"{head}gap{tail}"] = rate[f"{line}_gap{tail}"] * total
            out[f"{head}severity{tail}"] = rate[f"{line}_severity{tail}"] * total
    if set(out) != set(TOTALS):  # a programming error, not bad input: name what is off
        raise RuntimeError(f"block totals {sorted(set(out) ^ set(TOTALS))} do not match TOTALS")
    return out


def run_block(params: ParameterSet, n_households: int, seed: np.random.SeedSequence,
              share: float, end: str, policies: list, save_base: str | None = None,
              base: str | None = None) -> dict:
    """Build and run one block; return its monthly totals, spending and timings.

    With ``save_base``, the block's burned-in model (its state in March 2021, before any
    monthly step) is also pickled to that file for other blocks to start from. With ``base``,
    the block does not build: it starts from that file's burned-in model (a national sample
    built with another block's seed) and draws everything from April 2021 on from its own
    ``seed`` (:func:`start_from_base`).
    """
    import pickle

    from simulation.model import PovertyModel

    t0 = time.perf_counter()
    if base is None:
        model = PovertyModel(params, n_households=n_households, seed=seed, end=end,
                             policies=policies)
        if save_base is not None:
            tmp = save_base + ".tmp"
            with open(tmp, "wb") as f:
                pickle.dump(model, f, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(tmp, save_base)
    else:
        with open(base, "rb") as f:
            model = start_from_base(pickle.load(f), seed)
    t1 = time.perf_counter()
    hists = [_histogram_now(model)]
    indicators = model.run(progress=lambda _: hists.append(_histogram_now(model)))
    t2 = time.perf_counter()
    out: dict = block_totals(model, indicators)
    out["hist_persons"] = np.stack([h[0] for h in hists])
    out["hist_consumption"] = np.stack([h[1] for h in hists])
    out["extreme_line"] = np.asarray(indicators["extreme_line"], dtype=np.float64)
    out["national_line"] = np.asarray(indicators["national_line"], dtype=np.float64)
    spending = model.spending()
    out["spending_labels"] = np.array(list(spending), dtype=object)
    out["spending"] = (np.stack([spending[k] for k in spending]) if spending
                       else np.zeros((0, model.t + 1)))
    out["dates"] = np.array(indicators["date"])
    out["households_in_block"] = model.households.n
    out["from_base"] = base is not None
    out["share"] = share
    out["seconds_build"], out["seconds_run"] = t1 - t0, t2 - t1
    out["peak_rss_mb"] = peak_rss_mb()
    # The block's own start before the burn-in's final remap (a base's, for a block from one).
    before = model.start_before_remap or {}
    for key in BEFORE_REMAP:
        out[f"before_remap_{key}"] = float(before.get(key, float("nan")))
    return out


def start_from_base(model, seed: np.random.SeedSequence):
    """A burned-in model to run as another block: its own random streams from April 2021 on.

    The state in March 2021 (households, workers, employers, registry, programmes' records)
    is the base's; every draw of the monthly steps comes from ``seed``'s streams, so the
    block's path after March 2021 is independent of the base's own block given that state.
    """
    from simulation.streams import Streams

    if model.t != 0:
        raise RuntimeError("a base must be a burned-in model that has not stepped yet")
    model.streams = Streams(seed)
    return model


def _gini_from_histogram(persons: np.ndarray, spend: np.ndarray) -> float:
    """Gini of the binned distribution (each bin's persons at its mean consumption)."""
    keep = persons > 0
    return gini(spend[keep] / persons[keep], persons[keep]) if keep.any() else 0.0


def national_indicators(blocks: list[dict]) -> dict[str, np.ndarray | list[str]]:
    """Sum the blocks' totals, each counted for its share, into the model's indicators.

    Returns the indicators of :data:`~simulation.measures.INDICATOR_NAMES` by month.
    """
    tot = {k: sum(float(b["share"]) * np.asarray(b[k], dtype=np.float64) for b in blocks)
           for k in TOTALS}
    hist_p = sum(float(b["share"]) * b["hist_persons"] for b in blocks)
    hist_c = sum(float(b["share"]) * b["hist_consumption"] for b in blocks)
    persons, households = tot["persons"], tot["households"]
    with np.errstate(invalid="ignore", divide="ignore"):
        out = {
            "extreme_poverty_rate": tot["extreme_poor_persons"] / persons,
            "extreme_poor_persons": tot["extreme_poor_persons"],
            "poverty_rate": tot["poor_persons"] / persons,
            "poor_persons": tot["poor_persons"],
            "extreme_poverty_gap": tot["extreme_gap"] / persons,
            "extreme_poverty_severity": tot["extreme_severity"] / persons,
            "poverty_gap": tot["gap"] / persons,
            "poverty_severity": tot["severity"] / persons,
            "extreme_poverty_rate_households": tot["extreme_poor_households"] / households,
            "extreme_poverty_gap_households": tot["extreme_gap_households"] / households,
            "extreme_poverty_severity_households": tot["extreme_severity_households"] / households,
            "poverty_rate_households": tot["poor_households"] / households,
            "poverty_gap_households": tot["gap_households"] / households,
            "poverty_severity_households": tot["severity_households"] / households,
            "unemployment_rate": tot["unemployed"] / tot["labour_force"],
            "informality_rate": tot["informal"] / tot["employed"],
            "gini": np.array([_gini_from_histogram(hist_p[i], hist_c[i])
                              for i in range(len(persons))]),
            "mean_consumption_pc": tot["consumption"] / persons,
            "extreme_line": np.asarray(blocks[0]["extreme_line"]),
            "national_line": np.asarray(blocks[0]["national_line"]),
            "poor_entry_share": tot["entered"] / tot["poor_now"],
            "poor_exit_share": tot["exited"] / tot["poor_then"],
            "population": persons,
        }
    steps = np.arange(len(persons))
    out["poor_entry_share"] = np.where(steps >= 12, out["poor_entry_share"], np.nan)
    out["poor_exit_share"] = np.where(steps >= 12, out["poor_exit_share"], np.nan)
    if set(out) != set(INDICATOR_NAMES):
        raise RuntimeError(f"pooled indicators {sorted(set(out) ^ set(INDICATOR_NAMES))} do not "
                           "match INDICATOR_NAMES")
    return {"date": [str(d) for d in blocks[0]["dates"]], **out}


def _save_block(path: Path, block: dict) -> None:
    tmp = path.with_suffix(".tmp.npz")
    np.savez(tmp, **{k: np.asarray(v) for k, v in block.items()})
    os.replace(tmp, path)


def _load_block(path: Path) -> dict:
    with np.load(path, allow_pickle=True) as f:
        return {k: f[k] for k in f.files}


#: Files fullscale writes into its folder; a folder holding anything else is not its own.
_OWN_FILES = re.compile(r"run\.json|summary\.json|timeseries\.csv|block_\d+_of_\d+_\d+_\d+\.npz"
                        r"|base_\d+_of_\d+_\d+_\d+\.pkl(\.tmp)?"
                        r"|block_\d+_of_\d+_\d+_\d+\.tmp\.npz|(summary\.json|timeseries\.csv)\.tmp")
#: Most blocks in one run (each is a process start and a saved file).
MAX_BLOCKS = 1_000
CMD = "<command line>"


def run_record(params: ParameterSet, policies: list, total: int, sizes: list[int], seed: int,
               end: str, bases: int | None = None) -> dict:
    """What ``run.json`` records: the run its saved blocks belong to."""
    return {"parameters_digest": params.digest(), "end": end, "seed": seed,
            "households": total, "blocks": sizes,
            "bases": len(sizes) if bases is None else min(int(bases), len(sizes)),
            "policies": [p.to_dict() if hasattr(p, "to_dict") else dict(p) for p in policies]}


def _foreign_files(folder: Path, names: list[str]) -> list[str]:
    """The files of ``folder`` fullscale did not write (all of them without a run.json)."""
    if "run.json" not in names:
        return names
    return [n for n in names if not _OWN_FILES.fullmatch(n)]


def _record_text(run: dict) -> str:
    return json.dumps(run, indent=1, sort_keys=True, default=str)


def check_folder(out_dir: str | Path, run: dict, *, file: str = CMD,
                 key: str = "--out") -> Path:
    """Check the output folder before anything runs; return it.

    New, empty, or a fullscale folder of this same run (its ``run.json`` equal to ``run``)
    holding only fullscale's files; never a folder holding other files (another tool's
    ``summary.json``, notes), which fullscale would overwrite or mix with its own.

    Raises:
        InputError: naming ``file`` and ``key`` (or the folder's ``run.json``).
    """
    out = inputs.check_out_dir(out_dir, file=file, key=key, foreign=_foreign_files)
    path = out / "run.json"
    if path.exists():
        try:
            found = json.loads(inputs.read_text(path))
        except (InputError, ValueError):
            found = None
        if found != json.loads(_record_text(run)):
            raise InputError(str(path), key, "a folder of this same run to resume (its blocks "
                             "belong to another run: other parameters, programmes, seed, end or "
                             "sizes); use another --out")
    return out


def _claim_folder(out: Path, run: dict) -> bool:
    """Record what run the folder's blocks belong to; return whether run.json was written now.

    Raises:
        InputError: for a folder of another run.
    """
    path = out / "run.json"
    if path.exists():
        check_folder(out, run, file="run_full_scale", key="out_dir")
        return False
    tmp = out / "run.json.tmp"
    tmp.write_text(_record_text(run), encoding="utf-8")
    os.replace(tmp, path)
    return True


def check_sizes(total: Any, block_households: Any, processes: Any, seed: Any, end: Any,
                params: ParameterSet, *, file: str = "run_full_scale",
                prefix: str = "") -> list[int]:
    """Check the run's sizes before anything runs; return the block sizes.

    ``total`` from :data:`~simulation.experiments.HOUSEHOLDS_MIN` to the national household
    count (one sample household per real household at most), blocks from ``HOUSEHOLDS_MIN`` to
    :data:`~simulation.experiments.HOUSEHOLDS_MAX` households and at most :data:`MAX_BLOCKS` of
    them, ``processes`` from 1 to :data:`~simulation.experiments.WORKERS_MAX`, the seed from 0
    to 2^63 - 1 and ``end`` a month of the model's calendar.

    Raises:
        InputError: naming ``file`` and the option (``prefix`` + name).
    """
    from simulation import experiments as ex

    national = national_households(params)
    for name, value, lo, hi, unit in (
            ("households", total, ex.HOUSEHOLDS_MIN, national, _HOUSEHOLDS_NOTE),
            ("block-households" if prefix else "block_households", block_households,
             ex.HOUSEHOLDS_MIN, ex.HOUSEHOLDS_MAX, ""),
            ("processes", processes, 1, ex.WORKERS_MAX, ""),
            ("seed", seed, 0, ex.SEED_MAX, "")):
        if isinstance(value, bool) or not isinstance(value, int | np.integer):
            raise InputError(file, prefix + name, f"an integer from {lo:,} to {hi:,}", value)
        inputs.parse_int(int(value), file=file, key=prefix + name, lo=lo, hi=hi, unit=unit)
    ex.check_end(end, file=file, key=prefix + "end")
    sizes = block_sizes(int(total), int(block_households))
    key = prefix + ("block-households" if prefix else "block_households")
    if len(sizes) > MAX_BLOCKS:
        raise InputError(file, key, f"at most {MAX_BLOCKS:,} blocks ({int(total):,} households "
                         f"in blocks of {int(block_households):,} make {len(sizes):,})",
                         block_households)
    if min(sizes) < ex.HOUSEHOLDS_MIN:
        raise InputError(file, key, f"blocks of at least {ex.HOUSEHOLDS_MIN:,} households "
                         f"({int(total):,} households in blocks of at most "
                         f"{int(block_households):,} make {len(sizes)} of {min(sizes):,})",
                         block_households)
    return sizes


def _missing_ancestors(folder: Path) -> list[Path]:
    """``folder`` and its ancestors that do not exist yet, deepest first."""
    missing = []
    while not os.path.lexists(folder) and folder != folder.parent:
        missing.append(folder)
        folder = folder.parent
    return missing


def run_full_scale(params: ParameterSet | None = None, policies: list | None = None,
                   households: int | None = None, block_households: int = 12_000_000,
                   processes: int = 2, seed: int = 20210301, end: str = "2024-12",
                   out_dir: str | Path | None = None, log=print, client: Any = None,
                   bases: int | None = None) -> dict:
    """Run the nation in blocks; return national indicators, block figures and timings.

    Every input is checked before any block starts (:func:`check_sizes`, :func:`check_folder`).
    On an error, Ctrl-C or SIGTERM the block processes are stopped; a folder this call made
    (and its ``run.json``) is removed again unless it holds a saved block, which a later call
    with the same arguments resumes from.

    Args:
        params: Parameters (default: the baseline).
        policies: Policy specs or objects (default: none; pass a scenario's
            ``policy_specs()`` for its programmes).
        households: Households in all (default: :func:`national_households`).
        block_households: Most households in one block (memory: about 0.6 kB each at peak).
        processes: Blocks run at the same time (each in its own process).
        seed: Root seed; block ``i`` gets ``SeedSequence(seed).spawn(k)[i]``.
        end: Last month, ``YYYY-MM``.
        out_dir: Where finished blocks are saved (and found again when resuming).
        log: Called with one line per finished block.
        client: A ``distributed.Client``: run the blocks as tasks on its Dask cluster
            (``processes`` is then ignored). A block lost with its worker is rerun by the
            scheduler on another worker; finished blocks are saved and resumed as locally.
        bases: Blocks that build their own start (population and burn-in), the first
            ``bases``; block ``i`` after them starts from a copy of block ``i % bases``'s
            burned-in model with its own random streams from April 2021 on
            (:func:`start_from_base`), a speed-up for local runs (two bases build side by
            side on two processes). Default: the number of blocks (every block builds its
            own start), so the answer does not depend on ``processes`` or the executor; the
            same ``bases`` gives the same answer with any ``processes``. With ``client``
            ``bases`` must be the number of blocks (Dask workers on other machines need not
            share a folder to pass a start through).

    Raises:
        InputError: for sizes out of range or a folder that cannot be used.
    """
    params = params if params is not None else baseline_parameters()
    policies = list(policies or [])
    total = int(households) if households is not None else national_households(params)
    sizes = check_sizes(total, block_households, processes, seed, end, params)
    seeds = np.random.SeedSequence(seed).spawn(len(sizes))
    if bases is None:
        bases = len(sizes)  # every block builds its own start: the same answer anywhere
    if isinstance(bases, bool) or not isinstance(bases, int | np.integer) or bases < 1:
        raise InputError("run_full_scale", "bases", "an integer of at least 1", bases)
    bases = min(int(bases), len(sizes))
    if client is not None and bases < len(sizes):
        raise InputError("run_full_scale", "bases", _CLUSTER_BASES, bases)
    run = run_record(params, policies, total, sizes, seed, end, bases)
    out = None
    if out_dir is not None:
        out = Path(os.path.abspath(check_folder(out_dir, run, file="run_full_scale",
                                                key="out_dir")))
    with inputs.stop_on_signals():
        return _run_blocks(params, policies, total, sizes, seeds, processes, seed, end, out,
                           run, log, bases, client)


_CLUSTER_BASES = ("the number of blocks on a Dask cluster (its workers need not share the folder "
                  "a burned-in base is passed through)")


def build_base(params: ParameterSet, n_households: int, seed: np.random.SeedSequence,
               end: str, policies: list, path: str) -> None:
    """Build a block's burned-in model and pickle it to ``path`` (a base for other blocks)."""
    import pickle

    from simulation.model import PovertyModel

    model = PovertyModel(params, n_households=n_households, seed=seed, end=end,
                         policies=policies)
    tmp = path + ".tmp"
    with open(tmp, "wb") as f:
        pickle.dump(model, f, protocol=pickle.HIGHEST_PROTOCOL)
    os.replace(tmp, path)


def base_of(i: int, bases: int) -> int | None:
    """The base block that block ``i`` starts from (None: it builds its own start)."""
    return None if i < bases else i % bases


class _Executor:
    """Blocks as tasks: spawned processes (one fresh process per block) or a Dask cluster."""

    def __init__(self, processes: int, tasks: int, client: Any = None):
        self.client = client
        self.futures: list = []
        if client is None:
            # A fresh process per block: memory a finished block leaves fragmented in the
            # allocator is not carried into the next one (it was 3.7 GB per process at 11.6 M).
            self.pool = ProcessPoolExecutor(max_workers=max(1, min(processes, tasks)),
                                            mp_context=get_context("spawn"),
                                            max_tasks_per_child=1,
                                            initializer=inputs.worker_init,
                                            initargs=(os.getpid(),))

    def submit(self, fn, *args, **kwargs):
        if self.client is not None:
            # The allocator's thresholds for large arrays first (simulation.allocator).
            fut = self.client.submit(on_worker, fn, *args, pure=False, **kwargs)
        else:
            fut = self.pool.submit(fn, *args, **kwargs)
        self.futures.append(fut)
        return fut

    def wait_first(self, futures: list) -> set:
        if self.client is not None:
            from distributed import wait as dask_wait

            return set(dask_wait(futures, return_when="FIRST_COMPLETED").done)
        return wait(futures, return_when=FIRST_COMPLETED)[0]

    def shutdown(self) -> None:
        if self.client is None:
            self.pool.shutdown(wait=True)

    def stop(self) -> None:
        if self.client is None:
            inputs.stop_pool(self.pool)
        else:
            with contextlib.suppress(Exception):
                self.client.cancel(self.futures)


def _run_blocks(params: ParameterSet, policies: list, total: int, sizes: list[int],
                seeds: list, processes: int, seed: int, end: str, out: Path | None, run: dict,
                log, bases: int | None = None, client: Any = None) -> dict:
    bases = len(sizes) if bases is None else min(int(bases), len(sizes))
    made = _missing_ancestors(out) if out is not None else []
    wrote_record = False
    saved_now: list[Path] = []
    blocks: dict[int, dict] = {}
    todo = []
    executor = None
    scratch = None  # a folder for the bases when there is no output folder
    t0 = time.perf_counter()
    try:
        if out is not None:
            out.mkdir(parents=True, exist_ok=True)
            wrote_record = _claim_folder(out, run)
        for i, n in enumerate(sizes):
            path = out / f"block_{i:03d}_of_{len(sizes):03d}_{n}_{seed}.npz" if out else None
            if path is not None and path.exists():
                blocks[i] = _load_block(path)
                log(f"block {i + 1}/{len(sizes)}: {n:,} households, found in {path}")
            else:
                todo.append((i, n, path))
        t0 = time.perf_counter()
        if todo:
            wanted = {base_of(i, bases) for i, _, _ in todo} - {None}
            if wanted and out is None:
                import tempfile

                scratch = Path(tempfile.mkdtemp(prefix="povsim-bases-"))
            where = out if out is not None else scratch

            def base_file(b: int) -> str:
                return str(where / f"base_{b:03d}_of_{bases:03d}_{sizes[b]}_{seed}.pkl")

            executor = _Executor(processes, len(todo), client)
            pending: dict = {}
            waiting = []  # blocks that start from a base not saved yet
            for i, n, path in todo:
                b = base_of(i, bases)
                if b is None:
                    save = base_file(i) if i in wanted else None
                    fut = executor.submit(run_block, params, n, seeds[i], n / total, end, policies,
                                      save_base=save)
                    pending[fut] = ("block", i, n, path)
                else:
                    waiting.append((i, n, path))
            for b in sorted(wanted):
                if b not in {i for i, _, _ in todo} and not os.path.exists(base_file(b)):
                    # The base's own block is saved but its start is gone: build it again.
                    fut = executor.submit(build_base, params, sizes[b], seeds[b], end, policies,
                                      base_file(b))
                    pending[fut] = ("base", b, sizes[b], None)

            def submit_ready():
                for item in list(waiting):
                    i, n, path = item
                    src = base_file(base_of(i, bases))
                    if os.path.exists(src):
                        fut = executor.submit(run_block, params, n, seeds[i], n / total, end,
                                          policies, base=src)
                        pending[fut] = ("block", i, n, path)
                        waiting.remove(item)

            submit_ready()
            while pending:
                done = executor.wait_first(list(pending))
                for fut in done:
                    kind, i, n, path = pending.pop(fut)
                    result = fut.result()
                    if kind == "block":
                        if path is not None:
                            _save_block(path, result)
                            saved_now.append(path)
                        blocks[i] = result
                        start = (f"from base block {base_of(i, bases) + 1}"
                                 if bool(result["from_base"]) else "build")
                        log(f"block {i + 1}/{len(sizes)}: {n:,} households, {start} "
                            f"{float(result['seconds_build']):.0f} s, run "
                            f"{float(result['seconds_run']):.0f} s, peak RSS "
                            f"{float(result['peak_rss_mb']):,.0f} MB")
                submit_ready()
            if waiting:  # pragma: no cover - every base is built or rebuilt above
                raise RuntimeError(f"blocks {[i for i, _, _ in waiting]} found no base")
            executor.shutdown()
            for b in wanted:  # every block is done: the starts are no longer needed
                with contextlib.suppress(OSError):
                    os.unlink(base_file(b))
    except BaseException:
        with inputs.signals_deferred():  # a second signal must not cut the cleanup short
            if executor is not None:
                executor.stop()
            if out is not None:
                _clean_folder(out, wrote_record, made)
        raise
    finally:
        if scratch is not None:
            import shutil

            shutil.rmtree(scratch, ignore_errors=True)
    wall = time.perf_counter() - t0
    ordered = [blocks[i] for i in range(len(sizes))]
    return {
        "indicators": national_indicators(ordered),
        "households": total,
        "blocks": sizes,
        "processes": processes if client is None else sum(client.nthreads().values()),
        "scheduler": None if client is None else client.scheduler.address,
        "wall_seconds": wall,
        "households_run_now": sum(n for _, n, _ in todo),
        "block_build_seconds": [float(b["seconds_build"]) for b in ordered],
        "block_run_seconds": [float(b["seconds_run"]) for b in ordered],
        "block_peak_rss_mb": [float(b["peak_rss_mb"]) for b in ordered],
        "block_from_base": [bool(b.get("from_base", False)) for b in ordered],
        # Each block's own March-2021 cross-section before the remap (NaN for blocks saved by an
        # older version): how much the remap does (README, known limits).
        "block_before_remap": [{k: float(b.get(f"before_remap_{k}", float("nan")))
                                for k in BEFORE_REMAP} for b in ordered],
        "spending": {str(k): np.sum([float(b["share"]) * b["spending"][j] for b in ordered],
                                    axis=0)
                     for j, k in enumerate(ordered[0]["spending_labels"])},
    }


def saved_blocks(out: Path) -> list[Path]:
    """The finished blocks saved in ``out``."""
    try:
        return sorted(p for p in out.iterdir()
                      if p.name.startswith("block_") and not p.name.endswith(".tmp.npz"))
    except OSError:
        return []


def _clean_folder(out: Path, wrote_record: bool, made: list[Path]) -> None:
    """Clean up after a failed or stopped run.

    Temporary files go; so does what this run made (the run.json it wrote, the folders it
    created) unless a finished block is saved, which the same command resumes from.
    """
    for tmp in list(out.glob("*.tmp")) + list(out.glob("*.tmp.npz")):
        with contextlib.suppress(OSError):
            tmp.unlink()
    if saved_blocks(out):
        return  # kept (and the bases): the same command resumes from them
    for base in out.glob("base_*_of_*.pkl"):
        with contextlib.suppress(OSError):
            base.unlink()
    if wrote_record:
        with contextlib.suppress(OSError):
            (out / "run.json").unlink()
    for folder in made:  # deepest first; only if empty
        with contextlib.suppress(OSError):
            folder.rmdir()


def _write_atomic(path: Path, text: str) -> None:
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


def build_parser() -> argparse.ArgumentParser:
    """The ``python -m simulation.fullscale`` parser (values are checked later, as InputErrors)."""
    from simulation import experiments as ex

    ap = inputs.OneLineParser(
        prog="python -m simulation.fullscale", description=__doc__.split("\n\n")[0],
        epilog="A bad option prints one line and exits with status 2, writing nothing. Ctrl-C, "
               "SIGTERM and SIGHUP stop the block processes and exit with status 130, 143 and "
               "129; saved blocks are kept (the same command resumes), else nothing is left.")
    ap.add_argument("--scenario", default=None,
                    help="scenario file whose parameters and programmes to run (default: the "
                         "baseline parameters without programmes)")
    ap.add_argument("--households", default=None, metavar="N",
                    help=f"households in all, {ex.HOUSEHOLDS_MIN:,} to the national count "
                         "(the default, about 69.5 M)")
    ap.add_argument("--block-households", default="12000000", metavar="N",
                    help=f"most households in one block, {ex.HOUSEHOLDS_MIN:,} to "
                         f"{ex.HOUSEHOLDS_MAX:,}, at most {MAX_BLOCKS:,} blocks "
                         "(default 12,000,000; about 0.6 kB each at peak)")
    ap.add_argument("--processes", default="2", metavar="P",
                    help=f"blocks run at the same time, 1 to {ex.WORKERS_MAX} (default 2)")
    ap.add_argument("--scheduler", default=None, metavar="ADDRESS",
                    help="run the blocks as tasks on a dask.distributed cluster "
                         "(tcp://host:8786) instead of local processes")
    ap.add_argument("--seed", default="20210301", metavar="S",
                    help="root seed, 0 to 2^63 - 1 (default 20210301)")
    ap.add_argument("--end", default="2024-12", metavar="YYYY-MM",
                    help=f"last month, {ex.END_MIN} to {ex.END_MAX} (default 2024-12)")
    ap.add_argument("--bases", default=None, metavar="B",
                    help="blocks that build their own start (population and burn-in); the "
                         "others start from a copy of one of them with their own random "
                         "numbers from April 2021 on (default: the number of blocks, every "
                         "block builds its own; e.g. --bases 2 builds two side by side; not with "
                         "--scheduler)")
    ap.add_argument("--out", default="outputs/fullscale", metavar="DIR",
                    help="folder for blocks and results: new, empty, or this same run's folder "
                         "to resume (default outputs/fullscale)")
    return ap


_HOUSEHOLDS_NOTE = "(Indonesia's households: one sample household per real household at most)"


def main(argv: list[str] | None = None) -> int:
    """``python -m simulation.fullscale``: run the nation in blocks, print and save figures.

    Exit status: 0 on success, 2 for bad input (one line on stderr, nothing written), 130 on
    Ctrl-C, 143 on SIGTERM, 129 on SIGHUP.
    """
    argv = list(sys.argv[1:] if argv is None else argv)
    out: Path | None = None
    try:
        args = build_parser().parse_args(argv)
        with inputs.stop_on_signals():
            out = Path(args.out)
            return _main(args)
    except InputError as exc:
        print(f"fullscale: error: {exc.one_line()}", file=sys.stderr)
        return 2
    except inputs.UsageError as exc:
        print(f"fullscale: error: {CMD}: {exc}", file=sys.stderr)
        return 2
    except SystemExit as exc:  # --help
        return exc.code if isinstance(exc.code, int) else 0
    except KeyboardInterrupt as exc:  # Ctrl-C, or SIGTERM / SIGHUP (inputs.StopRequested)
        kept = saved_blocks(out) if out is not None else []
        note = (f"{len(kept)} finished block(s) kept in {out}; run the same command to resume"
                if kept else "nothing was left")
        print(f"fullscale: interrupted ({inputs.signal_name(exc)}); {note}", file=sys.stderr)
        return inputs.exit_status(exc)


def _main(args: argparse.Namespace) -> int:
    from simulation import experiments as ex

    # 1. Check everything before creating anything.
    block_households = inputs.parse_int(args.block_households, file=CMD, key="--block-households",
                                        lo=ex.HOUSEHOLDS_MIN, hi=ex.HOUSEHOLDS_MAX)
    processes = inputs.parse_int(args.processes, file=CMD, key="--processes", lo=1,
                                 hi=ex.WORKERS_MAX)
    seed = inputs.parse_int(args.seed, file=CMD, key="--seed", lo=0, hi=ex.SEED_MAX)
    ex.check_end(args.end)
    params, policies = baseline_parameters(), []
    if args.scenario is not None:
        from simulation.scenarios import load_scenario

        sc = load_scenario(args.scenario)
        sc.check_run(args.end)
        params, policies = sc.params, sc.policy_specs()
    total = (inputs.parse_int(args.households, file=CMD, key="--households",
                              lo=ex.HOUSEHOLDS_MIN, hi=national_households(params),
                              unit=_HOUSEHOLDS_NOTE)
             if args.households is not None else national_households(params))
    sizes = check_sizes(total, block_households, processes, seed, args.end, params, file=CMD,
                        prefix="--")
    bases = (min(inputs.parse_int(args.bases, file=CMD, key="--bases", lo=1, hi=MAX_BLOCKS),
                 len(sizes)) if args.bases is not None else len(sizes))
    if args.scheduler is not None and bases < len(sizes):
        raise InputError(CMD, "--bases", _CLUSTER_BASES + " with --scheduler", args.bases)
    check_folder(args.out, run_record(params, policies, total, sizes, seed, args.end, bases))
    client = None
    if args.scheduler is not None:
        from simulation.sweeps.runner import dask_client

        client = dask_client(args.scheduler)

    # 2. Run (saving blocks), then write the results.
    monitor = _MemoryMonitor()
    monitor.start()
    t0 = time.perf_counter()
    try:
        res = run_full_scale(params, policies, total, block_households, processes, seed,
                             args.end, args.out, log=lambda s: print(s, flush=True),
                             client=client, bases=bases)
    finally:
        monitor.stop()
        if client is not None:
            client.close()
    ind = res["indicators"]
    dates = ind["date"]
    months = len(dates) - 1
    summary = {
        "households": res["households"], "months": months, "blocks": res["blocks"],
        "processes": res["processes"], "scheduler": res["scheduler"],
        "bases": min(bases, len(res["blocks"])),
        "block_from_base": res["block_from_base"],
        "block_before_remap": res["block_before_remap"],
        # This invocation: blocks found in --out (a resumed run) are not timed again.
        "wall_seconds": time.perf_counter() - t0,
        "households_run_now": res["households_run_now"],
        "household_months_per_second": res["households_run_now"] * months
        / max(res["wall_seconds"], 1e-9) if res["households_run_now"] else None,
        # Each block in its own process, as it was run (build = population and burn-in).
        "block_build_seconds": res["block_build_seconds"],
        "block_run_seconds": res["block_run_seconds"],
        "block_peak_rss_mb": res["block_peak_rss_mb"],
        "machine_peak_used_mb": monitor.peak_used_mb,
        "scenario": args.scenario,
        "extreme_poverty_rate": {d: float(ind["extreme_poverty_rate"][i])
                                 for i, d in enumerate(dates) if d[5:] in ("03", "09", "12")},
        "unemployment_rate": {d: float(ind["unemployment_rate"][i])
                              for i, d in enumerate(dates) if d[5:] in ("02", "08")},
    }
    out = Path(args.out)
    _write_atomic(out / "summary.json", json.dumps(summary, indent=1))
    names = list(INDICATOR_NAMES)
    lines = ["date," + ",".join(names)]
    for i, d in enumerate(dates):
        lines.append(d + "," + ",".join(f"{float(ind[n][i]):.10g}" for n in names))
    _write_atomic(out / "timeseries.csv", "\n".join(lines) + "\n")
    print(json.dumps(summary))
    return 0


class _MemoryMonitor:
    """Samples the machine's used memory (MemTotal - MemAvailable) every second."""

    def __init__(self):
        import threading

        self.peak_used_mb = 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    @staticmethod
    def used_mb() -> float:
        try:
            info = dict(line.split(":", 1) for line in
                        Path("/proc/meminfo").read_text().splitlines())
        except OSError:
            return float("nan")
        kb = lambda k: float(info[k].split()[0])  # noqa: E731
        return (kb("MemTotal") - kb("MemAvailable")) / 1024

    def _run(self) -> None:
        while not self._stop.is_set():
            self.peak_used_mb = max(self.peak_used_mb, self.used_mb())
            self._stop.wait(1.0)

    def start(self) -> None:
        self.baseline_used_mb = self.used_mb()
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join()


if __name__ == "__main__":
    sys.exit(main())
