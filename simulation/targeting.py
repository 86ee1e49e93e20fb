"""Targeting shared by all programmes: a registry of household welfare (DTKS / P3KE).

Programmes do not see true consumption. They select from a registry score that ranks households
by a proxy-means test (PMT) of permanent characteristics, as DTKS and P3KE do: household size and
composition, urban or rural residence, the head's schooling, the members' work (status shares of
the labour force in the household), assets (long-term savings per person) and other
income per person (which includes imputed rent, the housing the PMT scores). At each update the
PMT weights are re-estimated by a person-weighted least-squares regression of log measured
consumption per person on these characteristics, fitted on a fixed survey subsample of the
households (:data:`PMT_FIT_HOUSEHOLDS`, as the statistical agency fits a PMT on Susenas), and
applied to every household. A transitory dip in consumption does not move a household's PMT
score; a lost job or a change in the household does, at the next update.

The score is the normal score of the PMT prediction's rank plus each household's persistent
error (a household that looks better off than it is keeps looking so), scaled so that the
score's correlation with the normal score of current measured consumption per person is
``targeting.registry.rank_correlation`` (World Bank 2012 found half the target group excluded,
rows 328-329). If the PMT alone correlates less than asked (``rank_correlation`` above the PMT's
own correlation, up to 1 = perfect targeting), the score mixes in the true consumption rank
instead of noise, so 1 is still perfect targeting on current consumption, a scenario.

One rule from the burn-in on: the registry is updated every ``update_months`` in the burn-in as
in the run (:meth:`Registry.tick`), so the run starts with a registry of the age it would have
and April 2021 is not a targeting reform.

Both parameters may be dated. A new ``rank_correlation`` is a new registry (as P3KE replaced the
DTKS ranking in 2022): it is measured at the end of the month before its date, from that month's
characteristics as a scheduled update would be, so programmes select from it from its first
month on, and the update clock restarts. A new ``update_months`` sets the cadence from its month
on, counted from the last measurement.

Determinism: the regression's sums are numpy reductions and elementwise products and its
normal equations are solved in Python floats, so no BLAS or LAPACK routine (whose results
differ between CPU kernels) enters the score.

Examples:
    ``model.registry.lowest(k)`` gives the k households the registry ranks poorest;
    ``model.registry.percentile`` gives each household's registry percentile (0 = poorest).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from simulation.macro import START_MONTH
from simulation.parameter_set import ParameterSet
from simulation.sampling import argsort_ties, normal_scores_of_rank
from simulation.state import STATUS_NAMES, HouseholdState, WorkerState
from simulation.streams import Streams

#: Households in the PMT's survey subsample (its weights are fitted on these, then applied to
#: all). A method setting, not a calibrated number: Susenas's March round has about 340,000
#: households; 20,000 estimate some fifteen weights with negligible sampling error.
PMT_FIT_HOUSEHOLDS = 20_000


class PMTColumns(Sequence):
    """The PMT's regressors as a sequence of float64 columns, each made when it is read.

    A column is computed from the household (and worker) arrays each time it is indexed, so a
    caller that reads the columns one at a time holds one of them, not the whole design (at
    1,000,000 households about 8 MB against some 120 MB); reading one twice gives the same bits.
    """

    def __init__(self, makers: list):
        self._makers = makers

    def __len__(self) -> int:
        return len(self._makers)

    def __getitem__(self, j):
        if isinstance(j, slice):
            return [m() for m in self._makers[j]]
        return self._makers[j]()


def pmt_characteristics(hh, workers: WorkerState | None = None) -> PMTColumns:
    """The PMT's regressors per household (float64 columns; the first is the constant).

    Household size (log), the adults' share, urban residence, the head's schooling (one dummy per
    level above the lowest), the shares of the household's persons in each work status (formal
    employee, casual employee, own account, unpaid family, unemployed), and log(1 + Rp per person)
    of assets (long-term savings; the liquid buffer, which moves with each month's income and
    transfers, is not an asset a PMT enumerator sees) and of other income. Fields a household record
    lacks (a test's minimal record) are left out. The columns are made as they are read
    (:class:`PMTColumns`).
    """
    n = len(hh.size)

    def size() -> np.ndarray:
        return np.asarray(hh.size, dtype=np.float64)

    makers = [lambda: np.ones(n), lambda: np.log(size())]
    if hasattr(hh, "n_adults"):
        makers.append(lambda: np.asarray(hh.n_adults, dtype=np.float64) / size())
    if hasattr(hh, "is_urban"):
        makers.append(lambda: np.asarray(hh.is_urban, dtype=np.float64))
    if hasattr(hh, "education"):
        top = int(np.asarray(hh.education).max(initial=0))
        makers += [lambda k=k: (np.asarray(hh.education) == k).astype(np.float64)
                   for k in range(1, top + 1)]
    if workers is not None and workers.n:
        makers += [lambda k=k: np.bincount(workers.household, weights=(workers.status == k),
                                           minlength=n) / size()
                   for k in range(len(STATUS_NAMES))]
    if hasattr(hh, "wealth"):  # long-term savings: the assets a PMT sees, not the cash buffer
        makers.append(lambda: np.log1p(np.maximum(np.asarray(hh.wealth, dtype=np.float64), 0.0)
                                       / size()))
    if hasattr(hh, "other_income"):
        makers.append(lambda: np.log1p(np.maximum(np.asarray(hh.other_income, dtype=np.float64),
                                                  0.0) / size()))
    return PMTColumns(makers)


def _solve(a: list[list[float]], b: list[float]) -> list[float]:
    """Solve ``a x = b`` by Gaussian elimination with partial pivoting in Python floats.

    A column whose pivot vanishes (a characteristic no household has, or one collinear with
    others) gets coefficient 0.
    """
    k = len(b)
    m = [list(row) + [b[i]] for i, row in enumerate(a)]
    scale = max((abs(m[i][i]) for i in range(k)), default=1.0) or 1.0
    pivots = []
    r = 0
    for c in range(k):
        p = max(range(r, k), key=lambda i: abs(m[i][c]), default=None)
        if p is None or abs(m[p][c]) <= 1e-12 * scale:
            continue
        m[r], m[p] = m[p], m[r]
        for i in range(k):
            if i != r and m[i][c] != 0.0:
                f = m[i][c] / m[r][c]
                m[i] = [x - f * y for x, y in zip(m[i], m[r], strict=True)]
        pivots.append((r, c))
        r += 1
    x = [0.0] * k
    for r, c in pivots:
        x[c] = m[r][k] / m[r][c]
    return x


def pmt_prediction(cols: Sequence[np.ndarray], y: np.ndarray, w: np.ndarray,
                   fit: np.ndarray) -> np.ndarray:
    """The PMT's predicted ``y``: weighted least squares of ``y`` on ``cols`` over ``fit``.

    Reads ``cols`` twice, one column at a time: for the fit subsample, then for the prediction
    (a :class:`PMTColumns` makes each column again, so only one is held at a time).

    Args:
        cols: Regressors (the first the constant), one value per household.
        y: The outcome (log measured consumption per person).
        w: Regression weights (persons).
        fit: Indices of the survey subsample the weights are fitted on.

    Returns:
        ``sum_j beta_j cols[j]`` for every household.
    """
    xf = [c[fit] for c in cols]
    wf, yf = w[fit], y[fit]
    k = len(cols)
    a = [[0.0] * k for _ in range(k)]
    for i in range(k):
        wx = wf * xf[i]
        for j in range(i, k):
            a[i][j] = a[j][i] = float(np.sum(wx * xf[j]))
    b = [float(np.sum(wf * xf[i] * yf)) for i in range(k)]
    beta = _solve(a, b)
    pred = np.zeros(len(y))
    for bj, c in zip(beta, cols, strict=True):
        pred += bj * c
    return pred


def _correlation(a: np.ndarray, b: np.ndarray) -> float:
    """Pearson correlation by numpy sums (no BLAS)."""
    a = a - float(np.mean(a))
    b = b - float(np.mean(b))
    den = float(np.sqrt(float(np.sum(a * a)) * float(np.sum(b * b))))
    return float(np.sum(a * b)) / den if den > 0 else 0.0


def _mix_weight(rho: float, r: float) -> float:
    """``w`` with corr(w z + (1 - w) p, z) = ``rho`` for unit-variance ``p`` of corr ``r``."""
    def corr(w: float) -> float:
        return (w + (1 - w) * r) / np.sqrt(w * w + (1 - w) ** 2 + 2 * w * (1 - w) * r)

    lo, hi = 0.0, 1.0
    for _ in range(60):  # corr rises in w from r (w = 0) to 1 (w = 1)
        mid = 0.5 * (lo + hi)
        lo, hi = (mid, hi) if corr(mid) < rho else (lo, mid)
    return hi


class Registry:
    """A proxy-means welfare registry over the sample households.

    Args:
        params: Parameters (``targeting.registry.*``).
        hh: Household arrays (characteristics; measured consumption per person, which the PMT
            is fitted to and the correlation is set against).
        streams: Random streams (the ``registry`` stream draws the persistent errors, the tie
            breaks and the PMT's survey subsample).
        months: Month index of each step of the run (default: March 2021 only); the dated
            parameters are read for each.
        workers: Worker arrays (the members' work status); without them the PMT leaves the
            work characteristics out.

    Attributes:
        score: Registry welfare score per household (lower = poorer).
        percentile: Person-weighted percentile of the score (0 = poorest, 1 = richest).
        rho: Rank correlation of the registry in force.
        pmt_correlation: Correlation of the PMT's normal scores with those of measured
            consumption at the last update (before the error is added).
        update_months: Months between updates, in force this month.
    """

    def __init__(self, params: ParameterSet, hh: HouseholdState, streams: Streams,
                 months=None, workers: WorkerState | None = None):
        months = [START_MONTH] if months is None else months
        self._rho = [float(v) for v in
                     params.in_force("targeting.registry.rank_correlation", months)]
        self._update_months = [int(v) for v in
                               params.in_force("targeting.registry.update_months", months)]
        self.rho = self._rho[0]
        self.update_months = self._update_months[0]
        g = streams.generator("registry", 0)
        self._error = g.standard_normal(hh.n)
        self._tie = g.random(hh.n)
        share = min(1.0, PMT_FIT_HOUSEHOLDS / max(hh.n, 1))
        self._fit = np.flatnonzero(g.random(hh.n) < share)
        if len(self._fit) == 0:
            self._fit = np.arange(hh.n)
        self.workers = workers
        self.pmt_correlation = 0.0
        self.months_since_update = 0
        self.measure(hh)

    def measure(self, hh: HouseholdState, for_step: int | None = None) -> None:
        """Update the registry now: refit the PMT, re-score every household (errors stay).

        With ``for_step``, the registry is the one in force in that step (its correlation).
        """
        if for_step is not None:
            self.rho = self._rho[min(for_step, len(self._rho) - 1)]
        pc = np.asarray(hh.measured, dtype=np.float64) / np.asarray(hh.size, dtype=np.float64)
        z = normal_scores_of_rank(pc, self._tie)
        rho = self.rho
        if rho >= 1.0:
            self.score = z
        else:
            y = np.log(np.maximum(pc, 1.0))
            persons = np.asarray(hh.size, dtype=np.float64)
            pred = pmt_prediction(pmt_characteristics(hh, self.workers), y, persons, self._fit)
            zp = normal_scores_of_rank(pred, self._tie)
            r = _correlation(zp, z)
            self.pmt_correlation = r
            if rho <= 0.0:
                self.score = self._error.copy()
            elif rho <= r:
                self.score = zp + np.sqrt((r / rho) ** 2 - 1.0) * self._error
            else:
                w = _mix_weight(rho, r)
                self.score = w * z + (1.0 - w) * zp
        order = argsort_ties(self.score)
        persons = hh.size[order].astype(np.float64)
        cum = np.cumsum(persons)
        self.percentile = np.empty(hh.n)
        self.percentile[order] = (cum - 0.5 * persons) / cum[-1]
        self._order = order
        self.months_since_update = 0

    def rho_at(self, step: int) -> float:
        """The rank correlation of the registry in force in ``step``."""
        return self._rho[min(step, len(self._rho) - 1)]

    @property
    def order(self) -> np.ndarray:
        """Household indices from the poorest registry score up (read-only)."""
        return self._order

    def tick(self, hh: HouseholdState, t: int | None = None) -> None:
        """End step ``t``: advance one month; re-measure when an update is due next month.

        With ``t``, next month's parameters apply: a new ``rank_correlation`` is measured now (a
        new registry), and ``update_months`` is next month's cadence. Without ``t`` the
        parameters stay as they are.
        """
        self.months_since_update += 1
        if t is not None:
            following = min(t + 1, len(self._rho) - 1)
            self.update_months = self._update_months[following]
            if self._rho[following] != self.rho:
                self.measure(hh, following)
                return
        if self.months_since_update >= self.update_months:
            self.measure(hh)

    def lowest(self, k: int, eligible: np.ndarray | None = None) -> np.ndarray:
        """Indices of the ``k`` households with the lowest registry score (among ``eligible``)."""
        k = max(int(k), 0)
        if eligible is None:
            return self._order[:k]
        # Scan the registry order from the poorest in growing blocks until k are eligible
        # (the same k as filtering the whole order, reading only the head of it).
        n = len(self._order)
        m = min(n, 2 * k + 1024)
        while True:
            head = self._order[:m]
            found = head[eligible[head]]
            if len(found) >= k or m == n:
                return found[:k]
            m = min(n, 4 * m)

    def below(self, share: float) -> np.ndarray:
        """Boolean mask: households in the registry's poorest ``share`` of persons."""
        return self.percentile < share
