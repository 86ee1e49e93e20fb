"""Unit tests of simulation/parameter_set.py: loading, dated values, changes, validation."""

import pickle

import numpy as np
import pytest

from simulation.errors import InputError
from simulation.parameter_set import (
    PARAMETER_ROOT,
    ParameterSet,
    baseline_parameters,
    load_parameters,
    month_index,
    month_label,
    parse_parameter,
)

BUFFER = "households.consumption.buffer_drawdown_rate"  # rate, one value
NATIONAL = "poverty.lines.national_line"  # money, dated, log_linear
UMP = "labour.minimum_wage.ump_mean"  # money, dated, step
EDU_WEIGHT = "labour.matching.education_weight"  # float_list of length 4
N_EMPLOYERS = "labour.employers.labour_force_per_employer"  # int


@pytest.fixture(scope="module")
def base():
    return baseline_parameters()


def _param(values, interpolation="step", ptype="float"):
    node = {
        "description": "A test parameter.",
        "values": values,
        "metadata": {"unit": "units", "type": ptype, "interpolation": interpolation,
                     "assumption": "For a unit test."},
    }
    return parse_parameter("test.group.x", node, "<test>")


# ------------------------------------------------------------------ loading
def test_baseline_loads_every_yaml_file(base):
    files = sorted(PARAMETER_ROOT.rglob("*.yaml"))
    assert files, "no parameter files found"
    assert {str(f) for f in files} == {base[p].file for p in base}


def test_baseline_is_loaded_once_and_shared():
    assert baseline_parameters() is baseline_parameters()


def test_path_mirrors_folder_tree_and_key(base):
    p = base["labour.matching.efficiency"]
    assert p.file.endswith("labour/matching.yaml")


def test_every_path_resolves_at_start_and_end(base):
    for path in base.paths():
        first = base.value(path)
        assert first is not None, path
        assert base.value(path, "2021-03") is not None, path
        assert base.value(path, "2029-12") is not None, path


def test_values_have_the_declared_type(base):
    python_type = {"float": float, "rate": float, "money": float, "int": int, "bool": bool,
                   "str": str, "float_list": tuple}
    for path in base:
        p = base[path]
        for _, v in p.values:
            assert isinstance(v, python_type[p.type]), (path, v)


def test_paths_prefix_filters(base):
    labour = base.paths("labour.")
    assert labour and all(p.startswith("labour.") for p in labour)
    assert labour == sorted(labour)
    assert len(base.paths()) == len(base)


def test_unknown_path_in_value_raises_input_error(base):
    with pytest.raises(InputError) as err:
        base.value("labour.no_such_thing")
    assert err.value.key == "labour.no_such_thing"


# ------------------------------------------------------------------ dated values
def test_dated_step_parameter_holds_until_next_date(base):
    assert base.value(UMP, "2021-03") == 2680000
    assert base.value(UMP, "2021-12") == 2680000
    assert base.value(UMP, "2022-01") == 2729463
    assert base.value(UMP, "2022-06") == 2729463


def test_before_first_date_the_first_value_applies(base):
    assert base.value(UMP, "2019-01") == 2680000
    assert base.value(NATIONAL, "2019-01") == pytest.approx(472525, rel=1e-12)


def test_after_last_date_the_last_value_holds(base):
    assert base.value(UMP, "2035-01") == base[UMP].values[-1][1]
    assert base.value(NATIONAL, "2035-01") == pytest.approx(595242, rel=1e-12)


def test_value_at_a_release_date_is_the_release(base):
    assert base.value(NATIONAL, "2022-03") == pytest.approx(505469, rel=1e-12)


def test_step_interpolation():
    p = _param({"2021-01": 100.0, "2021-03": 400.0}, "step")
    assert p.value("2021-02") == 100.0
    assert p.value("2021-03") == 400.0
    assert p.is_dated


def test_linear_interpolation():
    p = _param({"2021-01": 100.0, "2021-03": 400.0}, "linear")
    assert p.value("2021-02") == pytest.approx(250.0)


