"""Active fit of a reduced cell: per pathway, the dendritic Na density that gives the full cell's
bAP amplitude; in the hot zone, the Ca channel density at which the full cell's BAC threshold
evokes the Ca spike.

The reduced cable carries the full cell's mean densities (:mod:`.densities`), but its coarser
segments (d_lambda 0.3) and merged branches pass the bAP a little differently, and the Ca spike
is all-or-none, so a small mismatch shifts its threshold. One factor per target, found by
bisection on its logarithm (deterministic)."""
from __future__ import annotations

import math
from dataclasses import replace

import numpy as np

from ..spec import CellSpec, Uniform
from .measures import Numerics, bac, bap_amplitudes

#: Range of the fitted factors: a factor at a bound means the reduced cable cannot do what the
#: full dendrite does with a plausible density (reported, not hidden).
FACTOR_RANGE = (0.25, 4.0)
#: Bisection steps on log(factor): 2**-7 of the log range, ≈ 2 % in the factor.
STEPS = 7
#: Dendritic Na mechanism scaled per pathway, and the hot zone's Ca channels.
DENDRITIC_NA = "dei_nad"
HOT_ZONE_CA = ("dei_cahva", "dei_cat")


def scaled(spec: CellSpec, regions, mechanisms, factor: float) -> CellSpec:
    """``spec`` with the reduced per-segment paints of ``mechanisms`` on ``regions`` (names) × factor."""
    regions, mechanisms = set(regions), set(mechanisms)
    paints = tuple(replace(p, value=Uniform(p.value.value * factor))
                   if p.region in regions and p.mechanism in mechanisms and p.parameter == "gbar" else p
                   for p in spec.paints)
    return spec.replace(paints=paints)


def _bisect(measure, target: float, increasing: bool = True, upper: bool = False) -> float:
    """Factor in FACTOR_RANGE where ``measure(factor)`` meets ``target`` (bisection in log): the
    final bracket's middle, or with ``upper`` its end where the measure is above the target."""
    low, high = (math.log(f) for f in FACTOR_RANGE)
    for _ in range(STEPS):
        middle = (low + high) / 2.0
        above = measure(math.exp(middle)) > target
        if above == increasing:
            high = middle
        else:
            low = middle
    if upper:
        return math.exp(high if increasing else low)
    return math.exp((low + high) / 2.0)


def fit_bap(spec: CellSpec, pathway_regions: dict, full_amplitudes: dict, points: dict,
            numerics: Numerics = Numerics()) -> tuple:
    """Per pathway (trunk first: it carries the bAP to the others), the dendritic Na factor at which
    the bAP amplitudes at the pathway's mapped points are the full cell's on (geometric) average:
    mean log(reduced/full) = 0; returns (spec, factors)."""
    factors = {}
    for tag in sorted(pathway_regions, key=lambda t: (t != "trunk", t)):
        reference = np.log(np.maximum(full_amplitudes[tag], 1e-3))

        def log_ratio(factor, tag=tag, reference=reference):
            trial = scaled(spec, pathway_regions[tag], (DENDRITIC_NA,), factor)
            return float(np.mean(np.log(np.maximum(bap_amplitudes(trial, points[tag], numerics), 1e-3)) - reference))

        factors[tag] = _bisect(log_ratio, 0.0)
        spec = scaled(spec, pathway_regions[tag], (DENDRITIC_NA,), factors[tag])
    return spec, factors


def fit_hot_zone(spec: CellSpec, hot_regions, full_threshold_nA: float, dendrite_point, hot_point,
                 numerics: Numerics = Numerics()) -> tuple:
    """The hot zone's Ca channel factor at which a distal EPSP of the full cell's BAC threshold
    (peak, nA) just evokes the Ca spike on the reduced cell too, so that both thresholds agree
    (one BAC run per bisection step); returns (spec, factor)."""
    def ca_spike(factor):
        trial = scaled(spec, hot_regions, HOT_ZONE_CA, factor)
        return float(bac(trial, dendrite_point, hot_point, full_threshold_nA, numerics=numerics)["ca_spike"])

    factor = _bisect(ca_spike, 0.5, upper=True)
    return scaled(spec, hot_regions, HOT_ZONE_CA, factor), factor
