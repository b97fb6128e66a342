"""Network runs as protocol conditions: one run reduced to what a protocol measures, and a map
over independent runs (worker processes, or one after another under MPI, where the ranks share
each network)."""
from __future__ import annotations

from .conditions import map_conditions
from .engine.network import Network
from .engine.parallel import ensure_mpi, launched_under_mpi
from .network.spec import NetworkSpec


def simulate(spec: NetworkSpec, tstop_ms: float, windows: tuple, bin_ms: float, progress: bool = False) -> dict | None:
    """Run ``spec`` to tstop_ms; on rank 0 (None elsewhere): ``rates`` (population → Hz in each
    (start, stop) window, ms), ``binned`` (population rates in bins of bin_ms), ``final_weights``
    (mean final weight of each plastic projection, nS), ``weights`` (mean sampled weight per
    projection over time), ``spikes`` and ``timing``."""
    with Network(spec) as network:
        result = network.run(tstop_ms, progress=progress)
    if result is None:
        return None
    spikes = result.spikes
    rates = {}
    for pop in spec.populations:
        t = spikes.t_ms[spikes.population == pop.name].to_numpy()
        rates[pop.name] = [float(((t >= a) & (t < b)).sum() / (pop.size * (b - a) / 1000.0)) for a, b in windows]
    final = result.final_weights.groupby("projection").weight_nS.mean().to_dict() if len(result.final_weights) else {}
    weights = result.weights.groupby(["projection", "t_ms"], as_index=False).weight_nS.mean()
    return {"rates": rates, "binned": result.rates_hz(bin_ms), "final_weights": final, "weights": weights,
            "spikes": spikes, "timing": result.timing}


def window_rates(spec: NetworkSpec, tstop_ms: float, windows: tuple) -> dict | None:
    """Only the window rates of :func:`simulate` (population → Hz per window)."""
    out = simulate(spec, tstop_ms, windows, bin_ms=tstop_ms)
    return None if out is None else out["rates"]


def map_networks(function, arguments: list, jobs: int | None = None) -> list:
    """``[function(*args) for args in arguments]`` for network runs: in worker processes
    (:func:`dendriteei.conditions.map_conditions`), or, under an MPI launcher, one after another
    in this process, every rank building its share of each network."""
    if launched_under_mpi():
        ensure_mpi()
        return [function(*args) for args in arguments]
    return map_conditions(function, arguments, jobs)
