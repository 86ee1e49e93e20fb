"""Bad input to ``povsim run``: one line on stderr naming file and key, exit 2, no folder.

Every case is checked before anything runs: the model is replaced by a function that fails the
test if it is called, and the folder holding ``--out`` (also the current folder, where the default
``outputs/`` would go) must be left exactly as it was.
"""

from pathlib import Path

import pytest

from simulation import experiments as ex
from simulation.cli import main

ROOT = Path(__file__).resolve().parents[2]
BASELINE = str(ROOT / "scenarios" / "baseline.yaml")
BAD = ROOT / "tests" / "cases" / "bad_scenarios"
SMALL = ["--households", "2000", "--replications", "2", "--end", "2021-05"]


@pytest.fixture
def parent(tmp_path, monkeypatch):
    """The out parent, also the current folder; the model must not run."""
    def must_not_run(*args, **kwargs):
        raise AssertionError("the run started although an input was bad")

    monkeypatch.setattr(ex, "run_experiment", must_not_run)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def check_rejected(parent: Path, capsys, argv: list[str], file: str, key: str) -> str:
    before = sorted(p.name for p in parent.iterdir())
    code = main(argv)
    captured = capsys.readouterr()
    lines = captured.err.strip().splitlines()
    assert code == 2
    assert len(lines) == 1, captured.err
    line = lines[0]
    assert line.startswith("povsim: error: ")
    assert file in line and key in line, line
    assert "Traceback" not in captured.err + captured.out
    assert sorted(p.name for p in parent.iterdir()) == before  # no folder created or removed
    return line


def run_args(parent: Path, *scenarios: str, extra=()) -> list[str]:
    return ["run", *scenarios, *SMALL, *extra, "--out", str(parent / "run")]


# ---------------------------------------------------------------- scenario files
def test_missing_scenario_file(parent, capsys):
    path = str(BAD / "no_such_scenario.yaml")
    check_rejected(parent, capsys, run_args(parent, path), path, "<file>")


def test_malformed_yaml(parent, capsys):
    path = str(BAD / "malformed.yaml")
    line = check_rejected(parent, capsys, run_args(parent, path), path, "line")
    assert "well-formed YAML" in line


def test_unknown_parameter_path(parent, capsys):
    path = str(BAD / "unknown_path.yaml")
    line = check_rejected(parent, capsys, run_args(parent, path), path,
                          "labour.matching.eficiency")
    assert "did you mean labour.matching.efficiency" in line


def test_wrong_type(parent, capsys):
    path = str(BAD / "wrong_type.yaml")
    check_rejected(parent, capsys, run_args(parent, path), path, "labour.matching.efficiency")


def test_rate_out_of_range(parent, capsys):
    path = str(BAD / "out_of_range.yaml")
    line = check_rejected(parent, capsys, run_args(parent, path), path,
                          "labour.flows.formal_separation_rate")
    assert "1.5" in line


def test_dated_change_to_a_fixed_parameter(parent, capsys):
    path = str(BAD / "dated_fixed_parameter.yaml")
    line = check_rejected(parent, capsys, run_args(parent, path), path,
                          "population.welfare.burn_in_months")
    assert line == (f"povsim: error: {path}: population.welfare.burn_in_months: expected a "
                    "single value: population.welfare.burn_in_months is fixed over a run (read "
                    "once, when the model is built), got {'2023-01': 24}")


def test_unknown_top_level_key(parent, capsys):
    path = str(BAD / "unknown_key.yaml")
    line = check_rejected(parent, capsys, run_args(parent, path), path, "parameter")
    assert "parameters" in line  # lists the allowed keys


def test_bad_second_scenario_stops_before_the_first_runs(parent, capsys):
    path = str(BAD / "not_a_mapping.yaml")
    check_rejected(parent, capsys, run_args(parent, BASELINE, path), path, "<file>")


def test_duplicate_scenario_names(parent, capsys):
    check_rejected(parent, capsys, run_args(parent, BASELINE, BASELINE), BASELINE, "name")


# ---------------------------------------------------------------- numbers and options
@pytest.mark.parametrize("option, value", [
    ("--households", "-5"),
    ("--households", "99"),
    ("--households", "20000001"),
    ("--households", "lots"),
    ("--replications", "0"),
    ("--replications", "1.5"),
    ("--seed", "-1"),
    ("--workers", "0"),
])
def test_bad_numbers(parent, capsys, option, value):
    argv = ["run", BASELINE, *SMALL, option, value, "--out", str(parent / "run")]
    line = check_rejected(parent, capsys, argv, "<command line>", option)
    assert value in line


@pytest.mark.parametrize("end", ["2021-13", "2021-03", "2030-01", "December", "2024-12-31"])
def test_bad_end(parent, capsys, end):
    argv = ["run", BASELINE, *SMALL, "--end", end, "--out", str(parent / "run")]
    check_rejected(parent, capsys, argv, "<command line>", "--end")


def test_existing_non_empty_out_folder(parent, capsys):
    out = parent / "taken"
    out.mkdir()
    (out / "keep.txt").write_text("earlier results")
    argv = ["run", BASELINE, *SMALL, "--out", str(out)]
    check_rejected(parent, capsys, argv, "<command line>", "--out")
    assert (out / "keep.txt").read_text() == "earlier results"


def test_out_is_a_file(parent, capsys):
    (parent / "a_file").write_text("x")
    argv = ["run", BASELINE, *SMALL, "--out", str(parent / "a_file")]
    check_rejected(parent, capsys, argv, "<command line>", "--out")


@pytest.mark.parametrize("argv, key", [
    (["run", BASELINE, "--housholds", "5"], "--housholds"),
    (["run"], "SCENARIO.yaml"),
    ([], "COMMAND"),
    (["frobnicate", BASELINE], "frobnicate"),
    (["sweep"], "SWEEP.yaml"),
    (["sweep", BASELINE, "--workers", "2", "--scheduler", "tcp://x:1"], "--scheduler"),
])
def test_argparse_errors_are_one_line(parent, capsys, argv, key):
    check_rejected(parent, capsys, argv, "<command line>", key)
