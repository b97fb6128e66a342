"""Declarative, JSON-serialisable description of a compartmental cell.

In the spirit of Arbor: a morphology of tagged branches, labelled regions (branch
tags + a path-distance window), and mechanisms painted on regions with values that
may depend on path distance from the soma. Nothing here touches NEURON; the
engine (:mod:`dendriteei.engine`) turns a :class:`CellSpec` into sections. Every field is
checked on construction: a bad one raises :class:`SpecError` naming it, its range and unit.
"""
from __future__ import annotations

import dataclasses
import functools
import json
import math
from dataclasses import dataclass
from typing import Optional, Union

from .checks import SpecError, number, one_of, shorten, text

#: Branch tags (the tags of :data:`dendriteei.cells.STANDARD_REGIONS`; a test checks they agree).
TAGS = ("soma", "ais", "axon", "basal", "trunk", "oblique", "tuft")

#: Origins of region and site distances: the soma centre, or the nexus (the far end of the trunk,
#: :attr:`CellSpec.nexus_um`).
REFERENCES = ("soma", "nexus")

#: Sanity envelope for spec voltages (mV): far beyond any physiological membrane or reversal potential.
VOLTAGE_ENVELOPE_MV = 200.0


@dataclass(frozen=True)
class Branch:
    """One unbranched cable. Geometry is either ``length_um`` with a linear taper
    from ``diam_start_um`` to ``diam_end_um``, or explicit 3-D ``points``
    ((x, y, z, diam) in µm, as read from SWC).

    ``multiplicity`` m: the branch stands for m identical parallel cables driven alike (a reduced
    cell's equivalent cable, :mod:`dendriteei.reduction`): the engine scales its membrane
    capacitance and every per-area density (S/cm², mA/cm²) by m, its Ra by 1/m and the volume per
    area of its Ca pools by m, so voltages and concentrations are those of one of the m cables.
    ``nseg``: a fixed number of segments (None: the cell's d_lambda and max_segment_um rules)."""
    name: str
    tag: str                      # branch type: soma, axon, ais, basal, trunk, oblique, tuft
    parent: Optional[str] = None  # name of the parent branch (None only for the root)
    parent_x: float = 1.0         # attachment point along the parent (0..1)
    length_um: float = 0.0
    diam_start_um: float = 1.0
    diam_end_um: Optional[float] = None
    points: tuple = ()
    multiplicity: float = 1.0
    nseg: Optional[int] = None

    def __post_init__(self):
        text("branch", "name", self.name)
        owner = f"branch {self.name!r}"
        one_of(owner, "tag", self.tag, TAGS)
        text(owner, "parent", self.parent, optional=True)
        if self.parent == self.name:
            raise SpecError(f"{owner}: a branch cannot be its own parent")
        number(owner, "parent_x", self.parent_x, minimum=0.0, maximum=1.0)
        if not isinstance(self.points, (tuple, list)):
            raise SpecError(f"{owner}: points must be a sequence of (x, y, z, diam) in µm, got {shorten(self.points)}")
        if self.points:
            _check_points(owner, self.points)
        else:
            number(owner, "length_um", self.length_um, "µm", above=0.0)
            number(owner, "diam_start_um", self.diam_start_um, "µm", above=0.0)
            number(owner, "diam_end_um", self.diam_end_um, "µm", above=0.0, optional=True)
        # > 0 identical cables; 1e4 a sanity envelope (a whole basal tree is ~100 branches)
        number(owner, "multiplicity", self.multiplicity, "(parallel cables)", above=0.0, maximum=1.0e4)
        if self.nseg is not None and (isinstance(self.nseg, bool) or not isinstance(self.nseg, int)
                                      or not 1 <= self.nseg <= 10_000):
            raise SpecError(f"{owner}: nseg must be an integer in [1, 10000] (segments) or None, "
                            f"got {shorten(self.nseg)}")

    @property
    def diam_end(self) -> float:
        return self.diam_start_um if self.diam_end_um is None else self.diam_end_um


