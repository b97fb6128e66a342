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
"""
from __future__ import annotations

from dataclasses import dataclass

from ..catalogue import GABA_POST_SOURCES, GABA_WINDOWS
from ..spec import CellSpec
from . import interneuron_data as data
from .models import gaba_parameters, point_neuron
from .spec import (CompartmentalCell, Constant, NetworkSpec, ParameterChange, PointNeuron,
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


__all__ = ["E_REGIONS", "VogelsParameters", "cortical_motif", "vogels_2011", "vogels_lif"]
