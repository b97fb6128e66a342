"""Locations on a cell, as plain data: :class:`Site`.

The engine (:meth:`dendriteei.engine.BuiltCell.resolve`) turns a site into a segment.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

from .spec import SpecError


@dataclass(frozen=True)
class Site:
    """A location on a cell: either ``region`` + ``distance_um`` (path distance
    from the soma centre; the first branch of the region that reaches it) or
    ``branch`` + ``x`` (0..1 along it). ``name`` labels recordings."""
    name: str
    region: Optional[str] = None
    distance_um: Optional[float] = None
    branch: Optional[str] = None
    x: float = 0.5

    def __post_init__(self):
        if (self.region is None) == (self.branch is None):
            raise SpecError(f"site {self.name!r}: give either region (+ distance_um) or branch (+ x)")
        if not 0.0 <= self.x <= 1.0:
            raise SpecError(f"site {self.name!r}: x must lie in [0, 1]")
