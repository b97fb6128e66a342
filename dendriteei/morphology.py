"""Reconstructed morphologies (SWC, Neurolucida ASC, H5), labelled with dendriteei's branch tags.

Reading. Files are read with MorphIO (https://morphio.readthedocs.io), option
``allow_unifurcated_section_change`` only: a change of point type without a branch point
ends a section (so e.g. a custom-type piece of a basal dendrite can be dropped) instead of
failing; ``nrn_order`` is not used, so neurites keep the file's order. MorphIO repeats the
parent's last point as the first point of every child section; that point keeps its
position but takes the child's own next diameter, so a thin branch does not start with
a thick stub. MorphIO's SWC reader is lax (with morphio 3.5 it reads the id "1.5" as 1,
the coordinate "1e999" as infinity and a parent cycle as nothing at all), so an SWC file's
text is checked first (:func:`read_swc`); any file MorphIO refuses raises SpecError with the
file and, where MorphIO names it, the line. MorphIO's warnings, dropped sections and other
repairs are reported with :func:`warnings.warn`.

Soma. One section whose membrane area follows the file's soma convention (the soma rules
of NeuroMorpho.org, http://neuromorpho.org/SomaFormat.html); the rule used and the
resulting radius and area are written into ``CellSpec.description``:

- one point of radius r: a sphere, area 4πr², built as a cylinder of length = diameter = 2r
  (whose side area is 4πr²);
- NeuroMorpho three-point cylinder: the first point is the centre and its radius r the
  equivalent radius; the cylinder's side area equals the sphere area 4πr² (NeuroMorpho);
- simple contour (ASC/H5 outline): centre = mean of the contour points, r = mean distance
  of the points from the centre (NeuroMorpho's conversion of contours, the rule NeuroM's
  ``SomaSimpleContour`` documents too), built as a cylinder L = diameter = 2r, area 4πr²;
- stacked cylinders (SWC with 2 or ≥ 4 soma points): kept as a stack of frustums, area =
  sum of their side areas. An SWC soma whose points branch (not a single path) is
  replaced by a cylinder L = diameter of the same total frustum area.

Apical labels. SWC types / MorphIO section types soma, basal and apical are used; the
axon is replaced by a stylised initial segment and axon stub (Hay et al. 2011, PLoS
Comput Biol 7:e1002107). The apical tree is split into ``trunk``, ``oblique`` and
``tuft``. From each apical root the trunk follows, at every branch point, the child that
reaches farthest (path length to its farthest tip): the trunk leads to the farthest apical
tip, as in the previous rule of this module; reach is used rather than diameter because
reconstructed diameters are noisy and often quantised to a few values. At a branch point
a side child is *big* if its subtree holds ≥ ``tuft_fraction`` of the dendrite length
beyond the point; small side children are obliques. A branch point with a big side child
is the main bifurcation (nexus; everything beyond is tuft) only if its path distance from
the soma is ≥ ``nexus_fraction`` of the path distance of the farthest tip it leads to.
Nearer to the soma, a big side child that itself reaches ≥ ``nexus_fraction`` of that
farthest distance is a sister trunk (an early split of the trunk, e.g. two thick sister
trunks at 176 µm) and is labelled trunk / oblique / tuft by the same rule;
otherwise it is a large oblique. ``nexus_fraction`` = 0.5 lies below the nexus of each
real cell tested here (nexus / farthest apical tip: 819/1219 µm = 0.67 in
``morph_l5pc_with_axon.swc``, 433/742 = 0.58 in ``morph_allen_485574832.swc``, 570/942 =
0.61 in ``morph_ca1_n120.swc``; nexus checked by eye, tests/test_morphology.py) and above
the early splits it must not take for the nexus (375/1219 = 0.31 in the L5 cell, where the
previous rule put the nexus; 176/1126 = 0.16 in the synthetic test cell).
"""
from __future__ import annotations

import math
import re
import warnings
from collections import defaultdict
from pathlib import Path
from typing import Optional

import morphio
import numpy as np

from .cells import STANDARD_REGIONS, ih_length_um, l5_paints
from .checks import shorten
from .spec import Branch, CellSpec, Region, SpecError

