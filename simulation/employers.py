"""Employers: Mesa agents over vectorised employer state.

Each :class:`Employer` is a ``mesa.Agent`` whose attributes are a view of one row of
:class:`~simulation.state.EmployerState`; the month's labour-demand rule runs over all employers
at once in :func:`plan_labour_demand` (a few thousand rows: one numpy pass instead of a Python
loop). Mesa tools still see real agents: ``model.agents_by_type[Employer]`` can be selected,
grouped and reported on (``AgentSet.select(lambda e: e.is_formal)``).
"""

from __future__ import annotations

import mesa
import numpy as np

from simulation import detmath
from simulation.state import SECTOR_NAMES, EmployerState


class Employer(mesa.Agent):
    """A sample employer (standing for many firms of one sector and formality).

    Args:
        model: The model.
        row: Row of the employer in ``model.employer_state``.

    Attributes:
        row: Row index into the employer arrays.
    """

    def __init__(self, model: mesa.Model, row: int):
        super().__init__(model)
        self.row = int(row)

    @property
    def _state(self) -> EmployerState:
        return self.model.employer_state

    @property
    def sector(self) -> str:
        """Sector name."""
        return SECTOR_NAMES[int(self._state.sector[self.row])]

    @property
    def is_formal(self) -> bool:
        """Whether the employer hires formal employees through the vacancy market."""
        return bool(self._state.is_formal[self.row])

    @property
    def headcount(self) -> int:
        """Sample workers employed now."""
        return int(self._state.headcount[self.row])

    @property
    def desired_headcount(self) -> float:
        """Headcount the employer wants this month."""
        return float(self._state.desired[self.row])

    @property
    def vacancies(self) -> int:
        """Open vacancies this month."""
        return int(self._state.vacancies[self.row])

    @property
    def wage_level(self) -> float:
        """Employer wage premium times this month's formal wage index (1 = the March-2021 norm)."""
        return float(self._state.wage_premium[self.row] * self.model.wage_index())

    def __repr__(self) -> str:
        kind = "formal" if self.is_formal else "informal"
        return (f"Employer({self.unique_id}, {kind} {self.sector}, headcount={self.headcount}, "
                f"vacancies={self.vacancies})")


def plan_labour_demand(state: EmployerState, sector_growth: np.ndarray, elasticity: float,
                       labour_force_growth: float, shock: np.ndarray, shock_sd: float,
                       excess_layoff_rate: float, u_round: np.ndarray) -> np.ndarray:
    """Move desired headcount with sector output and own shocks; post vacancies; plan layoffs.

    Args:
        state: Employer arrays (``desired`` and ``vacancies`` are updated in place).
        sector_growth: Real output growth of each sector this month, shape (3,).
        elasticity: Elasticity of desired headcount to sector output.
        labour_force_growth: Growth of the real labour force this month. Headcounts are in
            sample workers, each standing for more real workers as the labour force grows, so
            a sample employer's desired headcount grows at ``elasticity * g_s - g_LF``: real
            employment follows output, its share of the labour force what is left.
        shock: Standard-normal draw per employer (idiosyncratic demand).
        shock_sd: Standard deviation of the monthly log demand shock.
        excess_layoff_rate: Share of headcount above the desired level laid off this month.
        u_round: Uniform draw per employer for stochastic rounding.

    Returns:
        Number of workers each employer lays off this month (int array).
    """
    growth = 1.0 + (elasticity * sector_growth - labour_force_growth)[state.sector]
    state.desired *= (growth * detmath.exp(shock_sd * shock - 0.5 * shock_sd**2)).astype(
        np.float32)
    gap = state.desired - state.headcount
    open_ = np.floor(np.maximum(gap, 0.0) + u_round).astype(np.int32)
    state.vacancies[:] = np.where(state.is_formal, open_, 0)
    excess = np.maximum(-gap, 0.0) * excess_layoff_rate
    layoffs = np.floor(excess + u_round).astype(np.int32)
    return np.minimum(layoffs, state.headcount)
