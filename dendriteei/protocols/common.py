"""What every protocol shares: the cell choice, numerics, the result type, region and branch checks."""
from __future__ import annotations

from dataclasses import dataclass, field, fields
from functools import lru_cache
from pathlib import Path

import pandas as pd

from ..cells import l5_pyramidal, point_soma, vogels_soma
from ..engine import Site, build
from ..parameters import Checked, ParameterError, parameter, validate
from ..spec import CellSpec, SpecError
from ..morphology import load_morphology

#: Morphology files read by MorphIO (:func:`dendriteei.morphology.load_morphology`).
MORPHOLOGY_SUFFIXES = (".swc", ".asc", ".h5")
BUILTIN_CELLS = {"l5_pyramidal": l5_pyramidal, "point_soma": point_soma, "vogels_soma": vogels_soma}
#: Prefixes of reduced cells (dendriteei.reduction): ``reduced[:CELL]`` the few-compartment
#: reduction of CELL (default l5_pyramidal), ``single-compartment[:CELL]`` its single-compartment limit.
REDUCED_PREFIXES = ("reduced", "single-compartment")


@dataclass(frozen=True)
class RunParams(metaclass=Checked):
    """Cell and numerics (base of every protocol's parameters). Validated when made: a bad
    value raises ParameterError (:func:`dendriteei.parameters.validate`)."""
    cell: str = parameter("l5_pyramidal", "", doc="built-in cell name, or path to a morphology (.swc, .asc, .h5) "
                                                  "or cell-spec .json file")
    dt_ms: float = parameter(0.025, "ms", 0.001, 0.2, "fixed time step (ignored with cvode)")
    cvode: bool = parameter(False, "", doc="use NEURON's variable-step integrator (CVODE)")
    atol: float = parameter(1e-4, "", 1e-8, 1e-2, "CVODE absolute tolerance")
    settle_ms: float = parameter(300.0, "ms", 0.0, 5000.0, "time to reach rest before stimulation")

    def __post_init__(self) -> None:
        for f in fields(self):   # a list is the natural Python spelling of a list parameter
            if isinstance(f.default, tuple) and isinstance(getattr(self, f.name), list):
                object.__setattr__(self, f.name, tuple(getattr(self, f.name)))
        validate(self)

    def check(self) -> None:
        """Cross-parameter rules of a protocol (override; each field is checked before)."""


@dataclass
class ProtocolResult:
    """A protocol's tidy summary table (one row per condition and site), its recorded traces
    (long table: site, variable, unit, distance_um, t_ms, value, plus condition columns) and
    further named tables (curves, time courses)."""
    summary: pd.DataFrame
    traces: pd.DataFrame = field(default_factory=pd.DataFrame)
    tables: dict[str, pd.DataFrame] = field(default_factory=dict)


def cell_spec(name: str) -> CellSpec:
    """Resolve the ``cell`` parameter to a spec: a built-in name, a morphology or spec file, or
    ``reduced[:CELL]`` / ``single-compartment[:CELL]`` (fitted once, then read from the cache)."""
    prefix, _, rest = name.partition(":")
    if prefix in REDUCED_PREFIXES:
        from ..reduction import DEFAULT_PATHWAYS, REDUCED_D_LAMBDA
        from ..reduction.cache import cached_reduce
        full = cell_spec(rest or "l5_pyramidal")
        if any(b.tag not in ("soma", "ais", "axon", "basal", "trunk", "oblique", "tuft") for b in full.branches) \
                or len(full.branches) < 2:
            raise ParameterError(f"cell = {name!r}: {rest or 'l5_pyramidal'} has no dendrites to reduce")
        pathways = DEFAULT_PATHWAYS if prefix == "reduced" else ()
        tags = {b.tag for b in full.branches}
        pathways = tuple(p for p in pathways if p.tag in tags)
        return cached_reduce(full, pathways, REDUCED_D_LAMBDA)
    if name in BUILTIN_CELLS:
        return BUILTIN_CELLS[name]()
    path = Path(name)
    if path.suffix.lower() in MORPHOLOGY_SUFFIXES and path.exists():
        return load_morphology(path)
    if path.suffix.lower() == ".json" and path.exists():
        return CellSpec.from_json(path.read_text())
    raise ParameterError(f"cell = {name!r}: not a built-in cell ({', '.join(BUILTIN_CELLS)}), "
                         "an existing morphology (.swc, .asc, .h5) or cell-spec .json file, "
                         "nor reduced[:CELL] or single-compartment[:CELL]")


def parse_site(parameter_name: str, text: str, name: str) -> Site:
    """A site parameter in dendriteei.sites' text form as a Site labelled ``name``; a bad one
    raises ParameterError naming the parameter."""
    try:
        return Site.parse(text, name)
    except SpecError as error:
        raise ParameterError(f"{parameter_name}: {error}") from None


def check_regions(spec: CellSpec, **regions) -> None:
    """Each keyword names a parameter whose value is a region name (or a tuple of them): refuse
    names the cell lacks, naming the parameter and the cell's regions."""
    valid = [region.name for region in spec.regions]
    for parameter_name, value in regions.items():
        for name in (value,) if isinstance(value, str) else value:
            if name not in valid:
                raise ParameterError(f"{parameter_name}: unknown region {name!r}; regions of cell "
                                     f"{spec.name!r}: {', '.join(valid)}")


def site_branches(spec, selectors, parameter_name: str = "site") -> tuple:
    """The branch name, on ``spec``'s cell, of each branch selector: a branch name, or a
    ``REGION:RANK[/ORDER]`` selector such as ``oblique:0`` (the most proximal oblique) or
    ``tuft:-1`` (see :mod:`dendriteei.sites`), so that protocols need no branch names of the
    default cell. Errors name the parameter (ParameterError). Cached per spec."""
    return _site_branches(spec, tuple(selectors), parameter_name)


@lru_cache(maxsize=16)
def _site_branches(spec: CellSpec, selectors: tuple, parameter_name: str) -> tuple:
    try:
        sites = [Site.parse(text) for text in selectors]
        cell = build(spec)
        return tuple(cell.branch_of(site)[0] for site in sites)
    except SpecError as error:
        raise ParameterError(f"{parameter_name}: {error}") from None
