"""E/I balance metrics from recorded excitatory and inhibitory inputs (numpy/pandas, no NEURON).

The four types of Box 2 of Wu, Miehl & Gjorgjieva 2022 (Trends Neurosci, in seeds/000):

- **global**: E and I are correlated across the population of (unit, stimulus) pairs pooled
  together, not necessarily within a unit: :func:`global_balance` (pooled Pearson r and the
  overall E/I ratio).
- **detailed**: E and I are co-tuned within each unit across stimuli (here: a unit is a neuron
  or a dendritic branch, a stimulus an input group or pathway): :func:`detailed_balance`.
- **tight**: E and I track each other on a millisecond time scale; **loose** otherwise (only on
  average over longer windows): :func:`temporal_balance`. **precise** = tight + detailed.

Inputs are magnitudes of one kind per call: conductances (nS), or currents as positive numbers
(pass −i_exc and +i_inh with NEURON's sign convention). Every function rejects NaN, infinite
values and mismatched shapes with a ValueError.
"""
from __future__ import annotations

from dataclasses import dataclass

import warnings

import numpy as np
import pandas as pd

#: Correlation above which E and I count as balanced in :func:`temporal_balance`. Box 2 gives no
#: number; 0.5 is dendriteei's convention (half of the variance of one shared with the other).
BALANCE_R = 0.5
#: Time scale (ms) separating "fast" from "slow" co-fluctuations: E and I tracking within
#: ~10 ms counts as tight (in vivo, I lags E by a few ms: Okun & Lampl 2008 Nat Neurosci 11:535).
FAST_MS = 10.0
#: Window (ms) over which loose balance is judged (averages over 100 ms).
SLOW_MS = 100.0


def _pair(exc, inh, name: str = "") -> tuple:
    """E and I as finite float arrays of equal shape."""
    exc, inh = np.asarray(exc, dtype=float), np.asarray(inh, dtype=float)
    label = f" ({name})" if name else ""
    if exc.shape != inh.shape:
        raise ValueError(f"E and I must have the same shape{label}: {exc.shape} vs {inh.shape}")
    if exc.size == 0:
        raise ValueError(f"E and I are empty{label}")
    if not (np.all(np.isfinite(exc)) and np.all(np.isfinite(inh))):
        raise ValueError(f"E and I must be finite{label}: found NaN or infinite values")
    return exc, inh


def pearson(x, y) -> float:
    """Pearson r of two equal-length 1-D samples; NaN when either is constant (r undefined)."""
    x, y = _pair(x, y)
    if x.ndim != 1 or len(x) < 3:
        raise ValueError(f"need 1-D samples of at least 3 values, got shape {x.shape}")
    if np.ptp(x) <= 1e-12 * np.abs(x).max() or np.ptp(y) <= 1e-12 * np.abs(y).max():
        return float("nan")
    sx, sy = x - x.mean(), y - y.mean()
    return float((sx * sy).sum() / np.sqrt((sx * sx).sum() * (sy * sy).sum()))


def ei_ratio(exc, inh) -> float:
    """Ratio of mean E to mean I over all given values (the E/I ratio of the review, Box 2);
    pass magnitudes (negative values raise ValueError). NaN, with a warning, when there is no
    inhibition (all I zero: plasticity can remove every inhibitory weight of a branch)."""
    exc, inh = _pair(exc, inh)
    if exc.min() < 0 or inh.min() < 0:
        raise ValueError(f"E/I ratio needs magnitudes ≥ 0 (got minima {exc.min():.3g}, {inh.min():.3g}); "
                         "pass conductances or current magnitudes")
    if inh.mean() == 0:
        warnings.warn("E/I ratio undefined: no inhibition (all I values are 0); reported as NaN", stacklevel=2)
        return float("nan")
    return float(exc.mean() / inh.mean())


def _table(table: pd.DataFrame, columns: tuple) -> pd.DataFrame:
    missing = [c for c in columns if c not in table]
    if missing:
        raise ValueError(f"table lacks column(s) {', '.join(missing)}; has {', '.join(map(str, table.columns))}")
    _pair(table[columns[-2]], table[columns[-1]])
    return table


def detailed_balance(table: pd.DataFrame, unit: str = "branch", stimulus: str = "group",
                     exc: str = "g_exc", inh: str = "g_inh") -> pd.DataFrame:
    """Co-tuning within each unit: one row per unit with n_stimuli, r (Pearson r of E and I
    across the unit's stimuli; NaN if either is flat) and ei_ratio (mean E / mean I). Each
    (unit, stimulus) must appear once."""
    table = _table(table, (unit, stimulus, exc, inh))
    if table.duplicated([unit, stimulus]).any():
        raise ValueError(f"each ({unit}, {stimulus}) pair must appear once; average repeats first")
    rows = []
    for name, part in table.groupby(unit, sort=False):
        rows.append({unit: name, "n_stimuli": len(part), "r": pearson(part[exc], part[inh]),
                     "ei_ratio": ei_ratio(part[exc], part[inh])})
    return pd.DataFrame(rows)


