"""Benchmark: the STDP pairing protocol on the full L5 cell, CVODE vs fixed step.

    python benchmarks/bench_stdp.py [--pairs 60] [--synapses 1 100] [--json out.json]

For each synapse count: wall time of one pairing protocol (n pairs at 1 Hz, Δt = +10 ms,
biophysical Ca, Graupner–Brunel rule) with CVODE and with fixed step dt = 0.025 ms, their
ratio, and the final ρ of both (they must agree).
"""
import argparse
import dataclasses
import json
import time

from dendriteei import pairing
from dendriteei.protocols import stdp
from dendriteei.protocols.common import cell_spec


def time_protocol(settings: pairing.PairingSettings, spec, latency, thresholds) -> tuple:
    start = time.perf_counter()
    rows = pairing.run_timing(spec, settings, 10.0, latency, thresholds)
    return time.perf_counter() - start, rows.rho_after.to_numpy()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pairs", type=int, default=60)
    parser.add_argument("--synapses", type=int, nargs="+", default=[1, 100])
    parser.add_argument("--json")
    args = parser.parse_args()
    results = []
    for n in args.synapses:
        params = stdp.StdpParams(n_pairs=args.pairs, n_synapses=n, delta_ts_ms=(10.0,))
        spec = cell_spec(params.cell)
        settings = stdp.pairing_settings(params)
        latency = pairing.post_latency_ms(spec, settings)
        thresholds = pairing.calibrate_thresholds(spec, settings)
        cvode_s, cvode_rho = time_protocol(settings, spec, latency, thresholds)
        fixed_s, fixed_rho = time_protocol(dataclasses.replace(settings, cvode=False), spec, latency, thresholds)
        row = {"synapses": n, "pairs": args.pairs, "cvode_s": cvode_s, "fixed_s": fixed_s,
               "fixed_over_cvode": fixed_s / cvode_s,
               "max_rho_difference": float(abs(cvode_rho - fixed_rho).max())}
        results.append(row)
        print(f"{n:4d} synapses, {args.pairs} pairs at 1 Hz: CVODE {cvode_s:7.1f} s, fixed {fixed_s:7.1f} s, "
              f"fixed/CVODE {row['fixed_over_cvode']:.1f}x, max |Δρ| {row['max_rho_difference']:.2e}", flush=True)
    if args.json:
        with open(args.json, "w") as handle:
            json.dump(results, handle, indent=1)


if __name__ == "__main__":
    main()
