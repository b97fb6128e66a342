"""Protocol registry: each protocol is a parameter dataclass, a runner and a plot."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from ..parameters import ParameterError
from . import bac_firing, bap_attenuation, inhibitory_balance, istdp_homeostatic, istdp_window, stdp
from . import bap_gating, dendritic_balance, reduction_fidelity, shouval_stdp, stdp_flip, synaptic_calcium
from . import assembly_novelty, isn_paradox, vogels_network
from .common import ProtocolResult, RunParams, cell_spec


@dataclass(frozen=True)
class Protocol:
    """A protocol: its parameters, runner, figure, one-line summary and ``quick``, the parameter
    overrides of a smoke run (seconds on a reconstructed cell: few conditions, short runs, CVODE)
    that exercises every code path: ``dendriteei run NAME --quick``, and the real-cell tests.
    Runners that loop over independent conditions take ``jobs`` (worker processes; default the
    CPUs available, or the enclosing :func:`dendriteei.conditions.using_jobs`) and give the same
    table with any number."""
    name: str
    params_type: type
    run: Callable[..., ProtocolResult]
    plot: Callable[[ProtocolResult], object]  # the result's matplotlib Figure
    summary: str
    quick: tuple = ()                         # ((parameter, value), ...)
    spec_of: Callable[[RunParams], object] = None    # params -> the cell or network spec (default: cell_spec(params.cell))

    def spec(self, params: RunParams):
        """The spec a run of ``params`` simulates: a CellSpec, or a NetworkSpec for network protocols."""
        return cell_spec(params.cell) if self.spec_of is None else self.spec_of(params)

    def quick_params(self, **overrides) -> RunParams:
        """The quick setting's parameters, with ``overrides`` (e.g. cell=...) on top."""
        return self.params_type(**{**dict(self.quick), **overrides})


def _figure(name: str) -> Callable[[ProtocolResult], object]:
    """dendriteei.plotting's ``name``, imported on the first call (matplotlib stays out of runs
    that do not plot)."""
    def plot(result: ProtocolResult):
        from .. import plotting
        return getattr(plotting, name)(result)
    plot.__name__ = plot.__qualname__ = name
    return plot


