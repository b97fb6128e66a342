"""bAP attenuation: peak voltage and Ca of a back-propagating AP against path distance.

A brief somatic current pulse evokes one AP; its amplitude (peak − rest) and the Ca
transient are read along the apical trunk, into the tuft, the obliques and the basal
tree: along one path per region (soma → its farthest tip; profile 'path') or at every segment,
summarised per distance bin (profile 'all'), and at every segment of the cell for the morphology
figure. Targets: Hay et al. 2011 (PLoS Comput Biol 7:e1002107) bAP amplitude 45 ± 10 mV
at 620 µm and 36 ± 9.3 mV at 800 µm (from Larkum et al. 2001 J Neurosci 21:6040).
"""
from __future__ import annotations

from dataclasses import dataclass, fields

import numpy as np
import pandas as pd

from ..analysis import peaks_above_rest
from ..engine import Simulation, Site, build
from ..latency import no_spike_error
from ..parameters import ParameterError, parameter
from .common import ProtocolResult, RunParams, cell_spec, check_regions

#: Most recording sites of one run (each records v and Ca at every time step).
MAX_SITES = 2000
#: Profiles: one path soma → each region's farthest tip, or every segment binned by distance.
PROFILES = ("path", "all")
#: Measures of every segment (segment_measures) and of each profile row.
MEASURES = ["v_rest_mV", "v_peak_mV", "bap_amplitude_mV", "peak_latency_ms", "ca_rest_uM", "ca_peak_uM"]
#: Measures whose SD, min and max profile 'all' reports per distance bin (besides the mean).
SPREAD_COLUMNS = ("bap_amplitude_mV", "ca_peak_uM")


@dataclass(frozen=True)
class BapAttenuationParams(RunParams):
    amplitude_nA: float = parameter(1.0, "nA", 0.0, 20.0, "somatic pulse amplitude: one AP in the default cell")
    duration_ms: float = parameter(5.0, "ms", 0.1, 50.0, "somatic pulse duration (Larkum et al. 1999)")
    step_um: float = parameter(50.0, "µm", 5.0, 500.0,
                               "spacing of recording sites (profile 'all': distance bins) along each region")
    window_ms: float = parameter(60.0, "ms", 5.0, 1000.0, "time after pulse onset searched for peaks")
    regions: tuple = parameter(("trunk", "tuft", "oblique", "basal"), "", doc="regions to sample")
    profile: str = parameter("path", "", doc="'path': sites along the path soma → each region's farthest tip; "
                             "'all': every segment of the region, mean, SD, min, max per distance bin",
                             choices=PROFILES)


def sites_along(cell, region: str, step_um: float) -> list[Site]:
    """Sites every step_um (µm of path distance) along one path of a region: soma → the branch
    holding the region's farthest segment (:meth:`BuiltCell.path_to_farthest`), from the region's
    nearest point on that path to its tip. Each site is the segment holding that distance."""
    segs = cell.segments()
    spec_region = cell.spec.region(region)
    in_region = np.array([spec_region.contains(t, d) for t, d in zip(segs.tag, segs.distance_um)], dtype=bool)
    if not in_region.any():
        return []
    path = cell.path_to_farthest(region)
    on_path = segs[in_region & segs.branch.isin(path).to_numpy()]
    start = np.ceil(on_path.distance_um.min() / step_um) * step_um
    sites = []
    for d in np.arange(start, on_path.distance_um.max() + 1e-9, step_um):
        nearest = on_path.loc[(on_path.distance_um - d).abs().idxmin()]
        sites.append(Site(f"{region}@{d:.0f}", branch=nearest.branch, x=float(nearest.x)))
    return sites


def segment_measures(segments: pd.DataFrame, traces, onset_ms: float, window_ms: float) -> pd.DataFrame:
    """The segments table with each segment's rest, peak, bAP amplitude (mV), peak latency (ms)
    and Ca rest and peak (µM, NaN without a Ca pool), from the whole-cell recordings 'v' and 'cai'."""
    stop = onset_ms + window_ms
    rest, peak, t_peak = peaks_above_rest(*traces.segments["v"], onset_ms - 0.1, onset_ms, stop)
    ca_rest, ca_peak, _ = peaks_above_rest(*traces.segments["cai"], onset_ms - 0.1, onset_ms, stop)
    return segments.assign(v_rest_mV=rest, v_peak_mV=peak, bap_amplitude_mV=peak - rest,
                           peak_latency_ms=t_peak - onset_ms, ca_rest_uM=ca_rest * 1e3, ca_peak_uM=ca_peak * 1e3)


