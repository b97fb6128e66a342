"""Checks of plain-data fields shared by the specs: each failure is a :class:`SpecError` that
names the owner, the field, the allowed range with its unit, and the (shortened) bad value."""
from __future__ import annotations

import math
import numbers

#: Longest rendering of a bad value in a message (characters).
SHOWN_CHARS = 80


class SpecError(ValueError):
    """A cell, site or synapse specification is inconsistent or out of range."""


def shorten(value, limit: int = SHOWN_CHARS) -> str:
    """``repr(value)``, cut to ``limit`` characters with '…'."""
    text = repr(value)
    return text if len(text) <= limit else text[:limit - 1] + "…"


def is_number(value) -> bool:
    """A real number that is not a bool (numpy scalars count)."""
    return isinstance(value, numbers.Real) and not isinstance(value, bool)


def number(owner: str, field: str, value, unit: str = "", *, minimum=None, above=None,
           maximum=None, optional: bool = False):
    """``value`` as float if it is a finite real in the range (``minimum`` ≤, ``above`` <,
    ``maximum`` ≥); else SpecError. ``optional`` lets None through."""
    if value is None and optional:
        return None
    parts = []
    if above is not None:
        parts.append(f"> {above:g}")
    if minimum is not None:
        parts.append(f"≥ {minimum:g}")
    if maximum is not None:
        parts.append(f"≤ {maximum:g}")
    where = " and ".join(parts) + (f" {unit}" if unit else "")
    want = f"{where} (a finite number)" if parts else "a finite number" + (f" of {unit}" if unit else "")
    ok = is_number(value) and math.isfinite(value) \
        and (above is None or value > above) and (minimum is None or value >= minimum) \
        and (maximum is None or value <= maximum)
    if not ok:
        raise SpecError(f"{owner}: {field} must be {want}{' or None' if optional else ''}; got {shorten(value)}")
    return float(value)


def integer(owner: str, field: str, value, *, minimum=None, maximum=None, hint: str = "") -> int:
    """``value`` if it is an int (not bool) in [minimum, maximum]; else SpecError (+ ``hint``)."""
    ok = isinstance(value, numbers.Integral) and not isinstance(value, bool) \
        and (minimum is None or value >= minimum) and (maximum is None or value <= maximum)
    if not ok:
        bounds = [f"≥ {minimum}" if minimum is not None else "", f"≤ {maximum}" if maximum is not None else ""]
        want = " and ".join(b for b in bounds if b)
        raise SpecError(f"{owner}: {field} must be an integer {want}, got {shorten(value)}{hint}")
    return int(value)


def text(owner: str, field: str, value, *, optional: bool = False):
    """``value`` if it is a non-empty str (or None when ``optional``); else SpecError."""
    if (value is None and optional) or (isinstance(value, str) and value):
        return value
    raise SpecError(f"{owner}: {field} must be a non-empty string{' or None' if optional else ''}, "
                    f"got {shorten(value)}")


def one_of(owner: str, field: str, value, valid) -> None:
    """SpecError listing ``valid`` unless ``value`` is one of them."""
    try:
        known = value in valid
    except TypeError:   # unhashable
        known = False
    if not known:
        raise SpecError(f"{owner}: unknown {field} {shorten(value)}; valid: {', '.join(map(str, valid))}")
