"""What it would have taken: the cheapest lever sizes that reach a 2024 target, by a search.

``povsim search SEARCH.yaml [--out DIR] [--resume] [--workers N] [--posterior FILE]`` runs,
for each decision date, sweeps of the sweep machinery (:mod:`simulation.sweeps`) and picks,
per target x target month x decision date, the cheapest lever combination whose probability
of reaching the target is at least ``probability`` (default 0.8). A search file::

    name: what_it_takes
    description: ...
    base: ../baseline.yaml            # the world without the extra effort; also the
                                      # counterfactual (cost and persons lifted against it)
    households: 10000
    replications: 1
    seed: 20220701
    decision_dates: [2022-07, 2023-09]
    target_months: [2024-03, 2024-12]
    probability: 0.8
    extra_policies:                   # added to the base from each decision date (their
      - type: vocational_training     # start is the decision date), sized by the levers
        label: prakerja_extra
        programme: prakerja
        scale: 0
    levers:                           # sweep levers: policy:LABEL.ARG of the base or of an
      prakerja_scale:                 # extra policy, or a dotted parameter path changed from
        path: policy:prakerja_extra.scale   # the decision date (change: set or add)
        range: [0, 2]
        reason: ...
      targeting_gain:
        path: targeting.registry.rank_correlation
        change: add
        range: [0, 0.375]
    uncertainties:                    # as a sweep's; a posterior: FILE entry draws its rows
      calibrated: {posterior: ../../calibration/posterior.csv}
    design:
      levers: {sampler: latin_hypercube, n: 12}
      uncertainties: {sampler: posterior, n: 6}
    refine: {candidates: 4, uncertainty_points: 8, shrink: [0.5, 0.75]}

**Stage 1** is one sweep per decision date (folder ``<date>/stage1``): the lever design x
the uncertainty design, persons lifted and cost against the base with the same seeds and
posterior draws (common random numbers). **Stage 2**, the refinement near the frontier
(``<date>/stage2``, a ``points`` design with its own seeds and draws): for every target and
month, the cheapest points whose probability is within two Monte Carlo errors of the
threshold or above it get more uncertainty points, and the cheapest reaching point is also
run shrunk towards the levers' lower ends (``shrink`` factors), which finds cheaper
combinations the first design missed. The table then pools both stages per lever point.

Targets: ``band`` (extreme poverty at or below 1%) and ``zero`` (below 0.005%, 0.00% as BPS
rounds). Cost: the booked spending of all programmes above the base's, from the decision
date through the target month (mean over the point's runs). Everything is checked before
anything is written; a bad search file is one line and exit status 2.
"""

from __future__ import annotations

import json
import math
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from simulation import inputs
from simulation.errors import InputError
from simulation.parameter_set import month_index

FORMAT = "povsim-search/1"
TARGETS = {"band": "Extreme poverty at or below 1%",
           "zero": "Extreme poverty 0.00% as BPS rounds (below 0.005%)"}
_KEYS = ("name", "description", "base", "households", "replications", "seed", "end",
         "decision_dates", "target_months", "probability", "extra_policies", "levers",
         "uncertainties", "design", "refine")
_REQUIRED = ("description", "base", "households", "decision_dates", "levers", "design")
_REFINE_KEYS = ("candidates", "uncertainty_points", "shrink")
TABLE = "what_it_takes"


