"""A small Python API for scenario scripts: build scenarios in code, run them, read the results.

Everything here is orchestration over :mod:`simulation.scenarios` and
:mod:`simulation.experiments`; the ``povsim`` command line calls the same functions, so a script
and the command line give the same numbers and write the same run folder::

    import simulation as ps

    base = ps.load_scenario("scenarios/baseline.yaml")
    faster = ps.scenario("faster_matching", {"labour.matching.efficiency": 0.2}, base=base)
    results = ps.run([base, faster], households=20_000, replications=4)
    print(results.summary)
    results.save("outputs/faster_matching")

**Process workers need a main guard.** ``run(..., workers=2)`` (or more) starts worker
processes with the *spawn* method, which re-imports the calling script in each worker. A script
that calls ``run`` with ``workers > 1`` must therefore do so under
``if __name__ == "__main__":`` (else each worker would start the run again and Python stops
with a RuntimeError). ``workers=1``, the default here, runs in this process and needs no guard.

**Policies written in a script.** A new policy is a subclass of
:class:`simulation.policies.Policy` with a ``kind``, a ``lever`` and ``ARGS``, acting through
the hooks ``before_labour_market``, ``after_separations``, ``after_shocks`` and
``pay_transfers`` (see ``simulation/policies/transfers.py`` and
``scenarios/scripts/custom_policy.py``). Pass an *instance* in a scenario's ``policies`` (each
run gets a fresh copy), or decorate the class with ``@register`` and use its ``kind`` in specs.
With ``workers > 1`` the instance is pickled to the workers: that works for a class defined at
the top level of a script (or any importable module), but not for one defined in a notebook
cell, the interactive prompt or inside a function; use ``workers=1`` there.
"""

from __future__ import annotations

import argparse
import copy
import shlex
import sys
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from simulation import experiments as ex
from simulation.errors import InputError
from simulation.experiments.answer import rounds_to_zero
from simulation.parameter_set import baseline_parameters
from simulation.policies.base import Policy
from simulation.posterior import Posterior, load_for_run
from simulation.scenarios import Scenario, _check_counterfactual, _check_name, _check_policies
from simulation.scenarios import load_scenario as _load_scenario

__all__ = ["DEFAULTS", "Results", "Scenario", "format_table", "load_scenario", "run",
           "scenario", "script_parser"]

#: Run settings used when not given (the command line's defaults, except ``workers``).
DEFAULTS: dict[str, Any] = {
    "households": 100_000,
    "replications": 8,
    "seed": 20210301,  # the model's first month, March 2021
    "end": "2024-12",
    "workers": 1,
}


# --------------------------------------------------------------------------------------------
# Scenarios
# --------------------------------------------------------------------------------------------
def load_scenario(path: Path | str) -> Scenario:
    """Read a scenario file (see README "Scenario files").

    Args:
        path: The YAML file, e.g. ``scenarios/baseline.yaml``.

    Returns:
        The scenario, with its parameters resolved against the baseline and its policies.

    Raises:
        InputError: naming the file and key for any mistake in it.

    Examples:
        >>> base = load_scenario("scenarios/baseline.yaml")
        >>> base.name, base.counterfactual
        ('baseline', 'no_programmes')
    """
    return _load_scenario(path)


