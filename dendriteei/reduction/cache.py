"""Reduced specs kept on disk: a reduction fits for ~1 min, its result is a small JSON file.

The key hashes the full spec, the reduction's arguments, the reduction code and the mechanisms'
NMODL, so a change to any of them refits. Files live in ``<cache root>/reduced/`` (the
mechanisms' cache root, ``$DENDRITEEI_CACHE``)."""
from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

from ..engine.mechanisms import cache_root, mod_hash
from ..spec import CellSpec

_CODE = sorted(Path(__file__).parent.glob("*.py")) + [Path(__file__).parents[1] / "engine" / name
                                                      for name in ("cell.py", "impedance.py", "simulation.py")]


def key(spec: CellSpec, pathways, d_lambda: float) -> str:
    digest = hashlib.sha256()
    digest.update(spec.to_json(sort_keys=True).encode())
    digest.update(repr((tuple(pathways), float(d_lambda))).encode())
    for path in _CODE:
        digest.update(path.read_bytes())
    digest.update(mod_hash().encode())
    return digest.hexdigest()[:20]


def cached_reduce(spec: CellSpec, pathways, d_lambda: float) -> CellSpec:
    """The reduced spec from the disk cache, else fitted now and stored (atomically)."""
    from . import reduce
    path = cache_root() / "reduced" / f"{spec.name}-{key(spec, pathways, d_lambda)}.json"
    if path.exists():
        return CellSpec.from_json(path.read_text())
    reduced = reduce(spec, pathways, d_lambda)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_suffix(f".{os.getpid()}.tmp")
        partial.write_text(json.dumps(reduced.to_dict()))
        partial.replace(path)
    except OSError:          # an unwritable cache costs a refit next time, nothing else
        pass
    return reduced
