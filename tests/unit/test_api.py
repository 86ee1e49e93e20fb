"""The scripting API (simulation/api.py, Scenario composition in simulation/scenarios.py).

Runs are tiny (1,000-2,000 households, a few months) so the file takes a few seconds.
"""

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import simulation as ps
from simulation.cli import main
from simulation.errors import InputError
from simulation.parameter_set import baseline_parameters
from simulation.policies.transfers import CashTransfer

ROOT = Path(__file__).resolve().parents[2]
BASELINE = ROOT / "scenarios" / "baseline.yaml"
NO_PROGRAMMES = ROOT / "scenarios" / "no_programmes.yaml"
# Manifest fields that differ between two runs of the same thing: when and how it was started,
# and how long it took.
VOLATILE = ("created_utc", "command_line")
VOLATILE_TIMINGS = ("wall_seconds", "household_months_per_second")
VOLATILE_JOBS = ("seconds_build", "seconds_run")


def _stable(manifest: dict) -> dict:
    out = {k: v for k, v in manifest.items() if k not in VOLATILE}
    timings = {k: v for k, v in out["timings"].items() if k not in VOLATILE_TIMINGS}
    timings["jobs"] = [{k: v for k, v in job.items() if k not in VOLATILE_JOBS}
                       for job in timings["jobs"]]
    out["timings"] = timings
    return out


def test_a_dated_change_to_a_fixed_parameter_is_refused():
    path = "labour.employers.labour_force_per_employer"
    with pytest.raises(InputError) as err:
        ps.scenario("more_employers", changes={path: {"2023-01": 500}})
    assert str(err.value) == (
        f"<scenario more_employers>: {path}: expected a single value: {path} is fixed over a "
        "run (read once, when the model is built), got {'2023-01': 500}")
    assert ps.scenario("more_employers", changes={path: 500}).params.value(path) == 500
    base = ps.load_scenario(BASELINE)
    with pytest.raises(InputError):
        base.with_changes({path: {"2023-01": 500}})


def test_results_save_writes_the_same_run_folder_as_the_cli(tmp_path):
    settings = dict(households=1500, replications=2, seed=11, end="2024-03")
    code = main(["run", str(BASELINE), str(NO_PROGRAMMES), "--households", "1500",
                 "--replications", "2", "--seed", "11", "--end", "2024-03", "--workers", "1",
                 "--out", str(tmp_path / "cli")])
    assert code == 0
    results = ps.run([ps.load_scenario(BASELINE), ps.load_scenario(NO_PROGRAMMES)], **settings)
    out = results.save(tmp_path / "api")
    cli = tmp_path / "cli"
    assert sorted(p.name for p in out.iterdir()) == sorted(p.name for p in cli.iterdir())
    for name in ("timeseries.csv", "spending.csv", "summary.json"):
        assert (out / name).read_bytes() == (cli / name).read_bytes(), name
    a = json.loads((out / "manifest.json").read_text())
    b = json.loads((cli / "manifest.json").read_text())
    assert a["command_line"] != b["command_line"]
    assert _stable(a) == _stable(b)
    # The tables in memory are the files.
    summ = results.summary
    assert set(summ["scenario"]) == {"baseline", "no_programmes"}
    assert list(summ["month"].unique()) == ["2024-03"]
    row = summ[summ["scenario"] == "baseline"].iloc[0]
    saved = json.loads((out / "summary.json").read_text())
    assert row["extreme_poverty_rate_median"] == pytest.approx(
        saved["scenarios"]["baseline"]["2024-03"]["extreme_poverty_rate_median"])
    assert row["persons_lifted_median"] == pytest.approx(
        saved["accounting"]["scenarios"]["baseline"]["2024-03"]["impact"][
            "persons_lifted_median"])
    lifted = results.persons_lifted("baseline", "no_programmes", "2024-03")
    assert lifted.median() == pytest.approx(row["persons_lifted_median"])
    probs = results.target_probabilities("2024-03")
    assert probs.loc["baseline", "p_target_band"] == row["p_target_band"]
    pd.testing.assert_frame_equal(results.timeseries, pd.read_csv(out / "timeseries.csv"),
                                  check_dtype=False)
    # The impact table: each scenario against its own counterfactual (baseline names one).
    table = results.impact_table("2024-03")
    assert table.loc["baseline", "vs"] == "no_programmes"
    assert table.loc["no_programmes", "vs"] == "-"
    assert table.loc["baseline", "lifted_mean"] == pytest.approx(lifted.mean())
    assert table.loc["baseline", "poverty_pct"] == pytest.approx(
        100 * row["extreme_poverty_rate_median"])
    assert np.isnan(table.loc["no_programmes", "lifted_mean"])
    spent = results.spent_by_label()
    assert list(spent.index) == ["baseline", "no_programmes"]
    assert spent.loc["baseline"].sum() == pytest.approx(
        results.spending.query("scenario == 'baseline'")["rupiah"].sum() / 2)


