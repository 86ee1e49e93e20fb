"""Which Kemnaker lever does most with an extra Rp 10 trillion a year?

Question: if the Ministry of Manpower had a fixed extra budget from April 2022 (by default
Rp 10 trillion a year), how should it split it between vocational training (a second Kartu
Prakerja), padat karya (cash for work) and PBI insurance contributions for poor informal
workers, to bring extreme poverty in December 2024 closest to zero?

Each split adds up to three extra policy instances from 2022-04 on top of the baseline (so the
starting state and the burn-in are the baseline's), each sized to be able to spend its share and
capped at its share by ``annual_budget`` (per calendar year: 2022's full share may be spent in
April-December). Persons lifted are measured against the baseline with the same seeds (common
random numbers). A lever that cannot absorb its share (PBI is limited by the number of poor
informal workers) shows it in the "spent" column.

    python scenarios/scripts/reallocate_budget.py [--households N --replications R]
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

import simulation as ps
from simulation.inputs import population_bounds

BASELINE = Path(__file__).resolve().parents[1] / "baseline.yaml"
START = "2022-04"
# Shares of the budget: training, padat karya, PBI.
SPLITS = {
    "training_100": (1.0, 0.0, 0.0),
    "padat_karya_100": (0.0, 1.0, 0.0),
    "pbi_100": (0.0, 0.0, 1.0),
    "even_34_33_33": (0.34, 0.33, 0.33),
}
# Rupiah one unit of each lever costs, to size it so that it can spend its budget (the cap
# then binds). Prakerja from 2023: fee Rp 3.5 M + 0.9 completers x Rp 0.7 M incentives (dearer
# than 2022's Rp 1 M + 0.9 x 2.55 M; parameters/programmes/training.yaml); padat karya: 2 months
# x 15 days x Rp 70,000 / (1 - 0.84 materials share) (job_creation.yaml); PBI: Rp 16,800 a
# month (social_insurance.yaml).
COST_PER_TRAINEE = 3_500_000 + 0.9 * 700_000
COST_PER_PADAT_KARYA_WORKER = 2 * 15 * 70_000 / (1 - 0.84)
COST_PER_PBI_MEMBER_YEAR = 12 * 16_800


def extra_policies(budget: float, shares: tuple[float, float, float]) -> list[dict]:
    """The extra policy instances for ``budget`` Rp a year split by ``shares``."""
    training, jobs, insurance = (budget * s for s in shares)
    extra = []
    if training > 0:
        extra.append({"type": "vocational_training", "label": "extra_training",
                      "programme": "prakerja", "start": START, "annual_budget": training,
                      "slots_per_year": 1.25 * training / COST_PER_TRAINEE})
    if jobs > 0:
        extra.append({"type": "padat_karya", "label": "extra_padat_karya", "start": START,
                      "annual_budget": jobs,
                      "workers_per_year": 1.1 * jobs / COST_PER_PADAT_KARYA_WORKER})
    if insurance > 0:
        # No lever may act on more persons than the population (the model refuses it); a
        # large budget buys more PBI memberships than there are persons, so cap the target.
        members = min(insurance / COST_PER_PBI_MEMBER_YEAR, population_bounds().persons)
        extra.append({"type": "pbi_contributions", "label": "extra_pbi", "start": START,
                      "annual_budget": insurance, "members": members})
    return extra


def build(budget: float) -> list[ps.Scenario]:
    """The baseline and one scenario per split, each measured against the baseline."""
    base = ps.load_scenario(BASELINE)
    out = [base]
    for name, shares in SPLITS.items():
        split = "/".join(f"{100 * s:.0f}" for s in shares)
        out.append(ps.scenario(
            name, base=base, counterfactual="baseline",
            description=f"Baseline plus Rp {budget / 1e12:g} T a year from {START}, split "
                        f"{split} between training, padat karya and PBI.",
        ).with_policies(add=extra_policies(budget, shares)))
    return out


def table(results: ps.Results, month: str = "2024-12") -> pd.DataFrame:
    """One row per scenario: extreme poverty, extra spending by lever, persons lifted."""
    out = results.impact_table(month)
    spent = results.spent_by_label() / 1e12
    for k in ("training", "padat_karya", "pbi"):
        out[k] = spent.get(f"extra_{k}", 0.0)
    return out[["poverty_pct", "training", "padat_karya", "pbi", "lifted_mean", "lifted_p05",
                "lifted_p95"]]


def main(argv: list[str] | None = None) -> pd.DataFrame:
    """Run the splits and print the table; return it."""
    parser = ps.script_parser(__doc__.splitlines()[0], households=25_000, replications=6)
    parser.add_argument("--budget", type=float, default=10.0,
                        help="extra budget, Rp trillion a year (default 10)")
    args = parser.parse_args(argv)
    results = ps.run(build(args.budget * 1e12), households=args.households,
                     replications=args.replications, seed=args.seed, workers=args.workers)
    out = table(results)
    print(f"Extra Rp {args.budget:g} T a year from {START}, {args.replications} replications "
          f"of {args.households:,} households.\npoverty_pct: extreme poverty in December 2024 "
          "(%, median); training, padat_karya, pbi: extra spending April 2022-December 2024 "
          "(Rp T, mean);\nlifted_*: persons out of extreme poverty in December 2024 against "
          "the baseline (mean, p05, p95 over replications).")
    print(ps.format_table(out))
    return out


if __name__ == "__main__":  # needed: run() with workers > 1 starts worker processes
    main()
