"""The input layer every entry point uses: strict YAML, bounded values, output folders, stops.

``povsim run``, the Python API (:mod:`simulation.api`) and ``python -m simulation.fullscale``
(and later readers of sweep and posterior files) take their files, numbers and folders through
this module, so that a bad input is refused the same way everywhere: before any simulation, in
the parent process, with one :class:`~simulation.errors.InputError` line naming the file, the
key path and the value as written, and with nothing left behind.

- :func:`read_yaml` reads one YAML document from a regular file of at most
  :data:`MAX_FILE_BYTES` and builds it from the event stream with explicit limits: it refuses
  duplicate keys, keys that are not text (``2023: 0.2``), YAML timestamps (``2023-02-30``, a
  full date where a ``YYYY-MM`` month is meant), integers beyond 64 bits, tags other than the
  plain ones, merge keys, nesting deeper than :data:`MAX_DEPTH` and aliases that expand beyond
  :data:`MAX_ALIAS_NODES` nodes (an "alias bomb"). It never calls PyYAML's recursive composer
  or its date constructor. Numbers in exponent form without a dot (``1e6``) are read as numbers,
  as YAML 1.2 does (YAML 1.1 reads them as text).
- :func:`parse_month` reads a ``YYYY-MM`` month strictly (text only: ``5`` or ``2023`` is not a
  month) within bounds.
- :func:`population_bounds` gives the ceilings of policy sizes: no policy may act on more
  persons than the population (``population.households.total_persons``) or more households
  than the households at the run's start (the population over the mean household size).
  :data:`MONEY_MAX` is the ceiling of any amount of money.
- :func:`check_out_dir` checks an output folder before the run: new or empty (or, for
  fullscale, its own resumable folder), not a symbolic link, under a folder where folders can
  be made (it tries), not being written by another live process; :func:`remove_stale_partials`
  removes the ``<folder>.partial-<pid>`` folders of dead processes.
- :func:`stop_on_signals` turns SIGTERM and SIGHUP (and SIGINT) into :class:`StopRequested`,
  a ``KeyboardInterrupt`` carrying the exit status (143, 129, 130), so the cleanup that runs on
  Ctrl-C also runs when a run is killed politely; :func:`worker_init` and :func:`stop_pool`
  make process pools stop with their parent.
"""

from __future__ import annotations

import argparse
import contextlib
import copy
import math
import os
import re
import signal
import stat
import tempfile
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from simulation.errors import InputError

#: Largest input file read, in bytes (scenario files are a few kB).
MAX_FILE_BYTES = 1_000_000
#: Deepest nesting of mappings and lists in a YAML file.
MAX_DEPTH = 20
#: Most nodes that aliases (``*name``) may expand to in one file, counted with their contents.
MAX_ALIAS_NODES = 1_000
#: Integers must be below this in absolute value (numpy's int64, which seeds and counts use).
INT_LIMIT = 2**63
#: Ceiling of any amount of money (Rp 10^16, about half of Indonesia's yearly GDP).
MONEY_MAX = 1e16
MONEY_MAX_TEXT = "Rp 10,000 trillion (1e16, about half of Indonesia's yearly GDP)"

_MONTH_RE = re.compile(r"(\d{4})-(\d{2})")
_TAG = "tag:yaml.org,2002:"
_PLAIN_TAGS = {_TAG + t for t in ("str", "int", "float", "bool", "null")}


# --------------------------------------------------------------------------------------------
# Reading YAML
# --------------------------------------------------------------------------------------------
_Base = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _Loader(_Base):  # type: ignore[misc, valid-type]
    """PyYAML's safe loader, only for its event stream and scalar resolution."""


# YAML 1.2 reads 1e6 and 2.5e+5 as numbers; YAML 1.1 (PyYAML) as text, which analysts do not
# expect. (A copy of the resolvers is made for this class; yaml.SafeLoader is unchanged.)
_Loader.add_implicit_resolver(
    _TAG + "float", re.compile(r"^[-+]?[0-9][0-9_]*(?:\.[0-9_]*)?[eE][-+]?[0-9]+$"),
    list("-+0123456789"))


