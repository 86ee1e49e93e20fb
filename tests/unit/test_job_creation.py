"""Unit tests of simulation/policies/job_creation.py: padat karya, TKM grants, formal jobs.

Small models (3,000 households, a 12-month burn-in) keep each run to a fraction of a second;
scale and sizes are raised where a test needs enough sample participants to see an effect.
"""

from pathlib import Path

import numpy as np
import pytest
from short_burn_in import SHORT_PARAMS

from simulation import experiments as ex
from simulation.cli import main
from simulation.errors import InputError
from simulation.model import PovertyModel
from simulation.parameter_set import month_index
from simulation.policies import REGISTRY, make_policy
from simulation.population import informal_base_earnings
from simulation.scenarios import load_scenario
from simulation.state import CASUAL, FORMAL, OWN_ACCOUNT, UNEMPLOYED, UNPAID

ROOT = Path(__file__).resolve().parents[2]
BAD = ROOT / "tests" / "cases" / "bad_scenarios"
PARAMS = SHORT_PARAMS
N, END = 3000, "2022-06"
KINDS = ("padat_karya", "tkm_grants", "formal_job_creation")


def units(model, policy, name: str) -> int:
    """A policy's declared result over the run, in sample units (real persons / the weight).

    Each month's figure is divided by that month's weight (a sample worker stands for more real
    workers as the labour force grows).
    """
    n = len(policy.results[name])
    weight = float(model.households.weight[0]) * model.paths.labour_force_rel[:n]
    return int(round(float((policy.results[name] / weight).sum())))


def build(*policies, seed=7, end=END, n=N):
    return PovertyModel(PARAMS, n_households=n, seed=seed, end=end, policies=list(policies))


def run(*policies, seed=7, end=END):
    model = build(*policies, seed=seed, end=end)
    return model, model.run()


def step_to(model, label):
    """Step the model until its current month is ``label``."""
    target = month_index(label) - int(model.paths.months[0])
    while model.t < target:
        model.step()


def test_the_three_kinds_are_registered_as_job_creation():
    for kind in KINDS:
        assert kind in REGISTRY
        assert REGISTRY[kind].lever == "job_creation"


# ------------------------------------------------------------------ size zero changes nothing
@pytest.mark.parametrize("kind", KINDS)
def test_size_zero_reproduces_the_run_without_it(kind):
    """In force from March 2021 (so also in the burn-in) at scale 0: every indicator identical."""
    _, without = run()
    model, with_zero = run({"type": kind, "label": "zero", "scale": 0.0})
    names = [k for k in without if not k.startswith("_") and k != "date"]
    assert names
    for name in names:
        assert np.array_equal(without[name], with_zero[name], equal_nan=True), name
    assert model.policies[0].spent.sum() == 0


def test_size_zero_by_explicit_sizes_reproduces_the_run_without_it():
    _, without = run()
    _, with_zero = run({"type": "padat_karya", "label": "pk", "workers_per_year": 0},
                       {"type": "tkm_grants", "label": "tkm", "groups_per_year": 0},
                       {"type": "formal_job_creation", "label": "fj", "jobs_per_year": 0})
    for name in without:
        if not name.startswith("_") and name != "date":
            assert np.array_equal(without[name], with_zero[name], equal_nan=True), name


def test_a_sized_policy_does_change_the_run():
    """Control for the size-zero tests: the comparison can fail."""
    _, without = run()
    _, with_jobs = run({"type": "formal_job_creation", "label": "fj",
                        "jobs_per_year": 130_000, "scale": 20.0})
    assert not np.array_equal(without["informality_rate"], with_jobs["informality_rate"])


# ------------------------------------------------------------------ budgets
BUDGET_CASES = {
    # kind: (spec, annual budget in Rp); each spec wants far more than the budget allows
    "padat_karya": ({"scale": 5.0}, 500e9),
    "tkm_grants": ({"scale": 30.0}, 200e9),
    "formal_job_creation": ({"jobs_per_year": 130_000, "scale": 10.0,
                             "cost_per_job": 10_000_000}, 1e12),
}


