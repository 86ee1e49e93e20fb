"""Poverty and labour indicators computed from the state arrays.

Poverty follows BPS: a person is poor when household consumption per person is below the line.
FGT measures (Foster, Greer and Thorbecke 1984) are weighted by persons (weight x household size)
or by households. Rates are fractions in [0, 1].
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from simulation import kernels
from simulation.sampling import argsort_ties
from simulation.state import FORMAL, UNEMPLOYED, HouseholdState, WorkerState


def fgt(consumption_pc: np.ndarray, weights: np.ndarray, line: float) -> tuple[float, float, float]:
    """Return weighted FGT indices (P0, P1, P2) for one poverty line.

    Args:
        consumption_pc: Per-capita consumption of each unit.
        weights: Weight of each unit (persons or households).
        line: Poverty line in the same unit as consumption.

    Examples:
        >>> import numpy as np
        >>> fgt(np.array([50., 150.]), np.array([1., 1.]), 100.)
        (0.5, 0.25, 0.125)
    """
    return _fgt_of_poor(consumption_pc, weights, float(weights.sum()), line)


def _fgt_of_poor(c_poor: np.ndarray, w_poor: np.ndarray, total: float,
                 line: float) -> tuple[float, float, float]:
    """:func:`fgt` from a superset of the poor (consumption, weights) and the total weight."""
    if total <= 0:
        return 0.0, 0.0, 0.0
    below = c_poor < line
    if not below.all():
        c_poor, w_poor = c_poor[below], w_poor[below]
    g = (line - c_poor) / line
    # Clip: numerator and denominator are summed in different orders (P0 could reach 1 + 1e-16).
    return (min(1.0, float(w_poor.sum() / total)), min(1.0, float((w_poor * g).sum() / total)),
            min(1.0, float((w_poor * g * g).sum() / total)))


def gini(values: np.ndarray, weights: np.ndarray) -> float:
    """Weighted Gini coefficient of ``values`` (e.g. per-capita consumption, person weights).

    Examples:
        >>> import numpy as np
        >>> round(gini(np.array([1., 1., 1., 1.]), np.ones(4)), 6)
        0.0
        >>> round(gini(np.array([0., 0., 0., 1.]), np.ones(4)), 6)
        0.75
    """
    order = argsort_ties(values)
    v = values[order].astype(np.float64)
    w = weights[order].astype(np.float64)
    cw = np.cumsum(w)
    cvw = np.cumsum(v * w)
    total_w, total_vw = cw[-1], cvw[-1]
    if total_vw <= 0:
        return 0.0
    # Area under the Lorenz curve by trapezoids over population shares.
    prev = np.concatenate(([0.0], cvw[:-1]))
    area = np.sum(w * (prev + cvw)) / (2.0 * total_w * total_vw)
    return float(1.0 - 2.0 * area)


def gini_of_households(c_pc: np.ndarray, size: np.ndarray, hh_weight: np.ndarray) -> float:
    """Person-weighted Gini of per-capita consumption, fast when household weights are equal.

    With equal household weights the person weights are the household sizes (1-127), so
    consumption (rounded to the rupiah) and size are packed into one int64 key and sorted
    without an argsort (about 9x faster at a million households); otherwise :func:`gini`.
    """
    w0 = hh_weight[0] if len(hh_weight) else 0.0
    if len(hh_weight) == 0 or not (hh_weight == w0).all() or size.max() > 127 or (
            c_pc.max() > 2**50):
        return gini(c_pc, hh_weight * size)
    # Sorted by (rupiah, persons): vw = v_i w_i and term = vw (W_<i - W_>i), where
    # W_<i - W_>i = 2 W_<=i - w_i - W (persons below minus above unit i in the sorted order),
    # so that the sum over pairs of w_i w_j |v_i - v_j| is 2 sum_i term_i.
    vw, term, total_w = kernels.gini_terms(c_pc, size)
    total_vw = float(vw.sum())
    if total_vw <= 0:
        return 0.0
    # A pairwise sum, not np.dot: BLAS picks its kernel by CPU, and so its rounding.
    return float(np.sum(term) / (float(total_w) * total_vw))


def bottom_share(values: np.ndarray, weights: np.ndarray, share: float = 0.4) -> float:
    """Share of total ``values`` held by the bottom ``share`` of the weighted population."""
    order = argsort_ties(values)
    v = values[order].astype(np.float64)
    w = weights[order].astype(np.float64)
    cw = np.cumsum(w) / w.sum()
    k = np.searchsorted(cw, share)
    part = (v[:k] * w[:k]).sum()
    if k < len(v):  # the unit straddling the cut counts in part
        frac = (share - (cw[k - 1] if k else 0.0)) / (w[k] / w.sum())
        part += frac * v[k] * w[k]
    return float(part / (v * w).sum())


@dataclass(frozen=True)
class Indicator:
    """Metadata of an output column (starsim's ``Result``: name, label, unit)."""

    name: str
    label: str
    unit: str


INDICATORS: tuple[Indicator, ...] = (
    Indicator("extreme_poverty_rate", "Extreme poverty (P0, persons)", "fraction of persons"),
    Indicator("extreme_poor_persons", "Extremely poor persons", "persons"),
    Indicator("poverty_rate", "National poverty (P0, persons)", "fraction of persons"),
    Indicator("poor_persons", "Poor persons", "persons"),
    Indicator("extreme_poverty_gap", "Extreme poverty gap (P1, persons)", "index 0-1"),
    Indicator("extreme_poverty_severity", "Extreme poverty severity (P2, persons)", "index 0-1"),
    Indicator("poverty_gap", "National poverty gap (P1, persons)", "index 0-1"),
    Indicator("poverty_severity", "National poverty severity (P2, persons)", "index 0-1"),
    Indicator("extreme_poverty_rate_households", "Extreme poverty (P0, households)",
              "fraction of households"),
    Indicator("extreme_poverty_gap_households", "Extreme poverty gap (P1, households)", "index"),
    Indicator("extreme_poverty_severity_households", "Extreme poverty severity (P2, households)",
              "index"),
    Indicator("poverty_rate_households", "National poverty (P0, households)",
              "fraction of households"),
    Indicator("poverty_gap_households", "National poverty gap (P1, households)", "index"),
    Indicator("poverty_severity_households", "National poverty severity (P2, households)",
              "index"),
    Indicator("unemployment_rate", "Open unemployment rate (TPT)", "fraction of labour force"),
    Indicator("informality_rate", "Informal share of employment", "fraction of employed"),
    Indicator("gini", "Gini of per-capita consumption", "index 0-1"),
    Indicator("mean_consumption_pc", "Mean per-capita consumption", "Rp per person per month"),
    Indicator("extreme_line", "Extreme poverty line", "Rp per person per month"),
    Indicator("national_line", "National poverty line", "Rp per person per month"),
    Indicator("poor_entry_share", "Poor now who were not poor 12 months earlier",
              "fraction of poor persons"),
    Indicator("poor_exit_share", "Poor 12 months earlier who are not poor now",
              "fraction of those poor then"),
    Indicator("population", "Population", "persons"),
)
INDICATOR_NAMES = tuple(i.name for i in INDICATORS)


def poverty_indicators(hh: HouseholdState, extreme_line: float, national_line: float,
                       population_scale: float = 1.0, step: int = 0,
                       c_pc: np.ndarray | None = None) -> dict[str, float]:
    """Return the poverty indicators of one month for both lines, persons and households.

    ``c_pc`` is per-capita measured consumption (:mod:`simulation.measurement`) if the caller
    has it (else computed).
    """
    if c_pc is None:
        c_pc = hh.measured / hh.size
    w_hh = hh.weight * population_scale
    w_p = w_hh * hh.size
    total_persons = float(w_p.sum())
    if extreme_line <= national_line:
        # Everyone extremely poor is poor: measure both lines on the poor only (a tenth of the
        # households). Same sums over the same units in the same order as the full pass.
        poor = np.flatnonzero(c_pc < national_line)
        c_poor, wp_poor, wh_poor = c_pc[poor], w_p[poor], w_hh[poor]
        total_hh = float(w_hh.sum())
        e0, e1, e2 = _fgt_of_poor(c_poor, wp_poor, total_persons, extreme_line)
        n0, n1, n2 = _fgt_of_poor(c_poor, wp_poor, total_persons, national_line)
        he0, he1, he2 = _fgt_of_poor(c_poor, wh_poor, total_hh, extreme_line)
        hn0, hn1, hn2 = _fgt_of_poor(c_poor, wh_poor, total_hh, national_line)
    else:
        e0, e1, e2 = fgt(c_pc, w_p, extreme_line)
        n0, n1, n2 = fgt(c_pc, w_p, national_line)
        he0, he1, he2 = fgt(c_pc, w_hh, extreme_line)
        hn0, hn1, hn2 = fgt(c_pc, w_hh, national_line)
    out = {
        "extreme_poverty_rate": e0, "extreme_poor_persons": e0 * total_persons,
        "poverty_rate": n0, "poor_persons": n0 * total_persons,
        "extreme_poverty_gap": e1, "extreme_poverty_severity": e2,
        "poverty_gap": n1, "poverty_severity": n2,
        "extreme_poverty_rate_households": he0, "extreme_poverty_gap_households": he1,
        "extreme_poverty_severity_households": he2,
        "poverty_rate_households": hn0, "poverty_gap_households": hn1,
        "poverty_severity_households": hn2,
        "gini": gini_of_households(c_pc, hh.size, hh.weight),
        "mean_consumption_pc": float((c_pc * w_p).sum() / total_persons),
        "extreme_line": float(extreme_line), "national_line": float(national_line),
        "population": total_persons,
    }
    out.update(poverty_flows(hh, w_p, step))
    return out


def poverty_flows(hh: HouseholdState, w_p: np.ndarray, step: int) -> dict[str, float]:
    """Entry into and exit from poverty over the last 12 months (national line, persons).

    Uses bit 0 (now) and bit 12 (twelve months ago) of ``poor_history``; NaN before step 12.
    """
    if step < 12:
        return {"poor_entry_share": float("nan"), "poor_exit_share": float("nan")}
    # Households poor now or a year ago (a tenth or so), then the same sums over them.
    either = np.flatnonzero(hh.poor_history & np.uint16(0x1001))
    bits = hh.poor_history[either]
    w = w_p[either]
    now = (bits & 1).astype(bool)
    then = (bits >> 12 & 1).astype(bool)
    w_now = w[now].sum()
    w_then = w[then].sum()
    entry = w[now & ~then].sum() / w_now if w_now > 0 else float("nan")
    exit_ = w[then & ~now].sum() / w_then if w_then > 0 else float("nan")
    return {"poor_entry_share": float(entry), "poor_exit_share": float(exit_)}


def labour_indicators(workers: WorkerState, hh_weight: np.ndarray) -> dict[str, float]:
    """Return the unemployment rate (of the labour force) and informality (of the employed)."""
    if len(hh_weight) and (hh_weight == hh_weight[0]).all():  # equal weights: counts suffice
        counts = workers.status_counts().astype(np.float64)
    else:
        counts = np.bincount(workers.status, weights=hh_weight[workers.household], minlength=5)
    lf = float(counts.sum())
    employed = lf - float(counts[UNEMPLOYED])
    formal = float(counts[FORMAL])
    unemployed_w = float(counts[UNEMPLOYED])
    return {
        "unemployment_rate": unemployed_w / lf if lf > 0 else 0.0,
        "informality_rate": (employed - formal) / employed if employed > 0 else 0.0,
    }
