"""Costs and impact accounting (simulation/experiments.py, cli.py): spending.csv, persons lifted.

Small runs: 3,000 households, 3 replications, a 12-month burn-in, to March 2024.
"""

import dataclasses
import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from short_burn_in import SHORT

from simulation import experiments as ex
from simulation.cli import main
from simulation.model import run_model
from simulation.parameter_set import month_index
from simulation.scenarios import Scenario, load_scenario

ROOT = Path(__file__).resolve().parents[2]
N, R, END = 3000, 3, "2024-03"
BASE_POLICIES = ({"type": "assistance", "label": "bpnt", "programme": "bpnt"},)
TOPUP = {"type": "cash_transfer", "label": "topup", "amount_monthly": 300_000, "share": 0.1,
         "start": "2021-04"}


def scenario(name, policies, counterfactual=None) -> Scenario:
    sc = Scenario.from_changes(name, SHORT, policies=tuple(policies))
    return dataclasses.replace(sc, counterfactual=counterfactual)


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    scenarios = [
        scenario("topup", [*BASE_POLICIES, TOPUP]),  # no counterfactual named: no_programmes
        scenario("no_programmes", BASE_POLICIES),
        scenario("zero", [*BASE_POLICIES, {**TOPUP, "amount_monthly": 0}],
                 counterfactual="no_programmes"),
        scenario("elsewhere", BASE_POLICIES, counterfactual="not_in_this_run"),
    ]
    result = ex.run_experiment(scenarios, households=N, replications=R, seed=5, end=END)
    out = ex.save(result, tmp_path_factory.mktemp("acc") / "run", "test")
    return result, out, json.loads((out / "summary.json").read_text())


def test_run_folder_has_a_tidy_spending_table(run):
    result, out, _ = run
    sp = pd.read_csv(out / "spending.csv")
    assert list(sp.columns) == list(ex.SPENDING_COLUMNS)
    assert set(sp["scenario"]) == {"topup", "no_programmes", "zero", "elsewhere"}
    months = ex.n_months(END)
    assert sp.groupby(["scenario", "replication", "label"]).size().eq(months).all()
    assert set(sp.loc[sp["label"] == "topup", "lever"]) == {"social_assistance"}
    assert (sp["rupiah"] >= 0).all()
    assert (sp.loc[sp["date"] == "2021-03", "rupiah"] == 0).all()  # burn-in is not counted
    assert sp.loc[(sp["scenario"] == "topup") & (sp["label"] == "topup"), "rupiah"].sum() > 0


def test_spending_csv_sums_equal_the_summary_totals(run):
    _, out, summ = run
    sp = pd.read_csv(out / "spending.csv")
    acc = summ["accounting"]
    assert acc["spending_from"] == "2021-04"
    keep = sp[sp["date"].map(month_index) >= month_index("2021-04")]
    for name, entry in acc["scenarios"].items():
        rows = keep[keep["scenario"] == name]
        total = rows.groupby("replication")["rupiah"].sum().mean()
        s = entry["2024-03"]["spending_rupiah"]
        assert s["total"] == pytest.approx(total, rel=1e-12)
        by_lever = rows.groupby(["replication", "lever"])["rupiah"].sum().groupby("lever").mean()
        assert s["by_lever"] == pytest.approx(by_lever.to_dict(), rel=1e-12)
        assert sum(s["by_lever"].values()) == pytest.approx(s["total"], rel=1e-12)


def test_persons_lifted_are_counterfactual_minus_scenario_per_replication(run):
    result, _, summ = run
    ts = result.timeseries
    at = ts[ts["date"] == "2024-03"].set_index(["scenario", "replication"])
    lifted = (at.loc["no_programmes", "extreme_poor_persons"]
              - at.loc["topup", "extreme_poor_persons"]).to_numpy()
    impact = summ["accounting"]["scenarios"]["topup"]["2024-03"]["impact"]
    assert summ["accounting"]["scenarios"]["topup"]["counterfactual"] == "no_programmes"
    assert impact["persons_lifted_median"] == pytest.approx(np.median(lifted))
    assert impact["persons_lifted_p05"] == pytest.approx(np.percentile(lifted, 5))
    assert impact["persons_lifted_p95"] == pytest.approx(np.percentile(lifted, 95))
    assert impact["persons_lifted_mean"] == pytest.approx(np.mean(lifted))
    assert impact["persons_lifted_median"] > 0  # Rp 300,000 a month to the poorest 10% helps
    sp = result.spending
    extra = (sp[(sp["scenario"] == "topup") & (sp["label"] == "topup")]
             .groupby("replication")["rupiah"].sum().mean())
    assert impact["extra_spending_rupiah"] == pytest.approx(extra, rel=1e-9)
    assert impact["rupiah_per_person_lifted"] == pytest.approx(extra / np.mean(lifted))


