"""Copy the published figures the model uses from the shared data into calibration/targets.csv.

Run from the repository root with the shared data folder beside it:

    python calibration/copy_targets.py ../shared/data/indonesia_targets.csv

The installed tool never reads ``../shared``: this script is how ``targets.csv`` was made, and
``shared_row`` is the line number in ``indonesia_targets.csv`` (header = line 1), the ``row`` that
parameter files cite. ``use`` says what the model does with the figure: ``input`` (a parameter
value or derivation), ``calibration`` (an initial-state target), ``check`` (compared with model
output in tests/calibration, or a target of ``povsim calibrate``: every row
``calibration/calibration_targets.yaml`` cites is copied), ``context``.
"""

from __future__ import annotations

import csv
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CALIBRATION_ROWS = {2, 39, 81, 56, 57, 66, 100, 141}
CHECK_ROWS = {3, 6, 8, 9, 42, 45, 48, 51, 58, 59, 60, 61, 62, 63, 64, 65, 67, 69, 71, 82, 83, 84,
              85, 86, 87, 88, 89, 90, 102, 104, 110, 112, 114, 138, 139, 140, 142, 143, 144, 150,
              151, 19, 20, 332, 331, 385, 386, 26, 27, 196, 199, 200, 328, 329}


def cited_rows() -> set[int]:
    rows = set()
    for f in (ROOT / "simulation/parameters").rglob("*.yaml"):
        rows |= {int(m) for m in re.findall(r"^\s*row:\s*(\d+)\s*$", f.read_text(), re.M)}
    return rows


def target_rows() -> set[int]:
    """Rows the calibration's targets cite (calibration/calibration_targets.yaml, ``rows:``)."""
    text = (ROOT / "calibration/calibration_targets.yaml").read_text(encoding="utf-8")
    return {int(n) for m in re.findall(r"^\s*rows:\s*\[([0-9, ]+)\]\s*$", text, re.M)
            for n in m.split(",")}


def main(src: str) -> None:
    with open(src, newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    inputs = cited_rows()
    checks = CHECK_ROWS | (target_rows() - inputs - CALIBRATION_ROWS)
    wanted = sorted(inputs | CALIBRATION_ROWS | checks)
    out = ROOT / "calibration/targets.csv"
    with open(out, "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["shared_row", "use", "indicator", "period", "value", "unit", "source", "url",
                    "status"])
        for line in wanted:
            r = rows[line - 2]
            use = ("calibration" if line in CALIBRATION_ROWS else "check" if line in checks
                   else "input")
            w.writerow([line, use, r["indicator"], r["period"], r["value"], r["unit"], r["source"],
                        r["url"], r["status"]])
    print(f"wrote {len(wanted)} rows to {out}")


if __name__ == "__main__":
    default = ROOT.parent / "shared/data/indonesia_targets.csv"
    main(sys.argv[1] if len(sys.argv) > 1 else str(default))