SWC_SOMA, SWC_AXON, SWC_BASAL, SWC_APICAL = 1, 2, 3, 4
_DENDRITES = {morphio.SectionType.basal_dendrite: "basal", morphio.SectionType.apical_dendrite: "apical"}


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


_MORPHIO_PLACE = re.compile(r"\x1b\[[0-9;]*m|\s+")
_MORPHIO_LINE = re.compile(r"^(.*?):(\d+):(?:error|warning)\s*")


def _plain(path, text: str) -> tuple[str, str]:
    """MorphIO's message without colour codes and line breaks: (``path:line`` or ``path``, rest)."""
    text = _MORPHIO_PLACE.sub(" ", text).strip()
    match = _MORPHIO_LINE.match(text)
    if match:
        return f"{path}:{match.group(2)}", text[match.end():].strip()
    return str(path), text.replace(f"{path}", "").strip(" :")


def _open(path):
    """The file read by MorphIO, and its warnings as (warning class name, line or None, message)."""
    handler = morphio.WarningHandlerCollector()
    try:
        cell = morphio.Morphology(str(path), options=morphio.Option.allow_unifurcated_section_change,
                                  warning_handler=handler)
    except morphio.MorphioError as error:
        place, message = _plain(path, str(error))
        raise SpecError(f"{place}: MorphIO cannot read this morphology: {message}") from None
    found = []
    for emission in handler.get_all():
        warning = emission.warning
        place, message = _plain(path, warning.msg())
        found.append((type(warning).__name__, getattr(warning, "line_number", None), f"{place}: {message}"))
    return cell, found


def _cylinder(centre, radius: float) -> tuple:
    """Points of a cylinder of length = diameter = 2·radius along y through ``centre`` (µm)."""
    x, y, z = (float(c) for c in centre)
    return ((x, y - radius, z, 2 * radius), (x, y + radius, z, 2 * radius))


def _frustum_area(points) -> float:
    """Side area (µm²) of the frustums between consecutive (x, y, z, diam) points."""
    total = 0.0
    for (*a, da), (*b, db) in zip(points[:-1], points[1:]):
        height = math.dist(a, b)
        total += math.pi * (da + db) / 2 * math.hypot((da - db) / 2, height)
    return total


def _soma(cell, path, nodes) -> tuple[Branch, str]:
    """The soma section by the file's convention (module docstring) and a sentence saying what was done."""
    soma = cell.soma
    kind, points, diams = soma.type, np.asarray(soma.points, float), np.asarray(soma.diameters, float)
    if kind == morphio.SomaType.SOMA_UNDEFINED:
        raise SpecError(f"{path}: no soma (MorphIO finds no soma, or a 2-point soma it cannot classify)")
    if kind == morphio.SomaType.SOMA_SINGLE_POINT:
        centre, radius, rule = points[0], diams[0] / 2, "one point → sphere"
    elif kind == morphio.SomaType.SOMA_NEUROMORPHO_THREE_POINT_CYLINDERS:
        centre, radius, rule = points[0], diams[0] / 2, "NeuroMorpho 3-point cylinder → sphere"
    elif kind == morphio.SomaType.SOMA_SIMPLE_CONTOUR:
        centre = points.mean(axis=0)
        radius = float(np.mean(np.linalg.norm(points - centre, axis=1)))
        rule = f"{len(points)}-point contour → sphere of mean centre distance"
    else:
        stack, area = _stack(path, points, diams, nodes)
        if stack is not None:
            return (Branch("soma", "soma", points=stack),
                    f"soma: {len(stack)}-point stack of frustums kept, area {area:.0f} µm²")
        radius = math.sqrt(area / (4 * math.pi))
        centre, rule = points.mean(axis=0), f"branched {len(points)}-point stack → sphere of the same area"
    return (Branch("soma", "soma", points=_cylinder(centre, radius)),
            f"soma: {rule} r = {radius:.1f} µm (cylinder L = diam), area {4 * math.pi * radius ** 2:.0f} µm²")


