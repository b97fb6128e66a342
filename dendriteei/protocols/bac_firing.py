"""BAC firing: back-propagating AP + distal EPSP → dendritic Ca spike and somatic burst.

Larkum et al. 1999 (Nature 398:338) as set up by Hay et al. 2011 (PLoS Comput Biol
7:e1002107): a 5 ms somatic pulse, and 5 ms after its onset an EPSP-shaped current
(rise 0.5 ms, decay 5 ms) at ~620 µm on the apical dendrite. Together, and only together,
they evoke a dendritic Ca spike (width 37 ± 1.3 ms) and a burst of 3 somatic spikes
(ISI 9.9 ± 0.85 ms).
"""
from __future__ import annotations

from dataclasses import dataclass, fields

import numpy as np
import pandas as pd

from ..analysis import plateau_width_ms
from ..engine import Simulation, Site, Traces, build
from ..cells import HOT_ZONE_FROM_NEXUS_UM
from ..conditions import map_conditions
from ..latency import no_spike_error
from ..parameters import parameter
from .common import ProtocolResult, RunParams, cell_spec, parse_site

CONDITIONS = ("soma", "dendrite", "paired")


@dataclass(frozen=True)
class BacFiringParams(RunParams):
    soma_amplitude_nA: float = parameter(1.0, "nA", 0.0, 20.0,
                                         "somatic pulse amplitude: one AP in the default cell "
                                         "(Hay 2011 used 1.9 nA in a larger cell)")
    soma_duration_ms: float = parameter(5.0, "ms", 0.1, 50.0, "somatic pulse duration (Larkum 1999)")
    epsp_peak_nA: float = parameter(0.5, "nA", 0.0, 10.0, "peak of the dendritic EPSP-shaped current (Hay 2011)")
    epsp_rise_ms: float = parameter(0.5, "ms", 0.05, 10.0, "rise time constant of the EPSP current")
    epsp_decay_ms: float = parameter(5.0, "ms", 0.1, 100.0, "decay time constant of the EPSP current")
    epsp_delay_ms: float = parameter(5.0, "ms", -50.0, 50.0, "EPSP onset after the somatic pulse onset")
    dendrite_site: str = parameter("trunk@nexus-270um", "", doc="apical injection site (dendriteei.sites text "
                                   "form; Hay 2011: 620 µm, 270 µm before the nexus of l5_pyramidal)")
    ca_threshold_mV: float = parameter(-40.0, "mV", -70.0, 0.0,
                                       "dendritic voltage above which time counts as Ca plateau")
    window_ms: float = parameter(100.0, "ms", 10.0, 1000.0, "time after onset analysed")

    def check(self) -> None:
        parse_site("dendrite_site", self.dendrite_site, "dendrite")


def _summarise(condition: str, site: str, traces: Traces, onset: float, params: BacFiringParams,
               distance: float) -> dict:
    spikes = traces.spikes_ms["soma"]
    spikes = spikes[(spikes >= onset) & (spikes <= onset + params.window_ms)]
    t, v = traces.window(site, "v", onset, onset + params.window_ms)
    _, ca = traces.window(site, "cai", onset, onset + params.window_ms)
    return {"condition": condition, "site": site, "distance_um": distance,
            "n_somatic_spikes": int(len(spikes)),
            "mean_isi_ms": float(np.mean(np.diff(spikes))) if len(spikes) > 1 else np.nan,
            "v_rest_mV": traces.value_at(site, "v", onset - 0.1), "v_peak_mV": float(v.max()),
            "ca_plateau_width_ms": plateau_width_ms(t, v, params.ca_threshold_mV),
            "ca_rest_uM": traces.value_at(site, "cai", onset - 0.1) * 1e3,
            "ca_peak_uM": float(ca.max()) * 1e3}


def run(params: BacFiringParams = BacFiringParams(), spec=None, jobs: int | None = None) -> ProtocolResult:
    """Run soma-only, dendrite-only and paired stimulation (in ``jobs`` worker processes); one
    summary row per condition and dendritic site (the injection site and the centre of the Ca
    hot zone). A dendritic Ca spike is a plateau above ca_threshold_mV lasting ≥ 10 ms
    (``ca_spike`` is False, not an error, when there is none). Raises ParameterError, giving the
    cell's rheobase, if the somatic pulse evokes no somatic spike."""
    spec = spec or cell_spec(params.cell)
    results = map_conditions(_condition, [(spec, params, condition) for condition in CONDITIONS], jobs)
    if not results[CONDITIONS.index("soma")][2]:
        high = next(f.metadata["high"] for f in fields(params) if f.name == "soma_amplitude_nA")
        raise no_spike_error(spec, params, params.soma_amplitude_nA, params.soma_duration_ms,
                             "soma_amplitude_nA", high, "the 'soma' and 'paired' conditions have no "
                             "back-propagating AP to pair with the dendritic EPSP")
    summary = pd.DataFrame([row for rows, _, _ in results for row in rows])
    summary["ca_spike"] = summary.ca_plateau_width_ms >= 10.0
    return ProtocolResult(summary, pd.concat([frame for _, frame, _ in results], ignore_index=True))


def _condition(spec, params: BacFiringParams, condition: str) -> tuple:
    """One condition: (summary rows of the two dendritic sites, traces from 10 ms before onset,
    whether the soma fired after onset)."""
    onset = params.settle_ms
    cell = build(spec)
    with Simulation(cell, dt_ms=params.dt_ms, cvode=params.cvode, atol=params.atol) as sim:
        soma = Site("soma", region="soma")
        dend = parse_site("dendrite_site", params.dendrite_site, "dendrite")
        hot = Site("hot_zone", region="hot_zone", distance_um=float(np.mean(HOT_ZONE_FROM_NEXUS_UM)),
                   reference="nexus")
        sim.record(soma, ("v",))
        for site in (dend, hot):
            sim.record(site, ("v", "cai"))
        sim.record_spikes(soma)
        if condition in ("soma", "paired"):
            sim.current_pulse(soma, params.soma_amplitude_nA, onset, params.soma_duration_ms)
        if condition in ("dendrite", "paired"):
            sim.epsc_current(dend, params.epsp_peak_nA, onset + params.epsp_delay_ms,
                             params.epsp_rise_ms, params.epsp_decay_ms)
        traces = sim.run(onset + params.window_ms)
        rows = [_summarise(condition, site.name, traces, onset, params, cell.resolve(site)[1])
                for site in (dend, hot)]
        frame = traces.frame(sample_ms=0.1)
    frame = frame[frame.t_ms >= onset - 10.0].assign(condition=condition)
    return rows, frame, bool(np.any(traces.spikes_ms["soma"] >= onset))
