"""Dendritic balance: inhibitory STDP with a local post signal co-tunes inhibition with
excitation per dendritic branch; with the somatic spike as post signal only global balance arises.

Design. Vogels et al. 2011 (Science 334:1569) single-cell setup spread over dendritic branches
of ``l5_pyramidal``. Signal groups k = 1…K fire as Poisson processes with a 5 ms dead time at
r_k(t) = 5 Hz + 500 Hz · max(0, s_k(t)), s_k an Ornstein–Uhlenbeck signal (τ 50 ms), exactly the
inputs of :mod:`dendriteei.inputs`. Every chosen branch carries ``n_exc_per_group`` excitatory
ExpSyn inputs per group, spread along the branch, with weights tuned over the groups as in
Vogels 2011, w = base + amplitude/(1 + d⁴), but with a different preferred group per branch
(evenly spaced over the groups; d is the circular group distance, so summed over the branches
every group drives the cell about equally). Each branch also carries ``n_inh_per_group`` plastic
SST-like ``dei_gaba`` synapses per group (same signal, own spikes), and the soma carries
``n_pv_per_group`` plastic PV-like ``dei_gaba`` synapses per group. All inhibitory synapses learn
with Vogels' symmetric rule (window 1: pre w += η(x_post − α), post w += η x_pre, α = 2ρ0τ_STDP),
which holds the rate of post events at ρ0 and co-tunes inhibition with the excitation that
drives those events (the SST preset of :mod:`dendriteei.interneurons` has the asymmetric
Hebbian window, which has no set point; here both classes share Vogels' rule so that the two
conditions differ only in the post signal). PV always uses the somatic spike as post event. The
branch (SST) synapses use, per condition:

- ``local``: every upward crossing of −40 mV by the voltage at the synapse (dei_gaba
  post_source 1; Wilmes et al. 2017 Eur J Neurosci 45:1032), so each branch's inhibition sees
  that branch's depolarisations (local EPSP summation, dendritic spikes, invading bAPs);
- ``somatic``: the somatic spike (post_source 0), the same event for every branch.

Measurement. Learning runs ``duration_s`` of input per condition. Detailed balance is measured
in probe runs of ``probe_s`` with plasticity off and identical probe inputs: once with the
initial weights (``before``) and once per condition with the learned ones (``after``). Group
conductances are reconstructed exactly from the input spike times, the (frozen) weights and the
synaptic kernels (both synapse models are linear in their input); currents use the voltage
recorded at the middle of each branch. A group's tuning is its mean conductance per Hz of its
input rate in the probe, so that how active a group happened to be (shared by its E and I) does
not pass for co-tuning. Balance metrics come from :mod:`dendriteei.balance`.

Numerics: fixed step. CVODE is ~9× slower here (0.3 s of input: 61 s against 6.9 s at dt
0.025 ms): each of ~13,000 input events per second restarts the integrator.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from .. import balance
from ..catalogue import GABA_POST_SOURCES, GABA_WINDOWS
from ..conditions import map_conditions, using_jobs
from ..engine import Simulation, Site, build
from ..inputs import dead_time_poisson, group_signals, rates_hz
from ..kernels import dual_exponential_factor, kernel_filter
from ..parameters import ParameterError, parameter
from ..spec import CellSpec
from ..synapses import ExplicitSpikes, SynapseGroup
from .common import ProtocolResult, RunParams, cell_spec, site_branches

CONDITIONS = ("local", "somatic")
#: dei_gaba post_source of the branch synapses per condition (catalogue.GABA_POST_SOURCES).
POST_SOURCE = {"local": GABA_POST_SOURCES["local_voltage"], "somatic": GABA_POST_SOURCES["soma"]}
#: Grid (ms) on which group conductances are reconstructed and balance is measured: 20 samples
#: per fast window of dendriteei.balance (10 ms).
GRID_MS = 0.5


@dataclass(frozen=True)
class DendriticBalanceParams(RunParams):
    settle_ms: float = parameter(200.0, "ms", 0.0, 5000.0, "time before the inputs start (at 200 ms "
                                 "soma and branches lie within 0.02 mV of their rest at 1 s)")
    # On l5_pyramidal: tuft_0_0, oblique_1, tuft_1_1, oblique_4 (selectors: dendriteei.sites).
    branches: tuple = parameter(("tuft:2", "oblique:1", "tuft:-1", "oblique:4"), "",
                                doc="branches carrying E and SST inputs (two distal tuft branches that the "
                                    "bAP barely reaches, two obliques that it invades): names or selectors "
                                    "such as 'tuft:-1' (the last tuft branch by origin); rows are labelled "
                                    "with the branch names")
    conditions: tuple = parameter(CONDITIONS, "", doc="post signal of the branch synapses: 'local' (−40 mV "
                                  "crossing at the synapse) and/or 'somatic' (the somatic spike)")
    duration_s: float = parameter(10.0, "s", 0.5, 3600.0, "learning time per condition")
    probe_s: float = parameter(2.0, "s", 0.5, 600.0, "probe time (plasticity off) before and after learning")
    bin_s: float = parameter(1.0, "s", 0.05, 100.0, "bin of the learning time course")
    # inputs: Vogels et al. 2011 (ModelDB 143751), as in inhibitory_balance
    n_groups: int = parameter(8, "", 3, 100, "signal groups (Vogels 2011: 8)")
    n_exc_per_group: int = parameter(5, "", 1, 1000, "E inputs per group and branch (40 per branch; sets "
                                     "the drive together with g_exc_unit_nS)")
    n_inh_per_group: int = parameter(2, "", 1, 100, "SST synapses per group and branch (Vogels 2011: 1 I "
                                     "per 4 E inputs; here 1 per 2.5)")
    n_pv_per_group: int = parameter(5, "", 1, 1000, "PV synapses per group at the soma (no published count; "
                                    "as many as one group's SST synapses on 2.5 branches)")
    signal_tau_ms: float = parameter(50.0, "ms", 1.0, 10000.0, "signal time constant (Vogels 2011)")
    signal_sd: float = parameter(0.304, "", 0.0, 10.0, "SD of the normalised signal (Vogels 2011 code)")
    background_rate_hz: float = parameter(5.0, "Hz", 0.0, 1000.0, "input rate at s ≤ 0 (Vogels 2011)")
    peak_rate_hz: float = parameter(500.0, "Hz", 0.0, 5000.0, "rate per unit of rectified s (Vogels 2011)")
    input_refractory_ms: float = parameter(5.0, "ms", 0.0, 100.0, "input dead time (Vogels 2011)")
    # excitatory tuning: Vogels 2011 w_E = 0.3 + 1.1/(1 + (k − preferred)^4), circular here
    tuning_base: float = parameter(0.3, "", 0.0, 100.0, "untuned part of the E weight (Vogels 2011: 0.3)")
    tuning_amplitude: float = parameter(1.1, "", 0.0, 100.0, "tuned part of the E weight (Vogels 2011: 1.1)")
    g_exc_unit_nS: float = parameter(0.6, "nS", 0.0, 100.0, "E conductance per weight unit: with the weak "
                                     "initial inhibition the branches cross −40 mV at 20–35 Hz and the soma "
                                     "fires ≈ 12 Hz (calibrated on l5_pyramidal; no published value)")
    tau_exc_ms: float = parameter(5.0, "ms", 0.1, 100.0, "E decay (ExpSyn; Vogels 2011)")
    e_exc_mV: float = parameter(0.0, "mV", -100.0, 100.0, "E reversal (Vogels 2011)")
    # inhibition: kinetics of the interneuron presets (dendriteei.interneurons)
    sst_tau_rise_ms: float = parameter(1.0, "ms", 0.01, 50.0, "SST IPSC rise (Silberberg & Markram 2007)")
    sst_tau_decay_ms: float = parameter(20.0, "ms", 0.1, 500.0, "SST IPSC decay (Silberberg & Markram 2007)")
    pv_tau_rise_ms: float = parameter(0.3, "ms", 0.01, 50.0, "PV IPSC rise (Bartos et al. 2007)")
    pv_tau_decay_ms: float = parameter(6.0, "ms", 0.1, 500.0, "PV IPSC decay (Bartos et al. 2007)")
    e_inh_mV: float = parameter(-75.0, "mV", -120.0, 0.0, "GABA_A reversal (Wilmes et al. 2017: −74 mV)")
    w_inh_initial_nS: float = parameter(0.1, "nS", 0.0, 100.0, "initial SST and PV weight, flat and weak "
                                        "so that inhibition starts below balance (Vogels 2011: flat 0.1 × 0.35 nS)")
    w_inh_max_nS: float = parameter(100.0, "nS", 0.0, 1e4, "upper bound of I weights (Vogels 2011 network)")
    # iSTDP: Vogels 2011 symmetric rule
    eta_nS: float = parameter(0.02, "nS", 0.0, 10.0, "learning rate: weight change per pairing unit (Vogels "
                              "2011 single cell: 0.001 × 0.35 nS = 0.00035 nS; ~60× here so that 10 s suffice)")
    rho0_hz: float = parameter(6.25, "Hz", 0.0, 200.0, "target rate of post events (Vogels 2011 code: "
                               "α = 0.25 = 2ρ0τ_STDP)")
    tau_stdp_ms: float = parameter(20.0, "ms", 1.0, 1000.0, "trace time constant (Vogels 2011)")
    local_threshold_mV: float = parameter(-40.0, "mV", -70.0, 20.0, "local post event: upward crossing at "
                                          "the synapse (Wilmes et al. 2017, ModelDB 234241)")
    ap_threshold_mV: float = parameter(-20.0, "mV", -60.0, 40.0, "somatic spike detection")
    seed: int = parameter(1, "", 0, 2**31 - 1, "seed of signals and spikes")

    def check(self) -> None:
        """Cross-parameter rules (ParameterError); the branches are checked on the cell by run()."""
        for condition in self.conditions:
            if condition not in CONDITIONS:
                raise ParameterError(f"conditions: {condition!r} is not one of {', '.join(CONDITIONS)}")
        if self.duration_s < 2 * self.bin_s:
            raise ParameterError(f"duration_s = {self.duration_s} s must span two bins of bin_s = {self.bin_s} s")
        if self.probe_s * 1000.0 < 3 * balance.SLOW_MS + _lead_ms(self):
            raise ParameterError(f"probe_s = {self.probe_s} s is too short for the balance metrics")
        if not self.cvode and self.dt_ms > 0.05:
            raise ParameterError(f"dt_ms = {self.dt_ms} ms is too coarse for action potentials and bAPs "
                                 "(≤ 0.05 ms: bAP peaks within 1.5 mV of 0.025 ms)")


# -- inputs -----------------------------------------------------------------------------------
def preferred_groups(params: DendriticBalanceParams) -> np.ndarray:
    """Preferred group (1-based) of each branch, evenly spaced over the groups."""
    n = len(params.branches)
    return 1 + np.round(np.arange(n) * params.n_groups / n).astype(int)


def exc_weights(params: DendriticBalanceParams) -> np.ndarray:
    """E weight units, shape (branches, groups): Vogels 2011's tuning with circular distance."""
    k = np.arange(1, params.n_groups + 1)[None, :]
    d = np.abs(k - preferred_groups(params)[:, None])
    d = np.minimum(d, params.n_groups - d)
    return params.tuning_base + params.tuning_amplitude / (1.0 + d ** 4.0)


