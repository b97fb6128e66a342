"""Declared parameters: defaults with units, ranges and docs, validated by name and type.

A protocol's parameters are a frozen dataclass whose fields are made with :func:`parameter`
(with :class:`Checked` as metaclass, unknown keyword names raise ParameterError). :func:`validate`
checks types strictly (a bool is no number, a number no bool, ints are integral, None is refused),
ranges, finiteness and choices, then the class's ``check()`` hook for cross-parameter rules.
:func:`with_overrides` first converts ``name=value`` settings (CLI text, JSON values).
"""
from __future__ import annotations

import dataclasses
import difflib
import math
import numbers
from typing import Any, Mapping

import numpy as np

#: Values longer than this (repr) are shortened in messages.
MAX_SHOWN = 80
_TRUE, _FALSE = ("1", "true", "yes", "on"), ("0", "false", "no", "off")


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


def shorten(text: str) -> str:
    """``text`` cut to MAX_SHOWN characters, the last one "…"."""
    return text if len(text) <= MAX_SHOWN else text[:MAX_SHOWN - 1] + "…"


def shown(value: Any) -> str:
    """``repr(value)`` (``str`` for numbers), shortened (:func:`shorten`)."""
    number = isinstance(value, numbers.Number) and not _is_bool(value)
    return shorten(str(value) if number else repr(value))


def unknown_name(params_type, name: Any) -> ParameterError:
    """The error for a name that is no parameter: close matches and every valid name."""
    names = [f.name for f in dataclasses.fields(params_type)]
    close = difflib.get_close_matches(name, names, n=3) if isinstance(name, str) else []
    hint = f" Did you mean {', '.join(close)}?" if close else ""
    return ParameterError(f"unknown parameter {shown(name)} for {params_type.__name__}.{hint} "
                          f"Valid names: {', '.join(sorted(names))}")


class Checked(type):
    """Metaclass of parameter dataclasses: unknown keyword names raise ParameterError."""

    def __call__(cls, *args, **kwargs):
        names = {f.name for f in dataclasses.fields(cls)}
        for name in kwargs:
            if name not in names:
                raise unknown_name(cls, name)
        return super().__call__(*args, **kwargs)


def _span(meta: Mapping[str, Any]) -> str:
    """' in [low, high] unit', ' (one of: a, b)', ' (unit)' or ''."""
    if meta.get("choices"):
        return f" (one of: {', '.join(map(str, meta['choices']))})"
    low, high, unit = meta.get("low"), meta.get("high"), meta.get("unit", "")
    if low is None and high is None:
        return f" ({unit})" if unit else ""
    lo, hi = ("-inf" if low is None else low), ("inf" if high is None else high)
    return f" in [{lo}, {hi}]{' ' + unit if unit else ''}"


def _kind(default: Any) -> str:
    if isinstance(default, tuple):
        return f"comma-separated list of {_kind(default[0]) if default else 'float'}"
    return {bool: "bool", int: "int", float: "float", str: "str"}.get(type(default), type(default).__name__)


def _type_error(name: str, value: Any, default: Any, meta: Mapping[str, Any]) -> ParameterError:
    return ParameterError(f"{name} = {shown(value)} is not a valid {_kind(default)}{_span(meta)}")


def _is_bool(value: Any) -> bool:
    return isinstance(value, (bool, np.bool_))


def _fits(value: Any, default: Any) -> bool:
    """Whether ``value`` has the exact kind of ``default`` (int allowed for float)."""
    if isinstance(default, bool):
        return _is_bool(value)
    if isinstance(default, int):
        return isinstance(value, numbers.Integral) and not _is_bool(value)
    if isinstance(default, float):
        return isinstance(value, numbers.Real) and not _is_bool(value)
    if isinstance(default, (str, tuple)):
        return isinstance(value, type(default))
    return True  # a field of another type: its range only


def _check_number(name: str, value: float, meta: Mapping[str, Any]) -> None:
    if not math.isfinite(value):
        raise ParameterError(f"{name} = {value} is not a finite number{_span(meta)}")
    low, high, unit = meta.get("low"), meta.get("high"), meta.get("unit", "")
    if (low is not None and value < low) or (high is not None and value > high):
        lo = "-inf" if low is None else low
        hi = "inf" if high is None else high
        raise ParameterError(f"{name} = {shown(value)} {unit} is out of range [{lo}, {hi}] {unit}")


