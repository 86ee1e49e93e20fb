"""Charts and briefs from run, sweep and calibration folders (``povsim report``)."""

from simulation.report.build import CHARTS, Report, make_report

__all__ = ["CHARTS", "Report", "make_report"]
