"""Parameter sweeps: many runs of povsim over levers and uncertain inputs, and their analysis.

``povsim sweep SWEEP.yaml`` (:func:`run_sweep`) runs a sweep file's design on local processes
or a Dask cluster and writes a sweep folder; ``povsim sensitivity DIR``
(:mod:`simulation.sweeps.sensitivity`) computes Sobol or Morris indices from it with SALib;
``povsim discover DIR`` (:mod:`simulation.sweeps.discovery`) finds, with the EMA Workbench's
PRIM, the boxes of lever values where the 0-1% band is reached with probability >= 0.8.

The sweep folder (read by the report command and by analysts' own scripts):

``sweep.json``
    ``format`` (``povsim-sweep/1``), ``name``, ``description``, ``file``, ``digest`` (SHA-256
    of the resolved sweep), ``content`` (the sweep file as read), ``resolved`` (what the
    digest covers), ``base`` and ``counterfactual`` (each scenario's name, file, parameter
    digest and policies), ``households``, ``replications``, ``seed``, ``end``, ``design``
    (each group's ``sampler``, ``n``, ``points``; ``runs``, ``counterfactual_runs``,
    ``model_runs``, ``numbering``), ``seeds`` (the rule), ``inputs`` (per input: ``name``,
    ``kind`` ``lever`` or ``uncertainty``, ``path``, ``type``, ``range`` ``[low, high]``,
    ``values``, ``levels``, ``source`` ``range``/``values``/``posterior``, ``label``,
    ``unit``, ``reason``), ``posterior``, ``outcomes`` (per outcome: ``name``, ``measure``,
    ``month``, ``label``, ``unit``, ``type`` ``float`` or ``bool (0/1)``,
    ``needs_counterfactual``), ``files`` (the columns of each CSV), ``povsim`` (version,
    git commit), ``environment``, ``created_utc``, ``command_line``.
``runs.csv``
    One row per design run, sorted by ``run`` once the sweep is complete: ``run``,
    ``lever_point``, ``uncertainty_point``, ``replication``, ``seed``, one column per input
    (levers, then uncertainties, then ``<posterior>_draw`` and the posterior's paths), one
    column per outcome, ``error`` (empty when the run succeeded; outcomes are empty when it
    failed). Floats are written by ``repr`` (read back bit for bit), booleans as 0/1, so
    P(band) over a cell is the mean of ``band_2024_12`` over its rows.
``counterfactual.csv``
    With a counterfactual: one row per scenario index ``u``: ``u``, ``uncertainty_point``,
    ``replication``, ``seed``, the uncertain inputs, ``extreme_poor_persons_<YYYY_MM>`` and
    ``spending_<YYYY_MM>`` at each month persons lifted are measured, ``error``.
``sensitivity.csv``, ``sensitivity.json``, ``sensitivity.png``
    After ``povsim sensitivity``.
``discovery.json``
    After ``povsim discover``: ``target``, ``threshold``, ``levers``, ``runs``, ``boxes``
    (each with ``levers`` ``{name: [low, high]}``, ``coverage``, ``density``, ``n_runs``,
    ``mass``, ``reaches_threshold``) and the PRIM peeling trajectory.
"""

from simulation.sweeps.design import Design, make_design, run_seed
from simulation.sweeps.load import FunctionModel, PovsimModel, Sweep, SweepModel, load_sweep
from simulation.sweeps.runner import SweepResult, run_sweep
from simulation.sweeps.spec import Group, Input, Outcome, Posterior, SweepSpec

__all__ = ["Design", "FunctionModel", "Group", "Input", "Outcome", "Posterior", "PovsimModel",
           "Sweep", "SweepModel", "SweepResult", "SweepSpec", "load_sweep", "make_design",
           "run_seed", "run_sweep"]
