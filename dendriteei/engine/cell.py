"""Turn a :class:`~dendriteei.spec.CellSpec` into NEURON sections: a :class:`BuiltCell`."""
from __future__ import annotations

import difflib
import functools
import itertools
import math
import warnings

import numpy as np
import pandas as pd

from . import mechanisms
from ..sites import Site
from ..spec import MEMBRANE, Branch, CellSpec, SpecError


def _h():
    mechanisms.load()
    from neuron import h
    h.load_file("stdrun.hoc")
    return h


def range_parameters(h, mechanism: str) -> list[str]:
    """Names of a mechanism's RANGE variables (suffix removed)."""
    return list(_variables(h, mechanism, 0))   # 0: PARAMETER and ASSIGNED range variables


@functools.lru_cache(maxsize=None)
def _variables(h, mechanism: str, kind: int) -> tuple:
    """Names (suffix removed) of a mechanism's range variables of MechanismStandard ``kind``, once
    per mechanism (the loaded mechanisms never change in a process)."""
    standard = h.MechanismStandard(mechanism, kind)
    name = h.ref("")
    names = []
    for i in range(int(standard.count())):
        standard.name(name, i)
        names.append(name[0].removesuffix(f"_{mechanism}"))
    return tuple(names)


def _parameters(h, mechanism: str) -> tuple:
    """Names of a mechanism's PARAMETER range variables (suffix removed)."""
    return _variables(h, mechanism, 1)


#: Units of per-area densities, scaled by a branch's multiplicity (spec.Branch).
AREA_DENSITY_UNITS = ("S/cm2", "mho/cm2", "mA/cm2")
#: Parameters of Ca pools that set the shell volume per membrane area (µm), scaled by multiplicity
#: so that m times the Ca current fills m times the volume.
POOL_VOLUME_PARAMETERS = {"dei_cad": ("depth",)}




def _lambda_f_um(diam_um: float, Ra: float, cm: float, freq_hz: float = 100.0) -> float:
    """AC length constant at freq_hz (µm); Hines & Carnevale 2001 d_lambda rule."""
    return 1e5 * math.sqrt(diam_um / (4 * math.pi * freq_hz * Ra * cm))


#: Instance numbers of built cells in this process: section names are unique per instance.
_instances = itertools.count()


