"""The figures the extreme-poverty target is stated in, and spending and persons lifted.

:func:`summary` is ``summary.json``: per scenario and summary month, extreme poverty over
replications and the chances of meeting the target; :func:`accounting` is its ``accounting``
key: spending by lever and persons lifted against a counterfactual of the same run (same seeds,
so the difference is the policies' effect, not noise).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from simulation.experiments.answer import answer
from simulation.experiments.running import ExperimentResult
from simulation.experiments.settings import (
    DEFAULT_COUNTERFACTUAL,
    SPENDING_FROM,
    SUMMARY_MONTHS,
)
from simulation.parameter_set import month_index
from simulation.scenarios import Scenario


def _num(x: Any) -> float | None:
    x = float(x)
    return x if math.isfinite(x) else None


def summary(result: ExperimentResult) -> dict:
    """Reduce a run to the figures the extreme-poverty target is stated in.

    For each scenario and each of :data:`SUMMARY_MONTHS` inside the run, over replications
    (the answer, :func:`simulation.experiments.answer.answer`):

    - ``replications``;
    - ``extreme_poverty_rate_median``, ``_p05``, ``_p25``, ``_p75``, ``_p95`` (fractions;
      percentiles by linear interpolation between replications, numpy's default), each with
      ``_se``, its order-statistic standard error;
    - ``p_target_zero``: share of replications at 0.00% as BPS publishes it (a rate below
      0.005%); ``p_target_band``: share with ``rate <= 0.01`` (at most 1%); each with ``_se``
      (binomial standard error) and ``_ci95`` (Clopper-Pearson), and ``n_target_zero``,
      ``n_target_band``;
    - ``poverty_rate_median`` and ``unemployment_rate_median``.

    ``posterior`` says what the replications drew their parameters from (None: the point
    parameters, so the intervals carry the model's noise only).

    Spending and persons lifted are under ``accounting`` (:func:`accounting`).

    Returns:
        ``{"months": [...], "replications": R, "households": N, "scenarios": {name: {month:
        {...}}}, "accounting": {...}}`` with plain floats (None for NaN), ready for JSON.
    """
    ts = result.timeseries
    present = set(ts["date"])
    months = [m for m in SUMMARY_MONTHS if m in present]
    out: dict[str, Any] = {
        "months": months, "replications": result.replications, "households": result.households,
        "posterior": posterior_summary(result), "scenarios": {},
    }
    for sc in result.scenarios:
        per_month = {}
        for m in months:
            rows = ts[(ts["scenario"] == sc.name) & (ts["date"] == m)]
            rate = rows["extreme_poverty_rate"].to_numpy(dtype=np.float64)
            per_month[m] = {
                **answer(rate),
                "poverty_rate_median": _num(np.median(rows["poverty_rate"])),
                "unemployment_rate_median": _num(np.median(rows["unemployment_rate"])),
            }
        out["scenarios"][sc.name] = per_month
    out["accounting"] = accounting(result, months)
    return out


def posterior_summary(result: ExperimentResult) -> dict | None:
    """What the replications drew their parameters from: file, digest, draws used; or None."""
    post = result.posterior
    if post is None:
        return None
    used = sorted({post.ids[row] for row in result.posterior_rows})
    return {"file": post.file, "sha256": post.digest, "rows": len(post.ids),
            "paths": list(post.paths), "effective_sample_size": post.effective_sample_size,
            "distinct_draws_used": len(used),
            "uncertainty": "parameters (one posterior draw per replication) and the model's "
                           "own noise"}


def counterfactual_of(scenario: Scenario, names: Sequence[str]) -> str | None:
    """The scenario persons lifted are measured against, if it is in the run.

    The scenario's own ``counterfactual`` when it names one (None if that one is not in the
    run), else :data:`DEFAULT_COUNTERFACTUAL` when present (and not the scenario itself).
    """
    if scenario.counterfactual is not None:
        wanted = scenario.counterfactual
    else:
        wanted = DEFAULT_COUNTERFACTUAL
    if wanted == scenario.name or wanted not in names:
        return None
    return wanted


def accounting(result: ExperimentResult, months: Sequence[str] | None = None) -> dict:
    """Spending per lever and persons lifted out of extreme poverty, per scenario.

    For each scenario and each summary month ``m`` in the run (``months``, default the
    :data:`SUMMARY_MONTHS` in the run):

    - ``spending_rupiah``: ``{"total": Rp, "by_lever": {lever: Rp}}``, spent from
      :data:`SPENDING_FROM` through ``m``, mean over replications;
    - when the scenario has a counterfactual in the run (:func:`counterfactual_of`), ``impact``:
      ``persons_lifted_median``, ``_p05``, ``_p95``, ``_mean`` (counterfactual extreme-poor
      persons minus the scenario's at ``m``, replication by replication: same seed, common
      random numbers), ``extra_spending_rupiah`` (scenario total minus counterfactual total
      through ``m``, mean over replications) and ``rupiah_per_person_lifted`` (extra spending
      over mean persons lifted; None when persons lifted <= 0).

    Returns:
        ``{"spending_from": "2021-04", "scenarios": {name: {"counterfactual": name or None,
        month: {...}}}}``.
    """
    ts, sp = result.timeseries, result.spending
    if months is None:
        present = set(ts["date"])
        months = [m for m in SUMMARY_MONTHS if m in present]
    names = [sc.name for sc in result.scenarios]
    reps = np.arange(result.replications)
    start = month_index(SPENDING_FROM)
    sp = sp.assign(_m=[month_index(d) for d in sp["date"]]) if len(sp) else sp

    def spent(name: str, month: str) -> pd.DataFrame:
        """Rupiah by replication (rows) and lever (columns) from April 2021 through month."""
        if not len(sp):
            return pd.DataFrame(index=reps)
        rows = sp[(sp["scenario"] == name) & (sp["_m"] >= start)
                  & (sp["_m"] <= month_index(month))]
        table = rows.pivot_table(index="replication", columns="lever", values="rupiah",
                                 aggfunc="sum", fill_value=0.0)
        return table.reindex(index=reps, fill_value=0.0)

    def persons(name: str, month: str) -> np.ndarray:
        rows = ts[(ts["scenario"] == name) & (ts["date"] == month)].sort_values("replication")
        return rows["extreme_poor_persons"].to_numpy(dtype=np.float64)

    out: dict[str, Any] = {"spending_from": SPENDING_FROM, "scenarios": {}}
    for sc in result.scenarios:
        cf = counterfactual_of(sc, names)
        entry: dict[str, Any] = {"counterfactual": cf}
        for m in months:
            table = spent(sc.name, m)
            total = table.sum(axis=1).to_numpy(dtype=np.float64)
            item: dict[str, Any] = {"spending_rupiah": {
                "total": _num(total.mean()),
                "by_lever": {str(k): _num(v) for k, v in table.mean(axis=0).items()},
            }}
            if cf is not None:
                lifted = persons(cf, m) - persons(sc.name, m)
                cf_total = spent(cf, m).sum(axis=1).to_numpy(dtype=np.float64)
                extra = float((total - cf_total).mean())
                mean_lifted = float(lifted.mean())
                item["impact"] = {
                    "persons_lifted_median": _num(np.median(lifted)),
                    "persons_lifted_p05": _num(np.percentile(lifted, 5)),
                    "persons_lifted_p95": _num(np.percentile(lifted, 95)),
                    "persons_lifted_mean": _num(mean_lifted),
                    "extra_spending_rupiah": _num(extra),
                    "rupiah_per_person_lifted": (_num(extra / mean_lifted) if mean_lifted > 0
                                                 else None),
                }
            entry[m] = item
        out["scenarios"][sc.name] = entry
    return out
