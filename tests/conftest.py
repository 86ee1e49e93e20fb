"""Root of the test suite. Its folder is put on ``sys.path`` by pytest (rootdir conftest), so
helper modules here (``factories``) can be imported by tests in every subfolder."""

from pathlib import Path

import pytest


@pytest.fixture(autouse=True)
def _point_parameters_by_default(monkeypatch):
    """Runs in tests use the point parameters unless a test names a posterior.

    ``povsim run`` and ``simulation.run`` draw from ``calibration/posterior.csv`` by default
    once it is shipped; the suite's tests of the run machinery (seeds, files, regression
    figures) are about the point parameters, so the default posterior is hidden here. The
    tests of the default (``tests/unit/test_posterior_run.py``) set it themselves.
    """
    import simulation.posterior

    monkeypatch.setattr(simulation.posterior, "SHIPPED",
                        Path(__file__).resolve().parent / "no-shipped-posterior.csv")
