"""BPJS Ketenagakerjaan: membership, contributions, benefits, and government-paid (PBI) membership.

Two policies of the ``social_insurance`` lever share the per-worker membership state that the
scheme owns (``BpjsTk.is_insured``: a member this month; ``BpjsTk.contrib_months``: months of
wage-earner contributions since the last JKP claim):

* :class:`BpjsTk` (``bpjs_tk``) is the scheme as it runs. It owns the membership flags and a
  fund account. Formal employees are members when their employer complies (chosen once per
  employer, larger employers more often, so that ``pu_compliance_rate`` of formal employees are
  covered); a fixed random ``bpu_member_share`` of worker slots are voluntary non-wage (BPU)
  members while in informal work and pay Rp 16,800 a month from their household's income; people
  whose contributions a :class:`PbiContributions` lever pays are members too. Benefits, when the
  month's shocks (:mod:`simulation.shocks`) or job losses hit a member:

  - **JKK** (work accident): the care cost is paid to the provider (the household's bill is
    settled, :meth:`simulation.shocks.ShockProcess.cover`) and lost earnings are replaced while
    the worker cannot work (wage earners: the wage, as the employer keeps paying and is
    reimbursed; BPU and PBI members: up to the reported income of Rp 1 M);
  - **JKM** (death): the Rp 20 M lump sum and Rp 10 M funeral benefit go to the household's
    savings at once; the Rp 12 M periodic benefit is paid as income in equal monthly instalments;
  - **JKP** (job loss, from February 2022): an insured formal employee who loses the job after at
    least 12 months of contributions claims with ``jkp_take_up_rate`` and then receives 45% of the
    capped last wage in months 1-3 and 25% in months 4-6 (as income), until re-employed formally.

  The fund records, per month and in real rupiah, contributions in (PU, BPU, PBI, JKP) and
  benefits out, and its balance, so that ``balance[t] - balance[t-1] = contributions[t] -
  benefits[t]``. None of this is government spending of a lever (``spent`` stays zero): employers
  and members pay the contributions.

* :class:`PbiContributions` (``pbi_contributions``) is the lever: the government pays the BPU
  contribution for informal workers in the registry's poorest households (up to ``members`` real
  persons, those who take it up), recorded as spending within the annual budget. Its members get
  the BPU benefits from the ``bpjs_tk`` policy, which must be in the same run.

Uninsured households bear the full loss of a shock. Flows are not recorded during the burn-in,
but policies in force in March 2021 act then, so membership and contribution months start in a
stationary state.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from simulation import detmath
from simulation.dated import settings_by_step
from simulation.errors import InputError
from simulation.macro import START_MONTH
from simulation.parameter_set import ParameterSet
from simulation.policies.base import Arg, Policy, Result, State, register
from simulation.sampling import argsort_ties
from simulation.state import CASUAL, FORMAL, OWN_ACCOUNT, UNPAID

if TYPE_CHECKING:
    from simulation.model import PovertyModel

_P = "programmes.social_insurance."
FLOW_NAMES = (
    "contributions_pu", "contributions_bpu", "contributions_pbi", "contributions_jkp",
    "benefits_jkk_care", "benefits_jkk_income", "benefits_jkm_lump", "benefits_jkm_periodic",
    "benefits_jkp",
)
_INFORMAL = np.isin(np.arange(5), (CASUAL, OWN_ACCOUNT, UNPAID))  # by status code


@dataclass(frozen=True)
class SchemeRules:
    """BPJS-TK contribution and benefit rules in force in one month (see the YAML).

    The scheme holds one per step (:meth:`for_steps`), so dated rules apply from their month.
    """

    pu_compliance_rate: float
    bpu_member_share: float
    pu_contribution_rate: float
    bpu_contribution: float
    bpu_reported_income: float
    jkp_contribution_rate: float
    jkp_government_rate: float
    jkk_income_replacement_rate: float
    jkk_care_covered_rate: float
    jkm_lump_sum: float
    jkm_funeral: float
    jkm_periodic_total: float
    jkm_periodic_months: int
    jkp_rate_first: float
    jkp_rate_later: float
    jkp_wage_cap: float
    jkp_min_contribution_months: int
    jkp_take_up_rate: float
    is_jkp_in_force: bool

    @classmethod
    def for_steps(cls, p: ParameterSet, months, **overrides) -> list[SchemeRules]:
        """The rules in force in each month index of ``months`` (shared while unchanged)."""
        return settings_by_step(lambda values: cls.from_params(values, **overrides), p, months)

    @classmethod
    def from_params(cls, p, **overrides) -> SchemeRules:
        """Read ``programmes.social_insurance.*``; non-None ``overrides`` replace values.

        ``p`` is one step's values, or a parameter set (its values in force in March 2021).
        """
        if isinstance(p, ParameterSet):
            p = p.at_month(START_MONTH)
        names = cls.__dataclass_fields__
        values = {n: p.value(_P + n) for n in names}
        values.update({k: v for k, v in overrides.items() if v is not None})
        return cls(**values)


def _acting(policy: Policy, model: PovertyModel) -> bool:
    if model.in_burn_in:
        return policy.ti_start <= 0 <= policy.ti_end
    return policy.is_active(model.t)


@register
class BpjsTk(Policy):
    """BPJS Ketenagakerjaan as it runs: membership, contributions, JKK/JKM/JKP, a fund account.

    Args:
        pu_compliance_rate: Share of formal employees covered by their employer (default: the
            parameter ``programmes.social_insurance.pu_compliance_rate``).
        bpu_member_share: Share of informal workers who are voluntary members (default: the
            parameter).
        jkp_take_up_rate: Share of eligible insured job losers who claim JKP (default: the
            parameter).

    Attributes:
        flows: Fund flows by name (:data:`FLOW_NAMES`), real Rp per step.
        balance: Fund balance at the end of each step (real Rp; 0 in March 2021).
        members: Active members per step (real persons), and ``members_pu``, ``members_bpu``,
            ``members_pbi`` by route.

    Examples:
        >>> BpjsTk(label="bpjs").to_dict()["type"]
        'bpjs_tk'
        >>> BpjsTk(label="bpjs", pu_compliance_rate=0.6).pu_compliance_rate
        0.6
    """

    kind = "bpjs_tk"
    lever = "social_insurance"
    STATES = (
        State("is_insured", "worker", "bool", False, help="an active member this month"),
        State("contrib_months", "worker", "int16", 0,
              help="months of wage-earner (PU) contributions since the last JKP claim"),
        State("last_wage", "worker", "float32", 0.0, help="last insured wage (Rp a month)"),
        State("jkp_months_left", "worker", "int8", 0, help="JKP benefit months left"),
        State("jkp_wage", "worker", "float32", 0.0, help="wage the JKP benefit is paid on"),
        State("jkm_remaining", "household", "float64", 0.0,
              help="JKM periodic benefit still to pay (Rp)"),
        State("jkm_instalment", "household", "float64", 0.0,
              help="JKM periodic benefit paid each month (Rp)"),
    )
    RESULTS = (
        *(Result(name, name.replace("_", " ").capitalize(), "Rp") for name in FLOW_NAMES),
        Result("balance", "Fund balance (end of month)", "Rp", "stock"),
        Result("members", "Active members", "persons", "stock"),
        Result("members_pu", "Members through their employer (PU)", "persons", "stock"),
        Result("members_bpu", "Voluntary non-wage members (BPU)", "persons", "stock"),
        Result("members_pbi", "Members paid for by the government (PBI)", "persons", "stock"),
    )
    ARGS = {
        "pu_compliance_rate": Arg("rate", None, optional=True,
                                  help="share of formal employees covered (default: parameter)"),
        "bpu_member_share": Arg("rate", None, optional=True,
                                help="share of informal workers who are voluntary members"),
        "jkp_take_up_rate": Arg("rate", None, optional=True,
                                help="share of eligible insured job losers who claim JKP"),
    }

    def init(self, model: PovertyModel) -> None:
        """Resolve the rules, choose complying employers and voluntary members, open the fund.

        The rules are resolved for every step (``rules_by_step``; ``rules`` is this month's).
        Who complies and who is a voluntary member are drawn once: a size-weighted random order
        of formal employers, filled up to the covered share in force, and one uniform per
        worker slot, below the member share in force; a dated share moves along the same order
        and uniforms from its month.
        """
        super().init(model)
        self.rules_by_step = SchemeRules.for_steps(
            model.params, model.paths.months, pu_compliance_rate=self.pu_compliance_rate,
            bpu_member_share=self.bpu_member_share, jkp_take_up_rate=self.jkp_take_up_rate)
        self.rules = self.rules_by_step[0]
        g = model.streams.generator(f"policy:{self.label}:setup", 0)
        e = model.employer_state
        self._race = self._compliance_race(e.is_formal, e.headcount, g.random(e.n))
        # Each slot's uniform: a voluntary (BPU) member while in informal work if below the share.
        self._bpu_u = g.random(model.workers.n)
        self._membership: dict = {}
        self._apply_membership(self.rules)
        # Views of the declared results (the same arrays).
        self.flows = {name: self.results[name] for name in FLOW_NAMES}
        self.balance = self.results["balance"]
        self.members = self.results["members"]
        self.members_pu = self.results["members_pu"]
        self.members_bpu = self.results["members_bpu"]
        self.members_pbi = self.results["members_pbi"]
        self.payers: list[PbiContributions] = []

    @staticmethod
    def _compliance_race(is_formal: np.ndarray, headcount: np.ndarray, u: np.ndarray) -> tuple:
        """Formal employers in a size-weighted random order, with their cumulative headcount."""
        formal = np.flatnonzero(is_formal)
        size = headcount[formal].astype(np.float64)
        key = -detmath.log(np.maximum(u[formal], 1e-300)) / (size + 1.0)  # exponential race
        order = formal[argsort_ties(key)]
        cum = np.cumsum(headcount[order].astype(np.float64))
        return order, cum, max(float(size.sum()), 0.0), len(is_formal)

    def _choose_compliant(self, rate: float) -> np.ndarray:
        """Complying employers: the race order, filled up to the covered share ``rate``."""
        order, cum, total, n = self._race
        target = rate * total
        # Take employers while the covered headcount stays nearest the target.
        n_take = int(np.searchsorted(cum, target, side="right"))
        if n_take < len(order) and abs(cum[n_take] - target) < abs(
                target - (cum[n_take - 1] if n_take else 0.0)):
            n_take += 1
        flags = np.zeros(n, dtype=bool)
        flags[order[:n_take]] = True
        return flags

    def _apply_membership(self, rules: SchemeRules) -> None:
        """Set ``compliant`` and ``bpu_willing`` for ``rules`` (once per pair of shares)."""
        key = (rules.pu_compliance_rate, rules.bpu_member_share)
        if key not in self._membership:
            compliant = self._choose_compliant(rules.pu_compliance_rate)
            # Complying employer by employer index + 1 (row 0: no employer).
            self._membership[key] = (compliant, np.concatenate([[False], compliant]),
                                     self._bpu_u < rules.bpu_member_share)
        self.compliant, self._compliant_ext, self.bpu_willing = self._membership[key]

    def _rules_now(self, model: PovertyModel) -> SchemeRules:
        """The rules in force this month (March 2021's during the burn-in)."""
        rules = self.rules_by_step[0 if model.in_burn_in else model.t]
        if rules is not self.rules:
            self.rules = rules
            self._apply_membership(rules)
        return rules

    def register_payer(self, payer: PbiContributions) -> None:
        """Let a PBI lever pay contributions for its members (called by its ``init``)."""
        self.payers.append(payer)

    # ------------------------------------------------------------------ helpers
    def _record(self, model: PovertyModel, name: str, amount: float) -> None:
        if not model.in_burn_in:
            self.flows[name][model.t] += amount

    def _is_jkp_in_force(self, model: PovertyModel) -> bool:
        return bool(self._rules_now(model).is_jkp_in_force)

    # ------------------------------------------------------------------ hooks
    def after_separations(self, model: PovertyModel, formal_losers: np.ndarray) -> None:
        """Insured formal job losers with enough contributions claim JKP (from Feb-2022)."""
        r = self._rules_now(model)
        if len(formal_losers) == 0 or not self._is_jkp_in_force(model):
            return
        eligible = formal_losers[self.is_insured[formal_losers]
                                 & (self.contrib_months[formal_losers]
                                    >= r.jkp_min_contribution_months)]
        # One uniform per worker slot (common random numbers), computed for the eligible only.
        u = self.uniform_at(model, "jkp", eligible)
        claim = eligible[u < np.float32(r.jkp_take_up_rate)]
        self.jkp_months_left[claim] = 6
        self.jkp_wage[claim] = np.minimum(self.last_wage[claim], np.float32(r.jkp_wage_cap))
        self.contrib_months[claim] = 0

    def after_shocks(self, model: PovertyModel, events: dict[str, np.ndarray]) -> None:
        """Pay JKM for last month's members who died, renew membership, collect, pay JKK."""
        w, hh, r = model.workers, model.households, self._rules_now(model)
        weight = hh.weight * model.labour_force_scale  # real workers per sample worker, by home
        dead = events.get("death", np.empty(0, dtype=np.intp))
        self._pay_jkm(model, dead[self.is_insured[dead]])
        self.is_insured[dead] = False
        self.contrib_months[dead] = 0
        self.jkp_months_left[dead] = 0
        self.last_wage[dead] = 0.0
        for payer in self.payers:
            payer.drop(dead)

        # Membership this month.
        lost = model.shocks.lost_earnings if getattr(model, "shocks", None) is not None else (
            np.zeros(w.n, dtype=np.float32))
        wage = np.maximum(w.earnings, lost)  # the wage before an accident spell withheld it
        status = w.status
        emp = w.employer
        pu = (status == FORMAL) & self._compliant_ext.take(emp + 1)
        bpu = _INFORMAL.take(status) & self.bpu_willing
        pbi = np.zeros(w.n, dtype=bool)
        for payer in self.payers:
            if _acting(payer, model):
                candidates = np.flatnonzero(payer.enrolled & ~pu & ~bpu & ~pbi)
                paid = payer.pay_for(model, candidates)
                pbi[paid] = True
                self._record(model, "contributions_pbi",
                             float(weight[w.household[paid]].sum()) * payer.contribution)
        self.is_insured[:] = pu | bpu | pbi
        i_pu = np.flatnonzero(pu)  # (index writes beat masked ufuncs: a sixth of the slots)
        self.contrib_months[i_pu] = np.minimum(self.contrib_months[i_pu].astype(np.int32) + 1,
                                            np.iinfo(np.int16).max).astype(np.int16)
        self.last_wage[i_pu] = wage[i_pu]

        # Contributions: employers pay JKK+JKM, of which (JKP rate - government rate) of the
        # capped wage is recomposed into JKP (PP 37/2021), so the JKP inflow adds only the
        # government's share; BPU members pay from their household's income.
        w_pu = weight[w.household[i_pu]]
        capped = float((w_pu * np.minimum(wage[i_pu], r.jkp_wage_cap)).sum())
        recomposed = (r.jkp_contribution_rate - r.jkp_government_rate) * capped
        self._record(model, "contributions_pu",
                     float((w_pu * wage[i_pu]).sum()) * r.pu_contribution_rate - recomposed)
        self._record(model, "contributions_jkp", capped * r.jkp_contribution_rate)
        i_bpu = np.flatnonzero(bpu)
        # Paid from the household's income into the fund (the fund's account, not the budget).
        self.pay(model, w.household[i_bpu], -float(r.bpu_contribution), booked=0.0,
                 per_worker=True)
        self._record(model, "contributions_bpu",
                     float(weight[w.household[i_bpu]].sum()) * r.bpu_contribution)

        # JKK: care paid to the provider, earnings replaced during the spell.
        acc = events.get("accident", np.empty(0, dtype=np.intp))
        acc = acc[self.is_insured[acc]]
        if len(acc) and getattr(model, "shocks", None) is not None:
            care = model.shocks.settings.care_cost * r.jkk_care_covered_rate
            settled = model.shocks.cover(w.household[acc], np.full(len(acc), care))
            self._record(model, "benefits_jkk_care",
                         float((settled * weight[w.household[acc]]).sum()))
        off = events.get("incapacitated", np.empty(0, dtype=np.intp))
        off = off[self.is_insured[off]]
        if len(off):
            lost_off = lost[off].astype(np.float64)
            cap = np.where(pu[off], np.inf, r.bpu_reported_income)
            pay = r.jkk_income_replacement_rate * np.minimum(lost_off, cap)
            w.earnings[off] = pay.astype(np.float32)
            self._record(model, "benefits_jkk_income",
                         float((pay * weight[w.household[off]]).sum()))

        if not model.in_burn_in:
            t = model.t
            if (weight == weight[0]).all():  # equal weights: counts suffice
                w0 = float(weight[0])
                self.members_pu[t] = np.count_nonzero(pu) * w0
                self.members_bpu[t] = np.count_nonzero(bpu) * w0
                self.members_pbi[t] = np.count_nonzero(pbi) * w0
                self.members[t] = np.count_nonzero(self.is_insured) * w0
            else:
                wsum = weight[w.household]
                self.members_pu[t] = float(wsum[pu].sum())
                self.members_bpu[t] = float(wsum[bpu].sum())
                self.members_pbi[t] = float(wsum[pbi].sum())
                self.members[t] = float(wsum[self.is_insured].sum())

    def _pay_jkm(self, model: PovertyModel, dead_insured: np.ndarray) -> None:
        if len(dead_insured) == 0:
            return
        r, hh = self.rules, model.households
        h = model.workers.household[dead_insured]
        cash = r.jkm_lump_sum + r.jkm_funeral
        self.pay(model, h, float(cash), into="savings", booked=0.0,  # from the fund
                 per_worker=True)
        np.add.at(self.jkm_remaining, h, r.jkm_periodic_total)
        np.add.at(self.jkm_instalment, h, r.jkm_periodic_total / r.jkm_periodic_months)
        self._record(model, "benefits_jkm_lump",
                     cash * float(hh.weight[h].sum()) * model.labour_force_scale)

    def pay_transfers(self, model: PovertyModel) -> None:
        """Pay JKP cash benefits and JKM periodic instalments as this month's income."""
        w, hh, r = model.workers, model.households, self._rules_now(model)
        on = np.flatnonzero(self.jkp_months_left > 0)
        if len(on):
            back = w.status[on] == FORMAL  # re-employed in a wage job: the benefit stops
            self.jkp_months_left[on[back]] = 0
            on = on[~back]
            month = 7 - self.jkp_months_left[on]
            pay = np.where(month <= 3, r.jkp_rate_first, r.jkp_rate_later) * self.jkp_wage[on]
            self.pay(model, w.household[on], pay, booked=0.0, per_worker=True)  # from the fund
            self.jkp_months_left[on] -= 1
            self._record(model, "benefits_jkp",
                         float((pay * hh.weight[w.household[on]]).sum())
                         * model.labour_force_scale)
        due = np.flatnonzero(self.jkm_remaining > 0)
        if len(due):
            pay = np.minimum(self.jkm_instalment[due], self.jkm_remaining[due])
            self.jkm_remaining[due] -= pay
            done = due[self.jkm_remaining[due] <= 1e-6]
            self.jkm_remaining[done] = 0.0
            self.jkm_instalment[done] = 0.0
            self.pay(model, due, pay, booked=0.0, per_worker=True)  # from the fund
            self._record(model, "benefits_jkm_periodic",
                         float((pay * hh.weight[due]).sum()) * model.labour_force_scale)
        if not model.in_burn_in:
            t = model.t
            net = (sum(self.flows[n][t] for n in FLOW_NAMES if n.startswith("contributions"))
                   - sum(self.flows[n][t] for n in FLOW_NAMES if n.startswith("benefits")))
            self.balance[t:] = (self.balance[t - 1] if t > 0 else 0.0) + net  # carried on

    # ------------------------------------------------------------------ summaries
    def contributions(self) -> np.ndarray:
        """Contributions into the fund per step (real Rp)."""
        return sum(self.flows[n] for n in FLOW_NAMES if n.startswith("contributions"))

    def benefits(self) -> np.ndarray:
        """Benefits paid from the fund per step (real Rp)."""
        return sum(self.flows[n] for n in FLOW_NAMES if n.startswith("benefits"))


@register
class PbiContributions(Policy):
    """The government pays BPJS-TK (JKK+JKM) contributions of poor informal workers (PBI).

    Informal workers (casual, own-account, unpaid family) in households the registry ranks in the
    poorest ``poor_share`` of persons, who are not members already, are offered membership from the
    poorest household up; a share ``take_up`` of them (a fixed trait per worker slot) enrol, up to
    ``members`` real persons. The government then pays ``contribution_monthly`` for each enrolled
    person who is not a wage employee, in registry order while the annual budget lasts. Enrolment
    ends at death; a member who takes a formal job keeps the enrolment but is not paid for while
    employed. Needs a ``bpjs_tk`` policy in the same run, which pays the benefits.

    Args:
        members: Target PBI members (real persons; RPJMN target 20 M by 2024).
        take_up: Share of those offered who enrol (default: parameter).
        poor_share: Registry's poorest share of persons eligible (default: parameter).
        contribution_monthly: Rp per member per month (default: the BPU contribution).

    Examples:
        >>> PbiContributions(label="pbi", members=20e6).members
        20000000.0
        >>> PbiContributions(label="pbi", members=5e6, take_up=0.5).to_dict()["take_up"]
        0.5
    """

    kind = "pbi_contributions"
    lever = "social_insurance"
    STATES = (State("enrolled", "worker", "bool", False, help="enrolled as a PBI member"),)
    RESULTS = (Result("enrolled_persons", "PBI members enrolled", "persons", "stock"),)
    PARAMETER_GROUP = _P.rstrip(".")
    DEFAULTS = {"take_up": "pbi_take_up_rate", "poor_share": "pbi_poor_share",
                "contribution_monthly": "bpu_contribution"}
    REQUIRES = {"bpjs_tk": "it pays PBI members' benefits"}
    ARGS = {
        "members": Arg("float", None, minimum=0, help="target members (real persons)",
                       counts="persons"),
        "take_up": Arg("rate", None, optional=True, help="share of those offered who enrol"),
        "poor_share": Arg("rate", None, optional=True,
                          help="registry's poorest share of persons eligible"),
        "contribution_monthly": Arg("money", None, optional=True,
                                    help="Rp per member per month (default: BPU contribution)"),
    }

    def init(self, model: PovertyModel) -> None:
        """Find the scheme, resolve defaults, draw take-up traits."""
        super().init(model)
        schemes = [p for p in model.policies if isinstance(p, BpjsTk)]
        if not schemes:
            raise InputError(self._file, f"{self._key}.type",
                             "a bpjs_tk policy in the same run (it pays PBI members' benefits)",
                             self.kind)
        self.scheme = schemes[0]
        self.scheme.register_payer(self)
        # Take-up, the poor cut and the contribution in force in each step (this month's in
        # take_up_rate, poor_cutoff and contribution).
        self._take_up = self.monthly_setting(model, "take_up")
        self._poor_cutoff = self.monthly_setting(model, "poor_share")
        self._contribution = self.monthly_setting(model, "contribution_monthly")
        self._refresh(model)
        g = model.streams.generator(f"policy:{self.label}:take_up", 0)
        self._accept_u = g.random(model.workers.n)
        self.n_enrolled = self.results["enrolled_persons"]  # a view of the declared result

    def _refresh(self, model: PovertyModel) -> None:
        step = 0 if model.in_burn_in else getattr(model, "t", 0)
        self.take_up_rate = float(self._take_up[step])
        self.poor_cutoff = float(self._poor_cutoff[step])
        self.contribution = float(self._contribution[step])

    def target_slots(self, model: PovertyModel) -> int:
        """Target members in sample worker slots."""
        return int(round(self.members / model.worker_weight))

    def before_labour_market(self, model: PovertyModel) -> None:
        """Fill the enrolment up to the target from the registry's poorest eligible workers."""
        self._refresh(model)
        w = model.workers
        k = self.target_slots(model) - int(self.enrolled.sum())
        if k > 0:
            pct = model.registry.percentile[w.household]
            eligible = (~self.enrolled & _INFORMAL[w.status] & ~self.scheme.is_insured
                        & (pct < self.poor_cutoff) & (self._accept_u < self.take_up_rate))
            cand = np.flatnonzero(eligible)
            cand = cand[argsort_ties(pct[cand])][:k]
            self.enrolled[cand] = True
        if not model.in_burn_in:
            self.n_enrolled[model.t] = float(model.households.weight[
                w.household[self.enrolled]].sum()) * model.labour_force_scale

    def pay_for(self, model: PovertyModel, candidates: np.ndarray) -> np.ndarray:
        """Pay this month's contributions for ``candidates`` (poorest first) within the budget.

        Called by the ``bpjs_tk`` policy. Returns the workers paid for (members this month).
        """
        self._refresh(model)
        if len(candidates) == 0:
            self.spend(model.t, 0.0, model)
            return candidates
        pct = model.registry.percentile[model.workers.household[candidates]]
        candidates = candidates[argsort_ties(pct)]
        weight = (model.households.weight[model.workers.household[candidates]]
                  * model.labour_force_scale)
        unit = self.contribution * float(weight.max())
        # (Policy.affordable fails on an uncapped budget, floor(inf); avoid calling it then.)
        n = len(candidates) if self.annual_budget is None else self.affordable(
            model.t, unit, len(candidates), model)
        paid = candidates[:n]
        self.spend(model.t, self.contribution * float(weight[:n].sum()), model)
        return paid

    def drop(self, workers: np.ndarray) -> None:
        """End the enrolment of these worker slots (deaths)."""
        self.enrolled[workers] = False
