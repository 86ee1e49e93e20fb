"""Charts for briefing papers: each function takes tables (DataFrames) and returns a figure.

No function here runs or reads the model: the tables come from a run, sweep or calibration
folder (:mod:`simulation.report.folders`, :mod:`simulation.report.tables`). Every figure is sized
for one column of a paper (3.5 in wide; the fan chart of several scenarios spans two columns
with one column-sized panel per scenario), uses a colour-blind-safe palette (matplotlib's
``petroff10``; ``cividis`` for the heat map), puts a unit on every axis and a source line at the
bottom (data source; povsim version, commit and run id), and takes its words from
:mod:`simulation.report.i18n` in the chosen language, numbers included (decimal comma in
Indonesian).

:func:`save` writes a figure as PNG (300 dpi), SVG and PDF with reproducible bytes: no creation
date, fixed SVG ids.
"""

from __future__ import annotations

import math
import re
import textwrap
from collections.abc import Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from simulation.parameter_set import month_index
from simulation.report import i18n
from simulation.report.i18n import t

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

COLUMN_WIDTH = 3.5  # inches: one column of a two-column paper
FULL_WIDTH = 7.2
FONT_SIZE = 7.0
SOURCE_SIZE = 5.5
NOTE_SIZE = 6.0
DPI = 300
FORMATS = ("png", "svg", "pdf")
GREY = "#6b6b6b"
GREYS = ("#94a4a2", "#717581", "#7f7f7f", "#c7c7c7")
BAND_COLOUR = "#c9e4c5"  # the 0-1% target band (behind everything; not a data series)


def palette() -> list[str]:
    """The ``petroff10`` colour-blind-safe sequence (``tableau-colorblind10`` if absent)."""
    import matplotlib

    sequences = matplotlib.color_sequences
    name = "petroff10" if "petroff10" in sequences else "tab10"
    if name == "tab10" and "tableau-colorblind10" in matplotlib.style.available:
        return list(matplotlib.style.library["tableau-colorblind10"]["axes.prop_cycle"]
                    .by_key()["color"])
    colours = [matplotlib.colors.to_hex(c) for c in sequences[name]]
    return [c for c in colours if c not in GREYS]  # greys are for references, not series


@dataclass(frozen=True)
class Context:
    """What every chart needs besides its data: the language and the source line.

    Attributes:
        lang: ``en`` or ``id``.
        source: The source line's lines (data source; povsim version, commit and run id).
    """

    lang: str
    source: tuple[str, ...]

    def num(self, x: float, decimals: int = 0) -> str:
        """A number in the language's style."""
        return i18n.number(x, decimals, self.lang)


# --------------------------------------------------------------------------------------------
# Figure helpers
# --------------------------------------------------------------------------------------------
RC = {
    "font.family": "DejaVu Sans",
    "font.size": FONT_SIZE,
    "axes.titlesize": FONT_SIZE,
    "axes.labelsize": FONT_SIZE,
    "xtick.labelsize": FONT_SIZE - 0.5,
    "ytick.labelsize": FONT_SIZE - 0.5,
    "legend.fontsize": FONT_SIZE - 0.5,
    "legend.frameon": False,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.linewidth": 0.6,
    "xtick.major.width": 0.6,
    "ytick.major.width": 0.6,
    "lines.linewidth": 1.2,
    "svg.hashsalt": "povsim",
    "svg.fonttype": "path",
    "pdf.fonttype": 42,
    "axes.formatter.use_mathtext": False,
    "axes.unicode_minus": False,
}


@contextmanager
def _style():
    import matplotlib

    with matplotlib.rc_context(RC):
        yield


def _wrap(text: str, width_in: float, size: float) -> list[str]:
    """Lines of ``text`` that fit ``width_in`` inches at ``size`` points (DejaVu Sans)."""
    chars = max(20, int(width_in * 72 / (size * 0.56)))
    lines: list[str] = []
    for paragraph in text.split("\n"):
        lines += textwrap.wrap(paragraph, chars) or [""]
    return lines


