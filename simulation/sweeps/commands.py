"""The sweep commands of ``povsim``: ``sweep``, ``sensitivity`` and ``discover``.

:mod:`simulation.cli` adds their parsers (:func:`add_parsers`) and calls :func:`handle`; every
value is checked before anything runs, and a bad one is one line and exit status 2.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from simulation import inputs
from simulation.errors import InputError

CMD = "<command line>"
COMMANDS = ("sweep", "sensitivity", "discover", "search")


def _default_workers() -> int:
    return min(2, os.cpu_count() or 1)


def add_parsers(commands) -> None:
    """Add ``sweep``, ``sensitivity`` and ``discover`` to the ``povsim`` subparsers."""
    from simulation import experiments as ex

    sweep = commands.add_parser(
        "sweep", help="run a sweep file's design and write a sweep folder",
        description="Run every design point of a sweep file (levers x uncertainties x "
                    "replications, and the counterfactual of each scenario) on local processes "
                    "or a Dask cluster; each finished run is appended to runs.csv.")
    sweep.add_argument("sweep", metavar="SWEEP.yaml", help="sweep file")
    where = sweep.add_mutually_exclusive_group()
    where.add_argument("--workers", default=None, metavar="N",
                       help=f"local processes, 1 to {ex.WORKERS_MAX} (default min(2, CPUs), "
                            f"here {_default_workers()})")
    where.add_argument("--scheduler", default=None, metavar="ADDRESS",
                       help="run on a dask.distributed cluster (tcp://host:8786)")
    sweep.add_argument("--out", default=None, metavar="DIR",
                       help="sweep folder, new or empty (default outputs/sweep-<name>-<time>); "
                            "with --resume, the folder of this same sweep")
    sweep.add_argument("--resume", action="store_true",
                       help="go on with the runs recorded in --out (same sweep file only)")
    sweep.add_argument("--yes", action="store_true",
                       help="run a sweep above 100,000,000 household-runs")

    sens = commands.add_parser(
        "sensitivity", help="Sobol or Morris indices of a sweep's uncertain inputs (SALib)",
        description="Sobol indices (Sobol design) or Morris elementary effects (Morris design) "
                    "of an outcome over the sweep's uncertain inputs, with confidence intervals; "
                    "writes sensitivity.csv, sensitivity.json and sensitivity.png.")
    sens.add_argument("folder", metavar="SWEEP_DIR", help="a complete sweep folder")
    sens.add_argument("--outcome", default=None, metavar="NAME",
                      help="outcome column (default extreme_poverty_rate_2024_12)")

    disc = commands.add_parser(
        "discover", help="PRIM boxes of lever values where the target is reached",
        description="Scenario discovery with the EMA Workbench's PRIM over the sweep's levers: "
                    "the boxes where the target outcome (default band_2024_12, extreme poverty "
                    "at or below 1% in December 2024) is reached with probability >= the "
                    "threshold; writes discovery.json.")
    disc.add_argument("folder", metavar="SWEEP_DIR", help="a complete sweep folder")
    disc.add_argument("--target", default=None, metavar="NAME",
                      help="a 0/1 outcome column (default band_2024_12)")
    search = commands.add_parser(
        "search", help="the cheapest lever sizes reaching the 2024 targets (what it takes)",
        description="For each decision date of a search file, sweep the levers (from that "
                    "date) under the uncertainty, refine near the frontier, and write the "
                    "cheapest combination reaching P(target) >= the threshold per target x "
                    "target month x decision date (what_it_takes.csv and .md).")
    search.add_argument("search", metavar="SEARCH.yaml", help="search file")
    search.add_argument("--workers", default=None, metavar="N",
                        help=f"local processes, 1 to {ex.WORKERS_MAX} (default min(2, CPUs), "
                             f"here {_default_workers()})")
    search.add_argument("--out", default=None, metavar="DIR",
                        help="search folder, new or empty (default "
                             "outputs/search-<name>-<time>); with --resume, this search's")
    search.add_argument("--resume", action="store_true",
                        help="go on with the runs recorded in --out (same search only)")
    search.add_argument("--posterior", default=None, metavar="FILE",
                        help="posterior CSV replacing the search file's posterior: entry "
                             "('none': no posterior)")
    search.add_argument("--yes", action="store_true",
                        help="run sweeps above 100,000,000 household-runs")
    disc.add_argument("--threshold", default="0.8", metavar="P",
                      help="least density (probability of the target inside a box), 0 to 1 "
                           "(default 0.8)")


def handle(args: argparse.Namespace, command_line: str) -> int:
    """Run one of :data:`COMMANDS`; return the exit status."""
    if args.command == "sweep":
        return _sweep(args, command_line)
    if args.command == "search":
        return _search(args, command_line)
    if args.command == "sensitivity":
        from simulation.sweeps import sensitivity

        res = sensitivity.analyse(args.folder, outcome=args.outcome)
        print(sensitivity.format_table(res))
        return 0
    from simulation.sweeps import discovery

    threshold = _fraction(args.threshold, "--threshold")
    res = discovery.discover(args.folder, target=args.target, threshold=threshold)
    print(discovery.format_boxes(res))
    return 0


def _fraction(text: str, key: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = float("nan")
    if not 0.0 < value <= 1.0:
        raise InputError(CMD, key, "a probability above 0 and at most 1", text)
    return value


def _sweep(args: argparse.Namespace, command_line: str) -> int:
    from simulation import experiments as ex
    from simulation.sweeps import load_sweep, run_sweep
    from simulation.sweeps.runner import check_sweep_folder, dask_client, default_out

    # 1. Check everything before creating anything.
    workers = (_default_workers() if args.workers is None
               else inputs.parse_int(args.workers, file=CMD, key="--workers", lo=1,
                                     hi=ex.WORKERS_MAX))
    if args.resume and args.out is None:
        raise InputError(CMD, "--resume", "--out DIR naming the sweep folder to resume")
    if args.scheduler is not None and not args.scheduler.strip():
        raise InputError(CMD, "--scheduler", "a scheduler address (tcp://host:8786)",
                         args.scheduler)
    sweep = load_sweep(args.sweep, yes=args.yes)
    out = Path(args.out) if args.out is not None else default_out(sweep.spec.name)
    check_sweep_folder(out, sweep, args.resume)
    client = dask_client(args.scheduler) if args.scheduler is not None else None

    # 2. Run.
    try:
        res = run_sweep(sweep, out, workers=workers, client=client, resume=args.resume,
                        progress=sys.stderr.isatty(), command_line=command_line,
                        log=lambda s: print(s, file=sys.stderr))
    except KeyboardInterrupt as exc:
        print(f"povsim: interrupted ({inputs.signal_name(exc)}); the finished runs are in "
              f"{out}: resume with povsim sweep {args.sweep} --out {out} --resume",
              file=sys.stderr)
        return inputs.exit_status(exc)
    finally:
        if client is not None:
            client.close()
    print(f"Sweep {sweep.spec.name}: {res.recorded:,} of {res.runs:,} runs recorded "
          f"({res.failed:,} failed); {res.model_runs_now:,} model runs now in "
          f"{res.seconds:.1f} s ({res.runs_per_minute:.1f} runs per minute)")
    print(f"Output: {out}")
    nxt = []
    if sweep.spec.design["uncertainties"].sampler in ("sobol", "morris"):
        nxt.append(f"povsim sensitivity {out}")
    if sweep.spec.levers:
        nxt.append(f"povsim discover {out}")
    if nxt:
        print("Next: " + " | ".join(nxt))
    return 0 if res.recorded == res.runs else 1


def _search(args: argparse.Namespace, command_line: str) -> int:
    from simulation import experiments as ex
    from simulation.sweeps import search as se

    workers = (_default_workers() if args.workers is None
               else inputs.parse_int(args.workers, file=CMD, key="--workers", lo=1,
                                     hi=ex.WORKERS_MAX))
    if args.resume and args.out is None:
        raise InputError(CMD, "--resume", "--out DIR naming the search folder to resume")
    if args.posterior is not None and not args.posterior.strip():
        raise InputError(CMD, "--posterior", "a posterior CSV file or none", args.posterior)
    search = se.load_search(args.search, posterior=args.posterior, yes=args.yes)
    out = Path(args.out) if args.out is not None else se.default_out(search.name)
    se._check_folder(out, search, args.resume)
    try:
        res = se.run_search(search, out, workers=workers, resume=args.resume,
                            progress=sys.stderr.isatty(), command_line=command_line,
                            log=lambda s: print(s, file=sys.stderr))
    except KeyboardInterrupt as exc:
        print(f"povsim: interrupted ({inputs.signal_name(exc)}); the finished runs are in "
              f"{out}: resume with povsim search {args.search} --out {out} --resume",
              file=sys.stderr)
        return inputs.exit_status(exc)
    print(se.markdown(res["table"], search))
    print(f"Output: {res['folder']}")
    return 0
