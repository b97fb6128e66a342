"""Build and run a :class:`~dendriteei.network.NetworkSpec` on NEURON's ParallelContext.

gids are dealt round-robin over the MPI ranks (gid % nhost); each rank builds only its own
cells, their synapses, stimuli and probes, and connects every incoming connection of its cells
with ``pc.gid_connect`` from the per-target-gid streams of :mod:`dendriteei.network.connectivity`.
The network, its random inputs and therefore its spikes are the same for any number of ranks.
Runs use the fixed step and ``pc.psolve``, whose spike exchange interval is the smallest delay
(``pc.set_maxstep``); results are gathered to rank 0. ``nthread`` > 1 runs the cells of a rank
on that many threads (``pc.nthread``; every dei_* mechanism is THREADSAFE).
"""
from __future__ import annotations

import math
import time
import zlib
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ..catalogue import GABA_POST_SOURCES
from ..network import connectivity
from ..network.spec import CurrentStep, NetworkSpec, PointNeuron, PoissonDrive, StimulusSequence, Synapse
from .cell import _h, build
from .simulation import MAX_TSTOP_MS, SimulationDiverged, _holding_gids, live_networks

#: dei_glu's default AMPA peak (nS, gmax0_ampa in mod/dei_glu.mod): a network weight in nS divided by
#: the synapse's gmax0_ampa is dei_glu's relative weight.
_GLU_GMAX0_NS = 0.5
#: Relative margin by which the shortest delay exceeds dt (ParallelContext refuses a minimum delay of dt).
DELAY_MARGIN = 1e-6
#: Event kinds in the weight vectors (see mod/dei_lif.mod, dei_gaba.mod, dei_glu.mod).
_LIF_KIND = {"exc": 0.0, "inh": 1.0}


@dataclass
class NetworkResult:
    """What a run gives back on rank 0 (other ranks get ``None``): every spike, sampled weights
    over time, the final weights of plastic projections, sampled synaptic currents, and counts."""
    spec: NetworkSpec
    tstop_ms: float
    spikes: pd.DataFrame                 # gid, population, t_ms
    weights: pd.DataFrame                # projection, pre_gid, post_gid, t_ms, weight_nS
    final_weights: pd.DataFrame          # projection, pre_gid, post_gid, weight_nS
    currents: pd.DataFrame               # population, gid, t_ms, exc_nA, inh_nA
    connections: dict                    # projection -> number of connections
    synaptic_events: int                 # spikes × their out-degree: events delivered to synapses
    timing: dict = field(default_factory=dict)   # build_s, run_s, ranks, threads

    def rates_hz(self, bin_ms: float = 100.0) -> pd.DataFrame:
        """Population rates (Hz per cell) in bins of bin_ms: population, t_ms (bin centre), rate_hz."""
        rows = []
        edges = np.arange(0.0, self.tstop_ms + bin_ms * 0.5, bin_ms)
        if edges[-1] < self.tstop_ms:
            edges = np.append(edges, self.tstop_ms)
        for pop in self.spec.populations:
            t = self.spikes.t_ms[self.spikes.population == pop.name].to_numpy()
            counts, _ = np.histogram(t, edges)
            rows.append(pd.DataFrame({"population": pop.name, "t_ms": 0.5 * (edges[1:] + edges[:-1]),
                                      "rate_hz": counts / (pop.size * np.diff(edges) / 1000.0)}))
        return pd.concat(rows, ignore_index=True)


