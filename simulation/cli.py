"""The ``povsim`` command line: a thin layer over :mod:`simulation.api`.

``povsim run SCENARIO.yaml [...]`` checks every input first (scenario files, numbers, each
scenario against the run, the output folder, which it tries to write), then runs the scenarios,
writes a run folder and prints a short summary. A bad input prints one line, ``povsim: error:
FILE: KEY: expected ...``, and exits with status 2 without creating any folder. Ctrl-C, SIGTERM
and SIGHUP stop the workers, leave no folder and exit with status 130, 143 and 129.
"""

from __future__ import annotations

import argparse
import os
import shlex
import sys
import time
from collections.abc import Sequence
from pathlib import Path

from simulation import api, calibration, inputs
from simulation import experiments as ex
from simulation.errors import InputError
from simulation.posterior import load_for_run
from simulation.sweeps import commands as sweep_commands

CMD = "<command line>"
# The API's defaults; only the number of workers differs (see _default_workers).
DEFAULTS = {key: api.DEFAULTS[key] for key in ("households", "replications", "seed", "end")}

_UsageError = inputs.UsageError
_Parser = inputs.OneLineParser


def _default_workers() -> int:
    return min(2, os.cpu_count() or 1)


def build_parser() -> argparse.ArgumentParser:
    """Return the ``povsim`` argument parser (values are checked later, as InputErrors)."""
    parser = _Parser(prog="povsim", description="Agent-based model of Indonesian households "
                     "and employers for extreme-poverty policy analysis.")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    run = commands.add_parser(
        "run", help="run scenarios and write a run folder",
        description="Run each scenario with the same replication seeds (common random numbers) "
                    "and write timeseries.csv, spending.csv, summary.json and manifest.json to a "
                    "new folder.")
    run.add_argument("scenarios", nargs="+", metavar="SCENARIO.yaml", help="scenario files")
    run.add_argument("--households", default=str(DEFAULTS["households"]), metavar="N",
                     help=f"sample households per replication, {ex.HOUSEHOLDS_MIN:,} to "
                          f"{ex.HOUSEHOLDS_MAX:,} (default {DEFAULTS['households']:,})")
    run.add_argument("--replications", default=str(DEFAULTS["replications"]), metavar="R",
                     help=f"replications per scenario, 1 to {ex.REPLICATIONS_MAX:,} (default "
                          f"{DEFAULTS['replications']})")
    run.add_argument("--seed", default=str(DEFAULTS["seed"]), metavar="S",
                     help=f"root seed, 0 to 2^63 - 1 (default {DEFAULTS['seed']})")
    run.add_argument("--workers", default=None, metavar="W",
                     help=f"processes, 1 to {ex.WORKERS_MAX} (default min(2, CPUs), here "
                          f"{_default_workers()})")
    run.add_argument("--end", default=DEFAULTS["end"], metavar="YYYY-MM",
                     help=f"last month, {ex.END_MIN} to {ex.END_MAX} (default "
                          f"{DEFAULTS['end']}); runs start in {ex.START}")
    run.add_argument("--out", default=None, metavar="DIR",
                     help="output folder, new or empty (default "
                          "outputs/<scenario names joined by +>-<YYYYmmdd-HHMMSS>)")
    run.add_argument("--posterior", default="default", metavar="FILE|none",
                     help="parameter draws, one per replication (the same in every scenario): "
                          "a posterior CSV, or none for the point parameters (default "
                          "calibration/posterior.csv when it exists, else none)")
    _add_report_parser(commands)
    _add_app_parser(commands)
    sweep_commands.add_parsers(commands)  # sweep, sensitivity, discover
    calibration.add_parser(commands)
    return parser


