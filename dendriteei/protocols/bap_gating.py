"""bAP and Ca-spike gating by one timed inhibitory input (Wilmes, Sprekeler & Schreiber 2016).

A short somatic current pulse evokes one AP that back-propagates into the dendrites. One
GABA_A input (PV- or SST-like kinetics) with peak conductance g sits at a chosen location and
is activated at ``onset`` relative to the somatic spike (t = 0: the somatic −20 mV crossing of
the control run; negative onsets come first). Optionally a distal EPSP-shaped current follows
the pulse as in BAC firing (Larkum et al. 1999 Nature 398:338; Hay et al. 2011), so that the
bAP and the EPSP together evoke a dendritic Ca spike.

Readouts per condition (g, onset) and recording site: bAP amplitude (peak − rest), its ratio to
the control run, Ca peak and Ca integral, whether the site lies beyond the inhibitory synapse,
and per condition the somatic spike count and the hot-zone Ca spike.

Wilmes et al. 2016 (PLoS Comput Biol 12:e1004768; ModelDB 187603) found: above a threshold
conductance the bAP beyond the inhibitory synapse is lost all-or-none, only for onsets in a
narrow window before the bAP passes; the somatic AP and other branches are spared; distal
inhibition abolishes the Ca spike at much lower conductance over a much wider window.
"""
from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from ..analysis import peaks_above_rest, plateau_width_ms, strongest_gating, timing_window
from ..catalogue import GABA_WINDOWS
from ..conditions import map_conditions, using_jobs
from ..cells import HOT_ZONE_FROM_NEXUS_UM
from ..engine import Simulation, Site, build
from ..interneurons import preset
from ..latency import spike_latency_ms
from ..pairing import PairingSettings, calcium_peaks, pair_onsets_ms, post_latency_ms, run_timing
from ..pairing import thresholds as pairing_thresholds
from ..parameters import ParameterError, parameter
from ..synapses import ExplicitSpikes, SynapseGroup
from .common import ProtocolResult, RunParams, cell_spec, parse_site, site_branches


@dataclass(frozen=True)
class InhibitionLocation:
    """Where the inhibitory synapse sits, and the recording site whose bAP it is meant to gate."""
    site: Site
    gated_site: str


#: Inhibitory locations, by region, rank and distance (from the soma or the nexus), so that they
#: exist on reconstructed cells; on the default cell (l5_pyramidal, nexus at 890 µm) they are where
#: they always were. Wilmes 2016 placed proximal inhibition at 90 µm (ModelDB 187603 allornone.py)
#: and distal inhibition on the apical tuft (timing.py); PV targets the soma, SST the distal apical
#: dendrite (Freund & Katona 2007; Silberberg & Markram 2007).
INHIBITION_LOCATIONS = {
    "perisomatic": InhibitionLocation(Site("inhibition", region="soma"), "soma"),
    "proximal_trunk": InhibitionLocation(Site("inhibition", region="trunk", distance_um=100.0), "trunk_distal"),
    # 10 % into the longest oblique, the gated branch oblique_0 (on l5_pyramidal all obliques are
    # 200 µm long and the first, leaving the trunk at 70 µm, is chosen: 20 µm in, 90 µm path distance).
    "oblique": InhibitionLocation(Site("inhibition", region="oblique", rank=0, order="length", x=0.1),
                                  "oblique_0"),
    # 190 µm before the nexus, at the start of the Ca hot zone (685–885 µm on l5_pyramidal, Hay et
    # al. 2011): SST input where the Ca spike starts.
    "distal_trunk": InhibitionLocation(Site("inhibition", region="trunk", distance_um=-190.0,
                                            reference="nexus"), "hot_zone"),
    # 60 µm beyond the nexus on the first tuft branch (950 µm on l5_pyramidal).
    "tuft": InhibitionLocation(Site("inhibition", region="tuft", rank=0, distance_um=60.0,
                                    reference="nexus"), "tuft_0"),
    "basal": InhibitionLocation(Site("inhibition", region="basal", distance_um=60.0), "basal"),
}

