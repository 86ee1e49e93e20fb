"""Vectorised agent state: households, workers and employers as typed numpy arrays.

Household and worker state lives in arrays indexed by slot (starsim keeps per-agent state in
typed arrays the same way); the rules in :mod:`simulation.labour_market` and
:mod:`simulation.households` update everyone at once with masks. Dtypes are chosen for memory:
float32 money (rupiah, relative error 6e-8 is far below anything reported), int8 codes.

Codes:
    status (workers): see :data:`STATUS_NAMES`.
    sector: 0 agriculture, 1 industry, 2 services.
    education: 0 primary or less, 1 junior secondary, 2 senior secondary, 3 tertiary.
"""

from __future__ import annotations

from dataclasses import dataclass, fields

import numpy as np

FORMAL, CASUAL, OWN_ACCOUNT, UNPAID, UNEMPLOYED = 0, 1, 2, 3, 4
STATUS_NAMES = ("formal_employee", "casual_employee", "own_account", "unpaid_family", "unemployed")
INFORMAL_STATUSES = (CASUAL, OWN_ACCOUNT, UNPAID)
AGRICULTURE, INDUSTRY, SERVICES = 0, 1, 2
SECTOR_NAMES = ("agriculture", "industry", "services")
EDUCATION_NAMES = ("primary_or_less", "junior_secondary", "senior_secondary", "tertiary")


class _Arrays:
    """Mixin: size, memory and copy helpers for array dataclasses."""

    def nbytes(self) -> int:
        """Total bytes held by the arrays."""
        return sum(getattr(self, f.name).nbytes for f in fields(self)
                   if isinstance(getattr(self, f.name), np.ndarray))

    def copy(self):
        """Deep copy (arrays copied)."""
        return type(self)(**{f.name: (getattr(self, f.name).copy()
                                      if isinstance(getattr(self, f.name), np.ndarray)
                                      else getattr(self, f.name)) for f in fields(self)})


@dataclass
class HouseholdState(_Arrays):
    """Per-household arrays (length ``n``).

    Attributes:
        weight: Households in the population that this sample household stands for.
        size: Persons in the household.
        n_adults: Members aged 15 or over.
        is_urban: Urban (True) or rural.
        education: Head's education code.
        other_income: Non-labour income at March-2021 prices (Rp per month): imputed rent,
            home production, remittances received, pensions; indexed each month.
        kappa: Share of income consumed at the reference income (1 for most; below 1 for
            households whose income exceeded their consumption at the start, the rest being
            long-term saving). The saving share falls in proportion as income falls below the
            reference, so a household that loses its earnings stops saving first.
        reference_income: Gross income at the start, at March-2021 prices (Rp per month),
            indexed like other income.
        expected_labour: Labour income the household expects (Rp per month, nominal), adapting
            slowly to what its members earn; informal risk sharing pays towards it.
        buffer_months: Target liquid buffer, in months of permanent income.
        transfers: Transfers received this month (Rp), set by policies.
        labour_income: Sum of members' earnings this month (Rp).
        income: Disposable income this month (Rp): kappa * (labour + other + transfers).
        perm_income: Permanent income (Rp per month), exponentially smoothed income.
        savings: Liquid savings (Rp); negative is informal debt.
        consumption: Household consumption this month (Rp).
        poor_history: Bit t is set if the household was below the national line t months ago.
        extreme_history: Same for the extreme line.
    """

    weight: np.ndarray
    size: np.ndarray
    n_adults: np.ndarray
    is_urban: np.ndarray
    education: np.ndarray
    other_income: np.ndarray
    kappa: np.ndarray
    reference_income: np.ndarray
    expected_labour: np.ndarray
    buffer_months: np.ndarray
    transfers: np.ndarray
    labour_income: np.ndarray
    income: np.ndarray
    perm_income: np.ndarray
    savings: np.ndarray
    consumption: np.ndarray
    poor_history: np.ndarray
    extreme_history: np.ndarray

    @property
    def n(self) -> int:
        """Number of sample households."""
        return self.size.shape[0]

    @property
    def consumption_pc(self) -> np.ndarray:
        """Per-capita consumption (Rp per person per month), as BPS measures poverty."""
        return self.consumption / self.size


