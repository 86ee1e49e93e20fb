"""Reading the folders a report is made from: a run, a sweep, a calibration; published points.

Each reader checks everything before a chart is drawn and raises one
:class:`~simulation.errors.InputError` naming the file, the key and what was expected: a folder
that is not a povsim run (no ``summary.json``, another tool's ``manifest.json``), a truncated
``timeseries.csv`` (a scenario, replication or month missing), a sweep or calibration folder in
another format. Nothing here writes.

The published points the charts mark (BPS extreme poverty, Sakernas unemployment and
informality, up to August 2023) are read from ``published.csv`` beside this module, a copy of
the rows of ``calibration/targets.csv`` they come from (same columns; ``shared_row`` is the row
parameter files cite), so the installed package never reads the repository's data folder.
"""

from __future__ import annotations

import csv
import hashlib
import json
import math
import os
import stat
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from simulation.errors import InputError
from simulation.experiments.settings import (
    ID_COLUMNS,
    RESULT_FILES,
    SPENDING_COLUMNS,
    START,
)
from simulation.parameter_set import month_index, month_label

PUBLISHED = Path(__file__).resolve().parent / "published.csv"
#: Indicators of ``published.csv`` and the timeseries column each is compared with.
PUBLISHED_INDICATORS = {
    "extreme_poverty_rate_usd190_2011ppp": "extreme_poverty_rate",
    "open_unemployment_rate_TPT": "unemployment_rate",
    "informal_employment_share": "informality_rate",
}
#: Columns of timeseries.csv the report reads (besides the identifiers).
USED_COLUMNS = ("extreme_poverty_rate", "extreme_poor_persons", "unemployment_rate",
                "informality_rate")
CSV_MAX_BYTES = 2 * 1024**3
JSON_MAX_BYTES = 256 * 1024**2
RUN_EXPECTED = ("a run folder written by povsim run (" + ", ".join(RESULT_FILES) + ")")


# --------------------------------------------------------------------------------------------
# Files
# --------------------------------------------------------------------------------------------
def _regular_file(path: Path, expected: str, limit: int) -> None:
    try:
        st = os.stat(path)
    except FileNotFoundError:
        raise InputError(str(path), "<file>", expected, "no such file") from None
    except OSError as exc:
        raise InputError(str(path), "<file>", expected, exc.strerror or str(exc)) from None
    if not stat.S_ISREG(st.st_mode):
        raise InputError(str(path), "<file>", f"{expected} (a regular file)")
    if st.st_size > limit:
        raise InputError(str(path), "<file>", f"a file of at most {limit:,} bytes",
                         f"{st.st_size:,} bytes")


def read_json(path: Path, expected: str) -> Any:
    """Read a JSON file of at most :data:`JSON_MAX_BYTES`; errors name the file."""
    _regular_file(path, expected, JSON_MAX_BYTES)
    try:
        text = path.read_bytes().decode("utf-8")
        return json.loads(text)
    except UnicodeDecodeError:
        raise InputError(str(path), "<file>", f"{expected} (UTF-8 JSON)") from None
    except json.JSONDecodeError as exc:
        raise InputError(str(path), f"line {exc.lineno}", f"{expected} (well-formed JSON)",
                         exc.msg) from None
    except OSError as exc:
        raise InputError(str(path), "<file>", expected, exc.strerror or str(exc)) from None


def read_csv(path: Path, expected: str, columns: tuple[str, ...]) -> pd.DataFrame:
    """Read a CSV file holding at least ``columns``; errors name the file and the column."""
    _regular_file(path, expected, CSV_MAX_BYTES)
    try:
        frame = pd.read_csv(path, dtype={"date": str, "scenario": str, "label": str,
                                         "lever": str, "target": str})
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError,
            ValueError) as exc:
        reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise InputError(str(path), "<file>", f"{expected} (a CSV table)", reason) from None
    except OSError as exc:
        raise InputError(str(path), "<file>", expected, exc.strerror or str(exc)) from None
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise InputError(str(path), "columns", f"{expected} with the columns "
                         + ", ".join(columns), f"no column {missing[0]!r}")
    return frame


def _numeric(frame: pd.DataFrame, column: str, path: Path, *, finite: bool = True,
             allow_empty: bool = False) -> np.ndarray:
    values = pd.to_numeric(frame[column], errors="coerce").to_numpy(dtype=np.float64)
    bad = np.isnan(values) if not allow_empty else np.zeros(len(values), dtype=bool)
    raw_missing = frame[column].isna().to_numpy()
    bad |= np.isnan(values) & ~raw_missing
    if finite:
        bad |= np.isinf(values)
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        raise InputError(str(path), f"{column} (line {i + 2})", "a number",
                         frame[column].iloc[i])
    return values


