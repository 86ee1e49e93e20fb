"""Global sensitivity of a sweep's outcome to its uncertain inputs, with SALib.

:func:`analyse` reads a complete sweep folder whose uncertainties were sampled with the
``sobol`` design (SALib's Saltelli sample) or the ``morris`` design, and computes, for each
lever point separately (usually one), with SALib:

- ``sobol``: first-order (``S1``) and total (``ST``) Sobol indices and their 95% bootstrap
  confidence half-widths (``S1_conf``, ``ST_conf``; 1,000 resamples), from
  :func:`SALib.analyze.sobol.analyze` (second-order ``S2`` too with ``second_order: true``);
- ``morris``: elementary effects: ``mu``, ``mu_star`` (mean absolute effect, the ranking
  measure), ``mu_star_conf`` (95% bootstrap half-width) and ``sigma``, from
  :func:`SALib.analyze.morris.analyze`.

With replications, each point's outcome is the mean over its replications (the model's own
noise is averaged, not attributed to an input). It writes ``sensitivity.csv`` (one row per
lever point x input), ``sensitivity.json`` and ``sensitivity.png`` (a bar chart with the
confidence intervals) into the folder.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from simulation.errors import InputError
from simulation.sweeps import results as sr

DEFAULT_OUTCOME = "extreme_poverty_rate_2024_12"
CONF_LEVEL = 0.95
RESAMPLES = 1000


def _salib():
    try:
        from SALib.analyze import morris, sobol
    except ImportError:
        raise InputError("<command line>", "sensitivity", "SALib installed (pip install -e "
                         "'.[analysis]')") from None
    return sobol, morris


def analyse(folder: Path | str, outcome: str | None = None, write: bool = True) -> dict:
    """Sobol or Morris indices of ``outcome`` over the sweep's uncertain inputs.

    Returns:
        ``{"method", "outcome", "inputs", "table": [rows], "by_lever_point": [...]}``; each row
        ``{"lever_point", "input", "label", ...indices}``.

    Raises:
        InputError: for a folder that is not a complete sweep, a design that is not Sobol or
            Morris, an unknown outcome or failed runs.
    """
    analyze_sobol, analyze_morris = _salib()
    record, runs = sr.read_sweep(folder, complete=True)
    design = record["design"]["uncertainties"]
    method = design["sampler"]
    if method not in ("sobol", "morris"):
        raise InputError(str(folder), "design.uncertainties.sampler", "a sweep whose "
                         "uncertainties were sampled with the sobol or morris design",
                         method)
    numeric = [o["name"] for o in record["outcomes"]]
    outcome = outcome or (DEFAULT_OUTCOME if DEFAULT_OUTCOME in numeric else numeric[0])
    if outcome not in numeric:
        raise InputError("<command line>", "--outcome", "an outcome of the sweep: "
                         + ", ".join(numeric), outcome)
    failed = runs[(runs["error"].fillna("") != "") | runs[outcome].isna()]
    if len(failed):
        raise InputError(str(folder), "runs.csv", "a sweep whose runs all succeeded (Sobol and "
                         f"Morris need every point; {len(failed):,} failed, the first run "
                         f"{int(failed['run'].iloc[0])})")
    unc = [i for i in record["inputs"] if i["kind"] == "uncertainty"
           and i["source"] in ("range", "values")]
    problem = {"num_vars": len(unc), "names": [i["name"] for i in unc],
               "bounds": [list(i["range"]) for i in unc]}
    seed = int(record["seed"]) % 2**32
    rows, details = [], []
    for lp, group in runs.groupby("lever_point", sort=True):
        per_point = group.groupby("uncertainty_point", sort=True)
        y = per_point[outcome].mean().to_numpy(dtype=np.float64)
        if method == "sobol":
            res = analyze_sobol.analyze(problem, y, calc_second_order=bool(
                design.get("second_order", False)), num_resamples=RESAMPLES,
                conf_level=CONF_LEVEL, seed=seed, print_to_console=False)
            keys = ("S1", "S1_conf", "ST", "ST_conf")
        else:
            x = per_point[[i["name"] for i in unc]].first().to_numpy(dtype=np.float64)
            res = analyze_morris.analyze(problem, x, y, num_resamples=RESAMPLES,
                                         conf_level=CONF_LEVEL, num_levels=int(design["levels"]),
                                         seed=seed, print_to_console=False)
            keys = ("mu", "mu_star", "mu_star_conf", "sigma")
        for k, inp in enumerate(unc):
            rows.append({"lever_point": int(lp), "input": inp["name"], "path": inp["path"],
                         "label": inp["label"],
                         **{key: float(np.asarray(res[key])[k]) for key in keys}})
        detail = {"lever_point": int(lp), "points": int(len(y)),
                  "outcome_mean": float(np.mean(y)), "outcome_sd": float(np.std(y))}
        if method == "sobol" and design.get("second_order"):
            detail["S2"] = np.asarray(res["S2"]).tolist()
            detail["S2_conf"] = np.asarray(res["S2_conf"]).tolist()
        details.append(detail)
    rank = "ST" if method == "sobol" else "mu_star"
    table = (pd.DataFrame(rows).sort_values(["lever_point", rank], ascending=[True, False])
             .reset_index(drop=True))
    out = {
        "method": method, "outcome": outcome,
        "outcome_label": next(o["label"] for o in record["outcomes"] if o["name"] == outcome),
        "rank_by": rank, "conf_level": CONF_LEVEL, "num_resamples": RESAMPLES,
        "inputs": problem["names"], "table": table.to_dict(orient="records"),
        "by_lever_point": details, "sweep_digest": record["digest"],
    }
    if write:
        folder = Path(folder)
        table.to_csv(folder / "sensitivity.csv", index=False)
        sr.write_json(folder / "sensitivity.json", out)
        bar_chart(table, method, out["outcome_label"]).savefig(folder / "sensitivity.png",
                                                             dpi=120, bbox_inches="tight")
    return out


def bar_chart(table: pd.DataFrame, method: str, outcome_label: str):
    """Bars of the indices with their confidence intervals, one panel per lever point (<= 4)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    points = sorted(table["lever_point"].unique())[:4]
    fig, axes = plt.subplots(1, len(points), figsize=(6.5 * len(points), 0.45 * (
        table["input"].nunique()) + 1.8), squeeze=False)
    for ax, lp in zip(axes[0], points, strict=False):
        t = table[table["lever_point"] == lp].iloc[::-1]
        pos = np.arange(len(t))
        if method == "sobol":
            ax.barh(pos + 0.2, t["ST"], 0.4, xerr=t["ST_conf"], label="total (ST)",
                    color="#1f77b4", capsize=3)
            ax.barh(pos - 0.2, t["S1"], 0.4, xerr=t["S1_conf"], label="first order (S1)",
                    color="#ff7f0e", capsize=3)
            ax.set_xlabel("Sobol index (95% CI)")
        else:
            ax.barh(pos, t["mu_star"], 0.6, xerr=t["mu_star_conf"], color="#1f77b4",
                    capsize=3, label="mu* (mean |elementary effect|)")
            ax.set_xlabel("Morris mu* (95% CI)")
        ax.set_yticks(pos, [str(x) for x in t["input"]])
        ax.axvline(0, color="grey", lw=0.8)
        ax.legend(loc="lower right", fontsize=8)
        ax.set_title(f"Lever point {lp}" if len(points) > 1 else "", fontsize=9)
    fig.suptitle(f"Sensitivity of {outcome_label}", fontsize=10)
    fig.tight_layout()
    return fig


def format_table(res: dict) -> str:
    """The indices as a text table."""
    method = res["method"]
    cols = (("S1", "S1_conf", "ST", "ST_conf") if method == "sobol"
            else ("mu_star", "mu_star_conf", "mu", "sigma"))
    lines = [f"{'Sobol indices' if method == 'sobol' else 'Morris elementary effects'} of "
             f"{res['outcome_label']} ({int(100 * res['conf_level'])}% CI half-widths)"]
    table = res["table"]
    width = max([len("input"), *(len(r["input"]) for r in table)])
    lines.append(f"  {'lever pt':>8}  {'input':<{width}}  " + "  ".join(f"{c:>12}"
                                                                    for c in cols))
    for r in table:
        lines.append(f"  {r['lever_point']:>8}  {r['input']:<{width}}  "
                     + "  ".join(f"{r[c]:>12.4g}" for c in cols))
    return "\n".join(lines)


__all__ = ["DEFAULT_OUTCOME", "analyse", "bar_chart", "format_table"]