def test_a_scenario_changed_in_code_leaves_the_baseline_unchanged():
    params = baseline_parameters()
    before = params.digest()
    base = ps.load_scenario(BASELINE)
    base_digest, base_specs = base.params.digest(), base.policy_specs()
    a = ps.scenario("a", {"labour.matching.efficiency": 0.2}, base=base)
    b = a.with_changes({"labour.flows.fallback_rate": 0.1}, name="b")
    c = b.with_policies(remove=["prakerja"], add=[CashTransfer(label="topup",
                                                              amount_monthly=1e5, share=0.1)])
    d = c.scale_policy("padat_karya", 2.0, name="d")
    assert baseline_parameters().digest() == params.digest() == before
    assert base.params.digest() == base_digest and base.policy_specs() == base_specs
    assert a.params.value("labour.flows.fallback_rate") == params.value(
        "labour.flows.fallback_rate") != 0.1
    # Changes compose; the policies come from the base scenario.
    assert d.params.value("labour.matching.efficiency") == 0.2
    assert d.params.value("labour.flows.fallback_rate") == 0.1
    assert dict(d.changes) == {"labour.matching.efficiency": 0.2,
                               "labour.flows.fallback_rate": 0.1}
    labels = [p["label"] for p in d.policy_specs()]
    assert "prakerja" not in labels and labels[-1] == "topup"
    assert labels[:-1] == [lb for lb in (p["label"] for p in base_specs) if lb != "prakerja"]
    scales = {p["label"]: p.get("scale") for p in d.policy_specs()}
    assert scales["padat_karya"] == 2.0 and c.policy_specs()[7]["scale"] == 1.0
    assert a.counterfactual == base.counterfactual == "no_programmes"
    # scenario(base=None) is the baseline parameters with no policies.
    assert ps.scenario("plain").policies == ()
    assert ps.scenario("plain").params.digest() == before


def test_dated_changes_compose_on_top_of_the_base_scenario():
    a = ps.scenario("a", {"labour.matching.efficiency": 0.2})
    b = a.with_changes({"labour.matching.efficiency": {"2023-01": 0.3}})
    assert b.params.value("labour.matching.efficiency", at="2022-06") == 0.2
    assert b.params.value("labour.matching.efficiency", at="2023-06") == 0.3


@pytest.mark.parametrize("changes, key", [
    ({"labour.matching.efficency": 0.2}, "labour.matching.efficency"),
    ({"labour.flows.fallback_rate": "high"}, "labour.flows.fallback_rate"),
    ({"labour.flows.fallback_rate": 1.5}, "labour.flows.fallback_rate"),
])
def test_unknown_path_or_wrong_type_raises_input_error_naming_the_path(changes, key):
    with pytest.raises(InputError) as err:
        ps.scenario("bad", changes)
    assert err.value.key == key and key in str(err.value)
    with pytest.raises(InputError) as err:
        ps.scenario("ok").with_changes(changes)
    assert err.value.key == key


def test_bad_policy_edits_raise_input_error():
    base = ps.load_scenario(BASELINE)
    with pytest.raises(InputError, match="no_such"):
        base.with_policies(remove=["no_such"])
    with pytest.raises(InputError, match="pkh"):  # duplicate label
        base.with_policies(add=[{"type": "assistance", "label": "pkh", "programme": "pkh"}])
    with pytest.raises(InputError) as err:
        base.scale_policy("pbi_contributions", 2.0)
    assert err.value.key == "pbi_contributions.scale"
    with pytest.raises(InputError):
        base.scale_policy("padat_karya", -1)
    with pytest.raises(InputError) as err:
        ps.scenario("bad name!")
    assert err.value.key == "name"
    with pytest.raises(InputError):
        ps.run(["scenarios/baseline.yaml"])


def test_policy_objects_run_like_specs_in_process_and_in_workers():
    spec = {"type": "cash_transfer", "label": "topup", "amount_monthly": 300_000, "share": 0.2,
            "start": "2021-04"}
    as_spec = ps.scenario("as_spec", policies=[spec])
    obj = CashTransfer(**{k: v for k, v in spec.items() if k != "type"})
    as_object = ps.scenario("as_object", policies=[obj])
    settings = dict(households=1000, replications=2, seed=3, end="2021-08")
    one = ps.run([as_spec, as_object], **settings)
    two = ps.run([as_spec, as_object], workers=2, **settings)
    for results in (one, two):
        ts = results.timeseries.set_index(["scenario", "replication", "date"])
        np.testing.assert_array_equal(ts.loc["as_spec"].to_numpy(),
                                      ts.loc["as_object"].to_numpy())
        assert results.spending["rupiah"].sum() > 0
    pd.testing.assert_frame_equal(one.timeseries, two.timeseries)
    assert not obj.initialized  # the run used copies
