"""Published networks as :class:`~dendriteei.network.NetworkSpec` builders.

:func:`vogels_2011`: the balanced network of Vogels, Sprekeler, Zenke, Clopath & Gerstner 2011
Science 334:1569 (Fig. 4; ModelDB 143751; Brian2's examples/frompapers/Vogels_et_al_2011.py),
with point-neuron E cells, or with multicompartment (e.g. reduced pyramidal) E cells whose
inhibition is split into PV (perisomatic, somatic post signal) and SST (dendritic, local post
signal) projections.

:func:`cortical_motif`: E/PV/SST/VIP with the connection probabilities, strengths, kinetics and
external drive of Litwin-Kumar, Rosenbaum & Doiron 2016 J Neurophysiol 115:1399, whose motif is
Pfeffer et al. 2013 Nat Neurosci 16:1068's (PV→E, PV; SST→all but SST; VIP→SST); numbers and
sources in :mod:`.interneuron_data`.

:func:`sadeh_2017`: the E–I network of AdEx cells of Sadeh, Silver, Mrsic-Flogel & Muir 2017
J Neurosci 37:12050 (their NEST code, OpenSourceBrain/SadehEtAl2017-InhibitionStabilizedNetworks,
SpikingSimulationModels/defaultParams.py and simulateNetworks.py): the inhibition-stabilised
regime and the paradoxical effect.

:func:`schulz_2021`: the E–I network of Litwin-Kumar & Doiron 2014 Nat Commun 5:5319 as used by
Schulz, Miehl, Berry & Gjorgjieva 2021 eLife 10:e65309 (their code,
comp-neural-circuits/novelty-via-inhibitory-plasticity, simulation/runsimulation_inhibtuning.jl and
helperfunctions.jl): EIF E cells in stimulus assemblies, LIF I cells, iSTDP on I→E; novelty
responses and adaptation.

Both scale to fewer cells keeping every cell's mean recurrent input: connection probabilities stay
and weights grow by (published population size / size), so a small network in the test suite sits
at the same operating point as the published one (with larger fluctuations).
"""
from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass

from ..catalogue import GABA_POST_SOURCES, GABA_WINDOWS
from ..spec import CellSpec
from . import interneuron_data as data
from .models import CUTOFF_SLOPES, gaba_parameters, point_neuron
from .spec import (CompartmentalCell, Constant, NetworkSpec, Normal, ParameterChange, PointNeuron,
                   PoissonDrive, Population, Probability, Projection, Recording, Synapse)


@dataclass(frozen=True)
class VogelsParameters:
    """Numbers of Vogels et al. 2011's network (ModelDB 143751; Brian2 example), nS/pA/ms/Hz."""
    n_exc: int = 8000              # Vogels et al. 2011: 8000 E
    n_inh: int = 2000              # Vogels et al. 2011: 2000 I
    p_connect: float = 0.02        # Vogels et al. 2011: 2 % random connectivity
    w_exc_nS: float = 0.3          # E→E and E→I conductance jump, Vogels et al. 2011 (Brian2 example: 0.3 nS)
    w_ii_nS: float = 3.0           # I→I, Vogels et al. 2011 (Brian2 example: 3 nS)
    w_ie_init_nS: float = 0.0      # I→E start, Brian2 example (1e-10 ≈ 0): inhibition grows from nothing
    w_ie_max_nS: float = 100.0     # gmax = 100 × 1 nS, ModelDB 143751 / Brian2 example
    eta_nS: float = 0.01           # learning rate η = 1e-2 in the weight unit of 1 nS, Brian2 example
    rho0_hz: float = 3.0           # target rate ρ0, Vogels et al. 2011
    tau_stdp_ms: float = 20.0      # τ_STDP, Vogels et al. 2011
    i_bias_pA: float = 200.0       # constant background current, Brian2 example (bgcurrent 200 pA)
    static_ms: float = 1000.0      # iSTDP off for the first second, Brian2 example (eta = 0, then 1e-2)
    delay_ms: float = 0.1          # Brian2 example: no delay, i.e. the next 0.1 ms step
    dt_ms: float = 0.1             # Brian2 example: defaultclock.dt = 0.1 ms


def vogels_lif(name: str, i_bias_pA: float) -> PointNeuron:
    """The LIF of Vogels et al. 2011 (defaults of :class:`PointNeuron` are its numbers)."""
    return PointNeuron(name, i_bias_pA=i_bias_pA,
                       description="conductance-based LIF of Vogels et al. 2011 (C 200 pF, g_L 10 nS, τ_m 20 ms)")


