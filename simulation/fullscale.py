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
run started again with the same arguments skips the blocks already done.

    python -m simulation.fullscale --processes 2 --out outputs/fullscale
"""

from __future__ import annotations

import argparse
import json
import math
import os
import resource
import sys
import time
from concurrent.futures import ProcessPoolExecutor, as_completed
from multiprocessing import get_context
from pathlib import Path

import numpy as np

from simulation import detmath
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
    household count was not in the collected data) = about 69.5 million.
    """
    p = params if params is not None else baseline_parameters()
    shares = np.asarray(p.value("population.households.size_distribution"), dtype=np.float64)
    mean_size = float((shares / shares.sum() * np.arange(1, len(shares) + 1)).sum())
    return int(round(p.value("population.households.total_persons") / mean_size))


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
    return consumption_histogram(hh.consumption / hh.size, w_p)


def block_totals(model, indicators: dict) -> dict[str, np.ndarray]:
    """Additive monthly totals (:data:`TOTALS`) from a run's recorded indicators.

    Each rate the model recorded times its denominator: persons (``population``), households
    (sample weights times population growth), the labour force (weighted slots, as
    :func:`~simulation.measures.labour_indicators` counts them), the employed, the poor now and
    the poor twelve months earlier (their persons now, as the entry and exit shares weigh them).
    """
    hh, w = model.households, model.workers
    rel = np.asarray(model.paths.population_rel[: len(indicators["date"])], dtype=np.float64)
    rate = {k: np.asarray(v, dtype=np.float64) for k, v in indicators.items() if k != "date"}
    persons = rate["population"]
    households = float(hh.weight.sum()) * rel
    labour_force = np.full(len(rel), float(hh.weight[w.household].sum()))
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
    assert set(out) == set(TOTALS)
    return out


def run_block(params: ParameterSet, n_households: int, seed: np.random.SeedSequence,
              share: float, end: str, policies: list) -> dict:
    """Build and run one block; return its monthly totals, spending and timings."""
    from simulation.model import PovertyModel

    t0 = time.perf_counter()
    model = PovertyModel(params, n_households=n_households, seed=seed, end=end,
                         policies=policies)
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
    out["households_in_block"] = n_households
    out["share"] = share
    out["seconds_build"], out["seconds_run"] = t1 - t0, t2 - t1
    out["peak_rss_mb"] = peak_rss_mb()
    return out


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
    assert set(out) == set(INDICATOR_NAMES)
    return {"date": [str(d) for d in blocks[0]["dates"]], **out}


def _save_block(path: Path, block: dict) -> None:
    tmp = path.with_suffix(".tmp.npz")
    np.savez(tmp, **{k: np.asarray(v) for k, v in block.items()})
    os.replace(tmp, path)


def _load_block(path: Path) -> dict:
    with np.load(path, allow_pickle=True) as f:
        return {k: f[k] for k in f.files}


def _claim_folder(out: Path, run: dict) -> None:
    """Record what run the folder's blocks belong to; refuse a folder of another run."""
    path = out / "run.json"
    text = json.dumps(run, indent=1, sort_keys=True, default=str)
    if path.exists():
        if json.loads(path.read_text(encoding="utf-8")) != json.loads(text):
            raise ValueError(f"{path}: the blocks in {out} belong to another run (other "
                             "parameters, programmes, seed, end or sizes); use another --out")
        return
    path.write_text(text, encoding="utf-8")


