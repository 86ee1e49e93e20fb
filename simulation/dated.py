"""Settings resolved for every step of a run, so that dated parameter values apply month by month.

The model's rules read their parameters through small frozen settings objects
(:class:`~simulation.labour_market.LabourSettings`,
:class:`~simulation.households.ConsumptionSettings`, :class:`~simulation.shocks.ShockSettings`,
...). :func:`settings_by_step` builds one per step of
the run when the model is built, each from the values in force in that step's month, and reuses
the previous step's object while none of the values it reads changes; the model then selects the
step's object at the start of each month (March 2021's during the burn-in). So a dated change
(``labour.matching.efficiency: {2023-01: 0.2}``) takes effect in its month, and no parameter is
parsed inside the monthly loop.

Examples:
    >>> from simulation.parameter_set import baseline_parameters, month_index
    >>> months = [month_index("2022-12"), month_index("2023-01"), month_index("2023-02")]
    >>> p = baseline_parameters().with_changes({"labour.matching.efficiency": {"2023-01": 0.2}})
    >>> steps = settings_by_step(lambda v: v.value("labour.matching.efficiency"), p, months)
    >>> steps[0] != 0.2, steps[1:]
    (True, [0.2, 0.2])
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from simulation.parameter_set import ParameterSet


class StepValues:
    """The parameter values in force in one step, read like a parameter set.

    ``value(path)`` returns what ``ParameterSet.value(path, at=<the step's month>)`` means, as
    stored (Python numbers, tuples), so settings classes keep their ``from_params(p)`` bodies.

    Attributes:
        read: Paths read so far, in order.
    """

    __slots__ = ("_column", "_step", "read")

    def __init__(self, column: Callable[[str], list[Any]], step: int):
        self._column = column
        self._step = step
        self.read: list[str] = []

    def value(self, path: str, at: Any = None) -> Any:
        """Return the value of ``path`` in force in this step (``at`` is not allowed)."""
        if at is not None:
            raise TypeError("a step's values are those of its month: do not pass at")
        self.read.append(path)
        return self._column(path)[self._step]


def settings_by_step[T](build: Callable[[StepValues], T], params: ParameterSet,
                        months: Iterable[int]) -> list[T]:
    """Build a settings object for each month index in ``months``.

    Args:
        build: Makes the settings from one step's values (typically ``cls.from_params``).
        params: The run's parameters.
        months: Month index of each step.

    Returns:
        One object per step; consecutive steps whose values (of the paths ``build`` read) are
        equal share the same object, so a run without dated changes holds a single one.
    """
    months = [int(m) for m in months]
    columns: dict[str, list[Any]] = {}

    def column(path: str) -> list[Any]:
        col = columns.get(path)
        if col is None:
            col = columns[path] = params.in_force(path, months)
        return col

    out: list[T] = []
    paths: tuple[str, ...] = ()
    for step in range(len(months)):
        if out and all(columns[p][step] == columns[p][step - 1] for p in paths):
            out.append(out[-1])
            continue
        values = StepValues(column, step)
        out.append(build(values))
        paths = tuple(dict.fromkeys(values.read))
    return out
