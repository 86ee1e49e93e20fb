"""Blocks started from a burned-in base agree with blocks that build their own start (slow).

``python -m simulation.fullscale`` builds the start (population and burn-in) of the first
``--bases`` blocks only; the others start from a copy of one of them with their own random
numbers from April 2021 on. That must not move the results beyond sampling error, and the start
must still match the published March-2021 figures. Sixteen blocks of 5,000 households of the
baseline scenario (all programmes), to December 2022: every block built (``bases=16``)
against eight bases (``bases=8``: blocks 8-15 are clones, one of each base, so they are
independent of each other, as built blocks are). The clones' mean of each indicator must lie
within 3 standard errors of the mean of built blocks 8-15 (a block's start carries most of its
deviation, so clones of one base are not independent: hence one clone per base here), and the
pooled March-2021 start within the tolerances of
``tests/calibration/test_published_figures.py``. That a clone is its base's model with other
random numbers, and nothing else, is checked exactly in ``tests/unit/test_fullscale.py``.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from simulation import fullscale as fs
from simulation.scenarios import load_scenario

ROOT = Path(__file__).resolve().parents[1]
BASELINE = load_scenario(ROOT / "scenarios/baseline.yaml")
N, BLOCKS, END = 5_000, 16, "2022-12"


def _published(row: int) -> float:
    import csv

    with open(ROOT / "calibration/targets.csv", newline="") as fh:
        for r in csv.DictReader(fh):
            if int(r["shared_row"]) == row:
                v = float(r["value"])
                return v / 100 if r["unit"].startswith("percent") else v
    raise KeyError(row)


def _blocks(bases: int, out: Path) -> tuple[dict, list[dict]]:
    res = fs.run_full_scale(BASELINE.params, BASELINE.policy_specs(), households=N * BLOCKS,
                            block_households=N, processes=2, seed=5, end=END, out_dir=out,
                            bases=bases, log=lambda _: None)
    return res, [fs._load_block(p) for p in sorted(out.glob("block_*.npz"))]


def _rate(block: dict, num: str, den: str) -> np.ndarray:
    return np.asarray(block[num], dtype=np.float64) / np.asarray(block[den], dtype=np.float64)


@pytest.mark.slow
def test_blocks_from_bases_agree_with_built_blocks(tmp_path):
    built_res, built = _blocks(BLOCKS, tmp_path / "built")
    half = BLOCKS // 2
    cloned_res, cloned = _blocks(half, tmp_path / "cloned")
    assert cloned_res["block_from_base"] == [False] * half + [True] * half
    dates = list(built_res["indicators"]["date"])
    for a, b in zip(built[:half], cloned[:half], strict=True):  # the bases are today's blocks
        assert np.array_equal(a["poor_persons"], b["poor_persons"])
    checks = 0
    for num, den in (("extreme_poor_persons", "persons"), ("poor_persons", "persons"),
                     ("unemployed", "labour_force"), ("informal", "employed"),
                     ("extreme_gap", "persons")):
        for month in ("2021-09", "2022-03", "2022-08", "2022-12"):
            t = dates.index(month)
            x = np.array([_rate(b, num, den)[t] for b in built[half:]])
            y = np.array([_rate(b, num, den)[t] for b in cloned[half:]])
            se = np.sqrt(x.var(ddof=1) / len(x) + y.var(ddof=1) / len(y))
            assert abs(y.mean() - x.mean()) <= 3 * se + 1e-12, (num, month, x, y)
            checks += 1
    assert checks == 20
    start = cloned_res["indicators"]
    assert abs(start["extreme_poverty_rate"][0] - _published(2)) <= 0.0030
    assert abs(start["poverty_rate"][0] - _published(39)) <= 0.0060
