"""A shorter burn-in for fast unit tests of policies (one definition for every test module).

The baseline simulates 168 months before March 2021; 12 months plus one 2-month fitting pass
keeps the mechanics (the start is still pinned to the fitted distribution) at a fraction of the
cost. Import ``SHORT`` (the changes) or ``SHORT_PARAMS`` (the baseline with them).
"""

from simulation.parameter_set import baseline_parameters

SHORT = {"population.welfare.burn_in_months": 12, "population.welfare.fit_iterations": 1,
         "population.welfare.fit_months": 2}
SHORT_PARAMS = baseline_parameters().with_changes(SHORT)
