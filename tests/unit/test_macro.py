"""Unit tests of simulation/macro.py: the monthly exogenous paths."""

import numpy as np
import pytest

from simulation.macro import START_MONTH, compile_paths
from simulation.parameter_set import baseline_parameters, month_index


@pytest.fixture(scope="module")
def paths():
    return compile_paths(baseline_parameters(), "2024-12")


def _step(month: str) -> int:
    return month_index(month) - START_MONTH


def test_paths_start_in_march_2021(paths):
    assert paths.label(0) == "2021-03"
    assert paths.months[0] == month_index("2021-03")
    assert paths.label(paths.n_steps) == "2024-12"
    assert paths.n_steps == _step("2024-12")
    assert np.all(np.diff(paths.months) == 1)


def test_all_paths_have_one_value_per_step(paths):
    n = paths.n_steps + 1
    for name in ("cpi", "cpi_rel", "extreme_line", "national_line", "gdp_growth_monthly",
                 "population_rel", "gdp_pc_rel", "formal_wage_index"):
        arr = getattr(paths, name)
        assert arr.shape == (n,), name
        assert np.all(np.isfinite(arr)), name
    assert paths.sector_output.shape == (3, n)
    assert paths.sector_growth_monthly.shape == (3, n)


def test_extreme_line_in_march_2023_is_the_published_rupiah(paths):
    assert paths.extreme_line[_step("2023-03")] == pytest.approx(351957, abs=1.0)


def test_extreme_line_moves_with_cpi(paths):
    np.testing.assert_allclose(paths.extreme_line / paths.extreme_line[0], paths.cpi_rel,
                               rtol=1e-12)
    # About Rp 327,700 in March 2021 (parameter derivation).
    assert paths.extreme_line[0] == pytest.approx(327_700, rel=1e-3)


def test_national_line_at_start_is_march_2021_release(paths):
    assert paths.national_line[0] == pytest.approx(472525, abs=1e-6)
    assert paths.national_line[_step("2022-09")] == pytest.approx(535547, abs=1e-6)


def test_national_line_after_last_release_follows_cpi(paths):
    last = _step("2024-09")
    k = _step("2024-12")
    assert paths.national_line[k] == pytest.approx(
        595242 * paths.cpi[k] / paths.cpi[last], rel=1e-12)


def test_cpi_anchor(paths):
    assert paths.cpi[_step("2021-12")] == pytest.approx(107.66, rel=1e-12)
    assert paths.cpi_rel[0] == 1.0


def test_cpi_interpolates_log_linearly(paths):
    # Dec-2021 107.66 to Mar-2022 108.65: January is the geometric one-third point.
    jan = paths.cpi[_step("2022-01")]
    assert jan == pytest.approx(107.66 * (108.65 / 107.66) ** (1 / 3), rel=1e-12)


def test_sector_output_starts_at_one_and_grows(paths):
    np.testing.assert_array_equal(paths.sector_output[:, 0], 1.0)
    np.testing.assert_array_equal(paths.sector_growth_monthly[:, 0], 0.0)
    assert paths.gdp_growth_monthly[0] == 0.0
    # GDP growth is positive throughout, and so are the sector multipliers.
    assert np.all(np.diff(paths.sector_output, axis=1) > 0)
    # Output is the product of monthly growth.
    np.testing.assert_allclose(paths.sector_output,
                               np.cumprod(1 + paths.sector_growth_monthly, axis=1), rtol=1e-12)


def test_monthly_gdp_growth_compounds_to_annual(paths):
    g = paths.gdp_growth_monthly[_step("2022-01"):_step("2022-12") + 1]
    assert np.prod(1 + g) == pytest.approx(1.0531, rel=1e-12)


def test_sector_growth_ranks_by_multiplier(paths):
    # Multipliers agriculture 0.5 < industry 1.0 < services 1.15.
    end = paths.sector_output[:, -1]
    assert end[0] < end[1] < end[2]


def test_negative_gdp_growth_shrinks_sector_output():
    p = baseline_parameters().with_changes({"macro.output.gdp_growth": -0.05})
    paths = compile_paths(p, "2022-03")
    assert np.all(np.diff(paths.sector_output, axis=1) < 0)


def test_population_and_gdp_per_person(paths):
    assert paths.population_rel[0] == 1.0
    assert paths.population_rel[12] == pytest.approx(1.0106, rel=1e-12)
    np.testing.assert_allclose(paths.gdp_pc_rel * paths.population_rel,
                               np.cumprod(1 + paths.gdp_growth_monthly), rtol=1e-12)


def test_formal_wage_index_starts_at_one_and_steps_with_ump(paths):
    assert paths.formal_wage_index[0] == pytest.approx(1.0, rel=1e-12)
    # Half weight on the UMP: in January 2022 the index moves by sqrt(UMP ratio) x sqrt(CPI).
    k = _step("2022-01")
    want = (2729463 / 2680000) ** 0.5 * paths.cpi_rel[k] ** 0.5
    assert paths.formal_wage_index[k] == pytest.approx(want, rel=1e-12)


def test_end_of_2029_works():
    paths = compile_paths(baseline_parameters(), "2029-12")
    assert paths.label(paths.n_steps) == "2029-12"
    assert paths.cpi[-1] == pytest.approx(133.95, rel=1e-12)
    assert np.all(np.isfinite(paths.extreme_line))
    assert np.all(np.diff(paths.national_line) >= 0)


def test_one_month_run():
    paths = compile_paths(baseline_parameters(), "2021-03")
    assert paths.n_steps == 0
    assert paths.national_line == pytest.approx([472525.0], rel=1e-12)
