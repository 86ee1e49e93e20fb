"""Seeded regression test: a small fixed run reproduces tests/regression/baseline.yaml.

The fixture is current-model output, not external estimates. If this fails after a deliberate
model change, run ``python tests/regression/update_baseline.py`` and commit the new baseline with
the reason; if it fails otherwise, something changed the model by accident.
"""

import importlib.util
from pathlib import Path

import pytest
import yaml

from simulation.parameter_set import baseline_parameters

HERE = Path(__file__).resolve().parent
# Compared exactly: results are bit-identical on every CPU (tests/regression/test_cpu_features.py)
# and YAML keeps every float in its shortest round-trip form.


def _updater():
    spec = importlib.util.spec_from_file_location("update_baseline", HERE / "update_baseline.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def stored():
    return yaml.safe_load((HERE / "baseline.yaml").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def current(stored):
    config = {k: v for k, v in stored["config"].items() if k != "parameters_digest"}
    return _updater().summarise(config)


def test_header_says_what_the_fixture_is():
    text = (HERE / "baseline.yaml").read_text(encoding="utf-8")
    assert "current-model output, not external estimates" in text.splitlines()[0]


def test_config_matches_the_updater(stored):
    updater = _updater()
    config = {k: v for k, v in stored["config"].items() if k != "parameters_digest"}
    assert config == updater.CONFIG
    assert set(stored["summary"]) == set(updater.INDICATORS) | {"_state"}


def test_baseline_parameters_unchanged(stored):
    assert stored["config"]["parameters_digest"] == baseline_parameters().digest(), (
        "the baseline parameters changed; if deliberate, run tests/regression/update_baseline.py")


def test_summary_matches_baseline(stored, current):
    problems = []
    for name, by_month in stored["summary"].items():
        for month, want in by_month.items():
            got = current[name].get(month)
            if got is None or got != want:
                problems.append(f"{name} {month}: stored {want!r}, now {got!r}")
        extra = set(current[name]) - set(by_month)
        if extra:
            problems.append(f"{name}: values now present for {sorted(extra)}")
    assert not problems, "model output moved:\n" + "\n".join(problems)
