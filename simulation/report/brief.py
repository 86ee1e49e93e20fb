"""The brief: ``brief.md`` and ``brief.pdf``, in the report's language, beside the charts.

Contents: the question, the answer with its probability and interval, the scenario table
(March and December 2024 medians and intervals, P(0.00%), P(<=1%), spending, persons lifted,
rupiah per person lifted), the charts, the methods and assumptions (generated from the
parameter files: every labelled assumption with its reason, every sourced figure with its
reference) and the run's provenance. Every number is read from ``summary.json`` (the table and
the answer) or computed from the run's files; none is typed here.

The PDF is written with fpdf2 in DejaVu Sans (the font matplotlib ships, so no system font is
needed) and has the same bytes on every rerun (no creation date).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from simulation.parameter_set import Parameter, ParameterSet, baseline_parameters, month_label
from simulation.report import i18n
from simulation.report.i18n import t

if TYPE_CHECKING:
    from simulation.report.build import Report
    from simulation.report.folders import CalibrationFolder, RunFolder, SweepFolder

SUMMARY_MONTHS = ("2024-03", "2024-12")


# --------------------------------------------------------------------------------------------
# The numbers, from summary.json
# --------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Row:
    """One line of the scenario table, every cell already formatted for the language."""

    scenario: str
    month: str
    rate: str
    intervals: str
    p_zero: str
    p_band: str
    spending: str
    lifted: str
    per_person: str

    def cells(self) -> list[str]:
        """The cells in the table's order."""
        return [self.scenario, self.month, self.rate, self.intervals, self.p_zero, self.p_band,
                self.spending, self.lifted, self.per_person]


def _pct(x: float | None, lang: str) -> str:
    return i18n.number(None if x is None else 100 * x, 2, lang)


def _pm(x: float | None, lang: str) -> str:
    """``x`` (a fraction) in points of a percentage, two decimals; ``n/a`` when absent."""
    return _pct(x, lang)


def _chance(s: dict, key: str, lang: str) -> str:
    """A chance with its binomial standard error in points: ``25% ± 10``."""
    se = s.get(f"p_target_{key}_se")
    text = i18n.share(s[f"p_target_{key}"], lang)
    return text if se is None else f"{text} ± {i18n.number(100 * se, 0, lang)}"


def _figures(s: dict, lang: str, suffix: str = "") -> dict[str, str]:
    """The answer's figures of one month, formatted (keys ending in ``suffix``)."""
    def q(key: str) -> str:
        return i18n.percent(s.get(f"extreme_poverty_rate_{key}"), 2, lang)

    def se(x: float | None, points: int) -> str:
        return "n/a" if x is None else i18n.number(100 * x, points, lang)

    out = {"median": q("median"), "p05": q("p05"), "p25": q("p25"), "p75": q("p75"),
           "p95": q("p95"), "p_zero": i18n.share(s["p_target_zero"], lang),
           "p_band": i18n.share(s["p_target_band"], lang),
           "median_se": se(s.get("extreme_poverty_rate_median_se"), 2),
           "p_zero_se": se(s.get("p_target_zero_se"), 0),
           "p_band_se": se(s.get("p_target_band_se"), 0)}
    return {k + suffix: v for k, v in out.items()}


def scenario_rows(summary: dict, lang: str) -> list[Row]:
    """The scenario table from ``summary.json`` (scenarios x summary months)."""
    rows = []
    acc = summary["accounting"]["scenarios"]
    for name, per_month in summary["scenarios"].items():
        for month in summary["months"]:
            s = per_month[month]
            a = acc.get(name, {}).get(month, {})
            spend = a.get("spending_rupiah", {}).get("total")
            impact = a.get("impact")
            if impact:
                lifted = (f"{i18n.number(impact['persons_lifted_median'], 0, lang)} ("
                          f"{i18n.number(impact['persons_lifted_p05'], 0, lang)} - "
                          f"{i18n.number(impact['persons_lifted_p95'], 0, lang)})")
                per = impact["rupiah_per_person_lifted"]
                per_person = i18n.number(None if per is None else per / 1e6, 1, lang)
            else:
                lifted = per_person = "-"
            rows.append(Row(
                scenario=i18n.scenario_label(name, lang), month=i18n.month_text(month, lang),
                rate=(_pct(s["extreme_poverty_rate_median"], lang)
                      + (f" ± {_pm(s['extreme_poverty_rate_median_se'], lang)}"
                         if s.get("extreme_poverty_rate_median_se") is not None else "")),
                intervals=(f"{_pct(s.get('extreme_poverty_rate_p25'), lang)} - "
                           f"{_pct(s.get('extreme_poverty_rate_p75'), lang)} / "
                           f"{_pct(s['extreme_poverty_rate_p05'], lang)} - "
                           f"{_pct(s['extreme_poverty_rate_p95'], lang)}"),
                p_zero=_chance(s, "zero", lang), p_band=_chance(s, "band", lang),
                spending=i18n.number(None if spend is None else spend / 1e12, 1, lang),
                lifted=lifted, per_person=per_person))
    return rows


