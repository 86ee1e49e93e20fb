"""Vocational training (simulation/policies/training.py): mechanics, money, effects, lottery.

Small models with a short burn-in. Every test compares against a run or a number that a broken
policy would miss: a policy that drew from a shared stream, overspent, skipped the effects or
gave everyone the same effect, or created jobs out of nothing, fails here.
"""

from pathlib import Path

import numpy as np
import pytest
from short_burn_in import SHORT_PARAMS

from calibration.prakerja_lottery import simulate_lottery
from simulation import labour_market as lm
from simulation.errors import InputError
from simulation.model import PovertyModel
from simulation.parameter_set import month_index
from simulation.policies import REGISTRY, make_policy
from simulation.policies.training import VocationalTraining
from simulation.scenarios import load_scenario
from simulation.state import FORMAL, UNEMPLOYED

ROOT = Path(__file__).resolve().parents[2]
BAD = ROOT / "tests" / "cases" / "bad_scenarios"
FAST = SHORT_PARAMS
# Effects that are easy to see: everyone completes, no fading.
PLAIN = {"completion_rate": 1.0, "effect_half_life_months": 0.0, "skill_boost": 0.8,
         "earnings_premium": 0.1}


def model(policies=(), n=3000, seed=3, end="2021-12", params=FAST) -> PovertyModel:
    return PovertyModel(params, n_households=n, seed=seed, end=end, policies=list(policies))


def run_all(m: PovertyModel) -> dict:
    out = m.run()
    return {k: v for k, v in out.items() if k != "date"}


# ------------------------------------------------------------------ registration and settings
def test_registered_and_round_trips():
    assert REGISTRY["vocational_training"] is VocationalTraining
    p = VocationalTraining(label="blk", programme="blk", scale=2.0, poor_share=0.3)
    again = make_policy(p.to_dict())
    assert again.to_dict() == p.to_dict()
    assert again.lever == "training"


def test_defaults_come_from_the_parameter_file_at_the_month():
    m = model([VocationalTraining(label="p"), VocationalTraining(label="b", programme="blk")])
    p, b = m.policies
    assert p.setting(m, "slots_per_year", month_index("2021-06")) == pytest.approx(5_931_574)
    assert p.setting(m, "slots_per_year", month_index("2022-06")) == pytest.approx(3_100_000)
    assert p.setting(m, "slots_per_year", month_index("2023-06")) == pytest.approx(1_000_000)
    assert p.setting(m, "fee", month_index("2022-12")) == 1_000_000
    assert p.setting(m, "fee", month_index("2023-01")) == 3_500_000
    assert p.setting(m, "incentive_months", month_index("2023-01")) == 1
    assert b.setting(m, "slots_per_year", month_index("2022-06")) == pytest.approx(145_370)
    assert b.setting(m, "completion_rate") == pytest.approx(0.85)
    # An argument overrides the file.
    q = VocationalTraining(label="q", slots_per_year=10.0)
    assert q.setting(m, "slots_per_year") == 10.0


# ------------------------------------------------------------------ a policy of size zero
def test_scale_zero_reproduces_the_run_without_it_exactly():
    base = model(end="2022-06")
    off = model([VocationalTraining(label="p", scale=0.0),
                 VocationalTraining(label="b", programme="blk", scale=0.0)], end="2022-06")
    on = model([VocationalTraining(label="p", scale=1.0)], end="2022-06")
    a, b, c = run_all(base), run_all(off), run_all(on)
    for k in a:
        np.testing.assert_array_equal(a[k], b[k], err_msg=k)
    np.testing.assert_array_equal(base.workers.earnings, off.workers.earnings)
    np.testing.assert_array_equal(base.households.consumption, off.households.consumption)
    assert off.policies[0].spent.sum() == 0 and not off.policies[0].trained.any()
    # The test can fail: the programme at scale 1 changes the run.
    assert any(not np.array_equal(a[k], c[k], equal_nan=True) for k in a)
    assert on.policies[0].trained.any()