@pytest.mark.parametrize("kind", KINDS)
def test_spending_never_exceeds_the_annual_budget(kind):
    spec, budget = BUDGET_CASES[kind]
    model, _ = run({"type": kind, "label": "capped", "annual_budget": budget, **spec},
                   end="2023-06")
    spent = model.policies[0].spent
    years = model.paths.months // 12
    by_year = np.array([spent[years == y].sum() for y in np.unique(years)])
    assert (by_year <= budget * (1 + 1e-9)).all(), by_year
    assert by_year.max() > 0.5 * budget  # the budget binds: it was (nearly) used up
    # The same policy without a cap spends more.
    free, _ = run({"type": kind, "label": "free", **spec}, end="2023-06")
    assert free.policies[0].spent.sum() > spent.sum()


# ------------------------------------------------------------------ padat karya
def test_padat_karya_raises_participants_household_income_in_the_spell():
    start = "2021-06"
    spec = {"type": "padat_karya", "label": "pk", "scale": 20.0, "start": start}
    with_pk, without = build(spec), build()
    step_to(with_pk, start)
    step_to(without, start)
    pol = with_pk.policies[0]
    paid = pol.paid_now
    assert len(paid) > 20
    hh = np.unique(with_pk.workers.household[paid])
    others = np.setdiff1d(np.arange(with_pk.households.n), hh)
    pay = 70_000 * 15  # default daily wage x days per month
    transfers = with_pk.households.transfers[hh]
    psi = with_pk.workers_per_household_rel  # a member stands for more earners (labour force)
    assert psi > 1.0
    assert (transfers >= 0).all() and (transfers <= pay * 2 * psi + 1).all()
    # The wage, net of the informal earnings given up (half of 15/25 of a month's; default).
    w = with_pk.workers
    informal = np.isin(w.status[paid], (CASUAL, OWN_ACCOUNT))
    net = np.maximum(pay - np.where(informal, 0.5 * 15 / 25 * w.earnings[paid], 0.0), 0.0)
    expected = np.bincount(w.household[paid], weights=net, minlength=with_pk.households.n)
    assert np.allclose(transfers, psi * expected[hh], rtol=1e-5)
    assert (~informal).any() and informal.any()
    income_with, income_without = with_pk.households.income[hh], without.households.income[hh]
    assert (income_with >= income_without).all()  # more cash never means less to spend
    assert (income_with > income_without).mean() > 0.9
    assert (income_with - income_without).mean() > 0.5 * pay
    assert np.array_equal(with_pk.households.income[others], without.households.income[others])
    # Participants keep their status, none is a formal employee, and the spell goes on.
    assert (with_pk.workers.status[paid] != FORMAL).all()
    assert np.array_equal(with_pk.workers.status, without.workers.status)
    first = set(paid.tolist())
    with_pk.step()
    still = {i for i in first if with_pk.workers.status[i] != FORMAL}
    assert still <= set(pol.paid_now.tolist())  # the default spell is two months


def test_padat_karya_sizes_scale_to_the_sample_and_default_to_the_parameter_file():
    spec = {"type": "padat_karya", "label": "pk", "scale": 20.0, "start": "2021-04"}
    model, _ = run(spec)
    pol = model.policies[0]
    months = model.paths.months[1:]
    per_year = np.asarray(PARAMS.monthly("programmes.job_creation.padat_karya_workers_per_year",
                                         months))
    weight = float(model.households.weight[0]) * model.paths.labour_force_rel[1:]
    expected = (20.0 * per_year / weight / 12).sum()
    # Stochastic rounding: the count differs from its expectation by a sum of Bernoullis.
    sd = np.sqrt(0.25 * len(months))
    started = units(model, pol, "participants")
    assert abs(started - expected) < 4 * sd + 1, (started, expected)
    model.t = 12  # March 2022
    assert pol.setting(model, "workers_per_year") == 1_064_994
    assert pol.setting(model, "daily_wage") == 70_000


def test_padat_karya_poor_share_targets_the_registry_poorest():
    def mean_percentile(share):
        model = build({"type": "padat_karya", "label": "pk", "scale": 20.0,
                       "poor_share": share, "start": "2021-04"})
        model.step()
        hh = model.workers.household[model.policies[0].paid_now]
        return float(model.registry.percentile[hh].mean())

    assert mean_percentile(1.0) < 0.1
    assert mean_percentile(1.0) < mean_percentile(0.0) - 0.2


