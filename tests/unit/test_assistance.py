"""Other ministries' programmes (simulation/policies/assistance.py, transfers.py).

Small models: 4,000 households and a 12-month burn-in, so each run takes well under a second.
"""

import numpy as np
import pytest
from short_burn_in import SHORT_PARAMS

from simulation.errors import InputError
from simulation.model import PovertyModel, run_model
from simulation.parameter_set import month_index
from simulation.policies import make_policy
from simulation.policies.assistance import PROGRAMMES, coverage_error
from simulation.policies.transfers import CashTransfer

N = 4000
PARAMS = SHORT_PARAMS
ALL = [{"type": "assistance", "label": p, "programme": p} for p in PROGRAMMES] + [
    {"type": "wage_subsidy", "label": "bsu"}]


def model(params=PARAMS, policies=ALL, seed=3, end="2024-12") -> PovertyModel:
    return PovertyModel(params, n_households=N, seed=seed, end=end, policies=policies)


def run_to(m: PovertyModel, month: str) -> None:
    while m.paths.label(m.t) != month:
        m.step()


def policy(m: PovertyModel, label: str):
    (p,) = [p for p in m.policies if p.label == label]
    return p


def families(label: str, month: str) -> float:
    return float(PARAMS.value(f"programmes.assistance.{label}_families", month))


@pytest.fixture(scope="module")
def full_run():
    m = model()
    checks = {}
    for month in ("2021-03", "2022-10", "2023-11", "2024-02"):
        run_to(m, month)
        checks[month] = {p.label: int(p.recipients(m).sum()) * m.sample_weight
                         for p in m.policies if hasattr(p, "recipients")}
    run_to(m, "2024-12")
    return m, checks


# ------------------------------------------------------------------ coverage
@pytest.mark.parametrize("label, month", [
    ("pkh", "2021-03"), ("bpnt", "2021-03"), ("blt_dana_desa", "2021-03"), ("pkh", "2024-02"),
    ("blt_bbm", "2022-10"), ("blt_el_nino", "2023-11"), ("blt_pangan", "2024-02"),
    ("rice_aid", "2023-11"), ("rice_aid", "2024-02"),
])
def test_coverage_in_real_families_matches_the_parameters(full_run, label, month):
    m, checks = full_run
    covered = checks[month][label]  # real households: sample households x the month's weight
    assert families(label, month) > 0
    # Within rounding to sample households (a sample household stands for more as the
    # population grows).
    weight = float(m.households.weight[0]) * float(m.paths.population_rel[-1])
    assert abs(covered - families(label, month)) <= weight


@pytest.mark.parametrize("label, month", [("blt_bbm", "2021-03"), ("blt_el_nino", "2022-10"),
                                          ("blt_pangan", "2023-11"), ("rice_aid", "2022-10")])
def test_nobody_is_covered_outside_the_window(full_run, label, month):
    _, checks = full_run
    assert checks[month][label] == 0


def test_programmes_nest_and_blt_dana_desa_is_rural_and_separate():
    m = model(end="2021-06")
    pkh, bpnt, dd = (policy(m, x).recipients(m) for x in ("pkh", "bpnt", "blt_dana_desa"))
    assert pkh.sum() > 0 and (pkh <= bpnt).all()  # the same registry: PKH within BPNT
    assert dd.sum() > 0 and not (dd & m.households.is_urban).any()
    assert not (dd & bpnt).any()


def test_bsu_pays_its_recipients_once_in_its_month(full_run):
    m, _ = full_run
    bsu = policy(m, "bsu")
    paid = {m.paths.label(t) for t in np.flatnonzero(bsu.spent)}
    assert paid == {"2021-08", "2022-09"}
    weight = float(m.households.weight[0])
    t = month_index("2022-09") - month_index("2021-03")
    workers = bsu.spent[t] / 600_000
    assert abs(workers - 12_100_000) <= weight
    assert bsu.results["recipients"][t] == pytest.approx(bsu.spent[t] / 600_000)
    assert (bsu.results["eligible"] >= bsu.results["recipients"]).all()


# ------------------------------------------------------------------ timing
def test_blt_bbm_pays_only_september_to_december_2022(full_run):
    m, _ = full_run
    bbm = policy(m, "blt_bbm")
    paid = [m.paths.label(t) for t in np.flatnonzero(bbm.spent)]
    assert paid == ["2022-09", "2022-11"]  # two payments of two months each
    weight = float(m.households.weight[0])
    assert bbm.spent.sum() == pytest.approx(20_650_000 * 600_000, abs=600_000 * weight)


