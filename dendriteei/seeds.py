"""Seeds and ids from parameter sets: sha256 of their canonical JSON, so a run's random streams
depend only on its parameters, not on order, backend or workers (sweeps, pairing noise)."""
from __future__ import annotations

import hashlib
import json
from typing import Any, Mapping

#: Seeds are drawn from [0, SEED_HIGH] unless a caller gives its own range (NEURON's Random123
#: ids are 32-bit; 2**31 − 1 also fits a signed int).
SEED_HIGH = 2**31 - 1


def canonical(params: Mapping[str, Any]) -> str:
    """Stable JSON text of a parameter set (sorted keys, tuples as lists, floats as repr)."""
    return json.dumps(params, sort_keys=True, separators=(",", ":"), allow_nan=False)


def digest(payload: Mapping[str, Any]) -> bytes:
    """sha256 of ``payload``'s canonical JSON."""
    return hashlib.sha256(canonical(payload).encode()).digest()


def derive_seed(sweep_seed: int, protocol: str, params: Mapping[str, Any], low: int = 0,
                high: int = SEED_HIGH) -> int:
    """Seed in [low, high] from sha256 of the sweep seed, protocol name and parameters
    (the ``seed`` parameter itself excluded): independent of order, backend and workers."""
    rest = {k: v for k, v in params.items() if k != "seed"}
    value = digest({"sweep_seed": sweep_seed, "protocol": protocol, "params": rest})
    return low + int.from_bytes(value[:8], "little") % (high - low + 1)