def _istdp(p: VogelsParameters, post_source: str) -> tuple:
    """dei_gaba RANGE values of Vogels' symmetric iSTDP, single exponential GABA_A (τ 10 ms, −80 mV)."""
    return (("tau_r", 0.0), ("tau_d", 10.0), ("e", -80.0),           # Vogels et al. 2011 GABA_A
            ("window", float(GABA_WINDOWS["symmetric_hebbian"])), ("eta", 0.0), ("rho0_hz", p.rho0_hz),
            ("tau_stdp", p.tau_stdp_ms), ("w_min", 0.0), ("w_max", p.w_ie_max_nS * 1e-3),
            ("post_source", float(GABA_POST_SOURCES[post_source])))


def vogels_2011(p: VogelsParameters = VogelsParameters(), seed: int = 1, exc_cell: CellSpec | None = None,
                recording: Recording = Recording(), exc_drive_hz: float = 0.0, exc_drive_nS: float = 0.0,
                exc_drive_sources: int = 1) -> NetworkSpec:
    """Vogels et al. 2011's network. With ``exc_cell`` (a multicompartment spec, e.g. a reduced
    pyramidal cell) the E cells are that cell: E inputs land on dei_glu synapses on basal and
    oblique dendrites, the I population splits in half into PV (perisomatic, symmetric iSTDP with
    the somatic spike as post signal) and SST (distal apical, local bAP voltage as post signal);
    the E cells get the Poisson drive (``exc_drive_*``) instead of the bias current."""
    delay = Constant(p.delay_ms)
    inh = vogels_lif("I", p.i_bias_pA)
    e_to = Synapse("exc")
    if exc_cell is None:
        populations = (Population("E", vogels_lif("E", p.i_bias_pA), p.n_exc), Population("I", inh, p.n_inh))
        projections = (
            Projection("EE", "E", "E", Probability(p.p_connect), e_to, Constant(p.w_exc_nS), delay),
            Projection("EI", "E", "I", Probability(p.p_connect), e_to, Constant(p.w_exc_nS), delay),
            Projection("II", "I", "I", Probability(p.p_connect), Synapse("inh"), Constant(p.w_ii_nS), delay),
            Projection("IE", "I", "E", Probability(p.p_connect),
                       Synapse("dei_gaba", "soma", _istdp(p, "soma"), post_events=True),
                       Constant(p.w_ie_init_nS), delay),
        )
        schedule = (ParameterChange(p.static_ms, "IE", "eta", p.eta_nS * 1e-3),)
        stimuli = ()
        description = "Vogels et al. 2011 balanced network, point neurons"
    else:
        n_pv = p.n_inh // 2
        # E inputs: non-plastic AMPA, single exponential τ 5 ms as Vogels et al. 2011, on basal and oblique
        # dendrites (4 sites each, shared by the recurrent input and the drive)
        ampa = (("tau_r", 0.0), ("tau_d", 5.0))
        glu = Synapse("dei_ampa", "basal", ampa, sites=4)
        glu_oblique = Synapse("dei_ampa", "oblique", ampa, sites=4)
        populations = (Population("E", CompartmentalCell(exc_cell), p.n_exc), Population("PV", inh, n_pv),
                       Population("SST", inh, p.n_inh - n_pv))
        projections = (
            Projection("EE_basal", "E", "E", Probability(p.p_connect / 2), glu, Constant(p.w_exc_nS), delay),
            Projection("EE_oblique", "E", "E", Probability(p.p_connect / 2), glu_oblique, Constant(p.w_exc_nS), delay),
            Projection("EPV", "E", "PV", Probability(p.p_connect), e_to, Constant(p.w_exc_nS), delay),
            Projection("ESST", "E", "SST", Probability(p.p_connect), e_to, Constant(p.w_exc_nS), delay),
            Projection("PVPV", "PV", "PV", Probability(p.p_connect), Synapse("inh"), Constant(p.w_ii_nS), delay),
            Projection("PVSST", "PV", "SST", Probability(p.p_connect), Synapse("inh"), Constant(p.w_ii_nS), delay),
            Projection("SSTPV", "SST", "PV", Probability(p.p_connect), Synapse("inh"), Constant(p.w_ii_nS), delay),
            Projection("SSTSST", "SST", "SST", Probability(p.p_connect), Synapse("inh"), Constant(p.w_ii_nS), delay),
            Projection("PVE", "PV", "E", Probability(p.p_connect),
                       Synapse("dei_gaba", "perisomatic", _istdp(p, "soma"), post_events=True),
                       Constant(p.w_ie_init_nS), delay),
            Projection("SSTE", "SST", "E", Probability(p.p_connect),
                       Synapse("dei_gaba", "distal_apical", _istdp(p, "local_voltage"), sites=4),
                       Constant(p.w_ie_init_nS), delay),
        )
        schedule = (ParameterChange(p.static_ms, "PVE", "eta", p.eta_nS * 1e-3),
                    ParameterChange(p.static_ms, "SSTE", "eta", p.eta_nS * 1e-3))
        stimuli = (PoissonDrive("drive", "E", exc_drive_hz, glu, exc_drive_nS, n_sources=exc_drive_sources),) \
            if exc_drive_hz > 0 else ()
        description = (f"Vogels et al. 2011 network with {exc_cell.name} E cells; I split into PV (perisomatic, "
                       "somatic post signal) and SST (distal apical, local post signal)")
    return NetworkSpec("vogels_2011", populations, projections, stimuli, schedule, recording, seed=seed,
                       dt_ms=p.dt_ms, description=description)


