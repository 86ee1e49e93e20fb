"""Write ``calibrated/``: a made-up posterior in the calibration's layout, for tests.

``posterior.csv`` (60 weighted draws of five parameters), its sidecar ``posterior.json``
(``posterior_sha256``) and the priors they were "drawn" under, ``priors.yaml``. The values are
random numbers around the baseline, not a calibration: they exist so that ``povsim run
--posterior`` can be tested (and its intervals widened) before the calibration's own
posterior lands. Rerun with ``python tests/cases/posteriors/make_calibrated.py``; the files
are the same on every run.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent / "calibrated"
# path: (baseline value, prior low, prior high, posterior sd)
PRIORS = {
    "labour.earnings.informal_output_elasticity": (0.8, 0.4, 1.2, 0.12),
    "households.consumption.other_income_growth_elasticity": (0.8, 0.4, 1.2, 0.12),
    "labour.matching.efficiency": (0.16, 0.10, 0.25, 0.015),
    "households.consumption.risk_sharing_share": (0.5, 0.3, 0.7, 0.05),
    "targeting.registry.rank_correlation": (0.455, 0.3, 0.6, 0.04),
}
DRAWS = 60


def main() -> None:
    rng = np.random.default_rng(20240301)
    HERE.mkdir(exist_ok=True)
    cols = {}
    for path, (mid, lo, hi, sd) in PRIORS.items():
        cols[path] = np.clip(rng.normal(mid, sd, DRAWS), lo, hi)
    weights = rng.gamma(4.0, 1.0, DRAWS)
    weights /= weights.sum()
    lines = ["draw," + ",".join(PRIORS) + ",weight"]
    for i in range(DRAWS):
        vals = ",".join(f"{cols[p][i]:.6g}" for p in PRIORS)
        lines.append(f"{i},{vals},{weights[i]:.8f}")
    text = "\n".join(lines) + "\n"
    (HERE / "posterior.csv").write_text(text, encoding="utf-8")
    (HERE / "posterior.json").write_text(json.dumps({
        "posterior_sha256": hashlib.sha256(text.encode("utf-8")).hexdigest(),
        "method": "none: made-up draws for tests (tests/cases/posteriors/make_calibrated.py)",
    }, indent=2) + "\n", encoding="utf-8")
    prior_lines = ["# Made-up priors for the test posterior beside this file (not a calibration).",
                   "parameters:"]
    for path, (_, lo, hi, _) in PRIORS.items():
        prior_lines += [f"  - path: {path}", "    distribution: uniform", f"    low: {lo}",
                        f"    high: {hi}"]
    (HERE / "priors.yaml").write_text("\n".join(prior_lines) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