def _branch_length(branch: Branch) -> float:
    """Length (µm) of a branch: along its 3-D points, else ``length_um``."""
    if not branch.points:
        return branch.length_um
    return sum(math.dist(a[:3], b[:3]) for a, b in zip(branch.points, branch.points[1:]))


def _check_points(owner: str, points) -> None:
    """At least 2 points (NEURON's pt3d needs 2), each (x, y, z, diam) finite µm with diam > 0."""
    if len(points) < 2:
        raise SpecError(f"{owner}: points needs at least 2 (x, y, z, diam) points in µm, got {len(points)}")
    for index, point in enumerate(points):
        if not isinstance(point, (tuple, list)) or len(point) != 4:
            raise SpecError(f"{owner}: points[{index}] must be (x, y, z, diam) in µm, got {shorten(point)}")
        for axis, value in zip("xyz", point[:3]):
            number(owner, f"points[{index}].{axis}", value, "µm")
        number(owner, f"points[{index}].diam", point[3], "µm", above=0.0)


@dataclass(frozen=True)
class Region:
    """Segments whose branch tag is in ``tags`` and whose path distance lies in
    [min_distance_um, max_distance_um) (µm; None = unbounded), measured from ``reference``
    (:data:`REFERENCES`): from the soma centre, or from the cell's nexus (negative: before it),
    so that landmarks such as the Ca hot zone follow each cell's own main bifurcation."""
    name: str
    tags: tuple
    min_distance_um: float = 0.0
    max_distance_um: Optional[float] = None
    reference: str = "soma"

    def __post_init__(self):
        text("region", "name", self.name)
        owner = f"region {self.name!r}"
        if not isinstance(self.tags, (tuple, list)) or not self.tags:
            raise SpecError(f"{owner}: tags must be a non-empty sequence of {', '.join(TAGS)}; "
                            f"got {shorten(self.tags)}")
        for tag in self.tags:
            one_of(owner, "tag", tag, TAGS)
        one_of(owner, "reference", self.reference, REFERENCES)
        low = number(owner, "min_distance_um", self.min_distance_um, "µm",
                     minimum=0.0 if self.reference == "soma" else None)
        number(owner, "max_distance_um", self.max_distance_um, "µm", above=low, optional=True)

    def from_soma(self, nexus_um: float) -> "Region":
        """This region with its window measured from the soma centre (µm), given the cell's
        nexus path distance (µm); a window entirely before the soma is empty."""
        if self.reference == "soma":
            return self
        low = max(0.0, self.min_distance_um + nexus_um)
        high = None if self.max_distance_um is None else max(self.max_distance_um + nexus_um, low + 1e-9)
        return Region(self.name, self.tags, low, high)

    def contains(self, tag: str, distance_um: float) -> bool:
        upper = math.inf if self.max_distance_um is None else self.max_distance_um
        return tag in self.tags and self.min_distance_um <= distance_um < upper


@dataclass(frozen=True)
class Uniform:
    """Same value everywhere."""
    value: float
    kind: str = "uniform"

    def __post_init__(self):
        _check_kind(self, "uniform")
        number("uniform distribution", "value", self.value)

    def at(self, distance_um: float) -> float:
        return self.value


@dataclass(frozen=True)
class Linear:
    """value · (1 + distance/length_um), with distance capped at cap_um (µm)."""
    value: float
    length_um: float
    cap_um: Optional[float] = None
    kind: str = "linear"

    def __post_init__(self):
        _check_kind(self, "linear")
        number("linear distribution", "value", self.value)
        number("linear distribution", "length_um", self.length_um, "µm", above=0.0)
        number("linear distribution", "cap_um", self.cap_um, "µm", minimum=0.0, optional=True)

    def at(self, distance_um: float) -> float:
        d = distance_um if self.cap_um is None else min(distance_um, self.cap_um)
        return self.value * (1.0 + d / self.length_um)


