"""Sweeps: files, design, seeds, the sweep folder, resuming, executors, SALib and PRIM.

The smoke sweep (scenarios/sweeps/smoke.yaml) must give the same runs.csv on 1 and 2 local
workers (and on a Dask LocalCluster, in test_sweeps_cluster.py); known functions wired through
the same machinery check the analyses (Ishigami's Sobol indices, a linear model's Morris
effects, a box PRIM must find).
"""

from __future__ import annotations

import json
import math
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import sweep_functions as fn

from simulation.cli import main as povsim_main
from simulation.errors import InputError
from simulation.sweeps import load_sweep, run_sweep
from simulation.sweeps.design import run_seed
from simulation.sweeps.load import function_sweep
from simulation.sweeps.spec import Group, Input, Outcome

ROOT = Path(__file__).resolve().parents[2]
SMOKE = ROOT / "scenarios" / "sweeps" / "smoke.yaml"
LEVERS = ROOT / "scenarios" / "sweeps" / "levers.yaml"


def _ranges(names, low=0.0, high=1.0, kind="uncertainty"):
    return tuple(Input(name=n, kind=kind, path=n, type="float", low=low, high=high)
                 for n in names)


def _out(*names, boolean=()):
    return tuple(Outcome(n, n, "2024-12", n, "", is_bool=n in boolean) for n in names)


@pytest.fixture(scope="module")
def smoke_reference(tmp_path_factory):
    """The smoke sweep on 2 local workers."""
    out = tmp_path_factory.mktemp("smoke") / "two"
    res = run_sweep(load_sweep(SMOKE), out, workers=2)
    assert res.recorded == res.runs == 16 and res.failed == 0
    return out


# ---------------------------------------------------------------- the smoke sweep
def test_smoke_is_small(smoke_reference):
    record = json.loads((smoke_reference / "sweep.json").read_text())
    assert record["design"]["runs"] <= 16
    assert record["design"]["model_runs"] == 16 + 4  # each scenario index's counterfactual
    runs = pd.read_csv(smoke_reference / "runs.csv", keep_default_na=False)
    assert list(runs["run"]) == list(range(16))
    assert (runs["error"] == "").all()
    assert set(runs["band_2024_03"]) <= {0, 1} and set(runs["band_2024_12"]) <= {0, 1}
    assert runs["persons_lifted_2024_12"].notna().all()


def test_smoke_same_on_one_worker_via_the_command_line(smoke_reference, tmp_path, capsys):
    out = tmp_path / "one"
    assert povsim_main(["sweep", str(SMOKE), "--workers", "1", "--out", str(out)]) == 0
    assert "16 of 16 runs recorded (0 failed)" in capsys.readouterr().out
    for name in ("runs.csv", "counterfactual.csv"):
        assert (out / name).read_bytes() == (smoke_reference / name).read_bytes()


def test_sweep_json_describes_the_sweep(smoke_reference):
    record = json.loads((smoke_reference / "sweep.json").read_text())
    assert record["format"] == "povsim-sweep/1" and len(record["digest"]) == 64
    kinds = {i["name"]: (i["kind"], i["path"], i["range"]) for i in record["inputs"]}
    assert kinds["prakerja_scale"] == ("lever", "policy:prakerja.scale", [1.0, 3.0])
    assert kinds["matching_efficiency"][0] == "uncertainty"
    outcomes = {o["name"]: o for o in record["outcomes"]}
    assert outcomes["band_2024_12"]["type"] == "bool (0/1)"
    assert outcomes["persons_lifted_2024_12"]["unit"] == "persons"
    assert record["files"]["runs.csv"][:5] == ["run", "lever_point", "uncertainty_point",
                                                "replication", "seed"]
    assert record["files"]["runs.csv"][-1] == "error"
    assert record["households"] == 2000 and record["seed"] == 20210301
    assert "numpy" in record["environment"]["libraries"]
    assert record["base"]["name"] == "baseline"
    assert record["counterfactual"]["name"] == "no_programmes"


