#!/usr/bin/env python3
"""Sweep engine speed: a 40-run sweep of a short protocol, serial vs worker processes.

    python benchmarks/bench_sweep.py [--jobs 2] [--runs 40]

The protocol is bap-attenuation on the default cell with settle_ms = 50, window_ms = 10 and
step_um = 400 (a fraction of a second per run), over pulse amplitude × duration. Prints:

- wall time of the serial sweep (this process) and of the process sweep, and the speed-up
  (target ≥ 1.8× with 2 workers on 2 idle cores);
- per-run overhead in ms: worker start (spawn, imports, mechanism load; paid once per worker,
  shown per worker and amortised per run), cell build (paid by every run, inside run_time_s)
  dispatch (pipe, pickling; from one worker's result gaps on tiny runs) and storage (the atomic
  JSON write of a record);
- the load average, and what --jobs busy-loop processes gain over one on this machine before
  and after the sweeps (the ideal speed-up at the time: other programs on the cores lower it).
"""
import argparse
import multiprocessing
import os
import tempfile
import time
from pathlib import Path

from dendriteei.engine import mechanisms
from dendriteei.sweeps import sweep
from dendriteei.workers import WorkerPool
from dendriteei.sweeps.store import RunStore

SHORT = {"settle_ms": 50.0, "window_ms": 10.0, "step_um": 400.0}


def grid(runs: int) -> dict:
    """runs = 8 amplitudes × (runs / 8) durations."""
    durations = max(1, runs // 8)
    return {"amplitude_nA": [round(1.0 + 0.1 * i, 3) for i in range(8)],
            "duration_ms": [round(2.0 + 0.5 * i, 3) for i in range(durations)]}


def _spin(loops: int) -> None:
    total = 0
    for i in range(loops):
        total += i


def cpu_capacity(jobs: int, loops: int = 20_000_000) -> float:
    """Throughput of `jobs` busy-loop processes relative to one (ideal speed-up on this machine
    now: `jobs` on idle cores, less when other programs use them)."""
    context = multiprocessing.get_context("spawn")
    walls = []
    for n in (1, jobs):
        with context.Pool(n) as pool:
            start = time.perf_counter()
            pool.map(_spin, [loops] * n)
            walls.append(time.perf_counter() - start)
    return jobs * walls[0] / walls[1]


def worker_start_ms() -> float:
    """Spawn, imports and mechanism load of one worker process (ms), from the worker's report."""
    pool = WorkerPool(1)
    task = {"run_id": "start", "protocol": "bap-attenuation", "params": {"amplitude_nA": 1.0, **SHORT},
            "seed": 0, "check_finite": None}
    list(pool.run([task], None))
    return pool.startup_s[0] * 1e3


def build_ms(repeats: int = 5) -> float:
    """Mean time to build the default cell in NEURON (ms)."""
    from dendriteei.engine import build
    from dendriteei.cells import l5_pyramidal
    spec = l5_pyramidal()
    start = time.perf_counter()
    for _ in range(repeats):
        build(spec)
    return (time.perf_counter() - start) / repeats * 1e3


def dispatch_ms(runs: int = 40) -> tuple[float, float]:
    """Per-run time outside the runs (ms): (pipe + pickling, from the gaps between the results of
    one worker minus their run_time_s, on tiny point_soma runs; atomic JSON write of a record)."""
    tiny = {"cell": "point_soma", "settle_ms": 0.0, "window_ms": 5.0, "regions": ("soma",)}
    tasks = [{"run_id": f"tiny{i}", "protocol": "bap-attenuation", "seed": 0, "check_finite": None,
              "params": {"amplitude_nA": 1.0 + 0.01 * i, **tiny}} for i in range(runs)]
    arrivals, records = [], []
    for record in WorkerPool(1).run(tasks, None):
        arrivals.append(time.perf_counter())
        records.append(record)
    gaps = [later - earlier - record["run_time_s"]
            for earlier, later, record in zip(arrivals, arrivals[1:], records[1:])]
    with tempfile.TemporaryDirectory() as tmp:
        store = RunStore(Path(tmp) / "t.csv")
        store.open(clear=False)
        start = time.perf_counter()
        for record in records:
            store.save(record)
        save_s = (time.perf_counter() - start) / len(records)
        store.close()
    return sorted(gaps)[len(gaps) // 2] * 1e3, save_s * 1e3


def main() -> None:
    cli = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    cli.add_argument("--jobs", type=int, default=2)
    cli.add_argument("--runs", type=int, default=40)
    args = cli.parse_args()
    sweep_grid = grid(args.runs)
    load_before = os.getloadavg()
    capacity = [cpu_capacity(args.jobs)]
    mechanisms.load()
    with tempfile.TemporaryDirectory() as tmp:
        start = time.perf_counter()
        serial = sweep("bap-attenuation", sweep_grid, fixed=SHORT, backend="serial", out=Path(tmp) / "serial.csv")
        serial_s = time.perf_counter() - start
        start = time.perf_counter()
        parallel = sweep("bap-attenuation", sweep_grid, fixed=SHORT, backend="process", jobs=args.jobs,
                         out=Path(tmp) / "process.csv")
        parallel_s = time.perf_counter() - start
    n = serial.run_id.nunique()
    assert (serial.status == "ok").all() and (parallel.status == "ok").all()
    capacity.append(cpu_capacity(args.jobs))
    start_ms = worker_start_ms()
    cell_ms = build_ms()
    pipe_ms, save_ms = dispatch_ms()
    print(f"{n} runs of bap-attenuation ({', '.join(f'{k}={v:g}' for k, v in SHORT.items())}), "
          f"{os.cpu_count()} CPUs, load average before {load_before[0]:.2f}")
    print(f"  serial (this process):       {serial_s:7.2f} s  ({serial_s / n * 1e3:.0f} ms per run)")
    print(f"  process, {args.jobs} workers:         {parallel_s:7.2f} s  speed-up {serial_s / parallel_s:.2f}× "
          f"(busy-loop processes: {capacity[0]:.2f}× before, {capacity[1]:.2f}× after)")
    print("per-run overhead of the process backend:")
    print(f"  worker start (spawn, imports, mechanism load): {start_ms:6.0f} ms per worker = "
          f"{start_ms * args.jobs / n:5.0f} ms per run amortised")
    print(f"  cell build (in every run):                     {cell_ms:6.0f} ms per run")
    print(f"  dispatch (pipe, pickling; median):             {pipe_ms:6.1f} ms per run")
    print(f"  storage (atomic JSON write with fsync):        {save_ms:6.1f} ms per run")
    print(f"load average after: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
