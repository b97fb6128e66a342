"""bAP attenuation: peak voltage and Ca of a back-propagating AP against path distance.

A brief somatic current pulse evokes one AP; its amplitude (peak − rest) and the Ca
transient are read along the apical trunk, into the tuft, the obliques and the basal
tree. Targets: Hay et al. 2011 (PLoS Comput Biol 7:e1002107) bAP amplitude 45 ± 10 mV
at 620 µm and 36 ± 9.3 mV at 800 µm (from Larkum et al. 2001 J Neurosci 21:6040).
"""
from __future__ import annotations

from dataclasses import dataclass, fields

import numpy as np
import pandas as pd

from ..engine import Simulation, Site, build
from ..latency import no_spike_error
from ..parameters import ParameterError, parameter
from .common import ProtocolResult, RunParams, cell_spec, check_regions

#: Most recording sites of one run (each records v and Ca at every time step).
MAX_SITES = 2000


@dataclass(frozen=True)
class BapAttenuationParams(RunParams):
    amplitude_nA: float = parameter(1.0, "nA", 0.0, 20.0, "somatic pulse amplitude: one AP in the default cell")
    duration_ms: float = parameter(5.0, "ms", 0.1, 50.0, "somatic pulse duration (Larkum et al. 1999)")
    step_um: float = parameter(50.0, "µm", 5.0, 500.0, "spacing of recording sites along each region")
    window_ms: float = parameter(60.0, "ms", 5.0, 1000.0, "time after pulse onset searched for peaks")
    regions: tuple = parameter(("trunk", "tuft", "oblique", "basal"), "", doc="regions to sample")


def sites_along(cell, region: str, step_um: float) -> list[Site]:
    """Sites every step_um along a region, from its nearest to its farthest point."""
    segs = cell.segments()
    in_region = [cell.spec.region(region).contains(t, d) for t, d in zip(segs.tag, segs.distance_um)]
    distances = segs.distance_um[in_region]
    if distances.empty:
        return []
    start = np.ceil(distances.min() / step_um) * step_um
    grid = np.arange(start, distances.max() + 1e-9, step_um)
    return [Site(f"{region}@{d:.0f}", region=region, distance_um=float(d)) for d in grid]


def run(params: BapAttenuationParams = BapAttenuationParams(), spec=None) -> ProtocolResult:
    """One somatic AP; per site: rest, peak, bAP amplitude (mV), latency (ms), Ca rest/peak (µM).
    Raises ParameterError, giving the cell's rheobase, if the pulse evokes no somatic spike."""
    spec = spec or cell_spec(params.cell)
    check_regions(spec, regions=params.regions)
    cell = build(spec)
    soma = Site("soma", region="soma")
    sites = [soma] + [s for r in params.regions for s in sites_along(cell, r, params.step_um)]
    if len(sites) > MAX_SITES:
        raise ParameterError(f"step_um = {params.step_um} µm gives {len(sites)} recording sites on this cell, "
                             f"more than the limit of {MAX_SITES}: increase step_um or sample fewer regions")
    has_ca = {site.name: cell.has_mechanism(site, "dei_cad") for site in sites}
    distance_of = {site.name: cell.resolve(site)[1] for site in sites}
    onset = params.settle_ms
    with Simulation(cell, dt_ms=params.dt_ms, cvode=params.cvode, atol=params.atol) as sim:
        for site in sites:
            sim.record(site, ("v", "cai") if has_ca[site.name] else ("v",))
        sim.record_spikes(soma, threshold_mV=-20.0)
        sim.current_pulse(soma, params.amplitude_nA, onset, params.duration_ms)
        traces = sim.run(onset + params.window_ms)
    n_spikes = int(np.sum(traces.spikes_ms["soma"] >= onset))
    if n_spikes == 0:
        del sim, cell   # the rheobase search builds its own cells
        high = next(f.metadata["high"] for f in fields(params) if f.name == "amplitude_nA")
        raise no_spike_error(spec, params, params.amplitude_nA, params.duration_ms, "amplitude_nA", high,
                             "there is no bAP to measure")
    rows = []
    for site in sites:
        distance = distance_of[site.name]
        rest = traces.value_at(site.name, "v", onset - 0.1)
        t, v = traces.window(site.name, "v", onset, onset + params.window_ms)
        row = {"site": site.name, "region": site.region, "distance_um": distance,
               "v_rest_mV": rest, "v_peak_mV": float(v.max()), "bap_amplitude_mV": float(v.max() - rest),
               "peak_latency_ms": float(t[np.argmax(v)] - onset),
               "ca_rest_uM": np.nan, "ca_peak_uM": np.nan}
        if has_ca[site.name]:
            _, ca = traces.window(site.name, "cai", onset, onset + params.window_ms)
            row["ca_rest_uM"] = traces.value_at(site.name, "cai", onset - 0.1) * 1e3
            row["ca_peak_uM"] = float(ca.max()) * 1e3
        rows.append(row)
    summary = pd.DataFrame(rows)
    summary["n_somatic_spikes"] = n_spikes
    frame = traces.frame(sample_ms=0.1)
    frame = frame[frame.t_ms >= onset - 5.0].reset_index(drop=True)
    return ProtocolResult(summary, frame)
