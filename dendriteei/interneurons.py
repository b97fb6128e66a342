"""PV and SST inhibitory inputs as data: kinetics, placement and default plasticity.

Each preset turns into a :class:`~dendriteei.synapses.SynapseGroup` of ``dei_gaba``
synapses with :func:`inhibitory_group`. Windows are those of the review's Box 1
(Wu, Miehl & Gjorgjieva 2022 Trends Neurosci): 1 symmetric Hebbian, 2 asymmetric
Hebbian, 3 asymmetric anti-Hebbian, 4 symmetric anti-Hebbian.
"""
from __future__ import annotations

import difflib
from dataclasses import dataclass, replace
from typing import Optional

from .catalogue import GABA_POST_SOURCES, GABA_WINDOWS
from .parameters import ParameterError
from .synapses import ExplicitSpikes, SynapseGroup



@dataclass(frozen=True)
class InhibitoryPreset:
    """An interneuron class's synapses onto the pyramidal cell (times in ms, weights in µS)."""
    name: str
    region: str
    tau_rise_ms: float
    tau_decay_ms: float
    reversal_mV: float
    weight_uS: float
    window: str
    post_source: str
    min_distance_um: float = 0.0
    max_distance_um: Optional[float] = None
    a_plus: float = 1.0
    a_minus: float = 1.0
    tau_minus_ms: float = 0.0
    description: str = ""

    def mechanism_parameters(self) -> dict:
        """RANGE values of dei_gaba for this preset."""
        return {"tau_r": self.tau_rise_ms, "tau_d": self.tau_decay_ms, "e": self.reversal_mV,
                "window": GABA_WINDOWS[self.window], "post_source": GABA_POST_SOURCES[self.post_source],
                "a_plus": self.a_plus, "a_minus": self.a_minus, "tau_minus": self.tau_minus_ms}


PRESETS = {p.name: p for p in (
    # PV basket cells: perisomatic (Freund & Katona 2007 Neuron 56:33); fast IPSCs, rise ≈ 0.3 ms,
    # decay ≈ 6 ms (Bartos et al. 2007 Nat Rev Neurosci 8:45); E_GABA −75 mV (Wilmes 2017: −74);
    # 1 nS per synapse (Vogels et al. 2011 initial inhibitory weight scale); symmetric Hebbian iSTDP
    # of PV→E synapses in orbitofrontal L2/3 (review ref. 50, science.md §1).
    InhibitoryPreset("pv", "perisomatic", 0.3, 6.0, -75.0, 0.001, "symmetric_hebbian", "soma",
                     description="PV basket cell, perisomatic, symmetric Hebbian"),
    # SST Martinotti cells: distal apical tuft (Silberberg & Markram 2007 Neuron 53:735); slower
    # dendritic IPSCs, rise ≈ 1 ms, decay ≈ 20 ms (Silberberg & Markram 2007); asymmetric Hebbian
    # iSTDP of SST→E synapses (review ref. 50), post signal = the bAP reaching the synapse
    # (−40 mV threshold, Wilmes et al. 2017).
    InhibitoryPreset("sst", "distal_apical", 1.0, 20.0, -75.0, 0.001, "asymmetric_hebbian", "local_voltage",
                     description="SST Martinotti cell, distal tuft, asymmetric Hebbian, local post signal"),
    # CA1 presets after Udakis et al. 2020 Nat Commun 11:4395: under theta-patterned pairing PV
    # synapses depress and SST synapses potentiate for post-before-pre and coincident timing
    # (−60 and 0 ms), none at +60 ms. Represented here by one-sided windows: only the term that
    # acts when the post spike precedes (x_post, decay 60 ms) is kept: depression for PV
    # (asymmetric Hebbian, a_plus 0), potentiation for SST (asymmetric anti-Hebbian, a_plus 0).
    InhibitoryPreset("pv_ca1", "perisomatic", 0.3, 6.0, -75.0, 0.001, "asymmetric_hebbian", "soma",
                     a_plus=0.0, tau_minus_ms=60.0,
                     description="CA1 PV (Udakis 2020): depression after post-before-pre/coincident pairing"),
    InhibitoryPreset("sst_ca1", "distal_apical", 1.0, 20.0, -75.0, 0.001, "asymmetric_antihebbian", "soma",
                     a_plus=0.0, tau_minus_ms=60.0,
                     description="CA1 SST (Udakis 2020): potentiation after post-before-pre/coincident pairing"),
)}


def preset(name: str) -> InhibitoryPreset:
    if name not in PRESETS:
        close = difflib.get_close_matches(name, PRESETS, n=2)
        hint = f" Did you mean {', '.join(close)}?" if close else ""
        raise ParameterError(f"unknown interneuron preset {name!r}.{hint} Valid: {', '.join(PRESETS)}")
    return PRESETS[name]


def inhibitory_group(preset_name: str, sources: tuple, n: int = 1, name: Optional[str] = None,
                     eta_uS: float = 1e-5, seed: int = 0, plastic: bool = True, **changes) -> SynapseGroup:
    """A dei_gaba synapse group for an interneuron class; ``changes`` override preset fields
    (e.g. region=..., weight_uS=...). Somatic post spikes are wired when the preset uses them."""
    chosen = replace(preset(preset_name), **changes) if changes else preset(preset_name)
    parameters = {**chosen.mechanism_parameters(), "eta": eta_uS if plastic else 0.0}
    return SynapseGroup(name or chosen.name, chosen.region, "dei_gaba", tuple(sources), n=n,
                        min_distance_um=chosen.min_distance_um, max_distance_um=chosen.max_distance_um,
                        parameters=parameters, weight=chosen.weight_uS, seed=seed,
                        receives_post_spikes=plastic and chosen.post_source == "soma")


def timed_inhibition(preset_name: str, times_ms, conductance_nS: float, region: str, sites: tuple = (),
                     name: Optional[str] = None) -> SynapseGroup:
    """Non-plastic ``dei_gaba`` synapses with a preset's kinetics, all firing at ``times_ms`` (ms)
    with peak conductance ``conductance_nS`` (nS) each: one per (branch, x) of ``sites``, else
    one in ``region`` (e.g. SST timed to each pairing, PV before each somatic spike)."""
    chosen = preset(preset_name)
    parameters = {**chosen.mechanism_parameters(), "window": GABA_WINDOWS["none"], "eta": 0.0}
    return SynapseGroup(name or chosen.name, region, "dei_gaba", (ExplicitSpikes(tuple(times_ms)),),
                        n=len(sites) or 1, sites=tuple(sites), parameters=parameters, weight=conductance_nS * 1e-3)
