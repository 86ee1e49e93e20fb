"""The run folder: its files written atomically, and the manifest that traces the run.

:func:`save` writes ``timeseries.csv``, ``spending.csv``, ``policy_results.csv``,
``summary.json`` and ``manifest.json`` into ``<out>.partial-<pid>`` and renames it to ``out`` at
the end, so a folder either holds a complete run or does not exist.
"""

from __future__ import annotations

import contextlib
import datetime as _dt
import importlib.metadata
import json
import os
import platform
import shutil
import subprocess
from pathlib import Path
from typing import Any

import numpy as np

from simulation import inputs
from simulation.environment import environment
from simulation.experiments.running import ExperimentResult
from simulation.experiments.settings import (
    POLICY_RESULT_COLUMNS,
    RESULT_FILES,
    SPENDING_COLUMNS,
    START,
    check_out_dir,
)
from simulation.experiments.summary import _num, summary
from simulation.results import indicator_metadata


def _package_version() -> str:
    try:
        return importlib.metadata.version("povsim")
    except importlib.metadata.PackageNotFoundError:
        return "unknown"


def _git_commit() -> tuple[str | None, bool | None]:
    """Return (commit, has uncommitted changes) of the repository holding this package.

    None when the package is not a git checkout (e.g. installed from a wheel) or git fails.
    """
    package_dir = Path(__file__).resolve().parents[1]

    def _git(*args: str) -> str | None:
        try:
            done = subprocess.run(["git", "-C", str(package_dir), *args], capture_output=True,
                                  text=True, timeout=10, check=False)
        except (OSError, subprocess.SubprocessError):
            return None
        return done.stdout.strip() if done.returncode == 0 else None

    top = _git("rev-parse", "--show-toplevel")
    # A non-editable install inside some other repository (a venv in a checkout) is not ours.
    if top is None or Path(top).resolve() / package_dir.name != package_dir:
        return None, None
    commit = _git("rev-parse", "HEAD")
    if commit is None:
        return None, None
    status = _git("status", "--porcelain", "--untracked-files=no")
    return commit, (bool(status) if status is not None else None)


def _json_default(obj: Any) -> Any:
    if isinstance(obj, _dt.date):
        return obj.isoformat()
    if isinstance(obj, np.integer):
        return int(obj)
    if isinstance(obj, np.floating):
        return _num(obj)
    if isinstance(obj, tuple | set):
        return list(obj)
    if isinstance(obj, Path):
        return str(obj)
    if hasattr(obj, "items"):  # read-only mappings (MappingProxyType)
        return dict(obj.items())
    raise TypeError(f"cannot write {type(obj).__name__} to JSON")


def manifest(result: ExperimentResult, command_line: str) -> dict:
    """Return the run's manifest: versions, seeds, settings, resolved parameters, timings."""
    commit, dirty = _git_commit()
    jobs = result.jobs
    return {
        "package": "povsim",
        "version": _package_version(),
        "git_commit": commit,
        "git_uncommitted_changes": dirty,
        "created_utc": _dt.datetime.now(_dt.UTC).isoformat(timespec="seconds"),
        "command_line": command_line,
        "python": platform.python_version(),
        "platform": platform.platform(),
        "environment": environment(),
        "seed": result.seed,
        "replication_seeds": {
            "rule": (f"replication r uses numpy.random.SeedSequence({result.seed})"
                     f".spawn({result.replications})[r], which equals "
                     f"SeedSequence({result.seed}, spawn_key=(r,)); every scenario uses the "
                     "same seed for the same replication (common random numbers). Rerun one "
                     "with run_model(params, households, SeedSequence(seed, spawn_key=(r,)), "
                     "end) using the seed and replication columns of timeseries.csv."),
            "seeds": [{"replication": r, "entropy": result.seed, "spawn_key": [r]}
                      for r in range(result.replications)],
        },
        "posterior": _posterior_record(result),
        "households": result.households,
        "replications": result.replications,
        "start": START,
        "start_before_remap": ("timings.jobs gives, per job, the model's own March-2021 "
                               "cross-section before the burn-in's final rank-preserving remap "
                               "pins it to the fitted distribution (before_remap_*: persons' "
                               "extreme and national P0 and P1 at the March-2021 lines, Gini): "
                               "the distance is the work the remap does, and a world held at "
                               "March 2021 drifts back towards it (README, known limits)"),
        "end": result.end,
        "months": result.months,
        "workers": result.workers,
        "files": list(RESULT_FILES),
        "indicators": indicator_metadata(),
        "policy_results": result.result_meta,
        "scenarios": [
            {
                "name": sc.name,
                "description": sc.description,
                "file": sc.file,
                "base": sc.base,
                "changes": dict(sc.changes),
                "counterfactual": sc.counterfactual,
                "policies": sc.policy_specs(),
                "parameters_digest": sc.params.digest(),
                "parameters": sc.params.to_dict(),
            }
            for sc in result.scenarios
        ],
        "timings": {
            "wall_seconds": round(result.seconds_wall, 3),
            "household_months": result.household_months,
            "household_months_note": ("households x months from March 2021 x jobs; the "
                                      "burn-in months before March 2021 are not counted"),
            "household_months_per_second": round(
                result.household_months / max(result.seconds_wall, 1e-9), 1),
            "jobs": [
                {k: (round(v, 4) if isinstance(v, float) else v) for k, v in row.items()}
                for row in jobs.to_dict(orient="records")
            ],
        },
    }


