"""Running a sweep: local processes or a Dask cluster, each finished run appended and fsynced.

:func:`run_sweep` writes a sweep folder:

- ``sweep.json``, written first: the sweep (see :func:`sweep_record`);
- ``runs.csv``: one row per design run, appended as each run finishes (flushed and fsynced),
  so a crash loses at most the runs in flight; at the end the rows are sorted by ``run``;
- ``counterfactual.csv`` (only with a counterfactual): one row per scenario index ``u``, the
  counterfactual run shared by every lever point (same seed, same uncertain inputs).

``resume=True`` reads both files (a last line cut short by a crash is dropped), skips what
they hold and runs the rest; the final files are byte for byte those of an uninterrupted
sweep. A run that raises is recorded with its ``error`` and does not stop the sweep. Results
do not depend on the executor, the number of workers or the order of completion: each run's
inputs and seed come from the sweep file alone (:mod:`simulation.sweeps.design`).
"""

from __future__ import annotations

import contextlib
import csv
import datetime as _dt
import io
import json
import math
import os
import sys
import time
from collections.abc import Iterator
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from multiprocessing import get_context
from pathlib import Path
from typing import Any

import numpy as np
from tqdm import tqdm

from simulation import inputs
from simulation.allocator import on_worker
from simulation.errors import InputError, one_line_text
from simulation.sweeps.load import Sweep

FORMAT = "povsim-sweep/1"
RUNS = "runs.csv"
COUNTERFACTUAL = "counterfactual.csv"
SWEEP_JSON = "sweep.json"
ID_COLUMNS = ("run", "lever_point", "uncertainty_point", "replication", "seed")
CF_ID_COLUMNS = ("u", "uncertainty_point", "replication", "seed")
_LOCK = ".sweep-lock-"
_OWN = (SWEEP_JSON, RUNS, COUNTERFACTUAL, "sensitivity.csv", "sensitivity.json",
        "sensitivity.png", "discovery.json", "discovery.csv", "discovery.png")


# --------------------------------------------------------------------------------------------
# Columns and rows
# --------------------------------------------------------------------------------------------
def input_columns(sweep: Sweep) -> list[str]:
    """Input columns: levers, uncertainties, then the posterior's drawn row and its paths."""
    return [*(i.name for i in sweep.spec.levers), *uncertain_columns(sweep)]


def run_columns(sweep: Sweep) -> list[str]:
    """The columns of ``runs.csv``."""
    return [*ID_COLUMNS, *input_columns(sweep), *(o.name for o in sweep.spec.outcomes), "error"]


def uncertain_columns(sweep: Sweep) -> list[str]:
    """The uncertain inputs' columns: uncertainties, then the posterior's row and paths."""
    cols = [i.name for i in sweep.spec.uncertainties]
    if sweep.spec.posterior is not None:
        cols += [sweep.spec.posterior.column, *sweep.spec.posterior.paths]
    return cols


def counterfactual_columns(sweep: Sweep) -> list[str]:
    """The columns of ``counterfactual.csv``."""
    return [*CF_ID_COLUMNS, *uncertain_columns(sweep), *sweep.model.counterfactual_columns,
            "error"]


def _text(value: Any) -> str:
    """A value as written: integers plain, floats by ``repr`` (read back bit for bit).

    NaN and None are written empty; booleans as 1 and 0.
    """
    if value is None:
        return ""
    if isinstance(value, bool | np.bool_):
        return "1" if value else "0"
    if isinstance(value, int | np.integer):
        return str(int(value))
    if isinstance(value, float | np.floating):
        v = float(value)
        if math.isnan(v):
            return ""
        if v.is_integer() and abs(v) < 2**53:
            return str(int(v)) if v != 0 or math.copysign(1, v) > 0 else "0"
        return repr(v)
    return str(value)


def _line(values: list[Any]) -> str:
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerow([_text(v) for v in values])
    return buf.getvalue()


@dataclass(frozen=True)
class Task:
    """One model run: a design run (``kind`` ``run``) or a counterfactual (``counterfactual``).

    Attributes:
        kind: ``run`` or ``counterfactual``.
        index: The run index, or the scenario index ``u`` of a counterfactual.
        values: ``{input name: value}`` as applied (levers, uncertainties, posterior row).
        seed: The run's seed (:func:`~simulation.sweeps.design.run_seed` of ``u``).
    """

    kind: str
    index: int
    values: dict
    seed: int


