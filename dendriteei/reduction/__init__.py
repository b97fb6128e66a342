"""Reduced cells that keep what inhibition does to plasticity: :func:`reduce`.

A reduced cell is an ordinary :class:`~dendriteei.spec.CellSpec`, so every protocol, sweep and
the network layer run on it unchanged. The default reduction keeps the soma, AIS and axon and
turns each input pathway (basal, oblique, trunk with the Ca hot zone, tuft) into a short
equivalent cable with the full cell's path distances (:mod:`.geometry`), so the full cell's
regions and painted channel densities apply as they are; the cables' multiplicity and diameter
are then fitted so that the somatic input impedance and the soma ↔ dendrite transfer impedances
at 0 and 10 Hz match the full cell's (:mod:`.passive`). ``pathways=()`` gives the strict
single-compartment limit: soma, AIS and axon, the soma carrying the whole cell's leak and
capacitance. Synapses are moved to the reduced point of equal transfer impedance
(:mod:`.placement`), each keeping its own point process and so its own Ca and ρ.
"""
from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd

from ..checks import SpecError
from ..engine import Site, build
from ..spec import MEMBRANE, CellSpec, Paint, Uniform
from .geometry import DEFAULT_PATHWAYS, DENDRITE_TAGS, KEPT_TAGS, Pathway, equivalent_cable, pathway_roots, \
    reduced_branches
from .densities import averaged_densities
from .active import fit_bap, fit_hot_zone
from .measures import bac_threshold_nA, bap_amplitudes
from .passive import fit_scales, full_targets
from .placement import map_points

__all__ = ["DEFAULT_PATHWAYS", "Pathway", "Reduction", "reduce", "reduction"]


@dataclasses.dataclass(frozen=True)
class Reduction:
    """A reduced spec with how it was fitted: scales (per pathway: multiplicity and diameter
    factors; single compartment: soma leak and capacitance factors) and the rms log error of the
    fitted impedances (0.1 ≈ 10 %)."""
    spec: CellSpec
    full: CellSpec
    pathways: tuple
    scales: dict
    rms_log_error: float


def _segments_with_roots(spec: CellSpec) -> pd.DataFrame:
    """The full cell's segment table with r_um, each dendritic segment's path distance from its
    pathway's roots (µm)."""
    segments = build(spec).segments()
    spans = spec.branch_spans
    r = np.full(len(segments), np.nan)
    for tag in DENDRITE_TAGS:
        roots = pathway_roots(spec, tag)
        inside = (segments.tag == tag).to_numpy()
        r[inside] = segments.distance_um[inside] - segments.branch[inside].map(lambda b: spans[roots[b]][0])
    return segments.assign(r_um=r)


def _reduced_points(spec: CellSpec, cables: dict) -> pd.DataFrame:
    """Each reduced dendritic segment centre: branch, x, tag and the range of distance from the
    roots (start_um, end_um) it stands for."""
    rows = []
    for branch in spec.branches:
        if branch.tag in KEPT_TAGS:
            continue
        row = cables[branch.tag].iloc[int(branch.name.rsplit("_", 1)[1])]
        for i in range(branch.nseg):
            rows.append({"branch": branch.name, "x": (i + 0.5) / branch.nseg, "tag": branch.tag,
                         "group": int(row.group),
                         "start_um": row.start_um + i * row.length_um / branch.nseg,
                         "end_um": row.start_um + (i + 1) * row.length_um / branch.nseg})
    return pd.DataFrame(rows)


#: Segment length of the reduced cables as a fraction of their 100 Hz length constant (Hines &
#: Carnevale 2001 d_lambda rule; the full cells use 0.1). Coarser segments cannot carry the bAP:
#: each must be brought to its Na threshold by its neighbours.
REDUCED_D_LAMBDA = 0.3