@dataclass(frozen=True)
class Exponential:
    """value · (offset + amplitude · exp(distance/length_um)), never below 0."""
    value: float
    offset: float
    amplitude: float
    length_um: float
    kind: str = "exponential"

    def __post_init__(self):
        _check_kind(self, "exponential")
        for field in ("value", "offset", "amplitude"):
            number("exponential distribution", field, getattr(self, field))
        length = number("exponential distribution", "length_um", self.length_um, "µm")
        if length == 0.0:
            raise SpecError("exponential distribution: length_um must be a finite number ≠ 0 µm, got 0")

    def at(self, distance_um: float) -> float:
        try:
            growth = math.exp(distance_um / self.length_um)
        except OverflowError:
            raise SpecError(f"exponential distribution: exp(distance / length_um) overflows at {distance_um:g} µm "
                            f"with length_um = {self.length_um:g} µm (a length in µm, e.g. 323, not 0.323?)") from None
        return max(0.0, self.value * (self.offset + self.amplitude * growth))


Distribution = Union[Uniform, Linear, Exponential]
_DISTRIBUTIONS = {"uniform": Uniform, "linear": Linear, "exponential": Exponential}


def _label(name) -> str:
    """A name as is if it is a short string, else shortened repr."""
    return name if isinstance(name, str) and len(name) <= 40 else shorten(name, 40)


def _check_kind(distribution, kind: str) -> None:
    if distribution.kind != kind:
        raise SpecError(f"{kind} distribution: kind must be {kind!r}, got {shorten(distribution.kind)}")


#: Pseudo-mechanism for membrane properties: ``cm`` (µF/cm²) and ``Ra`` (Ω·cm, per section).
MEMBRANE = "membrane"
_MEMBRANE_UNITS = {"cm": "µF/cm²", "Ra": "Ω·cm"}


@dataclass(frozen=True)
class Paint:
    """Set ``mechanism.parameter`` on every segment of ``region``; inserts the
    mechanism there. Later paints override earlier ones on the same segments.
    ``mechanism`` is a NEURON density mechanism (e.g. ``dei_nat``, ``pas``) or
    ``"membrane"`` for cm / Ra."""
    region: str
    mechanism: str
    parameter: str
    value: Distribution

    def __post_init__(self):
        owner = f"paint {_label(self.mechanism)}.{_label(self.parameter)} on {_label(self.region)}"
        for field in ("region", "mechanism", "parameter"):
            text(owner, field, getattr(self, field))
        if not isinstance(self.value, (Uniform, Linear, Exponential)):
            raise SpecError(f"{owner}: value must be a distribution ({', '.join(_DISTRIBUTIONS)}), "
                            f"got {shorten(self.value)}")
        if self.mechanism == MEMBRANE:
            one_of(owner, "membrane parameter", self.parameter, _MEMBRANE_UNITS)
            if self.value.value <= 0:
                raise SpecError(f"{owner}: value must be > 0 {_MEMBRANE_UNITS[self.parameter]}, "
                                f"got {self.value.value!r}")
        elif self.parameter.startswith("g") and self.value.value < 0:
            raise SpecError(f"{owner}: value must be ≥ 0 (conductance-like parameter, mechanism's unit), "
                            f"got {self.value.value!r}")


