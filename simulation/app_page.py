"""The SolaraViz page of ``povsim app``, built on import (``solara run simulation.app_page``).

Apart from :mod:`simulation.app` so that the explorer's model imports without solara.
"""

from simulation.app import build_page

page = build_page()