def scenario(name: str, changes: Mapping[str, Any] | None = None,
             policies: Iterable[dict | Policy] | None = None,
             base: Scenario | Path | str | None = None, description: str = "",
             counterfactual: str | None = None) -> Scenario:
    """Build a scenario in code: ``base`` with parameter ``changes`` and ``policies``.

    Nothing is modified in place: neither the baseline parameters nor ``base``.

    Args:
        name: Short name for tables and folder names (letters, digits, ``_ - .``).
        changes: Dotted parameter path -> value, or ``{YYYY-MM: value}`` from that month on,
            applied on top of ``base``'s parameters.
        policies: The policies, replacing ``base``'s when given: specs
            (``{"type": kind, "label": ..., ...}``) or policy objects. None keeps ``base``'s.
            To add to or drop from ``base``'s, use :meth:`Scenario.with_policies`.
        base: A :class:`Scenario` (its parameters *and* policies, counterfactual and
            description are the starting point) or a scenario file path. None starts from the
            baseline *parameters with no policies*, like a scenario file without ``policies:``;
            to start from the programmes at their published sizes use
            ``base=load_scenario("scenarios/baseline.yaml")``.
        description: What the scenario is (default: ``base``'s, else empty).
        counterfactual: Scenario name to measure persons lifted against (default: ``base``'s).

    Raises:
        InputError: naming ``<scenario NAME>`` and the path or key, for a bad name, an unknown
            parameter path, a wrong type, a value out of range or a bad policy.

    Examples:
        >>> s = scenario("faster", {"labour.matching.efficiency": 0.2})
        >>> s.params.value("labour.matching.efficiency"), s.policies
        (0.2, ())
        >>> try:
        ...     scenario("bad", {"labour.matching.efficency": 0.2})
        ... except InputError as err:
        ...     print(err.key)
        labour.matching.efficency
    """
    source = f"<scenario {name}>"
    name = _check_name(name, source)
    if isinstance(base, str | Path):
        base = _load_scenario(base)
    if base is not None and not isinstance(base, Scenario):
        raise InputError(source, "base", "a Scenario, a scenario file or None", base)
    if base is None:
        base = Scenario(name=name, description="", path=None, changes={},
                        params=baseline_parameters())
    if not isinstance(description, str):
        raise InputError(source, "description", "a string saying what the scenario is",
                         description)
    if counterfactual is not None:
        counterfactual = _check_counterfactual(counterfactual, source)
    if policies is not None:
        if isinstance(policies, Mapping | Policy):
            policies = [policies]
        if not isinstance(policies, list | tuple):
            raise InputError(source, "policies", "a list of policies (specs or Policy objects)",
                             policies)
        policies = _check_policies(list(policies), source)
    out = base.with_changes({} if changes is None else changes, name=name,
                            description=description or base.description)
    return Scenario(name=out.name, description=out.description, path=None,
                    changes=out.changes, params=out.params,
                    policies=out.policies if policies is None else policies,
                    counterfactual=(counterfactual if counterfactual is not None
                                    else base.counterfactual))


# --------------------------------------------------------------------------------------------
# Running
# --------------------------------------------------------------------------------------------
def run(scenarios: Scenario | Sequence[Scenario], households: int = DEFAULTS["households"],
        replications: int = DEFAULTS["replications"], seed: int = DEFAULTS["seed"],
        end: str = DEFAULTS["end"], workers: int = DEFAULTS["workers"],
        progress: bool = False, out: Path | str | None = None,
        posterior: Path | str | Posterior | None = "default") -> Results:
    """Run every scenario with the same replication seeds (common random numbers).

    Replication ``r`` of every scenario uses the same seed, so scenarios differ only where
    their rules differ. Results do not depend on ``workers``. Everything is checked before the
    run starts (settings, each scenario against the run, and ``out`` if given), so a mistake
    costs no simulation; SIGTERM stops the run like Ctrl-C (``KeyboardInterrupt``).

    Args:
        scenarios: One scenario or a list (distinct names).
        households: Sample households per replication (100 to 20,000,000).
        replications: Replications per scenario.
        seed: Root seed (>= 0).
        end: Last month, ``YYYY-MM`` (runs start in March 2021).
        workers: Processes. 1 (the default) runs here; more needs the calling script's code
            under ``if __name__ == "__main__":`` (see the module docstring).
        progress: Show a progress bar on stderr.
        out: Also save the run folder here (:meth:`Results.save`); checked before the run.
        posterior: The parameters' posterior, one draw per replication (the same draw in
            every scenario): a posterior CSV, ``"default"`` (``calibration/posterior.csv``
            when it exists, else the point parameters), ``"none"`` or None (the point
            parameters). Read and checked before the run
            (:func:`simulation.posterior.load_for_run`).

    Returns:
        The :class:`Results`.

    Raises:
        InputError: for settings out of range, duplicate scenario names, a scenario the run
            would fail on or ignore (a policy window outside it, a size above the population),
            or an ``out`` folder that cannot be written, or a malformed or mismatched
            posterior (an unknown path, a value outside its prior, a wrong digest, bad
            weights, an empty file, duplicate draw ids, text where a number belongs).
    """
    ex.check_settings(households, replications, seed, workers, end, file="run", prefix="")
    scenarios = ex.check_scenarios(scenarios, end, file="run")
    post = load_for_run(posterior, scenarios, end, file="run", key="posterior")
    if out is not None:
        out = ex.check_out_dir(out, file="run", key="out")
    result = ex.run_experiment(scenarios, households=households, replications=replications,
                               seed=seed, end=end, workers=workers, progress=bool(progress),
                               posterior=post)
    results = Results(result)
    if out is not None:
        results.save(out)
    return results


