"""Sweep plans: grid axes (CLI text or Python values), validation, expansion and run seeds.

A plan is the list of :class:`Run` a sweep must compute, in output order. Every run
carries the protocol's complete, validated parameter set, its seed and an id that hashes
both, so the same physical run has the same id (and the same stored result) whatever the
order, backend or number of workers.
"""
from __future__ import annotations

import dataclasses
import itertools
import math
from dataclasses import dataclass
from typing import Any, Iterable, Mapping, Sequence

from ..parameters import ParameterError, field_value, shorten, shown, with_overrides
from ..seeds import SEED_HIGH, derive_seed, digest

#: Significant digits kept for values of ``start:stop:step`` ranges (0:1:0.1 gives 0.3, not 0.30000000000000004).
RANGE_DIGITS = 12
#: Most runs of one sweep unless ``max_runs`` (``--max-runs``) says otherwise.
MAX_RUNS = 100_000


@dataclass(frozen=True)
class Run:
    """One run of a sweep: its place in the output, id, full parameter set and seed."""
    index: int
    run_id: str
    params: dict
    seed: int


def _is_number(default: Any) -> bool:
    return isinstance(default, (int, float)) and not isinstance(default, bool)


def _too_many(count: int | float, max_runs: int, what: str) -> ParameterError:
    shown_count = f"{count:.0f}" if count < 1e15 else f"{count:.3g}"
    return ParameterError(f"{what} has {shown_count} runs, more than the limit of {max_runs}: "
                          "narrow the grid, or raise the limit with max_runs= (--max-runs)")


def parse_range(name: str, text: str, default: Any, max_runs: int = MAX_RUNS) -> list:
    """``start:stop:step`` → values from start by step up to stop, stop included when it
    lands on the grid (within 1e-9 of a step). Values keep ``RANGE_DIGITS`` significant digits.
    More than ``max_runs`` values fail before any is made."""
    parts = text.split(":")
    if len(parts) != 3:
        raise ParameterError(f"grid {name}={text!r}: a range is start:stop:step")
    try:
        start, stop, step = (float(p) for p in parts)
    except ValueError:
        raise ParameterError(f"grid {name}={text!r}: start, stop and step must be numbers") from None
    if not all(math.isfinite(x) for x in (start, stop, step)) or step == 0:
        raise ParameterError(f"grid {name}={text!r}: step must be a finite non-zero number")
    steps = (stop - start) / step
    if steps < -1e-9:
        raise ParameterError(f"grid {name}={text!r}: empty range (step {step:g} goes away from stop)")
    if not steps + 1 <= max_runs:
        raise _too_many(steps + 1, max_runs, f"grid {name}={shown(text)}")
    count = math.floor(steps + 1e-9) + 1
    values = [float(f"{start + i * step:.{RANGE_DIGITS}g}") for i in range(count)]
    if isinstance(default, int):
        return [int(v) if v.is_integer() else v for v in values]  # non-integers are rejected by validation
    return values


def axis_values(name: str, values: Any, default: Any, max_runs: int = MAX_RUNS) -> list:
    """The values of one grid axis before validation.

    ``values`` is a sequence of values, or text: ``start:stop:step`` (numeric parameters; for
    numeric list parameters each value is a one-item list), ``a,b,c``, or for list (tuple)
    parameters ``a,b;c`` (``;`` separates values, ``,`` the items of one value). A single
    non-text value gives a one-value axis.
    """
    if isinstance(values, str):
        item_default = default[0] if isinstance(default, tuple) and default else default
        if _is_number(item_default) and ":" in values:
            points = parse_range(name, values, item_default, max_runs)
            return [(v,) for v in points] if isinstance(default, tuple) else points
        items = values.split(";" if isinstance(default, tuple) else ",")
        items = [item.strip() for item in items]
        if items == [""]:
            raise ParameterError(f"grid {name}: empty list of values")
        return items
    if isinstance(values, Mapping):
        raise ParameterError(f"grid {name}: expected a list of values, got a mapping")
    if isinstance(values, Iterable):
        items = [v.item() if hasattr(v, "item") and not isinstance(v, tuple) else v for v in values]
        if not items:
            raise ParameterError(f"grid {name}: empty list of values")
        return items
    return [values]


def run_id(protocol: str, params: Mapping[str, Any], seed: int) -> str:
    """16 hex digits of sha256 over protocol, full parameter set and seed."""
    return digest({"protocol": protocol, "params": dict(params), "seed": seed}).hex()[:16]


def _validated(defaults, assignment: Mapping[str, Any], where: str):
    try:
        return with_overrides(defaults, assignment)
    except ParameterError as error:
        raise ParameterError(f"{where}: {error}") from None


