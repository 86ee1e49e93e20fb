"""povsim report: every chart and the brief, in both languages, from a small real run."""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import pytest
from PIL import Image

from simulation.cli import main as povsim_main
from simulation.report import CHARTS, charts, i18n, make_report, tables
from simulation.report.build import source_lines
from simulation.report.folders import published_points, read_run

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from report_fixtures import write_calibration, write_sweep  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def extras(tmp_path_factory):
    folder = tmp_path_factory.mktemp("extras")
    return write_sweep(folder / "sweep"), write_calibration(folder / "calibration")


@pytest.fixture(scope="module")
def report_en(run_dir, extras, tmp_path_factory):
    out = tmp_path_factory.mktemp("en") / "report"
    return make_report(run_dir, out, sweep=extras[0], calibration=extras[1], lang="en")


@pytest.fixture(scope="module")
def report_id(run_dir, extras, tmp_path_factory):
    out = tmp_path_factory.mktemp("id") / "report"
    return make_report(run_dir, out, sweep=extras[0], calibration=extras[1], lang="id")


def test_every_chart_in_three_formats_and_the_brief(report_en):
    assert set(report_en.charts) == set(CHARTS) and not report_en.skipped
    for name in CHARTS:
        for fmt in charts.FORMATS:
            path = report_en.folder / f"{name}.{fmt}"
            assert path.stat().st_size > 5_000, path
        with Image.open(report_en.folder / f"{name}.png") as im:
            assert round(im.info["dpi"][0]) == 300
            assert im.size[0] in (1050, 2160)  # one column (3.5 in) or two (7.2 in) at 300 dpi
    for name in ("brief.md", "brief.pdf"):
        assert (report_en.folder / name).stat().st_size > 5_000
    assert (report_en.folder / "brief.pdf").read_bytes().startswith(b"%PDF")


def test_the_bytes_are_the_same_on_a_rerun(run_dir, extras, report_en, tmp_path):
    again = make_report(run_dir, tmp_path / "again", sweep=extras[0], calibration=extras[1])
    names = sorted(p.name for p in report_en.folder.iterdir())
    assert names == sorted(p.name for p in again.folder.iterdir())
    for name in names:
        assert (report_en.folder / name).read_bytes() == (again.folder / name).read_bytes(), name
    for name in names:
        data = (again.folder / name).read_bytes()
        assert b"CreationDate" not in data and b"<dc:date>" not in data, name


def test_without_sweep_and_calibration_those_charts_are_skipped_with_a_note(run_dir, tmp_path):
    report = make_report(run_dir, tmp_path / "r")
    assert set(report.skipped) == {"target_probability", "calibration_fit"}
    text = (report.folder / "brief.md").read_text(encoding="utf-8")
    assert "target_probability: not drawn. It needs a sweep folder" in text
    assert not (report.folder / "target_probability.png").exists()


def _labels(fig):
    out = []
    for ax in fig.axes:
        out += ax.get_legend_handles_labels()[1]
    for legend in fig.legends:
        out += [t.get_text() for t in legend.get_texts()]
    return out


def _source(fig):
    return next(t.get_text() for t in fig.texts if t.get_gid() == "source")


@pytest.mark.parametrize("lang", ["en", "id"])
def test_the_fan_chart_has_its_series_units_and_source_line(run_dir, lang):
    run = read_run(run_dir)
    pub = published_points()
    ep = pub[pub["indicator"] == "extreme_poverty_rate_usd190_2011ppp"]
    assert list(ep["row"]) == [2, 6, 8, 9] and ep["month"].max() <= "2023-08"
    ctx = charts.Context(lang, source_lines(run, lang, "BPS rows 2, 6, 8, 9"))
    fig = charts.extreme_poverty_fan(tables.bands(run.timeseries, "extreme_poverty_rate"), ep,
                                     run.scenarios, ctx, reference="baseline")
    labels = _labels(fig)
    for key in ("median", "band50", "band90", "bps_calibration", "bps_check", "target_zero",
                "target_band", "march", "baseline_median"):
        assert i18n.t(key, lang) in labels, key
    panels = [ax for ax in fig.axes if ax.get_visible()]
    assert len(panels) == 3
    assert panels[0].get_ylabel() == i18n.t("fan_y", lang) and "%" in panels[0].get_ylabel()
    source = _source(fig)
    assert f"run {run.run_id}" in source and f"commit {run.commit}" in source
    assert f"povsim {run.manifest['version']}" in source
    # The median line of the baseline is the data's median, in percent.
    b = tables.bands(run.timeseries, "extreme_poverty_rate")
    median = b[b["scenario"] == "baseline"]["median"].to_numpy() * 100
    line = next(ln for ln in panels[0].get_lines() if ln.get_label() == i18n.t("median", lang))
    assert line.get_ydata() == pytest.approx(median)