@dataclass(frozen=True)
class GlobalBalance:
    """r_pooled: Pearson r of E and I over all (unit, stimulus) pairs; r_within_mean: mean of
    the per-unit r (detailed balance); ei_ratio: mean E / mean I over everything."""
    r_pooled: float
    r_within_mean: float
    ei_ratio: float


def global_balance(table: pd.DataFrame, unit: str = "branch", stimulus: str = "group",
                   exc: str = "g_exc", inh: str = "g_inh") -> GlobalBalance:
    """Population-level balance (Box 2 Fig. IA: high pooled correlation of E and I over
    unit–stimulus pairs, whether or not each unit is co-tuned), beside the mean within-unit r."""
    detail = detailed_balance(table, unit, stimulus, exc, inh)
    within = detail.r.dropna()
    return GlobalBalance(r_pooled=pearson(table[exc], table[inh]),
                         r_within_mean=float(within.mean()) if len(within) else float("nan"),
                         ei_ratio=ei_ratio(table[exc], table[inh]))


@dataclass(frozen=True)
class TemporalBalance:
    """r_fast: peak correlation of the fast parts of E and I (each minus its running mean over
    fast_ms) over lags |lag| ≤ max_lag_ms; lag_ms: lag of that peak (> 0: I lags E); r_slow:
    correlation of E and I averaged in slow_ms bins; kind: 'tight' if r_fast ≥ threshold,
    else 'loose' if r_slow ≥ threshold, else 'none'."""
    r_fast: float
    lag_ms: float
    r_slow: float
    kind: str


def _running_mean(x: np.ndarray, width: int) -> np.ndarray:
    """Centred running mean over ``width`` samples (edges use the available samples)."""
    kernel = np.ones(width)
    return np.convolve(x, kernel, "same") / np.convolve(np.ones_like(x), kernel, "same")


def temporal_balance(exc, inh, dt_ms: float, fast_ms: float = FAST_MS, slow_ms: float = SLOW_MS,
                     max_lag_ms: float = FAST_MS, threshold: float = BALANCE_R) -> TemporalBalance:
    """Tight vs loose balance of two time series sampled every dt_ms (ms) (Box 2 Fig. IC, ID).
    The fast parts keep fluctuations faster than ~fast_ms; their cross-correlation is searched
    over lags up to max_lag_ms. The series must span at least 3 slow_ms bins."""
    exc, inh = _pair(exc, inh)
    if exc.ndim != 1:
        raise ValueError(f"E and I must be 1-D time series, got shape {exc.shape}")
    if not (dt_ms > 0 and fast_ms >= 2 * dt_ms and slow_ms >= fast_ms and max_lag_ms >= 0):
        raise ValueError(f"need dt_ms > 0, fast_ms ≥ 2 dt_ms, slow_ms ≥ fast_ms, max_lag_ms ≥ 0 "
                         f"(got {dt_ms}, {fast_ms}, {slow_ms}, {max_lag_ms} ms)")
    per_bin = int(round(slow_ms / dt_ms))
    n_bins = len(exc) // per_bin
    if n_bins < 3:
        raise ValueError(f"the series spans {len(exc) * dt_ms:g} ms, fewer than 3 bins of slow_ms = {slow_ms:g} ms")
    width = int(round(fast_ms / dt_ms)) | 1
    fe, fi = exc - _running_mean(exc, width), inh - _running_mean(inh, width)
    best_r, best_lag = -np.inf, 0
    for lag in range(-int(round(max_lag_ms / dt_ms)), int(round(max_lag_ms / dt_ms)) + 1):
        a, b = (fe[:len(fe) - lag], fi[lag:]) if lag >= 0 else (fe[-lag:], fi[:lag])
        r = pearson(a, b)
        if np.isfinite(r) and r > best_r:
            best_r, best_lag = r, lag
    if not np.isfinite(best_r):
        best_r = float("nan")
    slow_e = exc[:n_bins * per_bin].reshape(n_bins, per_bin).mean(axis=1)
    slow_i = inh[:n_bins * per_bin].reshape(n_bins, per_bin).mean(axis=1)
    r_slow = pearson(slow_e, slow_i)
    kind = "tight" if best_r >= threshold else "loose" if r_slow >= threshold else "none"
    return TemporalBalance(r_fast=float(best_r), lag_ms=best_lag * dt_ms, r_slow=r_slow, kind=kind)