@dataclass
class _Inputs:
    """Spike times (ms, from input onset) of one run: exc[b][k][i], inh[b][k][j], pv[k][j]."""
    exc: list
    inh: list
    pv: list


def make_inputs(params: DendriticBalanceParams, duration_s: float, rng: np.random.Generator) -> _Inputs:
    """Signals for the K groups over duration_s and every input's spike train (ms)."""
    signals = group_signals(params.n_groups, duration_s, params.signal_tau_ms, params.signal_sd, rng)
    rates = rates_hz(signals, params.background_rate_hz, params.peak_rate_hz)
    ms = duration_s * 1000.0

    def trains(k, n):
        return [dead_time_poisson(rates[k], ms, params.input_refractory_ms, rng) for _ in range(n)]

    n_b, n_k = len(params.branches), params.n_groups
    exc = [[trains(k, params.n_exc_per_group) for k in range(n_k)] for _ in range(n_b)]
    inh = [[trains(k, params.n_inh_per_group) for k in range(n_k)] for _ in range(n_b)]
    return _Inputs(exc, inh, [trains(k, params.n_pv_per_group) for k in range(n_k)])


# -- one simulation -------------------------------------------------------------------------------
def _check(params: DendriticBalanceParams, spec: CellSpec) -> None:
    """The rules that need the cell: ``branches`` are distinct dendrites of ``spec``."""
    names = {b.name: b.tag for b in spec.branches}
    resolved = []
    for selector in params.branches:   # a plain name that is no branch: the error below
        plain = selector in names or not set(":@") & set(selector)
        branch = selector if plain else site_branches(spec, (selector,), "branches")[0]
        resolved.append(branch)
        if names.get(branch) in (None, "soma", "axon", "ais"):
            dendrites = [n for n, tag in names.items() if tag not in ("soma", "axon", "ais")]
            raise ParameterError(f"branch {selector!r} is not a dendrite of cell {spec.name!r}; dendrites: "
                                 f"{', '.join(dendrites)}")
    if len(set(resolved)) != len(resolved):
        raise ParameterError(f"branches must name distinct branches, got {params.branches}")