def test_no_impact_gives_no_rupiah_per_person_and_missing_counterfactuals_are_none(run):
    _, _, summ = run
    scen = summ["accounting"]["scenarios"]
    zero = scen["zero"]["2024-03"]["impact"]
    assert zero["persons_lifted_median"] == 0 and zero["persons_lifted_p95"] == 0
    assert zero["extra_spending_rupiah"] == 0
    assert zero["rupiah_per_person_lifted"] is None
    assert scen["no_programmes"]["counterfactual"] is None  # not against itself
    assert "impact" not in scen["no_programmes"]["2024-03"]
    assert scen["elsewhere"]["counterfactual"] is None  # named, but not in this run
    assert "impact" not in scen["elsewhere"]["2024-03"]


def test_manifest_records_the_policies(run):
    _, out, _ = run
    man = json.loads((out / "manifest.json").read_text())
    first = man["scenarios"][0]
    assert [p["label"] for p in first["policies"]] == ["bpnt", "topup"]
    assert man["scenarios"][2]["counterfactual"] == "no_programmes"


def test_seed_and_replication_columns_rerun_a_scenario_with_policies(run):
    result, _, _ = run
    ts = result.timeseries
    sc = result.scenarios[0]
    row = ts[(ts["scenario"] == sc.name) & (ts["replication"] == 2)]
    again = run_model(sc.params, N, ex.replication_seed(5, 2), end=END, policies=sc.policies)
    np.testing.assert_allclose(row["extreme_poverty_rate"], again["extreme_poverty_rate"],
                               rtol=1e-12)
    sp = result.spending
    mine = sp[(sp["scenario"] == sc.name) & (sp["replication"] == 2) & (sp["label"] == "topup")]
    np.testing.assert_allclose(mine["rupiah"], again.spending()["topup"], rtol=1e-12)


def test_a_run_without_policies_has_an_empty_spending_table(tmp_path):
    sc = Scenario.from_changes("plain", SHORT)
    result = ex.run_experiment([sc], households=N, replications=1, seed=1, end="2021-06")
    out = ex.save(result, tmp_path / "run", "test")
    sp = pd.read_csv(out / "spending.csv")
    assert list(sp.columns) == list(ex.SPENDING_COLUMNS) and len(sp) == 0
    assert json.loads((out / "summary.json").read_text())["accounting"]["scenarios"] == {
        "plain": {"counterfactual": None}}


def test_cli_prints_spending_and_persons_lifted(tmp_path, capsys):
    short = "\n".join(f"  {k}: {v}" for k, v in SHORT.items())
    for name, extra, cf in (("no_programmes", "", ""),
                            ("topup", TOPUP, "counterfactual: no_programmes\n")):
        policies = "".join(f"  - {json.dumps(p)}\n" for p in (*BASE_POLICIES,
                                                                *([extra] if extra else [])))
        (tmp_path / f"{name}.yaml").write_text(
            f"name: {name}\ndescription: test\n{cf}parameters:\n{short}\npolicies:\n{policies}")
    code = main(["run", str(tmp_path / "no_programmes.yaml"), str(tmp_path / "topup.yaml"),
                 "--households", "2000", "--replications", "2", "--workers", "1", "--end",
                 END, "--out", str(tmp_path / "out")])
    assert code == 0
    printed = capsys.readouterr().out
    assert "Rp trillion" in printed and "persons lifted" in printed
    line = [x for x in printed.splitlines() if x.strip().startswith("topup") and "no_programmes"
            in x]
    assert line, printed
    assert load_scenario(tmp_path / "topup.yaml").counterfactual == "no_programmes"
