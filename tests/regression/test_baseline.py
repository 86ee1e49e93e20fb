"""Seeded regression tests: fixed small runs reproduce the fixtures in tests/regression/.

The fixtures are current-model output, not external estimates: ``core_world.yaml`` (the
baseline parameters with no policies) and ``baseline_scenario.yaml`` (``scenarios/baseline.yaml``
with all its programmes). If one fails after a deliberate model change, run
``python tests/regression/update_baseline.py`` and commit the new fixtures with the reason; if
it fails otherwise, something changed the model by accident.
"""

import importlib.util
from pathlib import Path

import pytest
import yaml

HERE = Path(__file__).resolve().parent
# Compared exactly: results are bit-identical on every CPU (tests/regression/test_cpu_features.py)
# and YAML keeps every float in its shortest round-trip form.


def _updater():
    spec = importlib.util.spec_from_file_location("update_baseline", HERE / "update_baseline.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


UPDATER = _updater()
NAMES = list(UPDATER.WORLDS)


@pytest.fixture(scope="module", params=NAMES)
def fixture(request):
    name = request.param
    stored = yaml.safe_load((HERE / f"{name}.yaml").read_text(encoding="utf-8"))
    return name, stored


def test_header_says_what_the_fixture_is(fixture):
    name, _ = fixture
    text = (HERE / f"{name}.yaml").read_text(encoding="utf-8")
    assert "current-model output, not external estimates" in text.splitlines()[0]


def test_config_matches_the_updater(fixture):
    name, stored = fixture
    config = {k: v for k, v in stored["config"].items() if k != "parameters_digest"}
    assert config == UPDATER.WORLDS[name]["config"]
    assert set(stored["summary"]) == set(UPDATER.INDICATORS) | {"_state"}


def test_parameters_unchanged(fixture):
    name, stored = fixture
    config = UPDATER.WORLDS[name]["config"]
    assert stored["config"]["parameters_digest"] == UPDATER.parameters_digest(
        *UPDATER.world(config)), (
        f"the parameters of {name} changed; if deliberate, run tests/regression/update_baseline.py")


def test_summary_matches_the_fixture(fixture):
    name, stored = fixture
    current = UPDATER.summarise(UPDATER.WORLDS[name]["config"])
    problems = []
    for indicator, by_month in stored["summary"].items():
        for month, want in by_month.items():
            got = current[indicator].get(month)
            if got is None or got != want:
                problems.append(f"{indicator} {month}: stored {want!r}, now {got!r}")
        extra = set(current[indicator]) - set(by_month)
        if extra:
            problems.append(f"{indicator}: values now present for {sorted(extra)}")
    assert not problems, f"{name}: model output moved:\n" + "\n".join(problems)


def test_a_new_programme_file_does_not_touch_the_digest():
    """The digest of a world covers only the programme files its policies read."""
    base = UPDATER.world(UPDATER.WORLDS["baseline_scenario"]["config"])
    without_pktd = base[0].with_changes({"programmes.village_cash_for_work.months": 3})
    assert UPDATER.parameters_digest(without_pktd, base[1]) == UPDATER.parameters_digest(*base)
    moved = base[0].with_changes({"programmes.assistance.pkh_pay_every": 1})
    assert UPDATER.parameters_digest(moved, base[1]) != UPDATER.parameters_digest(*base)