class Results:
    """The results of :func:`run`: tidy tables, target probabilities, persons lifted, saving.

    Args:
        experiment: The :class:`simulation.experiments.ExperimentResult` to wrap.

    Attributes:
        experiment: The wrapped result (scenarios, settings, timings).
        timeseries: One row per scenario x replication x month: ``scenario, replication,
            seed, date`` then every indicator (``timeseries.csv``).
        spending: Rupiah each policy spent, one row per scenario x replication x policy x month:
            ``scenario, replication, date, label, lever, rupiah`` (``spending.csv``).
        policy_results: Each policy's declared results month by month: ``scenario,
            replication, date, label, result, value`` (``policy_results.csv``).
    """

    def __init__(self, experiment: ex.ExperimentResult):
        self.experiment = experiment
        self.timeseries: pd.DataFrame = experiment.timeseries
        self.spending: pd.DataFrame = experiment.spending
        self.policy_results: pd.DataFrame = experiment.policy_results
        self._summary: dict | None = None

    def __repr__(self) -> str:
        r = self.experiment
        return (f"Results({[s.name for s in r.scenarios]}, households={r.households}, "
                f"replications={r.replications}, seed={r.seed}, end={r.end!r})")

    @property
    def scenarios(self) -> list[str]:
        """Scenario names, in run order."""
        return [s.name for s in self.experiment.scenarios]

    def summary_dict(self) -> dict:
        """The content of ``summary.json`` (see README "What a run writes"), as a dict."""
        if self._summary is None:
            self._summary = ex.summary(self.experiment)
        return copy.deepcopy(self._summary)

    @property
    def summary(self) -> pd.DataFrame:
        """``summary.json`` as a table: one row per scenario x summary month.

        Columns: ``scenario, month``, the extreme-poverty figures (``extreme_poverty_rate_median``,
        ``_p05``, ``_p95``, ``p_target_zero``, ``p_target_band``, ``poverty_rate_median``,
        ``unemployment_rate_median``), then ``counterfactual``, ``spending_total`` (Rp from April
        2021, mean over replications), ``spending_<lever>``, and, with a counterfactual in the run,
        ``persons_lifted_median``, ``_p05``, ``_p95``, ``_mean``, ``extra_spending_rupiah`` and
        ``rupiah_per_person_lifted``.
        """
        summ = self.summary_dict()
        acc = summ["accounting"]["scenarios"]
        rows = []
        for name, per_month in summ["scenarios"].items():
            for month, figures in per_month.items():
                row: dict[str, Any] = {"scenario": name, "month": month, **figures}
                entry = acc.get(name, {})
                row["counterfactual"] = entry.get("counterfactual")
                item = entry.get(month, {})
                spend = item.get("spending_rupiah", {})
                row["spending_total"] = spend.get("total")
                for lever, rupiah in spend.get("by_lever", {}).items():
                    row[f"spending_{lever}"] = rupiah
                row.update(item.get("impact", {}))
                rows.append(row)
        return pd.DataFrame(rows)

    def _rows(self, scenario: str, month: str) -> pd.DataFrame:
        if scenario not in self.scenarios:
            raise InputError("Results", "scenario", f"one of {', '.join(self.scenarios)}",
                             scenario)
        ex.check_end(month, file="Results", key="month")
        ts = self.timeseries
        rows = ts[(ts["scenario"] == scenario) & (ts["date"] == month)]
        if not len(rows):
            raise InputError("Results", "month", f"a month from {ex.START} to "
                             f"{self.experiment.end}", month)
        return rows.sort_values("replication")

    def target_probabilities(self, month: str = "2024-12") -> pd.DataFrame:
        """Chances of meeting the extreme-poverty target in ``month``, per scenario.

        Args:
            month: Any month of the run, ``YYYY-MM``.

        Returns:
            One row per scenario (index ``scenario``): ``p_target_zero`` (share of replications
            whose rate rounds to 0.00% as BPS publishes it), ``p_target_band`` (share at or
            below 1%), and the median, p05 and p95 of ``extreme_poverty_rate`` (fractions).
        """
        rows = []
        for name in self.scenarios:
            rate = self._rows(name, month)["extreme_poverty_rate"].to_numpy(dtype=np.float64)
            rows.append({"scenario": name, "month": month,
                         "p_target_zero": float(np.mean(rounds_to_zero(rate))),
                         "p_target_band": float(np.mean(rate <= 0.01)),
                         "extreme_poverty_rate_median": float(np.median(rate)),
                         "extreme_poverty_rate_p05": float(np.percentile(rate, 5)),
                         "extreme_poverty_rate_p95": float(np.percentile(rate, 95))})
        return pd.DataFrame(rows).set_index("scenario")

    def persons_lifted(self, scenario: str, counterfactual: str,
                       month: str = "2024-12") -> pd.Series:
        """Persons out of extreme poverty in ``scenario`` who would be in it in ``counterfactual``.

        Replication by replication (same seeds: common random numbers), the counterfactual's
        ``extreme_poor_persons`` minus the scenario's in ``month`` (a stock, real persons).

        Returns:
            A Series indexed by replication, named ``persons_lifted``.
        """
        a = self._rows(scenario, month)
        b = self._rows(counterfactual, month)
        lifted = (b["extreme_poor_persons"].to_numpy(dtype=np.float64)
                  - a["extreme_poor_persons"].to_numpy(dtype=np.float64))
        return pd.Series(lifted, index=pd.Index(a["replication"].to_numpy(), name="replication"),
                         name="persons_lifted")

    def spent_by_label(self) -> pd.DataFrame:
        """Rupiah each policy spent over the whole run, mean over replications.

        Returns:
            One row per scenario (in run order) and one column per policy label; 0 where a
            scenario has no such policy.
        """
        total = (self.spending.groupby(["scenario", "label"])["rupiah"].sum()
                 / self.experiment.replications)
        return total.unstack(fill_value=0.0).reindex(self.scenarios, fill_value=0.0)

    def impact_table(self, month: str = "2024-12",
                     against: Mapping[str, str | None] | None = None) -> pd.DataFrame:
        """One row per scenario: extreme poverty in ``month`` and persons lifted.

        Args:
            month: ``YYYY-MM`` inside the run.
            against: Scenario name -> the scenario to measure persons lifted against (None for
                no comparison). Default: each scenario's own ``counterfactual`` if it is in the
                run.

        Returns:
            Columns ``vs``, ``poverty_pct`` (median over replications), ``p05_pct``,
            ``p95_pct`` and ``lifted_mean``, ``lifted_p05``, ``lifted_p95`` (persons, NaN
            without a comparison), indexed by scenario.
        """
        probs = self.target_probabilities(month)
        names = self.scenarios
        if against is None:
            against = {sc.name: (sc.counterfactual if sc.counterfactual in names else None)
                       for sc in self.experiment.scenarios}
        rows = []
        for name in names:
            cf = against.get(name)
            lifted = (self.persons_lifted(name, cf, month) if cf
                      else pd.Series([float("nan")]))
            rows.append({"scenario": name, "vs": cf or "-",
                         "poverty_pct": 100 * probs.loc[name, "extreme_poverty_rate_median"],
                         "p05_pct": 100 * probs.loc[name, "extreme_poverty_rate_p05"],
                         "p95_pct": 100 * probs.loc[name, "extreme_poverty_rate_p95"],
                         "lifted_mean": lifted.mean(), "lifted_p05": lifted.quantile(0.05),
                         "lifted_p95": lifted.quantile(0.95)})
        return pd.DataFrame(rows).set_index("scenario")

    def save(self, out_dir: Path | str, command_line: str | None = None) -> Path:
        """Write the run folder the command line writes (same files, same contents).

        ``timeseries.csv``, ``spending.csv``, ``summary.json`` and ``manifest.json`` are written
        atomically (the folder appears only when complete).

        Args:
            out_dir: A folder that does not exist yet or is empty.
            command_line: What to record as the command line in the manifest (default: this
                Python process's command line).

        Returns:
            The folder.

        Raises:
            InputError: before writing anything, when ``out_dir`` exists and is not empty, is
                under a file or a folder that cannot be written, or is a symbolic link. The
                results stay in memory: save them elsewhere.
        """
        out = ex.check_out_dir(out_dir, file="Results.save", key="out_dir")
        if command_line is None:
            command_line = shlex.join(["python", *sys.argv])
        if not isinstance(command_line, str):
            raise InputError("Results.save", "command_line", "a string", command_line)
        return ex.save(self.experiment, out, command_line)



def script_parser(description: str, households: int, replications: int,
                  workers: int = 2) -> argparse.ArgumentParser:
    """An argument parser with the run-size options every scenario script takes.

    ``--households``, ``--replications``, ``--workers`` and ``--seed``, with the script's own
    defaults; add the script's own options to it.
    """
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--households", type=int, default=households)
    parser.add_argument("--replications", type=int, default=replications)
    parser.add_argument("--workers", type=int, default=workers)
    parser.add_argument("--seed", type=int, default=DEFAULTS["seed"])
    return parser


def format_table(table: pd.DataFrame) -> str:
    """Render a results table as text.

    Two decimals for rates and rupiah trillions, thousands separators for persons, ``-`` for
    missing values.
    """
    return table.to_string(float_format=lambda x: f"{x:,.2f}" if abs(x) < 1000 else f"{x:,.0f}",
                           na_rep="-")
