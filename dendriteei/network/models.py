"""Point-neuron presets (:class:`~dendriteei.network.spec.PointNeuron`, mod/dei_lif.mod).

``vogels_lif``: the LIF of Vogels et al. 2011 Science 334:1569. ``e_adex``, ``pv``, ``sst``,
``vip``: the AdEx cells of Litwin-Kumar, Rosenbaum & Doiron 2016 J Neurophysiol 115:1399 (their
code's params.jl; numbers and sources in :mod:`.interneuron_data`): PV fast and non-adapting with
the lowest input resistance and sharpest spike initiation, SST and VIP adapting with higher input
resistance. Their own conductances (``exc``/``inh`` synapses) get the AMPA and PV-GABA decay of
the same model; class-specific inhibitory kinetics go through ``dei_gaba`` synapses
(:func:`gaba_parameters`).
"""
from __future__ import annotations

import difflib

from ..checks import SpecError
from .interneuron_data import INTRINSIC, SYNAPTIC_KINETICS, V_T_SD_MV
from .spec import PointNeuron

#: Initial voltages (mV) of the AdEx presets: uniform between reset and threshold, like the
#: Vogels LIF (Litwin-Kumar et al. 2016 start from random voltages below threshold as well).
_ADEX_V_INIT = (-60.0, -45.0)

_DESCRIPTIONS = {
    "e_adex": "pyramidal AdEx of Litwin-Kumar et al. 2016 (C 180 pF, R 160 MΩ, adapting)",
    "pv": "PV fast-spiking AdEx of Litwin-Kumar et al. 2016 (C 80 pF, R 100 MΩ, ΔT 0.25 mV, no adaptation)",
    "sst": "SST AdEx of Litwin-Kumar et al. 2016 (C 80 pF, R 200 MΩ, adapting)",
    "vip": "VIP AdEx of Litwin-Kumar et al. 2016 (= their SST parameters: C 80 pF, R 200 MΩ, adapting)",
}


#: AdEx spike cut-off, in slope factors above V_T. Litwin-Kumar et al. 2016 cut at +20 mV; NEURON's
#: fixed step linearises the exponential current, which is stable only while g_L e^x dt < C
#: (NetworkSpec checks it): at dt 0.1 ms, x ≤ 4.4 for their PV cell. From V_T + 4 Δ_T the upswing
#: to +20 mV takes ≈ τ_m e^-4 (0.15 ms for PV, 0.5 ms for E; Brette & Gerstner 2005).
CUTOFF_SLOPES = 4.0


def _adex(name: str, data_key: str) -> PointNeuron:
    values = {**INTRINSIC[data_key]}
    values["v_spike_mV"] = values["v_thresh_mV"] + CUTOFF_SLOPES * values["delta_t_mV"]
    values["v_thresh_sd_mV"] = V_T_SD_MV[data_key]     # 3 mV, Litwin-Kumar et al. 2016
    return PointNeuron(name, **values,
                       tau_exc_ms=SYNAPTIC_KINETICS["e"]["tau_decay_ms"],      # AMPA 2 ms, Litwin-Kumar 2016
                       tau_inh_ms=SYNAPTIC_KINETICS["pv"]["tau_decay_ms"],     # PV-GABA 3 ms, Litwin-Kumar 2016
                       e_exc_mV=SYNAPTIC_KINETICS["e"]["e_rev_mV"],            # 0 mV, Litwin-Kumar 2016
                       e_inh_mV=SYNAPTIC_KINETICS["pv"]["e_rev_mV"],           # −67 mV, Litwin-Kumar 2016
                       v_init_mV=_ADEX_V_INIT, description=_DESCRIPTIONS[name])


def point_neuron(name: str) -> PointNeuron:
    """The preset ``name``: vogels_lif, e_adex, pv, sst or vip."""
    presets = {"vogels_lif": lambda: PointNeuron("vogels_lif", description="LIF of Vogels et al. 2011"),
               "e_adex": lambda: _adex("e_adex", "e"), "pv": lambda: _adex("pv", "pv"),
               "sst": lambda: _adex("sst", "sst"), "vip": lambda: _adex("vip", "vip")}
    if name not in presets:
        close = difflib.get_close_matches(name, presets, n=2)
        hint = f" Did you mean {', '.join(close)}?" if close else ""
        raise SpecError(f"unknown point-neuron preset {name!r}.{hint} Valid: {', '.join(presets)}")
    return presets[name]()


def gaba_parameters(interneuron: str) -> tuple:
    """dei_gaba RANGE values (rise, decay ms; reversal mV) of the synapses an interneuron class
    makes, after Litwin-Kumar et al. 2016 (PV 0.5/3 ms, SST and VIP 1/4 ms, −67 mV)."""
    if interneuron not in ("pv", "sst", "vip"):
        raise SpecError(f"unknown interneuron class {interneuron!r}; valid: pv, sst, vip")
    k = SYNAPTIC_KINETICS[interneuron]
    return (("tau_r", k["tau_rise_ms"]), ("tau_d", k["tau_decay_ms"]), ("e", k["e_rev_mV"]))
