"""Bad input never gives a wrong number: every bad parameter value or name raises ParameterError
naming the parameter, through the Python API (building the params, with_overrides), the CLI
parser and sweeps, before any simulation. Generated cases (hypothesis, derandomized) per entry
point: see the EXAMPLES settings; plus one canonical bad value per parameter and entry point, and
the tester's reproductions as explicit regression tests."""
from __future__ import annotations

import dataclasses
import errno
import json
import math
import string

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dendriteei import cli, sweep
from dendriteei.parameters import ParameterError, with_overrides
from dendriteei.protocols import PROTOCOLS, ProtocolResult
from dendriteei.protocols.bap_attenuation import BapAttenuationParams
from dendriteei.sweeps import grid as sweep_grid
from dendriteei.sweeps.runfile import read_runs

FIELDS = [(name, field) for name, p in PROTOCOLS.items() for field in dataclasses.fields(p.params_type)]
TRUE_FALSE = ("1", "true", "yes", "on", "0", "false", "no", "off")
#: Generated cases per entry point (hypothesis max_examples).
EXAMPLES = {"build": 1000, "with_overrides": 800, "cli": 300, "sweep": 300, "unknown": 100}


def _settings(n: int):
    return settings(max_examples=n, derandomize=True, database=None, deadline=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])


def _is_number(default) -> bool:
    return isinstance(default, (int, float)) and not isinstance(default, bool)


def _out_of_range(meta, integral: bool):
    """Numbers outside [low, high], NaN and ±inf (floats only)."""
    low, high = meta["low"], meta["high"]
    options = [] if integral else [st.sampled_from([math.nan, math.inf, -math.inf])]
    if low is not None:
        options.append(st.integers(max_value=math.ceil(low) - 1) if integral else
                       st.floats(min_value=-1e300, max_value=low - max(1e-6, abs(low) * 1e-6)))
    if high is not None:
        options.append(st.integers(min_value=math.floor(high) + 1) if integral else
                       st.floats(min_value=high + max(1e-6, abs(high) * 1e-6), max_value=1e300))
    return st.one_of(options)


