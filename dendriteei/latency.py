"""Somatic spike latency: the delay from a current pulse's onset to the AP it evokes."""
from __future__ import annotations

import functools

import numpy as np

from .engine import Simulation, Site, build
from .parameters import ParameterError


def _somatic_spikes_ms(spec, numerics, amplitude_nA: float, duration_ms: float, after_ms: float):
    """Somatic spike times (ms, −20 mV crossings) of one run: settle, then a somatic pulse (nA, ms),
    then ``after_ms`` (ms). ``numerics`` has dt_ms, cvode, atol and settle_ms. Each distinct run is
    simulated once per process (calibrations ask for the same latency many times)."""
    return np.array(_spikes_ms(spec, float(numerics.dt_ms), bool(numerics.cvode), float(numerics.atol),
                               float(numerics.settle_ms), float(amplitude_nA), float(duration_ms), float(after_ms)))


@functools.lru_cache(maxsize=256)
def _spikes_ms(spec, dt_ms: float, cvode: bool, atol: float, settle_ms: float, amplitude_nA: float,
               duration_ms: float, after_ms: float) -> tuple:
    with Simulation(build(spec), dt_ms=dt_ms, cvode=cvode, atol=atol) as sim:
        sim.current_pulse(Site("soma", region="soma"), amplitude_nA, settle_ms, duration_ms)
        return tuple(sim.run(settle_ms + duration_ms + after_ms).spikes_by_gid[sim.gid_of(sim.cell)])


def spike_latency_ms(spec, numerics, amplitude_nA: float, duration_ms: float, amplitude_name: str) -> float:
    """Delay (ms) from the onset of a somatic current pulse (nA, ms) to the soma's −20 mV crossing.
    ``numerics`` has dt_ms, cvode, atol and settle_ms (ms before the pulse). Raises if the pulse
    does not evoke exactly one spike (``amplitude_name`` names the parameter to change)."""
    spikes = _somatic_spikes_ms(spec, numerics, amplitude_nA, duration_ms, 45.0)
    if not len(spikes):
        raise no_spike_error(spec, numerics, amplitude_nA, duration_ms, amplitude_name, 20.0,
                             "there is no back-propagating AP")
    if len(spikes) > 1:
        pulse = one_spike_pulse(spec, numerics, duration_ms, amplitude_nA)
        duration_name = amplitude_name.replace("amplitude_nA", "duration_ms")
        hint = ("no pulse of 0.5 ms to this duration, carrying at most this pulse's charge, gives exactly 1"
                if pulse is None else
                f"on cell {spec.name!r} a {pulse[0]:g} nA, {pulse[1]:g} ms pulse gives exactly 1: "
                f"--set {amplitude_name}={pulse[0]:g}" +
                ("" if pulse[1] == duration_ms else f" --set {duration_name}={pulse[1]:g}"))
        raise ParameterError(f"{amplitude_name} = {amplitude_nA} nA gives {len(spikes)} somatic spikes "
                             f"per {duration_ms} ms pulse; the protocol needs exactly 1 ({hint})")
    return float(spikes[0] - numerics.settle_ms)


def one_spike_pulse(spec, numerics, duration_ms: float, high_nA: float) -> tuple | None:
    """(amplitude nA, duration ms) of a somatic pulse that evokes exactly one spike: of
    ``duration_ms`` if one exists (:func:`one_spike_amplitude_nA`), else shorter (2, 1, 0.5, 0.25 ms:
    a cell that bursts at rheobase for a long pulse fires once for a brief strong one); None if
    none does."""
    for duration in sorted({duration_ms, *(d for d in (2.0, 1.0, 0.5, 0.25) if d < duration_ms)}, reverse=True):
        amplitude = one_spike_amplitude_nA(spec, numerics, duration, high_nA * duration_ms / duration)
        if amplitude is not None:
            return amplitude, duration
    return None