@dataclass
class Search:
    """A checked search file.

    Attributes:
        name: The search's name.
        description: What it asks.
        file: The search file.
        decision_dates: ``YYYY-MM`` months the extra effort starts.
        target_months: ``YYYY-MM`` months the targets are read.
        probability: The least probability of reaching a target.
        levers: The lever entries (as written, for the sweeps).
        sweeps: One stage-1 sweep per decision date.
        refine: ``{candidates, uncertainty_points, shrink}`` or None.
        content: The file's content (and the posterior override), for the digest.
        stage2_data: Per decision date, the sweep mapping stage 2 starts from.
    """

    name: str
    description: str
    file: str
    decision_dates: tuple[str, ...]
    target_months: tuple[str, ...]
    probability: float
    levers: tuple[str, ...]
    sweeps: dict[str, Any]
    refine: dict | None
    content: dict
    stage2_data: dict[str, dict] = field(default_factory=dict)
    posterior_file: str | None = None

    @property
    def digest(self) -> str:
        """SHA-256 of the stage-1 sweeps' digests and the search settings."""
        from simulation.sweeps.spec import digest

        return digest({"sweeps": {d: s.digest for d, s in self.sweeps.items()},
                       "refine": self.refine, "probability": self.probability,
                       "target_months": list(self.target_months)})


def _months(value: Any, file: str, key: str, first: str, last: str, what: str) -> tuple:
    if not isinstance(value, list) or not value:
        raise InputError(file, key, f"a non-empty list of months (YYYY-MM), {what}", value)
    out = []
    for i, v in enumerate(value):
        m = inputs.parse_month(v, file=file, key=f"{key}[{i}]", first=month_index(first),
                               last=month_index(last), what="a month")
        label = f"{m // 12}-{m % 12 + 1:02d}"
        if label in out:
            raise InputError(file, f"{key}[{i}]", "each month once", v)
        out.append(label)
    return tuple(sorted(out))


def _refine(value: Any, file: str) -> dict | None:
    if value is None:
        return None
    if not isinstance(value, Mapping):
        raise InputError(file, "refine", "a mapping {candidates, uncertainty_points, shrink} "
                         "or null", value)
    for k in value:
        if k not in _REFINE_KEYS:
            raise InputError(file, f"refine.{k}", f"one of the keys {', '.join(_REFINE_KEYS)}")
    cand = value.get("candidates", 3)
    if isinstance(cand, bool) or not isinstance(cand, int) or not 1 <= cand <= 100:
        raise InputError(file, "refine.candidates", "an integer from 1 to 100", cand)
    n = value.get("uncertainty_points", 8)
    if isinstance(n, bool) or not isinstance(n, int) or not 1 <= n <= 10_000:
        raise InputError(file, "refine.uncertainty_points", "an integer from 1 to 10,000", n)
    shrink = value.get("shrink", [0.5, 0.75])
    if not isinstance(shrink, list) or any(
            isinstance(x, bool) or not isinstance(x, int | float) or not 0 < x < 1
            for x in shrink):
        raise InputError(file, "refine.shrink", "a list of factors above 0 and below 1", shrink)
    return {"candidates": cand, "uncertainty_points": n, "shrink": sorted(set(shrink))}