#: Trunk recording sites between soma and nexus, as fractions of the nexus distance (300 and 600 µm
#: on l5_pyramidal, nexus at 890 µm).
TRUNK_FRACTIONS = {"trunk_middle": 300.0 / 890.0, "trunk_distal": 600.0 / 890.0}
#: The basal recording site, as a fraction of the basal tree's extent (295 µm on l5_pyramidal,
#: whose basal tips lie at 460 µm).
BASAL_FRACTION = 295.0 / 460.0


def recording_sites(spec, params: "BapGatingParams | None" = None) -> tuple:
    """Recording sites on ``spec``'s cell: soma, trunk (100 µm and two fractions of the way to the
    nexus), the hot zone's middle, both ends of the gating story on the obliques (oblique_0, the
    longest oblique, carries the oblique inhibition; oblique_1, the next longest, is a sister
    branch), two tuft branches and a basal point (a fraction of the basal tree's extent). Chosen by region,
    rank and distance (dendriteei.sites), never by branch name, so they exist on reconstructed cells;
    on l5_pyramidal they are the sites of earlier releases. With ``params`` whose ``gated_site`` is
    set, that site is recorded too, as "gated"."""
    hot_zone_middle = float(np.mean(HOT_ZONE_FROM_NEXUS_UM))
    return (
        Site("soma", region="soma"),
        Site("trunk@100", region="trunk", distance_um=100.0),
        *(Site(name, region="trunk", distance_um=round(fraction * spec.nexus_um, 1))
          for name, fraction in TRUNK_FRACTIONS.items()),
        Site("hot_zone", region="hot_zone", distance_um=hot_zone_middle, reference="nexus"),
        Site("oblique_0", region="oblique", rank=0, order="length", x=0.9),
        Site("oblique_1", region="oblique", rank=1, order="length", x=0.9),
        Site("tuft_0", region="tuft", rank=0, x=0.5),
        Site("tuft_1", region="tuft", rank=1, x=0.5),
        Site("basal", region="basal", distance_um=round(BASAL_FRACTION * spec.extent_um("basal"), 1)),
        *((parse_site("gated_site", params.gated_site, "gated"),) if params is not None and params.gated_site else ()),
    )


KINETICS = ("pv", "sst")
#: A dendritic Ca spike: hot-zone voltage above −40 mV for ≥ 10 ms (as in bac-firing).
CA_SPIKE_THRESHOLD_MV = -40.0
CA_SPIKE_MIN_WIDTH_MS = 10.0