def _figure(width: float, height: float, ctx: Context, title: str, note: str = "",
            legend_rows: int = 0) -> Figure:
    """A figure with constrained layout, a title, and at the bottom a note and the source line.

    ``height`` is the height of the plotting area and title; the note, the source line and a
    figure legend of ``legend_rows`` rows (placed by :func:`_bottom_legend`) are added below.
    """
    from matplotlib.figure import Figure

    note_lines = _wrap(note, width - 0.1, NOTE_SIZE) if note else []
    source_lines = [line for text in ctx.source for line in _wrap(text, width - 0.1,
                                                                 SOURCE_SIZE)]
    text_pt = (len(note_lines) * NOTE_SIZE + len(source_lines) * SOURCE_SIZE) * 1.3 + 6
    legend_pt = legend_rows * FONT_SIZE * 1.75 + (6 if legend_rows else 0)
    total = height + (text_pt + legend_pt) / 72
    fig = Figure(figsize=(width, total), layout="constrained")
    bottom = (text_pt + legend_pt) / (total * 72)
    fig.get_layout_engine().set(rect=(0, bottom, 1, 1 - bottom), h_pad=0.03, w_pad=0.03)
    fig.text(0.012, 0.006, "\n".join(source_lines), fontsize=SOURCE_SIZE, color=GREY,
             ha="left", va="bottom", gid="source", linespacing=1.3)
    if note_lines:
        fig.text(0.012, 0.006 + len(source_lines) * SOURCE_SIZE * 1.3 / (total * 72),
                 "\n".join(note_lines), fontsize=NOTE_SIZE, color="#404040", ha="left",
                 va="bottom", gid="note", linespacing=1.3)
    fig.povsim_legend_y = (text_pt + 2) / (total * 72)  # where a bottom legend sits
    fig.suptitle("\n".join(_wrap(title, width - 0.1, FONT_SIZE + 1.4)), x=0.012, ha="left",
                 fontsize=FONT_SIZE + 1, fontweight="bold", linespacing=1.2)
    return fig


def _bottom_legend(fig: Figure, handles: list, labels: list[str], ncols: int) -> None:
    """A figure legend between the plots and the note (rows reserved by :func:`_figure`)."""
    fig.legend(handles, labels, loc="lower center", bbox_to_anchor=(0.5, fig.povsim_legend_y),
               ncols=ncols, handlelength=1.6, columnspacing=1.2, borderaxespad=0)


def _month_x(month: str) -> float:
    """A month on the time axis: years as decimals (2024-03 -> 2024 + 2/12)."""
    m = month_index(month)
    return m // 12 + (m % 12) / 12.0


def _time_axis(ax: Axes, first: str, last: str, ctx: Context, label: bool = True) -> None:
    """March of each year as ticks (the survey month), faint lines at every March."""
    lo, hi = _month_x(first), _month_x(last)
    marches = [y + 2 / 12 for y in range(int(lo), int(hi) + 1) if lo <= y + 2 / 12 <= hi]
    ax.set_xticks(marches, [i18n.month_text(f"{int(round(x - 2 / 12))}-03", ctx.lang)
                            for x in marches])
    for x in marches:
        ax.axvline(x, color="#e6e6e6", lw=0.5, zorder=0)
    ax.set_xlim(lo - 0.04, hi + 0.04)
    if label:
        ax.set_xlabel(t("march", ctx.lang))


def _percent_axis(ax: Axes, ctx: Context, decimals: int = 1, axis: str = "y") -> None:
    from matplotlib.ticker import FuncFormatter

    fmt = FuncFormatter(lambda v, _pos: ctx.num(v, decimals))
    (ax.yaxis if axis == "y" else ax.xaxis).set_major_formatter(fmt)


def _number_axis(ax: Axes, ctx: Context, axis: str = "x") -> None:
    from matplotlib.ticker import FuncFormatter

    def fmt(v: float, _pos: int) -> str:
        decimals = 0 if abs(v) >= 10 or float(v).is_integer() else 1
        return ctx.num(v, decimals)

    (ax.xaxis if axis == "x" else ax.yaxis).set_major_formatter(FuncFormatter(fmt))


