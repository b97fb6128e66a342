"""Network benchmark, ratios in one run: the Vogels et al. 2011 network on dendriteei (NEURON
ParallelContext) against NEURON's own event-delivery floor, Brian2 and NEST, and its speed-ups
with MPI ranks and threads; the reduced-pyramidal variant's cost per cell as the network grows.

Parts (``--parts``, default all):

* ``ours``: the point-neuron network (``--n-exc``/``--n-inh``, default 8000 + 2000, p 0.02, 1 s
  static + the rest with iSTDP; ``--seconds`` simulated, default 10) on one core: build and run
  wall time, synaptic events delivered (spikes × out-degree), events per second, peak RSS, E rate
  per second.
* ``floor``: NEURON alone on the same connectivity: one ``IntFire1`` per cell, every cell driven
  to fire at the rate our run measured (Poisson NetStim, suprathreshold), recurrent weights 0
  (events are delivered and cost the same, but change nothing), so the number of delivered
  events matches. Its time per event is NEURON's floor; ours per event over it is the overhead
  of our cells and synapses (integration of 10⁴ compartments every step included).
* ``integration``: the same cells without connections: the cost of integrating them alone.
* ``peers``: benchmarks/peers/vogels_brian2.py (runtime, standalone) and vogels_nest.py, run
  with the same parameters (benchmarks/peers/vogels_2011_params.json) by ``--peer-python``
  (a venv with brian2 and nest-simulator: ``pip install 'dendriteei[bench]'``).
* ``ranks``: the network at ``--scaling-cells`` on 1 and 2 MPI ranks (mpiexec) and with 1 and 2
  threads (delays 0.2 ms, as threads need ≥ 2 dt): wall time and identical spike counts.
* ``reduced``: the reduced-pyramidal variant at 1k, 2k, 5k, 10k cells (``--reduced-sizes``) for
  ``--reduced-seconds``: wall time per cell per simulated second (table + log-log figure).

    python benchmarks/bench_network.py [--seconds 10] [--parts ours,floor,...] [--json out.json]

With --json, each finished part is saved at once and a later run with the same --json skips it
(a killed benchmark resumes where it stopped).
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from dendriteei.engine.network import Network
from dendriteei.network import connectivity
from dendriteei.network.analysis import cv_isi, pairwise_correlation
from dendriteei.network.presets import VogelsParameters, vogels_2011
from dendriteei.network.spec import Recording

HERE = Path(__file__).resolve().parent
PEER_PARAMS = HERE / "peers" / "vogels_2011_params.json"
PARTS = ("ours", "floor", "integration", "peers", "ranks", "reduced")


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def vogels(n_exc: int, n_inh: int, p: float, seconds: float, **changes):
    values = VogelsParameters(n_exc=n_exc, n_inh=n_inh, p_connect=p, **changes)
    return vogels_2011(values, recording=Recording(every_ms=1000.0, weight_sample=0))


def run_ours(spec, seconds: float, nthread: int = 1) -> dict:
    with Network(spec, nthread=nthread) as net:
        result = net.run(seconds * 1000.0, progress=True)
    e = result.spikes[result.spikes.population == "E"]
    n_exc = spec.population("E").size
    last = (seconds - 1.0) * 1000.0, seconds * 1000.0
    cv = cv_isi(e, *last)
    corr = pairwise_correlation(e, np.arange(n_exc), *last)
    by_s = np.histogram(e.t_ms, np.arange(0.0, seconds * 1000.0 + 1.0, 1000.0))[0] / n_exc
    return {"build_s": result.timing["build_s"], "run_s": result.timing["run_s"],
            "wall_s": result.timing["build_s"] + result.timing["run_s"],
            "synaptic_events": result.synaptic_events,
            "events_per_s": result.synaptic_events / result.timing["run_s"],
            "ns_per_event": 1e9 * result.timing["run_s"] / max(result.synaptic_events, 1),
            "spikes": len(result.spikes), "mean_rate_hz": len(result.spikes) / (spec.n_cells * seconds),
            "rate_exc_hz_by_s": by_s.tolist(), "rate_exc_final_hz": float(by_s[-1]), "peak_rss_MB": peak_rss_mb(),
            "cv_isi_exc_last_s": float(np.mean(cv)) if len(cv) else float("nan"),
            "correlation_exc_last_s": float(np.mean(corr)) if len(corr) else float("nan"),
            "rate_inh_final_hz": float(((result.spikes.population == "I") & (result.spikes.t_ms >= last[0])).sum()
                                       / spec.population("I").size)}


def run_floor(spec, seconds: float, rate_hz: float) -> dict:
    """NEURON's event floor on the same connectivity (IntFire1, see the module docstring)."""
    from neuron import h
    h.load_file("stdrun.hoc")
    pc = h.ParallelContext()
    pc.gid_clear()
    started = time.perf_counter()
    cells, keep = [], []
    for gid in range(spec.n_cells):
        cell = h.IntFire1()
        cell.tau, cell.refrac = 20.0, 5.0          # τ_m and t_ref of the Vogels LIF
        pc.set_gid2node(gid, 0)
        pc.cell(gid, h.NetCon(cell, None))
        drive = h.NetStim()
        drive.interval, drive.number, drive.start, drive.noise = 1000.0 / rate_hz, 1e9, 0.0, 1.0
        drive.noiseFromRandom123(spec.seed, 7, gid)
        kick = h.NetCon(drive, cell)
        kick.weight[0], kick.delay = 1.1, 0.1
        cells.append(cell)
        keep += [drive, kick]
    events = 0
    out_degree = np.zeros(spec.n_cells, dtype=np.int64)
    for index, projection in enumerate(spec.projections):
        first = spec.first_gid(projection.post)
        for gid in range(first, first + spec.population(projection.post).size):
            conns = connectivity.incoming(spec, index, gid)
            np.add.at(out_degree, conns.pre_gids, 1)
            for pre in conns.pre_gids.tolist():
                netcon = pc.gid_connect(pre, cells[gid])
                netcon.weight[0], netcon.delay = 0.0, spec.dt_ms * 1.000001
                keep.append(netcon)
    build_s = time.perf_counter() - started
    spikes_t, spikes_id = h.Vector(), h.Vector()
    pc.spike_record(-1, spikes_t, spikes_id)
    h.dt = spec.dt_ms
    pc.set_maxstep(10.0)
    h.finitialize(-60.0)
    started = time.perf_counter()
    pc.psolve(seconds * 1000.0)
    run_s = time.perf_counter() - started
    gids = np.array(spikes_id, dtype=np.int64)
    events = int(out_degree[gids].sum())
    keep.clear()
    cells.clear()
    pc.gid_clear()
    return {"build_s": build_s, "run_s": run_s, "synaptic_events": events, "spikes": len(gids),
            "events_per_s": events / run_s, "ns_per_event": 1e9 * run_s / max(events, 1),
            "mean_rate_hz": len(gids) / (spec.n_cells * seconds)}


