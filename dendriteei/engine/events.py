"""Timed events of a run: spikes delivered to point processes and Python calls at given times.

One :class:`EventQueue` per simulation holds every explicit event: the input spikes of
synapse groups, typed events (e.g. postsynaptic or excitatory-population events of
``dei_gaba``), EPSC onsets, and readouts during the run. :meth:`EventQueue.queue` puts them on
NEURON's event queue right after ``finitialize``; no FInitializeHandler holds a reference to the
simulation, so releasing it frees everything.
"""
from __future__ import annotations

import numpy as np


class EventQueue:
    """Source-less NetCons with the times (ms) they fire, and callbacks with their times (ms)."""

    def __init__(self, h):
        self.h = h
        self._deliveries = []   # (NetCon, times in ms)
        self._callbacks = []    # (time in ms, callable)

    def deliver(self, target, times_ms, weights=(1.0,), delay_ms: float = 0.0):
        """A NetCon without source to point process ``target`` with weight vector ``weights``
        that fires at ``times_ms`` (+ ``delay_ms``); returns the NetCon."""
        times = np.asarray(times_ms, dtype=float).ravel()
        if not np.all(np.isfinite(times)):
            raise ValueError("event times must be finite (ms)")
        netcon = self.h.NetCon(None, target)
        for slot, value in enumerate(weights):
            netcon.weight[slot] = value
        netcon.delay = 0.0
        self._deliveries.append((netcon, times + delay_ms))
        return netcon

    def call_at(self, t_ms: float, callback) -> None:
        """Call ``callback()`` when the run reaches t_ms (CVODE: at t_ms exactly; fixed step:
        at the end of the step that contains t_ms)."""
        if not np.isfinite(t_ms):
            raise ValueError(f"callback time must be finite, got {t_ms} ms")
        self._callbacks.append((float(t_ms), callback))

    def queue(self) -> None:
        """Put every event on NEURON's queue; call right after finitialize."""
        for netcon, times in self._deliveries:
            for t in times:
                netcon.event(float(t))
        cvode = self.h.CVode()
        for t, callback in self._callbacks:
            cvode.event(t, callback)

    def release(self) -> None:
        """Drop the NetCons and callbacks (before the point processes they target)."""
        self._callbacks.clear()
        self._deliveries.clear()
