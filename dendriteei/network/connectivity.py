"""Who connects to whom, drawn per target cell (numpy only).

Every random draw of a network comes from a stream keyed by (run seed, what it is for, the
projection or stimulus, the target gid): :func:`stream`. The connections onto a cell therefore
depend only on the spec and that cell's gid, so every MPI rank draws exactly the connections of
its own cells, and the network is the same for any number of ranks, threads or build order.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .spec import AssemblyProbability, Constant, InDegree, NetworkSpec, Normal, Probability, Projection

#: Purposes of the random streams (the second key of every stream).
STREAMS = {"connections": 1, "stimulus": 2, "v_init": 3, "sites": 4, "sample": 5, "selection": 6}


def stream(seed: int, purpose: str, *keys: int) -> np.random.Generator:
    """The numpy Generator for (seed, purpose, keys...), e.g. ('connections', projection, gid)."""
    return np.random.default_rng([int(seed), STREAMS[purpose], *(int(k) for k in keys)])


@dataclass(frozen=True)
class Incoming:
    """Connections of one projection onto one target cell: presynaptic gids, weights (nS),
    delays (ms) and the synapse site (0 … sites − 1) each lands on."""
    pre_gids: np.ndarray
    weights_nS: np.ndarray
    delays_ms: np.ndarray
    sites: np.ndarray

    def __len__(self) -> int:
        return len(self.pre_gids)


def _sample(rng: np.random.Generator, candidates: np.ndarray, p: float) -> np.ndarray:
    """Each candidate kept independently with probability p: a binomial count, then that many
    distinct candidates uniformly."""
    k = rng.binomial(len(candidates), p)
    return candidates[np.sort(rng.choice(len(candidates), size=k, replace=False))]


def draw(distribution, n: int, rng: np.random.Generator) -> np.ndarray:
    """n values of a spec distribution (Constant, Normal clipped at its low bound, UniformRange)."""
    if isinstance(distribution, Constant):
        return np.full(n, distribution.value)
    if isinstance(distribution, Normal):
        return np.maximum(rng.normal(distribution.mean, distribution.sd, n), distribution.low)
    return rng.uniform(distribution.low, distribution.high, n)


def presynaptic_indices(spec: NetworkSpec, projection: Projection, post_index: int,
                        rng: np.random.Generator) -> np.ndarray:
    """Indices (within the pre population) of the cells that connect onto cell ``post_index`` of
    the post population, sorted; no autapses."""
    pre = spec.population(projection.pre)
    post = spec.population(projection.post)
    candidates = np.arange(pre.size)
    if projection.pre == projection.post:
        candidates = np.delete(candidates, post_index)
    rule = projection.rule
    if isinstance(rule, Probability):
        return _sample(rng, candidates, rule.p)
    if isinstance(rule, InDegree):
        return np.sort(rng.choice(candidates, size=rule.k, replace=False))
    assert isinstance(rule, AssemblyProbability)
    own = assembly_of(post_index, post.assembly_size, post.n_assemblies)
    theirs = assembly_of(candidates, pre.assembly_size, pre.n_assemblies)
    same = (theirs == own) & (own >= 0)
    return np.sort(np.concatenate([_sample(rng, candidates[same], rule.p_within),
                                   _sample(rng, candidates[~same], rule.p_between)]))


def assembly_of(index, assembly_size: int, n_assemblies: int):
    """Assembly of cell ``index`` (array or int) of a population: index // assembly_size, or −1
    outside every assembly."""
    index = np.asarray(index)
    if not assembly_size:
        return np.full(index.shape, -1) if index.shape else -1
    k = index // assembly_size
    return np.where(k < n_assemblies, k, -1) if index.shape else (int(k) if k < n_assemblies else -1)


def incoming(spec: NetworkSpec, projection_index: int, post_gid: int) -> Incoming:
    """The connections of ``spec.projections[projection_index]`` onto the cell ``post_gid``."""
    projection = spec.projections[projection_index]
    post_pop, post_index = spec.population_of(post_gid)
    if post_pop.name != projection.post:
        raise ValueError(f"gid {post_gid} is in population {post_pop.name!r}, not {projection.post!r}")
    rng = stream(spec.seed, "connections", projection_index, post_gid)
    pre = presynaptic_indices(spec, projection, post_index, rng)
    n = len(pre)
    return Incoming(pre_gids=pre + spec.first_gid(projection.pre),
                    weights_nS=draw(projection.weight_nS, n, rng),
                    delays_ms=draw(projection.delay_ms, n, rng),
                    sites=rng.integers(0, projection.synapse.sites, n))


def in_degrees(spec: NetworkSpec, projection_index: int) -> np.ndarray:
    """In-degree of every cell of the projection's post population (for statistics and tests)."""
    projection = spec.projections[projection_index]
    first = spec.first_gid(projection.post)
    return np.array([len(incoming(spec, projection_index, first + i))
                     for i in range(spec.population(projection.post).size)])


def selected(spec: NetworkSpec, stimulus_index: int, gid: int, fraction: float) -> bool:
    """Whether cell ``gid`` is among the ``fraction`` of its population a stimulus reaches."""
    return fraction >= 1.0 or stream(spec.seed, "selection", stimulus_index, gid).random() < fraction
