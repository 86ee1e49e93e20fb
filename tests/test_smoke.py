"""Smoke test: every scenario file builds with its policies and runs 10 seeded steps (Mesa's
test_examples), and the scenarios are told apart: each variant's policies act."""

from pathlib import Path

import numpy as np
import pytest

from simulation.model import PovertyModel
from simulation.scenarios import load_scenario

SCENARIOS = sorted((Path(__file__).resolve().parents[1] / "scenarios").glob("*.yaml"))
STEPS = 10
N_HOUSEHOLDS = 2000
HEADLINE = ("extreme_poverty_rate", "poverty_rate", "unemployment_rate", "informality_rate",
            "gini", "mean_consumption_pc")
# A short start keeps each build to a fraction of a second; the policies act in it as usual.
SHORT = {"population.welfare.burn_in_months": 6, "population.welfare.fit_iterations": 1,
         "population.welfare.fit_months": 2}


def test_there_are_scenarios():
    assert any(p.name == "baseline.yaml" for p in SCENARIOS)
    assert len(SCENARIOS) >= 6


def _run(path: Path) -> PovertyModel:
    scenario = load_scenario(path)
    model = PovertyModel(scenario.params.with_changes(SHORT), n_households=N_HOUSEHOLDS, seed=1,
                         policies=scenario.policies)
    for _ in range(STEPS):
        model.step()
    return model


@pytest.fixture(scope="module")
def runs() -> dict[str, PovertyModel]:
    return {p.stem: _run(p) for p in SCENARIOS}


@pytest.mark.parametrize("name", [p.stem for p in SCENARIOS])
def test_scenario_runs_ten_steps(runs, name):
    model = runs[name]
    assert model.t == STEPS
    values = model.recorder.as_dict()
    for indicator in HEADLINE:
        series = np.asarray(values[indicator][: STEPS + 1])
        assert np.all(np.isfinite(series)), indicator
        assert np.all(series >= 0), indicator
    assert np.all(model.households.consumption >= 0)
    path = next(p for p in SCENARIOS if p.stem == name)
    assert len(model.policies) == len(load_scenario(path).policies)


def test_scenarios_are_told_apart(runs):
    """Same seed, same start: each variant's spending differs from the baseline's."""
    base = sum(p.spent.sum() for p in runs["baseline"].policies)
    for name, model in runs.items():
        if name == "baseline":
            continue
        spent = sum(p.spent.sum() for p in model.policies)
        assert spent != base, f"{name} spends exactly what the baseline spends"