def save(fig: Figure, folder: Path, name: str) -> list[Path]:
    """Write ``fig`` as ``name.png`` (300 dpi), ``name.svg`` and ``name.pdf``; return paths.

    The bytes are the same on every rerun: no dates in the files (PNG and PDF carry no
    creation time, SVG none either), SVG ids come from a fixed salt.
    """
    paths = []
    with _style():
        for fmt in FORMATS:
            path = folder / f"{name}.{fmt}"
            metadata = {"png": {"Software": "povsim report (matplotlib)"},
                        "svg": {"Date": None, "Creator": "povsim report (matplotlib)"},
                        "pdf": {"CreationDate": None, "ModDate": None,
                                "Creator": "povsim report (matplotlib)"}}[fmt]
            fig.savefig(path, format=fmt, dpi=DPI, metadata=metadata)
            if fmt == "svg":
                _stable_svg_ids(path)
            paths.append(path)
    return paths


def _stable_svg_ids(path: Path) -> None:
    """Number the SVG's clip-path ids in order of appearance.

    matplotlib hashes some clip paths with the ``id()`` of a Python object, so their ids (not
    the drawing) change from run to run; renaming them keeps the bytes the same.
    """
    text = path.read_text(encoding="utf-8")
    ids: dict[str, str] = {}
    for found in re.findall(r'id="(p[0-9a-f]{10})"', text):
        ids.setdefault(found, f"clip{len(ids)}")
    if ids:
        text = re.sub(r"\b(p[0-9a-f]{10})\b", lambda m: ids.get(m.group(1), m.group(1)), text)
        path.write_text(text, encoding="utf-8")


def close(fig: Figure) -> None:
    """Release a figure's memory (figures here are not registered with pyplot)."""
    fig.clear()


# --------------------------------------------------------------------------------------------
# extreme_poverty_fan
# --------------------------------------------------------------------------------------------
def extreme_poverty_fan(bands: pd.DataFrame, published: pd.DataFrame, scenarios: Sequence[str],
                        ctx: Context, reference: str | None = None) -> Figure:
    """Extreme poverty per scenario over time: median, 50% and 90% bands, BPS points, target.

    Args:
        bands: :func:`simulation.report.tables.bands` of ``extreme_poverty_rate``.
        published: Published points of extreme poverty (``month``, ``value`` as a fraction,
            ``use``: ``calibration`` or ``check``).
        scenarios: Scenarios to draw, in order (one panel each when more than one).
        ctx: Language and source line.
        reference: A scenario whose median is drawn dashed in the other panels (baseline).

    Returns:
        The figure: one panel per scenario (two columns), each with the series ``median``,
        ``band50``, ``band90``, the BPS points, the 0% target line and the 0-1% band of 2024;
        March points of the median are marked.
    """
    colours = palette()
    lang = ctx.lang
    n = len(scenarios)
    ncols = 1 if n == 1 else 2
    nrows = math.ceil(n / ncols)
    width = COLUMN_WIDTH if ncols == 1 else FULL_WIDTH
    height = 1.75 * nrows + 0.5
    months = list(dict.fromkeys(bands["date"]))
    first, last = months[0], months[-1]
    legend_cols = 4 if ncols == 2 else 2
    items = 8 + (1 if n > 1 and reference in scenarios else 0)
    with _style():
        fig = _figure(width, height, ctx, t("fan_title", lang, start=i18n.month_text(first, lang),
                                            end=i18n.month_text(last, lang)),
                      legend_rows=math.ceil(items / legend_cols))
        axes = fig.subplots(nrows, ncols, sharex=True, sharey=True, squeeze=False).ravel()
        top = max(float(bands["p95"].max()) * 100, float(published["value"].max()) * 100
                  if len(published) else 0.0)
        for i, (ax, scenario) in enumerate(zip(axes, scenarios, strict=False)):
            colour = colours[i % len(colours)]
            b = bands[bands["scenario"] == scenario]
            x = np.array([_month_x(m) for m in b["date"]])
            x24 = (_month_x("2024-01") - 0.5 / 12, _month_x("2024-12") + 0.5 / 12)
            ax.fill_between(x24, 0, 1.0, color=BAND_COLOUR, lw=0, zorder=0,
                            label=t("target_band", lang))
            ax.axhline(0, color="#b2182b", lw=0.9, ls=(0, (4, 2)), zorder=1,
                       label=t("target_zero", lang))
            ax.fill_between(x, b["p05"] * 100, b["p95"] * 100, color=colour, alpha=0.18, lw=0,
                            label=t("band90", lang), zorder=2)
            ax.fill_between(x, b["p25"] * 100, b["p75"] * 100, color=colour, alpha=0.38, lw=0,
                            label=t("band50", lang), zorder=2)
            if reference is not None and scenario != reference and reference in scenarios:
                r = bands[bands["scenario"] == reference]
                ax.plot([_month_x(m) for m in r["date"]], r["median"] * 100, color=GREY,
                        lw=0.8, ls="--", label=t("baseline_median", lang), zorder=3)
            ax.plot(x, b["median"] * 100, color=colour, label=t("median", lang), zorder=4)
            march = np.array([d.endswith("-03") for d in b["date"]])
            ax.plot(x[march], b["median"].to_numpy()[march] * 100, ls="none", marker="o",
                    ms=3.2, color=colour, mec="white", mew=0.5, zorder=5,
                    label=t("march", lang))
            for use, filled in (("calibration", True), ("check", False)):
                p = published[published["use"] == use]
                if len(p):
                    ax.plot([_month_x(m) for m in p["month"]], p["value"] * 100, ls="none",
                            marker="D", ms=3.4, mew=0.8, color="black",
                            mfc="black" if filled else "white", zorder=6,
                            label=t("bps_calibration" if filled else "bps_check", lang))
            ax.set_title(i18n.scenario_label(scenario, lang), loc="left", fontsize=FONT_SIZE)
            _time_axis(ax, first, last, ctx, label=(i >= n - ncols))
            if i % ncols == 0:
                ax.set_ylabel(t("fan_y", lang))
            _percent_axis(ax, ctx, 1)
            ax.set_ylim(-0.12, max(top * 1.08, 1.2))
        for ax in axes[n:]:
            ax.set_visible(False)
        handles, labels = axes[0].get_legend_handles_labels()
        if n > 1 and reference in scenarios and scenarios[0] == reference:
            h2, l2 = axes[1].get_legend_handles_labels()
            extra = [(h, lb) for h, lb in zip(h2, l2, strict=True) if lb not in labels]
            handles += [h for h, _ in extra]
            labels += [lb for _, lb in extra]
        _bottom_legend(fig, handles, labels, legend_cols)
    return fig


