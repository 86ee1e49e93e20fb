"""Other ministries' social assistance: the baseline the Kemnaker levers work alongside.

Two policy kinds, both sized by default from ``simulation/parameters/programmes/assistance.yaml``
(dated coverage, amounts, payment calendars and budgets, with their sources):

* ``assistance``: a registry-targeted household programme named by ``programme`` (PKH,
  BPNT/Sembako, BLT BBM, BLT Dana Desa, BLT El Nino, BLT Mitigasi Risiko Pangan in cash; the
  10 kg a month rice aid, Bantuan Pangan beras, in kind). Its coverage
  is the dated parameter ``programmes.assistance.<programme>_families`` (0 outside the
  programme's window), times ``scale``; the amount, payment calendar and annual budget come from
  ``<programme>_benefit_monthly``, ``<programme>_pay_every`` and ``<programme>_annual_budget``
  (if published). Aid in kind (``in_kind``) is food the household receives and eats: it is
  paid into ``households.in_kind`` at its retail value, counted in consumption as Susenas
  counts food received free, and, being less than the household's own rice consumption, frees
  the same cash as a transfer would (infra-marginal; :mod:`simulation.households`). All
  programmes select from the same noisy registry (:mod:`simulation.targeting`),
  so they nest: the 10 M PKH families are among the 18.8 M BPNT families, and their exclusion
  and inclusion errors come from ``targeting.registry.rank_correlation``. Setting it to 1 is
  perfect targeting (as of the last registry update).
* ``wage_subsidy``: BSU, a one-off payment to formal employees earning below a cap, drawn at
  random among the eligible (the real recipients were active BPJS-TK members, whom the model
  does not track separately).

Examples:
    A scenario entry::

        - type: assistance
          label: pkh
          programme: pkh
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from simulation.errors import InputError
from simulation.policies.base import Arg, Policy, Result, register
from simulation.policies.transfers import CashTransfer
from simulation.sampling import argsort_ties
from simulation.state import FORMAL

if TYPE_CHECKING:
    from simulation.model import PovertyModel

PARAMS = "programmes.assistance"

# Eligibility rules (not numbers, so kept here): BLT Dana Desa is paid from village funds, so
# only rural households receive it. Households already covered by PKH or BPNT are skipped
# (the village deliberation was to choose families not receiving PKH/BPNT: a rule recalled from
# Permendesa/PMK 190/2021, not verified in stored pages; set exclude_programmes: "" to drop it).
# The rice aid is in kind (food), the others cash.
PROGRAMMES: dict[str, dict] = {
    "pkh": {"rural_only": False, "exclude_programmes": ""},
    "bpnt": {"rural_only": False, "exclude_programmes": ""},
    "blt_bbm": {"rural_only": False, "exclude_programmes": ""},
    "blt_dana_desa": {"rural_only": True, "exclude_programmes": "pkh,bpnt"},
    "blt_el_nino": {"rural_only": False, "exclude_programmes": ""},
    "blt_pangan": {"rural_only": False, "exclude_programmes": ""},
    "rice_aid": {"rural_only": False, "exclude_programmes": "", "in_kind": True},
}


@register
class Assistance(CashTransfer):
    """A household programme (cash, or food in kind) sized from the programme parameter file.

    Args:
        programme: One of :data:`PROGRAMMES` (parameters ``programmes.assistance.<programme>_*``).
        scale: Multiplies the number of families covered and the budget (1 = published size).
        amount_monthly: Override of the benefit (Rp per family per month); default: parameter.
        households: Override of the families covered (constant); default: dated parameter.
        pay_every: Override of the months per payment; default: parameter.
        in_arrears: Pay each block at its end (El Nino, Mitigasi Risiko Pangan); default: the
            programme's rule.
        rural_only: Only rural households; default: the programme's rule.
        exclude_programmes: Comma-separated programmes whose recipients are skipped; default:
            the programme's rule.

    Examples:
        >>> Assistance(label="pkh", programme="pkh").to_dict()["scale"]
        1.0
    """

    kind = "assistance"
    lever = "social_assistance"
    ARGS = {
        "programme": Arg("str", help=f"one of {', '.join(PROGRAMMES)}"),
        "scale": Arg("float", 1.0, minimum=0, maximum=100,
                     help="multiplies families covered and budget"),
        "amount_monthly": Arg("money", None, optional=True,
                              help="Rp per family per month (default: parameter)"),
        "households": Arg("float", None, minimum=0, optional=True,
                          help="families covered (default: dated parameter)",
                          counts="households"),
        "pay_every": Arg("int", None, minimum=1, maximum=12, optional=True,
                         help="months per payment (default: parameter)"),
        "in_arrears": Arg("bool", None, optional=True, help="pay each block at its end"),
        "rural_only": Arg("bool", None, optional=True, help="only rural households"),
        "exclude_programmes": Arg("str", None, optional=True,
                                  help="comma-separated programmes whose recipients are skipped"),
    }
    share = None

    def _check_coverage_args(self) -> None:
        if self.programme not in PROGRAMMES:
            raise InputError(self._file, f"{self._key}.programme",
                             f"one of {', '.join(PROGRAMMES)}", self.programme)
        rules = PROGRAMMES[self.programme]
        self.into = "in_kind" if rules.get("in_kind") else "transfers"
        if self.in_arrears is None:
            self.in_arrears = self.programme in ("blt_el_nino", "blt_pangan")
        if self.rural_only is None:
            self.rural_only = rules["rural_only"]
        if self.exclude_programmes is None:
            self.exclude_programmes = rules["exclude_programmes"]
        self._excluded = tuple(p.strip() for p in self.exclude_programmes.split(",") if p.strip())
        bad = [p for p in self._excluded if p not in PROGRAMMES]
        if bad:
            raise InputError(self._file, f"{self._key}.exclude_programmes",
                             f"programmes among {', '.join(PROGRAMMES)}", bad[0])

    # Argument -> parameter key after ``programmes.assistance.<programme>_``.
    _KEYS = {"households": "families", "amount_monthly": "benefit_monthly",
             "pay_every": "pay_every", "annual_budget": "annual_budget"}

    def parameter_path(self, name: str) -> str:
        """Dotted path of the programme parameter giving the default of argument ``name``."""
        return f"{PARAMS}.{self.programme}_{self._KEYS[name]}"

    def init(self, model: PovertyModel) -> None:
        """Read the programme's parameters; the budget defaults to the published one x scale.

        A dated budget applies month by month (the one in force in each month).
        """
        super().init(model)
        if self.annual_budget is None and self.parameter_path("annual_budget") in model.params:
            self._budget_steps = self.monthly_setting(model, "annual_budget") * self.scale
            self.annual_budget = float(self._budget_steps[0])

    def monthly_coverage(self, model: PovertyModel) -> np.ndarray:
        """Families covered per step (real families), times ``scale``."""
        return self.monthly_setting(model, "households") * self.scale

    def monthly_amount(self, model: PovertyModel) -> np.ndarray:
        """Benefit per family per month, per step."""
        return self.monthly_setting(model, "amount_monthly")

    def monthly_pay_every(self, model: PovertyModel) -> np.ndarray:
        """Months per payment, per step."""
        return self.monthly_setting(model, "pay_every", np.int64)

    def eligible(self, model: PovertyModel) -> np.ndarray | None:
        """Rural households (BLT Dana Desa), minus recipients of the excluded programmes."""
        mask = super().eligible(model)
        if self._excluded:
            covered = np.zeros(model.households.n, dtype=bool)
            for other in model.policies:
                if isinstance(other, Assistance) and other.programme in self._excluded:
                    covered |= other.recipients(model)
            mask = ~covered if mask is None else mask & ~covered
        return mask


@register
class WageSubsidy(Policy):
    """BSU: a one-off subsidy to formal employees earning below a cap.

    In each month where the dated recipient count (``programmes.assistance.bsu_workers``) is
    positive, that many workers (scaled to the sample) are drawn at random, from the policy's own
    stream, among formal employees whose current wage is below ``wage_cap``; each household gets
    ``amount`` per recipient member. If fewer are eligible in the model, all eligible are paid
    (the results ``eligible`` and ``recipients`` record the counts, in real workers).

    Args:
        scale: Multiplies the number of recipients and the budget (1 = published size).
        workers: Override of the recipients (real workers) in each month the policy acts.
        amount: Override of the one-off benefit (Rp per worker).
        wage_cap: Override of the wage cap (Rp per month).
    """

    kind = "wage_subsidy"
    lever = "social_assistance"
    RESULTS = (
        Result("eligible", "Formal employees below the wage cap", "persons", "stock"),
        Result("recipients", "Workers paid", "persons"),
    )
    ARGS = {
        "scale": Arg("float", 1.0, minimum=0, maximum=100, help="multiplies recipients, budget"),
        "workers": Arg("float", None, minimum=0, optional=True,
                       help="recipients (real workers) per payment month (default: parameter)",
                       counts="persons"),
        "amount": Arg("money", None, optional=True, help="Rp per recipient (default: parameter)"),
        "wage_cap": Arg("money", None, optional=True,
                        help="highest eligible wage, Rp per month (default: parameter)"),
    }

    PARAMETER_GROUP = PARAMS
    DEFAULTS = {"workers": "bsu_workers", "amount": "bsu_benefit", "wage_cap": "bsu_wage_cap",
                "annual_budget": "bsu_annual_budget"}

    def init(self, model: PovertyModel) -> None:
        """Read recipients, amounts, the cap and the budget by month from the parameters."""
        super().init(model)
        if self.annual_budget is None:
            self._budget_steps = self.monthly_setting(model, "annual_budget") * self.scale
            self.annual_budget = float(self._budget_steps[0])
        self._workers = self.monthly_setting(model, "workers") * self.scale
        self._amount = self.monthly_setting(model, "amount")
        self._cap = self.monthly_setting(model, "wage_cap")

    def pay_transfers(self, model: PovertyModel) -> None:
        """Pay this month's recipients, if any."""
        t = model.t
        if model.in_burn_in or self._workers[t] <= 0 or self._amount[t] <= 0:
            return
        w = model.workers
        eligible = np.flatnonzero((w.status == FORMAL) & (w.earnings < self._cap[t]))
        weight = model.worker_weight
        wanted = min(int(round(self._workers[t] / weight)), len(eligible))
        n = self.affordable(t, self._amount[t] * weight, wanted, model)
        chosen = self.rng(model).permutation(eligible)[:n]
        self.pay(model, w.household[chosen], float(self._amount[t]), per_worker=True)
        self.record(model, "eligible", len(eligible) * weight)
        self.record(model, "recipients", n * weight)


def coverage_error(model: PovertyModel, programmes: tuple[str, ...] = ("pkh", "bpnt"),
                   poorest: float = 0.3) -> dict[str, float]:
    """Targeting errors of the named programmes now, against true per-capita consumption.

    Returns:
        ``exclusion``: share of persons in the truly poorest ``poorest`` (by per-capita
        consumption) whose household receives none of ``programmes``; ``leakage``: share of
        recipient persons outside that group; ``covered``: share of all persons covered.
    """
    hh = model.households
    covered = np.zeros(hh.n, dtype=bool)
    for p in model.policies:
        if isinstance(p, Assistance) and p.programme in programmes:
            covered |= p.recipients(model)
    pc = hh.measured / hh.size
    order = argsort_ties(pc)
    persons = hh.size[order].astype(np.float64)
    cum = np.cumsum(persons) - 0.5 * persons
    target = np.zeros(hh.n, dtype=bool)
    target[order[cum / persons.sum() < poorest]] = True
    size = hh.size.astype(np.float64)
    return {
        "exclusion": float(size[target & ~covered].sum() / size[target].sum()),
        "leakage": float(size[covered & ~target].sum() / max(size[covered].sum(), 1.0)),
        "covered": float(size[covered].sum() / size.sum()),
    }
