"""The monthly labour market: separations, matching to vacancies, informal fallback, earnings.

A stock-flow market (MODEL_NOTES): formal matches end at a monthly rate (plus layoffs by
employers above their desired headcount); employers post vacancies as sector output grows;
job seekers (the unemployed, and informal workers searching on the job with lower intensity) meet
vacancies through a Cobb-Douglas matching function ``M = A S^a V^(1-a)``; who wins a vacancy
depends on education and training (weighted sampling), so extra skill without extra vacancies
mostly reorders the queue. Unemployed people who find no wage job fall back on own-account,
casual or family work, whose earnings are lower and volatile and are shared with everyone else
crowding into informal work in the sector.

Unemployment and informality therefore emerge from these flows; they are not fixed shares.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from simulation import detmath, kernels
from simulation.dated import settings_by_step
from simulation.macro import START_MONTH
from simulation.parameter_set import ParameterSet
from simulation.population import InformalPay, informal_base_earnings
from simulation.sampling import top_k_weighted
from simulation.state import (
    CASUAL,
    EDUCATION_NAMES,
    FORMAL,
    OWN_ACCOUNT,
    UNEMPLOYED,
    UNPAID,
    EmployerState,
    WorkerState,
)
from simulation.streams import Streams


@dataclass(frozen=True)
class LabourSettings:
    """Labour-market parameters in force in one month (scalars and small arrays).

    The model holds one per step (:meth:`for_steps`) and uses the step's object each month, so
    dated values apply from their month. ``formal_wage_by_education``,
    ``formal_individual_sd``, ``sector_mix`` and ``informal_pay`` come from parameters fixed
    over a run (the earnings and sector structure at March-2021 prices).
    """

    formal_separation_rate: float
    informal_exit_rate: float
    fallback_rate: float
    fallback_rate_needy: float
    need_threshold: float
    fallback_shares: np.ndarray
    informal_search_intensity: float
    matching_efficiency: float
    matching_elasticity: float
    education_weight: np.ndarray
    urban_weight: float
    employment_output_elasticity: float
    demand_shock_sd: float
    excess_layoff_rate: float
    formal_wage_by_education: np.ndarray
    formal_individual_sd: float
    shock_persistence: float
    shock_sd: float
    informal_output_elasticity: float
    informal_congestion_elasticity: float
    sector_mix: np.ndarray
    informal_pay: InformalPay

    @classmethod
    def for_steps(cls, p: ParameterSet, months) -> list[LabourSettings]:
        """The settings in force in each month index of ``months`` (shared while unchanged)."""
        return settings_by_step(cls.from_params, p, months)

    @classmethod
    def from_params(cls, p) -> LabourSettings:
        """Resolve the labour parameters of ``p``.

        ``p`` is one step's values, or a parameter set (its values in force in March 2021).
        """
        if isinstance(p, ParameterSet):
            p = p.at_month(START_MONTH)
        sd_total = p.value("labour.earnings.formal_wage_dispersion")
        sd_emp = p.value("labour.employers.wage_premium_sd")
        return cls(
            formal_separation_rate=p.value("labour.flows.formal_separation_rate"),
            informal_exit_rate=p.value("labour.flows.informal_exit_rate"),
            fallback_rate=p.value("labour.flows.fallback_rate"),
            fallback_rate_needy=p.value("labour.flows.fallback_rate_needy"),
            need_threshold=p.value("labour.flows.need_threshold"),
            fallback_shares=np.asarray(p.value("labour.flows.fallback_status_shares")),
            informal_search_intensity=p.value("labour.flows.informal_search_intensity"),
            matching_efficiency=p.value("labour.matching.efficiency"),
            matching_elasticity=p.value("labour.matching.elasticity"),
            education_weight=np.asarray(p.value("labour.matching.education_weight")),
            urban_weight=p.value("labour.matching.urban_weight"),
            employment_output_elasticity=p.value("labour.employers.employment_output_elasticity"),
            demand_shock_sd=p.value("labour.employers.demand_shock_sd"),
            excess_layoff_rate=p.value("labour.employers.excess_layoff_rate"),
            formal_wage_by_education=np.asarray(
                p.value("labour.earnings.formal_wage_by_education"), dtype=np.float64),
            formal_individual_sd=float(np.sqrt(max(sd_total**2 - sd_emp**2, 0.0))),
            shock_persistence=p.value("labour.earnings.informal_shock_persistence"),
            shock_sd=p.value("labour.earnings.informal_shock_sd"),
            informal_output_elasticity=p.value("labour.earnings.informal_output_elasticity"),
            informal_congestion_elasticity=p.value(
                "labour.earnings.informal_congestion_elasticity"),
            sector_mix=np.asarray(
                p.value("population.labour_force.sector_shares_by_status")).reshape(4, 3),
            informal_pay=InformalPay.from_params(p),
        )


def _set_status(workers: WorkerState, idx: np.ndarray, status: int) -> None:
    workers.status[idx] = status
    workers.months_in_status[idx] = 0


def separate(workers: WorkerState, employers: EmployerState, layoffs: np.ndarray,
             s: LabourSettings, u: np.ndarray) -> np.ndarray:
    """End jobs: base separations, employer layoffs and informal exits into unemployment.

    One uniform per worker decides: a formal employee separates if ``u < rate + layoff share of
    the employer``; an informal worker if ``u < informal_exit_rate``.

    Returns:
        Indices of formal employees who lost their job this month (for job-loss insurance).
    """
    st = workers.status
    emp = workers.employer
    # Monthly chance by status (formal, casual, own-account, unpaid, unemployed), by lookup.
    base = np.array([s.formal_separation_rate, s.informal_exit_rate, s.informal_exit_rate,
                     s.informal_exit_rate, 0.0], dtype=np.float32)
    share = None
    if layoffs.any():
        # Row 0 stands for "no employer" (emp = -1): adding 0 leaves p unchanged.
        share = np.zeros(employers.n + 1, dtype=np.float32)
        share[1:] = layoffs / np.maximum(employers.headcount, 1)
    leave = kernels.leavers(u, st, emp, base, share)  # u < base[status] + share[employer + 1]
    formal_losers = leave[st[leave] == FORMAL]
    left_emp = emp[leave]
    left_emp = left_emp[left_emp >= 0]
    employers.headcount -= np.bincount(left_emp, minlength=employers.n).astype(np.int32)
    workers.employer[leave] = -1
    workers.earnings[leave] = 0.0
    workers.base_earnings[leave] = 0.0
    _set_status(workers, leave, UNEMPLOYED)
    return formal_losers


def static_search_weight(workers: WorkerState, s: LabourSettings,
                         is_urban: np.ndarray) -> np.ndarray:
    """The part of a worker's search weight that does not change: education x residence."""
    return (s.education_weight[workers.education]
            * np.where(is_urban[workers.household], s.urban_weight, 1.0)).astype(np.float32)


