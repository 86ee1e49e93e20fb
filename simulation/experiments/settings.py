"""Run settings: their bounds and checks, replication seeds, and the checks of scenarios.

Every check runs in the parent process before any simulation, and names the file (or
``<command line>``) and the option or key at fault (:class:`simulation.errors.InputError`).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from simulation import inputs
from simulation.errors import InputError
from simulation.parameter_set import month_index
from simulation.scenarios import Scenario

START = "2021-03"  # step 0 of every run (the model's first recorded month)
END_MIN, END_MAX = "2021-04", "2029-12"
HOUSEHOLDS_MIN, HOUSEHOLDS_MAX = 100, 20_000_000
REPLICATIONS_MAX = 10_000
WORKERS_MAX = 256
SEED_MAX = 2**63 - 1  # the seed column of timeseries.csv is int64
SUMMARY_MONTHS = ("2024-03", "2024-12")  # BPS March survey and the end of the Inpres 4/2022 target
ID_COLUMNS = ("scenario", "replication", "seed", "draw", "date")  # draw: the posterior row's id
SPENDING_COLUMNS = ("scenario", "replication", "date", "label", "lever", "rupiah")
POLICY_RESULT_COLUMNS = ("scenario", "replication", "date", "label", "result", "value")
RESULT_FILES = ("timeseries.csv", "spending.csv", "policy_results.csv", "summary.json",
                "manifest.json")
SPENDING_FROM = "2021-04"  # scenarios differ from April 2021; March 2021 is the starting state
DEFAULT_COUNTERFACTUAL = "no_programmes"  # used when a scenario names none and it is in the run
_END_RE = re.compile(r"^\d{4}-\d{2}$")


def replication_seed(seed: int, replication: int) -> np.random.SeedSequence:
    """Return the seed of replication ``replication`` of a run with root seed ``seed``.

    It equals ``replication_seeds(seed, R)[replication]`` for any ``R > replication``.

    Examples:
        >>> from simulation.streams import replication_seeds
        >>> a = replication_seed(7, 2).generate_state(2)
        >>> b = replication_seeds(7, 5)[2].generate_state(2)
        >>> bool((a == b).all())
        True
    """
    return np.random.SeedSequence(seed, spawn_key=(replication,))


def n_months(end: str) -> int:
    """Number of recorded months from March 2021 to ``end`` inclusive."""
    return month_index(end) - month_index(START) + 1


# --------------------------------------------------------------------------------------------
# Checking run settings
# --------------------------------------------------------------------------------------------
def check_settings(households: int, replications: int, seed: int, workers: int, end: str,
                   *, file: str = "<command line>", prefix: str = "--") -> None:
    """Check the run settings; raise :class:`InputError` naming ``file`` and the option.

    Args:
        households: Sample households per replication.
        replications: Replications per scenario (1 to :data:`REPLICATIONS_MAX`).
        seed: Root seed (0 to 2^63 - 1: the ``seed`` column is int64).
        workers: Processes (1 to :data:`WORKERS_MAX`).
        end: Last month, ``YYYY-MM`` between :data:`END_MIN` and :data:`END_MAX`.
        file: What to name as the source of the values.
        prefix: Put before the option names in messages (``--`` for the command line).
    """

    def _int(value: Any, key: str, lo: int, hi: int) -> None:
        expected = f"an integer from {lo:,} to {hi:,}"
        ok = isinstance(value, int | np.integer) and not isinstance(value, bool | np.bool_)
        if not ok or value < lo or value > hi:
            raise InputError(file, prefix + key, expected, value)

    _int(households, "households", HOUSEHOLDS_MIN, HOUSEHOLDS_MAX)
    _int(replications, "replications", 1, REPLICATIONS_MAX)
    _int(seed, "seed", 0, SEED_MAX)
    _int(workers, "workers", 1, WORKERS_MAX)
    check_end(end, file=file, key=prefix + "end")


def check_end(end: Any, *, file: str = "<command line>", key: str = "--end") -> str:
    """Check that ``end`` is ``YYYY-MM`` between :data:`END_MIN` and :data:`END_MAX`."""
    expected = f"a month as YYYY-MM from {END_MIN} to {END_MAX}"
    if not isinstance(end, str) or not _END_RE.match(end):
        raise InputError(file, key, expected, end)
    m = month_index(end, file=file, key=key)  # rejects month 13
    if not month_index(END_MIN) <= m <= month_index(END_MAX):
        raise InputError(file, key, expected, end)
    return end


def check_out_dir(out_dir: Path | str, *, file: str = "<command line>", key: str = "--out") -> Path:
    """Check ``out_dir`` before the run (:func:`simulation.inputs.check_out_dir`); return it.

    It must not exist yet or be an empty folder, not be a symbolic link, and lie under a folder
    where folders can be made; no other live process may be saving there.
    """
    return inputs.check_out_dir(out_dir, file=file, key=key)


def check_scenarios(scenarios: Sequence[Scenario], end: str, *,
                    file: str = "run_experiment") -> list[Scenario]:
    """Check scenarios before a run to ``end``; return them as a list.

    Types, distinct names, and each one's :meth:`~simulation.scenarios.Scenario.check_run`
    (dates and policies inside the run, sizes within the population, required policies present).

    Raises:
        InputError: naming the scenario file and key.
    """
    if isinstance(scenarios, Scenario):
        scenarios = [scenarios]
    if not isinstance(scenarios, list | tuple):
        raise InputError(file, "scenarios", "a Scenario or a list of them (load_scenario or "
                         "scenario)", scenarios)
    if not scenarios:
        raise InputError(file, "scenarios", "at least one scenario", scenarios)
    for i, sc in enumerate(scenarios):
        if not isinstance(sc, Scenario):
            raise InputError(file, f"scenarios[{i}]", "a Scenario (load_scenario or scenario)",
                             sc)
    check_unique_names(scenarios)
    for sc in scenarios:
        sc.check_run(end)
    return list(scenarios)


def check_unique_names(scenarios: Sequence[Scenario]) -> None:
    """Raise :class:`InputError` naming the second file when two scenarios share a name."""
    seen: dict[str, Scenario] = {}
    for sc in scenarios:
        if sc.name in seen:
            first = seen[sc.name].file
            expected = ("each scenario file to be given once" if first == sc.file
                        else f"a scenario name not already used by {first}")
            raise InputError(sc.file, "name", expected, sc.name)
        seen[sc.name] = sc
