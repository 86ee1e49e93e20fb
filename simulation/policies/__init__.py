"""Policies: the Kemnaker levers, other ministries' programmes, and the base class.

Each lever lives in its own module; importing this package registers every policy type so that
scenario files can name it (``type: <kind>``).
"""

from simulation.policies.base import REGISTRY, Arg, Policy, make_policy, register
from simulation.policies.transfers import CashTransfer

__all__ = ["REGISTRY", "Arg", "CashTransfer", "Policy", "make_policy", "register"]