def seeker_weights(workers: WorkerState, s: LabourSettings, is_urban: np.ndarray,
                   static: np.ndarray | None = None,
                   boost: np.ndarray | None = None) -> np.ndarray:
    """Search weight of every worker: intensity x education x residence x exp(boost).

    Non-seekers (formal employees) get 0. ``is_urban`` is the household flag per household;
    ``static`` (from :func:`static_search_weight`) saves recomputing the fixed part; ``boost``
    is the ``search_log_boost`` modifier (training), None when no lever declared it.
    """
    if static is None:
        static = static_search_weight(workers, s, is_urban)
    intensity = np.array([0.0, s.informal_search_intensity, s.informal_search_intensity,
                          s.informal_search_intensity, 1.0], dtype=np.float32)
    weights, _ = kernels.seeker_weights(workers.status, static, intensity)
    if boost is not None:
        trained = np.flatnonzero(boost)  # exp(0) = 1: untrained weights are unchanged
        if len(trained):
            weights[trained] *= detmath.exp(boost[trained])
    return weights


def match(workers: WorkerState, employers: EmployerState, s: LabourSettings,
          streams: Streams, t: int, u_key: np.ndarray, wage_index: float,
          is_urban: np.ndarray, stats: dict | None = None,
          static: np.ndarray | None = None, boost: np.ndarray | None = None) -> np.ndarray:
    """Fill formal vacancies from the pool of job seekers.

    Matches ``M = A S^a V^(1-a)`` (at most V), where S is the search-intensity-weighted number of
    seekers; winners are drawn without replacement with chances proportional to their search
    weight (education, residence, and the ``search_log_boost`` modifier ``boost`` that training
    brings), and each fills a vacancy slot drawn at random.

    Returns:
        Indices of workers hired this month.
    """
    stats = {} if stats is None else stats
    weights = seeker_weights(workers, s, is_urban, static, boost)
    counts = workers.status_counts()
    intensity_sum = float(counts[UNEMPLOYED]) + s.informal_search_intensity * float(
        counts[CASUAL] + counts[OWN_ACCOUNT] + counts[UNPAID])
    v_total = int(employers.vacancies.sum())
    if v_total <= 0 or intensity_sum <= 0:
        return np.empty(0, dtype=np.int64)
    a = s.matching_elasticity
    m_exp = (s.matching_efficiency * detmath.power(intensity_sum, a)
             * detmath.power(float(v_total), 1.0 - a))
    rng = streams.generator("matching", t)
    n_hires = min(v_total, int(np.floor(m_exp + rng.random())))
    if n_hires <= 0:
        return np.empty(0, dtype=np.int64)
    seekers = np.flatnonzero(weights > 0)
    w_seekers = weights[seekers]
    stats["hires_per_weight"] = n_hires / max(float(w_seekers.sum()), 1e-12)
    winners = seekers[top_k_weighted(u_key[seekers], w_seekers, n_hires)]
    winners = winners[rng.permutation(len(winners))]
    slots = np.repeat(np.arange(employers.n), employers.vacancies)
    chosen = rng.choice(len(slots), size=len(winners), replace=False)
    new_emp = slots[chosen].astype(np.int32)

    old_emp = workers.employer[winners]
    old = old_emp[old_emp >= 0]
    employers.headcount -= np.bincount(old, minlength=employers.n).astype(np.int32)
    employers.headcount += np.bincount(new_emp, minlength=employers.n).astype(np.int32)
    employers.vacancies -= np.bincount(new_emp, minlength=employers.n).astype(np.int32)

    z = workers.productivity[winners].astype(np.float64)
    sd = s.formal_individual_sd
    base = (s.formal_wage_by_education[workers.education[winners]]
            * employers.wage_premium[new_emp] * detmath.exp(sd * z - 0.5 * sd * sd))
    workers.employer[winners] = new_emp
    workers.sector[winners] = employers.sector[new_emp]
    workers.base_earnings[winners] = base.astype(np.float32)
    workers.shock[winners] = 0.0
    workers.earnings[winners] = (base * wage_index).astype(np.float32)
    _set_status(workers, winners, FORMAL)
    return winners


