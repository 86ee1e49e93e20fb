"""End-to-end tests of the ``povsim run`` command line (simulation/cli.py, experiments.py).

Runs are small (2,000 households, 2 replications, a few months) so each takes about a second.
"""

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from simulation import experiments as ex
from simulation.cli import main
from simulation.measures import INDICATOR_NAMES
from simulation.model import run_model
from simulation.scenarios import load_scenario

ROOT = Path(__file__).resolve().parents[2]
BASELINE = ROOT / "scenarios" / "baseline.yaml"
SMALL = ["--households", "2000", "--replications", "2", "--workers", "1"]
SHORT_END = "2021-08"  # 6 months


def other_scenario(folder: Path) -> Path:
    """The baseline under another name: it must give the same numbers (common random numbers)."""
    text = BASELINE.read_text(encoding="utf-8").replace("name: baseline", "name: other")
    path = folder / "other.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def run(out: Path, *extra: str, scenarios=(BASELINE,), end=SHORT_END) -> int:
    return main(["run", *map(str, scenarios), *SMALL, "--end", end, "--out", str(out), *extra])


@pytest.fixture(scope="module")
def two_scenario_run(tmp_path_factory):
    """Baseline and a renamed copy, to 2024-03 (so 2024-03 is summarised, 2024-12 is not)."""
    folder = tmp_path_factory.mktemp("cli")
    out = folder / "run"
    code = run(out, scenarios=(BASELINE, other_scenario(folder)), end="2024-03")
    return code, out


def test_run_writes_the_three_files_and_nothing_else(two_scenario_run):
    code, out = two_scenario_run
    assert code == 0
    assert sorted(p.name for p in out.iterdir()) == sorted(ex.RESULT_FILES)
    assert not [p for p in out.parent.iterdir() if ".partial-" in p.name]


def test_timeseries_is_tidy(two_scenario_run):
    _, out = two_scenario_run
    ts = pd.read_csv(out / "timeseries.csv")
    assert list(ts.columns) == [*ex.ID_COLUMNS, *INDICATOR_NAMES]
    for name in ("extreme_poverty_rate", "extreme_poor_persons", "poverty_rate", "poor_persons",
                 "extreme_poverty_gap", "unemployment_rate", "informality_rate"):
        assert name in ts.columns
    months = 37  # 2021-03 .. 2024-03
    assert len(ts) == 2 * 2 * months
    assert ts["date"].iloc[0] == "2021-03" and ts["date"].iloc[-1] == "2024-03"
    assert ts.groupby(["scenario", "replication"]).size().eq(months).all()
    assert list(ts["scenario"].unique()) == ["baseline", "other"]  # in the order given
    assert (ts["seed"] == 20210301).all()
    rates = [c for c in ts.columns if c.endswith("_rate")]
    assert len(rates) >= 4
    assert ts[rates].notna().all().all()
    assert ((ts[rates] >= 0) & (ts[rates] <= 1)).all().all()


def test_summary_covers_only_months_in_the_run(two_scenario_run):
    _, out = two_scenario_run
    summ = json.loads((out / "summary.json").read_text())
    assert summ["months"] == ["2024-03"]
    assert set(summ["scenarios"]) == {"baseline", "other"}
    s = summ["scenarios"]["baseline"]["2024-03"]
    quantiles = [f"extreme_poverty_rate_{q}" for q in ("p05", "p25", "median", "p75", "p95")]
    assert set(s) == {
        "replications", *quantiles, *(f"{q}_se" for q in quantiles),
        *(f"{p}_target_{k}{x}" for p in ("p", "n") for k in ("zero", "band")
          for x in (("", "_se", "_ci95") if p == "p" else ("",))),
        "poverty_rate_median", "unemployment_rate_median",
    }
    assert summ["posterior"] is None  # no posterior shipped yet, or --posterior none
    assert s["extreme_poverty_rate_p05"] <= s["extreme_poverty_rate_median"]
    assert s["extreme_poverty_rate_median"] <= s["extreme_poverty_rate_p95"]
    assert 0 <= s["p_target_zero"] <= s["p_target_band"] <= 1


def test_manifest_records_seeds_settings_and_resolved_parameters(two_scenario_run):
    _, out = two_scenario_run
    man = json.loads((out / "manifest.json").read_text())
    assert man["seed"] == 20210301
    assert [s["spawn_key"] for s in man["replication_seeds"]["seeds"]] == [[0], [1]]
    assert (man["households"], man["replications"], man["end"]) == (2000, 2, "2024-03")
    assert man["command_line"].startswith("povsim run ")
    assert man["version"] and "created_utc" in man and "git_commit" in man
    base = load_scenario(BASELINE)
    first = man["scenarios"][0]
    assert first["name"] == "baseline" and first["file"] == str(BASELINE)
    assert first["parameters_digest"] == base.params.digest()
    assert first["parameters"] == json.loads(json.dumps(base.params.to_dict()))
    assert len(man["timings"]["jobs"]) == 4
    assert man["timings"]["household_months_per_second"] > 0