# --------------------------------------------------------------------------------------------
# lever_contributions and cost_effectiveness: dots with intervals, one row per scenario
# --------------------------------------------------------------------------------------------
def _dot_rows(table: pd.DataFrame, ctx: Context, title: str, xlabel: str, note: str,
              point: str, scale: float) -> Figure:
    colours = palette()
    lang = ctx.lang
    scenarios = list(dict.fromkeys(table["scenario"]))
    months = list(dict.fromkeys(table["month"]))
    height = 1.0 + 0.3 * len(scenarios) * max(1, len(months)) ** 0.5
    with _style():
        fig = _figure(COLUMN_WIDTH, height, ctx, title, note=note)
        ax = fig.subplots()
        offsets = np.linspace(-0.16, 0.16, len(months)) if len(months) > 1 else [0.0]
        finite_hi = [v / scale for v in table["p95"] if math.isfinite(v)]
        finite_lo = [v / scale for v in table["p05"] if math.isfinite(v)]
        points = [v / scale for v in table[point] if v is not None and math.isfinite(v)]
        hi = max(finite_hi + points + [0.0])
        lo = min(finite_lo + points + [0.0])
        span = (hi - lo) or 1.0
        edge = hi + 0.08 * span
        for j, month in enumerate(months):
            rows = table[table["month"] == month]
            ys, xs, err_lo, err_hi, open_hi = [], [], [], [], []
            for _, row in rows.iterrows():
                y = scenarios.index(row["scenario"]) + offsets[j]
                value = row[point]
                if value is None or not math.isfinite(value):
                    ax.text(0, y, " " + t("none_lifted", lang), fontsize=FONT_SIZE - 1.5,
                            va="center", color=GREY)
                    continue
                v = value / scale
                top = row["p95"] / scale if math.isfinite(row["p95"]) else edge
                bottom = row["p05"] / scale if math.isfinite(row["p05"]) else lo
                ys.append(y)
                xs.append(v)
                err_lo.append(max(v - bottom, 0.0))
                err_hi.append(max(top - v, 0.0))
                if not math.isfinite(row["p95"]):
                    open_hi.append(y)
            marker = "os^v"[j % 4]
            ax.errorbar(xs, ys, xerr=[err_lo, err_hi], fmt=marker, ms=3.6, color=colours[j],
                        elinewidth=1.0, capsize=0, label=i18n.month_text(month, lang))
            if open_hi:
                ax.plot([edge] * len(open_hi), open_hi, ls="none", marker=">", ms=3.5,
                        color=colours[j], label=t("unbounded", lang) if j == 0 else None)
        ax.axvline(0, color=GREY, lw=0.6)
        ax.set_yticks(range(len(scenarios)),
                      [i18n.scenario_label(s, lang) for s in scenarios])
        ax.set_ylim(len(scenarios) - 0.5, -0.5)
        ax.set_xlim(min(lo - 0.05 * span, 0), edge + 0.04 * span)
        ax.set_xlabel(xlabel)
        _number_axis(ax, ctx)
        ax.legend(loc="lower left", bbox_to_anchor=(0.0, 1.0), ncols=2, handletextpad=0.3,
                  borderaxespad=0.2)
    return fig