class Network:
    """A network built on this rank. Use as a context manager; :meth:`run` integrates it."""

    def __init__(self, spec: NetworkSpec, nthread: int = 1):
        if not isinstance(spec, NetworkSpec):
            raise TypeError(f"Network needs a NetworkSpec, got {type(spec).__name__}")
        if isinstance(nthread, bool) or not isinstance(nthread, int) or nthread < 1:
            raise ValueError(f"nthread must be an integer >= 1, got {nthread!r}")
        if len(_holding_gids) or len(live_networks):
            raise RuntimeError("a Simulation or another Network still holds gids in this process; release it "
                               "(leave its `with` block) before building a network")
        started = time.perf_counter()
        self.spec = spec
        self.h = h = _h()
        self.pc = pc = h.ParallelContext()
        pc.gid_clear()
        self.rank, self.nhost = int(pc.id()), int(pc.nhost())
        self.nthread = nthread
        # ParallelContext needs every delay from a spike source strictly above dt; one of exactly dt
        # (the spec allows it) becomes dt·(1 + 1e-6), delivered in the same step
        self._shortest_delay = spec.dt_ms * (1.0 + DELAY_MARGIN)
        self.local_gids = list(range(self.rank, spec.n_cells, self.nhost))
        self._cells = {}          # gid -> (section or BuiltCell, soma section, own dei_lif or None)
        self._sources = {}        # gid -> NetCon (spike source)
        self._synapses = {}       # placement key (see _placement_key) -> point processes (one per site)
        self._projection_points = {}   # projection index -> [point processes on this rank]
        self._netcons = {}        # projection index -> list of (post gid, pre gids array, NetCons list)
        self._keep = []           # stimuli, post-event NetCons
        self._post_netcons = False
        self._out_degree = np.zeros(spec.n_cells, dtype=np.int64)
        for gid in self.local_gids:
            self._build_cell(gid)
        for index, projection in enumerate(spec.projections):
            self._connect(index, projection)
        for index, stimulus in enumerate(spec.stimuli):
            self._stimulate(index, stimulus)
        self._spike_t, self._spike_gid = h.Vector(), h.Vector()
        pc.spike_record(-1, self._spike_t, self._spike_gid)
        self._weight_probes = self._choose_weight_probes()
        self._current_probes = self._choose_current_probes()
        live_networks.add(self)
        self.build_s = time.perf_counter() - started

    def __enter__(self) -> "Network":
        return self

    def __exit__(self, *exc) -> None:
        self.release()

    # -- cells -----------------------------------------------------------------------------------
    def _build_cell(self, gid: int) -> None:
        h, pc = self.h, self.pc
        pop, index = self.spec.population_of(gid)
        cell = pop.cell
        pc.set_gid2node(gid, self.rank)
        if isinstance(cell, PointNeuron):
            sec = h.Section(name=f"{pop.name}[{index}]")
            sec.nseg = 1
            sec.L = sec.diam = math.sqrt(cell.c_m_pF * 100.0 / math.pi)   # area = C / (1 µF/cm²), µm²
            sec.cm = 1.0
            lif = h.dei_lif(sec(0.5))
            for name, value in _lif_parameters(cell).items():
                setattr(lif, name, value)
            if cell.v_thresh_sd_mV > 0:   # per-cell threshold; the cut-off keeps its distance from it
                shift = connectivity.stream(self.spec.seed, "v_init", gid, 1).normal(0.0, cell.v_thresh_sd_mV)
                lif.v_thresh, lif.v_spike = cell.v_thresh_mV + shift, cell.spike_mV + shift
            source = h.NetCon(lif, None)
            self._cells[gid] = (sec, sec, lif)
        else:
            built = build(cell.spec)
            seg = built.spike_source()
            source = h.NetCon(seg._ref_v, None, sec=seg.sec)
            source.threshold = cell.spike_threshold_mV
            self._cells[gid] = (built, built.soma, None)
        pc.cell(gid, source)
        self._sources[gid] = source

    def _v_init(self, gid: int) -> float:
        cell = self.spec.population_of(gid)[0].cell
        if isinstance(cell, PointNeuron):
            low, high = cell.v_init_mV
            return float(connectivity.stream(self.spec.seed, "v_init", gid).uniform(low, high)) if high > low else low
        return cell.spec.v_init_mV

    # -- synapses --------------------------------------------------------------------------------
    @staticmethod
    def _placement_key(gid: int, synapse: Synapse, owner: tuple) -> tuple:
        """Plastic synapses belong to their projection or stimulus (``owner``); non-plastic ones with the
        same mechanism, parameters, region and sites are shared on a cell by every projection and
        stimulus that uses them (a conductance sums its inputs; far fewer point processes to integrate)."""
        if synapse.plastic or synapse.post_events:
            return (gid, owner)
        return (gid, ("shared", synapse.mechanism, synapse.region, synapse.parameters, synapse.sites))

    def _place(self, gid: int, synapse: Synapse, owner: tuple) -> list:
        """The point processes (one per site) that ``synapse`` puts on cell ``gid``, made once per key."""
        key = self._placement_key(gid, synapse, owner)
        if key in self._synapses:
            return self._synapses[key]
        h = self.h
        cell, soma, lif = self._cells[gid]
        if synapse.mechanism in ("exc", "inh"):
            points = [lif]
        else:
            if lif is not None:
                segments = [soma(0.5)] * synapse.sites
            else:
                entries = cell._region_entries(synapse.region)
                areas = np.array([seg.area() for _, _, seg, _ in entries])
                rng = connectivity.stream(self.spec.seed, "sites", zlib.crc32(repr(key[1]).encode()), gid)
                chosen = rng.choice(len(entries), size=synapse.sites, p=areas / areas.sum())
                segments = [entries[i][2] for i in chosen]
            points = []
            for seg in segments:
                point = getattr(h, synapse.mechanism)(seg)
                for name, value in synapse.parameters:
                    setattr(point, name, value)
                points.append(point)
            if synapse.post_events and lif is not None and synapse.mechanism == "dei_gaba":
                # a point neuron's spike is its voltage crossing v_spike: dei_gaba's own WATCH on the
                # same compartment sees it in the same step, without a NetCon (and its delay)
                for point in points:
                    point.post_source = GABA_POST_SOURCES["local_voltage"]
                    point.post_threshold = lif.v_spike
            elif synapse.post_events:
                kind_vector = (0.0, 0.0, 0.0, 1.0) if synapse.mechanism == "dei_gaba" else (0.0, 1.0)
                self._post_netcons = True
                for point in points:
                    netcon = h.NetCon(lif, point) if lif is not None else \
                        h.NetCon(soma(0.5)._ref_v, point, sec=soma)
                    if lif is None:
                        netcon.threshold = self.spec.population_of(gid)[0].cell.spike_threshold_mV
                    for slot, value in enumerate(kind_vector):
                        netcon.weight[slot] = value
                    # one step late: a NetCon from a cell's spike source counts in ParallelContext's
                    # minimum delay, which must exceed dt (0.1 ms against τ_STDP of 20 ms)
                    netcon.delay = self._shortest_delay
                    self._keep.append(netcon)
        self._synapses[key] = points
        return points

    def _connect(self, index: int, projection) -> None:
        pc, spec = self.pc, self.spec
        first = spec.first_gid(projection.post)
        last = first + spec.population(projection.post).size
        made = []
        for gid in self.local_gids:
            if not first <= gid < last:
                continue
            conns = connectivity.incoming(spec, index, gid)
            np.add.at(self._out_degree, conns.pre_gids, 1)
            if not len(conns):
                made.append((gid, conns.pre_gids, []))
                continue
            points = self._place(gid, projection.synapse, ("projection", index))
            self._projection_points.setdefault(index, []).extend(points)
            vectors = _weight_vectors(projection.synapse, conns.weights_nS)
            delays = np.maximum(conns.delays_ms, self._shortest_delay).tolist()
            netcons = []
            for pre, site, delay, vector in zip(conns.pre_gids.tolist(), conns.sites.tolist(), delays, vectors):
                netcon = pc.gid_connect(pre, points[site])
                netcon.delay = delay
                for slot, value in enumerate(vector):
                    netcon.weight[slot] = value
                netcons.append(netcon)
            made.append((gid, conns.pre_gids, netcons))
        self._netcons[index] = made

    def _stimulate(self, index: int, stimulus) -> None:
        h, spec = self.h, self.spec
        first = spec.first_gid(stimulus.target)
        last = first + spec.population(stimulus.target).size
        for gid in self.local_gids:
            fraction = getattr(stimulus, "fraction", 1.0)      # a StimulusSequence reaches its assemblies
            if not first <= gid < last or not connectivity.selected(spec, index, gid, fraction):
                continue
            _, soma, _ = self._cells[gid]
            if isinstance(stimulus, CurrentStep):
                clamp = h.IClamp(soma(0.5))
                clamp.amp, clamp.delay = stimulus.amplitude_pA * 1e-3, stimulus.start_ms
                clamp.dur = stimulus.stop_ms - stimulus.start_ms
                self._keep.append(clamp)
                continue
            if isinstance(stimulus, StimulusSequence):
                self._present(index, stimulus, gid)
                continue
            assert isinstance(stimulus, PoissonDrive)
            self._poisson(gid, stimulus, index, stimulus.rate_hz * stimulus.n_sources, stimulus.start_ms,
                          stimulus.stop_ms, connectivity.STREAMS["stimulus"] * 1000 + index)

    def _present(self, index: int, sequence: StimulusSequence, gid: int) -> None:
        """One Poisson source per presentation of the assembly that cell ``gid`` belongs to."""
        pop, cell_index = self.spec.population_of(gid)
        assembly = connectivity.assembly_of(cell_index, pop.assembly_size, pop.n_assemblies)
        if assembly < 0 or sequence.rate_hz <= 0:
            return
        for slot in (i for i, a in enumerate(sequence.sequence) if a == assembly):
            start, stop = sequence.window_ms(slot)
            # Random123 ids are 32-bit: a stream per (seed, sequence, slot, gid) for < 4000 sequences of < 10⁶ slots
            self._poisson(gid, sequence, index, sequence.rate_hz, start, stop, 10**9 + index * 10**6 + slot)

    def _poisson(self, gid: int, stimulus, index: int, rate_hz: float, start_ms: float, stop_ms: float,
                 stream_id: int) -> None:
        """A dei_poisson source of ``rate_hz`` in [start_ms, stop_ms] onto ``stimulus.synapse`` of ``gid``."""
        h = self.h
        source = h.dei_poisson()
        source.rng.set_ids(self.spec.seed, stream_id, gid)
        source.rate_hz = rate_hz
        source.start, source.stop = start_ms, stop_ms
        point = self._place(gid, stimulus.synapse, ("stimulus", index))[0]
        netcon = h.NetCon(source, point)
        netcon.delay = 0.0
        for slot, value in enumerate(_weight_vectors(stimulus.synapse, [stimulus.weight_nS])[0]):
            netcon.weight[slot] = value
        self._keep.extend((source, netcon))

    # -- probes ----------------------------------------------------------------------------------
    def _choose_weight_probes(self) -> list:
        """(projection index, post gid, pre gid, NetCon) of the sampled plastic connections on this rank:
        the first connection of up to ``weight_sample`` post cells per plastic projection, chosen from
        the spec's 'sample' stream (the same cells for any number of ranks)."""
        probes, n = [], self.spec.recording.weight_sample
        for index, projection in enumerate(self.spec.projections):
            if not projection.synapse.plastic or n == 0:
                continue
            size = self.spec.population(projection.post).size
            first = self.spec.first_gid(projection.post)
            rng = connectivity.stream(self.spec.seed, "sample", index)
            chosen = set((first + rng.choice(size, size=min(n, size), replace=False)).tolist())
            for gid, pre, netcons in self._netcons[index]:
                if gid in chosen and netcons:
                    probes.append((index, gid, int(pre[0]), netcons[0]))
        return probes

    def _choose_current_probes(self) -> list:
        """(gid, [(kind, Vector)]) recording the synaptic currents of ``current_sample`` cells per population."""
        n, h = self.spec.recording.current_sample, self.h
        if n == 0:
            return []
        every = self.spec.recording.current_every_ms
        probes = []
        for p_index, pop in enumerate(self.spec.populations):
            rng = connectivity.stream(self.spec.seed, "sample", 10_000 + p_index)
            first = self.spec.first_gid(pop.name)
            chosen = set((first + rng.choice(pop.size, size=min(n, pop.size), replace=False)).tolist())
            for gid in sorted(chosen & set(self.local_gids)):
                vectors = []
                _, _, lif = self._cells[gid]
                if lif is not None:
                    for kind, ref in (("exc", lif._ref_i_e), ("inh", lif._ref_i_i)):
                        vec = h.Vector()
                        vec.record(ref, every)
                        vectors.append((kind, vec))
                for (owner, _), points in self._synapses.items():
                    if owner != gid:
                        continue
                    for point in points:
                        if point.hname().startswith(("dei_glu", "dei_ampa", "dei_gaba")):
                            vec = h.Vector()
                            vec.record(point._ref_i, every)
                            vectors.append(("inh" if point.hname().startswith("dei_gaba") else "exc", vec))
                probes.append((gid, vectors))
        return probes

    # -- run -------------------------------------------------------------------------------------
    def run(self, tstop_ms: float, progress: bool = False) -> NetworkResult | None:
        """Integrate from t = 0 to tstop_ms (fixed step ``spec.dt_ms``); returns the gathered
        :class:`NetworkResult` on rank 0 and None on the other ranks."""
        if isinstance(tstop_ms, bool) or not isinstance(tstop_ms, (int, float)) or not 0 < tstop_ms <= MAX_TSTOP_MS:
            raise ValueError(f"tstop_ms must be a number in (0, {MAX_TSTOP_MS:g}] ms, got {tstop_ms!r}")
        if self.pc is None:
            raise RuntimeError("this network was released; build it again")
        h, pc, spec = self.h, self.pc, self.spec
        h.CVode().active(0)
        h.dt = spec.dt_ms
        h.steps_per_ms = 1.0 / spec.dt_ms
        h.celsius = spec.celsius
        pc.nthread(self.nthread)
        shortest = pc.set_maxstep(10.0)
        if self.nthread > 1 and shortest < 2.0 * spec.dt_ms:
            raise ValueError(f"nthread = {self.nthread}: NEURON's threaded fixed step needs every delay ≥ 2 dt "
                             f"({2 * spec.dt_ms:g} ms); the shortest here is {shortest:g} ms (connection delays"
                             f"{', and the one-step post events of compartmental cells' if self._post_netcons else ''})."
                             " Use longer delays or nthread = 1 (several MPI ranks work with delays of dt)")
        started = time.perf_counter()
        for gid, (owner, _, _) in self._cells.items():
            sections = [owner] if not hasattr(owner, "sections") else owner.sections.values()
            v = self._v_init(gid)
            for sec in sections:
                for seg in sec.allseg():
                    seg.v = v
        self._spike_t.resize(0)
        self._spike_gid.resize(0)
        h.finitialize()
        every = spec.recording.every_ms
        sample_times = {*np.arange(every, tstop_ms, every).tolist(), float(tstop_ms)}
        stops = sorted(sample_times | {c.t_ms for c in spec.schedule if c.t_ms < tstop_ms})
        samples = [self._sample_weights(0.0)]
        changes = sorted(spec.schedule, key=lambda c: c.t_ms)
        self._apply_changes([c for c in changes if c.t_ms == 0.0])
        bar = _progress(tstop_ms) if progress and self.rank == 0 else None
        for stop in stops:
            pc.psolve(stop)
            self._check_finite(stop)
            if bar is not None:
                bar.update(stop - bar.n)
            self._apply_changes([c for c in changes if c.t_ms == stop])
            if stop in sample_times:
                samples.append(self._sample_weights(stop))
        if bar is not None:
            bar.close()
        run_s = time.perf_counter() - started
        return self._gather(tstop_ms, samples, run_s)

    def _apply_changes(self, changes) -> None:
        for change in changes:
            for point in self._projection_points.get(self._projection_index(change.projection), ()):
                setattr(point, change.parameter, change.value)

    def _projection_index(self, name: str) -> int:
        return next(i for i, p in enumerate(self.spec.projections) if p.name == name)

    def _sample_weights(self, t_ms: float) -> list:
        return [(index, pre, gid, t_ms, _weight_nS(self.spec.projections[index].synapse, netcon.weight[0]))
                for index, gid, pre, netcon in self._weight_probes]

    def _check_finite(self, t_ms: float) -> None:
        for gid, (_, soma, lif) in self._cells.items():
            v = soma(0.5).v
            if not math.isfinite(v) or abs(v) > 200.0:
                raise SimulationDiverged(f"cell gid {gid} reached v = {v:.4g} mV at t = {t_ms:g} ms: the network run "
                                         "is unstable (check weights, drive and dt_ms)")

    def _gather(self, tstop_ms: float, samples: list, run_s: float) -> NetworkResult | None:
        pc, spec = self.pc, self.spec
        final = []
        for index, projection in enumerate(spec.projections):
            if not projection.synapse.plastic:
                continue
            for gid, pre, netcons in self._netcons[index]:
                if netcons:
                    w = np.array([_weight_nS(projection.synapse, nc.weight[0]) for nc in netcons])
                    final.append((index, pre, np.full(len(pre), gid), w))
        currents = [(gid, [(kind, vec.to_python()) for kind, vec in vectors]) for gid, vectors in self._current_probes]
        local = {"spikes": (self._spike_gid.to_python(), self._spike_t.to_python()), "samples": samples,
                 "final": final, "currents": currents, "out_degree": self._out_degree,
                 "counts": {i: sum(len(pre) for _, pre, _ in made) for i, made in self._netcons.items()},
                 "build_s": self.build_s, "run_s": run_s}
        parts = pc.py_gather(local, 0) if self.nhost > 1 else [local]
        if self.rank != 0:
            return None
        return _assemble(spec, tstop_ms, parts, self.nhost, self.nthread)

    def release(self) -> None:
        """Free the NetCons, synapses, stimuli and cells, and clear the gid table."""
        if self.pc is None:
            return
        self._weight_probes = []
        self._current_probes = []
        self._netcons.clear()
        self._keep.clear()
        self._sources.clear()
        self._synapses.clear()
        self._projection_points.clear()
        self._cells.clear()
        self.pc.gid_clear()
        self.pc = None
        live_networks.discard(self)


