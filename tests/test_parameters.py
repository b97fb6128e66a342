"""Parameter validation: unknown names list valid ones, ranges name their unit."""
import pytest

from dendriteei.parameters import ParameterError, parse_assignments, with_overrides
from dendriteei.protocols import PROTOCOLS, get
from dendriteei.protocols.bap_attenuation import BapAttenuationParams


def test_unknown_name_lists_valid_names_and_close_match():
    with pytest.raises(ParameterError) as err:
        with_overrides(BapAttenuationParams(), {"amplitude_na": "2"})
    message = str(err.value)
    assert "amplitude_nA" in message and "Did you mean" in message and "duration_ms" in message


def test_out_of_range_names_range_and_unit():
    with pytest.raises(ParameterError, match=r"out of range \[0.1, 50.0\] ms"):
        with_overrides(BapAttenuationParams(), {"duration_ms": "-1"})


def test_string_values_are_coerced_to_field_types():
    params = with_overrides(BapAttenuationParams(), {"amplitude_nA": "2.5", "cvode": "true",
                                                     "regions": "trunk,tuft"})
    assert params.amplitude_nA == 2.5 and params.cvode is True and params.regions == ("trunk", "tuft")


def test_bad_type_and_nan_are_rejected():
    with pytest.raises(ParameterError, match="not a valid float"):
        with_overrides(BapAttenuationParams(), {"amplitude_nA": "big"})
    with pytest.raises(ParameterError, match="not a finite number"):
        with_overrides(BapAttenuationParams(), {"amplitude_nA": "nan"})


def test_assignments_need_equals_sign():
    assert parse_assignments(["a=1", " b = x "]) == {"a": "1", "b": "x"}
    with pytest.raises(ParameterError, match="expected name=value"):
        parse_assignments(["a1"])


def test_unknown_protocol_lists_available():
    with pytest.raises(ParameterError, match="available: " + ", ".join(PROTOCOLS)):
        get("bap")


def test_every_parameter_has_unit_metadata_and_valid_default():
    import dataclasses
    for protocol in PROTOCOLS.values():
        defaults = protocol.params_type()
        with_overrides(defaults, {})  # defaults pass their own ranges
        for f in dataclasses.fields(defaults):
            assert "unit" in f.metadata and f.metadata["doc"], f"{protocol.name}.{f.name} lacks metadata"
