"""The record of the start's fit: the model's own cross-section before the burn-in's remap.

``PovertyModel.start_before_remap`` is measured just before the final rank-preserving remap
pins March 2021 to the fitted distribution; it travels in ``RunResult``, the jobs table and the
manifest, and ``benchmarks/stationarity.py`` prints it. These tests check that it is the state
the remap starts from (not the state after it), that a model without a burn-in has none, and
the script's ``--set`` option and its errors.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np
import pytest

import simulation.initial_state as ist
from simulation.experiments.running import run_experiment
from simulation.initial_state import BEFORE_REMAP
from simulation.model import PovertyModel
from simulation.parameter_set import baseline_parameters
from simulation.scenarios import load_scenario

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "benchmarks"))
import stationarity  # noqa: E402  (benchmarks/stationarity.py)


def test_the_record_is_the_state_the_remap_starts_from(monkeypatch):
    seen = {}
    remap = ist.pop.remap_consumption

    def spy(params, hh, paths):
        seen["measured"] = hh.measured.copy()
        remap(params, hh, paths)

    monkeypatch.setattr(ist.pop, "remap_consumption", spy)
    model = PovertyModel(baseline_parameters(), n_households=3_000, seed=4, end="2021-04")
    before = model.start_before_remap
    assert set(before) == set(BEFORE_REMAP)
    hh = model.households
    c_pc = seen["measured"].astype(np.float64) / hh.size
    w = hh.weight * hh.size
    line = float(model.paths.extreme_line[0])
    assert before["extreme_p0"] == pytest.approx(float(np.sum(w * (c_pc < line)) / w.sum()),
                                                 rel=1e-12)
    line = float(model.paths.national_line[0])
    assert before["national_p0"] == pytest.approx(float(np.sum(w * (c_pc < line)) / w.sum()),
                                                  rel=1e-12)
    # After the remap the state is another one (pinned to the fitted distribution).
    after = ist.cross_section(model)
    assert not np.array_equal(seen["measured"], hh.measured)
    assert after != before


def test_no_burn_in_no_record():
    params = baseline_parameters().with_changes({"population.welfare.burn_in_months": 0})
    model = PovertyModel(params, n_households=500, seed=1, end="2021-04")
    assert model.start_before_remap is None


def test_jobs_and_manifest_carry_it(tmp_path):
    base = load_scenario(ROOT / "scenarios" / "baseline.yaml")
    result = run_experiment([base], households=1_000, replications=2, seed=3, end="2021-05")
    for k in BEFORE_REMAP:
        column = result.jobs[f"before_remap_{k}"]
        assert column.notna().all() and (column > 0).all()
    # The two replications start from their own populations.
    assert result.jobs["before_remap_national_p0"].nunique() == 2


def test_stationarity_script_set_and_record(capsys):
    stationarity.main(["--households", "800", "--months", "2", "--every", "1",
                       "--set", "households.consumption.expectation_adjustment_rate=0"])
    out = capsys.readouterr().out
    assert "before the final remap: extreme P0" in out
    assert "not poor 12 months earlier" in out
    record = json.loads(out.strip().splitlines()[-1])
    assert record["settings"] == ["households.consumption.expectation_adjustment_rate=0"]
    assert set(record["before_remap"]) == set(BEFORE_REMAP)
    assert 0.0 <= record["flows"]["poor_entry_share"] <= 1.0


@pytest.mark.parametrize("setting, message", [
    ("foo.bar=1", "--set: foo.bar: expected a known parameter path"),
    ("nothing", "--set: nothing: expected PATH=VALUE"),
    ("households.consumption.expectation_adjustment_rate=abc",
     "--set: households.consumption.expectation_adjustment_rate: expected a fraction"),
])
def test_stationarity_script_refuses_a_bad_setting(setting, message, capsys):
    with pytest.raises(SystemExit) as stop:
        stationarity.main(["--households", "200", "--months", "1", "--set", setting])
    assert stop.value.code == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and message in err
