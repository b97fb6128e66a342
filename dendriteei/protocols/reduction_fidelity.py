"""Reduction fidelity: the same experiments on the full cell and its reductions, side by side.

Voltage: somatic input impedance (0 and 10 Hz), f–I curve, bAP amplitude at one site per pathway,
BAC firing (Ca spike, burst, threshold), a Poisson-driven run (somatic voltage error, spike
coincidence Γ) and its wall time per simulated second on each cell (same integrator, one run).

Plasticity: at one plastic site per pathway (a DOWN and an UP dei_glu synapse with biophysical
spine Ca, thresholds calibrated in situ on each cell as in stdp-flip), for each pairing frequency
× inhibition condition × Δt, the Graupner–Brunel outcome of the whole protocol predicted from the
Ca time above θ_d and θ_p in the first pairings (:func:`dendriteei.pairing.predicted_transitions`);
Δw is the group change of the two synapses − 1, LTP/LTD beyond ±``band``. Conditions as in
stdp-flip: ``control`` (baseline SST on the synapse's branch toward the soma, timed with each
pairing), ``sst`` (SST recruited), ``pv`` (control + perisomatic PV before each somatic spike),
``disinhibition`` (no SST). Every full-cell location (synapses, SST, stimulation sites) goes to
the reduced point of equal transfer impedance (:func:`dendriteei.reduction.placement.map_points`).
"""
from __future__ import annotations

import time
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from .. import plasticity
from ..engine import Simulation, Site, build
from ..engine.impedance import FIT_FREQUENCIES_HZ, rest_impedances
from ..latency import one_spike_pulse
from ..pairing import (PairingSettings, calcium_peaks, initial_rho, pair_onsets_ms, post_latency_ms,
                       predicted_transitions, run_timing, thresholds)
from ..interneurons import timed_inhibition
from ..parameters import ParameterError, parameter, shown
from ..spec import SpecError
from ..reduction import BAC_SITES, DEFAULT_PATHWAYS, REDUCED_D_LAMBDA
from ..reduction.cache import cached_reduce
from ..reduction.fidelity import agreement, coincidence_factor, confusion, outcome
from ..reduction.measures import (FI_CURRENTS_NA, FI_DURATION_MS, Numerics, bac, bac_threshold_nA, bap_amplitudes,
                                  fi_curve)
from ..reduction.placement import map_points
from ..synapses import ExplicitSpikes, PoissonSpikes, SynapseGroup
from .common import ProtocolResult, RunParams, cell_spec, parse_site

CONDITIONS = ("control", "sst", "pv", "disinhibition")
VARIANTS = ("reduced", "single-compartment")
PARTS = ("voltage", "plasticity")


