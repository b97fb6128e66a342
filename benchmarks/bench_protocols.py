"""Full-cell speed: the integration options for one cell, and the everyday protocols before/after,
serial vs parallel, in one run.

Part ``integration``: 1 s of firing of the default cell (``l5_pyramidal``, 465 compartments;
somatic pulses of 3 nA, 2 ms at 20 Hz from 100 ms) under each integration option, each in its own process
(median of ``--repeats``), against the reference: fixed step dt 0.025 ms with the channel rates
computed exactly (``usetable_<mechanism> = 0``, i.e. the mod files before the rate tables).
Errors: somatic spike times (ms) and bAP amplitudes (mV, peak minus the value 1–3 ms before each
somatic spike) at eight sites from soma to tuft. Options:

* ``exact_rates``: the reference; ``tables``: the rates tabulated at 0.1 mV (the default now);
* ``cvode``: CVODE, atol 1e-4 (the engine's Ca atolscale); ``cvode_loose``: atol 1e-3;
* ``threads2``: 2 threads with ``ParallelContext.multisplit()`` (one cell split over 2 cores);
* ``d_lambda_0.05``: twice as many compartments (the discretisation check; its error against
  ``tables`` is the discretisation error of the default d_lambda 0.1);
* ``coreneuron`` (with ``--coreneuron``): the mechanisms built by ``nrnivmodl -coreneuron`` into a
  scratch directory, run by ``ParallelContext.psolve`` with CoreNEURON enabled (fixed step).

Part ``accuracy``: the fixed step (dt 0.025 ms, tables), CVODE (atol 1e-4) and CVODE (atol 1e-3)
against a 4× finer fixed step (dt 0.00625 ms): which is nearer the converged solution.

Part ``tolerance``: stdp-flip (all conditions, Δt ±10 ms, 60 pairings) at CVODE atol 1e-4 and
1e-3: speed-up, and the largest differences in Ca peak, time above θ_d/θ_p, change and outcome.

Part ``protocols``: wall time of ``dendriteei run stdp-flip``, ``dendriteei run dendritic-balance``
and ``python protocols/bap_gating.py``: the default run now (jobs = the CPUs available), and a
comparison run (:data:`PROTOCOL_COMMANDS`) now and at ``--before REF`` (a git worktree of that
commit: the code before the speed work, one process); dendritic-balance also with ``--jobs 1``,
with a check that the serial and parallel runs wrote the same tables.

Each part is saved to the JSON as it finishes; a killed run resumes with the parts not saved::

    python benchmarks/bench_protocols.py [--parts integration,accuracy,tolerance,protocols] [--before 373d650]
        [--coreneuron] [--repeats 3] [--json benchmarks/bench_protocols.json]

About an hour on 2 cores (the ``before`` runs take half of it).
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

import numpy as np

from dendriteei.conditions import available_cpus

ROOT = Path(__file__).resolve().parent.parent
DT_MS = 0.025
#: 1 s of firing: somatic pulses of 3 nA, 2 ms at 20 Hz from 100 ms (a spike and its bAP each). A
#: constant step is a poor test of accuracy here: the cell fires sparsely near a bifurcation, and
#: CVODE or a finer grid change the number of spikes.
PULSES = tuple(100.0 + 50.0 * k for k in range(18))   # ms
PULSE_NA, PULSE_MS, TSTOP_MS = 3.0, 2.0, 1000.0
SITES = (("soma", 0.5), ("ais", 0.5), ("trunk", 0.5), ("trunk", 1.0), ("oblique_0", 0.5), ("oblique_0", 1.0),
         ("tuft_0", 0.5), ("basal0_2_0", 1.0))
TABLED = ("dei_cahva", "dei_cat", "dei_ih", "dei_ka", "dei_kdr", "dei_nad", "dei_nat")
OPTIONS = ("exact_rates", "tables", "cvode", "cvode_loose", "threads2", "d_lambda_0.05")
#: The accuracy part's reference: a 4× finer fixed step (tables), against which the fixed step
#: of dt 0.025 ms and CVODE are both measured.
FINE_DT_MS = DT_MS / 4
ACCURACY_OPTIONS = ("fine_dt", "tables", "cvode", "cvode_loose")
#: Accuracy the issue asks of a faster option: bAP amplitudes within 0.5 mV, spike times within 0.1 ms.
BAP_TOLERANCE_MV, SPIKE_TOLERANCE_MS = 0.5, 0.1
#: name: (command, arguments of the before/after comparison run). The comparison runs a part of the
#: default work (the before code is ≈ 3× slower): stdp-flip 8 of its 24 pairing runs, bap_gating.py
#: with 20 pairings instead of 60 in its 6 pairing runs.
PROTOCOL_COMMANDS = {
    "stdp-flip": (["-m", "dendriteei", "run", "stdp-flip"], ["--set", "delta_ts_ms=-10,10"]),
    "dendritic-balance": (["-m", "dendriteei", "run", "dendritic-balance"], []),
    "bap_gating.py": (["protocols/bap_gating.py"], ["--pairs", "20"]),
}
#: Protocols also timed with --jobs 1 (the others' serial/parallel identity: tests/test_conditions.py).
SERIAL_TIMED = ("dendritic-balance",)


# -- integration: one option in a child process ---------------------------------------------
def child(option: str, out: str) -> None:
    """Run 1 s of the default cell under ``option``; save traces and the run time (s) to ``out``."""
    from neuron import h
    from dendriteei.cells import l5_pyramidal
    from dendriteei.engine import Simulation, Site, build, mechanisms
    mechanisms.load()
    spec = l5_pyramidal()
    if option == "d_lambda_0.05":
        spec = replace(spec, d_lambda=0.05)
    cell = build(spec)
    for name in TABLED:
        setattr(h, f"usetable_{name}", 0 if option == "exact_rates" else 1)
    if option == "coreneuron":
        elapsed, t, traces = _coreneuron_run(h, cell)
    else:
        cvode = option.startswith("cvode")
        dt_ms = FINE_DT_MS if option == "fine_dt" else DT_MS
        with Simulation(cell, dt_ms=dt_ms, cvode=cvode, atol=1e-3 if option == "cvode_loose" else 1e-4) as sim:
            for onset in PULSES:
                sim.current_pulse(Site("soma", branch="soma"), PULSE_NA, onset, PULSE_MS)
            for branch, x in SITES:
                sim.record(Site(f"{branch}@{x}", branch=branch, x=x), ("v",))
            pc = h.ParallelContext()
            if option == "threads2":
                pc.nthread(2)
                pc.multisplit()
            start = time.perf_counter()
            result = sim.run(TSTOP_MS)
            elapsed = time.perf_counter() - start
            if option == "threads2":
                pc.gid_clear()
                pc.nthread(1)
        t = None
        traces = {}
        for branch, x in SITES:
            times, values = result.window(f"{branch}@{x}", "v", 0.0, TSTOP_MS)
            t, traces[f"{branch}@{x}"] = times, values
    np.savez(out, t=t, elapsed=elapsed, nseg=sum(s.nseg for s in cell.sections.values()), **traces)


def _coreneuron_run(h, cell) -> tuple:
    """The same run on CoreNEURON (fixed step, psolve); needs the CoreNEURON-built mechanisms."""
    from neuron import coreneuron
    clamps = []
    for onset in PULSES:
        clamps.append(h.IClamp(cell.sections["soma"](0.5)))
        clamps[-1].amp, clamps[-1].delay, clamps[-1].dur = PULSE_NA, onset, PULSE_MS
    vectors = {}
    for branch, x in SITES:
        vectors[f"{branch}@{x}"] = h.Vector().record(cell.sections[branch](x)._ref_v)
    t_vec = h.Vector().record(h._ref_t)
    h.celsius = cell.spec.celsius
    h.dt = DT_MS
    h.cvode.cache_efficient(1)
    coreneuron.enable = True
    coreneuron.verbose = 0
    pc = h.ParallelContext()
    pc.set_maxstep(10.0)
    h.finitialize(cell.spec.v_init_mV)
    start = time.perf_counter()
    pc.psolve(TSTOP_MS)
    elapsed = time.perf_counter() - start
    return elapsed, np.array(t_vec), {k: np.array(v) for k, v in vectors.items()}


def _coreneuron_build(scratch: Path) -> Path:
    """Build the mechanisms with ``nrnivmodl -coreneuron`` in ``scratch`` (the child's cwd)."""
    from dendriteei.engine import mechanisms
    for mod in mechanisms.mod_dir().glob("*.mod"):
        shutil.copy(mod, scratch)
    nrnivmodl = Path(sys.executable).with_name("nrnivmodl")
    subprocess.run([str(nrnivmodl), "-coreneuron", "."], cwd=scratch, check=True, capture_output=True)
    return scratch


def _spike_times(t: np.ndarray, v: np.ndarray) -> np.ndarray:
    i = np.where((v[1:] > -20.0) & (v[:-1] <= -20.0))[0]
    return t[i] + (-20.0 - v[i]) / (v[i + 1] - v[i]) * (t[i + 1] - t[i])


def _bap_amplitudes(t: np.ndarray, v: np.ndarray, spikes: np.ndarray) -> np.ndarray:
    """Peak within 10 ms of each somatic spike minus the mean 1–3 ms before it (mV)."""
    return np.array([np.interp(np.arange(s, s + 10.0, 0.025), t, v).max()
                     - np.interp(np.arange(s - 3.0, s - 1.0, 0.025), t, v).mean() for s in spikes])


def compare(reference: dict, other: dict) -> dict:
    """Spike-time and bAP-amplitude errors of ``other`` against ``reference`` (loaded npz)."""
    ref_spikes = _spike_times(reference["t"], reference["soma@0.5"])
    spikes = _spike_times(other["t"], other["soma@0.5"])
    out = {"spikes": len(spikes), "reference_spikes": len(ref_spikes)}
    if len(spikes) != len(ref_spikes):
        return {**out, "max_spike_shift_ms": float("inf"), "max_bap_error_mV": float("inf")}
    errors = [np.abs(_bap_amplitudes(other["t"], other[k], ref_spikes)
                     - _bap_amplitudes(reference["t"], reference[k], ref_spikes)).max()
              for k in reference.files if "@" in k]
    return {**out, "max_spike_shift_ms": float(np.abs(spikes - ref_spikes).max()),
            "max_bap_error_mV": float(max(errors))}


def integration(repeats: int, coreneuron: bool) -> dict:
    options = OPTIONS + (("coreneuron",) if coreneuron else ())
    scratch = Path(tempfile.mkdtemp(prefix="dendriteei-bench-"))
    results, traces = {}, {}
    try:
        core_dir = None
        if coreneuron:
            (scratch / "core").mkdir()
            core_dir = _coreneuron_build(scratch / "core")
        for option in options:
            times = []
            for repeat in range(repeats):
                out = scratch / f"{option}-{repeat}.npz"
                subprocess.run([sys.executable, __file__, "--child", option, str(out)], check=True,
                               cwd=core_dir if option == "coreneuron" else ROOT,
                               env={**os.environ, "NEURON_MODULE_OPTIONS": "-nogui"})
                data = np.load(out)
                times.append(float(data["elapsed"]))
            traces[option] = data
            results[option] = {"run_s": statistics.median(times), "runs_s": times, "nseg": int(data["nseg"])}
            print(option, results[option], flush=True)
        reference = traces["exact_rates"]
        for option, data in traces.items():
            results[option].update(compare(reference, data))
            results[option]["speedup_vs_reference"] = results["exact_rates"]["run_s"] / results[option]["run_s"]
            results[option]["within_tolerance"] = bool(results[option]["max_spike_shift_ms"] <= SPIKE_TOLERANCE_MS
                                                       and results[option]["max_bap_error_mV"] <= BAP_TOLERANCE_MV)
        discretisation = compare(traces["tables"], traces["d_lambda_0.05"])
        results["d_lambda_0.05"]["against_tables"] = discretisation
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    return results


def accuracy() -> dict:
    """Each of ACCURACY_OPTIONS against a 4× finer fixed step (dt 0.00625 ms): is CVODE, faster than
    the fixed step, also as accurate? Run time (s) and errors per option."""
    scratch = Path(tempfile.mkdtemp(prefix="dendriteei-bench-"))
    results, traces = {}, {}
    try:
        for option in ACCURACY_OPTIONS:
            out = scratch / f"{option}.npz"
            subprocess.run([sys.executable, __file__, "--child", option, str(out)], check=True, cwd=ROOT,
                           env={**os.environ, "NEURON_MODULE_OPTIONS": "-nogui"})
            traces[option] = np.load(out)
            results[option] = {"run_s": float(traces[option]["elapsed"])}
        for option in ACCURACY_OPTIONS[1:]:
            results[option].update(compare(traces["fine_dt"], traces[option]))
            print(option, results[option], flush=True)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    return results


# -- tolerance: the CVODE atol of the pairing runs ------------------------------------------------
def tolerance(atols=(1e-4, 1e-3)) -> dict:
    """stdp-flip (every condition, Δt ±10 ms, 60 pairings) at each CVODE atol: wall time and the
    largest difference of its outputs from the first (tightest) atol."""
    import pandas as pd
    from dendriteei.protocols import stdp_flip
    from dendriteei.protocols.common import cell_spec
    base = stdp_flip.StdpFlipParams(delta_ts_ms=(-10.0, 10.0))
    spec = cell_spec(base.cell)
    out, tables = {}, {}
    for atol in atols:
        start = time.perf_counter()
        tables[atol] = stdp_flip.run(replace(base, atol=atol), spec).summary
        out[f"{atol:g}"] = {"run_s": time.perf_counter() - start}
    reference = tables[atols[0]]
    for atol in atols[1:]:
        table = tables[atol]
        relative = {c: float((abs(table[c] - reference[c]) / reference[c].abs().clip(lower=1e-12)).max())
                    for c in ("c_peak", "time_above_d_ms", "time_above_p_ms") }
        out[f"{atol:g}"].update({
            "speedup": out[f"{atols[0]:g}"]["run_s"] / out[f"{atol:g}"]["run_s"],
            "max_relative_difference": relative,
            "max_abs_difference": {c: float(abs(table[c] - reference[c]).max())
                                   for c in ("c_peak", "time_above_d_ms", "time_above_p_ms")},
            "max_abs_change_difference": float(abs(table.change - reference.change).max()),
            "same_outcomes": bool((table.outcome == reference.outcome).all()),
            "rows": len(table)})
        print(atol, out[f"{atol:g}"], flush=True)
    return out


# -- protocols: before / serial / parallel ------------------------------------------------------
def _timed(command: list, cwd: Path, env: dict) -> float:
    start = time.perf_counter()
    subprocess.run([sys.executable, *command], cwd=cwd, env=env, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - start


def _tables(directory: Path) -> dict:
    """CSV tables a protocol wrote under ``directory`` (relative path -> table as CSV text), without
    columns of run times."""
    import pandas as pd
    tables = {}
    for path in sorted(directory.rglob("*.csv")):
        frame = pd.read_csv(path)
        tables[str(path.relative_to(directory))] = frame.drop(
            columns=[c for c in frame.columns if "run_time" in c]).to_csv(index=False)
    return tables


def protocols(before: str | None) -> dict:
    scratch = Path(tempfile.mkdtemp(prefix="dendriteei-bench-"))
    env = {**os.environ, "NEURON_MODULE_OPTIONS": "-nogui", "MPLBACKEND": "Agg"}
    results = {name: {} for name in PROTOCOL_COMMANDS}
    try:
        if before:
            worktree = scratch / "before"
            subprocess.run(["git", "worktree", "add", "--detach", str(worktree), before], cwd=ROOT, check=True,
                           capture_output=True)
            old_env = {**env, "PYTHONPATH": str(worktree), "DENDRITEEI_CACHE": str(scratch / "cache-before")}
            _timed(["-m", "dendriteei", "build"], worktree, old_env)   # compile outside the timings
        for name, (command, comparison) in PROTOCOL_COMMANDS.items():
            runs = [("default_parallel", ROOT, env, [])]
            runs += [("comparison_parallel", ROOT, env, comparison)] if comparison else []
            if name in SERIAL_TIMED:
                runs.append(("comparison_serial", ROOT, env, [*comparison, "--jobs", "1"]))
            if before:
                runs.append(("comparison_before", worktree, old_env, comparison))
            outputs = {}
            for label, cwd, run_env, extra in runs:
                out = scratch / f"{name}-{label}"
                results[name][f"{label}_s"] = _timed([*command, "--out", str(out), *extra], cwd, run_env)
                outputs[label] = _tables(out)
                print(name, label, round(results[name][f"{label}_s"], 1), flush=True)
            parallel = "comparison_parallel" if comparison else "default_parallel"
            results[name]["comparison_arguments"] = comparison
            if "comparison_serial" in outputs:
                results[name]["parallel_identical_to_serial"] = outputs["comparison_serial"] == outputs[parallel]
                results[name]["speedup_parallel_vs_serial"] = (results[name]["comparison_serial_s"]
                                                               / results[name][f"{parallel}_s"])
            if before:
                results[name]["speedup_vs_before"] = (results[name]["comparison_before_s"]
                                                      / results[name][f"{parallel}_s"])
    finally:
        if before:
            subprocess.run(["git", "worktree", "remove", "--force", str(scratch / "before")], cwd=ROOT,
                           capture_output=True)
        shutil.rmtree(scratch, ignore_errors=True)
    return {"cpus": available_cpus(), "before": before, **results}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--child", nargs=2, metavar=("OPTION", "OUT"), help=argparse.SUPPRESS)
    parser.add_argument("--parts", default="integration,accuracy,tolerance,protocols")
    parser.add_argument("--before", default="373d650", help="commit timed as 'before' ('' to skip)")
    parser.add_argument("--coreneuron", action="store_true", help="also build and time CoreNEURON")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--json", default=str(ROOT / "benchmarks" / "bench_protocols.json"))
    args = parser.parse_args()
    if args.child:
        child(*args.child)
        return
    path = Path(args.json)
    saved = json.loads(path.read_text()) if path.exists() else {}
    for part in args.parts.split(","):
        if part in saved:
            print(f"{part}: saved in {path}, skipped (delete it there to measure again)")
            continue
        start = time.perf_counter()
        if part == "integration":
            saved[part] = integration(args.repeats, args.coreneuron)
        elif part == "protocols":
            saved[part] = protocols(args.before or None)
        elif part == "tolerance":
            saved[part] = tolerance()
        elif part == "accuracy":
            saved[part] = accuracy()
        else:
            raise SystemExit(f"unknown part {part!r}: integration, accuracy, tolerance, protocols")
        saved[part]["wall_s"] = time.perf_counter() - start
        path.write_text(json.dumps(saved, indent=1, default=float) + "\n")
        print(json.dumps(saved[part], indent=1, default=float), flush=True)


if __name__ == "__main__":
    main()