def test_log_linear_interpolation_is_geometric_mean_midway():
    p = _param({"2021-01": 100.0, "2021-03": 400.0}, "log_linear")
    assert p.value("2021-02") == pytest.approx(200.0, rel=1e-12)
    # A quarter of the way: 100 * 4^(1/4).
    q = _param({"2021-01": 100.0, "2021-05": 400.0}, "log_linear")
    assert q.value("2021-02") == pytest.approx(100.0 * 4 ** 0.25, rel=1e-12)


def test_monthly_matches_value(base):
    months = [month_index("2021-03") + k for k in range(40)]
    got = base.monthly(NATIONAL, months)
    want = [base.value(NATIONAL, m) for m in months]
    np.testing.assert_allclose(got, want, rtol=1e-12)
    assert np.all(np.diff(got) >= 0)  # the national line never falls in the baseline


def test_single_value_parameter_is_not_dated(base):
    assert not base[BUFFER].is_dated
    assert base[NATIONAL].is_dated


# ------------------------------------------------------------------ with_changes
def test_with_changes_returns_new_set_and_never_mutates_receiver(base):
    before = base.to_dict()
    digest = base.digest()
    new = base.with_changes({BUFFER: 0.5, UMP: {"2024-01": 3_100_000}})
    assert new is not base
    assert new.value(BUFFER) == 0.5
    assert base.to_dict() == before
    assert base.digest() == digest
    assert base.value(BUFFER) != 0.5
    assert base.changes == ()
    assert [p for p, _ in new.changes] == [BUFFER, UMP]


def test_with_changes_records_source(base):
    new = base.with_changes({BUFFER: 0.4}, source="s.yaml")
    assert new.changes == ((BUFFER, "s.yaml"),)


def test_changes_chain(base):
    a = base.with_changes({BUFFER: 0.4})
    b = a.with_changes({"labour.matching.efficiency": 0.2})
    assert b.value(BUFFER) == 0.4 and b.value("labour.matching.efficiency") == 0.2
    assert a.value("labour.matching.efficiency") == base.value("labour.matching.efficiency")


def test_scalar_change_replaces_all_dated_values(base):
    new = base.with_changes({NATIONAL: 500_000})
    assert not new[NATIONAL].is_dated
    for month in ("2019-01", "2021-03", "2023-03", "2029-12"):
        assert new.value(NATIONAL, month) == 500_000


def test_dated_change_merges_into_dated_values(base):
    new = base.with_changes({UMP: {"2024-07": 3_200_000, "2022-01": 2_800_000}})
    dates = [month_label(m) for m, _ in new[UMP].values]
    assert dates == ["2021-01", "2022-01", "2023-01", "2024-01", "2024-07", "2025-01"]
    assert new.value(UMP, "2021-06") == 2_680_000  # untouched
    assert new.value(UMP, "2022-06") == 2_800_000  # replaced
    assert new.value(UMP, "2024-03") == 3_000_000  # untouched
    assert new.value(UMP, "2024-09") == 3_200_000  # added
    assert new.value(UMP, "2025-02") == 3_150_000  # later value still applies


def test_dated_change_on_single_value_parameter(base):
    new = base.with_changes({BUFFER: {"2023-01": 0.6}})
    assert new.value(BUFFER, "2022-12") == base.value(BUFFER)
    assert new.value(BUFFER, "2023-01") == 0.6


# ------------------------------------------------------------------ parameters fixed over a run
FIXED = "population.welfare.burn_in_months"


def test_fixed_parameters_are_marked_and_single_valued(base):
    fixed = [p for p in base if base[p].fixed]
    assert FIXED in fixed and N_EMPLOYERS in fixed
    assert all(len(base[p].values) == 1 for p in fixed)
    assert not base["labour.matching.efficiency"].fixed