def _path_text(parts: list[str]) -> str:
    text = ""
    for part in parts:
        text += part if part.startswith("[") or not text else f".{part}"
    return text or "<file>"


def _stat_file(path: Path, file: str) -> os.stat_result:
    try:
        st = os.stat(path)
    except FileNotFoundError:
        if os.path.lexists(path):
            raise InputError(file, "<file>", "an existing file (this is a symbolic link to "
                             "nothing)") from None
        raise InputError(file, "<file>", "an existing file") from None
    except NotADirectoryError:
        raise InputError(file, "<file>", "an existing file (a folder in its path is a "
                         "file)") from None
    except (OSError, ValueError) as exc:  # ELOOP, ENAMETOOLONG, a NUL byte
        raise InputError(file, "<file>", "a readable file", str(exc)) from None
    if stat.S_ISDIR(st.st_mode):
        raise InputError(file, "<file>", "a YAML file, not a folder")
    if not stat.S_ISREG(st.st_mode):
        raise InputError(file, "<file>", "a regular file (not a pipe, device or socket)")
    if st.st_size > MAX_FILE_BYTES:
        raise InputError(file, "<file>", f"a file of at most {MAX_FILE_BYTES:,} bytes",
                         f"{st.st_size:,} bytes")
    return st


def read_text(path: Path | str, file: str | None = None) -> str:
    """Read a regular UTF-8 text file of at most :data:`MAX_FILE_BYTES` bytes.

    Pipes, devices (``/dev/zero``), sockets and folders are refused before they are opened, so
    reading never blocks or fills memory.

    Raises:
        InputError: naming the file, for anything but a readable regular UTF-8 file.
    """
    if not isinstance(path, str | os.PathLike):
        raise InputError("<input>", "path", "a file path (str or pathlib.Path)", path)
    path = Path(path)
    file = str(path) if file is None else file
    _stat_file(path, file)
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0)  # a FIFO swapped in must not block
    try:
        fd = os.open(path, flags)
        with os.fdopen(fd, "rb") as fh:
            if not stat.S_ISREG(os.fstat(fh.fileno()).st_mode):
                raise InputError(file, "<file>", "a regular file (not a pipe, device or "
                                 "socket)")
            data = fh.read(MAX_FILE_BYTES + 1)
    except OSError as exc:
        raise InputError(file, "<file>", "a readable file", exc.strerror or str(exc)) from None
    if len(data) > MAX_FILE_BYTES:
        raise InputError(file, "<file>", f"a file of at most {MAX_FILE_BYTES:,} bytes")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(file, "<file>", "a UTF-8 text file",
                         f"byte {exc.start}: {data[exc.start:exc.start + 1]!r}") from None


def read_yaml(path: Path | str, file: str | None = None, prefix: str = "") -> Any:
    r"""Read one YAML document strictly (see the module docstring); return plain data.

    Args:
        path: The file.
        file: How to name it in errors (default: ``str(path)``).
        prefix: Put before key paths in errors (a parameter file's dotted path).

    Returns:
        Dicts, lists, str, int, float, bool and None; an empty file gives None.

    Raises:
        InputError: naming the file, the key path (``parameters.labour.x``, ``policies[2]``)
            and the value as written.

    Examples:
        >>> import tempfile, pathlib
        >>> f = pathlib.Path(tempfile.mkdtemp()) / "s.yaml"
        >>> _ = f.write_text("a: 1\nb: {x: 1e6}\n")
        >>> read_yaml(f)
        {'a': 1, 'b': {'x': 1000000.0}}
        >>> _ = f.write_text("a: 1\na: 2\n")
        >>> try:
        ...     read_yaml(f)
        ... except InputError as err:
        ...     print(err.key, "|", err.expected)
        a | each key once (given again on line 2, first on line 1)
    """
    file = str(path) if file is None else file
    return parse_yaml(read_text(path, file), file, prefix)


