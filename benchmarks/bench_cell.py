"""Wall-time benchmark of the default cell, ``dendriteei.cells.l5_pyramidal()``.

Measures, each as the median of ``--repeats`` runs:

* 1 s of repetitive firing (somatic current step, 0.4 nA from 100 ms) integrated with a
  fixed step (dt 0.025 ms) and with CVODE (atol 1e-4); building is not timed;
* building the cell with dendriteei's builder and with plain ``neuron.h`` calls
  (:func:`build_raw`), and the same 1 s fixed-step run on the raw cell.

Before timing, the raw cell is checked to be the same cell: same nseg in every section and
the same somatic voltage (within 1e-6 mV) over 50 ms with a somatic pulse.

Run from the repository root (about 1.5 min on 2 cores)::

    DENDRITEEI_CACHE=/tmp/deicache python benchmarks/bench_cell.py [--repeats 3] [--json out.json]
"""
from __future__ import annotations

import argparse
import json
import math
import statistics
import time
from dataclasses import dataclass

import numpy as np
from neuron import h

from dendriteei.engine import mechanisms
from dendriteei.engine import Simulation, Site, build
from dendriteei.cells import l5_pyramidal
from dendriteei.spec import MEMBRANE, CellSpec

DT_MS = 0.025
CVODE_ATOL = 1e-4
SPIKE_THRESHOLD_MV = -20.0
TRACE_TOLERANCE_MV = 1e-6
SOMA = Site("soma", branch="soma")


@dataclass(frozen=True)
class Step:
    """A somatic current step (nA, ms) and the simulated time (ms)."""
    amplitude_nA: float
    delay_ms: float
    duration_ms: float
    tstop_ms: float


FIRING = Step(0.4, 100.0, 900.0, 1000.0)
IDENTITY_CHECK = Step(0.8, 5.0, 40.0, 50.0)


# -- the cell built with plain NEURON calls -----------------------------------------
def build_raw(spec: CellSpec) -> dict:
    """The cell of ``spec`` built with ``neuron.h`` calls only: {branch name: Section}.

    Handles branches given by length and linear taper (no 3-D points), as in the default cell.
    """
    h.celsius = spec.celsius
    sections = {branch.name: h.Section(name=f"raw.{branch.name}") for branch in spec.branches}
    for branch in spec.branches:
        sections[branch.name].L = branch.length_um
        sections[branch.name].diam = branch.diam_start_um
    for branch in spec.branches:
        if branch.parent is not None:
            sections[branch.name].connect(sections[branch.parent](branch.parent_x), 0)
    paint_raw(spec, sections, membrane_only=True)  # section Ra and cm for the d_lambda rule
    for branch in spec.branches:
        sec = sections[branch.name]
        lambda_100hz_um = 1e5 * math.sqrt(sec.diam / (4 * math.pi * 100.0 * sec.Ra * sec.cm))
        by_lambda = int((sec.L / (spec.d_lambda * lambda_100hz_um) + 0.9) / 2) * 2 + 1
        by_length = int(math.ceil(sec.L / spec.max_segment_um)) | 1
        sec.nseg = max(by_lambda, by_length)
        for seg in sec:
            seg.diam = branch.diam_start_um + (branch.diam_end - branch.diam_start_um) * seg.x
    paint_raw(spec, sections, membrane_only=False)
    h.cao0_ca_ion = spec.cao_mM
    for sec in sections.values():
        if h.ismembrane("na_ion", sec=sec):
            sec.ena = spec.ena_mV
        if h.ismembrane("k_ion", sec=sec):
            sec.ek = spec.ek_mV
    return sections


def paint_raw(spec: CellSpec, sections: dict, membrane_only: bool) -> None:
    """Apply the spec's paints segment by segment, in order (later paints win)."""
    soma_centre = sections[spec.root.name](0.5)
    regions = {region.name: region.from_soma(spec.nexus_um) for region in spec.regions}   # nexus-relative too
    for paint in spec.paints:
        if membrane_only and paint.mechanism != MEMBRANE:
            continue
        region = regions[paint.region]
        upper_um = math.inf if region.max_distance_um is None else region.max_distance_um
        for branch in spec.branches:
            if branch.tag not in region.tags:
                continue
            sec = sections[branch.name]
            for seg in sec:
                distance_um = h.distance(soma_centre, seg)
                if not region.min_distance_um <= distance_um < upper_um:
                    continue
                value = paint.value.at(distance_um)
                if paint.mechanism != MEMBRANE:
                    if not sec.has_membrane(paint.mechanism):
                        sec.insert(paint.mechanism)
                    setattr(seg, f"{paint.parameter}_{paint.mechanism}", value)
                elif paint.parameter == "Ra":
                    sec.Ra = value
                else:
                    seg.cm = value


