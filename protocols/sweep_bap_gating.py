#!/usr/bin/env python3
"""Sweep example: bAP amplitude at a dendritic site over inhibition onset × conductance, as a heat map.

    python protocols/sweep_bap_gating.py [--protocol NAME] [--jobs N] [--out results/sweep_bap_gating.csv]
    mpiexec -n 5 python -m mpi4py.futures protocols/sweep_bap_gating.py --backend mpi   # 4 worker ranks

`bap-gating`: one inhibitory input on an oblique branch (Wilmes et al. 2016), onset −6…4 ms
relative to the somatic spike (step 1 ms) × peak conductance 0…80 nS (step 10 nS), 99 runs;
the map shows bap_amplitude_mV at the gated site oblique_0 (row g = 0: the control run).
`--protocol bap-attenuation` draws the same kind of map for the somatic pulse (duration ×
amplitude, trunk@800).

Writes <out> (tidy table), <out>.json (provenance), <out>.runs/ (one file per finished run)
and <out>.png. A killed sweep resumes: run the same line again.
"""
import argparse
import sys
from pathlib import Path

import pandas as pd

from dendriteei import sweep
from dendriteei.plotting import plot_sweep_heatmap


def inhibited_condition(table: pd.DataFrame) -> pd.DataFrame:
    """bap-gating rows of the run's own (g, onset), not of the control run (g = 0) it also
    holds; failed runs stay (grey cells)."""
    return table[(table.status != "ok") | (table.g_nS == pd.to_numeric(table.inhibition_g_nS))]


#: Per protocol: the two grid axes (x, y), the heat-mapped output, the summary row it is read
#: from, fixed parameters and, if a run has several such rows, which one to draw.
EXAMPLES = {
    "bap-gating": {"grid": {"inhibition_onset_ms": "-6:4:1", "inhibition_g_nS": "0:80:10"},
                   "value": "bap_amplitude_mV", "where": {"site": "oblique_0"},
                   "fixed": {"inhibition_location": "oblique"}, "rows": inhibited_condition},
    "bap-attenuation": {"grid": {"duration_ms": "1:5:1", "amplitude_nA": "0.5:2:0.5"},
                        "value": "bap_amplitude_mV", "where": {"site": "trunk@800"},
                        "fixed": {"step_um": 400.0, "window_ms": 20.0}},
}


def main(argv=None) -> int:
    cli = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    cli.add_argument("--protocol", choices=EXAMPLES, default="bap-gating")
    cli.add_argument("--jobs", type=int, default=None, help="worker processes (default: the CPUs available)")
    cli.add_argument("--backend", default="process", choices=("process", "serial", "mpi"))
    cli.add_argument("--out", type=Path, default=None, help="table (.csv); default results/sweep_<protocol>.csv")
    cli.add_argument("--resume", action=argparse.BooleanOptionalAction, default=True)
    args = cli.parse_args(argv)
    example = EXAMPLES[args.protocol]
    out = args.out or Path("results") / f"sweep_{args.protocol.replace('-', '_')}.csv"
    table = sweep(args.protocol, example["grid"], fixed=example["fixed"], jobs=args.jobs, backend=args.backend,
                  out=out, resume=args.resume, check_finite=[example["value"]], select=example["where"])
    x, y = example["grid"]
    rows = example.get("rows", lambda frame: frame)(table)
    figure = plot_sweep_heatmap(rows, x, y, example["value"], example["where"])
    figure.savefig(out.with_suffix(".png"), dpi=120)
    counts = table.attrs["sweep"]
    print(f"{args.protocol}: {counts['ok']} ok, {counts['error']} failed of {counts['planned']} runs; "
          f"wrote {out}, {out.with_suffix('.json')}, {out.with_suffix('.png')}")
    return 0 if counts["error"] == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
