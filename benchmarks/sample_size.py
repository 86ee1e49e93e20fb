"""Do the baseline's indicators depend on the sample size? (They must not, beyond sampling error.)

    python benchmarks/sample_size.py [--small 20000 --small-reps 8 --large 200000 --large-reps 3]

Runs ``scenarios/baseline.yaml`` at two sample sizes (different replication seeds) and prints,
for unemployment (TPT), informality and extreme poverty in August 2021, 2022 and 2023, the mean
at each size, the difference and its standard error (Welch), and the difference in standard
errors. The last line is a JSON object with the table.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import numpy as np

import simulation as ps

BASELINE = Path(__file__).resolve().parents[1] / "scenarios" / "baseline.yaml"
INDICATORS = ("unemployment_rate", "informality_rate", "extreme_poverty_rate")
MONTHS = ("2021-08", "2022-08", "2023-08")


def compare(small: int, small_reps: int, large: int, large_reps: int, workers: int = 2,
            seed: int = 20210301, end: str = "2023-08") -> list[dict]:
    """Mean, difference and its standard error of each indicator and month at two sizes."""
    base = ps.load_scenario(BASELINE)
    runs = {}
    for n, reps, s in ((small, small_reps, seed), (large, large_reps, seed + 1)):
        ts = ps.run(base, households=n, replications=reps, seed=s, end=end,
                    workers=workers).timeseries
        runs[n] = ts
    rows = []
    for name in INDICATORS:
        for month in MONTHS:
            a = runs[small].loc[runs[small]["date"] == month, name].to_numpy(float)
            b = runs[large].loc[runs[large]["date"] == month, name].to_numpy(float)
            se = float(np.sqrt(a.var(ddof=1) / len(a) + b.var(ddof=1) / len(b)))
            diff = float(a.mean() - b.mean())
            rows.append({"indicator": name, "month": month, "small_mean": float(a.mean()),
                         "large_mean": float(b.mean()), "difference": diff, "se": se,
                         "z": diff / se if se > 0 else float("inf")})
    return rows


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--small", type=int, default=20_000)
    parser.add_argument("--small-reps", type=int, default=8)
    parser.add_argument("--large", type=int, default=200_000)
    parser.add_argument("--large-reps", type=int, default=3)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args(argv)
    rows = compare(args.small, args.small_reps, args.large, args.large_reps, args.workers)
    print(f"{'indicator':22s} {'month':7s} {args.small:>9,} {args.large:>9,} {'diff':>8s} "
          f"{'se':>7s} {'z':>6s}")
    for r in rows:
        print(f"{r['indicator']:22s} {r['month']:7s} {100 * r['small_mean']:9.3f} "
              f"{100 * r['large_mean']:9.3f} {100 * r['difference']:8.3f} {100 * r['se']:7.3f} "
              f"{r['z']:6.2f}")
    print(json.dumps({"small": args.small, "small_reps": args.small_reps, "large": args.large,
                      "large_reps": args.large_reps, "rows": rows}))


if __name__ == "__main__":
    main()
