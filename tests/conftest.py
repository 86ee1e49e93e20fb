"""Root of the test suite. Its folder is put on ``sys.path`` by pytest (rootdir conftest), so
helper modules here (``factories``) can be imported by tests in every subfolder."""

from pathlib import Path

import pytest

import simulation.posterior

#: Runs in tests use the point parameters unless a test names a posterior. ``povsim run`` and
#: ``simulation.run`` draw from the shipped ``calibration/posterior.csv`` by default; the
#: suite's tests of the run machinery (seeds, files, regression figures) are about the point
#: parameters, so the default posterior is hidden here, at import, before any fixture of any
#: scope runs (a module-scoped fixture runs before function-scoped autouse fixtures). The
#: tests of the default (``tests/unit/test_posterior_run.py``) set it themselves.
HIDDEN = Path(__file__).resolve().parent / "no-shipped-posterior.csv"
simulation.posterior.SHIPPED = HIDDEN


@pytest.fixture(autouse=True)
def _point_parameters_by_default(monkeypatch):
    """Undo a test's change of the default posterior (each test starts with it hidden)."""
    monkeypatch.setattr(simulation.posterior, "SHIPPED", HIDDEN)