def parse_yaml(text: str, file: str, prefix: str = "") -> Any:
    """Build the data of one YAML document from ``text`` (see :func:`read_yaml`)."""
    loader = _Loader(text)
    try:
        return _build(loader, file, [prefix] if prefix else [])
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = f"line {mark.line + 1}" if mark is not None else "<file>"
        raise InputError(file, where, "well-formed YAML",
                         exc.problem or exc.context or "unparseable YAML") from None
    except yaml.YAMLError as exc:
        raise InputError(file, "<file>", "well-formed YAML", str(exc)) from None
    finally:
        with contextlib.suppress(Exception):
            loader.dispose()


class _Frame:
    __slots__ = ("container", "path", "key", "key_line", "lines", "size", "anchor")

    def __init__(self, container: Any, path: list[str], anchor: str | None):
        self.container = container
        self.path = path
        self.key: Any = _NO_KEY
        self.key_line = 0
        self.lines: dict[str, int] = {}
        self.size = 1
        self.anchor = anchor


_NO_KEY = object()


def _build(loader: Any, file: str, base: list[str]) -> Any:
    """Build the document from events with an explicit stack (no recursion)."""
    stack: list[_Frame] = []
    anchors: dict[str, tuple[Any, int]] = {}
    expanded = 0
    root: Any = None
    documents = 0

    def where(event: Any) -> int:
        return event.start_mark.line + 1 if event.start_mark is not None else 0

    def child_path() -> list[str]:
        if not stack:
            return list(base)
        top = stack[-1]
        if isinstance(top.container, list):
            return [*top.path, f"[{len(top.container)}]"]
        if top.key is _NO_KEY:
            return top.path
        return [*top.path, str(top.key)]

    def attach(value: Any, size: int, line: int, is_scalar: bool) -> None:
        nonlocal root
        if not stack:
            root = value
            return
        top = stack[-1]
        top.size += size
        if isinstance(top.container, list):
            top.container.append(value)
            return
        if top.key is _NO_KEY:  # this value is a key
            if not is_scalar or not isinstance(value, str):
                raise InputError(file, _path_text(top.path),
                                 "keys that are text (a name, a dotted path or a month as "
                                 f"'YYYY-MM'; line {line})", value)
            if value in top.lines:
                raise InputError(file, _path_text([*top.path, value]),
                                 f"each key once (given again on line {line}, first on line "
                                 f"{top.lines[value]})")
            top.lines[value] = line
            top.key, top.key_line = value, line
            return
        top.container[top.key] = value
        top.key = _NO_KEY

    while True:
        event = loader.get_event()
        if isinstance(event, yaml.StreamStartEvent | yaml.DocumentEndEvent):
            continue
        if isinstance(event, yaml.StreamEndEvent):
            return root
        if isinstance(event, yaml.DocumentStartEvent):
            documents += 1
            if documents > 1:
                raise InputError(file, f"line {where(event)}", "one YAML document (no second "
                                 "'---')")
            continue
        line = where(event)
        if isinstance(event, yaml.AliasEvent):
            if event.anchor not in anchors:
                raise InputError(file, _path_text(child_path()),
                                 f"an alias to an anchor defined before it (line {line})",
                                 f"*{event.anchor}")
            value, size = anchors[event.anchor]
            expanded += size
            if expanded > MAX_ALIAS_NODES:
                raise InputError(file, _path_text(child_path()),
                                 f"aliases that expand to at most {MAX_ALIAS_NODES:,} values in "
                                 f"all (line {line})", f"*{event.anchor}")
            attach(copy.deepcopy(value), size, line, not isinstance(value, dict | list))
            continue
        if isinstance(event, yaml.ScalarEvent):
            path = child_path()
            value = _scalar(loader, event, file, path, line)
            if event.anchor is not None:
                anchors[event.anchor] = (value, 1)
            attach(value, 1, line, True)
            continue
        if isinstance(event, yaml.MappingStartEvent | yaml.SequenceStartEvent):
            path = child_path()
            is_map = isinstance(event, yaml.MappingStartEvent)
            if stack and isinstance(stack[-1].container, dict) and stack[-1].key is _NO_KEY:
                raise InputError(file, _path_text(stack[-1].path),
                                 f"keys that are text, not a {'mapping' if is_map else 'list'} "
                                 f"(line {line})")
            tag = event.tag
            default = _TAG + ("map" if is_map else "seq")
            if tag not in (None, "!", default):
                raise InputError(file, _path_text(path), f"plain YAML without tags (line {line})",
                                 tag)
            if len(stack) >= MAX_DEPTH:
                raise InputError(file, _path_text(path),
                                 f"nesting at most {MAX_DEPTH} levels deep (line {line})")
            stack.append(_Frame({} if is_map else [], path, event.anchor))
            continue
        if isinstance(event, yaml.MappingEndEvent | yaml.SequenceEndEvent):
            frame = stack.pop()
            if frame.anchor is not None:
                anchors[frame.anchor] = (frame.container, frame.size)
            attach(frame.container, frame.size, line, False)
            continue
        raise InputError(file, f"line {line}", "plain YAML", type(event).__name__)


