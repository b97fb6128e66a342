"""Stimulate, record and run built cells; results come back as numpy/pandas.

A :class:`Simulation` owns one or more cells, each registered under a gid with NEURON's
ParallelContext (spikes detected at the soma centre and recorded by gid), the stimuli,
synapses and probes placed on them, and one :class:`~dendriteei.engine.events.EventQueue`.
Use it as a context manager: on exit it frees NetCons, then point processes and stimuli,
then lets go of the cells.
"""
from __future__ import annotations

import math
import warnings
import weakref
import zlib
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ..catalogue import EVENT_KINDS, event_weights
from ..sites import Site
from ..spec import VOLTAGE_ENVELOPE_MV, SpecError
from ..synapses import SynapseGroup
from .cell import BuiltCell, range_parameters
from .events import EventQueue

#: Units of recordable variables (NEURON's own units).
UNITS = {"v": "mV", "cai": "mM", "ica": "mA/cm2", "ina": "mA/cm2", "ik": "mA/cm2"}


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
    """A recorded variable became NaN or infinite, or left its sanity envelope
    (:data:`VOLTAGE_ENVELOPE_MV`, :data:`CALCIUM_ROUND_OFF`)."""


#: How far below 0 a recorded Ca concentration (cai in mM, a synapse's ``c``) may dip by round-off:
#: CALCIUM_ROUND_OFF with the fixed step; with CVODE, which controls local rather than global error,
#: CVODE_ROUND_OFF_FACTOR times its absolute tolerance for the variable (``atol``, × CAI_ATOL_SCALE
#: for cai). Shouval STDP under CVODE (atol 1e-6) dips to -1.4e-6 µM; a real fault goes far lower.
CALCIUM_ROUND_OFF = 1e-9
CVODE_ROUND_OFF_FACTOR = 100.0
#: CVODE absolute-tolerance scale of cai (~1e-4 mM needs a tighter tolerance than voltages in mV).
CAI_ATOL_SCALE = 1e-3
#: Longest simulated time of one run (ms), 1 h: a sanity limit far above the protocols (the
#: balance protocols simulate ~40–100 s). Raise it with ``Simulation.run(..., max_tstop_ms=...)``
#: or by assigning ``dendriteei.engine.simulation.MAX_TSTOP_MS``.
MAX_TSTOP_MS = 3_600_000.0
_CALCIUM_VARIABLES = ("cai", "c")


def _check_trace(site: str, var: str, t: np.ndarray, values: np.ndarray, round_off: float = CALCIUM_ROUND_OFF) -> None:
    """SimulationDiverged if a trace is non-finite or leaves its sanity envelope (Ca below -round_off)."""
    if not np.all(np.isfinite(values)):
        bad = t[np.argmax(~np.isfinite(values))]
        raise SimulationDiverged(f"{var} at {site} became non-finite at t = {bad:.3f} ms")
    # |v| beyond the spec's sanity envelope (far beyond any physiological value): the run is unstable.
    if var == "v" and np.any(np.abs(values) > VOLTAGE_ENVELOPE_MV):
        index = int(np.argmax(np.abs(values) > VOLTAGE_ENVELOPE_MV))
        raise SimulationDiverged(f"v at {site} reached {values[index]:.4g} mV at t = {t[index]:.3f} ms, outside "
                                 f"the sanity envelope |v| ≤ {VOLTAGE_ENVELOPE_MV:g} mV: the run is unstable")
    if var in _CALCIUM_VARIABLES and np.any(values < -round_off):
        index = int(np.argmax(values < -round_off))
        unit = "mM" if var == "cai" else "(its unit)"
        raise SimulationDiverged(f"{var} at {site} fell to {values[index]:.4g} {unit} at t = {t[index]:.3f} ms; a "
                                 f"concentration cannot be negative (round-off allowed to {-round_off:g})")


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
    gid: int = 0