def _posterior_record(result: ExperimentResult) -> dict | None:
    """The posterior file, its digest and the draw each replication used (None: point run)."""
    post = result.posterior
    if post is None:
        return None
    return {
        **post.to_dict(),
        "rule": ("replication r runs every scenario with the row drawn with probability "
                 "proportional to its weight from SeedSequence(run_seed(seed, r), "
                 "spawn_key=(0x706F,)), run_seed(seed, r) being the first 64-bit word of "
                 "SeedSequence(seed, spawn_key=(r,)) shifted right by one "
                 "(simulation.posterior.replication_rows); the drawn values replace the "
                 "baseline's, the scenario's own changes stay on top"),
        "draws": [{"replication": r, "row": row, "draw": post.ids[row],
                   "values": post.changes(row)}
                  for r, row in enumerate(result.posterior_rows)],
    }


def save(result: ExperimentResult, out_dir: Path | str, command_line: str) -> Path:
    """Write the run folder's files (:data:`~simulation.experiments.settings.RESULT_FILES`).

    The files are written into a sibling ``<out_dir>.partial-<pid>`` folder that is renamed to
    ``out_dir`` at the end, so ``out_dir`` either holds a complete run or does not exist. On any
    error (or Ctrl-C, SIGTERM, SIGHUP) the partial folder is removed, with any parent folders
    made for it. Partial folders a killed process left (``<out_dir>.partial-<pid>`` of a pid
    that no longer runs) are removed first.

    Raises:
        InputError: before writing anything, when ``out_dir`` cannot be used
            (:func:`check_out_dir`).
    """
    given = check_out_dir(out_dir)
    out = Path(os.path.abspath(given))
    with inputs.stop_on_signals():
        _save_into(result, out, command_line)
    return given


def _save_into(result: ExperimentResult, out: Path, command_line: str) -> None:
    made = _missing_ancestors(out.parent)
    partial = out.with_name(f"{out.name}{inputs.PARTIAL}{os.getpid()}")
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        inputs.remove_stale_partials(out)  # also one of this pid left by an earlier crash
        partial.mkdir()
        result.timeseries.to_csv(partial / "timeseries.csv", index=False)
        result.spending.to_csv(partial / "spending.csv", index=False, columns=list(
            SPENDING_COLUMNS))
        result.policy_results.to_csv(partial / "policy_results.csv", index=False,
                                     columns=list(POLICY_RESULT_COLUMNS))
        _write_json(partial / "summary.json", summary(result))
        _write_json(partial / "manifest.json", manifest(result, command_line))
        check_out_dir(out)  # again: another process may have written there meanwhile
        if out.exists():
            out.rmdir()  # empty: replace it (renaming onto a folder fails on Windows)
        os.replace(partial, out)
    except BaseException:
        with inputs.signals_deferred():  # a second signal must not cut the cleanup short
            shutil.rmtree(partial, ignore_errors=True)
            for folder in made:  # deepest first; only if still empty
                with contextlib.suppress(OSError):
                    folder.rmdir()
        raise


def _missing_ancestors(folder: Path) -> list[Path]:
    """Return ``folder`` and its ancestors that do not exist yet, deepest first."""
    missing = []
    while not folder.exists() and folder != folder.parent:
        missing.append(folder)
        folder = folder.parent
    return missing


def _write_json(path: Path, data: Any) -> None:
    text = json.dumps(data, indent=2, default=_json_default, allow_nan=False)
    path.write_text(text + "\n", encoding="utf-8")

