"""Stimulate, record and run a built cell; results come back as numpy/pandas.

With :mod:`dendriteei.builder`, the only module that touches NEURON.
"""
from __future__ import annotations

import warnings
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ..sites import Site
from .cell import BuiltCell, range_parameters
from ..spec import SpecError
from ..synapses import SynapseGroup

#: Units of recordable variables (NEURON's own units).
UNITS = {"v": "mV", "cai": "mM", "ica": "mA/cm2", "ina": "mA/cm2", "ik": "mA/cm2"}


#: NetCon weight vector that marks an event as a postsynaptic spike, per synapse mechanism
#: (the `kind` argument of each mechanism's NET_RECEIVE).
POST_EVENT_WEIGHTS = {"dei_glu": (0.0, 1.0), "dei_gaba": (0.0, 0.0, 0.0, 1.0)}


def _point_processes(h) -> set:
    """Names of the point processes NEURON knows (built-in and loaded)."""
    types, name = h.MechanismType(1), h.ref("")
    names = set()
    for i in range(int(types.count())):
        types.select(i)
        types.selected(name)
        names.add(name[0])
    return names


class SimulationDiverged(RuntimeError):
    """A recorded variable became NaN or infinite."""


def unit_of(variable: str) -> str:
    if variable in UNITS:
        return UNITS[variable]
    if variable.startswith("i"):
        return "mA/cm2"
    if variable.startswith("g"):
        return "S/cm2"
    return "1"


@dataclass
class Trace:
    site: str
    variable: str
    unit: str
    distance_um: float
    t_ms: np.ndarray
    values: np.ndarray


@dataclass
class Traces:
    """Recorded traces keyed by (site, variable), and spike times keyed by site."""
    traces: dict = field(default_factory=dict)
    spikes_ms: dict = field(default_factory=dict)

    def __getitem__(self, key) -> Trace:
        return self.traces[key]

    def window(self, site: str, variable: str, start_ms: float, stop_ms: float = np.inf):
        """(t, values) restricted to start_ms <= t <= stop_ms."""
        tr = self.traces[(site, variable)]
        keep = (tr.t_ms >= start_ms) & (tr.t_ms <= stop_ms)
        return tr.t_ms[keep], tr.values[keep]

    def value_at(self, site: str, variable: str, t_ms: float) -> float:
        tr = self.traces[(site, variable)]
        return float(np.interp(t_ms, tr.t_ms, tr.values))

    def frame(self, sample_ms: float | None = None) -> pd.DataFrame:
        """Tidy long table: site, variable, unit, distance_um, t_ms, value.
        With ``sample_ms`` every trace is interpolated on a common grid."""
        parts = []
        for tr in self.traces.values():
            t, y = tr.t_ms, tr.values
            if sample_ms is not None:
                grid = np.arange(t[0], t[-1] + 1e-9, sample_ms)
                t, y = grid, np.interp(grid, tr.t_ms, tr.values)
            parts.append(pd.DataFrame({"site": tr.site, "variable": tr.variable, "unit": tr.unit,
                                       "distance_um": tr.distance_um, "t_ms": t, "value": y}))
        return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(
            columns=["site", "variable", "unit", "distance_um", "t_ms", "value"])


@dataclass
class PlacedSynapses:
    """The NEURON point processes of a placed group, their distances (µm) and input spikes (ms)."""
    group: SynapseGroup
    points: list = field(default_factory=list)
    distances_um: list = field(default_factory=list)
    spike_times: list = field(default_factory=list)
    netcons: list = field(default_factory=list)   # the input NetCon of each synapse

    def values(self, variable: str) -> np.ndarray:
        """Current value of a point-process variable on every synapse."""
        return np.array([getattr(p, variable) for p in self.points])

    def weights(self) -> np.ndarray:
        """weight[0] of each synapse's input NetCon (plastic per-connection weights live here)."""
        return np.array([nc.weight[0] for nc in self.netcons])