@dataclass(frozen=True)
class BapGatingParams(RunParams):
    cvode: bool = parameter(True, "", doc="use CVODE (≈ 6× faster than fixed step here; agree within 1 mV)")
    soma_amplitude_nA: float = parameter(1.0, "nA", 0.0, 20.0, "somatic pulse: one AP in the default cell")
    soma_duration_ms: float = parameter(5.0, "ms", 0.1, 50.0, "somatic pulse duration (Larkum et al. 1999)")
    inhibition_location: str = parameter("oblique", "", doc="where the inhibitory synapse sits",
                                         choices=tuple(INHIBITION_LOCATIONS))
    inhibition_kinetics: str = parameter("pv", "", doc="rise/decay/reversal of the interneuron preset",
                                         choices=KINETICS)
    inhibition_g_nS: tuple = parameter((0.0, 10.0, 20.0, 30.0, 40.0, 60.0, 80.0), "nS", 0.0, 1000.0,
                                       "peak inhibitory conductances (Wilmes 2016 Fig. 2: 0–100 nS)")
    inhibition_onset_ms: tuple = parameter((-4.0, -2.0, -1.0, 0.0, 1.0, 2.0), "ms", -200.0, 200.0,
                                           "inhibition onsets relative to the somatic spike")
    distal_epsp: bool = parameter(False, "", doc="add the BAC distal EPSP current (Ca-spike gating)")
    epsp_peak_nA: float = parameter(0.5, "nA", 0.0, 10.0, "peak of the distal EPSP current (Hay 2011)")
    epsp_delay_ms: float = parameter(5.0, "ms", -50.0, 50.0, "EPSP onset after the pulse onset (Hay 2011)")
    epsp_site: str = parameter("trunk@nexus-270um", "", doc="site of the distal EPSP (dendriteei.sites "
                               "text form; Hay 2011: 620 µm, 270 µm before the nexus of l5_pyramidal)")
    window_ms: float = parameter(100.0, "ms", 10.0, 1000.0, "time after pulse onset analysed (Ca, spikes)")
    bap_window_ms: float = parameter(10.0, "ms", 1.0, 100.0,
                                     "time after the somatic spike searched for the first bAP's peak "
                                     "(later burst spikes excluded)")
    blocked_fraction: float = parameter(0.5, "", 0.0, 1.0,
                                        "a site's bAP counts as blocked below this fraction of control")
    segment_maps: bool = parameter(True, "", doc="record every segment's bAP in the control run and at the "
                                   "strongest condition (one extra run) for the morphology maps")
    inhibition_site: str = parameter("", "", doc="where the inhibitory synapse sits (dendriteei.sites text "
                                     "form, e.g. oblique:2@0.1); empty: the inhibition_location's site")
    gated_site: str = parameter("", "", doc="a site whose bAP the inhibition should gate, recorded as 'gated' "
                                "(text form); empty: the inhibition_location's gated recording site")

    def check(self) -> None:
        parse_site("epsp_site", self.epsp_site, "epsp")
        for name in ("inhibition_site", "gated_site"):
            if getattr(self, name):
                parse_site(name, getattr(self, name), name)


def inhibition_site(params: BapGatingParams) -> Site:
    """The inhibitory synapse's site: ``inhibition_site`` if set, else the location's."""
    if params.inhibition_site:
        return parse_site("inhibition_site", params.inhibition_site, "inhibition")
    return INHIBITION_LOCATIONS[params.inhibition_location].site


def gated_label(params: BapGatingParams) -> str:
    """The recording site the inhibition is meant to gate: "gated" if ``gated_site`` is set, else
    the location's."""
    return "gated" if params.gated_site else INHIBITION_LOCATIONS[params.inhibition_location].gated_site


def inhibition_group(params: BapGatingParams, where: tuple, g_nS: float, times_ms: tuple) -> SynapseGroup:
    """One non-plastic dei_gaba synapse with the preset's kinetics at ``where`` = (branch, x) (the
    location's site on the built cell: ``cell.branch_of(inhibition_site(params))``), spiking at
    ``times_ms``."""
    kinetics = preset(params.inhibition_kinetics)
    return SynapseGroup("inhibition", inhibition_site(params).region, "dei_gaba", (ExplicitSpikes(tuple(times_ms)),),
                        sites=(where,),
                        parameters={**kinetics.mechanism_parameters(), "window": GABA_WINDOWS["none"], "eta": 0.0},
                        weight=g_nS * 1e-3)


def somatic_latency_ms(spec, params: BapGatingParams) -> float:
    """Delay (ms) from pulse onset to the somatic −20 mV crossing, without inhibition or EPSP."""
    return spike_latency_ms(spec, params, params.soma_amplitude_nA, params.soma_duration_ms, "soma_amplitude_nA")


def simulate(spec, params: BapGatingParams, g_nS: float, onset_ms: float, latency_ms: float) -> list[dict]:
    """One condition: a row per recording site (amplitudes in mV, Ca in µM and µM·ms)."""
    return _simulate(spec, params, g_nS, onset_ms, latency_ms)[0]