def _add_report_parser(commands: argparse._SubParsersAction) -> None:
    report = commands.add_parser(
        "report", help="draw a run's charts and write its brief",
        description="Draw every chart of a run folder (PNG at 300 dpi, SVG, PDF) and write "
                    "brief.md and brief.pdf, in English or Indonesian.")
    report.add_argument("run_dir", metavar="RUN_DIR", help="a run folder (povsim run --out)")
    report.add_argument("--sweep", default=None, metavar="DIR",
                        help="a sweep folder, for the target_probability heat map")
    report.add_argument("--calibration", default=None, metavar="DIR",
                        help="a calibration folder, for calibration_fit")
    report.add_argument("--out", default=None, metavar="DIR",
                        help="report folder, new or empty (default RUN_DIR/report-<lang>)")
    report.add_argument("--lang", default="en", metavar="en|id",
                        help="language of labels and brief: en (default) or id (Indonesian)")


def _add_app_parser(commands: argparse._SubParsersAction) -> None:
    app = commands.add_parser(
        "app", help="open the interactive explorer (needs the app extra)",
        description="Serve the SolaraViz explorer: sliders for the Kemnaker levers and "
                    "targeting accuracy, live charts. Needs pip install -e '.[app]'.")
    app.add_argument("--host", default="127.0.0.1", help="address to serve on (default "
                     "127.0.0.1)")
    app.add_argument("--port", default="8765", metavar="PORT", help="port (default 8765)")


def _report(args: argparse.Namespace) -> int:
    from simulation.report import make_report

    report = make_report(args.run_dir, args.out, sweep=args.sweep,
                         calibration=args.calibration, lang=args.lang)
    print(f"povsim: report in {report.folder}")
    for name, paths in report.charts.items():
        print(f"  {name}: " + ", ".join(p.name for p in paths))
    for name, why in report.skipped.items():
        print(f"  {name}: skipped. {why}")
    print("  brief: brief.md, brief.pdf")
    return 0


def _app(args: argparse.Namespace) -> int:
    port = _as_int(args.port, "--port", 1, 65535)
    from simulation import app

    return app.serve(host=args.host, port=port)


def _as_int(text: str, key: str, lo: int, hi: int) -> int:
    return inputs.parse_int(text, file=CMD, key=key, lo=lo, hi=hi)


def _default_out(names: list[str]) -> Path:
    joined = "+".join(names)
    if len(joined) > 80:  # keep folder names short enough for every file system
        joined = f"{names[0]}+{len(names) - 1}-more"
    return Path("outputs") / f"{joined}-{time.strftime('%Y%m%d-%H%M%S')}"


def _run(args: argparse.Namespace, command_line: str) -> int:
    # 1. Check everything before creating anything.
    households = _as_int(args.households, "--households", ex.HOUSEHOLDS_MIN, ex.HOUSEHOLDS_MAX)
    replications = _as_int(args.replications, "--replications", 1, ex.REPLICATIONS_MAX)
    seed = _as_int(args.seed, "--seed", 0, ex.SEED_MAX)
    workers = (_default_workers() if args.workers is None
               else _as_int(args.workers, "--workers", 1, ex.WORKERS_MAX))
    ex.check_settings(households, replications, seed, workers, args.end)
    scenarios = [api.load_scenario(path) for path in args.scenarios]
    scenarios = ex.check_scenarios(scenarios, args.end, file=CMD)
    posterior = load_for_run(args.posterior, scenarios, args.end, file=CMD, key="--posterior")
    out = ex.check_out_dir(args.out if args.out is not None
                           else _default_out([s.name for s in scenarios]))

    # 2. Run, then write the folder atomically.
    print(f"povsim: {len(scenarios)} scenario(s) x {replications} replication(s), "
          f"{households:,} households, {ex.START} to {args.end}, "
          f"{min(workers, len(scenarios) * replications)} worker(s), "
          + (f"posterior {posterior.file} ({len(posterior.ids)} draws)" if posterior
             else "point parameters (no posterior)"), file=sys.stderr)
    results = api.run(scenarios, households=households, replications=replications, seed=seed,
                      end=args.end, workers=workers, progress=sys.stderr.isatty(),
                      posterior=posterior)
    out = results.save(out, command_line)
    print(format_summary(results.summary_dict(), results.experiment, out))
    return 0


