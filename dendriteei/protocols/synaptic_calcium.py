"""Synaptic and dendritic Ca of one EPSP, one bAP and their pairings, at sites along the cell.

At each site a dei_glu synapse in biophysical Ca mode (spine-head pool in µM: NMDA Ca with its
GHK driving force and spine R-type VDCCs) gets one presynaptic spike ('epsp'), sees one somatic
AP ('bap'), or both at Δt = t_post − t_pre ('pair'). Per site and event the table gives the peak
spine Ca above rest (µM) and the peak dendritic (shaft) [Ca]i above rest (nM) with its decay time
constant; per pairing the supralinearity, peak / (EPSP peak + bAP peak) (Koester & Sakmann 1998
PNAS 95:9596: > 1 for pre→post, < 1 for post→pre).

Targets (tests/test_synaptic_calcium.py): spine Ca of one bAP in proximal spines 1.1 µM, range
0.6–8.2 µM (Sabatini, Oertner & Svoboda 2002 Neuron 33:439), EPSP and bAP spine Ca of comparable
size (Koester & Sakmann 1998); shaft Ca of one bAP hundreds of nM in the proximal trunk, decaying
with ≈ 70 ms there (Helmchen, Imoto & Sakmann 1996 Biophys J 70:1069) and falling with distance.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..catalogue import GLU_CA_MODES, GLU_RULES
from ..conditions import map_conditions
from ..engine import Simulation, Site, build
from ..pairing import PairingSettings, post_latency_ms
from ..parameters import parameter
from ..synapses import ExplicitSpikes, SynapseGroup
from .common import ProtocolResult, RunParams, cell_spec, parse_site

#: Events per site: one EPSP, one bAP, and a pairing per Δt.
EVENTS = ("epsp", "bap", "pair")


@dataclass(frozen=True)
class SynapticCalciumParams(RunParams):
    cvode: bool = parameter(True, "", doc="use CVODE (single events: quiet most of the time)")
    sites: tuple = parameter(("trunk@50um", "trunk@150um", "trunk@300um", "trunk@500um", "oblique@150um",
                              "oblique@250um", "basal@100um", "tuft@1000um"), "",
                             doc="synapse sites (dendriteei.sites text form, e.g. trunk@150um, oblique:0@0.5)")
    delta_ts_ms: tuple = parameter((-10.0, 10.0), "ms", -200.0, 200.0, "pairing timings Δt = t_post − t_pre")
    post_amplitude_nA: float = parameter(PairingSettings.post_amplitude_nA, "nA", 0.0, 20.0,
                                         "somatic pulse evoking the AP (the pairing protocols' 2 nA)")
    post_duration_ms: float = parameter(PairingSettings.post_duration_ms, "ms", 0.1, 20.0, "somatic pulse duration")
    window_ms: float = parameter(300.0, "ms", 20.0, 2000.0, "time after the event searched for peaks and decay")

    def check(self) -> None:
        for k, text in enumerate(self.sites):
            parse_site("sites", text, f"site{k}")


def _decay_ms(t: np.ndarray, y: np.ndarray) -> float:
    """Time (ms) from the peak to 1/e of it (NaN if it does not fall that far)."""
    i = int(np.argmax(y))
    below = np.nonzero(y[i:] <= y[i] / np.e)[0]
    return float(t[i + below[0]] - t[i]) if len(below) and y[i] > 0 else float("nan")


def _event(spec, params: SynapticCalciumParams, site: Site, pre: bool, post: bool, delta_t_ms: float,
           latency_ms: float) -> dict:
    """One run: spine Ca (synapse c) and shaft [Ca]i at ``site`` for the given event."""
    with Simulation(build(spec), dt_ms=params.dt_ms, cvode=params.cvode, atol=params.atol) as sim:
        onset = params.settle_ms + max(0.0, delta_t_ms)   # the AP's pulse; pre at onset + latency − Δt
        times = (onset + latency_ms - delta_t_ms,) if pre else ()
        group = SynapseGroup("syn", "all", "dei_glu", (ExplicitSpikes(times),), sites=(sim.cell.branch_of(site),),
                             parameters={"ca_mode": GLU_CA_MODES["biophysical"], "rule": GLU_RULES["none"]})
        sim.add_synapses(group)
        sim.record_synapses("syn", ("c",))
        shaft = sim.cell.has_mechanism(site, "dei_cad")
        if shaft:
            sim.record(site, ("cai",), label="shaft")
        if post:
            sim.current_pulse(Site("soma", region="soma"), params.post_amplitude_nA, onset, params.post_duration_ms)
        traces = sim.run(onset + params.window_ms)
        start = params.settle_ms - 1.0
        t, c = traces.window("syn[0]", "c", start)
        row = {"spine_ca_uM": float(c.max() - c[0]), "spine_decay_ms": _decay_ms(t, c - c[0])}
        if shaft:
            ts, cai = traces.window("shaft", "cai", start)
            rise = (cai - cai[0]) * 1e6
            row.update(shaft_ca_nM=float(rise.max()), shaft_decay_ms=_decay_ms(ts, rise))
        else:
            row.update(shaft_ca_nM=float("nan"), shaft_decay_ms=float("nan"))
    return row


def run(params: SynapticCalciumParams = SynapticCalciumParams(), spec=None, jobs: int | None = None) -> ProtocolResult:
    """One row per site and event: spine Ca peak (µM), shaft Ca peak (nM), decay times (ms),
    and for pairings the supralinearity peak / (EPSP peak + bAP peak). The events run in ``jobs``
    worker processes."""
    spec = spec or cell_spec(params.cell)
    cell = build(spec)
    sites = [parse_site("sites", text, text) for text in params.sites]
    distances = [cell.resolve(site)[1] for site in sites]   # refuses a site the cell lacks
    del cell
    latency = post_latency_ms(spec, PairingSettings(dt_ms=params.dt_ms, cvode=params.cvode, atol=params.atol,
                                                    settle_ms=params.settle_ms,
                                                    post_amplitude_nA=params.post_amplitude_nA,
                                                    post_duration_ms=params.post_duration_ms))
    events = [(text, site, distance, event, pre, post, float(dt))
              for text, site, distance in zip(params.sites, sites, distances)
              for event, pre, post, dts in (("epsp", True, False, (0.0,)), ("bap", False, True, (0.0,)),
                                            ("pair", True, True, params.delta_ts_ms))
              for dt in dts]
    measured = map_conditions(_event, [(spec, params, site, pre, post, dt, latency)
                                       for _, site, _, _, pre, post, dt in events], jobs)
    rows, single = [], {}
    for (text, _, distance, event, _, _, dt), values in zip(events, measured):
        row = {"site": text, "distance_um": distance, "event": event,
               "delta_t_ms": dt if event == "pair" else float("nan"), **values}
        if event != "pair":   # each site's EPSP and bAP come before its pairings
            single[text, event] = row["spine_ca_uM"]
            row["supralinearity"] = float("nan")
        else:
            row["supralinearity"] = row["spine_ca_uM"] / (single[text, "epsp"] + single[text, "bap"])
        rows.append(row)
    return ProtocolResult(pd.DataFrame(rows))
