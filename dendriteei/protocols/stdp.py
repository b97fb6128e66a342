"""STDP pairing: n pre/post pairings at a frequency, for a range of spike timings.

Timing convention (Graupner & Brunel 2012): Δt = t_post − t_pre, so Δt > 0 means the
presynaptic spike comes first (causal pairing). t_post is the time the somatic voltage
crosses −20 mV, measured in a calibration run without synapses.

Calcium at the synapse is either *phenomenological* (jumps C_pre after a delay D and
C_post at each somatic spike, exactly as in Graupner & Brunel 2012) or *biophysical*
(NMDA Ca plus the segment's voltage-gated Ca, so the bAP acts only through voltage and
Ca). In the biophysical mode the thresholds θ_d, θ_p are set from the Ca peaks of a
pre-only and a post-only event (Chindemi et al. 2022 Nat Commun 13:3038).
"""
from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from .. import plasticity
from ..engine import Simulation, Site, build
from ..parameters import ParameterError, parameter
from ..synapses import RegularSpikes, SynapseGroup
from .common import ProtocolResult, RunParams, cell_spec, spike_latency_ms

CA_MODES = {"phenomenological": 0, "biophysical": 1}
#: DOWN-state AMPA and NMDA peak conductances (µS): 0.5 nS AMPA with NMDA/AMPA 0.71 (the
#: dei_glu defaults; Chindemi et al. 2022 / Markram et al. 2015). UP = b·DOWN (GB 2012).
DEFAULT_GMAX0_AMPA_US = 0.0005
DEFAULT_GMAX_NMDA_US = 0.000355
RULES = {"graupner_brunel": 1, "shouval": 2}


@dataclass(frozen=True)
class StdpParams(RunParams):
    cvode: bool = parameter(True, "", doc="use CVODE (pairing at 1 Hz is mostly quiet: CVODE is much faster)")
    ca_mode: str = parameter("biophysical", "", doc="synaptic Ca model", choices=tuple(CA_MODES))
    rule: str = parameter("graupner_brunel", "", doc="plasticity rule", choices=tuple(RULES))
    gb_set: str = parameter("DP", "", doc="Graupner–Brunel parameter set (science.md table)",
                            choices=tuple(plasticity.GB_SETS))
    dts_ms: tuple = parameter((-50.0, -20.0, -10.0, 10.0, 20.0, 50.0), "ms", -500.0, 500.0,
                              "spike timings Δt = t_post − t_pre")
    n_pairs: int = parameter(60, "", 1, 1000, "number of pairings (GB 2012 Fig. 2: 60)")
    frequency_hz: float = parameter(1.0, "Hz", 0.01, 100.0, "pairing frequency")
    post_spikes: int = parameter(1, "", 1, 10, "somatic spikes per pairing (burst)")
    post_isi_ms: float = parameter(10.0, "ms", 2.0, 100.0, "interval between burst spikes")
    post_amplitude_nA: float = parameter(2.0, "nA", 0.0, 20.0, "somatic pulse evoking each post spike")
    post_duration_ms: float = parameter(2.0, "ms", 0.1, 20.0, "somatic pulse duration")
    synapse_region: str = parameter("apical", "", doc="region of the plastic synapses")
    synapse_distance_um: float = parameter(100.0, "µm", 0.0, 3000.0, "path distance of the synapses")
    synapse_branch: str = parameter("", "", doc="if set, put the synapses on this branch at synapse_x "
                                    "instead of at synapse_distance_um (the branch must lie in synapse_region)")
    synapse_x: float = parameter(0.5, "", 0.0, 1.0, "position along synapse_branch")
    n_synapses: int = parameter(1, "", 1, 1000, "synapses per timing (independent noise)")
    noise: bool = parameter(False, "", doc="include the GB noise term σ (then n_synapses > 1 averages it)")
    initial_state: str = parameter("down", "", doc="ρ at start: all DOWN (0), all UP (1), or 'mixed' "
                                   "with the set's fraction β DOWN (GB 2012)", choices=("down", "up", "mixed"))
    weight_scale: float = parameter(1.0, "", 0.0, 100.0,
                                    "multiplier on AMPA/NMDA conductances (0: Ca only, no current)")
    theta_d: float = parameter(0.0, "µM", 0.0, 1e4, "biophysical θ_d (0: from pre/post Ca peaks)")
    theta_p: float = parameter(0.0, "µM", 0.0, 1e4, "biophysical θ_p (0: from pre/post Ca peaks)")
    # Biophysical thresholds: the form of Chindemi et al. 2022; coefficients are this package's
    # choice: θ_d just below and θ_p just above the Ca of a lone EPSP, so that only the
    # NMDA supralinearity of pre→post pairing reaches θ_p (in the default cell the bAP's own
    # VGCC Ca at proximal synapses is ~1 nM, so C_post hardly matters).
    theta_d_coeffs: tuple = parameter((0.9, 1.0), "", 0.0, 100.0,
                                      "θ_d = a·C_pre_peak + b·C_post_peak (form of Chindemi et al. 2022)")
    theta_p_coeffs: tuple = parameter((1.1, 1.0), "", 0.0, 100.0,
                                      "θ_p = a·C_pre_peak + b·C_post_peak (form of Chindemi et al. 2022)")
    # Rates fitted by Chindemi et al. 2022 for biophysical Ca (values as published in the
    # BlueBrain plastyfire Zenodo_O1 configuration: γ_d 101.5, γ_p 216.2; not checked
    # against the paper). Phenomenological mode uses the rates of gb_set.
    biophysical_gamma_d: float = parameter(101.5, "", 0.0, 1e4, "γ_d in biophysical mode")
    biophysical_gamma_p: float = parameter(216.2, "", 0.0, 1e4, "γ_p in biophysical mode")
    seed: int = parameter(1, "", 0, 2**31 - 1, "seed of the noise")


