"""A policy written in a script: cash for households hit by a work accident.

Question: how many persons would a top-up for households whose member has a work accident keep
out of extreme poverty in December 2024, and at what cost, on top of the baseline (which already
has BPJS-TK accident insurance for its members)?

This is the template for a new lever without editing the package: a subclass of
``simulation.Policy`` with a ``kind``, a ``lever`` (its accounting group) and ``ARGS`` (checked
like scenario files), acting through two of the model's hooks:

* ``after_shocks(model, events)``: ``events["accident"]`` holds this month's accident victims
  as *worker* indices; ``model.workers.household`` maps them to households;
* ``pay_transfers(model)``: add cash to ``model.households.transfers`` (per sample household,
  Rp a month) and record the real rupiah with ``self.spend`` (which enforces ``annual_budget``).

An instance goes straight into a scenario's policies (no registration needed). The class is
defined at the top level of this script so that worker processes can unpickle it; the run is
under ``if __name__ == "__main__":`` because ``workers > 1`` re-imports this script in each
worker. (In a notebook, define such a class in an importable module or use ``workers=1``.)

    python scenarios/scripts/custom_policy.py [--households N --replications R]
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

import simulation as ps
from simulation import Arg, Policy

BASELINE = Path(__file__).resolve().parents[1] / "baseline.yaml"


class AccidentTopUp(Policy):
    """Monthly cash for a few months to poor households after a member's work accident.

    Args:
        amount_monthly: Rp per household per month.
        months: Months paid, from the accident month.
        poor_share: Only households the registry ranks in this poorest share of persons.

    Examples:
        >>> AccidentTopUp(label="top_up", amount_monthly=500_000).to_dict()["months"]
        3
    """

    kind = "accident_top_up"
    lever = "social_assistance"
    ARGS = {
        "amount_monthly": Arg("money", 1_000_000, help="Rp per household per month"),
        "months": Arg("int", 3, minimum=1, maximum=24, help="months paid after an accident"),
        "poor_share": Arg("rate", 0.4, help="registry's poorest share of persons eligible"),
    }

    def init(self, model) -> None:
        """Resolve dates (base class); no household is owed anything yet."""
        super().init(model)
        self.months_left = np.zeros(model.households.n, dtype=np.int64)

    def after_shocks(self, model, events: dict[str, np.ndarray]) -> None:
        """Households of this month's accident victims, if poor enough, are owed ``months``."""
        hit = np.unique(model.workers.household[events["accident"]])
        hit = hit[model.registry.percentile[hit] < self.poor_share]
        self.months_left[hit] = self.months

    def pay_transfers(self, model) -> None:
        """Pay every household still owed a month, within the budget (poorest first)."""
        who = np.flatnonzero(self.months_left > 0)
        who = who[np.argsort(model.registry.percentile[who], kind="stable")]
        weight = float(model.households.weight[0])  # real households per sample household
        unit = self.amount_monthly * weight
        n = len(who) if self.annual_budget is None else self.affordable(model.t, unit, len(who),
                                                                         model)
        model.households.transfers[who[:n]] += np.float32(self.amount_monthly)
        self.spend(model.t, unit * n, model)
        self.months_left[who] -= 1  # a month not paid for lack of budget is lost


def build(amount: float) -> list[ps.Scenario]:
    """The baseline, and the baseline with the top-up from April 2022."""
    base = ps.load_scenario(BASELINE)
    top_up = AccidentTopUp(label="accident_top_up", start="2022-04", amount_monthly=amount)
    with_top_up = ps.scenario(
        "accident_top_up", base=base, counterfactual="baseline",
        description="The baseline plus cash for poor households after a work accident.",
    ).with_policies(add=[top_up])
    return [base, with_top_up]


def main(argv: list[str] | None = None) -> pd.DataFrame:
    """Run the baseline and the top-up; print and return the comparison."""
    parser = ps.script_parser(__doc__.splitlines()[0], households=40_000, replications=8)
    parser.add_argument("--amount", type=float, default=1_000_000,
                        help="Rp per household per month (default 1,000,000)")
    args = parser.parse_args(argv)
    results = ps.run(build(args.amount), households=args.households,
                     replications=args.replications, seed=args.seed, workers=args.workers)
    out = results.impact_table("2024-12", against={"baseline": None,
                                                   "accident_top_up": "baseline"})
    out.insert(1, "top_up_spent_T", results.spent_by_label()["accident_top_up"] / 1e12)
    out = out[["poverty_pct", "top_up_spent_T", "lifted_mean", "lifted_p05", "lifted_p95"]]
    print(f"Accident top-up of Rp {args.amount:,.0f} a month for 3 months from 2022-04, "
          f"{args.replications} replications of {args.households:,} households.\n"
          "poverty_pct: extreme poverty in December 2024 (%, median); top_up_spent_T: April "
          "2022-December 2024 (Rp T, mean); lifted_*: persons out of extreme poverty vs the "
          "baseline (mean, p05, p95).")
    print(ps.format_table(out))
    return out


if __name__ == "__main__":  # needed: run() with workers > 1 starts worker processes
    main()
