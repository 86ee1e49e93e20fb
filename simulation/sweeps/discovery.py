"""Scenario discovery: PRIM boxes of lever values where the extreme-poverty target is reached.

:func:`discover` reads a sweep folder and runs the EMA Workbench's PRIM
(:class:`ema_workbench.analysis.prim.Prim`) with the sweep's levers as ``x`` and a 0/1 outcome
(default ``band_2024_12``: extreme poverty at or below 1% in December 2024) as ``y``. The runs
inside a box span the uncertainty points and replications of its lever points, so a box's
*density* (the share of its runs that reach the band) is the probability of reaching it given
levers in the box, over the sweep's uncertainty; its *coverage* is the share of all runs
reaching the band that fall inside it. For each box PRIM finds (at most :data:`MAX_BOXES`), the
point of its peeling trajectory kept is the one of highest coverage whose density is at least
the threshold (0.8); a box with no such point is reported with ``reaches_threshold: false``
and its densest point. ``discovery.json`` holds the boxes, their trajectories and the counts.
"""

from __future__ import annotations

import logging
import warnings
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from simulation.errors import InputError
from simulation.sweeps import results as sr

MAX_BOXES = 3
DEFAULT_TARGET = "band_2024_12"


def _prim():
    try:
        with warnings.catch_warnings():  # "ipyparallel not installed": not used here
            warnings.simplefilter("ignore", UserWarning)
            from ema_workbench.analysis import prim
    except ImportError:
        raise InputError("<command line>", "discover", "the EMA Workbench installed (pip "
                         "install -e '.[analysis]')") from None
    logging.getLogger("EMA").setLevel(logging.WARNING)
    return prim


def find_boxes(x: pd.DataFrame, y: np.ndarray, threshold: float,
               max_boxes: int = MAX_BOXES) -> list[dict]:
    """PRIM boxes over ``x`` for the 0/1 ``y``, each at its chosen trajectory point."""
    prim = _prim()
    with warnings.catch_warnings():  # the Workbench's own pandas deprecations
        warnings.simplefilter("ignore", FutureWarning)
        warnings.simplefilter("ignore", DeprecationWarning)
        return _find_boxes(prim, x, y, threshold, max_boxes)


def _find_boxes(prim, x: pd.DataFrame, y: np.ndarray, threshold: float,
                max_boxes: int) -> list[dict]:
    p = prim.Prim(x.astype(np.float64), y.astype(bool))
    boxes: list[dict] = []
    for _ in range(max_boxes):
        if not y.any():
            break
        box = p.find_box()
        if box is None:
            break
        traj = box.peeling_trajectory
        ok = traj[traj["density"] >= threshold - 1e-12]
        reaches = len(ok) > 0
        if reaches:
            i = int(ok.sort_values(["coverage", "density"], ascending=False).index[0])
        else:
            i = int(traj.sort_values(["density", "coverage"], ascending=False).index[0])
        box.select(i)
        lims = box.box_lims[i]
        row = traj.loc[i]
        boxes.append({
            "levers": {c: [float(lims[c].iloc[0]), float(lims[c].iloc[1])] for c in x.columns},
            "restricted": [c for c in x.columns
                           if (float(lims[c].iloc[0]), float(lims[c].iloc[1]))
                           != (float(x[c].min()), float(x[c].max()))],
            "coverage": float(row["coverage"]), "density": float(row["density"]),
            "mass": float(row["mass"]), "n_runs": int(row["n"]),
            "n_target": int(row["k"]), "reaches_threshold": bool(reaches),
            "trajectory_point": i,
            "trajectory": [{k: (float(v) if k in ("coverage", "density", "mass") else int(v))
                            for k, v in r.items() if k in ("coverage", "density", "mass",
                                                            "n", "k", "res_dim")}
                           for _, r in traj.iterrows()],
        })
        if not reaches:
            break  # later boxes start from the rest of the data and reach it even less
    return boxes


def discover(folder: Path | str, target: str | None = None, threshold: float = 0.8,
             write: bool = True) -> dict:
    """Run PRIM over a sweep folder's levers; write and return ``discovery.json``'s content.

    Raises:
        InputError: for a folder that is not a complete sweep, a sweep without levers, or a
            target that is not one of its 0/1 outcomes.
    """
    record, runs = sr.read_sweep(folder, complete=True)
    levers = [i["name"] for i in record["inputs"] if i["kind"] == "lever"]
    if not levers:
        raise InputError(str(folder), "levers", "a sweep with levers to discover boxes over")
    bools = [o["name"] for o in record["outcomes"] if o["type"].startswith("bool")]
    target = DEFAULT_TARGET if target is None else target
    if target not in bools:
        raise InputError("<command line>", "--target", "a 0/1 outcome of the sweep: "
                         + ", ".join(bools), target)
    ok = runs[runs["error"].fillna("") == ""]
    x = ok[levers].astype(np.float64).reset_index(drop=True)
    y = ok[target].astype(np.float64).to_numpy() > 0.5
    boxes = find_boxes(x, y, threshold) if len(ok) else []
    out: dict[str, Any] = {
        "target": target, "threshold": threshold,
        "target_label": next(o["label"] for o in record["outcomes"] if o["name"] == target),
        "levers": levers, "runs": int(len(runs)), "runs_used": int(len(ok)),
        "runs_failed": int(len(runs) - len(ok)), "runs_reaching_target": int(y.sum()),
        "p_target_overall": float(y.mean()) if len(y) else None,
        "reached": any(b["reaches_threshold"] for b in boxes),
        "boxes": boxes,
        "method": ("ema_workbench.analysis.prim.Prim (peel_alpha 0.05, paste_alpha 0.05, "
                   "mass_min 0.05); per box, the trajectory point of highest coverage with "
                   "density >= threshold"),
        "sweep_digest": record["digest"],
    }
    if write:
        sr.write_json(Path(folder) / "discovery.json", out)
    return out


def format_boxes(res: dict) -> str:
    """The boxes as a few lines of text."""
    lines = [f"PRIM over {', '.join(res['levers'])} for {res['target']} "
             f"({res['runs_reaching_target']:,} of {res['runs_used']:,} runs reach it, "
             f"P = {res['p_target_overall'] or 0:.3f}); threshold density {res['threshold']}"]
    if not res["boxes"]:
        lines.append("  no box: no run reaches the target")
    for k, b in enumerate(res["boxes"], start=1):
        head = "reaches" if b["reaches_threshold"] else "does NOT reach"
        lines.append(f"  box {k} ({head} the threshold): coverage {b['coverage']:.3f}, "
                     f"density {b['density']:.3f}, {b['n_runs']:,} runs (mass "
                     f"{b['mass']:.3f})")
        for name, (lo, hi) in b["levers"].items():
            mark = "" if name in b["restricted"] else "  (unrestricted)"
            lines.append(f"    {name}: {lo:,.4g} to {hi:,.4g}{mark}")
    if not res["reached"]:
        lines.append("  No box of lever values reaches the band with probability >= "
                     f"{res['threshold']} in this sweep.")
    return "\n".join(lines)


__all__ = ["DEFAULT_TARGET", "MAX_BOXES", "discover", "find_boxes", "format_boxes"]
