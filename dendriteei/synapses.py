"""Synapse groups and their spike sources, as plain data.

A :class:`SynapseGroup` places ``n`` point processes of one mechanism on a region
(spread over a path-distance range, at explicit distances, spread along named branches,
or at explicit (branch, x) sites), each driven by its own spike source.
:meth:`dendriteei.engine.Simulation.add_synapses` builds them.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Optional, Union

import numpy as np

from .catalogue import GABA_POST_SOURCES, GABA_RULES, GABA_WINDOWS, GLU_CA_MODES, GLU_RULES
from .checks import SpecError, integer, is_number, number, shorten, text

#: Most synapses one group may place: a sanity limit (each is a NEURON point process with its own
#: NetCon and spike vector), far above the package's protocols. Raise it by assigning
#: ``dendriteei.synapses.MAX_SYNAPSES_PER_GROUP``.
MAX_SYNAPSES_PER_GROUP = 100_000

#: Integer-coded RANGE parameters of the package's synapses: the valid codes (dendriteei.catalogue).
CODED_PARAMETERS = {
    "dei_glu": {"ca_mode": GLU_CA_MODES, "rule": GLU_RULES},
    "dei_gaba": {"window": GABA_WINDOWS, "post_source": GABA_POST_SOURCES, "homeostatic": GABA_RULES},
}


@dataclass(frozen=True)
class RegularSpikes:
    """``n`` spikes every 1000/rate_hz ms from start_ms, shifted by ``offset_ms``."""
    rate_hz: float
    n: int
    start_ms: float = 0.0
    offset_ms: float = 0.0
    kind: str = "regular"

    def __post_init__(self):
        number("regular spikes", "rate_hz", self.rate_hz, "Hz", above=0.0)
        integer("regular spikes", "n", self.n, minimum=0)
        number("regular spikes", "start_ms", self.start_ms, "ms")
        number("regular spikes", "offset_ms", self.offset_ms, "ms")

    def times(self, rng: np.random.Generator) -> np.ndarray:
        return self.start_ms + self.offset_ms + np.arange(self.n) * 1000.0 / self.rate_hz


@dataclass(frozen=True)
class PoissonSpikes:
    """Homogeneous Poisson spikes at rate_hz between start_ms and stop_ms."""
    rate_hz: float
    start_ms: float
    stop_ms: float
    kind: str = "poisson"

    def __post_init__(self):
        number("Poisson spikes", "rate_hz", self.rate_hz, "Hz", minimum=0.0)
        start = number("Poisson spikes", "start_ms", self.start_ms, "ms")
        number("Poisson spikes", "stop_ms", self.stop_ms, "ms", minimum=start)

    def times(self, rng: np.random.Generator) -> np.ndarray:
        expected = self.rate_hz * (self.stop_ms - self.start_ms) / 1000.0
        count = rng.poisson(expected)
        return np.sort(rng.uniform(self.start_ms, self.stop_ms, count))


@dataclass(frozen=True)
class ExplicitSpikes:
    """Given spike times (ms)."""
    times_ms: tuple
    kind: str = "explicit"

    def __post_init__(self):
        times = self.times_ms
        if isinstance(times, (str, bytes)) or not hasattr(times, "__iter__") \
                or not all(is_number(t) and math.isfinite(t) for t in times):
            raise SpecError(f"explicit spikes: times_ms must be a sequence of finite numbers (ms), "
                            f"got {shorten(self.times_ms)}")

    def times(self, rng: np.random.Generator) -> np.ndarray:
        return np.sort(np.asarray(self.times_ms, dtype=float))


SpikeSource = Union[RegularSpikes, PoissonSpikes, ExplicitSpikes]


@dataclass(frozen=True)
class SynapseGroup:
    """``n`` synapses of ``mechanism`` on ``region`` between min/max path distance (µm),
    evenly spaced (or at ``distances_um`` if given); a distance resolves to the first branch
    of the region that reaches it (an evenly spread one in a gap of the region: its nearest segment). To target given branches, name them in ``branches``
    (synapse i goes to branches[i % len(branches)], the synapses of a branch evenly spread
    at x = (j + 0.5)/m) or give ``sites`` as one (branch, x) pair per synapse; every site
    must lie in ``region``. ``parameters`` are the mechanism's
    RANGE values; ``sources`` gives one spike source per synapse, or one shared by all
    (each synapse then draws its own Poisson realisation from ``seed``)."""
    name: str
    region: str
    mechanism: str
    sources: tuple
    n: int = 1
    min_distance_um: float = 0.0
    max_distance_um: Optional[float] = None
    distances_um: tuple = ()
    branches: tuple = ()            # branch names; synapses spread along them
    sites: tuple = ()               # ((branch, x), ...), one per synapse, x in [0, 1]
    parameters: tuple = ()          # dict or ((name, value), ...); stored as sorted pairs
    varying: tuple = ()             # dict or ((name, (value per synapse, ...)), ...)
    weight: float = 1.0             # weight[0] of each input NetCon (mechanism's unit)
    receives_post_spikes: bool = False
    post_threshold_mV: float = -20.0
    delay_ms: float = 0.0
    seed: int = 0

    def __post_init__(self):
        text("synapse group", "name", self.name)
        owner = f"group {self.name!r}"
        text(owner, "region", self.region)
        text(owner, "mechanism", self.mechanism)
        integer(owner, "n", self.n, minimum=1, maximum=MAX_SYNAPSES_PER_GROUP,
                hint=" (a sanity limit: raise dendriteei.synapses.MAX_SYNAPSES_PER_GROUP for more)")
        if isinstance(self.parameters, dict):
            object.__setattr__(self, "parameters", tuple(sorted(self.parameters.items())))
        object.__setattr__(self, "sources", tuple(self.sources))
        for source in self.sources:
            if not isinstance(source, (RegularSpikes, PoissonSpikes, ExplicitSpikes)):
                raise SpecError(f"{owner}: sources must be RegularSpikes, PoissonSpikes or ExplicitSpikes, "
                                f"got {shorten(source)}")
        if isinstance(self.varying, dict):
            object.__setattr__(self, "varying", tuple(sorted((k, tuple(v)) for k, v in self.varying.items())))
        for name, values in self.varying:
            if len(values) != self.n:
                raise SpecError(f"group {self.name!r}: {name} varies over {len(values)} values for n = {self.n}")
        for name, value in self.parameters:
            self._check_parameter(name, value)
        for name, values in self.varying:
            for index, value in enumerate(values):
                self._check_parameter(f"{name}[{index}]", value, name)
        object.__setattr__(self, "distances_um", tuple(self.distances_um))
        if self.distances_um and len(self.distances_um) != self.n:
            raise SpecError(f"group {self.name!r}: {len(self.distances_um)} distances for n = {self.n}")
        for index, distance in enumerate(self.distances_um):
            number(owner, f"distances_um[{index}]", distance, "µm", minimum=0.0)
        low = number(owner, "min_distance_um", self.min_distance_um, "µm", minimum=0.0)
        number(owner, "max_distance_um", self.max_distance_um, "µm", minimum=low, optional=True)
        object.__setattr__(self, "branches", (self.branches,) if isinstance(self.branches, str) else tuple(self.branches))
        for index, site in enumerate(self.sites):
            if not (isinstance(site, (tuple, list)) and len(site) == 2 and isinstance(site[0], str)
                    and is_number(site[1])):
                raise SpecError(f"{owner}: sites[{index}] must be a (branch name, x) pair, got {shorten(site)}")
        object.__setattr__(self, "sites", tuple((b, float(x)) for b, x in self.sites))
        if sum(bool(p) for p in (self.distances_um, self.branches, self.sites)) > 1:
            raise SpecError(f"group {self.name!r}: give at most one of distances_um, branches, sites")
        if self.sites and len(self.sites) != self.n:
            raise SpecError(f"group {self.name!r}: {len(self.sites)} sites for n = {self.n}")
        for branch, x in self.sites:
            if not 0.0 <= x <= 1.0:
                raise SpecError(f"group {self.name!r}: site ({branch!r}, {x}) has x outside [0, 1]")
        if len(self.sources) not in (1, self.n):
            raise SpecError(f"group {self.name!r}: give 1 or n = {self.n} spike sources, not {len(self.sources)}")
        number(owner, "weight", self.weight, "(mechanism's unit, e.g. µS)", minimum=0.0)
        number(owner, "post_threshold_mV", self.post_threshold_mV, "mV")
        number(owner, "delay_ms", self.delay_ms, "ms", minimum=0.0)
        integer(owner, "seed", self.seed, minimum=0)
        if not isinstance(self.receives_post_spikes, bool):
            raise SpecError(f"{owner}: receives_post_spikes must be True or False, got "
                            f"{shorten(self.receives_post_spikes)}")

    def _check_parameter(self, label: str, value, name: str | None = None) -> None:
        """A RANGE value: a finite number, ≥ 0 for conductance-like names (g…), a valid code
        for the coded parameters of dei_glu / dei_gaba."""
        name = label if name is None else name
        owner = f"group {self.name!r}"
        number(owner, f"parameter {label}", value, minimum=0.0 if name.startswith("g") else None)
        codes = CODED_PARAMETERS.get(self.mechanism, {}).get(name)
        if codes is not None and value not in codes.values():
            raise SpecError(f"{owner}: parameter {label} = {shorten(value)} is not a {self.mechanism} {name} code; "
                            f"valid: {', '.join(f'{code} ({key})' for key, code in codes.items())}")

    def target_distances(self, nearest_um: float, farthest_um: float) -> list[float]:
        """Path distances (µm) of the n synapses, given the region's nearest and farthest points."""
        if self.distances_um:
            return [float(d) for d in self.distances_um]
        lower = max(self.min_distance_um, nearest_um)
        upper = farthest_um if self.max_distance_um is None else min(self.max_distance_um, farthest_um)
        if upper < lower:
            raise SpecError(f"group {self.name!r}: the region spans {nearest_um:.0f}–{farthest_um:.0f} µm, "
                            f"outside the requested {self.min_distance_um}–{self.max_distance_um} µm")
        if self.n == 1:
            return [0.5 * (lower + upper)]
        return list(np.linspace(lower, upper, self.n))

    def branch_sites(self) -> tuple:
        """((branch, x), ...) of the n synapses when placed by ``branches`` or ``sites``; () otherwise."""
        if self.sites:
            return self.sites
        if not self.branches:
            return ()
        count = len(self.branches)
        per_branch = [len(range(b, self.n, count)) for b in range(count)]
        return tuple((self.branches[i % count], (i // count + 0.5) / per_branch[i % count]) for i in range(self.n))

    def spike_times(self) -> list[np.ndarray]:
        """Spike times (ms) of each synapse's source; reproducible from ``seed``."""
        rng = np.random.default_rng(self.seed)
        sources = self.sources if len(self.sources) == self.n else self.sources * self.n
        return [s.times(rng) for s in sources]
