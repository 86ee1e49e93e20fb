"""The corpus of bad inputs (tests/cases/bad_inputs/): each is refused cleanly by its entry point.

Every case file is one malformed input as a new user would give it (see
``bad_inputs/README.md`` for the format) and the exact line it must print. Each runs through its
entry point, in this process, in a fresh folder that is also the current folder: ``povsim run``
(:func:`simulation.cli.main`), ``python -m simulation.fullscale``
(:func:`simulation.fullscale.main`) or a call of the Python API. It must give exit status 2
(the API: an :class:`InputError`, which must also pickle), exactly the expected line on stderr
and nothing else, no traceback, no file or folder written or removed, within a time limit, and
without building a model (the run functions are replaced by ones that fail the test).

A new entry point (a sweep-file or posterior-file reader) joins by adding a runner to
``ENTRIES`` and its cases as files.
"""

from __future__ import annotations

import io
import os
import pickle
import re
import shutil
import stat
import sys
import tempfile
import time
from collections.abc import Callable
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml

import simulation as ps
from simulation import experiments as ex
from simulation import fullscale as fs
from simulation import model as model_module
from simulation.cli import main as povsim_main
from simulation.errors import InputError
from simulation.measures import INDICATOR_NAMES
from simulation.sweeps import runner as sweep_runner

ROOT = Path(__file__).resolve().parents[2]
CORPUS = Path(__file__).resolve().parent / "bad_inputs"
CASES = sorted(CORPUS.glob("*.yaml"))
CLASSES = set(range(1, 11))  # the failure classes of issue 9
SECONDS = 5.0  # each case, refused without running anything
MIN_CASES = 60
CASE_KEYS = {"class", "entry", "what", "files", "argv", "call", "expect", "expect_re",
             "skip_if_root"}


def load_case(path: Path) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def fill(text: str, tmp: Path) -> str:
    """Replace ``{tmp}`` (the case's folder), ``{root}`` (the repository) and ``{ppid}`` (the
    pid of a live process: this one's parent)."""
    return (text.replace("{tmp}", str(tmp)).replace("{root}", str(ROOT))
            .replace("{ppid}", str(os.getppid())))


# ---------------------------------------------------------------- making the files of a case
def make_files(files: dict, tmp: Path) -> None:
    """Create the case's files; a string is the text, a mapping says what to make."""
    for name, spec in (files or {}).items():
        path = tmp / fill(name, tmp)
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(spec, str):
            path.write_text(fill(spec, tmp), encoding="utf-8")
        elif "python" in spec:  # text (or bytes) computed from an expression
            value = eval(spec["python"], {"__builtins__": {}, "read": _read, "tmp": str(tmp)})
            if isinstance(value, bytes):
                path.write_bytes(value)
            else:
                path.write_text(fill(value, tmp), encoding="utf-8")
        elif spec.get("fifo"):
            os.mkfifo(path)
        elif "symlink" in spec:
            path.symlink_to(fill(spec["symlink"], tmp))
        elif spec.get("folder"):
            path.mkdir(exist_ok=True)
        else:
            raise ValueError(f"unknown file spec {spec!r}")
        if isinstance(spec, dict) and "mode" in spec:
            path.chmod(int(str(spec["mode"]), 8))


def _read(relative: str) -> str:
    return (ROOT / relative).read_text(encoding="utf-8")


def snapshot(folder: Path) -> list[tuple[str, str, int]]:
    """Every entry under ``folder`` (not following links): name, kind and size."""
    out = []
    for dirpath, dirnames, filenames in os.walk(folder):
        for name in dirnames + filenames:
            path = Path(dirpath, name)
            st = os.lstat(path)
            kind = ("link" if stat.S_ISLNK(st.st_mode) else "dir" if stat.S_ISDIR(st.st_mode)
                    else "file")
            out.append((str(path.relative_to(folder)), kind,
                        st.st_size if kind == "file" else 0))
    return sorted(out)