def fall_back(workers: WorkerState, employers: EmployerState, s: LabourSettings,
              streams: Streams, t: int,
              is_needy: np.ndarray, keep_unemployed: int | None = None) -> np.ndarray:
    """Move unemployed people who did not find a wage job into informal work.

    Unemployment is a luxury the poor cannot afford: a worker whose household is near poverty
    (``is_needy``, one flag per household) falls back at ``fallback_rate_needy``, others at
    ``fallback_rate``: one uniform ``u`` per unemployed slot (``fallback_draw``, counter-based,
    so the same slot gets the same number in every scenario) decides, and ``u / rate`` then
    picks casual, own-account or unpaid family work by
    ``fallback_status_shares``; unpaid family work needs a family business (an own-account
    member), and movers in such households take it more often so the unpaid share of the inflow
    stays as configured. Casual workers join an informal employer of their sector, by size.

    With ``keep_unemployed`` (the stationary burn-in), exactly the excess over that many
    unemployed falls back, chosen with chances proportional to the two rates, so the unemployed
    stock stays put.

    Returns:
        Indices of workers who took informal work.
    """
    pool = np.flatnonzero(workers.status == UNEMPLOYED)
    rate = np.where(is_needy[workers.household[pool]], s.fallback_rate_needy,
                    s.fallback_rate).astype(np.float32)
    rng = streams.generator("fallback", t)
    u = streams.uniform_at("fallback_draw", t, pool)  # one per unemployed slot (CRN by slot)
    if keep_unemployed is None:
        chosen = np.flatnonzero(u < rate)
        dest_u = u[chosen] / np.maximum(rate[chosen], 1e-12)  # uniform on [0, 1)
    else:
        chosen = top_k_weighted(u, rate, max(len(pool) - keep_unemployed, 0))
        dest_u = rng.random(len(chosen))  # the keys of the chosen are not uniform: draw anew
    movers = pool[chosen]
    if len(movers) == 0:
        return movers
    # Unpaid family work needs a family business (an own-account member). Movers in households
    # with one take it more often, so that the unpaid share of the inflow stays as configured.
    shares = s.fallback_shares / s.fallback_shares.sum()
    has_business = workers.households_with(OWN_ACCOUNT, workers.household[movers])
    beta = max(float(has_business.mean()), 1e-9)
    p_unpaid = np.where(has_business, min(1.0, shares[2] / beta), 0.0)
    p_casual = (1.0 - p_unpaid) * shares[0] / (shares[0] + shares[1])
    new_status = np.where(dest_u < p_casual, CASUAL,
                          np.where(dest_u < p_casual + p_unpaid, UNPAID, OWN_ACCOUNT))
    new_status = new_status.astype(np.int8)
    # Informal work is found where it is: the sector follows the status's sector mix.
    mix = s.sector_mix
    sec_u = rng.random(len(movers))
    cum_mix = np.cumsum(mix, axis=1) / mix.sum(axis=1, keepdims=True)
    workers.sector[movers] = (sec_u[:, None] >= cum_mix[new_status]).sum(axis=1).clip(0, 2)
    base = informal_base_earnings(s.informal_pay, new_status, workers.sector[movers],
                                  workers.education[movers],
                                  workers.productivity[movers].astype(np.float64))
    casual = new_status == CASUAL
    if casual.any():
        informal_emp = np.flatnonzero(~employers.is_formal)
        sec_of = employers.sector[informal_emp]
        emp = np.full(len(movers), -1, dtype=np.int32)
        for sec in range(3):
            pool = informal_emp[sec_of == sec]
            who = np.flatnonzero(casual & (workers.sector[movers] == sec))
            if len(who) and len(pool):
                w = employers.headcount[pool].astype(np.float64) + 1.0
                emp[who] = pool[rng.choice(len(pool), size=len(who), p=w / w.sum())]
        base = np.where(emp >= 0, base * employers.wage_premium[np.maximum(emp, 0)], base)
        workers.employer[movers] = emp
        got = emp[emp >= 0]
        employers.headcount += np.bincount(got, minlength=employers.n).astype(np.int32)
    workers.base_earnings[movers] = base.astype(np.float32)
    workers.shock[movers] = 0.0
    workers.status[movers] = new_status
    workers.months_in_status[movers] = 0
    return movers


