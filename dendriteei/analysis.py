"""Trace measurements (numpy only)."""
from __future__ import annotations

import numpy as np


def spike_half_width_ms(t: np.ndarray, v: np.ndarray, v_base_mV: float) -> float:
    """Full width (ms) of the first spike at half its height above v_base_mV,
    with linear interpolation of the crossing times."""
    peak = int(np.argmax(v))
    half = v_base_mV + 0.5 * (v[peak] - v_base_mV)
    up = np.flatnonzero((v[:peak] < half) & (v[1:peak + 1] >= half))
    down = peak + np.flatnonzero((v[peak:-1] >= half) & (v[peak + 1:] < half))
    if up.size == 0 or down.size == 0:
        raise ValueError("the trace holds no complete spike above half height")
    i, j = up[-1], down[0]
    t_up = t[i] + (half - v[i]) * (t[i + 1] - t[i]) / (v[i + 1] - v[i])
    t_down = t[j] + (half - v[j]) * (t[j + 1] - t[j]) / (v[j + 1] - v[j])
    return float(t_down - t_up)


def input_resistance_MOhm(delta_v_mV: float, current_nA: float) -> float:
    """Steady-state input resistance (MΩ) from a voltage change and a current step."""
    return delta_v_mV / current_nA
