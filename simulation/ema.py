"""povsim as an EMA Workbench ``Model``: an analyst's Workbench 3 script can evaluate it.

:func:`povsim_model` returns an :class:`ema_workbench.Model` whose function runs povsim: its
uncertainties are :class:`~ema_workbench.RealParameter` objects over dotted parameter paths, its
levers ``RealParameter`` objects over policy arguments of the base scenario
(``policy:LABEL.ARG``), its outcomes :class:`~ema_workbench.ScalarOutcome` objects named as in
sweep files (``extreme_poverty_rate_2024_12``, ``band_2024_12``, ``persons_lifted_2024_12``,
...). Everything is checked as a sweep file is
(:func:`simulation.sweeps.load.sweep_from_mapping`) before the Workbench samples anything. The
Workbench's own samplers (``Samplers.LHS``, ``Samplers.SOBOL``, ``Samplers.MORRIS``),
evaluators and analyses (``prim``, ``feature_scoring``) then apply as to any of its models::

    from ema_workbench import Samplers, SequentialEvaluator
    from simulation.ema import povsim_model

    model = povsim_model(
        uncertainties={"matching_efficiency": ("labour.matching.efficiency", 0.12, 0.20)},
        levers={"prakerja_scale": ("policy:prakerja.scale", 0, 3)},
        households=5000)
    with SequentialEvaluator(model) as evaluator:
        experiments, outcomes = evaluator.perform_experiments(
            scenarios=8, policies=4, uncertainty_sampling=Samplers.LHS)

Seeds: the Workbench does not give a run its seed, so each call derives one from the
uncertain inputs' values and the model's root seed (:func:`scenario_seed`): every policy meets
a scenario with the same seed (common random numbers), and a rerun gives the same bits. With a
counterfactual, each call also runs it (same seed, same uncertain inputs): two povsim runs per
experiment (``povsim sweep`` shares one counterfactual across lever points instead).
"""

from __future__ import annotations

import hashlib
import struct
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from simulation.errors import InputError
from simulation.sweeps.load import PovsimModel, sweep_from_mapping

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_OUTCOMES = ("extreme_poverty_rate_2024_03", "extreme_poverty_rate_2024_12",
                    "band_2024_03", "band_2024_12", "spending_2024_12")


def scenario_seed(root: int, values: Mapping[str, float]) -> int:
    """A 63-bit seed from the root seed and the uncertain inputs' values (names sorted).

    Examples:
        >>> scenario_seed(1, {"a": 0.5}) == scenario_seed(1, {"a": 0.5}) != scenario_seed(
        ...     1, {"a": 0.6})
        True
    """
    h = hashlib.sha256()
    for name in sorted(values):
        h.update(name.encode("utf-8") + b"\0" + struct.pack("<d", float(values[name])))
    words = np.frombuffer(h.digest()[:16], dtype=np.uint32)
    state = np.random.SeedSequence(root, spawn_key=tuple(int(w) for w in words))
    return int(state.generate_state(1, np.uint64)[0] >> np.uint64(1))


class PovsimFunction:
    """The callable an EMA ``Model`` wraps: keyword inputs in, ``{outcome: value}`` out.

    Picklable, so the Workbench's ``MultiprocessingEvaluator`` can send it to its workers.

    Args:
        model: The checked povsim model (base, counterfactual, households, inputs, outcomes).
        seed: Root seed of :func:`scenario_seed`.
        uncertainty_names: The inputs the seed is derived from.
    """

    def __init__(self, model: PovsimModel, seed: int, uncertainty_names: Sequence[str]):
        self.model = model
        self.seed = int(seed)
        self.uncertainty_names = tuple(uncertainty_names)

    def __call__(self, **kwargs: Any) -> dict[str, float]:
        """Run povsim (and its counterfactual) with these inputs."""
        values = {k: float(v) for k, v in kwargs.items()}
        seed = scenario_seed(self.seed, {k: values[k] for k in self.uncertainty_names})
        run = self.model.evaluate(values, seed)
        cf = self.model.counterfactual(values, seed) if self.model.has_counterfactual else None
        return self.model.combine(run, cf, self.model.outcomes)


def _entries(items: Mapping[str, tuple], key: str) -> dict:
    if not isinstance(items, Mapping):
        raise InputError("povsim_model", key, "a mapping {name: (path, low, high)}", items)
    out = {}
    for name, spec in items.items():
        if not isinstance(spec, tuple | list) or len(spec) != 3:
            raise InputError("povsim_model", f"{key}.{name}", "a (path, low, high) triple",
                             spec)
        path, low, high = spec
        out[name] = {"path": path, "range": [low, high]}
    return out


def povsim_model(name: str = "povsim", *, uncertainties: Mapping[str, tuple] | None = None,
                 levers: Mapping[str, tuple] | None = None,
                 outcomes: Sequence[str] = DEFAULT_OUTCOMES,
                 base: str | Path = ROOT / "scenarios" / "baseline.yaml",
                 counterfactual: str | Path | None = None, households: int = 20_000,
                 end: str = "2024-12", seed: int = 20210301):
    """An EMA Workbench ``Model`` of povsim.

    Args:
        name: The model's name (a Python identifier, as the Workbench asks).
        uncertainties: ``{name: (dotted parameter path, low, high)}``.
        levers: ``{name: ("policy:LABEL.ARG", low, high)}`` on the base scenario.
        outcomes: Outcome names as in sweep files (``<measure>_<YYYY>_<MM>``).
        base: The base scenario file.
        counterfactual: The counterfactual scenario file (needed for ``persons_lifted_*``
            and ``extra_spending_*``).
        households: Sample households per run.
        end: Last month.
        seed: Root seed (see :func:`scenario_seed`).

    Raises:
        InputError: as for a sweep file (unknown path, a lever that is not a policy argument,
            a range a parameter cannot take, an unknown outcome); ImportError without the
            Workbench (``pip install -e '.[analysis]'``).
    """
    from ema_workbench import Model, RealParameter, ScalarOutcome

    unc = _entries(uncertainties or {}, "uncertainties")
    lev = _entries(levers or {}, "levers")
    data = {
        "name": name, "description": "An EMA Workbench model of povsim.", "base": str(base),
        "households": households, "end": end, "seed": seed,
        "levers": lev, "uncertainties": unc, "outcomes": list(outcomes),
        "design": {"levers": {"sampler": "latin_hypercube", "n": 1} if lev else None,
                   "uncertainties": ({"sampler": "latin_hypercube", "n": 1} if unc
                                     else None)},
    }
    if counterfactual is not None:
        data["counterfactual"] = str(counterfactual)
    sweep = sweep_from_mapping(data, "povsim_model", Path.cwd(), name)
    spec = sweep.spec
    model = Model(name, function=PovsimFunction(sweep.model, seed,
                                                [i.name for i in spec.uncertainties]))
    model.uncertainties = [RealParameter(i.name, i.low, i.high) for i in spec.uncertainties]
    model.levers = [RealParameter(i.name, i.low, i.high) for i in spec.levers]
    model.outcomes = [ScalarOutcome(o.name) for o in spec.outcomes]
    return model


__all__ = ["DEFAULT_OUTCOMES", "PovsimFunction", "povsim_model", "scenario_seed"]
