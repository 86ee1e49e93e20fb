"""Every parameter follows its dated values month by month, or is fixed over a run.

STYLE.md section 2: "a dated value must be honoured month by month wherever it is read; a
parameter that cannot change during a run says so and refuses a dated change".

1. **Where parameters are read.** Every read of a parameter set (``value``, ``monthly``,
   ``in_force``, ``[]``) is recorded while a model with every policy of the shipped scenario
   files is built and steps. A parameter that is not fixed must be read at the current month
   (the step's; March 2021's while the model is built, the burn-in included) or for every month
   of the run at once (the per-step settings of :mod:`simulation.dated` and the paths of
   :mod:`simulation.macro`); never at its first value. A fixed parameter (``fixed: true``) must
   be read only while the model is built. Every parameter that is not fixed must be read, so
   none escapes the check.
2. **What a dated change does.** A dated change to a representative parameter of each module
   leaves every indicator bit-identical before its month and moves them from its month.
"""

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from simulation.measures import INDICATOR_NAMES
from simulation.model import PovertyModel, run_model
from simulation.parameter_set import ParameterSet, baseline_parameters, month_index
from simulation.scenarios import load_scenario

REPO = Path(__file__).resolve().parents[2]



def _all_scenario_policies() -> list[dict]:
    """Every policy of the shipped scenario files (first occurrence of each label), so that a
    new lever's parameters are read as soon as a scenario file uses it."""
    seen, out = set(), []
    for path in [REPO / "scenarios" / "baseline.yaml", *sorted((REPO / "scenarios").glob(
            "*.yaml"))]:
        for spec in load_scenario(path).policy_specs():
            if spec["label"] not in seen:
                seen.add(spec["label"])
                out.append(spec)
    return out


POLICIES = _all_scenario_policies()
SHORT = {"population.welfare.burn_in_months": 12, "population.welfare.fit_iterations": 1,
         "population.welfare.fit_months": 2}
PARAMS = baseline_parameters().with_changes(SHORT)
WRAPPED = ("value", "monthly", "in_force", "__getitem__")

# Reads at another month than the current one, by design (path, kind): the price level of one
# month.
AT_OTHER_MONTHS = {
    ("macro.prices.cpi_index", "monthly"):
        "the CPI of the extreme line's reference month and of the national line's last date",
    ("poverty.lines.national_line", "__getitem__"):
        "its last dated value, carried on by the CPI after its last date",
    ("labour.earnings.employee_wage_by_education", "__getitem__"):
        "its Sakernas rounds, a path of levels interpolated between them",
}


@dataclass(frozen=True)
class Read:
    """One read of a parameter set: which set, how, which path, at what, in which step."""

    set_id: int
    kind: str
    path: str
    at: Any
    step: int | None  # None while the model is built


@pytest.fixture(scope="module")
def recorded():
    """Build and step a model with the baseline programmes, recording every parameter read."""
    log: list[Read] = []
    snapshots: dict[int, int] = {}  # id of a set from at_month -> its month
    keep = []  # the snapshots themselves (their ids stay unique while recorded)
    state = {"step": None, "depth": 0}
    original = {name: getattr(ParameterSet, name) for name in (*WRAPPED, "at_month")}

    def wrap(name):
        def wrapper(self, *args, **kwargs):
            state["depth"] += 1
            try:
                result = original[name](self, *args, **kwargs)
            finally:
                state["depth"] -= 1
            if state["depth"] == 0:
                if name == "at_month":
                    snapshots[id(result)] = month_index(args[0] if args else kwargs["month"])
                    keep.append(result)
                else:
                    at = args[1] if len(args) > 1 else kwargs.get("at", kwargs.get("months"))
                    log.append(Read(id(self), name, args[0], at, state["step"]))
            return result
        return wrapper

    with pytest.MonkeyPatch.context() as mp:
        for name in original:
            mp.setattr(ParameterSet, name, wrap(name))
        model = PovertyModel(PARAMS, n_households=1000, seed=2, end="2022-03",
                             policies=POLICIES)
        while model.t < model.paths.n_steps:
            state["step"] = model.t + 1
            model.step()
    return log, snapshots, model


