"""Bad input never gives a wrong number: every bad field of a spec, site, synapse group or spike
source, every broken cell JSON and every malformed SWC line raises a clear error naming the field
(or file and line); the engine refuses unstable runs and corrupt mechanism libraries.

Generated cases (hypothesis) are counted per entry point in ``COUNTS``; run with ``-s`` to print.
"""
import collections
import json
import math
import shutil
import subprocess
import warnings

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dendriteei.cells import STANDARD_REGIONS, l5_pyramidal, point_soma
from dendriteei.catalogue import GABA_POST_SOURCES, GABA_WINDOWS, GLU_CA_MODES, GLU_RULES
from dendriteei.engine import mechanisms
from dendriteei.engine.simulation import MAX_TSTOP_MS, Simulation, SimulationDiverged
from dendriteei.sites import Site
from dendriteei.spec import (MEMBRANE, TAGS, Branch, CellSpec, Exponential, Linear, Paint, Region,
                             SpecError, Uniform)
from dendriteei.morphology import load_morphology, read_swc
from dendriteei.synapses import (MAX_SYNAPSES_PER_GROUP, ExplicitSpikes, PoissonSpikes, RegularSpikes,
                                 SynapseGroup)

from test_mechanisms import RESULT_MARK, python_command, python_env

COUNTS = collections.Counter()
SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])

NOT_NUMBERS = st.sampled_from([math.nan, math.inf, -math.inf, "1.0", True, [1.0], {}, b"1"])


def below(limit, strict=True):
    """Finite numbers below ``limit`` (or ≤ it unless ``strict``), plus non-numbers."""
    numbers = st.floats(max_value=limit, exclude_max=strict, allow_nan=False, allow_infinity=False)
    return st.one_of(NOT_NUMBERS, numbers)


def outside(low, high):
    return st.one_of(NOT_NUMBERS, st.floats(max_value=low, exclude_max=True, allow_nan=False, allow_infinity=False),
                     st.floats(min_value=high, exclude_min=True, allow_nan=False, allow_infinity=False))


ANY_NUMBER = NOT_NUMBERS

# (entry point, constructor, valid keyword arguments, {field: strategy of bad values})
CASES = [
    ("Branch", Branch, dict(name="d", tag="basal", parent="soma", parent_x=1.0, length_um=10.0, diam_start_um=1.0),
     {"parent_x": outside(0.0, 1.0), "length_um": below(0.0, strict=False),
      "diam_start_um": below(0.0, strict=False), "diam_end_um": below(0.0, strict=False)}),
    ("Region", Region, dict(name="r", tags=("basal",), min_distance_um=10.0, max_distance_um=20.0),
     {"min_distance_um": below(0.0), "max_distance_um": below(10.0, strict=False)}),
    ("Uniform", Uniform, dict(value=1.0), {"value": ANY_NUMBER}),
    ("Linear", Linear, dict(value=1.0, length_um=100.0, cap_um=500.0),
     {"value": ANY_NUMBER, "length_um": below(0.0, strict=False), "cap_um": below(0.0)}),
    ("Exponential", Exponential, dict(value=1.0, offset=0.0, amplitude=1.0, length_um=100.0),
     {"value": ANY_NUMBER, "offset": ANY_NUMBER, "amplitude": ANY_NUMBER,
      "length_um": st.one_of(ANY_NUMBER, st.just(0.0))}),
    ("Paint", Paint, dict(region="all", mechanism="dei_nat", parameter="gbar", value=Uniform(0.1)),
     {"value": st.floats(max_value=0.0, exclude_max=True, allow_infinity=False).map(Uniform)}),
    ("CellSpec", lambda **kw: point_soma().replace(**kw), {},
     {"celsius": outside(0.0, 50.0), "v_init_mV": outside(-200.0, 200.0), "ena_mV": outside(-200.0, 200.0),
      "ek_mV": outside(-200.0, 200.0), "cao_mM": st.one_of(outside(0.0, 100.0), st.just(0.0)),
      "d_lambda": st.one_of(outside(0.0, 1.0), st.just(0.0)),
      "max_segment_um": below(0.0, strict=False)}),
    ("Site", Site, dict(name="s", region="basal", distance_um=10.0),
     {"distance_um": below(0.0), "x": outside(0.0, 1.0)}),
    ("SynapseGroup", SynapseGroup, dict(name="g", region="basal", mechanism="ExpSyn", sources=(RegularSpikes(10.0, 3),)),
     {"n": st.one_of(st.integers(max_value=0), st.integers(min_value=MAX_SYNAPSES_PER_GROUP + 1),
                     st.sampled_from([1.5, "3", True, math.nan])),
      "min_distance_um": below(0.0), "max_distance_um": below(0.0), "weight": below(0.0),
      "post_threshold_mV": NOT_NUMBERS, "delay_ms": below(0.0),
      "seed": st.one_of(st.integers(max_value=-1), st.sampled_from([1.5, "0", math.nan]))}),
    ("RegularSpikes", RegularSpikes, dict(rate_hz=10.0, n=3),
     {"rate_hz": below(0.0, strict=False), "n": st.one_of(st.integers(max_value=-1), st.sampled_from([1.5, "3"])),
      "start_ms": NOT_NUMBERS, "offset_ms": NOT_NUMBERS}),
    ("PoissonSpikes", PoissonSpikes, dict(rate_hz=10.0, start_ms=0.0, stop_ms=100.0),
     {"rate_hz": below(0.0), "start_ms": NOT_NUMBERS, "stop_ms": below(0.0)}),
]
FIELD_CASES = [(entry, make, valid, field, bad) for entry, make, valid, fields in CASES
               for field, bad in fields.items()]