def execute(model: Any, task: Task) -> tuple[str, int, dict, str]:
    """Run one task in a worker; an exception becomes the row's ``error`` (one line)."""
    try:
        if task.kind == "run":
            res = model.evaluate(task.values, task.seed)
        else:
            res = model.counterfactual(task.values, task.seed)
        return task.kind, task.index, res, ""
    except Exception as exc:  # recorded, the sweep goes on
        return task.kind, task.index, {}, f"{type(exc).__name__}: {one_line_text(str(exc), 400)}"


def _values(sweep: Sweep, i: int, j: int, u: int, with_levers: bool) -> dict:
    spec, design = sweep.spec, sweep.design
    vals: dict[str, Any] = {}
    if with_levers:
        for k, inp in enumerate(spec.levers):
            vals[inp.name] = inp.cast(design.levers[i, k])
    for k, inp in enumerate(spec.uncertainties):
        vals[inp.name] = inp.cast(design.uncertainties[j, k])
    if spec.posterior is not None:
        row = design.posterior_rows[u]
        vals[spec.posterior.column] = spec.posterior.ids[row]
        for p, v in zip(spec.posterior.paths, spec.posterior.draws[row], strict=True):
            vals[p] = float(v)
    return vals


def tasks_of(sweep: Sweep, runs_done: set[int], cf_done: set[int]) -> list[Task]:
    """The tasks still to run, counterfactual of ``u`` first, then the design runs of ``u``."""
    design = sweep.design
    n_lev, U = design.levers.shape[0], design.scenarios
    out = []
    for u in range(U):
        j, _ = divmod(u, design.replications)
        seed = design.seed_of(u)
        if sweep.model.has_counterfactual and u not in cf_done:
            out.append(Task("counterfactual", u, _values(sweep, 0, j, u, False), seed))
        for i in range(n_lev):
            run = i * U + u
            if run not in runs_done:
                out.append(Task("run", run, _values(sweep, i, j, u, True), seed))
    return out


# --------------------------------------------------------------------------------------------
# The folder
# --------------------------------------------------------------------------------------------
def sweep_record(sweep: Sweep, command_line: str) -> dict:
    """``sweep.json``: the sweep's content, digest, design, inputs, outcomes, seeds, versions."""
    from simulation.environment import environment
    from simulation.experiments.folder import _git_commit, _package_version

    spec, design = sweep.spec, sweep.design
    commit, dirty = _git_commit()
    return {
        "format": FORMAT,
        "name": spec.name,
        "description": spec.description,
        "file": spec.file,
        "digest": sweep.digest,
        "digest_note": ("SHA-256 of the resolved sweep (the file's content, the base and "
                        "counterfactual scenarios' parameter digests and policies, the "
                        "posterior file's digest, inputs, design, outcomes, sizes and seed): "
                        "--resume accepts only a folder of the same digest"),
        "content": spec.content,
        "resolved": sweep.resolved(),
        "base": sweep.record.get("base"),
        "counterfactual": sweep.record.get("counterfactual"),
        "households": spec.households,
        "replications": spec.replications,
        "seed": spec.seed,
        "end": spec.end,
        "design": {
            "levers": {**spec.design["levers"].to_dict(), "points": int(design.levers.shape[0])},
            "uncertainties": {**spec.design["uncertainties"].to_dict(),
                              "points": int(design.uncertainties.shape[0])},
            "runs": design.runs,
            "counterfactual_runs": sweep.counterfactual_runs,
            "model_runs": design.runs + sweep.counterfactual_runs,
            "numbering": ("run = lever_point * U + u, u = uncertainty_point * replications + "
                          f"replication, U = {design.scenarios}"),
        },
        "seeds": {
            "rule": (f"run seed = SeedSequence({spec.seed}, spawn_key=(u,)).generate_state(1, "
                     "uint64)[0] >> 1, the same for every lever point (common random numbers) "
                     "and for the counterfactual of u; rerun a row with run_model(params, "
                     "households, seed)"
                     + ("; this Sobol or Morris design uses the seed of the replication alone "
                        "(spawn_key=(replication,)) for every uncertainty point"
                        if design.common_seeds else "")),
            "common_seeds": design.common_seeds,
        },
        "inputs": [i.to_dict() for i in spec.inputs]
        + ([{"name": spec.posterior.column, "kind": "uncertainty", "path": spec.posterior.file,
             "type": "int", "range": [min(spec.posterior.ids), max(spec.posterior.ids)],
             "values": None, "source": "posterior draw id", "label": "posterior draw",
             "unit": "", "reason": ""}]
           + [{"name": p, "kind": "uncertainty", "path": p, "type": "float",
               "range": [float(spec.posterior.draws[:, k].min()),
                         float(spec.posterior.draws[:, k].max())],
               "values": None, "source": "posterior", "label": p, "unit": "", "reason": ""}
              for k, p in enumerate(spec.posterior.paths)]
           if spec.posterior is not None else []),
        "posterior": spec.posterior.to_dict() if spec.posterior is not None else None,
        "outcomes": [o.to_dict() for o in spec.outcomes],
        "files": {
            RUNS: run_columns(sweep),
            COUNTERFACTUAL: counterfactual_columns(sweep) if sweep.model.has_counterfactual
            else None,
        },
        "povsim": {"version": _package_version(), "git_commit": commit,
                   "git_uncommitted_changes": dirty},
        "environment": environment(),
        "created_utc": _dt.datetime.now(_dt.UTC).isoformat(timespec="seconds"),
        "command_line": command_line,
    }