def _scalar(loader: Any, event: Any, file: str, path: list[str], line: int) -> Any:
    """Construct one scalar by its (resolved) tag, with the limits of :func:`read_yaml`."""
    text = event.value
    tag = event.tag
    if tag in (None, "!"):
        tag = loader.resolve(yaml.ScalarNode, text, event.implicit)
    key = _path_text(path)
    if tag == _TAG + "timestamp":
        raise InputError(file, key, "a month as 'YYYY-MM' (a full date such as 2023-02-01 is "
                         f"read as a YAML timestamp; line {line})", text)
    if tag == _TAG + "merge":
        raise InputError(file, key, f"keys written out, not a '<<' merge (line {line})")
    if tag not in _PLAIN_TAGS:
        raise InputError(file, key, f"plain YAML without tags (line {line})", tag)
    if tag == _TAG + "str":
        return text
    node = yaml.ScalarNode(tag, text)
    if tag == _TAG + "null":
        return None
    if tag == _TAG + "int" and len(text) > 24:  # int() of 5,000 digits raises, of 400 is slow
        raise InputError(file, key, f"an integer below 2^63 (line {line})", text)
    try:
        if tag == _TAG + "bool":
            return loader.construct_yaml_bool(node)
        if tag == _TAG + "int":
            value = loader.construct_yaml_int(node)
        else:
            value = loader.construct_yaml_float(node)
    except (ValueError, OverflowError, yaml.YAMLError):
        raise InputError(file, key, f"a number as YAML writes it (line {line})", text) from None
    if tag == _TAG + "int":
        if abs(value) >= INT_LIMIT:
            raise InputError(file, key, f"an integer below 2^63 (line {line})", text)
        return value
    if math.isinf(value) and "inf" not in text.lower():
        raise InputError(file, key, f"a number of at most about 1e308 (line {line})", text)
    return value


# --------------------------------------------------------------------------------------------
# Names and months
# --------------------------------------------------------------------------------------------
#: A name goes into folder names, table columns and random-stream names, so keep it path-safe.
NAME_RE = re.compile(r"\w[\w.-]{0,63}")
NAME_EXPECTED = ("a name of up to 64 letters, digits, '_', '-' or '.' (starting with a letter "
                 "or digit)")


