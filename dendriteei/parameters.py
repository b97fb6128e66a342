"""Declared parameters: defaults with units, ranges and docs, validated by name.

A protocol's parameters are a frozen dataclass whose fields are made with
:func:`parameter`; :func:`with_overrides` applies ``name=value`` settings with clear
errors (unknown names list the valid ones, out-of-range values name range and unit).
"""
from __future__ import annotations

import dataclasses
import difflib
import math
from typing import Any, Mapping


class ParameterError(ValueError):
    """A parameter name or value was rejected."""


def parameter(default: Any, unit: str, low: float | None = None, high: float | None = None,
              doc: str = "", choices: tuple | None = None) -> Any:
    """A dataclass field carrying its unit, closed range [low, high] (or the allowed
    ``choices`` of a string) and a one-line doc."""
    metadata = {"unit": unit, "low": low, "high": high, "doc": doc, "choices": choices}
    if isinstance(default, (list, tuple)):
        return dataclasses.field(default=tuple(default), metadata=metadata)
    return dataclasses.field(default=default, metadata=metadata)


def describe(params_type) -> list[dict]:
    """One dict per parameter: name, default, unit, low, high, doc."""
    rows = []
    for f in dataclasses.fields(params_type):
        rows.append({"name": f.name, "default": f.default, **f.metadata})
    return rows


def _check_number(name: str, value: float, meta: Mapping[str, Any]) -> None:
    if isinstance(value, float) and not math.isfinite(value):
        raise ParameterError(f"{name} = {value} is not a finite number")
    low, high, unit = meta.get("low"), meta.get("high"), meta.get("unit", "")
    if (low is not None and value < low) or (high is not None and value > high):
        lo = "-inf" if low is None else low
        hi = "inf" if high is None else high
        raise ParameterError(f"{name} = {value} {unit} is out of range [{lo}, {hi}] {unit}")


def _coerce(name: str, value: Any, default: Any) -> Any:
    """Convert a value (possibly a CLI string) to the type of the default."""
    try:
        if isinstance(default, bool):
            if isinstance(value, str):
                if value.lower() in ("1", "true", "yes", "on"):
                    return True
                if value.lower() in ("0", "false", "no", "off"):
                    return False
                raise ValueError(value)
            return bool(value)
        if isinstance(default, tuple):
            items = value.split(",") if isinstance(value, str) else list(value)
            if not items or items == [""]:
                raise ValueError("empty list")
            element = default[0] if default else 0.0
            return tuple(_coerce(name, item, element) for item in items)
        if isinstance(default, int):
            as_float = float(value)
            if not as_float.is_integer():
                raise ValueError(value)
            return int(as_float)
        if isinstance(default, float):
            return float(value)
        if isinstance(default, str):
            return str(value)
    except (TypeError, ValueError):
        kind = "comma-separated list" if isinstance(default, tuple) else type(default).__name__
        raise ParameterError(f"{name} = {value!r} is not a valid {kind}") from None
    return value


def validate(params) -> None:
    """Check every numeric field of a parameter dataclass against its range."""
    for f in dataclasses.fields(params):
        value = getattr(params, f.name)
        choices = f.metadata.get("choices")
        if choices is not None and value not in choices:
            raise ParameterError(f"{f.name} = {value!r} is not one of: {', '.join(map(str, choices))}")
        values = value if isinstance(value, tuple) else (value,)
        for item in values:
            if isinstance(item, (int, float)) and not isinstance(item, bool):
                _check_number(f.name, item, f.metadata)


def with_overrides(params, overrides: Mapping[str, Any]):
    """A copy of ``params`` with ``overrides`` applied and validated."""
    fields = {f.name: f for f in dataclasses.fields(params)}
    changes = {}
    for name, value in overrides.items():
        if name not in fields:
            close = difflib.get_close_matches(name, fields, n=3)
            hint = f" Did you mean {', '.join(close)}?" if close else ""
            raise ParameterError(
                f"unknown parameter {name!r} for {type(params).__name__}.{hint} "
                f"Valid names: {', '.join(sorted(fields))}")
        changes[name] = _coerce(name, value, fields[name].default)
    updated = dataclasses.replace(params, **changes)
    validate(updated)
    return updated


def parse_assignments(items) -> dict[str, str]:
    """Parse CLI ``name=value`` strings into a dict (values stay strings)."""
    parsed = {}
    for item in items or ():
        name, sep, value = item.partition("=")
        if not sep or not name.strip():
            raise ParameterError(f"expected name=value, got {item!r}")
        parsed[name.strip()] = value.strip()
    return parsed
