"""BPJS-TK (bpjs_tk) and the PBI lever (pbi_contributions): membership, fund, benefits, inputs."""

from pathlib import Path

import numpy as np
import pytest
from short_burn_in import SHORT_PARAMS

from simulation.errors import InputError
from simulation.model import PovertyModel
from simulation.policies import make_policy
from simulation.policies.social_insurance import FLOW_NAMES, BpjsTk, PbiContributions
from simulation.scenarios import load_scenario
from simulation.state import FORMAL, UNEMPLOYED

BASE = SHORT_PARAMS
BAD = Path(__file__).resolve().parents[1] / "cases" / "bad_scenarios"
BPJS = {"type": "bpjs_tk", "label": "bpjs"}


def _scheme(model) -> BpjsTk:
    return next(p for p in model.policies if isinstance(p, BpjsTk))


def _capture(model):
    seen = []
    orig = model.draw_shocks

    def wrapped():
        insured = _scheme(model).is_insured.copy()
        events = orig()
        seen.append((model.t, insured, events))
        return events

    model.draw_shocks = wrapped
    return seen


# ------------------------------------------------------------------ membership
def test_baseline_coverage_follows_the_compliance_and_bpu_rates():
    model = PovertyModel(BASE, n_households=3000, seed=1, end="2021-06", policies=[BPJS])
    model.run()
    w, insured = model.workers, _scheme(model).is_insured
    formal = w.status == FORMAL
    informal = np.isin(w.status, (1, 2, 3))
    pu_share = insured[formal].mean()
    bpu_share = insured[informal].mean()
    assert abs(pu_share - 0.415) < 0.12, pu_share  # employer-level draw: lumpy at this size
    n = informal.sum()
    assert abs(bpu_share - 0.075) <= 4 * np.sqrt(0.075 * 0.925 / n), bpu_share
    assert not insured[w.status == UNEMPLOYED].any()


def test_dated_compliance_and_member_shares_apply_from_their_month():
    changes = {"programmes.social_insurance.pu_compliance_rate": {"2021-07": 0.9},
               "programmes.social_insurance.bpu_member_share": {"2021-07": 0.3}}
    runs = []
    for params in (BASE, BASE.with_changes(changes)):
        model = PovertyModel(params, n_households=3000, seed=1, end="2021-09", policies=[BPJS])
        model.run()
        runs.append(_scheme(model))
    base, new = runs
    cut = 4  # 2021-07
    for name in ("members_pu", "members_bpu"):
        a, b = getattr(base, name), getattr(new, name)
        assert np.array_equal(a[:cut], b[:cut]), name
        assert (b[cut:] > 1.5 * a[cut:]).all(), name
    # The same size-weighted order: the employers complying at 41.5% still comply at 90%.
    assert new.rules.pu_compliance_rate == 0.9
    assert (new.compliant | ~base.compliant).all() and new.compliant.sum() > base.compliant.sum()
    assert (new.bpu_willing | ~base.bpu_willing).all()


def test_a_dated_pbi_contribution_applies_from_its_month():
    policies = [BPJS, {"type": "pbi_contributions", "label": "pbi", "members": 5e6}]
    changes = {"programmes.social_insurance.bpu_contribution": {"2021-07": 30_000}}
    spent = []
    for params in (BASE, BASE.with_changes(changes)):
        model = PovertyModel(params, n_households=3000, seed=3, end="2021-08",
                             policies=policies)
        model.run()
        spent.append(model.spending()["pbi"])
        pbi = next(p for p in model.policies if isinstance(p, PbiContributions))
    assert pbi.contribution == 30_000
    cut = 4  # 2021-07
    assert np.array_equal(spent[0][:cut], spent[1][:cut]) and spent[0][cut - 1] > 0
    assert (spent[1][cut:] > 1.5 * spent[0][cut:]).all()


# ------------------------------------------------------------------ the fund
@pytest.fixture(scope="module")
def fund_run():
    params = BASE.with_changes({"shocks.deaths.p_death": 0.003,
                                "programmes.social_insurance.jkm_periodic_months": 1,
                                "shocks.accidents.accident_probability_by_sector":
                                    [0.01, 0.02, 0.01]})
    policies = [BPJS, {"type": "pbi_contributions", "label": "pbi", "members": 10e6}]
    model = PovertyModel(params, n_households=3000, seed=4, end="2022-12", policies=policies)
    seen = _capture(model)
    transfers = []
    while model.t < model.paths.n_steps:
        model.step()
        # Paid per worker: a sample household receives workers_per_household_rel times the
        # amount, so its transfers times the household weight are the real rupiah.
        transfers.append(float((model.households.transfers * model.households.weight).sum())
                         * model.population_scale)
    return model, seen, transfers