def reduction(spec: CellSpec, pathways=DEFAULT_PATHWAYS, d_lambda: float = REDUCED_D_LAMBDA) -> Reduction:
    """Reduce ``spec`` (see the module docstring) and report the fit (:class:`Reduction`).
    ``d_lambda``: segment length of the reduced cables (fraction of the 100 Hz length constant)."""
    if not isinstance(spec, CellSpec):
        raise TypeError(f"reduce needs a CellSpec, got {type(spec).__name__}")
    pathways = tuple(pathways)
    if not all(isinstance(p, Pathway) for p in pathways):
        raise TypeError("pathways must be a sequence of dendriteei.reduction.Pathway")
    tags = [p.tag for p in pathways]
    if len(set(tags)) != len(tags):
        raise SpecError(f"pathways: each tag once, got {', '.join(tags)}")
    missing = sorted({b.tag for b in spec.branches if b.tag in DENDRITE_TAGS} - set(tags))
    if pathways and missing:
        raise SpecError(f"pathways: cell {spec.name!r} has {', '.join(missing)} dendrites that no pathway reduces; "
                        f"add Pathway({missing[0]!r}) or use pathways=() for a single compartment")
    segments = _segments_with_roots(spec)
    if not pathways:
        return _single_compartment(spec, segments)
    cables = {p.tag: equivalent_cable(spec, segments, p) for p in pathways}
    cables = {tag: cable for tag, cable in cables.items() if not cable.empty}
    groups = {name: group for cable in cables.values() for name, group in cable.attrs["groups"].items()}
    segments = segments.assign(group=segments.branch.map(groups).fillna(-1).astype(int))
    kept = [p for p in pathways if p.tag in cables]
    base = _fixed_segments(spec, segments, reduced_branches(spec, cables, kept), d_lambda)
    points = _reduced_points(spec.replace(branches=base), cables)
    dendritic = segments[segments.tag.isin(DENDRITE_TAGS)]
    targets = full_targets(spec, dendritic, points)
    regions, paints = averaged_densities(spec, dendritic, spec.replace(branches=base), points)

    def make(scales: tuple) -> CellSpec:
        factors = {p.tag: scales[2 * k: 2 * k + 2] for k, p in enumerate(kept)}
        branches = tuple(b if b.tag not in factors else dataclasses.replace(
            b, multiplicity=b.multiplicity * factors[b.tag][0], diam_start_um=b.diam_start_um * factors[b.tag][1])
            for b in base)
        return spec.replace(name=f"{spec.name}_reduced", branches=branches, regions=spec.regions + regions,
                            paints=spec.paints + paints, description=_describe(spec, kept))

    scales, error = fit_scales(make, 2 * len(kept), targets)
    fitted = {p.tag: {"multiplicity": scales[2 * k], "diameter": scales[2 * k + 1]} for k, p in enumerate(kept)}
    reduced, active = _fit_active(spec, make(scales), dendritic, cables, regions)
    for tag, factors in active.items():
        fitted.setdefault(tag, {}).update(factors)
    factors = "; ".join(f"{tag} " + ", ".join(f"{name} {value:.3g}" for name, value in values.items())
                        for tag, values in fitted.items())
    reduced = reduced.replace(description=f"{reduced.description}; fitted factors: {factors}; "
                                          f"impedance rms log error {error:.3f}")
    return Reduction(reduced, spec, tuple(kept), fitted, error)


#: Full-cell points per pathway at which the bAP fit compares amplitudes (evenly spread in distance
#: from the pathway's roots).
BAP_SAMPLES = 6
#: Where the BAC fit stimulates and reads the Ca spike: the bac-firing protocol's EPSP site (Hay
#: et al. 2011: 620 µm on their cell) and the hot zone's centre.
BAC_SITES = ("trunk@nexus-270um", "trunk@nexus-105um")


def _fit_active(full: CellSpec, reduced: CellSpec, dendritic: pd.DataFrame, cables: dict, regions) -> tuple:
    """Active fit (:mod:`.active`): dendritic Na per pathway for the bAP, hot-zone Ca for the BAC
    threshold. Returns (spec, {pathway: {"na": factor}, "hot_zone": {"ca": factor}})."""
    samples = {}
    for tag in cables:
        part = dendritic[dendritic.tag == tag].sort_values("r_um", kind="stable")
        picks = np.unique(np.linspace(0, len(part) - 1, 2 * BAP_SAMPLES + 1)[1::2].round().astype(int))
        samples[tag] = [(part.branch.iloc[i], float(part.x.iloc[i])) for i in picks]
    flat = [point for tag in samples for point in samples[tag]]
    mapped = iter(map_points(full, reduced, flat))
    reduced_points = {tag: [next(mapped) for _ in samples[tag]] for tag in samples}
    amplitudes = iter(bap_amplitudes(full, flat))
    full_amplitudes = {tag: [next(amplitudes) for _ in samples[tag]] for tag in samples}
    by_tag = {tag: [r.name for r in regions if r.name.startswith(f"{tag}_")] for tag in cables}
    reduced, na = fit_bap(reduced, by_tag, full_amplitudes, reduced_points)
    factors = {tag: {"na": factor} for tag, factor in na.items()}
    trunk = cables.get("trunk")
    if trunk is None or len(trunk) < 2:
        return reduced, factors
    try:
        full_cell = build(full)
        bac_points = [full_cell.branch_of(Site.parse(text)) for text in BAC_SITES]
        del full_cell
    except SpecError:       # a trunk too short for the BAC sites: no Ca spike to fit
        return reduced, factors
    full_threshold = bac_threshold_nA(full, *bac_points)
    if not np.isfinite(full_threshold):
        return reduced, factors
    dendrite, hot = map_points(full, reduced, bac_points)
    hot_regions = [r.name for r in regions if r.name.startswith(f"trunk_{len(trunk) - 1}:")]
    reduced, ca = fit_hot_zone(reduced, hot_regions, full_threshold, dendrite, hot)
    factors["hot_zone"] = {"ca": ca}
    return reduced, factors


