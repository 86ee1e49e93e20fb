"""Regenerate tests/regression/baseline.yaml from the current model.

Run only after a deliberate model change, and say in the commit message why the numbers moved:

    python tests/regression/update_baseline.py

The baseline is current-model output, not external estimates (those live in tests/calibration).
``tests/regression/test_baseline.py`` imports :func:`summarise` from this file, so the test and
the fixture always measure the same thing.
"""

from __future__ import annotations

import math
import sys
from pathlib import Path

import yaml

from simulation.model import PovertyModel
from simulation.parameter_set import baseline_parameters

BASELINE = Path(__file__).resolve().with_name("baseline.yaml")

HEADER = """\
# Regression baseline: current-model output, not external estimates; refresh with
# tests/regression/update_baseline.py only after a deliberate model change.
# A fixed small run (config below) of the baseline parameters; the model is deterministic given
# the seed and the same on every CPU, so tests/regression/test_baseline.py compares exactly.
"""

CONFIG = {"n_households": 5000, "seed": 1, "end": "2022-03"}
MONTHS = ("2021-03", "2021-09", "2022-03")
INDICATORS = (
    "extreme_poverty_rate",
    "extreme_poverty_gap",
    "poverty_rate",
    "poverty_gap",
    "poverty_severity",
    "extreme_poverty_rate_households",
    "gini",
    "mean_consumption_pc",
    "unemployment_rate",
    "informality_rate",
    "poor_entry_share",
    "poor_exit_share",
)


def summarise(config: dict) -> dict:
    """Run the configured model and return ``{indicator: {month: value}}`` (NaNs left out)."""
    params = baseline_parameters()
    model = PovertyModel(params, n_households=config["n_households"], seed=config["seed"],
                         end=config["end"])
    out = model.run()
    rows = {d: i for i, d in enumerate(out["date"])}
    summary: dict[str, dict[str, float]] = {}
    for name in INDICATORS:
        values = {m: float(out[name][rows[m]]) for m in MONTHS}
        summary[name] = {m: v for m, v in values.items() if not math.isnan(v)}
    summary["_state"] = {
        "n_workers": int(model.workers.n),
        "n_employers": int(model.employer_state.n),
        "sum_savings": float(model.households.savings.astype("float64").sum()),
        "sum_earnings": float(model.workers.earnings.astype("float64").sum()),
    }
    return summary


def main() -> None:
    data = {
        "config": {**CONFIG, "parameters_digest": baseline_parameters().digest()},
        "summary": summarise(CONFIG),
    }
    BASELINE.write_text(HEADER + yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    print(f"wrote {BASELINE}", file=sys.stderr)


if __name__ == "__main__":
    main()