def restore_modes(folder: Path) -> None:
    """Make read-only test folders writable again so pytest can remove them."""
    for dirpath, dirnames, _ in os.walk(folder):
        for name in dirnames:
            path = Path(dirpath, name)
            if not path.is_symlink():
                path.chmod(0o755)


# ---------------------------------------------------------------- entry points
def _command(main: Callable[[list[str]], int]) -> Callable[[dict, Path], tuple[int, str, str]]:
    def runner(case: dict, tmp: Path) -> tuple[int, str, str]:
        argv = [fill(str(a), tmp) for a in case["argv"]]
        out, err = io.StringIO(), io.StringIO()
        with redirect_stdout(out), redirect_stderr(err):
            code = main(argv)
        return code, out.getvalue(), err.getvalue()
    return runner


def tiny_results() -> ps.Results:
    """A Results object built by hand (no model run), for the cases of Results.save."""
    base = ps.load_scenario(ROOT / "scenarios" / "baseline.yaml")
    frame = {"scenario": ["baseline"] * 2, "replication": [0, 0], "seed": [1, 1],
             "date": ["2021-03", "2021-04"], **{n: [0.0, 0.0] for n in INDICATOR_NAMES}}
    result = ex.ExperimentResult(
        scenarios=[base], households=100, replications=1, seed=1, end="2021-04", workers=1,
        timeseries=pd.DataFrame(frame), jobs=pd.DataFrame(
            [{"scenario": "baseline", "replication": 0, "seconds_build": 0.0,
              "seconds_run": 0.0, "labour_force_slots": 1}]),
        seconds_wall=0.0)
    return ps.Results(result)


def run_api(case: dict, tmp: Path) -> tuple[int, str, str]:
    """Call the API; an InputError is status 2 with its one line on "stderr"."""
    namespace = {"ps": ps, "np": np, "tmp": str(tmp), "root": str(ROOT), "Path": Path,
                 "base": ps.load_scenario(ROOT / "scenarios" / "baseline.yaml"),
                 "results": tiny_results()}
    try:
        eval(fill(case["call"], tmp), namespace)
    except InputError as err:
        back = pickle.loads(pickle.dumps(err))  # crosses a process boundary unchanged
        assert str(back) == str(err) and type(back) is type(err)
        return 2, "", str(err) + "\n"
    return 0, "", ""


ENTRIES: dict[str, Callable[[dict, Path], tuple[int, str, str]]] = {
    "run": _command(povsim_main),
    "sweep": _command(povsim_main),  # povsim sweep / sensitivity / discover
    "fullscale": _command(fs.main),
    "api": run_api,
    "report": _command(povsim_main),
    "calibrate": _command(povsim_main),  # povsim calibrate (issue 16)
}


@pytest.fixture
def no_model(monkeypatch):
    """Fail the test if anything starts to simulate."""
    def ran(*args, **kwargs):
        raise AssertionError("a simulation started although the input was bad")

    monkeypatch.setattr(ex.running, "_run_jobs", ran)
    monkeypatch.setattr(fs, "_run_blocks", ran)
    monkeypatch.setattr(sweep_runner, "_run", ran)
    monkeypatch.setattr(model_module.PovertyModel, "__init__", ran)


# ---------------------------------------------------------------- the corpus
@pytest.fixture
def short_tmp():
    """A folder with a short path, so that paths in messages are shown whole."""
    folder = Path(tempfile.mkdtemp(prefix="povsim-case-"))
    yield folder
    restore_modes(folder)
    shutil.rmtree(folder, ignore_errors=True)


