"""Protocol registry: each protocol is a parameter dataclass, a runner and a plot."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from ..parameters import ParameterError
from . import bac_firing, bap_attenuation, inhibitory_balance, istdp_homeostatic, istdp_window, stdp
from . import bap_gating, dendritic_balance, shouval_stdp, stdp_flip
from .common import ProtocolResult, RunParams


@dataclass(frozen=True)
class Protocol:
    name: str
    params_type: type
    run: Callable[..., ProtocolResult]
    plot: Callable[[ProtocolResult], object]  # the result's matplotlib Figure
    summary: str


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
                 _figure("plot_bap_attenuation"), "bAP peak voltage and Ca against path distance"),
        Protocol("bac-firing", bac_firing.BacFiringParams, bac_firing.run,
                 _figure("plot_bac_firing"), "somatic pulse, distal EPSP and both: Ca spike and burst"),
        Protocol("bap-gating", bap_gating.BapGatingParams, bap_gating.run, _figure("plot_bap_gating"),
                 "Wilmes 2016: one timed inhibitory input gates the bAP (or the BAC Ca spike) beyond it"),
        Protocol("stdp", stdp.StdpParams, stdp.run, _figure("plot_stdp"),
                 "pre/post pairings over spike timings: Δw, ρ, Ca peak and time above θ_d/θ_p"),
        Protocol("shouval-stdp", shouval_stdp.ShouvalStdpParams, shouval_stdp.run, _figure("plot_shouval_stdp"),
                 "Shouval 2002 Fig. 3C: dei_glu rule 2, clamped bAP, 100 pairings at 1 Hz: W after/before per Δt"),
        Protocol("stdp-flip", stdp_flip.StdpFlipParams, stdp_flip.run, _figure("plot_stdp_flip"),
                 "STDP curves at a proximal and a distal synapse under SST, PV and disinhibition: "
                 "inhibition sets the sign of plasticity"),
        Protocol("istdp-window", istdp_window.IstdpWindowParams, istdp_window.run, _figure("plot_istdp_window"),
                 "one isolated pre/post pair per Δt at dei_gaba: simulated vs analytic iSTDP window (Box 1)"),
        Protocol("istdp-homeostatic", istdp_homeostatic.IstdpHomeostaticParams, istdp_homeostatic.run,
                 _figure("plot_istdp_homeostatic"),
                 "Zenke 2015 homeostatic iSTDP (seeds/003): Δw of a pairing against G = H − γ per rate epoch"),
        Protocol("inhibitory-balance", inhibitory_balance.InhibitoryBalanceParams, inhibitory_balance.run,
                 _figure("plot_inhibitory_balance"),
                 "Vogels 2011 single cell: iSTDP drives the output rate to ρ0 and co-tunes I with E weights"),
        Protocol("dendritic-balance", dendritic_balance.DendriticBalanceParams, dendritic_balance.run,
                 _figure("plot_dendritic_balance"),
                 "iSTDP with local vs somatic post signal on four branches: per-branch E/I co-tuning and fluctuations"),
    )
}


def get(name: str) -> Protocol:
    if name not in PROTOCOLS:
        raise ParameterError(f"unknown protocol {name!r}; available: {', '.join(PROTOCOLS)}")
    return PROTOCOLS[name]


__all__ = ["PROTOCOLS", "Protocol", "ProtocolResult", "RunParams", "get"]