def run_full_scale(params: ParameterSet | None = None, policies: list | None = None,
                   households: int | None = None, block_households: int = 12_000_000,
                   processes: int = 2, seed: int = 20210301, end: str = "2024-12",
                   out_dir: str | Path | None = None, log=print) -> dict:
    """Run the nation in blocks; return national indicators, block figures and timings.

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
    """
    params = params if params is not None else baseline_parameters()
    policies = list(policies or [])
    total = int(households) if households is not None else national_households(params)
    sizes = block_sizes(total, block_households)
    seeds = np.random.SeedSequence(seed).spawn(len(sizes))
    out = Path(out_dir) if out_dir is not None else None
    if out is not None:
        out.mkdir(parents=True, exist_ok=True)
        _claim_folder(out, {"parameters_digest": params.digest(), "end": end, "seed": seed,
                            "households": total, "blocks": sizes,
                            "policies": [p.to_dict() if hasattr(p, "to_dict") else dict(p)
                                         for p in policies]})
    blocks: dict[int, dict] = {}
    todo = []
    for i, n in enumerate(sizes):
        path = out / f"block_{i:03d}_of_{len(sizes):03d}_{n}_{seed}.npz" if out else None
        if path is not None and path.exists():
            blocks[i] = _load_block(path)
            log(f"block {i + 1}/{len(sizes)}: {n:,} households, found in {path}")
        else:
            todo.append((i, n, path))
    t0 = time.perf_counter()
    if todo:
        ctx = get_context("spawn")
        # A fresh process per block: memory a finished block leaves fragmented in the
        # allocator is not carried into the next one (it was 3.7 GB per process at 11.6 M).
        with ProcessPoolExecutor(max_workers=max(1, min(processes, len(todo))),
                                 mp_context=ctx, max_tasks_per_child=1) as pool:
            futures = {pool.submit(run_block, params, n, seeds[i], n / total, end, policies):
                       (i, n, path) for i, n, path in todo}
            for fut in as_completed(futures):
                i, n, path = futures[fut]
                block = fut.result()
                if path is not None:
                    _save_block(path, block)
                blocks[i] = block
                log(f"block {i + 1}/{len(sizes)}: {n:,} households, build "
                    f"{float(block['seconds_build']):.0f} s, run "
                    f"{float(block['seconds_run']):.0f} s, peak RSS "
                    f"{float(block['peak_rss_mb']):,.0f} MB")
    wall = time.perf_counter() - t0
    ordered = [blocks[i] for i in range(len(sizes))]
    return {
        "indicators": national_indicators(ordered),
        "households": total,
        "blocks": sizes,
        "processes": processes,
        "wall_seconds": wall,
        "households_run_now": sum(n for _, n, _ in todo),
        "block_build_seconds": [float(b["seconds_build"]) for b in ordered],
        "block_run_seconds": [float(b["seconds_run"]) for b in ordered],
        "block_peak_rss_mb": [float(b["peak_rss_mb"]) for b in ordered],
        "spending": {str(k): np.sum([float(b["share"]) * b["spending"][j] for b in ordered],
                                    axis=0)
                     for j, k in enumerate(ordered[0]["spending_labels"])},
    }


def main(argv: list[str] | None = None) -> None:
    """``python -m simulation.fullscale``: run the nation in blocks, print and save figures."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--scenario", default=None,
                    help="scenario file whose parameters and programmes to run (default: the "
                         "baseline parameters without programmes)")
    ap.add_argument("--households", type=int, default=None,
                    help="households in all (default: the national count, about 69.5 M)")
    ap.add_argument("--block-households", type=int, default=12_000_000)
    ap.add_argument("--processes", type=int, default=2)
    ap.add_argument("--seed", type=int, default=20210301)
    ap.add_argument("--end", default="2024-12")
    ap.add_argument("--out", default="outputs/fullscale", help="folder for blocks and results")
    args = ap.parse_args(argv)
    for name in ("households", "block_households", "processes"):
        value = getattr(args, name)
        if value is not None and value < 1:
            ap.error(f"--{name.replace('_', '-')} must be at least 1, not {value}")
    from simulation.errors import InputError
    from simulation.experiments import check_end

    params, policies = baseline_parameters(), []
    try:
        check_end(args.end)
        if args.scenario:
            from simulation.scenarios import load_scenario

            sc = load_scenario(args.scenario)
            params, policies = sc.params, sc.policy_specs()
    except InputError as exc:
        ap.exit(2, f"fullscale: error: {exc.one_line()}\n")
    monitor = _MemoryMonitor()
    monitor.start()
    t0 = time.perf_counter()
    try:
        res = run_full_scale(params, policies, args.households, args.block_households,
                             args.processes, args.seed, args.end, args.out,
                             log=lambda s: print(s, flush=True))
    except ValueError as exc:  # a folder of another run
        monitor.stop()
        ap.exit(2, f"fullscale: error: {exc}\n")
    monitor.stop()
    ind = res["indicators"]
    dates = ind["date"]
    months = len(dates) - 1
    summary = {
        "households": res["households"], "months": months, "blocks": res["blocks"],
        "processes": args.processes,
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
    (out / "summary.json").write_text(json.dumps(summary, indent=1), encoding="utf-8")
    with open(out / "timeseries.csv", "w", encoding="utf-8") as f:
        names = list(INDICATOR_NAMES)
        f.write("date," + ",".join(names) + "\n")
        for i, d in enumerate(dates):
            f.write(d + "," + ",".join(f"{float(ind[n][i]):.10g}" for n in names) + "\n")
    print(json.dumps(summary))


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
    main()