@pytest.mark.parametrize("entry, make, valid, field, bad", FIELD_CASES,
                         ids=[f"{c[0]}.{c[3]}" for c in FIELD_CASES])
def test_bad_numeric_field_is_refused_naming_it(entry, make, valid, field, bad):
    make(**valid)   # the valid case is accepted

    @SETTINGS
    @given(bad)
    def check(value):
        COUNTS[entry] += 1
        with pytest.raises(SpecError, match=field):
            make(**{**valid, field: value})

    check()


@SETTINGS
@given(st.lists(st.one_of(st.floats(allow_nan=False, allow_infinity=False), NOT_NUMBERS), min_size=1, max_size=5)
       .filter(lambda times: not all(isinstance(t, float) and math.isfinite(t) for t in times)))
def test_explicit_spikes_must_be_finite(times):
    COUNTS["ExplicitSpikes"] += 1
    with pytest.raises(SpecError, match="times_ms"):
        ExplicitSpikes(tuple(times))


@SETTINGS
@given(st.integers(0, 4).flatmap(lambda i: st.tuples(st.just(i), below(0.0))))
def test_synapse_distances_must_be_finite_and_not_negative(case):
    COUNTS["SynapseGroup"] += 1
    index, bad = case
    distances = [10.0] * 5
    distances[index] = bad
    with pytest.raises(SpecError, match=rf"distances_um\[{index}\]"):
        SynapseGroup("g", "basal", "ExpSyn", (RegularSpikes(10.0, 1),), n=5, distances_um=tuple(distances))


CODES = {("dei_glu", "ca_mode"): GLU_CA_MODES, ("dei_glu", "rule"): GLU_RULES,
         ("dei_gaba", "window"): GABA_WINDOWS, ("dei_gaba", "post_source"): GABA_POST_SOURCES}


@SETTINGS
@given(st.sampled_from(sorted(CODES)), st.integers(-100, 100))
def test_synapse_codes_come_from_the_catalogue(key, value):
    COUNTS["SynapseGroup"] += 1
    mechanism, name = key
    make = lambda: SynapseGroup("g", "basal", mechanism, (RegularSpikes(10.0, 1),), parameters={name: value})
    if value in CODES[key].values():
        make()
    else:
        with pytest.raises(SpecError, match=rf"{name} = {value} is not a {mechanism} {name} code; valid: 0 "):
            make()