def reduce(spec: CellSpec, pathways=DEFAULT_PATHWAYS, d_lambda: float = REDUCED_D_LAMBDA) -> CellSpec:
    """The reduced spec of ``spec``: few compartments (default pathways) or ``pathways=()``, the
    single-compartment limit. Deterministic: the same spec gives the same reduced spec."""
    return reduction(spec, pathways, d_lambda).spec


def _fixed_segments(spec: CellSpec, segments: pd.DataFrame, branches: tuple, d_lambda: float) -> tuple:
    """``branches`` with nseg fixed: the full cell's on kept branches, the d_lambda rule's on the
    cables (fixed so that the passive fit's diameters do not move segment boundaries)."""
    from ..checks import number
    number("reduction", "d_lambda", d_lambda, "(fraction of λ at 100 Hz)", above=0.0, maximum=1.0)
    counts = build(spec.replace(branches=branches, d_lambda=d_lambda, max_segment_um=1.0e4)).segments().branch
    counts = counts.value_counts()
    full_counts = segments.branch.value_counts()
    return tuple(dataclasses.replace(b, nseg=int(full_counts[b.name] if b.tag in KEPT_TAGS else counts[b.name]))
                 for b in branches)


def _describe(spec: CellSpec, pathways) -> str:
    parts = ", ".join(f"{p.tag} ({p.sections} sections)" for p in pathways) or "single compartment"
    return f"reduced from {spec.name!r}: soma, AIS, axon + {parts}"


def _membrane_totals(spec: CellSpec) -> tuple:
    """The whole cell's leak (S/cm² · µm²) and capacitance (µF/cm² · µm²), multiplicity included."""
    cell = build(spec)
    values, segments = cell.segment_values([("pas", "g"), (MEMBRANE, "cm")]), cell.segments()
    area = segments.area_um2 * segments.branch.map({b.name: b.multiplicity for b in spec.branches})
    return float((values["pas.g"] * area).sum()), float((values[f"{MEMBRANE}.cm"] * area).sum())


def _single_compartment(spec: CellSpec, segments: pd.DataFrame) -> Reduction:
    """Soma, AIS and axon; the soma's leak and capacitance scaled so that its input impedance at
    0 and 10 Hz is the full cell's (the dendrites' membrane lumped into the soma)."""
    branches = tuple(b for b in spec.branches if b.tag in KEPT_TAGS)
    kept_regions = {r.name for r in spec.regions if set(r.tags) & set(KEPT_TAGS)}
    paints = tuple(p for p in spec.paints if p.region in kept_regions)   # the dendrites' paints have no segments
    base = spec.replace(name=f"{spec.name}_point", branches=branches, paints=paints, description=_describe(spec, ()))
    soma = build(base).segments()
    soma_area = float(soma[soma.tag == "soma"].area_um2.sum())
    total_g, total_c = _membrane_totals(spec)
    g0, c0 = total_g / soma_area, total_c / soma_area     # S/cm² and µF/cm² over the soma's area
    targets = full_targets(spec, segments.iloc[:0], pd.DataFrame(columns=["branch", "x", "tag", "group", "start_um",
                                                                           "end_um"]))

    def make(scales: tuple) -> CellSpec:
        g, c = (scales or (1.0, 1.0))
        return base.replace(paints=base.paints + (Paint("soma", "pas", "g", Uniform(g0 * g)),
                                                  Paint("soma", MEMBRANE, "cm", Uniform(c0 * c))))

    scales, error = fit_scales(make, 2, targets)
    reduced = make(scales)
    reduced = reduced.replace(description=f"{reduced.description}; fitted factors: soma leak {scales[0]:.3g}, "
                                          f"capacitance {scales[1]:.3g}; impedance rms log error {error:.3f}")
    return Reduction(reduced, spec, (), {"soma": {"leak": scales[0], "capacitance": scales[1]}}, error)
