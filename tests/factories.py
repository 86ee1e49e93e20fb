"""Small hand-made states for tests: every field zero unless given."""

from __future__ import annotations

import numpy as np

from simulation.state import WorkerState


def worker_state(household, status=None, earnings=None) -> WorkerState:
    """Workers of the given households, statuses (default 0) and earnings (default 0)."""
    household = np.asarray(household, dtype=np.int32)
    m = len(household)
    zeros = np.zeros(m, dtype=np.float32)
    return WorkerState(
        household=household,
        status=(np.zeros(m, dtype=np.int8) if status is None
                else np.asarray(status, dtype=np.int8)),
        sector=np.zeros(m, dtype=np.int8), education=np.zeros(m, dtype=np.int8),
        employer=np.full(m, -1, dtype=np.int32), base_earnings=zeros.copy(),
        shock=zeros.copy(),
        earnings=zeros.copy() if earnings is None else np.asarray(earnings, dtype=np.float32),
        months_in_status=np.zeros(m, dtype=np.int16),
        productivity=zeros.copy(),
    )
