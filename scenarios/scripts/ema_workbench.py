"""povsim in an EMA Workbench 3 script: its samplers, its evaluator, its PRIM.

Question: over a Latin hypercube of two uncertain inputs (matching efficiency and informal
earnings risk) and of two levers (Prakerja places and padat karya workers, each 0 to 3 times
their published size), which lever values keep extreme poverty in December 2024 lowest, and
does any box of lever values reach the 0-1% band?

The model is :func:`simulation.ema.povsim_model`, an ordinary Workbench ``Model`` whose
uncertainties and levers are ``RealParameter`` objects and whose outcomes are
``ScalarOutcome`` objects; the Workbench samples (``Samplers.LHS``; ``Samplers.SOBOL`` or
``Samplers.MORRIS`` with SALib for its sensitivity analyses), runs it
(``MultiprocessingEvaluator``, or ``SequentialEvaluator`` with ``--workers 1``) and analyses
it (``prim``). Every policy meets a
scenario with the same seed (common random numbers); each experiment also runs the
counterfactual (no_programmes) for persons lifted, so it costs two povsim runs.

    python scenarios/scripts/ema_workbench.py [--households N --scenarios S --policies P
                                               --workers W]
"""

from __future__ import annotations

import argparse
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

HERE = Path(__file__).resolve().parent


def main(argv: list[str] | None = None) -> pd.DataFrame:
    """Run the experiments; print lever points ranked by extreme poverty and PRIM's box."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--households", type=int, default=5000)
    ap.add_argument("--scenarios", type=int, default=4, help="uncertainty samples (LHS)")
    ap.add_argument("--policies", type=int, default=4, help="lever samples (LHS)")
    ap.add_argument("--workers", type=int, default=2)
    args = ap.parse_args(argv)

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # "ipyparallel not installed"
        from ema_workbench import MultiprocessingEvaluator, Samplers, SequentialEvaluator
        from ema_workbench.analysis import prim

    from simulation.ema import povsim_model

    model = povsim_model(
        "povsim",
        uncertainties={
            "matching_efficiency": ("labour.matching.efficiency", 0.12, 0.20),
            "informal_shock_sd": ("labour.earnings.informal_shock_sd", 0.2, 0.4),
        },
        levers={
            "prakerja_scale": ("policy:prakerja.scale", 0.0, 3.0),
            "padat_karya_scale": ("policy:padat_karya.scale", 0.0, 3.0),
        },
        outcomes=["extreme_poverty_rate_2024_12", "band_2024_12", "spending_2024_12",
                  "persons_lifted_2024_12"],
        base=HERE.parent / "baseline.yaml", counterfactual=HERE.parent / "no_programmes.yaml",
        households=args.households)

    evaluator = (SequentialEvaluator(model) if args.workers == 1
                 else MultiprocessingEvaluator(model, n_processes=args.workers))
    with evaluator:
        experiments, outcomes = evaluator.perform_experiments(
            scenarios=args.scenarios, policies=args.policies,
            uncertainty_sampling=Samplers.LHS, lever_sampling=Samplers.LHS)

    table = experiments[["prakerja_scale", "padat_karya_scale", "policy"]].copy()
    for name, values in outcomes.items():
        table[name] = values
    by_policy = (table.groupby("policy")
                 .agg(prakerja=("prakerja_scale", "first"),
                      padat_karya=("padat_karya_scale", "first"),
                      poverty_pct=("extreme_poverty_rate_2024_12", lambda s: 100 * s.mean()),
                      p_band=("band_2024_12", "mean"),
                      lifted_mean=("persons_lifted_2024_12", "mean"),
                      spent_rp_t=("spending_2024_12", lambda s: s.mean() / 1e12))
                 .sort_values("poverty_pct"))
    with pd.option_context("display.width", 120, "display.float_format", "{:,.3f}".format):
        print(f"Extreme poverty in December 2024 by lever point, mean over {args.scenarios} "
              f"scenarios of {args.households:,} households:")
        print(by_policy.to_string())

    y = np.asarray(outcomes["band_2024_12"]) > 0.5
    if y.any():
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            box = prim.Prim(experiments[["prakerja_scale", "padat_karya_scale"]], y).find_box()
        print("PRIM, band_2024_12:")
        print(box.peeling_trajectory[["coverage", "density", "mass"]].to_string())
    else:
        print("PRIM, band_2024_12: no experiment reaches the 0-1% band, so there is no box.")
    return by_policy


if __name__ == "__main__":
    main()
