"""Unit tests of simulation/scenarios.py: scenario files, changes in code, validation."""

import pickle
from pathlib import Path

import pytest

from simulation.errors import InputError
from simulation.parameter_set import baseline_parameters
from simulation.scenarios import Scenario, load_scenario

ROOT = Path(__file__).resolve().parents[2]
BASELINE = ROOT / "scenarios" / "baseline.yaml"
BAD = ROOT / "tests" / "cases" / "bad_scenarios"
EFFICIENCY = "labour.matching.efficiency"  # float between 0 and 10
SEPARATION = "labour.flows.formal_separation_rate"  # rate


def write(tmp_path, text, name="s.yaml"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_baseline_file_has_no_changes_and_resolves_to_the_baseline():
    sc = load_scenario(BASELINE)
    assert sc.name == "baseline"
    assert sc.description
    assert dict(sc.changes) == {}
    assert sc.path == BASELINE
    assert sc.params.digest() == baseline_parameters().digest()


def test_name_defaults_to_file_stem(tmp_path):
    sc = load_scenario(write(tmp_path, "description: d\n", "my_scenario.yaml"))
    assert sc.name == "my_scenario"


def test_from_changes_leaves_the_baseline_unchanged():
    base = baseline_parameters()
    before = base.digest()
    old = base.value(EFFICIENCY)
    sc = Scenario.from_changes("faster", {EFFICIENCY: old * 2})
    assert sc.params.value(EFFICIENCY) == old * 2
    assert base.value(EFFICIENCY) == old
    assert baseline_parameters().digest() == before
    assert sc.params.digest() != before


def test_changes_are_read_only_and_copied():
    changes = {EFFICIENCY: 0.2}
    sc = Scenario.from_changes("x", changes)
    changes[EFFICIENCY] = 0.3  # the caller's dict is not the scenario's
    assert sc.changes[EFFICIENCY] == 0.2
    with pytest.raises(TypeError):
        sc.changes[EFFICIENCY] = 0.4
    back = pickle.loads(pickle.dumps(sc))
    assert back.name == sc.name and back.params.digest() == sc.params.digest()


def test_dated_change_applies_from_its_month(tmp_path):
    path = write(tmp_path, f"description: d\nparameters:\n  {EFFICIENCY}:\n    2023-01: 0.3\n")
    sc = load_scenario(path)
    old = baseline_parameters().value(EFFICIENCY)
    assert sc.params.value(EFFICIENCY, "2022-12") == old
    assert sc.params.value(EFFICIENCY, "2023-01") == 0.3
    assert sc.params.value(EFFICIENCY, "2024-12") == 0.3


def test_unknown_top_level_key_names_file_key_and_allowed_keys():
    path = BAD / "unknown_key.yaml"
    with pytest.raises(InputError) as err:
        load_scenario(path)
    assert err.value.file == str(path)
    assert err.value.key == "parameter"
    for allowed in ("name", "description", "parameters"):
        assert allowed in err.value.expected


def test_unknown_parameter_path_names_file_and_path():
    path = BAD / "unknown_path.yaml"
    with pytest.raises(InputError) as err:
        load_scenario(path)
    assert err.value.file == str(path)
    assert err.value.key == "labour.matching.eficiency"
    assert EFFICIENCY in err.value.expected  # the "did you mean" hint


def test_wrong_type_names_file_and_path():
    path = BAD / "wrong_type.yaml"
    with pytest.raises(InputError) as err:
        load_scenario(path)
    assert (err.value.file, err.value.key, err.value.got) == (str(path), EFFICIENCY, "fast")


def test_rate_above_one_is_rejected():
    path = BAD / "out_of_range.yaml"
    with pytest.raises(InputError) as err:
        load_scenario(path)
    assert (err.value.file, err.value.key, err.value.got) == (str(path), SEPARATION, 1.5)
    with pytest.raises(InputError):
        Scenario.from_changes("x", {SEPARATION: -0.1})


@pytest.mark.parametrize("case, key", [
    ("malformed.yaml", "line"),
    ("not_a_mapping.yaml", "<file>"),
    ("missing_description.yaml", "description"),
    ("bad_date.yaml", EFFICIENCY),
])
def test_other_broken_files_name_file_and_key(case, key):
    path = BAD / case
    with pytest.raises(InputError) as err:
        load_scenario(path)
    assert err.value.file == str(path)
    assert key in err.value.key


def test_missing_file():
    with pytest.raises(InputError) as err:
        load_scenario(BAD / "no_such_file.yaml")
    assert err.value.file.endswith("no_such_file.yaml")


@pytest.mark.parametrize("text, key", [
    ("name: ''\ndescription: d\n", "name"),
    ("name: a/b\ndescription: d\n", "name"),
    ("name: 3\ndescription: d\n", "name"),
    ("description: '  '\n", "description"),
    ("description: d\nparameters: [1, 2]\n", "parameters"),
    ("", "<file>"),
])
def test_bad_values_of_known_keys(tmp_path, text, key):
    with pytest.raises(InputError) as err:
        load_scenario(write(tmp_path, text))
    assert err.value.key == key


def test_every_bad_case_has_a_comment_saying_what_is_wrong():
    for path in BAD.glob("*.yaml"):
        assert path.read_text(encoding="utf-8").startswith("# Broken on purpose:"), path


# ------------------------------------------------------------------ deltas on a base
SCENARIOS = ROOT / "scenarios"


def _write(path, text):
    path.write_text(text, encoding="utf-8")
    return path


def test_a_delta_inherits_the_bases_parameters_and_policies(tmp_path):
    base = load_scenario(SCENARIOS / "baseline.yaml")
    _write(tmp_path / "more.yaml", f"""
base: {SCENARIOS / "baseline.yaml"}
description: The baseline with faster matching and no BSU, PKH doubled, one more programme.
parameters:
  labour.matching.efficiency: 0.2
change_policies:
  pkh: {{scale: 2.0}}
remove_policies: [bsu]
policies:
  - type: padat_karya
    label: pk_extra
    start: 2022-01
  - type: cash_transfer
    label: topup
    amount_monthly: 100000
    share: 0.1
    after: bpnt
""")
    s = load_scenario(tmp_path / "more.yaml")
    labels = [p["label"] for p in s.policy_specs()]
    base_labels = [p["label"] for p in base.policy_specs()]
    assert labels == [*[x for x in base_labels if x != "bsu"][:2], "topup",
                      *[x for x in base_labels if x != "bsu"][2:], "pk_extra"]
    pkh = next(p for p in s.policy_specs() if p["label"] == "pkh")
    assert pkh["scale"] == 2.0 and pkh["programme"] == "pkh"
    assert s.params.value("labour.matching.efficiency") == 0.2
    assert s.counterfactual == base.counterfactual == "no_programmes"
    assert s.base == str(SCENARIOS / "baseline.yaml")
    assert base.params.value("labour.matching.efficiency") != 0.2  # the base is untouched


def test_a_delta_of_a_delta_and_dated_changes_merge(tmp_path):
    _write(tmp_path / "a.yaml", """
description: A start with a dated change.
parameters:
  labour.matching.efficiency: {2022-01: 0.2}
""")
    _write(tmp_path / "b.yaml", """
base: a
description: A on top of A.
parameters:
  labour.matching.efficiency: {2023-01: 0.3}
counterfactual: a
""")
    _write(tmp_path / "c.yaml", """
base: b
description: C on top of B, with no counterfactual.
counterfactual: null
""")
    b, c = load_scenario(tmp_path / "b.yaml"), load_scenario(tmp_path / "c.yaml")
    assert b.changes["labour.matching.efficiency"] == {"2022-01": 0.2, "2023-01": 0.3}
    assert b.params.value("labour.matching.efficiency", at="2022-06") == 0.2
    assert b.params.value("labour.matching.efficiency", at="2023-06") == 0.3
    assert b.counterfactual == "a" and c.counterfactual is None
    assert c.params.digest() == b.params.digest()


def test_shipped_variants_are_deltas_on_the_baseline():
    """Every scenario file but the baseline says what it differs from and holds only that."""
    base = load_scenario(SCENARIOS / "baseline.yaml")
    base_labels = [p["label"] for p in base.policy_specs()]
    for path in sorted(SCENARIOS.glob("*.yaml")):
        if path.name == "baseline.yaml":
            continue
        text = path.read_text(encoding="utf-8")
        assert "\nbase: " in text, path
        assert text.count("- type: assistance") == 0, f"{path} repeats the baseline's policies"
        s = load_scenario(path)
        labels = [p["label"] for p in s.policy_specs()]
        assert set(base_labels) <= set(labels), path  # the base's policies are inherited


def test_no_programmes_switches_the_levers_off_from_april_2021():
    s = load_scenario(SCENARIOS / "no_programmes.yaml")
    by_label = {p["label"]: p for p in s.policy_specs()}
    for label in ("padat_karya", "tkm_grants", "formal_job_creation", "prakerja", "blk",
                  "bpjs_tk", "pbi_contributions"):
        assert by_label[label]["end"] == "2021-03", label
    assert by_label["pkh"]["end"] == "2029-12"
    assert s.counterfactual is None