def test_reported_synapse_cases():
    source = (RegularSpikes(10.0, 1),)
    for parameters, match in (({"ca_mode": 7}, "ca_mode"), ({"rule": -1}, "rule"), ({"g_ampa": -1.0}, "g_ampa"),
                              ({"tau": math.nan}, "tau")):
        mechanism = "dei_glu"
        with pytest.raises(SpecError, match=match):
            SynapseGroup("g", "basal", mechanism, source, parameters=parameters)
    for parameters in ({"window": 9}, {"post_source": 5}):
        with pytest.raises(SpecError, match="valid: 0 "):
            SynapseGroup("g", "basal", "dei_gaba", source, parameters=parameters)
    with pytest.raises(SpecError, match="MAX_SYNAPSES_PER_GROUP"):
        SynapseGroup("g", "basal", "ExpSyn", source, n=10**7)
    with pytest.raises(SpecError, match=r"parameter tau\[1\]"):
        SynapseGroup("g", "basal", "ExpSyn", source, n=2, varying={"tau": (1.0, math.inf)})
    with pytest.raises(SpecError, match="delay_ms"):
        SynapseGroup("g", "basal", "ExpSyn", source, delay_ms=math.nan)
    with pytest.raises(SpecError, match="weight"):
        SynapseGroup("g", "basal", "ExpSyn", source, weight=-0.001)
    with pytest.raises(SpecError, match="times_ms"):
        ExplicitSpikes((math.nan,))
    with pytest.raises(SpecError, match="distance_um"):
        Site("s", region="basal", distance_um=math.nan)


# -- specs: regression cases ------------------------------------------------------

def test_negative_conductances_and_membrane_values_are_refused():
    with pytest.raises(SpecError, match=r"dei_nat\.gbar on soma: value must be ≥ 0"):
        Paint("soma", "dei_nat", "gbar", Uniform(-0.2))   # gave a soma peak of 8,752 mV
    with pytest.raises(SpecError, match=r"pas\.g on all: value must be ≥ 0"):
        Paint("all", "pas", "g", Uniform(-1e-3))
    with pytest.raises(SpecError, match="value must be > 0 µF/cm²"):
        Paint("all", MEMBRANE, "cm", Uniform(0.0))
    with pytest.raises(SpecError, match="unknown membrane parameter 'Rm'; valid: cm, Ra"):
        Paint("all", MEMBRANE, "Rm", Uniform(1.0))
    Paint("all", "pas", "e", Uniform(-80.0))   # not conductance-like: may be negative


def test_exponential_overflow_names_length():
    with pytest.raises(SpecError, match="overflows at 900 µm with length_um = 0.323 µm"):
        Exponential(2e-4, -0.8696, 2.087, 0.323).at(900.0)


def test_tags_regions_and_tree():
    assert set(TAGS) == {tag for region in STANDARD_REGIONS for tag in region.tags}
    with pytest.raises(SpecError, match="unknown tag 'apical'; valid: soma, ais, axon, basal"):
        Branch("d", "apical", "soma", 1.0, 10.0, 1.0)
    with pytest.raises(SpecError, match="unknown tag 'dend'"):
        Region("r", ("basal", "dend"))
    with pytest.raises(SpecError, match="its own parent"):
        Branch("d", "basal", "d", 1.0, 10.0, 1.0)
    spec = l5_pyramidal()
    with pytest.raises(SpecError, match="region names must be unique; repeated: soma"):
        spec.replace(regions=spec.regions + (Region("soma", ("soma",)),))
    looped = tuple(b if b.name != "trunk" else Branch("trunk", "trunk", "tuft_0", 1.0, 880.0, 3.0, 1.4)
                   for b in spec.branches)
    with pytest.raises(SpecError, match="cycle"):
        spec.replace(branches=looped)


def test_long_values_are_shortened():
    with pytest.raises(SpecError) as error:
        Branch("d", "x" * 500, "soma", 1.0, 10.0, 1.0)
    assert len(str(error.value)) < 250 and "…" in str(error.value)


