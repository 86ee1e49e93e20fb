"""Make the shipped calibration files from a full and a validation calibration folder.

    python calibration/summarise.py outputs/calibration-full outputs/calibration-validation \
        [--draws 40] [--workers 1]

Writes, under calibration/:

- ``posterior.csv`` and ``posterior.json``: the full fit's posterior (copied unchanged, so the
  digest in posterior.json still holds), posterior.json gaining the fit summary;
- ``calibration_fit.csv``: every target of the full fit and the validation's forecasts, with
  the model's median and 90% band (posterior predictive: ``--draws`` weighted draws of the
  posterior, each run with its own seed, so the band carries parameter and sampling
  uncertainty), the published value and its observation error, ``in_sample`` (False for the
  forecasts), ``fit`` (full or validation);
- ``validation.csv``: the validation's forecasts (error, coverage, widened band);
- ``calibration_fit.png``: the chart of calibration_fit.csv (300 dpi).

The widened band of a forecast adds a discrepancy term estimated from this check: for each
forecast target, sd_d = |forecast error| (one check, one year ahead), and the widened 90% band is
median +/- sqrt(h^2 + (1.645 sd_d)^2), h the half-width of the predictive band.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from simulation import calibration as cal  # noqa: E402

OUT = ROOT / "calibration"


def _one(job: tuple) -> dict:
    changes, targets, households, seed, end = job
    sim = cal.Simulator(tuple(changes), tuple(targets),
                        cal.Settings(households=households, replications=1, particles=1,
                                     generations=1, seed=seed), end)
    return sim.simulate(changes)


def predictive(folder: Path, fit: str, draws: int, workers: int, seed: int = 1000) -> pd.DataFrame:
    """Posterior predictive of every target of a calibration folder's fit."""
    info = json.loads((folder / "posterior.json").read_text())
    paths, table, weights = cal.read_posterior_csv(folder / "posterior.csv")
    targets = cal.load_targets()
    shown = cal.reported_targets(targets, fit)
    end = cal.run_end(targets, fit)
    rng = np.random.default_rng(seed)
    pick = rng.choice(len(weights), size=draws, replace=True, p=weights / weights.sum())
    households = info["settings"]["households"]
    jobs = [({p: float(table[i, j]) for j, p in enumerate(paths)}, shown, households,
             seed + k, end) for k, i in enumerate(pick)]
    if workers > 1:
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn")) as ex:
            sims = list(ex.map(_one, jobs))
    else:
        sims = [_one(j) for j in jobs]
    rows = []
    for t in shown:
        v = np.array([s[t.key] for s in sims])
        rows.append({"target": t.name, "date": t.month, "published": t.published,
                     "unit": t.unit, "row": ";".join(map(str, t.rows)),
                     "model_median": float(np.median(v)),
                     "model_p05": float(np.quantile(v, 0.05)),
                     "model_p95": float(np.quantile(v, 0.95)),
                     "in_sample": fit in t.fits, "fit": fit, "error": t.error})
    out = pd.DataFrame(rows)
    out["z"] = (out["model_median"] - out["published"]) / out["error"]
    out["covered"] = (out["model_p05"] <= out["published"]) & (out["published"] <= out["model_p95"])
    return out


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("full")
    ap.add_argument("validation")
    ap.add_argument("--draws", type=int, default=40)
    ap.add_argument("--workers", type=int, default=1)
    args = ap.parse_args(argv)
    full, val = Path(args.full), Path(args.validation)
    fit_full = predictive(full, "full", args.draws, args.workers)
    fit_val = predictive(val, "validation", args.draws, args.workers)
    fc = fit_val[~fit_val["in_sample"]].copy()
    fc["forecast_error"] = fc["model_median"] - fc["published"]
    half = (fc["model_p95"] - fc["model_p05"]) / 2
    fc["discrepancy_sd"] = fc["forecast_error"].abs()
    wide = np.sqrt(half**2 + (1.645 * fc["discrepancy_sd"]) ** 2)
    fc["widened_p05"] = fc["model_median"] - wide
    fc["widened_p95"] = fc["model_median"] + wide
    fc.to_csv(OUT / "validation.csv", index=False, float_format="%.6g", lineterminator="\n")
    table = pd.concat([fit_full, fc[fit_val.columns]], ignore_index=True)
    table.to_csv(OUT / "calibration_fit.csv", index=False, float_format="%.6g",
                 lineterminator="\n")
    for name in ("posterior.csv", "posterior.json"):
        shutil.copyfile(full / name, OUT / name)
    info = json.loads((OUT / "posterior.json").read_text())
    assert info["posterior_sha256"] == cal.sha256(OUT / "posterior.csv")
    info["code_note"] = (
        "git_commit is HEAD when the run started; the calibration code was then the working "
        "tree on top of it, committed as 19c4c7c with one change on the simulation path: the "
        "2-worker sampler's tasks no longer pickle the sampler (generations 0 and 1 ran with "
        "1 worker, the rest was resumed with 2; same seeds, same tasks).")
    info["predictive"] = {
        "draws": args.draws, "seeds": "1000 + k (one per draw), households as in settings",
        "targets_covered_full_fit": f"{int(fit_full['covered'].sum())} of {len(fit_full)}",
        "validation_forecasts": {f"{r.target} {r.date}": {
            "published": r.published, "median": round(r.model_median, 4),
            "p05": round(r.model_p05, 4), "p95": round(r.model_p95, 4),
            "covered": bool(r.covered), "widened_p05": round(r.widened_p05, 4),
            "widened_p95": round(r.widened_p95, 4)} for r in fc.itertuples()},
        "validation_folder_posterior_sha256": cal.sha256(val / "posterior.csv"),
    }
    cal._write_json(OUT / "posterior.json", info)
    chart = table.copy()
    chart["target"] = np.where(chart["in_sample"], chart["target"],
                               chart["target"] + " (validation forecast)")
    cal.draw_fit(chart, OUT / "calibration_fit.png", info)
    print(table.to_string())
    print(fc[["target", "date", "published", "model_median", "model_p05", "model_p95",
              "covered", "widened_p05", "widened_p95"]].to_string())


if __name__ == "__main__":
    main()