def test_common_random_numbers_across_lever_points(smoke_reference):
    runs = pd.read_csv(smoke_reference / "runs.csv", keep_default_na=False)
    cf = pd.read_csv(smoke_reference / "counterfactual.csv", keep_default_na=False)
    per_u = runs.groupby(["uncertainty_point", "replication"])["seed"].nunique()
    assert (per_u == 1).all()  # every lever point meets scenario u with the same seed
    assert runs["seed"].nunique() == 4
    for _, row in cf.iterrows():
        assert row["seed"] == run_seed(20210301, int(row["u"]))


def test_a_row_reruns_exactly(smoke_reference):
    from simulation.model import run_model
    from simulation.scenarios import load_scenario

    runs = pd.read_csv(smoke_reference / "runs.csv", keep_default_na=False)
    row = runs.iloc[13]
    base = load_scenario(ROOT / "scenarios" / "baseline.yaml")
    specs = base.policy_specs()
    for p in specs:
        if p["label"] == "prakerja":
            p["scale"] = float(row["prakerja_scale"])
        if p["label"] == "padat_karya":
            p["scale"] = float(row["padat_karya_scale"])
    params = base.params.with_changes({"labour.matching.efficiency":
                                       float(row["matching_efficiency"])})
    out = run_model(params, 2000, int(row["seed"]), end="2024-12", policies=specs)
    t = out.dates.index("2024-12")
    assert float(out["extreme_poverty_rate"][t]) == row["extreme_poverty_rate_2024_12"]


def test_resume_after_a_cut_gives_the_same_files(smoke_reference, tmp_path):
    """Keep 5 rows and half of a sixth (a crash mid-write), one counterfactual; resume."""
    out = tmp_path / "cut"
    shutil.copytree(smoke_reference, out)
    lines = (out / "runs.csv").read_text().splitlines(keepends=True)
    rows = lines[1:]
    order = [rows[i] for i in (3, 0, 9, 12, 7)]  # completion order is not run order
    (out / "runs.csv").write_text(lines[0] + "".join(order) + rows[5][:17])
    cf = (out / "counterfactual.csv").read_text().splitlines(keepends=True)
    (out / "counterfactual.csv").write_text(cf[0] + cf[2])
    res = run_sweep(load_sweep(SMOKE), out, workers=1, resume=True)
    assert res.resumed == 5 and res.model_runs_now == 11 + 3 and res.recorded == 16
    for name in ("runs.csv", "counterfactual.csv"):
        assert (out / name).read_bytes() == (smoke_reference / name).read_bytes()


def test_resume_refuses_another_sweep(smoke_reference, tmp_path):
    other = tmp_path / "other.yaml"
    other.write_text(SMOKE.read_text().replace("seed: 20210301", "seed: 7").replace(
        "../", f"{ROOT}/scenarios/"))
    with pytest.raises(InputError, match="a folder of this same sweep to resume"):
        run_sweep(load_sweep(other), smoke_reference, resume=True)
    with pytest.raises(InputError, match="add --resume"):
        run_sweep(load_sweep(SMOKE), smoke_reference)


# ---------------------------------------------------------------- the shipped sweep files
def test_levers_sweep_reads_and_labels_every_range():
    sweep = load_sweep(LEVERS)
    spec = sweep.spec
    assert [i.path for i in spec.levers] == ["policy:prakerja.scale", "policy:padat_karya.scale",
                                             "policy:pbi_contributions.members"]
    assert all(i.reason for i in spec.uncertainties), "each range says why"
    assert sweep.model.has_counterfactual
    # The calibrated parameters come from the shipped posterior, the others are ranges.
    assert spec.posterior is not None
    assert Path(spec.posterior.file).resolve() == ROOT / "calibration" / "posterior.csv"
    assert {i.path for i in spec.uncertainties}.isdisjoint(spec.posterior.paths)
    assert len(set(load_sweep(LEVERS).design.posterior_rows)) > 1
    assert {"band_2024_03", "band_2024_12", "persons_lifted_2024_12"} <= {
        o.name for o in spec.outcomes}