#: Where each class's synapses land on a multicompartment E cell (Pfeffer et al. 2013 motif on a
#: pyramidal cell: PV perisomatic, SST distal apical; VIP makes none onto E).
E_REGIONS = {"e": "basal", "pv": "perisomatic", "sst": "distal_apical"}
#: Synapse sites per cell for dendritic targets (connections share them, weights stay per connection).
_SITES = 4


def cortical_motif(sizes: dict | None = None, exc_cell: CellSpec | None = None, seed: int = 1,
                   scale_drive: dict | None = None, recording: Recording = Recording(weight_sample=0),
                   delay_ms: float = 0.5) -> NetworkSpec:
    """E/PV/SST/VIP network after Litwin-Kumar et al. 2016 (sizes 400/50/25/25 by default).

    Probabilities: their params.jl (Pfeffer et al. 2013 motif; absent pairs have p = 0 and are
    left out). Inhibitory connections: dei_gaba with the presynaptic class's kinetics, peak
    conductance = their conductance integral × the kernel peak. Excitatory connections onto point
    neurons: the cell's own single-exponential conductance (τ 2 ms) with the same conductance
    integral (jump = integral / τ). External drive: Poisson at their rates through the E→post
    weight. ``scale_drive`` multiplies a population's external rate (e.g. {"vip": 2.0} for
    top-down activation of VIP). With ``exc_cell`` (e.g. a reduced pyramidal cell) the E cells are
    multicompartment: E→E and drive on basal dei_glu synapses, PV perisomatic, SST distal apical.
    ``delay_ms``: every connection's delay (modelling choice: the 0.5 ms order of cortical axonal
    plus synaptic delay; Litwin-Kumar et al. deliver at the next step)."""
    sizes = {**data.POPULATION_SIZES_LK2016, **(sizes or {})}
    scale = {**{k: 1.0 for k in data.POPULATIONS}, **(scale_drive or {})}
    unknown = set(sizes) - set(data.POPULATIONS) | set(scale) - set(data.POPULATIONS)
    if unknown:
        from ..checks import SpecError
        raise SpecError(f"cortical_motif: unknown population {sorted(unknown)[0]!r}; valid: "
                        f"{', '.join(data.POPULATIONS)}")
    tau_exc = data.SYNAPTIC_KINETICS["e"]["tau_decay_ms"]
    cells = {"e": point_neuron("e_adex") if exc_cell is None else CompartmentalCell(exc_cell),
             "pv": point_neuron("pv"), "sst": point_neuron("sst"), "vip": point_neuron("vip")}
    populations = tuple(Population(k.upper(), cells[k], sizes[k]) for k in data.POPULATIONS)

    def synapse(pre: str, post: str) -> tuple:
        """(Synapse, weight in nS) of a pre → post connection."""
        integral = data.CONNECTION_STRENGTH_NS_MS_LK2016[(pre, post)]
        compartmental = post == "e" and exc_cell is not None
        if pre == "e":
            if compartmental:
                glu = Synapse("dei_glu", E_REGIONS["e"], (("gmax_nmda", 0.0), ("tau_r_ampa", 0.5),
                                                          ("tau_d_ampa", tau_exc)), sites=_SITES)
                return glu, integral * data.KERNEL_PEAK_PER_MS_LK2016["e"]
            return Synapse("exc"), integral / tau_exc
        region = E_REGIONS[pre] if compartmental else "soma"
        return (Synapse("dei_gaba", region, gaba_parameters(pre), sites=_SITES if compartmental else 1),
                integral * data.KERNEL_PEAK_PER_MS_LK2016[pre])

    projections = []
    for pre in data.POPULATIONS:
        for post in data.POPULATIONS:
            p = data.CONNECTION_PROBABILITY[(pre, post)]
            if p > 0 and sizes[pre] > (1 if pre == post else 0):
                syn, weight = synapse(pre, post)
                projections.append(Projection(f"{pre.upper()}->{post.upper()}", pre.upper(), post.upper(),
                                              Probability(p), syn, Constant(weight), Constant(delay_ms)))
    stimuli = []
    for post in data.POPULATIONS:
        syn, weight = synapse("e", post)
        rate = data.EXTERNAL_RATE_KHZ_LK2016[post] * 1000.0 * scale[post]
        if rate > 0:
            stimuli.append(PoissonDrive(f"external->{post.upper()}", post.upper(), rate, syn, weight))
    return NetworkSpec("cortical_motif", populations, tuple(projections), tuple(stimuli), (), recording, seed=seed,
                       dt_ms=0.1, description="E/PV/SST/VIP after Litwin-Kumar, Rosenbaum & Doiron 2016 "
                                              "(Pfeffer et al. 2013 motif)")