def read_problems(log: list[Read], snapshots: dict[int, int], model: PovertyModel) -> list[str]:
    """Reads that would not honour a dated change (see the module docstring)."""
    months = [int(m) for m in model.paths.months]
    problems = []
    for r in log:
        p = model.params.params[r.path]
        now = months[0 if r.step is None else r.step]
        where = "while building" if r.step is None else f"in {model.paths.label(r.step)}"
        what = f"{r.path} ({r.kind} {where})"
        if p.fixed:
            if r.step is not None:
                problems.append(f"{what}: fixed over a run, but read after the build")
            continue
        if r.set_id in snapshots:
            if snapshots[r.set_id] != now:
                problems.append(f"{what}: read from the parameters as they stood in another month")
            continue
        if r.set_id != id(model.params):
            problems.append(f"{what}: read from a parameter set that is not the model's")
        elif r.kind == "value":
            if r.at is None:
                problems.append(f"{what}: read at its first value, not at the month's")
            elif month_index(r.at) != now:
                problems.append(f"{what}: read at {r.at}, not at the current month")
        elif (r.path, r.kind) in AT_OTHER_MONTHS:
            continue
        elif r.kind == "__getitem__":
            problems.append(f"{what}: its Parameter taken whole (read it by month instead)")
        elif [int(m) for m in r.at] not in ([now], months):
            problems.append(f"{what}: read for months that are neither now nor the run's")
    return sorted(set(problems))


def test_every_parameter_is_read_at_the_current_month_or_fixed(recorded):
    log, snapshots, model = recorded
    problems = read_problems(log, snapshots, model)
    assert not problems, "\n".join(problems)


def test_every_parameter_that_is_not_fixed_is_read(recorded):
    log, _, model = recorded
    read = {r.path for r in log}
    unread = [p for p in model.params if not model.params.params[p].fixed and p not in read]
    assert not unread, ("parameters never read (so this test cannot see whether their dated "
                        "values are honoured): " + ", ".join(sorted(unread)))


def test_the_check_catches_a_first_value_read(recorded):
    """The check can fail: a read at the first value, or a fixed read in a step, is reported."""
    _, snapshots, model = recorded
    bad = [Read(id(model.params), "value", "labour.matching.efficiency", None, 3),
           Read(id(model.params), "value", "labour.matching.efficiency", "2021-03", 3),
           Read(id(model.params), "value", "labour.employers.labour_force_per_employer", None, 3),
           Read(id(model.params), "in_force", "shocks.deaths.p_death", [24254], 3),
           Read(id(model.params), "__getitem__", "labour.flows.fallback_rate", None, None)]
    assert len(read_problems(bad, snapshots, model)) == len(bad)
    ok = [Read(id(model.params), "value", "labour.matching.efficiency", "2021-06", 3),
          Read(id(model.params), "in_force", "shocks.deaths.p_death",
               list(model.paths.months), None),
          Read(id(model.params), "value", "labour.employers.labour_force_per_employer", None, None)]
    assert read_problems(ok, snapshots, model) == []


# ------------------------------------------------------------------ behaviour
def first_difference(a: dict, b: dict) -> str | None:
    """The first month in which any indicator of two runs differs (None if none does)."""
    for i, date in enumerate(a["date"]):
        for name in INDICATOR_NAMES:
            x, y = a[name][i], b[name][i]
            if not (x == y or (np.isnan(x) and np.isnan(y))):
                return date
    return None


BPJS = ({"type": "bpjs_tk", "label": "bpjs_tk"},)


@pytest.mark.parametrize("path, value, policies", [
    ("labour.flows.formal_separation_rate", 0.03, ()),
    ("labour.matching.education_weight", [1.0, 1.0, 1.0, 1.0], ()),
    ("labour.earnings.informal_output_elasticity", 2.0, ()),
    ("households.consumption.buffer_drawdown_rate", 0.5, ()),
    ("households.consumption.other_income_growth_elasticity", 3.0, ()),
    ("shocks.deaths.p_death", 0.01, ()),
    ("targeting.registry.update_months", 1, POLICIES),
    ("macro.output.sector_growth_multiplier", [3.0, 3.0, 3.0], ()),
    ("programmes.social_insurance.bpu_contribution", 100_000, BPJS),
], ids=lambda v: v if isinstance(v, str) else "")
def test_a_dated_change_moves_the_run_from_its_month(path, value, policies):
    changes = {path: {"2021-07": value}}
    base = run_model(PARAMS, 2000, 3, end="2021-09", policies=policies)
    new = run_model(PARAMS.with_changes(changes), 2000, 3, end="2021-09", policies=policies)
    assert first_difference(base, new) == "2021-07"
