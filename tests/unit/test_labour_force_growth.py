"""One unit for growth (issue 15, item 5): the labour force grows as Sakernas says, a sample
worker stands for more real workers as it does, and informality stays near its level instead of
drifting down as total output grows over a fixed sample labour force."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from simulation.macro import compile_paths
from simulation.model import PovertyModel, run_model
from simulation.parameter_set import baseline_parameters, month_index
from simulation.scenarios import load_scenario

PARAMS = baseline_parameters()
ROOT = Path(__file__).resolve().parents[2]


def test_the_labour_force_follows_the_sakernas_august_rounds():
    """Rows 119, 120, 122: 140.15, 143.72 and 147.71 million in August 2021, 2022, 2023."""
    paths = compile_paths(PARAMS, "2024-12")
    at = {m: int(np.flatnonzero(paths.months == month_index(m))[0])
          for m in ("2021-08", "2022-08", "2023-08", "2024-08")}
    lf = paths.labour_force_rel
    assert lf[at["2022-08"]] / lf[at["2021-08"]] == pytest.approx(143.72 / 140.15, rel=1e-9)
    assert lf[at["2023-08"]] / lf[at["2022-08"]] == pytest.approx(147.71 / 143.72, rel=1e-9)
    # After August 2023: the working-age population's 1.51% a year (rows 131-132, assumption).
    assert lf[at["2024-08"]] / lf[at["2023-08"]] == pytest.approx(1.0151, rel=1e-4)
    # Faster than the population (1.06% a year): members per household rise.
    assert np.all(np.diff(lf / paths.population_rel)[1:30] > 0)


def test_worker_and_household_weights_grow_in_one_unit():
    m = PovertyModel(PARAMS, n_households=1_000, seed=1, end="2022-06")
    assert m.workers_per_household_rel == 1.0  # March 2021
    while m.t < m.paths.n_steps:
        m.step()
    assert m.worker_weight / m.sample_weight == pytest.approx(m.workers_per_household_rel)
    assert m.workers_per_household_rel > 1.0


def test_informality_stays_near_its_level_with_the_labour_force_growing():
    """Sakernas's informal share stayed at 59-60% (rows 141-144: 59.62% in February 2021,
    59.11% in August 2023); with total output over a fixed sample labour force (the labour force
    held at March 2021 here) the model's share fell by about 1.5 points by December 2024. Two
    seeds of 10,000 households (the between-seed sd of the change is about 0.3 points)."""
    sc = load_scenario(ROOT / "scenarios" / "baseline.yaml")
    flat = sc.params.with_changes({"macro.output.labour_force": 139.34})
    change = {}
    for name, params in (("growing", sc.params), ("flat", flat)):
        d = []
        for seed in (1, 2):
            r = run_model(params, 10_000, seed, policies=sc.policy_specs())
            share = r.indicators["informality_rate"]
            d.append(100 * (share[r.dates.index("2024-12")] - share[0]))
        change[name] = float(np.mean(d))
    assert abs(change["growing"]) < 1.5
    assert change["flat"] < change["growing"] - 1.0  # the check has power