@dataclass
class WorkerState(_Arrays):
    """Per-worker arrays, one slot per labour-force member (employed or unemployed).

    Attributes:
        household: Index of the worker's household.
        status: Employment status code (:data:`STATUS_NAMES`).
        sector: Sector code of the current (or, if unemployed, last) job.
        education: Education code.
        employer: Index of the employer (formal employees, casual employees), else -1.
        base_earnings: Earnings at March-2021 prices and productivity, before indexation.
        shock: Log transitory earnings shock (informal work), AR(1).
        earnings: Earnings this month (Rp per month).
        months_in_status: Months since the last change of status.
        skill: Log boost to the chance of winning a vacancy (from training).
        productivity: Persistent standard-normal earnings trait; the same worker earns at the
            same quantile of the pay distribution of whatever status they hold.
        earnings_premium: Proportional earnings gain from training (0.1 = earns 10% more in
            any status); zeros when not given.
        is_insured: Whether the worker is an active BPJS Ketenagakerjaan member this month (as a
            wage earner through a complying employer, as a voluntary non-wage member, or with
            contributions paid by the PBI lever); set by the ``bpjs_tk`` policy
            (:mod:`simulation.policies.social_insurance`), all False without it.
        contrib_months: Months of wage-earner (PU) contributions since the last job-loss (JKP)
            claim, for JKP eligibility; zeros when not given.
    """

    household: np.ndarray
    status: np.ndarray
    sector: np.ndarray
    education: np.ndarray
    employer: np.ndarray
    base_earnings: np.ndarray
    shock: np.ndarray
    earnings: np.ndarray
    months_in_status: np.ndarray
    skill: np.ndarray
    productivity: np.ndarray
    earnings_premium: np.ndarray | None = None
    is_insured: np.ndarray | None = None
    contrib_months: np.ndarray | None = None

    def __post_init__(self):
        if self.earnings_premium is None:
            self.earnings_premium = np.zeros(self.status.shape[0], dtype=np.float32)
        if self.is_insured is None:
            self.is_insured = np.zeros(self.status.shape[0], dtype=bool)
        if self.contrib_months is None:
            self.contrib_months = np.zeros(self.status.shape[0], dtype=np.int16)

    @property
    def n(self) -> int:
        """Number of worker slots."""
        return self.status.shape[0]

    def households_with(self, status: int, households: np.ndarray) -> np.ndarray:
        """Whether each of ``households`` has a member in ``status`` (one flag per entry).

        The population builder lays worker slots out household by household (``household`` is
        sorted), so a household's members are one slice found by binary search and only the
        queried households are read. Unsorted slots (hand-made test states) take a full pass.
        """
        households = np.asarray(households)
        hh = self.household
        if len(households) == 0:
            return np.zeros(0, dtype=bool)
        if not self._grouped():
            has = np.zeros(int(max(hh.max(initial=-1), households.max())) + 1, dtype=bool)
            has[hh[self.status == status]] = True
            return has[households]
        lo = np.searchsorted(hh, households, side="left")
        hi = np.searchsorted(hh, households, side="right")
        out = np.zeros(len(households), dtype=bool)
        for j in range(int((hi - lo).max(initial=0))):
            at = lo + j
            inside = at < hi
            out[inside] |= self.status[at[inside]] == status
        return out

    def _grouped(self) -> bool:
        """Whether worker slots are sorted by household (checked once; slots never move)."""
        h = self.household
        if getattr(self, "_grouped_of", None) is not h:
            self._grouped_flag = bool(len(h) < 2 or (h[1:] >= h[:-1]).all())
            self._grouped_of = h
        return self._grouped_flag

    def status_counts(self) -> np.ndarray:
        """Number of workers in each status (int64 array of length 5).

        One ``count_nonzero`` per code: about six times faster than ``np.bincount`` on int8
        codes, which first converts every code to a machine integer.
        """
        st = self.status
        return np.array([np.count_nonzero(st == k) for k in range(len(STATUS_NAMES))],
                        dtype=np.int64)


@dataclass
class EmployerState(_Arrays):
    """Per-employer arrays; each sample employer stands for many real firms.

    Attributes:
        sector: Sector code.
        is_formal: Formal employers hire formal employees through the matching market;
            informal employers take casual workers.
        headcount: Sample workers employed now.
        desired: Headcount the employer wants, moved by sector output and its own shocks.
        wage_premium: Employer's wage level relative to the sector/education norm.
        vacancies: Open vacancies this month.
    """

    sector: np.ndarray
    is_formal: np.ndarray
    headcount: np.ndarray
    desired: np.ndarray
    wage_premium: np.ndarray
    vacancies: np.ndarray

    @property
    def n(self) -> int:
        """Number of employers."""
        return self.sector.shape[0]
