"""Vogels-type input spike trains (Vogels et al. 2011 Science 334:1569; ModelDB 143751): signal
groups of low-pass filtered noise, rectified rates and dead-time Poisson trains (numpy, seeded
by the caller's Generator)."""
from __future__ import annotations

import math

import numpy as np

#: Grid (ms) of the input signals: the time step of Vogels et al.'s code (ModelDB 143751).
SIGNAL_DT_MS = 0.1


def group_signals(n_groups: int, duration_s: float, tau_ms: float, sd: float,
                  rng: np.random.Generator) -> np.ndarray:
    """Normalised signals s_k(t) on the SIGNAL_DT_MS grid, shape (n_groups, steps) over duration_s
    (s): stationary Ornstein–Uhlenbeck processes (τ tau_ms, SD sd), sampled exactly."""
    from scipy.signal import lfilter  # imported here: scipy.signal costs ~1 s at import
    steps = int(round(duration_s * 1000.0 / SIGNAL_DT_MS)) + 1
    a = math.exp(-SIGNAL_DT_MS / tau_ms)
    kicks = rng.normal(0.0, sd * math.sqrt(1.0 - a * a), (n_groups, steps))
    start = rng.normal(0.0, sd, n_groups)
    return lfilter([1.0], [1.0, -a], kicks, axis=1, zi=(a * start)[:, None])[0]


def rates_hz(signals: np.ndarray, background_hz: float, peak_hz: float) -> np.ndarray:
    """Input rates (Hz): background_hz plus peak_hz per unit of the rectified signal."""
    return background_hz + peak_hz * np.maximum(signals, 0.0)


def dead_time_poisson(rate_hz: np.ndarray, duration_ms: float, dead_ms: float,
                      rng: np.random.Generator) -> np.ndarray:
    """Spike times (ms) of an inhomogeneous Poisson process with rate rate_hz (Hz, on the
    SIGNAL_DT_MS grid) and an absolute dead time (ms): thinning, then candidates inside the dead
    time of the last kept spike are removed."""
    peak = float(rate_hz.max())
    if peak <= 0.0:
        return np.empty(0)
    n = rng.poisson(peak * duration_ms / 1000.0)
    t = np.sort(rng.uniform(0.0, duration_ms, n))
    index = np.minimum((t / SIGNAL_DT_MS).astype(int), len(rate_hz) - 1)
    t = t[rng.random(n) * peak < rate_hz[index]]
    while dead_ms > 0.0 and len(t) > 1:
        close = np.diff(t) < dead_ms
        if not close.any():
            break
        # the first of each run of too-close spikes follows a kept spike: drop it, then re-check
        first = close & ~np.concatenate(([False], close[:-1]))
        t = np.delete(t, np.flatnonzero(first) + 1)
    return t


def exc_tuning(n_groups: int, n_per_group: int, preferred: int, base: float, amplitude: float,
               jitter: float, rng: np.random.Generator) -> np.ndarray:
    """E weights (units), shape (n_groups, n_per_group): base + amplitude/(1 + (k − preferred)^4)
    + U(0, jitter) for group k = 1…n_groups (Vogels 2011, inhib_plasticity.m)."""
    k = np.arange(1, n_groups + 1)[:, None]
    bell = base + amplitude / (1.0 + (k - preferred) ** 4.0)
    return bell + rng.uniform(0.0, jitter, (n_groups, n_per_group))