def _simulate(spec, params: BapGatingParams, g_nS: float, onset_ms: float, latency_ms: float,
              map_segments: bool = False) -> tuple:
    """(rows of :func:`simulate`, segments) where, with map_segments, segments is the cell's
    segments table with each segment's bAP amplitude (mV, the sites' window), else None."""
    cell = build(spec)
    soma = Site("soma", region="soma")
    pulse = params.settle_ms
    barrier = inhibition_site(params)
    sites = recording_sites(spec, params)
    has_ca = {site.name: cell.has_mechanism(site, "dei_cad") for site in sites}
    with Simulation(cell, dt_ms=params.dt_ms, cvode=params.cvode, atol=params.atol) as sim:
        for site in sites:
            sim.record(site, ("v", "cai") if has_ca[site.name] else ("v",))
        if map_segments:
            sim.record_segments("v", start_ms=pulse - 1.0)
        sim.record_spikes(soma)
        sim.current_pulse(soma, params.soma_amplitude_nA, pulse, params.soma_duration_ms)
        if params.distal_epsp:
            sim.epsc_current(epsp_site(params), params.epsp_peak_nA, pulse + params.epsp_delay_ms)
        if g_nS > 0:
            sim.add_synapses(inhibition_group(params, cell.branch_of(barrier), g_nS, (pulse + latency_ms + onset_ms,)))
        traces = sim.run(pulse + params.window_ms)
    stop = pulse + params.window_ms
    bap_stop = pulse + latency_ms + params.bap_window_ms
    spikes = traces.spikes_ms["soma"]
    t_hot, v_hot = traces.window("hot_zone", "v", pulse, stop)
    plateau = plateau_width_ms(t_hot, v_hot, CA_SPIKE_THRESHOLD_MV)
    rows = []
    for site in sites:
        branch, x = cell.branch_of(site)
        rest = traces.value_at(site.name, "v", pulse - 0.1)
        t, v = traces.window(site.name, "v", pulse, bap_stop)
        row = {"g_nS": g_nS, "onset_ms": onset_ms, "site": site.name, "branch": branch, "x": x,
               "distance_um": cell.resolve(site)[1], "beyond_inhibition": cell.is_beyond(site, barrier),
               "v_rest_mV": rest, "v_peak_mV": float(v.max()), "bap_amplitude_mV": float(v.max() - rest),
               "peak_latency_ms": float(t[np.argmax(v)] - pulse - latency_ms),
               "ca_peak_uM": np.nan, "ca_integral_uM_ms": np.nan,
               "n_somatic_spikes": int(np.sum(spikes >= pulse)), "hot_zone_plateau_ms": plateau,
               "ca_spike": plateau >= CA_SPIKE_MIN_WIDTH_MS}
        if has_ca[site.name]:
            t, ca = traces.window(site.name, "cai", pulse, stop)
            ca_rest = traces.value_at(site.name, "cai", pulse - 0.1)
            row["ca_peak_uM"] = float(ca.max()) * 1e3
            row["ca_integral_uM_ms"] = float(np.trapezoid(ca - ca_rest, t)) * 1e3
        rows.append(row)
    if not map_segments:
        return rows, None
    rest, peak, _ = peaks_above_rest(*traces.segments["v"], pulse - 0.1, pulse, bap_stop)
    return rows, cell.segments().assign(bap_amplitude_mV=peak - rest)


def epsp_site(params: BapGatingParams) -> Site:
    """Where the distal EPSP current enters (the ``epsp_site`` parameter)."""
    return parse_site("epsp_site", params.epsp_site, "epsp")


def _relative_to_control(summary: pd.DataFrame, blocked_fraction: float) -> pd.DataFrame:
    control = summary[summary.g_nS == 0].groupby("site")[["bap_amplitude_mV", "ca_integral_uM_ms"]].first()
    summary = summary.copy()
    summary["relative_amplitude"] = summary.bap_amplitude_mV / summary.site.map(control.bap_amplitude_mV)
    summary["relative_ca_integral"] = summary.ca_integral_uM_ms / summary.site.map(control.ca_integral_uM_ms)
    summary["blocked"] = summary.relative_amplitude < blocked_fraction
    return summary