def informal_productivity(sector_output: np.ndarray, informal_now: np.ndarray,
                          informal_start: np.ndarray, s: LabourSettings) -> np.ndarray:
    """Real index of informal earnings by sector: output growth, less crowding.

    ``(Y_s,t / Y_s,0)^e * (N_s,t / N_s,0)^(-c)`` with N the paid informal workers in the sector.
    """
    crowd = np.maximum(informal_now, 1.0) / np.maximum(informal_start, 1.0)
    growth = detmath.power(sector_output, s.informal_output_elasticity)
    return growth * detmath.power(crowd, -s.informal_congestion_elasticity)


def update_earnings(workers: WorkerState, s: LabourSettings, z: np.ndarray,
                    formal_wage_index: float | np.ndarray, informal_index: np.ndarray,
                    premium: np.ndarray | None = None) -> None:
    """Set this month's earnings: indexed wages for employees, volatile informal earnings.

    Args:
        workers: Worker arrays (``shock`` and ``earnings`` updated in place).
        s: Labour settings.
        z: Standard-normal draw per worker (informal earnings innovation).
        formal_wage_index: Nominal formal wage index this month (1 at start): one number, or
            one per education level (:data:`~simulation.state.EDUCATION_NAMES`).
        informal_index: Nominal informal earnings index by sector (CPI x real productivity).
        premium: The ``earnings_premium`` modifier (training: earnings x (1 + premium) in any
            status), None when no lever declared it.
    """
    rho, sd = s.shock_persistence, s.shock_sd
    var = sd * sd / max(1.0 - rho * rho, 1e-9)
    # Only informal paid work (casual, own-account) carries the AR(1) shock:
    # shock = (rho shock + sd z) x paid. Pay = base x index x exp(shock - var/2 for informal
    # paid work); exp(0) = 1 (exactly) for everyone else, whose shock is zero. Index by
    # (status, sector): the formal wage index for employees, the sector's informal index for
    # everyone else (unpaid and unemployed have base 0). Then x (1 + premium) for training.
    assert (CASUAL, OWN_ACCOUNT) == (1, 2)  # the codes kernels.update_earnings reads as paid
    table = np.repeat(informal_index.astype(np.float32)[None, :, None], 5, axis=0)
    table = np.repeat(table, len(EDUCATION_NAMES), axis=2)  # (status, sector, education)
    table[FORMAL] = np.broadcast_to(
        np.asarray(formal_wage_index, dtype=np.float64).astype(np.float32),
        (len(EDUCATION_NAMES),))[None, :]
    if premium is None or not premium.any():  # 1 + 0 = 1: nobody's earnings change
        premium = np.empty(0, dtype=np.float32)
    kernels.update_earnings(workers.status, workers.sector, workers.education,
                            workers.base_earnings,
                            workers.shock, z, table.ravel(), np.float32(rho), np.float32(sd),
                            np.float32(0.5 * var), premium, workers.earnings,
                            workers.months_in_status)