def _write_atomic(path: Path, text: str) -> None:
    tmp = path.with_name(path.name + ".tmp")
    with open(tmp, "w", encoding="utf-8", newline="") as fh:
        fh.write(text)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)


def read_rows(path: Path, columns: list[str]) -> dict[int, str]:
    """Rows of a sweep CSV by their first column.

    A last line cut short (a crash mid-write) is dropped and cut from the file, so appending
    goes on from a clean end.

    Raises:
        InputError: for a header that is not this sweep's.
    """
    if not path.exists():
        return {}
    data = path.read_bytes()
    if data and not data.endswith(b"\n"):
        cut = data.rfind(b"\n") + 1
        with open(path, "r+b") as fh:
            fh.truncate(cut)
        data = data[:cut]
    text = data.decode("utf-8")
    lines = text.splitlines(keepends=True)
    if not lines:
        return {}
    header = next(csv.reader([lines[0]]))
    if header != columns:
        raise InputError(str(path), "<header>", "the columns of this sweep (see sweep.json)",
                         header[:6])
    rows: dict[int, str] = {}
    for line in lines[1:]:
        first = line.split(",", 1)[0]
        try:
            rows[int(first)] = line
        except ValueError:
            continue  # not a row (cannot happen for lines this module wrote)
    return rows


def parse_row(line: str, columns: list[str]) -> dict[str, str]:
    """One CSV line as ``{column: text}``."""
    return dict(zip(columns, next(csv.reader([line])), strict=True))


def _float(text: str) -> float:
    return float(text) if text != "" else float("nan")


class _Appender:
    """Appends lines to a CSV, flushing and fsyncing each one."""

    def __init__(self, path: Path, header: list[str]):
        new = not path.exists() or path.stat().st_size == 0
        self.fh = open(path, "a", encoding="utf-8", newline="")
        if new:
            self.write(_line(header))

    def write(self, line: str) -> None:
        self.fh.write(line)
        self.fh.flush()
        os.fsync(self.fh.fileno())

    def close(self) -> None:
        self.fh.close()


def _sort_file(path: Path) -> None:
    """Rewrite a sweep CSV with its rows sorted by the first column (atomically)."""
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    rows = sorted(lines[1:], key=lambda line: int(line.split(",", 1)[0]))
    _write_atomic(path, "".join([lines[0], *rows]))