def lever_contributions(lifted: pd.DataFrame, ctx: Context) -> Figure:
    """Persons lifted by each scenario against its counterfactual, with 5-95% intervals.

    Args:
        lifted: :func:`simulation.report.tables.lifted` (scenario, counterfactual, month,
            median, p05, p95).
        ctx: Language and source line.
    """
    table = lifted.rename(columns={"median": "value"})
    cf = list(dict.fromkeys(lifted["counterfactual"]))
    title = t("lifted_title", ctx.lang)
    note = t("lifted_note", ctx.lang) + " " + t("counterfactual_is", ctx.lang, name=", ".join(
        i18n.scenario_label(c, ctx.lang) for c in cf))
    return _dot_rows(table, ctx, title, t("lifted_x", ctx.lang), note, "value", 1e3)


def cost_effectiveness(cost: pd.DataFrame, ctx: Context, since: str) -> Figure:
    """Rupiah per person lifted per scenario (each lever, and the levers combined).

    Args:
        cost: :func:`simulation.report.tables.cost_per_person` (scenario, month, point, p05,
            p95; rupiah).
        ctx: Language and source line.
        since: The first month of counted spending (``YYYY-MM``).
    """
    note = t("cost_note", ctx.lang, since=i18n.month_text(since, ctx.lang))
    return _dot_rows(cost, ctx, t("cost_title", ctx.lang), t("cost_x", ctx.lang), note,
                     "point", 1e6)