def expected_earnings(workers: WorkerState, s: LabourSettings, params: ParameterSet,
                      is_urban: np.ndarray, is_needy: np.ndarray,
                      hires_per_weight: float) -> np.ndarray:
    """Long-run expected monthly earnings of each worker under the model's own flows.

    Each worker moves between formal work (F), unemployment (U) and informal work (I) with
    the monthly hazards of the rules: F->U at the separation rate, U->F and I->F at the hire rate
    per unit of search weight times the worker's weight (education, residence, and for informal
    workers the on-the-job search intensity), U->I at the fallback rate (the needy rate for
    workers in needy households), I->U at the informal exit rate. The stationary shares of this
    three-state chain weight the worker's expected pay in each state (at March-2021 prices and
    their own persistent productivity), so households can be given consumption against what
    their members earn in the long run rather than this month.
    """
    out = np.empty(workers.n, dtype=np.float64)
    pay_params = InformalPay.from_params(params)  # read once (the same values every chunk)
    # Worker by worker: chunks of slots hold the temporaries to a few MB (the same values).
    for lo in range(0, workers.n, _CHUNK):
        hi = min(lo + _CHUNK, workers.n)
        out[lo:hi] = _expected_earnings_of(
            workers.education[lo:hi], workers.household[lo:hi], workers.productivity[lo:hi],
            s, params, pay_params, is_urban, is_needy, hires_per_weight)
    return out


#: Worker slots per chunk of :func:`expected_earnings`.
_CHUNK = 1 << 17


def _expected_earnings_of(education: np.ndarray, household: np.ndarray,
                          productivity: np.ndarray, s: LabourSettings, params: ParameterSet,
                          pay_params: InformalPay, is_urban: np.ndarray, is_needy: np.ndarray,
                          hires_per_weight: float) -> np.ndarray:
    """:func:`expected_earnings` of the slots given by their arrays."""
    n = len(education)
    w = s.education_weight[education] * np.where(is_urban[household], s.urban_weight, 1.0)
    d = s.formal_separation_rate
    a_u = hires_per_weight * w
    a_i = a_u * s.informal_search_intensity
    phi = np.where(is_needy[household], s.fallback_rate_needy, s.fallback_rate)
    d_i = s.informal_exit_rate
    # Balance: pi_I (a_I + d_I) = pi_U phi; pi_F d = pi_U a_U + pi_I a_I.
    ratio_i = phi / np.maximum(a_i + d_i, 1e-12)
    ratio_f = (a_u + ratio_i * a_i) / max(d, 1e-12)
    pi_u = 1.0 / (1.0 + ratio_i + ratio_f)
    pi_i, pi_f = ratio_i * pi_u, ratio_f * pi_u

    prod = productivity.astype(np.float64)
    sd = s.formal_individual_sd
    pay_f = s.formal_wage_by_education[education] * detmath.exp(sd * prod - 0.5 * sd * sd)
    mix = np.asarray(params.value("population.labour_force.sector_shares_by_status")).reshape(4, 3)
    mix = mix / mix.sum(axis=1, keepdims=True)
    shares = s.fallback_shares / s.fallback_shares.sum()
    pay_i = np.zeros(n)
    for share, code in ((shares[0], CASUAL), (shares[1], OWN_ACCOUNT)):
        for sector in range(3):
            status = np.full(n, code, dtype=np.int8)
            sec = np.full(n, sector, dtype=np.int8)
            pay = informal_base_earnings(pay_params, status, sec, education, prod)
            pay_i += share * mix[code, sector] * pay
    return pi_f * pay_f + pi_i * pay_i