def _model(field: dataclasses.Field) -> Any:
    """The field's default, or for a field without one a value of its annotated type."""
    if field.default is not dataclasses.MISSING:
        return field.default
    return {"float": 0.0, "int": 0, "bool": False, "str": ""}.get(str(field.type), dataclasses.MISSING)


def check_field(name: str, value: Any, field: dataclasses.Field) -> None:
    """Check one value against its field: exact type, tuple items, choices, finite and in range."""
    default, meta = _model(field), field.metadata
    if isinstance(default, tuple):
        if not isinstance(value, tuple) or not value:
            raise ParameterError(f"{name} = {shown(value)} is not a non-empty tuple of "
                                 f"{_kind(default[0]) if default else 'float'}{_span(meta)}")
        items = value
    else:
        items = (value,)
    element = default[0] if isinstance(default, tuple) and default else default
    for item in items:
        if not _fits(item, element):
            raise _type_error(name, value, default, meta)
        if isinstance(item, numbers.Real) and not _is_bool(item):
            _check_number(name, item, meta)
    choices = meta.get("choices")
    if choices is not None and value not in choices:
        raise ParameterError(f"{name} = {shown(value)} is not one of: {', '.join(map(str, choices))}")


def validate(params) -> None:
    """Check every field of a parameter dataclass (:func:`check_field`), then its ``check()`` hook."""
    for f in dataclasses.fields(params):
        check_field(f.name, getattr(params, f.name), f)
    hook = getattr(params, "check", None)
    if hook is not None:
        hook()


def _coerce(name: str, value: Any, default: Any, meta: Mapping[str, Any]) -> Any:
    """Convert a value (CLI text, JSON or Python value) to the type of the default; strict:
    no bool for a number, no number for a bool (text such as "true", "0" is fine), no None."""
    if isinstance(default, tuple):
        if isinstance(value, str):
            items = value.split(",")
        elif isinstance(value, (list, tuple)):
            items = list(value)
        else:
            raise _type_error(name, value, default, meta)
        if not items or items == [""]:
            raise ParameterError(f"{name} = {shown(value)} is an empty list{_span(meta)}")
        element = default[0] if default else 0.0
        try:
            return tuple(_coerce(name, item, element, meta) for item in items)
        except ParameterError:
            raise _type_error(name, value, default, meta) from None
    if isinstance(value, str) and not isinstance(default, str):
        text = value.strip().lower()
        if isinstance(default, bool):
            if text in _TRUE + _FALSE:
                return text in _TRUE
            raise _type_error(name, value, default, meta)
        try:
            value = float(text)
        except ValueError:
            raise _type_error(name, value, default, meta) from None
    if isinstance(default, int) and not isinstance(default, bool) and isinstance(value, numbers.Real) \
            and not _is_bool(value) and not isinstance(value, numbers.Integral):
        if not (math.isfinite(value) and float(value).is_integer()):
            raise _type_error(name, value, default, meta)
        value = int(value)
    if not _fits(value, default):
        raise _type_error(name, value, default, meta)
    if isinstance(default, bool):
        return bool(value)
    return type(default)(value)


def field_value(params_type, name: str, value: Any) -> Any:
    """``value`` converted to parameter ``name``'s type and checked alone (no cross-parameter rules)."""
    fields = {f.name: f for f in dataclasses.fields(params_type)}
    if name not in fields:
        raise unknown_name(params_type, name)
    converted = _coerce(name, value, _model(fields[name]), fields[name].metadata)
    check_field(name, converted, fields[name])
    return converted


def with_overrides(params, overrides: Mapping[str, Any]):
    """A copy of ``params`` with ``overrides`` converted, applied and validated."""
    for name in overrides:
        if name not in {f.name for f in dataclasses.fields(params)}:
            raise unknown_name(type(params), name)
    changes = {name: field_value(type(params), name, value) for name, value in overrides.items()}
    updated = dataclasses.replace(params, **changes)
    validate(updated)
    return updated


def parse_assignments(items, option: str = "--set") -> dict[str, str]:
    """Parse CLI ``name=value`` strings into a dict (values stay strings); a name given twice fails."""
    parsed = {}
    for item in items or ():
        name, sep, value = item.partition("=")
        if not sep or not name.strip():
            raise ParameterError(f"expected name=value, got {shown(item)}")
        if name.strip() in parsed:
            raise ParameterError(f"{option} {name.strip()} is given twice ({shown(parsed[name.strip()])}, then "
                                 f"{shown(value.strip())}): give it once")
        parsed[name.strip()] = value.strip()
    return parsed