# --------------------------------------------------------------------------------------------
# labour_market
# --------------------------------------------------------------------------------------------
def labour_market(unemployment: pd.DataFrame, informality: pd.DataFrame,
                  published: pd.DataFrame, scenario: str, ctx: Context) -> Figure:
    """Unemployment and informality: the scenario's bands against Sakernas points.

    Args:
        unemployment: Bands of ``unemployment_rate`` for ``scenario`` (date, p05..p95).
        informality: Bands of ``informality_rate`` likewise.
        published: Sakernas points (indicator, month, value as a fraction, use).
        scenario: The scenario drawn.
        ctx: Language and source line.
    """
    colours = palette()
    lang = ctx.lang
    panels = (("open_unemployment_rate_TPT", unemployment, "unemployment_t", "unemployment_y"),
              ("informal_employment_share", informality, "informality_t", "informality_y"))
    with _style():
        fig = _figure(COLUMN_WIDTH, 3.7, ctx, t("labour_title", lang,
                                                 scenario=i18n.scenario_label(scenario, lang)),
                      legend_rows=3)
        axes = fig.subplots(2, 1, sharex=True)
        months = list(unemployment["date"])
        first = min([months[0], *published["month"]])
        for k, (ax, (indicator, b, title, ylabel)) in enumerate(zip(axes, panels,
                                                                    strict=True)):
            x = np.array([_month_x(m) for m in b["date"]])
            ax.fill_between(x, b["p05"] * 100, b["p95"] * 100, color=colours[k], alpha=0.18,
                            lw=0, label=t("band90", lang))
            ax.fill_between(x, b["p25"] * 100, b["p75"] * 100, color=colours[k], alpha=0.38,
                            lw=0, label=t("band50", lang))
            ax.plot(x, b["median"] * 100, color=colours[k], label=t("model_median", lang))
            p = published[published["indicator"] == indicator]
            for use, filled in (("calibration", True), ("check", False)):
                q = p[p["use"] == use]
                if len(q):
                    ax.plot([_month_x(m) for m in q["month"]], q["value"] * 100, ls="none",
                            marker="s", ms=3.4, mew=0.8, color="black",
                            mfc="black" if filled else "white",
                            label=t("sakernas_calibration" if filled else "sakernas_check",
                                    lang))
            ax.set_title(t(title, lang), loc="left")
            ax.set_ylabel(t(ylabel, lang))
            _percent_axis(ax, ctx, 1)
            _time_axis(ax, first, months[-1], ctx, label=(k == 1))
            lo = min(float(b["p05"].min()), float(p["value"].min()) if len(p) else 1.0) * 100
            hi = max(float(b["p95"].max()), float(p["value"].max()) if len(p) else 0.0) * 100
            pad = 0.12 * (hi - lo) + 0.1
            ax.set_ylim(lo - pad, hi + pad)
        handles, labels = [], []
        for ax in axes:
            for h, lb in zip(*ax.get_legend_handles_labels(), strict=True):
                if lb not in labels:
                    handles.append(h)
                    labels.append(lb)
        _bottom_legend(fig, handles, labels, 2)
    return fig


# --------------------------------------------------------------------------------------------
# spending
# --------------------------------------------------------------------------------------------
def _quarter_of(month: str) -> str:
    year, mon = month.split("-")
    return f"{year}-{(int(mon) - 1) // 3 * 3 + 2:02d}"  # the quarter's middle month


def spending(by_lever: pd.DataFrame, by_programme: pd.DataFrame, scenario: str, since: str,
             end: str, ctx: Context) -> Figure:
    """Spending by lever over time (stacked, per quarter) and by programme over the run.

    Args:
        by_lever: Rupiah per month (rows ``YYYY-MM``) by lever (columns), mean over
            replications.
        by_programme: ``label, lever, rupiah`` (total from ``since`` through ``end``).
        scenario: The scenario drawn.
        since: First month counted.
        end: Last month.
        ctx: Language and source line.

    Returns:
        Two panels: Rp trillion per quarter by lever (stacked bars; a quarter cut by the run's
        start or end holds only its months in the run), and Rp trillion per programme.
    """
    colours = palette()
    lang = ctx.lang
    levers = list(by_lever.columns)
    colour_of = {lv: colours[i % len(colours)] for i, lv in enumerate(levers)}
    n_prog = len(by_programme)
    quarterly = by_lever.groupby([_quarter_of(m) for m in by_lever.index]).sum()
    with _style():
        fig = _figure(COLUMN_WIDTH, 2.1 + 0.15 * n_prog, ctx, t(
            "spending_title", lang, scenario=i18n.scenario_label(scenario, lang)),
            note=t("spending_note", lang), legend_rows=math.ceil(len(levers) / 2))
        top, bottom = fig.subplots(2, 1, height_ratios=[1.7, 0.25 + 0.15 * n_prog])
        x = np.array([_month_x(m) for m in quarterly.index])
        base = np.zeros(len(x))
        for lv in levers:
            values = quarterly[lv].to_numpy() / 1e12
            top.bar(x, values, bottom=base, width=0.22, color=colour_of[lv], lw=0,
                    label=i18n.lever_label(lv, lang))
            base += values
        top.set_ylabel(t("spending_quarter_y", lang))
        _time_axis(top, by_lever.index[0], by_lever.index[-1], ctx, label=False)
        top.set_xlim(x[0] - 0.2, x[-1] + 0.2)
        top.set_xlabel(t("quarter", lang))
        _number_axis(top, ctx, axis="y")
        top.set_ylim(0, float(base.max()) * 1.08 if len(base) else 1)
        rank = {lv: i for i, lv in enumerate(levers)}
        order = by_programme.assign(_r=by_programme["lever"].map(rank).fillna(len(rank)))
        order = order.sort_values(["_r", "rupiah"], ascending=[True, False])
        y = np.arange(len(order))
        amounts = order["rupiah"].to_numpy() / 1e12
        bottom.barh(y, amounts, color=[colour_of.get(lv, GREY) for lv in order["lever"]],
                    height=0.7)
        bottom.set_yticks(y, [i18n.programme_label(lb, lang) for lb in order["label"]],
                          fontsize=FONT_SIZE - 1)
        bottom.set_ylim(len(order) - 0.5, -0.5)
        bottom.set_xlabel(t("spending_total_x", lang, since=i18n.month_text(since, lang),
                            end=i18n.month_text(end, lang)))
        _number_axis(bottom, ctx)
        _bottom_legend(fig, *top.get_legend_handles_labels(), 2)
        for yi, value in zip(y, amounts, strict=True):
            text = ("0" if value == 0 else "<" + ctx.num(0.1, 1) if value < 0.05
                    else ctx.num(value, 1))
            bottom.text(value, yi, " " + text, va="center", fontsize=FONT_SIZE - 1.5)
        bottom.set_xlim(0, max(float(amounts.max()), 1e-9) * 1.18)
    return fig


