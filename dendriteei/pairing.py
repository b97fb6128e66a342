"""Pre/post pairing at plastic dei_glu synapses: settings, threshold calibration and one pairing run.

Timing convention (Graupner & Brunel 2012): Δt = t_post − t_pre, so Δt > 0 means the
presynaptic spike comes first (causal pairing). t_post is the time the somatic voltage
crosses −20 mV, measured in a calibration run without synapses (:func:`post_latency_ms`).
In the biophysical Ca mode the thresholds θ_d, θ_p come from the Ca peaks of a pre-only and a
post-only event (Chindemi et al. 2022 Nat Commun 13:3038).
"""
from __future__ import annotations

import functools
import math
from dataclasses import dataclass, fields, replace

import numpy as np
import pandas as pd

from . import plasticity
from .cells import point_soma
from .conditions import map_conditions
from .catalogue import GLU_CA_MODES, GLU_RULES, GLU_SPINE_VOLUME_UM3
from .engine import Simulation, Site, build
from .latency import spike_latency_ms
from .parameters import ParameterError
from .seeds import derive_seed
from .synapses import ExplicitSpikes, RegularSpikes, SynapseGroup

#: DOWN-state AMPA and NMDA peak conductances (µS): 0.5 nS AMPA with NMDA/AMPA 0.71 (the
#: dei_glu defaults; Chindemi et al. 2022 / Markram et al. 2015). UP = b·DOWN (GB 2012).
DEFAULT_GMAX0_AMPA_US = 0.0005
DEFAULT_GMAX_NMDA_US = 0.000355


@dataclass(frozen=True)
class PairingSettings:
    """Everything one pairing protocol needs (defaults: those of the ``stdp`` protocol)."""
    # numerics: NEURON's usual fixed step and CVODE tolerance (as RunParams); pairing at 1 Hz is
    # mostly quiet, so CVODE is much faster; 300 ms bring the default cell to rest
    dt_ms: float = 0.025
    cvode: bool = True
    atol: float = 1e-4
    settle_ms: float = 300.0
    # synaptic Ca model and rule (catalogue.GLU_CA_MODES, GLU_RULES) and the Graupner–Brunel set
    # (science.md table)
    ca_mode: str = "biophysical"
    rule: str = "graupner_brunel"
    gb_set: str = "DP"
    # timing: GB 2012 Fig. 2: 60 pairings at 1 Hz, one somatic spike per pairing, evoked by a
    # 2 nA, 2 ms pulse in the default cell; burst spikes 10 ms apart. With pairs_per_train > 0 the
    # pairings come in trains of that many at frequency_hz, one train every train_interval_s
    # (Sjöström et al. 2001 Neuron 32:1149: trains of 5 pairs every 10 s, 15 trains)
    n_pairs: int = 60
    frequency_hz: float = 1.0
    pairs_per_train: int = 0
    train_interval_s: float = 10.0
    post_spikes: int = 1
    post_isi_ms: float = 10.0
    post_amplitude_nA: float = 2.0
    post_duration_ms: float = 2.0
    # placement: apical at 100 µm path distance, or on synapse_branch at synapse_x when set
    synapse_region: str = "apical"
    synapse_distance_um: float = 100.0
    synapse_branch: str = ""
    synapse_x: float = 0.5
    n_synapses: int = 1
    # GB noise σ off; ρ0 'down', 'up' or 'mixed' (the set's fraction β DOWN, GB 2012); multiplier
    # on the AMPA/NMDA conductances (0: Ca only)
    noise: bool = False
    initial_state: str = "down"
    weight_scale: float = 1.0
    # Biophysical thresholds θ = a·C_pre_peak + b·C_post_peak: the form of Chindemi et al. 2022.
    # Coefficients: the Graupner–Brunel set's own thresholds in units of its C_pre (DP: θ_d = 1,
    # θ_p = 1.3 with C_pre = 1), b = 0. The spine Ca of a lone EPSP then just reaches θ_d, and a
    # lone bAP (C_post < C_pre at every dendritic site of the default cell) stays below it, so only
    # pre–post coincidence crosses a threshold. The biophysical spine Ca rises and decays within
    # ~20–40 ms like the set's phenomenological Ca (τ_Ca 20 ms), so the set's rates γ_d, γ_p and
    # τ_ρ apply unchanged (Chindemi et al.'s fitted rates go with a 278-ms Ca integrator instead).
    theta_d_coeffs: tuple = (1.0, 0.0)
    theta_p_coeffs: tuple = (1.3, 0.0)
    # Ca scale: the spine-head volume (µm³; 0: dei_glu's default). The Shouval rule's α₁, α₂ are in
    # the units of Shouval et al.'s Ca, so with that rule the volume is set (shouval_volume) so that
    # a lone EPSP at the synapse peaks at shouval_pre_ca_uM, below α₁ = 0.35 µM: a lone EPSP at rest
    # changes nothing (Shouval et al. 2002 Fig. 3A).
    spine_volume_um3: float = 0.0
    shouval_pre_ca_uM: float = 0.3
    seed: int = 1


