"""A small real run folder for the report tests (made once per session: about 20 s)."""

from __future__ import annotations

from pathlib import Path

import pytest

import simulation as ps

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def run_dir(tmp_path_factory) -> Path:
    """baseline, no_programmes and training_up: 600 households x 3 replications to 2024-12."""
    names = ("baseline", "no_programmes", "training_up")
    scenarios = [ps.load_scenario(ROOT / "scenarios" / f"{n}.yaml") for n in names]
    out = tmp_path_factory.mktemp("report") / "run"
    ps.run(scenarios, households=600, replications=3, seed=11, end="2024-12", out=out)
    return out
