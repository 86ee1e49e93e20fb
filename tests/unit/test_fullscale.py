"""The chunked full-scale run (simulation/fullscale.py): counts, pooling, resuming.

A run in one block must reproduce the plain model with the same seed (its pooled indicators
are the model's own, the Gini to the histogram's resolution); blocks must be pooled with their
household shares; a run started again with the same output folder must reuse the saved blocks.
"""

from __future__ import annotations

import numpy as np
import pytest
from short_burn_in import SHORT_PARAMS

from simulation import fullscale as fs
from simulation.measures import INDICATOR_NAMES, gini_of_households
from simulation.model import PovertyModel

END = "2022-04"  # 13 steps: the 12-month entry and exit shares exist at the last one
SEED = 11


def test_national_households_is_population_over_mean_size():
    # 271.6 M persons (rows 39-40) over the mean of the size shares 1..8 (3.91).
    n = fs.national_households()
    assert n == round(271_600_000 / 3.91)
    assert 69_000_000 < n < 70_000_000


@pytest.mark.parametrize(("total", "most"), [(10, 3), (69_462_916, 12_000_000), (5, 5), (7, 100)])
def test_blocks_cover_the_total_evenly(total, most):
    sizes = fs.block_sizes(total, most)
    assert sum(sizes) == total
    assert max(sizes) <= most
    assert max(sizes) - min(sizes) <= 1
    assert len(sizes) == -(-total // most)


def test_block_sizes_refuse_nonsense():
    with pytest.raises(ValueError):
        fs.block_sizes(0, 10)


def test_histogram_gini_is_close_to_the_exact_one():
    rng = np.random.default_rng(3)
    c = rng.lognormal(13.5, 0.7, 50_000).astype(np.float32)
    size = rng.integers(1, 9, 50_000).astype(np.int8)
    persons, spend = fs.consumption_histogram(c, size.astype(np.float64))
    assert persons.sum() == pytest.approx(size.sum())
    approx = fs._gini_from_histogram(persons, spend)
    exact = gini_of_households(c, size, np.ones(len(c)))
    assert abs(approx - exact) < 1e-3


@pytest.fixture(scope="module")
def one_block(tmp_path_factory):
    out = tmp_path_factory.mktemp("fullscale")
    logs: list[str] = []
    res = fs.run_full_scale(SHORT_PARAMS, [], households=3_000, block_households=3_000,
                            processes=1, seed=SEED, end=END, out_dir=out, log=logs.append)
    return res, out, logs


def test_one_block_reproduces_the_model(one_block):
    res, _, _ = one_block
    seed = np.random.SeedSequence(SEED).spawn(1)[0]
    own = PovertyModel(SHORT_PARAMS, n_households=3_000, seed=seed, end=END).run()
    got = res["indicators"]
    assert got["date"] == own["date"]
    for name in INDICATOR_NAMES:
        a, b = np.asarray(got[name], dtype=float), np.asarray(own[name], dtype=float)
        # Gini: histogram resolution; the rest: the model measures gaps against float32 lines.
        tol = 1e-3 if name == "gini" else 1e-6
        assert np.allclose(a, b, rtol=tol, atol=1e-3 if name == "gini" else 0.0,
                           equal_nan=True), name


def test_a_second_run_reuses_saved_blocks(one_block):
    res, out, logs = one_block
    assert len(list(out.glob("block_*.npz"))) == 1
    again: list[str] = []
    res2 = fs.run_full_scale(SHORT_PARAMS, [], households=3_000, block_households=3_000,
                             processes=1, seed=SEED, end=END, out_dir=out, log=again.append)
    assert any("found" in line for line in again) and not any("build" in line for line in again)
    for name in INDICATOR_NAMES:
        assert np.array_equal(np.asarray(res2["indicators"][name], dtype=float),
                              np.asarray(res["indicators"][name], dtype=float), equal_nan=True)


def test_blocks_pool_with_their_shares():
    # Two synthetic blocks: the pooled rate is the share-weighted ratio of sums.
    steps = 2

    def block(share, persons, poor):
        b = {k: np.zeros(steps) for k in fs.TOTALS}
        b.update(persons=np.full(steps, persons), poor_persons=np.full(steps, poor),
                 households=np.full(steps, persons / 4), labour_force=np.full(steps, 10.0),
                 employed=np.full(steps, 9.0), unemployed=np.full(steps, 1.0),
                 poor_now=np.ones(steps), poor_then=np.ones(steps))
        b["share"] = share
        b["hist_persons"] = np.zeros((steps, len(fs.GINI_EDGES) - 1))
        b["hist_consumption"] = np.zeros((steps, len(fs.GINI_EDGES) - 1))
        b["hist_persons"][:, 10] = persons
        b["hist_consumption"][:, 10] = persons
        b["extreme_line"] = b["national_line"] = np.ones(steps)
        b["dates"] = np.array(["2021-03", "2021-04"])
        return b

    pooled = fs.national_indicators([block(0.25, 100.0, 10.0), block(0.75, 100.0, 30.0)])
    assert pooled["poverty_rate"][0] == pytest.approx((0.25 * 10 + 0.75 * 30) / 100.0)
    assert pooled["unemployment_rate"][1] == pytest.approx(0.1)
    assert pooled["gini"][0] == pytest.approx(0.0, abs=1e-12)


def test_a_folder_of_another_run_is_refused(one_block):
    _, out, _ = one_block
    with pytest.raises(ValueError, match="belong to another run"):
        fs.run_full_scale(SHORT_PARAMS, [], households=3_000, block_households=3_000,
                          processes=1, seed=SEED + 1, end=END, out_dir=out, log=lambda s: None)
    assert len(list(out.glob("block_*.npz"))) == 1  # nothing lost


@pytest.mark.parametrize(("args", "expected"), [
    (["--block-households", "0"], "--block-households: expected an integer from 100 to"),
    (["--end", "2024-13"], "--end: expected a month"),
    (["--scenario", "no_such_file.yaml"], "no_such_file.yaml"),
])
def test_command_line_errors_are_one_line(args, expected, tmp_path, capsys):
    assert fs.main([*args, "--out", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert expected in err and "Traceback" not in err
    assert len(err.strip().splitlines()) == 1, err
    assert not list(tmp_path.iterdir())  # nothing written


def test_totals_derived_from_rates_equal_the_direct_sums():
    # The poor of twelve months ago (weighted now) and the labour force are derived, not
    # summed again: they must equal the sums over the state at the last month.
    m = PovertyModel(SHORT_PARAMS, n_households=3_000, seed=5, end=END)
    tot = fs.block_totals(m, m.run())
    hh, t = m.households, m.t
    w_p = hh.weight * float(m.paths.population_rel[t]) * hh.size
    then = (hh.poor_history >> 12 & 1).astype(bool)
    now = (hh.poor_history & 1).astype(bool)
    assert tot["poor_then"][t] == pytest.approx(w_p[then].sum(), rel=1e-9)
    assert tot["poor_now"][t] == pytest.approx(w_p[now].sum(), rel=1e-9)
    assert tot["entered"][t] == pytest.approx(w_p[now & ~then].sum(), rel=1e-9)
    assert tot["labour_force"][t] == pytest.approx(
        hh.weight[m.workers.household].sum() * m.paths.labour_force_rel[t], rel=1e-9)
    assert np.isnan(tot["poor_then"][:12]).all()


# ------------------------------------------------------------------ blocks started from a base
@pytest.fixture(scope="module")
def from_bases(tmp_path_factory):
    """Three blocks of 1,000 households: every block built, and blocks 1-2 from block 0."""
    out = tmp_path_factory.mktemp("bases")
    args = dict(households=3_000, block_households=1_000, processes=2, seed=SEED, end=END)
    built = fs.run_full_scale(SHORT_PARAMS, [], bases=3, **args)
    cloned = fs.run_full_scale(SHORT_PARAMS, [], bases=1, out_dir=out, **args)
    return built, cloned, out


def test_base_blocks_are_todays_blocks_and_clones_start_from_them(from_bases):
    built, cloned, out = from_bases
    assert cloned["block_from_base"] == [False, True, True]
    assert built["block_from_base"] == [False, False, False]
    assert not list(out.glob("base_*"))  # the starts are removed once every block is done
    assert len(list(out.glob("block_*.npz"))) == 3
    blocks = sorted(out.glob("block_*.npz"))
    b0, b1, b2 = (fs._load_block(p) for p in blocks)
    # The clones start from block 0's March 2021 exactly, then draw their own numbers.
    for b in (b1, b2):
        assert np.array_equal(b["extreme_poor_persons"][:1], b0["extreme_poor_persons"][:1])
        assert not np.array_equal(b["poor_persons"][1:], b0["poor_persons"][1:])
    assert not np.array_equal(b1["poor_persons"][1:], b2["poor_persons"][1:])


def test_bases_is_recorded_and_resumes(from_bases, tmp_path):
    _, cloned, out = from_bases
    import json
    assert json.loads((out / "run.json").read_text())["bases"] == 1
    again = fs.run_full_scale(SHORT_PARAMS, [], households=3_000, block_households=1_000,
                              processes=2, seed=SEED, end=END, bases=1, out_dir=out)
    assert again["households_run_now"] == 0
    for k in INDICATOR_NAMES:
        assert np.array_equal(again["indicators"][k], cloned["indicators"][k], equal_nan=True)


def test_a_lost_block_is_rerun_from_its_rebuilt_base(from_bases):
    _, cloned, out = from_bases
    blocks = sorted(out.glob("block_*.npz"))
    for p in blocks[1:]:
        p.unlink()  # the clones are lost; block 0 (their base) is saved, its start is gone
    again = fs.run_full_scale(SHORT_PARAMS, [], households=3_000, block_households=1_000,
                              processes=2, seed=SEED, end=END, bases=1, out_dir=out)
    assert again["households_run_now"] == 2_000
    for k in INDICATOR_NAMES:  # the rebuilt start is the same state: the same results
        assert np.array_equal(again["indicators"][k], cloned["indicators"][k], equal_nan=True)
    assert not list(out.glob("base_*"))
    assert all(p.exists() for p in blocks)


def test_bases_must_be_positive():
    from simulation.errors import InputError
    with pytest.raises(InputError):
        fs.run_full_scale(SHORT_PARAMS, [], households=200, block_households=100, bases=0)


def test_a_clone_with_its_bases_seed_is_its_base(tmp_path):
    """Starting from a saved base with the base's own seed reproduces the base's block exactly:
    the copy keeps the whole burned-in state and changes nothing but the random streams."""
    seeds = np.random.SeedSequence(SEED).spawn(2)
    path = str(tmp_path / "base.pkl")
    own = fs.run_block(SHORT_PARAMS, 1_000, seeds[0], 0.5, END, [], save_base=path)
    same = fs.run_block(SHORT_PARAMS, 1_000, seeds[0], 0.5, END, [], base=path)
    other = fs.run_block(SHORT_PARAMS, 1_000, seeds[1], 0.5, END, [], base=path)
    assert same["from_base"] and not own["from_base"]
    for k in fs.TOTALS:
        assert np.array_equal(own[k], same[k], equal_nan=True), k
    assert np.array_equal(own["hist_persons"], same["hist_persons"])
    assert np.array_equal(other["persons"][:1], own["persons"][:1])
    assert not np.array_equal(other["poor_persons"], own["poor_persons"])


def test_each_block_records_its_own_start_before_the_remap(from_bases):
    """``block_before_remap``: a built block's own start; a block from a base has the base's."""
    built, cloned, _ = from_bases
    assert len(built["block_before_remap"]) == 3
    for rec in built["block_before_remap"] + cloned["block_before_remap"]:
        assert set(rec) == {"extreme_p0", "extreme_p1", "national_p0", "national_p1", "gini"}
        assert all(np.isfinite(v) and v >= 0 for v in rec.values())
    # Blocks started from block 0's burned-in model share its start; built blocks differ.
    assert cloned["block_before_remap"][1] == cloned["block_before_remap"][0]
    assert cloned["block_before_remap"][0] == built["block_before_remap"][0]
    assert built["block_before_remap"][1] != built["block_before_remap"][0]