def test_zero_premium_leaves_earnings_unchanged_and_a_premium_multiplies_them():
    m = model()
    w = m.workers
    z = m.streams.normal("earnings", 99, w.n)
    index = np.ones(3)
    before = w.copy()
    lm.update_earnings(w, m.labour, z.copy(), 1.0, index)
    plain = w.earnings.copy()
    paid = np.flatnonzero(plain > 0)[:50]
    w2 = before.copy()
    premium = np.zeros(w.n, dtype=np.float32)
    premium[paid] = 0.25
    lm.update_earnings(w2, m.labour, z.copy(), 1.0, index, premium=premium)
    np.testing.assert_allclose(w2.earnings[paid], plain[paid] * 1.25, rtol=1e-6)
    others = np.setdiff1d(np.arange(w.n), paid)
    np.testing.assert_array_equal(w2.earnings[others], plain[others])


# ------------------------------------------------------------------ money
def test_spending_never_exceeds_the_annual_budget_and_the_budget_binds():
    budget = 30e9  # Rp 30 billion a year: far less than the default programme costs
    m = model([VocationalTraining(label="p", annual_budget=budget),
               VocationalTraining(label="free")], end="2023-06")
    m.run()
    capped, free = m.policies
    years = m.paths.months // 12
    for y in np.unique(years):
        assert capped.spent[years == y].sum() <= budget * (1 + 1e-9)
    assert capped.spent[years == years[1]].sum() > 0.5 * budget  # it spends what it may
    assert capped.results["enrolled"].sum() < 0.5 * free.results["enrolled"].sum()


def test_spending_is_fees_plus_incentives_paid_to_completers_households():
    args = dict(PLAIN, slots_per_year=2e6, duration_months=1, incentive_months=4,
                incentive_monthly=600_000, survey_incentive=150_000, fee=1_000_000,
                start="2021-04", end="2021-12")
    m = model([VocationalTraining(label="p", **args)], end="2021-12")
    transfers = np.zeros(m.households.n)
    # Real rupiah: each month's transfers times that month's household weight (a stipend per
    # worker reaches the household times workers_per_household_rel, booked per real worker).
    paid = 0.0
    while m.t < m.paths.n_steps:
        m.step()
        transfers += m.households.transfers
        paid += float(m.households.transfers.astype(np.float64).sum()) * m.sample_weight
    p = m.policies[0]
    enrolled = p.results["enrolled"]
    # Enrolment runs April to November (it stops duration_months before the end).
    assert enrolled[1:9].all() and enrolled[9] == 0
    expected = enrolled.sum() * 1_000_000 + paid  # fees for the enrolled (real persons)
    assert p.spent.sum() == pytest.approx(expected, rel=1e-6)
    # The April cohort completed in May and was paid May..August, the survey with the last.
    hh = m.workers.household[p.trained]
    assert transfers[hh].sum() > 0
    assert np.all(transfers[np.setdiff1d(np.arange(m.households.n), hh)] == 0)
    per_head = transfers.sum() / len(np.flatnonzero(p.trained))
    assert per_head < 4 * 600_000 + 150_000  # later cohorts are not fully paid by December


# ------------------------------------------------------------------ effects
def test_completers_get_effects_and_the_poor_rural_informal_get_smaller_ones():
    share = 0.25
    args = dict(PLAIN, slots_per_year=3e6, disadvantaged_effect_share=share,
                applicant_urban_share=0.5, applicant_not_working_share=0.6)
    m = model([VocationalTraining(label="p", **args)], n=4000, end="2021-10")
    m.run()
    p = m.policies[0]
    w, hh = m.workers, m.households
    boost, premium = m.modifiers.get("search_log_boost"), m.modifiers.get("earnings_premium")
    done = np.flatnonzero(p.trained & (boost > 0))
    assert len(done) > 200
    skill, prem = boost[done], premium[done]
    full, small = np.isclose(skill, 0.8), np.isclose(skill, 0.8 * share)
    assert np.all(full | small) and full.any() and small.any()
    np.testing.assert_allclose(prem[full], 0.1, rtol=1e-6)
    np.testing.assert_allclose(prem[small], 0.1 * share, rtol=1e-6)
    rural = ~hh.is_urban[w.household[done]]
    assert rural.any() and np.all(small[rural])  # rural trainees: the smaller effect
    assert not (boost[~p.trained] > 0).any()  # nobody else trained
    # Completed trainees win vacancies more often: the matching weight carries exp(boost).
    weights = lm.seeker_weights(w, m.labour, hh.is_urban, boost=boost)
    plain = lm.seeker_weights(w, m.labour, hh.is_urban)
    seekers = done[weights[done] > 0]
    assert len(seekers)
    np.testing.assert_allclose(weights[seekers], plain[seekers] * np.exp(boost[seekers]),
                               rtol=1e-5)


