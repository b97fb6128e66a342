"""Reconstructed morphologies from SWC files, labelled with dendriteei's branch tags.

SWC types 1 (soma), 3 (basal) and 4 (apical) are used; the apical tree is split into
``trunk`` (the path to the farthest apical tip up to the main bifurcation), ``oblique``
(side branches of that trunk) and ``tuft`` (everything beyond the main bifurcation).
The reconstructed axon is replaced by a stylised initial segment and axon stub, as in
Hay et al. 2011 (PLoS Comput Biol 7:e1002107).
"""
from __future__ import annotations

import math
import warnings
from collections import defaultdict
from pathlib import Path

import numpy as np

from .cells import STANDARD_REGIONS, ih_length_um, l5_paints
from .checks import shorten
from .spec import Branch, CellSpec, Region, SpecError

SWC_SOMA, SWC_AXON, SWC_BASAL, SWC_APICAL = 1, 2, 3, 4


def read_swc(path) -> dict:
    """Nodes of an SWC file: id -> (type, x, y, z, radius, parent id). An impossible file
    (malformed line, duplicate id, radius ≤ 0, unknown parent, cycle, no soma or two somas)
    raises SpecError naming the file and line."""
    return _read(path)[0]


def _read(path) -> tuple[dict, dict]:
    """(nodes as :func:`read_swc`, id -> line number)."""
    nodes, lines = {}, {}
    for number, line in enumerate(Path(path).read_text().splitlines(), start=1):
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        fields = line.split()
        if len(fields) != 7:
            raise SpecError(f"{path}:{number}: an SWC line has 7 fields (id type x y z radius parent), "
                            f"got {shorten(line)}")
        node, kind, parent = (_field(path, number, name, fields[i], int) for name, i in _INTEGER_FIELDS)
        x, y, z, radius = (_field(path, number, name, fields[i], float) for name, i in _REAL_FIELDS)
        if node < 0 or parent < -1:
            raise SpecError(f"{path}:{number}: ids must be ≥ 0 and parents ≥ -1 (-1: no parent), got {node}, {parent}")
        if node in nodes:
            raise SpecError(f"{path}:{number}: id {node} is already used on line {lines[node]}")
        if radius <= 0:
            raise SpecError(f"{path}:{number}: radius must be > 0 µm, got {radius:g}")
        if parent == node:
            raise SpecError(f"{path}:{number}: node {node} is its own parent")
        nodes[node], lines[node] = (kind, x, y, z, radius, parent), number
    _check_tree(path, nodes, lines)
    return nodes, lines


_INTEGER_FIELDS = (("id", 0), ("type", 1), ("parent", 6))
_REAL_FIELDS = (("x (µm)", 2), ("y (µm)", 3), ("z (µm)", 4), ("radius (µm)", 5))


def _field(path, number: int, name: str, value: str, kind):
    """One field of an SWC line as ``kind`` (int, or finite float), else SpecError with file:line."""
    try:
        result = kind(value)
    except ValueError:
        result = None
    if result is None or not math.isfinite(result):
        what = "an integer" if kind is int else "a finite number"
        raise SpecError(f"{path}:{number}: {name} must be {what}, got {shorten(value)}")
    return result


def _check_tree(path, nodes: dict, lines: dict) -> None:
    """Known parents, no cycles, one soma (soma points linked to each other)."""
    for node, (*_, parent) in nodes.items():
        if parent != -1 and parent not in nodes:
            raise SpecError(f"{path}:{lines[node]}: node {node} has parent {parent}, which the file does not define")
    done = set()
    for start in nodes:
        path_ids, node = [], start
        while node != -1 and node not in done:
            if node in path_ids:
                raise SpecError(f"{path}:{lines[node]}: nodes form a cycle through id {node}")
            path_ids.append(node)
            node = nodes[node][5]
        done.update(path_ids)
    soma = {n for n, v in nodes.items() if v[0] == SWC_SOMA}
    if not soma:
        raise SpecError(f"{path}: no soma (type 1) points")
    somas = sorted(n for n in soma if nodes[n][5] not in soma)   # first point of each soma
    if len(somas) > 1:
        raise SpecError(f"{path}:{lines[somas[1]]}: a second soma starts at node {somas[1]} (the first at line "
                        f"{lines[somas[0]]}); a cell has one soma")


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
    nodes, lines = _read(path)
    children = defaultdict(list)
    for node, (kind, *_rest, parent) in sorted(nodes.items()):
        if kind in (SWC_BASAL, SWC_APICAL) and parent in nodes:
            children[parent].append(node)
    soma_ids = {n for n, v in nodes.items() if v[0] == SWC_SOMA}
    roots = [c for s in soma_ids for c in children[s] if nodes[c][0] != SWC_SOMA]
    _warn_dropped(path, nodes, lines, children, roots)
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
            warnings.warn(f"{path}:{lines[run[0]]}: node {run[0]} is a one-point branch on the soma; "
                          "gave it a 0.5 µm stub along -z", stacklevel=2)
        branches.append(Branch(f"b{index}", tag, parent, parent_x, points=tuple(points)))
    regions = STANDARD_REGIONS + (Region("distal_ka", ("basal", "trunk", "oblique", "tuft"), 100.0),)
    spec = CellSpec(name=name, branches=tuple(branches), regions=regions, paints=tuple(paints or ()),
                    description=f"reconstructed morphology from {Path(path).name}")
    if paints is None:   # the L5 channels, Ih gradient scaled to this cell's apical extent
        spec = spec.replace(paints=l5_paints(ih_length_um(spec.apical_extent_um)))
    return spec


def _warn_dropped(path, nodes, lines, children, roots) -> None:
    """Warn about nodes the cell leaves out: types other than 1–4 (the axon, type 2, is replaced
    by design) and dendrite nodes not connected to the soma through dendrite nodes."""
    kept, stack = set(), list(roots)
    while stack:
        node = stack.pop()
        kept.add(node)
        stack.extend(children[node])
    unknown = sorted(n for n, v in nodes.items() if v[0] not in (SWC_SOMA, SWC_AXON, SWC_BASAL, SWC_APICAL))
    detached = sorted(n for n, v in nodes.items() if v[0] in (SWC_BASAL, SWC_APICAL) and n not in kept)
    for dropped, why in ((unknown, "of SWC types other than 1–4 (soma, axon, basal, apical)"),
                         (detached, "of dendrite types 3/4 not connected to the soma through dendrite nodes")):
        if dropped:
            where = ", ".join(str(lines[n]) for n in dropped[:5]) + (", …" if len(dropped) > 5 else "")
            warnings.warn(f"{path}: dropped {len(dropped)} nodes {why} (lines {where})", stacklevel=3)


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