@dataclass(frozen=True)
class CellSpec:
    """A whole cell: morphology, regions, painted mechanisms and global settings."""
    name: str
    branches: tuple
    regions: tuple
    paints: tuple
    celsius: float = 34.0          # °C
    v_init_mV: float = -70.0       # mV
    ena_mV: float = 50.0           # mV
    ek_mV: float = -85.0           # mV
    cao_mM: float = 2.0            # mM (eca follows the Nernst equation from cai)
    d_lambda: float = 0.1          # fraction of the 100 Hz length constant per segment
    max_segment_um: float = 20.0   # µm, upper bound on segment length
    description: str = ""

    def __post_init__(self):
        text("cell", "name", self.name)
        owner = f"cell {self.name!r}"
        for field, kind in (("branches", Branch), ("regions", Region), ("paints", Paint)):
            items = getattr(self, field)
            if not isinstance(items, (tuple, list)) or not all(isinstance(item, kind) for item in items):
                raise SpecError(f"{owner}: {field} must be a sequence of {kind.__name__}, got {shorten(items)}")
        # Sanity envelope, not physiology: preparations run at ~6 (squid) to ~40 °C.
        number(owner, "celsius", self.celsius, "°C", minimum=0.0, maximum=50.0)
        for field in ("v_init_mV", "ena_mV", "ek_mV"):
            number(owner, field, getattr(self, field), "mV", minimum=-VOLTAGE_ENVELOPE_MV,
                   maximum=VOLTAGE_ENVELOPE_MV)
        # > 0: log(cao/cai) in the Nernst potential; ≤ 100 mM a sanity envelope (aCSF: ~2 mM).
        number(owner, "cao_mM", self.cao_mM, "mM", above=0.0, maximum=100.0)
        # A fraction of the length constant (Hines & Carnevale 2001 d_lambda rule; 0.1 is usual).
        number(owner, "d_lambda", self.d_lambda, "(fraction of λ at 100 Hz)", above=0.0, maximum=1.0)
        number(owner, "max_segment_um", self.max_segment_um, "µm", above=0.0)
        if not isinstance(self.description, str):
            raise SpecError(f"{owner}: description must be a string, got {shorten(self.description)}")
        self._check_tree(owner)
        region_names = [r.name for r in self.regions]
        duplicates = sorted({n for n in region_names if region_names.count(n) > 1})
        if duplicates:
            raise SpecError(f"{owner}: region names must be unique; repeated: {', '.join(duplicates)}")
        for p in self.paints:
            if p.region not in region_names:
                raise SpecError(f"paint on unknown region {p.region!r}; regions: {sorted(region_names)}")

    def _check_tree(self, owner: str) -> None:
        """Unique names, one root, known parents, no cycles (NEURON would refuse a loop)."""
        names = [b.name for b in self.branches]
        if len(set(names)) != len(names):
            raise SpecError(f"{owner}: branch names must be unique; repeated: "
                            f"{', '.join(sorted({n for n in names if names.count(n) > 1}))}")
        roots = [b.name for b in self.branches if b.parent is None]
        if len(roots) != 1:
            raise SpecError(f"{owner}: exactly one root branch (the soma) is needed among the branches, "
                            f"got {shorten(roots)}")
        parent = {b.name: b.parent for b in self.branches}
        for b in self.branches:
            if b.parent is not None and b.parent not in parent:
                raise SpecError(f"branch {b.name!r} has unknown parent {b.parent!r}")
        reaches_root = {roots[0]}
        for b in self.branches:
            path, current = [], b.name
            while current not in reaches_root:
                if current in path:
                    loop = path[path.index(current):] + [current]
                    raise SpecError(f"{owner}: branches form a cycle ({shorten(' -> '.join(loop))}); "
                                    "the branch tree must lead from every branch to the root")
                path.append(current)
                current = parent[current]
            reaches_root.update(path)

    def region(self, name: str) -> Region:
        """The named region, its window measured from the soma centre (µm)."""
        for r in self.regions:
            if r.name == name:
                return r.from_soma(self.nexus_um)
        raise SpecError(f"unknown region {name!r}; regions: {', '.join(r.name for r in self.regions)}")

    @functools.cached_property
    def branch_spans(self) -> dict:
        """Branch name -> (start, end) path distance (µm) from the soma centre, from the geometry
        alone (branch lengths along their points; the soma measured from its middle)."""
        spans, by_name = {}, {b.name: b for b in self.branches}

        def span(branch: Branch) -> tuple:
            if branch.name not in spans:
                length = _branch_length(branch)
                if branch.parent is None:
                    spans[branch.name] = (-length / 2.0, length / 2.0)
                else:
                    parent = by_name[branch.parent]
                    p0, _ = span(parent)
                    along = branch.parent_x * _branch_length(parent)
                    start = abs(along - _branch_length(parent) / 2.0) if parent.parent is None else p0 + along
                    spans[branch.name] = (start, start + length)
            return spans[branch.name]

        for branch in self.branches:
            span(branch)
        return {name: (max(start, 0.0), end) for name, (start, end) in spans.items()}

    @property
    def nexus_um(self) -> float:
        """Path distance (µm) of the nexus, the main apical bifurcation: the far end of the
        ``trunk``-tagged branches (0 for a cell without a trunk)."""
        spans = self.branch_spans
        return max((spans[b.name][1] for b in self.branches if b.tag == "trunk"), default=0.0)

    def extent_um(self, *tags: str) -> float:
        """Path distance (µm) of the farthest point of the branches with these tags; 0 without one."""
        for tag in tags:
            one_of(f"cell {self.name!r}", "tag", tag, TAGS)
        spans = self.branch_spans
        return max((spans[b.name][1] for b in self.branches if b.tag in tags), default=0.0)

    @property
    def apical_extent_um(self) -> float:
        """Path distance (µm) of the farthest apical (trunk, oblique, tuft) point; 0 without one."""
        return self.extent_um("trunk", "oblique", "tuft")

    @property
    def root(self) -> Branch:
        return next(b for b in self.branches if b.parent is None)

    def to_dict(self) -> dict:
        return dataclasses.asdict(self)

    def to_json(self, **kwargs) -> str:
        return json.dumps(self.to_dict(), **kwargs)

    @classmethod
    def from_dict(cls, data: dict) -> "CellSpec":
        """A spec from :meth:`to_dict` output; SpecError names any missing, unknown or bad field."""
        data = dict(_mapping(data, "cell"))
        for field in ("branches", "regions", "paints"):
            data[field] = _sequence(data.get(field, ()), f"cell.{field}")
        data["branches"] = tuple(_branch(b, f"cell.branches[{i}]") for i, b in enumerate(data["branches"]))
        data["regions"] = tuple(_region(r, f"cell.regions[{i}]") for i, r in enumerate(data["regions"]))
        data["paints"] = tuple(_paint(p, f"cell.paints[{i}]") for i, p in enumerate(data["paints"]))
        return _make(cls, data, "cell")

    @classmethod
    def from_json(cls, text: str) -> "CellSpec":
        try:
            data = json.loads(text)
        except (TypeError, ValueError) as error:
            raise SpecError(f"cell JSON does not parse: {error}") from None
        return cls.from_dict(data)

    def replace(self, **changes) -> "CellSpec":
        return dataclasses.replace(self, **changes)


