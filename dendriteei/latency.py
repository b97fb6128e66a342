"""Somatic spike latency: the delay from a current pulse's onset to the AP it evokes."""
from __future__ import annotations

from .engine import Simulation, Site, build
from .parameters import ParameterError


def spike_latency_ms(spec, numerics, amplitude_nA: float, duration_ms: float, amplitude_name: str) -> float:
    """Delay (ms) from the onset of a somatic current pulse (nA, ms) to the soma's −20 mV crossing.
    ``numerics`` has dt_ms, cvode, atol and settle_ms (ms before the pulse). Raises if the pulse
    does not evoke exactly one spike (``amplitude_name`` names the parameter to change)."""
    with Simulation(build(spec), dt_ms=numerics.dt_ms, cvode=numerics.cvode, atol=numerics.atol) as sim:
        sim.current_pulse(Site("soma", region="soma"), amplitude_nA, numerics.settle_ms, duration_ms)
        spikes = sim.run(numerics.settle_ms + duration_ms + 45.0).spikes_by_gid[sim.gid_of(sim.cell)]
    if len(spikes) != 1:
        raise ParameterError(f"{amplitude_name} = {amplitude_nA} nA gives {len(spikes)} somatic spikes "
                             "per pulse; choose an amplitude that gives exactly 1")
    return float(spikes[0] - numerics.settle_ms)
