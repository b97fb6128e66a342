"""Spike-train statistics of a network run (numpy/pandas only): rates, irregularity, synchrony."""
from __future__ import annotations

import numpy as np
import pandas as pd


def cv_isi(spikes: pd.DataFrame, start_ms: float, stop_ms: float, min_spikes: int = 3) -> np.ndarray:
    """Coefficient of variation of the inter-spike intervals of every cell with ≥ min_spikes spikes
    in [start_ms, stop_ms) (1 for a Poisson process)."""
    window = spikes[(spikes.t_ms >= start_ms) & (spikes.t_ms < stop_ms)]
    values = []
    for _, t in window.groupby("gid").t_ms:
        if len(t) >= min_spikes:
            isi = np.diff(np.sort(t.to_numpy()))
            values.append(isi.std() / isi.mean())
    return np.array(values)


def pairwise_correlation(spikes: pd.DataFrame, gids, start_ms: float, stop_ms: float, bin_ms: float = 10.0,
                         n_pairs: int = 500, rng: np.random.Generator | None = None) -> np.ndarray:
    """Pearson correlations of the spike counts (bins of bin_ms) of up to n_pairs random pairs of
    distinct cells among ``gids`` with at least one spike in [start_ms, stop_ms)."""
    rng = rng or np.random.default_rng(0)
    window = spikes[(spikes.t_ms >= start_ms) & (spikes.t_ms < stop_ms) & spikes.gid.isin(gids)]
    active = np.unique(window.gid.to_numpy())
    if len(active) < 2:
        return np.array([])
    edges = np.arange(start_ms, stop_ms + bin_ms * 0.5, bin_ms)
    index = {g: i for i, g in enumerate(active)}
    counts = np.zeros((len(active), len(edges) - 1))
    rows = np.array([index[g] for g in window.gid.to_numpy()])
    cols = np.clip(np.searchsorted(edges, window.t_ms.to_numpy(), side="right") - 1, 0, len(edges) - 2)
    np.add.at(counts, (rows, cols), 1)
    a = rng.integers(0, len(active), n_pairs)
    b = rng.integers(0, len(active), n_pairs)
    keep = a != b
    x, y = counts[a[keep]], counts[b[keep]]
    x = x - x.mean(axis=1, keepdims=True)
    y = y - y.mean(axis=1, keepdims=True)
    norm = np.sqrt((x * x).sum(axis=1) * (y * y).sum(axis=1))
    ok = norm > 0
    return (x * y).sum(axis=1)[ok] / norm[ok]


def time_to_band_ms(t_ms: np.ndarray, rate_hz: np.ndarray, target_hz: float, tolerance: float,
                    after_ms: float = 0.0) -> float:
    """First time ≥ after_ms from which the rate stays within target ± tolerance·target to the end
    (NaN if it never settles there)."""
    inside = np.abs(rate_hz - target_hz) <= tolerance * target_hz
    inside &= t_ms >= after_ms
    outside_after = np.flatnonzero(~inside & (t_ms >= after_ms))
    if not inside.any():
        return float("nan")
    start = 0 if len(outside_after) == 0 else outside_after[-1] + 1
    return float(t_ms[start]) if start < len(t_ms) else float("nan")