def _lead_ms(params: DendriticBalanceParams) -> float:
    """Time (ms) after input onset before conductances are measured: 5 of the slowest decay."""
    return 5.0 * max(params.sst_tau_decay_ms, params.pv_tau_decay_ms, params.tau_exc_ms)


def _inh_parameters(params: DendriticBalanceParams, rise_ms: float, decay_ms: float, plastic: bool,
                    post_source: int) -> dict:
    return {"tau_r": rise_ms, "tau_d": decay_ms, "e": params.e_inh_mV,
            "window": GABA_WINDOWS["symmetric_hebbian" if plastic else "none"],
            "eta": params.eta_nS * 1e-3 if plastic else 0.0, "rho0_hz": params.rho0_hz, "alpha": -1.0,
            "tau_stdp": params.tau_stdp_ms, "w_min": 0.0, "w_max": params.w_inh_max_nS * 1e-3,
            "post_source": post_source if plastic else GABA_POST_SOURCES["soma"],
            "post_threshold": params.local_threshold_mV}


def _simulate(spec: CellSpec, params: DendriticBalanceParams, inputs: _Inputs, duration_s: float,
              w_inh: np.ndarray, w_pv: np.ndarray, condition: str | None) -> dict:
    """One run. condition None: plasticity off. Returns the final I weights (nS, shapes as
    w_inh (branches, groups, n_inh) and w_pv (groups, n_pv)), per-site v and cai traces after
    input onset, local −40 mV crossings at each branch's middle and somatic spikes (ms from onset)."""
    with Simulation(build(spec), dt_ms=params.dt_ms, cvode=params.cvode, atol=params.atol,
                    spike_threshold_mV=params.ap_threshold_mV) as sim:
        onset, plastic = params.settle_ms, condition is not None
        w_exc = exc_weights(params) * params.g_exc_unit_nS * 1e-3        # µS
        branch_post = POST_SOURCE[condition] if plastic else GABA_POST_SOURCES["soma"]
        sst, pv = {}, {}
        for b, branch in enumerate(params.branches):
            for k in range(params.n_groups):
                sim.add_synapses(SynapseGroup(
                    f"exc_{b}_{k}", "dendrites", "ExpSyn",
                    tuple(ExplicitSpikes(tuple(t + onset)) for t in inputs.exc[b][k]), n=params.n_exc_per_group,
                    branches=(branch,), parameters={"tau": params.tau_exc_ms, "e": params.e_exc_mV},
                    weight=w_exc[b, k]))
                for j, times in enumerate(inputs.inh[b][k]):   # one group per synapse: own weight
                    sst[b, k, j] = sim.add_synapses(SynapseGroup(
                        f"sst_{b}_{k}_{j}", "dendrites", "dei_gaba", (ExplicitSpikes(tuple(times + onset)),),
                        sites=((branch, (j + 0.5) / params.n_inh_per_group),), weight=w_inh[b, k, j] * 1e-3,
                        parameters=_inh_parameters(params, params.sst_tau_rise_ms, params.sst_tau_decay_ms,
                                                   plastic, branch_post),
                        receives_post_spikes=plastic and branch_post == GABA_POST_SOURCES["soma"],
                        post_threshold_mV=params.ap_threshold_mV))
            site = Site(branch, branch=branch, x=0.5)
            sim.record(site, ("v", "cai"))
            sim.record_spikes(site, threshold_mV=params.local_threshold_mV)
        for k in range(params.n_groups):
            for j, times in enumerate(inputs.pv[k]):
                pv[k, j] = sim.add_synapses(SynapseGroup(
                    f"pv_{k}_{j}", "soma", "dei_gaba", (ExplicitSpikes(tuple(times + onset)),),
                    sites=((spec.root.name, 0.5),), weight=w_pv[k, j] * 1e-3,
                    parameters=_inh_parameters(params, params.pv_tau_rise_ms, params.pv_tau_decay_ms, plastic,
                                               GABA_POST_SOURCES["soma"]),
                    receives_post_spikes=plastic, post_threshold_mV=params.ap_threshold_mV))
        soma = Site("soma", branch=spec.root.name, x=0.5)
        sim.record(soma, ("v", "cai"))
        sim.record_spikes(soma, threshold_mV=params.ap_threshold_mV)
        traces = sim.run(onset + duration_s * 1000.0)
        out = {"w_inh": np.zeros_like(w_inh), "w_pv": np.zeros_like(w_pv), "v": {}, "cai": {}, "events": {}}
        for (b, k, j), placed in sst.items():
            out["w_inh"][b, k, j] = placed.weights()[0] * 1e3
        for (k, j), placed in pv.items():
            out["w_pv"][k, j] = placed.weights()[0] * 1e3
        for name in (*params.branches, "soma"):
            for var in ("v", "cai"):
                t, values = traces.window(name, var, onset)
                out[var][name] = (t - onset, values)
            out["events"][name] = traces.spikes_ms[name] - onset
        return out