def test_padat_karya_places_rotate_and_spread_over_households():
    model = build({"type": "padat_karya", "label": "pk", "scale": 40.0, "poor_share": 1.0,
                   "start": "2021-04"}, end="2022-12")
    pol = model.policies[0]
    paid = []
    while model.t < model.paths.n_steps:
        model.step()
        hh = model.workers.household[pol.paid_now]
        assert len(np.unique(hh)) == len(hh)  # one member per household at a time
        row = np.zeros(model.workers.n, dtype=np.int32)
        row[pol.paid_now] = 1
        paid.append(row)
    paid = np.array(paid)
    assert paid.sum() > 500
    # At most one two-month spell per person in any 12 months, even with every place for the
    # registry's poorest (who would otherwise be hired again and again).
    windows = np.array([paid[i:i + 12].sum(axis=0).max() for i in range(len(paid) - 11)])
    assert windows.max() <= 2


# ------------------------------------------------------------------ TKM grants
def test_tkm_grantees_become_own_account_with_an_earnings_uplift():
    start = "2021-06"
    # scale 400: some 60 grantees, so the share still own-account is not a few-draw accident
    model = build({"type": "tkm_grants", "label": "tkm", "scale": 400.0, "start": start})
    step_to(model, "2021-05")
    before = model.workers.status.copy()
    model.step()
    pol = model.policies[0]
    who = pol.granted_now
    assert len(who) > 5
    assert np.isin(before[who], (UNEMPLOYED, CASUAL, UNPAID)).all()
    w = model.workers
    own = who[w.status[who] == OWN_ACCOUNT]
    assert len(own) >= 0.9 * len(who)  # a few may lose it to the market in the same month
    assert (w.employer[own] == -1).all()
    ordinary = informal_base_earnings(model.params, w.status[own], w.sector[own],
                                      w.education[own], w.productivity[own].astype(np.float64))
    uplift = 0.05 * 20_000_000 / 10 / model.paths.cpi_rel[model.t]  # defaults, at 2021 prices
    assert np.allclose(w.base_earnings[own], ordinary + uplift, rtol=1e-5)
    # Casual workers who took a grant left their informal employer: headcounts still add up.
    e = model.employer_state
    attached = np.bincount(w.employer[w.employer >= 0], minlength=e.n)
    assert np.array_equal(attached, e.headcount)


def test_tkm_businesses_fail_at_the_configured_rate():
    rate = 0.1
    model = build({"type": "tkm_grants", "label": "tkm", "groups_per_year": 200_000,
                   "failure_rate": rate, "start": "2021-04"}, end="2022-12")
    pol = model.policies[0]
    closed = 0
    while model.t < model.paths.n_steps:
        before = model.workers.status.copy()
        model.step()
        fail = pol.failed_now
        closed += len(fail)
        assert (before[fail] == OWN_ACCOUNT).all()  # they held a business at the month's start
        assert (pol.uplift[fail] == 0).all()
    stats = {name: units(model, pol, name) for name in ("failures", "business_months",
                                                         "grantees")}
    assert stats["failures"] == closed > 0
    n, k = stats["business_months"], stats["failures"]
    assert n > 300
    sd = np.sqrt(n * rate * (1 - rate))
    assert abs(k - n * rate) < 4 * sd, (k, n * rate, sd)
    # Failed businesses are closed: the active stock is what was granted less what ended.
    assert len(pol.active()) <= stats["grantees"] - k


def test_tkm_without_failures_keeps_businesses():
    model, _ = run({"type": "tkm_grants", "label": "tkm", "groups_per_year": 200_000,
                    "failure_rate": 0.0, "start": "2021-04"})
    assert units(model, model.policies[0], "failures") == 0
    assert units(model, model.policies[0], "business_months") > 0


# ------------------------------------------------------------------ formal job creation
def test_formal_jobs_raise_formal_employment_and_are_filled_by_matching():
    spec = {"type": "formal_job_creation", "label": "fj", "jobs_per_year": 3_000_000,
            "start": "2021-04"}
    with_jobs, _ = run(spec)
    without, _ = run()
    formal_with = with_jobs.workers.status == FORMAL
    formal_without = without.workers.status == FORMAL
    added = units(with_jobs, with_jobs.policies[0], "jobs_added")
    gained = int(formal_with.sum() - formal_without.sum())
    assert added > 100
    assert 0.3 * added < gained <= added
    # Who won them: the matching market, not the poor by design. Same seeds -> same slots.
    winners = np.flatnonzero(formal_with & ~formal_without)
    hh = with_jobs.households
    pc = hh.measured / hh.size
    line = with_jobs.paths.national_line[with_jobs.t]
    non_poor = pc[with_jobs.workers.household[winners]] > line
    assert non_poor.mean() > 0.5
    assert with_jobs.policies[0].spent.sum() == 0  # no cost per job by default


