"""Voltage measures run alike on a full and a reduced cell (fitting and the fidelity report)."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..analysis import plateau_width_ms
from ..engine import Simulation, Site, build


@dataclass(frozen=True)
class Numerics:
    """Integration settings of the measures: CVODE (tolerance atol), settle_ms (ms) to rest."""
    cvode: bool = True
    dt_ms: float = 0.025
    atol: float = 1e-4
    settle_ms: float = 300.0


#: Somatic pulse of the bAP measure: 2 nA for 2 ms evokes one AP in the default cell (the
#: pairing protocols' post-synaptic spike, dendriteei.pairing.PairingSettings).
BAP_PULSE = (2.0, 2.0)
#: Somatic steps (nA) and duration (ms) of the f–I curve: across the default cell's tonic range
#: (26–32 Hz at 0.3–0.4 nA) and its switch to an adapted burst above (Hay et al. 2011 fitted L5
#: f–I to 0.78–1.9 nA steps of 2 s; shorter here).
FI_CURRENTS_NA = (0.3, 0.4, 0.5, 0.7, 1.0)
FI_DURATION_MS = 1000.0
#: BAC firing (Larkum et al. 1999 as set up by Hay et al. 2011; the bac-firing protocol's values):
#: 1 nA, 5 ms somatic pulse; EPSP-shaped current (rise 0.5, decay 5 ms) 5 ms after its onset.
BAC_SOMA = (1.0, 5.0)
BAC_EPSP = (0.5, 5.0, 0.5, 5.0)       # peak nA, delay ms, rise ms, decay ms
#: Dendritic voltage (mV) above which time counts as Ca plateau (bac-firing protocol).
CA_PLATEAU_MV = -40.0


def _point(branch: str, x: float, name: str) -> Site:
    return Site(name, branch=branch, x=x)


def bap_amplitudes(spec, points, numerics: Numerics = Numerics()) -> np.ndarray:
    """Amplitude (mV, peak − rest) at each point (branch, x) of the AP back-propagating from one
    somatic pulse (:data:`BAP_PULSE`)."""
    cell = build(spec)
    with Simulation(cell, dt_ms=numerics.dt_ms, cvode=numerics.cvode, atol=numerics.atol) as sim:
        sites = [_point(b, x, f"p{i}") for i, (b, x) in enumerate(points)]
        for site in sites:
            sim.record(site, ("v",))
        onset = numerics.settle_ms
        sim.current_pulse(Site("soma", region="soma"), BAP_PULSE[0], onset, BAP_PULSE[1])
        traces = sim.run(onset + 30.0)
        out = []
        for site in sites:
            rest = traces.value_at(site.name, "v", onset - 0.1)
            _, v = traces.window(site.name, "v", onset, onset + 30.0)
            out.append(float(v.max() - rest))
    return np.array(out)


def fi_curve(spec, currents_nA=FI_CURRENTS_NA, duration_ms: float = FI_DURATION_MS,
             numerics: Numerics = Numerics()) -> np.ndarray:
    """Somatic firing rate (Hz) for each step current (nA) of ``duration_ms`` (ms)."""
    rates = []
    for current in currents_nA:
        cell = build(spec)
        with Simulation(cell, dt_ms=numerics.dt_ms, cvode=numerics.cvode, atol=numerics.atol) as sim:
            soma = Site("soma", region="soma")
            sim.record_spikes(soma)
            sim.current_pulse(soma, float(current), numerics.settle_ms, duration_ms)
            traces = sim.run(numerics.settle_ms + duration_ms)
            spikes = traces.spikes_ms["soma"]
            rates.append(float(np.sum(spikes >= numerics.settle_ms)) / (duration_ms / 1000.0))
        del cell
    return np.array(rates)


def bac(spec, dendrite_point, hot_point, epsp_peak_nA: float = BAC_EPSP[0], with_bap: bool = True,
        numerics: Numerics = Numerics()) -> dict:
    """BAC firing: somatic pulse (if ``with_bap``) + distal EPSP current at ``dendrite_point``:
    n_spikes (somatic, 100 ms), plateau_ms (Ca plateau at ``hot_point``), ca_spike (≥ 10 ms)."""
    cell = build(spec)
    with Simulation(cell, dt_ms=numerics.dt_ms, cvode=numerics.cvode, atol=numerics.atol) as sim:
        soma = Site("soma", region="soma")
        dend, hot = _point(*dendrite_point, "dend"), _point(*hot_point, "hot")
        sim.record(hot, ("v",))
        sim.record_spikes(soma)
        onset = numerics.settle_ms
        if with_bap:
            sim.current_pulse(soma, BAC_SOMA[0], onset, BAC_SOMA[1])
        _, delay, rise, decay = BAC_EPSP
        sim.epsc_current(dend, epsp_peak_nA, onset + delay, rise, decay)
        traces = sim.run(onset + 100.0)
        t, v = traces.window("hot", "v", onset, onset + 100.0)
        spikes = traces.spikes_ms["soma"]
        plateau = plateau_width_ms(t, v, CA_PLATEAU_MV)
    return {"n_spikes": int(np.sum(spikes >= onset)), "plateau_ms": float(plateau), "ca_spike": bool(plateau >= 10.0)}


def bac_threshold_nA(spec, dendrite_point, hot_point, high_nA: float = 2.0, steps: int = 6,
                     numerics: Numerics = Numerics()) -> float:
    """Smallest distal EPSP peak (nA) that, paired with the bAP, evokes a Ca spike (bisection to
    high_nA / 2**steps; inf if high_nA does not)."""
    if not bac(spec, dendrite_point, hot_point, high_nA, numerics=numerics)["ca_spike"]:
        return float("inf")
    low, high = 0.0, high_nA
    for _ in range(steps):
        middle = (low + high) / 2.0
        if bac(spec, dendrite_point, hot_point, middle, numerics=numerics)["ca_spike"]:
            high = middle
        else:
            low = middle
    return high
