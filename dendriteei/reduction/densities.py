"""Channel densities of a reduced cell: each reduced segment gets the full cell's area-weighted
mean density, over the dendrite it stands for, of every painted channel (not the leak, which the
passive fit set), so that each bin of each pathway carries the full cell's channels per membrane
area whatever the distance profile inside the bin (a Linear or Exponential paint evaluated at one
segment centre would not)."""
from __future__ import annotations

import numpy as np
import pandas as pd

from ..engine import build
from ..spec import CellSpec, Paint, Region, Uniform

#: Densities the passive fit owns (the leak) and that are therefore not averaged here.
PASSIVE = (("pas", "g"),)


def averaged_densities(full: CellSpec, full_segments: pd.DataFrame, reduced: CellSpec,
                       points: pd.DataFrame) -> tuple:
    """(regions, paints) to add to ``reduced``: a region per reduced dendritic segment
    (``<branch>:<i>``) and a uniform paint per channel density on it: the area-weighted mean over
    the full cell's segments of the same pathway (tag), root group and distance from the roots
    (``points``: start_um, end_um)."""
    cell = build(full)
    pairs = [pair for pair in cell.density_parameters() if pair not in PASSIVE]
    values = cell.segment_values(pairs)
    del cell
    values = full_segments[["branch", "x", "tag", "group", "r_um", "area_um2"]].merge(values, on=["branch", "x"])
    # windows around the segment centres where the engine puts them (a child attached mid-section
    # hangs from its parent's nearest node, not from the exact parent_x the spec's spans assume)
    layout = build(reduced).segments()
    nseg = {b.name: b.nseg for b in reduced.branches}
    regions, paints = [], []
    for point in points.itertuples():
        r = values.r_um.to_numpy()
        inside = ((values.tag.to_numpy() == point.tag) & (values.group.to_numpy() == point.group)
                  & (r >= point.start_um) & (r < point.end_um))
        if not inside.any():
            continue
        area = values.area_um2.to_numpy()[inside]
        index = int(round(point.x * nseg[point.branch] - 0.5))
        own = layout[layout.branch == point.branch]
        segment = own.iloc[int(np.argmin(np.abs(own.x.to_numpy() - point.x)))]
        name = f"{point.branch}:{index}"
        half = segment.length_um / 2.0
        regions.append(Region(name, (point.tag,), max(segment.distance_um - half, 0.0), segment.distance_um + half))
        for mechanism, parameter in pairs:
            mean = float(np.average(values[f"{mechanism}.{parameter}"].to_numpy()[inside], weights=area))
            if mean > 0.0:
                paints.append(Paint(name, mechanism, parameter, Uniform(mean)))
    return tuple(regions), tuple(paints)