class BuiltCell:
    """NEURON sections built from a spec, with a segment table and site lookup.

    Sections are named ``<label>.<branch>``, the label ``<spec name>[<instance>]`` being
    unique in the process, so any number of copies of a spec coexist. Temperature and
    extracellular Ca are run settings (:class:`~dendriteei.engine.Simulation`), not set here.
    """

    def __init__(self, spec: CellSpec):
        self.spec = spec
        self.h = h = _h()
        self.label = f"{spec.name}[{next(_instances)}]"
        self.sections = {}
        self.tags = {}
        self._resolved = {}   # (site, snap) -> (segment, distance): the cell's geometry never changes
        for branch in spec.branches:
            sec = h.Section(name=f"{self.label}.{branch.name}")
            self._set_geometry(sec, branch)
            self.sections[branch.name] = sec
            self.tags[branch.name] = branch.tag
        for branch in spec.branches:
            if branch.parent is not None:
                self.sections[branch.name].connect(self.sections[branch.parent](branch.parent_x), 0)
        self.soma = self.sections[spec.root.name]
        self._multiplicity = {b.name: b.multiplicity for b in spec.branches}
        self._distances = {}
        self._all, self._regions = None, {}   # segment lists of _region_entries, per discretisation
        self._paint_membrane()
        self._discretise()
        self._paint_mechanisms()
        self._apply_multiplicity()
        self._set_ions()

    # -- construction ----------------------------------------------------
    def _set_geometry(self, sec, branch: Branch) -> None:
        if branch.points:
            for x, y, z, d in branch.points:
                self.h.pt3dadd(x, y, z, d, sec=sec)
        else:
            sec.L = branch.length_um
            sec.diam = branch.diam_start_um

    def _taper(self) -> None:
        for branch in self.spec.branches:
            if branch.points:
                continue
            for seg in self.sections[branch.name]:
                seg.diam = branch.diam_start_um + (branch.diam_end - branch.diam_start_um) * seg.x

    def _distance(self, seg) -> float:
        """Path distance (µm) from the soma centre, cached per segment for the current nseg."""
        key = (seg.sec.name(), seg.x)
        if key not in self._distances:
            self._distances[key] = self.h.distance(self.soma(0.5), seg)
        return self._distances[key]

    def _region_entries(self, region_name: str) -> list:
        """(branch name, section, segment, path distance µm) of a region's segments, computed once
        per discretisation (painting visits each region for many parameters)."""
        entries = self._regions.get(region_name)
        if entries is None:
            region = self.spec.region(region_name)
            if self._all is None:
                self._all = [(name, sec, seg, self._distance(seg)) for name, sec in self.sections.items() for seg in sec]
            entries = [entry for entry in self._all if region.contains(self.tags[entry[0]], entry[3])]
            self._regions[region_name] = entries
        return entries

    def _segments_in(self, region_name: str):
        return ((name, sec, seg) for name, sec, seg, _ in self._region_entries(region_name))

    def _paint_membrane(self) -> None:
        for paint in self.spec.paints:
            if paint.mechanism != MEMBRANE:
                continue
            if paint.parameter not in ("cm", "Ra"):
                raise SpecError(f"membrane parameters are cm (µF/cm²) and Ra (Ω·cm), not {paint.parameter!r}")
            for name, sec, seg, distance in self._region_entries(paint.region):
                value = paint.value.at(distance)
                multiplicity = self._multiplicity[name]
                if paint.parameter == "Ra":
                    sec.Ra = value / multiplicity
                else:
                    seg.cm = value * multiplicity

    def _discretise(self) -> None:
        spec = self.spec
        fixed = {b.name: b.nseg for b in spec.branches}
        for name, sec in self.sections.items():
            if fixed[name] is not None:
                cm = sec.cm
                sec.nseg = fixed[name]
                sec.cm = cm
                continue
            lam = _lambda_f_um(sec.diam, sec.Ra, sec.cm)
            nseg = int((sec.L / (spec.d_lambda * lam) + 0.9) / 2) * 2 + 1
            nseg_max_len = int(math.ceil(sec.L / spec.max_segment_um)) | 1
            cm = sec.cm
            sec.nseg = max(nseg, nseg_max_len)
            sec.cm = cm
        self._distances.clear()
        self._all, self._regions = None, {}
        self._taper()
        self._paint_membrane()  # re-apply per-segment cm after nseg changed

    def _paint_mechanisms(self) -> None:
        h = self.h
        available = mechanisms.loaded_mechanisms()
        self.painted_segments = {}
        for paint in self.spec.paints:
            if paint.mechanism == MEMBRANE:
                continue
            if paint.mechanism not in available:
                raise SpecError(f"unknown mechanism {paint.mechanism!r}; available: {', '.join(sorted(available))}")
            valid = range_parameters(h, paint.mechanism)
            if paint.parameter not in valid:
                raise SpecError(f"mechanism {paint.mechanism!r} has no parameter {paint.parameter!r}; "
                                f"valid: {', '.join(valid)}")
            painted = 0
            attribute = f"{paint.parameter}_{paint.mechanism}"
            for _, sec, seg, distance in self._region_entries(paint.region):
                if not sec.has_membrane(paint.mechanism):
                    sec.insert(paint.mechanism)
                setattr(seg, attribute, paint.value.at(distance))
                painted += 1
            self.painted_segments[(paint.region, paint.mechanism, paint.parameter)] = painted
            if painted == 0:
                warnings.warn(f"region {paint.region!r} has no segments on cell {self.spec.name!r}; "
                              f"{paint.mechanism}.{paint.parameter} painted nowhere")

    def _apply_multiplicity(self) -> None:
        """Branches with multiplicity m (spec.Branch): every per-area density PARAMETER of their
        mechanisms (units S/cm², mho/cm², mA/cm²) × m, and the Ca pools' volume per area
        (:data:`POOL_VOLUME_PARAMETERS`) × m. cm and Ra were scaled when painted."""
        h = self.h
        painted = sorted({p.mechanism for p in self.spec.paints if p.mechanism != MEMBRANE})
        for name, sec in self.sections.items():
            multiplicity = self._multiplicity[name]
            if multiplicity == 1.0:
                continue
            for mechanism in (m for m in painted if sec.has_membrane(m)):
                scaled = [p for p in _parameters(h, mechanism)
                          if h.units(f"{p}_{mechanism}").replace(" ", "") in AREA_DENSITY_UNITS]
                scaled += [p for p in POOL_VOLUME_PARAMETERS.get(mechanism, ())]
                for seg in sec:
                    for parameter in scaled:
                        attribute = f"{parameter}_{mechanism}"
                        setattr(seg, attribute, getattr(seg, attribute) * multiplicity)

    def _set_ions(self) -> None:
        h, spec = self.h, self.spec
        for sec in self.sections.values():
            if h.ismembrane("na_ion", sec=sec):
                sec.ena = spec.ena_mV
            if h.ismembrane("k_ion", sec=sec):
                sec.ek = spec.ek_mV

    # -- queries -----------------------------------------------------------
    @property
    def n_segments(self) -> int:
        return sum(sec.nseg for sec in self.sections.values())

    def segments(self) -> pd.DataFrame:
        """One row per segment, sections in spec order and x ascending: branch, parent (its parent
        branch, None on the root) and parent_x, tag, x, distance_um (path distance of the segment's
        centre from the soma centre, µm), length_um, diam_um, area_um2 (µm²), and the 2-D drawing
        coordinates x0_um, y0_um (proximal end) and x1_um, y1_um (distal end): the x–y projection
        of the section's 3-D points at the segment's ends, NaN on sections without 3-D points
        (every branch of a stylised cell, the stylised axon of an SWC cell)."""
        parents = {b.name: (b.parent, b.parent_x) for b in self.spec.branches}
        rows = []
        for name, sec in self.sections.items():
            parent, parent_x = parents[name]
            xs, ys = self._segment_ends_xy(sec)
            for i, seg in enumerate(sec):
                rows.append({"branch": name, "parent": parent, "parent_x": parent_x if parent else math.nan,
                             "tag": self.tags[name], "x": seg.x, "distance_um": self._distance(seg),
                             "length_um": sec.L / sec.nseg, "diam_um": seg.diam, "area_um2": seg.area(),
                             "x0_um": xs[i], "y0_um": ys[i], "x1_um": xs[i + 1], "y1_um": ys[i + 1]})
        return pd.DataFrame(rows)

    @staticmethod
    def _segment_ends_xy(sec) -> tuple:
        """x and y (µm) of a section's nseg + 1 segment boundaries, interpolated along its 3-D
        points by arc length; NaN if it has none."""
        n = int(sec.n3d())
        if n == 0:
            return np.full(sec.nseg + 1, np.nan), np.full(sec.nseg + 1, np.nan)
        arc = np.array([sec.arc3d(i) for i in range(n)])
        bounds = np.linspace(0.0, arc[-1], sec.nseg + 1)
        return (np.interp(bounds, arc, [sec.x3d(i) for i in range(n)]),
                np.interp(bounds, arc, [sec.y3d(i) for i in range(n)]))

    def path_to_farthest(self, region: str) -> list[str]:
        """Branch names from the root (soma) to the branch holding the region's farthest segment
        (largest path distance; ties: the first branch in spec order)."""
        farthest = max(self._segments_in(region), key=lambda item: self._distance(item[2]), default=None)
        if farthest is None:
            raise SpecError(f"region {region!r} is empty on cell {self.spec.name!r}")
        parents = {b.name: b.parent for b in self.spec.branches}
        path, branch = [], farthest[0]
        while branch is not None:
            path.append(branch)
            branch = parents[branch]
        return path[::-1]

    def resolve(self, site: Site, snap: bool = False):
        """The NEURON segment for a site, and its path distance from the soma (µm). Sites with a
        ``rank`` pick among the region's branches in ``site.order`` (:mod:`dendriteei.sites`).
        A region + distance site that no branch of the region reaches is an error, or with
        ``snap`` the region's nearest segment (reconstructed regions have gaps in distance).
        Each site is resolved once per cell."""
        key = (site, snap)
        if key not in self._resolved:
            self._resolved[key] = self._resolve(site, snap)
        return self._resolved[key]

    def _resolve(self, site: Site, snap: bool):
        if site.branch is not None:
            if site.branch not in self.sections:
                raise SpecError(f"site {site.name!r}: unknown branch {site.branch!r}; {self._nearest_branches(site.branch)}")
            seg = self.sections[site.branch](site.x)
            return seg, self._distance(seg)
        try:
            region = self.spec.region(site.region)
        except SpecError as error:
            raise SpecError(f"site {site.name!r}: {error}") from None
        if site.rank is not None:
            return self._resolve_ranked(site, region)
        target = self._target_um(site)
        nearest = None
        for name, sec in self.sections.items():
            if self.tags[name] not in region.tags:
                continue
            d0, d1 = self._distance(sec(0)), self._distance(sec(1))
            if d0 - 1e-9 <= target <= d1 + 1e-9 and region.contains(self.tags[name], target):
                x = 0.5 if d1 == d0 else (target - d0) / (d1 - d0)
                seg = sec(min(max(x, 0.0), 1.0))
                return seg, self._distance(seg)
            for seg in sec:
                gap = abs(self._distance(seg) - target)
                if region.contains(self.tags[name], self._distance(seg)) and (nearest is None or gap < nearest[0]):
                    nearest = (gap, seg)
        if nearest is None:
            raise SpecError(f"site {site.name!r}: region {site.region!r} is empty on cell {self.spec.name!r}")
        tolerance = max(self.spec.max_segment_um, 5.0)
        if nearest[0] > tolerance and not snap:
            branches = self._site_branches(region, "origin")
            # ends and segment centres: the soma's ends lie L/2 from its centre, which is at 0 µm
            reach = [self._distance(point) for name, _, _ in branches
                     for point in (self.sections[name](0), *self.sections[name], self.sections[name](1))]
            raise SpecError(f"site {site.name!r}: no point of region {site.region!r} lies at "
                            f"{target:g} µm (nearest is {nearest[0]:.0f} µm away; the region has "
                            f"{self._count(len(branches))} on cell {self.spec.name!r}, spanning "
                            f"{min(reach):.0f}–{max(reach):.0f} µm path distance)")
        return nearest[1], self._distance(nearest[1])

    def _site_branches(self, region, order: str) -> list:
        """(name, start, end path distance in µm) of the branches of a region's tags with some point
        in its distance window, sorted by a site order (dendriteei.sites.ORDERS); ties keep spec order."""
        upper = math.inf if region.max_distance_um is None else region.max_distance_um
        spans = []
        for name, sec in self.sections.items():
            d0, d1 = self._distance(sec(0)), self._distance(sec(1))
            if self.tags[name] in region.tags and d1 >= region.min_distance_um and d0 < upper:
                spans.append((name, d0, d1))
        keys = {"origin": lambda s: s[1], "length": lambda s: -self.sections[s[0]].L, "extent": lambda s: -s[2]}
        return sorted(spans, key=keys[order])

    def _nearest_branches(self, name: str) -> str:
        """The valid branch names, or on a large cell the closest few and how to choose without names."""
        names = list(self.sections)
        if len(names) <= 12:
            return f"branches: {', '.join(names)}"
        close = difflib.get_close_matches(name, names, n=5, cutoff=0.0)
        return (f"cell {self.spec.name!r} has {len(names)} branches; closest names: {', '.join(close)} "
                f"(or choose by region and rank, e.g. oblique:0, see dendriteei.sites)")

    def _target_um(self, site: Site) -> float:
        """A region site's path distance (µm) from the soma centre (0 without a distance)."""
        if site.reference == "soma":
            return 0.0 if site.distance_um is None else site.distance_um
        target = self.spec.nexus_um + site.distance_um
        if target < 0.0:
            raise SpecError(f"site {site.name!r}: {site.distance_um:g} µm from the nexus lies before the soma "
                            f"on cell {self.spec.name!r}, whose nexus is at {self.spec.nexus_um:.0f} µm")
        return target

    def _resolve_ranked(self, site: Site, region):
        """Segment and distance of a site with a rank (see resolve)."""
        spans = self._site_branches(region, site.order)
        where = f"region {region.name!r} has {self._count(len(spans))} on cell {self.spec.name!r}"
        if site.distance_um is not None:
            target, total = self._target_um(site), len(spans)
            spans = [s for s in spans if s[1] - 1e-9 <= target <= s[2] + 1e-9
                     and region.contains(self.tags[s[0]], target)]
            where = (f"{len(spans)} of the {self._count(total)} of region {region.name!r} on cell "
                     f"{self.spec.name!r} reach {target:g} µm")
        if not -len(spans) <= site.rank < len(spans):
            ranks = f" (ranks 0..{len(spans) - 1}, or -{len(spans)}..-1 from the end)" if spans else ""
            raise SpecError(f"site {site.name!r}: rank {site.rank} is out of range: {where}{ranks}")
        name, d0, d1 = spans[site.rank]
        sec = self.sections[name]
        if site.distance_um is None:
            seg = sec(site.x)
            if not region.contains(self.tags[name], self._distance(seg)):
                raise SpecError(f"site {site.name!r}: x = {site.x:g} on branch {name!r} lies at "
                                f"{self._distance(seg):.0f} µm, outside region {region.name!r}")
        else:
            x = 0.5 if d1 == d0 else (target - d0) / (d1 - d0)
            seg = sec(min(max(x, 0.0), 1.0))
        return seg, self._distance(seg)

    @staticmethod
    def _count(branches: int) -> str:
        return f"{branches} branch" if branches == 1 else f"{branches} branches"

    def branch_of(self, site: Site) -> tuple:
        """(branch name, x) of the segment a site resolves to."""
        seg, _ = self.resolve(site)
        names = {sec: name for name, sec in self.sections.items()}
        return names[seg.sec], seg.x

    def is_beyond(self, site: Site, barrier: Site) -> bool:
        """True if ``site`` lies past ``barrier`` on the path leading away from the soma, i.e.
        a signal spreading out from the soma reaches ``site`` only through ``barrier``. Nothing
        lies beyond a barrier on the soma (the root), where the signal starts."""
        branch, x = self.branch_of(site)
        barrier_branch, barrier_x = self.branch_of(barrier)
        if barrier_branch == self.spec.root.name:
            return False
        parents = {b.name: (b.parent, b.parent_x) for b in self.spec.branches}
        while branch is not None:
            if branch == barrier_branch:
                return x > barrier_x
            branch, x = parents[branch]
        return False

    def distance_range(self, region: str) -> tuple:
        """(nearest, farthest) path distance (µm) of a region's segments."""
        distances = [self._distance(seg) for _, _, seg in self._segments_in(region)]
        if not distances:
            raise SpecError(f"region {region!r} is empty on cell {self.spec.name!r}")
        return min(distances), max(distances)


    def density_parameters(self) -> list:
        """(mechanism, parameter) of every painted per-area density (units S/cm², mho/cm², mA/cm²)."""
        h = self.h
        painted = sorted({p.mechanism for p in self.spec.paints if p.mechanism != MEMBRANE})
        return [(m, p) for m in painted for p in _parameters(h, m)
                if h.units(f"{p}_{m}").replace(" ", "") in AREA_DENSITY_UNITS]

    def segment_values(self, pairs) -> pd.DataFrame:
        """One row per segment (as :meth:`segments`: branch, x) with a column ``mechanism.parameter``
        per pair of ``pairs``: its value per one of the branch's m cables (0 where not inserted);
        ``("membrane", "cm")`` reads the capacitance (µF/cm²)."""
        rows = []
        for name, sec in self.sections.items():
            multiplicity = self._multiplicity[name]
            for seg in sec:
                row = {"branch": name, "x": seg.x}
                for mechanism, parameter in pairs:
                    if mechanism == MEMBRANE:
                        value = getattr(seg, parameter)
                    else:
                        value = getattr(seg, f"{parameter}_{mechanism}") if sec.has_membrane(mechanism) else 0.0
                    row[f"{mechanism}.{parameter}"] = value / multiplicity
                rows.append(row)
        return pd.DataFrame(rows)

    def has_mechanism(self, site: Site, mechanism: str) -> bool:
        """True if the density mechanism (e.g. 'dei_cad') is inserted where ``site`` resolves."""
        seg, _ = self.resolve(site)
        return bool(seg.sec.has_membrane(mechanism))

    def section_names(self) -> set:
        """NEURON names of this cell's sections."""
        return {sec.name() for sec in self.sections.values()}

    def spike_source(self):
        """The soma-centre segment, where spikes are detected."""
        return self.soma(0.5)


def build(spec: CellSpec) -> BuiltCell:
    """Build a cell in this process's NEURON."""
    return BuiltCell(spec)
