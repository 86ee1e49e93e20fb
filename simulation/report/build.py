"""``povsim report``: every chart and the brief of a run folder, in one language.

:func:`make_report` checks every input first (the run folder, the sweep and calibration
folders if given, the output folder), then draws the charts into ``<out>.partial-<pid>`` and
renames it to ``out`` at the end, so a report folder is complete or absent. Charts that need a
sweep or a calibration are skipped with a note (in the brief and in :attr:`Report.skipped`).
"""

from __future__ import annotations

import contextlib
import os
import shutil
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from simulation import inputs
from simulation.errors import InputError
from simulation.report import charts, i18n, tables
from simulation.report.folders import (
    PUBLISHED_INDICATORS,
    CalibrationFolder,
    RunFolder,
    SweepFolder,
    published_points,
    read_calibration,
    read_run,
    read_sweep,
)
from simulation.report.i18n import t

CHARTS = ("extreme_poverty_fan", "lever_contributions", "cost_effectiveness", "labour_market",
          "spending", "target_probability", "calibration_fit")
SUMMARY_MONTHS = ("2024-03", "2024-12")


@dataclass
class Report:
    """What a report wrote.

    Attributes:
        folder: The report folder.
        charts: Chart name -> the files written (PNG, SVG, PDF).
        skipped: Chart name -> why it was not drawn (in the report's language).
        files: Every file written, in order.
    """

    folder: Path
    charts: dict[str, list[Path]] = field(default_factory=dict)
    skipped: dict[str, str] = field(default_factory=dict)
    files: list[Path] = field(default_factory=list)


def source_lines(run: RunFolder, lang: str, data: str | None = None) -> tuple[str, ...]:
    """The source line of a chart from a run: data source; version, commit and run id."""
    m = run.manifest
    model = t("model_source", lang, households=i18n.number(run.households, 0, lang),
              replications=i18n.number(run.replications, 0, lang), seed=m["seed"])
    first = t("source", lang) + ": " + model + (f"; {data}" if data else "") + "."
    prov = t("provenance", lang, version=m.get("version", "unknown"), commit=run.commit,
             run_id=run.run_id)
    if m.get("git_uncommitted_changes"):
        prov += t("uncommitted", lang)
    return (first, prov + ".")


def _rows_text(rows: pd.Series) -> str:
    return ", ".join(str(r) for r in sorted(set(int(x) for x in rows)))


def default_out(run_dir: Path | str, lang: str) -> Path:
    """``RUN_DIR/report-<lang>``: the report beside the run it reads."""
    return Path(run_dir) / f"report-{lang}"


def check_lang(lang: object) -> str:
    """Check a report language (``en`` or ``id``)."""
    if lang not in i18n.LANGS:
        raise InputError("<command line>", "--lang", "en or id", lang)
    return str(lang)


def make_report(run_dir: Path | str, out: Path | str | None = None, *,
                sweep: Path | str | None = None, calibration: Path | str | None = None,
                lang: str = "en") -> Report:
    """Draw every chart of a run (and sweep, calibration) and write the brief.

    Args:
        run_dir: A run folder (``povsim run --out``).
        out: The report folder, new or empty (default ``RUN_DIR/report-<lang>``).
        sweep: A sweep folder (``povsim sweep --out``), for ``target_probability``.
        calibration: A calibration folder, for ``calibration_fit``.
        lang: ``en`` or ``id``.

    Returns:
        What was written.

    Raises:
        InputError: before anything is written, for a bad folder or language.
    """
    lang = check_lang(lang)
    run = read_run(run_dir)
    sw = read_sweep(sweep) if sweep is not None else None
    cal = read_calibration(calibration) if calibration is not None else None
    target = inputs.check_out_dir(out if out is not None else default_out(run_dir, lang))
    final = Path(os.path.abspath(target))
    partial = final.with_name(f"{final.name}{inputs.PARTIAL}{os.getpid()}")
    made = []
    folder = final.parent
    while not folder.exists() and folder != folder.parent:
        made.append(folder)
        folder = folder.parent
    with inputs.stop_on_signals():
        try:
            final.parent.mkdir(parents=True, exist_ok=True)
            inputs.remove_stale_partials(final)
            partial.mkdir()
            report = _draw(run, sw, cal, lang, partial)
            from simulation.report import brief

            report.files += brief.write(run, sw, cal, report, lang, partial)
            inputs.check_out_dir(final)
            if final.exists():
                final.rmdir()
            os.replace(partial, final)
        except BaseException:
            with inputs.signals_deferred():
                shutil.rmtree(partial, ignore_errors=True)
                for f in made:
                    with contextlib.suppress(OSError):
                        f.rmdir()
            raise
    report.folder = target
    report.charts = {k: [target / p.name for p in v] for k, v in report.charts.items()}
    report.files = [target / p.name for p in report.files]
    return report