def run(params: BapGatingParams = BapGatingParams(), spec=None, jobs: int | None = None) -> ProtocolResult:
    """The control run (g = 0) and every (g, onset) of the grid: one row per condition and site,
    the conditions in ``jobs`` worker processes (:func:`dendriteei.conditions.map_conditions`).
    With inhibition in the grid and ``segment_maps``, tables 'segments' (every segment's bAP amplitude in the control
    run and at the strongest condition, :func:`~dendriteei.analysis.strongest_gating`, run again
    recording every segment, and their ratio) and 'sites' (the stimuli and the inhibitory synapse:
    name, kind, branch, x) for the morphology figure."""
    spec = spec or cell_spec(params.cell)
    with using_jobs(jobs):
        latency = somatic_latency_ms(spec, params)
        runs = [(spec, params, 0.0, 0.0, latency, params.segment_maps)]
        runs += [(spec, params, g, onset, latency) for g in sorted(set(params.inhibition_g_nS) - {0.0})
                 for onset in params.inhibition_onset_ms]
        results = map_conditions(_simulate, runs)
    control = results[0][1]
    summary = _relative_to_control(pd.DataFrame([row for rows, _ in results for row in rows]),
                                   params.blocked_fraction)
    summary.insert(0, "location", params.inhibition_location)
    summary.insert(1, "gated_site", gated_label(params))
    summary.insert(2, "kinetics", params.inhibition_kinetics)
    summary.insert(3, "distal_epsp", params.distal_epsp)
    summary["spike_latency_ms"] = latency
    if summary.g_nS.max() == 0 or not params.segment_maps:
        return ProtocolResult(summary)
    g, onset = strongest_gating(summary)
    _, inhibited = _simulate(spec, params, g, onset, latency, map_segments=True)
    segments = control.rename(columns={"bap_amplitude_mV": "control_bap_mV"}).assign(
        inhibited_bap_mV=inhibited.bap_amplitude_mV, g_nS=g, onset_ms=onset)
    segments["relative_amplitude"] = segments.inhibited_bap_mV / segments.control_bap_mV
    return ProtocolResult(summary, tables={"segments": segments, "sites": marked_sites(spec, params)})


def marked_sites(spec, params: BapGatingParams) -> pd.DataFrame:
    """The somatic pulse, the distal EPSP (if any) and the inhibitory synapse: name, kind, branch, x."""
    cell = build(spec)
    located = [("somatic pulse", "stimulus", Site("soma", region="soma")),
               (f"{params.inhibition_kinetics.upper()} inhibition", "inhibitory", inhibition_site(params))]
    if params.distal_epsp:
        located.append(("distal EPSP", "excitatory", epsp_site(params)))
    return pd.DataFrame([{"name": name, "kind": kind, "branch": branch, "x": x}
                         for name, kind, site in located for branch, x in (cell.branch_of(site),)])


#: Conductances probed per round of the threshold search: the bracket shrinks (PROBES + 1)-fold
#: per round, and the probes of a round run in parallel (2: one round per step on 2 cores).
#: Fixed, so that the threshold does not depend on the number of jobs.
PROBES = 2


def threshold_conductance_nS(params: BapGatingParams, onset_ms: float, criterion: str = "bap",
                             high_nS: float = 200.0, tolerance_nS: float = 0.5, spec=None,
                             jobs: int | None = None) -> float:
    """Smallest conductance (nS, to within tolerance_nS) that gates at this onset, by a k-section
    search (PROBES conductances per round, run in ``jobs`` worker processes). criterion 'bap':
    the bAP at the location's gated site falls below blocked_fraction of control; 'ca_spike': the
    hot-zone Ca spike is abolished (needs distal_epsp). Returns inf if high_nS does not gate.
    Gating is assumed monotonic in the conductance, as a bisection assumes."""
    if criterion not in ("bap", "ca_spike"):
        raise ParameterError(f"criterion = {criterion!r} is not one of: bap, ca_spike")
    if criterion == "ca_spike" and not params.distal_epsp:
        raise ParameterError("criterion 'ca_spike' needs distal_epsp = True (no Ca spike without the EPSP)")
    spec = spec or cell_spec(params.cell)
    with using_jobs(jobs):
        latency = somatic_latency_ms(spec, params)
        control_rows, high_rows = map_conditions(simulate, [(spec, params, 0.0, 0.0, latency),
                                                            (spec, params, high_nS, onset_ms, latency)])
        control = {r["site"]: r for r in control_rows}
        if criterion == "ca_spike" and not control["soma"]["ca_spike"]:
            raise ParameterError("the control run has no Ca spike to gate")
        amplitude = control[gated_label(params)]["bap_amplitude_mV"]
        low, high = 0.0, high_nS
        if not _is_gated(high_rows, params, criterion, amplitude):
            return float("inf")
        while high - low > tolerance_nS:
            probes = [low + (high - low) * (k + 1) / (PROBES + 1) for k in range(PROBES)]
            rows = map_conditions(simulate, [(spec, params, g, onset_ms, latency) for g in probes])
            gated = [_is_gated(probe, params, criterion, amplitude) for probe in rows]
            first = next((k for k, is_gated in enumerate(gated) if is_gated), PROBES)
            low = probes[first - 1] if first > 0 else low
            high = probes[first] if first < PROBES else high
    return high


