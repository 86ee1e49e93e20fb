"""Shocks (simulation/shocks.py): frequencies, effects, bills and common random numbers."""

import numpy as np
import pytest
from short_burn_in import SHORT_PARAMS

from simulation.model import PovertyModel
from simulation.shocks import ShockProcess, ShockSettings
from simulation.state import UNEMPLOYED

BASE = SHORT_PARAMS
TOL = 4  # standard deviations


def _capture(model):
    """Wrap draw_shocks to keep each month's events (and the state just before them)."""
    seen = []
    orig = model.draw_shocks

    def wrapped():
        before = {"status": model.workers.status.copy(), "sector": model.workers.sector.copy()}
        events = orig()
        seen.append((before, events))
        return events

    model.draw_shocks = wrapped
    return seen


@pytest.fixture(scope="module")
def high_rate_run():
    """Raised rates (large counts) and one-month spells (every employed worker can be hit)."""
    params = BASE.with_changes({
        "shocks.accidents.accident_probability_by_sector": [0.01, 0.02, 0.005],
        "shocks.accidents.dur_incapacity_months": 1,
        "shocks.deaths.p_death": 0.002,
        "shocks.illness.p_illness": 0.02,
    })
    model = PovertyModel(params, n_households=3000, seed=3, end="2022-03")
    seen = _capture(model)
    model.run()
    return params, model, seen


def test_frequencies_match_configured_rates(high_rate_run):
    params, model, seen = high_rate_run
    p_acc = np.asarray(params.value("shocks.accidents.accident_probability_by_sector"))
    n_acc = exp_acc = var_acc = n_death = n_ill = 0.0
    for before, events in seen:
        employed = before["status"] != UNEMPLOYED
        p = p_acc[before["sector"][employed]]
        exp_acc += p.sum()
        var_acc += (p * (1 - p)).sum()
        n_acc += len(events["accident"])
        n_death += len(events["death"])
        n_ill += len(events["illness"])
        assert np.all(before["status"][events["accident"]] != UNEMPLOYED)
    months = len(seen)
    n_w, n_h = model.workers.n * months, model.households.n * months
    assert abs(n_acc - exp_acc) <= TOL * np.sqrt(var_acc), (n_acc, exp_acc)
    for count, n, p in ((n_death, n_w, 0.002), (n_ill, n_h, 0.02)):
        assert abs(count - n * p) <= TOL * np.sqrt(n * p * (1 - p)), (count, n * p)


def test_accident_rates_rise_with_sector_risk(high_rate_run):
    _, _, seen = high_rate_run
    hits, exposed = np.zeros(3), np.zeros(3)
    for before, events in seen:
        employed = before["status"] != UNEMPLOYED
        exposed += np.bincount(before["sector"][employed], minlength=3)
        hits += np.bincount(before["sector"][events["accident"]], minlength=3)
    rate = hits / exposed
    assert rate[1] > rate[0] > rate[2]


def test_deaths_leave_slots_as_job_seekers_and_keep_the_labour_force(high_rate_run):
    _, model, seen = high_rate_run
    w = model.workers
    _, last = seen[-1]
    dead = last["death"]
    assert len(dead)
    # The slot is taken up by a household member who starts as a job seeker this month.
    assert np.all(w.status[dead] == UNEMPLOYED) and np.all(w.earnings[dead] == 0)
    assert np.all(w.employer[dead] == -1) and np.all(w.months_in_status[dead] == 0)
    assert w.n == len(w.status)
    e = model.employer_state
    assert np.array_equal(np.bincount(w.employer[w.employer >= 0], minlength=e.n), e.headcount)


def test_accident_withholds_earnings_and_adds_a_bill():
    s = ShockSettings(p_accident=np.array([0.5, 0.5, 0.5]), dur_incapacity_months=2,
                      care_cost=100_000.0, p_death=0.0, funeral_cost_months=0.0, p_illness=0.0,
                      illness_cost_months=0.0, dur_repayment_months=4)
    model = PovertyModel(BASE, n_households=200, seed=1, end="2021-04")
    w, hh, e = model.workers, model.households, model.employer_state
    proc = ShockProcess(s, w.n, hh.n)
    employed = np.flatnonzero(w.status != UNEMPLOYED)
    i = employed[0]
    u_w = np.ones(w.n, dtype=np.float32)
    u_w[i] = 0.1
    earned = float(w.earnings[i])
    savings = float(hh.savings[w.household[i]])
    ev = proc.step(w, e, hh, u_w, np.ones(hh.n, dtype=np.float32))
    assert ev["accident"].tolist() == [i] and w.earnings[i] == 0
    assert proc.lost_earnings[i] == pytest.approx(earned)
    assert proc.owed[w.household[i]] == pytest.approx(100_000.0)
    assert hh.savings[w.household[i]] == pytest.approx(savings)  # first paid next month
    w.earnings[i] = earned
    ev = proc.step(w, e, hh, np.ones(w.n, dtype=np.float32), np.ones(hh.n, dtype=np.float32))
    assert w.earnings[i] == 0 and i in ev["incapacitated"] and len(ev["accident"]) == 0
    assert hh.savings[w.household[i]] == pytest.approx(savings - 25_000.0, abs=4.0)
    w.earnings[i] = earned
    proc.step(w, e, hh, np.ones(w.n, dtype=np.float32), np.ones(hh.n, dtype=np.float32))
    assert w.earnings[i] == pytest.approx(earned)  # the two-month spell is over


def test_cover_settles_bills_before_they_are_paid():
    s = ShockSettings(np.zeros(3), 1, 0.0, 0.0, 0.0, 0.0, 0.0, 1)
    proc = ShockProcess(s, 1, 2)
    proc.owed[:] = [500.0, 100.0]
    settled = proc.cover(np.array([0, 1]), np.array([200.0, 300.0]))
    assert settled.tolist() == [200.0, 100.0] and proc.owed.tolist() == [300.0, 0.0]


def test_shocks_use_common_random_numbers():
    """The shock stream does not depend on policies: a policy's run sees the same draws."""
    a = PovertyModel(BASE, n_households=1000, seed=5, end="2021-06")
    b = PovertyModel(BASE, n_households=1000, seed=5, end="2021-06",
                     policies=[{"type": "cash_transfer", "label": "x", "amount_monthly": 1e5,
                                "share": 0.2}])
    ea, eb = _capture(a), _capture(b)
    a.run()
    b.run()
    for (_, x), (_, y) in zip(ea, eb, strict=True):
        assert np.array_equal(x["death"], y["death"])
        assert np.array_equal(x["illness"], y["illness"])


def test_no_shocks_when_rates_are_zero():
    params = BASE.with_changes({"shocks.accidents.accident_probability_by_sector": [0, 0, 0],
                                "shocks.deaths.p_death": 0.0, "shocks.illness.p_illness": 0.0})
    model = PovertyModel(params, n_households=500, seed=2, end="2021-06")
    seen = _capture(model)
    model.run()
    assert all(len(ev[k]) == 0 for _, ev in seen for k in ("accident", "death", "illness"))
    assert model.shocks.owed.sum() == 0