# --------------------------------------------------------------------------------------------
# A run folder
# --------------------------------------------------------------------------------------------
@dataclass
class RunFolder:
    """A povsim run folder, checked and read.

    Attributes:
        path: The folder.
        timeseries: ``timeseries.csv``.
        spending: ``spending.csv``.
        summary: ``summary.json``.
        manifest: ``manifest.json``.
        run_id: First 12 hex digits of the SHA-256 of ``manifest.json`` (names the run).
        scenarios: Scenario names in the run's order.
        months: Every month of the run, ``YYYY-MM``.
    """

    path: Path
    timeseries: pd.DataFrame
    spending: pd.DataFrame
    summary: dict
    manifest: dict
    run_id: str
    scenarios: list[str]
    months: list[str]
    counterfactuals: dict[str, str | None] = field(default_factory=dict)

    @property
    def replications(self) -> int:
        """Replications per scenario."""
        return int(self.manifest["replications"])

    @property
    def households(self) -> int:
        """Sample households per replication."""
        return int(self.manifest["households"])

    @property
    def end(self) -> str:
        """The run's last month."""
        return self.months[-1]

    @property
    def commit(self) -> str:
        """The short git commit the run was made at (``unknown`` when not recorded)."""
        commit = self.manifest.get("git_commit") or "unknown"
        return commit[:7] if commit != "unknown" else commit

    def main_scenario(self) -> str:
        """``baseline`` if it is in the run, else the first scenario."""
        return "baseline" if "baseline" in self.scenarios else self.scenarios[0]


def read_run(folder: Path | str) -> RunFolder:
    """Check and read a run folder written by ``povsim run`` (or ``Results.save``).

    Raises:
        InputError: naming the file and key at fault: the folder is not a folder, a file is
            missing or malformed, the manifest is another tool's, the summary or the
            timeseries does not match the manifest (a truncated ``timeseries.csv``).
    """
    path = Path(folder)
    if not path.is_dir():
        raise InputError(str(path), "<folder>", RUN_EXPECTED,
                         "no such folder" if not path.exists() else "not a folder")
    for name in RESULT_FILES:
        if not (path / name).exists():
            raise InputError(str(path / name), "<file>", f"the {name} of " + RUN_EXPECTED,
                             "no such file")
    manifest_path = path / "manifest.json"
    manifest = read_json(manifest_path, "a povsim run manifest")
    if not isinstance(manifest, dict) or manifest.get("package") != "povsim":
        got = manifest.get("package") if isinstance(manifest, dict) else type(manifest).__name__
        raise InputError(str(manifest_path), "package", "povsim (a manifest written by povsim "
                         "run)", got if got is not None else "no package key")
    for key, kind in (("households", int), ("replications", int), ("seed", int),
                      ("end", str), ("scenarios", list)):
        if not isinstance(manifest.get(key), kind) or isinstance(manifest.get(key), bool):
            raise InputError(str(manifest_path), key, f"a {kind.__name__} as povsim run writes",
                             manifest.get(key, "no such key"))
    scen_entries = manifest["scenarios"]
    names = []
    for i, entry in enumerate(scen_entries):
        if not isinstance(entry, dict) or not isinstance(entry.get("name"), str):
            raise InputError(str(manifest_path), f"scenarios[{i}].name", "a scenario name")
        names.append(entry["name"])
    if not names:
        raise InputError(str(manifest_path), "scenarios", "at least one scenario", [])
    try:
        months = [month_label(m) for m in range(month_index(START),
                                                month_index(manifest["end"]) + 1)]
    except InputError:
        raise InputError(str(manifest_path), "end", "a month as YYYY-MM",
                         manifest["end"]) from None
    if not months:
        raise InputError(str(manifest_path), "end", f"a month from {START} on", manifest["end"])

    summary = _read_summary(path / "summary.json", names)
    ts_path = path / "timeseries.csv"
    ts = read_csv(ts_path, "the timeseries.csv of a povsim run",  # draw: optional (older runs)
                  tuple(c for c in ID_COLUMNS if c != "draw") + USED_COLUMNS)
    _check_timeseries(ts, ts_path, names, manifest["replications"], months)
    sp_path = path / "spending.csv"
    sp = read_csv(sp_path, "the spending.csv of a povsim run", SPENDING_COLUMNS)
    _numeric(sp, "rupiah", sp_path)
    unknown = set(sp["scenario"].astype(str)) - set(names)
    if unknown:
        raise InputError(str(sp_path), "scenario", "a scenario of manifest.json: "
                         + ", ".join(names), sorted(unknown)[0])
    sp = sp.assign(scenario=sp["scenario"].astype(str), label=sp["label"].astype(str),
                   lever=sp["lever"].astype(str), date=sp["date"].astype(str))
    run_id = hashlib.sha256(manifest_path.read_bytes()).hexdigest()[:12]
    counterfactuals = {name: summary["accounting"]["scenarios"].get(name, {}).get(
        "counterfactual") for name in names}
    return RunFolder(path=path, timeseries=ts, spending=sp, summary=summary, manifest=manifest,
                     run_id=run_id, scenarios=names, months=months,
                     counterfactuals=counterfactuals)


