#!/usr/bin/env python3
"""STDP flipped by (dis)inhibition at full resolution, run as a parallel sweep: writes the
curves (CSV + PNG), the SST-conductance scan at Δt = +10 ms and provenance into --out.

    python protocols/stdp_flip.py [--jobs N] [--pairs 60] [--out results/stdp_flip]

The curves are one sweep over Δt −100…+100 ms (step 10) × condition (control, sst, pv,
disinhibition) × rule (graupner_brunel, shouval): 168 runs of ~1 min each, spread over --jobs
worker processes (default: all CPUs); a killed run resumes where it stopped. The scan
(SST 0…80 nS, Graupner–Brunel rule) runs in this process. `dendriteei run stdp-flip` runs the
default (coarser) curves in one process.
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
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    start = time.perf_counter()
    grid = {"delta_ts_ms": [(dt,) for dt in DTS_MS], "conditions": [(c,) for c in stdp_flip.CONDITIONS],
            "rules": [(r,) for r in stdp_flip.RULES]}
    table = sweep("stdp-flip", grid=grid, fixed={"n_pairs": args.pairs}, jobs=args.jobs,
                  out=args.out / "curves.csv")
    curves = table[table.status == "ok"]
    figure = plotting.plot_stdp_flip(ProtocolResult(curves.reset_index(drop=True)))
    figure.savefig(args.out / "stdp_flip.png", dpi=120)
    print(f"curves: {len(curves)} rows, {int((table.status != 'ok').sum())} failed, "
          f"{time.perf_counter() - start:.0f} s", flush=True)
    start = time.perf_counter()
    scan = stdp_flip.inhibition_scan(stdp_flip.StdpFlipParams(n_pairs=args.pairs), SCAN_NS)
    scan.to_csv(args.out / "sst_scan.csv", index=False)
    for site in stdp_flip.SITE_NAMES:
        print(f"{site}: LTD from {stdp_flip.flip_conductance_nS(scan, site, 'LTD')} nS, "
              f"no change from {stdp_flip.flip_conductance_nS(scan, site, 'none')} nS")
    print(scan.to_string(index=False), f"\nscan: {time.perf_counter() - start:.0f} s")


if __name__ == "__main__":
    main()