def format_summary(summ: dict, result: ex.ExperimentResult, out: Path) -> str:
    """Return the human summary: the answer per scenario and month, then spending.

    Extreme poverty in percent: median, 50% and 90% intervals over replications, P(0.00%) and
    P(<=1%), each with its Monte Carlo standard error (``±``) and, for the probabilities, the
    95% Clopper-Pearson interval in brackets.
    """
    post = summ.get("posterior")
    what = (f"each with its own draw of the posterior {post['file']} "
            f"({post['distinct_draws_used']} distinct of {post['rows']} draws): parameter and "
            "model uncertainty" if post else
            "point parameters (no posterior): the intervals carry the model's noise only")
    lines = [f"Extreme poverty (% of persons) over {result.replications} replication(s) of "
             f"{result.households:,} households,", f"  {what}"]
    rows = []
    for name, per_month in summ["scenarios"].items():
        for month, s in per_month.items():
            rows.append((
                name, month,
                f"{_pct(s['extreme_poverty_rate_median'])} "
                f"±{_pct(s.get('extreme_poverty_rate_median_se'))}",
                _interval(s.get("extreme_poverty_rate_p25"), s.get("extreme_poverty_rate_p75")),
                _interval(s["extreme_poverty_rate_p05"], s["extreme_poverty_rate_p95"]),
                _probability(s, "zero"), _probability(s, "band"),
            ))
    if rows:
        header = ("scenario", "month", "median", "50% interval", "90% interval",
                  "P(0.00%)", "P(<=1%)")
        widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(len(header))]
        for i, row in enumerate([header, *rows]):
            cells = [str(c).ljust(w) if j < 2 else str(c).rjust(w)
                     for j, (c, w) in enumerate(zip(row, widths, strict=True))]
            lines.append("  " + "  ".join(cells).rstrip())
            if i == 0:
                lines.append("  " + "  ".join("-" * w for w in widths))
        lines.append("  ± Monte Carlo standard error (quantiles: order statistics; "
                     "probabilities: binomial), [95% Clopper-Pearson]; P(0.00%): a rate below "
                     "0.005%, as BPS rounds")
    else:
        lines.append(f"  (no summary month {' or '.join(ex.SUMMARY_MONTHS)} in a run ending "
                     f"{result.end}; see timeseries.csv)")
    lines.extend(_accounting_lines(summ.get("accounting")))
    lines.append(f"Output: {out}")
    lines.append(f"Wall time: {result.seconds_wall:.1f} s")
    return "\n".join(lines)


def _interval(lo: float | None, hi: float | None) -> str:
    return f"{_pct(lo)}-{_pct(hi)}"


def _probability(s: dict, key: str) -> str:
    ci = s.get(f"p_target_{key}_ci95")
    text = f"{_share(s[f'p_target_{key}'])} ±{_share(s.get(f'p_target_{key}_se'))}"
    return text + (f" [{_share(ci[0])}-{_share(ci[1])}]" if ci else "")


_LEVER_SHORT = {"social_assistance": "assist", "job_creation": "jobs", "training": "training",
                "social_insurance": "insurance"}


