"""The calibration's pieces (simulation/calibration.py): priors, targets, distance, sampler.

Fast checks only; the ABC-SMC runs themselves (the quick pipeline, synthetic truth, resume after
a kill, 1 against 2 workers with the model) are in tests/calibration/test_abc.py (slow).
"""

from __future__ import annotations

import csv
import functools
import json
import multiprocessing
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import numpy as np
import pytest

from simulation import calibration as cal
from simulation.errors import InputError
from simulation.measures import INDICATOR_NAMES
from simulation.scenarios import load_scenario

ROOT = Path(__file__).resolve().parents[2]


def test_the_shipped_priors_load_and_every_bound_is_a_value_the_parameter_takes():
    priors = cal.load_priors()
    base = load_scenario(ROOT / "scenarios" / "baseline.yaml").params
    assert len(priors) >= 6
    for p in priors:
        assert p.path in base.params
        assert p.low < p.high and p.distribution == "uniform" and p.reasoning.strip()
        if p.baseline is not None:  # the uncalibrated value lies inside its prior
            assert p.low <= p.baseline <= p.high
            assert base.params[p.path].values[0][1] == pytest.approx(p.baseline)
        base.with_changes({p.path: p.low}).with_changes({p.path: p.high})


def test_the_shipped_targets_load_and_each_fit_has_targets():
    targets = cal.load_targets()
    for t in targets:
        assert t.indicator in INDICATOR_NAMES or t.indicator in cal.EXTRA_INDICATORS
        assert t.month <= "2023-08"  # the information set
        if "validation" in t.fits:
            assert t.month <= "2022-03" and "full" in t.fits
    full, val = cal.fit_targets(targets, "full"), cal.fit_targets(targets, "validation")
    assert len(full) > 2 * len(val) > 10
    assert cal.run_end(targets, "full") == "2023-08"
    assert cal.run_end(targets, "validation") == "2023-03"  # forecasts a year on
    forecasts = {t.key for t in cal.reported_targets(targets, "validation")
                 if "validation" not in t.fits}
    assert {"extreme_poverty_2023_03", "national_poverty_2023_03",
            "unemployment_TPT_2023_02"} <= forecasts


def _shared_rows() -> dict[int, str]:
    with open(ROOT / "calibration" / "targets.csv", newline="", encoding="utf-8") as fh:
        return {int(r["shared_row"]): r["value"] for r in csv.DictReader(fh)}


def test_every_target_cites_a_copied_row_whose_value_is_the_published_one():
    """Code health: a target's published value is the value of the shared row it cites.

    calibration/targets.csv is copied from ../shared/data/indonesia_targets.csv by
    calibration/copy_targets.py (which copies every row the targets cite); when the shared
    file is beside the repository the copy is checked against it too.
    """
    copied = _shared_rows()
    shared_file = ROOT.parent / "shared" / "data" / "indonesia_targets.csv"
    shared = None
    if shared_file.exists():
        with open(shared_file, newline="", encoding="utf-8") as fh:
            lines = list(csv.DictReader(fh))
        shared = {i + 2: r["value"] for i, r in enumerate(lines)}
    for t in cal.load_targets():
        for row in t.rows:
            assert row in copied, f"{t.key}: row {row} is not in calibration/targets.csv"
            if shared is not None:
                assert copied[row] == shared[row], f"row {row} differs from the shared file"
        assert any(float(copied[r]) == pytest.approx(t.published) for r in t.rows), (
            f"{t.key}: published {t.published} is not the value of rows {t.rows}")


def test_copy_targets_copies_every_cited_row():
    import importlib.util

    spec = importlib.util.spec_from_file_location("copy_targets",
                                                  ROOT / "calibration" / "copy_targets.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    rows = mod.target_rows()
    assert rows == {r for t in cal.load_targets() for r in t.rows}
    assert rows <= set(_shared_rows())


def test_the_distance_scales_each_target_by_its_error():
    d = cal.ScaledDistance(("a", "b"), (0.1, 2.0))
    assert d({"a": 1.1, "b": 4.0}, {"a": 1.0, "b": 0.0}) == pytest.approx(
        np.sqrt((1.0 + 4.0) / 2))
    assert d({"a": float("nan"), "b": 0.0}, {"a": 1.0, "b": 0.0}) == float("inf")
    # a target outside the fit is not in the distance
    assert d({"a": 1.0, "b": 0.0, "c": 99.0}, {"a": 1.0, "b": 0.0, "c": 0.0}) == 0.0


def test_weighted_quantile():
    v = np.array([3.0, 1.0, 2.0, np.nan])
    assert cal.weighted_quantile(v, np.ones(4), 0.5) == 2.0
    assert cal.weighted_quantile(np.array([1.0, 2.0]), np.array([0.0, 1.0]), 0.5) == 2.0


def _toy_model(pars: dict) -> dict:
    return {"y": pars["mu"] + 0.3 * np.random.standard_normal()}


def _toy_abc(map_, db: str) -> list[str]:
    import pyabc

    sampler = cal.ordered_sampler(map_, seed=7, progress=None)
    abc = pyabc.ABCSMC(_toy_model, pyabc.Distribution(mu=pyabc.RV("uniform", -3, 6)),
                       cal.ScaledDistance(("y",), (0.3,)), population_size=12,
                       sampler=sampler)
    abc.new(db, {"y": 1.0})
    h = abc.run(max_nr_populations=3)
    frame, w = h.get_distribution()
    return [f"{m!r}:{x!r}" for m, x in zip(frame["mu"], w, strict=True)]


@pytest.mark.slow  # spawned workers import pyabc and the package: about a minute on a busy machine
def test_the_ordered_sampler_gives_the_same_particles_with_one_or_two_processes(tmp_path):
    """The seeded, order-preserving MappingSampler: bit-identical with 1 and 2 processes."""
    pytest.importorskip("pyabc")
    one = _toy_abc(map, f"sqlite:///{tmp_path / 'one.db'}")
    again = _toy_abc(map, f"sqlite:///{tmp_path / 'again.db'}")
    with ProcessPoolExecutor(2, mp_context=multiprocessing.get_context("spawn")) as pool:
        two = _toy_abc(functools.partial(pool.map, chunksize=1),
                       f"sqlite:///{tmp_path / 'two.db'}")
    assert one == again == two


def _write_posterior(folder: Path, priors, rows: list[list[float]], weights) -> Path:
    lines = ["draw," + ",".join(p.path for p in priors) + ",weight"]
    for i, (r, w) in enumerate(zip(rows, weights, strict=True)):
        lines.append(",".join([str(i), *(repr(v) for v in r), repr(w)]))
    path = folder / "posterior.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    (folder / "posterior.json").write_text(json.dumps(
        {"posterior_sha256": cal.sha256(path)}), encoding="utf-8")
    return path


