"""Same seed, same bits, whatever the CPU features numpy (and BLAS and numba) dispatch on.

numpy picks SIMD kernels for sorts, selections and transcendental functions at run time, by
CPU; they differ in tie order and in the last bits, and the model used to turn such a
difference into a different sample path (the regression baseline failed on a machine without
AVX512). Each case reruns, in a subprocess, the regression config (the world without
programmes, ``tests/regression/update_baseline.py``) and a small run of the baseline scenario
with all its programmes, and compares every indicator of every month, bit for bit, with the
same runs in an unmodified environment:

* ``NPY_DISABLE_CPU_FEATURES=<group>`` for each feature group above numpy's baseline that this
  machine has (read from numpy at run time); a group numpy refuses to disable is skipped;
* ``OPENBLAS_CORETYPE=Prescott`` (BLAS kernels chosen by CPU), ``NUMBA_CPU_NAME=generic``
  (numba compiling for a baseline x86-64 instead of this CPU) and ``POVSIM_NUMBA=0`` (the numpy
  path of :mod:`simulation.detmath` instead of its numba kernels).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

CHILD = r"""
import json, sys
import numpy as np
from simulation.model import PovertyModel
from simulation.parameter_set import baseline_parameters
from simulation.scenarios import load_scenario

def run(params, policies, n, end):
    model = PovertyModel(params, n_households=n, seed=1, end=end, policies=policies)
    out = model.run()
    rec = {k: [float(v).hex() for v in np.asarray(vals, dtype=np.float64)]
           for k, vals in out.items() if k != "date"}
    rec["_state"] = [float(model.households.consumption.astype(np.float64).sum()).hex(),
                     float(model.workers.earnings.astype(np.float64).sum()).hex(),
                     int(model.employer_state.vacancies.sum())]
    return rec

base = load_scenario(sys.argv[1])
print(json.dumps({
    "no_programmes": run(baseline_parameters(), (), 5000, "2022-03"),
    "baseline": run(base.params, base.policy_specs(), 3000, "2021-12"),
}))
"""


def _groups() -> list[str]:
    """Dispatch targets above numpy's baseline that this CPU has."""
    try:
        from numpy._core._multiarray_umath import __cpu_dispatch__, __cpu_features__
    except ImportError:  # pragma: no cover - numpy moved its introspection
        return []
    return [g for g in __cpu_dispatch__ if __cpu_features__.get(g)]


def _run(extra_env: dict[str, str]) -> dict:
    env = {k: v for k, v in os.environ.items()
           if k not in ("NPY_DISABLE_CPU_FEATURES", "OPENBLAS_CORETYPE", "NUMBA_CPU_NAME",
                        "POVSIM_NUMBA")}
    env.update(extra_env)
    done = subprocess.run([sys.executable, "-c", CHILD, str(ROOT / "scenarios" / "baseline.yaml")],
                          capture_output=True, text=True, env=env, cwd=ROOT, timeout=600)
    if done.returncode != 0:
        if "NPY_DISABLE_CPU_FEATURES" in extra_env and "cannot disable" in done.stderr:
            pytest.skip(f"numpy refuses to disable {extra_env}: {done.stderr.strip()[:200]}")
        raise AssertionError(f"child failed with {extra_env}:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


@pytest.fixture(scope="module")
def reference() -> dict:
    return _run({})


CASES = ([{"NPY_DISABLE_CPU_FEATURES": g} for g in _groups()]
         + [{"OPENBLAS_CORETYPE": "Prescott"}, {"NUMBA_CPU_NAME": "generic"},
            {"POVSIM_NUMBA": "0"}])


def test_machine_has_groups_to_disable():
    """On x86-64 numpy dispatches above its baseline; without groups the test would be empty."""
    import platform

    if platform.machine() in ("x86_64", "AMD64"):
        assert _groups(), "no dispatch group above the baseline found on an x86-64 CPU"


@pytest.mark.parametrize("extra_env", CASES, ids=[",".join(f"{k}={v}" for k, v in c.items())
                                                   for c in CASES])
def test_bit_identical(reference, extra_env):
    got = _run(extra_env)
    problems = []
    for world, indicators in reference.items():
        for name, values in indicators.items():
            if got[world][name] != values:
                first = next(i for i, (a, b) in enumerate(zip(values, got[world][name],
                                                              strict=True)) if a != b)
                problems.append(f"{world} {name}: first differs at step {first}: "
                                f"{values[first]} vs {got[world][name][first]}")
    assert not problems, f"results moved with {extra_env}:\n" + "\n".join(problems[:20])
