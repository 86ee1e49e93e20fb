"""The manifest records the environment a run used (library versions, numpy's CPU features)."""

import json

import simulation as ps
from simulation.environment import environment, numpy_cpu


def test_environment_names_versions_and_cpu_features():
    env = environment()
    for lib in ("numpy", "scipy", "Mesa", "numba"):
        assert env["libraries"][lib], lib
    cpu = numpy_cpu()
    assert cpu["baseline"], "numpy reports no baseline features"
    assert set(cpu["dispatch_enabled"]) <= set(cpu["dispatch_built"])
    assert isinstance(env["cpu"]["detmath_numba_kernels"], bool)


def test_manifest_carries_the_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("NPY_DISABLE_CPU_FEATURES", "")  # recorded only when set to a value
    res = ps.run(ps.scenario("tiny"), households=200, replications=1, end="2021-04")
    out = res.save(tmp_path / "run")
    man = json.loads((out / "manifest.json").read_text())
    assert man["environment"]["libraries"]["numpy"] == environment()["libraries"]["numpy"]
    assert man["environment"]["cpu"]["numpy"] == numpy_cpu()
    assert man["environment"]["env"] == {"NPY_DISABLE_CPU_FEATURES": ""}