# --------------------------------------------------------------------------------------------
# target_probability (a sweep)
# --------------------------------------------------------------------------------------------
def _edges(values: np.ndarray, bounds: Sequence[float] | None, bins: int) -> np.ndarray:
    unique = np.unique(values)
    if len(unique) <= bins:  # a grid design: one cell per level
        if len(unique) == 1:
            return np.array([unique[0] - 0.5, unique[0] + 0.5])
        mids = (unique[1:] + unique[:-1]) / 2
        return np.concatenate([[unique[0] - (mids[0] - unique[0])], mids,
                               [unique[-1] + (unique[-1] - mids[-1])]])
    lo, hi = (float(bounds[0]), float(bounds[1])) if bounds else (values.min(), values.max())
    return np.linspace(lo, hi, bins + 1)


def target_probability(runs: pd.DataFrame, x: str, y: str, outcome: str, levers: dict,
                       box: dict | None, ctx: Context, month: str = "2024-03",
                       bins: int = 6) -> Figure:
    """P(extreme poverty <= 1%) over two levers as a heat map, with the PRIM box drawn.

    Args:
        runs: One row per run: lever columns and ``outcome`` (1.0 if the band was reached).
        x: Lever on the horizontal axis.
        y: Lever on the vertical axis.
        outcome: The column of ``runs`` holding whether the band was reached.
        levers: ``{name: {"label", "unit", "range"}}``.
        box: The PRIM box (``limits``, ``coverage``, ``density``) or None.
        ctx: Language and source line.
        month: The month of the outcome.
        bins: Cells per axis for continuous designs (a grid design gets one per level).
    """
    lang = ctx.lang
    xv, yv = runs[x].to_numpy(np.float64), runs[y].to_numpy(np.float64)
    hit = runs[outcome].to_numpy(np.float64)
    xe = _edges(xv, levers[x].get("range"), bins)
    ye = _edges(yv, levers[y].get("range"), bins)
    n, _, _ = np.histogram2d(xv, yv, bins=[xe, ye])
    k, _, _ = np.histogram2d(xv, yv, bins=[xe, ye], weights=hit)
    share = np.where(n > 0, k / np.where(n > 0, n, 1), np.nan)
    with _style():
        fig = _figure(COLUMN_WIDTH, 3.1, ctx, t("prob_title", lang,
                                                 month=i18n.month_long(month, lang)),
                      legend_rows=1 if box is not None else 0)
        ax = fig.subplots()
        mesh = ax.pcolormesh(xe, ye, share.T, cmap="cividis", vmin=0, vmax=1,
                             edgecolors="white", linewidth=0.4)
        for i in range(len(xe) - 1):
            for j in range(len(ye) - 1):
                if n[i, j] > 0:
                    ax.text((xe[i] + xe[i + 1]) / 2, (ye[j] + ye[j + 1]) / 2,
                            ctx.num(n[i, j]), ha="center", va="center",
                            fontsize=FONT_SIZE - 2,
                            color="black" if share[i, j] > 0.55 else "white")
        bar = fig.colorbar(mesh, ax=ax, shrink=0.9, pad=0.02)
        bar.set_label(t("prob_bar", lang) + " (%)")
        bar.ax.yaxis.set_major_formatter(
            __import__("matplotlib").ticker.FuncFormatter(lambda v, _p: ctx.num(100 * v)))
        if box is not None:
            limits = box["limits"]
            bx = limits.get(x, [xe[0], xe[-1]])
            by = limits.get(y, [ye[0], ye[-1]])
            from matplotlib.patches import Rectangle

            ax.add_patch(Rectangle((bx[0], by[0]), bx[1] - bx[0], by[1] - by[0], fill=False,
                                   ec="#d7301f", lw=1.6, ls="--", zorder=5,
                                   label=t("prim_box", lang,
                                           coverage=i18n.share(box["coverage"], lang),
                                           density=i18n.share(box["density"], lang))))
            _bottom_legend(fig, *ax.get_legend_handles_labels(), 1)
        for setter, name in ((ax.set_xlabel, x), (ax.set_ylabel, y)):
            unit, label = levers[name].get("unit"), levers[name]["label"]
            # A label that states its unit already, "... (x published size)", keeps it alone.
            setter(label + (f" ({unit})" if unit and not label.rstrip().endswith(")") else ""))
        _number_axis(ax, ctx, "x")
        _number_axis(ax, ctx, "y")
        ax.set_xlim(xe[0], xe[-1])
        ax.set_ylim(ye[0], ye[-1])
        ax.text(1.0, 1.01, t("runs_in_cell", lang), transform=ax.transAxes, ha="right",
                va="bottom", fontsize=FONT_SIZE - 1.5, color=GREY)
    return fig