def test_two_scenarios_in_one_call_share_random_numbers(two_scenario_run):
    _, out = two_scenario_run
    ts = pd.read_csv(out / "timeseries.csv")
    a = ts[ts["scenario"] == "baseline"].drop(columns="scenario").reset_index(drop=True)
    b = ts[ts["scenario"] == "other"].drop(columns="scenario").reset_index(drop=True)
    pd.testing.assert_frame_equal(a, b)
    r0 = a[a["replication"] == 0]["extreme_poverty_rate"].to_numpy()
    r1 = a[a["replication"] == 1]["extreme_poverty_rate"].to_numpy()
    assert not np.array_equal(r0, r1)  # replications differ from each other


def test_seed_and_replication_columns_rerun_one_replication(two_scenario_run):
    _, out = two_scenario_run
    ts = pd.read_csv(out / "timeseries.csv")
    row = ts[(ts["scenario"] == "baseline") & (ts["replication"] == 1)]
    seed = int(row["seed"].iloc[0])
    scenario = load_scenario(BASELINE)
    again = run_model(scenario.params, 2000, ex.replication_seed(seed, 1), end="2024-03",
                      policies=scenario.policies)
    np.testing.assert_allclose(row["extreme_poverty_rate"], again["extreme_poverty_rate"],
                               rtol=1e-12)


def test_same_seed_gives_identical_files_and_different_seed_differs(tmp_path):
    assert run(tmp_path / "a", "--seed", "7") == 0
    assert run(tmp_path / "b", "--seed", "7") == 0
    assert run(tmp_path / "c", "--seed", "8") == 0
    a, b, c = ((tmp_path / x / "timeseries.csv").read_text() for x in "abc")
    assert a == b
    ta, tc = pd.read_csv(tmp_path / "a" / "timeseries.csv"), pd.read_csv(tmp_path / "c" /
                                                                         "timeseries.csv")
    assert not np.allclose(ta["extreme_poverty_rate"], tc["extreme_poverty_rate"])


def test_two_workers_give_the_same_results_as_one(tmp_path):
    assert run(tmp_path / "one") == 0
    assert main(["run", str(BASELINE), "--households", "2000", "--replications", "3",
                 "--workers", "2", "--end", SHORT_END, "--out", str(tmp_path / "two")]) == 0
    one = pd.read_csv(tmp_path / "one" / "timeseries.csv")
    two = pd.read_csv(tmp_path / "two" / "timeseries.csv")
    pd.testing.assert_frame_equal(one, two[two["replication"] < 2].reset_index(drop=True))
    assert json.loads((tmp_path / "two" / "manifest.json").read_text())["workers"] == 2


def test_prints_a_summary_table(tmp_path, capsys):
    assert run(tmp_path / "run", end="2024-03") == 0
    printed = capsys.readouterr().out
    assert "baseline" in printed and "2024-03" in printed and "2024-12" not in printed
    assert "P(0.00%)" in printed and "P(<=1%)" in printed
    assert str(tmp_path / "run") in printed


def test_short_run_says_there_is_no_summary_month(tmp_path, capsys):
    assert run(tmp_path / "run") == 0
    assert "no summary month" in capsys.readouterr().out


def test_default_out_folder_is_under_outputs_of_the_current_folder(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert main(["run", str(BASELINE), *SMALL, "--end", "2021-04"]) == 0
    (folder,) = (tmp_path / "outputs").iterdir()
    assert folder.name.startswith("baseline-")
    assert (folder / "manifest.json").exists()


def test_an_existing_empty_out_folder_is_used(tmp_path):
    (tmp_path / "empty").mkdir()
    assert run(tmp_path / "empty", end="2021-04") == 0
    assert (tmp_path / "empty" / "timeseries.csv").exists()


def test_ctrl_c_during_the_run_exits_130_and_leaves_no_folder(tmp_path, monkeypatch, capsys):
    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(ex, "run_experiment", interrupted)
    assert run(tmp_path / "run") == 130
    assert "interrupted" in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == []


def test_failure_while_writing_removes_the_partial_folder(tmp_path, monkeypatch):
    def broken(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(ex.folder, "manifest", broken)
    out = tmp_path / "new" / "run"
    assert run(out) == 130
    assert list(tmp_path.iterdir()) == []  # neither the partial folder nor the parent made


def test_help_exits_zero(capsys):
    assert main(["run", "--help"]) == 0
    assert "--households" in capsys.readouterr().out


def test_summary_probabilities_follow_bps_rounding():
    # 0.004% is published as 0.00%; 0.006% as 0.01%; 1% is inside the band, 2% is not.
    rates = [0.00004, 0.00006, 0.01, 0.02]
    ts = pd.DataFrame({
        "scenario": "s", "replication": range(4), "seed": 1, "date": "2024-12",
        "extreme_poverty_rate": rates, "poverty_rate": 0.1, "unemployment_rate": 0.05,
    })
    scenario = load_scenario(BASELINE)
    result = ex.ExperimentResult(
        scenarios=[scenario], households=100, replications=4, seed=1, end="2024-12",
        workers=1, timeseries=ts.assign(scenario=scenario.name), jobs=pd.DataFrame(),
        seconds_wall=1.0)
    s = ex.summary(result)["scenarios"]["baseline"]
    assert set(s) == {"2024-12"}  # only months that are in the time series
    assert s["2024-12"]["p_target_zero"] == 0.25
    assert s["2024-12"]["p_target_band"] == 0.75
    assert s["2024-12"]["extreme_poverty_rate_median"] == pytest.approx(0.00503)