def test_non_completers_get_nothing_and_the_completion_rate_holds():
    args = dict(PLAIN, slots_per_year=1e7, completion_rate=0.5, end="2021-10")
    m = model([VocationalTraining(label="p", **args)], n=4000, end="2021-10")
    m.run()
    p = m.policies[0]
    trained = np.flatnonzero(p.trained)
    got = m.modifiers.get("search_log_boost")[trained] > 0
    assert len(trained) > 300
    assert abs(got.mean() - 0.5) < 0.1  # enrolment stopped a month before the end: all done
    assert np.all(m.modifiers.get("earnings_premium")[trained[~got]] == 0)


def test_effects_fade_with_the_half_life():
    args = dict(PLAIN, slots_per_year=3e6, effect_half_life_months=2.0,
                disadvantaged_effect_share=1.0, start="2021-04", end="2021-12")
    m = model([VocationalTraining(label="p", **args)], end="2021-12")
    m.step()  # April: enrol
    m.step()  # May: the April cohort completes (no fading yet)
    p = m.policies[0]
    boost, premium = m.modifiers.get("search_log_boost"), m.modifiers.get("earnings_premium")
    first = np.flatnonzero(boost > 0)
    assert len(first) and np.allclose(boost[first], 0.8)
    m.step()
    m.step()  # two months on: half left
    np.testing.assert_allclose(boost[first], 0.4, rtol=1e-4)
    np.testing.assert_allclose(premium[first], 0.05, rtol=1e-4)
    assert p.effects(first)[0] == pytest.approx(boost[first])
    assert p.effects(first)[1] == pytest.approx(premium[first])
    never = np.flatnonzero(boost == 0)[:5]
    assert (p.effects(never)[0] == 0).all() and (p.effects(never)[1] == 0).all()


def test_poor_share_goes_to_the_registry_poorest_and_open_slots_follow_the_profile():
    m = model([VocationalTraining(label="poor", poor_share=1.0, slots_per_year=1e6,
                                  start="2021-04"),
               VocationalTraining(label="open", slots_per_year=1e7, start="2021-04")],
              n=6000, end="2021-09")
    m.run()
    poor, open_ = m.policies
    pct = m.registry.percentile
    w, hh = m.workers, m.households
    assert pct[w.household[poor.trained]].max() < 0.15
    assert pct[w.household[open_.trained]].mean() > 0.3
    t = open_.trained
    assert t.sum() > 300
    # The profile: 88% not working, 76% urban, 87% senior secondary or more (at enrolment the
    # not-working were unemployed; a few months on, some have found work, so compare loosely).
    assert hh.is_urban[w.household[t]].mean() == pytest.approx(0.76, abs=0.06)
    assert (w.education[t] >= 2).mean() == pytest.approx(0.87, abs=0.06)
    assert (w.status[t] == UNEMPLOYED).mean() < 0.88


# ------------------------------------------------------------------ the lottery
def test_the_lottery_recovers_a_configured_earnings_premium():
    # No skill boost and no heterogeneity: winners earn 1 + premium times what they would, so
    # the earnings effect is about the premium and the employment effect about zero.
    args = dict(PLAIN, skill_boost=0.0, earnings_premium=0.3, disadvantaged_effect_share=1.0,
                incentive_monthly=0.0, survey_incentive=0.0)
    out = simulate_lottery(FAST, n_households=20_000, seed=5, replications=3,
                           applicant_share=0.03, policy_args=args)
    assert out["n_treated"] > 1000
    assert abs(out["employment_effect_pp"]) < 3 * out["employment_effect_pp_se"] + 0.5
    assert out["earnings_effect_pct"] == pytest.approx(30, abs=3 * out["earnings_effect_pct_se"])