def load_search(path: Path | str, *, posterior: str | None = None, yes: bool = False) -> Search:
    """Read and check a search file; build its stage-1 sweeps (one per decision date).

    Args:
        path: The search file.
        posterior: A posterior file replacing the file's ``posterior:`` entry (``none``: the
            file's uncertainties without a posterior entry).
        yes: Allow large sweeps (as ``povsim sweep --yes``).

    Raises:
        InputError: naming the file and the key, for anything wrong.
    """
    from simulation.policies import make_policy
    from simulation.scenarios import load_scenario
    from simulation.sweeps.load import _resolve, sweep_from_mapping

    path = Path(path)
    file = str(path)
    data = inputs.read_yaml(path)
    if not isinstance(data, Mapping):
        raise InputError(file, "<file>", f"a mapping with keys {', '.join(_KEYS)}", data)
    for k in data:
        if k not in _KEYS:
            raise InputError(file, k, f"one of the keys {', '.join(_KEYS)}")
    for k in _REQUIRED:
        if k not in data:
            raise InputError(file, k, "this key to be present")
    name = inputs.check_name(data.get("name", path.stem), file=file, key="name")
    end = data.get("end", "2024-12")
    from simulation.experiments import check_end

    end = check_end(end, file=file, key="end")
    dates = _months(data["decision_dates"], file, "decision_dates", "2021-04", end,
                    "when the extra effort starts")
    months = _months(data.get("target_months", ["2024-03", "2024-12"]), file, "target_months",
                     "2021-04", end, "when the targets are read")
    for d in dates:
        if d > months[-1]:
            raise InputError(file, "decision_dates", f"decision dates before the last target "
                             f"month ({months[-1]})", d)
    prob = data.get("probability", 0.8)
    if isinstance(prob, bool) or not isinstance(prob, int | float) or not 0 < prob <= 1:
        raise InputError(file, "probability", "a probability above 0 and at most 1", prob)
    refine = _refine(data.get("refine"), file)
    extra = data.get("extra_policies") or []
    if not isinstance(extra, list):
        raise InputError(file, "extra_policies", "a list of policies (as in a scenario file)",
                         extra)
    for i, spec in enumerate(extra):
        if isinstance(spec, Mapping) and "start" in spec:
            raise InputError(file, f"extra_policies[{i}].start", "no start: (each extra policy "
                             "starts at the decision date)", spec["start"])
        make_policy(dict(spec) if isinstance(spec, Mapping) else spec, file=file,
                    key=f"extra_policies[{i}]")
    base = load_scenario(_resolve(data["base"], path.parent, file, "base"))
    levers = data["levers"]
    if not isinstance(levers, Mapping) or not levers:
        raise InputError(file, "levers", "a mapping of lever names to {path, range or values}",
                         levers)
    unc = data.get("uncertainties") or {}
    if not isinstance(unc, Mapping):
        raise InputError(file, "uncertainties", "a mapping of input names to {path, range or "
                         "values} or {posterior: FILE}", unc)
    unc = dict(unc)
    design = data["design"]
    if posterior is not None:
        names = [k for k, e in unc.items() if isinstance(e, Mapping) and "posterior" in e]
        for k in names:
            del unc[k]
        if posterior != "none":
            p = Path(posterior)
            unc["calibrated"] = {"posterior": str(p if p.is_absolute() else
                                                  Path(os.path.abspath(p)))}
        elif isinstance(design, Mapping) and isinstance(design.get("uncertainties"), Mapping) \
                and design["uncertainties"].get("sampler") == "posterior" and names:
            raise InputError("<command line>", "--posterior", "a posterior file (the search "
                             "file's design draws from a posterior)", posterior)
    sweeps, stage2 = {}, {}
    for d in dates:
        added = [{**dict(spec), "start": d} for spec in extra]
        try:
            sc = base.with_policies(add=added, name=f"{base.name}_from_{d.replace('-', '_')}",
                                    description=f"{base.description} Extra effort from {d}.")
        except InputError as exc:
            raise InputError(file, "extra_policies", exc.expected, exc.got) from None
        lev = {}
        for k, e in levers.items():
            if isinstance(e, Mapping) and not str(e.get("path", "")).startswith("policy:"):
                if "from" in e:
                    raise InputError(file, f"levers.{k}.from", "no from: (a parameter lever "
                                     "changes from each decision date)", e["from"])
                e = {**dict(e), "from": d}
            lev[k] = e
        outcomes = [f"{m}_{t.replace('-', '_')}" for t in months
                    for m in ("band", "zero", "cost", "persons_lifted", "extreme_poverty_rate")]
        mapping = {"name": f"{name}_{d.replace('-', '_')}", "description": data["description"],
                   "base": sc, "counterfactual": base, "households": data["households"],
                   "replications": data.get("replications", 1),
                   "seed": data.get("seed", 20210301), "end": end, "levers": lev,
                   "uncertainties": unc, "design": design, "outcomes": outcomes,
                   "cost_from": d}
        sweeps[d] = sweep_from_mapping(mapping, file, path.parent, name, yes=yes)
        stage2[d] = mapping
    desc = data["description"]
    if not isinstance(desc, str):
        raise InputError(file, "description", "text", desc)
    post = next(iter(sweeps.values())).spec.posterior
    return Search(name=name, description=" ".join(desc.split()), file=file,
                  decision_dates=dates, target_months=months, probability=float(prob),
                  levers=tuple(levers), sweeps=sweeps, refine=refine,
                  content={"file": dict(data), "posterior": posterior},
                  stage2_data=stage2, posterior_file=post.file if post else None)