class Simulation:
    """One run of one built cell: add stimuli and recordings, then :meth:`run`.

    Fixed step (``dt_ms``) by default; ``cvode=True`` uses NEURON's variable-step
    integrator with absolute tolerance ``atol``.
    """

    def __init__(self, cell: BuiltCell, dt_ms: float = 0.025, cvode: bool = False, atol: float = 1e-4):
        self.cell = cell
        self.h = cell.h
        self.dt_ms = dt_ms
        self.cvode = cvode
        self.atol = atol
        self._keep = []
        self._records = []
        self._spike_records = []
        self._synapses = {}
        self._input_events = []  # (NetCon, spike times in ms) queued right after finitialize

    # -- stimuli -------------------------------------------------------------
    def current_pulse(self, site: Site, amplitude_nA: float, delay_ms: float, duration_ms: float) -> None:
        """Square current pulse (nA) injected at a site."""
        seg, _ = self.cell.resolve(site)
        clamp = self.h.IClamp(seg)
        clamp.amp, clamp.delay, clamp.dur = amplitude_nA, delay_ms, duration_ms
        self._keep.append(clamp)

    def voltage_clamp(self, site: Site, v_mV: float, start_ms: float = 0.0, duration_ms: float = 1e9) -> None:
        """Hold a site at v_mV from start_ms (SEClamp, series resistance 1 kΩ; before start_ms at v_init)."""
        seg, _ = self.cell.resolve(site)
        clamp = self.h.SEClamp(seg)
        clamp.rs = 1e-3
        clamp.dur1, clamp.amp1 = start_ms, self.cell.spec.v_init_mV
        clamp.dur2, clamp.amp2 = duration_ms, v_mV
        self._keep.append(clamp)

    def voltage_command(self, site: Site, t_ms, v_mV) -> None:
        """Clamp a site to a voltage waveform given at times t_ms (ms), linearly interpolated
        (SEClamp with series resistance 1 kΩ; CVODE-safe continuous play)."""
        t, v = np.asarray(t_ms, dtype=float), np.asarray(v_mV, dtype=float)
        if t.shape != v.shape or t.size < 2 or np.any(np.diff(t) < 0):
            raise ValueError("voltage_command needs ≥ 2 times in non-decreasing order, one voltage per time")
        seg, _ = self.cell.resolve(site)
        clamp = self.h.SEClamp(seg)
        clamp.rs, clamp.dur1 = 1e-3, 1e9
        tvec, vvec = self.h.Vector(t), self.h.Vector(v)
        vvec.play(clamp._ref_amp1, tvec, 1)  # 1: continuous (linear interpolation)
        self._keep += [clamp, tvec, vvec]

    def epsc_current(self, site: Site, peak_nA: float, onset_ms: float,
                     tau_rise_ms: float = 0.5, tau_decay_ms: float = 5.0) -> None:
        """Double-exponential EPSP-shaped current (peak in nA) from onset_ms, as the
        'EPSP-like' injection of Larkum et al. 1999 and Hay et al. 2011 (mod/dei_epsc.mod)."""
        if not 0.0 < tau_rise_ms < tau_decay_ms:
            raise ValueError(f"need 0 < tau_rise_ms < tau_decay_ms, got {tau_rise_ms} and {tau_decay_ms} ms")
        seg, _ = self.cell.resolve(site)
        point = self.h.dei_epsc(seg)
        point.tau_r, point.tau_d = tau_rise_ms, tau_decay_ms
        netcon = self.h.NetCon(None, point)
        netcon.weight[0] = peak_nA
        self._input_events.append((netcon, np.array([onset_ms])))
        self._keep += [point, netcon]

    # -- recordings ------------------------------------------------------------
    def record(self, site: Site, variables=("v",)) -> None:
        """Record variables (e.g. 'v', 'cai', 'ica', 'ik', 'm_dei_nat') at a site, at every step."""
        seg, distance = self.cell.resolve(site)
        for var in variables:
            try:
                ref = getattr(seg, f"_ref_{var}")
            except (AttributeError, NameError, TypeError):
                raise ValueError(f"cannot record {var!r} at site {site.name!r}: the segment has no such "
                                 "variable (is the mechanism or ion present there?)") from None
            vec = self.h.Vector()
            vec.record(ref)
            self._records.append((site.name, var, distance, vec))

    def record_spikes(self, site: Site, threshold_mV: float = -20.0) -> None:
        """Record times (ms) of upward crossings of threshold_mV at a site."""
        seg, _ = self.cell.resolve(site)
        netcon = self.h.NetCon(seg._ref_v, None, sec=seg.sec)
        netcon.threshold = threshold_mV
        times = self.h.Vector()
        netcon.record(times)
        self._spike_records.append((site.name, times, netcon))

    # -- synapses --------------------------------------------------------------
    def add_synapses(self, group: SynapseGroup) -> "PlacedSynapses":
        """Place a synapse group: one point process and one spike source per synapse; with
        ``receives_post_spikes`` every synapse also gets the somatic spikes (a NetCon whose
        weight vector marks the event as postsynaptic, see POST_EVENT_WEIGHTS)."""
        h, cell = self.h, self.cell
        valid = range_parameters(h, group.mechanism)
        if group.mechanism not in _point_processes(h):
            raise SpecError(f"group {group.name!r}: mechanism {group.mechanism!r} is not a point process; "
                            f"point processes: {', '.join(sorted(_point_processes(h)))}")
        if group.receives_post_spikes and group.mechanism not in POST_EVENT_WEIGHTS:
            raise SpecError(f"group {group.name!r}: {group.mechanism} takes no postsynaptic spikes; "
                            f"those that do: {', '.join(POST_EVENT_WEIGHTS)}")
        for name, _ in group.parameters + group.varying:
            if name not in valid:
                raise SpecError(f"group {group.name!r}: {group.mechanism} has no parameter {name!r}; "
                                f"valid: {', '.join(valid)}")
        placed = PlacedSynapses(group)
        for index, ((seg, actual), times) in enumerate(zip(self._group_segments(group), group.spike_times())):
            point = getattr(h, group.mechanism)(seg)
            for name, value in group.parameters:
                setattr(point, name, value)
            for name, values in group.varying:
                setattr(point, name, values[index])
            netcon = h.NetCon(None, point)
            netcon.weight[0] = group.weight
            self._input_events.append((netcon, np.asarray(times) + group.delay_ms))
            placed.points.append(point)
            placed.distances_um.append(actual)
            placed.spike_times.append(times)
            placed.netcons.append(netcon)
            self._keep.append(netcon)
        if group.receives_post_spikes:
            for point in placed.points:
                post = h.NetCon(cell.soma(0.5)._ref_v, point, sec=cell.soma)
                post.threshold = group.post_threshold_mV
                post.delay = 0.0
                for slot, value in enumerate(POST_EVENT_WEIGHTS[group.mechanism]):
                    post.weight[slot] = value
                self._keep.append(post)
        self._synapses[group.name] = placed
        return placed

    def _group_segments(self, group: SynapseGroup) -> list:
        """(segment, path distance in µm) of each synapse: at the group's (branch, x) sites, each
        checked to lie in the group's region, or by region + path distance."""
        cell, names = self.cell, [f"{group.name}[{index}]" for index in range(group.n)]
        if not group.branch_sites():
            nearest, farthest = cell.distance_range(group.region)
            return [cell.resolve(Site(name, region=group.region, distance_um=distance))
                    for name, distance in zip(names, group.target_distances(nearest, farthest))]
        region, resolved = cell.spec.region(group.region), []
        for name, (branch, x) in zip(names, group.branch_sites()):
            seg, distance = cell.resolve(Site(name, branch=branch, x=x))
            if not region.contains(cell.tags[branch], distance):
                raise SpecError(f"group {group.name!r}: site ({branch!r}, {x:g}) at {distance:.0f} µm "
                                f"lies outside region {group.region!r}")
            resolved.append((seg, distance))
        return resolved

    def _queue_input_events(self) -> None:
        for netcon, times in self._input_events:
            for t in times:
                netcon.event(float(t))

    def seed_noise(self, group_name: str, seed: int) -> None:
        """Give synapse k of a group the random stream (seed, k, 0): results depend only on
        the seed and the synapse's index, not on creation order (NEURON 9 RANDOM)."""
        for index, point in enumerate(self._synapses[group_name].points):
            point.rng.set_ids(seed, index, 0)

    def record_synapses(self, group_name: str, variables=("c",)) -> None:
        """Record point-process variables (e.g. 'c', 'rho', 'efficacy', 'i') of every synapse
        of a group; traces are keyed ('<group>[i]', variable)."""
        placed = self._synapses[group_name]
        for index, point in enumerate(placed.points):
            for var in variables:
                vec = self.h.Vector()
                vec.record(getattr(point, f"_ref_{var}"))
                self._records.append((f"{group_name}[{index}]", var, placed.distances_um[index], vec))

    def release(self) -> None:
        """Free NEURON objects in a safe order: connections, then point processes and
        stimuli, then the cell. (NEURON 9.0.2 can crash in a later CVODE run when sections
        are freed before the WATCH-carrying synapses on them: nrn issue 3480.)"""
        netcons = [obj for obj in self._keep if obj.hname().startswith("NetCon")]
        self._keep = [obj for obj in self._keep if not obj.hname().startswith("NetCon")]
        self._spike_records.clear()
        del netcons
        for placed in self._synapses.values():
            placed.netcons.clear()
            placed.points.clear()
        self._synapses.clear()
        self._input_events.clear()
        self._keep.clear()
        self._records.clear()
        self.cell = None

    # -- run -------------------------------------------------------------------
    def run(self, tstop_ms: float) -> Traces:
        """Initialise to the spec's v_init and integrate to tstop_ms."""
        h, spec = self.h, self.cell.spec
        h.celsius = spec.celsius
        own = {sec.name() for sec in self.cell.sections.values()}
        foreign = [sec.name() for sec in h.allsec() if sec.name() not in own]
        if foreign:
            warnings.warn(f"{len(foreign)} sections of other cells exist and are simulated too "
                          f"(e.g. {foreign[0]}); drop references to old cells or call Simulation.release()")
        cvode = h.CVode()
        cvode.active(1 if self.cvode else 0)
        if self.cvode:
            cvode.atol(self.atol)
            # cai (~1e-4 mM) needs a tighter absolute tolerance than voltages (mV).
            cvode.atolscale("cai", 1e-3)
            # WATCH thresholds located by interpolation inside the step, not at its end.
            cvode.condition_order(2)
        h.dt = self.dt_ms
        h.steps_per_ms = 1.0 / self.dt_ms
        t_vec = h.Vector()
        t_vec.record(h._ref_t)
        h.finitialize(spec.v_init_mV)
        # Queued here rather than by an FInitializeHandler: a handler holding a bound method
        # would keep this Simulation (and its cell's sections) alive through NEURON.
        self._queue_input_events()
        h.continuerun(tstop_ms)
        t = np.array(t_vec)
        out = Traces()
        for site, var, distance, vec in self._records:
            values = np.array(vec)
            if not np.all(np.isfinite(values)):
                bad = t[np.argmax(~np.isfinite(values))]
                raise SimulationDiverged(f"{var} at {site} became non-finite at t = {bad:.3f} ms")
            out.traces[(site, var)] = Trace(site, var, unit_of(var), distance, t, values)
        for site, times, _ in self._spike_records:
            out.spikes_ms[site] = np.array(times)
        cvode.active(0)
        return out