def test_lump_sums_are_paid_at_the_end_and_pkh_quarterly(full_run):
    m, _ = full_run
    label = m.paths.label
    assert [label(t) for t in np.flatnonzero(policy(m, "blt_el_nino").spent)] == ["2023-12"]
    assert [label(t) for t in np.flatnonzero(policy(m, "blt_pangan").spent)] == ["2024-03"]
    pkh = [label(t) for t in np.flatnonzero(policy(m, "pkh").spent)]
    assert pkh[:4] == ["2021-04", "2021-07", "2021-10", "2022-01"]
    assert len(np.flatnonzero(policy(m, "bpnt").spent)) == m.paths.n_steps  # every month


def test_rice_aid_is_food_in_kind_in_its_months(full_run):
    m, _ = full_run
    rice = policy(m, "rice_aid")
    months = [m.paths.label(t) for t in np.flatnonzero(rice.spent)]
    assert months == ["2023-04", "2023-05", "2023-06", "2023-09", "2023-10", "2023-11", "2023-12",
                      "2024-01", "2024-02", "2024-03", "2024-04", "2024-05", "2024-06"]
    assert rice.into == "in_kind"
    # January-June 2024: 22 M families x Rp 133,100 x 6 = Rp 17.57 T, against the published
    # Rp 17.5 T for rice, chicken and eggs (row 313): the rice is nearly all of it.
    first_half = sum(rice.spent[t] for t in range(m.paths.n_steps + 1)
                     if "2024-01" <= m.paths.label(t) <= "2024-06")
    assert first_half == pytest.approx(22e6 * 133_100 * 6, rel=2e-3)
    assert first_half == pytest.approx(17.5e12, rel=0.01)


def test_rice_aid_is_eaten_and_measured_and_lowers_poverty():
    rice = [{"type": "assistance", "label": "rice_aid", "programme": "rice_aid"}]
    with_aid, without = model(policies=rice, end="2024-03"), model(policies=[], end="2024-03")
    while with_aid.t < with_aid.paths.n_steps:
        with_aid.step()
        without.step()
        hh = with_aid.households
        if with_aid.paths.label(with_aid.t) == "2023-04":
            got = np.flatnonzero(hh.in_kind > 0)
            assert len(got) > 0 and np.all(hh.in_kind[got] == np.float32(133_100))
            assert hh.transfers.sum() == 0  # in kind, not cash
            assert np.all(hh.consumption >= hh.in_kind)  # the rice is eaten
            assert np.all(hh.measured >= hh.in_kind)  # measured as food consumed
    out, base = with_aid.recorder.as_dict(), without.recorder.as_dict()
    # Same seeds, same world until April 2023: the aid lowers poverty in March 2024.
    assert out["poverty_rate"][-1] < base["poverty_rate"][-1]
    assert out["extreme_poverty_rate"][-1] <= base["extreme_poverty_rate"][-1]
    assert out["poverty_rate"][0] == base["poverty_rate"][0]


def test_payments_reach_households_only_in_payment_months():
    m = model(policies=[{"type": "assistance", "label": "blt_bbm", "programme": "blt_bbm"}],
              end="2023-01")
    got = {}
    while m.t < m.paths.n_steps:
        m.step()
        got[m.paths.label(m.t)] = sum(float(a.sum()) for *_, a in m.ledger)
    assert {k for k, v in got.items() if v > 0} == {"2022-09", "2022-11"}
    # Each payment covers two months: households set it aside and spend it over them.
    assert np.all(m.households.earmarked == 0)
    assert set(np.unique(m.households.transfers)) <= {0.0}


@pytest.mark.parametrize("every, arrears, spell, expected", [
    (1, False, [1, 1, 1], [1, 1, 1]),
    (3, False, [1] * 7 + [0], [3, 0, 0, 3, 0, 0, 1, 0]),
    (2, False, [0, 1, 1, 1, 1, 0], [0, 2, 0, 2, 0, 0]),
    (2, True, [0, 1, 1, 0], [0, 0, 2, 0]),
    (3, True, [1, 1, 1, 1, 0], [0, 0, 3, 1, 0]),
    # In force to the run's last month: the spell goes on, blocks are not cut by the run's end.
    (3, False, [1] * 7, [3, 0, 0, 3, 0, 0, 3]),
    (3, True, [1, 1, 1, 1], [0, 0, 3, 0]),
])
def test_payment_calendar(every, arrears, spell, expected):
    p = CashTransfer(label="x", amount_monthly=1, share=0.1, pay_every=every, in_arrears=arrears)
    paid = p._calendar(np.array(spell, dtype=bool), np.full(len(spell), every))
    assert list(paid[1:]) == expected


