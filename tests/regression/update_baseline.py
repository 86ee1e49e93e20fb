"""Regenerate the regression fixtures in tests/regression/ from the current model.

Run only after a deliberate model change, and say in the commit message why the numbers moved:

    python tests/regression/update_baseline.py

Two fixtures, both current-model output, not external estimates (those live in
tests/calibration):

* ``core_world.yaml``: the baseline parameters with no policies (labour market, shocks,
  households, measurement);
* ``baseline_scenario.yaml``: ``scenarios/baseline.yaml`` with all its programmes.

``tests/regression/test_baseline.py`` imports :func:`summarise` from this file, so the test and
the fixtures always measure the same thing.
"""

from __future__ import annotations

import hashlib
import json
import math
import sys
from pathlib import Path

import yaml

from simulation.model import PovertyModel
from simulation.parameter_set import ParameterSet, baseline_parameters
from simulation.policies import make_policy
from simulation.scenarios import load_scenario

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]

HEADER = """\
# Regression fixture: current-model output, not external estimates; refresh with
# tests/regression/update_baseline.py only after a deliberate model change.
# {what}
# The model is deterministic given the seed and the same on every CPU, so
# tests/regression/test_baseline.py compares exactly.
"""

WORLDS = {
    "core_world": {
        "what": "A fixed small run (config below) of the baseline parameters with no policies.",
        "config": {"scenario": None, "n_households": 5000, "seed": 1, "end": "2022-03"},
    },
    "baseline_scenario": {
        "what": "A fixed small run (config below) of scenarios/baseline.yaml, all programmes.",
        "config": {"scenario": "scenarios/baseline.yaml", "n_households": 3000, "seed": 2,
                   "end": "2022-03"},
    },
}
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


def world(config: dict) -> tuple[ParameterSet, list]:
    """The parameters and policy specs of a fixture's config."""
    if config["scenario"] is None:
        return baseline_parameters(), []
    sc = load_scenario(ROOT / config["scenario"])
    return sc.params, sc.policy_specs()


def parameters_digest(params: ParameterSet, policies: list) -> str:
    """SHA-256 of the parameters a world can read: all but other programmes' files.

    A programme's parameter file (``programmes.<group>``) counts only when a policy of the world
    takes its defaults from it, so adding a lever (its module and parameter file) leaves the
    fixtures of worlds without it as they are.
    """
    groups = set()
    for spec in policies:
        policy = make_policy(dict(spec))
        for name in policy.ARGS:
            try:
                groups.add(policy.parameter_path(name).rsplit(".", 1)[0])
            except KeyError:
                continue
    values = {path: value for path, value in params.to_dict().items()
              if not path.startswith("programmes.") or path.rsplit(".", 1)[0] in groups}
    blob = json.dumps(values, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(blob.encode()).hexdigest()


def summarise(config: dict) -> dict:
    """Run the configured world and return ``{indicator: {month: value}}`` (NaNs left out)."""
    params, policies = world(config)
    model = PovertyModel(params, n_households=config["n_households"], seed=config["seed"],
                         end=config["end"], policies=policies)
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
    for name, spec in WORLDS.items():
        config = spec["config"]
        data = {
            "config": {**config, "parameters_digest": parameters_digest(*world(config))},
            "summary": summarise(config),
        }
        path = HERE / f"{name}.yaml"
        path.write_text(HEADER.format(what=spec["what"]) + yaml.safe_dump(data, sort_keys=False),
                        encoding="utf-8")
        print(f"wrote {path}", file=sys.stderr)


if __name__ == "__main__":
    main()