def answer(run: RunFolder, lang: str) -> list[str]:
    """The answer's paragraphs, from ``summary.json``."""
    summ = run.summary
    main = run.main_scenario()
    months = summ["months"]
    if not months:
        return [t("answer_none", lang)]
    per = summ["scenarios"][main]
    label = i18n.scenario_label(main, lang)
    out = []
    if "2024-03" in months and "2024-12" in months:
        out.append(t("answer", lang, scenario=label, **_figures(per["2024-03"], lang),
                     **_figures(per["2024-12"], lang, "_dec")))
    else:
        month = months[0]
        out.append(t("answer_month_only", lang, scenario=label,
                     month=i18n.month_text(month, lang), **_figures(per[month], lang)))
    zero_of = [m for m in ("2024-03", "2024-12") if m in months
               and per[m].get("n_target_band") == 0 and per[m].get("p_target_band_ci95")]
    if zero_of:  # a standard error of 0 is not a chance of 0: say what R replications rule out
        out.append(t("answer_none_met", lang, replications=i18n.number(run.replications, 0, lang),
                     months=" / ".join(i18n.month_text(m, lang) for m in zero_of),
                     upper=i18n.share(max(per[m]["p_target_band_ci95"][1] for m in zero_of),
                                      lang)))
    last = months[-1]
    entry = summ["accounting"]["scenarios"].get(main, {})
    impact = entry.get(last, {}).get("impact")
    if impact:
        per_person = impact["rupiah_per_person_lifted"]
        out.append(t("answer_lifted", lang, counterfactual=i18n.scenario_label(
            entry["counterfactual"], lang), scenario=label,
            lifted=i18n.number(impact["persons_lifted_median"], 0, lang),
            lo=i18n.number(impact["persons_lifted_p05"], 0, lang),
            hi=i18n.number(impact["persons_lifted_p95"], 0, lang),
            per_person=i18n.rupiah(per_person, lang), month=i18n.month_long(last, lang)))
    post = summ.get("posterior")
    sizes = {"replications": i18n.number(run.replications, 0, lang),
             "households": i18n.number(run.households, 0, lang)}
    if post:
        out.append(t("answer_caveat_posterior", lang, posterior=Path(post["file"]).name,
                     draws=i18n.number(post["distinct_draws_used"], 0, lang), **sizes))
    else:
        out.append(t("answer_caveat", lang, **sizes))
    return out


# --------------------------------------------------------------------------------------------
# Methods and assumptions, from the parameter files
# --------------------------------------------------------------------------------------------
def _value_text(p: Parameter, lang: str) -> str:
    def one(v: Any) -> str:
        if isinstance(v, bool):
            return str(v).lower()
        if isinstance(v, int):
            return i18n.number(v, 0, lang)
        if isinstance(v, float) and abs(v) >= 1e4 and float(v).is_integer():
            return i18n.number(v, 0, lang)
        if isinstance(v, float):
            text = f"{v:.6g}"
            decimals = len(text.split(".")[1]) if "." in text and "e" not in text else 0
            return text if "e" in text else i18n.number(v, decimals, lang)
        if isinstance(v, list | tuple):
            shown = ", ".join(one(x) for x in list(v)[:4]) if lang == "en" else "; ".join(
                one(x) for x in list(v)[:4])
            return f"[{shown}{', ...' if len(v) > 4 else ''}]"
        return str(v)

    if len(p.values) == 1:
        return one(p.values[0][1])
    first = month_label(p.values[0][0])
    return (one(p.values[0][1]) + "; " + t("dated_values", lang, n=len(p.values),
                                             first=first))