# -- measurements -------------------------------------------------------------------------------
def _time_course(params: DendriticBalanceParams, run: dict, condition: str) -> pd.DataFrame:
    """Per learning bin and site: post-event rate (local crossings; somatic spikes at the soma),
    mean and SD of v (mV) and cai (µM)."""
    edges = 1000.0 * params.bin_s * np.arange(int(math.floor(params.duration_s / params.bin_s + 1e-9)) + 1)
    rows = []
    for site in (*params.branches, "soma"):
        t, v = run["v"][site]
        _, ca = run["cai"][site]
        counts = np.histogram(run["events"][site], bins=edges)[0]
        for i in range(len(edges) - 1):
            keep = (t >= edges[i]) & (t < edges[i + 1])
            rows.append({"condition": condition, "site": site, "t_s": edges[i + 1] / 1000.0,
                         "rate_hz": counts[i] / params.bin_s, "v_mean_mV": v[keep].mean(), "v_sd_mV": v[keep].std(),
                         "ca_mean_uM": 1e3 * ca[keep].mean(), "ca_sd_uM": 1e3 * ca[keep].std()})
    return pd.DataFrame(rows)


def _group_conductances(params: DendriticBalanceParams, inputs: _Inputs, w_inh: np.ndarray,
                        w_pv: np.ndarray, grid: np.ndarray) -> tuple:
    """Conductances (nS) on the grid (ms from onset): E (branches, groups, t), SST (same), PV (groups, t)."""
    w_exc = exc_weights(params) * params.g_exc_unit_nS
    n, dt = len(grid), GRID_MS
    sst_r, sst_f = dual_exponential_factor(params.sst_tau_rise_ms, params.sst_tau_decay_ms)
    pv_r, pv_f = dual_exponential_factor(params.pv_tau_rise_ms, params.pv_tau_decay_ms)
    shape = (len(params.branches), params.n_groups, n)
    g_e, g_i = np.zeros(shape), np.zeros(shape)
    for b in range(len(params.branches)):
        for k in range(params.n_groups):
            times = np.concatenate(inputs.exc[b][k])
            g_e[b, k] = kernel_filter(grid[0], n, dt, times, np.full(len(times), w_exc[b, k]),
                                       (params.tau_exc_ms,), (1.0,))
            trains = inputs.inh[b][k]
            times = np.concatenate(trains)
            amplitudes = np.concatenate([np.full(len(t), w_inh[b, k, j]) for j, t in enumerate(trains)])
            g_i[b, k] = kernel_filter(grid[0], n, dt, times, amplitudes, (params.sst_tau_decay_ms, sst_r),
                                       (sst_f, -sst_f))
    g_pv = np.zeros((params.n_groups, n))
    for k in range(params.n_groups):
        times = np.concatenate(inputs.pv[k])
        amplitudes = np.concatenate([np.full(len(t), w_pv[k, j]) for j, t in enumerate(inputs.pv[k])])
        g_pv[k] = kernel_filter(grid[0], n, dt, times, amplitudes, (params.pv_tau_decay_ms, pv_r), (pv_f, -pv_f))
    return g_e, g_i, g_pv