def test_the_lottery_finds_a_skill_boost_as_more_formal_jobs():
    args = dict(PLAIN, skill_boost=1.5, earnings_premium=0.0, disadvantaged_effect_share=1.0)
    out = simulate_lottery(FAST, n_households=20_000, seed=5, replications=3,
                           applicant_share=0.01, policy_args=args, spillover=True)
    assert out["formal_effect_pp"] > 4 * out["formal_effect_pp_se"]
    assert out["employment_effect_pp"] > 2 * out["employment_effect_pp_se"]
    assert out["earnings_effect_pct"] > 0
    # A small lottery barely touches the losers.
    assert abs(out["control_spillover_employment_pp"]) < 1.5


# ------------------------------------------------------------------ displacement
def _formal(m: PovertyModel, who: np.ndarray | None = None) -> int:
    s = m.workers.status if who is None else m.workers.status[who]
    return int(np.count_nonzero(s == FORMAL))


def test_training_without_vacancies_displaces_and_with_vacancies_the_total_rises():
    n, end = 15_000, "2022-03"
    big = VocationalTraining(label="p", slots_per_year=12e6, skill_boost=1.5,
                             disadvantaged_effect_share=1.0, start="2021-04")
    more_jobs = FAST.with_changes({"labour.employers.employment_output_elasticity": 2.5})
    base = model(n=n, end=end)
    trained = model([big], n=n, end=end)
    jobs = model(n=n, end=end, params=more_jobs)
    both = model([big], n=n, end=end, params=more_jobs)
    for m in (base, trained, jobs, both):
        m.run()
    who = trained.policies[0].trained
    gain_trainees = _formal(trained, who) - _formal(base, who)
    change_total = _formal(trained) - _formal(base)
    assert gain_trainees > 100  # trainees do take formal jobs ...
    assert abs(change_total) < 0.25 * gain_trainees  # ... mostly jobs others would have had
    others = ~who
    assert _formal(trained, others) < _formal(base, others)  # displacement of non-trainees
    # With more vacancies the total rises, and trainees still gain.
    rise = _formal(both) - _formal(base)
    assert rise > gain_trainees and rise > 4 * abs(change_total)
    who_both = both.policies[0].trained
    assert _formal(both, who_both) - _formal(jobs, who_both) > 100


# ------------------------------------------------------------------ bad settings
@pytest.mark.parametrize("args, key", [
    ({"slots_per_year": -5}, "policies[0].slots_per_year"),
    ({"poor_share": 1.5}, "policies[0].poor_share"),
    ({"completion_rate": -0.1}, "policies[0].completion_rate"),
    ({"start": "2023-01", "end": "2022-01"}, "policies[0].end"),
    ({"programme": "madrasa"}, "policies[0].programme"),
    ({"scale": -1}, "policies[0].scale"),
    ({"slot_per_year": 5}, "policies[0].slot_per_year"),
])
def test_bad_settings_raise_input_error_naming_the_key(args, key):
    with pytest.raises(InputError) as err:
        make_policy({"type": "vocational_training", "label": "p", **args}, file="s.yaml",
                    key="policies[0]")
    assert err.value.file == "s.yaml" and err.value.key == key


@pytest.mark.parametrize("name, key", [
    ("training_negative_slots.yaml", "policies[0].slots_per_year"),
    ("training_poor_share_above_one.yaml", "policies[1].poor_share"),
])
def test_bad_training_scenario_files_are_rejected(name, key):
    path = BAD / name
    with pytest.raises(InputError) as err:
        load_scenario(path)
    assert err.value.file == str(path) and err.value.key == key
    assert "\n" not in str(err.value)


def test_a_dead_trainee_s_effect_does_not_pass_to_the_replacement_member():
    """Deaths reset the slot's modifiers; the fade must not then add its change to the person
    who takes the slot up (before the fix the replacement got a negative boost)."""
    args = dict(PLAIN, effect_half_life_months=6.0, slots_per_year=2e6, duration_months=1,
                start="2021-04", end="2021-12")
    m = model([VocationalTraining(label="p", **args)], end="2021-12")
    p = m.policies[0]
    while len(p._effect_idx) < 5:
        m.step()
    dead = p._effect_idx[:3].copy()
    m.shocks._apply_deaths(m.workers, m.employer_state, m.households, dead, m.modifiers)
    p.after_shocks(m, {"death": dead})
    for _ in range(3):
        m.step()
    assert (p.search_log_boost[dead] >= 0).all() and (p.earnings_premium[dead] >= 0).all()
    np.testing.assert_array_equal(p.search_log_boost[dead], 0.0)
