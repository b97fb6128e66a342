"""Wall-time benchmark of the engine with many cells: cells per process, and 1 against 2 MPI ranks.

Each cell is a copy of the default cell (``l5_pyramidal``, 465 compartments) with a somatic
current step (0.4 nA from 20 ms, repetitive firing), integrated with a fixed step (dt 0.025 ms)
for ``--tstop`` ms under its own gid. Measured in one run:

* for N = 1, 2, 4, … cells in one process: build time per cell and run time; the run time of N
  cells over N times that of one cell (1.0 = the cost grows linearly with the cell count);
* the largest N split over 2 MPI ranks (``mpiexec -n 2``, ParallelContext.psolve): wall time of
  the slower rank against the same N cells in one process (speed-up 2.0 = perfect).

Every cell's spike train is checked against the single-cell run (same times to 1e-9 ms).

Run from the repository root (needs ``pip install -e '.[mpi]'`` for the ranks; about 2 min)::

    python benchmarks/bench_engine.py [--cells 1 2 4 8] [--tstop 200] [--json out.json]
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

from dendriteei.cells import l5_pyramidal
from dendriteei.engine import Simulation, Site, build

SOMA = Site("soma", region="soma")
STEP_NA, STEP_DELAY_MS = 0.4, 20.0   # the repetitive-firing step of bench_cell.py
DT_MS = 0.025


def simulate(gids, tstop_ms: float) -> tuple:
    """Build one default cell per gid and run them together: (build s, run s, {gid: spikes})."""
    start = time.perf_counter()
    cells = [build(l5_pyramidal()) for _ in gids]
    built = time.perf_counter()
    with Simulation(cells, dt_ms=DT_MS, gids=list(gids)) as sim:
        for cell in cells:
            sim.current_pulse(SOMA, STEP_NA, STEP_DELAY_MS, tstop_ms, cell=cell)
        ran = time.perf_counter()
        spikes = sim.run(tstop_ms).spikes_by_gid
        done = time.perf_counter()
    return built - start, done - ran, {int(g): np.asarray(t) for g, t in spikes.items()}


def rank_worker(n_cells: int, tstop_ms: float) -> None:
    """Under mpiexec: this rank's share of n_cells (round robin); prints the slowest rank's times."""
    from mpi4py import MPI

    from dendriteei.engine import mpi_init
    rank, ranks = mpi_init()
    gids = range(rank, n_cells, ranks)
    MPI.COMM_WORLD.Barrier()
    build_s, run_s, spikes = simulate(gids, tstop_ms)
    slowest = MPI.COMM_WORLD.allreduce(run_s, op=MPI.MAX)
    all_spikes = MPI.COMM_WORLD.gather({g: t.tolist() for g, t in spikes.items()}, root=0)
    if rank == 0:
        merged = {g: t for part in all_spikes for g, t in part.items()}
        print(json.dumps({"ranks": ranks, "run_s": slowest, "spikes": merged}))


def on_two_ranks(n_cells: int, tstop_ms: float) -> dict | None:
    mpiexec = shutil.which("mpiexec", path=os.pathsep.join([str(Path(sys.executable).parent), os.environ["PATH"]]))
    if mpiexec is None:
        return None
    command = [mpiexec, "--oversubscribe", "-n", "2", *(["--allow-run-as-root"] if os.geteuid() == 0 else []),
               sys.executable, __file__, "--rank-worker", str(n_cells), "--tstop", str(tstop_ms)]
    done = subprocess.run(command, capture_output=True, text=True, timeout=3600)
    if done.returncode != 0:
        raise RuntimeError(f"mpiexec failed:\n{done.stdout[-2000:]}\n{done.stderr[-2000:]}")
    return json.loads(next(line for line in done.stdout.splitlines() if line.startswith("{")))


def benchmark(counts, tstop_ms: float) -> dict:
    rows, reference = [], None
    for n in counts:
        build_s, run_s, spikes = simulate(range(n), tstop_ms)
        if reference is None:
            reference = spikes[0]
        for gid, times in spikes.items():
            np.testing.assert_allclose(times, reference, rtol=0, atol=1e-9, err_msg=f"gid {gid} of {n} cells")
        rows.append({"cells": n, "build_s_per_cell": build_s / n, "run_s": run_s})
    one = rows[0]["run_s"] / rows[0]["cells"]
    for row in rows:
        row["run_over_n_single"] = row["run_s"] / (row["cells"] * one)
    results = {"tstop_ms": tstop_ms, "spikes_per_cell": int(len(reference)), "in_one_process": rows}
    largest = rows[-1]
    ranks = on_two_ranks(largest["cells"], tstop_ms)
    if ranks is not None:
        for gid, times in ranks["spikes"].items():
            np.testing.assert_allclose(times, reference, rtol=0, atol=1e-9, err_msg=f"gid {gid} on 2 ranks")
        results["two_ranks"] = {"cells": largest["cells"], "run_s_slowest_rank": ranks["run_s"],
                                "speed_up_over_one_process": largest["run_s"] / ranks["run_s"]}
    return results


def report(r: dict) -> str:
    lines = [f"default cell × N, {STEP_NA} nA step, {r['tstop_ms']:g} ms fixed step (dt {DT_MS} ms), "
             f"{r['spikes_per_cell']} spikes per cell, every cell's spikes equal to one cell's"]
    lines.append(f"{'cells':>5}  {'build/cell':>10}  {'run':>8}  {'run / (N × one cell)':>20}")
    for row in r["in_one_process"]:
        lines.append(f"{row['cells']:>5}  {1e3 * row['build_s_per_cell']:>8.0f} ms  {row['run_s']:>6.2f} s"
                     f"  {row['run_over_n_single']:>20.2f}")
    if "two_ranks" in r:
        two = r["two_ranks"]
        lines.append(f"{two['cells']} cells on 2 MPI ranks: {two['run_s_slowest_rank']:.2f} s (slowest rank), "
                     f"speed-up over one process {two['speed_up_over_one_process']:.2f}x")
    else:
        lines.append("2 MPI ranks: skipped (mpiexec not found; pip install -e '.[mpi]')")
    return "\n".join(lines)


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cells", type=int, nargs="+", default=[1, 2, 4, 8], help="cell counts (default 1 2 4 8)")
    parser.add_argument("--tstop", type=float, default=200.0, help="simulated time per run, ms (default 200)")
    parser.add_argument("--json", metavar="PATH", help="also write the numbers as JSON to PATH")
    parser.add_argument("--rank-worker", type=int, metavar="N", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.rank_worker:
        rank_worker(args.rank_worker, args.tstop)
        return
    if sorted(args.cells) != args.cells or args.cells[0] < 1:
        parser.error("--cells must be increasing positive counts")
    if not args.tstop > STEP_DELAY_MS:
        parser.error(f"--tstop must exceed the step onset, {STEP_DELAY_MS} ms")
    results = benchmark(args.cells, args.tstop)
    print(report(results))
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
