"""Fit the initial consumption distribution so that the model's state after its burn-in matches
the published March-2021 figures.

The model simulates ``population.welfare.burn_in_months`` of stationary history before March 2021
(see ``PovertyModel.burn_in``). Jobs move between households during that history, so the
distribution that comes out is wider than the one put in. This script finds the Singh-Maddala
parameters (a, b, q) *put in* such that the distribution *coming out* has

* extreme poverty 2.14% (targets row 2), national poverty 10.14% (row 39), Gini 0.384 (row 81),

and, in a second stage, the welfare-ranking weights such that

* urban poverty 7.89% (row 56), rural poverty 13.10% (row 57), poor household size 4.83 (row 66).

Common random numbers (fixed seeds) make the objective smooth. It prints the fitted values and,
with ``--write``, stores them in ``simulation/parameters/population/welfare.yaml``.

Usage:
    python calibration/fit_initial_state.py [--households 40000] [--seeds 2] [--write]
"""

from __future__ import annotations

import argparse
import re
from pathlib import Path

import numpy as np
from scipy import optimize

from simulation.measures import fgt, gini
from simulation.model import PovertyModel
from simulation.parameter_set import baseline_parameters

TARGETS = {"extreme": 0.0214, "national": 0.1014, "gini": 0.384,
           "urban": 0.0789, "rural": 0.1310, "poor_size": 4.83}
WELFARE = Path(__file__).resolve().parents[1] / "simulation/parameters/population/welfare.yaml"


def initial_state(changes: dict, households: int, seeds: list[int]) -> dict[str, float]:
    """Return the March-2021 figures of the model after burn-in, averaged over seeds."""
    params = baseline_parameters().with_changes(changes)
    rows = []
    for s in seeds:
        m = PovertyModel(params, n_households=households, seed=s, end="2021-04")
        hh = m.households
        c = hh.consumption / hh.size
        w = hh.size.astype(float)
        ze, zn = m.paths.extreme_line[0], m.paths.national_line[0]
        poor = c < zn
        rows.append({
            "extreme": fgt(c, w, ze)[0], "national": fgt(c, w, zn)[0], "gini": gini(c, w),
            "urban": fgt(c[hh.is_urban], w[hh.is_urban], zn)[0],
            "rural": fgt(c[~hh.is_urban], w[~hh.is_urban], zn)[0],
            "poor_size": float(hh.size[poor].mean()),
        })
    return {k: float(np.mean([r[k] for r in rows])) for k in rows[0]}


def fit(households: int, seeds: list[int]) -> dict[str, float]:
    """Two-stage fit; returns the fitted parameter values by dotted path."""
    base = baseline_parameters()
    a0 = base.value("population.welfare.consumption_shape_a")
    b0 = base.value("population.welfare.consumption_scale_b")
    q0 = base.value("population.welfare.consumption_shape_q")
    rank = {"population.welfare.labour_rank_weight": base.value("population.welfare.labour_rank_weight"),
            "population.welfare.urban_effect": base.value("population.welfare.urban_effect"),
            "population.welfare.size_effect": base.value("population.welfare.size_effect")}

    def dist_changes(x):
        return {"population.welfare.consumption_shape_a": float(np.exp(x[0])),
                "population.welfare.consumption_scale_b": float(np.exp(x[1])),
                "population.welfare.consumption_shape_q": float(np.exp(x[2]))}

    def resid_dist(x, rank_now):
        st = initial_state({**dist_changes(x), **rank_now}, households, seeds)
        r = [np.log(st["extreme"] / TARGETS["extreme"]), np.log(st["national"] / TARGETS["national"]),
             (st["gini"] - TARGETS["gini"]) * 10]
        print("  dist", np.round(np.exp(x), 4), {k: round(v, 4) for k, v in st.items()}, flush=True)
        return r

    def resid_rank(y, dist_now):
        ch = {"population.welfare.labour_rank_weight": float(np.clip(y[0], 0.05, 0.99)),
              "population.welfare.urban_effect": float(y[1]),
              "population.welfare.size_effect": float(y[2])}
        st = initial_state({**dist_now, **ch}, households, seeds)
        print("  rank", np.round(y, 4), {k: round(v, 4) for k, v in st.items()}, flush=True)
        return [np.log(st["urban"] / TARGETS["urban"]), np.log(st["rural"] / TARGETS["rural"]),
                (st["poor_size"] - TARGETS["poor_size"]) / 2]

    x = np.log([a0, b0, q0])
    for _ in range(2):  # alternate: distribution given ranking, ranking given distribution
        sol = optimize.least_squares(resid_dist, x, args=(rank,), diff_step=0.03, xtol=1e-4,
                                     ftol=1e-4, max_nfev=40, x_scale=0.3,
                                     bounds=(np.log([1.5, 2e5, 0.1]), np.log([25, 3e6, 5])))
        x = sol.x
        y0 = np.array(list(rank.values()))
        sol2 = optimize.least_squares(resid_rank, y0, args=(dist_changes(x),), diff_step=0.05,
                                      bounds=([0.05, -2, -1], [0.99, 2, 1]), xtol=1e-3,
                                      ftol=1e-3, max_nfev=20)
        rank = {"population.welfare.labour_rank_weight": float(sol2.x[0]),
                "population.welfare.urban_effect": float(sol2.x[1]),
                "population.welfare.size_effect": float(sol2.x[2])}
    return {**dist_changes(x), **rank}


def write(values: dict[str, float]) -> None:
    """Store fitted values in welfare.yaml (only the value lines change)."""
    text = WELFARE.read_text()
    for path, v in values.items():
        key = path.rsplit(".", 1)[1]
        pattern = re.compile(rf"(^{key}:\n(?:.*\n)*?    2021-03: )([^\n]+)", re.M)
        text, n = pattern.subn(lambda m, v=v: m.group(1) + f"{v:.6g}", text, count=1)
        if n != 1:
            raise SystemExit(f"could not find {key} in {WELFARE}")
    WELFARE.write_text(text)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--households", type=int, default=40_000)
    ap.add_argument("--seeds", type=int, default=2)
    ap.add_argument("--write", action="store_true")
    args = ap.parse_args()
    seeds = list(range(101, 101 + args.seeds))
    values = fit(args.households, seeds)
    print("fitted:", values)
    print("check:", initial_state(values, args.households, [7, 8]))
    if args.write:
        write(values)
        print(f"wrote {WELFARE}")


if __name__ == "__main__":
    main()
