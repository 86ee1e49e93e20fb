"""The EMA Workbench adapter (simulation.ema) and its example script."""

from __future__ import annotations

import importlib.util
import warnings
from pathlib import Path

import pytest

from simulation.errors import InputError

pytest.importorskip("ema_workbench")

ROOT = Path(__file__).resolve().parents[2]


def _model(**kwargs):
    from simulation.ema import povsim_model

    defaults = {"uncertainties": {"matching_efficiency": ("labour.matching.efficiency", 0.12,
                                                          0.2)},
                "levers": {"prakerja_scale": ("policy:prakerja.scale", 0, 3)},
                "households": 1000,
                "outcomes": ["extreme_poverty_rate_2024_12", "band_2024_12",
                             "persons_lifted_2024_12"],
                "counterfactual": ROOT / "scenarios" / "no_programmes.yaml"}
    return povsim_model(**{**defaults, **kwargs})


def test_the_model_has_workbench_parameters_and_outcomes():
    from ema_workbench import RealParameter, ScalarOutcome

    model = _model()
    assert [u.name for u in model.uncertainties] == ["matching_efficiency"]
    assert isinstance(model.uncertainties["matching_efficiency"], RealParameter)
    assert [lv.name for lv in model.levers] == ["prakerja_scale"]
    names = [o.name for o in model.outcomes]
    assert names[:3] == ["extreme_poverty_rate_2024_12", "band_2024_12",
                         "persons_lifted_2024_12"]
    assert all(isinstance(o, ScalarOutcome) for o in model.outcomes)


def test_the_workbench_runs_it_with_common_random_numbers():
    from ema_workbench import Samplers, SequentialEvaluator

    model = _model()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with SequentialEvaluator(model) as evaluator:
            experiments, outcomes = evaluator.perform_experiments(
                scenarios=2, policies=2, uncertainty_sampling=Samplers.LHS,
                lever_sampling=Samplers.LHS)
    assert len(experiments) == 4
    assert set(outcomes["band_2024_12"]) <= {0.0, 1.0}
    # The same scenario under another policy: same seed, so the same function call for the
    # same inputs gives the same bits.
    fn = model.function
    row = experiments.iloc[0]
    values = {"matching_efficiency": row["matching_efficiency"],
              "prakerja_scale": row["prakerja_scale"]}
    again = fn(**values)
    assert again["extreme_poverty_rate_2024_12"] == outcomes["extreme_poverty_rate_2024_12"][0]


def test_a_bad_lever_is_refused_as_in_a_sweep_file():
    with pytest.raises(InputError, match="a lever: a policy argument of the base scenario"):
        _model(levers={"x": ("labour.matching.efficiency", 0, 1)})
    with pytest.raises(InputError, match="known parameter path"):
        _model(uncertainties={"x": ("labour.matching.eficiency", 0, 1)})


def test_the_example_script_runs(capsys):
    spec = importlib.util.spec_from_file_location(
        "ema_workbench_example", ROOT / "scenarios" / "scripts" / "ema_workbench.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    table = module.main(["--households", "1000", "--scenarios", "2", "--policies", "2",
                         "--workers", "1"])
    printed = capsys.readouterr().out
    assert "Extreme poverty in December 2024 by lever point" in printed and "PRIM" in printed
    assert len(table) == 2 and (table["poverty_pct"] > 0).all()
