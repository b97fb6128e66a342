"""Locations on a cell, as plain data: :class:`Site`.

The engine (:meth:`dendriteei.engine.BuiltCell.resolve`) turns a site into a segment.

A site is chosen in one of three ways, so that protocols need no branch names (a reconstructed
cell's branches are called b0, b1, …):

- ``branch`` + ``x``: ``x`` (0..1) along a named branch;
- ``region`` + ``distance_um``: the point at that path distance (µm from the soma centre, or from
  the cell's nexus with ``reference="nexus"``: negative before it) on the first branch of the
  region, in spec order, that reaches it;
- ``region`` + ``rank`` (+ ``order``): the ``rank``-th branch of the region (0-based; negative
  counts from the end, −1 = last) with the region's branches sorted by ``order``, at ``x`` along
  it; with ``distance_um`` as well, the ``rank``-th (in ``order``) of the region's branches that
  reach that distance, at that distance (``x`` is then unused).

A region's branches are those of its tags with some point in its path-distance window.
Orders (:data:`ORDERS`; ties keep spec order):

- ``origin``: by the path distance of the branch's start, nearest first ("the most proximal
  oblique" is ``rank=0``, its sister the next oblique ``rank=1``, the most distal ``rank=-1``);
- ``length``: longest branch first;
- ``extent``: by the path distance of the branch's far end, farthest first.

Text form (protocol parameters, CLI), parsed by :meth:`Site.parse`::

    BRANCH[@X]                       a branch by name, x along it (default 0.5)   oblique_0@0.9
    REGION:RANK[/ORDER][@X]          rank-th branch of the region, x along it      oblique:0@0.9
                                                                                   tuft:0/extent
    REGION[:RANK[/ORDER]]@Dum        path distance D µm ("um" or "µm")             basal@295um
                                                                                   tuft:1@950um
    REGION[:RANK[/ORDER]]@nexus±Dum  D µm beyond (+) or before (−) the nexus       trunk@nexus-190um

A name without ``:RANK`` and without a distance is a branch name, so plain branch names work as
before; a position with ``um`` is a distance, one without is x.
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Optional

from .checks import SpecError, number, one_of, text

#: Orders of a region's branches for ``Site.rank`` (see the module docstring).
ORDERS = ("origin", "length", "extent")

#: The text form in one line, quoted by parse errors.
TEXT_FORM = ("BRANCH[@X], REGION:RANK[/ORDER][@X] or REGION[:RANK[/ORDER]]@[nexus±]D um "
             "(e.g. oblique_0@0.9, oblique:0@0.9, oblique:-1, tuft:1/extent, basal@295um, trunk@nexus-190um)")

#: Origins of a site's distance_um (as for regions): the soma centre or the nexus.
REFERENCES = ("soma", "nexus")

_TEXT = re.compile(r"^(?P<name>[^:@/\s]+)(?::(?P<rank>[^/@]*)(?:/(?P<order>[^@]*))?)?"
                   r"(?:@(?P<position>[^@]*))?$")
_DISTANCE = re.compile(r"^(?P<nexus>nexus\s*(?=[+-]))?(?P<value>.+?)\s*(?:um|µm|μm)$")


@dataclass(frozen=True)
class Site:
    """A location on a cell: ``branch`` + ``x`` (0..1 along it), ``region`` + ``distance_um``
    (path distance from the soma centre, µm), or ``region`` + ``rank`` (+ ``order``, + ``x`` or
    ``distance_um``); see the module docstring. ``name`` labels recordings."""
    name: str
    region: Optional[str] = None
    distance_um: Optional[float] = None
    branch: Optional[str] = None
    x: float = 0.5
    rank: Optional[int] = None     # 0-based among the region's branches in ``order``; < 0 from the end
    order: str = "origin"          # one of ORDERS; used with rank
    reference: str = "soma"        # origin of distance_um: "soma" or "nexus"

    def __post_init__(self):
        text("site", "name", self.name)
        text(f"site {self.name!r}", "region", self.region, optional=True)
        text(f"site {self.name!r}", "branch", self.branch, optional=True)
        if (self.region is None) == (self.branch is None):
            raise SpecError(f"site {self.name!r}: give either region (+ distance_um or rank) or branch (+ x)")
        number(f"site {self.name!r}", "x", self.x, "(fraction of the branch)", minimum=0.0, maximum=1.0)
        if self.rank is not None and (isinstance(self.rank, bool) or not isinstance(self.rank, int)):
            raise SpecError(f"site {self.name!r}: rank must be an integer (0 = first, -1 = last), "
                            f"got {self.rank!r}")
        if self.branch is not None and (self.rank is not None or self.distance_um is not None):
            raise SpecError(f"site {self.name!r}: rank and distance_um select within a region; "
                            f"a branch site takes only x")
        if self.order not in ORDERS:
            raise SpecError(f"site {self.name!r}: unknown order {self.order!r}; orders: {', '.join(ORDERS)}")
        if self.order != "origin" and self.rank is None:
            raise SpecError(f"site {self.name!r}: order {self.order!r} needs a rank")
        one_of(f"site {self.name!r}", "reference", self.reference, REFERENCES)
        if self.reference == "nexus" and self.distance_um is None:
            raise SpecError(f"site {self.name!r}: reference 'nexus' needs distance_um (µm from the nexus)")
        number(f"site {self.name!r}", "distance_um", self.distance_um, "µm",
               minimum=0.0 if self.reference == "soma" else None, optional=True)

    @classmethod
    def parse(cls, text: str, name: Optional[str] = None) -> "Site":
        """A site from its text form (module docstring); ``name`` defaults to the text."""
        text = str(text).strip()
        label = text if name is None else name

        def bad(why: str) -> SpecError:
            return SpecError(f"site {text!r}: {why}; the form is {TEXT_FORM}")

        match = _TEXT.match(text)
        if not match:
            raise bad("not a site")
        where, rank, order, position = match.group("name", "rank", "order", "position")
        if rank is not None:
            try:
                rank = int(rank)
            except ValueError:
                raise bad(f"rank {rank!r} is not an integer") from None
            if order is not None and order not in ORDERS:
                raise bad(f"unknown order {order!r} (orders: {', '.join(ORDERS)})")
        distance, x, reference = None, 0.5, "soma"
        if position is not None:
            distance_text = _DISTANCE.match(position.strip())
            try:
                if distance_text:
                    distance = float(distance_text.group("value").replace(" ", ""))
                    reference = "nexus" if distance_text.group("nexus") else "soma"
                else:
                    x = float(position)
            except ValueError:
                raise bad(f"position {position!r} is neither x (0..1) nor a distance in um") from None
            if distance is None and not 0.0 <= x <= 1.0:
                raise bad(f"x = {position} must lie in [0, 1] (a distance needs the unit: {position}um)")
            if distance is not None and not math.isfinite(distance):
                raise bad(f"distance {position!r} must be a finite number of µm")
            if reference == "soma" and distance is not None and distance < 0.0:
                raise bad(f"distance {position!r} from the soma must be ≥ 0 µm (before the nexus: nexus{position})")
        if rank is None and distance is None:
            return cls(label, branch=where, x=x)
        return cls(label, region=where, distance_um=distance, x=x, rank=rank, order=order or "origin",
                   reference=reference)

    @property
    def text(self) -> str:
        """The site's text form (parses back to a site that resolves to the same point)."""
        if self.branch is not None:
            return f"{self.branch}@{self.x:g}"
        rank = "" if self.rank is None else f":{self.rank}" + ("" if self.order == "origin" else f"/{self.order}")
        if self.reference == "nexus":
            return f"{self.region}{rank}@nexus{self.distance_um:+g}um"
        if self.distance_um is not None or self.rank is None:   # no distance: 0 µm
            return f"{self.region}{rank}@{self.distance_um or 0.0:g}um"
        return f"{self.region}{rank}@{self.x:g}"
