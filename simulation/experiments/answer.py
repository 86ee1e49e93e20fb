"""The answer to the 2024 question, with its Monte Carlo error.

For one scenario and month, the replications' extreme-poverty rates are a sample of the
predictive distribution (each replication its own posterior draw and its own seed, so the
sample carries the parameters' uncertainty and the model's noise together). :func:`answer`
reduces them to what the target is stated in, each figure with the Monte Carlo error of a
finite number of replications:

- the median, the 50% interval (25th-75th percentile) and the 90% interval (5th-95th), by
  linear interpolation between replications (numpy's default), each with an order-statistic
  standard error (:func:`quantile_se`);
- ``p_target_zero``: the share of replications at 0.00% as BPS publishes it (two decimals of a
  percent, so a rate below 0.005%: :data:`ZERO_BELOW`), and ``p_target_band``: the share at or
  below 1% (:data:`BAND_AT_MOST`), each with its binomial standard error
  ``sqrt(p (1 - p) / R)`` and a 95% Clopper-Pearson interval (which, unlike the standard
  error, is not zero when no replication, or every one, meets the target: with 0 of R it is
  ``[0, 1 - 0.025^(1/R)]``).
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

#: A rate below this is published as 0.00% (BPS rounds the percentage to two decimals).
ZERO_BELOW = 0.00005
#: The Inpres 4/2022 band: extreme poverty at or below 1%.
BAND_AT_MOST = 0.01
#: The quantiles reported: ``(key suffix, q)``.
QUANTILES = (("p05", 0.05), ("p25", 0.25), ("median", 0.50), ("p75", 0.75), ("p95", 0.95))


def rounds_to_zero(rate: np.ndarray | float) -> np.ndarray | bool:
    """Whether a rate (a fraction) is published as 0.00%: below :data:`ZERO_BELOW`.

    Examples:
        >>> bool(rounds_to_zero(0.000049)), bool(rounds_to_zero(0.00005))
        (True, False)
    """
    return np.asarray(rate) < ZERO_BELOW


def quantile_se(sorted_x: np.ndarray, q: float) -> float | None:
    """Order-statistic standard error of the ``q`` quantile of a sample (sorted).

    The number of draws below the true quantile is Binomial(n, q), with standard deviation
    ``s = sqrt(n q (1 - q))``; the order statistics at ranks ``floor(nq - s)`` and
    ``ceil(nq + s)`` (1-based, clipped to 1..n) bracket the quantile by about one standard
    deviation on each side, so half their distance is its standard error (slightly
    conservative: the ranks are rounded outwards). None below 2 draws.

    Examples:
        >>> quantile_se(np.arange(1.0, 101.0), 0.5)  # ranks 45 and 55
        5.0
    """
    n = len(sorted_x)
    if n < 2:
        return None
    s = math.sqrt(n * q * (1 - q))
    lo = min(max(math.floor(n * q - s), 1), n)
    hi = min(max(math.ceil(n * q + s), 1), n)
    return float(sorted_x[hi - 1] - sorted_x[lo - 1]) / 2.0


def clopper_pearson(k: int, n: int, level: float = 0.95) -> tuple[float, float]:
    """The exact (Clopper-Pearson) ``level`` interval of a binomial proportion ``k / n``.

    Examples:
        >>> lo, hi = clopper_pearson(0, 20)
        >>> lo, round(hi, 4)
        (0.0, 0.1684)
    """
    from scipy.stats import beta

    a = (1 - level) / 2
    lo = 0.0 if k == 0 else float(beta.ppf(a, k, n - k + 1))
    hi = 1.0 if k == n else float(beta.ppf(1 - a, k + 1, n - k))
    return lo, hi


def _num(x: Any) -> float | None:
    x = float(x)
    return x if math.isfinite(x) else None


def answer(rate: np.ndarray) -> dict[str, Any]:
    """The answer's figures for one scenario and month (see the module docstring).

    Args:
        rate: Extreme-poverty rates (fractions), one per replication.

    Returns:
        ``replications``; ``extreme_poverty_rate_<q>`` and ``extreme_poverty_rate_<q>_se`` for
        ``q`` in p05, p25, median, p75, p95; ``p_target_zero``, ``p_target_zero_se``,
        ``p_target_zero_ci95`` and the same for ``p_target_band``; ``n_target_zero`` and
        ``n_target_band`` (replications meeting each). Plain floats (None for NaN).
    """
    rate = np.asarray(rate, dtype=np.float64)
    n = len(rate)
    xs = np.sort(rate)
    out: dict[str, Any] = {"replications": n}
    for key, q in QUANTILES:
        out[f"extreme_poverty_rate_{key}"] = _num(np.percentile(rate, 100 * q))
    for key, q in QUANTILES:
        out[f"extreme_poverty_rate_{key}_se"] = quantile_se(xs, q)
    for key, hit in (("zero", rounds_to_zero(rate)), ("band", rate <= BAND_AT_MOST)):
        k = int(np.sum(hit))
        p = k / n
        out[f"p_target_{key}"] = p
        out[f"p_target_{key}_se"] = math.sqrt(p * (1 - p) / n)
        out[f"p_target_{key}_ci95"] = list(clopper_pearson(k, n))
        out[f"n_target_{key}"] = k
    return out


__all__ = ["BAND_AT_MOST", "QUANTILES", "ZERO_BELOW", "answer", "clopper_pearson",
           "quantile_se", "rounds_to_zero"]