def _read_summary(path: Path, names: list[str]) -> dict:
    summary = read_json(path, "the summary.json of a povsim run")
    expected = "the summary.json of a povsim run (months, scenarios, accounting)"
    if not isinstance(summary, dict):
        raise InputError(str(path), "<file>", expected, type(summary).__name__)
    for key, kind in (("months", list), ("scenarios", dict), ("accounting", dict)):
        if not isinstance(summary.get(key), kind):
            raise InputError(str(path), key, f"a {'list' if kind is list else 'mapping'} as "
                             "povsim run writes", summary.get(key, "no such key"))
    if list(summary["scenarios"]) != names:
        raise InputError(str(path), "scenarios", "the scenarios of manifest.json: "
                         + ", ".join(names), list(summary["scenarios"]))
    acc = summary["accounting"]
    if not isinstance(acc.get("scenarios"), dict) or not isinstance(acc.get("spending_from"),
                                                                    str):
        raise InputError(str(path), "accounting", "spending_from and scenarios as povsim run "
                         "writes", "incomplete")
    keys = ("extreme_poverty_rate_median", "extreme_poverty_rate_p05",
            "extreme_poverty_rate_p95", "p_target_zero", "p_target_band")
    for name, per_month in summary["scenarios"].items():
        for month in summary["months"]:
            entry = per_month.get(month) if isinstance(per_month, dict) else None
            if not isinstance(entry, dict):
                raise InputError(str(path), f"scenarios.{name}.{month}", "the month's figures",
                                 "missing")
            for key in keys:
                value = entry.get(key)
                if value is not None and (not isinstance(value, int | float)
                                          or isinstance(value, bool)):
                    raise InputError(str(path), f"scenarios.{name}.{month}.{key}",
                                     "a number or null", value)
        acc_entry = acc["scenarios"].get(name)
        if not isinstance(acc_entry, dict):
            raise InputError(str(path), f"accounting.scenarios.{name}", "the scenario's "
                             "spending and persons lifted", "missing")
    return summary


def _check_timeseries(ts: pd.DataFrame, path: Path, names: list[str], replications: int,
                      months: list[str]) -> None:
    ts["scenario"] = ts["scenario"].astype(str)
    ts["date"] = ts["date"].astype(str)
    unknown = set(ts["scenario"]) - set(names)
    if unknown:
        raise InputError(str(path), "scenario", "a scenario of manifest.json: "
                         + ", ".join(names), sorted(unknown)[0])
    reps = _numeric(ts, "replication", path)
    for column in USED_COLUMNS:
        _numeric(ts, column, path)
    want = len(names) * replications * len(months)
    counts = ts.groupby(["scenario", reps.astype(np.int64)]).size() if len(ts) else None
    if len(ts) != want or counts is None:
        detail = f"{len(ts):,} rows"
        for name in names:
            for r in range(replications):
                got = ts[(ts["scenario"] == name) & (reps == r)]["date"]
                if len(got) < len(months):
                    last = max(got) if len(got) else None
                    detail += (f" ({name} replication {r} "
                               + (f"ends at {last}" if last else "is missing") + ")")
                    break
            else:
                continue
            break
        raise InputError(str(path), "rows", f"{len(names)} scenario(s) x {replications} "
                         f"replication(s) x {len(months)} months, {START} to {months[-1]} "
                         f"({want:,} rows)", detail)
    seen = set(zip(ts["scenario"], reps.astype(np.int64), ts["date"], strict=True))
    if len(seen) != want or any((names[0], 0, m) not in seen for m in months):
        raise InputError(str(path), "date", f"every month from {START} to {months[-1]} once "
                         "per scenario and replication", "months missing or repeated")