def test_formal_jobs_follow_the_given_sector_shares():
    spec = {"type": "formal_job_creation", "label": "fj", "jobs_per_year": 3_000_000,
            "sector_shares": [0.0, 1.0, 0.0], "start": "2021-04"}
    with_jobs, without = build(spec), build()
    with_jobs.step()
    without.step()
    e = with_jobs.employer_state
    extra = e.desired - without.employer_state.desired
    assert extra.sum() > 0
    assert (extra[e.sector != 1] == 0).all()
    assert (extra[~e.is_formal] == 0).all()


def test_formal_jobs_default_to_none_above_the_baseline():
    _, without = run()
    model, with_default = run({"type": "formal_job_creation", "label": "fj", "scale": 5.0})
    assert np.array_equal(without["informality_rate"], with_default["informality_rate"])
    assert units(model, model.policies[0], "jobs_added") == 0


def test_formal_jobs_do_not_act_in_the_burn_in():
    with_jobs = build({"type": "formal_job_creation", "label": "fj", "jobs_per_year": 3e6})
    without = build()
    assert np.array_equal(with_jobs.employer_state.desired, without.employer_state.desired)


# ------------------------------------------------------------------ bad settings
BAD_SPECS = [
    ({"type": "padat_karya", "workers_per_year": -1}, "workers_per_year"),
    ({"type": "padat_karya", "poor_share": 1.5}, "poor_share"),
    ({"type": "padat_karya", "months": 0}, "months"),
    ({"type": "padat_karya", "materials_share": 1.0}, "materials_share"),
    ({"type": "padat_karya", "start": "2022-01", "end": "2021-12"}, "end"),
    ({"type": "tkm_grants", "groups_per_year": -3}, "groups_per_year"),
    ({"type": "tkm_grants", "failure_rate": 2}, "failure_rate"),
    ({"type": "tkm_grants", "grant": 5}, "grant"),
    ({"type": "formal_job_creation", "scale": -1}, "scale"),
    ({"type": "formal_job_creation", "sector_shares": [0.5, 0.5]}, "sector_shares"),
    ({"type": "formal_job_creation", "jobs_per_year": "many"}, "jobs_per_year"),
]


@pytest.mark.parametrize("spec, name", BAD_SPECS, ids=[n for _, n in BAD_SPECS])
def test_bad_settings_raise_input_error_naming_the_key(spec, name):
    with pytest.raises(InputError) as err:
        make_policy(spec, file="s.yaml", key="policies[0]")
    assert err.value.file == "s.yaml"
    assert err.value.key == f"policies[0].{name}"
    assert "\n" not in str(err.value)


BAD_FILES = {
    "bad_padat_karya_share.yaml": "policies[0].poor_share",
    "bad_tkm_groups.yaml": "policies[0].groups_per_year",
    "bad_formal_jobs_argument.yaml": "policies[0].job_per_year",
}


@pytest.mark.parametrize("name, key", sorted(BAD_FILES.items()))
def test_bad_scenario_files_fail_on_load(name, key):
    path = BAD / name
    with pytest.raises(InputError) as err:
        load_scenario(path)
    assert err.value.file == str(path)
    assert err.value.key == key


@pytest.mark.parametrize("name, key", sorted(BAD_FILES.items()))
def test_bad_scenario_files_are_rejected_by_the_cli(name, key, tmp_path, monkeypatch, capsys):
    def must_not_run(*args, **kwargs):
        raise AssertionError("the run started although an input was bad")

    monkeypatch.setattr(ex, "run_experiment", must_not_run)
    monkeypatch.chdir(tmp_path)
    path = str(BAD / name)
    code = main(["run", path, "--households", "2000", "--replications", "2", "--end", "2021-05",
                 "--out", str(tmp_path / "run")])
    captured = capsys.readouterr()
    lines = captured.err.strip().splitlines()
    assert code == 2
    assert len(lines) == 1 and path in lines[0] and key in lines[0], captured.err
    assert "Traceback" not in captured.err + captured.out
    assert list(tmp_path.iterdir()) == []
