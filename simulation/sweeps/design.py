"""The design: sampled points of each group, runs numbered, and every run's seed.

A sweep crosses the lever points with the uncertainty points (EMA Workbench's policies x
scenarios). With ``U = uncertainty points x replications`` the runs are numbered

    run = lever_point * U + u,        u = uncertainty_point * replications + replication

and run ``run`` uses the seed of ``u`` (:func:`run_seed`): every lever point meets the same
uncertainty point with the same seed (common random numbers, as ``povsim run`` gives every
scenario the same seed), so lever points differ only where the levers act, and the
counterfactual of ``u`` is one run that serves every lever point. For a ``sobol`` or
``morris`` design of the uncertainties the seed is that of the replication alone
(``run_seed(seed, replication)``): every point of the Saltelli sample or of the Morris
trajectories shares the seeds, so the indices measure the inputs' effects, not the model's own
noise between seeds (which would inflate every total index); replications average over seeds.

Samplers come from libraries, not from here: :class:`scipy.stats.qmc.LatinHypercube` for
``latin_hypercube``, SALib's Saltelli (``sobol``) and Morris samplers, whose analysis needs
their own sample structure; ``grid`` is the full factorial (:func:`itertools.product`).
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import numpy as np

from simulation.errors import InputError
from simulation.posterior import posterior_row, run_seed  # noqa: F401 (re-exported)
from simulation.sweeps.spec import Group, Input, SweepSpec

_GROUP_KEY = {"levers": 0, "uncertainties": 1}
_DESIGN_TAG = 0xD5  # spawn-key tags keep design, run and posterior seeds apart


def group_seed(seed: int, group: str) -> int:
    """The seed a group's sampler draws from (``SeedSequence(seed, spawn_key=(g, 0xD5))``)."""
    state = np.random.SeedSequence(seed, spawn_key=(_GROUP_KEY[group], _DESIGN_TAG))
    return int(state.generate_state(1, np.uint32)[0])


def _salib_problem(inputs: tuple[Input, ...]) -> dict:
    return {"num_vars": len(inputs), "names": [i.name for i in inputs],
            "bounds": [[i.low, i.high] for i in inputs]}


def _need_salib(file: str, key: str):
    try:
        import SALib  # noqa: F401
    except ImportError:
        raise InputError(file, key, "SALib installed for this design (pip install -e "
                         "'.[analysis]')") from None


def sample(group: Group, inputs: tuple[Input, ...], seed: int, name: str,
           file: str = "<code>") -> np.ndarray:
    """The points of one group: an array ``(points, len(inputs))`` of input values.

    Raises:
        InputError: for a grid over a range without ``levels``, or a Sobol or Morris design
            over discrete ``values`` (their analyses need continuous ranges).
    """
    key = f"design.{name}"
    d = len(inputs)
    if group.sampler == "base":
        return np.zeros((1, 0))
    if group.sampler == "posterior":  # n posterior draws, no range inputs
        return np.zeros((group.n, 0))
    if group.sampler == "points":  # explicit points (the search's refinement writes them)
        return np.array(group.points, dtype=np.float64).reshape(-1, d)
    if group.sampler == "grid":
        axes = []
        for i in inputs:
            if i.values is not None:
                axes.append(i.values)
            elif i.levels is not None:
                axes.append(tuple(np.linspace(i.low, i.high, i.levels).tolist()))
            else:
                raise InputError(file, f"{name}.{i.name}", "values: [...] or levels: k for a "
                                 "grid over a range", [i.low, i.high])
        return np.array(list(itertools.product(*axes)), dtype=np.float64).reshape(-1, d)
    if group.sampler == "latin_hypercube":
        from scipy.stats import qmc

        try:
            lhs = qmc.LatinHypercube(d=d, rng=np.random.default_rng(seed))
        except TypeError:  # scipy before 1.15 calls it seed
            lhs = qmc.LatinHypercube(d=d, seed=np.random.default_rng(seed))
        u = lhs.random(group.n)
        cols = []
        for j, i in enumerate(inputs):
            if i.values is not None:
                idx = np.minimum((u[:, j] * len(i.values)).astype(np.int64), len(i.values) - 1)
                cols.append(np.asarray(i.values, dtype=np.float64)[idx])
            else:
                cols.append(i.low + u[:, j] * (i.high - i.low))
        return np.column_stack(cols)
    for i in inputs:
        if i.values is not None:
            raise InputError(file, f"{name}.{i.name}", f"a range: [low, high] for a "
                             f"{group.sampler} design (its analysis needs a continuous range)",
                             list(i.values))
    _need_salib(file, key)
    problem = _salib_problem(inputs)
    if group.sampler == "sobol":
        from SALib.sample import sobol

        return np.asarray(sobol.sample(problem, group.n, calc_second_order=group.second_order,
                                       scramble=True, seed=seed), dtype=np.float64)
    from SALib.sample import morris

    return np.asarray(morris.sample(problem, group.n, num_levels=group.levels, seed=seed),
                      dtype=np.float64)


