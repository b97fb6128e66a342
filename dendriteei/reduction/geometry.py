"""The reduced cell's morphology, from the full cell's segments (plain data, no NEURON).

Each input pathway (the branches of one tag: basal, oblique, trunk, tuft) becomes one short
cable: a chain of sections, one per bin of distance from the pathway's roots (where its branches
leave the soma or the trunk). A section stands for all of the pathway's dendrite in its bin:
its length is the bin's, its diameter the bin's length-weighted mean diameter, and its
``multiplicity`` the number of parallel branches there (total dendrite length in the bin / bin
length), so the bin's membrane area is kept and, for a symmetric tree, its axial conductance:
Rall's equivalent cable without the 3/2 rule (Rall 1962; Burke et al. 1994 J Neurophysiol 71:1289
"equivalent cable"), with path distances kept so that distance-based regions and paints apply
unchanged. Soma, AIS and axon are copied as they are.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..cells import HOT_ZONE_FROM_NEXUS_UM
from ..checks import SpecError, one_of
from ..spec import Branch, CellSpec

#: Tags that are copied, not reduced.
KEPT_TAGS = ("soma", "ais", "axon")
#: Tags a pathway may reduce.
DENDRITE_TAGS = ("basal", "trunk", "oblique", "tuft")


@dataclass(frozen=True)
class Pathway:
    """One input pathway: the dendrite of branch tag ``tag``, reduced to ``groups`` cables (its
    roots split by where they leave the soma or trunk, e.g. proximal and distal obliques), each a
    chain of ``sections`` sections (distance bins; the trunk's last is the Ca hot zone)."""
    tag: str
    sections: int = 1
    groups: int = 1

    def __post_init__(self):
        one_of("pathway", "tag", self.tag, DENDRITE_TAGS)
        for field, high in (("sections", 20), ("groups", 20)):
            value = getattr(self, field)
            if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= high:
                raise SpecError(f"pathway {self.tag!r}: {field} must be an integer in [1, {high}], got {value!r}")


#: The default few-compartment reduction (Naud & Sprekeler 2018 PNAS 115:E6329 split the cell into
#: a soma and a Ca-spiking dendrite; here one short cable per pathway of the issue's list: basal,
#: proximal apical/oblique, distal trunk with the Ca hot zone, tuft).
DEFAULT_PATHWAYS = (Pathway("basal", 2), Pathway("oblique", 2), Pathway("trunk", 2), Pathway("tuft", 2))


def pathway_roots(spec: CellSpec, tag: str) -> dict:
    """Branch name -> its pathway root: the topmost ancestor with the same tag (µm distances
    follow from spec.branch_spans)."""
    by_name = {b.name: b for b in spec.branches}
    roots = {}
    for branch in spec.branches:
        if branch.tag != tag:
            continue
        current = branch
        while current.parent is not None and by_name[current.parent].tag == tag:
            current = by_name[current.parent]
        roots[branch.name] = current.name
    return roots


def equivalent_cable(spec: CellSpec, segments: pd.DataFrame, pathway: Pathway) -> pd.DataFrame:
    """One row per reduced section of ``pathway``: group (the pathway's roots split into
    ``pathway.groups`` by where they start, nearest first), section (running index over the groups),
    start_um, end_um (distance from the group's roots), length_um, diam_um, multiplicity, area_um2
    (of the full cell's dendrite in the bin), root_um (the area-weighted mean path distance of the
    group's roots from the soma centre), root_parent and root_parent_x (where the group's first root
    attaches)."""
    roots = pathway_roots(spec, pathway.tag)
    part = segments[segments.tag == pathway.tag]
    if part.empty:
        return pd.DataFrame()
    spans = spec.branch_spans
    starts = sorted({roots[name] for name in part.branch}, key=lambda name: (spans[name][0], name))
    chunks = [chunk for chunk in np.array_split(np.array(starts, dtype=object), min(pathway.groups, len(starts)))]
    frames = []
    for group, chunk in enumerate(chunks):
        members = part[part.branch.map(roots).isin(set(chunk))]
        frames.append(_group_cable(spec, members, pathway, roots).assign(group=group))
    cable = pd.concat(frames, ignore_index=True)
    cable["section"] = np.arange(len(cable))
    # the group of each full-cell branch of the pathway, for comparing like with like
    cable.attrs["groups"] = {name: group for group, chunk in enumerate(chunks)
                             for name in part.branch.unique() if roots[name] in set(chunk)}
    return cable


def _group_cable(spec: CellSpec, part: pd.DataFrame, pathway: Pathway, roots: dict) -> pd.DataFrame:
    """The sections of one group of a pathway's roots (see equivalent_cable)."""
    spans = spec.branch_spans
    root_um = part.branch.map(lambda name: spans[roots[name]][0])
    r = part.distance_um - root_um
    reach = float((r + part.length_um / 2.0).max())
    edges = _bin_edges(spec, pathway, float(root_um.mean()), reach)
    weights = part.area_um2.to_numpy()
    mean_root = float(np.average(root_um, weights=weights))
    first = next(b for b in spec.branches if b.name == roots[part.branch.iloc[0]])
    rows = []
    for k, (low, high) in enumerate(zip(edges, edges[1:])):
        inside = (r >= low) & (r < high) if k < len(edges) - 2 else (r >= low)
        length = float(part.length_um[inside].sum())
        if length == 0.0:
            raise SpecError(f"pathway {pathway.tag!r} of cell {spec.name!r}: no dendrite between {low:.0f} and "
                            f"{high:.0f} µm from its roots; use fewer sections")
        area = float(part.area_um2[inside].sum())
        rows.append({"pathway": pathway.tag, "start_um": low, "end_um": high,
                     "length_um": high - low, "diam_um": area / (math.pi * length),
                     "multiplicity": length / (high - low), "area_um2": area, "root_um": mean_root,
                     "root_parent": first.parent, "root_parent_x": first.parent_x})
    return pd.DataFrame(rows)


def _bin_edges(spec: CellSpec, pathway: Pathway, root_um: float, reach_um: float) -> list:
    """Bin edges (µm from the roots): equal bins; the trunk's last bin is the hot zone."""
    if pathway.tag == "trunk" and pathway.sections >= 2:
        hot_start = spec.nexus_um + HOT_ZONE_FROM_NEXUS_UM[0] - root_um
        if 0.0 < hot_start < reach_um:
            proximal = list(np.linspace(0.0, hot_start, pathway.sections))
            return proximal + [reach_um]
    return list(np.linspace(0.0, reach_um, pathway.sections + 1))


def reduced_branches(spec: CellSpec, cables: dict, pathways) -> tuple:
    """Branches of the reduced cell: the kept soma, AIS and axon, then each pathway's chain named
    ``<tag>_<k>``; obliques hang on the reduced trunk where their roots lie on average, the tuft
    at the trunk's end, basal dendrites on the soma."""
    kept = [b for b in spec.branches if b.tag in KEPT_TAGS and _kept_parent(spec, b)]
    root = spec.root.name
    branches = list(kept)
    trunk = cables.get("trunk")
    for pathway in pathways:
        cable = cables.get(pathway.tag)
        if cable is None or cable.empty:
            continue
        for _, group in cable.groupby("group", sort=True):
            parent, parent_x = _attachment(spec, group, trunk, root)
            for row in group.itertuples():
                name = f"{pathway.tag}_{row.section}"
                branches.append(Branch(name, pathway.tag, parent, parent_x, length_um=row.length_um,
                                       diam_start_um=row.diam_um, multiplicity=row.multiplicity))
                parent, parent_x = name, 1.0
    return tuple(branches)


def _kept_parent(spec: CellSpec, branch: Branch) -> bool:
    """A kept branch's ancestors are all kept (an axon on a dendrite is dropped with it)."""
    by_name = {b.name: b for b in spec.branches}
    while branch.parent is not None:
        branch = by_name[branch.parent]
        if branch.tag not in KEPT_TAGS:
            return False
    return True


def _attachment(spec: CellSpec, cable: pd.DataFrame, trunk, root: str) -> tuple:
    """(parent branch, x) of a pathway's first section on the reduced cell."""
    tag = cable.pathway.iloc[0]
    if tag in ("basal", "trunk") or trunk is None or trunk.empty:
        parent = cable.root_parent.iloc[0]
        if parent is None or next(b for b in spec.branches if b.name == parent).tag not in KEPT_TAGS:
            return root, 0.5
        return parent, float(cable.root_parent_x.iloc[0])
    trunk_root = float(trunk.root_um.iloc[0])
    along = float(cable.root_um.iloc[0]) - trunk_root   # µm from the trunk's root
    if tag == "tuft":
        along = float(trunk.end_um.iloc[-1])
    for row in trunk.itertuples():
        if along <= row.end_um + 1e-9:
            return f"trunk_{row.section}", min(max((along - row.start_um) / row.length_um, 0.0), 1.0)
    return f"trunk_{len(trunk) - 1}", 1.0