def test_fund_balance_moves_by_contributions_less_benefits(fund_run):
    model, _, _ = fund_run
    s = _scheme(model)
    change = np.diff(np.concatenate([[0.0], s.balance]))
    assert np.allclose(change, s.contributions() - s.benefits(), rtol=1e-12, atol=1e-3)
    for name in FLOW_NAMES:
        assert np.all(s.flows[name] >= 0), name
    assert s.contributions()[1:].min() > 0 and s.benefits()[1:].min() > 0
    assert s.flows["contributions_pbi"][1:] == pytest.approx(model.spending()["pbi"][1:])


def test_household_cash_matches_the_fund_flows(fund_run):
    """Transfers (the only transfer source here) = JKP + JKM periodic - BPU contributions."""
    model, _, transfers = fund_run
    s = _scheme(model)
    for t, got in enumerate(transfers, start=1):
        want = (s.flows["benefits_jkp"][t] + s.flows["benefits_jkm_periodic"][t]
                - s.flows["contributions_bpu"][t])
        assert got == pytest.approx(want, rel=1e-5, abs=1e3), t


def test_jkm_pays_42_million_per_insured_death(fund_run):
    model, seen, _ = fund_run
    s = _scheme(model)
    total = 0
    for t, insured, events in seen:
        if t == 0:
            continue
        weight = float(model.households.weight[0]) * model.paths.labour_force_rel[t]
        n = int(insured[events["death"]].sum())
        total += n
        paid = s.flows["benefits_jkm_lump"][t] + s.flows["benefits_jkm_periodic"][t]
        assert paid == pytest.approx(n * 42e6 * weight, rel=1e-9), t
    assert total > 0


def test_pbi_spending_never_exceeds_the_budget():
    budget = 2.0e11  # Rp a year: well below the cost of 10 M members (about Rp 2 T)
    policies = [BPJS, {"type": "pbi_contributions", "label": "pbi", "members": 10e6,
                       "annual_budget": budget, "start": "2021-04"}]
    model = PovertyModel(BASE, n_households=3000, seed=2, end="2022-12", policies=policies)
    model.run()
    spent = model.spending()["pbi"]
    years = np.array([d[:4] for d in model.recorder.dates])
    for y in np.unique(years):
        assert spent[years == y].sum() <= budget * (1 + 1e-9), y
    assert spent[years == "2022"].sum() > 0.9 * budget  # the budget binds
    unconstrained = 10e6 * 16_800 * 12
    assert spent[years == "2022"].sum() < unconstrained


def test_size_zero_pbi_reproduces_the_run_without_it():
    a = PovertyModel(BASE, n_households=2000, seed=7, end="2021-12", policies=[BPJS]).run()
    b = PovertyModel(BASE, n_households=2000, seed=7, end="2021-12",
                     policies=[BPJS, {"type": "pbi_contributions", "label": "pbi",
                                      "members": 0}]).run()
    for name in a:
        if name == "date":
            continue
        assert np.array_equal(a[name], b[name], equal_nan=True), name


def test_pbi_enrols_poor_informal_workers_up_to_the_target():
    policies = [BPJS, {"type": "pbi_contributions", "label": "pbi", "members": 5e6}]
    model = PovertyModel(BASE, n_households=3000, seed=3, end="2021-06", policies=policies)
    model.run()
    pbi = next(p for p in model.policies if isinstance(p, PbiContributions))
    w = model.workers
    k = pbi.target_slots(model)
    assert 0 < pbi.enrolled.sum() <= k
    pct = model.registry.percentile[w.household[pbi.enrolled]]
    assert np.mean(pct < pbi.poor_cutoff) > 0.8  # registry re-measures; most still below


# ------------------------------------------------------------------ benefits
def test_jkp_pays_45_then_25_percent_of_the_capped_wage():
    model = PovertyModel(BASE, n_households=500, seed=1, end="2022-12",
                         policies=[{**BPJS, "jkp_take_up_rate": 1.0}])
    s = _scheme(model)
    model.t = model.recorder.dates.index("2022-06")
    w, hh = model.workers, model.households
    formal = np.flatnonzero(w.status == FORMAL)
    rich, poor = formal[0], next(i for i in formal[1:] if w.household[i] != w.household[formal[0]])
    s.is_insured[[rich, poor]] = True
    s.contrib_months[[rich, poor]] = 12
    s.last_wage[rich], s.last_wage[poor] = 8e6, 2e6
    w.status[[rich, poor]] = UNEMPLOYED  # the job loss itself
    s.after_separations(model, np.array([rich, poor]))
    assert s.contrib_months[rich] == 0 and s.contrib_months[poor] == 0
    got = []
    for _ in range(7):
        hh.transfers[:] = 0.0
        s.jkm_remaining[:] = 0.0
        s.pay_transfers(model)
        got.append((float(hh.transfers[w.household[rich]]),
                    float(hh.transfers[w.household[poor]])))
    cap = 5e6
    psi = model.workers_per_household_rel  # each member stands for more earners by 2022-06
    assert psi > 1.0
    assert [g[0] / psi for g in got] == pytest.approx([0.45 * cap] * 3 + [0.25 * cap] * 3
                                                      + [0.0], rel=1e-6)
    assert [g[1] / psi for g in got] == pytest.approx([0.9e6] * 3 + [0.5e6] * 3 + [0.0],
                                                      rel=1e-6)