def _lif_parameters(cell: PointNeuron) -> dict:
    """dei_lif RANGE values (µS, nA, mV, ms) of a PointNeuron (nS, pA, mV, ms)."""
    return {"g_leak": cell.g_leak_nS * 1e-3, "e_leak": cell.e_leak_mV, "v_thresh": cell.v_thresh_mV,
            "delta_t": cell.delta_t_mV, "v_spike": cell.spike_mV, "v_reset": cell.v_reset_mV,
            "t_ref": cell.t_ref_ms, "i_bias": cell.i_bias_pA * 1e-3, "a": cell.a_nS * 1e-3,
            "b": cell.b_pA * 1e-3, "tau_w": cell.tau_w_ms, "tau_e": cell.tau_exc_ms, "tau_i": cell.tau_inh_ms,
            "e_e": cell.e_exc_mV, "e_i": cell.e_inh_mV}


def _glu_gmax_nS(synapse: Synapse) -> float:
    """The AMPA peak (nS) that a dei_glu weight of 1 gives on this synapse."""
    return synapse.parameter_dict.get("gmax0_ampa", _GLU_GMAX0_NS * 1e-3) * 1e3


def _weight_vectors(synapse: Synapse, weights_nS) -> list:
    """NetCon weight vectors for connections of ``weights_nS`` (nS) onto ``synapse``."""
    weights, mechanism = np.asarray(weights_nS, dtype=float), synapse.mechanism
    if mechanism in _LIF_KIND:
        return [(w, _LIF_KIND[mechanism]) for w in (weights * 1e-3).tolist()]
    if mechanism == "dei_gaba":
        return [(w, 0.0, 0.0, 0.0) for w in (weights * 1e-3).tolist()]
    if mechanism == "dei_ampa":
        return [(w,) for w in (weights * 1e-3).tolist()]
    return [(w, 0.0) for w in (weights / _glu_gmax_nS(synapse)).tolist()]


