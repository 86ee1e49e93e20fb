"""benchmarks/run.py prints what the speed issue asks for (keys and consistency, not timings).

Speed itself is never asserted in tests (it depends on the machine); these checks only make sure
the script runs in each world and that its last line is the promised JSON object.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
KEYS = {"households", "months", "seconds", "household_months_per_second", "peak_rss_mb",
        "build_seconds", "state_bytes_per_household", "yardstick_household_months_per_second",
        "ratio_to_yardstick", "household_months_per_second_with_build",
        "ratio_to_yardstick_with_build"}
REFERENCE_KEYS = {"reference_household_months_per_second", "speedup", "reference_seconds"}


def _run(*args: str) -> tuple[dict, str]:
    out = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "run.py"), *args],
                         capture_output=True, text=True, check=True, cwd=ROOT)
    return json.loads(out.stdout.strip().splitlines()[-1]), out.stdout


@pytest.mark.parametrize("programmes", ["baseline", "none"])
def test_last_line_is_the_json_of_the_issue(programmes):
    r, text = _run("--households", "800", "--months", "2", "--programmes", programmes)
    assert KEYS <= set(r)
    assert r["households"] == 800 and r["months"] == 2 and r["programmes"] == programmes
    assert r["household_months_per_second"] == pytest.approx(800 * 2 / r["seconds"])
    assert r["peak_rss_mb"] > 50
    # The yardstick ran in the same process, twice; the faster run is the one the ratios use.
    assert len(r["yardstick_runs"]) == 2
    assert r["yardstick_household_months_per_second"] == max(r["yardstick_runs"]) > 0
    assert r["ratio_to_yardstick"] == pytest.approx(
        r["household_months_per_second"] / r["yardstick_household_months_per_second"])
    assert r["household_months_per_second_with_build"] == pytest.approx(
        800 * 2 / (r["seconds"] + r["build_seconds"]))
    assert r["ratio_to_yardstick_with_build"] == pytest.approx(
        r["household_months_per_second_with_build"]
        / r["yardstick_household_months_per_second"])
    assert r["ratio_to_yardstick_with_build"] < r["ratio_to_yardstick"]
    assert r["state_bytes_per_household"] > 0
    assert not REFERENCE_KEYS & set(r)
    assert "household-months/s" in text.splitlines()[0]


def test_reference_comparison_runs_the_insurance_world():
    r, _ = _run("--households", "600", "--months", "2", "--compare-reference")
    assert (KEYS | REFERENCE_KEYS) <= set(r)
    assert r["programmes"] == "insurance"
    assert r["speedup"] == pytest.approx(r["reference_seconds"] / r["seconds"])
    assert r["reference_household_months_per_second"] == pytest.approx(
        600 * 2 / r["reference_seconds"])


def test_reference_comparison_refuses_the_full_baseline():
    out = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "run.py"), "--households",
                          "500", "--months", "1", "--compare-reference", "--programmes",
                          "baseline"], capture_output=True, text=True, cwd=ROOT)
    assert out.returncode == 2
    assert "--programmes insurance" in out.stderr