# --------------------------------------------------------------------------------------------
# The frontier
# --------------------------------------------------------------------------------------------
def mc_error(p: float, n: int) -> float:
    """Monte Carlo (binomial) standard error of a probability estimated from ``n`` runs."""
    return math.sqrt(max(p * (1.0 - p), 0.0) / n) if n > 0 else float("nan")


def summarise_points(runs: pd.DataFrame, levers: list[str], months: tuple[str, ...]
                     ) -> pd.DataFrame:
    """One row per lever point, pooled over stages.

    Columns: the levers, runs, P(target) per target and month with its MC error, mean cost,
    mean and 5-95% persons lifted, median extreme poverty. Failed runs (with an ``error``)
    are left out.
    """
    ok = runs[runs["error"].fillna("") == ""]
    rows = []
    for key, g in ok.groupby(levers, sort=True):
        key = key if isinstance(key, tuple) else (key,)
        row: dict[str, Any] = dict(zip(levers, (float(k) for k in key), strict=True))
        row["runs"] = len(g)
        for t in months:
            m = t.replace("-", "_")
            for target in TARGETS:
                p = float(g[f"{target}_{m}"].mean())
                row[f"p_{target}_{m}"] = p
                row[f"p_{target}_{m}_mc_error"] = mc_error(p, len(g))
            row[f"cost_{m}"] = float(g[f"cost_{m}"].mean())
            lifted = g[f"persons_lifted_{m}"].to_numpy(dtype=float)
            row[f"persons_lifted_{m}"] = float(lifted.mean())
            row[f"persons_lifted_{m}_p05"] = float(np.percentile(lifted, 5))
            row[f"persons_lifted_{m}_p95"] = float(np.percentile(lifted, 95))
            row[f"extreme_poverty_rate_{m}_median"] = float(
                g[f"extreme_poverty_rate_{m}"].median())
        rows.append(row)
    return pd.DataFrame(rows)


def frontier(points: pd.DataFrame, levers: list[str], p_col: str, cost_col: str,
             threshold: float) -> dict:
    """The cheapest point whose probability ``p_col`` is at least ``threshold``.

    Ties in cost go to the higher probability, then to the smaller lever values (in lever
    order). When no point reaches, the point of the highest probability (ties: the cheaper)
    is returned with ``reached`` False.

    Returns:
        ``{"reached": bool, "index": row label in points, "row": the row as a dict}`` (index
        None for an empty table).
    """
    if points.empty:
        return {"reached": False, "index": None, "row": None}
    reach = points[points[p_col] >= threshold - 1e-12]
    if len(reach):
        order = reach.sort_values([cost_col, p_col, *levers],
                                  ascending=[True, False, *([True] * len(levers))],
                                  kind="mergesort")
        i = order.index[0]
        return {"reached": True, "index": i, "row": points.loc[i].to_dict()}
    order = points.sort_values([p_col, cost_col, *levers],
                               ascending=[False, True, *([True] * len(levers))],
                               kind="mergesort")
    i = order.index[0]
    return {"reached": False, "index": i, "row": points.loc[i].to_dict()}