@dataclass
class Traces:
    """Recorded traces keyed by (site, variable), threshold crossings (ms) keyed by site, each
    cell's somatic spikes (ms) keyed by gid, and whole-cell recordings
    (:meth:`Simulation.record_segments`) keyed by label: (t_ms, values of shape segments × times)."""
    traces: dict = field(default_factory=dict)
    spikes_ms: dict = field(default_factory=dict)
    spikes_by_gid: dict = field(default_factory=dict)
    segments: dict = field(default_factory=dict)

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
    """The NEURON point processes of a placed group on one cell, their distances (µm) and
    input spikes (ms). Read state with :meth:`values`, :meth:`call` and :meth:`weights`."""
    group: SynapseGroup
    cell: BuiltCell
    points: list = field(default_factory=list)
    distances_um: list = field(default_factory=list)
    spike_times: list = field(default_factory=list)
    netcons: list = field(default_factory=list)   # the input NetCon of each synapse
    released: bool = False

    def _alive(self) -> None:
        if self.released:
            raise RuntimeError(f"group {self.group.name!r} was released with its simulation: read its state "
                               "inside the `with Simulation(...)` block")

    def values(self, variable: str) -> np.ndarray:
        """Current value of a point-process variable (RANGE) on every synapse."""
        self._alive()
        return np.array([getattr(p, variable) for p in self.points], dtype=float)

    def call(self, function: str) -> np.ndarray:
        """Value of a point-process FUNCTION (e.g. dei_gaba's 'G_now') on every synapse, now."""
        self._alive()
        return np.array([getattr(p, function)() for p in self.points], dtype=float)

    def weights(self) -> np.ndarray:
        """weight[0] of each synapse's input NetCon (plastic per-connection weights live here)."""
        self._alive()
        return np.array([nc.weight[0] for nc in self.netcons], dtype=float)

    def set_weights(self, weights) -> None:
        """Set weight[0] of each synapse's input NetCon (the mechanism's unit, e.g. µS)."""
        self._alive()
        weights = np.asarray(weights, dtype=float)
        if weights.shape != (len(self.netcons),) or not np.all(np.isfinite(weights)):
            raise ValueError(f"group {self.group.name!r}: need {len(self.netcons)} finite weights, "
                             f"got shape {weights.shape}")
        for netcon, weight in zip(self.netcons, weights):
            netcon.weight[0] = weight

    def release(self) -> None:
        self.netcons.clear()
        self.points.clear()
        self.released = True


class _ThresholdReset:
    """Integrate-and-fire reset on a built cell: when the soma centre crosses the threshold,
    an SEClamp (series resistance ``rs_MOhm``) holds it at the reset voltage for the
    refractory period."""

    def __init__(self, sim: "Simulation", cell: BuiltCell, threshold_mV: float, reset_mV: float,
                 refractory_ms: float, rs_MOhm: float):
        h, source = sim._h, cell.spike_source()
        self._h, self._cvode, self.refractory_ms = h, sim.cvode, refractory_ms
        self.clamp = h.SEClamp(source)
        self.clamp.rs, self.clamp.amp1, self.clamp.dur1 = rs_MOhm, reset_mV, 0.0
        self.detector = sim._detector(cell, source, threshold_mV)
        self.detector.record(self._spike)

    def prepare(self) -> None:
        """Release the clamp before a run (call before finitialize)."""
        self.clamp.dur1 = 0.0

    def _spike(self):
        h = self._h
        self.clamp.dur1 = h.t + self.refractory_ms
        if self._cvode:   # the clamp switched: restart CVODE now and when it lets go
            h.CVode().re_init()
            h.CVode().event(h.t + self.refractory_ms, self._reinit)

    def _reinit(self):
        self._h.CVode().re_init()

    def release(self):
        self.detector = self.clamp = None


#: Simulations that hold gids in this process's ParallelContext (not yet released).
_holding_gids = weakref.WeakSet()
#: Networks (dendriteei.engine.network.Network) built and not yet released: they own the gid table.
live_networks = weakref.WeakSet()


def _node_key(seg) -> tuple:
    """(section name, node) of a segment: NetCons watching the same node share one threshold."""
    sec, x = seg.sec, seg.x
    node = x if x in (0.0, 1.0) else min(int(x * sec.nseg), sec.nseg - 1)
    return sec.name(), node


