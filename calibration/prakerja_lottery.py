"""A simulated Kartu Prakerja lottery: the check that calibrates the training effects.

J-PAL's lottery evaluation of Kartu Prakerja (2021; rows 196 and 200 of the shared data) found
+4.7 percentage points employment and +10% earnings a year after admission. :func:`simulate_lottery`
runs the same experiment inside the model: applicants who look like Prakerja's are drawn, a
random half is admitted, and the two halves are compared a year on. The full effects of
``programmes.training`` (``prakerja_skill_boost``, ``prakerja_earnings_premium``) are set so that
it recovers J-PAL's estimates (``tests/calibration/test_prakerja_lottery.py``).

It lives here, not in the policy module, because it is a calibration experiment run with the
model, not part of a lever.
"""

from __future__ import annotations

import math

import numpy as np

from simulation.errors import InputError
from simulation.model import PovertyModel
from simulation.parameter_set import ParameterSet, baseline_parameters, month_index, month_label
from simulation.policies.training import VocationalTraining
from simulation.state import FORMAL, UNEMPLOYED


# ----------------------------------------------------------------------------------------------
def simulate_lottery(params: ParameterSet | None = None, n_households: int = 100_000,
                     seed: int = 0, *, n_applicants: int | None = None,
                     applicant_share: float = 0.01, start: str = "2021-04",
                     months_after: int = 12, replications: int = 1,
                     programme: str = "prakerja", policy_args: dict | None = None,
                     spillover: bool = False) -> dict:
    """Simulate J-PAL's Prakerja lottery: admit a random half of look-alike applicants.

    In each replication a model is run to the month before ``start``; applicants are drawn
    with the programme's profile (:meth:`VocationalTraining.draw_trainees`, on a ``lottery``
    stream); a random half is admitted through the policy in ``start`` (the other half is not)
    and the model runs ``months_after`` more months from the lottery. The policy admits nobody
    else (``scale`` 0), so the lottery is the only training in the world. Outcomes are compared
    in the last month: employment (any status but unemployed, J-PAL's "employed or running a
    business"), formal employment and earnings from all jobs (Rp per month; 0 when not
    working). The comparison is intention-to-treat (non-completers stay in the admitted arm),
    as in a lottery.

    Args:
        params: Parameters (default: the baseline).
        n_households: Sample households per replication.
        seed: Root seed; replication ``r`` uses ``SeedSequence(seed).spawn(replications)[r]``.
        n_applicants: Applicants per replication (default: ``applicant_share`` of workers).
        applicant_share: Applicants as a share of the labour force when ``n_applicants`` is None;
            small, so that winners barely crowd out losers (a lottery estimand is partial
            equilibrium).
        start: Month of admission (``YYYY-MM``; after March 2021).
        months_after: Months from admission to the outcome (J-PAL: about a year).
        replications: Independent model runs pooled.
        programme: ``prakerja`` or ``blk`` (which defaults the policy uses).
        policy_args: Other :class:`VocationalTraining` arguments (e.g. ``skill_boost``).
        spillover: Also run each replication without the lottery (same seed) and report how
            much the losers' outcomes changed because winners took jobs from them.

    Returns:
        ``employment_effect_pp`` and ``earnings_effect_pct`` with standard errors
        (``*_se``), ``formal_effect_pp``, group means, ``n_treated``, ``n_control``, and
        with ``spillover`` the losers' ``control_spillover_employment_pp`` and
        ``control_spillover_earnings_pct``.

    Examples:
        >>> out = simulate_lottery(n_households=3000, seed=1, months_after=2)  # doctest: +SKIP
        >>> sorted(out)[:2]  # doctest: +SKIP
        ['control_earnings', 'control_employment']
    """
    params = params if params is not None else baseline_parameters()
    start_m = month_index(start, key="start")
    first = month_index("2021-03")
    if start_m <= first:
        raise InputError("<simulate_lottery>", "start", "a month after 2021-03", start)
    end = month_label(start_m + months_after)
    lags = start_m - first  # steps run before the lottery, admission happens in step lags
    roots = np.random.SeedSequence(seed).spawn(replications)
    parts: dict[str, list[np.ndarray]] = {k: [] for k in (
        "treat", "emp", "formal", "earn", "base_emp", "base_earn")}
    for root in roots:
        policy = VocationalTraining(label="lottery", programme=programme, scale=0.0,
                                    start=start, end=end, **(policy_args or {}))
        model = PovertyModel(params, n_households=n_households, seed=root, end=end,
                             policies=[policy])
        while model.t < lags - 1:
            model.step()
        lot = model.streams.generator("lottery", 0)
        live = model.policies[0]
        k = n_applicants if n_applicants is not None else int(applicant_share * model.workers.n)
        applicants = live.draw_trainees(model, k, lot)
        win = lot.permutation(len(applicants)) < len(applicants) // 2
        live.admit(applicants[win])
        while model.t < model.paths.n_steps:
            model.step()
        w = model.workers
        parts["treat"].append(win)
        parts["emp"].append(w.status[applicants] != UNEMPLOYED)
        parts["formal"].append(w.status[applicants] == FORMAL)
        parts["earn"].append(w.earnings[applicants].astype(np.float64))
        if spillover:
            base = PovertyModel(params, n_households=n_households, seed=root, end=end)
            base.run()
            parts["base_emp"].append(base.workers.status[applicants] != UNEMPLOYED)
            parts["base_earn"].append(base.workers.earnings[applicants].astype(np.float64))
    treat = np.concatenate(parts["treat"])
    emp = np.concatenate(parts["emp"]).astype(np.float64)
    formal = np.concatenate(parts["formal"]).astype(np.float64)
    earn = np.concatenate(parts["earn"])
    out = {"n_treated": int(treat.sum()), "n_control": int((~treat).sum()),
           "replications": replications, "months_after": months_after}
    for name, y in (("employment", emp), ("formal", formal), ("earnings", earn)):
        out[f"treated_{name}"] = float(y[treat].mean())
        out[f"control_{name}"] = float(y[~treat].mean())
    d_emp, se_emp = _difference(emp, treat)
    d_formal, se_formal = _difference(formal, treat)
    d_earn, se_earn = _difference(earn, treat)
    mc = out["control_earnings"]
    out["employment_effect_pp"] = 100 * d_emp
    out["employment_effect_pp_se"] = 100 * se_emp
    out["formal_effect_pp"] = 100 * d_formal
    out["formal_effect_pp_se"] = 100 * se_formal
    out["earnings_effect_rp"] = d_earn
    out["earnings_effect_rp_se"] = se_earn
    # Percent of the losers' mean; the delta method adds the noise of that mean.
    var_c = earn[~treat].var(ddof=1) / max((~treat).sum(), 1)
    var_t = earn[treat].var(ddof=1) / max(treat.sum(), 1)
    mt = out["treated_earnings"]
    out["earnings_effect_pct"] = 100 * (mt / mc - 1)
    out["earnings_effect_pct_se"] = 100 * math.sqrt(var_t / mc**2 + mt**2 * var_c / mc**4)
    if spillover:
        base_emp = np.concatenate(parts["base_emp"]).astype(np.float64)
        base_earn = np.concatenate(parts["base_earn"])
        out["control_spillover_employment_pp"] = 100 * float(emp[~treat].mean()
                                                             - base_emp[~treat].mean())
        out["control_spillover_earnings_pct"] = 100 * float(earn[~treat].mean()
                                                            / base_earn[~treat].mean() - 1)
    return out


def _difference(y: np.ndarray, treat: np.ndarray) -> tuple[float, float]:
    """Difference in means (treated - control) and its standard error (unequal variances)."""
    a, b = y[treat], y[~treat]
    se = math.sqrt(a.var(ddof=1) / max(len(a), 1) + b.var(ddof=1) / max(len(b), 1))
    return float(a.mean() - b.mean()), se