# ------------------------------------------------------------------ budgets
def test_spending_never_exceeds_the_annual_budgets(full_run):
    m, _ = full_run
    years = m.paths.months // 12
    capped = [p for p in m.policies if p.annual_budget is not None]
    assert {p.label for p in capped} >= {"pkh", "bpnt", "blt_bbm", "blt_pangan", "bsu"}
    for p in capped:
        for y in np.unique(years):
            assert p.spent[years == y].sum() <= p.annual_budget * (1 + 1e-9), (p.label, y)


def test_a_binding_budget_stops_payments():
    budget = 5e12
    m = model(policies=[{"type": "assistance", "label": "pkh", "programme": "pkh",
                         "annual_budget": budget}], end="2022-12")
    m.run()
    pkh = policy(m, "pkh")
    years = m.paths.months // 12
    for y in (2021, 2022):
        assert budget * 0.95 < pkh.spent[years == y].sum() <= budget


def test_a_dated_budget_applies_from_its_month():
    pkh = [{"type": "assistance", "label": "pkh", "programme": "pkh"}]
    budget = 5e12
    runs = []
    for params in (PARAMS, PARAMS.with_changes(
            {"programmes.assistance.pkh_annual_budget": {"2022-01": budget}})):
        m = model(params=params, policies=pkh, end="2022-12")
        m.run()
        runs.append(policy(m, "pkh").spent)
    years = m.paths.months // 12
    before = years == 2021
    assert np.array_equal(runs[0][before], runs[1][before])
    assert runs[0][years == 2022].sum() > budget  # the published budget does not bind
    assert budget * 0.95 < runs[1][years == 2022].sum() <= budget


# ------------------------------------------------------------------ targeting
def test_exclusion_error_is_about_half_by_default_and_small_with_perfect_targeting():
    default = coverage_error(model(end="2021-04"))
    m = model(PARAMS.with_changes({"targeting.registry.rank_correlation": 1.0}), end="2021-04")
    stale = coverage_error(m)
    m.registry.measure(m.households)  # perfect targeting as of an update this month
    perfect = coverage_error(m)
    assert 0.4 < default["exclusion"] < 0.62  # World Bank 2012: about half (row 328)
    assert 0.4 < default["leakage"] < 0.62  # about half of benefits to non-target (row 329)
    assert perfect["exclusion"] < 0.05
    assert perfect["exclusion"] < default["exclusion"] / 5
    # The short burn-in's registry was updated months ago: consumption ranks churn (transitory
    # earnings), so even a perfect registry misses part of today's poorest 30%.
    assert m.registry.months_since_update == 0 and stale["exclusion"] > perfect["exclusion"]


# ------------------------------------------------------------------ neutrality
def test_a_zero_cash_transfer_reproduces_the_run_without_it_exactly():
    without = run_model(PARAMS, N, 11, end="2022-06")
    zero = run_model(PARAMS, N, 11, end="2022-06", policies=[
        {"type": "cash_transfer", "label": "zero", "amount_monthly": 0, "share": 0.3}])
    some = run_model(PARAMS, N, 11, end="2022-06", policies=[
        {"type": "cash_transfer", "label": "some", "amount_monthly": 300_000, "share": 0.3}])
    for name in ("extreme_poverty_rate", "poverty_rate", "unemployment_rate", "gini"):
        np.testing.assert_array_equal(without[name], zero[name])
    assert not np.array_equal(without["extreme_poverty_rate"], some["extreme_poverty_rate"])
    assert zero.spending()["zero"].sum() == 0


def test_bad_programme_names_are_refused():
    with pytest.raises(InputError, match="programme"):
        make_policy({"type": "assistance", "label": "x", "programme": "pkh2"})
    with pytest.raises(InputError, match="exclude_programmes"):
        make_policy({"type": "assistance", "label": "x", "programme": "pkh",
                     "exclude_programmes": "pkh,nope"})


def test_scale_multiplies_coverage_and_budget():
    m = model(policies=[{"type": "assistance", "label": "pkh", "programme": "pkh",
                         "scale": 2}], end="2021-04")
    pkh = policy(m, "pkh")
    assert pkh.annual_budget == pytest.approx(2 * 28.7e12)
    assert abs(pkh.recipients(m).sum() * m.households.weight[0] - 20e6) <= m.households.weight[0]