def check_sweep_folder(out: Path | str, sweep: Sweep, resume: bool,
                       file: str = "<command line>") -> tuple[Path, bool]:
    """Check the folder before anything runs; return it and whether it holds this sweep.

    Without ``resume`` it must be new or empty; with it, new, empty or a folder of this same
    sweep (its ``sweep.json`` of the same digest) holding only the sweep's files, with no other
    live process writing it.

    Raises:
        InputError: naming ``--out`` (or the folder's ``sweep.json``).
    """
    def foreign(folder: Path, names: list[str]) -> list[str]:
        if not resume or SWEEP_JSON not in names:
            return names
        return [n for n in names if n not in _OWN and not n.startswith(_LOCK)
                and not n.endswith(".tmp")]

    try:
        folder = inputs.check_out_dir(out, file=file, key="--out", foreign=foreign)
    except InputError as exc:
        if not resume and Path(out, SWEEP_JSON).is_file():
            raise InputError(exc.file, exc.key, exc.expected + "; it holds a sweep: add "
                             "--resume to go on with it", exc.got) from None
        raise
    path = Path(folder) / SWEEP_JSON
    if not path.exists():
        return folder, False
    try:
        found = json.loads(inputs.read_text(path))
    except (InputError, ValueError):
        found = {}
    if not isinstance(found, dict) or found.get("digest") != sweep.digest:
        got = found.get("digest") if isinstance(found, dict) else None
        raise InputError(str(path), "--resume", "a folder of this same sweep to resume (its "
                         f"digest is {str(got)[:12]}..., this sweep's {sweep.digest[:12]}...: "
                         "another sweep file, base scenario or posterior); use another "
                         "--out", str(out))
    for name in os.listdir(folder):
        if name.startswith(_LOCK):
            pid = name[len(_LOCK):]
            if pid.isdigit() and int(pid) != os.getpid() and inputs._pid_alive(int(pid)):
                raise InputError(file, "--out", f"a sweep folder no other process is writing "
                                 f"(process {pid} is running this sweep)", str(out))
    return folder, True


# --------------------------------------------------------------------------------------------
# Executors
# --------------------------------------------------------------------------------------------
def _local(model: Any, tasks: list[Task], workers: int) -> Iterator[tuple]:
    """Results as they finish: in this process, or in ``workers`` spawned processes."""
    if workers == 1:
        for task in tasks:
            yield execute(model, task)
        return
    todo = list(reversed(tasks))  # pop() takes them in order
    restarts = 0
    while todo:
        pool = ProcessPoolExecutor(max_workers=workers, mp_context=get_context("spawn"),
                                   initializer=inputs.worker_init, initargs=(os.getpid(),))
        pending: dict = {}
        try:
            while todo or pending:
                while todo and len(pending) < 2 * workers:  # a short queue keeps the order
                    task = todo.pop()
                    pending[pool.submit(execute, model, task)] = task
                done, _ = wait(pending, return_when=FIRST_COMPLETED)
                for fut in done:
                    task = pending.pop(fut)
                    try:
                        result = fut.result()
                    except BrokenProcessPool:
                        todo.append(task)
                        continue
                    yield result
        except BrokenProcessPool:
            pass
        except BaseException:
            inputs.stop_pool(pool)
            raise
        if pending or todo:  # a worker died (killed, out of memory): start a new pool
            todo.extend(pending.values())
            inputs.stop_pool(pool)
            restarts += 1
            if restarts > 3:
                raise RuntimeError("the worker processes died 4 times; the runs recorded so "
                                   "far are kept (resume with --resume)")
            continue
        pool.shutdown(wait=True)


def _load_model(blob: bytes) -> Any:
    import pickle

    return pickle.loads(blob)


