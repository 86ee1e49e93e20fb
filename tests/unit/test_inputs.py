"""The input layer (simulation/inputs.py): what valid input still reads as, and the limits.

The refusals themselves are the corpus (tests/cases/bad_inputs/); here: valid YAML reads as
PyYAML's safe loader reads it, numbers in exponent form are numbers, small aliases and nesting
are fine, limits sit where they are stated, numpy numbers are accepted, and output-folder
checks accept what they should.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest
import yaml

import simulation as ps
from simulation import inputs
from simulation.errors import InputError, short_repr
from simulation.parameter_set import PARAMETER_ROOT, check_value

ROOT = Path(__file__).resolve().parents[2]


def read(tmp_path: Path, text: str):
    path = tmp_path / "f.yaml"
    path.write_text(text, encoding="utf-8")
    return inputs.read_yaml(path)


@pytest.mark.parametrize("path", [*sorted(PARAMETER_ROOT.rglob("*.yaml")),
                                  *sorted((ROOT / "scenarios").glob("*.yaml"))],
                         ids=lambda p: p.name)
def test_every_file_of_the_repository_reads_as_with_the_safe_loader(path):
    assert inputs.read_yaml(path) == yaml.safe_load(path.read_text(encoding="utf-8"))


def test_plain_values_and_small_aliases(tmp_path):
    text = ("a: &x [1, 2.5, true, null, text, '2023-01']\nb: *x\nc: {d: -3, e: 0x10, f: .inf}\n"
            "g: 1e6\nh: 2.5E-3\ni: '1e6'\n")
    got = read(tmp_path, text)
    assert got["a"] == got["b"] == [1, 2.5, True, None, "text", "2023-01"]
    assert got["c"]["d"] == -3 and got["c"]["e"] == 16 and math.isinf(got["c"]["f"])
    assert got["g"] == 1e6 and got["h"] == 2.5e-3 and got["i"] == "1e6"
    assert read(tmp_path, "") is None


def test_limits_are_where_they_are_stated(tmp_path):
    lists = inputs.MAX_DEPTH - 1  # inside the top-level mapping
    assert read(tmp_path, "x: " + "[" * lists + "]" * lists + "\n")["x"] is not None
    with pytest.raises(InputError, match="nesting at most"):
        read(tmp_path, "x: " + "[" * (lists + 1) + "]" * (lists + 1))
    assert read(tmp_path, f"x: {2**63 - 1}\n")["x"] == 2**63 - 1
    with pytest.raises(InputError, match="below 2"):
        read(tmp_path, f"x: {2**63}\n")
    big = tmp_path / "big.yaml"
    big.write_text("#" * inputs.MAX_FILE_BYTES)
    assert inputs.read_yaml(big) is None
    big.write_text("#" * (inputs.MAX_FILE_BYTES + 1))
    with pytest.raises(InputError, match="at most 1,000,000 bytes"):
        inputs.read_yaml(big)


def test_alias_budget_counts_expanded_values(tmp_path):
    ten = "[" + ", ".join(["1"] * 9) + "]"  # 10 values with the list itself
    under = "a: &a " + ten + "\n" + "".join(f"b{i}: *a\n" for i in range(99))
    read(tmp_path, under)  # 990 expanded values
    with pytest.raises(InputError, match="aliases that expand"):
        read(tmp_path, under + "c: *a\nd: *a\n")


def test_errors_stay_short_and_on_one_line():
    assert short_repr(10**5000) == "an integer of 5,001 digits"
    assert len(short_repr([list(range(1000))] * 1000)) <= 160
    err = InputError("a\nb.yaml", "k\ty", "x", "v\n" * 10_000)
    assert "\n" not in str(err) and len(str(err)) < 400


def test_numpy_numbers_are_accepted_as_written():
    assert check_value(np.float32(0.1), "rate") == 0.1
    assert check_value(np.int64(3), "int") == 3 and type(check_value(np.int64(3), "int")) is int
    assert check_value(np.bool_(True), "bool") is True
    s = ps.scenario("f32", {"labour.flows.fallback_rate": np.float32(0.1)})
    assert s.params.value("labour.flows.fallback_rate") == 0.1
    with pytest.raises(InputError):
        check_value(10**400, "float")


def test_money_ceiling():
    assert check_value(inputs.MONEY_MAX, "money") == inputs.MONEY_MAX
    with pytest.raises(InputError, match="10,000 trillion"):
        check_value(inputs.MONEY_MAX * 1.01, "money")


def test_months_are_text():
    assert inputs.parse_month("2024-12", file="f", key="k") == 2024 * 12 + 11
    for bad in (5, 2023, "2023-1", "2023-13", " 2023-01", "2023-01-01", None, 24254.0):
        with pytest.raises(InputError):
            inputs.parse_month(bad, file="f", key="k")


def test_population_bounds_follow_the_parameters():
    base = inputs.population_bounds()
    assert base.persons == 271_600_000 and 69_000_000 < base.households < 70_000_000
    half = ps.scenario("half", {"population.households.total_persons": 135_800_000})
    assert inputs.population_bounds(half.params).persons == 135_800_000


def test_out_dir_accepts_new_and_empty_folders(tmp_path):
    assert inputs.check_out_dir(tmp_path / "a" / "b") == tmp_path / "a" / "b"
    (tmp_path / "empty").mkdir()
    assert inputs.check_out_dir(tmp_path / "empty") == tmp_path / "empty"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["empty"]  # the probe is gone


def test_api_run_checks_its_folder_before_running(tmp_path, monkeypatch):
    from simulation import experiments as ex

    def ran(*args, **kwargs):
        raise AssertionError("the run started")

    monkeypatch.setattr(ex.running, "_run_jobs", ran)
    (tmp_path / "file").write_text("x")
    with pytest.raises(InputError, match="is a file"):
        ps.run(ps.scenario("a"), households=100, replications=1, end="2021-04",
               out=tmp_path / "file" / "out")