def _weight_nS(synapse: Synapse, weight: float) -> float:
    return weight * _glu_gmax_nS(synapse) if synapse.mechanism == "dei_glu" else weight * 1e3


def _progress(total_ms: float):
    from tqdm import tqdm
    return tqdm(total=total_ms, unit="ms", desc="simulated", leave=False)


def _assemble(spec: NetworkSpec, tstop_ms: float, parts: list, nhost: int, nthread: int) -> NetworkResult:
    """Merge the ranks' pieces into one result (spikes sorted by time, then gid)."""
    names = np.array([pop.name for pop in spec.populations])
    starts = np.cumsum([0] + [pop.size for pop in spec.populations])
    gids = np.concatenate([np.asarray(p["spikes"][0], dtype=np.int64) for p in parts])
    times = np.concatenate([np.asarray(p["spikes"][1], dtype=float) for p in parts])
    order = np.lexsort((gids, times))
    gids, times = gids[order], times[order]
    spikes = pd.DataFrame({"gid": gids, "population": names[np.searchsorted(starts, gids, side="right") - 1],
                           "t_ms": times})
    projection_names = [p.name for p in spec.projections]
    samples = [row for p in parts for sample in p["samples"] for row in sample]
    weights = pd.DataFrame(samples, columns=["projection", "pre_gid", "post_gid", "t_ms", "weight_nS"])
    weights["projection"] = [projection_names[i] for i in weights.projection]
    weights = weights.sort_values(["projection", "post_gid", "t_ms"], ignore_index=True)
    final = [pd.DataFrame({"projection": projection_names[index], "pre_gid": pre, "post_gid": post, "weight_nS": w})
             for p in parts for index, pre, post, w in p["final"]]
    final_weights = pd.concat(final, ignore_index=True).sort_values(["projection", "post_gid", "pre_gid"],
                                                                    ignore_index=True) if final else \
        pd.DataFrame(columns=["projection", "pre_gid", "post_gid", "weight_nS"])
    rows = []
    every = spec.recording.current_every_ms
    for p in parts:
        for gid, vectors in p["currents"]:
            length = min(len(v) for _, v in vectors)
            exc = sum((np.asarray(v[:length]) for kind, v in vectors if kind == "exc"), np.zeros(length))
            inh = sum((np.asarray(v[:length]) for kind, v in vectors if kind == "inh"), np.zeros(length))
            pop = names[np.searchsorted(starts, gid, side="right") - 1]
            rows.append(pd.DataFrame({"population": pop, "gid": gid, "t_ms": np.arange(length) * every,
                                      "exc_nA": exc, "inh_nA": inh}))
    currents = pd.concat(rows, ignore_index=True) if rows else \
        pd.DataFrame(columns=["population", "gid", "t_ms", "exc_nA", "inh_nA"])
    out_degree = sum(p["out_degree"] for p in parts)
    counts = {name: sum(p["counts"].get(i, 0) for p in parts) for i, name in enumerate(projection_names)}
    events = int(out_degree[gids].sum()) if len(gids) else 0
    timing = {"build_s": max(p["build_s"] for p in parts), "run_s": max(p["run_s"] for p in parts),
              "ranks": nhost, "threads": nthread}
    return NetworkResult(spec, float(tstop_ms), spikes, weights, final_weights, currents, counts, events, timing)