def placement(settings: PairingSettings, n: int) -> dict:
    """SynapseGroup keywords putting n synapses at the settings' location."""
    if settings.synapse_branch:
        return {"sites": ((settings.synapse_branch, settings.synapse_x),) * n}
    return {"distances_um": (settings.synapse_distance_um,) * n}


def _synapse_parameters(settings: PairingSettings, thresholds: tuple | None) -> dict:
    gb = plasticity.graupner_brunel(settings.gb_set)
    values = {"ca_mode": GLU_CA_MODES[settings.ca_mode], "rule": GLU_RULES[settings.rule],
              "gmax0_ampa": DEFAULT_GMAX0_AMPA_US * settings.weight_scale,
              "gmax1_ampa": DEFAULT_GMAX0_AMPA_US * gb.b * settings.weight_scale,
              "gmax_nmda": DEFAULT_GMAX_NMDA_US * settings.weight_scale,
              "gamma_d": gb.gamma_d, "gamma_p": gb.gamma_p, "tau_rho": gb.tau_s * 1000.0,
              "rho_star": gb.rho_star, "sigma": gb.sigma if settings.noise else 0.0}
    if settings.ca_mode == "phenomenological":
        values.update(tau_ca=gb.tau_ca_ms, C_pre=gb.c_pre, C_post=gb.c_post, D=gb.delay_ms,
                      theta_d=gb.theta_d, theta_p=gb.theta_p)
    elif thresholds is not None:
        values.update(theta_d=thresholds[0], theta_p=thresholds[1])
    if settings.spine_volume_um3 > 0:
        values["vol_spine"] = settings.spine_volume_um3
    return values


def initial_rho(settings: PairingSettings) -> tuple:
    """ρ0 of each synapse; 'mixed' puts the first round(β·n) synapses DOWN."""
    if settings.initial_state != "mixed":
        return (0.0 if settings.initial_state == "down" else 1.0,) * settings.n_synapses
    n_down = round(plasticity.graupner_brunel(settings.gb_set).beta * settings.n_synapses)
    return tuple(0.0 if k < n_down else 1.0 for k in range(settings.n_synapses))