def run_raw(spec: CellSpec, sections: dict, step: Step):
    """Fixed-step run of the raw cell with a somatic step: (somatic v in mV, spike times in ms)."""
    soma_centre = sections[spec.root.name](0.5)
    clamp = h.IClamp(soma_centre)
    clamp.amp, clamp.delay, clamp.dur = step.amplitude_nA, step.delay_ms, step.duration_ms
    v = h.Vector().record(soma_centre._ref_v)
    spikes = h.Vector()
    netcon = h.NetCon(soma_centre._ref_v, None, sec=soma_centre.sec)
    netcon.threshold = SPIKE_THRESHOLD_MV
    netcon.record(spikes)
    h.CVode().active(0)
    h.celsius = spec.celsius
    h.dt = DT_MS
    h.steps_per_ms = 1.0 / DT_MS
    h.finitialize(spec.v_init_mV)
    h.continuerun(step.tstop_ms)
    return np.array(v), np.array(spikes)


# -- the cell built and run with dendriteei -----------------------------------------
def run_ours(cell, step: Step, cvode: bool = False):
    """A run through the package API: (somatic v in mV, spike times in ms)."""
    with Simulation(cell, dt_ms=DT_MS, cvode=cvode, atol=CVODE_ATOL) as simulation:
        simulation.current_pulse(SOMA, step.amplitude_nA, step.delay_ms, step.duration_ms)
        simulation.record(SOMA)
        simulation.record_spikes(SOMA, SPIKE_THRESHOLD_MV)
        traces = simulation.run(step.tstop_ms)
    return traces["soma", "v"].values, traces.spikes_ms["soma"]


# -- measurements ---------------------------------------------------------------------
def assert_no_sections() -> None:
    left = [sec.name() for sec in h.allsec()]
    assert not left, f"sections of a previous cell are still alive: {left[:5]}"


def seconds(function, *args, **kwargs):
    """(wall time in s, result) of one call."""
    start = time.perf_counter()
    result = function(*args, **kwargs)
    return time.perf_counter() - start, result


def median_build_seconds(build_cell, spec: CellSpec, repeats: int) -> float:
    """Median wall time of building the cell afresh; each cell is deleted before the next."""
    times = []
    for _ in range(repeats):
        assert_no_sections()
        elapsed, cell = seconds(build_cell, spec)
        times.append(elapsed)
        del cell
    return statistics.median(times)


def check_identical(spec: CellSpec) -> dict:
    """Assert the raw cell equals ours: nseg per section and the somatic voltage trace."""
    assert_no_sections()
    cell = build(spec)
    nseg_ours = [sec.nseg for sec in cell.sections.values()]
    v_ours, _ = run_ours(cell, IDENTITY_CHECK)
    del cell
    assert_no_sections()
    sections = build_raw(spec)
    nseg_raw = [sec.nseg for sec in sections.values()]
    v_raw, _ = run_raw(spec, sections, IDENTITY_CHECK)
    del sections
    assert nseg_ours == nseg_raw, f"nseg differs: ours {nseg_ours}, raw {nseg_raw}"
    assert v_ours.shape == v_raw.shape, f"trace lengths differ: {v_ours.shape} vs {v_raw.shape}"
    max_difference_mV = float(np.max(np.abs(v_ours - v_raw)))
    assert max_difference_mV < TRACE_TOLERANCE_MV, f"somatic v differs by {max_difference_mV:g} mV"
    return {"n_compartments": sum(nseg_ours), "n_sections": len(nseg_ours),
            "max_trace_difference_mV": max_difference_mV}