def _stack(path, points, diams, nodes) -> tuple:
    """(stack points (x, y, z, diam) in order, or None if the SWC soma branches; frustum area in µm²).
    An SWC soma is ordered by its parent links (e.g. n120's soma runs both ways from its first
    point); other formats keep MorphIO's point order."""
    if nodes is None:
        stack = tuple((*map(float, p), float(d)) for p, d in zip(points, diams))
        return _checked_stack(path, stack), _frustum_area(stack)
    soma = {n: v for n, v in nodes.items() if v[0] == SWC_SOMA}
    point = {n: (v[1], v[2], v[3], 2 * v[4]) for n, v in soma.items()}
    links = [(n, v[5]) for n, v in soma.items() if v[5] in soma]
    area = sum(_frustum_area((point[a], point[b])) for a, b in links)
    neighbours = defaultdict(list)
    for a, b in links:
        neighbours[a].append(b)
        neighbours[b].append(a)
    if any(len(n) > 2 for n in neighbours.values()):
        return None, area
    order = [min(soma, key=lambda n: (len(neighbours[n]), n))]     # an end of the path
    while len(order) < len(soma):
        order.append(next(n for n in neighbours[order[-1]] if n not in order[-2:]))
    return _checked_stack(path, tuple(point[n] for n in order)), area


def _checked_stack(path, stack: tuple) -> tuple:
    if sum(math.dist(a[:3], b[:3]) for a, b in zip(stack, stack[1:])) == 0:
        raise SpecError(f"{path}: the {len(stack)} soma points of a cylinder stack all lie at one place; "
                        "a stack needs length")
    return stack


def load_morphology(path, name: Optional[str] = None, paints=None, tuft_fraction: float = 0.25,
                    nexus_fraction: float = 0.5) -> CellSpec:
    """A :class:`CellSpec` named ``name`` (default: the file's stem) from an SWC, Neurolucida ASC
    or H5 file, painted with ``paints`` (default: the L5 channel distributions of
    :func:`dendriteei.cells.l5_paints`).
    ``tuft_fraction`` and ``nexus_fraction`` set where the trunk ends (module docstring)."""
    path = Path(path)
    name = path.stem if name is None else name
    nodes, lines = _read(path) if path.suffix.lower() == ".swc" else (None, None)
    cell, found = _open(path)
    detached = set()
    for kind, line, message in found:
        if kind == "DisconnectedNeurite" and lines is not None:
            node = next(n for n, at in lines.items() if at == line)
            detached.add(tuple(round(c, 3) for c in nodes[node][1:4]))
        else:
            warnings.warn(f"{message} (MorphIO warning; the cell is built as MorphIO read it)", stacklevel=2)
    soma, report = _soma(cell, path, nodes)
    sections, parents, dropped = _dendrites(cell, detached)
    _warn_dropped(path, dropped)
    index = {section.id: i for i, section in enumerate(sections)}
    kids = defaultdict(list)
    for section in sections:
        if parents[section.id] is not None:
            kids[index[parents[section.id].id]].append(index[section.id])
    lengths = [float(np.sum(np.linalg.norm(np.diff(s.points, axis=0), axis=1))) for s in sections]
    apical_roots = [i for i, s in enumerate(sections)
                    if parents[s.id] is None and _DENDRITES[s.type] == "apical"]
    apical_tags = _label_apical(apical_roots, kids, lengths, tuft_fraction, nexus_fraction)
    branches = [soma]
    for kind in ("ais", "axon"):  # stylised replacement of the axon (Hay et al. 2011)
        parent = "soma" if kind == "ais" else "ais"
        branches.append(Branch(kind, kind, parent, 0.0 if kind == "ais" else 1.0, 30.0,
                               1.2 if kind == "ais" else 1.0))
    for i, section in enumerate(sections):
        tag = "basal" if _DENDRITES[section.type] == "basal" else apical_tags[i]
        points = [(*map(float, p), float(d)) for p, d in zip(section.points, section.diameters)]
        parent = parents[section.id]
        if parent is None:
            parent_name, parent_x = "soma", 0.5
        else:
            parent_name, parent_x = f"b{index[parent.id]}", 1.0
            points[0] = (*points[0][:3], points[1][3])   # MorphIO's duplicated parent point, child's diameter
        if len(points) == 1:
            x, y, z, d = points[0]
            points.insert(0, (x, y, z - 0.5, d))
            warnings.warn(f"{path}: the section starting at ({x:g}, {y:g}, {z:g}) µm is a one-point branch on "
                          "the soma; gave it a 0.5 µm stub along -z", stacklevel=2)
        branches.append(Branch(f"b{i}", tag, parent_name, parent_x, points=tuple(points)))
    regions = STANDARD_REGIONS + (Region("distal_ka", ("basal", "trunk", "oblique", "tuft"), 100.0),)
    spec = CellSpec(name=name, branches=tuple(branches), regions=regions, paints=tuple(paints or ()),
                    description=f"reconstructed morphology from {path.name}; {report}")
    if paints is None:   # the L5 channels, the Ih gradient scaled to this cell's apical extent
        spec = spec.replace(paints=l5_paints(ih_length_um(spec.apical_extent_um)))
    return spec