def one_spike_amplitude_nA(spec, numerics, duration_ms: float, high_nA: float) -> float | None:
    """A somatic pulse amplitude (nA, two significant digits, ≤ ``high_nA``) that evokes exactly one
    spike: 1.2 × the rheobase for ``duration_ms``, else 1.05, 1.5 or 2 × (a cell that bursts just
    above rheobase may fire once for a stronger brief pulse); None if none does."""
    rheobase = rheobase_nA(spec, numerics, duration_ms, high_nA)
    if rheobase is None:
        return None
    for factor in (1.2, 1.05, 1.5, 2.0):
        amplitude = min(float(f"{factor * rheobase:.2g}"), high_nA)
        if amplitude >= rheobase and somatic_spike_count(spec, numerics, amplitude, duration_ms, 45.0) == 1:
            return amplitude
    return None


def somatic_spike_count(spec, numerics, amplitude_nA: float, duration_ms: float, after_ms: float = 20.0) -> int:
    """Somatic spikes (−20 mV crossings) evoked by one somatic pulse (nA, ms), counted until
    ``after_ms`` (ms) after the pulse ends. ``numerics`` as in :func:`spike_latency_ms`."""
    spikes = _somatic_spikes_ms(spec, numerics, amplitude_nA, duration_ms, after_ms)
    return int(sum(1 for t in spikes if t >= numerics.settle_ms))


def rheobase_nA(spec, numerics, duration_ms: float, high_nA: float, low_nA: float = 0.0,
                precision: float = 0.05) -> float | None:
    """Smallest somatic pulse amplitude (nA) of ``duration_ms`` (ms) that evokes a somatic spike,
    to a relative ``precision`` (the returned amplitude fires and lies within that fraction above
    the threshold). ``low_nA`` is an amplitude known not to fire (e.g. the one just tried): the
    search doubles it until a spike (at most ``high_nA``), then bisects. None if even ``high_nA``
    evokes no spike. Each step is one short run (settle + pulse + 20 ms)."""
    low = max(float(low_nA), 0.0)
    while True:
        probe = min(2.0 * low, high_nA) if low > 0 else high_nA
        if somatic_spike_count(spec, numerics, probe, duration_ms) > 0:
            high = probe
            break
        if probe >= high_nA:
            return None
        low = probe
    while high - low > precision * high:
        middle = 0.5 * (low + high)
        if somatic_spike_count(spec, numerics, middle, duration_ms) > 0:
            high = middle
        else:
            low = middle
    return float(high)


def no_spike_error(spec, numerics, amplitude_nA: float, duration_ms: float, amplitude_name: str,
                   high_nA: float, needed_for: str) -> ParameterError:
    """The ParameterError for a somatic pulse (nA, ms) that evoked no somatic spike: it names
    ``amplitude_name`` and gives the cell's rheobase for that duration (searched up to
    ``high_nA``, the parameter's maximum), or says that even the maximum does not fire."""
    rheobase = rheobase_nA(spec, numerics, duration_ms, high_nA, low_nA=amplitude_nA)
    head = (f"{amplitude_name} = {amplitude_nA} nA ({duration_ms} ms pulse) evokes no somatic spike "
            f"on cell {spec.name!r}, so {needed_for}")
    if rheobase is None:
        return ParameterError(f"{head}; even {amplitude_name} = {high_nA} nA (its maximum) evokes none: "
                              "this cell's soma does not fire (check its somatic/axonal Na channels) "
                              "or needs a longer pulse")
    suggestion = float(f"{rheobase:.2g}")
    if suggestion < rheobase:
        suggestion = float(f"{rheobase * 1.05:.2g}")
    suggestion = min(suggestion, high_nA)
    return ParameterError(f"{head}; this cell's rheobase for a {duration_ms} ms pulse is {rheobase:.3g} nA "
                          f"(to 5 %): set {amplitude_name} to at least that, "
                          f"e.g. --set {amplitude_name}={suggestion:g}")