# -- Sadeh et al. 2017 -------------------------------------------------------------------------
#: NEST's alpha conductance of time constant τ has integral e·τ per unit peak; a single exponential
#: of decay 2τ with the same integral has the same mean and variance of the conductance under
#: Poisson input (shot-noise variance ∝ ∫ kernel²), so peak B becomes a jump of e·B/2.
ALPHA_TO_EXP_DECAY = 2.0


@dataclass(frozen=True)
class SadehParameters:
    """Numbers of Sadeh et al. 2017's spiking network (SREPO = OpenSourceBrain/SadehEtAl2017-
    InhibitionStabilizedNetworks, SpikingSimulationModels/), nS/pA/ms/Hz."""
    n_exc: int = 1600               # SREPO defaultParams.py L99-111: N 2000, 20 % I
    n_inh: int = 400                # SREPO defaultParams.py L99-111
    c_m_pF: float = 120.0           # SREPO defaultParams.py L32
    g_leak_nS: float = 1000.0 / 140.0   # SREPO defaultParams.py L34: 1/(140 MΩ), τ_m 16.8 ms
    e_leak_mV: float = -70.0        # SREPO defaultParams.py L21
    v_thresh_mV: float = -50.0      # SREPO defaultParams.py L27 (V_th of aeif_cond_alpha = V_T)
    delta_t_mV: float = 2.0         # NEST aeif_cond_alpha default Δ_T (not set in SREPO)
    v_reset_mV: float = -60.0       # SREPO defaultParams.py L29
    t_ref_ms: float = 2.0           # SREPO defaultParams.py L53
    tau_syn_ms: float = 1.0         # SREPO defaultParams.py L48-50: alpha synapses, τ 1 ms (E and I)
    e_exc_mV: float = 0.0           # SREPO defaultParams.py L23
    e_inh_mV: float = -75.0         # SREPO defaultParams.py L25
    p_exc: float = 0.15             # SREPO simulateNetworks.py L142-145: E→E, E→I
    p_inh: float = 1.0              # SREPO simulateNetworks.py L142-145: I→E, I→I
    w_exc_nS: float = 0.1           # SREPO simulateNetworks.py L128-129 sample Be (E→E = E→I), alpha peak
    w_ie_nS: float = 0.2            # SREPO simulateNetworks.py L128-129 sample Bi (I→E), alpha peak
    w_ii_nS: float = 0.2            # SREPO sample Bi (I→I = I→E there; kept here while I→E is swept)
    weight_cv: float = 0.2          # SREPO defaultParams.py L37-41: |N(B, B/5)|
    background_hz: float = 9600.0   # SREPO defaultParams.py L44, L79: 10000 − 400 Hz per cell
    background_nS: float = 0.1      # SREPO simulateNetworks.py L63-68: Be_bkg 0.1 nS (alpha peak)
    delay_ms: float = 0.1           # SREPO defaultParams.py L73 (0.1 ms; NEST adds one dt)
    dt_ms: float = 0.1              # SREPO defaultParams.py L76


