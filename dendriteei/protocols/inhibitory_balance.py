"""Inhibitory balance: Vogels et al. 2011 (Science 334:1569) single-cell detailed balance.

One cell receives 800 excitatory and 200 inhibitory conductance inputs in 8 signal groups
(100 E + 25 I per group). All inputs of a group fire as Poisson processes with a 5 ms dead
time whose rate follows the group's own signal: low-pass filtered white noise (τ 50 ms),
rectified, r(t) = 5 Hz + 500 Hz · max(0, s(t)). Excitatory weights are tuned across the groups
(peak at group 5), inhibitory weights start flat and follow the symmetric iSTDP rule with
target rate ρ0 (dei_gaba window 1; postsynaptic spikes arrive as kind-1 events). The output
rate settles at ≈ ρ0 and the inhibitory weights become co-tuned with the excitatory ones.

All numbers are those of the authors' single-cell code (ModelDB 143751, inhib_plasticity.m and
InputCurrents.m, the Matlab code of the paper's supplement):
    LIF: τ_m 20 ms, g_leak 10 nS, V_rest −60 mV, threshold −50 mV, reset to V_rest, refractory
    5 ms; E: τ 5 ms, E_rev 0 mV, g = 0.014 g_leak · w_E with w_E = 0.3 + 1.1/(1 + (k − 5)^4) +
    U(0, 0.1) for group k = 1…8; I: τ 10 ms, E_rev −80 mV, g = 0.035 g_leak · w_I, w_I = 0.1
    at start; rule: at a pre spike w += η(x_post − α), at a post spike w += η x_pre, traces
    τ_STDP 20 ms, η = 0.001, α = 0.25 (= 2ρ0τ_STDP, so ρ0 = 6.25 Hz); w ≥ 0, no upper bound;
    input: per-step uniform noise in [−0.5, 0.5] filtered with τ 50 ms at dt 0.1 ms (SD 0.0091)
    and divided by 0.03 (SD of the normalised signal 0.304), rate 5 Hz + 500 Hz · max(0, ·),
    input dead time 5 ms; 100 runs of 1.5 s (150 s).

The default cell (`vogels_soma`) is a passive compartment with those membrane constants; the
LIF threshold and reset are added here (spike_model = "lif"): when the soma crosses −50 mV a
voltage clamp holds it at −60 mV for 5 ms. With spike_model = "cell" the cell's own action
potentials (detected at −20 mV) are the output spikes, e.g. for target = "pyramidal"
(l5_pyramidal, E spread over basal and oblique dendrites, I at the soma as PV-like input).

Conductances and currents per group are reconstructed from the input spike times, the weights
and the synaptic kernels (both synapse models are linear in their input), with the I weights
sampled at every bin boundary and interpolated in between (against the recorded conductances
of a 4 s run with η = 0.004: E within 1 %, I within 3 %); currents use the somatic voltage (exact
for the single compartment; for dendritic synapses of the pyramidal target it is the current the
group would drive at the soma's voltage).
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..balance import pearson
from ..catalogue import GABA_POST_SOURCES, GABA_WINDOWS
from ..engine import Simulation, Site, build
from ..inputs import dead_time_poisson, exc_tuning, group_signals, rates_hz
from ..kernels import dual_exponential_factor, kernel_filter
from ..parameters import ParameterError, parameter
from ..spec import CellSpec, SpecError
from ..synapses import ExplicitSpikes, SynapseGroup
from .common import ProtocolResult, RunParams, cell_spec, check_regions

TARGETS = ("point", "pyramidal")
SPIKE_MODELS = ("lif", "cell")
#: Series resistance (MΩ) of the LIF reset clamp: 1 kΩ holds the soma at V_reset against the
#: largest synaptic conductances here (≤ 1 µS) within 0.1 %.
RESET_CLAMP_RS_MOHM = 1e-3


@dataclass(frozen=True)
class InhibitoryBalanceParams(RunParams):
    cell: str = parameter("vogels_soma", "", doc="'vogels_soma' (passive LIF membrane), a built-in cell, "
                          "or a morphology (.swc, .asc, .h5) / cell-spec .json file")
    dt_ms: float = parameter(0.1, "ms", 0.001, 0.2, "fixed time step: 0.1 ms as Vogels et al. (spike "
                             "counts within 0.3 % of dt 0.025 ms for the LIF); use 0.025 ms with spike_model=cell")
    cvode: bool = parameter(False, "", doc="CVODE: ~30x slower than fixed step here (every one of "
                            "~35,000 input events/s restarts the integrator)")
    settle_ms: float = parameter(300.0, "ms", 0.0, 5000.0, "time before the inputs start")
    target: str = parameter("point", "", doc="'point': every synapse at the soma; 'pyramidal': E over "
                            "exc_regions, I on inh_region (cell must have those dendrites)", choices=TARGETS)
    spike_model: str = parameter("lif", "", doc="'lif': threshold/reset clamp at the soma (Vogels 2011); "
                                 "'cell': the cell's own APs, detected at ap_threshold_mV", choices=SPIKE_MODELS)
    duration_s: float = parameter(150.0, "s", 0.1, 3600.0, "input duration (Vogels 2011 code: 100 × 1.5 s)")
    bin_s: float = parameter(1.0, "s", 0.01, 100.0, "bin of the output-rate time course")
    measure_fraction: float = parameter(0.2, "", 0.01, 1.0, "final fraction of the run over which "
                                        "conductances and currents are averaged")
    # inputs (ModelDB 143751, InputCurrents.m / inhib_plasticity.m)
    n_groups: int = parameter(8, "", 1, 100, "signal groups (Vogels 2011: 8)")
    n_exc_per_group: int = parameter(100, "", 1, 10000, "excitatory inputs per group (800 / 8)")
    n_inh_per_group: int = parameter(25, "", 1, 10000, "inhibitory inputs per group (200 / 8)")
    signal_tau_ms: float = parameter(50.0, "ms", 1.0, 10000.0, "low-pass time constant of the signals")
    signal_sd: float = parameter(0.304, "", 0.0, 10.0, "SD of the normalised signal s (0.0091/0.03, "
                                 "the stationary SD of Vogels' filtered noise over its normalising factor)")
    background_rate_hz: float = parameter(5.0, "Hz", 0.0, 1000.0, "rate with s ≤ 0")
    peak_rate_hz: float = parameter(500.0, "Hz", 0.0, 5000.0, "rate per unit of rectified s")
    input_refractory_ms: float = parameter(5.0, "ms", 0.0, 100.0, "dead time of every input")
    # weights in units of the leak (Vogels: g_E = 0.014, g_I = 0.035 × 10 nS)
    g_exc_unit_nS: float = parameter(0.14, "nS", 0.0, 100.0, "E conductance per unit weight")
    g_inh_unit_nS: float = parameter(0.35, "nS", 0.0, 100.0, "I conductance per unit weight")
    exc_weight_scale: float = parameter(1.0, "", 0.0, 1000.0, "multiplier on every E conductance")
    preferred_group: int = parameter(5, "", 1, 100, "group with the largest E weight (Vogels: 5 of 8)")
    tuning_base: float = parameter(0.3, "", 0.0, 100.0,
                                   "w_E = base + amplitude/(1 + (k − preferred)^4) + U(0, jitter) (Vogels: 0.3)")
    tuning_amplitude: float = parameter(1.1, "", 0.0, 100.0, "tuning amplitude (Vogels: 1.1)")
    tuning_jitter: float = parameter(0.1, "", 0.0, 100.0, "uniform jitter of each E weight (Vogels: 0.1)")
    w_inh_initial: float = parameter(0.1, "", 0.0, 1000.0, "initial I weight, flat (Vogels: 0.1)")
    w_inh_max: float = parameter(1000.0, "", 0.0, 1e6, "upper bound of I weights (Vogels: none)")
    # synapses
    tau_exc_ms: float = parameter(5.0, "ms", 0.1, 100.0, "E decay (ExpSyn)")
    e_exc_mV: float = parameter(0.0, "mV", -100.0, 100.0, "E reversal")
    tau_inh_ms: float = parameter(10.0, "ms", 0.1, 200.0, "I decay (dei_gaba tau_d)")
    tau_inh_rise_ms: float = parameter(0.1, "ms", 0.001, 10.0, "I rise (Vogels: instantaneous; with "
                                       "dei_gaba's peak normalisation 0.1 ms gives 4.7 % more charge per weight)")
    e_inh_mV: float = parameter(-80.0, "mV", -120.0, 0.0, "I reversal")
    # iSTDP (dei_gaba window 1)
    eta: float = parameter(0.001, "", 0.0, 1.0, "learning rate in weight units (Vogels single cell: 0.001)")
    rho0_hz: float = parameter(6.25, "Hz", 0.0, 200.0,
                               "target rate; α = 2ρ0τ_STDP (Vogels' code: α = 0.25 → 6.25 Hz)")
    tau_stdp_ms: float = parameter(20.0, "ms", 1.0, 1000.0, "trace time constant")
    # LIF output
    lif_threshold_mV: float = parameter(-50.0, "mV", -80.0, 0.0, "LIF threshold (Vogels 2011)")
    reset_mV: float = parameter(-60.0, "mV", -100.0, 0.0, "LIF reset (Vogels 2011: V_rest)")
    refractory_ms: float = parameter(5.0, "ms", 0.0, 100.0, "LIF refractory period (held at reset)")
    ap_threshold_mV: float = parameter(-20.0, "mV", -60.0, 40.0, "somatic AP detection (spike_model=cell)")
    # pyramidal layout
    exc_regions: tuple = parameter(("basal", "oblique"), "", doc="regions of E inputs (target=pyramidal), "
                                   "synapses alternate between them")
    inh_region: str = parameter("soma", "", doc="region of I inputs (target=pyramidal): soma or perisomatic")
    seed: int = parameter(1, "", 0, 2**31 - 1, "seed of signals, spikes and weight jitter")

    def check(self) -> None:
        """Cross-parameter rules (ParameterError)."""
        if self.preferred_group > self.n_groups:
            raise ParameterError(f"preferred_group = {self.preferred_group} exceeds n_groups = {self.n_groups}")
        if self.duration_s < 2 * self.bin_s:
            raise ParameterError(f"duration_s = {self.duration_s} s must span at least two bins of "
                                 f"bin_s = {self.bin_s} s")
        if self.spike_model == "lif" and self.reset_mV >= self.lif_threshold_mV:
            raise ParameterError(f"reset_mV = {self.reset_mV} mV must lie below lif_threshold_mV = "
                                 f"{self.lif_threshold_mV} mV")
        if self.spike_model == "cell" and not self.cvode and self.dt_ms > 0.025:
            raise ParameterError(f"spike_model = 'cell' integrates Na/K action potentials: dt_ms = {self.dt_ms} ms "
                                 "is too coarse, use dt_ms = 0.025 (or cvode)")


# -- cell and layout ------------------------------------------------------------------------
def resolve_spec(params: InhibitoryBalanceParams, spec=None) -> CellSpec:
    spec = spec or cell_spec(params.cell)
    if params.target == "pyramidal":
        check_regions(spec, exc_regions=params.exc_regions, inh_region=params.inh_region)
    return spec


def _regions(params: InhibitoryBalanceParams, cell) -> tuple:
    """(E regions, I region) with each region checked to be non-empty on the cell."""
    if params.target == "point":
        return ("soma",), "soma"
    regions = tuple(params.exc_regions), params.inh_region
    for region in (*regions[0], regions[1]):
        try:
            cell.distance_range(region)
        except SpecError as error:
            raise ParameterError(f"target = 'pyramidal' needs region {region!r} on the cell ({error}); "
                                 "use a cell with dendrites, e.g. cell = l5_pyramidal") from None
    return regions


# -- run ----------------------------------------------------------------------------------------
def run(params: InhibitoryBalanceParams = InhibitoryBalanceParams(), spec=None) -> ProtocolResult:
    """Summary: one row per group (group, w_exc, w_inh_initial, w_inh_final in nS per synapse;
    g_exc_mean, g_inh_mean in nS and i_exc_mean, i_inh_mean in nA summed over the group and
    averaged over the final measure_fraction; input_rate_hz per input; rho0_hz). Table time_course: one row per
    bin (t_s at the bin end from input onset, rate_hz, r_ei = Pearson r of the group means of
    E and I weights, NaN while I weights are flat, w_inh_mean in nS)."""
    cell = build(resolve_spec(params, spec))
    exc_regions, inh_region = _regions(params, cell)
    rng = np.random.default_rng(params.seed)
    duration_ms = params.duration_s * 1000.0
    onset = params.settle_ms
    signals = group_signals(params.n_groups, params.duration_s, params.signal_tau_ms, params.signal_sd, rng)
    rates = rates_hz(signals, params.background_rate_hz, params.peak_rate_hz)
    w_exc = exc_tuning(params.n_groups, params.n_exc_per_group, params.preferred_group, params.tuning_base,
                       params.tuning_amplitude, params.tuning_jitter, rng) * params.exc_weight_scale
    n_exc, n_inh = params.n_exc_per_group, params.n_inh_per_group
    exc_spikes = [[dead_time_poisson(rates[k], duration_ms, params.input_refractory_ms, rng) + onset
                   for _ in range(n_exc)] for k in range(params.n_groups)]
    inh_spikes = [[dead_time_poisson(rates[k], duration_ms, params.input_refractory_ms, rng) + onset
                   for _ in range(n_inh)] for k in range(params.n_groups)]

    threshold = params.lif_threshold_mV if params.spike_model == "lif" else params.ap_threshold_mV
    unit_e, unit_i = params.g_exc_unit_nS * 1e-3, params.g_inh_unit_nS * 1e-3   # µS
    with Simulation(cell, dt_ms=params.dt_ms, cvode=params.cvode, atol=params.atol,
                    spike_threshold_mV=threshold) as sim:
        # E: per region one ExpSyn group, synapses of the signal groups interleaved so that every
        # group spans the region's distance range.
        for r, region in enumerate(exc_regions):
            members = [(k, i) for i in range(n_exc) for k in range(params.n_groups) if i % len(exc_regions) == r]
            if not members:
                continue
            sources = tuple(ExplicitSpikes(tuple(exc_spikes[k][i])) for k, i in members)
            group = SynapseGroup(f"exc_{region}", region, "ExpSyn", sources, n=len(members),
                                 parameters={"tau": params.tau_exc_ms, "e": params.e_exc_mV},
                                 distances_um=(0.0,) * len(members) if params.target == "point" else ())
            sim.add_synapses(group).set_weights([w_exc[k, i] * unit_e for k, i in members])   # tuned per synapse
        inh_members = [(k, i) for i in range(n_inh) for k in range(params.n_groups)]
        inh = SynapseGroup("inh", inh_region, "dei_gaba",
                           tuple(ExplicitSpikes(tuple(inh_spikes[k][i])) for k, i in inh_members),
                           n=len(inh_members), weight=params.w_inh_initial * unit_i,
                           parameters={"tau_d": params.tau_inh_ms, "tau_r": params.tau_inh_rise_ms,
                                       "e": params.e_inh_mV, "window": GABA_WINDOWS["symmetric_hebbian"],
                                       "eta": params.eta * unit_i,
                                       "rho0_hz": params.rho0_hz, "tau_stdp": params.tau_stdp_ms,
                                       "alpha": -1.0, "w_min": 0.0, "w_max": params.w_inh_max * unit_i,
                                       "post_source": GABA_POST_SOURCES["soma"]},
                           distances_um=(0.0,) * len(inh_members) if inh_region == "soma" else (),
                           receives_post_spikes=True, post_threshold_mV=threshold)
        placed_inh = sim.add_synapses(inh)
        inh_group = np.array([k for k, _ in inh_members])

        soma = Site("soma", region="soma")
        sim.record(soma, ("v",))
        sim.record_spikes(soma, threshold_mV=threshold)
        if params.spike_model == "lif":
            sim.threshold_reset(threshold, params.reset_mV, params.refractory_ms, rs_MOhm=RESET_CLAMP_RS_MOHM)
        n_bins = int(math.floor(params.duration_s / params.bin_s + 1e-9))
        edges = onset + params.bin_s * 1000.0 * np.arange(n_bins + 1)
        # I weights are sampled at the bin edges and at the end of the run
        sample_times = np.unique(np.round(np.append(edges, onset + duration_ms), 9))
        samples = []

        def sample():
            samples.append(placed_inh.weights())   # plastic weights live on the input NetCons

        for t in sample_times[:-1]:
            sim.call_at(float(t), sample)
        traces = sim.run(onset + duration_ms)
        sample()  # the weights at the end of the run
        out_spikes = traces.spikes_ms["soma"]
        t_grid, v = traces["soma", "v"].t_ms, traces["soma", "v"].values
    del cell
    if len(samples) != len(sample_times):
        raise RuntimeError(f"sampled the I weights {len(samples)} times, expected {len(sample_times)}")
    weights = np.array(samples) / unit_i * params.g_inh_unit_nS        # nS, shape (samples, synapses)

    # rate time course and co-tuning
    counts = np.histogram(out_spikes, bins=edges)[0]
    w_exc_group = w_exc.mean(axis=1) * params.g_exc_unit_nS
    binned = weights[1:n_bins + 1]
    w_inh_group = np.array([[w[inh_group == k].mean() for k in range(params.n_groups)] for w in binned])
    time_course = pd.DataFrame({"t_s": (edges[1:] - onset) / 1000.0, "rate_hz": counts / params.bin_s,
                                "r_ei": [pearson(w_exc_group, w) for w in w_inh_group],
                                "w_inh_mean": binned.mean(axis=1)})

    # conductances and currents over the final window, from spikes, weights and kernels
    start = onset + duration_ms * (1.0 - params.measure_fraction)
    lead = 10.0 * max(params.tau_exc_ms, params.tau_inh_ms)
    dt = params.dt_ms
    t_win = start - lead + dt * np.arange(int((onset + duration_ms - start + lead) / dt) + 1)
    v_win = np.interp(t_win, t_grid, v)   # the recorded grid itself with a fixed step
    measured = t_win >= start
    tau_r, factor = dual_exponential_factor(params.tau_inh_rise_ms, params.tau_inh_ms)
    rows = []
    for k in range(params.n_groups):
        times_e = np.concatenate([exc_spikes[k][i] for i in range(n_exc)])
        amp_e = np.concatenate([np.full(len(exc_spikes[k][i]), w_exc[k, i] * params.g_exc_unit_nS)
                                for i in range(n_exc)])
        g_e = kernel_filter(t_win[0], len(t_win), dt, times_e, amp_e, (params.tau_exc_ms,), (1.0,))
        idx = np.flatnonzero(inh_group == k)
        trains = [inh_spikes[k][inh_members[j][1]] for j in idx]
        times_i = np.concatenate(trains)
        amp_i = np.concatenate([np.interp(train, sample_times, weights[:, j]) for train, j in zip(trains, idx)])
        g_i = kernel_filter(t_win[0], len(t_win), dt, times_i, amp_i,
                             (params.tau_inh_ms, tau_r), (factor, -factor))
        rows.append({"group": k + 1, "w_exc": w_exc_group[k],
                     "w_inh_initial": weights[0, idx].mean(), "w_inh_final": weights[-1, idx].mean(),
                     "g_exc_mean": g_e[measured].mean(), "g_inh_mean": g_i[measured].mean(),
                     "i_exc_mean": 1e-3 * np.mean(g_e[measured] * (v_win[measured] - params.e_exc_mV)),
                     "i_inh_mean": 1e-3 * np.mean(g_i[measured] * (v_win[measured] - params.e_inh_mV)),
                     "input_rate_hz": len(times_e) / n_exc / params.duration_s})
    summary = pd.DataFrame(rows)
    summary.insert(1, "target", params.target)
    summary["rho0_hz"] = params.rho0_hz
    return ProtocolResult(summary, tables={"time_course": time_course})