def test_design_is_sampled_the_same_every_time():
    a, b = load_sweep(LEVERS).design, load_sweep(LEVERS).design
    assert np.array_equal(a.uncertainties, b.uncertainties)
    assert np.array_equal(a.levers, b.levers)


def test_posterior_draws_by_seed(tmp_path):
    text = SMOKE.read_text().replace("../", f"{ROOT}/scenarios/")
    text = text.replace("""  matching_efficiency:
    path: labour.matching.efficiency
    values: [0.12, 0.2]
    reason: +-25% around the calibrated 0.16 (a placeholder spread; see levers.yaml)
""", f"""  calibrated:
    posterior: {ROOT}/tests/cases/posteriors/small.csv
""").replace("uncertainties: {sampler: grid}", "uncertainties: {sampler: posterior, n: 12}")
    path = tmp_path / "post.yaml"
    path.write_text(text)
    sweep = load_sweep(path)
    assert sweep.design.scenarios == 24
    rows = sweep.design.posterior_rows
    assert 3 not in rows  # weight 0: never drawn
    assert len(set(rows)) == 3
    from simulation.sweeps.runner import tasks_of

    tasks = [t for t in tasks_of(sweep, set(), set()) if t.kind == "run"]
    by_u = {}
    for t in tasks:
        u = t.index % sweep.design.scenarios
        by_u.setdefault(u, set()).add((t.values["calibrated_draw"],
                                       t.values["labour.matching.efficiency"]))
    assert all(len(v) == 1 for v in by_u.values())  # same draw for every lever point
    assert sweep.model.changes(tasks[0].values)["households.consumption.risk_sharing_share"] in (
        0.45, 0.5, 0.55)


# ---------------------------------------------------------------- known answers
def test_sobol_indices_of_ishigami_are_recovered(tmp_path):
    from simulation.sweeps import sensitivity

    unc = _ranges(("x1", "x2", "x3"), -math.pi, math.pi)
    sweep = function_sweep("ishigami", fn.ishigami, uncertainties=unc,
                           design={"levers": Group("base"),
                                   "uncertainties": Group("sobol", n=2048)},
                           outcomes=_out("y"))
    run_sweep(sweep, tmp_path / "ishigami")
    res = sensitivity.analyse(tmp_path / "ishigami", outcome="y")
    got = {r["input"]: r for r in res["table"]}
    exact = {"x1": (0.3139, 0.5576), "x2": (0.4424, 0.4424), "x3": (0.0, 0.2437)}
    for name, (s1, st) in exact.items():
        assert abs(got[name]["S1"] - s1) < max(got[name]["S1_conf"], 0.03), (name, got[name])
        assert abs(got[name]["ST"] - st) < max(got[name]["ST_conf"], 0.03), (name, got[name])
    assert [r["input"] for r in res["table"]] == ["x1", "x2", "x3"]  # ranked by ST
    assert (tmp_path / "ishigami" / "sensitivity.png").stat().st_size > 1000
    table = pd.read_csv(tmp_path / "ishigami" / "sensitivity.csv")
    assert list(table.columns[:4]) == ["lever_point", "input", "path", "label"]


def test_morris_effects_of_a_linear_model_are_recovered(tmp_path):
    from simulation.sweeps import sensitivity

    sweep = function_sweep("linear", fn.linear, uncertainties=_ranges(("a", "b", "c")),
                           design={"levers": Group("base"),
                                   "uncertainties": Group("morris", n=20, levels=4)},
                           outcomes=_out("y"))
    run_sweep(sweep, tmp_path / "linear")
    res = sensitivity.analyse(tmp_path / "linear", outcome="y")
    got = {r["input"]: r for r in res["table"]}
    assert got["a"]["mu_star"] == pytest.approx(3.0) and got["a"]["sigma"] == pytest.approx(0)
    assert got["b"]["mu_star"] == pytest.approx(1.0) and got["b"]["mu"] == pytest.approx(-1.0)
    assert got["c"]["mu_star"] == pytest.approx(0.0, abs=1e-12)


def test_sensitivity_refuses_a_design_without_indices(smoke_reference):
    from simulation.sweeps import sensitivity

    with pytest.raises(InputError, match="sobol or morris design"):
        sensitivity.analyse(smoke_reference, write=False)


