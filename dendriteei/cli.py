"""Command line: ``dendriteei list | run <protocol> [--quick] [--set name=value ...] [--out DIR] | build |
network SPEC.json --tstop-ms T [--threads N] [--out DIR] |
sweep <protocol> --grid name=start:stop:step --grid name=a,b,c [--jobs N] [--out results.csv]``."""
from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

from . import parameters
from .conditions import using_jobs
from .engine.mechanisms import MechanismError
from .parameters import ParameterError
from .spec import SpecError


def _cmd_list(args) -> int:
    from .protocols import PROTOCOLS
    for protocol in PROTOCOLS.values():
        print(f"{protocol.name}: {protocol.summary}")
        print("  --quick: " + ", ".join(f"{name}={value}" for name, value in protocol.quick))
        for row in parameters.describe(protocol.params_type):
            low = "" if row["low"] is None else row["low"]
            high = "" if row["high"] is None else row["high"]
            span = f" [{low}, {high}]" if row["low"] is not None or row["high"] is not None else ""
            if row.get("choices"):
                span = f" {{{', '.join(map(str, row['choices']))}}}"
            unit = f" {row['unit']}" if row["unit"] else ""
            print(f"  {row['name']} = {row['default']}{unit}{span}  {row['doc']}")
    return 0


def _cmd_run(args) -> int:
    from .io import write_result
    from .protocols import get
    protocol = get(args.protocol)
    base = protocol.quick_params() if args.quick else protocol.params_type()
    params = parameters.with_overrides(base, parameters.parse_assignments(args.set))
    spec = protocol.spec(params)
    writable_dir(args.out, "--out")
    start = time.perf_counter()
    with using_jobs(args.jobs):
        result = protocol.run(params, spec=spec)
    elapsed = time.perf_counter() - start
    if result is None:   # an MPI rank other than 0: rank 0 writes the gathered result
        return 0
    figure = protocol.plot(result)
    try:
        paths = write_result(protocol.name, result, params, spec, args.out, figure)
    except OSError as error:
        print(f"dendriteei: {protocol.name} ran, but writing into {args.out} failed ({_reason(error)}); "
              "each file there is complete or absent (atomic writes): free space or choose another --out "
              "and run again", file=sys.stderr)
        return 1
    print(result.summary.to_string(index=False, max_rows=60))
    print(f"\n{protocol.name}: simulated in {elapsed:.1f} s; wrote " + ", ".join(str(p) for p in paths.values()))
    return 0