def _probe_rows(params: DendriticBalanceParams, spec: CellSpec, inputs: _Inputs, run: dict,
                w_inh: np.ndarray, w_pv: np.ndarray, condition: str, phase: str) -> list:
    """Summary rows (one per site and group) of one probe run."""
    grid = np.arange(0.0, params.probe_s * 1000.0, GRID_MS)
    g_e, g_i, g_pv = _group_conductances(params, inputs, w_inh, w_pv, grid)
    measured = grid >= _lead_ms(params)
    w_exc = exc_weights(params) * params.g_exc_unit_nS
    sites = [(branch, g_e[b], g_i[b], w_exc[b], w_inh[b].mean(axis=1)) for b, branch in enumerate(params.branches)]
    # the soma: PV against each group's total E drive on the cell
    sites.append(("soma", g_e.sum(axis=0), g_pv, w_exc.sum(axis=0), w_pv.mean(axis=1)))
    tags = {b.name: b.tag for b in spec.branches}
    # each group's input rate (Hz) over the probe, from all its trains: tuning is conductance per
    # unit input rate, so that how active a group happened to be in a short probe (shared by its
    # E and I) does not count as co-tuning
    trains = [[t for b in range(len(params.branches)) for t in inputs.exc[b][k] + inputs.inh[b][k]] + inputs.pv[k]
              for k in range(params.n_groups)]
    rate = np.array([sum(len(t) for t in group) / len(group) for group in trains]) / params.probe_s
    rows = []
    for site, ge, gi, we, wi in sites:
        v = np.interp(grid, *run["v"][site])[measured]
        t, ca = run["cai"][site]
        ca = ca[t >= grid[measured][0]]
        ge_m, gi_m = ge[:, measured], gi[:, measured]
        temporal = balance.temporal_balance(ge_m.sum(axis=0), gi_m.sum(axis=0), GRID_MS)
        table = pd.DataFrame({"group": np.arange(1, params.n_groups + 1), "g_exc": ge_m.mean(axis=1),
                              "g_inh": gi_m.mean(axis=1)})
        r_detailed = balance.pearson(table.g_exc / rate, table.g_inh / rate)
        for k in range(params.n_groups):
            rows.append({
                "condition": condition, "phase": phase, "site": site, "tag": tags.get(site, "soma"),
                "group": k + 1, "w_exc_nS": we[k], "w_inh_nS": wi[k],
                "g_exc_nS": table.g_exc[k], "g_inh_nS": table.g_inh[k], "input_rate_hz": rate[k],
                "g_exc_nS_per_hz": table.g_exc[k] / rate[k], "g_inh_nS_per_hz": table.g_inh[k] / rate[k],
                "i_exc_nA": 1e-3 * np.mean(ge_m[k] * (v - params.e_exc_mV)),
                "i_inh_nA": 1e-3 * np.mean(gi_m[k] * (v - params.e_inh_mV)),
                "r_detailed": r_detailed, "r_weights": balance.pearson(we, wi),
                "v_mean_mV": v.mean(), "v_sd_mV": v.std(), "ca_mean_uM": 1e3 * ca.mean(), "ca_sd_uM": 1e3 * ca.std(),
                "event_rate_hz": len(run["events"][site]) / params.probe_s,
                "r_fast": temporal.r_fast, "lag_ms": temporal.lag_ms, "r_slow": temporal.r_slow,
                "temporal_balance": temporal.kind})
    return rows