def refinement_points(points: pd.DataFrame, levers: list[str], lows: dict[str, float],
                      months: tuple[str, ...], threshold: float, refine: dict
                      ) -> list[tuple[float, ...]]:
    """Stage 2's lever points: near the frontier of every target and month.

    For each target and month: the ``candidates`` cheapest points whose probability is at
    least the threshold less two Monte Carlo errors (the best-probability point when none is),
    and the cheapest reaching point shrunk towards the levers' lower ends by each ``shrink``
    factor (``low + f (x - low)``). Sorted, each once.
    """
    out: set[tuple[float, ...]] = set()
    for t in months:
        m = t.replace("-", "_")
        for target in TARGETS:
            p_col, cost_col = f"p_{target}_{m}", f"cost_{m}"
            near = points[points[p_col] + 2 * points[f"{p_col}_mc_error"] >= threshold]
            near = near.sort_values([cost_col, *levers], kind="mergesort")
            chosen = near.head(refine["candidates"])
            if chosen.empty:
                best = frontier(points, levers, p_col, cost_col, threshold)
                chosen = points.loc[[best["index"]]] if best["index"] is not None else chosen
            for _, r in chosen.iterrows():
                out.add(tuple(float(r[k]) for k in levers))
            best = frontier(points, levers, p_col, cost_col, threshold)
            if best["reached"]:
                for f in refine["shrink"]:
                    out.add(tuple(float(lows[k] + f * (best["row"][k] - lows[k]))
                                  for k in levers))
    return sorted(out)


# --------------------------------------------------------------------------------------------
# Running
# --------------------------------------------------------------------------------------------
def _stage2_seed(seed: int) -> int:
    state = np.random.SeedSequence(seed, spawn_key=(0x5E, 2)).generate_state(1, np.uint64)
    return int(state[0] >> np.uint64(1))


def _stage2_sweep(search: Search, d: str, pts: list[tuple[float, ...]]):
    from simulation.sweeps.load import sweep_from_mapping

    data = dict(search.stage2_data[d])
    design = dict(data["design"])
    unc = dict(design.get("uncertainties") or {})
    if unc.get("sampler") in ("latin_hypercube", "posterior"):
        unc["n"] = search.refine["uncertainty_points"]
    design["uncertainties"] = unc
    design["levers"] = {"sampler": "points", "points": [
        dict(zip(search.levers, p, strict=True)) for p in pts]}
    data["design"] = design
    data["seed"] = _stage2_seed(int(data["seed"]))
    data["name"] = f"{data['name']}_refine"
    path = Path(search.file)
    return sweep_from_mapping(data, search.file, path.parent, path.stem, yes=True)


def _levers_of(sweep) -> list[str]:
    return [i.name for i in sweep.spec.levers]


def _read_runs(folder: Path) -> pd.DataFrame:
    from simulation.sweeps.results import read_sweep

    return read_sweep(folder, complete=True)[1]


def _baseline(folder: Path, months: tuple[str, ...]) -> dict:
    cf = pd.read_csv(folder / "counterfactual.csv", dtype={"error": str},
                     keep_default_na=False, na_values={"": [""]})
    cf = cf[cf["error"].fillna("") == ""]
    out = {}
    for t in months:
        m = t.replace("-", "_")
        rate = cf[f"extreme_poverty_rate_{m}"].astype(float)
        n = len(rate)
        pb = float((rate <= 0.01).mean())
        pz = float((np.round(rate * 100, 2) == 0).mean())
        out[m] = {"spending": float(cf[f"spending_window_{m}"].astype(float).mean()),
                  "p_band": pb, "p_band_mc_error": mc_error(pb, n),
                  "p_zero": pz, "p_zero_mc_error": mc_error(pz, n), "runs": n,
                  "extreme_poverty_rate_median": float(rate.median())}
    return out