PROTOCOLS = {
    p.name: p for p in (
        Protocol("bap-attenuation", bap_attenuation.BapAttenuationParams, bap_attenuation.run,
                 _figure("plot_bap_attenuation"), "bAP peak voltage and Ca against path distance",
                 quick=(('cvode', True), ('settle_ms', 100.0), ('step_um', 100.0))),
        Protocol("bac-firing", bac_firing.BacFiringParams, bac_firing.run,
                 _figure("plot_bac_firing"), "somatic pulse, distal EPSP and both: Ca spike and burst",
                 quick=(('cvode', True), ('settle_ms', 100.0), ('window_ms', 60.0))),
        Protocol("bap-gating", bap_gating.BapGatingParams, bap_gating.run, _figure("plot_bap_gating"),
                 "Wilmes 2016: one timed inhibitory input gates the bAP (or the BAC Ca spike) beyond it",
                 quick=(('settle_ms', 100.0), ('inhibition_g_nS', (0.0, 40.0)), ('inhibition_onset_ms', (-1.0,)), ('window_ms', 40.0))),
        Protocol("synaptic-calcium", synaptic_calcium.SynapticCalciumParams, synaptic_calcium.run,
                 _figure("plot_synaptic_calcium"),
                 "spine and dendritic Ca of one EPSP, one bAP and their pairings along the cell (µM, nM)",
                 quick=(('settle_ms', 100.0), ('sites', ('trunk@150um', 'oblique:0@0.5')), ('delta_ts_ms', (10.0,)),
                        ('window_ms', 100.0))),
        Protocol("stdp", stdp.StdpParams, stdp.run, _figure("plot_stdp"),
                 "pre/post pairings over spike timings: Δw, ρ, Ca peak and time above θ_d/θ_p",
                 quick=(('settle_ms', 100.0), ('delta_ts_ms', (-10.0, 10.0)), ('n_pairs', 2), ('frequency_hz', 10.0))),
        Protocol("shouval-stdp", shouval_stdp.ShouvalStdpParams, shouval_stdp.run, _figure("plot_shouval_stdp"),
                 "Shouval 2002 Fig. 3C: dei_glu rule 2, clamped bAP, 100 pairings at 1 Hz: W after/before per Δt",
                 quick=(('delta_ts_ms', (-10.0, 10.0)), ('n_pairs', 3), ('frequency_hz', 5.0))),
        Protocol("stdp-flip", stdp_flip.StdpFlipParams, stdp_flip.run, _figure("plot_stdp_flip"),
                 "STDP curves at a proximal and a distal synapse under SST, PV and disinhibition: "
                 "inhibition sets the sign of plasticity",
                 quick=(('settle_ms', 100.0), ('conditions', ('control', 'sst')), ('delta_ts_ms', (10.0,)), ('n_pairs', 2), ('frequency_hz', 10.0))),
        Protocol("istdp-window", istdp_window.IstdpWindowParams, istdp_window.run, _figure("plot_istdp_window"),
                 "one isolated pre/post pair per Δt at dei_gaba: simulated vs analytic iSTDP window (Box 1)",
                 quick=(('settle_ms', 100.0), ('delta_ts_ms', (-10.0, 10.0)))),
        Protocol("istdp-homeostatic", istdp_homeostatic.IstdpHomeostaticParams, istdp_homeostatic.run,
                 _figure("plot_istdp_homeostatic"),
                 "Zenke 2015 homeostatic iSTDP (seeds/003): Δw of a pairing against G = H − γ per rate epoch",
                 quick=(('settle_ms', 100.0), ('rates_hz', (0.0, 10.0)), ('epoch_ms', 200.0), ('n_exc', 100), ('cvode', True))),
        Protocol("inhibitory-balance", inhibitory_balance.InhibitoryBalanceParams, inhibitory_balance.run,
                 _figure("plot_inhibitory_balance"),
                 "Vogels 2011 single cell: iSTDP drives the output rate to ρ0 and co-tunes I with E weights",
                 quick=(('settle_ms', 100.0), ('duration_s', 0.5), ('bin_s', 0.25), ('n_exc_per_group', 20), ('n_inh_per_group', 5))),
        Protocol("dendritic-balance", dendritic_balance.DendriticBalanceParams, dendritic_balance.run,
                 _figure("plot_dendritic_balance"),
                 "iSTDP with local vs somatic post signal on four branches: per-branch E/I co-tuning and fluctuations",
                 quick=(('settle_ms', 100.0), ('dt_ms', 0.05), ('conditions', ('local',)), ('duration_s', 0.5), ('bin_s', 0.25), ('probe_s', 0.5))),
        Protocol("reduction-fidelity", reduction_fidelity.ReductionFidelityParams, reduction_fidelity.run,
                 _figure("plot_reduction_fidelity"),
                 "full cell vs its reductions: voltage measures, speed, and the sign of plasticity over "
                 "pathway × Δt × frequency × inhibition (confusion matrix, agreement, Cohen's κ)",
                 quick=(('settle_ms', 100.0), ('delta_ts_ms', (10.0,)), ('frequencies_hz', (1.0,)),
                        ('conditions', ('control',)), ('measured_pairs', 1), ('fi_currents_nA', (0.4,)),
                        ('fi_duration_ms', 200.0), ('poisson_s', 0.2), ('n_exc', 20), ('n_inh', 4))),
        Protocol("vogels-network", vogels_network.VogelsNetworkParams, vogels_network.run,
                 _figure("plot_vogels_network"),
                 "Vogels 2011 network (8000 E + 2000 I, ParallelContext/MPI): iSTDP brings the E rate from "
                 "≈165 Hz toward ρ0 and the activity to asynchronous-irregular",
                 quick=(('n_exc', 400), ('n_inh', 100), ('p_connect', 0.1), ('duration_s', 1.0), ('static_s', 0.25),
                        ('eta_nS', 1.0), ('window_s', 0.25), ('progress', False)),
                 spec_of=vogels_network.network_spec),
        Protocol("isn-paradox", isn_paradox.IsnParadoxParams, isn_paradox.run, _figure("plot_isn_paradox"),
                 "Sadeh 2017 E–I network: extra drive to I lowers its rate in the inhibition-stabilised regime "
                 "(weak I→E), raises it outside (strong I→E); linearised open-loop prediction; iSTDP sets the regime",
                 quick=(('n_exc', 200), ('n_inh', 50), ('w_ie_nS', (0.15, 0.4)), ('perturbation_pA', (5.0,)),
                        ('settle_ms', 200.0), ('baseline_ms', 200.0), ('perturbation_ms', 200.0), ('skip_ms', 50.0),
                        ('probe_cells', 20), ('probe_ms', 300.0), ('rho0_hz', (5.0,)), ('learn_s', 0.5)),
                 spec_of=isn_paradox.network_spec),
        Protocol("assembly-novelty", assembly_novelty.AssemblyNoveltyParams, assembly_novelty.run,
                 _figure("plot_assembly_novelty"),
                 "Schulz 2021 assemblies: iSTDP adapts the response to repeated stimuli; a novel stimulus evokes "
                 "a larger one (not without iSTDP); oddball adaptation and disinhibition",
                 quick=(('n_exc', 800), ('n_inh', 200), ('assembly_size', 40), ('repetitions', 3), ('pretrain', 1),
                        ('slot_ms', 100.0), ('oddball_gap_ms', 100.0), ('settle_ms', 200.0), ('eta_scale', 10.0)),
                 spec_of=assembly_novelty.network_spec),
    )
}


def get(name: str) -> Protocol:
    if name not in PROTOCOLS:
        raise ParameterError(f"unknown protocol {name!r}; available: {', '.join(PROTOCOLS)}")
    return PROTOCOLS[name]


__all__ = ["PROTOCOLS", "Protocol", "ProtocolResult", "RunParams", "get"]