def time_runs_ours(spec: CellSpec, repeats: int) -> dict:
    """Median wall time of the 1 s firing run, fixed step and CVODE alternating."""
    assert_no_sections()
    cell = build(spec)
    fixed_times, cvode_times = [], []
    for _ in range(repeats):
        elapsed, (_, spikes_fixed) = seconds(run_ours, cell, FIRING, cvode=False)
        fixed_times.append(elapsed)
        elapsed, (_, spikes_cvode) = seconds(run_ours, cell, FIRING, cvode=True)
        cvode_times.append(elapsed)
    del cell
    assert len(spikes_fixed) >= 5, f"the default cell fired only {len(spikes_fixed)} spikes in 1 s"
    return {"run_s_fixed": statistics.median(fixed_times), "run_s_cvode": statistics.median(cvode_times),
            "spikes_fixed": len(spikes_fixed), "spikes_cvode": len(spikes_cvode),
            "first_spike_ms_fixed": float(spikes_fixed[0]), "first_spike_ms_cvode": float(spikes_cvode[0])}


def time_runs_raw(spec: CellSpec, repeats: int) -> dict:
    """Median wall time of the 1 s fixed-step firing run of the raw cell."""
    assert_no_sections()
    sections = build_raw(spec)
    times = []
    for _ in range(repeats):
        elapsed, (_, spikes) = seconds(run_raw, spec, sections, FIRING)
        times.append(elapsed)
    del sections
    return {"run_s_raw_fixed": statistics.median(times), "spikes_raw": len(spikes)}


def benchmark(repeats: int) -> dict:
    mechanisms.load()
    h.load_file("stdrun.hoc")
    spec = l5_pyramidal()
    results = {"repeats": repeats, **check_identical(spec)}
    results["build_ms_ours"] = 1e3 * median_build_seconds(build, spec, repeats)
    results["build_ms_raw"] = 1e3 * median_build_seconds(build_raw, spec, repeats)
    results["build_ratio_ours_over_raw"] = results["build_ms_ours"] / results["build_ms_raw"]
    results.update(time_runs_ours(spec, repeats))
    results.update(time_runs_raw(spec, repeats))
    results["run_ratio_fixed_over_cvode"] = results["run_s_fixed"] / results["run_s_cvode"]
    results["run_ratio_raw_over_ours"] = results["run_s_raw_fixed"] / results["run_s_fixed"]
    return results


def report(r: dict) -> str:
    rows = [
        ("compartments (total nseg)", f"{r['n_compartments']}"),
        ("sections", f"{r['n_sections']}"),
        ("raw vs ours, 50 ms somatic v", f"max |dv| = {r['max_trace_difference_mV']:.1e} mV"),
        ("build ours / raw", f"{r['build_ms_ours']:.1f} ms / {r['build_ms_raw']:.1f} ms"
                             f" = {r['build_ratio_ours_over_raw']:.2f}x"),
        (f"1 s run fixed (dt {DT_MS}) / CVODE", f"{r['run_s_fixed']:.2f} s / {r['run_s_cvode']:.2f} s"
                                               f" = {r['run_ratio_fixed_over_cvode']:.2f}x"),
        ("1 s fixed run raw / ours", f"{r['run_s_raw_fixed']:.2f} s / {r['run_s_fixed']:.2f} s"
                                     f" = {r['run_ratio_raw_over_ours']:.2f}x"),
        ("spikes fixed / CVODE / raw", f"{r['spikes_fixed']} / {r['spikes_cvode']} / {r['spikes_raw']}"),
        ("first spike fixed / CVODE", f"{r['first_spike_ms_fixed']:.3f} ms / {r['first_spike_ms_cvode']:.3f} ms"),
    ]
    width = max(len(name) for name, _ in rows)
    header = (f"default cell, {FIRING.amplitude_nA} nA somatic step from {FIRING.delay_ms:g} ms, "
              f"median of {r['repeats']}")
    return "\n".join([header] + [f"{name:<{width}}  {value}" for name, value in rows])


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3, help="timed repetitions per measurement (default 3)")
    parser.add_argument("--json", metavar="PATH", help="also write the numbers as JSON to PATH")
    args = parser.parse_args(argv)
    if args.repeats < 1:
        parser.error("--repeats must be at least 1")
    results = benchmark(args.repeats)
    print(report(results))
    if args.json:
        with open(args.json, "w") as out:
            json.dump(results, out, indent=2)


if __name__ == "__main__":
    main()