# --------------------------------------------------------------------------------------------
# Published points
# --------------------------------------------------------------------------------------------
def published_points() -> pd.DataFrame:
    """The packaged published points: ``row, use, indicator, month, value (fraction), source``.

    ``value`` is converted from percent to a fraction, the unit of ``timeseries.csv``.
    """
    with PUBLISHED.open(newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    out = pd.DataFrame({
        "row": [int(r["shared_row"]) for r in rows],
        "use": [r["use"] for r in rows],
        "indicator": [r["indicator"] for r in rows],
        "month": [r["period"] for r in rows],
        "value": [float(r["value"]) / 100.0 for r in rows],
        "source": [r["source"] for r in rows],
    })
    return out


# --------------------------------------------------------------------------------------------
# A sweep folder (issue 11)
# --------------------------------------------------------------------------------------------
@dataclass
class SweepFolder:
    """A sweep folder: its inputs, the runs and the PRIM box.

    Attributes:
        path: The folder.
        levers: Lever inputs: ``{name: {"label", "unit", "range"}}``.
        runs: ``runs.csv`` without failed runs.
        failed: Number of runs with an error.
        outcome: The column of ``runs.csv`` saying whether extreme poverty was at or below 1%
            in March 2024 (True/False).
        box: The first PRIM box: ``{"limits": {name: [low, high]}, "coverage", "density",
            "n"}``, or None.
        seed: The sweep's seed, if recorded.
        digest: First 12 hex digits of the SHA-256 of ``sweep.json``.
    """

    path: Path
    levers: dict[str, dict]
    runs: pd.DataFrame
    failed: int
    outcome: str
    box: dict | None
    seed: Any
    digest: str


def _truthy(value: Any) -> float:
    if isinstance(value, bool | np.bool_):
        return float(value)
    text = str(value).strip().lower()
    if text in ("true", "1", "1.0", "yes"):
        return 1.0
    if text in ("false", "0", "0.0", "no"):
        return 0.0
    return math.nan


def _band_outcome(outcomes: list[dict], columns: list[str]) -> str | None:
    """The outcome naming the 0-1% band in March 2024 (tolerant of the exact name)."""
    def score(name: str, label: str) -> int:
        text = f"{name} {label}".lower().replace("_", "-")
        is_band = any(w in text for w in ("band", "<= 1", "<=1", "at or below 1", "target"))
        march = any(w in text for w in ("2024-03", "202403", "march", "mar-2024", "mar 2024"))
        december = any(w in text for w in ("2024-12", "december", "dec"))
        return (2 if is_band else 0) + (1 if march else 0) - (1 if december else 0)

    best, best_score = None, 2
    for item in outcomes:
        name = item.get("name")
        if not isinstance(name, str) or name not in columns:
            continue
        s = score(name, str(item.get("label", "")))
        if s > best_score or (best is None and s >= 2):
            best, best_score = name, s
    return best


def read_sweep(folder: Path | str) -> SweepFolder:
    """Check and read a sweep folder (``sweep.json``, ``runs.csv``, ``discovery.json``).

    ``sweep.json`` lists ``inputs`` (a list of ``{name, kind: lever|uncertainty, path, range,
    label, unit}``, or a mapping of names to them) and ``outcomes`` (``{name, label, unit}``);
    the outcome for the 0-1% band in March 2024 is found by its name or label (``band`` or
    ``target`` and ``2024-03`` or ``March``). ``discovery.json`` holds PRIM boxes: a list (or
    ``boxes``) of ``{limits|box|levers|ranges: {name: [low, high]}, coverage, density, n}``;
    it is optional (no box is drawn without it).

    Raises:
        InputError: naming the file and key that do not fit this format.
    """
    path = Path(folder)
    expected = "a sweep folder written by povsim sweep (sweep.json, runs.csv, discovery.json)"
    if not path.is_dir():
        raise InputError(str(path), "<folder>", expected,
                         "no such folder" if not path.exists() else "not a folder")
    spec_path = path / "sweep.json"
    if not spec_path.exists():
        raise InputError(str(spec_path), "<file>", "the sweep.json of " + expected,
                         "no such file")
    spec = read_json(spec_path, "a sweep.json written by povsim sweep")
    if not isinstance(spec, dict):
        raise InputError(str(spec_path), "<file>", "a mapping with inputs and outcomes",
                         type(spec).__name__)
    raw_inputs = spec.get("inputs")
    if raw_inputs is None and ("levers" in spec or "uncertainties" in spec):
        raw_inputs = ([{**x, "kind": "lever"} for x in spec.get("levers") or []]
                      + [{**x, "kind": "uncertainty"} for x in spec.get("uncertainties") or []])
    if isinstance(raw_inputs, dict):
        raw_inputs = [{"name": k, **v} for k, v in raw_inputs.items() if isinstance(v, dict)]
    if not isinstance(raw_inputs, list) or not raw_inputs:
        raise InputError(str(spec_path), "inputs", "a list of inputs (name, kind, path, range)",
                         spec.get("inputs", "no such key"))
    levers: dict[str, dict] = {}
    for i, item in enumerate(raw_inputs):
        if not isinstance(item, dict) or not isinstance(item.get("name"), str):
            raise InputError(str(spec_path), f"inputs[{i}].name", "an input name", item)
        kind = item.get("kind")
        if kind not in ("lever", "uncertainty"):
            raise InputError(str(spec_path), f"inputs[{i}].kind", "lever or uncertainty", kind)
        if kind == "lever":
            levers[item["name"]] = {"label": str(item.get("label") or item["name"]),
                                    "unit": str(item.get("unit") or ""),
                                    "range": item.get("range")}
    outcomes = spec.get("outcomes")
    if isinstance(outcomes, dict):
        outcomes = [{"name": k, **(v if isinstance(v, dict) else {})} for k, v in
                    outcomes.items()]
    if not isinstance(outcomes, list):
        raise InputError(str(spec_path), "outcomes", "a list of outcomes (name, label, unit)",
                         spec.get("outcomes", "no such key"))
    runs_path = path / "runs.csv"
    runs = read_csv(runs_path, "the runs.csv of a povsim sweep", ("run",))
    if len(levers) < 2:
        raise InputError(str(spec_path), "inputs", "at least two inputs of kind lever (the "
                         "heat map is over two levers)", f"{len(levers)} lever(s)")
    for name in levers:
        if name not in runs.columns:
            raise InputError(str(runs_path), "columns", f"a column for the lever {name} of "
                             "sweep.json", f"no column {name!r}")
    outcome = _band_outcome([o for o in outcomes if isinstance(o, dict)], list(runs.columns))
    if outcome is None:
        raise InputError(str(spec_path), "outcomes", "an outcome of runs.csv for extreme "
                         "poverty at or below 1% in March 2024 (its name or label with 'band' "
                         "and '2024-03' or 'March')", [o.get("name") for o in outcomes
                                                       if isinstance(o, dict)])
    errors = runs["error"] if "error" in runs.columns else pd.Series([None] * len(runs))
    failed_mask = errors.notna() & (errors.astype(str).str.strip() != "")
    ok = runs[~failed_mask.to_numpy()].copy()
    for name in levers:
        ok[name] = _numeric(ok, name, runs_path)
    flags = np.array([_truthy(v) for v in ok[outcome]], dtype=np.float64)
    if np.isnan(flags).any():
        i = int(np.flatnonzero(np.isnan(flags))[0])
        raise InputError(str(runs_path), f"{outcome} (run {ok['run'].iloc[i]})",
                         "true or false", ok[outcome].iloc[i])
    ok[outcome] = flags
    if not len(ok):
        raise InputError(str(runs_path), "rows", "at least one run without an error",
                         f"{len(runs)} run(s), all failed")
    box = _read_box(path / "discovery.json", levers)
    return SweepFolder(path=path, levers=levers, runs=ok, failed=int(failed_mask.sum()),
                       outcome=outcome, box=box, seed=spec.get("seed", spec.get("seeds")),
                       digest=hashlib.sha256(spec_path.read_bytes()).hexdigest()[:12])


def _read_box(path: Path, levers: dict[str, dict]) -> dict | None:
    if not path.exists():
        return None
    data = read_json(path, "a discovery.json written by povsim sweep")
    boxes = data.get("boxes") if isinstance(data, dict) else data
    if isinstance(data, dict) and boxes is None and any(
            k in data for k in ("limits", "box", "levers", "ranges")):
        boxes = [data]
    if not isinstance(boxes, list):
        raise InputError(str(path), "boxes", "a list of PRIM boxes", type(data).__name__)
    if not boxes:
        return None
    box = boxes[0]
    if not isinstance(box, dict):
        raise InputError(str(path), "boxes[0]", "a PRIM box (limits, coverage, density)", box)
    limits = next((box[k] for k in ("limits", "box", "levers", "ranges") if k in box), None)
    if not isinstance(limits, dict):
        raise InputError(str(path), "boxes[0].limits", "a mapping of lever names to [low, "
                         "high]", limits)
    clean = {}
    for name, pair in limits.items():
        ok = (isinstance(pair, list | tuple) and len(pair) == 2
              and all(isinstance(v, int | float) and not isinstance(v, bool) for v in pair))
        if not ok or pair[0] > pair[1]:
            raise InputError(str(path), f"boxes[0].limits.{name}", "[low, high] with low <= "
                             "high", pair)
        if name not in levers:
            raise InputError(str(path), f"boxes[0].limits.{name}", "a lever of sweep.json: "
                             + ", ".join(levers), name)
        clean[name] = [float(pair[0]), float(pair[1])]
    out = {"limits": clean}
    for key in ("coverage", "density"):
        value = box.get(key)
        if not isinstance(value, int | float) or isinstance(value, bool) or not 0 <= value <= 1:
            raise InputError(str(path), f"boxes[0].{key}", "a share between 0 and 1", value)
        out[key] = float(value)
    out["n"] = box.get("n", box.get("n_inside", box.get("mass")))
    return out


# --------------------------------------------------------------------------------------------
# A calibration folder (issue 16)
# --------------------------------------------------------------------------------------------
FIT_COLUMNS = ("target", "date", "published", "unit", "row", "model_median", "model_p05",
               "model_p95", "in_sample")


@dataclass
class CalibrationFolder:
    """A calibration folder: ``fit.csv`` and ``calibration.json``."""

    path: Path
    fit: pd.DataFrame
    info: dict
    digest: str = ""

    @property
    def method(self) -> str:
        """The calibration method as recorded (``unknown`` if not)."""
        return str(self.info.get("method") or "unknown")


def read_calibration(folder: Path | str) -> CalibrationFolder:
    """Check and read a calibration folder (``fit.csv``, ``calibration.json``).

    Raises:
        InputError: naming the file and key that do not fit this format.
    """
    path = Path(folder)
    expected = "a calibration folder (fit.csv, calibration.json)"
    if not path.is_dir():
        raise InputError(str(path), "<folder>", expected,
                         "no such folder" if not path.exists() else "not a folder")
    info_path = path / "calibration.json"
    if not info_path.exists():
        raise InputError(str(info_path), "<file>", "the calibration.json of " + expected,
                         "no such file")
    info = read_json(info_path, "a calibration.json (method, settings, provenance)")
    if not isinstance(info, dict) or "method" not in info:
        raise InputError(str(info_path), "method", "the calibration method",
                         "no such key" if isinstance(info, dict) else type(info).__name__)
    fit_path = path / "fit.csv"
    fit = read_csv(fit_path, "the fit.csv of a calibration", FIT_COLUMNS)
    if not len(fit):
        raise InputError(str(fit_path), "rows", "at least one target", "no rows")
    for column in ("published", "model_median", "model_p05", "model_p95"):
        fit[column] = _numeric(fit, column, fit_path)
    flags = np.array([_truthy(v) for v in fit["in_sample"]])
    if np.isnan(flags).any():
        i = int(np.flatnonzero(np.isnan(flags))[0])
        raise InputError(str(fit_path), f"in_sample (line {i + 2})", "true or false",
                         fit["in_sample"].iloc[i])
    fit["in_sample"] = flags.astype(bool)
    bad = (fit["model_p05"] > fit["model_median"]) | (fit["model_median"] > fit["model_p95"])
    if bad.any():
        i = int(np.flatnonzero(bad.to_numpy())[0])
        raise InputError(str(fit_path), f"model_p05 (line {i + 2})", "model_p05 <= "
                         "model_median <= model_p95", [fit["model_p05"].iloc[i],
                                                       fit["model_median"].iloc[i],
                                                       fit["model_p95"].iloc[i]])
    if (fit["published"] == 0).any():
        i = int(np.flatnonzero((fit["published"] == 0).to_numpy())[0])
        raise InputError(str(fit_path), f"published (line {i + 2})", "a non-zero published "
                         "value (the chart shows the model as a share of it)", 0)
    fit["date"] = fit["date"].astype(str)
    fit["target"] = fit["target"].astype(str)
    return CalibrationFolder(path=path, fit=fit, info=info, digest=hashlib.sha256(
        info_path.read_bytes()).hexdigest()[:12])