@dataclass(frozen=True)
class ReductionFidelityParams(RunParams):
    cvode: bool = parameter(True, "", doc="use CVODE for every run (pairing at 1 Hz is mostly quiet)")
    variants: tuple = parameter(VARIANTS, "", doc="reductions compared with the full cell: " + ", ".join(VARIANTS))
    parts: tuple = parameter(PARTS, "", doc="what to compare: " + ", ".join(PARTS))
    sites: tuple = parameter(("basal@200um", "oblique:0@0.5", "trunk@nexus-190um", "tuft:0@0.5"), "",
                             doc="one plastic site per pathway on the full cell (dendriteei.sites text form): "
                                 "basal, proximal oblique (stdp-flip's), distal trunk in the hot zone, tuft")
    delta_ts_ms: tuple = parameter((-50.0, -20.0, -10.0, 10.0, 20.0, 50.0), "ms", -500.0, 500.0,
                                   "spike timings Δt = t_post − t_pre")
    frequencies_hz: tuple = parameter((1.0, 20.0, 50.0), "Hz", 0.1, 100.0,
                                      "pairing frequencies: ≤ 5 Hz one train of n_pairs (GB 2012: 60 at 1 Hz), "
                                      "above in trains of 5 every 10 s (Sjöström et al. 2001: 15 trains)")
    conditions: tuple = parameter(CONDITIONS, "", doc="inhibition conditions: " + ", ".join(CONDITIONS))
    n_pairs: int = parameter(60, "", 1, 1000, "pairings at ≤ 5 Hz (GB 2012 Fig. 2: 60)")
    n_trains: int = parameter(15, "", 1, 100, "trains of 5 pairings above 5 Hz (Sjöström et al. 2001: 15)")
    measured_pairs: int = parameter(3, "", 1, 60, "pairings simulated at ≤ 5 Hz (above: one train of 5); "
                                    "the outcome of the whole protocol is predicted from them")
    band: float = parameter(0.05, "", 0.0, 1.0, "|Δw| below which the outcome is 'none' (±5 %)")
    sst_offset_x: float = parameter(0.2, "", 0.0, 1.0, "SST synapse this far toward the soma (fraction of branch)")
    sst_onset_ms: float = parameter(-2.0, "ms", -100.0, 100.0, "SST onset relative to each presynaptic spike")
    baseline_sst_nS: float = parameter(5.0, "nS", 0.0, 1000.0, "SST conductance per site in control and pv")
    sst_nS: float = parameter(20.0, "nS", 0.0, 1000.0, "SST conductance per site when recruited ('sst')")
    pv_nS: float = parameter(50.0, "nS", 0.0, 1000.0, "perisomatic PV conductance ('pv')")
    pv_onset_ms: float = parameter(-1.0, "ms", -100.0, 100.0, "PV onset relative to each somatic spike")
    fi_currents_nA: tuple = parameter(FI_CURRENTS_NA, "nA", 0.0, 20.0, "somatic steps of the f–I curve")
    fi_duration_ms: float = parameter(FI_DURATION_MS, "ms", 50.0, 10000.0, "duration of each f–I step")
    poisson_s: float = parameter(2.0, "s", 0.1, 100.0, "duration of the Poisson-driven run")
    n_exc: int = parameter(120, "", 0, 10000, "excitatory Poisson synapses on the dendrites (random, by length)")
    n_inh: int = parameter(30, "", 0, 10000, "inhibitory Poisson synapses: half on the soma, half on the dendrites")
    exc_rate_hz: float = parameter(5.0, "Hz", 0.0, 200.0, "rate of each excitatory input")
    inh_rate_hz: float = parameter(10.0, "Hz", 0.0, 200.0, "rate of each inhibitory input")
    exc_nS: float = parameter(2.0, "nS", 0.0, 100.0, "peak conductance of each excitatory input (the full "
                              "default cell then fires ≈ 6 Hz)")
    inh_nS: float = parameter(1.0, "nS", 0.0, 100.0, "peak conductance of each inhibitory input")
    seed: int = parameter(1, "", 0, 2 ** 31 - 1, "seed of the Poisson run's synapse placement and trains")

    def check(self) -> None:
        for name, values, allowed in (("variants", self.variants, VARIANTS), ("parts", self.parts, PARTS),
                                      ("conditions", self.conditions, CONDITIONS)):
            unknown = [v for v in values if v not in allowed]
            if unknown:
                raise ParameterError(f"{name} = {shown(values)}: each must be one of {', '.join(allowed)}")
        for text in self.sites:
            parse_site("sites", text, text)


def reduced_variants(full, params: ReductionFidelityParams) -> dict:
    """{'full': spec, variant: reduced spec} (reductions from the disk cache when fitted before)."""
    variants = {"full": full}
    tags = {b.tag for b in full.branches}
    for name in params.variants:
        pathways = tuple(p for p in DEFAULT_PATHWAYS if p.tag in tags) if name == "reduced" else ()
        variants[name] = cached_reduce(full, pathways, REDUCED_D_LAMBDA)
    return variants


def full_sites(full, params: ReductionFidelityParams) -> tuple:
    """(names, plastic (branch, x), SST (branch, x)) on the full cell: one site per ``sites`` entry
    that the cell has (a reconstruction may lack a tuft, or its trunk end before nexus−190 µm),
    named by its branch's tag; SST sst_offset_x toward the soma on the same branch."""
    cell = build(full)
    plastic, missing = [], []
    for text in params.sites:
        try:
            plastic.append(cell.branch_of(parse_site("sites", text, text)))
        except SpecError as error:
            missing.append(f"{text} ({error})")
    if not plastic:
        raise ParameterError(f"sites: none lies on cell {full.name!r}: {'; '.join(missing)}")
    names = [cell.tags[branch] for branch, _ in plastic]
    sst = [(branch, max(x - params.sst_offset_x, 0.0)) for branch, x in plastic]
    return tuple(names), tuple(plastic), tuple(sst)