def _not_float_text(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return True
    return False


WRONG = st.sampled_from([None, [], [1.0], {"a": 1}, object()])


def bad_python(field):
    """Values no params object may hold (Python API: building, with_overrides, sweeps)."""
    default, meta = field.default, field.metadata
    if isinstance(default, bool):
        return st.one_of(st.integers(), st.floats(), WRONG, st.text(max_size=10))
    if _is_number(default):
        integral = isinstance(default, int)
        wrong = [st.booleans(), WRONG, st.text(max_size=10).filter(_not_float_text), _out_of_range(meta, integral)]
        if integral:
            wrong.append(st.floats(allow_nan=False).filter(lambda v: not v.is_integer()))
        return st.one_of(wrong)
    if isinstance(default, str):
        wrong = [st.integers(), st.floats(), st.booleans(), WRONG]
        if meta["choices"]:
            wrong.append(st.text(max_size=20).filter(lambda t: t not in meta["choices"]))
        return st.one_of(wrong)
    item = default[0]
    wrong = [st.just(()), st.just([]), st.just(None), st.booleans(), st.tuples(WRONG)]
    if _is_number(item):
        wrong += [st.tuples(st.booleans()), st.tuples(_out_of_range(meta, isinstance(item, int))),
                  st.integers(), st.tuples(st.text(max_size=5).filter(_not_float_text))]
    else:
        wrong += [st.tuples(st.integers()), st.tuples(st.floats())]
    return st.one_of(wrong)


def bad_text(field):
    """Command-line text no parameter may take (None: every text is valid, e.g. cell names)."""
    default, meta = field.default, field.metadata
    if isinstance(default, bool):
        return st.text(max_size=20).filter(lambda t: t.strip().lower() not in TRUE_FALSE)
    if _is_number(default):
        integral = isinstance(default, int)
        wrong = [st.text(max_size=20).filter(_not_float_text), _out_of_range(meta, integral).map(repr)]
        if not integral:
            wrong.append(st.sampled_from(["nan", "inf", "-inf", "NaN"]))
        else:
            wrong.append(st.floats(allow_nan=False, allow_infinity=False, min_value=-1e6, max_value=1e6)
                         .filter(lambda v: not v.is_integer()).map(repr))
        return st.one_of(wrong)
    if isinstance(default, str):
        choices = meta["choices"]
        return st.text(max_size=20).filter(lambda t: t.strip() not in choices) if choices else None
    if _is_number(default[0]):
        return st.one_of(st.just(""), _out_of_range(meta, isinstance(default[0], int)).map(lambda v: f"{default[0]},{v!r}"),
                         st.text(alphabet=string.ascii_letters, min_size=1, max_size=5).map(lambda t: f"1,{t}"))
    return st.just("")


def named(error, name: str) -> bool:
    return name in str(error)


# -- the Python API -----------------------------------------------------------------------------
@_settings(EXAMPLES["build"])
@given(data=st.data())
def test_building_params_refuses_every_bad_value(data):
    protocol, field = data.draw(st.sampled_from(FIELDS))
    value = data.draw(bad_python(field))
    with pytest.raises(ParameterError) as error:
        PROTOCOLS[protocol].params_type(**{field.name: value})
    assert named(error.value, field.name)


@_settings(EXAMPLES["with_overrides"])
@given(data=st.data())
def test_with_overrides_refuses_every_bad_value(data):
    protocol, field = data.draw(st.sampled_from(FIELDS))
    strategies = [bad_python(field).filter(lambda v: not isinstance(v, (str, list)))]
    if bad_text(field) is not None:
        strategies.append(bad_text(field))
    value = data.draw(st.one_of(strategies))
    with pytest.raises(ParameterError) as error:
        with_overrides(PROTOCOLS[protocol].params_type(), {field.name: value})
    assert named(error.value, field.name)


NAMES = st.text(alphabet=string.ascii_letters + string.digits + "_.-", min_size=1, max_size=30)


@_settings(EXAMPLES["unknown"])
@given(data=st.data())
def test_unknown_names_list_the_valid_ones(data):
    protocol = data.draw(st.sampled_from(list(PROTOCOLS)))
    params_type = PROTOCOLS[protocol].params_type
    valid = [f.name for f in dataclasses.fields(params_type)]
    name = data.draw(NAMES.filter(lambda n: n not in valid))
    for call in (lambda: params_type(**{name: 1.0}), lambda: with_overrides(params_type(), {name: "1"})):
        with pytest.raises(ParameterError) as error:
            call()
        assert repr(name) in str(error.value) and all(v in str(error.value) for v in valid)


# -- the command line ---------------------------------------------------------------------------
@pytest.fixture
def no_runs(monkeypatch):
    """Every protocol's run fails the test: bad input must stop before it."""
    def ran(*args, **kwargs):
        raise AssertionError("a protocol ran")
    for name, protocol in PROTOCOLS.items():
        monkeypatch.setitem(PROTOCOLS, name, dataclasses.replace(protocol, run=ran))


CLI_FIELDS = [(p, f) for p, f in FIELDS if bad_text(f) is not None]


@_settings(EXAMPLES["cli"])
@given(data=st.data())
def test_cli_refuses_every_bad_value(data, no_runs, capsys, tmp_path):
    protocol, field = data.draw(st.sampled_from(CLI_FIELDS))
    text = data.draw(bad_text(field))
    command = data.draw(st.sampled_from(["run", "sweep"]))
    argv = [command, protocol, f"--set={field.name}={text}", "--out", str(tmp_path / "out.csv")]
    assert cli.main(argv) == 2
    assert field.name in capsys.readouterr().err
    assert not any(tmp_path.iterdir())


@_settings(EXAMPLES["unknown"])
@given(data=st.data())
def test_cli_unknown_names(data, no_runs, capsys, tmp_path):
    protocol = data.draw(st.sampled_from(list(PROTOCOLS)))
    valid = {f.name for f in dataclasses.fields(PROTOCOLS[protocol].params_type)}
    name = data.draw(NAMES.filter(lambda n: n not in valid))
    option = data.draw(st.sampled_from(["--set", "--grid"]))
    if option == "--grid":
        argv = ["sweep", protocol, f"--grid={name}=1,2", "--out", str(tmp_path / "out.csv")]
    else:
        argv = ["run", protocol, f"--set={name}=1", "--out", str(tmp_path)]
    assert cli.main(argv) == 2
    assert repr(name) in capsys.readouterr().err
    assert not any(tmp_path.iterdir())


# -- sweeps ---------------------------------------------------------------------------------------
@_settings(EXAMPLES["sweep"])
@given(data=st.data())
def test_sweeps_refuse_every_bad_value_before_any_run(data, no_runs, tmp_path):
    protocol, field = data.draw(st.sampled_from(FIELDS))
    value = data.draw(bad_python(field).filter(lambda v: not isinstance(v, list)))
    how = data.draw(st.sampled_from(["grid", "fixed", "runs"]))
    kwargs = {how: {"grid": {field.name: [value]}, "fixed": {field.name: value}, "runs": [{field.name: value}]}[how]}
    with pytest.raises(ParameterError) as error:
        sweep(protocol, **kwargs, backend="serial", out=tmp_path / "s.csv")
    assert named(error.value, field.name)
    assert not any(tmp_path.iterdir())  # no run file, no table


# -- one canonical bad value per parameter, through every entry point -------------------------
def _canonical(field):
    default, meta = field.default, field.metadata
    if isinstance(default, bool):
        return 2, "maybe"
    if _is_number(default):
        value = (meta["high"] + 1) if meta["high"] is not None else meta["low"] - 1
        return value, repr(value)
    if isinstance(default, str):
        return 5, ("no-such-choice" if meta["choices"] else None)
    return (), ""


@pytest.mark.parametrize("protocol, field", FIELDS, ids=[f"{p}.{f.name}" for p, f in FIELDS])
def test_every_parameter_refused_at_every_entry_point(protocol, field, no_runs, tmp_path, capsys):
    value, text = _canonical(field)
    params_type = PROTOCOLS[protocol].params_type
    for call in (lambda: params_type(**{field.name: value}),
                 lambda: with_overrides(params_type(), {field.name: value}),
                 lambda: sweep(protocol, fixed={field.name: value}, backend="serial", out=tmp_path / "s.csv")):
        with pytest.raises(ParameterError, match=field.name):
            call()
    if text is not None:
        assert cli.main(["run", protocol, "--set", f"{field.name}={text}", "--out", str(tmp_path)]) == 2
        assert field.name in capsys.readouterr().err
    assert not any(tmp_path.iterdir())


def test_every_parameter_has_a_unit_entry_and_a_range():
    """Every numeric parameter (and numeric list) has a closed range; the unit is declared
    (possibly '' for dimensionless values)."""
    for protocol, field in FIELDS:
        item = field.default[0] if isinstance(field.default, tuple) else field.default
        assert isinstance(field.metadata["unit"], str)
        if _is_number(item):
            assert field.metadata["low"] is not None and field.metadata["high"] is not None, (protocol, field.name)


# -- the tester's reproductions ---------------------------------------------------------------
@pytest.mark.parametrize("kwargs, message", [
    ({"amplitude_nA": -5}, r"amplitude_nA = -5 nA is out of range \[0.0, 20.0\] nA"),
    ({"dt_ms": 10}, r"dt_ms = 10 ms is out of range \[0.001, 0.2\] ms"),
    ({"duration_ms": math.nan}, "duration_ms = nan is not a finite number"),
    ({"regions": ()}, "regions = .* non-empty"),
    ({"cvode": "no"}, "cvode = 'no' is not a valid bool"),
    ({"amplitude_nA": 1e9}, r"amplitude_nA = 1000000000.0 nA is out of range"),
    ({"cvode": 2}, "cvode = 2 is not a valid bool"),
    ({"cvode": 0.5}, "cvode = 0.5"),
    ({"cvode": None}, "cvode = None"),
    ({"cvode": []}, r"cvode = \[\]"),
    ({"amplitude_nA": True}, "amplitude_nA = True is not a valid float"),
    ({"step_um": 0.001}, r"step_um = 0.001 µm is out of range \[5.0, 500.0\] µm"),
    ({"profile": "zigzag"}, "profile = 'zigzag' is not one of: path, all"),
])
def test_reported_bap_attenuation_inputs(kwargs, message):
    with pytest.raises(ParameterError, match=message):
        BapAttenuationParams(**kwargs)


@pytest.mark.parametrize("protocol", ["bap-attenuation", "bac-firing", "bap-gating", "stdp", "shouval-stdp"])
def test_protocols_that_did_not_validate_now_refuse_when_built(protocol):
    params_type = PROTOCOLS[protocol].params_type
    for kwargs in ({"dt_ms": 10}, {"settle_ms": math.nan}, {"atol": -1.0}, {"cvode": "no"}):
        with pytest.raises(ParameterError, match=next(iter(kwargs))):
            params_type(**kwargs)


def test_types_are_strict_and_text_still_works():
    for value in (2, 0.5, None, [], "nein"):
        with pytest.raises(ParameterError, match="cvode"):
            with_overrides(BapAttenuationParams(), {"cvode": value})
    for value in (True, None, [1.0], "1,2"):
        with pytest.raises(ParameterError, match="amplitude_nA"):
            with_overrides(BapAttenuationParams(), {"amplitude_nA": value})
    with pytest.raises(ParameterError, match="n_pairs = 2.5 is not a valid int"):
        with_overrides(PROTOCOLS["stdp"].params_type(), {"n_pairs": 2.5})
    with pytest.raises(ParameterError, match="regions"):
        with_overrides(BapAttenuationParams(), {"regions": ("trunk", 3)})
    ok = with_overrides(BapAttenuationParams(), {"cvode": "off", "amplitude_nA": 2, "regions": ["trunk"]})
    assert ok.cvode is False and ok.amplitude_nA == 2.0 and isinstance(ok.amplitude_nA, float)
    assert with_overrides(PROTOCOLS["stdp"].params_type(), {"n_pairs": "3", "seed": 4.0}).n_pairs == 3


def test_long_values_are_shortened():
    with pytest.raises(ParameterError) as error:
        BapAttenuationParams(regions=("x" * 500, 1))
    assert len(str(error.value)) < 300 and "…" in str(error.value)


def test_cross_parameter_rules_fail_when_built():
    with pytest.raises(ParameterError, match="below half the pairing period"):
        PROTOCOLS["shouval-stdp"].params_type(frequency_hz=10.0)
    with pytest.raises(ParameterError, match="theta_p = 1.0 µM must not be below theta_d"):
        PROTOCOLS["stdp"].params_type(theta_d=2.0, theta_p=1.0)


def test_cross_rules_of_a_sweep_see_the_whole_run(tmp_path):
    """A grid value valid only with the run's other values (shouval: Δt below half the period)."""
    runs = sweep_grid.plan(PROTOCOLS["shouval-stdp"], grid={"frequency_hz": [10.0, 20.0]},
                           fixed={"delta_ts_ms": "10,-10"})
    assert len(runs) == 2
    with pytest.raises(ParameterError, match=r"run 1 \(delta_ts_ms='10,-10', frequency_hz=50.0\).*below half"):
        sweep_grid.plan(PROTOCOLS["shouval-stdp"], grid={"frequency_hz": [10.0, 50.0]},
                        fixed={"delta_ts_ms": "10,-10"})


# -- names given twice --------------------------------------------------------------------------
@pytest.mark.parametrize("argv", [
    ["run", "bap-attenuation", "--set", "amplitude_nA=1", "--set", "amplitude_nA=3"],
    ["sweep", "bap-attenuation", "--set", "amplitude_nA=1", "--set", "amplitude_nA=3"],
    ["sweep", "bap-attenuation", "--grid", "amplitude_nA=1,2", "--grid", "amplitude_nA=3"],
    ["sweep", "bap-attenuation", "--grid", "amplitude_nA=1,2", "--select", "site=soma", "--select", "site=a"],
])
def test_a_name_given_twice_fails(argv, no_runs, capsys, tmp_path):
    assert cli.main([*argv, "--out", str(tmp_path / "o.csv")]) == 2
    err = capsys.readouterr().err
    assert "twice" in err and ("amplitude_nA" in err or "site" in err)


# -- run files ------------------------------------------------------------------------------------
@pytest.mark.parametrize("name, content, message", [
    ("r.csv", b"amplitude_nA,duration_ms\n1,2,3\n4\n", r"r.csv, line 2: 3 values for 2 columns"),
    ("r.csv", b"amplitude_nA,duration_ms\n1,2\n4\n", r"r.csv, line 3: 1 values for 2 columns"),
    ("r.csv", b"amplitude_nA,amplitude_nA\n1,2\n", "r.csv, line 1: header has amplitude_nA given twice"),
    ("r.csv", b"", "r.csv: the file is empty"),
    ("r.csv", b"amplitude_nA\n", "r.csv: a header but no runs"),
    ("r.csv", "amplitude_nA,cell\n1,caf\xe9\n".encode("latin-1"), "r.csv: not UTF-8 text"),
    ("r.json", b"\x89PNG\r\n\x1a\n\x00\x00", "r.json: a binary file"),
    ("r.json", b"  \n", "r.json: the file is empty"),
    ("r.json", b'[{"amplitude_nA": 1, "amplitude_nA": 3}]', "r.json: amplitude_nA is given twice"),
    ("r.json", b'{"amplitude_nA": 1}', "r.json: expected a JSON list"),
    ("r.json", b'[{"amplitude_nA": 1', "r.json: not valid JSON"),
])
def test_bad_run_files(name, content, message, tmp_path):
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(ParameterError, match=message):
        read_runs(path)


def test_json_true_is_no_number_in_a_run_file(tmp_path, no_runs, capsys):
    (tmp_path / "r.json").write_text(json.dumps([{"amplitude_nA": True}]))
    argv = ["sweep", "bap-attenuation", "--run-file", str(tmp_path / "r.json"), "--out", str(tmp_path / "o.csv")]
    assert cli.main(argv) == 2
    assert "amplitude_nA = True is not a valid float" in capsys.readouterr().err


# -- unbounded work -------------------------------------------------------------------------------
def test_grid_size_is_limited_before_it_is_made(no_runs, capsys, tmp_path):
    with pytest.raises(ParameterError, match=r"2e\+301 runs, more than the limit of 100000.*--max-runs"):
        sweep_grid.plan(PROTOCOLS["bap-attenuation"], grid={"amplitude_nA": "0:20:1e-300"})
    with pytest.raises(ParameterError, match="the sweep has 6 runs, more than the limit of 5"):
        sweep_grid.plan(PROTOCOLS["bap-attenuation"], grid={"amplitude_nA": "1,2,3", "duration_ms": [1, 2]},
                        max_runs=5)
    assert len(sweep_grid.plan(PROTOCOLS["bap-attenuation"], grid={"amplitude_nA": "0:5:1"}, max_runs=6)) == 6
    argv = ["sweep", "bap-attenuation", "--grid", "amplitude_nA=0:20:1e-300", "--out", str(tmp_path / "o.csv")]
    assert cli.main(argv) == 2 and "--max-runs" in capsys.readouterr().err
    argv = ["sweep", "bap-attenuation", "--grid", "amplitude_nA=0:3:1", "--max-runs", "3", "--out", str(tmp_path / "o.csv")]
    assert cli.main(argv) == 2 and "4 runs, more than the limit of 3" in capsys.readouterr().err


def test_bap_attenuation_bounds_its_recording_sites(monkeypatch):
    from dendriteei.protocols import bap_attenuation
    from dendriteei.cells import l5_pyramidal

    class Cell:  # as many sites as the step asks for; nothing is built or simulated
        def has_mechanism(self, *args):
            raise AssertionError("went past the site check")

    monkeypatch.setattr(bap_attenuation, "build", lambda spec: Cell())
    monkeypatch.setattr(bap_attenuation, "sites_along", lambda cell, region, step: [object()] * int(1000 / step))
    monkeypatch.setattr(bap_attenuation, "MAX_SITES", 100)
    with pytest.raises(ParameterError, match="step_um = 5.0 µm gives 801 recording sites .* limit of 100"):
        bap_attenuation.run(BapAttenuationParams(step_um=5.0), spec=l5_pyramidal())  # regions checked, nothing built


# -- files that cannot be written -----------------------------------------------------------------
def test_unwritable_out_fails_before_running(no_runs, capsys, tmp_path):
    (tmp_path / "file").write_text("")
    for command in (["run", "bap-attenuation", "--out", str(tmp_path / "file" / "sub")],
                    ["sweep", "bap-attenuation", "--grid", "amplitude_nA=1,2", "--out",
                     str(tmp_path / "file" / "t.csv")]):
        assert cli.main(command) == 2
        err = capsys.readouterr().err
        assert "is a file, not a directory; nothing was run" in err and err.count("\n") == 1


def _full_disk(*args, **kwargs):
    raise OSError(errno.ENOSPC, "No space left on device", "results/x.csv")


def test_full_disk_after_a_run_is_one_line(monkeypatch, capsys, tmp_path):
    import pandas as pd
    protocol = PROTOCOLS["bap-attenuation"]
    fake = dataclasses.replace(protocol, run=lambda params, spec: ProtocolResult(pd.DataFrame({"a": [1]})),
                               plot=lambda result: None)
    monkeypatch.setitem(PROTOCOLS, "bap-attenuation", fake)
    monkeypatch.setattr("dendriteei.io.write_result", _full_disk)
    assert cli.main(["run", "bap-attenuation", "--out", str(tmp_path)]) == 1
    err = capsys.readouterr().err
    assert "No space left on device: results/x.csv" in err and "atomic" in err and err.count("\n") == 1


def test_full_disk_in_a_sweep_says_how_to_resume(monkeypatch, capsys, tmp_path):
    monkeypatch.setattr("dendriteei.sweeps.sweep", _full_disk)
    assert cli.main(["sweep", "bap-attenuation", "--grid", "amplitude_nA=1,2", "--out", str(tmp_path / "t.csv")]) == 1
    err = capsys.readouterr().err
    assert "No space left on device" in err and "t.runs/ and the same command resumes it" in err
    assert err.count("\n") == 1


def test_unwritable_cache_is_one_line(monkeypatch, capsys):
    def denied(force=False):
        raise PermissionError(errno.EACCES, "Permission denied", "/cache/dendriteei")
    monkeypatch.setattr("dendriteei.engine.mechanisms.build", denied)
    assert cli.main(["build"]) == 1
    assert capsys.readouterr().err == "dendriteei: Permission denied: /cache/dendriteei\n"


def test_failed_write_leaves_no_partial_file(tmp_path):
    import pandas as pd

    from dendriteei.io import write_result

    class Figure:
        def savefig(self, path, **kwargs):
            path.write_bytes(b"half")
            raise OSError(errno.ENOSPC, "No space left on device", str(path))

    result = ProtocolResult(pd.DataFrame({"a": [1]}))

    class Spec:
        def to_dict(self):
            return {}

    with pytest.raises(OSError):
        write_result("x", result, BapAttenuationParams(), Spec(), tmp_path, Figure())
    assert sorted(p.name for p in tmp_path.iterdir()) == ["x.csv", "x.json"]


@pytest.mark.parametrize("module, params, name", [
    ("bap_attenuation", {"regions": ("trunk", "foo")}, "regions"),
    ("stdp", {"synapse_region": "foo"}, "synapse_region"),
    ("inhibitory_balance", {"target": "pyramidal", "cell": "l5_pyramidal", "spike_model": "cell",
                            "dt_ms": 0.025, "inh_region": "foo"}, "inh_region"),
])
def test_unknown_region_names_the_parameter(module, params, name):
    """A region the cell lacks is refused before any simulation, naming the parameter and the
    cell's regions."""
    import importlib
    protocol = importlib.import_module(f"dendriteei.protocols.{module}")
    params_type = next(p.params_type for p in PROTOCOLS.values() if p.run is protocol.run)
    with pytest.raises(ParameterError, match=rf"^{name}: unknown region 'foo'; regions of cell .*hot_zone"):
        protocol.run(params_type(**params))