def test_jkp_needs_twelve_months_and_is_not_paid_before_february_2022():
    model = PovertyModel(BASE, n_households=500, seed=1, end="2022-12",
                         policies=[{**BPJS, "jkp_take_up_rate": 1.0}])
    s = _scheme(model)
    w = model.workers
    i, j = np.flatnonzero(w.status == FORMAL)[:2]
    s.is_insured[[i, j]] = True
    s.contrib_months[i], s.contrib_months[j] = 11, 24
    model.t = model.recorder.dates.index("2021-08")  # JKP not in force yet
    s.after_separations(model, np.array([i, j]))
    assert s.jkp_months_left[[i, j]].tolist() == [0, 0]
    model.t = model.recorder.dates.index("2022-03")
    s.after_separations(model, np.array([i, j]))
    assert s.jkp_months_left[[i, j]].tolist() == [0, 6]


def test_insured_households_fall_into_extreme_poverty_less_often():
    """Same seed with and without insurance: households hit by a shock while insured (in the
    insured run) are compared with the same households in the uninsured run."""
    params = BASE.with_changes({"shocks.accidents.accident_probability_by_sector":
                                [0.03, 0.03, 0.03], "shocks.deaths.p_death": 0.004})
    everyone = {**BPJS, "pu_compliance_rate": 1.0, "bpu_member_share": 1.0, "start": "2021-04"}
    ins = PovertyModel(params, n_households=3000, seed=9, end="2022-03", policies=[everyone])
    unins = PovertyModel(params, n_households=3000, seed=9, end="2022-03")
    seen = _capture(ins)
    line = ins.paths.extreme_line
    poor_ins, poor_unins, hit = [], [], []
    while ins.t < ins.paths.n_steps:
        ins.step()
        unins.step()
        _, _, ev = seen[-1]
        workers = np.concatenate([ev["accident"], ev["death"]])
        households = np.unique(ins.workers.household[workers[_scheme(ins).is_insured[workers]
                                                              | np.isin(workers, ev["death"])]])
        hit.append(households)
        poor_ins.append(ins.households.consumption_pc < line[ins.t])
        poor_unins.append(unins.households.consumption_pc < line[unins.t])
    # Extreme poverty in the month of the shock and the two after, among households hit.
    diffs = []
    for t in range(len(hit) - 2):
        for lag in range(3):
            h = hit[t]
            diffs.append(poor_unins[t + lag][h].astype(float) - poor_ins[t + lag][h])
    d = np.concatenate(diffs)
    se = d.std(ddof=1) / np.sqrt(len(d))
    assert d.mean() > 3 * se, (d.mean(), se)


# ------------------------------------------------------------------ bad settings
@pytest.mark.parametrize("file, key", [
    ("pbi_negative_members.yaml", "policies[1].members"),
    ("pbi_take_up_above_one.yaml", "policies[1].take_up"),
])
def test_bad_scenario_files_name_the_key(file, key):
    with pytest.raises(InputError) as err:
        load_scenario(BAD / file)
    assert err.value.key == key and file in err.value.file


def test_end_before_start_is_rejected():
    with pytest.raises(InputError) as err:
        make_policy({"type": "pbi_contributions", "label": "pbi", "members": 1e6,
                     "start": "2023-01", "end": "2022-01"}, file="s.yaml", key="policies[0]")
    assert err.value.key == "policies[0].end"


def test_bad_bpjs_settings_are_rejected():
    with pytest.raises(InputError) as err:
        make_policy({"type": "bpjs_tk", "label": "b", "pu_compliance_rate": 1.5})
    assert err.value.key.endswith("pu_compliance_rate")


def test_pbi_without_the_scheme_is_rejected():
    with pytest.raises(InputError, match="bpjs_tk"):
        PovertyModel(BASE, n_households=200, seed=1, end="2021-04",
                     policies=[{"type": "pbi_contributions", "label": "pbi", "members": 1e6}])
