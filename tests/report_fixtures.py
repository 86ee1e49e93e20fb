"""Test fixtures for povsim report: a sweep folder and a calibration folder made up in code.

These are NOT model output. They are written in the formats ``povsim report`` reads (issue 11's
sweep folder, issue 16's calibration folder) so that the charts that need them can be tested
before those tools exist. The numbers are made up by a formula, and every file says so.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd

NOTE = "TEST FIXTURE made by tests/report_fixtures.py: made-up numbers, not model output"


def write_sweep(folder: Path, *, outcome: str = "band_2024_03", runs: int = 120,
                seed: int = 7) -> Path:
    """A sweep folder: two levers, one uncertainty, a boolean band outcome and a PRIM box."""
    folder.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(seed)
    training = rng.uniform(0, 3, runs)
    padat = rng.uniform(0, 3, runs)
    elasticity = rng.uniform(0.2, 0.8, runs)
    chance = 1 / (1 + np.exp(-(1.6 * training + 1.2 * padat - 4.5)))
    band = rng.random(runs) < chance
    spec = {
        "note": NOTE,
        "inputs": [
            {"name": "training_scale", "kind": "lever", "path": "policies.prakerja.scale",
             "range": [0, 3], "label": "Training scale", "unit": "x published size"},
            {"name": "padat_karya_scale", "kind": "lever", "path": "policies.padat_karya.scale",
             "range": [0, 3], "label": "Padat karya scale", "unit": "x published size"},
            {"name": "informal_output_elasticity", "kind": "uncertainty",
             "path": "labour.earnings.informal_output_elasticity", "range": [0.2, 0.8]},
        ],
        "outcomes": [
            {"name": "extreme_poverty_2024_03", "label": "Extreme poverty, March 2024",
             "unit": "fraction of persons"},
            {"name": outcome, "label": "Extreme poverty at or below 1% in March 2024",
             "unit": "true/false"},
            {"name": "band_2024_12", "label": "Extreme poverty at or below 1% in December 2024",
             "unit": "true/false"},
        ],
        "design": {"kind": "lhs", "runs": runs},
        "seed": seed,
    }
    (folder / "sweep.json").write_text(json.dumps(spec, indent=2), encoding="utf-8")
    frame = pd.DataFrame({
        "run": np.arange(runs), "seed": rng.integers(0, 2**31, runs),
        "training_scale": training, "padat_karya_scale": padat,
        "informal_output_elasticity": elasticity,
        "extreme_poverty_2024_03": 0.012 - 0.001 * (training + padat),
        outcome: band, "band_2024_12": band, "error": [""] * runs,
    })
    frame.loc[3, "error"] = "made-up failure (fixture)"
    frame.to_csv(folder / "runs.csv", index=False)
    discovery = {"note": NOTE, "boxes": [{
        "limits": {"training_scale": [1.6, 3.0], "padat_karya_scale": [1.2, 3.0]},
        "coverage": 0.71, "density": 0.83, "n": 31}]}
    (folder / "discovery.json").write_text(json.dumps(discovery, indent=2), encoding="utf-8")
    return folder


def write_calibration(folder: Path) -> Path:
    """A calibration folder: fit.csv (targets of calibration/targets.csv) and calibration.json."""
    folder.mkdir(parents=True, exist_ok=True)
    rows = [  # target, date, published, unit, row, median, p05, p95, in_sample
        ("extreme_poverty_rate", "2021-03", 2.14, "percent", 2, 2.14, 2.05, 2.22, True),
        ("extreme_poverty_rate", "2022-03", 2.04, "percent", 6, 1.78, 1.60, 1.95, True),
        ("extreme_poverty_rate", "2023-03", 1.12, "percent", 9, 1.45, 1.25, 1.66, False),
        ("open_unemployment_rate", "2021-02", 6.26, "percent", 100, 6.2, 6.0, 6.4, True),
        ("open_unemployment_rate", "2023-08", 5.32, "percent", 114, 5.5, 5.2, 5.8, False),
        ("informal_employment_share", "2022-08", 59.31, "percent", 143, 59.4, 59.1, 59.7,
         True),
    ]
    frame = pd.DataFrame(rows, columns=["target", "date", "published", "unit", "row",
                                        "model_median", "model_p05", "model_p95",
                                        "in_sample"])
    frame.to_csv(folder / "fit.csv", index=False)
    info = {"note": NOTE, "method": "made-up (test fixture)", "settings": {},
            "provenance": {"made_by": "tests/report_fixtures.py"}}
    (folder / "calibration.json").write_text(json.dumps(info, indent=2), encoding="utf-8")
    return folder