def sadeh_cell(name: str, p: SadehParameters = SadehParameters()) -> PointNeuron:
    """Sadeh et al. 2017's neuron: NEST aeif_cond_alpha with a = b = 0 (SREPO defaultParams.py
    L118), alpha synapses as single exponentials of the same mean and variance."""
    return PointNeuron(name, c_m_pF=p.c_m_pF, g_leak_nS=p.g_leak_nS, e_leak_mV=p.e_leak_mV,
                       v_thresh_mV=p.v_thresh_mV, delta_t_mV=p.delta_t_mV,
                       v_spike_mV=p.v_thresh_mV + CUTOFF_SLOPES * p.delta_t_mV, v_reset_mV=p.v_reset_mV,
                       t_ref_ms=p.t_ref_ms, tau_exc_ms=ALPHA_TO_EXP_DECAY * p.tau_syn_ms,
                       tau_inh_ms=ALPHA_TO_EXP_DECAY * p.tau_syn_ms, e_exc_mV=p.e_exc_mV, e_inh_mV=p.e_inh_mV,
                       v_init_mV=(p.e_leak_mV, p.v_thresh_mV),     # modelling choice: uniform between rest and V_T
                       description="AdEx without adaptation of Sadeh et al. 2017 (C 120 pF, R 140 MΩ)")


def _alpha_jump_nS(p: SadehParameters, peak_nS: float) -> float:
    """Jump (nS) of the single exponential standing for an alpha conductance of peak ``peak_nS``."""
    return math.e * peak_nS / ALPHA_TO_EXP_DECAY


def _weights(jump_nS: float, cv: float) -> Normal:
    return Normal(jump_nS, cv * jump_nS) if cv > 0 else Constant(jump_nS)


def sadeh_2017(p: SadehParameters = SadehParameters(), seed: int = 1, istdp: tuple = (),
               exc_cell: CellSpec | None = None, exc_drive_hz: float = 0.0, exc_drive_nS: float = 0.0,
               recording: Recording = Recording(weight_sample=0)) -> NetworkSpec:
    """Sadeh et al. 2017's E–I network at sizes p.n_exc, p.n_inh (weights × published size /
    size). I→E is ``p.w_ie_nS`` (alpha peak); ``istdp``: dei_gaba RANGE values that make I→E
    plastic (e.g. the Vogels rule), else it is the E cells' own inhibitory conductance.

    With ``exc_cell`` (e.g. the reduced pyramidal cell) the E cells are multicompartment: E→E and
    the E cells' drive (``exc_drive_hz`` of ``exc_drive_nS`` dei_ampa, τ 2 ms, on basal
    dendrites) land on basal synapses, and I splits in half into PV (perisomatic, somatic post
    signal) and SST (distal apical, local post signal) with Sadeh's I→E weight each."""
    reference = SadehParameters()
    scale_e, scale_i = reference.n_exc / p.n_exc, reference.n_inh / p.n_inh
    delay = Constant(p.delay_ms)
    w_ee = _weights(_alpha_jump_nS(p, p.w_exc_nS) * scale_e, p.weight_cv)
    w_ie = _weights(_alpha_jump_nS(p, p.w_ie_nS) * scale_i, p.weight_cv)
    w_ii = _weights(_alpha_jump_nS(p, p.w_ii_nS) * scale_i, p.weight_cv)
    background = _alpha_jump_nS(p, p.background_nS)
    tau = ALPHA_TO_EXP_DECAY * p.tau_syn_ms
    gaba = (("tau_r", 0.0), ("tau_d", tau), ("e", p.e_inh_mV))
    if exc_cell is None:
        inhibitory = [("I", p.n_inh, "soma", "soma")]
        exc_pop = Population("E", sadeh_cell("E", p), p.n_exc)
    else:
        n_pv = p.n_inh // 2
        inhibitory = [("PV", n_pv, "perisomatic", "soma"), ("SST", p.n_inh - n_pv, "distal_apical", "local_voltage")]
        exc_pop = Population("E", CompartmentalCell(exc_cell), p.n_exc)
    populations = [exc_pop] + [Population(name, sadeh_cell(name, p), size) for name, size, _, _ in inhibitory]
    compartmental = exc_cell is not None
    ampa = Synapse("dei_ampa", "basal", (("tau_r", 0.0), ("tau_d", tau)), sites=_SITES) if compartmental \
        else Synapse("exc")
    projections = [Projection("E->E", "E", "E", Probability(p.p_exc), ampa, w_ee, delay)]
    for name, size, region, post_source in inhibitory:
        share = p.n_inh / size          # each half-population keeps the whole I population's mean input
        projections.append(Projection(f"E->{name}", "E", name, Probability(p.p_exc), Synapse("exc"),
                                      _weights(_alpha_jump_nS(p, p.w_exc_nS) * scale_e, p.weight_cv), delay))
        for other, other_size, _, _ in inhibitory:
            projections.append(Projection(f"{other}->{name}", other, name, Probability(p.p_inh), Synapse("inh"),
                                          _scaled(w_ii, p.n_inh / other_size / len(inhibitory)), delay))
        if istdp or compartmental:
            plastic = dict(istdp)
            if compartmental:
                plastic["post_source"] = float(GABA_POST_SOURCES[post_source])
            synapse = Synapse("dei_gaba", region, (*gaba, *plastic.items()), sites=_SITES if compartmental else 1,
                              post_events=bool(istdp) and post_source == "soma")
        else:
            synapse = Synapse("inh")
        projections.append(Projection(f"{name}->E", name, "E", Probability(p.p_inh), synapse,
                                      _scaled(w_ie, share / len(inhibitory)), delay))
    stimuli = [PoissonDrive(f"background->{pop.name}", pop.name, p.background_hz, Synapse("exc"), background)
               for pop in populations[1:]]
    if compartmental:
        stimuli.insert(0, PoissonDrive("drive->E", "E", exc_drive_hz, ampa, exc_drive_nS))
    else:
        stimuli.insert(0, PoissonDrive("background->E", "E", p.background_hz, Synapse("exc"), background))
    return NetworkSpec("sadeh_2017", tuple(populations), tuple(projections), tuple(stimuli), (), recording,
                       seed=seed, dt_ms=p.dt_ms,
                       description=f"E–I AdEx network of Sadeh et al. 2017 ({p.n_exc} E, {p.n_inh} I"
                                   f"{', E = ' + exc_cell.name + ', I = PV + SST' if compartmental else ''})")