@pytest.mark.parametrize("change", [{"2023-01": 24}, {"2021-03": 24}])
def test_dated_change_to_a_fixed_parameter_is_refused(base, change):
    with pytest.raises(InputError) as err:
        base.with_changes({FIXED: change}, source="s.yaml")
    assert str(err.value) == (
        f"s.yaml: {FIXED}: expected a single value: {FIXED} is fixed over a run (read once, "
        f"when the model is built), got {change!r}")


def test_plain_change_to_a_fixed_parameter_is_allowed(base):
    new = base.with_changes({FIXED: 24})
    assert new.value(FIXED) == 24 and new[FIXED].fixed


# ------------------------------------------------------------------ values by month
def test_in_force_gives_stored_values_month_by_month(base):
    p = base.with_changes({"labour.matching.efficiency": {"2023-01": 0.2}})
    months = [month_index(m) for m in ("2021-03", "2022-12", "2023-01", "2024-06")]
    got = p.in_force("labour.matching.efficiency", months)
    first = base.value("labour.matching.efficiency")
    assert got == [first, first, 0.2, 0.2] and type(got[0]) is float
    assert p.in_force(UMP, months) == [base.value(UMP, m) for m in months]
    assert p.in_force(EDU_WEIGHT, months[:1]) == [base.value(EDU_WEIGHT)]  # a tuple, as stored
    assert np.allclose(p.in_force(NATIONAL, months), base.monthly(NATIONAL, months), rtol=0)


def test_at_month_reduces_every_parameter_to_its_value_then(base):
    p = base.with_changes({BUFFER: {"2020-01": 0.9}})  # dated before March 2021
    start = p.at_month("2021-03")
    assert all(len(start[q].values) == 1 for q in start)
    assert start.value(BUFFER) == base.value(BUFFER)  # 2021-03's value, not the first one
    assert p.value(BUFFER) == 0.9
    assert start.value(UMP) == base.value(UMP, "2021-03")


def test_unknown_path_names_the_path_and_suggests_close_match(base):
    with pytest.raises(InputError) as err:
        base.with_changes({"labour.matching.efficency": 0.2}, source="s.yaml")
    assert err.value.file == "s.yaml"
    assert err.value.key == "labour.matching.efficency"
    assert "did you mean labour.matching.efficiency?" in str(err.value)


def test_unknown_path_far_from_any_gives_no_suggestion(base):
    with pytest.raises(InputError) as err:
        base.with_changes({"zzz": 1})
    assert err.value.key == "zzz"
    assert "did you mean" not in str(err.value)


@pytest.mark.parametrize("path, value", [
    (BUFFER, "half"),  # str for a rate
    (BUFFER, True),  # bool is not a number
    (N_EMPLOYERS, 2.5),  # non-integer for an int
    (N_EMPLOYERS, "many"),
    (EDU_WEIGHT, 1.0),  # scalar for a list
    ("poverty.lines.extreme_line_reference_month", 3),  # int for a str
    (BUFFER, float("nan")),
    (BUFFER, float("inf")),
])
def test_wrong_type_is_rejected(base, path, value):
    with pytest.raises(InputError) as err:
        base.with_changes({path: value}, source="s.yaml")
    assert err.value.file == "s.yaml"
    assert err.value.key == path


def test_integer_float_is_accepted_for_int(base):
    assert base.with_changes({N_EMPLOYERS: 300.0}).value(N_EMPLOYERS) == 300


@pytest.mark.parametrize("value", [1.01, -0.01, 2])
def test_rate_outside_unit_interval_is_rejected(base, value):
    with pytest.raises(InputError) as err:
        base.with_changes({BUFFER: value})
    assert "between 0 and 1" in str(err.value)


@pytest.mark.parametrize("value", [0.0, 1.0])
def test_rate_bounds_are_inclusive(base, value):
    assert base.with_changes({BUFFER: value}).value(BUFFER) == value


def test_negative_money_is_rejected(base):
    with pytest.raises(InputError) as err:
        base.with_changes({"labour.earnings.own_account_income": -1})
    assert err.value.key == "labour.earnings.own_account_income"
    with pytest.raises(InputError):
        base.with_changes({UMP: {"2026-01": -5}})


