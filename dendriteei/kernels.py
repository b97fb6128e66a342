"""Synaptic conductances reconstructed from spike times (numpy only).

Both synapse models used by the balance protocols are linear in their input, so a group's
conductance is its spike train filtered by the synapse's kernel; these helpers compute that
on a time grid.
"""
from __future__ import annotations

import math

import numpy as np


def kernel_filter(t0: float, n: int, dt: float, times: np.ndarray, amplitudes: np.ndarray,
                  taus: tuple, coefficients: tuple) -> np.ndarray:
    """Σ_spikes amplitude · Σ_j c_j exp(−(t − t_s)/τ_j) on the grid t0 + i·dt (i < n; times
    in ms), each spike placed on the grid point at or after it with its exact sub-step decay."""
    from scipy.signal import lfilter  # imported here: scipy.signal costs ~1 s at import
    out = np.zeros(n)
    keep = (times >= t0) & (times < t0 + n * dt)
    times, amplitudes = times[keep], amplitudes[keep]
    index = np.ceil((times - t0) / dt - 1e-9).astype(int)
    lag = t0 + index * dt - times
    inside = index < n
    for tau, c in zip(taus, coefficients):
        drive = np.zeros(n)
        np.add.at(drive, index[inside], c * amplitudes[inside] * np.exp(-lag[inside] / tau))
        out += lfilter([1.0], [1.0, -math.exp(-dt / tau)], drive)
    return out


def dual_exponential_factor(tau_r: float, tau_d: float) -> tuple:
    """(rise time used, peak-normalising factor) of a dual exponential with time constants in
    ms, as in dei_gaba's INITIAL block (rise capped at 0.9999·tau_d)."""
    tr = min(tau_r, 0.9999 * tau_d)
    tp = tr * tau_d / (tau_d - tr) * math.log(tau_d / tr)
    return tr, 1.0 / (math.exp(-tp / tau_d) - math.exp(-tp / tr))