def run_search(search: Search, out: Path | str, *, workers: int = 1, resume: bool = False,
               progress: bool = False, command_line: str = "", log=None) -> dict:
    """Run a search into ``out``; return the table's rows (see the module docstring)."""
    from simulation.sweeps.runner import run_sweep

    out = Path(out)
    folder = _check_folder(out, search, resume)
    folder.mkdir(parents=True, exist_ok=True)
    record = {"format": FORMAT, "name": search.name, "description": search.description,
              "file": search.file, "digest": search.digest, "content": search.content,
              "decision_dates": list(search.decision_dates),
              "target_months": list(search.target_months), "probability": search.probability,
              "refine": search.refine, "posterior": search.posterior_file,
              "command_line": command_line}
    if not (folder / "search.json").exists():
        _write(folder / "search.json", json.dumps(record, indent=1, default=str) + "\n")
    rows, all_points = [], []
    for d in search.decision_dates:
        sweep = search.sweeps[d]
        levers = _levers_of(sweep)
        stage1 = folder / d / "stage1"
        run_sweep(sweep, stage1, workers=workers, resume=stage1.exists(), progress=progress,
                  command_line=command_line, log=log)
        runs = [_read_runs(stage1)]
        baseline = _baseline(stage1, search.target_months)
        if search.refine is not None:
            pts = summarise_points(runs[0], levers, search.target_months)
            lows = {i.name: i.low for i in sweep.spec.levers}
            cand = refinement_points(pts, levers, lows, search.target_months,
                                     search.probability, search.refine)
            stage2 = folder / d / "stage2"
            s2 = _stage2_sweep(search, d, cand)
            run_sweep(s2, stage2, workers=workers, resume=stage2.exists(), progress=progress,
                      command_line=command_line, log=log)
            runs.append(_read_runs(stage2))
            b2 = _baseline(stage2, search.target_months)
            for m, b in baseline.items():  # pool the baseline's runs of both stages
                n1, n2 = b["runs"], b2[m]["runs"]
                for k in ("spending", "p_band", "p_zero", "extreme_poverty_rate_median"):
                    b[k] = (b[k] * n1 + b2[m][k] * n2) / (n1 + n2)
                b["runs"] = n1 + n2
                b["p_band_mc_error"] = mc_error(b["p_band"], n1 + n2)
                b["p_zero_mc_error"] = mc_error(b["p_zero"], n1 + n2)
        pooled = pd.concat(runs, ignore_index=True)
        points = summarise_points(pooled, levers, search.target_months)
        points.insert(0, "decision_date", d)
        all_points.append(points)
        rows.extend(table_rows(points, levers, d, search.target_months, search.probability,
                               baseline))
    table = pd.DataFrame(rows)
    pd.concat(all_points, ignore_index=True).to_csv(folder / "points.csv", index=False)
    table.to_csv(folder / f"{TABLE}.csv", index=False)
    _write(folder / f"{TABLE}.md", markdown(table, search))
    return {"table": table, "folder": folder}


def table_rows(points: pd.DataFrame, levers: list[str], d: str, months: tuple[str, ...],
               threshold: float, baseline: dict) -> list[dict]:
    """The table's rows of one decision date: per target and month, the frontier point."""
    rows = []
    for t in months:
        m = t.replace("-", "_")
        for target in TARGETS:
            p_col, cost_col = f"p_{target}_{m}", f"cost_{m}"
            best = frontier(points, levers, p_col, cost_col, threshold)
            r = best["row"] or {}
            b = baseline[m]
            rows.append({
                "decision_date": d, "target": target, "target_label": TARGETS[target],
                "month": t, "reached": bool(best["reached"]),
                **{k: r.get(k) for k in levers},
                "cost_rp": r.get(cost_col), "baseline_spending_rp": b["spending"],
                "p_target": r.get(p_col), "p_target_mc_error": r.get(f"{p_col}_mc_error"),
                "runs": r.get("runs"),
                "persons_lifted": r.get(f"persons_lifted_{m}"),
                "persons_lifted_p05": r.get(f"persons_lifted_{m}_p05"),
                "persons_lifted_p95": r.get(f"persons_lifted_{m}_p95"),
                "extreme_poverty_rate_median": r.get(f"extreme_poverty_rate_{m}_median"),
                "baseline_p_target": b[f"p_{target}"],
                "baseline_p_target_mc_error": b[f"p_{target}_mc_error"],
                "baseline_extreme_poverty_rate_median": b["extreme_poverty_rate_median"],
                "points_searched": len(points),
            })
    return rows