def _reference_text(p: Parameter, lang: str) -> str:
    parts = []
    for ref in p.references:
        text = ref.title
        if ref.row is not None:
            text += f" ({t('row', lang)} {ref.row})"
        if ref.href:
            text += f" {ref.href}"
        parts.append(text)
    if p.derivation:
        parts.append(p.derivation)
    return " ".join(parts)


def methods(params: ParameterSet, lang: str) -> tuple[str, list[list[str]], list[list[str]]]:
    """The methods paragraph and the two lists: assumptions and sourced figures.

    Returns:
        ``(text, assumptions, sourced)``; each list row is ``[path, value, unit, reason or
        reference]``. A parameter with both a reference and an assumption is in both lists.
    """
    assumed, sourced = [], []
    for path in params.paths():
        p = params[path]
        value = _value_text(p, lang)
        if p.assumption:
            assumed.append([path, value, p.unit, " ".join(p.assumption.split())])
        if p.references:
            sourced.append([path, value, p.unit, " ".join(_reference_text(p, lang).split())])
    text = t("methods", lang, n_params=i18n.number(len(params), 0, lang),
             n_assumed=i18n.number(len(assumed), 0, lang),
             n_sourced=i18n.number(len(sourced), 0, lang))
    return text, assumed, sourced


# --------------------------------------------------------------------------------------------
# Writing
# --------------------------------------------------------------------------------------------
_CAPTIONS = {
    "extreme_poverty_fan": ("Extreme poverty per scenario: median with 50% and 90% bands over "
                            "replications, BPS points, the 0% target and the 0-1% band of "
                            "2024; March, the survey month, marked.",
                            "Kemiskinan ekstrem per skenario: median dengan pita 50% dan 90% "
                            "antar-replikasi, titik BPS, target 0% dan pita 0-1% tahun 2024; "
                            "Maret, bulan survei, ditandai."),
    "lever_contributions": ("Persons lifted out of extreme poverty by each scenario against "
                            "its counterfactual, median and 5-95%.",
                            "Penduduk yang terangkat dari kemiskinan ekstrem pada tiap "
                            "skenario dibanding kontrafaktualnya, median dan 5-95%."),
    "cost_effectiveness": ("Rupiah per person lifted, per lever and combined, with bootstrap "
                           "intervals.",
                           "Rupiah per penduduk terangkat, per tuas dan gabungan, dengan "
                           "interval bootstrap."),
    "labour_market": ("Unemployment and informality: model bands against Sakernas.",
                      "Pengangguran dan informalitas: pita model dibanding Sakernas."),
    "spending": ("Spending by lever per quarter and by programme over the run.",
                 "Belanja per tuas per triwulan dan per program selama run."),
    "target_probability": ("Share of sweep runs with extreme poverty at or below 1% in March "
                           "2024 over two levers, with the PRIM box.",
                           "Porsi run sweep dengan kemiskinan ekstrem paling tinggi 1% pada "
                           "Maret 2024 menurut dua tuas, dengan kotak PRIM."),
    "calibration_fit": ("Every calibration target: model band against the published value.",
                        "Setiap target kalibrasi: pita model dibanding angka terbitan."),
}


def caption(name: str, lang: str) -> str:
    """A chart's caption in the language."""
    return _CAPTIONS[name][i18n.LANGS.index(lang)]


def _table_header(lang: str) -> list[str]:
    return [t(k, lang) for k in ("col_scenario", "col_month", "col_rate", "col_intervals",
                                 "col_p_zero",
                                 "col_p_band", "col_spending", "col_lifted",
                                 "col_per_person")]


def _run_text(run: RunFolder, lang: str) -> str:
    m = run.manifest
    commit = m.get("git_commit") or "unknown"
    return t("run_text", lang, folder=run.path.name, run_id=run.run_id,
             version=m.get("version", "unknown"), commit=commit[:12],
             households=i18n.number(run.households, 0, lang),
             replications=i18n.number(run.replications, 0, lang), seed=m["seed"],
             end=i18n.month_text(run.end, lang), command=m.get("command_line", ""))


