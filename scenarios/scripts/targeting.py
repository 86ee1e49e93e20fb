"""How much does targeting matter for an extra Kemnaker budget?

Question: with the same extra budget as ``reallocate_budget.py`` (by default Rp 10 trillion a
year from April 2022, split evenly between training, padat karya and PBI), how much lower would
extreme poverty be in December 2024 if every programme reached the poorest households exactly
(``targeting.registry.rank_correlation: 1``, perfect targeting) rather than through today's
noisy registry (the baseline's rank correlation)?

Targeting is a parameter of the one registry every programme selects from, so perfect
targeting also changes who receives the other ministries' assistance: each extra budget is
therefore compared with the baseline under the *same* targeting, and the baselines with each
other. The registry reads the rank correlation once, so perfect targeting holds from the
burn-in on, not only from April 2022. Common random numbers: every scenario uses the same
seeds.

    python scenarios/scripts/targeting.py [--households N --replications R]
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pandas as pd

import simulation as ps

HERE = Path(__file__).resolve().parent
BASELINE = HERE.parent / "baseline.yaml"
PERFECT = {"targeting.registry.rank_correlation": 1.0}
SHARES = (0.34, 0.33, 0.33)  # training, padat karya, PBI


def _reallocate():
    """The sibling script's ``extra_policies`` (same sizes and budget caps)."""
    spec = importlib.util.spec_from_file_location("reallocate_budget",
                                                  HERE / "reallocate_budget.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def build(budget: float) -> list[ps.Scenario]:
    """Baseline and baseline + budget, each with realistic and with perfect targeting."""
    extra = _reallocate().extra_policies(budget, SHARES)
    base = ps.load_scenario(BASELINE)
    perfect = ps.scenario("baseline_perfect", PERFECT, base=base, counterfactual="baseline",
                          description="The baseline with perfect targeting.")
    return [
        base,
        perfect,
        ps.scenario("budget_realistic", base=base, counterfactual="baseline",
                    description="The extra budget, realistic targeting.",
                    ).with_policies(add=extra),
        ps.scenario("budget_perfect", base=perfect, counterfactual="baseline_perfect",
                    description="The extra budget, perfect targeting.",
                    ).with_policies(add=extra),
    ]


def table(results: ps.Results, month: str = "2024-12") -> pd.DataFrame:
    """One row per scenario: extreme poverty and persons lifted against its comparison."""
    return results.impact_table(month, against={
        "baseline": None, "baseline_perfect": "baseline",
        "budget_realistic": "baseline", "budget_perfect": "baseline_perfect"})


def main(argv: list[str] | None = None) -> pd.DataFrame:
    """Run the four scenarios and print the table; return it."""
    parser = ps.script_parser(__doc__.splitlines()[0], households=25_000, replications=6)
    parser.add_argument("--budget", type=float, default=10.0,
                        help="extra budget, Rp trillion a year (default 10)")
    args = parser.parse_args(argv)
    results = ps.run(build(args.budget * 1e12), households=args.households,
                     replications=args.replications, seed=args.seed, workers=args.workers)
    out = table(results)
    print(f"Extra Rp {args.budget:g} T a year from 2022-04 split 34/33/33, {args.replications} "
          f"replications of {args.households:,} households.\npoverty_pct: extreme poverty in "
          "December 2024 (%, median, p05, p95); lifted_*: persons out of extreme poverty "
          "against the scenario in 'vs' (mean, p05, p95).")
    print(ps.format_table(out))
    return out


if __name__ == "__main__":  # needed: run() with workers > 1 starts worker processes
    main()
