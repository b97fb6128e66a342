"""Measurements on traces and result tables (numpy and pandas, no simulation)."""
from __future__ import annotations

import numpy as np
import pandas as pd

from .balance import pearson
from .parameters import ParameterError


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


def plateau_width_ms(t: np.ndarray, v: np.ndarray, threshold_mV: float) -> float:
    """Longest continuous time (ms) that v stays above threshold_mV."""
    above = v > threshold_mV
    if not above.any():
        return 0.0
    edges = np.diff(np.concatenate(([0], above.astype(int), [0])))
    starts, stops = np.flatnonzero(edges == 1), np.flatnonzero(edges == -1) - 1
    return float(max(t[b] - t[a] for a, b in zip(starts, stops)))


def timing_window(summary: pd.DataFrame, site: str, g_nS: float, criterion: str = "bap") -> dict:
    """Onsets (ms, relative to the somatic spike) at which conductance g (nS) gates in a bap-gating
    summary: first, last and width (last − first, so resolution = the onset grid step). criterion
    'bap' uses the site's ``blocked`` flag, 'ca_spike' the loss of the hot-zone Ca spike."""
    rows = summary[(summary.site == site) & np.isclose(summary.g_nS, g_nS)].sort_values("onset_ms")
    if rows.empty:
        raise ParameterError(f"no rows for site {site!r} at g = {g_nS} nS")
    gated = rows.blocked if criterion == "bap" else ~rows.ca_spike
    onsets = rows.onset_ms[gated.to_numpy()]
    if onsets.empty:
        return {"first_ms": np.nan, "last_ms": np.nan, "width_ms": 0.0}
    return {"first_ms": float(onsets.min()), "last_ms": float(onsets.max()),
            "width_ms": float(onsets.max() - onsets.min())}


def strongest_gating(summary: pd.DataFrame) -> tuple:
    """(g_nS, onset_ms) of a bap-gating summary's strongest condition: the largest conductance, at
    the onset where the gated site's bAP is smallest relative to control (ties: the earliest row)."""
    strongest = summary[summary.g_nS == summary.g_nS.max()]
    at_gated = strongest[strongest.site == strongest.gated_site]
    worst = at_gated.sort_values("relative_amplitude", kind="stable").iloc[0]
    return float(worst.g_nS), float(worst.onset_ms)


def peaks_above_rest(t: np.ndarray, values: np.ndarray, rest_ms: float, start_ms: float, stop_ms: float) -> tuple:
    """Per row of values (rows × len(t), e.g. v at every segment): the value at rest_ms (linear
    interpolation), the peak over start_ms ≤ t ≤ stop_ms and its time (ms); NaN rows give NaN."""
    i = int(np.clip(np.searchsorted(t, rest_ms, side="right"), 1, len(t) - 1))   # t[i-1] <= rest_ms < t[i]
    weight = (rest_ms - t[i - 1]) / (t[i] - t[i - 1]) if t[i] > t[i - 1] else 0.0
    rest = values[:, i - 1] + weight * (values[:, i] - values[:, i - 1])
    window = (t >= start_ms) & (t <= stop_ms)
    peak = values[:, window].max(axis=1)
    return rest, peak, t[window][np.nan_to_num(values[:, window], nan=-np.inf).argmax(axis=1)]


def cotuning_r(summary: pd.DataFrame, column: str = "w_inh_final") -> float:
    """Pearson r across groups between E weight (w_exc) and the I weights in ``column``."""
    return pearson(summary.w_exc, summary[column])


def final_rate_hz(time_course: pd.DataFrame, fraction: float = 0.2) -> float:
    """Mean output rate (Hz, column rate_hz) over the last ``fraction`` of the bins."""
    n = max(1, int(round(len(time_course) * fraction)))
    return float(time_course.rate_hz.iloc[-n:].mean())


def convergence_time_s(time_course: pd.DataFrame, rho0_hz: float, tolerance: float = 0.3,
                       window: int = 20) -> float:
    """First time (s, column t_s) after which the running mean rate over ``window`` bins stays
    within ±tolerance·ρ0 (Hz) of ρ0 until the end; NaN if it never does."""
    mean = time_course.rate_hz.rolling(window).mean().to_numpy()
    inside = np.abs(mean - rho0_hz) <= tolerance * rho0_hz
    inside[:window - 1] = False
    if not inside[-1]:
        return float("nan")
    outside = np.flatnonzero(~inside)
    first = outside[-1] + 1 if len(outside) else window - 1
    return float(time_course.t_s.iloc[first])
