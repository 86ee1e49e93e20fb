"""Time and size the baseline model.

    python benchmarks/run.py --households 100000 --months 24 [--seed 1] [--programmes P]

Builds the model (population and burn-in, timed separately), runs ``--months`` monthly steps,
and prints one human-readable line, then, as its last line, one JSON object:

    households, months, seconds (the run phase only), household_months_per_second,
    peak_rss_mb, programmes, build_seconds, workers_per_household, state_bytes_per_household,
    yardstick_household_months_per_second, ratio_to_yardstick (the run phase),
    household_months_per_second_with_build, ratio_to_yardstick_with_build (build and run)

The yardstick (``benchmarks/yardstick.py``, a verbatim copy of the project's shared machine
yardstick: a trivial vectorised household month) runs in the same process at the same number
of households and months, once before the build and once after the run; the faster of the two
is the one reported, so the ratios are the conservative ones.

``--programmes`` chooses the world: ``baseline`` (the default: scenarios/baseline.yaml, all 14
programmes at their published sizes), ``insurance`` (the baseline parameters with BPJS-TK only,
the world the reference implements) or ``none`` (the core loop: labour market, shocks,
consumption, measurement).

With ``--compare-reference`` it also runs the one-agent-per-household reference
(``benchmarks/reference.py``) from the same step-0 state for the same months, in the same process,
and adds ``reference_seconds``, ``reference_household_months_per_second`` and ``speedup`` (the
vectorised rate over the reference's). The reference implements the core loop and BPJS-TK, so
the comparison runs the ``insurance`` world unless ``--programmes none`` is given.

Peak RSS is the process high-water mark (``resource.getrusage``), so it covers the build too.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

from yardstick import yardstick  # benchmarks/yardstick.py, next to this script

from simulation.fullscale import peak_rss_mb
from simulation.macro import START_MONTH
from simulation.model import PovertyModel
from simulation.parameter_set import baseline_parameters, month_label

BASELINE = Path(__file__).resolve().parents[1] / "scenarios" / "baseline.yaml"
PROGRAMMES = ("baseline", "insurance", "none")


def world(programmes: str):
    """Parameters and policy specs of ``programmes`` (see the module docstring)."""
    if programmes == "baseline":
        from simulation.scenarios import load_scenario

        sc = load_scenario(BASELINE)
        return sc.params, sc.policy_specs()
    if programmes == "insurance":
        return baseline_parameters(), [{"type": "bpjs_tk", "label": "bpjs_tk"}]
    if programmes == "none":
        return baseline_parameters(), []
    raise ValueError(f"--programmes must be one of {', '.join(PROGRAMMES)}, not {programmes!r}")


def measure(households: int, months: int, seed: int, compare_reference: bool = False,
            programmes: str = "baseline") -> dict:
    """Build and run the model in the ``programmes`` world; return the figures."""
    params, policies = world(programmes)
    end = month_label(START_MONTH + months)
    ruler = [yardstick(households, months)]  # before the build: its arrays are freed after
    t0 = time.perf_counter()
    model = PovertyModel(params, n_households=households, seed=seed, end=end, policies=policies)
    build = time.perf_counter() - t0
    reference = None
    if compare_reference:
        from reference import ReferenceModel  # benchmarks/reference.py, next to this script

        reference = ReferenceModel(model, seed=seed)
    t1 = time.perf_counter()
    for _ in range(months):
        model.step()
    seconds = time.perf_counter() - t1
    state = model.state_nbytes()
    ruler.append(yardstick(households, months))
    ruler_rate = max(ruler)
    rate = households * months / seconds if seconds > 0 else None
    with_build = households * months / (build + seconds)
    out = {
        "households": households,
        "months": months,
        "seconds": seconds,
        "household_months_per_second": rate,
        "peak_rss_mb": peak_rss_mb(),
        "programmes": programmes,
        "build_seconds": build,
        "workers_per_household": model.workers.n / households,
        "state_bytes_per_household": state / households,
        "yardstick_household_months_per_second": ruler_rate,
        "yardstick_runs": ruler,
        "ratio_to_yardstick": rate / ruler_rate if rate is not None else None,
        "household_months_per_second_with_build": with_build,
        "ratio_to_yardstick_with_build": with_build / ruler_rate,
    }
    if reference is not None:
        t2 = time.perf_counter()
        for _ in range(months):
            reference.step()
        ref_seconds = time.perf_counter() - t2
        out["reference_seconds"] = ref_seconds
        out["reference_household_months_per_second"] = households * months / ref_seconds
        out["speedup"] = ref_seconds / seconds if seconds > 0 else None
    return out


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--households", type=int, required=True, help="sample households")
    parser.add_argument("--months", type=int, required=True, help="monthly steps to time")
    parser.add_argument("--seed", type=int, default=1, help="root seed (default 1)")
    parser.add_argument("--programmes", choices=PROGRAMMES, default=None,
                        help="baseline (default: all programmes), insurance (BPJS-TK only) or "
                             "none (the core loop)")
    parser.add_argument("--compare-reference", action="store_true",
                        help="also time the one-agent-per-household reference (slow; runs the "
                             "insurance world unless --programmes none)")
    args = parser.parse_args(argv)
    if args.households < 1 or args.months < 1:
        parser.error("--households and --months must be at least 1")
    programmes = args.programmes or ("insurance" if args.compare_reference else "baseline")
    if args.compare_reference and programmes == "baseline":
        parser.error("--compare-reference: the reference implements the core loop and BPJS-TK "
                     "only; use --programmes insurance (the default with it) or none")
    r = measure(args.households, args.months, args.seed, args.compare_reference, programmes)
    print(f"{r['households']:,} households x {r['months']} months (seed {args.seed}, "
          f"programmes: {programmes}): build "
          f"(population and burn-in) {r['build_seconds']:.2f} s, run "
          f"{r['seconds']:.2f} s = {r['household_months_per_second']:,.0f} household-months/s; "
          f"peak RSS {r['peak_rss_mb']:,.0f} MB; {r['workers_per_household']:.2f} workers and "
          f"{r['state_bytes_per_household']:.0f} state bytes per household; yardstick "
          f"{r['yardstick_household_months_per_second']:,.0f} household-months/s: run "
          f"{r['ratio_to_yardstick']:.3f} of it, build and run "
          f"{r['ratio_to_yardstick_with_build']:.3f}")
    if args.compare_reference:
        print(f"reference (one agent per household): {r['reference_seconds']:.2f} s = "
              f"{r['reference_household_months_per_second']:,.0f} household-months/s; "
              f"vectorised speedup {r['speedup']:,.0f}x")
    print(json.dumps(r))


if __name__ == "__main__":
    main()