def test_declared_bounds_are_checked(base):
    with pytest.raises(InputError):
        base.with_changes({"labour.matching.efficiency": 10.5})  # max 10
    with pytest.raises(InputError):
        base.with_changes({N_EMPLOYERS: 0})  # min 1


def test_float_list_length_is_checked(base):
    with pytest.raises(InputError) as err:
        base.with_changes({EDU_WEIGHT: [1.0, 2.0, 3.0]})
    assert "a list of 4 numbers" in str(err.value)
    new = base.with_changes({EDU_WEIGHT: [1, 2, 3, 4]})
    assert new.value(EDU_WEIGHT) == (1.0, 2.0, 3.0, 4.0)


def test_float_list_elements_are_bounded(base):
    with pytest.raises(InputError):
        base.with_changes({EDU_WEIGHT: [1, 2, 3, -4]})


def test_bad_date_in_change_is_rejected(base):
    with pytest.raises(InputError) as err:
        base.with_changes({UMP: {"2024-13": 3_000_000}})
    assert UMP in err.value.key


def test_failed_change_leaves_receiver_intact(base):
    before = base.to_dict()
    with pytest.raises(InputError):
        base.with_changes({BUFFER: 0.3, "labour.flows.fallback_rate": 7})
    assert base.to_dict() == before


def test_parameter_set_is_frozen(base):
    with pytest.raises(TypeError):
        base.params[BUFFER] = base.params[BUFFER]  # MappingProxyType
    with pytest.raises(AttributeError):
        base.changes = ()


# ------------------------------------------------------------------ pickling, digest, to_dict
def test_pickle_round_trip(base):
    new = base.with_changes({BUFFER: 0.3, UMP: {"2026-01": 3_300_000}}, source="s.yaml")
    back = pickle.loads(pickle.dumps(new))
    assert isinstance(back, ParameterSet)
    assert back.to_dict() == new.to_dict()
    assert back.digest() == new.digest()
    assert back.changes == new.changes
    assert back[UMP] == new[UMP]


def test_digest_is_stable(base):
    assert base.digest() == load_parameters().digest()
    assert len(base.digest()) == 64


def test_digest_changes_when_a_value_changes(base):
    assert base.with_changes({BUFFER: 0.3}).digest() != base.digest()
    assert base.with_changes({UMP: {"2026-01": 3_300_000}}).digest() != base.digest()


def test_digest_ignores_change_bookkeeping(base):
    same = base.with_changes({BUFFER: base.value(BUFFER)})
    assert same.digest() == base.digest()


def test_to_dict_shows_dated_values_by_month(base):
    d = base.to_dict()
    assert d[BUFFER] == base.value(BUFFER)
    assert d[NATIONAL]["2021-03"] == 472525
    assert isinstance(d[EDU_WEIGHT], list)


# ------------------------------------------------------------------ months
@pytest.mark.parametrize("label", ["2021-03", "2000-01", "2029-12", "1999-12"])
def test_month_index_label_round_trip(label):
    assert month_label(month_index(label)) == label


def test_month_index_accepts_day_and_dates():
    import datetime

    assert month_index("2021-03-15") == month_index("2021-03")
    assert month_index(datetime.date(2021, 3, 1)) == month_index("2021-03")
    assert month_index(" 2021-03 ") == month_index("2021-03")
    assert month_index(month_index("2021-03")) == month_index("2021-03")


def test_consecutive_months_are_consecutive_indices():
    assert month_index("2022-01") - month_index("2021-12") == 1
    assert month_index("2022-03") - month_index("2021-03") == 12


@pytest.mark.parametrize("bad", ["2021-13", "2021-00", "2021-3", "21-03", "March 2021", "",
                                 None, 2021.5, True, [2021, 3]])
def test_bad_months_raise_input_error(bad):
    with pytest.raises(InputError) as err:
        month_index(bad, file="f.yaml", key="k")
    assert (err.value.file, err.value.key) == ("f.yaml", "k")
