"""Wall-time benchmark of the reduced cells against the full default cell, in one run.

The reduction-fidelity protocol's Poisson-driven run (120 excitatory and 30 inhibitory Exp2Syn
inputs placed on the full cell, moved to the reduced cells by transfer impedance, the same spike
trains on every cell; the full cell fires ≈ 6 Hz) is integrated for ``--seconds`` of simulated
time on the full cell, the few-compartment reduction and the single-compartment limit, with CVODE
(atol 1e-4) and with a fixed step (dt 0.025 ms); building is not timed. Reported: wall time per
simulated second, compartments, output rate, and the speed-up against the full cell under the
same integrator (the median of ``--repeats`` runs).

    DENDRITEEI_CACHE=/tmp/deicache python benchmarks/bench_reduction.py [--seconds 2] [--repeats 1] [--json out.json]
"""
from __future__ import annotations

import argparse
import json
import statistics
from dataclasses import replace

import numpy as np

from dendriteei.protocols import reduction_fidelity as fidelity
from dendriteei.protocols.common import cell_spec
from dendriteei.reduction.placement import map_points
from dendriteei.synapses import PoissonSpikes


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=2.0)
    parser.add_argument("--repeats", type=int, default=1)
    parser.add_argument("--json", default=None)
    args = parser.parse_args()
    full = cell_spec("l5_pyramidal")
    cells = {"full": full, "reduced": cell_spec("reduced"), "single-compartment": cell_spec("single-compartment")}
    params = fidelity.ReductionFidelityParams(poisson_s=args.seconds)
    rng = np.random.default_rng(params.seed)
    exc, inh = fidelity._poisson_sites(full, params, rng)
    start, stop = params.settle_ms, params.settle_ms + args.seconds * 1000.0
    exc_trains = [PoissonSpikes(params.exc_rate_hz, start, stop).times(rng) for _ in exc]
    inh_trains = [PoissonSpikes(params.inh_rate_hz, start, stop).times(rng) for _ in inh]
    results = {}
    for integrator, cvode in (("cvode", True), ("fixed", False)):
        run_params = replace(params, cvode=cvode)
        for name, spec in cells.items():
            e, i = (exc, inh) if name == "full" else (map_points(full, spec, exc), map_points(full, spec, inh))
            runs = [fidelity.poisson_run(spec, e, i, exc_trains, inh_trains, run_params) for _ in range(args.repeats)]
            wall = statistics.median(r["wall_s"] for r in runs) / args.seconds
            results[f"{integrator}/{name}"] = {"wall_s_per_simulated_s": wall, "segments": runs[0]["n_segments"],
                                               "rate_hz": len(runs[0]["spikes_ms"]) / args.seconds}
        for name in cells:
            key = f"{integrator}/{name}"
            results[key]["speed_up"] = results[f"{integrator}/full"]["wall_s_per_simulated_s"] / \
                results[key]["wall_s_per_simulated_s"]
    for key, row in results.items():
        print(f"{key:28s} {row['wall_s_per_simulated_s']:8.2f} s/s  {row['segments']:4d} segments  "
              f"{row['rate_hz']:5.1f} Hz  speed-up {row['speed_up']:6.1f}x")
    if args.json:
        with open(args.json, "w") as handle:
            json.dump(results, handle, indent=1)


if __name__ == "__main__":
    main()
