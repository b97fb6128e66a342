"""Where a full-cell location goes on the reduced cell: the point of the same pathway with the
same transfer impedance to the soma (Amsalem et al. 2020 Nat Commun 11:288 move synapses this
way). Each synapse keeps its own point process, so its Ca and ρ stay its own."""
from __future__ import annotations

import numpy as np

from ..engine.impedance import rest_impedances
from ..spec import CellSpec
from .geometry import KEPT_TAGS, pathway_roots

#: Candidate points per reduced section (x = (k + 0.5)/n: inside the section, where a point process
#: with an ion may go) among which the nearest match is taken. A point process sits at its
#: segment's node, so the match is only as fine as the reduced cable's segments (a few %).
SAMPLES_PER_SECTION = 20


def map_points(full: CellSpec, reduced: CellSpec, points) -> list:
    """(branch, x) on ``reduced`` for each full-cell point (branch, x): soma, AIS and axon points
    stay; a dendritic point goes to the point of its pathway's reduced cable whose |Z| soma ↔ point
    at 0 Hz (channels frozen at rest) is the full point's, clamped to the cable's ends; on a cell
    without that pathway (the single-compartment limit), to the soma centre."""
    points = [(str(b), float(x)) for b, x in points]
    tags = {b.name: b.tag for b in full.branches}
    reduced_tags = {b.name: b.tag for b in reduced.branches}
    out = [None] * len(points)
    wanted = []
    for i, (branch, x) in enumerate(points):
        if tags[branch] in KEPT_TAGS and branch in reduced_tags:
            out[i] = (branch, x)
        elif tags[branch] not in reduced_tags.values():
            out[i] = (reduced.root.name, 0.5)
        else:
            wanted.append(i)
    if not wanted:
        return out
    full_z = rest_impedances(full, [points[i] for i in wanted], (0.0,))
    candidates = [(b.name, k / SAMPLES_PER_SECTION) for b in reduced.branches if b.tag not in KEPT_TAGS
                  for k in np.arange(SAMPLES_PER_SECTION) + 0.5]
    reduced_z = rest_impedances(reduced, candidates, (0.0,))
    chain_of = _chains(full, reduced)
    for i, target in zip(wanted, full_z.transfer_MOhm):
        chain = reduced_z[reduced_z.branch.isin(chain_of[points[i][0]])]
        z, distance = chain.transfer_MOhm.to_numpy(), chain.distance_um.to_numpy()
        order = np.argsort(distance)
        z, distance, rows = z[order], distance[order], chain.iloc[order]
        if target >= z.max():
            k = int(np.argmax(z))
        elif target <= z.min():
            k = int(np.argmin(z))
        else:
            k = int(np.argmin(np.abs(z - target)))
        out[i] = (rows.branch.iloc[k], float(rows.x.iloc[k]))
    return out


def _chains(full: CellSpec, reduced: CellSpec) -> dict:
    """Full dendritic branch -> the reduced branches of the cable that stands for it: its pathway's
    roots split, by where they start, into as many groups as the reduced cell has cables of that
    tag (as :func:`dendriteei.reduction.geometry.equivalent_cable` split them)."""
    spans, reduced_spans = full.branch_spans, reduced.branch_spans
    by_name = {b.name: b for b in reduced.branches}
    out = {}
    for tag in {b.tag for b in reduced.branches} - set(KEPT_TAGS):
        heads = sorted((b.name for b in reduced.branches if b.tag == tag
                        and (b.parent is None or by_name[b.parent].tag != tag)), key=lambda n: reduced_spans[n][0])
        chains = []
        for head in heads:
            chain, current = [head], head
            while True:
                children = [b.name for b in reduced.branches if b.parent == current and b.tag == tag]
                if not children:
                    break
                current = children[0]
                chain.append(current)
            chains.append(chain)
        roots = pathway_roots(full, tag)
        starts = sorted(set(roots.values()), key=lambda name: (spans[name][0], name))
        chunks = np.array_split(np.array(starts, dtype=object), len(chains))
        for group, chunk in enumerate(chunks):
            for name, root in roots.items():
                if root in set(chunk):
                    out[name] = chains[group]
    return out
