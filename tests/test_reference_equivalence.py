"""The vectorised model against the one-agent-per-household reference (benchmarks/reference.py).

For each of 12 seeds, one ``PovertyModel`` (20,000 households) is built in the world with
BPJS Ketenagakerjaan as its only policy (``bpjs_tk`` at its baseline settings: membership,
contributions, JKK, JKM and JKP benefits); the reference copies its step-0 state (the scheme's
membership and benefit spells included) into agents, then both run to 2023-08, each with its own
random draws. Across seeds the two implementations must not differ in the extreme-poverty rates
of 2022-03 and 2023-03, the unemployment rates of 2022-08 and 2023-08, the scheme's members in
2023-08, and the benefits it paid from April 2021 to August 2023 (all kinds; and JKP alone, the
benefit with the eligibility rules): a Welch two-sample t-test and a Kolmogorov-Smirnov test each
with p > 0.01, and means within 3 standard errors of their difference. The seeds run in 2
processes (about 1 minute on 2 cores).
"""

from __future__ import annotations

import sys
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import numpy as np
import pytest
from scipy import stats

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))

from reference import BENEFITS, run_both  # noqa: E402

from simulation.parameter_set import baseline_parameters  # noqa: E402

N_HOUSEHOLDS = 20_000
SEEDS = range(1, 13)
END = "2023-08"
CHECKS = (("extreme_poverty_rate", "2022-03"), ("extreme_poverty_rate", "2023-03"),
          ("unemployment_rate", "2022-08"), ("unemployment_rate", "2023-08"),
          ("members", "2023-08"))
TOTALS = {"benefits paid (Rp)": BENEFITS, "JKP benefits paid (Rp)": ("benefits_jkp",)}


def _one(seed: int) -> tuple[dict, dict]:
    return run_both(baseline_parameters(), N_HOUSEHOLDS, seed, END, insurance=True)


@pytest.fixture(scope="module")
def runs() -> list[tuple[dict, dict]]:
    with ProcessPoolExecutor(max_workers=2) as pool:
        return list(pool.map(_one, SEEDS))


def _same_distribution(vec: np.ndarray, ref: np.ndarray, what: str) -> None:
    welch = stats.ttest_ind(vec, ref, equal_var=False)
    ks = stats.ks_2samp(vec, ref)
    se = np.sqrt(vec.var(ddof=1) / len(vec) + ref.var(ddof=1) / len(ref))
    msg = (f"{what}: vectorised {vec.mean():.6g} (sd {vec.std(ddof=1):.4g}), "
           f"reference {ref.mean():.6g} (sd {ref.std(ddof=1):.4g}), Welch p {welch.pvalue:.3f}, "
           f"KS p {ks.pvalue:.3f}, diff {(ref.mean() - vec.mean()) / se:+.2f} SE")
    print(msg)
    assert welch.pvalue > 0.01, msg
    assert ks.pvalue > 0.01, msg
    assert abs(vec.mean() - ref.mean()) <= 3 * se, msg


@pytest.mark.slow
@pytest.mark.parametrize(("indicator", "month"), CHECKS)
def test_same_distribution(runs, indicator, month):
    i = runs[0][0]["date"].index(month)
    vec = np.array([v[indicator][i] for v, _ in runs])
    ref = np.array([r[indicator][i] for _, r in runs])
    _same_distribution(vec, ref, f"{indicator} {month}")


@pytest.mark.slow
@pytest.mark.parametrize("name", TOTALS)
def test_same_benefits_paid(runs, name):
    """Benefits paid over the run (step 0 pays nothing in either)."""
    vec = np.array([sum(v[k][1:].sum() for k in TOTALS[name]) for v, _ in runs])
    ref = np.array([sum(r[k][1:].sum() for k in TOTALS[name]) for _, r in runs])
    assert vec.min() > 0 and ref.min() > 0, (vec, ref)
    _same_distribution(vec, ref, f"{name} 2021-04 to {END}")
