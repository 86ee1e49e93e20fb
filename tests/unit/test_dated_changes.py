"""Dated scenario changes apply from their month, and not before (simulation/dated.py).

The README's example (``labour.matching.efficiency: {2023-01: 0.2}``) and a registry of better
quality from July 2022 must leave every indicator bit-identical before their month and move
them from it. Runs are small (2,000 households, the short burn-in), about a quarter of a second
each.
"""

from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pytest
from short_burn_in import SHORT_PARAMS

from simulation.dated import settings_by_step
from simulation.households import ConsumptionSettings
from simulation.labour_market import LabourSettings
from simulation.macro import compile_paths
from simulation.measures import INDICATOR_NAMES
from simulation.model import PovertyModel, run_model
from simulation.parameter_set import baseline_parameters, month_index
from simulation.scenarios import load_scenario
from simulation.streams import Streams
from simulation.targeting import Registry

ROOT = Path(__file__).resolve().parents[2]
BASELINE = ROOT / "scenarios" / "baseline.yaml"


def first_difference(a: dict, b: dict) -> str | None:
    """The first month in which any indicator of two runs differs (None if none does)."""
    for i, date in enumerate(a["date"]):
        for name in INDICATOR_NAMES:
            x, y = a[name][i], b[name][i]
            if not (x == y or (np.isnan(x) and np.isnan(y))):
                return date
    return None


def compare(changes: dict, end: str, policies=()) -> str | None:
    base = run_model(SHORT_PARAMS, 2000, 3, end=end, policies=policies)
    changed = run_model(SHORT_PARAMS.with_changes(changes), 2000, 3, end=end, policies=policies)
    assert base["date"] == changed["date"]
    return first_difference(base, changed)


# ------------------------------------------------------------------ whole runs
def test_the_readme_example_changes_the_path_from_2023_01_on():
    assert compare({"labour.matching.efficiency": {"2023-01": 0.2}}, "2023-04") == "2023-01"


def test_a_better_registry_from_2022_07_changes_the_baseline_programmes_from_then():
    policies = load_scenario(BASELINE).policies
    changes = {"targeting.registry.rank_correlation": {"2022-07": 0.7}}
    assert compare(changes, "2022-09", policies) == "2022-07"


def test_a_better_registry_from_the_first_step_applies_from_it():
    policies = load_scenario(BASELINE).policies
    changes = {"targeting.registry.rank_correlation": {"2021-04": 0.9}}
    assert compare(changes, "2021-06", policies) == "2021-04"


def test_a_date_after_the_run_changes_nothing():
    assert compare({"labour.matching.efficiency": {"2023-01": 0.2}}, "2022-12") is None


def test_the_model_selects_each_steps_settings():
    params = SHORT_PARAMS.with_changes({"labour.matching.efficiency": {"2021-06": 0.2},
                                        "households.consumption.buffer_drawdown_rate":
                                            {"2021-05": 0.5}})
    model = PovertyModel(params, n_households=500, seed=1, end="2021-07")
    seen = []
    while model.t < model.paths.n_steps:
        model.step()
        seen.append((model.labour.matching_efficiency,
                     model.consumption_rules.buffer_drawdown_rate))
    base = SHORT_PARAMS
    eff, drawdown = (base.value("labour.matching.efficiency"),
                     base.value("households.consumption.buffer_drawdown_rate"))
    assert seen == [(eff, drawdown), (eff, 0.5), (0.2, 0.5), (0.2, 0.5)]  # 2021-04 .. 2021-07


# ------------------------------------------------------------------ settings by step
def test_settings_are_shared_while_their_values_do_not_change():
    months = compile_paths(baseline_parameters(), "2024-12").months
    steps = LabourSettings.for_steps(baseline_parameters(), months)
    assert len(steps) == len(months) and all(s is steps[0] for s in steps)
    params = baseline_parameters().with_changes({"labour.matching.efficiency": {"2023-01": 0.2}})
    steps = LabourSettings.for_steps(params, months)
    cut = int(np.searchsorted(months, month_index("2023-01")))
    assert all(s is steps[0] for s in steps[:cut]) and all(s is steps[cut] for s in steps[cut:])
    assert steps[cut - 1].matching_efficiency != 0.2 and steps[cut].matching_efficiency == 0.2
    assert steps[cut].informal_pay is not None


