"""Policies: the Kemnaker levers, other ministries' programmes, and the base class.

Every module of this package is imported here, so each policy class registers itself and
scenario files can name it (``type: <kind>``); a new lever is one new module.
"""

import importlib
import pkgutil

from simulation.policies.base import REGISTRY, Arg, Policy, make_policy, register

for _info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
    if _info.name != "base":
        importlib.import_module(f"{__name__}.{_info.name}")

__all__ = ["REGISTRY", "Arg", "Policy", "make_policy", "register"]