def spread_profile(segments: pd.DataFrame, spec, regions, step_um: float) -> pd.DataFrame:
    """Per region and distance bin (step_um wide, centred on multiples of step_um): the mean of
    every measure of :func:`segment_measures`, SD, min and max of SPREAD_COLUMNS, and the number
    of segments n_segments. The soma is one row, 'soma'."""
    rows = []
    for region in ("soma", *regions):
        contains = spec.region(region).contains
        members = segments[[contains(t, d) for t, d in zip(segments.tag, segments.distance_um)]]
        bins = np.zeros(len(members)) if region == "soma" else members.distance_um.div(step_um).round().mul(step_um)
        for centre, part in members.groupby(bins):
            row = {"site": region if region == "soma" else f"{region}@{centre:.0f}", "region": region,
                   "distance_um": float(centre), "n_segments": len(part), **part[MEASURES].mean().to_dict()}
            for column in SPREAD_COLUMNS:
                name, unit = column.rsplit("_", 1)
                row.update({f"{name}_sd_{unit}": part[column].std(), f"{name}_min_{unit}": part[column].min(),
                            f"{name}_max_{unit}": part[column].max()})
            rows.append(row)
    return pd.DataFrame(rows)


def path_profile(segments: pd.DataFrame, sites: list, located: dict) -> pd.DataFrame:
    """One row per (region, site) of ``sites``: the measures of the segment the site resolves to
    (``located``: site name -> (branch, x)), with the site's name, region, branch, x and distance."""
    by_segment = segments.set_index(["branch", "x"])
    rows = []
    for region, site in sites:
        branch, x = located[site.name]
        segment = by_segment.loc[(branch, x)]
        rows.append({"site": site.name, "region": region, "branch": branch, "x": x,
                     "distance_um": segment.distance_um, **segment[MEASURES].to_dict()})
    return pd.DataFrame(rows)


def run(params: BapAttenuationParams = BapAttenuationParams(), spec=None) -> ProtocolResult:
    """One somatic AP. Summary per site (profile 'path') or per region and distance bin ('all'):
    rest, peak, bAP amplitude (mV), latency (ms), Ca rest/peak (µM). Tables: 'segments', the
    same measures at every segment with its drawing coordinates; 'sites', the somatic pulse and
    the tip of each profile path (name, kind, branch, x) for the morphology figure.
    Raises ParameterError, giving the cell's rheobase, if the pulse evokes no somatic spike."""
    spec = spec or cell_spec(params.cell)
    check_regions(spec, regions=params.regions)
    cell = build(spec)
    soma = Site("soma", region="soma")
    sampled = [] if params.profile == "all" else \
        [(region, site) for region in params.regions for site in sites_along(cell, region, params.step_um)]
    if len(sampled) + 1 > MAX_SITES:
        raise ParameterError(f"step_um = {params.step_um} µm gives {len(sampled) + 1} recording sites on this cell, "
                             f"more than the limit of {MAX_SITES}: increase step_um or sample fewer regions")
    sites = [("soma", soma)] + sampled
    has_ca = {site.name: cell.has_mechanism(site, "dei_cad") for _, site in sites}
    located = {site.name: cell.branch_of(site) for _, site in sites}
    onset = params.settle_ms
    with Simulation(cell, dt_ms=params.dt_ms, cvode=params.cvode, atol=params.atol) as sim:
        for _, site in sites:
            sim.record(site, ("v", "cai") if has_ca[site.name] else ("v",))
        sim.record_segments("v", start_ms=onset - 1.0)
        sim.record_segments("cai", mechanism="dei_cad", start_ms=onset - 1.0)
        sim.record_spikes(soma, threshold_mV=-20.0)
        sim.current_pulse(soma, params.amplitude_nA, onset, params.duration_ms)
        traces = sim.run(onset + params.window_ms)
    n_spikes = int(np.sum(traces.spikes_ms["soma"] >= onset))
    if n_spikes == 0:
        del sim, cell   # the rheobase search builds its own cells
        high = next(f.metadata["high"] for f in fields(params) if f.name == "amplitude_nA")
        raise no_spike_error(spec, params, params.amplitude_nA, params.duration_ms, "amplitude_nA", high,
                             "there is no bAP to measure")
    segments = segment_measures(cell.segments(), traces, onset, params.window_ms)
    if params.profile == "all":
        summary = spread_profile(segments, spec, params.regions, params.step_um)
    else:
        summary = path_profile(segments, sites, located)
    summary["n_somatic_spikes"] = n_spikes
    frame = traces.frame(sample_ms=0.1)
    frame = frame[frame.t_ms >= onset - 5.0].reset_index(drop=True)
    return ProtocolResult(summary, frame, {"segments": segments, "sites": _marked_sites(spec, sampled, located)})


def _marked_sites(spec, sampled, located) -> pd.DataFrame:
    """Sites drawn on the morphology: the somatic pulse, and the last site of each region's path."""
    rows = [{"name": "somatic pulse", "kind": "stimulus", "branch": spec.root.name, "x": 0.5}]
    tips = {region: site for region, site in sampled}   # the last (farthest) site of each region
    rows += [{"name": f"{region} path", "kind": "recording", "branch": located[site.name][0],
              "x": located[site.name][1]} for region, site in tips.items()]
    return pd.DataFrame(rows, columns=["name", "kind", "branch", "x"])
