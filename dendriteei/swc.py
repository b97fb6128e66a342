"""Reconstructed morphologies from SWC files, labelled with dendriteei's branch tags.

SWC types 1 (soma), 3 (basal) and 4 (apical) are used; the apical tree is split into
``trunk`` (the path to the farthest apical tip up to the main bifurcation), ``oblique``
(side branches of that trunk) and ``tuft`` (everything beyond the main bifurcation).
The reconstructed axon is replaced by a stylised initial segment and axon stub, as in
Hay et al. 2011 (PLoS Comput Biol 7:e1002107).
"""
from __future__ import annotations

from collections import defaultdict
from pathlib import Path

import numpy as np

from .cells import STANDARD_REGIONS, l5_paints
from .spec import Branch, CellSpec, Region, SpecError

SWC_SOMA, SWC_AXON, SWC_BASAL, SWC_APICAL = 1, 2, 3, 4


def read_swc(path) -> dict:
    """Nodes of an SWC file: id -> (type, x, y, z, radius, parent id)."""
    nodes = {}
    for number, line in enumerate(Path(path).read_text().splitlines(), start=1):
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        fields = line.split()
        if len(fields) != 7:
            raise SpecError(f"{path}:{number}: an SWC line has 7 fields (id type x y z radius parent)")
        node, kind = int(fields[0]), int(fields[1])
        x, y, z, radius = map(float, fields[2:6])
        nodes[node] = (kind, x, y, z, radius, int(fields[6]))
    if not any(v[0] == SWC_SOMA for v in nodes.values()):
        raise SpecError(f"{path}: no soma (type 1) points")
    return nodes


def _soma_branch(nodes) -> Branch:
    soma = [v for v in nodes.values() if v[0] == SWC_SOMA]
    centre = np.mean([v[1:4] for v in soma], axis=0)
    if len(soma) < 3:  # one-point soma: a cylinder of length and diameter 2r along y
        r = max(v[4] for v in soma)
        x, y, z = centre
        return Branch("soma", "soma", points=((x, y - r, z, 2 * r), (x, y + r, z, 2 * r)))
    return Branch("soma", "soma", points=tuple((v[1], v[2], v[3], 2 * v[4]) for v in soma))


def _chains(nodes, children, start):
    """Unbranched runs of nodes from ``start`` downwards: list of (parent node, [nodes])."""
    chains, stack = [], [start]
    while stack:
        first = stack.pop()
        run = [first]
        while len(children[run[-1]]) == 1:
            run.append(children[run[-1]][0])
        chains.append((nodes[first][5], run))
        stack.extend(reversed(children[run[-1]]))
    return chains


def load_swc(path, name: str = "swc", paints=None, tuft_fraction: float = 0.25) -> CellSpec:
    """A :class:`CellSpec` from an SWC file, painted with ``paints`` (default: the L5
    channel distributions of :func:`dendriteei.cells.l5_paints`).

    The main bifurcation is the first branch point on the trunk where the side
    branch's subtree holds at least ``tuft_fraction`` of the apical length beyond it.
    """
    nodes = read_swc(path)
    children = defaultdict(list)
    for node, (kind, *_rest, parent) in sorted(nodes.items()):
        if kind in (SWC_BASAL, SWC_APICAL) and parent in nodes:
            children[parent].append(node)
    soma_ids = {n for n, v in nodes.items() if v[0] == SWC_SOMA}
    roots = [c for s in soma_ids for c in children[s] if nodes[c][0] != SWC_SOMA]
    branches = [_soma_branch(nodes)]
    for kind in ("ais", "axon"):  # stylised replacement of the axon (Hay et al. 2011)
        parent = "soma" if kind == "ais" else "ais"
        branches.append(Branch(kind, kind, parent, 0.0 if kind == "ais" else 1.0, 30.0,
                               1.2 if kind == "ais" else 1.0))
    raw = [chain for root in roots for chain in _chains(nodes, children, root)]
    chain_of = {run[-1]: index for index, (_, run) in enumerate(raw)}
    lengths = [_chain_length(nodes, parent_node, run) for parent_node, run in raw]
    kids = defaultdict(list)
    for index, (parent_node, _) in enumerate(raw):
        if parent_node in chain_of:
            kids[chain_of[parent_node]].append(index)
    roots_idx = [i for i, (parent_node, run) in enumerate(raw)
                 if parent_node not in chain_of and nodes[run[0]][0] == SWC_APICAL]
    apical_tags = _label_apical(roots_idx, kids, lengths, tuft_fraction)
    for index, (parent_node, run) in enumerate(raw):
        kind = nodes[run[0]][0]
        tag = "basal" if kind == SWC_BASAL else apical_tags[index]
        points = [(nodes[n][1], nodes[n][2], nodes[n][3], 2 * nodes[n][4]) for n in run]
        if parent_node in soma_ids:
            parent, parent_x = "soma", 0.5
        else:
            parent, parent_x = f"b{chain_of[parent_node]}", 1.0
            px = nodes[parent_node]
            points.insert(0, (px[1], px[2], px[3], points[0][3]))
        if len(points) == 1:
            x, y, z, d = points[0]
            points.insert(0, (x, y, z - 0.5, d))
        branches.append(Branch(f"b{index}", tag, parent, parent_x, points=tuple(points)))
    regions = STANDARD_REGIONS + (Region("distal_ka", ("basal", "trunk", "oblique", "tuft"), 100.0),)
    return CellSpec(name=name, branches=tuple(branches), regions=regions,
                    paints=l5_paints() if paints is None else tuple(paints),
                    description=f"reconstructed morphology from {Path(path).name}")


def _chain_length(nodes, parent_node, run) -> float:
    pts = [nodes[n][1:4] for n in run]
    if parent_node in nodes:
        pts.insert(0, nodes[parent_node][1:4])
    pts = np.array(pts)
    return float(np.sum(np.linalg.norm(np.diff(pts, axis=0), axis=1)))


def _label_apical(apical_roots, kids, lengths, tuft_fraction) -> dict:
    """trunk / oblique / tuft for each apical chain index."""
    subtree = {}

    def total(i):
        if i not in subtree:
            subtree[i] = lengths[i] + sum(total(k) for k in kids[i])
        return subtree[i]

    def reach(i):
        return lengths[i] + max((reach(k) for k in kids[i]), default=0.0)

    def mark(i, tag, out):
        out[i] = tag
        for k in kids[i]:
            mark(k, tag, out)

    tags = {}
    for root in apical_roots:
        current = root
        while True:
            tags[current] = "trunk"
            if not kids[current]:
                break
            main = max(kids[current], key=reach)
            side = [k for k in kids[current] if k != main]
            beyond = sum(total(k) for k in kids[current])
            if any(total(k) >= tuft_fraction * beyond for k in side):
                for k in kids[current]:
                    mark(k, "tuft", tags)
                break
            for k in side:
                mark(k, "oblique", tags)
            current = main
    return tags
