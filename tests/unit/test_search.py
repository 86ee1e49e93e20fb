"""``povsim search`` (simulation/sweeps/search.py): cost accounting, the frontier, refinement,
and the quick search end to end.

The quick search (scenarios/search/quick.yaml, 300 households) runs in seconds; its
reproducibility across worker counts is the slow test at the end.
"""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest

from simulation.sweeps import search as se
from simulation.sweeps import spec as sp
from simulation.sweeps.load import PovsimModel, raw_values

ROOT = Path(__file__).resolve().parents[2]
QUICK = ROOT / "scenarios" / "search" / "quick.yaml"
FULL = ROOT / "scenarios" / "search" / "what_it_takes.yaml"


# --------------------------------------------------------------------------------------------
# Cost accounting
# --------------------------------------------------------------------------------------------
def _out(spending: list[list[float]], persons: list[float], rate: list[float]):
    dates = [f"2023-{m:02d}" for m in range(1, 13)][: len(persons)]
    return SimpleNamespace(
        dates=dates,
        policies=[SimpleNamespace(spending=np.asarray(s, dtype=float)) for s in spending],
        indicators={"extreme_poor_persons": np.asarray(persons, dtype=float),
                    "extreme_poverty_rate": np.asarray(rate, dtype=float)})


def test_cost_is_the_booked_spending_difference_over_the_window():
    """cost = (run's spending - counterfactual's) summed from cost_from through the month."""
    run = _out([[5, 1, 1, 1, 1, 1], [0, 0, 0, 10, 20, 30]], [9, 9, 9, 8, 7, 6],
               [.02] * 6)
    cf = _out([[5, 1, 1, 1, 1, 1]], [9, 9, 9, 9, 9, 9], [.02] * 6)
    months = ["2023-05"]
    r = raw_values(run, months, cost_from="2023-04", window_months=months)
    c = raw_values(cf, months, cost_from="2023-04", window_months=months)
    # The first month of a run is the starting state: its spending is never counted.
    assert r["spending_2023_05"] == 4 + 30
    assert r["spending_window_2023_05"] == 2 + 30 and c["spending_window_2023_05"] == 2
    outcomes = (sp.read_outcome("cost_2023_05", "2023-12", True, "f", "k"),
                sp.read_outcome("persons_lifted_2023_05", "2023-12", True, "f", "k"),
                sp.read_outcome("extra_spending_2023_05", "2023-12", True, "f", "k"))
    got = PovsimModel.combine(None, r, c, outcomes)
    assert got["cost_2023_05"] == 30.0  # 10 + 20 from April 2023; nothing before
    assert got["extra_spending_2023_05"] == 30.0
    assert got["persons_lifted_2023_05"] == 2.0


@pytest.fixture(scope="module")
def quick():
    return se.load_search(QUICK)


def test_zero_levers_reproduce_the_baseline_and_a_top_up_costs_its_transfers(quick):
    """At zero sizes (and a targeting gain of 0) a run is its counterfactual, bit for bit; a
    BPNT top-up of Rp 200,000 from September 2023 costs 18.8 M families x Rp 200,000 x 7
    months through March 2024 (the sample's families scaled to the population)."""
    sweep = quick.sweeps["2023-09"]
    model, seed = sweep.model, sweep.design.seed_of(0)
    vals = {"padat_karya_scale": 0.0, "bpnt_top_up": 0.0, "targeting_gain": 0.0,
            "calibrated_draw": 10, "labour.matching.efficiency": 0.14,
            "households.consumption.risk_sharing_share": 0.45}
    cf = model.counterfactual(vals, seed)
    zero = model.combine(model.evaluate(vals, seed), cf, sweep.spec.outcomes)
    assert zero["cost_2024_03"] == 0.0
    assert zero["persons_lifted_2024_03"] == 0.0
    top = model.combine(model.evaluate({**vals, "bpnt_top_up": 200000.0}, seed), cf,
                        sweep.spec.outcomes)
    assert top["cost_2024_03"] == pytest.approx(18.8e6 * 200000 * 7, rel=0.02)
    gain = model.combine(model.evaluate({**vals, "targeting_gain": 0.3}, seed), cf,
                         sweep.spec.outcomes)
    assert gain["extreme_poverty_rate_2024_03"] != zero["extreme_poverty_rate_2024_03"]


def test_dated_lever_adds_within_bounds(quick):
    model = quick.sweeps["2023-09"].model
    params = model.params
    assert model.dated_changes(params, {"targeting_gain": 0.0}) == {}
    got = model.dated_changes(params, {"targeting_gain": 0.3})
    assert got == {"targeting.registry.rank_correlation": {"2023-09": pytest.approx(0.755)}}
    assert model.dated_changes(params, {"targeting_gain": 0.9})[
        "targeting.registry.rank_correlation"]["2023-09"] == 1.0  # kept within [0, 1]


# --------------------------------------------------------------------------------------------
# The frontier on synthetic tables
# --------------------------------------------------------------------------------------------
def _points(rows):
    df = pd.DataFrame(rows, columns=["a", "b", "p", "cost"])
    df["p_mc_error"] = [se.mc_error(p, 10) for p in df["p"]]
    return df