def _scaled(distribution, factor: float):
    """``distribution`` (Constant or Normal weights) times ``factor``."""
    if isinstance(distribution, Normal):
        return Normal(distribution.mean * factor, distribution.sd * factor, distribution.low * factor)
    return Constant(distribution.value * factor)


# -- Schulz et al. 2021 (Litwin-Kumar & Doiron 2014 network) --------------------------------------
#: Peak (per ms) of the unit-area kernel (e^(−t/τd) − e^(−t/τr))/(τd − τr) of the inhibitory
#: synapse (τr 0.5, τd 2 ms): Schulz's weights are kernel integrals (nS·ms), dei_gaba's peaks.
_SCHULZ_I_KERNEL_PEAK = 0.31498


@dataclass(frozen=True)
class SchulzParameters:
    """Numbers of Schulz et al. 2021's network (REPO = comp-neural-circuits/novelty-via-inhibitory-
    plasticity, simulation/runsimulation_inhibtuning.jl (RS), helperfunctions.jl (HF)); weights
    are their conductance integrals in nS·ms ("pF" in the code)."""
    n_exc: int = 4000               # REPO main/initsim_sequence_violation_ARGS.jl L44
    n_inh: int = 1000               # REPO initsim_sequence_violation_ARGS.jl L45
    p_connect: float = 0.2          # HF L48: all four connection types
    assembly_size: int = 200        # HF L58-73: membership p 0.05 × 4000 E ≈ 200 cells per stimulus
    c_m_pF: float = 300.0           # RS L67 (E and I)
    tau_m_ms: float = 20.0          # RS L61-62 (E and I): g_L = C/τ_m = 15 nS
    e_leak_exc_mV: float = -70.0    # RS L63
    e_leak_inh_mV: float = -62.0    # RS L64
    v_thresh_mV: float = -52.0      # RS L70 (E: V_T of the EIF; I: the LIF threshold)
    delta_t_mV: float = 2.0         # RS L66 (E only; I are LIF)
    v_reset_mV: float = -60.0       # RS L74
    t_ref_ms: float = 1.0           # RS L75
    tau_exc_ms: float = 6.0         # RS L92-93: E decay 6 ms (rise 1 ms; single exponential here)
    tau_inh_rise_ms: float = 0.5    # RS L94
    tau_inh_ms: float = 2.0         # RS L95
    e_exc_mV: float = 0.0           # RS L68
    e_inh_mV: float = -75.0         # RS L69
    j_ee: float = 2.86              # HF L48-56 Jee0 (nS·ms); static here (Schulz: triplet STDP)
    j_ie_init: float = 48.7         # HF Jei0, I→E start = lower bound (RS L117-118)
    j_ie_max: float = 243.0         # RS L117-118 Jeimax
    j_ei: float = 1.27              # HF Jie, E→I (static)
    j_ii: float = 16.2              # HF Jii, I→I (static)
    j_ext_exc: float = 1.78         # RS L97-111 Jex
    j_ext_inh: float = 1.27         # RS L97-111 Jix
    rate_ext_exc_hz: float = 4500.0     # RS L97-111 rex 4.5 kHz
    rate_ext_inh_hz: float = 2250.0     # Litwin-Kumar & Doiron 2014 sim.jl rix 2.25 kHz (Schulz: 2.5 kHz less the tuning's share)
    stimulus_hz: float = 12000.0    # initsim_sequence_violation_ARGS.jl L69: +12 kHz onto assembly cells
    eta: float = 1.0                # RS L143: η 1 (nS·ms per pairing)
    rho0_hz: float = 3.0            # RS L144: r0 3 Hz
    tau_stdp_ms: float = 20.0       # RS L142
    delay_ms: float = 0.1           # RS L643-644: input of a spike enters at the next step (dt)
    dt_ms: float = 0.1              # initsim_sequence_violation_ARGS.jl L49