def test_broken_cell_json_names_the_field():
    data = json.loads(point_soma().to_json())
    for mutate, match in ((lambda d: d["branches"][0].pop("tag"), r"cell.branches\[0\]: missing field 'tag'"),
                          (lambda d: d.pop("paints"), None),
                          (lambda d: d["paints"][0]["value"].update(length_um=1), r"paints\[0\].value: unknown field"),
                          (lambda d: d["paints"][1]["value"].update(kind="linear", length_um=0.0),
                           r"paints\[1\].value: linear distribution: length_um must be > 0"),
                          (lambda d: d.update(d_lambda=0), "d_lambda must be > 0"),
                          (lambda d: d.update(extra=1), "unknown field 'extra'"),
                          (lambda d: d.update(branches=None), "cell.branches must be a list")):
        broken = json.loads(json.dumps(data))
        mutate(broken)
        if match is None:
            CellSpec.from_dict(broken)   # paints default to none
        else:
            with pytest.raises(SpecError, match=match):
                CellSpec.from_dict(broken)
    with pytest.raises(SpecError, match="does not parse"):
        CellSpec.from_json('{"name": ')
    with pytest.raises(SpecError, match="JSON object"):
        CellSpec.from_json("[1, 2]")


CELL_JSON = json.loads(l5_pyramidal().to_json())
BAD_JSON_VALUES = st.sampled_from([math.nan, math.inf, -math.inf, -1.0, -1e9, 1e9, None, True, [], {}, "", 0])


def _json_targets():
    """(path, key) of every field of the L5 cell's JSON, nested objects included."""
    targets = [((), key) for key in CELL_JSON]
    for field in ("branches", "regions", "paints"):
        for index, item in enumerate(CELL_JSON[field]):
            targets += [((field, index), key) for key in item]
            if field == "paints":
                targets += [((field, index, "value"), key) for key in item["value"]]
    return targets


JSON_TARGETS = _json_targets()


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(JSON_TARGETS), st.one_of(st.just("delete"), st.just("unknown"), BAD_JSON_VALUES))
def test_mutated_cell_json_loads_or_names_the_field(target, change):
    COUNTS["CellSpec.from_dict"] += 1
    path, key = target
    data = json.loads(json.dumps(CELL_JSON))
    where = data
    for step in path:
        where = where[step]
    if change == "delete":
        del where[key]
    elif change == "unknown":
        where[key + "_typo"] = 1.0
    else:
        where[key] = change
    try:
        CellSpec.from_dict(data)
    except SpecError as error:
        # A field error names its place (cell.paints[3].value: ...) or the field; a tree error
        # (a deleted parent makes a second root) names the branch.
        location = "cell" + "".join(f"[{step}]" if isinstance(step, int) else f".{step}" for step in path)
        item = CELL_JSON[path[0]][path[1]].get("name", "\0") if path else "\0"
        assert (location in str(error) and path) or key in str(error) or repr(item) in str(error), str(error)


# -- engine ------------------------------------------------------------------------

def _soma():
    from dendriteei.engine import build
    return build(point_soma())


def test_unknown_mechanism_lists_the_point_processes():
    with Simulation(_soma()) as sim:
        with pytest.raises(SpecError, match="'dei_nope' is not a point process; point processes: .*ExpSyn"):
            sim.add_synapses(SynapseGroup("g", "soma", "dei_nope", (RegularSpikes(10.0, 1),)))


def test_voltage_envelope_raises_diverged():
    with Simulation(_soma(), dt_ms=0.1) as sim:
        site = Site("s", region="soma")
        sim.record(site)
        sim.current_pulse(site, 1e3, 1.0, 5.0)   # 1 µA into a 20 µm soma: finite but absurd
        with pytest.raises(SimulationDiverged, match=r"outside the sanity envelope \|v\| ≤ 200 mV"):
            sim.run(10.0)


def test_negative_calcium_raises_diverged():
    from dendriteei.engine.simulation import _check_trace
    import numpy as np
    t = np.arange(3.0)
    _check_trace("s", "cai", t, np.array([5e-5, -1e-12, 1e-5]))   # round-off passes
    with pytest.raises(SimulationDiverged, match="cai at s fell to -1e-06 mM at t = 1.000 ms"):
        _check_trace("s", "cai", t, np.array([5e-5, -1e-6, 1e-5]))
    with pytest.raises(SimulationDiverged, match="c at syn"):
        _check_trace("syn", "c", t, np.array([0.0, 0.1, -0.5]))


