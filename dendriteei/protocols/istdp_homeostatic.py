"""Homeostatic iSTDP (Zenke, Agnes & Gerstner 2015 Nat Commun 6:6922): the sign and size of a
pairing's weight change follow the global factor G = H − γ, set by the excitatory population.

The experiment of seeds/003 (Brian2 example of Zenke et al. 2015 by P. Brodersen): N_E = 1000
independent Poisson excitatory sources whose common rate steps through ``rates_hz`` in epochs
of ``epoch_ms``; H (Hz) is their mean rate low-passed with τ_H,

    dH/dt = −H/τ_H + (1/N_E) Σ_k δ(t − t_k)        (H jumps by 1/(τ_H N_E) per E spike),

and in each epoch one inhibitory pre spike is followed Δt later by one post spike. The rule
(science.md §4; mod/dei_gaba.mod, ``homeostatic = 1``): on pre w += η G x_post, on post
w += η G (x_pre + 1), so an isolated pre→post pair gives Δw = η G (1 + e^{−Δt/τ_STDP}):
potentiation of inhibition above the target rate γ, depression below it.

Implementation. One ``dei_gaba`` synapse (homeostatic = 1) on the soma gets the pre spikes
(kind 0), explicit post events at exact times (kind 1; as in :mod:`.istdp_window`, the post
spike is an event, not a somatic spike, which isolates the rule) and the excitatory spikes
(kind 2). The E population is not modelled as synapses on the cell: each source's Poisson
train is drawn separately, and all trains are merged into one sorted event stream on a
single kind-2 NetCon. This is exactly equivalent to one NetCon per source, because every
kind-2 event adds the same jump 1000/(τ_H N_E) Hz to H whichever connection brings it (and
N_E is set as ``n_exc``), and it keeps the post update (which loops over the synapse's
NetCons) short.

G at the pairing is read from one probe ``dei_gaba`` per epoch (no presynaptic connection,
η = 0): it receives the same E stream up to the epoch's post time and one post event then,
which sets its readouts H, G to their values at exactly t_post (readouts during a fixed-step
run would be those of the step end). Weights are read at the epoch boundaries.

Differences from seeds/003: τ_H = 100 ms as in the seed (Zenke et al. 2015 use 10 s; the
seed shortens it for short runs); the pair comes at ``pair_phase`` of each epoch (seed: mid
epoch, 0.5; here late, 0.9, so that H has relaxed for 9 τ_H); weights are bounded
(w_min = 0, w_max) and start mid-range, the seed starts from 0 with no bound; and the seed's
last plot labels w(before) − w(after) as Δw (sign inverted, seeds/README.md), while the
summary and figure here give the true Δw = w_after − w_before.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..catalogue import GABA_POST_SOURCES, GABA_RULES
from ..engine import Simulation, build
from ..parameters import ParameterError, parameter
from ..synapses import ExplicitSpikes, PoissonSpikes, SynapseGroup
from .common import ProtocolResult, RunParams, cell_spec


@dataclass(frozen=True)
class IstdpHomeostaticParams(RunParams):
    cell: str = parameter("point_soma", "", doc="built-in cell name, or morphology (.swc, .asc, .h5) / cell-spec .json; the synapse "
                          "sits on the soma and gets explicit post events, so the cell does not change Δw")
    rates_hz: tuple = parameter((0.0, 2.5, 5.0, 7.5, 10.0), "Hz", 0.0, 1000.0,
                                "rate of every excitatory source, one value per epoch (seeds/003: 0–10 Hz "
                                "in 2.5 Hz steps)")
    epoch_ms: float = parameter(1000.0, "ms", 10.0, 1e6, "duration of each rate epoch (seeds/003: 1 s)")
    n_exc: int = parameter(1000, "", 1, 100000, "number of excitatory Poisson sources N_E (seeds/003: 1000)")
    tau_H_ms: float = parameter(100.0, "ms", 1.0, 1e6, "time constant τ_H of H; 100 ms as in seeds/003 "
                                "(Zenke et al. 2015 use 10 s, the seed shortens it for short runs)")
    gamma_hz: float = parameter(5.0, "Hz", 0.0, 1000.0, "target excitatory rate γ, G = H − γ (seeds/003)")
    eta: float = parameter(0.001, "µS/Hz", 0.0, 1.0, "learning rate η: seeds/003 η = 1 nS·s = 0.001 µS/Hz")
    tau_stdp_ms: float = parameter(20.0, "ms", 0.1, 1000.0, "trace time constant τ_STDP (Zenke et al. 2015; "
                                   "seeds/003)")
    pair_dt_ms: float = parameter(1.0, "ms", 0.01, 100.0, "Δt = t_post − t_pre of the pair in each epoch, "
                                  "pre first (seeds/003: 1 ms)")
    pair_phase: float = parameter(0.9, "", 0.05, 0.99, "fraction of each epoch at which the pre spike comes "
                                  "(seeds/003: 0.5)")
    w_init_uS: float = parameter(0.05, "µS", 0.0, 10.0, "weight at the start: w_max/2, so that the pairs "
                                 "(|Δw| ≤ 2η|G|) stay inside the bounds (seeds/003: 0, unbounded)")
    w_max_uS: float = parameter(0.1, "µS", 0.0, 10.0, "upper weight bound: Vogels et al. 2011 gmax = 100 nS "
                                "(ModelDB 143751); the lower bound is 0")
    sample_ms: float = parameter(1.0, "ms", 0.01, 1000.0, "sampling interval of the H, G and w traces")
    seed: int = parameter(1, "", 0, 2**31 - 1, "seed of the Poisson excitatory trains")

    def check(self) -> None:
        """Cross-parameter rules (ParameterError)."""
        if self.pair_phase * self.epoch_ms + self.pair_dt_ms >= self.epoch_ms:
            raise ParameterError(f"the post spike at pair_phase·epoch_ms + pair_dt_ms = "
                                 f"{self.pair_phase * self.epoch_ms + self.pair_dt_ms} ms falls outside the "
                                 f"epoch of {self.epoch_ms} ms")
        if self.w_init_uS > self.w_max_uS:
            raise ParameterError(f"w_init_uS = {self.w_init_uS} µS exceeds w_max_uS = {self.w_max_uS} µS")


def expected_h(t_ms: float, starts_ms, stops_ms, rates_hz, tau_h_ms: float, n_exc: int) -> tuple:
    """Mean and SD (Hz) of H at t_ms for Poisson sources at rates_hz[k] in [starts_ms[k],
    stops_ms[k]) and H = 0 before: shot noise with jump a = 1000/(τ_H N_E) Hz at total rate
    λ = N_E r/1000 per ms, mean Σ_k r_k (e^{−(t−u_k)/τ} − e^{−(t−s_k)/τ}) and variance
    Σ_k (1000 r_k / (2 τ_H N_E)) (e^{−2(t−u_k)/τ} − e^{−2(t−s_k)/τ}), u_k = min(t, stop_k)
    (Campbell's theorem)."""
    mean = var = 0.0
    for start, stop, rate in zip(starts_ms, stops_ms, rates_hz):
        if start >= t_ms:
            continue
        upto = min(t_ms, stop)
        mean += rate * (math.exp(-(t_ms - upto) / tau_h_ms) - math.exp(-(t_ms - start) / tau_h_ms))
        var += (1000.0 * rate / (2.0 * tau_h_ms * n_exc)) * (math.exp(-2.0 * (t_ms - upto) / tau_h_ms)
                                                             - math.exp(-2.0 * (t_ms - start) / tau_h_ms))
    return mean, math.sqrt(var)


def expected_dw(g_hz, eta: float, pair_dt_ms: float, tau_stdp_ms: float):
    """Δw of an isolated pre→post pair Δt apart: η G (1 + e^{−Δt/τ_STDP}) (Zenke et al. 2015)."""
    return eta * np.asarray(g_hz, dtype=float) * (1.0 + math.exp(-pair_dt_ms / tau_stdp_ms))


def excitatory_trains(params: IstdpHomeostaticParams, starts_ms) -> list:
    """One sorted spike-time array per epoch: the n_exc sources' Poisson trains merged."""
    rng = np.random.default_rng(params.seed)
    trains = []
    for start, rate in zip(starts_ms, params.rates_hz):
        source = PoissonSpikes(rate, start, start + params.epoch_ms)
        trains.append(np.sort(np.concatenate([source.times(rng) for _ in range(params.n_exc)])))
    return trains


def run(params: IstdpHomeostaticParams = IstdpHomeostaticParams(), spec=None) -> ProtocolResult:
    """One row per epoch: rate, H and G at the pairing, weights and Δw against
    η G (1 + e^{−Δt/τ}). Traces: H, G and w of the synapse every sample_ms."""
    spec = spec or cell_spec(params.cell)
    n_epochs = len(params.rates_hz)
    starts = [params.settle_ms + k * params.epoch_ms for k in range(n_epochs)]
    stops = [s + params.epoch_ms for s in starts]
    t_pre = [s + params.pair_phase * params.epoch_ms for s in starts]
    t_post = [t + params.pair_dt_ms for t in t_pre]
    trains = excitatory_trains(params, starts)
    exc_times = np.concatenate(trains)
    rule = {"homeostatic": GABA_RULES["homeostatic"], "tau_H": params.tau_H_ms, "gamma_hz": params.gamma_hz,
            "n_exc": params.n_exc, "tau_stdp": params.tau_stdp_ms, "tau_minus": 0.0, "w_min": 0.0,
            "w_max": params.w_max_uS,
            "post_source": GABA_POST_SOURCES["soma"]}

    boundary_w, samples = [], []
    with Simulation(build(spec), dt_ms=params.dt_ms, cvode=params.cvode, atol=params.atol) as sim:
        placed = sim.add_synapses(SynapseGroup("gaba", "soma", "dei_gaba", (ExplicitSpikes(tuple(t_pre)),),
                                               distances_um=(0.0,), parameters={**rule, "eta": params.eta},
                                               weight=params.w_init_uS))
        probes = sim.add_synapses(SynapseGroup("probe", "soma", "dei_gaba", (ExplicitSpikes(()),), n=n_epochs,
                                               distances_um=(0.0,) * n_epochs, parameters={**rule, "eta": 0.0},
                                               weight=0.0))
        sim.deliver(placed, 0, t_post, "post")
        sim.deliver(placed, 0, exc_times, "exc")
        for index, t in enumerate(t_post):
            sim.deliver(probes, index, exc_times[exc_times < t], "exc")
            sim.deliver(probes, index, (t,), "post")
        for t in (*starts, stops[-1]):   # the plastic weight lives in the input NetCon's weight[0]
            sim.call_at(t, lambda: boundary_w.append(float(placed.weights()[0])))
        t_stop = stops[-1] + params.sample_ms
        for t in np.arange(0.0, t_stop, params.sample_ms):
            sim.call_at(t, lambda: samples.append((sim.time_ms, placed.call("G_now")[0], placed.weights()[0])))
        sim.run(t_stop)
        readouts = {name: probes.values(name) for name in ("H", "G", "t_H", "n_post")}
    if len(boundary_w) != n_epochs + 1:
        raise RuntimeError(f"read the weight at {len(boundary_w)} of {n_epochs + 1} epoch boundaries")

    rows = []
    for k, rate in enumerate(params.rates_hz):
        if readouts["t_H"][k] != t_post[k] or readouts["n_post"][k] != 1:
            raise RuntimeError(f"epoch {k}: the probe's H was not read at the post spike")
        mean_h, sd_h = expected_h(t_post[k], starts, stops, params.rates_hz, params.tau_H_ms, params.n_exc)
        past = exc_times[exc_times < t_post[k]]
        h_events = float(np.sum(1000.0 / (params.tau_H_ms * params.n_exc)
                                * np.exp(-(t_post[k] - past) / params.tau_H_ms)))
        g_hz = float(readouts["G"][k])
        w_before, w_after = boundary_w[k], boundary_w[k + 1]
        dw_expected = float(expected_dw(g_hz, params.eta, params.pair_dt_ms, params.tau_stdp_ms))
        rows.append({"epoch": k, "rate_hz": float(rate), "t_pre_ms": t_pre[k], "t_post_ms": t_post[k],
                     "n_exc_spikes": len(trains[k]), "H_hz": float(readouts["H"][k]), "H_expected_hz": mean_h,
                     "H_sd_hz": sd_h, "H_events_hz": h_events, "G_hz": g_hz,
                     "w_before_uS": w_before, "w_after_uS": w_after, "dw_uS": w_after - w_before,
                     "dw_expected_uS": dw_expected, "error_uS": w_after - w_before - dw_expected})
    t, g, w = (np.array(column) for column in zip(*samples))
    traces = pd.concat([pd.DataFrame({"site": "gaba[0]", "variable": name, "unit": unit, "distance_um": 0.0,
                                      "t_ms": t, "value": value})
                        for name, unit, value in (("H", "Hz", g + params.gamma_hz), ("G", "Hz", g),
                                                  ("w", "uS", w))], ignore_index=True)
    return ProtocolResult(pd.DataFrame(rows), traces)
