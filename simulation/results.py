"""What one replication returns: a typed, picklable record of indicators, spending and tallies.

:func:`simulation.model.run_model` returns a :class:`RunResult`; the batch layer
(:mod:`simulation.experiments`) turns many of them into the run folder's tidy tables. Indicators
carry their label and unit (:data:`simulation.measures.INDICATORS`), and each policy's declared
results (:class:`simulation.policies.Result`) carry theirs, into the manifest.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from simulation.measures import INDICATORS

if TYPE_CHECKING:
    from simulation.model import PovertyModel


@dataclass
class PolicyRecord:
    """One policy of a replication: its settings, spending and declared results.

    Attributes:
        label: The policy's label.
        lever: Its accounting group.
        spec: ``{"type": kind, **arguments}`` (recreates it).
        spending: Real Rp spent in each step.
        results: ``{name: value per step}`` of its declared results.
        result_meta: ``{name: {"label", "unit", "kind"}}``.
    """

    label: str
    lever: str
    spec: dict
    spending: np.ndarray
    results: dict[str, np.ndarray] = field(default_factory=dict)
    result_meta: dict[str, dict[str, str]] = field(default_factory=dict)


@dataclass
class RunResult:
    """The outcome of one replication (:func:`simulation.model.run_model`).

    Attributes:
        dates: ``YYYY-MM`` of each step, from March 2021.
        indicators: ``{name: value per step}`` for every indicator of
            :data:`simulation.measures.INDICATORS`.
        policies: One :class:`PolicyRecord` per policy, in the scenario's order.
        seconds_build: Seconds to build the population and simulate the burn-in.
        seconds_run: Seconds to simulate the months from March 2021.
        labour_force_slots: Worker slots in the sample.
        start_before_remap: The model's own March-2021 cross-section before the burn-in's
            final remap (:func:`simulation.initial_state.cross_section`: extreme and national
            P0 and P1 of persons, Gini), or None for a model built without a burn-in.
    """

    dates: list[str]
    indicators: dict[str, np.ndarray]
    policies: list[PolicyRecord]
    seconds_build: float
    seconds_run: float
    labour_force_slots: int
    start_before_remap: dict[str, float] | None = None

    @classmethod
    def of(cls, model: PovertyModel, seconds_build: float = 0.0,
           seconds_run: float = 0.0) -> RunResult:
        """The record of a model that has run."""
        recorded = model.recorder.as_dict()
        return cls(
            dates=list(recorded.pop("date")),
            indicators={k: np.asarray(v) for k, v in recorded.items()},
            policies=[PolicyRecord(
                label=p.label, lever=p.lever, spec=p.to_dict(), spending=p.spent.copy(),
                results={k: v.copy() for k, v in p.results.items()},
                result_meta={r.name: {"label": r.label, "unit": r.unit, "kind": r.kind}
                             for r in p.RESULTS})
                for p in model.policies],
            seconds_build=float(seconds_build), seconds_run=float(seconds_run),
            labour_force_slots=int(model.workers.n),
            start_before_remap=(dict(model.start_before_remap)
                                if model.start_before_remap is not None else None))

    def __getitem__(self, name: str) -> np.ndarray | list[str]:
        """An indicator by name (``result["extreme_poverty_rate"]``), or ``"date"``."""
        if name == "date":
            return self.dates
        return self.indicators[name]

    def spending(self) -> dict[str, np.ndarray]:
        """Rp spent by each policy (by label) in each step."""
        return {p.label: p.spending for p in self.policies}


def indicator_metadata() -> list[dict[str, str]]:
    """``[{"name", "label", "unit"}]`` of every indicator, for the manifest."""
    return [{"name": i.name, "label": i.label, "unit": i.unit} for i in INDICATORS]