def check_name(value: Any, *, file: str, key: str, expected: str = NAME_EXPECTED) -> str:
    r"""Return ``value`` if it is a path-safe name (the whole text: no trailing newline).

    Examples:
        >>> check_name("faster_matching", file="f", key="name")
        'faster_matching'
        >>> try:
        ...     check_name("abc\n", file="f", key="name")
        ... except InputError as err:
        ...     print(err.got == "abc\n")
        True
    """
    if not isinstance(value, str) or NAME_RE.fullmatch(value) is None:
        raise InputError(file, key, expected, value)
    return value


def month_label(index: int) -> str:
    """Return ``YYYY-MM`` for a month index (year * 12 + month - 1)."""
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def parse_month(value: Any, *, file: str, key: str, first: int | None = None,
                last: int | None = None, what: str = "a month") -> int:
    """Read a month written ``YYYY-MM`` (text only) and check it is within ``first..last``.

    Args:
        value: The value as given.
        file: Where it came from (for the error).
        key: Its key path (for the error).
        first: Earliest month index allowed (None: no bound).
        last: Latest month index allowed (None: no bound).
        what: How to call it in the error.

    Returns:
        The month index (``year * 12 + month - 1``).

    Raises:
        InputError: for a number (``5``, ``2023``), a date, another format or a month out of
            bounds.

    Examples:
        >>> parse_month("2021-03", file="f", key="k")
        24254
        >>> try:
        ...     parse_month(5, file="f", key="start")
        ... except InputError as err:
        ...     print(err)
        f: start: expected a month as 'YYYY-MM', got 5
    """
    expected = f"{what} as 'YYYY-MM'"
    if first is not None and last is not None:
        expected += f" from {month_label(first)} to {month_label(last)}"
    elif first is not None:
        expected += f" from {month_label(first)} on"
    elif last is not None:
        expected += f" up to {month_label(last)}"
    m = _MONTH_RE.fullmatch(value) if isinstance(value, str) else None
    if m is None or not 1 <= int(m.group(2)) <= 12:
        raise InputError(file, key, expected, value)
    index = int(m.group(1)) * 12 + int(m.group(2)) - 1
    if (first is not None and index < first) or (last is not None and index > last):
        raise InputError(file, key, expected, value)
    return index


# --------------------------------------------------------------------------------------------
# Bounds derived from the population
# --------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class PopulationBounds:
    """The most persons and households any policy may act on.

    Attributes:
        persons: The population in March 2021 (``population.households.total_persons``).
        households: The households in March 2021: the population over the mean household size
            (``population.households.size_distribution``).
    """

    persons: float
    households: int

    def limit(self, counts: str) -> tuple[float, str, str]:
        """The ceiling for a size that counts ``persons`` or ``households``.

        Returns:
            The ceiling, its text (``at most 271,600,000 persons``) and its reason.
        """
        if counts == "households":
            return (float(self.households), f"at most {self.households:,} households",
                    "the households at the run's start: population.households.total_persons "
                    "over the mean household size")
        return (self.persons, f"at most {self.persons:,.0f} persons",
                "the population at the run's start, population.households.total_persons")


def population_bounds(params: Any = None) -> PopulationBounds:
    """The population and household count at the run's start, from ``params``.

    Args:
        params: A :class:`~simulation.parameter_set.ParameterSet` (default: the baseline).

    Raises:
        InputError: when the household sizes cannot give a mean (shares summing to zero).
    """
    import numpy as np

    from simulation.parameter_set import baseline_parameters

    p = params if params is not None else baseline_parameters()
    persons = float(p.value("population.households.total_persons"))
    shares = np.asarray(p.value("population.households.size_distribution"), dtype=np.float64)
    if not shares.sum() > 0:
        raise InputError("<parameters>", "population.households.size_distribution",
                         "household-size shares with a positive sum", list(shares))
    mean_size = float((shares / shares.sum() * np.arange(1, len(shares) + 1)).sum())
    return PopulationBounds(persons=persons, households=int(round(persons / mean_size)))