def test_every_chart_has_axis_units_and_a_source_line(run_dir, extras):
    from simulation.report.folders import read_calibration, read_sweep

    run = read_run(run_dir)
    ctx = charts.Context("en", source_lines(run, "en"))
    months = ["2024-03", "2024-12"]
    cfs = {k: v for k, v in run.counterfactuals.items() if v}
    figs = {
        "lever_contributions": charts.lever_contributions(
            tables.lifted(run.timeseries, cfs, months), ctx),
        "cost_effectiveness": charts.cost_effectiveness(tables.cost_per_person(
            run.timeseries, run.spending, cfs, months, "2021-04", run.replications), ctx,
            "2021-04"),
    }
    sw, cal = read_sweep(extras[0]), read_calibration(extras[1])
    figs["target_probability"] = charts.target_probability(
        sw.runs, "training_scale", "padat_karya_scale", sw.outcome, sw.levers, sw.box, ctx)
    figs["calibration_fit"] = charts.calibration_fit(cal.fit, ctx)
    assert figs["lever_contributions"].axes[0].get_xlabel() == "Persons lifted (thousands)"
    assert figs["cost_effectiveness"].axes[0].get_xlabel() == "Rp million per person lifted"
    assert figs["target_probability"].axes[0].get_xlabel() == (
        "Training scale (x published size)")
    assert "PRIM box (coverage 71%, density 83%)" in _labels(figs["target_probability"])
    assert "(= 100)" in figs["calibration_fit"].axes[0].get_xlabel()
    for name, fig in figs.items():
        assert f"run {run.run_id}" in _source(fig), name
    assert sw.outcome == "band_2024_03" and sw.failed == 1 and len(sw.runs) == 119


def test_persons_lifted_recomputed_from_the_timeseries_match_the_summary(run_dir):
    run = read_run(run_dir)
    cfs = {k: v for k, v in run.counterfactuals.items() if v}
    assert cfs == {"baseline": "no_programmes", "training_up": "no_programmes"}
    lifted = tables.lifted(run.timeseries, cfs, ["2024-03", "2024-12"])
    cost = tables.cost_per_person(run.timeseries, run.spending, cfs, ["2024-03", "2024-12"],
                                  "2021-04", run.replications)
    acc = run.summary["accounting"]["scenarios"]
    for row, crow in zip(lifted.itertuples(), cost.itertuples(), strict=True):
        impact = acc[row.scenario][row.month]["impact"]
        assert row.median == pytest.approx(impact["persons_lifted_median"], rel=1e-12)
        assert row.p05 == pytest.approx(impact["persons_lifted_p05"], rel=1e-12)
        if impact["rupiah_per_person_lifted"] is None:
            assert crow.point != crow.point  # NaN: no persons lifted on average
        else:
            assert crow.point == pytest.approx(impact["rupiah_per_person_lifted"], rel=1e-9)
        assert crow.p05 <= crow.p95