@pytest.mark.parametrize("path", CASES, ids=[p.stem for p in CASES])
def test_bad_input_is_refused_cleanly(path, short_tmp, monkeypatch, no_model):
    case = load_case(path)
    if case.get("skip_if_root") and hasattr(os, "geteuid") and os.geteuid() == 0:
        pytest.skip(f"as root: {case['skip_if_root']}")
    tmp = short_tmp / "case"
    tmp.mkdir()
    make_files(case.get("files"), tmp)
    monkeypatch.chdir(tmp)
    before = snapshot(tmp)
    t0 = time.perf_counter()
    try:
        code, out, err = ENTRIES[case["entry"]](case, tmp)
    finally:
        seconds = time.perf_counter() - t0
        after = snapshot(tmp)
        restore_modes(tmp)
    assert code == 2, f"status {code}: {err}"
    lines = err.splitlines()
    assert len(lines) == 1 and err.endswith("\n"), err
    assert out == "", out
    assert "Traceback" not in err
    line = lines[0]
    if "expect" in case:
        assert line == fill(case["expect"], tmp)
    else:
        assert re.fullmatch(fill(case["expect_re"], tmp), line), line
    assert after == before  # nothing written, nothing removed
    assert seconds < SECONDS, f"took {seconds:.1f} s"


# ---------------------------------------------------------------- the corpus itself
def test_the_corpus_covers_every_failure_class_and_is_large_enough():
    classes = {load_case(p)["class"] for p in CASES}
    assert classes == CLASSES, f"missing classes: {sorted(CLASSES - classes)}"
    assert len(CASES) >= MIN_CASES


@pytest.mark.parametrize("path", CASES, ids=[p.stem for p in CASES])
def test_every_case_is_well_formed(path):
    case = load_case(path)
    assert set(case) <= CASE_KEYS, set(case) - CASE_KEYS
    assert case["class"] in CLASSES
    assert case["entry"] in ENTRIES
    assert isinstance(case.get("what"), str) and case["what"].strip()
    assert ("expect" in case) != ("expect_re" in case)
    assert ("argv" in case) == (case["entry"] != "api") and ("call" in case) == (
        case["entry"] == "api")
    prefix = {"run": "povsim: error: ", "sweep": "povsim: error: ",
              "fullscale": "fullscale: error: ", "report": "povsim: error: ",
              "calibrate": "povsim: error: "}.get(case["entry"], "")
    assert case.get("expect", prefix).startswith(prefix)
    assert path.stem.startswith(f"c{case['class']:02d}_"), "name files c<class>_<what>.yaml"


def test_the_harness_can_fail(tmp_path, monkeypatch, no_model):
    """A valid input is not refused, so a case that expects refusal would fail on it."""
    monkeypatch.chdir(tmp_path)
    case = {"entry": "api", "call": "ps.scenario('ok', {'labour.flows.fallback_rate': "
                                    "np.float32(0.1)})"}
    assert run_api(case, tmp_path) == (0, "", "")
    case = {"argv": ["run", str(ROOT / "scenarios" / "baseline.yaml"), "--end", "2021-04"]}
    with pytest.raises(AssertionError, match="a simulation started"):
        ENTRIES["run"](case, tmp_path)


def show(paths: list[Path]) -> None:
    """Print the status and lines each case gives now (to write a new case's ``expect``)."""
    def ran(*args, **kwargs):
        raise AssertionError("a simulation started although the input was bad")

    ex.running._run_jobs = fs._run_blocks = sweep_runner._run = ran
    for path in paths:
        case = load_case(path)
        with tempfile.TemporaryDirectory() as folder:
            tmp = Path(folder) / "case"
            tmp.mkdir()
            make_files(case.get("files"), tmp)
            cwd = os.getcwd()
            os.chdir(tmp)
            try:
                code, out, err = ENTRIES[case["entry"]](case, tmp)
            except Exception as exc:  # noqa: BLE001 (a helper: show what went wrong)
                code, out, err = None, "", f"{type(exc).__name__}: {exc}"
            finally:
                os.chdir(cwd)
                restore_modes(tmp)
            print(f"{path.name}: status {code}")
            print("  " + (out + err).replace(str(tmp), "{tmp}").replace(str(ROOT), "{root}")
                  .replace(str(os.getppid()), "{ppid}").rstrip().replace("\n", "\n  "))


if __name__ == "__main__":  # python tests/cases/test_bad_inputs.py [CASE.yaml ...]
    show([Path(a) for a in sys.argv[1:]] or CASES)