def test_tstop_is_bounded():
    with Simulation(_soma()) as sim:
        with pytest.raises(ValueError, match="max_tstop_ms=.*MAX_TSTOP_MS"):
            sim.run(MAX_TSTOP_MS * 2)
        with pytest.raises(ValueError, match="exceeds the limit of 10 ms"):
            sim.run(20.0, max_tstop_ms=10.0)


# -- mechanism libraries -------------------------------------------------------------

def _cache_copy(tmp_path):
    """A private cache holding a copy of the current build, and the copy's library."""
    library = mechanisms.build()
    build_dir = library.parent
    while build_dir.name != library.relative_to(mechanisms.cache_root() / "mechanisms").parts[0]:
        build_dir = build_dir.parent
    cache = tmp_path / "cache"
    shutil.copytree(build_dir, cache / "mechanisms" / build_dir.name)
    return cache, cache / "mechanisms" / build_dir.name / library.relative_to(build_dir)


def _load_in_subprocess(cache, **env):
    script = """
        from dendriteei.engine import mechanisms
        try:
            report({"library": str(mechanisms.load())})
        except mechanisms.MechanismError as error:
            report({"error": str(error)})
    """
    result = subprocess.run(python_command(script), env=python_env(cache, **env), capture_output=True, text=True,
                            timeout=600)
    assert result.returncode == 0, f"exit {result.returncode}: {result.stderr[-2000:]}"
    line = next(line for line in result.stdout.splitlines() if line.startswith(RESULT_MARK))
    return json.loads(line[len(RESULT_MARK):])