def _dask(model: Any, tasks: list[Task], client: Any) -> Iterator[tuple]:
    """Results as they finish on a ``dask.distributed`` cluster.

    The model travels once, as a task of its own (so a worker lost with it has it recomputed
    elsewhere), and runs are submitted a few at a time in order (counterfactuals first).
    Every task first sets the worker's allocator thresholds back for large arrays
    (:func:`simulation.allocator.tune_for_arrays`: the nanny's trim setting made runs up to
    twice as slow).
    A run whose worker dies is rerun by the scheduler on another worker.
    """
    import pickle

    from distributed import as_completed

    blob = pickle.dumps(model)
    model_future = client.submit(on_worker, _load_model, blob, pure=False)
    threads = max(1, sum(client.nthreads().values()))
    todo = list(reversed(tasks))
    window = 2 * threads + 2
    ac = as_completed()
    futures: dict = {}
    for _ in range(min(window, len(todo))):
        task = todo.pop()
        fut = client.submit(on_worker, execute, model_future, task, pure=False)
        futures[fut] = task
        ac.add(fut)
    try:
        for fut in ac:
            task = futures.pop(fut)
            yield fut.result()
            if todo:
                task = todo.pop()
                nxt = client.submit(on_worker, execute, model_future, task, pure=False)
                futures[nxt] = task
                ac.add(nxt)
    except BaseException:
        with contextlib.suppress(Exception):
            client.cancel(list(futures) + [model_future])
        raise
    with contextlib.suppress(Exception):
        client.cancel([model_future])


def dask_client(address: str) -> Any:
    """A ``distributed.Client`` connected to a scheduler (``tcp://host:8786``).

    Raises:
        InputError: when dask.distributed is not installed or the scheduler cannot be reached.
    """
    try:
        from distributed import Client
    except ImportError:
        raise InputError("<command line>", "--scheduler", "dask.distributed installed (pip "
                         "install -e '.[cluster]')", address) from None
    try:
        return Client(address, timeout="10s")
    except (OSError, TimeoutError) as exc:
        raise InputError("<command line>", "--scheduler", "the address of a running dask "
                         f"scheduler ({type(exc).__name__}: {one_line_text(str(exc), 120)})",
                         address) from None


# --------------------------------------------------------------------------------------------
# The sweep
# --------------------------------------------------------------------------------------------
@dataclass
class SweepResult:
    """What :func:`run_sweep` did.

    Attributes:
        out: The sweep folder.
        runs: Design runs in the sweep.
        recorded: Design runs in ``runs.csv`` at the end.
        failed: Of those, runs with an error.
        model_runs_now: Model runs made by this call (design and counterfactual).
        resumed: Design runs found recorded at the start.
        seconds: Wall time of this call's runs.
    """

    out: Path
    runs: int
    recorded: int
    failed: int
    model_runs_now: int
    resumed: int
    seconds: float

    @property
    def runs_per_minute(self) -> float:
        """Model runs per minute in this call (design and counterfactual)."""
        return 60.0 * self.model_runs_now / max(self.seconds, 1e-9)


def run_sweep(sweep: Sweep, out: Path | str, *, workers: int = 1, client: Any = None,
              resume: bool = False, progress: bool = False, command_line: str = "",
              log=None) -> SweepResult:
    """Run a sweep into ``out`` (see the module docstring).

    Args:
        sweep: From :func:`simulation.sweeps.load_sweep` (or built in code).
        out: The sweep folder: new or empty, or this sweep's own with ``resume``.
        workers: Local processes (1: in this process); ignored with ``client``.
        client: A ``distributed.Client``: run on its cluster instead.
        resume: Go on with the runs a folder of this sweep holds.
        progress: Show a progress bar on stderr (runs done, failed, time left).
        command_line: Recorded in ``sweep.json``.
        log: Called with one line of text at the start (None: nothing).

    Raises:
        InputError: before anything runs, for a folder that cannot be used.
    """
    folder, existing = check_sweep_folder(out, sweep, resume)
    folder = Path(os.path.abspath(folder))
    cols, cf_cols = run_columns(sweep), counterfactual_columns(sweep)
    with inputs.stop_on_signals():
        folder.mkdir(parents=True, exist_ok=True)
        lock = folder / f"{_LOCK}{os.getpid()}"
        lock.touch()
        try:
            return _run(sweep, folder, existing, cols, cf_cols, workers, client, progress,
                        command_line, log)
        finally:
            with contextlib.suppress(OSError):
                lock.unlink()


