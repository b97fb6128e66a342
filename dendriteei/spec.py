"""Declarative, JSON-serialisable description of a compartmental cell.

In the spirit of Arbor: a morphology of tagged branches, labelled regions (branch
tags + a path-distance window), and mechanisms painted on regions with values that
may depend on path distance from the soma. Nothing here touches NEURON; the
engine (:mod:`dendriteei.engine`) turns a :class:`CellSpec` into sections.
"""
from __future__ import annotations

import dataclasses
import json
import math
from dataclasses import dataclass
from typing import Optional, Union


class SpecError(ValueError):
    """A cell specification is inconsistent."""


@dataclass(frozen=True)
class Branch:
    """One unbranched cable. Geometry is either ``length_um`` with a linear taper
    from ``diam_start_um`` to ``diam_end_um``, or explicit 3-D ``points``
    ((x, y, z, diam) in µm, as read from SWC)."""
    name: str
    tag: str                      # branch type: soma, axon, ais, basal, trunk, oblique, tuft
    parent: Optional[str] = None  # name of the parent branch (None only for the root)
    parent_x: float = 1.0         # attachment point along the parent (0..1)
    length_um: float = 0.0
    diam_start_um: float = 1.0
    diam_end_um: Optional[float] = None
    points: tuple = ()

    def __post_init__(self):
        if not self.points and self.length_um <= 0:
            raise SpecError(f"branch {self.name!r}: length_um must be > 0 µm (got {self.length_um})")
        if not self.points and min(self.diam_start_um, self.diam_end) <= 0:
            raise SpecError(f"branch {self.name!r}: diameters must be > 0 µm")
        if not 0.0 <= self.parent_x <= 1.0:
            raise SpecError(f"branch {self.name!r}: parent_x must lie in [0, 1]")

    @property
    def diam_end(self) -> float:
        return self.diam_start_um if self.diam_end_um is None else self.diam_end_um


@dataclass(frozen=True)
class Region:
    """Segments whose branch tag is in ``tags`` and whose path distance from the
    soma centre lies in [min_distance_um, max_distance_um) (µm; None = unbounded)."""
    name: str
    tags: tuple
    min_distance_um: float = 0.0
    max_distance_um: Optional[float] = None

    def contains(self, tag: str, distance_um: float) -> bool:
        upper = math.inf if self.max_distance_um is None else self.max_distance_um
        return tag in self.tags and self.min_distance_um <= distance_um < upper


@dataclass(frozen=True)
class Uniform:
    """Same value everywhere."""
    value: float
    kind: str = "uniform"

    def at(self, distance_um: float) -> float:
        return self.value


@dataclass(frozen=True)
class Linear:
    """value · (1 + distance/length_um), with distance capped at cap_um (µm)."""
    value: float
    length_um: float
    cap_um: Optional[float] = None
    kind: str = "linear"

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

    def at(self, distance_um: float) -> float:
        return max(0.0, self.value * (self.offset + self.amplitude * math.exp(distance_um / self.length_um)))


Distribution = Union[Uniform, Linear, Exponential]
_DISTRIBUTIONS = {"uniform": Uniform, "linear": Linear, "exponential": Exponential}

#: Pseudo-mechanism for membrane properties: ``cm`` (µF/cm²) and ``Ra`` (Ω·cm, per section).
MEMBRANE = "membrane"


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
        names = [b.name for b in self.branches]
        if len(set(names)) != len(names):
            raise SpecError("branch names must be unique")
        roots = [b.name for b in self.branches if b.parent is None]
        if len(roots) != 1:
            raise SpecError(f"exactly one root branch (the soma) is needed, got {roots}")
        known = set(names)
        for b in self.branches:
            if b.parent is not None and b.parent not in known:
                raise SpecError(f"branch {b.name!r} has unknown parent {b.parent!r}")
        region_names = {r.name for r in self.regions}
        for p in self.paints:
            if p.region not in region_names:
                raise SpecError(f"paint on unknown region {p.region!r}; regions: {sorted(region_names)}")

    def region(self, name: str) -> Region:
        for r in self.regions:
            if r.name == name:
                return r
        raise SpecError(f"unknown region {name!r}; regions: {', '.join(r.name for r in self.regions)}")

    @property
    def root(self) -> Branch:
        return next(b for b in self.branches if b.parent is None)

    def to_dict(self) -> dict:
        return dataclasses.asdict(self)

    def to_json(self, **kwargs) -> str:
        return json.dumps(self.to_dict(), **kwargs)

    @classmethod
    def from_dict(cls, data: dict) -> "CellSpec":
        data = dict(data)
        data["branches"] = tuple(Branch(**{**b, "points": tuple(tuple(p) for p in b.get("points", ()))})
                                 for b in data["branches"])
        data["regions"] = tuple(Region(**{**r, "tags": tuple(r["tags"])}) for r in data["regions"])
        paints = []
        for p in data["paints"]:
            value = dict(p["value"])
            kind = value.get("kind", "uniform")
            if kind not in _DISTRIBUTIONS:
                raise SpecError(f"unknown distribution kind {kind!r}; valid: {sorted(_DISTRIBUTIONS)}")
            paints.append(Paint(p["region"], p["mechanism"], p["parameter"], _DISTRIBUTIONS[kind](**value)))
        data["paints"] = tuple(paints)
        return cls(**data)

    @classmethod
    def from_json(cls, text: str) -> "CellSpec":
        return cls.from_dict(json.loads(text))

    def replace(self, **changes) -> "CellSpec":
        return dataclasses.replace(self, **changes)