def _cmd_sweep(args) -> int:
    from .sweeps import SweepError, sweep
    from .sweeps.grid import MAX_RUNS
    from .sweeps.runfile import read_runs
    grid = {}
    for item in args.grid or ():
        name, sep, values = item.partition("=")
        if not sep or not name.strip():
            raise ParameterError(f"--grid expects name=values, got {parameters.shown(item)}")
        if name.strip() in grid:
            raise ParameterError(f"--grid {name.strip()} is given twice")
        grid[name.strip()] = values.strip()
    runs = read_runs(args.run_file) if args.run_file else None
    check_finite = None if args.check_finite is None else [c for c in args.check_finite.split(",") if c]
    out = args.out or f"results/{args.protocol}-sweep.csv"
    writable_dir(Path(out).parent, "--out")
    again = "the same command" if args.resume else "the same command without --no-resume"
    kept = f"the finished runs are saved in {Path(out).with_suffix('.runs')}/ and {again} resumes it"
    try:
        frame = sweep(args.protocol, grid, runs, fixed=parameters.parse_assignments(args.set), seed=args.seed,
                      jobs=args.jobs, backend=args.backend, out=out, resume=args.resume,
                      retry_errors=args.retry_errors, timeout_s=args.timeout, check_finite=check_finite,
                      select=parameters.parse_assignments(args.select, "--select") or None,
                      max_runs=MAX_RUNS if args.max_runs is None else args.max_runs)
    except SweepError as error:
        print(f"dendriteei: {error}", file=sys.stderr)
        return 2
    except OSError as error:
        print(f"dendriteei: sweep stopped: cannot write ({_reason(error)}); {kept}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print(f"\ndendriteei: sweep interrupted; {kept}", file=sys.stderr)
        return 130
    counts, path = frame.attrs["sweep"], Path(out)
    print(f"{args.protocol}: {counts['planned']} runs ({counts['reused']} reused from earlier), "
          f"{counts['ok']} ok, {counts['error']} failed, in {counts['wall_s']:.1f} s; wrote {path}, "
          f"{path.with_suffix('.json')} and the runs in {path.with_suffix('.runs')}/")
    failed = frame[frame.status != "ok"].drop_duplicates("run_id")
    for row in failed.head(5).itertuples():
        print(f"  failed {row.run_id}: {row.error}", file=sys.stderr)
    return 1 if len(failed) else 0


def _cmd_network(args) -> int:
    from .engine.network import Network
    from .engine.parallel import ensure_mpi
    from .io import write_network
    from .network import NetworkSpec
    try:
        text = Path(args.spec).read_text()
    except OSError as error:
        raise ParameterError(f"network spec {args.spec}: {_reason(error)}") from None
    spec = NetworkSpec.from_json(text)
    if args.tstop_ms <= 0:
        raise ParameterError(f"--tstop-ms must be > 0 ms, got {args.tstop_ms:g}")
    if args.threads < 1:
        raise ParameterError(f"--threads must be ≥ 1, got {args.threads}")
    writable_dir(args.out, "--out")
    ensure_mpi()
    with Network(spec, nthread=args.threads) as network:
        result = network.run(args.tstop_ms, progress=not args.quiet)
    if result is None:   # MPI rank other than 0
        return 0
    from .plotting import plot_network
    paths = write_network(result, args.out, plot_network(result))
    rates = result.rates_hz(args.tstop_ms)
    for row in rates.itertuples():
        print(f"{row.population}: {row.rate_hz:.2f} Hz")
    print(f"{spec.name}: {spec.n_cells} cells, {sum(result.connections.values())} connections, "
          f"{len(result.spikes)} spikes; built in {result.timing['build_s']:.1f} s, ran in {result.timing['run_s']:.1f} s "
          f"on {result.timing['ranks']} rank(s); wrote " + ", ".join(str(p) for p in paths.values()))
    return 0


def _cmd_build(args) -> int:
    from .engine import mechanisms
    print(mechanisms.build(force=args.force))
    return 0


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(prog="dendriteei", description=__doc__)
    sub = top.add_subparsers(dest="command", required=True)
    sub.add_parser("list", help="protocols with their parameters, defaults, units and ranges")
    run = sub.add_parser("run", help="run a protocol; writes CSV, PNG and JSON into --out")
    run.add_argument("protocol")
    run.add_argument("--set", action="append", metavar="NAME=VALUE", help="override a parameter (repeatable)")
    run.add_argument("--quick", action="store_true",
                     help="start from the protocol's quick setting (a smoke run of seconds; see `dendriteei list`)")
    run.add_argument("--out", default="results", help="output directory (default: results)")
    run.add_argument("--jobs", type=int, default=None, help="worker processes for the protocol's independent "
                     "conditions (default: the CPUs available; 1: all in this process; same results either way)")
    sw = sub.add_parser("sweep", help="run a protocol over a parameter grid; writes a tidy CSV, a JSON side-car "
                        "and one file per finished run (a killed sweep resumes where it stopped)")
    sw.add_argument("protocol", help="protocol name (dendriteei list)")
    sw.add_argument("--grid", action="append", metavar="NAME=VALUES",
                    help="sweep axis (repeatable; the grid is their product): start:stop:step (stop included when "
                         "on the grid), a,b,c, or for list parameters a,b;c (';' between values)")
    sw.add_argument("--set", action="append", metavar="NAME=VALUE", help="fixed parameter for every run (repeatable)")
    sw.add_argument("--run-file", metavar="FILE", help="explicit runs: JSON list of objects or CSV, one run per row "
                    "(combined with every grid point)")
    sw.add_argument("--jobs", type=int, default=None, help="worker processes (default: the CPUs available)")
    sw.add_argument("--backend", default="process", choices=("process", "serial", "mpi"),
                    help="process (default), serial (this process) or mpi (under mpiexec ... -m mpi4py.futures)")
    sw.add_argument("--out", help="table file, .csv or .parquet (default: results/<protocol>-sweep.csv)")
    sw.add_argument("--resume", action=argparse.BooleanOptionalAction, default=True,
                    help="reuse runs already saved beside --out (default); --no-resume deletes them first")
    sw.add_argument("--retry-errors", action="store_true", help="on resume, compute failed runs again")
    sw.add_argument("--seed", type=int, default=0, help="sweep seed: each run's seed hashes it with the run's "
                    "parameters (default 0)")
    sw.add_argument("--timeout", type=float, metavar="SECONDS", help="kill a run after this long; it is recorded "
                    "as an error (process and mpi backends)")
    sw.add_argument("--check-finite", metavar="COLUMNS", help="comma-separated output columns that must be finite "
                    "in every row ('' checks nothing; default: error on inf, or a column NaN in every row)")
    sw.add_argument("--select", action="append", metavar="COLUMN=VALUE",
                    help="keep only summary rows with this value, e.g. site=soma (repeatable)")
    sw.add_argument("--max-runs", type=int, metavar="N",
                    help="refuse a sweep of more runs, before any run (default 100000)")
    net = sub.add_parser("network", help="run a network spec (JSON, dendriteei.network.NetworkSpec) on this process "
                         "or under mpiexec; writes spikes, weights, currents, rates, network.json and a figure")
    net.add_argument("spec", help="network spec JSON file (NetworkSpec.to_json)")
    net.add_argument("--tstop-ms", type=float, required=True, help="simulated time (ms)")
    net.add_argument("--threads", type=int, default=1, help="threads per rank (default 1)")
    net.add_argument("--out", default="results/network", help="output directory (default: results/network)")
    net.add_argument("--quiet", action="store_true", help="no progress bar")
    build = sub.add_parser("build", help="compile the NMODL mechanisms into the cache")
    build.add_argument("--force", action="store_true", help="rebuild even if a build exists")
    return top


def main(argv=None) -> int:
    args = parser().parse_args(argv)
    commands = {"list": _cmd_list, "run": _cmd_run, "sweep": _cmd_sweep, "network": _cmd_network, "build": _cmd_build}
    try:
        return commands[args.command](args)
    except (ParameterError, SpecError, MechanismError) as error:
        print(f"dendriteei: {error}", file=sys.stderr)
        return 2
    except OSError as error:  # e.g. an unwritable DENDRITEEI_CACHE
        print(f"dendriteei: {_reason(error)}", file=sys.stderr)
        return 1


def _reason(error: OSError) -> str:
    """One line: what failed, on which file."""
    where = f": {error.filename}" if error.filename else ""
    return f"{error.strerror or error}{where}"


def writable_dir(path, option: str) -> None:
    """Refuse (ParameterError) a directory that does not exist and cannot be made, or cannot be
    written: before anything is computed. Creates nothing: checks the nearest existing parent."""
    existing = Path(path).absolute()
    while not existing.exists():
        existing = existing.parent
    if not existing.is_dir():
        raise ParameterError(f"{option} {path}: {existing} is a file, not a directory; nothing was run")
    if not os.access(existing, os.W_OK | os.X_OK):
        raise ParameterError(f"{option} {path}: {existing} is not writable; nothing was run")


if __name__ == "__main__":
    sys.exit(main())