def _mapping(data, where: str) -> dict:
    if not isinstance(data, dict):
        raise SpecError(f"{where} must be a JSON object (dict), got {shorten(data)}")
    return data


def _sequence(data, where: str) -> tuple:
    if not isinstance(data, (list, tuple)):
        raise SpecError(f"{where} must be a list, got {shorten(data)}")
    return tuple(data)


def _make(cls, data: dict, where: str):
    """``cls(**data)``, with SpecError naming missing or unknown fields instead of TypeError."""
    fields = {f.name: f for f in dataclasses.fields(cls)}
    unknown = sorted(set(data) - set(fields), key=str)
    if unknown:
        raise SpecError(f"{where}: unknown field {shorten(unknown[0])}; fields: {', '.join(fields)}")
    missing = [name for name, f in fields.items() if name not in data
               and f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING]
    if missing:
        raise SpecError(f"{where}: missing field {missing[0]!r}; fields: {', '.join(fields)}")
    try:
        return cls(**data)
    except SpecError as error:
        raise SpecError(f"{where}: {error}") from None


def _branch(data, where: str) -> Branch:
    data = dict(_mapping(data, where))
    if "points" in data:
        data["points"] = tuple(tuple(p) if isinstance(p, (list, tuple)) else p
                               for p in _sequence(data["points"], f"{where}.points"))
    return _make(Branch, data, where)


def _region(data, where: str) -> Region:
    data = dict(_mapping(data, where))
    if "tags" in data:
        data["tags"] = _sequence(data["tags"], f"{where}.tags")
    return _make(Region, data, where)


def _paint(data, where: str) -> Paint:
    data = dict(_mapping(data, where))
    if "value" in data:
        value = _mapping(data["value"], f"{where}.value")
        kind = value.get("kind", "uniform")
        if not isinstance(kind, str) or kind not in _DISTRIBUTIONS:
            raise SpecError(f"{where}.value: unknown distribution kind {shorten(kind)}; valid: {sorted(_DISTRIBUTIONS)}")
        data["value"] = _make(_DISTRIBUTIONS[kind], dict(value), f"{where}.value")
    return _make(Paint, data, where)