def _draw(run: RunFolder, sw: SweepFolder | None, cal: CalibrationFolder | None, lang: str,
          folder: Path) -> Report:
    report = Report(folder=folder)
    pub = published_points()
    ts, sp = run.timeseries, run.spending
    since = run.summary["accounting"]["spending_from"]
    months = [m for m in SUMMARY_MONTHS if m in run.months]

    def keep(name: str, fig) -> None:
        report.charts[name] = charts.save(fig, folder, name)
        report.files += report.charts[name]
        charts.close(fig)

    # extreme_poverty_fan
    ep = pub[pub["indicator"] == "extreme_poverty_rate_usd190_2011ppp"]
    ctx = charts.Context(lang, source_lines(run, lang, t("bps_rows", lang,
                                                         rows=_rows_text(ep["row"]))))
    keep("extreme_poverty_fan", charts.extreme_poverty_fan(
        tables.bands(ts, "extreme_poverty_rate"), ep, run.scenarios, ctx,
        reference=run.main_scenario()))
    # lever_contributions and cost_effectiveness
    cfs = {s: cf for s, cf in run.counterfactuals.items() if cf is not None}
    ctx = charts.Context(lang, source_lines(run, lang))
    if cfs and months:
        keep("lever_contributions", charts.lever_contributions(
            tables.lifted(ts, cfs, months), ctx))
        cost = tables.cost_per_person(ts, sp, cfs, months, since, run.replications)
        keep("cost_effectiveness", charts.cost_effectiveness(cost, ctx, since))
    else:
        why = t("no_counterfactual", lang) if months else t("answer_none", lang)
        report.skipped["lever_contributions"] = report.skipped["cost_effectiveness"] = why
    # labour_market
    main = run.main_scenario()
    lab = pub[pub["indicator"].isin(["open_unemployment_rate_TPT",
                                     "informal_employment_share"])]
    ctx = charts.Context(lang, source_lines(run, lang, t("sakernas_rows", lang,
                                                         rows=_rows_text(lab["row"]))))
    main_ts = ts[ts["scenario"] == main]
    keep("labour_market", charts.labour_market(
        tables.bands(main_ts, PUBLISHED_INDICATORS["open_unemployment_rate_TPT"]),
        tables.bands(main_ts, PUBLISHED_INDICATORS["informal_employment_share"]), lab, main,
        ctx))
    # spending
    ctx = charts.Context(lang, source_lines(run, lang))
    spender = main if len(sp[sp["scenario"] == main]) else next(
        (s for s in run.scenarios if len(sp[sp["scenario"] == s])), None)
    if spender is not None:
        by_lever = tables.monthly_spending(sp, spender, "lever", run.replications, since)
        rows = sp[(sp["scenario"] == spender) & (sp["date"].map(
            lambda d: d >= since))]
        by_label = (rows.groupby(["label", "lever"], sort=False)["rupiah"].sum()
                    / run.replications).reset_index()
        keep("spending", charts.spending(by_lever, by_label, spender, since, run.end, ctx))
    else:
        report.skipped["spending"] = t("no_spending", lang)
    # target_probability
    if sw is not None:
        x, y = _two_levers(sw)
        ctx = charts.Context(lang, (
            t("source", lang) + ": " + t("sweep_source", lang, runs=i18n.number(
                len(sw.runs) + sw.failed, 0, lang), failed=i18n.number(sw.failed, 0, lang),
                seed=sw.seed if sw.seed is not None else "n/a") + f" ({sw.path.name}).",
            f"povsim {run.manifest.get('version', 'unknown')}, sweep.json {sw.digest}."))
        keep("target_probability", charts.target_probability(
            sw.runs, x, y, sw.outcome, sw.levers, sw.box, ctx))
    else:
        report.skipped["target_probability"] = t("no_sweep", lang)
    # calibration_fit
    if cal is not None:
        ctx = charts.Context(lang, (
            t("source", lang) + ": " + t("calibration_source", lang, method=cal.method,
                                         folder=cal.path.name,
                                         rows=_rows_text(cal.fit["row"])) + ".",
            t("calibration_provenance", lang, version=run.manifest.get("version", "unknown"),
              digest=cal.digest) + "."))
        keep("calibration_fit", charts.calibration_fit(cal.fit, ctx))
    else:
        report.skipped["calibration_fit"] = t("no_calibration", lang)
    return report


def _two_levers(sw: SweepFolder) -> tuple[str, str]:
    """The levers of the heat map: those the PRIM box restricts most, else the first two."""
    names = list(sw.levers)
    if sw.box is not None:
        def narrowing(name: str) -> float:
            lo, hi = sw.box["limits"].get(name, [None, None])
            rng = sw.levers[name].get("range")
            if lo is None or not rng:
                return 0.0 if lo is None else 0.5
            width = float(rng[1]) - float(rng[0])
            return 1 - (hi - lo) / width if width > 0 else 0.0

        ranked = sorted(names, key=lambda n: -narrowing(n))
        if narrowing(ranked[1]) > 0:
            return ranked[0], ranked[1]
        chosen = [ranked[0]] + [n for n in names if n != ranked[0]][:1]
        return chosen[0], chosen[1]
    return names[0], names[1]
