"""Vogels et al. 2011 Science 334:1569 (Fig. 4): inhibitory plasticity balances a recurrent network.

8000 E + 2000 I conductance-based LIF neurons (mod/dei_lif.mod), 2 % random connectivity, a
200 pA background current; I→E synapses (dei_gaba, single exponential) learn with the
symmetric iSTDP rule (window 1, ρ0 = 3 Hz, τ_STDP = 20 ms, η = 0.01 nS) from the second second
on. Without inhibition onto E the network fires at ≈ 165 Hz (E); iSTDP brings the E rate down
toward ρ0 and the activity becomes asynchronous and irregular (CV of the ISI near 1, small
pairwise correlations). Numbers: :class:`dendriteei.network.presets.VogelsParameters`.

``cell`` other than "point" gives the variant with multicompartment E cells (e.g. ``reduced``:
the reduced L5 pyramidal cell) whose inhibition is split into PV (perisomatic, somatic post
signal) and SST (distal apical, local bAP post signal) halves of the I population; E→E inputs
land on basal and oblique dei_glu synapses and a Poisson drive replaces the bias current.

Runs on one process, or under ``mpiexec -n N`` with the same results (NEURON ParallelContext;
rank 0 returns the result, the others None).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..engine.network import Network
from ..engine.parallel import ensure_mpi
from ..network.analysis import cv_isi, pairwise_correlation, time_to_band_ms
from ..network.presets import VogelsParameters, vogels_2011
from ..network.spec import NetworkSpec, Recording
from ..parameters import ParameterError, parameter
from ..spec import CellSpec
from .common import ProtocolResult, RunParams, cell_spec

#: The E-cell choice of the point-neuron network.
POINT = "point"
_V = VogelsParameters()


@dataclass(frozen=True)
class VogelsNetworkParams(RunParams):
    cell: str = parameter(POINT, "", doc="E cells: 'point' (the LIF of Vogels et al. 2011), or a cell as elsewhere "
                          "(e.g. reduced, reduced:path.swc) for the PV/SST variant")
    dt_ms: float = parameter(_V.dt_ms, "ms", 0.01, 0.2, "fixed time step (Vogels et al. 2011: 0.1 ms)")
    settle_ms: float = parameter(0.0, "ms", 0.0, 0.0, "unused (the network starts from random voltages)")
    n_exc: int = parameter(_V.n_exc, "", 1, 10**6, "E cells (Vogels et al. 2011: 8000)")
    n_inh: int = parameter(_V.n_inh, "", 1, 10**6, "I cells (Vogels et al. 2011: 2000)")
    p_connect: float = parameter(_V.p_connect, "", 0.0, 1.0, "connection probability (Vogels et al. 2011: 0.02)")
    duration_s: float = parameter(10.0, "s", 0.01, 3600.0, "simulated time")
    static_s: float = parameter(_V.static_ms / 1000.0, "s", 0.0, 3600.0,
                                "iSTDP off before this time (Brian2 example: 1 s)")
    eta_nS: float = parameter(_V.eta_nS, "nS", 0.0, 100.0, "iSTDP learning rate (Vogels et al. 2011: 0.01 nS)")
    rho0_hz: float = parameter(_V.rho0_hz, "Hz", 0.0, 1000.0, "target rate ρ0 (Vogels et al. 2011: 3 Hz)")
    w_exc_nS: float = parameter(_V.w_exc_nS, "nS", 0.0, 1000.0, "E→E and E→I weight (0.3 nS)")
    w_ii_nS: float = parameter(_V.w_ii_nS, "nS", 0.0, 1000.0, "I→I weight (3 nS)")
    w_ie_init_nS: float = parameter(_V.w_ie_init_nS, "nS", 0.0, 1000.0, "initial I→E weight (0)")
    w_ie_max_nS: float = parameter(_V.w_ie_max_nS, "nS", 0.0, 10000.0, "largest I→E weight (100 nS)")
    i_bias_pA: float = parameter(_V.i_bias_pA, "pA", 0.0, 10000.0, "background current of the point neurons (200 pA)")
    drive_hz: float = parameter(2000.0, "Hz", 0.0, 1e5, "variant only: total Poisson rate onto each E cell's "
                                "basal dendrites (replaces the bias current)")
    drive_nS: float = parameter(1.0, "nS", 0.0, 1000.0, "variant only: weight of the Poisson drive")
    seed: int = parameter(1, "", 0, 2**31 - 1, "seed of connectivity, initial voltages and inputs")
    nthread: int = parameter(1, "", 1, 256, "threads per rank (ParallelContext.nthread)")
    bin_ms: float = parameter(100.0, "ms", 1.0, 10000.0, "bin of the population rates")
    window_s: float = parameter(1.0, "s", 0.01, 3600.0, "window of the CV, correlation and rate summaries")
    weight_sample: int = parameter(200, "", 0, 10**6, "I→E connections whose weight is sampled every bin")
    current_sample: int = parameter(5, "", 0, 1000, "cells per population whose E and I currents are recorded")
    progress: bool = parameter(True, "", doc="progress bar on simulated time (rank 0)")

    def check(self) -> None:
        if self.cvode:
            raise ParameterError("cvode: networks run with the fixed step (dt_ms) and ParallelContext.psolve; "
                                 "set cvode=False")
        if self.static_s > self.duration_s:
            raise ParameterError(f"static_s = {self.static_s:g} s exceeds duration_s = {self.duration_s:g} s")


def network_spec(params: VogelsNetworkParams, exc_cell: CellSpec | None = None) -> NetworkSpec:
    """The network of these parameters: point E cells for cell = 'point', else multicompartment E
    cells (``exc_cell``, or the spec that ``params.cell`` names)."""
    values = VogelsParameters(n_exc=params.n_exc, n_inh=params.n_inh, p_connect=params.p_connect,
                              w_exc_nS=params.w_exc_nS, w_ii_nS=params.w_ii_nS, w_ie_init_nS=params.w_ie_init_nS,
                              w_ie_max_nS=params.w_ie_max_nS, eta_nS=params.eta_nS, rho0_hz=params.rho0_hz,
                              i_bias_pA=params.i_bias_pA, static_ms=params.static_s * 1000.0, dt_ms=params.dt_ms,
                              delay_ms=max(_V.delay_ms, params.dt_ms))
    recording = Recording(every_ms=params.bin_ms, weight_sample=params.weight_sample,
                          current_sample=params.current_sample, current_every_ms=max(1.0, params.dt_ms))
    if exc_cell is None and params.cell != POINT:
        exc_cell = cell_spec(params.cell)
    return vogels_2011(values, seed=params.seed, exc_cell=exc_cell, recording=recording,
                       exc_drive_hz=params.drive_hz, exc_drive_nS=params.drive_nS)


def run(params: VogelsNetworkParams = VogelsNetworkParams(),
        spec: NetworkSpec | CellSpec | None = None) -> ProtocolResult | None:
    """Summary: one row per population and window (rate, CV of the ISI, pairwise correlation);
    tables: rates, weights (sampled I→E), final_weights, currents, spikes and outcome (time to
    reach ρ0 ± 10 %, speed, counts). ``spec``: the network (default: from params), or a CellSpec
    to use as the E cell. Under MPI, ranks other than 0 return None."""
    if not isinstance(spec, NetworkSpec):
        spec = network_spec(params, exc_cell=spec)
    ensure_mpi()
    with Network(spec, nthread=params.nthread) as network:
        result = network.run(params.duration_s * 1000.0, progress=params.progress)
    if result is None:
        return None
    rates = result.rates_hz(params.bin_ms)
    summary = _windows(result, params)
    e_rate = rates[rates.population == "E"]
    settle = time_to_band_ms(e_rate.t_ms.to_numpy(), e_rate.rate_hz.to_numpy(), params.rho0_hz, 0.1,
                             after_ms=params.static_s * 1000.0)
    first = summary[(summary.population == "E")].iloc[0]
    last = summary[(summary.population == "E")].iloc[-1]
    plastic = [p.name for p in spec.projections if p.synapse.plastic]
    final_w = result.final_weights
    outcome = pd.DataFrame([{
        "cell": params.cell, "n_cells": spec.n_cells, "duration_s": params.duration_s,
        "e_rate_first_window_hz": first.rate_hz, "e_rate_last_window_hz": last.rate_hz,
        "e_cv_isi_last_window": last.cv_isi, "e_correlation_last_window": last.correlation,
        "time_to_rho0_10pct_s": settle / 1000.0, "rho0_hz": params.rho0_hz,
        "mean_final_ie_weight_nS": float(final_w[final_w.projection.isin(plastic)].weight_nS.mean())
        if len(final_w) else float("nan"),
        "connections": int(sum(result.connections.values())), "spikes": len(result.spikes),
        "synaptic_events": result.synaptic_events,
        "events_per_s": result.synaptic_events / result.timing["run_s"] if result.timing["run_s"] > 0 else float("nan"),
        **result.timing}])
    tables = {"outcome": outcome, "rates": rates, "weights": result.weights, "final_weights": final_w,
              "currents": result.currents, "spikes": result.spikes}
    return ProtocolResult(summary=summary, tables=tables)


def _windows(result, params: VogelsNetworkParams) -> pd.DataFrame:
    """Rate, CV of the ISI and pairwise spike-count correlation per population and window."""
    rows = []
    window = params.window_s * 1000.0
    edges = np.arange(0.0, result.tstop_ms + 1e-9, window)
    edges = edges if edges[-1] >= result.tstop_ms - 1e-9 else np.append(edges, result.tstop_ms)
    for pop in result.spec.populations:
        first = result.spec.first_gid(pop.name)
        gids = np.arange(first, first + pop.size)
        spikes = result.spikes[result.spikes.population == pop.name]
        for start, stop in zip(edges[:-1], edges[1:]):
            n = int(((spikes.t_ms >= start) & (spikes.t_ms < stop)).sum())
            cvs = cv_isi(spikes, start, stop)
            corr = pairwise_correlation(spikes, gids, start, stop, rng=np.random.default_rng(params.seed))
            rows.append({"population": pop.name, "start_s": start / 1000.0, "stop_s": stop / 1000.0,
                         "rate_hz": n / (pop.size * (stop - start) / 1000.0),
                         "cv_isi": float(np.mean(cvs)) if len(cvs) else float("nan"),
                         "correlation": float(np.mean(corr)) if len(corr) else float("nan"),
                         "active_fraction": spikes[(spikes.t_ms >= start) & (spikes.t_ms < stop)].gid.nunique()
                         / pop.size})
    return pd.DataFrame(rows)