def test_a_posterior_file_loads_validates_and_round_trips(tmp_path):
    priors = cal.load_priors()
    rng = np.random.default_rng(1)
    rows = [[rng.uniform(p.low, p.high) for p in priors] for _ in range(5)]
    path = _write_posterior(tmp_path, priors, rows, [0.1, 0.2, 0.3, 0.4, 0.0])
    post = cal.load_posterior(path)
    assert post.paths == tuple(p.path for p in priors)
    np.testing.assert_array_equal(post.draws, np.array(rows))  # repr round-trips floats
    assert post.weights.sum() == pytest.approx(1.0)
    # ... and povsim sweep's reader takes the same file
    from simulation.posterior import parameter_describer
    from simulation.sweeps import spec as sp

    base = load_scenario(ROOT / "scenarios" / "baseline.yaml")
    describe = parameter_describer([base], "2024-12", "<test>")
    other = sp.read_posterior(path, "posterior", "<test>", "posterior", describe)
    np.testing.assert_array_equal(other.draws, post.draws)


@pytest.mark.parametrize("change, key", [
    (lambda rows, w: (rows, [-0.1, 0.5, 0.3, 0.2, 0.1]), "weight"),
    (lambda rows, w: ([[r[0] + 10, *r[1:]] for r in rows], w), "labour.earnings"),
])
def test_a_bad_posterior_is_refused(tmp_path, change, key):
    priors = cal.load_priors()
    rows = [[(p.low + p.high) / 2 for p in priors] for _ in range(5)]
    rows, w = change(rows, [0.2] * 5)
    path = _write_posterior(tmp_path, priors, rows, w)
    with pytest.raises(InputError) as err:
        cal.load_posterior(path)
    assert key in str(err.value)


def test_a_posterior_whose_digest_differs_is_refused(tmp_path):
    priors = cal.load_priors()
    path = _write_posterior(tmp_path, priors, [[(p.low + p.high) / 2 for p in priors]], [1.0])
    path.write_text(path.read_text().replace(",1.0\n", ",2.0\n"), encoding="utf-8")
    with pytest.raises(InputError, match="posterior_sha256"):
        cal.load_posterior(path)


def test_the_shipped_posterior_if_any_validates():
    path = ROOT / "calibration" / "posterior.csv"
    if not path.exists():
        pytest.skip("no posterior shipped yet")
    post = cal.load_posterior(path)
    assert len(post.weights) >= 200
    info = json.loads((ROOT / "calibration" / "posterior.json").read_text())
    assert info["targets_sha256"] == cal.sha256(cal.TARGETS_FILE)
    assert info["priors_sha256"] == cal.sha256(cal.PRIORS_FILE)


def test_the_start_before_the_remap_is_an_indicator_the_calibration_reads():
    """``*_before_remap`` targets read the model's own start (``start_before_remap``)."""
    from simulation.model import PovertyModel

    base = load_scenario(ROOT / "scenarios" / "baseline.yaml")
    seed = np.random.SeedSequence(2, spawn_key=(0,))
    _, _, extra = cal.run_replication(base.params, base.policy_specs(), 1_000, seed, "2021-04",
                                      {"2021-03"})
    model = PovertyModel(base.params, n_households=1_000, seed=seed, end="2021-04",
                         policies=base.policy_specs())
    assert set(cal.BEFORE_REMAP_INDICATORS) <= set(cal.EXTRA_INDICATORS)
    for name, key in cal.BEFORE_REMAP_INDICATORS.items():
        assert extra[(name, "2021-03")] == model.start_before_remap[key]
    # The remap moves the start: the recorded extreme rate is not the pinned one.
    assert extra[("extreme_poverty_rate_before_remap", "2021-03")] != pytest.approx(
        float(model.recorder.as_dict()["extreme_poverty_rate"][0]), abs=1e-9)


def test_the_start_experiments_files_load_and_its_posterior_validates():
    """calibration/experiments/start_before_remap: its targets, priors and posterior agree."""
    folder = ROOT / "calibration" / "experiments" / "start_before_remap"
    targets = cal.load_targets(folder / "calibration_targets.yaml")
    assert {t.indicator for t in targets} >= {"extreme_poverty_rate_before_remap",
                                              "poverty_rate_before_remap"}
    post = cal.load_posterior(folder / "posterior.csv", folder / "priors.yaml")
    assert "households.consumption.expectation_adjustment_rate" in post.paths
    info = json.loads((folder / "posterior.json").read_text())
    assert info["targets_sha256"] == cal.sha256(folder / "calibration_targets.yaml")
    assert info["priors_sha256"] == cal.sha256(folder / "priors.yaml")
    assert info["posterior_sha256"] == cal.sha256(folder / "posterior.csv")
