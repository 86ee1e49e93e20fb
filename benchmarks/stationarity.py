"""Is the initial state the model's own steady state?

    python benchmarks/stationarity.py --households 20000 --months 240 [--seed 1] [--every 12]
        [--set PATH=VALUE ...]

Builds the baseline model (population and burn-in), then keeps it in its stationary environment
for ``--months`` more months: prices, output and poverty lines at their March-2021 values, the
unemployed count held (``PovertyModel.stationary_month``, the burn-in's month), with the draw
month advanced past the burn-in's draws while the model month ``t`` stays at 0. Every
``--every`` months it prints extreme and national poverty (P0 and P1, persons) against the
step-0 lines, the Gini and the unemployment rate. If the March-2021 state is the model's steady
state these stay flat apart from sampling noise; a drift measures how far it is from one.
It also prints the model's own cross-section before the burn-in's final remap pinned it
(``PovertyModel.start_before_remap``: how much work the remap does) and, at the end, the
shares of the nationally poor who were not poor 12 months earlier and of those poor then who
are not now (``measures.poverty_flows``; published: over half, row 332 of the shared targets).
``--set PATH=VALUE`` (repeatable) changes a baseline parameter for the whole run, e.g.
``--set households.consumption.expectation_adjustment_rate=0`` (VALUE is read as YAML).
The last line is a JSON object with the series.
"""

from __future__ import annotations

import argparse
import json
import sys
import time

import numpy as np
import yaml

from simulation.errors import InputError
from simulation.initial_state import BURN_IN_DRAW_OFFSET
from simulation.macro import START_MONTH
from simulation.measures import fgt, gini, labour_indicators, poverty_flows
from simulation.model import PovertyModel
from simulation.parameter_set import baseline_parameters
from simulation.state import UNEMPLOYED

# Draw months for this script: past any the burn-in uses (burn-in months are at most 600, plus
# the fitting months), so no month of random numbers is reused.
_DRAW_OFFSET = BURN_IN_DRAW_OFFSET + 100_000


def snapshot(model: PovertyModel) -> dict:
    """Poverty (step-0 lines, persons), Gini and unemployment of the current state."""
    hh = model.households
    c_pc = hh.measured.astype(np.float64) / hh.size
    w = hh.weight * hh.size
    e0, e1, _ = fgt(c_pc, w, model.paths.extreme_line[0])
    n0, n1, _ = fgt(c_pc, w, model.paths.national_line[0])
    return {"extreme_p0": e0, "extreme_p1": e1, "national_p0": n0, "national_p1": n1,
            "gini": gini(c_pc, w),
            "unemployment": labour_indicators(model.workers, hh.weight)["unemployment_rate"]}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--households", type=int, default=20_000)
    parser.add_argument("--months", type=int, default=240, help="stationary months to run")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--every", type=int, default=12, help="print every this many months")
    parser.add_argument("--set", action="append", default=[], metavar="PATH=VALUE",
                        help="change a baseline parameter for the whole run (VALUE as YAML)")
    args = parser.parse_args(argv)
    try:
        params = with_settings(args.set)
    except InputError as e:
        print(f"error: {e}", file=sys.stderr)
        raise SystemExit(2) from None

    t0 = time.perf_counter()
    model = PovertyModel(params, n_households=args.households, seed=args.seed, end="2021-03")
    print(f"built {args.households:,} households (seed {args.seed}) in "
          f"{time.perf_counter() - t0:.1f} s; holding the March-2021 environment"
          + (f" with {', '.join(args.set)}" if args.set else ""))
    before = model.start_before_remap
    if before is not None:
        print(f"before the final remap: extreme P0 {before['extreme_p0']:.4f} "
              f"P1 {before['extreme_p1']:.4f}, national P0 {before['national_p0']:.4f} "
              f"P1 {before['national_p1']:.4f}, gini {before['gini']:.3f}")
    if model.unemployed_held is None:  # a model built with no burn-in
        model.hold_unemployed(int(np.count_nonzero(model.workers.status == UNEMPLOYED)))
    series = {"month": [0], **{k: [v] for k, v in snapshot(model).items()}}
    header = (f"{'month':>5} {'extreme P0':>10} {'P1':>7} {'national P0':>11} {'P1':>7} "
              f"{'gini':>6} {'unemp.':>6}")
    print(header)

    def show(k: int) -> None:
        print(f"{k:5d} {series['extreme_p0'][-1]:10.4f} {series['extreme_p1'][-1]:7.4f} "
              f"{series['national_p0'][-1]:11.4f} {series['national_p1'][-1]:7.4f} "
              f"{series['gini'][-1]:6.3f} {series['unemployment'][-1]:6.4f}")

    show(0)
    for k in range(1, args.months + 1):
        model.stationary_month(_DRAW_OFFSET + k, calendar_month=START_MONTH + k)
        if k % args.every == 0 or k == args.months:
            series["month"].append(k)
            for name, v in snapshot(model).items():
                series[name].append(v)
            show(k)
    drift = {k: series[k][-1] - series[k][0] for k in series if k != "month"}
    print("drift over the run: " + ", ".join(f"{k} {v:+.4f}" for k, v in drift.items()))
    hh = model.households
    flows = poverty_flows(hh, hh.weight * hh.size, 12)  # the bits span the burn-in too
    print(f"of the nationally poor now, not poor 12 months earlier: "
          f"{flows['poor_entry_share']:.3f}; of the poor then, not poor now: "
          f"{flows['poor_exit_share']:.3f}")
    print(json.dumps({"households": args.households, "seed": args.seed,
                      "months": args.months, "settings": args.set,
                      "before_remap": before, "series": series, "drift": drift,
                      "flows": flows}))


def with_settings(settings: list[str]):
    """The baseline parameters with each ``PATH=VALUE`` of ``settings`` in force throughout."""
    params = baseline_parameters()
    changes = {}
    for item in settings:
        path, sep, text = item.partition("=")
        if not sep or not path:
            raise InputError("--set", item or "(empty)", "PATH=VALUE", item)
        try:
            changes[path.strip()] = yaml.safe_load(text)
        except yaml.YAMLError:
            raise InputError("--set", path, "a value readable as YAML", text) from None
    return params.with_changes(changes, source="--set") if changes else params


if __name__ == "__main__":
    main()