def test_from_params_gives_the_march_2021_values():
    params = baseline_parameters().with_changes(
        {"households.consumption.buffer_drawdown_rate": {"2020-01": 0.9, "2022-01": 0.7}})
    rule = ConsumptionSettings.from_params(params)
    assert rule.buffer_drawdown_rate == baseline_parameters().value(
        "households.consumption.buffer_drawdown_rate")


def test_settings_by_step_reads_each_path_once_and_rebuilds_only_on_change():
    calls = []

    def build(values):
        calls.append(values.value("labour.matching.efficiency"))
        return object()

    params = baseline_parameters().with_changes(
        {"labour.matching.efficiency": {"2021-05": 0.2, "2021-07": 0.2, "2021-08": 0.3}})
    months = [month_index(m) for m in ("2021-03", "2021-04", "2021-05", "2021-06", "2021-07",
                                       "2021-08")]
    out = settings_by_step(build, params, months)
    assert calls == [params.value("labour.matching.efficiency"), 0.2, 0.3]
    assert [len({id(o) for o in out[:k]}) for k in range(1, 7)] == [1, 1, 2, 2, 2, 3]


# ------------------------------------------------------------------ the exogenous paths
@pytest.mark.parametrize("path, change, arrays", [
    ("macro.output.sector_growth_multiplier", [2.0, 1.0, 1.0],
     ("sector_growth_monthly", "sector_output")),
    ("macro.output.population_growth", 0.02, ("population_rel", "gdp_pc_rel")),
    ("labour.earnings.formal_minimum_wage_weight", 0.9, ("formal_wage_index",)),
    ("poverty.lines.extreme_line", 400_000, ("extreme_line",)),
])
def test_dated_path_parameters_move_the_paths_from_their_month(path, change, arrays):
    base = compile_paths(baseline_parameters(), "2024-12")
    # (2024-01: after the extreme line's only date, 2023-03; before a parameter's first date
    # its first value applies.)
    new = compile_paths(baseline_parameters().with_changes({path: {"2024-01": change}}),
                        "2024-12")
    cut = int(np.searchsorted(base.months, month_index("2024-01")))
    for name in arrays:
        a, b = getattr(base, name), getattr(new, name)
        assert np.array_equal(a[..., :cut], b[..., :cut]), name
        assert (a[..., cut:] != b[..., cut:]).any(axis=-1).all() if a.ndim == 1 else (
            (a[0, cut:] != b[0, cut:]).all()), name


def test_a_population_growth_change_compounds_from_its_month():
    months = 24
    base = compile_paths(baseline_parameters(), "2023-03")
    g0 = baseline_parameters().value("macro.output.population_growth")
    new = compile_paths(baseline_parameters().with_changes(
        {"macro.output.population_growth": {"2022-03": 0.03}}), "2023-03")
    cut = 12  # 2022-03
    assert new.population_rel[cut - 1] == base.population_rel[cut - 1]
    want = (1 + g0) ** ((cut - 1) / 12) * 1.03 ** ((months - cut + 1) / 12)
    assert new.population_rel[months] == pytest.approx(want, rel=1e-12)


# ------------------------------------------------------------------ the registry
def test_a_new_rank_correlation_is_measured_the_month_before_it_applies():
    params = baseline_parameters().with_changes(
        {"targeting.registry.rank_correlation": {"2021-06": 1.0}})
    months = compile_paths(params, "2021-12").months
    consumption = np.linspace(300_000, 2_000_000, 50, dtype=np.float32)
    hh = SimpleNamespace(consumption=consumption, measured=consumption,
                         size=np.full(50, 2, dtype=np.int8), n=50)
    reg = Registry(params, hh, Streams(0), months)
    rho0 = reg.rho
    for t in range(1, 3):  # end of 2021-04 and 2021-05
        reg.tick(hh, t)
    assert reg.rho == 1.0 and reg.months_since_update == 0  # re-measured for 2021-06
    assert rho0 != 1.0
    assert (np.argsort(reg.score) == np.argsort(hh.consumption / hh.size)).all()
