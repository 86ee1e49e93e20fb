"""povsim: a Mesa agent-based model of Indonesian households and employers.

The model (:class:`simulation.model.PovertyModel`) simulates, month by month from March 2021,
how the labour market, households' consumption and the Kemnaker levers move extreme poverty
against the Inpres 4/2022 target. See README.md.

The package's top level is the scripting API (:mod:`simulation.api`)::

    import simulation as ps

    base = ps.load_scenario("scenarios/baseline.yaml")
    more_training = base.scale_policy("prakerja", 2.0, name="more_training")
    results = ps.run([base, more_training], households=20_000, replications=4)
    print(results.target_probabilities("2024-12"))

``run(..., workers=2)`` or more needs the script's code under ``if __name__ == "__main__":``.
"""

from simulation.api import (
    DEFAULTS,
    Results,
    Scenario,
    format_table,
    load_scenario,
    run,
    scenario,
    script_parser,
)
from simulation.errors import InputError
from simulation.policies import Arg, Policy, register

__all__ = ["DEFAULTS", "Arg", "InputError", "Policy", "Results", "Scenario", "format_table",
           "script_parser", "load_scenario",
           "register", "run", "scenario"]
