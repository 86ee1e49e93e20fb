"""Vocational training: Kartu Prakerja and the Kemnaker BLK training centres (lever "training").

One :class:`VocationalTraining` instance is one programme (``programme: prakerja`` or ``blk``);
the baseline has one of each, with defaults in ``parameters/programmes/training.yaml``
(``programmes.training.<programme>_<setting>``). Each month it acts in:

1. effects fade (``effect_half_life_months``);
2. this month's completers get their effects: a **skill boost** (added to the shared modifier
   ``search_log_boost``, a log boost to the chance of winning a vacancy in the matching queue,
   :func:`simulation.labour_market.seeker_weights`) and an **earnings premium** (added to the
   modifier ``earnings_premium``; :func:`simulation.labour_market.update_earnings` multiplies
   earnings by ``1 + premium`` in any job);
3. new trainees enrol: ``slots_per_year * scale / 12`` persons (converted to sample workers
   with the household weight), a ``poor_share`` of them from the households the registry ranks
   poorest and the rest drawn to look like the programme's participants (residence, education,
   working or not); nobody is trained twice by the same programme. The fee is booked at
   enrolment; a ``completion_rate`` share finish after ``duration_months``;
4. completers' households receive the post-training incentives as transfers
   (``incentive_monthly`` for ``incentive_months`` months, the ``survey_incentive`` with the
   last one) in :meth:`VocationalTraining.pay_transfers`.

Heterogeneity: trainees who are rural, informal workers, or in the poorest
``disadvantaged_consumption_percentile`` of persons get ``disadvantaged_effect_share`` of the
full effect (PSM on Sakernas 2023: no earnings gain for the poorest, rural and informal; row 201
of the shared data). The full effects are calibrated so that a simulated Prakerja lottery
(``calibration/prakerja_lottery.py``) recovers J-PAL's +4.7 pp employment and +10% earnings
(rows 196, 200).

Training does not create vacancies: the number of hires comes from the matching function, which
counts seekers by search intensity, not skill. A skill boost moves trainees up the queue, so with
few vacancies their gain is mostly other seekers' loss (see ``tests/unit/test_training.py``).

Money: spending is fees plus incentives, never above ``annual_budget``. A cohort enrols only if
its fees and all the incentives it could be owed fit in what is left of the year's budget after
incentives already promised, so promised incentives can always be paid.

Burn-in: a programme in force in March 2021 enrols only in the last ``history_months`` months
of the stationary burn-in (Prakerja began in April 2020), not through all of it.

Limits: hooks run only inside the policy's window, so enrolment stops ``duration_months``
before ``end`` (everyone enrolled completes inside the window); incentives falling due after
``end`` are not paid and effects stop fading after ``end``.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

import numpy as np

from simulation import detmath, kernels
from simulation.errors import InputError
from simulation.initial_state import burn_in_months
from simulation.parameter_set import month_index
from simulation.policies.base import Arg, Policy, Result, State, register
from simulation.sampling import argsort_ties, person_quantile
from simulation.state import CASUAL, OWN_ACCOUNT, UNEMPLOYED, UNPAID

if TYPE_CHECKING:
    from simulation.model import PovertyModel

PROGRAMMES = ("prakerja", "blk")
_GROUP = "programmes.training"
# Settings shared by both programmes (no ``<programme>_`` prefix in the parameter file).
_COMMON = ("effect_half_life_months", "disadvantaged_effect_share",
           "disadvantaged_consumption_percentile")


@register
class VocationalTraining(Policy):
    """A vocational-training programme (Kartu Prakerja or BLK).

    Every setting left as None takes the parameter file's value in force that month
    (``programmes.training.<programme>_<setting>``; the effect-shape settings have no prefix).

    Args:
        programme: ``prakerja`` or ``blk``: which defaults to use.
        scale: Multiplier of ``slots_per_year`` (0 turns the programme off exactly).
        slots_per_year: Trainees enrolled per year (real persons).
        duration_months: Months from enrolment to completion.
        completion_rate: Share of trainees who complete (effects and incentives).
        fee: Rp per trainee booked at enrolment (course fee or cost).
        incentive_monthly: Rp paid to a completer's household per incentive month.
        incentive_months: Number of incentive payments, from the completion month.
        survey_incentive: Rp paid with the last incentive payment.
        poor_share: Share of slots for the registry's poorest households' members.
        applicant_urban_share: Urban share of the other trainees.
        applicant_senior_secondary_share: Senior-secondary-or-more share of the other trainees.
        applicant_not_working_share: Unemployed share of the other trainees.
        history_months: Burn-in months (before March 2021) in which the programme enrols.
        skill_boost: Full log boost to a completer's chance of winning a vacancy.
        earnings_premium: Full proportional earnings gain of a completer.
        effect_half_life_months: Half-life of both effects (0 = no fading).
        disadvantaged_effect_share: Share of the full effects for poor, rural or informal trainees.
        disadvantaged_consumption_percentile: Person-weighted consumption percentile below which
            a trainee's household counts as poorest.

    Examples:
        >>> p = VocationalTraining(label="prakerja", programme="prakerja", scale=0.5)
        >>> p.to_dict()["type"], p.lever, p.scale
        ('vocational_training', 'training', 0.5)
        >>> try:
        ...     VocationalTraining(label="x", poor_share=1.5)
        ... except ValueError as err:
        ...     print(err.key)
        policy.poor_share
    """

    kind = "vocational_training"
    lever = "training"
    STATES = (
        State("search_log_boost", "worker", "float32", shared=True,
              help="log boost to the chance of winning a vacancy (both programmes add to it)"),
        State("earnings_premium", "worker", "float32", shared=True,
              help="proportional earnings gain (both programmes add to it)"),
        State("trained", "worker", "bool", False, help="enrolled by this programme once"),
    )
    RESULTS = (
        Result("enrolled", "Trainees enrolled", "persons"),
        Result("completed", "Trainees completing", "persons"),
    )
    ARGS = {
        "programme": Arg("str", "prakerja", help="prakerja or blk: which defaults to use"),
        "scale": Arg("float", 1.0, minimum=0, maximum=1000, help="multiplier of slots_per_year"),
        "slots_per_year": Arg("float", None, minimum=0, optional=True,
                              help="trainees enrolled per year (persons)", counts="persons"),
        "duration_months": Arg("int", None, minimum=0, maximum=24, optional=True,
                               help="months from enrolment to completion"),
        "completion_rate": Arg("rate", None, optional=True, help="share of trainees completing"),
        "fee": Arg("money", None, optional=True, help="Rp per trainee at enrolment"),
        "incentive_monthly": Arg("money", None, optional=True,
                                 help="Rp per completer's household per incentive month"),
        "incentive_months": Arg("int", None, minimum=0, maximum=24, optional=True,
                                help="number of incentive payments"),
        "survey_incentive": Arg("money", None, optional=True,
                                help="Rp paid with the last incentive payment"),
        "poor_share": Arg("rate", None, optional=True,
                          help="share of slots for the registry's poorest"),
        "applicant_urban_share": Arg("rate", None, optional=True,
                                     help="urban share of the other trainees"),
        "applicant_senior_secondary_share": Arg("rate", None, optional=True,
                                                help="senior-secondary share of other trainees"),
        "applicant_not_working_share": Arg("rate", None, optional=True,
                                           help="unemployed share of the other trainees"),
        "history_months": Arg("int", None, minimum=0, maximum=600, optional=True,
                              help="burn-in months in which it enrols"),
        "skill_boost": Arg("float", None, minimum=0, maximum=5, optional=True,
                           help="log boost to the chance of winning a vacancy"),
        "earnings_premium": Arg("float", None, minimum=0, maximum=2, optional=True,
                                help="proportional earnings gain"),
        "effect_half_life_months": Arg("float", None, minimum=0, maximum=1200, optional=True,
                                       help="half-life of the effects in months (0 = none)"),
        "disadvantaged_effect_share": Arg("rate", None, optional=True,
                                          help="effect share for poor, rural, informal"),
        "disadvantaged_consumption_percentile": Arg("rate", None, optional=True,
                                                    help="poorest cut (persons)"),
    }

    def __init__(self, **kwargs: Any):
        super().__init__(**kwargs)
        if self.programme not in PROGRAMMES:
            raise InputError(self._file, f"{self._key}.programme",
                             f"one of {', '.join(PROGRAMMES)}", self.programme)

    # ------------------------------------------------------------------ settings
    def parameter_path(self, name: str) -> str:
        """Dotted path of the parameter holding the default of setting ``name``."""
        return f"{_GROUP}.{name}" if name in _COMMON else f"{_GROUP}.{self.programme}_{name}"

    # ------------------------------------------------------------------ lifecycle
    def init(self, model: PovertyModel) -> None:
        """Check the settings, allocate per-worker records and the monthly tallies."""
        super().init(model)
        first = int(model.paths.months[0])
        for name in self.ARGS:
            if name not in ("programme", "scale"):
                self.setting(model, name, first)  # an unknown or missing parameter fails here
        # Completers with effects, and this programme's part of their search_log_boost and
        # earnings_premium (aligned with _effect_idx: one entry per completer).
        self._effect_idx = np.empty(0, dtype=np.int64)
        self._skill_c = np.empty(0, dtype=np.float32)
        self._premium_c = np.empty(0, dtype=np.float32)
        # Pending completions: worker, completion clock, full-effect share.
        self._c_worker = np.empty(0, dtype=np.int64)
        self._c_done = np.empty(0, dtype=np.int64)
        self._c_factor = np.empty(0, dtype=np.float32)
        # Incentive schedule: household, first payment clock, payments, Rp per month, survey Rp.
        self._p_hh = np.empty(0, dtype=np.int64)
        self._p_first = np.empty(0, dtype=np.int64)
        self._p_months = np.empty(0, dtype=np.int64)
        self._p_monthly = np.empty(0, dtype=np.float64)
        self._p_survey = np.empty(0, dtype=np.float64)
        self._queue: list[np.ndarray] = []
        self._burn_k = 0
        self._clock = 0
        self._end_step = month_index(self.end) - first
        self._burn_total = burn_in_months(model.params)
        w = model.workers  # the fixed part of each worker's applicant cell
        self._static_cell = (np.int8(2) * model.households.is_urban[w.household]
                             + (w.education >= 2)).astype(np.int8)

    def admit(self, workers: np.ndarray) -> None:
        """Enrol these sample workers at the next month's enrolment, besides the slots.

        Used by the simulated lottery (``calibration/prakerja_lottery.py``) to admit its
        winners; workers already trained by this programme are skipped; the budget still
        applies.
        """
        self._queue.append(np.asarray(workers, dtype=np.int64))

    def is_active(self, t: int) -> bool:
        """Active from ``start`` to the end of the run, not only to ``end``.

        Enrolment stops so that the last course ends by ``end``; after that the programme still
        completes its trainees, pays the incentives it owes and lets its effects fade.
        """
        return t >= 1 and self.ti_start <= t and self.ti_start <= self.ti_end

    # ------------------------------------------------------------------ hooks
    def after_shocks(self, model: PovertyModel, events: dict) -> None:
        """Forget the effects and pending completions of trainees who died this month.

        Their slots' modifiers were reset with the death (the effects belonged to the person);
        kept here, the next fade would add its change to the replacement member's modifier.
        """
        dead = events.get("death", ())
        if len(dead) == 0:
            return
        if len(self._effect_idx):
            keep = ~np.isin(self._effect_idx, dead)
            self._effect_idx = self._effect_idx[keep]
            self._skill_c, self._premium_c = self._skill_c[keep], self._premium_c[keep]
        if len(self._c_worker):
            keep = ~np.isin(self._c_worker, dead)
            self._c_worker, self._c_done = self._c_worker[keep], self._c_done[keep]
            self._c_factor = self._c_factor[keep]

    def before_labour_market(self, model: PovertyModel) -> None:
        """Fade effects, give this month's completers theirs, enrol new trainees."""
        if model.in_burn_in:
            self._clock = self._burn_k
            self._burn_k += 1
        else:
            self._clock = self._burn_k + model.t
        self._fade(model)
        self._complete(model)
        self._enrol(model)

    def pay_transfers(self, model: PovertyModel) -> None:
        """Pay the incentives due this month to completers' households (within the budget)."""
        if len(self._p_hh) == 0:
            return
        c = self._clock
        last = self._p_first + self._p_months - 1
        due = np.flatnonzero((self._p_first <= c) & (c <= last))
        if len(due):
            amount = self._p_monthly[due] + np.where(last[due] == c, self._p_survey[due], 0.0)
            paid = len(due)
            if self.annual_budget is not None and not model.in_burn_in:
                cum = np.cumsum(amount) * model.worker_weight
                paid = int(np.searchsorted(cum, self.budget_left(model.t) * (1 + 1e-12),
                                           "right"))
            self.pay(model, self._p_hh[due[:paid]], amount[:paid], per_worker=True)
        keep = last > c
        for name in ("_p_hh", "_p_first", "_p_months", "_p_monthly", "_p_survey"):
            setattr(self, name, getattr(self, name)[keep])

    # ------------------------------------------------------------------ the month's steps
    def _fade(self, model: PovertyModel) -> None:
        half_life = float(self.setting(model, "effect_half_life_months"))
        idx = self._effect_idx
        if half_life <= 0 or len(idx) == 0:
            return
        keep = np.float32(detmath.power(0.5, 1.0 / half_life))
        for name, theirs in (("_skill_c", self.search_log_boost),
                             ("_premium_c", self.earnings_premium)):
            old = getattr(self, name)
            new = old * keep
            theirs[idx] += new - old  # idx has no repeats (one completion per worker)
            setattr(self, name, new)

    def _complete(self, model: PovertyModel) -> None:
        if len(self._c_worker) == 0:
            return
        now = self._c_done <= self._clock
        if not now.any():
            return
        who, factor = self._c_worker[now], self._c_factor[now]
        self._c_worker, self._c_done = self._c_worker[~now], self._c_done[~now]
        self._c_factor = self._c_factor[~now]
        skill = (np.float32(self.setting(model, "skill_boost")) * factor).astype(np.float32)
        premium = (np.float32(self.setting(model, "earnings_premium")) * factor).astype(
            np.float32)
        # Each worker is trained at most once by a programme, so ``who`` has no repeats and is
        # not in _effect_idx yet.
        self.search_log_boost[who] += skill
        self.earnings_premium[who] += premium
        self._effect_idx = np.concatenate([self._effect_idx, who])
        self._skill_c = np.concatenate([self._skill_c, skill])
        self._premium_c = np.concatenate([self._premium_c, premium])
        self.record(model, "completed", len(who) * model.worker_weight)

    def _enrol(self, model: PovertyModel) -> None:
        queued = np.unique(np.concatenate(self._queue)) if self._queue else None
        self._queue = []
        duration = int(self.setting(model, "duration_months"))
        if model.in_burn_in:
            history = int(self.setting(model, "history_months"))
            may_enrol = self._burn_total - self._burn_k < history  # _burn_k already counts now
        else:
            may_enrol = model.t + duration <= self._end_step
        weight = model.worker_weight
        expected = (float(self.setting(model, "slots_per_year")) * self.scale / 12.0 / weight
                    if may_enrol else 0.0)
        if expected <= 0 and (queued is None or len(queued) == 0):
            return  # nothing to do: no draw from any stream
        rng = self.rng(model)
        wanted = int(math.floor(expected + rng.random())) if expected > 0 else 0
        fee = float(self.setting(model, "fee"))
        monthly = float(self.setting(model, "incentive_monthly"))
        months = int(self.setting(model, "incentive_months"))
        survey = float(self.setting(model, "survey_incentive")) if months > 0 else 0.0
        per_head = fee + monthly * months + survey  # most one trainee can cost
        fresh = (queued[~self.trained[queued]] if queued is not None
                 else np.empty(0, dtype=np.int64))
        n_total = self._affordable_cohort(model, per_head * weight, len(fresh) + wanted)
        fresh = fresh[:n_total]
        chosen = self.draw_trainees(model, n_total - len(fresh), rng, exclude=fresh)
        who = np.concatenate([fresh, chosen])
        if len(who) == 0:
            return
        self.trained[who] = True
        self.spend(model.t, fee * weight * len(who), model)
        self.record(model, "enrolled", len(who) * weight)
        completes = rng.random(len(who)) < float(self.setting(model, "completion_rate"))
        done = who[completes]
        factor = np.where(self.disadvantaged(model, done),
                          np.float32(self.setting(model, "disadvantaged_effect_share")),
                          np.float32(1.0)).astype(np.float32)
        finish = self._clock + duration
        self._c_worker = np.concatenate([self._c_worker, done])
        self._c_done = np.concatenate([self._c_done, np.full(len(done), finish)])
        self._c_factor = np.concatenate([self._c_factor, factor])
        if months > 0 and (monthly > 0 or survey > 0) and len(done):
            k = len(done)
            self._p_hh = np.concatenate([self._p_hh, model.workers.household[done]])
            self._p_first = np.concatenate([self._p_first, np.full(k, finish)])
            self._p_months = np.concatenate([self._p_months, np.full(k, months)])
            self._p_monthly = np.concatenate([self._p_monthly, np.full(k, monthly)])
            self._p_survey = np.concatenate([self._p_survey, np.full(k, survey)])

    # ------------------------------------------------------------------ helpers
    def _affordable_cohort(self, model: PovertyModel, unit_cost: float, wanted: int) -> int:
        """Trainees whose fee and possible incentives fit in the year's budget, less promises."""
        if self.annual_budget is None or model.in_burn_in or unit_cost <= 0:
            return int(wanted)
        weight = model.worker_weight
        c = self._clock
        left = np.maximum(self._p_first + self._p_months - np.maximum(self._p_first, c), 0)
        started = self._p_first < c  # the survey incentive is still owed in every case
        owed = float(np.sum(self._p_monthly * np.where(started, left, self._p_months)
                            + self._p_survey)) * weight
        room = self.budget_left(model.t) - owed
        return int(max(0, min(wanted, math.floor(room / unit_cost + 1e-9))))

    def draw_trainees(self, model: PovertyModel, n: int, rng: np.random.Generator,
                      exclude: np.ndarray | None = None) -> np.ndarray:
        """Choose ``n`` sample workers not yet trained: the poor's share, then look-alikes.

        The ``poor_share`` of slots go to members of the households the registry ranks poorest
        (in registry order, ties at random). The others are drawn cell by cell (working or not,
        urban or rural, senior secondary or not) in the proportions of the applicant profile,
        at random within a cell; a cell with too few people leaves its slots unfilled.
        """
        if n <= 0:
            return np.empty(0, dtype=np.int64)
        w = model.workers
        eligible = ~self.trained
        if exclude is not None and len(exclude):
            eligible[exclude] = False
        n_poor = int(math.floor(n * float(self.setting(model, "poor_share")) + rng.random()))
        n_poor = min(n_poor, n)
        chosen = [np.empty(0, dtype=np.int64)]
        if n_poor > 0:
            pool = np.flatnonzero(eligible)
            pct = model.registry.percentile[w.household[pool]]
            if len(pool) > n_poor:  # keep the poorest n_poor (and ties) before sorting
                near = pct <= np.partition(pct, n_poor)[n_poor]
                pool, pct = pool[near], pct[near]
            poor = pool[argsort_ties(pct, rng.random(len(pool)))[:n_poor]]
            eligible[poor] = False
            chosen.append(poor)
        n_open = n - n_poor
        if n_open > 0:
            p_out = float(self.setting(model, "applicant_not_working_share"))
            p_urb = float(self.setting(model, "applicant_urban_share"))
            p_sec = float(self.setting(model, "applicant_senior_secondary_share"))
            share = np.empty(8)
            for c in range(8):
                share[c] = ((p_out if c & 4 else 1 - p_out) * (p_urb if c & 2 else 1 - p_urb)
                            * (p_sec if c & 1 else 1 - p_sec))
            counts = rng.multinomial(n_open, share / share.sum())
            # Cell = static cell + 4 if unemployed (8: not eligible), in one stable counting
            # sort: members of cell c are a slice, in index order.
            by_cell, bounds = kernels.applicant_cells(self._static_cell, w.status, eligible,
                                                      UNEMPLOYED)
            for c in np.flatnonzero(counts):
                members = by_cell[bounds[c]:bounds[c + 1]]
                k = min(int(counts[c]), len(members))
                chosen.append(members[rng.choice(len(members), size=k, replace=False)])
        return np.concatenate(chosen)

    def effects(self, workers: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """This programme's part of ``search_log_boost`` and ``earnings_premium`` of workers.

        Zero for workers it has not trained to completion.
        """
        workers = np.asarray(workers)
        order = np.argsort(self._effect_idx)
        known = self._effect_idx[order]
        j = np.minimum(np.searchsorted(known, workers), max(len(known) - 1, 0))
        found = (known[j] == workers) if len(known) else np.zeros(len(workers), dtype=bool)
        skill = np.where(found, self._skill_c[order][j] if len(known) else 0.0, 0.0)
        premium = np.where(found, self._premium_c[order][j] if len(known) else 0.0, 0.0)
        return skill.astype(np.float32), premium.astype(np.float32)

    def disadvantaged(self, model: PovertyModel, workers: np.ndarray) -> np.ndarray:
        """Whether each worker is rural, an informal worker, or in a poorest household.

        Poorest: the household's per-capita consumption is below the person-weighted
        ``disadvantaged_consumption_percentile`` (true consumption, not the registry).
        """
        if len(workers) == 0:
            return np.zeros(0, dtype=bool)
        w, hh = model.workers, model.households
        share = float(self.setting(model, "disadvantaged_consumption_percentile"))
        key = ("disadvantaged_cut", share)
        cut = model.month_cache.get(key)
        if cut is None:  # once a month for all training programmes (consumption is fixed here)
            # The cut from every k-th household (at most ~200,000): households are in random
            # order.
            step = max(hh.n // 200_000, 1)
            cut = person_quantile(hh.consumption[::step] / hh.size[::step], hh.size[::step],
                                  share)
            model.month_cache[key] = cut
        home = w.household[workers]
        status = w.status[workers]
        informal = (status == CASUAL) | (status == OWN_ACCOUNT) | (status == UNPAID)
        return (~hh.is_urban[home]) | informal | (hh.consumption[home] / hh.size[home] < cut)