# --------------------------------------------------------------------------------------------
# Output folders
# --------------------------------------------------------------------------------------------
PARTIAL = ".partial-"


def _pid_alive(pid: int) -> bool:
    if pid <= 0:
        return False
    if os.name == "nt":  # os.kill(pid, 0) would terminate the process on Windows
        import ctypes

        kernel = ctypes.windll.kernel32  # type: ignore[attr-defined]
        handle = kernel.OpenProcess(0x1000, False, pid)  # PROCESS_QUERY_LIMITED_INFORMATION
        if not handle:
            return False
        code = ctypes.c_ulong()
        kernel.GetExitCodeProcess(handle, ctypes.byref(code))
        kernel.CloseHandle(handle)
        return code.value == 259  # STILL_ACTIVE
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # alive, another user's
        return True
    except OSError:
        return False
    return True


def partial_folders(out: Path) -> list[tuple[Path, int | None]]:
    """The ``<out>.partial-<pid>`` folders beside ``out``, with their pid (None if not a number)."""
    parent = out.parent
    prefix = out.name + PARTIAL
    try:
        names = os.listdir(parent)
    except OSError:
        return []
    found = []
    for name in sorted(names):
        if name.startswith(prefix):
            tail = name[len(prefix):]
            found.append((parent / name, int(tail) if tail.isdigit() else None))
    return found


def remove_stale_partials(out: Path | str) -> list[Path]:
    """Remove the partial folders of ``out`` left by dead processes (or by this pid); return them.

    A save killed with SIGKILL leaves ``<out>.partial-<pid>``; no later save of another pid
    would reuse it, so it is removed here. Folders of live processes are kept.
    """
    import shutil

    out = Path(os.path.abspath(out))
    removed = []
    for folder, pid in partial_folders(out):
        if pid is not None and (pid == os.getpid() or not _pid_alive(pid)):
            shutil.rmtree(folder, ignore_errors=True)
            removed.append(folder)
    return removed


def _nearest_existing(folder: Path, file: str, key: str, shown: str) -> Path:
    """The nearest ancestor of ``folder`` (or itself) that exists; it must be a folder."""
    while True:
        try:
            st = os.lstat(folder)
        except FileNotFoundError:
            if folder.parent == folder:
                raise InputError(file, key, "a folder path on an existing drive", shown) from None
            folder = folder.parent
            continue
        except NotADirectoryError:
            folder = folder.parent
            continue
        except OSError as exc:
            raise InputError(file, key, f"a folder path that can be read ({folder}: "
                             f"{exc.strerror})", shown) from None
        if stat.S_ISLNK(st.st_mode) and not os.path.exists(folder):
            raise InputError(file, key, f"a folder path without a broken link ({folder} is a "
                             "symbolic link to nothing)", shown)
        if not os.path.isdir(folder):
            raise InputError(file, key, f"a folder path ({folder} is a file, not a folder)",
                             shown)
        return folder


def check_writable(folder: Path, file: str, key: str, shown: str) -> None:
    """Check that a folder can be made inside ``folder`` (by making and removing one)."""
    try:
        probe = tempfile.mkdtemp(prefix=".povsim-write-test-", dir=folder)
    except OSError as exc:
        raise InputError(file, key, f"a folder where folders can be made (not in {folder}: "
                         f"{exc.strerror or exc})", shown) from None
    with contextlib.suppress(OSError):
        os.rmdir(probe)