def _global_columns(frame: pd.DataFrame) -> pd.DataFrame:
    """Add global metrics per condition and phase over the branch rows (not the soma): pooled
    r of the group E and I conductances per input rate, and the E/I ratio of current magnitudes."""
    out = []
    for _, part in frame.groupby(["condition", "phase"], sort=False):
        part = part.copy()
        branches = part[part.site != "soma"]
        result = balance.global_balance(branches, unit="site", stimulus="group", exc="g_exc_nS_per_hz",
                                        inh="g_inh_nS_per_hz")
        part["global_r_pooled"] = result.r_pooled
        part["global_r_within_mean"] = result.r_within_mean
        part["global_ei_ratio"] = balance.ei_ratio(-branches.i_exc_nA, branches.i_inh_nA)
        out.append(part)
    return pd.concat(out, ignore_index=True)


# -- run ----------------------------------------------------------------------------------------
def run(params: DendriticBalanceParams = DendriticBalanceParams(), spec=None,
        jobs: int | None = None) -> ProtocolResult:
    """Summary: one row per condition (post signal), phase (before/after learning), site (each
    branch, and the soma: PV against each group's total E on the cell) and group: w_exc_nS,
    w_inh_nS (mean per synapse), g_exc_nS, g_inh_nS (mean group conductance in the probe),
    input_rate_hz (the group's mean input rate in the probe), g_exc_nS_per_hz, g_inh_nS_per_hz
    (their ratio: the tuning), i_exc_nA, i_inh_nA (mean currents at the branch's mid voltage);
    per site r_detailed (Pearson r over groups of the E and I tuning), r_weights (same for
    weights; NaN while I is flat), v and cai mean/SD, event_rate_hz (−40 mV crossings at the
    branch middle; somatic spikes at the soma), r_fast, lag_ms, r_slow, temporal_balance
    (tight / loose / none, of the site's total E and I conductance); per condition and phase
    global_r_pooled, global_r_within_mean (branches only), global_ei_ratio (current magnitudes).
    The 'before' rows are one probe, repeated under each condition. Table time_course: the learning
    time course per condition, bin and site (rate_hz of post events, v and cai mean/SD).
    The probe before learning and each condition run in ``jobs`` worker processes."""
    spec = spec or cell_spec(params.cell)
    _check(params, spec)
    params = replace(params, branches=site_branches(spec, params.branches, "branches"))
    rng = np.random.default_rng(params.seed)
    learn_inputs = make_inputs(params, params.duration_s, rng)
    probe_inputs = make_inputs(params, params.probe_s, rng)
    shape = (len(params.branches), params.n_groups, params.n_inh_per_group)
    w_inh0 = np.full(shape, params.w_inh_initial_nS)
    w_pv0 = np.full((params.n_groups, params.n_pv_per_group), params.w_inh_initial_nS)
    with using_jobs(jobs):   # the probe before learning and each condition's learning in parallel
        results = map_conditions(_learn_and_probe, [(spec, params, learn_inputs, probe_inputs, w_inh0, w_pv0, c)
                                                    for c in (None, *params.conditions)])
    before = results[0][1]
    rows, courses = [], []
    for condition, (course, after) in zip(params.conditions, results[1:]):
        courses.append(course)
        rows += [before.assign(condition=condition), after]
    summary = _global_columns(pd.concat(rows, ignore_index=True))
    summary["rho0_hz"] = params.rho0_hz
    return ProtocolResult(summary, tables={"time_course": pd.concat(courses, ignore_index=True)})


