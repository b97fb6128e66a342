"""Command line: ``dendriteei list | run <protocol> [--set name=value ...] [--out DIR] | build``."""
from __future__ import annotations

import argparse
import sys
import time

from . import parameters
from .mechanisms import MechanismError
from .parameters import ParameterError
from .spec import SpecError


def _cmd_list(args) -> int:
    from .protocols import PROTOCOLS
    for protocol in PROTOCOLS.values():
        print(f"{protocol.name}: {protocol.summary}")
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
    from . import plotting
    from .io import write_result
    from .protocols import get
    from .protocols.common import cell_spec
    protocol = get(args.protocol)
    params = parameters.with_overrides(protocol.params_type(), parameters.parse_assignments(args.set))
    spec = cell_spec(params.cell)
    start = time.perf_counter()
    result = protocol.run(params, spec=spec)
    elapsed = time.perf_counter() - start
    figure = getattr(plotting, protocol.plot)(result)
    paths = write_result(protocol.name, result, params, spec, args.out, figure)
    print(result.summary.to_string(index=False, max_rows=60))
    print(f"\n{protocol.name}: simulated in {elapsed:.1f} s; wrote " + ", ".join(str(p) for p in paths.values()))
    return 0


def _cmd_build(args) -> int:
    from . import mechanisms
    print(mechanisms.build(force=args.force))
    return 0


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(prog="dendriteei", description=__doc__)
    sub = top.add_subparsers(dest="command", required=True)
    sub.add_parser("list", help="protocols with their parameters, defaults, units and ranges")
    run = sub.add_parser("run", help="run a protocol; writes CSV, PNG and JSON into --out")
    run.add_argument("protocol")
    run.add_argument("--set", action="append", metavar="NAME=VALUE", help="override a parameter (repeatable)")
    run.add_argument("--out", default="results", help="output directory (default: results)")
    build = sub.add_parser("build", help="compile the NMODL mechanisms into the cache")
    build.add_argument("--force", action="store_true", help="rebuild even if a build exists")
    return top


def main(argv=None) -> int:
    args = parser().parse_args(argv)
    commands = {"list": _cmd_list, "run": _cmd_run, "build": _cmd_build}
    try:
        return commands[args.command](args)
    except (ParameterError, SpecError, MechanismError) as error:
        print(f"dendriteei: {error}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