def _is_gated(rows: list, params: BapGatingParams, criterion: str, control_amplitude: float) -> bool:
    """Whether one condition's rows (:func:`simulate`) show gating by ``criterion`` (see
    threshold_conductance_nS)."""
    rows = {r["site"]: r for r in rows}
    if criterion == "ca_spike":
        return not rows["soma"]["ca_spike"]
    return rows[gated_label(params)]["bap_amplitude_mV"] < params.blocked_fraction * control_amplitude


#: Plastic synapses of the pairing test: one beyond the oblique inhibition (the longest oblique,
#: oblique_0: the gated branch) and one at the same place on the sister branch, the next longest
#: oblique (oblique_1, ungated). (branch selector, x): see dendriteei.sites. With the distal EPSP
#: (Ca-spike gating) the plastic synapse sits in the middle of the hot zone instead.
PAIRING_SITES = (("oblique:0/length", 0.9), ("oblique:1/length", 0.9))


def gated_pairing(params: BapGatingParams, pairing: PairingSettings, conductances_nS: tuple, onset_ms: float,
                  delta_t_ms: float = 10.0, sites: tuple | None = None, spec=None,
                  jobs: int | None = None) -> pd.DataFrame:
    """STDP pairing (biophysical Ca) at plastic synapses on ``sites`` ((branch, x) pairs; the branch
    a name or a selector such as 'oblique:0', see :func:`.common.site_branches`; default
    PAIRING_SITES, or the hot-zone centre when ``params.distal_epsp``), without inhibition and with
    the inhibition of ``params`` at each conductance (nS) of conductances_nS, onset relative to every
    somatic spike. With ``params.distal_epsp`` every pairing also gets the distal EPSP of BAC firing
    (epsp_site, epsp_peak_nA, epsp_delay_ms after the somatic pulse). One row per synapse and
    conductance (0: control): change, ρ, Ca peak, θ_d, θ_p, time above them, and whether the
    synapse lies beyond the inhibitory synapse. Calibrations and pairings run in ``jobs`` worker
    processes."""
    with using_jobs(jobs):
        return _gated_pairing(params, pairing, conductances_nS, onset_ms, delta_t_ms, sites,
                              spec or cell_spec(params.cell))