def _stream_of(group_name: str) -> int:
    """Third Random123 id of a group's default noise streams: from its name, never 0 (the
    id seed_noise uses)."""
    return 1 + zlib.crc32(group_name.encode()) % (2**31 - 2)


def _positive(name: str, value: float, unit: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value) or value <= 0:
        raise ValueError(f"{name} must be a finite number > 0 {unit}, got {value!r}")
    return float(value)


class Simulation:
    """One run of one or more built cells: add stimuli, synapses and recordings, then :meth:`run`.

    Fixed step (``dt_ms``) by default; ``cvode=True`` uses NEURON's variable-step
    integrator with absolute tolerance ``atol``. ``celsius`` (°C) and ``cao_mM`` (mM) are run
    settings; by default they are the cells' spec values, which must then agree. Each cell
    gets a gid (``gids``, one per cell, e.g. a network's gids of this MPI rank; by default
    one above the largest gid in use, see :meth:`add_cell`) and its spikes are detected at the
    soma centre at ``spike_threshold_mV``. Stimuli, probes and synapses go on the only cell, or
    on the cell passed as ``cell=``.
    """

    def __init__(self, cells, dt_ms: float = 0.025, cvode: bool = False, atol: float = 1e-4,
                 celsius: float | None = None, cao_mM: float | None = None, spike_threshold_mV: float = -20.0,
                 gids=None):
        cells = [cells] if isinstance(cells, BuiltCell) else list(cells)
        if not cells or not all(isinstance(cell, BuiltCell) for cell in cells):
            raise TypeError("Simulation needs a BuiltCell or a non-empty sequence of them (dendriteei.engine.build)")
        gids = [None] * len(cells) if gids is None else list(gids)
        if len(gids) != len(cells):
            raise ValueError(f"{len(gids)} gids for {len(cells)} cells")
        self._h = cells[0].h
        self.dt_ms = _positive("dt_ms", dt_ms, "ms")
        if not isinstance(cvode, bool):
            raise TypeError(f"cvode must be True or False, got {cvode!r}")
        self.cvode = cvode
        self.atol = _positive("atol", atol, "")
        self.spike_threshold_mV = float(spike_threshold_mV)
        self.celsius = self._common_setting(cells, "celsius", celsius, "°C")
        self.cao_mM = self._common_setting(cells, "cao_mM", cao_mM, "mM")
        self._pc = self._h.ParallelContext()
        self.cells, self.gids = [], []
        self._events = EventQueue(self._h)
        self._keep = []
        self._records = []
        self._segment_records = []
        self._spike_records = []
        self._thresholds = {}       # _node_key -> threshold (mV) of the NetCons watching that node
        self._gid_spikes = {}       # gid -> (detector NetCon, times Vector)
        self._resets = []
        self._synapses = {}
        for cell, gid in zip(cells, gids):
            self.add_cell(cell, gid)

    def __enter__(self) -> "Simulation":
        return self

    def __exit__(self, *exc) -> None:
        self.release()

    @staticmethod
    def _common_setting(cells, name: str, value, unit: str) -> float:
        if value is not None:
            return float(value)
        values = {getattr(cell.spec, name) for cell in cells}
        if len(values) > 1:
            raise SpecError(f"the cells' specs disagree on {name} ({', '.join(map(str, sorted(values)))} {unit}); "
                            f"pass {name}= to Simulation")
        return values.pop()

    # -- cells and gids ----------------------------------------------------------
    @property
    def cell(self) -> BuiltCell:
        """The simulation's cell (only when it has exactly one)."""
        if len(self.cells) != 1:
            raise ValueError(f"this simulation has {len(self.cells)} cells: say which with cell=")
        return self.cells[0]

    def add_cell(self, cell: BuiltCell, gid: int | None = None) -> int:
        """Register a cell under ``gid`` (default: one above the largest gid in use) on this
        rank of the ParallelContext, detect its spikes at the soma centre, and return the gid."""
        if any(cell is own for own in self.cells):
            raise ValueError(f"cell {cell.label} is already in this simulation")
        if len(live_networks):
            raise RuntimeError("a Network is built in this process and owns the gid table; release it (leave its "
                               "`with` block) before making a Simulation")
        if not _holding_gids:
            self._pc.gid_clear()   # no live simulation owns a gid: start from a clean table
        in_use = {g for sim in _holding_gids for g in sim.gids}
        if gid is None:
            gid = max(in_use, default=-1) + 1
        if isinstance(gid, bool) or not isinstance(gid, int) or gid < 0:
            raise ValueError(f"gid must be an integer >= 0, got {gid!r}")
        if gid in in_use:
            raise ValueError(f"gid {gid} is already in use by a live simulation; in use: {sorted(in_use)}")
        self._pc.set_gid2node(gid, int(self._pc.id()))
        detector = self._detector(cell, cell.spike_source(), self.spike_threshold_mV)
        self._pc.cell(gid, detector)
        times = self._h.Vector()
        self._pc.spike_record(gid, times, self._h.Vector())
        self._gid_spikes[gid] = (detector, times)
        self.cells.append(cell)
        self.gids.append(gid)
        _holding_gids.add(self)
        return gid

    def gid_of(self, cell: BuiltCell) -> int:
        for own, gid in zip(self.cells, self.gids):
            if own is cell:
                return gid
        raise ValueError(f"cell {cell.label} is not in this simulation")

    def _target(self, cell: BuiltCell | None) -> BuiltCell:
        if cell is None:
            return self.cell
        self.gid_of(cell)
        return cell

    def _detector(self, cell: BuiltCell, seg, threshold_mV: float, target=None):
        """A NetCon watching v at ``seg`` with ``threshold_mV`` (to ``target``, if given). NEURON
        shares one threshold among all NetCons watching the same node, so a second threshold
        there is refused."""
        key = _node_key(seg)
        known = self._thresholds.setdefault(key, float(threshold_mV))
        if known != float(threshold_mV):
            raise SpecError(f"{key[0]} node {key[1]} already detects spikes at {known} mV; NEURON shares one "
                            f"threshold per watched node, so {threshold_mV} mV cannot be used there too "
                            "(for the soma centre, set Simulation(spike_threshold_mV=...))")
        netcon = self._h.NetCon(seg._ref_v, target, sec=seg.sec)
        netcon.threshold = threshold_mV
        return netcon

    # -- stimuli -------------------------------------------------------------
    def current_pulse(self, site: Site, amplitude_nA: float, delay_ms: float, duration_ms: float,
                      cell: BuiltCell | None = None) -> None:
        """Square current pulse (nA) injected at a site."""
        seg, _ = self._target(cell).resolve(site)
        clamp = self._h.IClamp(seg)
        clamp.amp, clamp.delay, clamp.dur = amplitude_nA, delay_ms, duration_ms
        self._keep.append(clamp)

    def voltage_clamp(self, site: Site, v_mV: float, start_ms: float = 0.0, duration_ms: float = 1e9,
                      cell: BuiltCell | None = None) -> None:
        """Hold a site at v_mV from start_ms (SEClamp, series resistance 1 kΩ; before start_ms at v_init)."""
        target = self._target(cell)
        seg, _ = target.resolve(site)
        clamp = self._h.SEClamp(seg)
        clamp.rs = 1e-3
        clamp.dur1, clamp.amp1 = start_ms, target.spec.v_init_mV
        clamp.dur2, clamp.amp2 = duration_ms, v_mV
        self._keep.append(clamp)

    def voltage_command(self, site: Site, t_ms, v_mV, cell: BuiltCell | None = None) -> None:
        """Clamp a site to a voltage waveform given at times t_ms (ms), linearly interpolated
        (SEClamp with series resistance 1 kΩ; CVODE-safe continuous play)."""
        t, v = np.asarray(t_ms, dtype=float), np.asarray(v_mV, dtype=float)
        if t.shape != v.shape or t.size < 2 or np.any(np.diff(t) < 0):
            raise ValueError("voltage_command needs ≥ 2 times in non-decreasing order, one voltage per time")
        seg, _ = self._target(cell).resolve(site)
        clamp = self._h.SEClamp(seg)
        clamp.rs, clamp.dur1 = 1e-3, 1e9
        tvec, vvec = self._h.Vector(t), self._h.Vector(v)
        vvec.play(clamp._ref_amp1, tvec, 1)  # 1: continuous (linear interpolation)
        self._keep += [clamp, tvec, vvec]

    def epsc_current(self, site: Site, peak_nA: float, onset_ms: float,
                     tau_rise_ms: float = 0.5, tau_decay_ms: float = 5.0, cell: BuiltCell | None = None) -> None:
        """Double-exponential EPSP-shaped current (peak in nA) from onset_ms, as the
        'EPSP-like' injection of Larkum et al. 1999 and Hay et al. 2011 (mod/dei_epsc.mod)."""
        if not 0.0 < tau_rise_ms < tau_decay_ms:
            raise ValueError(f"need 0 < tau_rise_ms < tau_decay_ms, got {tau_rise_ms} and {tau_decay_ms} ms")
        seg, _ = self._target(cell).resolve(site)
        point = self._h.dei_epsc(seg)
        point.tau_r, point.tau_d = tau_rise_ms, tau_decay_ms
        self._events.deliver(point, (onset_ms,), (peak_nA,))
        self._keep.append(point)

    def threshold_reset(self, threshold_mV: float, reset_mV: float, refractory_ms: float,
                        rs_MOhm: float = 1e-3, cell: BuiltCell | None = None) -> None:
        """Make the cell integrate-and-fire: at each upward crossing of threshold_mV at the soma
        centre, clamp it to reset_mV for refractory_ms (SEClamp, series resistance rs_MOhm)."""
        if reset_mV >= threshold_mV:
            raise ValueError(f"reset_mV = {reset_mV} mV must lie below threshold_mV = {threshold_mV} mV")
        _positive("refractory_ms", refractory_ms, "ms")
        _positive("rs_MOhm", rs_MOhm, "MΩ")
        self._resets.append(_ThresholdReset(self, self._target(cell), threshold_mV, reset_mV,
                                            refractory_ms, rs_MOhm))

    # -- explicit events and readouts -----------------------------------------------
    def deliver(self, placed: PlacedSynapses, index: int, times_ms, kind: str, weight: float = 0.0) -> None:
        """Typed events (``kind``: 'pre', 'post', or dei_gaba's 'exc'; see
        :data:`dendriteei.catalogue.EVENT_KINDS`) to synapse ``index`` of a placed group at
        times_ms (ms), with ``weight`` in slot 0 of the event's own NetCon."""
        if not 0 <= index < len(placed.points):
            raise IndexError(f"group {placed.group.name!r} has {len(placed.points)} synapses, no index {index}")
        self._events.deliver(placed.points[index], times_ms, event_weights(placed.group.mechanism, kind, weight))

    def call_at(self, t_ms: float, callback) -> None:
        """Call ``callback()`` when the run reaches t_ms (CVODE: at t_ms exactly; fixed step:
        at the end of the step that contains t_ms). Read state there with :attr:`time_ms`,
        :meth:`PlacedSynapses.values`, :meth:`PlacedSynapses.call`, :meth:`PlacedSynapses.weights`."""
        self._events.call_at(t_ms, callback)

    @property
    def time_ms(self) -> float:
        """The simulation's current time (ms)."""
        return float(self._h.t)

    # -- recordings ------------------------------------------------------------
    def record(self, site: Site, variables=("v",), cell: BuiltCell | None = None, label: str | None = None) -> None:
        """Record variables (e.g. 'v', 'cai', 'ica', 'ik', 'm_dei_nat') at a site, at every step;
        traces are keyed (label or site.name, variable)."""
        target = self._target(cell)
        seg, distance = target.resolve(site)
        name = label or site.name
        for var in variables:
            if any((name, var) == (known, known_var) for known, known_var, *_ in self._records):
                raise ValueError(f"a trace ({name!r}, {var!r}) is already recorded; give this one another label=")
            try:
                ref = getattr(seg, f"_ref_{var}")
            except (AttributeError, NameError, TypeError):
                raise ValueError(f"cannot record {var!r} at site {site.name!r}: the segment has no such "
                                 "variable (is the mechanism or ion present there?)") from None
            vec = self._h.Vector()
            vec.record(ref)
            self._records.append((name, var, distance, vec, self.gid_of(target)))

    def record_segments(self, variable: str = "v", mechanism: str | None = None, start_ms: float = 0.0,
                        cell: BuiltCell | None = None, label: str | None = None) -> None:
        """Record ``variable`` at every segment of a cell, at every step from start_ms (ms) on; with
        ``mechanism`` (a density mechanism, e.g. 'dei_cad') only in sections that have it. After the
        run, ``Traces.segments[label or variable]`` is (t_ms, values) with one row of values per row
        of the cell's :meth:`BuiltCell.segments` table (NaN rows where not recorded)."""
        target = self._target(cell)
        key = label or variable
        if any(key == known for known, *_ in self._segment_records):
            raise ValueError(f"segment recording {key!r} already exists; give this one another label=")
        vectors = []
        for sec in target.sections.values():
            recorded = mechanism is None or sec.has_membrane(mechanism)
            for seg in sec:
                if not recorded:
                    vectors.append(None)
                    continue
                try:
                    ref = getattr(seg, f"_ref_{variable}")
                except (AttributeError, NameError, TypeError):
                    raise ValueError(f"cannot record {variable!r} in section {sec.name()}: no such variable "
                                     "(is the mechanism or ion present there? pass mechanism=)") from None
                vectors.append(self._h.Vector().record(ref))
        self._segment_records.append((key, variable, float(start_ms), vectors))

    def record_spikes(self, site: Site, threshold_mV: float = -20.0, cell: BuiltCell | None = None,
                      label: str | None = None) -> None:
        """Record times (ms) of upward crossings of threshold_mV at a site (keyed label or site.name)."""
        target = self._target(cell)
        seg, _ = target.resolve(site)
        netcon = self._detector(target, seg, threshold_mV)
        times = self._h.Vector()
        netcon.record(times)
        self._spike_records.append((label or site.name, times, netcon))

    # -- synapses --------------------------------------------------------------
    def add_synapses(self, group: SynapseGroup, cell: BuiltCell | None = None) -> PlacedSynapses:
        """Place a synapse group on a cell: one point process and one spike source per synapse;
        with ``receives_post_spikes`` every synapse also gets the cell's somatic spikes (a
        NetCon whose weight vector marks the event 'post', :data:`dendriteei.catalogue.EVENT_KINDS`)."""
        h, target = self._h, self._target(cell)
        if group.name in self._synapses:
            raise SpecError(f"a synapse group named {group.name!r} is already placed in this simulation")
        if group.mechanism not in _point_processes(h):
            raise SpecError(f"group {group.name!r}: mechanism {group.mechanism!r} is not a point process; "
                            f"point processes: {', '.join(sorted(_point_processes(h)))}")
        valid = range_parameters(h, group.mechanism)
        if group.receives_post_spikes and group.mechanism not in EVENT_KINDS:
            raise SpecError(f"group {group.name!r}: {group.mechanism} takes no postsynaptic spikes; "
                            f"those that do: {', '.join(EVENT_KINDS)}")
        for name, _ in group.parameters + group.varying:
            if name not in valid:
                raise SpecError(f"group {group.name!r}: {group.mechanism} has no parameter {name!r}; "
                                f"valid: {', '.join(valid)}")
        placed = PlacedSynapses(group, target)
        segments = self._group_segments(group, target)
        for index, ((seg, actual), times) in enumerate(zip(segments, group.spike_times())):
            point = getattr(h, group.mechanism)(seg)
            for name, value in group.parameters:
                setattr(point, name, value)
            for name, values in group.varying:
                setattr(point, name, values[index])
            if hasattr(point, "rng"):   # RANDOM streams fixed by data, not by creation order
                point.rng.set_ids(group.seed, index, _stream_of(group.name))
            placed.points.append(point)
            placed.distances_um.append(actual)
            placed.spike_times.append(times)
            placed.netcons.append(self._events.deliver(point, times, (group.weight,), group.delay_ms))
        if group.receives_post_spikes:
            source = target.spike_source()
            post_weights = event_weights(group.mechanism, "post")
            for point in placed.points:
                post = self._detector(target, source, group.post_threshold_mV, point)
                post.delay = 0.0
                for slot, value in enumerate(post_weights):
                    post.weight[slot] = value
                self._keep.append(post)
        self._synapses[group.name] = placed
        return placed

    def _group_segments(self, group: SynapseGroup, cell: BuiltCell) -> list:
        """(segment, path distance in µm) of each synapse: at the group's (branch, x) sites, each
        checked to lie in the group's region, or by region + path distance (evenly spread: a distance
        in a gap of the region, as reconstructed cells have, goes to the region's nearest segment;
        given ``distances_um`` must exist)."""
        names = [f"{group.name}[{index}]" for index in range(group.n)]
        if not group.branch_sites():
            nearest, farthest = cell.distance_range(group.region)
            return [cell.resolve(Site(name, region=group.region, distance_um=distance), snap=not group.distances_um)
                    for name, distance in zip(names, group.target_distances(nearest, farthest))]
        region, resolved = cell.spec.region(group.region), []
        for name, (branch, x) in zip(names, group.branch_sites()):
            seg, distance = cell.resolve(Site(name, branch=branch, x=x))
            if not region.contains(cell.tags[branch], distance):
                raise SpecError(f"group {group.name!r}: site ({branch!r}, {x:g}) at {distance:.0f} µm "
                                f"lies outside region {group.region!r}")
            resolved.append((seg, distance))
        return resolved

    def _placed(self, group_name: str) -> PlacedSynapses:
        if group_name not in self._synapses:
            raise KeyError(f"no synapse group {group_name!r}; placed: {', '.join(self._synapses) or 'none'}")
        return self._synapses[group_name]

    def seed_noise(self, group_name: str, seed: int) -> None:
        """Give synapse k of a group the random stream (seed, k, 0) instead of its default
        (group seed, k, a number derived from the group's name); either way results depend only
        on data, not on creation order (NEURON 9 RANDOM)."""
        for index, point in enumerate(self._placed(group_name).points):
            point.rng.set_ids(seed, index, 0)

    def record_synapses(self, group_name: str, variables=("c",)) -> None:
        """Record point-process variables (e.g. 'c', 'rho', 'efficacy', 'i') of every synapse
        of a group; traces are keyed ('<group>[i]', variable)."""
        placed = self._placed(group_name)
        gid = self.gid_of(placed.cell)
        for index, point in enumerate(placed.points):
            for var in variables:
                vec = self._h.Vector()
                vec.record(getattr(point, f"_ref_{var}"))
                self._records.append((f"{group_name}[{index}]", var, placed.distances_um[index], vec, gid))

    # -- lifetime --------------------------------------------------------------
    def release(self) -> None:
        """Free NEURON objects in a safe order: NetCons and callbacks, then point processes
        and stimuli, then the gids and the cells. (NEURON 9.0.2 can crash in a later CVODE run
        when sections are freed before the WATCH-carrying synapses on them: nrn issue 3480.)
        Called on leaving a ``with`` block; safe to call twice."""
        self._events.release()
        self._spike_records.clear()
        self._gid_spikes.clear()
        for reset in self._resets:
            reset.release()
        self._resets.clear()
        self._keep = [obj for obj in self._keep if not obj.hname().startswith("NetCon")]
        for placed in self._synapses.values():
            placed.release()
        self._synapses.clear()
        self._keep.clear()
        self._records.clear()
        self._segment_records.clear()
        self._thresholds.clear()
        _holding_gids.discard(self)
        if not _holding_gids:
            self._pc.gid_clear()
        self.cells, self.gids = [], []

    def owned_sections(self) -> set:
        """NEURON names of the sections of this simulation's cells."""
        return set().union(*(cell.section_names() for cell in self.cells))

    def _round_off(self, var: str) -> float:
        """How far below 0 a recorded Ca concentration may dip (see CALCIUM_ROUND_OFF)."""
        if not self.cvode:
            return CALCIUM_ROUND_OFF
        return max(CALCIUM_ROUND_OFF, CVODE_ROUND_OFF_FACTOR * self.atol * (CAI_ATOL_SCALE if var == "cai" else 1.0))

    # -- run -------------------------------------------------------------------
    def run(self, tstop_ms: float, max_tstop_ms: float | None = None) -> Traces:
        """Initialise every cell to its spec's v_init and integrate to tstop_ms (one rank:
        NEURON's standard run; several MPI ranks: ParallelContext.psolve with spike exchange).
        ``max_tstop_ms`` (default :data:`MAX_TSTOP_MS`, 1 h) bounds tstop_ms."""
        if isinstance(tstop_ms, bool) or not isinstance(tstop_ms, (int, float)) or not math.isfinite(tstop_ms) \
                or tstop_ms < 0:
            raise ValueError(f"tstop_ms must be a finite number >= 0 ms, got {tstop_ms!r}")
        limit = MAX_TSTOP_MS if max_tstop_ms is None else _positive("max_tstop_ms", max_tstop_ms, "ms")
        if tstop_ms > limit:
            raise ValueError(f"tstop_ms = {tstop_ms:g} ms exceeds the limit of {limit:g} ms of simulated time per "
                             "run (a sanity limit against unit slips, e.g. s for ms); pass max_tstop_ms= to "
                             "Simulation.run or raise dendriteei.engine.simulation.MAX_TSTOP_MS")
        if not self.cells:
            raise RuntimeError("this simulation was released; build the cells again and make a new one")
        h, pc = self._h, self._pc
        h.celsius = self.celsius
        h.cao0_ca_ion = self.cao_mM
        own = self.owned_sections()
        foreign = [sec.name() for sec in h.allsec() if sec.name() not in own]
        if foreign:
            warnings.warn(f"{len(foreign)} sections that this simulation does not own exist and are simulated "
                          f"too (e.g. {foreign[0]}); drop references to old cells or release their simulation")
        cvode = h.CVode()
        cvode.active(1 if self.cvode else 0)
        if self.cvode:
            cvode.atol(self.atol)
            cvode.atolscale("cai", CAI_ATOL_SCALE)
            # WATCH thresholds located by interpolation inside the step, not at its end.
            cvode.condition_order(2)
        h.dt = self.dt_ms
        h.steps_per_ms = 1.0 / self.dt_ms
        t_vec = h.Vector()
        t_vec.record(h._ref_t)
        for reset in self._resets:
            reset.prepare()
        for _, times in self._gid_spikes.values():
            times.resize(0)
        v_init = {cell.spec.v_init_mV for cell in self.cells}
        if len(v_init) == 1:
            h.finitialize(v_init.pop())
        else:   # each cell starts at its own v_init; finitialize() without argument keeps v
            for cell in self.cells:
                for sec in cell.sections.values():
                    for seg in sec.allseg():
                        seg.v = cell.spec.v_init_mV
            h.finitialize()
        # Queued here rather than by an FInitializeHandler: a handler holding a bound method
        # would keep this Simulation (and its cells' sections) alive through NEURON.
        self._events.queue()
        if pc.nhost() > 1:
            pc.set_maxstep(10.0)
            pc.psolve(tstop_ms)
        else:
            h.continuerun(tstop_ms)
        t = np.array(t_vec)
        out = Traces()
        for site, var, distance, vec, gid in self._records:
            values = np.array(vec)
            _check_trace(site, var, t, values, self._round_off(var))
            out.traces[(site, var)] = Trace(site, var, unit_of(var), distance, t, values, gid)
        for key, var, start_ms, vectors in self._segment_records:
            keep = t >= start_ms
            values = np.full((len(vectors), int(keep.sum())), np.nan)
            for row, vec in enumerate(vectors):
                if vec is not None:
                    values[row] = vec.as_numpy()[keep]
                    _check_trace(f"segment {row} of {key!r}", var, t[keep], values[row], self._round_off(var))
            out.segments[key] = (t[keep], values)
        for site, times, _ in self._spike_records:
            out.spikes_ms[site] = np.array(times)
        for gid, (_, times) in self._gid_spikes.items():
            out.spikes_by_gid[gid] = np.array(times)
        cvode.active(0)
        return out