def _learn_and_probe(spec: CellSpec, params: DendriticBalanceParams, learn_inputs: _Inputs, probe_inputs: _Inputs,
                     w_inh0: np.ndarray, w_pv0: np.ndarray, condition: str | None) -> tuple:
    """(learning time course, probe rows after learning) of one condition; with condition None
    (None, probe rows of the initial weights: the 'before' phase)."""
    if condition is None:
        run = _simulate(spec, params, probe_inputs, params.probe_s, w_inh0, w_pv0, None)
        return None, pd.DataFrame(_probe_rows(params, spec, probe_inputs, run, w_inh0, w_pv0, "", "before"))
    learned = _simulate(spec, params, learn_inputs, params.duration_s, w_inh0, w_pv0, condition)
    after = _simulate(spec, params, probe_inputs, params.probe_s, learned["w_inh"], learned["w_pv"], None)
    return (_time_course(params, learned, condition),
            pd.DataFrame(_probe_rows(params, spec, probe_inputs, after, learned["w_inh"], learned["w_pv"],
                                     condition, "after")))


# -- helpers for readers -----------------------------------------------------------------------
def site_metrics(summary: pd.DataFrame) -> pd.DataFrame:
    """One row per condition, phase and site with the site-level columns."""
    columns = ["condition", "phase", "site", "tag", "r_detailed", "r_weights", "v_mean_mV", "v_sd_mV",
               "ca_mean_uM", "ca_sd_uM", "event_rate_hz", "r_fast", "lag_ms", "r_slow", "temporal_balance"]
    return summary.drop_duplicates(["condition", "phase", "site"])[columns].reset_index(drop=True)
