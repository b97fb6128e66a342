"""Passive fit of a reduced cell: impedances at rest matched to the full cell's."""
from __future__ import annotations

import numpy as np
import pandas as pd
from scipy.optimize import least_squares

from ..engine.impedance import FIT_FREQUENCIES_HZ, rest_impedances

#: Bounds of the fitted scale factors on each pathway's multiplicity and diameter: the equivalent
#: cable starts exact for symmetric trees, so a factor beyond 4 means the geometry is not a tree
#: the cable can stand for.
SCALE_BOUNDS = (0.25, 4.0)
#: Weight of the pull of each log scale factor towards 0 (factor 1): the impedances alone leave
#: some factors nearly free (e.g. the oblique cable's area against the trunk's diameter), and the
#: equivalent cable's own geometry is the better guess there.
PRIOR_WEIGHT = 0.2
#: Weight of the somatic input impedance against one transfer impedance in the fit: the soma's is
#: what every somatic measure (rheobase, f–I, EPSP at the soma) sees.
SOMA_WEIGHT = 3.0


def full_targets(full_spec, full_segments: pd.DataFrame, reduced_points: pd.DataFrame) -> pd.DataFrame:
    """The full cell's transfer impedance (MΩ, soma ↔ point) averaged (geometric mean) over its
    segments that each reduced segment stands for (same pathway, same distance from the roots),
    per frequency (same tag, same root group, r_um in the reduced segment's range): reduced_points
    with columns target_MOhm, frequency_hz; and soma rows (branch None) with the full soma input
    impedance."""
    points = list(zip(full_segments.branch, full_segments.x)) or [(full_spec.root.name, 0.5)]
    z = rest_impedances(full_spec, points)
    rows = []
    for frequency, part in z.groupby("frequency_hz"):
        part = part.reset_index(drop=True)
        rows.append({"branch": None, "x": 0.5, "frequency_hz": frequency,
                     "target_MOhm": float(part.soma_input_MOhm.iloc[0])})
        part = part.iloc[:len(full_segments)]
        r = full_segments.r_um.to_numpy()
        for point in reduced_points.itertuples():
            inside = ((full_segments.tag.to_numpy() == point.tag) & (full_segments.group.to_numpy() == point.group)
                      & (r >= point.start_um) & (r < point.end_um))
            if not inside.any():
                continue
            rows.append({"branch": point.branch, "x": point.x, "frequency_hz": frequency,
                         "target_MOhm": float(np.exp(np.log(part.transfer_MOhm[inside]).mean()))})
    return pd.DataFrame(rows)


def residuals(reduced_spec, targets: pd.DataFrame) -> np.ndarray:
    """log(reduced/full) of each target impedance (soma input weighted by SOMA_WEIGHT)."""
    points = [(b, x) for b, x in zip(targets.branch, targets.x) if isinstance(b, str)]
    points = list(dict.fromkeys(points))
    z = rest_impedances(reduced_spec, points or [(reduced_spec.root.name, 0.5)], FIT_FREQUENCIES_HZ)
    soma = z.groupby("frequency_hz").soma_input_MOhm.first()
    transfer = {(b, round(x, 9), f): value for b, x, f, value in zip(z.branch, z.x, z.frequency_hz, z.transfer_MOhm)}
    out = [SOMA_WEIGHT * np.log(soma[t.frequency_hz] / t.target_MOhm) if not isinstance(t.branch, str)
           else np.log(transfer[(t.branch, round(t.x, 9), t.frequency_hz)] / t.target_MOhm)
           for t in targets.itertuples()]
    return np.array(out)


def fit_scales(make_spec, n_scales: int, targets: pd.DataFrame) -> tuple:
    """Scale factors (bounded by SCALE_BOUNDS, start 1) minimising the impedance residuals of
    ``make_spec(scales)``; returns (scales, rms log error). Deterministic (no random start)."""
    if n_scales == 0:
        return (), float(np.sqrt(np.mean(residuals(make_spec(()), targets) ** 2)))
    low, high = SCALE_BOUNDS
    def cost(scales):
        return np.concatenate([residuals(make_spec(tuple(scales)), targets), PRIOR_WEIGHT * np.log(scales)])

    result = least_squares(cost, np.ones(n_scales),
                           bounds=(np.full(n_scales, low), np.full(n_scales, high)), diff_step=1e-3,
                           xtol=1e-4, ftol=1e-4, max_nfev=60)
    fitted = tuple(float(s) for s in result.x)
    return fitted, float(np.sqrt(np.mean(residuals(make_spec(fitted), targets) ** 2)))
