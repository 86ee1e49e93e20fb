"""``povsim run --posterior`` and ``simulation.run(posterior=...)``: one draw per replication.

Runs are small (1,000 households, a few months) so each takes about a second; the bad
posterior files are in the bad-input corpus (``tests/cases/bad_inputs/c*_posterior_*``).
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import simulation as ps
import simulation.posterior as post_mod
from simulation import experiments as ex
from simulation.cli import format_summary, main
from simulation.experiments.answer import answer, clopper_pearson, quantile_se
from simulation.measures import INDICATOR_NAMES
from simulation.model import run_model
from simulation.posterior import load_for_run, replication_rows, with_draw

ROOT = Path(__file__).resolve().parents[2]
BASELINE = ROOT / "scenarios" / "baseline.yaml"
SMALL_POSTERIOR = ROOT / "tests" / "cases" / "posteriors" / "small.csv"
CALIBRATED = ROOT / "tests" / "cases" / "posteriors" / "calibrated" / "posterior.csv"
END = "2021-05"


def _posterior(path=SMALL_POSTERIOR):
    return load_for_run(path, [ps.load_scenario(BASELINE)], "2024-12", file="test",
                        key="posterior")


# ---------------------------------------------------------------- the draws
def test_draws_are_reproducible_proportional_to_weights_and_skip_weight_zero():
    post = _posterior()
    rows = replication_rows(post, 20210301, 3000)
    assert rows == replication_rows(post, 20210301, 3000)
    assert rows[:10] == replication_rows(post, 20210301, 10)  # the first R do not depend on R
    assert rows != replication_rows(post, 20210302, 3000)
    counts = np.bincount(rows, minlength=4)
    assert counts[3] == 0  # weight 0: never drawn
    expected = 3000 * post.weights
    sd = np.sqrt(3000 * post.weights * (1 - post.weights))
    assert np.all(np.abs(counts[:3] - expected[:3]) < 4 * sd[:3])


def test_a_scenarios_own_change_stays_on_top_of_the_draw():
    post = _posterior()
    base = ps.load_scenario(BASELINE)
    own = base.with_changes({"labour.matching.efficiency": 0.2}, name="own")
    dated = base.with_changes({"labour.matching.efficiency": {"2023-01": 0.25}}, name="dated")
    row = 1  # efficiency 0.16, risk sharing 0.50
    p = with_draw(own, post, row)
    assert p.value("labour.matching.efficiency") == 0.2
    assert p.value("households.consumption.risk_sharing_share") == 0.50
    d = with_draw(dated, post, 0)  # efficiency 0.14 until the scenario's 2023 change
    assert d.value("labour.matching.efficiency", "2022-06") == 0.14
    assert d.value("labour.matching.efficiency", "2023-06") == 0.25


def test_default_is_the_shipped_posterior_when_it_exists(monkeypatch, tmp_path):
    base = [ps.load_scenario(BASELINE)]
    monkeypatch.setattr(post_mod, "SHIPPED", tmp_path / "posterior.csv")
    assert load_for_run("default", base, "2024-12", file="t", key="k") is None
    (tmp_path / "posterior.csv").write_text(SMALL_POSTERIOR.read_text())
    assert load_for_run("default", base, "2024-12", file="t", key="k").file == str(
        tmp_path / "posterior.csv")
    assert load_for_run("none", base, "2024-12", file="t", key="k") is None
    assert load_for_run(None, base, "2024-12", file="t", key="k") is None


def test_the_test_posterior_checks_against_its_priors_and_sidecar():
    post = _posterior(CALIBRATED)
    assert post.priors.endswith("priors.yaml") and post.sidecar.endswith("posterior.json")
    assert len(post.ids) == 60 and math.isclose(post.weights.sum(), 1.0)


# ---------------------------------------------------------------- runs
def _cli(out: Path, *extra: str, scenarios=(BASELINE,)) -> int:
    return main(["run", *map(str, scenarios), "--households", "1000", "--replications", "2",
                 "--end", END, "--out", str(out), *extra])


@pytest.fixture(scope="module")
def posterior_run(tmp_path_factory):
    folder = tmp_path_factory.mktemp("posterior")
    other = folder / "other.yaml"
    other.write_text("name: other\nbase: " + str(BASELINE) + "\ndescription: A copy.\n")
    out = folder / "one"
    assert _cli(out, "--workers", "1", "--posterior", str(CALIBRATED),
                scenarios=(BASELINE, other)) == 0
    return folder, out, other


def test_every_scenario_gets_the_same_draw_and_the_manifest_records_them(posterior_run):
    _, out, _ = posterior_run
    ts = pd.read_csv(out / "timeseries.csv")
    man = json.loads((out / "manifest.json").read_text())
    post = _posterior(CALIBRATED)
    rows = replication_rows(post, 20210301, 2)
    want = {r: post.ids[row] for r, row in enumerate(rows)}
    for name in ("baseline", "other"):
        got = ts[ts["scenario"] == name].groupby("replication")["draw"].unique()
        assert {r: list(v) for r, v in got.items()} == {r: [d] for r, d in want.items()}
    rec = man["posterior"]
    assert rec["sha256"] == post.digest and rec["file"] == str(CALIBRATED)
    assert [d["draw"] for d in rec["draws"]] == list(want.values())
    assert rec["draws"][0]["values"] == post.changes(rows[0])
    assert [j["draw"] for j in man["timings"]["jobs"]] == list(want.values()) * 2
    summ = json.loads((out / "summary.json").read_text())
    assert summ["posterior"]["sha256"] == post.digest


def test_results_do_not_depend_on_the_number_of_workers(posterior_run):
    folder, one, other = posterior_run
    two = folder / "two"
    assert _cli(two, "--workers", "2", "--posterior", str(CALIBRATED),
                scenarios=(BASELINE, other)) == 0
    assert (one / "timeseries.csv").read_text() == (two / "timeseries.csv").read_text()
    a, b = (json.loads((f / "manifest.json").read_text())["posterior"] for f in (one, two))
    assert a == b


def test_a_point_mass_posterior_gives_exactly_the_run_with_its_parameters(tmp_path):
    values = {"labour.matching.efficiency": 0.19,
              "households.consumption.risk_sharing_share": 0.42}
    path = tmp_path / "point.csv"
    path.write_text("draw,labour.matching.efficiency,households.consumption.risk_sharing_share,"
                    "weight\n7,0.19,0.42,1\n8,0.11,0.7,0\n")
    base = ps.load_scenario(BASELINE)
    drawn = ps.run(base, households=1000, replications=2, end=END, posterior=path)
    point = ps.run(base.with_changes(values), households=1000, replications=2, end=END,
                   posterior="none")
    a, b = drawn.timeseries, point.timeseries
    assert (a["draw"] == 7).all() and b["draw"].isna().all()
    pd.testing.assert_frame_equal(a[list(INDICATOR_NAMES)], b[list(INDICATOR_NAMES)])
    again = run_model(base.with_changes(values).params, 1000, ex.replication_seed(20210301, 1),
                      end=END, policies=base.policies)
    np.testing.assert_array_equal(a[a["replication"] == 1]["extreme_poverty_rate"],
                                  again["extreme_poverty_rate"])
    assert drawn.summary_dict()["posterior"]["distinct_draws_used"] == 1


def test_posterior_none_is_the_point_baseline(tmp_path):
    assert _cli(tmp_path / "none", "--replications", "1", "--posterior", "none") == 0
    man = json.loads((tmp_path / "none" / "manifest.json").read_text())
    assert man["posterior"] is None
    ts = pd.read_csv(tmp_path / "none" / "timeseries.csv")
    assert ts["draw"].isna().all()


# ---------------------------------------------------------------- the answer's figures
def test_probabilities_and_their_errors_against_a_hand_computation():
    # 10 replications: 2 published as 0.00% (below 0.005%), 6 at or below 1%.
    rate = np.array([0.00001, 0.000049, 0.00005, 0.004, 0.009, 0.01, 0.0101, 0.012, 0.02,
                     0.03])
    a = answer(rate)
    assert a["replications"] == 10
    assert (a["n_target_zero"], a["n_target_band"]) == (2, 6)
    assert a["p_target_zero"] == 0.2 and a["p_target_band"] == 0.6
    assert a["p_target_zero_se"] == pytest.approx(math.sqrt(0.2 * 0.8 / 10))  # 0.1265
    assert a["p_target_band_se"] == pytest.approx(math.sqrt(0.6 * 0.4 / 10))  # 0.1549
    # Clopper-Pearson 95% for 2 of 10: [0.0252, 0.5561] (tables)
    assert a["p_target_zero_ci95"] == pytest.approx([0.02521, 0.55610], abs=1e-4)
    assert a["extreme_poverty_rate_median"] == pytest.approx((0.009 + 0.01) / 2)
    # median of 10: s = sqrt(10 * .25) = 1.58; ranks floor(3.42) = 3 and ceil(6.58) = 7
    assert a["extreme_poverty_rate_median_se"] == pytest.approx((0.0101 - 0.00005) / 2)
    # p95: s = sqrt(10 * .95 * .05) = 0.69; ranks floor(8.81) = 8 and ceil(10.19) -> 10
    assert a["extreme_poverty_rate_p95_se"] == pytest.approx((0.03 - 0.012) / 2)


def test_with_no_replication_meeting_the_target_the_interval_is_not_zero():
    a = answer(np.full(20, 0.02))
    assert a["p_target_band"] == 0 and a["p_target_band_se"] == 0
    lo, hi = a["p_target_band_ci95"]
    assert lo == 0 and hi == pytest.approx(1 - 0.025 ** (1 / 20))  # 0.168
    assert clopper_pearson(20, 20) == pytest.approx((0.025 ** (1 / 20), 1.0))
    assert quantile_se(np.array([1.0]), 0.5) is None


def test_the_printed_summary_states_replications_posterior_and_errors():
    post = _posterior()
    rate = [0.00004, 0.006, 0.009, 0.012]
    ts = pd.DataFrame({"scenario": "baseline", "replication": range(4), "seed": 1,
                       "date": "2024-03", "extreme_poverty_rate": rate, "poverty_rate": 0.1,
                       "unemployment_rate": 0.05, "extreme_poor_persons": 1.0})
    result = ex.ExperimentResult(
        scenarios=[ps.load_scenario(BASELINE)], households=100, replications=4, seed=1,
        end="2024-03", workers=1, timeseries=ts, jobs=pd.DataFrame(), seconds_wall=1.0,
        posterior=post, posterior_rows=(0, 1, 0, 2))
    summ = ex.summary(result)
    assert summ["posterior"]["distinct_draws_used"] == 3
    printed = format_summary(summ, result, Path("out"))
    assert "over 4 replication(s)" in printed and str(SMALL_POSTERIOR) in printed
    assert "3 distinct of 4 draws" in printed
    assert "50% interval" in printed and "90% interval" in printed
    assert "0.25 ±0.22 [0.01-0.81]" in printed  # P(0.00%): 1 of 4
    assert "0.75 ±0.22 [0.19-0.99]" in printed  # P(<=1%): 3 of 4