def _fmt_rp(x: Any) -> str:
    if x is None or (isinstance(x, float) and not math.isfinite(x)):
        return "-"
    return f"{x / 1e12:,.1f}"


def markdown(table: pd.DataFrame, search: Search) -> str:
    """The table in Markdown: one row per decision date x target x month."""
    levers = list(search.levers)
    head = ["decision", "target", "month", "reached", *levers, "cost Rp T",
            "baseline spending Rp T", "P(target) ± MC", "runs", "persons lifted (p05-p95)",
            "median extreme poverty"]
    lines = [f"# {search.name}: what it would have taken", "",
             f"{search.description}", "",
             f"Threshold P >= {search.probability:g}. Cost: booked spending above the baseline "
             "from the decision date through the target month (Rp trillion, mean over runs). "
             "P(target): share of runs (posterior draws x seeds) reaching the target; MC: its "
             "binomial standard error. Persons lifted: against the baseline with the same "
             "seeds and posterior draws (mean, 5-95% over runs). Where no point reaches the "
             "threshold the row shows the best point found.", "",
             "| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for _, r in table.iterrows():
        reached = "yes" if r["reached"] else "**not reached** (best found)"
        lev = [("-" if pd.isna(r[k]) else f"{r[k]:,.3g}") for k in levers]
        p = "-" if pd.isna(r["p_target"]) else f"{r['p_target']:.2f} ± {r['p_target_mc_error']:.2f}"
        lifted = ("-" if pd.isna(r["persons_lifted"]) else
                  f"{r['persons_lifted']:,.0f} ({r['persons_lifted_p05']:,.0f} to "
                  f"{r['persons_lifted_p95']:,.0f})")
        rate = ("-" if pd.isna(r["extreme_poverty_rate_median"]) else
                f"{100 * r['extreme_poverty_rate_median']:.2f}% (baseline "
                f"{100 * r['baseline_extreme_poverty_rate_median']:.2f}%, P "
                f"{r['baseline_p_target']:.2f})")
        lines.append("| " + " | ".join([r["decision_date"], r["target"], r["month"], reached,
                                        *lev, _fmt_rp(r["cost_rp"]),
                                        _fmt_rp(r["baseline_spending_rp"]), p,
                                        str(int(r["runs"])) if not pd.isna(r["runs"]) else "-",
                                        lifted, rate]) + " |")
    return "\n".join(lines) + "\n"


def _write(path: Path, text: str) -> None:
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


def _check_folder(out: Path, search: Search, resume: bool) -> Path:
    """New or empty; with ``resume``, also a folder of this same search."""
    def foreign(folder: Path, names: list[str]) -> list[str]:
        if not resume or "search.json" not in names:
            return names
        own = set(search.decision_dates) | {"search.json", "points.csv", f"{TABLE}.csv",
                                            f"{TABLE}.md"}
        return [n for n in names if n not in own and not n.endswith(".tmp")]

    folder = inputs.check_out_dir(out, file="<command line>", key="--out", foreign=foreign)
    path = Path(folder) / "search.json"
    if path.exists():
        try:
            found = json.loads(inputs.read_text(path))
        except (InputError, ValueError):
            found = {}
        if not isinstance(found, dict) or found.get("digest") != search.digest:
            raise InputError(str(path), "--resume", "a folder of this same search to resume "
                             "(another search file, base scenario or posterior); use another "
                             "--out", str(out))
    return Path(folder)


def default_out(name: str) -> Path:
    """``outputs/search-<name>-<YYYYmmdd-HHMMSS>``."""
    import time

    return Path("outputs") / f"search-{name}-{time.strftime('%Y%m%d-%H%M%S')}"


__all__ = ["Search", "TARGETS", "frontier", "load_search", "markdown", "mc_error",
           "refinement_points", "run_search", "summarise_points", "table_rows"]