def pair_onsets_ms(settings: PairingSettings, start_ms: float) -> np.ndarray:
    """Onsets (ms) of the n_pairs somatic pulses: one train at frequency_hz, or trains of
    pairs_per_train pairs at frequency_hz every train_interval_s."""
    k = np.arange(settings.n_pairs)
    period = 1000.0 / settings.frequency_hz
    if settings.pairs_per_train <= 0:
        return start_ms + k * period
    per = settings.pairs_per_train
    return start_ms + (k // per) * settings.train_interval_s * 1000.0 + (k % per) * period


def check_trains(settings: PairingSettings) -> None:
    """Refuse trains that overlap: a train of pairs_per_train pairs at frequency_hz must end
    before the next begins (ParameterError naming both durations)."""
    if settings.pairs_per_train > 0:
        train_ms = settings.pairs_per_train * 1000.0 / settings.frequency_hz
        if train_ms > settings.train_interval_s * 1000.0:
            raise ParameterError(f"a train of {settings.pairs_per_train} pairs at {settings.frequency_hz:g} Hz lasts "
                                 f"{train_ms:g} ms, longer than train_interval_s = {settings.train_interval_s:g} s")


def predicted_transitions(settings: PairingSettings, time_above_d_ms: float, time_above_p_ms: float,
                          measured_pairs: int) -> tuple[float, float]:
    """Graupner & Brunel 2012's analytic (U, D) for the whole protocol of ``settings`` (n_pairs
    pairings) from the time (ms) its Ca spent above θ_d and θ_p in the first ``measured_pairs``
    pairings (e.g. 2 pairings, or one train of pairs_per_train): GB's analysis needs only the
    fractions of time above the thresholds, here measured instead of computed. Valid when the
    protocol repeats identical pairings (or trains) from rest. Without ``settings.noise`` σ = 0,
    so U and D are 0 or 1."""
    per_pairing_ms = (settings.train_interval_s * 1000.0 / settings.pairs_per_train if settings.pairs_per_train > 0
                      else 1000.0 / settings.frequency_hz)
    gb = plasticity.graupner_brunel(settings.gb_set)
    if not settings.noise:
        gb = replace(gb, sigma=0.0)
    return plasticity.transitions_from_time_above(gb, time_above_d_ms,
                                                  time_above_p_ms, measured_pairs * per_pairing_ms,
                                                  settings.n_pairs / measured_pairs)


def group_change(summary: pd.DataFrame) -> pd.DataFrame:
    """Synaptic change of the whole group per Δt: Σ w_after / Σ w_before (GB 2012's measure)."""
    sums = summary.groupby("delta_t_ms")[["w_before", "w_after"]].sum()
    return (sums.w_after / sums.w_before).rename("change").reset_index()


def post_latency_ms(spec, settings: PairingSettings) -> float:
    """Delay (ms) from somatic pulse onset to the first −20 mV crossing of the AP."""
    return spike_latency_ms(spec, settings, settings.post_amplitude_nA, settings.post_duration_ms,
                            "post_amplitude_nA")


def calcium_peaks(spec, settings: PairingSettings, n: int = 1, sites: tuple = (), rho0: tuple = ()) -> tuple:
    """(C_pre, C_post): peaks (µM) of the synapse's Ca for one pre-only and one post-only event,
    with ``n`` synapses at the settings' site receiving the same presynaptic spike (as in a
    pairing run that puts n synapses there). With ``sites`` ((branch, x) per synapse, all active
    together as in a pairing run on those sites) a tuple of (C_pre, C_post) per synapse instead,
    each synapse with the AMPA conductance of its initial ρ (``rho0``, default DOWN): an UP
    synapse's larger EPSP brings it more Ca (Chindemi et al. 2022 calibrate each synapse so).
    The two runs go to worker processes (:mod:`dendriteei.conditions`); the result is kept for
    the rest of the process (the same inputs give the same peaks)."""
    return _calcium_peaks(spec, settings, n, tuple(tuple(site) for site in sites), tuple(rho0))


@functools.lru_cache(maxsize=64)
def _calcium_peaks(spec, settings: PairingSettings, n: int, sites: tuple, rho0: tuple) -> tuple:
    pre, post = map_conditions(_event_peaks, [(spec, settings, n, sites, rho0, event) for event in ("pre", "post")])
    if sites:
        return tuple(zip(pre, post))
    return pre[0], post[0]


def _event_peaks(spec, settings: PairingSettings, n: int, sites: tuple, rho0: tuple, event: str) -> tuple:
    """Ca peak (µM) of each calibration synapse for one ``event``: 'pre' (a presynaptic spike) or
    'post' (a somatic pulse) (see :func:`calcium_peaks`)."""
    placed = {"sites": sites} if sites else placement(settings, n)
    count = len(sites) if sites else n
    varying = {}
    if rho0:
        gb = plasticity.graupner_brunel(settings.gb_set)
        varying["gmax0_ampa"] = tuple(DEFAULT_GMAX0_AMPA_US * settings.weight_scale * (1.0 + r * (gb.b - 1.0))
                                      for r in rho0)
    with Simulation(build(spec), dt_ms=settings.dt_ms, cvode=settings.cvode, atol=settings.atol) as sim:
        onset = settings.settle_ms
        source = RegularSpikes(1.0, 1 if event == "pre" else 0, onset)
        group = SynapseGroup("cal", settings.synapse_region, "dei_glu", (source,), n=count, **placed,
                             parameters={**_synapse_parameters(settings, None), "rule": GLU_RULES["none"]},
                             varying=varying)
        sim.add_synapses(group)
        sim.record_synapses("cal", ("c",))
        if event == "post":
            sim.current_pulse(Site("soma", region="soma"), settings.post_amplitude_nA, onset,
                              settings.post_duration_ms)
        traces = sim.run(onset + 200.0)
        return tuple(float(traces.window(f"cal[{k}]", "c", onset, onset + 200.0)[1].max()) for k in range(count))


def thresholds(settings: PairingSettings, peaks: tuple) -> tuple:
    """(θ_d, θ_p) in µM from (C_pre, C_post) with the settings' coefficients (Chindemi et al. 2022 form)."""
    return plasticity.thresholds_from_peaks(*peaks, *settings.theta_d_coeffs, *settings.theta_p_coeffs)


def shouval_volume(pre_peak_uM: float, target_uM: float) -> float:
    """Spine volume (µm³) that turns a lone EPSP's Ca peak ``pre_peak_uM`` (µM, at dei_glu's
    default volume) into ``target_uM``: the biophysical Ca is inversely proportional to the volume."""
    if not pre_peak_uM > 0:
        raise ParameterError("a lone EPSP brings no Ca to the synapse: cannot set the Shouval rule's Ca scale")
    return GLU_SPINE_VOLUME_UM3 * pre_peak_uM / target_uM


def shouval_scaled(spec, settings: PairingSettings) -> PairingSettings:
    """``settings`` with the spine volume set for the Shouval rule (:func:`shouval_volume`), if that
    rule runs on biophysical Ca and no volume is given."""
    if settings.rule != "shouval" or settings.ca_mode != "biophysical" or settings.spine_volume_um3 > 0:
        return settings
    return replace(settings, spine_volume_um3=shouval_volume(calcium_peaks(spec, settings, settings.n_synapses)[0],
                                                             settings.shouval_pre_ca_uM))


def calibrate_thresholds(spec, settings: PairingSettings, n: int = 1) -> tuple:
    """(θ_d, θ_p) in µM from the synaptic Ca peaks of one pre-only and one post-only event at
    ``n`` synapses of the settings' site (:func:`calcium_peaks`)."""
    return thresholds(settings, calcium_peaks(spec, settings, n))


def _relative_weights(settings: PairingSettings, placed) -> tuple:
    """(w_before, w_after) per synapse of a placed group, from the rule's state. Graupner–Brunel:
    in units of the DOWN weight, w = 1 + ρ(b − 1), with w_after taken once ρ has relaxed to the
    nearer stable state (ρ → 1 if ρ > ρ*, else 0), as GB 2012 measure it. Shouval: W."""
    if settings.rule == "shouval":
        return placed.values("w0_shouval"), placed.values("w_shouval")
    gb = plasticity.graupner_brunel(settings.gb_set)
    relaxed = np.where(placed.values("rho") > gb.rho_star, 1.0, 0.0)
    return 1.0 + placed.values("rho0") * (gb.b - 1.0), 1.0 + relaxed * (gb.b - 1.0)


def _as_declared(value, default):
    """``value`` with integers turned into floats where ``default`` (or its items) is a float."""
    if isinstance(default, tuple):
        return tuple(_as_declared(item, default[0]) for item in value) if default else value
    if isinstance(default, float) and not isinstance(value, bool):
        return float(value)
    return value


def noise_seed(settings: PairingSettings, delta_t_ms: float) -> int:
    """Seed of the GB noise streams of one pairing run (synapse k draws stream (seed, k, 0),
    :meth:`Simulation.seed_noise`): hashed from ``settings.seed``, the other settings and Δt (ms)
    as the sweep engine derives run seeds (:func:`dendriteei.seeds.derive_seed`), so each Δt of a
    curve has its own streams and equal settings (10 or 10.0) give equal streams. The cell and any
    added inputs are not hashed: runs that differ only there share streams."""
    values = {f.name: _as_declared(getattr(settings, f.name), f.default) for f in fields(settings)}
    return derive_seed(settings.seed, "pairing", {**values, "delta_t_ms": float(delta_t_ms)})


def check_onset(settings: PairingSettings, delta_t_ms: float, latency_ms: float) -> None:
    """Refuse a Δt (ms) whose first presynaptic spike, at settle_ms + latency − Δt, would come
    before the run starts (ParameterError naming the settle_ms it needs)."""
    first_pre = settings.settle_ms + latency_ms - delta_t_ms
    if first_pre < 0.0:
        raise ParameterError(f"Δt = {delta_t_ms:g} ms puts the first presynaptic spike {-first_pre:.1f} ms before "
                             f"the run starts: raise settle_ms (now {settings.settle_ms:g} ms) to at least "
                             f"{math.ceil(delta_t_ms - latency_ms):d} ms")


def run_timing(spec, settings: PairingSettings, delta_t_ms: float, latency_ms: float, thresholds,
               extra_groups: tuple = (), sites: tuple = (), site_values: tuple = (),
               epscs: tuple = ()) -> pd.DataFrame:
    """One pairing protocol at one Δt (ms): a row per synapse. ``extra_groups`` (e.g. inhibition
    timed to the pairings) are added to the same simulation. With ``sites`` ((branch, x) per
    synapse) the synapses go there instead, ``thresholds`` gives one (θ_d, θ_p) per site (µM) and
    ``site_values`` optionally one dict of further dei_glu parameters per site. ``epscs``: (Site,
    peak nA, delay ms after each somatic pulse onset) of EPSP-shaped currents added to every
    pairing (e.g. the distal input of BAC firing, Larkum et al. 1999)."""
    if sites:
        settings = replace(settings, n_synapses=len(sites))
        if len(thresholds) != len(sites):
            raise ParameterError(f"{len(sites)} sites need {len(sites)} (θ_d, θ_p) pairs, got {len(thresholds)}")
    check_onset(settings, delta_t_ms, latency_ms)
    check_trains(settings)
    with Simulation(build(spec), dt_ms=settings.dt_ms, cvode=settings.cvode, atol=settings.atol) as sim:
        period = 1000.0 / settings.frequency_hz
        start = settings.settle_ms
        onsets = pair_onsets_ms(settings, start)
        soma = Site("soma", region="soma")
        for onset in onsets:
            for j in range(settings.post_spikes):
                sim.current_pulse(soma, settings.post_amplitude_nA, onset + j * settings.post_isi_ms,
                                  settings.post_duration_ms)
            for site, peak_nA, delay_ms in epscs:
                sim.epsc_current(site, peak_nA, onset + delay_ms)
        pre = ExplicitSpikes(tuple(onsets + latency_ms - delta_t_ms))
        values = _synapse_parameters(settings, None if sites else thresholds)
        varying = {"rho0": initial_rho(settings)}
        if sites:
            varying.update(theta_d=tuple(t[0] for t in thresholds), theta_p=tuple(t[1] for t in thresholds))
            for name in (site_values[0] if site_values else {}):
                varying[name] = tuple(values[name] for values in site_values)
        group = SynapseGroup("syn", settings.synapse_region, "dei_glu", (pre,), n=settings.n_synapses,
                             **({"sites": tuple(sites)} if sites else placement(settings, settings.n_synapses)),
                             parameters=values, seed=settings.seed, varying=varying,
                             receives_post_spikes=settings.ca_mode == "phenomenological")
        placed = sim.add_synapses(group)
        for extra in extra_groups:
            sim.add_synapses(extra)
        sim.seed_noise("syn", noise_seed(settings, delta_t_ms))
        sim.record_synapses("syn", ("c", "efficacy"))
        sim.record_spikes(soma)
        traces = sim.run(onsets[-1] + period)
        state = {name: placed.values(name) for name in ("rho0", "rho", "theta_d", "theta_p", "time_above_d",
                                                        "time_above_p")}
        w_before, w_after = _relative_weights(settings, placed)
        rows = []
        for i in range(settings.n_synapses):
            t, c = traces.window(f"syn[{i}]", "c", start, np.inf)
            efficacy = traces[(f"syn[{i}]", "efficacy")].values
            before, after = traces.value_at(f"syn[{i}]", "efficacy", start), float(efficacy[-1])
            rows.append({"delta_t_ms": delta_t_ms, "synapse": i, "distance_um": placed.distances_um[i],
                         "efficacy_before_uS": before, "efficacy_after_uS": after,
                         "w_before": w_before[i], "w_after": w_after[i], "change": w_after[i] / w_before[i],
                         "rho_before": state["rho0"][i], "rho_after": state["rho"][i],
                         "c_peak": float(c.max()),
                         "theta_d": state["theta_d"][i], "theta_p": state["theta_p"][i],
                         "time_above_d_ms": state["time_above_d"][i],
                         "time_above_p_ms": state["time_above_p"][i],
                         "n_post_spikes": int(np.sum(traces.spikes_ms["soma"] >= start))})
    return pd.DataFrame(rows)


def clamped_pairing(v_mV: float, n_pulses: int = 100, frequency_hz: float = 1.0,
                    synapse: dict | None = None, spec=None) -> dict:
    """Pairing by voltage clamp (Shouval et al. 2002 Fig. 3A): the soma of ``spec`` (default
    point_soma) is held at v_mV while a somatic synapse gets n_pulses at frequency_hz (Shouval
    rule, biophysical Ca from NMDA only). Returns the relative change W_after/W_before and the Ca
    peak (µM)."""
    with Simulation(build(spec or point_soma()), cvode=True) as sim:
        soma = Site("soma", region="soma")
        start = 200.0
        sim.voltage_clamp(soma, v_mV, start_ms=50.0)
        values = {"ca_mode": GLU_CA_MODES["biophysical"], "rule": GLU_RULES["shouval"], "gbar_vdcc": 0.0,
                  **(synapse or {})}
        group = SynapseGroup("syn", "soma", "dei_glu", (RegularSpikes(frequency_hz, n_pulses, start),),
                             parameters=values)
        placed = sim.add_synapses(group)
        sim.record_synapses("syn", ("c",))
        traces = sim.run(start + n_pulses * 1000.0 / frequency_hz)
        change = placed.values("w_shouval")[0] / placed.values("w0_shouval")[0]
        result = {"v_mV": v_mV, "change": float(change), "c_peak_uM": float(traces[("syn[0]", "c")].values.max())}
    return result