def test_prim_finds_the_box(tmp_path):
    from simulation.sweeps import discovery

    sweep = function_sweep("box", fn.noisy_band, levers=_ranges(("a", "b"), kind="lever"),
                           design={"levers": Group("latin_hypercube", n=1000),
                                   "uncertainties": Group("base")},
                           outcomes=_out("band", "y", boolean=("band",)))
    run_sweep(sweep, tmp_path / "box")
    res = discovery.discover(tmp_path / "box", target="band", threshold=0.8)
    box = res["boxes"][0]
    assert res["reached"] and box["reaches_threshold"] and box["density"] >= 0.8
    assert box["coverage"] > 0.6
    assert box["levers"]["a"][0] == pytest.approx(0.6, abs=0.08)
    assert box["levers"]["b"][0] == pytest.approx(0.5, abs=0.08)
    assert box["levers"]["a"][1] == pytest.approx(1.0, abs=0.02)
    saved = json.loads((tmp_path / "box" / "discovery.json").read_text())
    assert saved["target"] == "band" and saved["boxes"][0]["levers"] == box["levers"]


def test_prim_says_when_no_box_reaches_the_band(tmp_path):
    from simulation.sweeps import discovery

    sweep = function_sweep("never", fn.never, levers=_ranges(("a",), kind="lever"),
                           design={"levers": Group("latin_hypercube", n=50),
                                   "uncertainties": Group("base")},
                           outcomes=_out("band", "y", boolean=("band",)))
    run_sweep(sweep, tmp_path / "never")
    res = discovery.discover(tmp_path / "never", target="band")
    assert not res["reached"] and res["boxes"] == []
    assert "No box" in discovery.format_boxes(res)


def test_a_failing_run_is_recorded_and_the_sweep_goes_on(tmp_path):
    sweep = function_sweep("fails", fn.fails_sometimes, levers=_ranges(("a",), kind="lever"),
                           design={"levers": Group("latin_hypercube", n=20),
                                   "uncertainties": Group("base")},
                           outcomes=_out("y"))
    res = run_sweep(sweep, tmp_path / "fails", workers=2)
    runs = pd.read_csv(tmp_path / "fails" / "runs.csv", keep_default_na=False)
    bad = runs[runs["a"] > 0.5]
    assert res.recorded == 20 and res.failed == len(bad) > 0
    assert bad["error"].str.startswith("ValueError: a = ").all()
    assert (bad["y"] == "").all()
    assert (runs[runs["a"] <= 0.5]["error"] == "").all()


@pytest.mark.parametrize("path", sorted((ROOT / "scenarios" / "sweeps").glob("*.yaml")),
                         ids=lambda p: p.stem)
def test_every_shipped_sweep_file_reads(path):
    sweep = load_sweep(path)
    assert sweep.design.runs > 0 and sweep.spec.description
    assert {"band_2024_03", "band_2024_12"} <= {o.name for o in sweep.spec.outcomes}


def test_yes_lifts_the_size_check_only(tmp_path):
    from simulation.sweeps.spec import MAX_HOUSEHOLD_RUNS, MAX_MODEL_RUNS, check_size

    with pytest.raises(InputError, match="without --yes"):
        check_size("f", 1000, 10, MAX_HOUSEHOLD_RUNS // 1000, yes=False)
    check_size("f", 1000, 10, MAX_HOUSEHOLD_RUNS // 1000, yes=True)
    with pytest.raises(InputError, match="at most 1,000,000 model runs"):
        check_size("f", MAX_MODEL_RUNS, 1, 100, yes=True)


def test_sobol_and_morris_designs_share_seeds_across_uncertainty_points():
    sweep = load_sweep(ROOT / "scenarios" / "sweeps" / "sensitivity.yaml")
    from simulation.sweeps.runner import tasks_of

    seeds = {t.seed for t in tasks_of(sweep, set(), set())}
    assert sweep.design.common_seeds and seeds == {run_seed(20210301, 0)}
    assert not load_sweep(LEVERS).design.common_seeds