def test_frontier_picks_the_cheapest_reaching_point():
    pts = _points([(0, 0, 0.1, 0), (1, 0, 0.8, 50), (0, 1, 0.9, 40), (1, 1, 1.0, 90),
                   (2, 2, 0.79, 10)])
    best = se.frontier(pts, ["a", "b"], "p", "cost", 0.8)
    assert best["reached"] and (best["row"]["a"], best["row"]["b"]) == (0, 1)


def test_frontier_ties_go_to_higher_probability_then_smaller_levers():
    pts = _points([(1, 0, 0.8, 40), (0, 1, 0.9, 40), (0, 2, 0.9, 40)])
    best = se.frontier(pts, ["a", "b"], "p", "cost", 0.8)
    assert (best["row"]["a"], best["row"]["b"]) == (0, 1)
    pts = _points([(2, 0, 0.9, 40), (1, 3, 0.9, 40)])
    best = se.frontier(pts, ["a", "b"], "p", "cost", 0.8)
    assert (best["row"]["a"], best["row"]["b"]) == (1, 3)


def test_frontier_says_when_nothing_reaches_and_gives_the_best_probability():
    pts = _points([(0, 0, 0.1, 0), (1, 0, 0.6, 50), (0, 1, 0.6, 30), (1, 1, 0.5, 90)])
    best = se.frontier(pts, ["a", "b"], "p", "cost", 0.8)
    assert not best["reached"]
    assert (best["row"]["a"], best["row"]["b"], best["row"]["p"]) == (0, 1, 0.6)
    assert se.frontier(pts.iloc[:0], ["a", "b"], "p", "cost", 0.8)["index"] is None


def test_refinement_points_near_the_frontier_and_shrunk():
    months = ("2024-03",)
    rows = []
    for a, b, p, cost in [(0, 0, 0.0, 0), (1, 0, 0.7, 10), (0, 2, 0.9, 40), (2, 2, 1.0, 90)]:
        rows.append({"a": a, "b": b, "p_band_2024_03": p, "p_zero_2024_03": 0.0,
                     "p_band_2024_03_mc_error": se.mc_error(p, 10),
                     "p_zero_2024_03_mc_error": 0.0, "cost_2024_03": cost})
    pts = pd.DataFrame(rows)
    got = se.refinement_points(pts, ["a", "b"], {"a": 0.0, "b": 0.0}, months, 0.8,
                               {"candidates": 1, "uncertainty_points": 4, "shrink": [0.5]})
    # band: (1, 0) is within two MC errors of 0.8 and cheapest; (0, 2) reaches, shrunk to
    # (0, 1); zero: nothing reaches, the best-probability point (ties: the cheapest) (0, 0).
    assert got == [(0.0, 0.0), (0.0, 1.0), (1.0, 0.0)]


# --------------------------------------------------------------------------------------------
# The quick search end to end
# --------------------------------------------------------------------------------------------
def test_quick_search_writes_a_consistent_table(tmp_path, quick):
    res = se.run_search(quick, tmp_path / "q", workers=1)
    folder = res["folder"]
    table = pd.read_csv(folder / "what_it_takes.csv")
    assert len(table) == 2  # 1 decision date x 2 targets x 1 month
    assert set(table["target"]) == {"band", "zero"}
    assert (folder / "what_it_takes.md").read_text().startswith("# quick")
    runs = pd.concat([pd.read_csv(folder / "2023-09" / s / "runs.csv")
                      for s in ("stage1", "stage2")])
    for _, r in table.iterrows():
        sel = runs
        for k in ("padat_karya_scale", "bpnt_top_up", "targeting_gain"):
            sel = sel[sel[k] == r[k]]
        assert len(sel) == r["runs"]
        assert r["cost_rp"] == pytest.approx(sel["cost_2024_03"].mean())
        col = "band_2024_03" if r["target"] == "band" else "zero_2024_03"
        assert r["p_target"] == pytest.approx(sel[col].mean())
    # a folder of another search is refused; the same one resumes to the same table
    again = se.run_search(quick, folder, workers=1, resume=True)["table"]
    pd.testing.assert_frame_equal(again, res["table"])


def test_shipped_search_file_loads():
    s = se.load_search(FULL)
    assert s.decision_dates == ("2022-07", "2023-09")
    assert s.target_months == ("2024-03", "2024-12")
    assert {i.name for i in s.sweeps["2022-07"].spec.levers} == set(s.levers)
    dated = [i for i in s.sweeps["2023-09"].spec.levers if i.is_dated_parameter]
    assert [(i.path, i.from_month, i.change) for i in dated] == [
        ("targeting.registry.rank_correlation", "2023-09", "add")]


@pytest.mark.slow
def test_quick_search_same_table_with_any_worker_count(tmp_path, quick):
    one = se.run_search(quick, tmp_path / "one", workers=1)["folder"]
    two = se.run_search(quick, tmp_path / "two", workers=2)["folder"]
    for name in ("what_it_takes.csv", "points.csv", "what_it_takes.md"):
        assert (one / name).read_bytes() == (two / name).read_bytes()