def _md_cell(text: str) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def write(run: RunFolder, sw: SweepFolder | None, cal: CalibrationFolder | None,
          report: Report, lang: str, folder: Path) -> list[Path]:
    """Write ``brief.md`` and ``brief.pdf`` into ``folder``; return their paths."""
    from simulation.report.build import CHARTS

    params = baseline_parameters()
    rows = scenario_rows(run.summary, lang)
    text, assumed, sourced = methods(params, lang)
    since = i18n.month_text(run.summary["accounting"]["spending_from"], lang)
    sections: dict[str, Any] = {
        "title": t("brief_title", lang),
        "question": t("question", lang),
        "answer": answer(run, lang),
        "table_note": t("table_note", lang, since=since),
        "charts": [(n, report.charts[n][0].name, caption(n, lang)) for n in CHARTS
                   if n in report.charts],
        "skipped": [t("chart_skipped", lang, chart=n, reason=report.skipped[n])
                    for n in CHARTS if n in report.skipped],
        "methods": text,
        "run": [_run_text(run, lang)]
        + ([t("sweep_text", lang, folder=sw.path.name, runs=i18n.number(
            len(sw.runs) + sw.failed, 0, lang))] if sw else [])
        + ([t("calibration_text", lang, folder=cal.path.name, method=cal.method)]
           if cal else []),
    }
    md = folder / "brief.md"
    md.write_text(_markdown(sections, rows, assumed, sourced, lang), encoding="utf-8")
    pdf = folder / "brief.pdf"
    _pdf(sections, rows, assumed, sourced, lang, folder, pdf)
    return [md, pdf]


def _markdown(s: dict, rows: list[Row], assumed: list, sourced: list, lang: str) -> str:
    out = [f"# {s['title']}", "", f"## {t('question_h', lang)}", "", s["question"], "",
           f"## {t('answer_h', lang)}", ""]
    for paragraph in s["answer"]:
        out += [paragraph, ""]
    out += [f"## {t('table_h', lang)}", ""]
    header = _table_header(lang)
    out.append("| " + " | ".join(header) + " |")
    out.append("|" + "|".join(["---", "---"] + ["---:"] * (len(header) - 2)) + "|")
    for row in rows:
        out.append("| " + " | ".join(_md_cell(c) for c in row.cells()) + " |")
    out += ["", s["table_note"], "", f"## {t('charts_h', lang)}", ""]
    for name, png, cap in s["charts"]:
        out += [f"![{cap}]({png})", "", f"*{cap}* (`{name}`: PNG, SVG, PDF)", ""]
    for line in s["skipped"]:
        out += [f"- {line}"]
    if s["skipped"]:
        out.append("")
    out += [f"## {t('methods_h', lang)}", "", s["methods"], ""]
    if t("methods_lang_note", lang):
        out += [t("methods_lang_note", lang), ""]
    for heading, items, last in ((t("assumptions_h", lang), assumed, t("col_reason", lang)),
                                 (t("sources_h", lang), sourced, t("col_reference", lang))):
        out += [f"### {heading} ({i18n.number(len(items), 0, lang)})", "",
                f"| {t('col_parameter', lang)} | {t('col_value', lang)} | Unit | {last} |"
                .replace("Unit", "Satuan" if lang == "id" else "Unit"), "|---|---|---|---|"]
        out += ["| " + " | ".join(_md_cell(c) for c in item) + " |" for item in items]
        out.append("")
    out += [f"## {t('run_h', lang)}", ""]
    for line in s["run"]:
        out += [line, ""]
    return "\n".join(out)