def run_peers(peer_python: str, seconds: float, n_exc: int, n_inh: int, skip=()) -> dict:
    params = json.loads(PEER_PARAMS.read_text())
    params.update({"n_exc": n_exc, "n_inh": n_inh, "t_static_s": 1.0, "t_plastic_s": seconds - 1.0})
    out = {}
    with tempfile.TemporaryDirectory() as tmp:
        params_file = Path(tmp, "params.json")
        params_file.write_text(json.dumps(params))
        for name, script, mode in (("brian2-runtime", "vogels_brian2.py", "runtime"),
                                   ("brian2-standalone", "vogels_brian2.py", "standalone"),
                                   ("nest", "vogels_nest.py", None)):
            if name in skip:
                continue
            result_file = Path(tmp, f"{name}.json")
            command = [peer_python, str(HERE / "peers" / script), "--params", str(params_file), "--out",
                       str(result_file)] + (["--mode", mode] if mode else [])
            done = subprocess.run(command, capture_output=True, text=True)
            if done.returncode != 0:
                out[name] = {"error": done.stderr[-500:]}
                continue
            out[name] = json.loads(result_file.read_text())
    return out


def run_ranks(n_cells: int, seconds: float) -> dict:
    """1 vs 2 MPI ranks (subprocesses under mpiexec) and 1 vs 2 threads, same network."""
    n_exc, n_inh = int(n_cells * 0.8), n_cells - int(n_cells * 0.8)
    p = min(1.0, 200.0 / n_cells)                  # keep 160 E + 40 I inputs per cell
    out = {}
    mpiexec = shutil.which("mpiexec", path=os.pathsep.join([str(Path(sys.executable).parent), os.environ["PATH"]]))
    with tempfile.TemporaryDirectory() as tmp:
        spec_file = Path(tmp, "net.json")
        spec_file.write_text(vogels(n_exc, n_inh, p, seconds).to_json())
        for ranks in (1, 2):
            if mpiexec is None:
                out[f"mpi_{ranks}"] = {"error": "mpiexec not found"}
                continue
            command = [mpiexec, "-n", str(ranks)] + (["--allow-run-as-root"] if os.geteuid() == 0 else [])
            done = subprocess.run([*command, sys.executable, "-m", "dendriteei", "network", str(spec_file),
                                   "--tstop-ms", str(seconds * 1000.0), "--out", str(Path(tmp, f"r{ranks}")),
                                   "--quiet"], capture_output=True, text=True)
            if done.returncode != 0:
                out[f"mpi_{ranks}"] = {"error": done.stderr[-500:]}
                continue
            meta = json.loads(Path(tmp, f"r{ranks}", "network.json").read_text())
            from dendriteei.io import read_table
            spikes = read_table(Path(tmp, f"r{ranks}"), "spikes")
            out[f"mpi_{ranks}"] = {**meta["timing"], "spikes": len(spikes),
                                   "spike_digest": int(np.int64(spikes.gid.sum()) + int((spikes.t_ms * 10).sum()))}
    for nthread in (1, 2):
        spec = vogels(n_exc, n_inh, p, seconds, delay_ms=0.2)
        with Network(spec, nthread=nthread) as net:
            result = net.run(seconds * 1000.0)
        out[f"threads_{nthread}"] = {**result.timing, "spikes": len(result.spikes)}
    return out


