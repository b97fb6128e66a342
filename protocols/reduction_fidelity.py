#!/usr/bin/env python3
"""Reduction fidelity on the full grid: the plasticity sign over pathway × Δt × frequency ×
inhibition as a parallel sweep, the voltage and speed measures, and inhibitory STDP (the
dendritic-balance setup) on the full and the reduced cell. Writes into --out:

- plasticity.csv (every pairing outcome on every cell), agreement.csv, confusion.csv;
- voltage.csv (voltage and speed measures per cell), traces.csv.gz (Poisson run);
- istdp.csv (final rate and E–I co-tuning r per cell and post signal);
- reduction_fidelity.png and timing.json (wall time of each part).

    python protocols/reduction_fidelity.py [--jobs 2] [--out results/reduction_fidelity] [--cell l5_pyramidal]

The plasticity grid is 12 runs (3 frequencies × 4 conditions), each all Δt and pathways on the
full, reduced and single-compartment cell; a killed sweep resumes where it stopped. The
reductions are fitted once, before the sweep, and read from the cache by every worker.
"""
import argparse
import json
import time
from dataclasses import replace
from pathlib import Path

import pandas as pd

from dendriteei import plotting, sweep
from dendriteei.protocols import reduction_fidelity as fidelity
from dendriteei.protocols.common import ProtocolResult, cell_spec
from dendriteei.reduction.fidelity import agreement, confusion

#: Branches of the dendritic-balance comparison that exist on both cells (rank selectors): the first
#: basal, first oblique and both tuft sections/branches.
ISTDP_BRANCHES = ("basal:0", "oblique:0", "tuft:0", "tuft:1")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("results/reduction_fidelity"))
    parser.add_argument("--jobs", type=int, default=None)
    parser.add_argument("--cell", default="l5_pyramidal")
    parser.add_argument("--skip-istdp", action="store_true", help="leave out the dendritic-balance comparison")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    timing = {}
    params = fidelity.ReductionFidelityParams(cell=args.cell)

    start = time.perf_counter()
    full = cell_spec(args.cell)
    fidelity.reduced_variants(full, params)          # fit once; the workers read the cache
    timing["reduction_s"] = time.perf_counter() - start

    start = time.perf_counter()
    grid = {"frequencies_hz": [(f,) for f in params.frequencies_hz],
            "conditions": [(c,) for c in params.conditions]}
    table = sweep("reduction-fidelity", grid=grid, fixed={"cell": args.cell, "parts": ("plasticity",)},
                  jobs=args.jobs, out=args.out / "plasticity_runs.csv")
    outcomes = table[table.status == "ok"].reset_index(drop=True)
    outcomes.to_csv(args.out / "plasticity.csv", index=False)
    variants = [v for v in outcomes.variant.unique() if v != "full"]
    agreements = pd.DataFrame([agreement(outcomes, v) for v in variants])
    reference = outcomes[outcomes.variant == "full"].set_index("key")
    matrices = pd.concat([confusion(reference.outcome, outcomes[outcomes.variant == v].set_index("key")
                                    .outcome.reindex(reference.index)).stack().rename("count").reset_index()
                          .assign(variant=v) for v in variants], ignore_index=True)
    agreements.to_csv(args.out / "agreement.csv", index=False)
    matrices.to_csv(args.out / "confusion.csv", index=False)
    timing["plasticity_s"] = time.perf_counter() - start
    print(agreements.to_string(index=False), f"\nplasticity grid: {len(reference)} cases per cell, "
          f"{int((table.status != 'ok').sum())} failed runs, {timing['plasticity_s']:.0f} s", flush=True)

    start = time.perf_counter()
    voltage = fidelity.run(replace(params, parts=("voltage",)), spec=full)
    voltage.summary.to_csv(args.out / "voltage.csv", index=False)
    voltage.traces.to_csv(args.out / "traces.csv.gz", index=False)
    timing["voltage_s"] = time.perf_counter() - start
    print(voltage.summary.to_string(index=False), f"\nvoltage: {timing['voltage_s']:.0f} s", flush=True)

    if not args.skip_istdp:
        start = time.perf_counter()
        cells = [args.cell, f"reduced:{args.cell}" if args.cell != "l5_pyramidal" else "reduced"]
        istdp = sweep("dendritic-balance", grid={"cell": cells}, fixed={"branches": ISTDP_BRANCHES},
                      jobs=args.jobs, out=args.out / "istdp_runs.csv")
        istdp.to_csv(args.out / "istdp.csv", index=False)
        timing["istdp_s"] = time.perf_counter() - start
        print(f"dendritic balance: {timing['istdp_s']:.0f} s", flush=True)

    figure = plotting.plot_reduction_fidelity(ProtocolResult(voltage.summary, voltage.traces,
                                                             {"agreement": agreements, "confusion": matrices}))
    figure.savefig(args.out / "reduction_fidelity.png", dpi=120)
    (args.out / "timing.json").write_text(json.dumps(timing, indent=1))
    print("timing (s):", json.dumps({k: round(v) for k, v in timing.items()}))


if __name__ == "__main__":
    main()
