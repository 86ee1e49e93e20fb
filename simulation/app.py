"""``povsim app``: an interactive explorer of the Kemnaker levers (Mesa's SolaraViz).

Mesa's model/app split: :class:`ExplorerModel` is a small ``mesa.Model`` that wraps a
:class:`~simulation.model.PovertyModel` built from the baseline scenario with the sliders'
values (job creation and training scaled, PBI BPJS-TK members, the registry's targeting
accuracy) and collects three series with a Mesa ``DataCollector``; :func:`build_page` is the
SolaraViz page with the sliders and live charts of extreme poverty, unemployment and
spending (:mod:`simulation.app_page` builds it). For responsiveness the explorer runs one
replication of :data:`EXPLORER_HOUSEHOLDS` sample households (the command line's default is
100,000, with 8 replications), so its lines are noisy; the page says so.

Needs the ``app`` extra (``pip install -e ".[app]"``): solara, solara-assets (the page's
JavaScript and fonts served locally: the machines here reach no CDN) and ipyvue/ipyvuetify 1.x
(with ipyvue 3 the page stays blank offline). Everything heavy is imported when the page is
built, not when :mod:`simulation.cli` loads.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import mesa
import numpy as np

from simulation.errors import InputError
from simulation.parameter_set import baseline_parameters

EXPLORER_HOUSEHOLDS = 5_000
EXPLORER_SEED = 20210301
BASELINE_FILE = Path(__file__).resolve().parents[1] / "scenarios" / "baseline.yaml"
JOB_CREATION = ("padat_karya", "tkm_grants", "formal_job_creation")
TRAINING = ("prakerja", "blk")
#: The sliders: name -> (label, default, min, max, step).
SLIDERS: dict[str, tuple[str, float, float, float, float]] = {
    "job_creation_scale": ("Job creation (x size)", 1.0, 0.0, 4.0, 0.25),
    "training_scale": ("Training (x size)", 1.0, 0.0, 4.0, 0.25),
    "pbi_members_millions": ("PBI members (M)", 0.0, 0.0, 40.0, 2.0),
    "rank_correlation": ("Targeting (0-1)",
                         float(baseline_parameters().value("targeting.registry.rank_correlation")),
                         0.0, 1.0, 0.05),
}
SERIES = {
    "Extreme poverty (% of persons)": "extreme_poverty_pct",
    "Open unemployment (% of labour force)": "unemployment_pct",
    "Spending of all programmes (Rp trillion per month)": "spending_trillion",
}
NOTE = (f"**povsim explorer.** One replication of {EXPLORER_HOUSEHOLDS:,} sample households "
        "(scaled to Indonesia's population) from March 2021, built from the baseline scenario "
        "with the sliders' values, for responsiveness: the tool's runs use 100,000 households "
        "and 8 replications, so these lines are noisier than a briefing's. Sliders: *Job "
        "creation* multiplies padat karya, TKM grants and formal job creation; *Training* "
        "Kartu Prakerja and BLK places (1 = published size); *PBI members* are the informal "
        "workers whose BPJS-TK contributions the government pays (millions); *Targeting* is "
        "the registry's rank correlation with true welfare (1 = perfect). A slider applies at "
        "the next Reset; each Step is one month.")


def explorer_scenario(job_creation_scale: float = 1.0, training_scale: float = 1.0,
                      pbi_members_millions: float = 0.0, rank_correlation: float | None = None):
    """The baseline scenario with the levers and targeting accuracy of the sliders."""
    from simulation.api import load_scenario

    if not BASELINE_FILE.is_file():
        raise InputError(str(BASELINE_FILE), "<file>", "the repository's scenarios/baseline.yaml "
                         "(install povsim from a checkout: pip install -e '.[app]')",
                         "no such file")
    sc = load_scenario(BASELINE_FILE)
    for label in JOB_CREATION:
        sc = sc.scale_policy(label, float(job_creation_scale))
    for label in TRAINING:
        sc = sc.scale_policy(label, float(training_scale))
    sc = sc.with_policies(remove=["pbi_contributions"], add=[{
        "type": "pbi_contributions", "label": "pbi_contributions",
        "members": float(pbi_members_millions) * 1e6}])
    if rank_correlation is not None:
        sc = sc.with_changes({"targeting.registry.rank_correlation": float(rank_correlation)})
    return sc


class ExplorerModel(mesa.Model):
    """A ``PovertyModel`` of the baseline with the sliders' levers, and its collected series.

    Args:
        job_creation_scale: Multiplier of padat karya, TKM grants and formal job creation.
        training_scale: Multiplier of Kartu Prakerja and BLK places.
        pbi_members_millions: PBI BPJS-TK members whose contributions the government pays.
        rank_correlation: ``targeting.registry.rank_correlation`` (1 is perfect targeting).
        households: Sample households.
        seed: Root seed of the replication (``rng`` is accepted for SolaraViz's reseeding).
        rng: As ``seed`` (SolaraViz passes it).
    """

    def __init__(self, job_creation_scale: float = 1.0, training_scale: float = 1.0,
                 pbi_members_millions: float = 0.0, rank_correlation: float | None = None,
                 households: int = EXPLORER_HOUSEHOLDS, seed: int | None = None,
                 rng: Any = None):
        super().__init__(rng=np.random.default_rng(0))
        from simulation.model import PovertyModel

        root = seed if seed is not None else (rng if isinstance(rng, int) else EXPLORER_SEED)
        sc = explorer_scenario(job_creation_scale, training_scale, pbi_members_millions,
                               rank_correlation)
        self.povsim_scenario = sc
        self.inner = PovertyModel(sc.params, n_households=int(households), seed=int(root),
                                  end="2024-12", policies=sc.policies)
        self.datacollector = mesa.DataCollector(model_reporters={
            "extreme_poverty_pct": lambda m: m.indicator("extreme_poverty_rate") * 100,
            "unemployment_pct": lambda m: m.indicator("unemployment_rate") * 100,
            "spending_trillion": lambda m: m.spending_now() / 1e12,
            "month": lambda m: m.month,
        })
        self.datacollector.collect(self)

    @property
    def month(self) -> str:
        """The month simulated last (``YYYY-MM``)."""
        return self.inner.recorder.dates[self.inner.t]

    def indicator(self, name: str) -> float:
        """An indicator of the last month simulated."""
        return float(self.inner.recorder.as_dict()[name][self.inner.t])

    def spending_now(self) -> float:
        """Rupiah all programmes spent in the last month simulated."""
        return float(sum(v[self.inner.t] for v in self.inner.spending().values()))

    def step(self) -> None:
        """One month (nothing after December 2024)."""
        if self.inner.t >= self.inner.paths.n_steps:
            self.running = False
            return
        self.inner.step()
        self.datacollector.collect(self)


def build_page():
    """The SolaraViz page: sliders, the note and three live charts."""
    import solara
    from mesa.visualization import Slider, SolaraViz, make_plot_component

    params = {name: Slider(label, value=default, min=lo, max=hi, step=step)
              for name, (label, default, lo, hi, step) in SLIDERS.items()}

    def note(model: ExplorerModel):
        now = (f"Month shown: **{model.month}**: extreme poverty "
               f"**{model.indicator('extreme_poverty_rate') * 100:.2f}%**, unemployment "
               f"**{model.indicator('unemployment_rate') * 100:.2f}%**, spending "
               f"**Rp {model.spending_now() / 1e12:.2f} trillion** in the month.")
        return solara.Markdown(NOTE + "\n\n" + now)

    def axis(label: str):
        def post(ax):
            ax.set_ylabel(label.split(" (")[1].rstrip(")"))
            ax.set_title(label, fontsize=9, loc="left")
            ax.set_xlabel("months since March 2021 (steps)")
            legend = ax.get_legend()
            if legend is not None:
                legend.remove()
        return post

    components = [note] + [make_plot_component(column, post_process=axis(label))
                           for label, column in SERIES.items()]
    return SolaraViz(ExplorerModel(), components=components, model_params=params,
                     name="povsim explorer: Kemnaker levers and extreme poverty")


def serve(host: str = "127.0.0.1", port: int = 8765) -> int:
    """Serve the page with ``solara run`` (until Ctrl-C); return its exit status."""
    try:
        import solara  # noqa: F401
        import solara_assets  # noqa: F401
    except ImportError as exc:
        raise InputError("<command line>", "app", "the app extra installed (pip install -e "
                         "'.[app]')", f"missing {exc.name}") from None
    # Solara serves the page's JavaScript and fonts itself from solara-assets' copy (its
    # "assets proxy", on unless SOLARA_ASSETS_PROXY=False, which would send the browser to a CDN).
    env = {k: v for k, v in os.environ.items() if k != "SOLARA_ASSETS_PROXY"}
    command = [sys.executable, "-m", "solara", "run", "simulation.app_page", "--host", host,
               "--port", str(port), "--production", "--no-open"]
    print(f"povsim: explorer at http://{host}:{port}/ (Ctrl-C to stop)", file=sys.stderr)
    try:
        return subprocess.call(command, env=env)
    except KeyboardInterrupt:
        return 130