def _require_known(defaults, names: Iterable[str], where: str) -> None:
    """Raise the unknown-name error (with close matches) for any name not a parameter."""
    known = {f.name for f in dataclasses.fields(defaults)}
    unknown = {name: None for name in names if name not in known}
    if unknown:
        _validated(defaults, unknown, where)


def _check_values(defaults, assignment: Mapping[str, Any], where: str) -> None:
    """Each value checked alone (type, range): cross-parameter rules wait for the full run."""
    for name, value in assignment.items():
        try:
            field_value(type(defaults), name, value)
        except ParameterError as error:
            raise ParameterError(f"{where}: {error}") from None


def plan(protocol, grid: Mapping[str, Any] | None = None, runs: Sequence[Mapping[str, Any]] | None = None,
         fixed: Mapping[str, Any] | None = None, seed: int = 0, max_runs: int = MAX_RUNS) -> list[Run]:
    """Validate and expand a sweep into runs, before anything is simulated.

    Every run sets ``fixed``, then one entry of ``runs`` (if given), then one point of the
    product of the ``grid`` axes (the last axis varies fastest). A name may appear in only
    one of the three. A protocol with a ``seed`` parameter gets the derived seed unless the
    sweep sets ``seed`` itself. More than ``max_runs`` runs fail before any is made. Raises
    ParameterError naming the offending name or value.
    """
    if not isinstance(seed, int) or isinstance(seed, bool) or seed < 0:
        raise ParameterError(f"sweep seed = {shown(seed)}: expected an integer ≥ 0")
    if not isinstance(max_runs, int) or isinstance(max_runs, bool) or max_runs < 1:
        raise ParameterError(f"max_runs = {shown(max_runs)}: expected an integer ≥ 1")
    defaults = protocol.params_type()
    fields = {f.name: f for f in dataclasses.fields(defaults)}
    fixed = dict(fixed or {})
    grid = dict(grid or {})
    _require_known(defaults, fixed, "fixed")
    _require_known(defaults, grid, "grid")
    _check_values(defaults, fixed, "fixed")
    axes = {}
    for name, values in grid.items():
        if name in fixed:
            raise ParameterError(f"grid {name}: also set as a fixed parameter; keep one")
        axes[name] = axis_values(name, values, fields[name].default, max_runs)
    if runs is not None:
        runs = list(runs)
        if not runs:
            raise ParameterError("runs: the list is empty")
        for k, run in enumerate(runs):
            if not isinstance(run, Mapping):
                raise ParameterError(f"runs[{k}]: expected a dict of parameter values, got {shown(run)}")
            _require_known(defaults, run, f"runs[{k}]")
            both = sorted(set(run) & (set(axes) | set(fixed)))
            if both:
                raise ParameterError(f"runs[{k}]: {', '.join(both)} also set by the grid or as fixed; keep one")
    total = math.prod(len(values) for values in axes.values()) * len(runs or [{}])
    if total > max_runs:
        raise _too_many(total, max_runs, "the sweep")
    for name, values in axes.items():
        for value in values:
            _check_values(defaults, {name: value}, f"grid {name}")
    seed_field = fields.get("seed")
    planned, seen = [], {}
    points = itertools.product(*axes.values())
    for index, (run, point) in enumerate(itertools.product(runs or [{}], list(points))):
        assignment = {**fixed, **run, **dict(zip(axes, point))}
        where = f"run {index} ({shorten(', '.join(f'{k}={v!r}' for k, v in assignment.items()))})"
        params = dataclasses.asdict(_validated(defaults, assignment, where))
        if seed_field is not None and "seed" in assignment:
            run_seed = params["seed"]
        else:
            meta = seed_field.metadata if seed_field is not None else {}
            low = 0 if meta.get("low") is None else int(meta["low"])
            high = SEED_HIGH if meta.get("high") is None else int(meta["high"])
            run_seed = derive_seed(seed, protocol.name, params, low, high)
            if seed_field is not None:
                params["seed"] = run_seed
        identity = run_id(protocol.name, params, run_seed)
        if identity in seen:
            raise ParameterError(f"{where} repeats run {seen[identity]}: remove duplicate grid values or runs")
        seen[identity] = index
        planned.append(Run(index, identity, params, run_seed))
    first_with_cell = {}
    for r in planned:
        first_with_cell.setdefault(r.params.get("cell"), r)
    for cell, r in sorted(first_with_cell.items(), key=lambda item: str(item[0])):
        if cell is not None:   # unknown cell names and missing files fail now (network protocols: the E cell)
            protocol.spec(protocol.params_type(**r.params))
    return planned
