"""Reading a sweep folder back: ``sweep.json`` and ``runs.csv`` as a record and a DataFrame.

The analysis commands (``povsim sensitivity``, ``povsim discover``) and the report read sweep
folders through :func:`read_sweep`, which checks that the folder is a sweep and, when asked,
that every run of its design is recorded.
"""

from __future__ import annotations

import json
import math
import os
from pathlib import Path
from typing import Any

import pandas as pd

from simulation import inputs
from simulation.errors import InputError


def read_sweep(folder: Path | str, complete: bool = False) -> tuple[dict, pd.DataFrame]:
    """``(sweep.json, runs.csv)`` of a sweep folder; runs sorted by ``run``.

    Input and outcome columns are floats (outcomes NaN for a failed run), ``error`` text
    (empty when the run succeeded).

    Raises:
        InputError: for a folder without ``sweep.json`` or ``runs.csv``, or (``complete``) with
            runs of its design missing.
    """
    folder = Path(folder)
    path = folder / "sweep.json"
    if not folder.is_dir():
        raise InputError(str(folder), "<folder>", "a sweep folder (povsim sweep ... --out DIR)")
    try:
        record = json.loads(inputs.read_text(path)) if path.exists() else None
    except ValueError:
        record = None
    if not isinstance(record, dict) or "files" not in record:
        raise InputError(str(folder), "sweep.json", "a sweep folder with its sweep.json "
                         "(povsim sweep ... --out DIR)")
    runs_path = folder / "runs.csv"
    if not runs_path.exists():
        raise InputError(str(folder), "runs.csv", "a sweep folder with its runs.csv")
    columns = record["files"]["runs.csv"]
    runs = pd.read_csv(runs_path, dtype={"error": str}, keep_default_na=False,
                       na_values={c: [""] for c in columns if c != "error"})
    if list(runs.columns) != columns:
        raise InputError(str(runs_path), "<header>", "the columns sweep.json lists",
                         list(runs.columns)[:6])
    runs = runs.sort_values("run").reset_index(drop=True)
    expected = int(record["design"]["runs"])
    if complete and len(runs) < expected:
        raise InputError(str(folder), "runs.csv", f"a complete sweep ({expected:,} runs; "
                         f"{len(runs):,} recorded: finish it with povsim sweep ... --resume)")
    return record, runs


def _clean(obj: Any) -> Any:
    if isinstance(obj, float) and not math.isfinite(obj):
        return None
    if isinstance(obj, dict):
        return {k: _clean(v) for k, v in obj.items()}
    if isinstance(obj, list | tuple):
        return [_clean(v) for v in obj]
    return obj


def write_json(path: Path, data: Any, indent: int = 1) -> None:
    """Write strict JSON atomically (every non-finite float, NaN or infinity, written null)."""
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(json.dumps(_clean(data), indent=indent, allow_nan=False) + "\n",
                   encoding="utf-8")
    os.replace(tmp, path)
