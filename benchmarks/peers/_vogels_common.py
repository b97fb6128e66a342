"""Helpers shared by the peer-simulator scripts of the Vogels et al. 2011 network.

Only numpy and the standard library: the scripts import this module before (or without)
the simulator, and no simulator-specific code lives here.
"""
import json
import resource
import sys

import numpy as np

REQUIRED_KEYS = (
    "n_exc", "n_inh", "p_connect",
    "c_m_pF", "g_leak_nS", "e_leak_mV", "e_exc_mV", "e_inh_mV",
    "v_thresh_mV", "v_reset_mV", "t_ref_ms", "i_bg_pA",
    "tau_exc_ms", "tau_inh_ms",
    "w_exc_nS", "w_ii_nS", "w_ie_init_nS", "w_ie_max_nS",
    "eta_nS", "rho0_hz", "tau_stdp_ms",
    "t_static_s", "t_plastic_s", "dt_ms", "delay_ms", "v_init", "seed",
)


def load_params(path: str) -> dict:
    """Read PARAMS.json, check that every key is there and that v_init is the supported draw."""
    with open(path) as handle:
        params = json.load(handle)
    missing = [key for key in REQUIRED_KEYS if key not in params]
    if missing:
        sys.exit(f"{path}: missing keys {missing}")
    if not str(params["v_init"]).startswith("uniform"):
        sys.exit(f"{path}: v_init {params['v_init']!r} is not supported; only "
                 "'uniform(v_reset_mV, v_thresh_mV)' (uniform in [v_reset, v_thresh)) is")
    if params["delay_ms"] < params["dt_ms"]:
        sys.exit(f"{path}: delay_ms must be at least dt_ms (NEST's minimum delay is one step)")
    return params


def alpha(params: dict) -> float:
    """Vogels' depression constant alpha = 2 * rho0 * tau_STDP (dimensionless)."""
    return 2.0 * params["rho0_hz"] * params["tau_stdp_ms"] * 1e-3


def t_total_s(params: dict) -> float:
    return params["t_static_s"] + params["t_plastic_s"]


def rates_by_second(times_s: np.ndarray, n_neurons: int, t_total: float) -> list:
    """Population rate (Hz per neuron) in consecutive 1 s bins; a last partial bin by its length."""
    edges = np.arange(0.0, t_total, 1.0)
    edges = np.append(edges, t_total)
    counts, _ = np.histogram(np.asarray(times_s, dtype=float), bins=edges)
    return [float(c) / (n_neurons * (hi - lo)) for c, lo, hi in zip(counts, edges[:-1], edges[1:])]


def final_rate(times_s: np.ndarray, n_neurons: int, t_total: float, window_s: float = 1.0) -> float:
    """Population rate (Hz per neuron) over the last window_s of the run."""
    times_s = np.asarray(times_s, dtype=float)
    start = max(0.0, t_total - window_s)
    return float(np.count_nonzero(times_s >= start)) / (n_neurons * (t_total - start))


def synaptic_events(spike_counts: np.ndarray, out_degree: np.ndarray) -> int:
    """Delivered events: for every spike, the number of outgoing synapses of the neuron that fired."""
    return int(np.dot(np.asarray(spike_counts, dtype=np.int64), np.asarray(out_degree, dtype=np.int64)))


def activity(counts: np.ndarray, out_degree: np.ndarray, t_e: np.ndarray, t_i: np.ndarray, n_exc: int,
             n_inh: int, t_total: float, w_ie: np.ndarray) -> dict:
    """The result fields every peer reports from its spikes (s), spike counts, out-degrees and
    final I→E weights (nS)."""
    return {
        "n_spikes_exc": int(counts[:n_exc].sum()),
        "n_spikes_inh": int(counts[n_exc:].sum()),
        "synaptic_events": synaptic_events(counts, out_degree),
        "rate_exc_hz_by_s": rates_by_second(t_e, n_exc, t_total),
        "rate_inh_hz_by_s": rates_by_second(t_i, n_inh, t_total),
        "rate_exc_final_hz": final_rate(t_e, n_exc, t_total),
        "rate_inh_final_hz": final_rate(t_i, n_inh, t_total),
        "mean_w_ie_final_nS": float(w_ie.mean()) if w_ie.size else 0.0,
    }


def peak_rss_mb(include_children: bool = False) -> dict:
    """Peak resident set sizes (getrusage; Linux reports kB) and CPU times: this process and, if asked,
    its children.

    ru_maxrss of RUSAGE_CHILDREN is the largest single waited-for child (e.g. the compiler or the
    standalone binary), not a sum; peak_rss_MB adds it to this process's peak as an upper bound.
    """
    usage = resource.getrusage(resource.RUSAGE_SELF)
    self_mb = usage.ru_maxrss / 1024.0
    # CPU time (user + system) so far: on a shared machine wall time alone hides lost cycles.
    out = {"peak_rss_MB": self_mb, "peak_rss_self_MB": self_mb, "cpu_self_s": usage.ru_utime + usage.ru_stime}
    if include_children:
        children = resource.getrusage(resource.RUSAGE_CHILDREN)
        child_mb = children.ru_maxrss / 1024.0
        out["peak_rss_children_MB"] = child_mb
        out["peak_rss_MB"] = self_mb + child_mb
        out["cpu_children_s"] = children.ru_utime + children.ru_stime
    return out


def finish(result: dict, out_path: str) -> None:
    """events_per_s, rounding, write RESULT.json and print a one-line summary."""
    result["events_per_s"] = result["synaptic_events"] / result["run_s"] if result["run_s"] > 0 else None
    with open(out_path, "w") as handle:
        json.dump(result, handle, indent=1)
        handle.write("\n")
    print(f"{result['simulator']}: wall {result['wall_s']:.1f} s (build {result['build_s']:.1f} s, "
          f"run {result['run_s']:.1f} s"
          + (f", compile {result['compile_s']:.1f} s" if "compile_s" in result else "")
          + f"), {result['events_per_s']:.3g} events/s, peak RSS {result['peak_rss_MB']:.0f} MB, "
          f"E rate final {result['rate_exc_final_hz']:.2f} Hz, I rate final {result['rate_inh_final_hz']:.2f} Hz, "
          f"mean w_IE {result['mean_w_ie_final_nS']:.2f} nS", flush=True)