def points_count(group: Group, inputs: tuple[Input, ...]) -> int:
    """How many points a group's sampler gives (without sampling)."""
    d = len(inputs)
    if group.sampler == "base":
        return 1
    if group.sampler == "grid":
        n = 1
        for i in inputs:
            n *= len(i.values) if i.values is not None else (i.levels or 1)
        return n
    if group.sampler in ("latin_hypercube", "posterior"):
        return group.n
    if group.sampler == "points":
        return len(group.points)
    if group.sampler == "sobol":
        return group.n * ((2 * d + 2) if group.second_order else (d + 2))
    return group.n * (d + 1)  # morris


@dataclass(frozen=True)
class Design:
    """The sampled design of a sweep.

    Attributes:
        levers: Lever points, ``(lever points, levers)``.
        uncertainties: Uncertainty points, ``(uncertainty points, uncertainties)``.
        replications: Runs per design point.
        seed: The sweep's root seed.
        posterior_rows: Per scenario index ``u``, the posterior row drawn (empty without a
            posterior).
        common_seeds: Whether every uncertainty point shares the seeds (one per replication),
            as Sobol and Morris designs do.
    """

    levers: np.ndarray
    uncertainties: np.ndarray
    replications: int
    seed: int
    posterior_rows: tuple[int, ...] = ()
    common_seeds: bool = False

    def seed_of(self, u: int) -> int:
        """The seed of scenario index ``u``: ``run_seed`` of ``u``, or of its replication."""
        return run_seed(self.seed, u % self.replications if self.common_seeds else u)

    @property
    def scenarios(self) -> int:
        """``U``: uncertainty points x replications (runs per lever point)."""
        return self.uncertainties.shape[0] * self.replications

    @property
    def runs(self) -> int:
        """Design runs: lever points x ``U``."""
        return self.levers.shape[0] * self.scenarios

    def coordinates(self, run: int) -> tuple[int, int, int, int]:
        """``(lever_point, uncertainty_point, replication, u)`` of a run index."""
        i, u = divmod(run, self.scenarios)
        j, r = divmod(u, self.replications)
        return i, j, r, u


def make_design(spec: SweepSpec) -> Design:
    """Sample both groups of ``spec`` and draw each scenario index's posterior row."""
    lev = sample(spec.design["levers"], spec.levers, group_seed(spec.seed, "levers"), "levers",
                 spec.file)
    unc = sample(spec.design["uncertainties"], spec.uncertainties,
                 group_seed(spec.seed, "uncertainties"), "uncertainties", spec.file)
    common = spec.design["uncertainties"].sampler in ("sobol", "morris")
    design = Design(levers=lev, uncertainties=unc, replications=spec.replications,
                    seed=spec.seed, common_seeds=common)
    if spec.posterior is not None:  # never with common seeds (Sobol and Morris refuse it)
        rows = tuple(posterior_row(spec.posterior, design.seed_of(u))
                     for u in range(design.scenarios))
        design = Design(levers=lev, uncertainties=unc, replications=spec.replications,
                        seed=spec.seed, posterior_rows=rows, common_seeds=common)
    return design