def schulz_cells(p: SchulzParameters = SchulzParameters()) -> tuple:
    """(E, I) point neurons of Schulz et al. 2021: EIF E (cut-off V_T + 4 Δ_T, see CUTOFF_SLOPES;
    theirs: +20 mV) and LIF I; no adaptation (RS L76-77: off in the paper's runs)."""
    common = dict(c_m_pF=p.c_m_pF, g_leak_nS=p.c_m_pF / p.tau_m_ms, v_thresh_mV=p.v_thresh_mV,
                  v_reset_mV=p.v_reset_mV, t_ref_ms=p.t_ref_ms, tau_exc_ms=p.tau_exc_ms, tau_inh_ms=p.tau_inh_ms,
                  e_exc_mV=p.e_exc_mV, e_inh_mV=p.e_inh_mV, v_init_mV=(p.v_reset_mV, p.v_thresh_mV))  # RS L235
    exc = PointNeuron("E", e_leak_mV=p.e_leak_exc_mV, delta_t_mV=p.delta_t_mV,
                      v_spike_mV=p.v_thresh_mV + CUTOFF_SLOPES * p.delta_t_mV,
                      description="EIF of Schulz et al. 2021 (C 300 pF, τ_m 20 ms, Δ_T 2 mV)", **common)
    inh = PointNeuron("I", e_leak_mV=p.e_leak_inh_mV, description="LIF of Schulz et al. 2021", **common)
    return exc, inh


def schulz_istdp(p: SchulzParameters, eta_scale: float = 1.0, post_source: str = "soma",
                 weight_scale: float = 1.0) -> tuple:
    """dei_gaba RANGE values of Schulz et al. 2021's I→E synapse: their kernel (rise 0.5, decay
    2 ms, −75 mV) and Vogels' symmetric rule (η, r0, τ; bounds [Jei0, Jeimax]) as peak conductances
    (µS); ``weight_scale`` multiplies η and the bounds with the weights of a scaled network."""
    peak = _SCHULZ_I_KERNEL_PEAK * 1e-3 * weight_scale     # µS of peak per nS·ms of integral
    return (("tau_r", p.tau_inh_rise_ms), ("tau_d", p.tau_inh_ms), ("e", p.e_inh_mV),
            ("window", float(GABA_WINDOWS["symmetric_hebbian"])), ("eta", p.eta * eta_scale * peak),
            ("rho0_hz", p.rho0_hz), ("tau_stdp", p.tau_stdp_ms), ("w_min", p.j_ie_init * peak),
            ("w_max", p.j_ie_max * peak), ("post_source", float(GABA_POST_SOURCES[post_source])))


#: Peak (per ms) of the unit-area excitatory kernel of Schulz et al. (τr 1, τd 6 ms), for dei_ampa
#: synapses on multicompartment E cells: peak = integral × this.
_SCHULZ_E_KERNEL_PEAK = 0.11647
#: Where the E cells' excitatory inputs (recurrent, background, stimuli) land on a multicompartment
#: E cell: non-plastic AMPA with Schulz et al.'s kernel (RS L92-93) on basal dendrites.
SCHULZ_BASAL_AMPA = Synapse("dei_ampa", "basal", (("tau_r", 1.0), ("tau_d", 6.0)), sites=_SITES)


