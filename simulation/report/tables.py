"""The numbers behind the charts, computed from a run's tables (DataFrames in, DataFrames out).

Bands are quantiles over replications month by month. Persons lifted and spending are computed
replication by replication (every scenario of a run uses the same seed for the same
replication, so a difference between scenarios is the policies' effect, not noise), exactly as
``summary.json``'s ``accounting`` does, so the medians here equal its ``persons_lifted_median``.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from simulation.parameter_set import month_index

QUANTILES = {"p05": 0.05, "p25": 0.25, "median": 0.5, "p75": 0.75, "p95": 0.95}
BOOTSTRAP_DRAWS = 2000
BOOTSTRAP_SEED = 20240301  # fixed: the report's intervals are the same on every rerun
_HUGE = 1e300


def bands(ts: pd.DataFrame, column: str) -> pd.DataFrame:
    """Quantiles of ``column`` over replications: rows (scenario, date), columns p05..p95.

    Percentiles interpolate linearly between replications (numpy's default), as
    ``summary.json`` does.
    """
    rows = []
    for (scenario, date), group in ts.groupby(["scenario", "date"], sort=False):
        values = group[column].to_numpy(dtype=np.float64)
        rows.append({"scenario": scenario, "date": date,
                     **{k: float(np.percentile(values, 100 * q)) for k, q in
                        QUANTILES.items()}})
    return pd.DataFrame(rows, columns=["scenario", "date", *QUANTILES])


def by_replication(ts: pd.DataFrame, scenario: str, month: str, column: str) -> np.ndarray:
    """``column`` of ``scenario`` in ``month``, one value per replication in order."""
    rows = ts[(ts["scenario"] == scenario) & (ts["date"] == month)].sort_values("replication")
    return rows[column].to_numpy(dtype=np.float64)


def spent_by_replication(sp: pd.DataFrame, scenario: str, month: str, since: str,
                         replications: int) -> np.ndarray:
    """Rupiah ``scenario`` spent from ``since`` through ``month``, per replication."""
    out = np.zeros(replications)
    if not len(sp):
        return out
    m = sp["date"].map(month_index)
    rows = sp[(sp["scenario"] == scenario) & (m >= month_index(since))
              & (m <= month_index(month))]
    sums = rows.groupby("replication")["rupiah"].sum()
    for r, value in sums.items():
        out[int(r)] = float(value)
    return out


def lifted(ts: pd.DataFrame, counterfactuals: dict[str, str | None],
           months: list[str]) -> pd.DataFrame:
    """Persons lifted out of extreme poverty per scenario with a counterfactual and month.

    Columns: ``scenario, counterfactual, month, median, p05, p95, mean`` (counterfactual's
    ``extreme_poor_persons`` minus the scenario's, replication by replication).
    """
    rows = []
    for scenario, cf in counterfactuals.items():
        if cf is None:
            continue
        for month in months:
            diff = (by_replication(ts, cf, month, "extreme_poor_persons")
                    - by_replication(ts, scenario, month, "extreme_poor_persons"))
            rows.append({"scenario": scenario, "counterfactual": cf, "month": month,
                         "median": float(np.median(diff)),
                         "p05": float(np.percentile(diff, 5)),
                         "p95": float(np.percentile(diff, 95)), "mean": float(diff.mean())})
    return pd.DataFrame(rows, columns=["scenario", "counterfactual", "month", "median", "p05",
                                       "p95", "mean"])


def cost_per_person(ts: pd.DataFrame, sp: pd.DataFrame, counterfactuals: dict[str, str | None],
                    months: list[str], since: str, replications: int) -> pd.DataFrame:
    """Rupiah per person lifted, with a bootstrap interval over replications.

    The point estimate is ``summary.json``'s: mean extra spending over the counterfactual
    divided by mean persons lifted (None when mean persons lifted <= 0). The interval is the
    5th and 95th percentile of the same ratio over :data:`BOOTSTRAP_DRAWS` resamples of the
    replications (pairs kept together: common random numbers), with a fixed seed; a bound is
    ``inf`` when some resamples lift nobody on average (the ratio has no finite bound).

    Columns: ``scenario, counterfactual, month, point, p05, p95, extra_mean, lifted_mean``.
    """
    rng = np.random.default_rng(BOOTSTRAP_SEED)
    draws = rng.integers(0, replications, size=(BOOTSTRAP_DRAWS, replications))
    rows = []
    for scenario, cf in counterfactuals.items():
        if cf is None:
            continue
        for month in months:
            gained = (by_replication(ts, cf, month, "extreme_poor_persons")
                      - by_replication(ts, scenario, month, "extreme_poor_persons"))
            extra = (spent_by_replication(sp, scenario, month, since, replications)
                     - spent_by_replication(sp, cf, month, since, replications))
            lifted_mean, extra_mean = float(gained.mean()), float(extra.mean())
            point = extra_mean / lifted_mean if lifted_mean > 0 else None
            g, e = gained[draws].mean(axis=1), extra[draws].mean(axis=1)
            ratio = np.where(g > 0, e / np.where(g > 0, g, 1.0), np.inf)
            finite = np.nan_to_num(ratio, posinf=_HUGE)  # inf - inf would interpolate to NaN
            lo, hi = (float(np.percentile(finite, q)) for q in (5, 95))
            lo, hi = (math.inf if v >= _HUGE / 2 else v for v in (lo, hi))
            rows.append({"scenario": scenario, "counterfactual": cf, "month": month,
                         "point": point, "p05": lo, "p95": hi, "extra_mean": extra_mean,
                         "lifted_mean": lifted_mean})
    return pd.DataFrame(rows, columns=["scenario", "counterfactual", "month", "point", "p05",
                                       "p95", "extra_mean", "lifted_mean"])


def monthly_spending(sp: pd.DataFrame, scenario: str, key: str, replications: int,
                     since: str) -> pd.DataFrame:
    """Rupiah per month by ``key`` (``lever`` or ``label``), mean over replications.

    Rows: months from ``since``; columns: the groups in order of first appearance.
    """
    rows = sp[(sp["scenario"] == scenario)
              & (sp["date"].map(month_index) >= month_index(since))]
    if not len(rows):
        return pd.DataFrame()
    order = list(dict.fromkeys(rows[key]))
    table = rows.pivot_table(index="date", columns=key, values="rupiah", aggfunc="sum",
                             fill_value=0.0) / replications
    return table.reindex(columns=order).sort_index()