def check_out_dir(out_dir: Any, *, file: str = "<command line>", key: str = "--out",
                  foreign: Callable[[Path, list[str]], list[str]] | None = None) -> Path:
    """Check an output folder before anything runs; return it as a :class:`~pathlib.Path`.

    The folder must not exist yet or be empty (or hold only files that ``foreign(folder,
    names)`` does not return, as fullscale accepts its own folder to resume: it returns the
    names it did not write), must not be a symbolic link, and its parent
    must be a folder (or makeable under one) where a folder can be created (this is tried). A
    ``<folder>.partial-<pid>`` of another live process means another run is saving there.

    Raises:
        InputError: naming ``file`` and ``key`` with the reason.
    """
    if not isinstance(out_dir, str | os.PathLike):
        raise InputError(file, key, "a folder path (str or pathlib.Path)", out_dir)
    shown = str(out_dir)
    if not shown or "\0" in shown:
        raise InputError(file, key, "a folder path", shown)
    out = Path(out_dir)
    full = Path(os.path.abspath(out))
    if len(full.name) > 200:
        raise InputError(file, key, "a folder name of at most 200 characters", shown)
    expected = "a folder that does not exist yet or is empty"
    try:
        st = os.lstat(full)
    except FileNotFoundError:
        st = None
    except NotADirectoryError:
        st = None  # a file on the way: _nearest_existing names it
    except OSError as exc:
        raise InputError(file, key, f"a folder path that can be read ({exc.strerror})",
                         shown) from None
    if st is not None:
        if stat.S_ISLNK(st.st_mode):
            target = os.readlink(full)
            broken = "" if os.path.exists(full) else " to nothing"
            raise InputError(file, key, f"{expected}, not a symbolic link{broken} (it points to "
                             f"{target})", shown)
        if not stat.S_ISDIR(st.st_mode):
            raise InputError(file, key, f"{expected} (this is a file)", shown)
        try:
            names = sorted(os.listdir(full))
        except OSError as exc:
            raise InputError(file, key, f"a folder that can be read ({exc.strerror})",
                             shown) from None
        alien = names if foreign is None else foreign(full, names)
        if alien:
            raise InputError(file, key, f"{expected} (it holds {alien[0]!r}"
                             f"{f' and {len(alien) - 1} more' if len(alien) > 1 else ''})", shown)
    parent = _nearest_existing(full.parent, file, key, shown)
    check_writable(parent, file, key, shown)
    for folder, pid in partial_folders(full):
        if pid is not None and pid != os.getpid() and _pid_alive(pid):
            raise InputError(file, key, f"a folder no other process is writing ({folder} belongs "
                             f"to the running process {pid}; wait for it, or remove that folder "
                             "if no povsim is running)", shown)
    return out


# --------------------------------------------------------------------------------------------
# Clean stops
# --------------------------------------------------------------------------------------------
class StopRequested(KeyboardInterrupt):
    """A stop signal (SIGTERM, SIGHUP, SIGINT) received during a run.

    A ``KeyboardInterrupt``, so every cleanup that runs on Ctrl-C runs for it too.

    Attributes:
        signum: The signal number.
        exit_status: ``128 + signum`` (143 for SIGTERM, 130 for SIGINT).
    """

    def __init__(self, signum: int):
        self.signum = int(signum)
        super().__init__(signal.Signals(self.signum).name)

    @property
    def exit_status(self) -> int:
        """The shell's status for a process stopped by this signal."""
        return 128 + self.signum


def exit_status(exc: BaseException) -> int:
    """Exit status for a stop: ``128 + signal`` (130 for a plain Ctrl-C)."""
    return getattr(exc, "exit_status", 128 + signal.SIGINT)


def signal_name(exc: BaseException) -> str:
    """``SIGTERM``, ``SIGINT``... for a stop exception."""
    signum = getattr(exc, "signum", signal.SIGINT)
    return signal.Signals(signum).name


STOP_SIGNALS = tuple(getattr(signal, name) for name in ("SIGINT", "SIGTERM", "SIGHUP")
                     if hasattr(signal, name))