# -- voltage ------------------------------------------------------------------------------------
def _poisson_sites(full, params: ReductionFidelityParams, rng: np.random.Generator) -> tuple:
    """(excitatory, inhibitory) full-cell (branch, x): E uniformly by dendritic length, I half on
    the soma, half uniformly on the dendrites."""
    segments = build(full).segments()
    dendrites = segments[segments.tag.isin(("basal", "trunk", "oblique", "tuft"))]
    weights = (dendrites.length_um * dendrites.branch.map({b.name: b.multiplicity for b in full.branches})).to_numpy()

    def draw(n):
        rows = dendrites.iloc[rng.choice(len(dendrites), size=n, p=weights / weights.sum())]
        return [(b, float(x)) for b, x in zip(rows.branch, rows.x)]
    n_soma = params.n_inh // 2
    return draw(params.n_exc), [(full.root.name, 0.5)] * n_soma + draw(params.n_inh - n_soma)


def poisson_run(spec, exc_sites, inh_sites, exc_trains, inh_trains, params: ReductionFidelityParams) -> dict:
    """Somatic voltage (sampled every 0.1 ms), spike times and the wall time (s) of the integration."""
    cell = build(spec)
    with Simulation(cell, dt_ms=params.dt_ms, cvode=params.cvode, atol=params.atol) as sim:
        # AMPA-like and GABA_A-like conductances (rise/decay 0.2/3 ms, E 0 mV; 0.5/10 ms, E −80 mV;
        # Vogels et al. 2011 used 5 and 10 ms decays)
        for name, sites, trains, taus, e_rev, g in (("exc", exc_sites, exc_trains, (0.2, 3.0), 0.0, params.exc_nS),
                                                    ("inh", inh_sites, inh_trains, (0.5, 10.0), -80.0, params.inh_nS)):
            if sites:
                sim.add_synapses(SynapseGroup(name, "all", "Exp2Syn", tuple(ExplicitSpikes(tuple(t)) for t in trains),
                                              n=len(sites), sites=tuple(sites), weight=g * 1e-3,
                                              parameters={"tau1": taus[0], "tau2": taus[1], "e": e_rev}))
        soma = Site("soma", region="soma")
        sim.record(soma, ("v",))
        sim.record_spikes(soma)
        start = time.perf_counter()
        traces = sim.run(params.settle_ms + params.poisson_s * 1000.0)
        wall = time.perf_counter() - start
        t, v = traces.window("soma", "v", params.settle_ms)
        grid = np.arange(params.settle_ms, params.settle_ms + params.poisson_s * 1000.0, 0.1)
        spikes = traces.spikes_ms["soma"]
    return {"t_ms": grid, "v_mV": np.interp(grid, t, v), "spikes_ms": spikes[spikes >= params.settle_ms],
            "wall_s": wall, "n_segments": cell.n_segments}