def run_reduced(sizes, seconds: float) -> dict:
    from dendriteei.protocols.common import cell_spec
    reduced = cell_spec("reduced")
    out = {}
    for n in sizes:
        n_exc, n_inh = int(n * 0.8), n - int(n * 0.8)
        p = min(1.0, 200.0 / n)
        values = VogelsParameters(n_exc=n_exc, n_inh=n_inh, p_connect=p)
        spec = vogels_2011(values, exc_cell=reduced, exc_drive_hz=2000.0, exc_drive_nS=1.0,
                           recording=Recording(every_ms=100.0, weight_sample=0))
        with Network(spec) as net:
            result = net.run(seconds * 1000.0, progress=True)
        out[str(n)] = {**result.timing, "spikes": len(result.spikes), "events": result.synaptic_events,
                       "s_per_cell_per_simulated_s": result.timing["run_s"] / (n * seconds),
                       "exc_rate_hz": float((result.spikes.population == "E").sum() / (n_exc * seconds))}
        print(f"reduced variant, {n} cells: run {result.timing['run_s']:.1f} s, "
              f"{out[str(n)]['s_per_cell_per_simulated_s'] * 1e3:.2f} ms per cell per simulated s", flush=True)
    return out


def reduced_figure(rows: dict, path: Path) -> None:
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    sizes = np.array([int(n) for n in rows])
    per_cell = np.array([rows[n]["s_per_cell_per_simulated_s"] for n in rows]) * 1e3
    total = np.array([rows[n]["run_s"] for n in rows])
    fig, ax = plt.subplots(figsize=(5.5, 4), layout="constrained")
    ax.loglog(sizes, total, "o-", label="run wall time (s)")
    ax.loglog(sizes, per_cell, "s--", label="ms per cell per simulated s")
    ax.set(xlabel="cells", title="reduced-pyramidal Vogels network, one core")
    ax.legend(frameon=False)
    fig.savefig(path, dpi=120)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--n-exc", type=int, default=8000)
    parser.add_argument("--n-inh", type=int, default=2000)
    parser.add_argument("--parts", default=",".join(PARTS))
    parser.add_argument("--peer-python", default=str(Path("/work/venv-bench/bin/python")))
    parser.add_argument("--scaling-cells", type=int, default=2000)
    parser.add_argument("--scaling-seconds", type=float, default=2.0)
    parser.add_argument("--reduced-sizes", default="1000,2000,5000,10000")
    parser.add_argument("--reduced-seconds", type=float, default=0.2)
    parser.add_argument("--skip-peers", default="", help="comma-separated peers not to run (e.g. nest: 11 min)")
    parser.add_argument("--json", default=None)
    parser.add_argument("--figure", default="bench_network_reduced.png")
    args = parser.parse_args()
    parts = args.parts.split(",")
    unknown = set(parts) - set(PARTS)
    if unknown:
        parser.error(f"unknown part {sorted(unknown)[0]!r}; valid: {', '.join(PARTS)}")
    results = {"machine": {"cpus": os.cpu_count(), "python": sys.version.split()[0]}}
    if args.json and Path(args.json).exists():   # resume: keep the parts an earlier run finished
        results.update(json.loads(Path(args.json).read_text()))

    def save() -> None:
        if args.json:
            tmp = Path(args.json + ".tmp")
            tmp.write_text(json.dumps(results, indent=1))
            tmp.replace(args.json)
    p = min(1.0, 0.02 * 10000 / (args.n_exc + args.n_inh))
    spec = vogels(args.n_exc, args.n_inh, p, args.seconds)
    if "ours" in parts and "ours" not in results:
        results["ours"] = run_ours(spec, args.seconds)
        save()
        print("ours", json.dumps({k: v for k, v in results["ours"].items() if k != "rate_exc_hz_by_s"}), flush=True)
    if "integration" in parts and "integration" not in results:
        results["integration"] = run_ours(vogels(args.n_exc, args.n_inh, 0.0, args.seconds), args.seconds)
        save()
        print("integration only", results["integration"]["run_s"], "s", flush=True)
    if "floor" in parts and "floor" not in results:
        rate = results.get("ours", {}).get("mean_rate_hz", 10.0)
        results["floor"] = run_floor(spec, args.seconds, rate)
        save()
        print("floor", json.dumps(results["floor"]), flush=True)
        if "ours" in results:
            results["ours_over_floor_per_event"] = results["ours"]["ns_per_event"] / results["floor"]["ns_per_event"]
            print(f"ours / floor per event: {results['ours_over_floor_per_event']:.2f}", flush=True)
    if "peers" in parts:
        if Path(args.peer_python).exists():
            results["peers"] = {**results.get("peers", {}),
                                **run_peers(args.peer_python, args.seconds, args.n_exc, args.n_inh,
                                            skip=tuple(args.skip_peers.split(",")) + tuple(results.get("peers", {})))}
            save()
            for name, row in results["peers"].items():
                print(name, json.dumps({k: v for k, v in row.items() if k != "rate_exc_hz_by_s"}), flush=True)
        else:
            print(f"peers skipped: no {args.peer_python} (pip install 'dendriteei[bench]' into it)")
    if "ranks" in parts and "ranks" not in results:
        results["ranks"] = run_ranks(args.scaling_cells, args.scaling_seconds)
        save()
        print("ranks/threads", json.dumps(results["ranks"]), flush=True)
    if "reduced" in parts:
        done = results.setdefault("reduced", {})
        for n in (int(n) for n in args.reduced_sizes.split(",")):
            if str(n) not in done:
                done.update(run_reduced([n], args.reduced_seconds))
                save()
        reduced_figure(done, Path(args.figure))


if __name__ == "__main__":
    main()
