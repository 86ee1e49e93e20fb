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
        transfers: Transfers received this month (Rp), paid by policies (``Policy.pay``).
        labour_income: Sum of members' earnings this month (Rp).
        shared: Informal risk sharing received this month (Rp; negative: paid into the pool).
        saving: Long-term saving this month (Rp), added to ``wealth``.
        wealth: Long-term savings (Rp): what households set aside and do not draw for
            consumption.
        income: Disposable income this month (Rp): labour + shared + other + transfers, less
            long-term saving.
        perm_income: Permanent income (Rp per month), exponentially smoothed income.
        savings: Liquid savings (Rp); negative is informal debt.
        consumption: Household consumption this month (Rp): everyday spending out of cash, as
            the consumption rule decides it.
        health: Out-of-pocket bills (care, illness, funerals) paid this month (Rp).
        in_kind: Value of food aid received in kind this month, at retail prices (Rp); part of
            income and of consumption.
        earmarked: Money from scheduled payments set aside for the months they cover (Rp).
        earmarked_months: Months over which ``earmarked`` is still to be released.
        released: What was released from ``earmarked`` this month (Rp), part of income.
        nonfood_recall: Non-food spending as Susenas recalls it, the household's recent months
            (Rp per month; :mod:`simulation.measurement`).
        measured: Consumption as Susenas measures it this month (Rp): what poverty is measured
            on (:mod:`simulation.measurement`).
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
    shared: np.ndarray | None = None
    saving: np.ndarray | None = None
    wealth: np.ndarray | None = None
    health: np.ndarray | None = None
    in_kind: np.ndarray | None = None
    measured: np.ndarray | None = None
    earmarked: np.ndarray | None = None
    earmarked_months: np.ndarray | None = None
    released: np.ndarray | None = None
    nonfood_recall: np.ndarray | None = None

    def __post_init__(self):
        n = self.size.shape[0]
        for name in ("shared", "saving", "wealth", "health", "in_kind", "earmarked",
                     "released"):  # start at zero
            if getattr(self, name) is None:
                setattr(self, name, np.zeros(n, dtype=np.float32))
        if self.earmarked_months is None:
            self.earmarked_months = np.zeros(n, dtype=np.int8)
        if self.measured is None:  # a new population is measured at its consumption
            self.measured = self.consumption.astype(np.float32, copy=True)
        if self.nonfood_recall is None:  # NaN: set at the first measurement
            self.nonfood_recall = np.full(n, np.nan, dtype=np.float32)

    @property
    def n(self) -> int:
        """Number of sample households."""
        return self.size.shape[0]

    @property
    def consumption_pc(self) -> np.ndarray:
        """Per-capita measured consumption (Rp per person per month), as BPS measures poverty."""
        return self.measured / self.size


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
        productivity: Persistent standard-normal earnings trait; the same worker earns at the
            same quantile of the pay distribution of whatever status they hold.

    State that a lever brings (training's effects, insurance membership) is not here: the lever
    declares it (:class:`simulation.policies.State`) and owns it, and the core rules read only the
    shared :class:`Modifiers`.
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
    productivity: np.ndarray

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


#: Modifiers the core rules read (name -> what it does). A lever declares the ones it changes.
MODIFIERS = {
    "search_log_boost": "log boost to a worker's weight in the matching queue (0 = none)",
    "earnings_premium": "proportional gain in a worker's earnings in any status (0 = none)",
}


class Modifiers:
    """Per-worker modifiers of the core rules, shared by the levers that declare them.

    Training raises a completer's chance of winning a vacancy and their earnings; the matching
    queue and the earnings rule read those effects here, whichever levers brought them (two
    training programmes add to the same arrays). An array exists only once a lever declares it
    (:class:`simulation.policies.State` with ``shared=True``), so a run without such levers
    holds none. A modifier is a trait of the person in the slot: a death resets it
    (:meth:`reset`).

    Args:
        n_workers: Worker slots.

    Examples:
        >>> m = Modifiers(3)
        >>> m.get("earnings_premium") is None
        True
        >>> m.declare("earnings_premium", "float32").tolist()
        [0.0, 0.0, 0.0]
    """

    def __init__(self, n_workers: int):
        self.n = int(n_workers)
        self._arrays: dict[str, np.ndarray] = {}

    def declare(self, name: str, dtype: str = "float32") -> np.ndarray:
        """Return the modifier ``name``, allocating it (zeros) on its first declaration."""
        if name not in MODIFIERS:
            raise KeyError(f"unknown modifier {name!r}: one of {', '.join(MODIFIERS)}")
        if name not in self._arrays:
            self._arrays[name] = np.zeros(self.n, dtype=dtype)
        return self._arrays[name]

    def get(self, name: str) -> np.ndarray | None:
        """The modifier ``name``, or None if no lever declared it."""
        return self._arrays.get(name)

    def reset(self, slots: np.ndarray) -> None:
        """Zero every modifier of these slots (a new person takes the slot up)."""
        for arr in self._arrays.values():
            arr[slots] = 0

    def nbytes(self) -> int:
        """Bytes held by the declared modifiers."""
        return sum(a.nbytes for a in self._arrays.values())
