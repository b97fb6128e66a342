#!/usr/bin/env python3
"""STDP flipped by (dis)inhibition at full resolution, run as a parallel sweep: writes the
curves (CSV + PNG), the SST-conductance scan at Δt = +10 ms and provenance into --out.

    python protocols/stdp_flip.py [--jobs N] [--pairs 60] [--out results/stdp_flip] [--predicted]

The curves are one sweep over Δt −100…+100 ms (step 10) × condition (control, sst, pv,
disinhibition) × rule (graupner_brunel, shouval): 168 runs of ~1 min each, spread over --jobs
worker processes (default: all CPUs); a killed run resumes where it stopped. The scan
(SST 0…80 nS, Graupner–Brunel rule) runs in this process. `dendriteei run stdp-flip` runs the
default (coarser) curves in one process. With --predicted the Graupner–Brunel curves and scan
simulate two pairings per run and give GB's analytic outcome of --pairs pairings from their time
above θ_d, θ_p (stdp_flip.predicted_outcomes; minutes instead of hours).
"""
import argparse
import time
from pathlib import Path


from dendriteei import plotting, sweep
from dendriteei.protocols import stdp_flip
from dendriteei.protocols.common import ProtocolResult

DTS_MS = tuple(float(dt) for dt in range(-100, 101, 10))
SCAN_NS = (0.0, 5.0, 10.0, 20.0, 40.0, 80.0, 160.0)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("results/stdp_flip"))
    parser.add_argument("--jobs", type=int, default=None)
    parser.add_argument("--pairs", type=int, default=60)
    parser.add_argument("--predicted", action="store_true")
    args = parser.parse_args()
    simulated = 2 if args.predicted else args.pairs
    rules = ("graupner_brunel",) if args.predicted else stdp_flip.RULES
    args.out.mkdir(parents=True, exist_ok=True)
    start = time.perf_counter()
    grid = {"delta_ts_ms": [(dt,) for dt in DTS_MS], "conditions": [(c,) for c in stdp_flip.CONDITIONS],
            "rules": [(r,) for r in rules]}
    table = sweep("stdp-flip", grid=grid, fixed={"n_pairs": simulated}, jobs=args.jobs,
                  out=args.out / "curves.csv")
    curves = table[table.status == "ok"]
    if args.predicted:
        params = stdp_flip.StdpFlipParams(n_pairs=simulated)
        curves = stdp_flip.predicted_outcomes(curves, params, simulated, args.pairs)
        curves = curves.assign(outcome=curves.predicted_outcome, change=curves.predicted_change)
        curves.to_csv(args.out / "curves_predicted.csv", index=False)
    figure = plotting.plot_stdp_flip(ProtocolResult(curves.reset_index(drop=True)))
    figure.savefig(args.out / "stdp_flip.png", dpi=120)
    print(f"curves: {len(curves)} rows, {int((table.status != 'ok').sum())} failed, "
          f"{time.perf_counter() - start:.0f} s", flush=True)
    start = time.perf_counter()
    scan_params = stdp_flip.StdpFlipParams(n_pairs=simulated)
    scan = stdp_flip.inhibition_scan(scan_params, SCAN_NS)
    if args.predicted:
        scan = stdp_flip.predicted_outcomes(scan, scan_params, simulated, args.pairs)
        scan = scan.assign(outcome=scan.predicted_outcome, change=scan.predicted_change)
    scan.to_csv(args.out / "sst_scan.csv", index=False)
    for site in stdp_flip.SITE_NAMES:
        print(f"{site}: LTD from {stdp_flip.flip_conductance_nS(scan, site, 'LTD')} nS, "
              f"no change from {stdp_flip.flip_conductance_nS(scan, site, 'none')} nS")
    print(scan.to_string(index=False), f"\nscan: {time.perf_counter() - start:.0f} s")


if __name__ == "__main__":
    main()