def schulz_2021(p: SchulzParameters = SchulzParameters(), seed: int = 1, eta_scale: float = 1.0,
                stimuli: tuple = (), schedule: tuple = (), exc_cell: CellSpec | None = None,
                plastic: tuple = ("PV", "SST"), exc_drive_hz: float = 0.0, exc_drive_nS: float = 0.0,
                recording: Recording = Recording(weight_sample=200)) -> NetworkSpec:
    """Schulz et al. 2021's network at sizes p.n_exc, p.n_inh (weights × published size / size):
    E cells in consecutive assemblies of p.assembly_size (non-overlapping; theirs are independent
    draws), random E→E (static: their E→E triplet STDP is left out), I→E plastic with the Vogels
    rule (η × ``eta_scale``; 0 switches it off), background Poisson input; ``stimuli`` and
    ``schedule`` are added (e.g. a :class:`StimulusSequence` onto E's assemblies).

    With ``exc_cell`` (e.g. the reduced pyramidal cell) E is multicompartment: its excitatory
    inputs land on basal AMPA synapses (:data:`SCHULZ_BASAL_AMPA`; background ``exc_drive_hz`` of
    ``exc_drive_nS`` peak), and I splits in half into PV (perisomatic, somatic spike as post
    signal) and SST (distal apical, local voltage as post signal), each with Schulz's I→E weight;
    ``plastic`` names the classes whose I→E synapses learn."""
    reference = SchulzParameters()
    scale_e, scale_i = reference.n_exc / p.n_exc, reference.n_inh / p.n_inh
    exc, inh = schulz_cells(p)
    delay = Constant(p.delay_ms)
    rule = Probability(p.p_connect)
    compartmental = exc_cell is not None
    if compartmental:
        n_pv = p.n_inh // 2
        inhibitory = [("PV", n_pv, "perisomatic", "soma"), ("SST", p.n_inh - n_pv, "distal_apical", "local_voltage")]
        exc_pop = Population("E", CompartmentalCell(exc_cell), p.n_exc, assembly_size=p.assembly_size)
        e_to_e = (SCHULZ_BASAL_AMPA, Constant(p.j_ee * _SCHULZ_E_KERNEL_PEAK * scale_e))
    else:
        inhibitory = [("I", p.n_inh, "soma", "soma")]
        exc_pop = Population("E", exc, p.n_exc, assembly_size=p.assembly_size)
        e_to_e = (Synapse("exc"), Constant(p.j_ee / p.tau_exc_ms * scale_e))
    populations = (exc_pop,) + tuple(Population(name, dataclasses.replace(inh, name=name), size)
                                     for name, size, _, _ in inhibitory)
    projections = [Projection("E->E", "E", "E", rule, *e_to_e, delay)]
    for name, size, region, post_source in inhibitory:
        projections.append(Projection(f"E->{name}", "E", name, rule, Synapse("exc"),
                                      Constant(p.j_ei / p.tau_exc_ms * scale_e), delay))
        for other, other_size, _, _ in inhibitory:
            projections.append(Projection(f"{other}->{name}", other, name, rule, Synapse("inh"),
                                          Constant(p.j_ii / p.tau_inh_ms * scale_i), delay))
        learns = not compartmental or name in plastic
        values = schulz_istdp(p, eta_scale if learns else 0.0, post_source, weight_scale=scale_i)
        synapse = Synapse("dei_gaba", region, values, sites=_SITES if region == "distal_apical" else 1,
                          post_events=post_source == "soma")
        projections.append(Projection(f"{name}->E", name, "E", rule, synapse,
                                      Constant(p.j_ie_init * _SCHULZ_I_KERNEL_PEAK * scale_i), delay))
    if compartmental:
        background = [PoissonDrive("background->E", "E", exc_drive_hz, SCHULZ_BASAL_AMPA, exc_drive_nS)]
    else:
        background = [PoissonDrive("background->E", "E", p.rate_ext_exc_hz, Synapse("exc"), p.j_ext_exc / p.tau_exc_ms)]
    background += [PoissonDrive(f"background->{name}", name, p.rate_ext_inh_hz, Synapse("exc"),
                                p.j_ext_inh / p.tau_exc_ms) for name, _, _, _ in inhibitory]
    return NetworkSpec("schulz_2021", populations, tuple(projections), tuple(background) + tuple(stimuli),
                       tuple(schedule), recording, seed=seed, dt_ms=p.dt_ms,
                       description=f"Litwin-Kumar & Doiron 2014 network as in Schulz et al. 2021 ({p.n_exc} E in "
                                   f"assemblies of {p.assembly_size}, {p.n_inh} I, iSTDP on I→E"
                                   f"{', E = ' + exc_cell.name + ', I = PV + SST' if compartmental else ''})")


__all__ = ["E_REGIONS", "SadehParameters", "SchulzParameters", "VogelsParameters", "cortical_motif", "sadeh_2017",
           "SCHULZ_BASAL_AMPA", "sadeh_cell", "schulz_2021", "schulz_cells", "schulz_istdp", "vogels_2011", "vogels_lif"]