def placement(params: StdpParams, n: int) -> dict:
    """SynapseGroup keywords putting n synapses at the parameters' location."""
    if params.synapse_branch:
        return {"sites": ((params.synapse_branch, params.synapse_x),) * n}
    return {"distances_um": (params.synapse_distance_um,) * n}


def _synapse_parameters(params: StdpParams, thresholds: tuple | None) -> dict:
    gb = plasticity.graupner_brunel(params.gb_set)
    values = {"ca_mode": CA_MODES[params.ca_mode], "rule": RULES[params.rule],
              "gmax0_ampa": DEFAULT_GMAX0_AMPA_US * params.weight_scale,
              "gmax1_ampa": DEFAULT_GMAX0_AMPA_US * gb.b * params.weight_scale,
              "gmax_nmda": DEFAULT_GMAX_NMDA_US * params.weight_scale,
              "gamma_d": gb.gamma_d, "gamma_p": gb.gamma_p, "tau_rho": gb.tau_s * 1000.0,
              "rho_star": gb.rho_star, "sigma": gb.sigma if params.noise else 0.0}
    if params.ca_mode == "phenomenological":
        values.update(tau_ca=gb.tau_ca_ms, C_pre=gb.c_pre, C_post=gb.c_post, D=gb.delay_ms,
                      theta_d=gb.theta_d, theta_p=gb.theta_p)
    else:
        values.update(gamma_d=params.biophysical_gamma_d, gamma_p=params.biophysical_gamma_p)
        if thresholds is not None:
            values.update(theta_d=thresholds[0], theta_p=thresholds[1])
    return values


def initial_rho(params: StdpParams) -> tuple:
    """ρ0 of each synapse; 'mixed' puts the first round(β·n) synapses DOWN."""
    if params.initial_state != "mixed":
        return (0.0 if params.initial_state == "down" else 1.0,) * params.n_synapses
    n_down = round(plasticity.graupner_brunel(params.gb_set).beta * params.n_synapses)
    return tuple(0.0 if k < n_down else 1.0 for k in range(params.n_synapses))


def group_change(summary: pd.DataFrame) -> pd.DataFrame:
    """Synaptic change of the whole group per Δt: Σ w_after / Σ w_before (GB 2012's measure)."""
    sums = summary.groupby("dt_ms")[["w_before", "w_after"]].sum()
    return (sums.w_after / sums.w_before).rename("change").reset_index()


def post_latency_ms(spec, params: StdpParams) -> float:
    """Delay (ms) from somatic pulse onset to the first −20 mV crossing of the AP."""
    return spike_latency_ms(spec, params, params.post_amplitude_nA, params.post_duration_ms, "post_amplitude_nA")


