"""Sweeps on a Dask LocalCluster, and sweeps that lose processes: no run lost, none repeated.

- the smoke sweep on a 2-worker LocalCluster gives the runs.csv of 2 local workers, and its
  workers run with the allocator thresholds of :mod:`simulation.allocator`;
- (slow) ``povsim sweep`` killed with SIGKILL to its process group part-way, then resumed,
  gives the files of an uninterrupted sweep;
- (slow) a Dask worker killed mid-sweep (its nanny starts another) loses no run;
- (slow) ``python -m simulation.fullscale --scheduler`` gives the blocks of local processes.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from simulation.cli import main as povsim_main
from simulation.sweeps import load_sweep, run_sweep

distributed = pytest.importorskip("distributed")

ROOT = Path(__file__).resolve().parents[2]
SMOKE = ROOT / "scenarios" / "sweeps" / "smoke.yaml"
FILES = ("runs.csv", "counterfactual.csv")


@pytest.fixture(scope="module")
def reference(tmp_path_factory):
    out = tmp_path_factory.mktemp("smoke") / "local"
    run_sweep(load_sweep(SMOKE), out, workers=2)
    return out


@pytest.fixture(scope="module")
def cluster():
    from distributed import Client, LocalCluster

    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                      dashboard_address=None) as lc, Client(lc) as client:
        yield lc, client


def _rows(path: Path) -> int:
    try:
        return max(0, len(path.read_text().splitlines()) - 1)
    except FileNotFoundError:
        return 0


def test_local_cluster_gives_the_same_runs(reference, cluster, tmp_path):
    _, client = cluster
    out = tmp_path / "dask"
    res = run_sweep(load_sweep(SMOKE), out, client=client)
    assert res.recorded == 16 and res.failed == 0
    for name in FILES:
        assert (out / name).read_bytes() == (reference / name).read_bytes()
    # Every worker that ran a task reset the nanny's allocator thresholds (simulation.allocator).
    from simulation import allocator

    assert set(client.run(allocator.tuned).values()) == {allocator._libc() is not None}


@pytest.mark.slow
def test_a_killed_dask_worker_loses_no_run(reference, cluster, tmp_path):
    _, client = cluster
    client.wait_for_workers(2)
    pids = list(client.run(os.getpid).values())
    out = tmp_path / "dask-kill"
    killed = []

    def kill_one():  # once 3 runs are recorded, a worker dies mid-run
        deadline = time.monotonic() + 120
        while _rows(out / "runs.csv") < 3 and time.monotonic() < deadline:
            time.sleep(0.05)
        os.kill(pids[0], signal.SIGKILL)
        killed.append(_rows(out / "runs.csv"))

    thread = threading.Thread(target=kill_one, daemon=True)
    thread.start()
    res = run_sweep(load_sweep(SMOKE), out, client=client)
    thread.join(timeout=5)
    assert killed and killed[0] < 16, "the worker was not killed part-way"
    assert res.recorded == 16
    for name in FILES:
        assert (out / name).read_bytes() == (reference / name).read_bytes()


@pytest.mark.slow
def test_sigkill_to_the_process_group_then_resume(reference, tmp_path, capsys):
    out = tmp_path / "killed"
    povsim = Path(sys.executable).with_name("povsim")
    proc = subprocess.Popen([str(povsim), "sweep", str(SMOKE), "--workers", "2", "--out",
                             str(out)], start_new_session=True, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 120
        while _rows(out / "runs.csv") < 5 and time.monotonic() < deadline:
            time.sleep(0.02)
    finally:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)
    before = _rows(out / "runs.csv")
    assert 5 <= before < 16, f"{before} runs recorded when killed"
    time.sleep(1.0)  # the workers see their parent gone and end
    assert povsim_main(["sweep", str(SMOKE), "--workers", "2", "--out", str(out),
                        "--resume"]) == 0
    assert "16 of 16 runs recorded" in capsys.readouterr().out
    for name in FILES:
        assert (out / name).read_bytes() == (reference / name).read_bytes()
    assert not [p for p in out.iterdir() if p.name.startswith(".sweep-lock-")
                and p.name != f".sweep-lock-{proc.pid}"]


@pytest.mark.slow
def test_fullscale_on_a_local_cluster_gives_the_local_blocks(cluster, tmp_path):
    import numpy as np

    from simulation import fullscale as fs

    _, client = cluster
    kwargs = {"households": 6000, "block_households": 2000, "seed": 5, "end": "2021-09"}
    local = fs.run_full_scale(processes=2, out_dir=tmp_path / "local", log=lambda s: None,
                              **kwargs)
    dask = fs.run_full_scale(client=client, out_dir=tmp_path / "dask", log=lambda s: None,
                             **kwargs)
    for key in ("extreme_poverty_rate", "unemployment_rate", "gini"):
        assert np.array_equal(local["indicators"][key], dask["indicators"][key])
    assert sorted(p.name for p in (tmp_path / "dask").glob("block_*.npz")) == sorted(
        p.name for p in (tmp_path / "local").glob("block_*.npz"))