def _run(sweep: Sweep, folder: Path, existing: bool, cols: list[str], cf_cols: list[str],
         workers: int, client: Any, progress: bool, command_line: str, log) -> SweepResult:
    spec = sweep.spec
    if not existing:
        _write_atomic(folder / SWEEP_JSON, json.dumps(sweep_record(sweep, command_line),
                                                      indent=1, default=str) + "\n")
    has_cf = sweep.model.has_counterfactual
    runs_path, cf_path = folder / RUNS, folder / COUNTERFACTUAL
    done = read_rows(runs_path, cols)
    cf_rows = read_rows(cf_path, cf_cols) if has_cf else {}
    cf_values: dict[int, tuple[dict | None, str]] = {}
    for u, line in cf_rows.items():
        row = parse_row(line, cf_cols)
        cf_values[u] = ({c: _float(row[c]) for c in sweep.model.counterfactual_columns},
                        row["error"])
    failed = sum(1 for line in done.values() if parse_row(line, cols)["error"])
    tasks = tasks_of(sweep, set(done), set(cf_values))
    resumed = len(done)
    if log is not None:
        where = (f"a dask cluster ({sum(client.nthreads().values())} threads)" if client
                 is not None else f"{workers} local process(es)")
        log(f"povsim: sweep {spec.name}: {sweep.design.runs:,} runs"
            + (f" + {sweep.counterfactual_runs:,} counterfactual" if has_cf else "")
            + f" of {spec.households:,} households on {where}"
            + (f"; {resumed:,} recorded, {len(tasks):,} model runs to go" if existing else ""))
    run_out = _Appender(runs_path, cols)
    cf_out = _Appender(cf_path, cf_cols) if has_cf else None
    held: dict[int, list[tuple[int, dict, str]]] = {}
    design = sweep.design
    by_index = {(t.kind, t.index): t for t in tasks}
    run_inputs, cf_inputs = input_columns(sweep), uncertain_columns(sweep)
    cf_raw = sweep.model.counterfactual_columns
    t0 = time.perf_counter()
    n_now = 0

    def write_run(run: int, res: dict, err: str) -> None:
        nonlocal failed
        i, j, r, u = design.coordinates(run)
        task = by_index[("run", run)]
        cf, cf_err = cf_values.get(u, (None, "")) if has_cf else (None, "")
        if has_cf and cf_err and not err:
            err = f"counterfactual run failed: {cf_err}"
        values = sweep.model.combine(res, cf if not cf_err else None, spec.outcomes) if res \
            else {}
        row = [run, i, j, r, task.seed, *(task.values.get(c) for c in run_inputs),
               *(values.get(o.name) for o in spec.outcomes), err]
        run_out.write(_line(row))
        done[run] = ""
        failed += bool(err)

    bar = tqdm(total=len(tasks), unit="run", desc=f"sweep {spec.name}", disable=not progress,
               file=sys.stderr, dynamic_ncols=True)
    try:
        results = (_dask(sweep.model, tasks, client) if client is not None
                   else _local(sweep.model, tasks, workers))
        for kind, index, res, err in results:
            n_now += 1
            if kind == "counterfactual":
                task = by_index[(kind, index)]
                j, r = divmod(index, design.replications)
                cf_out.write(_line([index, j, r, task.seed,
                                    *(task.values.get(c) for c in cf_inputs),
                                    *(res.get(c) for c in cf_raw), err]))
                cf_values[index] = (res if not err else None, err)
                for run, rres, rerr in held.pop(index, []):
                    write_run(run, rres, rerr)
            else:
                u = index % design.scenarios
                if has_cf and u not in cf_values:
                    held.setdefault(u, []).append((index, res, err))
                else:
                    write_run(index, res, err)
            bar.set_postfix_str(f"done {len(done):,}/{design.runs:,}, failed {failed:,}",
                                refresh=False)
            bar.update(1)
    finally:
        bar.close()
        run_out.close()
        if cf_out is not None:
            cf_out.close()
    seconds = time.perf_counter() - t0
    _sort_file(runs_path)
    if has_cf:
        _sort_file(cf_path)
    return SweepResult(out=folder, runs=design.runs, recorded=len(done), failed=failed,
                       model_runs_now=n_now, resumed=resumed, seconds=seconds)


def default_out(name: str) -> Path:
    """``outputs/sweep-<name>-<YYYYmmdd-HHMMSS>``."""
    return Path("outputs") / f"sweep-{name}-{time.strftime('%Y%m%d-%H%M%S')}"
