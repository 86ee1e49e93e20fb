"""Batch runs: scenarios x replications, their tidy results, summary and run folder.

This is the one seam for batch work. :func:`run_experiment` runs every scenario with every
replication seed through :func:`simulation.model.run_model` (in-process or in a process pool),
:func:`summary` reduces the runs to the figures the targets are stated in, and :func:`save`
writes a run folder (``timeseries.csv``, ``spending.csv``, ``policy_results.csv``, ``summary.json``,
``manifest.json``)
atomically.

Seeds and common random numbers: replication ``r`` of a run with root seed ``S`` uses
``numpy.random.SeedSequence(S).spawn(R)[r]``, which is ``SeedSequence(S, spawn_key=(r,))``
whatever ``R`` is (:func:`replication_seed`). Every scenario of a run gets the same seed for the
same replication, so scenarios differ only where their rules differ. The ``seed`` column of the
time series holds ``S`` and the ``replication`` column holds ``r``; together they rerun a single
replication exactly::

    run_model(scenario.params, households, replication_seed(S, r), end=end,
              policies=scenario.policies)

Costs and impact: every policy records the rupiah it spends each month; :func:`run_experiment`
collects them in a tidy table (``spending.csv``) and :func:`accounting` reduces them to spending
per lever and persons lifted out of extreme poverty against a counterfactual scenario of the same
run (same seeds, so the difference is the policies' effect, not noise).

The package splits by job: :mod:`~simulation.experiments.settings` (bounds, checks, seeds),
:mod:`~simulation.experiments.running` (the runs), :mod:`~simulation.experiments.summary`
(``summary.json``) and :mod:`~simulation.experiments.folder` (the run folder and its manifest);
their public names are here.
"""

from simulation.experiments.folder import manifest, save
from simulation.experiments.running import ExperimentResult, run_experiment
from simulation.experiments.settings import (
    DEFAULT_COUNTERFACTUAL,
    END_MAX,
    END_MIN,
    HOUSEHOLDS_MAX,
    HOUSEHOLDS_MIN,
    ID_COLUMNS,
    POLICY_RESULT_COLUMNS,
    REPLICATIONS_MAX,
    RESULT_FILES,
    SEED_MAX,
    SPENDING_COLUMNS,
    SPENDING_FROM,
    START,
    SUMMARY_MONTHS,
    WORKERS_MAX,
    check_end,
    check_out_dir,
    check_scenarios,
    check_settings,
    check_unique_names,
    n_months,
    replication_seed,
)
from simulation.experiments.summary import accounting, counterfactual_of, summary

__all__ = [
    "DEFAULT_COUNTERFACTUAL", "END_MAX", "END_MIN", "HOUSEHOLDS_MAX", "HOUSEHOLDS_MIN",
    "ID_COLUMNS", "POLICY_RESULT_COLUMNS", "REPLICATIONS_MAX", "RESULT_FILES", "SEED_MAX",
    "SPENDING_COLUMNS", "SPENDING_FROM", "START", "SUMMARY_MONTHS", "WORKERS_MAX",
    "ExperimentResult", "accounting", "check_end", "check_out_dir", "check_scenarios",
    "check_settings", "check_unique_names", "counterfactual_of", "manifest", "n_months",
    "replication_seed", "run_experiment", "save", "summary",
]