def _truncate(library):
    data = library.read_bytes()
    library.write_bytes(data[:len(data) // 3])


def test_truncated_library_is_refused_without_autobuild(tmp_path):
    cache, library = _cache_copy(tmp_path)
    _truncate(library)
    outcome = _load_in_subprocess(cache, DENDRITEEI_AUTOBUILD="0")
    assert "differs from its build record" in outcome["error"] and "dendriteei build --force" in outcome["error"]


def test_build_record_without_checksum_is_refused_without_autobuild(tmp_path):
    cache, library = _cache_copy(tmp_path)
    stamp_path = next(cache.glob(f"mechanisms/*/{mechanisms.STAMP_NAME}"))
    stamp = json.loads(stamp_path.read_text())
    del stamp["library_sha256"]
    stamp_path.write_text(json.dumps(stamp))
    assert "no size and SHA-256" in _load_in_subprocess(cache, DENDRITEEI_AUTOBUILD="0")["error"]


# -- SWC -----------------------------------------------------------------------------

SWC_LINES = ["1 1 0 0 0 10 -1", "2 3 0 -10 0 1 1", "3 3 0 -20 0 1 2", "4 4 0 10 0 1 1", "5 4 0 20 0 1 4"]
NOT_INTEGERS = st.one_of(st.sampled_from(["1.5", "nan", "inf", "x", "1e3", "--1", "0x1"]),
                         st.text(alphabet="abc.,;!-+", min_size=1, max_size=6))
NOT_FINITE = st.one_of(st.sampled_from(["nan", "inf", "-inf", "x", "1,0", "1..0", "1e999"]),
                       st.text(alphabet="abc;!+", min_size=1, max_size=6))
BAD_TOKENS = {0: NOT_INTEGERS, 1: NOT_INTEGERS, 2: NOT_FINITE, 3: NOT_FINITE, 4: NOT_FINITE,
              5: st.one_of(NOT_FINITE, st.sampled_from(["0", "-1", "-0.5", "0.0"])),
              6: st.one_of(NOT_INTEGERS, st.sampled_from(["-2", "99", "7"]))}


@settings(max_examples=200, deadline=None)
@given(st.integers(0, len(SWC_LINES) - 1), st.integers(0, 6).flatmap(lambda f: st.tuples(st.just(f), BAD_TOKENS[f])))
def test_malformed_swc_line_names_file_and_line(tmp_path_factory, row, change):
    COUNTS["read_swc (bad field)"] += 1
    column, token = change
    lines = [line.split() for line in SWC_LINES]
    lines[row][column] = token
    path = tmp_path_factory.mktemp("swc") / "bad.swc"
    path.write_text("# header\n" + "\n".join(" ".join(line) for line in lines) + "\n")
    with pytest.raises(SpecError, match=rf"bad.swc:{row + 2}: "):
        read_swc(path)


@settings(max_examples=60, deadline=None)
@given(st.integers(0, len(SWC_LINES) - 1), st.integers(0, 12).filter(lambda n: n != 7))
def test_swc_line_with_wrong_field_count(tmp_path_factory, row, count):
    COUNTS["read_swc (field count)"] += 1
    lines = list(SWC_LINES)
    lines[row] = " ".join((lines[row].split() * 2)[:count]) or "x"
    path = tmp_path_factory.mktemp("swc") / "bad.swc"
    path.write_text("\n".join(lines) + "\n")
    with pytest.raises(SpecError, match=rf"bad.swc:{row + 1}: an SWC line has 7 fields"):
        read_swc(path)


@pytest.mark.parametrize("lines, match", [
    (SWC_LINES + ["3 3 0 -30 0 1 2"], "bad.swc:6: id 3 is already used on line 3"),
    (SWC_LINES + ["6 3 0 -30 0 1 6"], "bad.swc:6: node 6 is its own parent"),
    (SWC_LINES + ["6 3 0 -30 0 1 7", "7 3 0 -40 0 1 6"], "nodes form a cycle"),
    (SWC_LINES + ["6 3 0 -30 0 1 42"], "bad.swc:6: node 6 has parent 42, which the file does not define"),
    (SWC_LINES + ["6 1 50 0 0 5 -1"], "bad.swc:6: a second soma starts at node 6"),
    (SWC_LINES[:2] + ["3 3 0 -20 0 0 2"] + SWC_LINES[3:], "bad.swc:3: radius must be > 0 µm, got 0"),
    (["1 1 0 0 0 10 -1", "2 3 0 x 0 1 1"], r"bad.swc:2: y \(µm\) must be a finite number, got 'x'"),
])
def test_impossible_swc_files_are_refused(tmp_path, lines, match):
    path = tmp_path / "bad.swc"
    path.write_text("\n".join(lines) + "\n")
    with pytest.raises(SpecError, match=match):
        read_swc(path)


def test_swc_repairs_are_reported(tmp_path):
    path = tmp_path / "odd.swc"
    path.write_text("\n".join(SWC_LINES + ["6 7 0 -30 0 1 3", "7 3 100 0 0 1 -1", "8 3 110 0 0 1 7",
                                            "9 3 -5 0 0 1 1"]) + "\n")
    with pytest.warns(UserWarning) as record:
        spec = load_morphology(path)
    messages = [str(w.message) for w in record]
    assert any("odd.swc: dropped 1 sections (2 points) of type custom7, starting at (0, -20, 0)" in m
               for m in messages)
    assert any("odd.swc: dropped 1 sections (2 points) not connected to the soma (SWC parent -1), "
               "starting at (100, 0, 0)" in m for m in messages)
    assert any("odd.swc: the section starting at (-5, 0, 0) µm is a one-point branch on the soma; "
               "gave it a 0.5 µm stub" in m for m in messages)
    assert {b.tag for b in spec.branches} >= {"basal", "trunk"}


def test_real_cells_load_without_warnings():
    from pathlib import Path
    for name in ("morph_l5pc_with_axon.swc", "morph_allen_485574832.swc", "morph_ca1_n120.swc"):
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            load_morphology(Path(__file__).parent / "data" / "morphologies" / name)


def test_zz_report_counts():
    """Print how many generated cases each entry point tried (visible with -s)."""
    print("\ngenerated cases per entry point:", dict(sorted(COUNTS.items())))