@contextlib.contextmanager
def stop_on_signals() -> Iterator[None]:
    """Within the block, SIGTERM, SIGHUP and SIGINT raise :class:`StopRequested` once.

    Only signals left at their default handling are taken over (a script's own handlers are
    kept), only in the main thread, and the previous handlers are restored at the end. After
    the first signal, more signals are ignored until the block ends, so the cleanup the first
    one started (stopping workers, removing a partial folder) is not cut short.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    fired: list[int] = []

    def handler(signum: int, frame: Any) -> None:
        if fired:
            return
        fired.append(signum)
        raise StopRequested(signum)

    previous = {}
    for signum in STOP_SIGNALS:
        current = signal.getsignal(signum)
        default = signal.default_int_handler if signum == signal.SIGINT else signal.SIG_DFL
        if current is default:
            previous[signum] = signal.signal(signum, handler)
    try:
        yield
    finally:
        for signum, old in previous.items():
            signal.signal(signum, old)


@contextlib.contextmanager
def signals_deferred() -> Iterator[None]:
    """Hold stop signals back during the block (cleanup); they are delivered at its end."""
    mask = getattr(signal, "pthread_sigmask", None)
    if mask is None or threading.current_thread() is not threading.main_thread():
        yield
        return
    old = mask(signal.SIG_BLOCK, STOP_SIGNALS)
    try:
        yield
    finally:
        mask(signal.SIG_SETMASK, old)


def worker_init(parent_pid: int | None = None) -> None:
    """Initializer of pool workers: leave Ctrl-C to the parent; exit when the parent is gone.

    Ctrl-C reaches every process of the terminal's group; the parent stops the workers itself
    (:func:`stop_pool`), so the workers ignore it instead of each printing a traceback. A
    thread ends the worker when its parent dies without stopping it (SIGKILL), so no worker
    runs on, orphaned.
    """
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if parent_pid is None:
        return

    def watch() -> None:
        while True:
            if os.getppid() != parent_pid:
                os._exit(1)
            threading.Event().wait(0.5)

    threading.Thread(target=watch, name="povsim-parent-watch", daemon=True).start()


def stop_pool(executor: Any) -> None:
    """Cancel pending jobs and end a ``ProcessPoolExecutor``'s workers now (error, Ctrl-C, kill)."""
    with signals_deferred():
        if hasattr(executor, "terminate_workers"):  # Python >= 3.14
            executor.terminate_workers()
            return
        # Before 3.14 there is no public way; take the processes before shutdown() forgets them.
        processes = list((getattr(executor, "_processes", None) or {}).values())
        executor.shutdown(wait=False, cancel_futures=True)
        for process in processes:
            with contextlib.suppress(Exception):
                process.terminate()
        for process in processes:
            with contextlib.suppress(Exception):
                process.join(timeout=5)
                if process.is_alive():
                    process.kill()
                    process.join(timeout=5)


# --------------------------------------------------------------------------------------------
# Command lines
# --------------------------------------------------------------------------------------------
class UsageError(Exception):
    """An error argparse found (unknown option, missing argument)."""


class OneLineParser(argparse.ArgumentParser):
    """ArgumentParser whose errors become one line instead of usage text plus message."""

    def error(self, message: str):  # noqa: D102 (argparse's documented hook)
        raise UsageError(f"{message} (see '{self.prog} --help')".replace("\n", " "))


def parse_int(text: Any, *, file: str, key: str, lo: int, hi: int, unit: str = "") -> int:
    """Read an integer option (``20000``, ``20_000`` or ``20,000``) within ``lo..hi``.

    Raises:
        InputError: naming the option, for text that is not an integer or one out of bounds.
    """
    expected = f"an integer from {lo:,} to {hi:,}{f' {unit}' if unit else ''}"
    if isinstance(text, bool):
        raise InputError(file, key, expected, text)
    if isinstance(text, int):
        value = text
    else:
        cleaned = str(text).strip().replace("_", "").replace(",", "")
        if not re.fullmatch(r"[-+]?[0-9]{1,30}", cleaned):
            raise InputError(file, key, expected, text)
        value = int(cleaned)
    if not lo <= value <= hi:
        raise InputError(file, key, expected, text)
    return value