def voltage_rows(variants: dict, params: ReductionFidelityParams, names, plastic) -> tuple:
    """(rows, traces): one row per variant × measure (value, full_value, relative_error)."""
    full = variants["full"]
    numerics = Numerics(params.cvode, params.dt_ms, params.atol, params.settle_ms)
    rng = np.random.default_rng(params.seed)
    exc, inh = _poisson_sites(full, params, rng)
    start, stop = params.settle_ms, params.settle_ms + params.poisson_s * 1000.0
    exc_trains = [PoissonSpikes(params.exc_rate_hz, start, stop).times(rng) for _ in exc]
    inh_trains = [PoissonSpikes(params.inh_rate_hz, start, stop).times(rng) for _ in inh]
    try:
        bac_full = [build(full).branch_of(Site.parse(text)) for text in BAC_SITES]
    except SpecError:       # no trunk reaching the BAC sites: no BAC measures
        bac_full = None
    measures, traces, runs = {}, [], {}
    for variant, spec in variants.items():
        def where(points, spec=spec, variant=variant):
            return list(points) if variant == "full" else map_points(full, spec, points)
        values = {}
        z = rest_impedances(spec, [(spec.root.name, 0.5)], FIT_FREQUENCIES_HZ)
        for frequency, impedance in zip(z.frequency_hz, z.soma_input_MOhm):
            values[(f"input_impedance_{frequency:g}Hz", "MΩ")] = impedance
        for current, rate in zip(params.fi_currents_nA, fi_curve(spec, params.fi_currents_nA, params.fi_duration_ms,
                                                                 numerics)):
            values[(f"rate_{current:g}nA", "Hz")] = rate
        for name, amplitude in zip(names, bap_amplitudes(spec, where(plastic), numerics)):
            values[(f"bap_{name}", "mV")] = amplitude
        if bac_full is not None:
            dendrite, hot = where(bac_full)
            paired = bac(spec, dendrite, hot, numerics=numerics)
            values[("bac_ca_spike", "")] = float(paired["ca_spike"])
            values[("bac_burst_spikes", "")] = float(paired["n_spikes"])
            values[("bac_plateau", "ms")] = paired["plateau_ms"]
            values[("bac_threshold", "nA")] = bac_threshold_nA(spec, dendrite, hot, numerics=numerics)
        run = runs[variant] = poisson_run(spec, where(exc), where(inh), exc_trains, inh_trains, params)
        values[("poisson_rate", "Hz")] = len(run["spikes_ms"]) / params.poisson_s
        values[("wall_time_per_simulated_s", "s")] = run["wall_s"] / params.poisson_s
        values[("segments", "")] = float(run["n_segments"])
        measures[variant] = values
        traces.append(pd.DataFrame({"variant": variant, "t_ms": run["t_ms"], "v_mV": run["v_mV"]}))
    rows = []
    reference = runs["full"]
    for variant, values in measures.items():
        run = runs[variant]
        # subthreshold error: both traces clipped at −50 mV so that spikes do not dominate
        clipped = np.minimum(run["v_mV"], -50.0) - np.minimum(reference["v_mV"], -50.0)
        values[("trace_rms_error", "mV")] = float(np.sqrt(np.mean(clipped ** 2)))
        values[("coincidence_gamma", "")] = coincidence_factor(reference["spikes_ms"], run["spikes_ms"],
                                                               params.poisson_s * 1000.0)
        for (measure, unit), value in values.items():
            full_value = measures["full"][(measure, unit)]
            relative = (value - full_value) / abs(full_value) if full_value not in (0.0,) and np.isfinite(full_value) \
                else np.nan
            rows.append({"variant": variant, "measure": measure, "unit": unit, "value": value,
                         "full_value": full_value, "relative_error": relative})
    speed = {variant: measures["full"][("wall_time_per_simulated_s", "s")] /
             measures[variant][("wall_time_per_simulated_s", "s")] for variant in measures}
    for variant, value in speed.items():
        rows.append({"variant": variant, "measure": "speed_up", "unit": "×", "value": value, "full_value": 1.0,
                     "relative_error": np.nan})
    return rows, pd.concat(traces, ignore_index=True)


# -- plasticity ---------------------------------------------------------------------------------
def pairing_settings(params: ReductionFidelityParams, frequency_hz: float, n_sites: int,
                     measured: bool = True) -> PairingSettings:
    """Settings of one frequency: the measured pairings (``measured``) or the whole protocol."""
    trains = frequency_hz > 5.0
    n = (5 if trains else params.measured_pairs) if measured else (5 * params.n_trains if trains else params.n_pairs)
    return PairingSettings(dt_ms=params.dt_ms, cvode=params.cvode, atol=params.atol, settle_ms=params.settle_ms,
                           n_pairs=n, frequency_hz=frequency_hz, pairs_per_train=5 if trains else 0,
                           train_interval_s=10.0, synapse_region="all", n_synapses=2 * n_sites,
                           initial_state="mixed")


def _post_pulse(spec, settings: PairingSettings) -> PairingSettings:
    """The settings with a somatic pulse that evokes one spike on this cell: the pairing default
    (2 nA, 2 ms) if it does, else the one latency.one_spike_pulse finds (the single compartment
    carries the whole cell's capacitance and needs more charge)."""
    try:
        post_latency_ms(spec, settings)
        return settings
    except ParameterError:
        pulse = one_spike_pulse(spec, settings, settings.post_duration_ms, 20.0)
        if pulse is None:
            raise
        return replace(settings, post_amplitude_nA=pulse[0], post_duration_ms=pulse[1])


def inhibition(params: ReductionFidelityParams, condition: str, settings: PairingSettings, delta_t_ms: float,
               latency_ms: float, sst_sites) -> tuple:
    """SST (one per plastic site) and PV (soma) groups of a condition, one event per pairing."""
    post = pair_onsets_ms(settings, settings.settle_ms) + latency_ms
    pre = post - delta_t_ms
    sst_g = {"control": params.baseline_sst_nS, "sst": params.sst_nS, "pv": params.baseline_sst_nS,
             "disinhibition": 0.0}[condition]
    groups = []
    if sst_g > 0:
        groups.append(timed_inhibition("sst", pre + params.sst_onset_ms, sst_g, "all", tuple(sst_sites)))
    if condition == "pv" and params.pv_nS > 0:
        groups.append(timed_inhibition("pv", post + params.pv_onset_ms, params.pv_nS, "soma"))
    return tuple(groups)