# --------------------------------------------------------------------------------------------
# calibration_fit
# --------------------------------------------------------------------------------------------
def calibration_fit(fit: pd.DataFrame, ctx: Context) -> Figure:
    """Every calibration target's model band (5-95%) against its published value.

    Values of different units share one axis as a percentage of the published value
    (published = 100); each row's label gives the target, its month and the published value
    with its unit. Out-of-sample checks are drawn hollow.
    """
    colours = palette()
    lang = ctx.lang
    rows = fit.reset_index(drop=True)
    height = 1.0 + 0.2 * len(rows)
    with _style():
        fig = _figure(COLUMN_WIDTH, height + 0.1 * len(rows), ctx, t("fit_title", lang),
                      legend_rows=3)
        ax = fig.subplots()
        y = np.arange(len(rows))
        rel = lambda col: 100 * rows[col] / rows["published"]  # noqa: E731
        for flag, key, colour, face in ((True, "fit_in", colours[0], None),
                                        (False, "fit_out", colours[1], "white")):
            m = (rows["in_sample"] == flag).to_numpy()
            if not m.any():
                continue
            lo, mid, hi = rel("model_p05")[m], rel("model_median")[m], rel("model_p95")[m]
            lo, hi = np.minimum(lo, hi), np.maximum(lo, hi)  # negative published values
            ax.errorbar(mid, y[m], xerr=[mid - lo, hi - mid], fmt="o", ms=3.4, color=colour,
                        mfc=face or colour, elinewidth=1.0, capsize=0, label=t(key, lang))
        ax.axvline(100, color="black", lw=0.8, label=t("fit_published", lang))
        labels = [f"{r.target}\n{i18n.month_text(r.date, lang) if len(r.date) == 7 else r.date}"
                  f": {ctx.num(r.published, 2)} {r.unit}" for r in rows.itertuples()]
        ax.set_yticks(y, labels, fontsize=FONT_SIZE - 1.5)
        ax.set_ylim(len(rows) - 0.5, -0.5)
        ax.set_xlabel(t("fit_x", lang))
        _number_axis(ax, ctx)
        _bottom_legend(fig, *ax.get_legend_handles_labels(), 1)
    return fig
