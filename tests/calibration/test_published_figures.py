"""Model output against *published* figures (calibration/targets.csv), each with its tolerance.

The model runs the baseline scenario (the programmes at their published sizes).

These are external estimates, not regression fixtures (those live in tests/regression/). The
tolerance of each check is stated beside it: sampling noise at the test size (about 3 standard
errors) plus the fit error of calibration/fit_initial_state.py, or a wider band where the figure
is only a loose check (a different month, or not used in fitting).
"""

import csv
from pathlib import Path

import numpy as np
import pytest

from simulation.measures import bottom_share, fgt
from simulation.model import PovertyModel
from simulation.scenarios import load_scenario
from simulation.state import AGRICULTURE, UNEMPLOYED

TARGETS = Path(__file__).resolve().parents[2] / "calibration/targets.csv"
HOUSEHOLDS = 40_000


def published(row: int) -> float:
    """Value of a targets.csv row (by its shared_row), as a fraction where it is a percent."""
    with open(TARGETS, newline="") as fh:
        for r in csv.DictReader(fh):
            if int(r["shared_row"]) == row:
                v = float(r["value"])
                return v / 100 if r["unit"].startswith("percent") else v
    raise KeyError(row)


BASELINE = load_scenario(Path(__file__).resolve().parents[2] / "scenarios/baseline.yaml")


@pytest.fixture(scope="module")
def start():
    return PovertyModel(BASELINE.params, n_households=HOUSEHOLDS, seed=11, end="2023-08",
                        policies=BASELINE.policies)


@pytest.fixture(scope="module")
def run(start):
    model = PovertyModel(BASELINE.params, n_households=HOUSEHOLDS, seed=12, end="2023-08",
                         policies=BASELINE.policies)
    out = model.run()
    return out, model


def _row(out, month):
    return out["date"].index(month)


# (name, targets row, tolerance, how the model value is read)
INITIAL = [
    ("extreme poverty Mar-2021 (revised US$1.90 series)", 2, 0.0030, "extreme_poverty_rate"),
    ("national poverty Mar-2021", 39, 0.0060, "poverty_rate"),
    ("Gini Mar-2021", 81, 0.010, "gini"),
    ("unemployment (TPT) Feb-2021", 100, 0.0005, "unemployment_rate"),
    ("informal share Feb-2021", 141, 0.010, "informality_rate"),
]


@pytest.mark.parametrize("name,row,tol,col", INITIAL, ids=[i[0] for i in INITIAL])
def test_initial_state_matches_published(start, name, row, tol, col):
    model_value = start.recorder.values[0, start.recorder.names.index(col)]
    target = published(row)
    assert abs(model_value - target) <= tol, f"{name}: {model_value:.4f} vs {target} (row {row})"


def test_initial_urban_rural_poverty(start):
    hh = start.households
    c, w, z = hh.measured / hh.size, hh.size.astype(float), start.paths.national_line[0]
    urban = fgt(c[hh.is_urban], w[hh.is_urban], z)[0]
    rural = fgt(c[~hh.is_urban], w[~hh.is_urban], z)[0]
    assert abs(urban - published(56)) <= 0.02, urban
    assert abs(rural - published(57)) <= 0.02, rural


def test_initial_poor_household_size(start):
    hh = start.households
    poor = hh.measured / hh.size < start.paths.national_line[0]
    assert abs(hh.size[poor].mean() - published(66)) <= 0.5  # row 66: 4.83 persons


def test_initial_agriculture_share(start):
    w = start.workers
    employed = w.status != UNEMPLOYED
    share = np.mean(w.sector[employed] == AGRICULTURE)
    assert abs(share - published(147)) <= 0.03  # Feb-2024 28.64% stands in for 2021


def test_bottom40_share_close_to_published(start):
    """Not fitted: the bottom-40% expenditure share of Sep-2021 (17.97%, row 86), within 2 pp."""
    hh = start.households
    share = bottom_share(hh.measured / hh.size, hh.size.astype(float), 0.4)
    assert abs(share - published(86)) <= 0.02, share


def _extreme_poor_heads(start):
    hh, w = start.households, start.workers
    extreme = hh.measured / hh.size < start.paths.extreme_line[0]
    first = np.full(hh.n, -1)
    first[w.household[::-1]] = np.arange(w.n)[::-1]
    return hh, w, extreme, first


def test_extreme_poor_heads_in_agriculture(start):
    """Loose check against the Mar-2023 profile: 52% of extreme-poor heads work in agriculture
    (row 19); +-15 pp (a different month, and the head is the household's first labour-force
    member)."""
    hh, w, extreme, first = _extreme_poor_heads(start)
    has = extreme & (first >= 0)
    agri = np.mean(w.sector[first[has]] == AGRICULTURE)
    assert abs(agri - published(19)) <= 0.15, agri


def test_extreme_poor_heads_less_educated_than_average(start):
    """Direction of the Mar-2023 profile (row 20): extreme-poor heads are far more often
    primary-educated or less than heads in general (at least 10 points more)."""
    hh, _, extreme, _ = _extreme_poor_heads(start)
    gap = np.mean(hh.education[extreme] == 0) - np.mean(hh.education == 0)
    assert gap >= 0.10, gap


@pytest.mark.xfail(strict=True, reason=(
    "known gap (issue notes): about 55-60% of extreme-poor heads have primary schooling or less "
    "against 70% published (row 20); education enters the welfare ranking only through "
    "earnings."))
def test_extreme_poor_heads_education_level_matches_published(start):
    hh, _, extreme, _ = _extreme_poor_heads(start)
    assert abs(np.mean(hh.education[extreme] == 0) - published(20)) <= 0.10


LABOUR = [("2022-02", 102), ("2022-08", 112), ("2023-02", 104), ("2023-08", 114)]


@pytest.mark.parametrize("month,row", LABOUR)
def test_unemployment_path_follows_sakernas(run, month, row):
    """Unemployment emerges from the flows; within 0.8 pp of each Sakernas release."""
    out, _ = run
    assert abs(out["unemployment_rate"][_row(out, month)] - published(row)) <= 0.008


@pytest.mark.parametrize("month,row", [("2021-08", 142), ("2022-08", 143), ("2023-08", 144)])
def test_informality_path_follows_sakernas(run, month, row):
    out, _ = run
    assert abs(out["informality_rate"][_row(out, month)] - published(row)) <= 0.02


def test_poor_are_not_a_fixed_pool(run):
    """Sanity check: a sizeable share of the poor each March were not poor a year earlier."""
    out, _ = run
    entry = out["poor_entry_share"][_row(out, "2022-03")]
    assert entry >= 0.15, entry


@pytest.mark.xfail(strict=True, reason=(
    "known gap (issue notes): the model renews about a quarter of the poor each year; the World "
    "Bank found over half (row 332, 2012). More churn near the line is a calibration target."))
def test_poverty_flow_matches_world_bank(run):
    """Over half of the poor were not poor the year before (World Bank 2012, row 332)."""
    out, _ = run
    assert out["poor_entry_share"][_row(out, "2022-03")] >= published(332)