def plasticity_rows(variant: str, spec, full, params: ReductionFidelityParams, names, plastic, sst) -> list:
    """One row per frequency × condition × Δt × site on one cell."""
    if variant != "full":
        mapped = map_points(full, spec, list(plastic) + list(sst))
        plastic, sst = mapped[:len(plastic)], mapped[len(plastic):]
    sites = tuple(plastic) + tuple(plastic)          # a DOWN, then an UP synapse per site
    b = plasticity.graupner_brunel("DP").b
    rows = []
    for frequency in params.frequencies_hz:
        settings = _post_pulse(spec, pairing_settings(params, frequency, len(plastic)))
        whole = replace(settings, n_pairs=pairing_settings(params, frequency, len(plastic), False).n_pairs)
        latency = post_latency_ms(spec, settings)
        peaks = calcium_peaks(spec, settings, sites=sites, rho0=initial_rho(settings))
        theta = tuple(thresholds(settings, p) for p in peaks)
        for condition in params.conditions:
            for delta_t in params.delta_ts_ms:
                groups = inhibition(params, condition, settings, delta_t, latency, sst)
                synapses = run_timing(spec, settings, delta_t, latency, theta, extra_groups=groups, sites=sites)
                n = len(plastic)
                for k, name in enumerate(names):
                    down, up = synapses.iloc[k], synapses.iloc[n + k]
                    u = predicted_transitions(whole, down.time_above_d_ms, down.time_above_p_ms, settings.n_pairs)[0]
                    d = predicted_transitions(whole, up.time_above_d_ms, up.time_above_p_ms, settings.n_pairs)[1]
                    change = ((1.0 + (b - 1.0) * u) + (b - (b - 1.0) * d)) / (1.0 + b)
                    rows.append({"variant": variant, "pathway": name, "frequency_hz": frequency,
                                 "condition": condition, "delta_t_ms": delta_t,
                                 "key": f"{name}|{frequency:g}|{condition}|{delta_t:g}",
                                 "distance_um": float(down.distance_um), "c_peak": float(down.c_peak),
                                 "theta_d": float(down.theta_d), "theta_p": float(down.theta_p),
                                 "time_above_d_ms": float(down.time_above_d_ms),
                                 "time_above_p_ms": float(down.time_above_p_ms),
                                 "time_above_d_up_ms": float(up.time_above_d_ms),
                                 "time_above_p_up_ms": float(up.time_above_p_ms),
                                 "U": u, "D": d, "dw": change - 1.0, "outcome": outcome(change - 1.0, params.band)})
    return rows


def run(params: ReductionFidelityParams = ReductionFidelityParams(), spec=None) -> ProtocolResult:
    """Fidelity of each reduction: summary (voltage and speed measures per variant; with parts =
    ('plasticity',) the plasticity outcomes, so that a sweep collects them), tables 'plasticity'
    (every pairing outcome), 'agreement' (per variant) and 'confusion' (3 × 3 per variant, long
    form), traces (somatic voltage of the Poisson run per variant)."""
    full = spec or cell_spec(params.cell)
    variants = reduced_variants(full, params)
    names, plastic, sst = full_sites(full, params)
    summary, traces, tables = pd.DataFrame(), pd.DataFrame(), {}
    if "voltage" in params.parts:
        rows, traces = voltage_rows(variants, params, names, plastic)
        summary = pd.DataFrame(rows)
    if "plasticity" in params.parts:
        rows = []
        for variant, cell in variants.items():
            rows += plasticity_rows(variant, cell, full, params, names, plastic, sst)
        outcomes = pd.DataFrame(rows)
        tables["plasticity"] = outcomes
        tables["agreement"] = pd.DataFrame([agreement(outcomes, v) for v in variants if v != "full"])
        frames = []
        for variant in (v for v in variants if v != "full"):
            reference = outcomes[outcomes.variant == "full"].set_index("key")
            other = outcomes[outcomes.variant == variant].set_index("key").reindex(reference.index)
            matrix = confusion(reference.outcome, other.outcome).stack().rename("count").reset_index()
            frames.append(matrix.assign(variant=variant))
        tables["confusion"] = pd.concat(frames, ignore_index=True)
        if "voltage" not in params.parts:
            summary = outcomes
    return ProtocolResult(summary, traces, tables)