def test_the_brief_reads_its_numbers_from_summary_json(run_dir, report_en):
    summary = json.loads((run_dir / "summary.json").read_text())
    text = (report_en.folder / "brief.md").read_text(encoding="utf-8")
    for name, per_month in summary["scenarios"].items():
        for month, s in per_month.items():
            pct = {k: f"{100 * s[f'extreme_poverty_rate_{k}']:.2f}"
                   for k in ("median", "median_se", "p05", "p25", "p75", "p95")}
            cells = [f"{pct['median']} ± {pct['median_se']}",
                     f"{pct['p25']} - {pct['p75']} / {pct['p05']} - {pct['p95']}",
                     *(f"{100 * s[f'p_target_{k}']:.0f}% ± {100 * s[f'p_target_{k}_se']:.0f}"
                       for k in ("zero", "band"))]
            row = (f"| {i18n.scenario_label(name, 'en')} | {i18n.month_text(month, 'en')} | "
                   + " | ".join(cells) + " |")
            assert row in text, row
            acc = summary["accounting"]["scenarios"][name][month]
            assert f"| {acc['spending_rupiah']['total'] / 1e12:,.1f} |" in text
            if "impact" in acc:
                assert f"{acc['impact']['persons_lifted_median']:,.0f} (" in text
    base = summary["scenarios"]["baseline"]["2024-03"]
    assert (f"extreme poverty in March 2024 at {100 * base['extreme_poverty_rate_median']:.2f}%"
            f" ± {100 * base['extreme_poverty_rate_median_se']:.2f}" in text)
    assert f"over {summary['replications']} replications" in text
    assert "## Methods and assumptions" in text and "### Labelled assumptions" in text
    assert "population.welfare.burn_in_months" in text  # an assumption, with its reason
    assert "(row 386)" in text  # a sourced figure: labour.flows.formal_separation_rate


def test_the_methods_list_every_assumption_and_every_source():
    from simulation.parameter_set import baseline_parameters
    from simulation.report.brief import methods

    params = baseline_parameters()
    _, assumed, sourced = methods(params, "en")
    assert [r[0] for r in assumed] == [p for p in params.paths() if params[p].assumption]
    assert [r[0] for r in sourced] == [p for p in params.paths() if params[p].references]
    assert all(r[3] for r in assumed + sourced)


def test_indonesian_labels_and_decimal_commas(report_id, run_dir):
    text = (report_id.folder / "brief.md").read_text(encoding="utf-8")
    assert text.startswith("# Kemiskinan ekstrem di Indonesia")
    for heading in ("## Pertanyaan", "## Jawaban", "## Skenario", "## Metode dan asumsi"):
        assert heading in text
    assert "## The answer" not in text
    assert re.search(r"\| \d,\d\d ± \d,\d\d \| \d,\d\d - \d,\d\d / \d,\d\d - \d,\d\d \|",
                     text)  # decimal commas
    assert not re.search(r"\| \d\.\d\d ± \d\.\d\d", text)
    assert "galat baku Monte Carlo" in text
    assert "| Des 2024 |" in text and "Dasar" in text
    run = read_run(run_dir)
    ctx = charts.Context("id", source_lines(run, "id"))
    fig = charts.labour_market(*(tables.bands(run.timeseries[run.timeseries["scenario"] ==
                                                              "baseline"], c)
                                 for c in ("unemployment_rate", "informality_rate")),
                               published_points(), "baseline", ctx)
    assert fig.axes[0].get_ylabel() == "% angkatan kerja"
    ticks = [t.get_text() for t in fig.axes[0].get_yticklabels()]
    assert any("," in t for t in ticks) and not any("." in t for t in ticks), ticks
    assert "Sumber: simulasi povsim, 600 rumah tangga" in _source(fig)


def test_the_command_line_writes_the_report_and_refuses_a_used_folder(run_dir, tmp_path,
                                                                      capsys):
    out = tmp_path / "cli"
    assert povsim_main(["report", str(run_dir), "--out", str(out), "--lang", "id"]) == 0
    assert "povsim: report in" in capsys.readouterr().out
    assert (out / "brief.pdf").exists()
    assert povsim_main(["report", str(run_dir), "--out", str(out)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("povsim: error: ") and "--out" in err[0]