def _accounting_lines(acc: dict | None) -> list[str]:
    """Spending (Rp trillion) by lever and persons lifted vs the counterfactual, if any."""
    if not acc:
        return []
    levers: list[str] = []
    for entry in acc["scenarios"].values():
        for key, item in entry.items():
            if key != "counterfactual":
                levers += [lv for lv in item["spending_rupiah"]["by_lever"] if lv not in levers]
    if not levers:
        return []
    levers = ([lv for lv in _LEVER_SHORT if lv in levers]
              + sorted(lv for lv in levers if lv not in _LEVER_SHORT))
    any_cf = any(e["counterfactual"] for e in acc["scenarios"].values())
    header = ["scenario", "month", "total", *(_LEVER_SHORT.get(lv, lv) for lv in levers)]
    if any_cf:
        header += ["vs", "lifted (p05-p95)", "Rp M/person"]
    rows = []
    for name, entry in acc["scenarios"].items():
        for month, item in entry.items():
            if month == "counterfactual":
                continue
            spend = item["spending_rupiah"]
            row = [name, month, _trillion(spend["total"]),
                   *(_trillion(spend["by_lever"].get(lv)) for lv in levers)]
            if any_cf:
                impact = item.get("impact")
                if impact is None:
                    row += ["-", "-", "-"]
                else:
                    per = impact["rupiah_per_person_lifted"]
                    row += [entry["counterfactual"],
                            f"{_persons(impact['persons_lifted_median'])} "
                            f"({_persons(impact['persons_lifted_p05'])} to "
                            f"{_persons(impact['persons_lifted_p95'])})",
                            "n/a" if per is None else f"{per / 1e6:,.1f}"]
            rows.append(row)
    if not rows:
        return []
    lines = [f"Spending from {acc['spending_from']} through the month (Rp trillion, mean over "
             "replications)"]
    if any_cf:
        lines.append("and persons lifted out of extreme poverty: counterfactual (vs) minus "
                     "scenario, median (p05 to p95);")
        lines.append("Rp M/person = extra spending over the counterfactual / mean persons lifted")
    widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(len(header))]
    for i, row in enumerate([header, *rows]):
        cells = [str(c).ljust(w) if j < 2 or (any_cf and header[j] == "vs") else str(c).rjust(w)
                 for j, (c, w) in enumerate(zip(row, widths, strict=True))]
        lines.append("  " + "  ".join(cells).rstrip())
        if i == 0:
            lines.append("  " + "  ".join("-" * w for w in widths))
    return lines


def _trillion(x: float | None) -> str:
    return "n/a" if x is None else f"{x / 1e12:,.2f}"


def _persons(x: float | None) -> str:
    return "n/a" if x is None else f"{x:,.0f}"


def _pct(x: float | None) -> str:
    return "n/a" if x is None else f"{100 * x:.2f}"


def _share(x: float | None) -> str:
    return "n/a" if x is None else f"{x:.2f}"


def main(argv: Sequence[str] | None = None) -> int:
    """Run the ``povsim`` command line; return the exit status.

    Exit status: 0 on success, 2 for bad input (one line on stderr), 130 on Ctrl-C, 143 on
    SIGTERM, 129 on SIGHUP (the workers are stopped and no folder is left).
    """
    argv = list(sys.argv[1:] if argv is None else argv)
    command_line = shlex.join(["povsim", *argv])
    try:
        args = build_parser().parse_args(argv)
        if args.command == "run":
            with inputs.stop_on_signals():
                return _run(args, command_line)
        if args.command == "report":
            return _report(args)
        if args.command == "app":
            return _app(args)
        if args.command == "calibrate":
            return calibration.handle(args, command_line)
        if args.command in sweep_commands.COMMANDS:
            return sweep_commands.handle(args, command_line)
        raise _UsageError(f"unknown command {args.command!r}")  # pragma: no cover
    except InputError as exc:
        print(f"povsim: error: {exc.one_line()}", file=sys.stderr)
        return 2
    except _UsageError as exc:
        print(f"povsim: error: {CMD}: {str(exc).replace(chr(10), ' ')}", file=sys.stderr)
        return 2
    except SystemExit as exc:  # --help and --version exit through argparse
        return exc.code if isinstance(exc.code, int) else 0
    except KeyboardInterrupt as exc:  # Ctrl-C, or SIGTERM / SIGHUP (inputs.StopRequested)
        print(f"povsim: interrupted ({inputs.signal_name(exc)}); no output folder was written",
              file=sys.stderr)
        return inputs.exit_status(exc)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
