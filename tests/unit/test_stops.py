"""Clean stops: signals end the workers and leave nothing; killed saves are cleaned up later.

Real processes: ``povsim run`` and ``python -m simulation.fullscale`` are started with two
workers, the signal is sent to the parent only (as ``kill PID`` does), and then the parent's
exit status and message, the folder and the process table are checked: no worker and no
multiprocessing resource tracker may outlive the parent. Linux only (the process table is read
from /proc).
"""

from __future__ import annotations

import os
import pickle
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from simulation import inputs
from simulation.errors import InputError

ROOT = Path(__file__).resolve().parents[2]
BASELINE = str(ROOT / "scenarios" / "baseline.yaml")
POVSIM = [sys.executable, "-m", "simulation.cli"]
FULLSCALE = [sys.executable, "-m", "simulation.fullscale"]

linux_only = pytest.mark.skipif(not Path("/proc/self/stat").exists(),
                                reason="reads the process table from /proc")


def children_of(pid: int) -> set[int]:
    """All live descendants of ``pid`` (from /proc/*/stat)."""
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            text = (entry / "stat").read_text()
        except OSError:
            continue
        fields = text[text.rindex(")") + 2:].split()
        if fields[0] != "Z":  # zombies are gone, only not yet reaped
            parents[int(entry.name)] = int(fields[1])
    found, frontier = set(), {pid}
    while frontier:
        frontier = {p for p, pp in parents.items() if pp in frontier} - found
        found |= frontier
    return found


def start(argv: list[str], cwd: Path) -> subprocess.Popen:
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    return subprocess.Popen(argv, cwd=cwd, env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)


def wait_for_children(proc: subprocess.Popen, n: int, timeout: float = 60.0) -> set[int]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        kids = children_of(proc.pid)
        if len(kids) >= n:
            return kids
        if proc.poll() is not None:
            pytest.fail(f"exited early ({proc.returncode}): {proc.stderr.read()}")
        time.sleep(0.2)
    proc.kill()
    pytest.fail(f"fewer than {n} child processes after {timeout} s")


def gone(pids: set[int], timeout: float = 15.0) -> set[int]:
    """The pids still alive after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    alive = set(pids)
    while alive and time.monotonic() < deadline:
        alive = {p for p in alive if Path(f"/proc/{p}").exists()
                 and "Z" not in Path(f"/proc/{p}/stat").read_text().split(")")[-1][:3]}
        time.sleep(0.2)
    return alive


def run_args(out: Path) -> list[str]:
    return [*POVSIM, "run", BASELINE, "--households", "20000", "--replications", "4",
            "--workers", "2", "--end", "2024-12", "--out", str(out)]


@linux_only
@pytest.mark.parametrize(("signum", "status"), [(signal.SIGTERM, 143), (signal.SIGINT, 130)])
def test_a_signal_to_povsim_ends_its_workers_and_leaves_no_folder(tmp_path, signum, status):
    proc = start(run_args(tmp_path / "run"), tmp_path)
    kids = wait_for_children(proc, 3)  # two workers and the resource tracker
    os.kill(proc.pid, signum)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == status, err
    lines = err.strip().splitlines()
    assert lines[-1] == (f"povsim: interrupted ({signal.Signals(signum).name}); no output "
                         "folder was written"), err
    assert "Traceback" not in err
    assert gone(kids) == set()
    assert sorted(p.name for p in tmp_path.iterdir()) == []


@linux_only
def test_workers_end_when_povsim_is_killed(tmp_path):
    proc = start(run_args(tmp_path / "run"), tmp_path)
    kids = wait_for_children(proc, 3)
    os.kill(proc.pid, signal.SIGKILL)
    proc.communicate(timeout=30)
    assert gone(kids) == set()  # the workers watch their parent; the tracker then sees EOF


@linux_only
@pytest.mark.parametrize(("signum", "status"), [(signal.SIGINT, 130), (signal.SIGTERM, 143)])
def test_a_signal_to_fullscale_ends_its_blocks_and_leaves_no_folder(tmp_path, signum, status):
    out = tmp_path / "new" / "fullscale"
    proc = start([*FULLSCALE, "--households", "40000", "--block-households", "20000",
                  "--processes", "2", "--out", str(out)], tmp_path)
    kids = wait_for_children(proc, 3)
    os.kill(proc.pid, signum)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == status, err
    assert err.strip().splitlines()[-1] == (
        f"fullscale: interrupted ({signal.Signals(signum).name}); nothing was left"), err
    assert "Traceback" not in err
    assert gone(kids) == set()
    assert list(tmp_path.iterdir()) == []  # neither run.json nor the folders it made


def test_a_partial_folder_of_a_dead_process_is_removed_by_the_next_save(tmp_path):
    from simulation.cli import main

    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    stale = tmp_path / f"run.partial-{dead.pid}"
    stale.mkdir()
    (stale / "timeseries.csv").write_text("half")
    assert main(["run", BASELINE, "--households", "1000", "--replications", "1",
                 "--workers", "1", "--end", "2021-04", "--out", str(tmp_path / "run")]) == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["run"]


def test_a_partial_folder_of_a_live_process_is_named_in_the_error(tmp_path, capsys):
    from simulation.cli import main

    live = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        (tmp_path / f"run.partial-{live.pid}").mkdir()
        assert main(["run", BASELINE, "--out", str(tmp_path / "run")]) == 2
    finally:
        live.kill()
        live.wait()
    err = capsys.readouterr().err
    assert f"run.partial-{live.pid} belongs to the running process {live.pid}" in err
    assert len(err.strip().splitlines()) == 1


def test_input_error_pickles_across_processes():
    err = InputError("s.yaml", "policies[0].type", "a bpjs_tk policy", "pbi_contributions")
    back = pickle.loads(pickle.dumps(err))
    assert type(back) is InputError
    assert (back.file, back.key, back.expected) == (err.file, err.key, err.expected)
    assert str(back) == str(err) == back.one_line()
    no_got = pickle.loads(pickle.dumps(InputError("f", "k", "x")))
    assert no_got.got is InputError.MISSING and str(no_got) == "f: k: expected x"
    unpicklable = InputError("f", "k", "a number", lambda: 0)  # the value need not pickle
    assert str(pickle.loads(pickle.dumps(unpicklable))) == str(unpicklable)


def test_stop_on_signals_raises_once_and_restores_the_handlers():
    before = signal.getsignal(signal.SIGTERM)
    with pytest.raises(inputs.StopRequested) as stop, inputs.stop_on_signals():
        os.kill(os.getpid(), signal.SIGTERM)
        time.sleep(1)  # the handler runs here
    assert stop.value.exit_status == 143 and isinstance(stop.value, KeyboardInterrupt)
    assert signal.getsignal(signal.SIGTERM) == before