def _pdf(s: dict, rows: list[Row], assumed: list, sourced: list, lang: str, folder: Path,
         path: Path) -> None:
    import matplotlib
    from fpdf import FPDF
    from fpdf.fonts import FontFace
    from fpdf.output import OutputProducer

    fonts = Path(matplotlib.get_data_path()) / "fonts" / "ttf"
    page_label = t("page", lang, n="{n}")

    class Brief(FPDF):
        def footer(self) -> None:
            self.set_y(-12)
            self.set_font("DejaVu", size=7)
            self.set_text_color(110)
            self.cell(0, 6, page_label.replace("{n}", str(self.page_no())), align="R")

    class NoDate(OutputProducer):
        """Writes no /CreationDate: the same bytes on every rerun."""

        def _add_info(self):  # noqa: ANN202 (fpdf2's hook)
            info = super()._add_info()
            info.creation_date = None
            return info

    pdf = Brief(format="A4", unit="mm")
    # Never written (NoDate drops it); fixed because fpdf2 hashes it into the file's /ID.
    pdf.creation_date = datetime(2000, 1, 1, tzinfo=UTC)
    pdf.set_producer("povsim report (fpdf2)")
    pdf.set_creator("povsim report")
    pdf.set_title(s["title"])
    pdf.set_lang("id-ID" if lang == "id" else "en-GB")
    pdf.add_font("DejaVu", "", str(fonts / "DejaVuSans.ttf"))
    pdf.add_font("DejaVu", "B", str(fonts / "DejaVuSans-Bold.ttf"))
    pdf.add_font("DejaVu", "I", str(fonts / "DejaVuSans-Oblique.ttf"))
    pdf.set_margins(18, 16, 18)
    pdf.set_auto_page_break(True, margin=16)
    pdf.add_page()
    width = pdf.epw

    def heading(text: str, size: float = 12) -> None:
        if pdf.get_y() > pdf.h - 60:  # keep a heading with what follows it
            pdf.add_page()
        pdf.ln(2)
        pdf.set_font("DejaVu", "B", size)
        pdf.set_text_color(0)
        pdf.multi_cell(width, size * 0.5, text, new_x="LMARGIN", new_y="NEXT", align="L")
        pdf.ln(1.5)

    def paragraph(text: str, size: float = 9.5, style: str = "") -> None:
        pdf.set_font("DejaVu", style, size)
        pdf.set_text_color(0)
        pdf.multi_cell(width, size * 0.48, text, new_x="LMARGIN", new_y="NEXT", align="L")
        pdf.ln(1.8)

    pdf.set_font("DejaVu", "B", 15)
    pdf.multi_cell(width, 7, s["title"], new_x="LMARGIN", new_y="NEXT", align="L")
    pdf.ln(2)
    heading(t("question_h", lang))
    paragraph(s["question"])
    heading(t("answer_h", lang))
    for text in s["answer"]:
        paragraph(text)
    heading(t("table_h", lang))
    pdf.set_font("DejaVu", size=6.8)
    grey = FontFace(emphasis="BOLD", fill_color=(235, 235, 235))
    with pdf.table(col_widths=(18, 11, 15, 28, 12, 12, 13, 18, 15), line_height=3.4,
                   text_align=("LEFT", "LEFT", "RIGHT", "RIGHT", "RIGHT", "RIGHT", "RIGHT",
                               "RIGHT", "RIGHT"), headings_style=grey, padding=0.8,
                   borders_layout="HORIZONTAL_LINES") as table:
        table.row(_table_header(lang))
        for row in rows:
            table.row(row.cells())
    pdf.ln(1.5)
    paragraph(s["table_note"], size=7.5)
    pdf.add_page()
    heading(t("charts_h", lang))
    for name, png, cap in s["charts"]:
        image = folder / png
        from PIL import Image

        with Image.open(image) as im:
            w_px, h_px = im.size
        w = min(width, w_px / 300 * 25.4)
        h = w * h_px / w_px
        if pdf.get_y() + h + 12 > pdf.h - 16:
            pdf.add_page()
        pdf.image(str(image), x=pdf.l_margin + (width - w) / 2, w=w, h=h)
        pdf.ln(1)
        paragraph(f"{cap} ({name})", size=7.5, style="I")
    for line in s["skipped"]:
        paragraph(line, size=8)
    pdf.add_page()
    heading(t("methods_h", lang))
    paragraph(s["methods"], size=8.5)
    if t("methods_lang_note", lang):
        paragraph(t("methods_lang_note", lang), size=8, style="I")
    unit = "Satuan" if lang == "id" else "Unit"
    for title, items, last in ((t("assumptions_h", lang), assumed, t("col_reason", lang)),
                               (t("sources_h", lang), sourced, t("col_reference", lang))):
        heading(f"{title} ({i18n.number(len(items), 0, lang)})", size=10)
        pdf.set_font("DejaVu", size=6)
        with pdf.table(col_widths=(38, 20, 20, 96), line_height=2.8, headings_style=grey,
                       padding=0.6, borders_layout="HORIZONTAL_LINES",
                       text_align="LEFT") as table:
            table.row([t("col_parameter", lang), t("col_value", lang), unit, last])
            for item in items:
                table.row([_breakable(c) for c in item])
        pdf.ln(2)
    heading(t("run_h", lang), size=10)
    for line in s["run"]:
        paragraph(_breakable(line), size=7.5)
    pdf.output(str(path), output_producer_class=NoDate)


def _breakable(text: str) -> str:
    """Let long dotted paths and URLs wrap in a table cell (a zero-width space after dots)."""
    return "".join(c + "\u200b" if c in "./_" else c for c in str(text))