def calcium_peaks(spec, params: StdpParams) -> tuple:
    """(C_pre, C_post): peaks (µM) of the synapse's Ca for one pre-only and one post-only event."""
    peaks = {}
    for event in ("pre", "post"):
        sim = Simulation(build(spec), dt_ms=params.dt_ms, cvode=params.cvode, atol=params.atol)
        onset = params.settle_ms
        source = RegularSpikes(1.0, 1 if event == "pre" else 0, onset)
        group = SynapseGroup("cal", params.synapse_region, "dei_glu", (source,), **placement(params, 1),
                             parameters={**_synapse_parameters(params, None), "rule": 0})
        sim.add_synapses(group)
        sim.record_synapses("cal", ("c",))
        if event == "post":
            sim.current_pulse(Site("soma", region="soma"), params.post_amplitude_nA, onset, params.post_duration_ms)
        traces = sim.run(onset + 200.0)
        peaks[event] = float(traces.window("cal[0]", "c", onset, onset + 200.0)[1].max())
        sim.release()
    return peaks["pre"], peaks["post"]


def thresholds(params: StdpParams, peaks: tuple) -> tuple:
    """(θ_d, θ_p) in µM from (C_pre, C_post) with the parameters' coefficients (Chindemi et al. 2022 form)."""
    return plasticity.thresholds_from_peaks(*peaks, *params.theta_d_coeffs, *params.theta_p_coeffs)


def calibrate_thresholds(spec, params: StdpParams, latency_ms: float) -> tuple:
    """(θ_d, θ_p) in µM from the synaptic Ca peaks of one pre-only and one post-only event."""
    return thresholds(params, calcium_peaks(spec, params))


def _relative_weights(params: StdpParams, point) -> tuple:
    """(w_before, w_after) from the rule's state. Graupner–Brunel: in units of the DOWN
    weight, w = 1 + ρ(b − 1), with w_after taken once ρ has relaxed to the nearer stable
    state (ρ → 1 if ρ > ρ*, else 0), as GB 2012 measure it. Shouval: W."""
    if params.rule == "shouval":
        return point.w0_shouval, point.w_shouval
    gb = plasticity.graupner_brunel(params.gb_set)
    relaxed = 1.0 if point.rho > gb.rho_star else 0.0
    return 1.0 + point.rho0 * (gb.b - 1.0), 1.0 + relaxed * (gb.b - 1.0)