def _gated_pairing(params: BapGatingParams, pairing: PairingSettings, conductances_nS: tuple, onset_ms: float,
                   delta_t_ms: float, sites: tuple | None, spec) -> pd.DataFrame:
    cell = build(spec)
    if sites is None and params.distal_epsp:
        hot_zone = next(site for site in recording_sites(spec, params) if site.name == "hot_zone")
        sites = (cell.branch_of(hot_zone),)
    sites = tuple(zip(site_branches(spec, (b for b, _ in sites or PAIRING_SITES), "sites"),
                      (x for _, x in sites or PAIRING_SITES)))
    barrier = inhibition_site(params)
    beyond = [cell.is_beyond(Site(f"{b}@{x}", branch=b, x=x), barrier) for b, x in sites]
    inhibition_at = cell.branch_of(barrier)
    del cell
    pairing = replace(pairing, ca_mode="biophysical", synapse_region="dendrites")
    latency = post_latency_ms(spec, pairing)
    # all plastic synapses active together, as in the pairing runs
    thresholds = tuple(pairing_thresholds(pairing, peaks) for peaks in calcium_peaks(spec, pairing, sites=sites))
    spike_times = tuple(pair_onsets_ms(pairing, pairing.settle_ms) + latency + onset_ms)
    epscs = ((epsp_site(params), params.epsp_peak_nA, params.epsp_delay_ms),) if params.distal_epsp else ()
    conductances = (0.0, *conductances_nS)
    runs = [(spec, pairing, delta_t_ms, latency, thresholds,
             (inhibition_group(params, inhibition_at, g, spike_times),) if g > 0 else (), sites, (), epscs)
            for g in conductances]
    frames = map_conditions(run_timing, runs)
    for g, rows in zip(conductances, frames):
        rows.insert(0, "g_nS", g)
        rows.insert(1, "onset_ms", onset_ms)
        rows.insert(2, "site", [f"{b}:{x:g}" for b, x in sites])
        rows.insert(3, "beyond_inhibition", beyond)
    summary = pd.concat(frames, ignore_index=True)
    summary.insert(0, "location", params.inhibition_location)
    summary.insert(1, "kinetics", params.inhibition_kinetics)
    summary.insert(2, "distal_epsp", params.distal_epsp)
    return summary


def onset_grid(first_ms: float, last_ms: float, step_ms: float) -> tuple:
    """Onsets from first_ms to last_ms inclusive (ms)."""
    count = int(round((last_ms - first_ms) / step_ms)) + 1
    return tuple(float(first_ms + k * step_ms) for k in range(count))


#: Settings of the headline measurements: bAP gating by oblique PV-like inhibition, Ca-spike
#: gating by SST-like inhibition at the start of the hot zone, somatic AP control by
#: perisomatic PV-like inhibition. Thresholds at onset −1 ms; windows at 1.5 × threshold.
HEADLINE_CASES = {
    "bap": {"inhibition_location": "oblique", "inhibition_kinetics": "pv", "distal_epsp": False},
    "ca_spike": {"inhibition_location": "distal_trunk", "inhibition_kinetics": "sst", "distal_epsp": True},
    "somatic_ap": {"inhibition_location": "perisomatic", "inhibition_kinetics": "pv", "distal_epsp": False},
}


def gating_measures(params: BapGatingParams, case: str, onset_ms: float = -1.0, window=(-8.0, 3.0, 0.5),
                    high_nS: float = 200.0, tolerance_nS: float = 0.5, spec=None, jobs: int | None = None) -> tuple:
    """Threshold conductance (nS) at onset_ms and the timing window at 1.5 × threshold over the
    onset grid ``window`` = (first, last, step) ms, for a HEADLINE_CASES case, in ``jobs`` worker
    processes. Returns (measures dict, the window run's summary)."""
    spec = spec or cell_spec(params.cell)
    case_params = replace(params, **HEADLINE_CASES[case])
    criterion = "ca_spike" if case == "ca_spike" else "bap"
    threshold = threshold_conductance_nS(case_params, onset_ms, criterion, high_nS, tolerance_nS, spec, jobs)
    g = 1.5 * threshold
    run_params = replace(case_params, inhibition_g_nS=(0.0, g), inhibition_onset_ms=onset_grid(*window),
                         segment_maps=False)
    summary = run(run_params, spec, jobs).summary
    site = "hot_zone" if case == "ca_spike" else gated_label(case_params)
    timing = timing_window(summary, site, g, criterion)
    measures = {"case": case, "location": case_params.inhibition_location,
                "kinetics": case_params.inhibition_kinetics, "threshold_nS": threshold,
                "threshold_onset_ms": onset_ms, "window_g_nS": g, "window_first_ms": timing["first_ms"],
                "window_last_ms": timing["last_ms"], "window_width_ms": timing["width_ms"],
                "window_step_ms": window[2]}
    return measures, summary
