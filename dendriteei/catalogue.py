"""Named codes and shared defaults of the package's synapse mechanisms (dei_glu, dei_gaba), in one place.

``dei_glu`` and ``dei_gaba`` (``mod/``) select their Ca model, learning rule, iSTDP window and
post signal by integer RANGE parameters, and tell event kinds apart by one slot of the NetCon
weight vector. Every caller uses the names below; the numbers are those of the mod headers.
"""
from __future__ import annotations

from .parameters import ParameterError

#: dei_glu ``ca_mode``: Graupner & Brunel 2012 jumps, or spine-head Ca in µM (NMDA by GHK + spine VDCC).
GLU_CA_MODES = {"phenomenological": 0, "biophysical": 1}
#: dei_glu ``rule``: none, Graupner & Brunel 2012, Shouval, Bear & Cooper 2002.
GLU_RULES = {"none": 0, "graupner_brunel": 1, "shouval": 2}
#: dei_gaba ``window`` (Wu, Miehl & Gjorgjieva 2022 Box 1): none, symmetric Hebbian (Vogels et al.
#: 2011), asymmetric Hebbian (Haas et al. 2006), asymmetric anti-Hebbian (Wilmes et al. 2017),
#: symmetric anti-Hebbian (Woodin et al. 2003).
GABA_WINDOWS = {"none": 0, "symmetric_hebbian": 1, "asymmetric_hebbian": 2, "asymmetric_antihebbian": 3,
                "symmetric_antihebbian": 4}
#: dei_gaba ``post_source``: external kind-1 events (the somatic spike), local voltage or local
#: calcium threshold crossings at the synapse (WATCH).
GABA_POST_SOURCES = {"soma": 0, "local_voltage": 1, "local_calcium": 2}
#: dei_gaba ``homeostatic``: the ``window`` rule, or Zenke, Agnes & Gerstner 2015's homeostatic
#: rule (replaces the window).
GABA_RULES = {"stdp_window": 0, "homeostatic": 1}

#: Event kinds and the slot of the NetCon weight vector that carries the kind, per mechanism
#: (NET_RECEIVE(weight, kind) in dei_glu; NET_RECEIVE(w, x_pre, t_pre, kind) in dei_gaba).
EVENT_KINDS = {
    "dei_glu": {"pre": 0, "post": 1},
    "dei_gaba": {"pre": 0, "post": 1, "exc": 2},
}
_KIND_SLOT = {"dei_glu": 1, "dei_gaba": 3}
_WEIGHT_SLOTS = {"dei_glu": 2, "dei_gaba": 4}

#: dei_glu default spine-head volume (µm³; vol_spine in the mod file, Chindemi et al. 2022): the
#: biophysical Ca is inversely proportional to it, so protocols scale the Ca through it.
GLU_SPINE_VOLUME_UM3 = 0.087


def code(table: dict, name: str, what: str) -> int:
    """``table[name]``, or ParameterError listing the valid names of ``what``."""
    if name not in table:
        raise ParameterError(f"unknown {what} {name!r}; valid: {', '.join(table)}")
    return table[name]


def event_weights(mechanism: str, kind: str, weight: float = 0.0) -> tuple:
    """NetCon weight vector that delivers an event of ``kind`` with ``weight`` in slot 0."""
    kinds = EVENT_KINDS.get(mechanism)
    if kinds is None:
        raise ParameterError(f"{mechanism} takes no typed events; mechanisms that do: {', '.join(EVENT_KINDS)}")
    vector = [0.0] * _WEIGHT_SLOTS[mechanism]
    vector[0] = float(weight)
    vector[_KIND_SLOT[mechanism]] = float(code(kinds, kind, f"{mechanism} event kind"))
    return tuple(vector)