def run_timing(spec, params: StdpParams, dt_ms: float, latency_ms: float, thresholds,
               extra_groups: tuple = (), sites: tuple = (), site_values: tuple = ()) -> pd.DataFrame:
    """One pairing protocol at one Δt: a row per synapse. ``extra_groups`` (e.g. inhibition
    timed to the pairings) are added to the same simulation. With ``sites`` ((branch, x) per
    synapse) the synapses go there instead, ``thresholds`` gives one (θ_d, θ_p) per site and
    ``site_values`` optionally one dict of further dei_glu parameters per site."""
    if sites:
        params = replace(params, n_synapses=len(sites))
        if len(thresholds) != len(sites):
            raise ParameterError(f"{len(sites)} sites need {len(sites)} (θ_d, θ_p) pairs, got {len(thresholds)}")
    sim = Simulation(build(spec), dt_ms=params.dt_ms, cvode=params.cvode, atol=params.atol)
    period = 1000.0 / params.frequency_hz
    start = params.settle_ms
    soma = Site("soma", region="soma")
    for k in range(params.n_pairs):
        for j in range(params.post_spikes):
            sim.current_pulse(soma, params.post_amplitude_nA, start + k * period + j * params.post_isi_ms,
                              params.post_duration_ms)
    pre = RegularSpikes(params.frequency_hz, params.n_pairs, start + latency_ms - dt_ms)
    values = _synapse_parameters(params, None if sites else thresholds)
    varying = {"rho0": initial_rho(params)}
    if sites:
        varying.update(theta_d=tuple(t[0] for t in thresholds), theta_p=tuple(t[1] for t in thresholds))
        for name in (site_values[0] if site_values else {}):
            varying[name] = tuple(values[name] for values in site_values)
    group = SynapseGroup("syn", params.synapse_region, "dei_glu", (pre,), n=params.n_synapses,
                         **({"sites": tuple(sites)} if sites else placement(params, params.n_synapses)),
                         parameters=values, seed=params.seed, varying=varying,
                         receives_post_spikes=params.ca_mode == "phenomenological")
    placed = sim.add_synapses(group)
    for extra in extra_groups:
        sim.add_synapses(extra)
    sim.seed_noise("syn", params.seed)
    sim.record_synapses("syn", ("c", "efficacy"))
    sim.record_spikes(soma)
    traces = sim.run(start + params.n_pairs * period)
    rows = []
    for i in range(params.n_synapses):
        t, c = traces.window(f"syn[{i}]", "c", start, np.inf)
        efficacy = traces[(f"syn[{i}]", "efficacy")].values
        before, after = traces.value_at(f"syn[{i}]", "efficacy", start), float(efficacy[-1])
        w_before, w_after = _relative_weights(params, placed.points[i])
        rows.append({"dt_ms": dt_ms, "synapse": i, "distance_um": placed.distances_um[i],
                     "efficacy_before_uS": before, "efficacy_after_uS": after,
                     "w_before": w_before, "w_after": w_after, "change": w_after / w_before,
                     "rho_before": placed.points[i].rho0, "rho_after": placed.points[i].rho,
                     "c_peak": float(c.max()),
                     "theta_d": placed.points[i].theta_d, "theta_p": placed.points[i].theta_p,
                     "time_above_d_ms": placed.points[i].time_above_d,
                     "time_above_p_ms": placed.points[i].time_above_p,
                     "n_post_spikes": int(np.sum(traces.spikes_ms["soma"] >= start))})
    sim.release()
    return pd.DataFrame(rows)


def run(params: StdpParams = StdpParams(), spec=None) -> ProtocolResult:
    """STDP curve: one row per Δt and synapse (Δw as efficacy after/before, ρ, Ca peak, time above θ)."""
    spec = spec or cell_spec(params.cell)
    latency = post_latency_ms(spec, params)
    thresholds = None
    if params.ca_mode == "biophysical":
        if params.theta_d > 0 and params.theta_p > 0:
            if params.theta_p < params.theta_d:
                raise ParameterError(f"theta_p = {params.theta_p} µM must not be below theta_d = {params.theta_d} µM")
            thresholds = (params.theta_d, params.theta_p)
        else:
            thresholds = calibrate_thresholds(spec, params, latency)
    frames = [run_timing(spec, params, dt, latency, thresholds) for dt in params.dts_ms]
    summary = pd.concat(frames, ignore_index=True)
    summary.insert(1, "ca_mode", params.ca_mode)
    summary.insert(2, "rule", params.rule)
    return ProtocolResult(summary)


def clamped_pairing(v_mV: float, n_pulses: int = 100, frequency_hz: float = 1.0,
                    synapse: dict | None = None, cell: str = "point_soma") -> dict:
    """Pairing by voltage clamp (Shouval et al. 2002 Fig. 3A): the postsynaptic site is held
    at v_mV while the synapse gets n_pulses at frequency_hz (Shouval rule, biophysical Ca
    from NMDA only). Returns the relative change W_after/W_before and the Ca peak (µM)."""
    spec = cell_spec(cell)
    sim = Simulation(build(spec), cvode=True)
    soma = Site("soma", region="soma")
    start = 200.0
    sim.voltage_clamp(soma, v_mV, start_ms=50.0)
    values = {"ca_mode": 1, "rule": 2, "vgcc_gain": 0.0, **(synapse or {})}
    group = SynapseGroup("syn", "soma", "dei_glu", (RegularSpikes(frequency_hz, n_pulses, start),),
                         parameters=values)
    placed = sim.add_synapses(group)
    sim.record_synapses("syn", ("c",))
    traces = sim.run(start + n_pulses * 1000.0 / frequency_hz)
    change = placed.values("w_shouval")[0] / placed.values("w0_shouval")[0]
    result = {"v_mV": v_mV, "change": float(change), "c_peak_uM": float(traces[("syn[0]", "c")].values.max())}
    sim.release()
    return result