def _dendrites(cell, detached: set) -> tuple[list, dict, dict]:
    """Basal and apical sections connected to the soma through dendrite sections (depth-first,
    file order), their parent sections (None on the soma), and what was dropped otherwise:
    reason -> list of (first point, number of points)."""
    kept, parents, dropped = [], {}, defaultdict(list)
    for root in cell.root_sections:
        stack = [(root, None, None)]   # (section, kept parent, reason its subtree is dropped)
        while stack:
            section, parent, reason = stack.pop()
            start = tuple(round(float(c), 3) for c in section.points[0])
            if reason is None:
                if section.is_root and start in detached:
                    reason = "not connected to the soma (SWC parent -1)"
                elif section.type == morphio.SectionType.axon:
                    reason = "attached to the axon"
                elif section.type not in _DENDRITES:
                    reason = f"of type {section.type.name}"
            if reason is None:
                kept.append(section)
                parents[section.id] = parent
            elif section.type != morphio.SectionType.axon:   # the axon is replaced by design: not reported
                dropped[reason].append((start, len(section.points)))
            stack.extend((child, section if reason is None else None, reason)
                         for child in reversed(section.children))
    return kept, parents, dropped


def _warn_dropped(path, dropped: dict) -> None:
    """One warning per reason for sections the cell leaves out."""
    for reason, where in dropped.items():
        first = ", ".join(f"({x:g}, {y:g}, {z:g})" for (x, y, z), _ in where[:3]) + (", …" if len(where) > 3 else "")
        warnings.warn(f"{path}: dropped {len(where)} sections ({sum(n for _, n in where)} points) {reason}, "
                      f"starting at {first} µm", stacklevel=3)


def _label_apical(apical_roots, kids, lengths, tuft_fraction, nexus_fraction) -> dict:
    """trunk / oblique / tuft for each apical section index (rule: module docstring)."""
    total, reach = {}, {}

    def measure(i):   # subtree length and reach (µm) of section i, iteratively
        order, stack = [], [i]
        while stack:
            j = stack.pop()
            order.append(j)
            stack.extend(kids[j])
        for j in reversed(order):
            total[j] = lengths[j] + sum(total[k] for k in kids[j])
            reach[j] = lengths[j] + max((reach[k] for k in kids[j]), default=0.0)

    def mark(i, tag):
        stack = [i]
        while stack:
            j = stack.pop()
            tags[j] = tag
            stack.extend(kids[j])

    tags = {}
    trunks = [(root, 0.0) for root in apical_roots]   # (first section, its start's path distance in µm)
    for root in apical_roots:
        measure(root)
    while trunks:
        current, distance = trunks.pop()
        farthest = distance + reach[current]
        while True:
            tags[current] = "trunk"
            distance += lengths[current]
            if not kids[current]:
                break
            main = max(kids[current], key=lambda k: reach[k])
            beyond = sum(total[k] for k in kids[current])
            big = [k for k in kids[current] if k != main and total[k] >= tuft_fraction * beyond]
            if big and distance >= nexus_fraction * farthest:
                for k in kids[current]:
                    mark(k, "tuft")
                break
            for k in kids[current]:
                if k in big and distance + reach[k] >= nexus_fraction * farthest:
                    trunks.append((k, distance))       # sister trunk of an early split
                elif k != main:
                    mark(k, "oblique")
            current = main
    return tags
