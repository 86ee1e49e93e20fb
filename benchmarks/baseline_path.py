"""The baseline's path against the published 2021-2023 points (median and 90% band).

    python benchmarks/baseline_path.py [--households 50000] [--replications 10] [--workers 2]
                                       [--scenario FILE] [--save timeseries.csv]

Runs ``scenarios/baseline.yaml`` and prints, for September 2021 to March 2023 (the BPS survey
months) and March 2024, extreme and national poverty (percent of persons): the median and the
5-95% range over replications, beside the published figure where the packaged targets have one
(``calibration/targets.csv``; none after August 2023). The last line is a JSON object with the
table. Issue 15 uses it to show the path before and after each change of mechanism; it tunes
nothing.
"""

from __future__ import annotations

import argparse
import csv
import json
from pathlib import Path

import numpy as np

import simulation as ps

ROOT = Path(__file__).resolve().parents[1]
MONTHS = ("2021-03", "2021-09", "2022-03", "2022-09", "2023-03", "2024-03")
SERIES = {"extreme_poverty_rate": "extreme_poverty_rate_usd190_2011ppp",
          "poverty_rate": "poverty_rate_national"}


def published() -> dict[tuple[str, str], float]:
    """Published points by (indicator, YYYY-MM) from calibration/targets.csv (percent)."""
    out = {}
    with open(ROOT / "calibration" / "targets.csv", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            for name, indicator in SERIES.items():
                if row["indicator"] == indicator and row["period"] in MONTHS:
                    out[name, row["period"]] = float(row["value"])
    return out


def path(households: int, replications: int, workers: int, seed: int = 20210301,
         scenario: str = "scenarios/baseline.yaml", save: str | None = None) -> list[dict]:
    """Median and 5-95% range of each series in each month over replications (percent).

    With ``save``, the replications' monthly time series are written to that CSV file.
    """
    sc = ps.load_scenario(ROOT / scenario)
    ts = ps.run(sc, households=households, replications=replications, seed=seed,
                end="2024-03", workers=workers).timeseries
    if save:
        ts.to_csv(save, index=False)
    pub = published()
    rows = []
    for name in SERIES:
        for month in MONTHS:
            v = 100 * ts.loc[ts["date"] == month, name].to_numpy(float)
            rows.append({"series": name, "month": month, "median": float(np.median(v)),
                         "p05": float(np.percentile(v, 5)), "p95": float(np.percentile(v, 95)),
                         "published": pub.get((name, month))})
    return rows


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--households", type=int, default=50_000)
    parser.add_argument("--replications", type=int, default=10)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--scenario", default="scenarios/baseline.yaml")
    parser.add_argument("--save", default=None, help="write the monthly time series here (CSV)")
    args = parser.parse_args(argv)
    rows = path(args.households, args.replications, args.workers, scenario=args.scenario,
                save=args.save)
    for r in rows:
        pub = "" if r["published"] is None else f"  published {r['published']:.2f}"
        print(f"{r['series']:22s} {r['month']}  {r['median']:6.2f} "
              f"[{r['p05']:.2f}, {r['p95']:.2f}]{pub}")
    print(json.dumps(rows))


if __name__ == "__main__":
    main()
