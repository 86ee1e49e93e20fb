"""The vectorised model against the one-agent-per-household reference (benchmarks/reference.py).

For each of 12 seeds, one ``PovertyModel`` (20,000 households, no programmes) is built; the
reference copies its step-0 state into agents, then both run to 2023-08, each with its own random
draws. Across seeds, the extreme-poverty rates of 2022-03 and 2023-03 and the unemployment rates of
2022-08 and 2023-08 of the two implementations must not differ: a Welch two-sample t-test and a
Kolmogorov-Smirnov test each with p > 0.01, and means within 3 standard errors of their
difference. The seeds run in 2 processes (about 1 minute on 2 cores).
"""

from __future__ import annotations

import sys
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import numpy as np
import pytest
from scipy import stats

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))

from reference import run_both  # noqa: E402

from simulation.parameter_set import baseline_parameters  # noqa: E402

N_HOUSEHOLDS = 20_000
SEEDS = range(1, 13)
END = "2023-08"
CHECKS = (("extreme_poverty_rate", "2022-03"), ("extreme_poverty_rate", "2023-03"),
          ("unemployment_rate", "2022-08"), ("unemployment_rate", "2023-08"))


def _one(seed: int) -> tuple[dict, dict]:
    return run_both(baseline_parameters(), N_HOUSEHOLDS, seed, END)


@pytest.fixture(scope="module")
def runs() -> list[tuple[dict, dict]]:
    with ProcessPoolExecutor(max_workers=2) as pool:
        return list(pool.map(_one, SEEDS))


@pytest.mark.slow
@pytest.mark.parametrize(("indicator", "month"), CHECKS)
def test_same_distribution(runs, indicator, month):
    i = runs[0][0]["date"].index(month)
    vec = np.array([v[indicator][i] for v, _ in runs])
    ref = np.array([r[indicator][i] for _, r in runs])
    welch = stats.ttest_ind(vec, ref, equal_var=False)
    ks = stats.ks_2samp(vec, ref)
    se = np.sqrt(vec.var(ddof=1) / len(vec) + ref.var(ddof=1) / len(ref))
    msg = (f"{indicator} {month}: vectorised {vec.mean():.5f} (sd {vec.std(ddof=1):.5f}), "
           f"reference {ref.mean():.5f} (sd {ref.std(ddof=1):.5f}), Welch p {welch.pvalue:.3f}, "
           f"KS p {ks.pvalue:.3f}")
    print(msg)
    assert welch.pvalue > 0.01, msg
    assert ks.pvalue > 0.01, msg
    assert abs(vec.mean() - ref.mean()) <= 3 * se, msg
