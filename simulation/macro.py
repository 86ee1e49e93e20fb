"""The monthly calendar and the exogenous paths: prices, poverty lines, output, population.

:func:`compile_paths` turns the dated parameters into one array per path, indexed by model step
(step 0 is March 2021), so the model reads ``paths.cpi_rel[t]`` instead of interpolating dates.
Every parameter of the paths follows its dated values month by month: the CPI, the poverty lines,
GDP growth, the sector growth multipliers, population growth, the minimum wage and the weight of
the minimum wage in formal pay. Growth rates (GDP, sectors, population) compound from the month
they are in force; the extreme line and the minimum-wage weight apply to their month's level
(a new weight re-weights the indexation relative to March 2021 from its month on).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from simulation import detmath
from simulation.errors import InputError
from simulation.parameter_set import ParameterSet, month_index, month_label

START_MONTH = month_index("2021-03")
LATEST_END = month_index("2029-12")


@dataclass(frozen=True)
class Paths:
    """Exogenous monthly paths for steps ``0..n_steps`` (inclusive).

    Attributes:
        months: Month index of each step.
        cpi: CPI level (2018 = 100).
        cpi_rel: CPI relative to step 0.
        extreme_line: Extreme poverty line (Rp per person per month).
        national_line: National poverty line (Rp per person per month).
        gdp_growth_monthly: Real GDP growth in the month (fraction).
        sector_output: Real output index by sector, shape (3, n_steps + 1), 1 at step 0.
        sector_growth_monthly: Monthly real growth by sector, shape (3, n_steps + 1).
        population_rel: Population relative to step 0.
        labour_force_rel: Labour force relative to step 0 (Sakernas, ``macro.output.labour_force``).
        gdp_pc_rel: Real GDP per person relative to step 0.
        formal_wage_index: Nominal index of formal wages (minimum wage and CPI), 1 at step 0.
        formal_wage_by_education: Nominal index of formal wages by education, shape
            (4, n_steps + 1), 1 at step 0: ``formal_wage_index`` up to the first Sakernas round
            of ``labour.earnings.employee_wage_by_education``, that level's log-linear path
            between rounds, ``formal_wage_index`` growth after the last.
        poor_price_rel: The poor's prices relative to step 0: the national poverty line (BPS
            prices the poor's basket, 74% food) over its March-2021 value. Farm and home
            production (informal work in agriculture) is valued at it; the extreme line stays
            on the CPI (the World Bank converts its PPP line with the CPI).
    """

    months: np.ndarray
    cpi: np.ndarray
    cpi_rel: np.ndarray
    extreme_line: np.ndarray
    national_line: np.ndarray
    gdp_growth_monthly: np.ndarray
    sector_output: np.ndarray
    sector_growth_monthly: np.ndarray
    population_rel: np.ndarray
    labour_force_rel: np.ndarray
    gdp_pc_rel: np.ndarray
    formal_wage_index: np.ndarray
    formal_wage_by_education: np.ndarray
    poor_price_rel: np.ndarray

    @property
    def n_steps(self) -> int:
        """Number of monthly steps after the initial month."""
        return len(self.months) - 1

    def label(self, step: int) -> str:
        """Return ``YYYY-MM`` of a step."""
        return month_label(int(self.months[step]))


def _by_month(params: ParameterSet, path: str, months: np.ndarray) -> np.ndarray:
    """The value of ``path`` in force in each month (float array)."""
    return np.asarray(params.in_force(path, months), dtype=np.float64)


def _compound(annual: np.ndarray) -> np.ndarray:
    """Index, 1 at step 0, growing in each step ``t >= 1`` at the annual rate ``annual[t]``.

    Each run of equal rates compounds as ``(1 + g) ** (months / 12)`` from the step before it,
    so a constant rate gives ``(1 + g) ** (t / 12)``.
    """
    n = len(annual)
    out = np.ones(n)
    start, level, t = 0, 1.0, 1
    while t < n:
        end = t
        while end + 1 < n and annual[end + 1] == annual[t]:
            end += 1
        out[start:end + 1] = level * detmath.power(1.0 + annual[t],
                                                   np.arange(end - start + 1) / 12.0)
        start, level, t = end, out[end], end + 1
    return out


def compile_paths(params: ParameterSet, end: str | int = "2024-12") -> Paths:
    """Build the monthly paths from March 2021 to ``end`` (inclusive)."""
    end_m = month_index(end, key="end")
    if not START_MONTH <= end_m <= LATEST_END:
        raise InputError("<run>", "end", f"a month from {month_label(START_MONTH)} to "
                         f"{month_label(LATEST_END)} (the paths end in 2029-12)", end)
    months = np.arange(START_MONTH, end_m + 1, dtype=np.int64)
    cpi = np.asarray(params.monthly("macro.prices.cpi_index", months), dtype=np.float64)
    cpi_rel = cpi / cpi[0]

    ref = month_index(params.value("poverty.lines.extreme_line_reference_month"))
    cpi_ref = float(params.monthly("macro.prices.cpi_index", [ref])[0])
    extreme = _by_month(params, "poverty.lines.extreme_line", months) * cpi / cpi_ref

    nat_param = params["poverty.lines.national_line"]
    national = np.asarray(nat_param.monthly(months), dtype=np.float64)
    last = nat_param.values[-1][0]
    after = months > last
    if after.any():
        cpi_last = float(params.monthly("macro.prices.cpi_index", [last])[0])
        national[after] = nat_param.values[-1][1] * cpi[after] / cpi_last

    annual = np.asarray(params.monthly("macro.output.gdp_growth", months), dtype=np.float64)
    g = detmath.power(1.0 + annual, 1.0 / 12.0) - 1.0
    g[0] = 0.0  # step 0 is the initial state
    mult = np.asarray(params.in_force("macro.output.sector_growth_multiplier", months),
                      dtype=np.float64).T  # (3, months)
    sector_g = detmath.power(1.0 + mult * annual[None, :], 1.0 / 12.0) - 1.0
    sector_g[:, 0] = 0.0
    sector_output = np.cumprod(1.0 + sector_g, axis=1)
    gdp_rel = np.cumprod(1.0 + g)
    population_rel = _compound(_by_month(params, "macro.output.population_growth", months))
    lf = np.asarray(params.monthly("macro.output.labour_force", months), dtype=np.float64)

    ump = np.asarray(params.monthly("labour.minimum_wage.ump_mean", months), dtype=np.float64)
    mu = _by_month(params, "labour.earnings.formal_minimum_wage_weight", months)
    formal_wage_index = detmath.power(ump / ump[0], mu) * detmath.power(cpi_rel, 1.0 - mu)
    by_education = _wage_by_education(params, months, formal_wage_index)

    return Paths(
        months=months, cpi=cpi, cpi_rel=cpi_rel, extreme_line=extreme, national_line=national,
        gdp_growth_monthly=g, sector_output=sector_output, sector_growth_monthly=sector_g,
        population_rel=population_rel, labour_force_rel=lf / lf[0],
        gdp_pc_rel=gdp_rel / population_rel,
        formal_wage_index=formal_wage_index, formal_wage_by_education=by_education,
        poor_price_rel=national / national[0],
    )


def _wage_by_education(params: ParameterSet, months: np.ndarray,
                       formal: np.ndarray) -> np.ndarray:
    """Formal wage index by education (see :class:`Paths`), shape (levels, steps)."""
    anchors = params["labour.earnings.employee_wage_by_education"].values
    dates = np.array([d for d, _ in anchors], dtype=np.float64)
    levels = np.array([list(v) for _, v in anchors], dtype=np.float64).T  # (levels, anchors)
    m = months.astype(np.float64)
    first, last = dates[0], dates[-1]
    f_first = float(np.interp(first, m, formal)) if first >= m[0] else 1.0
    f_last = float(np.interp(last, m, formal)) if last >= m[0] else 1.0
    out = np.empty((levels.shape[0], len(months)))
    for e in range(levels.shape[0]):
        path = detmath.exp(np.interp(m, dates, detmath.log(levels[e])))  # flat outside
        inside = f_first * path / levels[e, 0]
        out[e] = np.where(m <= first, formal,
                          np.where(m <= last, inside, inside * formal / f_last))
    return out
