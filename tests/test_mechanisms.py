"""Tests of dendriteei.engine.mechanisms: hashing, cached builds, and loading into NEURON.

NEURON's mechanism table is per process, so every scenario that loads mechanisms runs in
a fresh ``python -c`` subprocess with its own ``DENDRITEEI_CACHE``.
"""
import json
import shutil
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from dendriteei.engine import mechanisms
from dendriteei.engine.mechanisms import MechanismError

REPO = Path(__file__).resolve().parent.parent
RESULT_MARK = "RESULT:"

LEAK_MOD = """\
: tiny passive leak used only by the tests
NEURON {
    SUFFIX dei_testleak
    NONSPECIFIC_CURRENT i
    RANGE g, e
}
UNITS {
    (mA) = (milliamp)
    (mV) = (millivolt)
}
PARAMETER {
    g = 0.001 (S/cm2)
    e = -70 (mV)
}
ASSIGNED {
    v (mV)
    i (mA/cm2)
}
BREAKPOINT {
    i = g*(v - e)
}
"""


def write_mod_dir(directory: Path, text: str = LEAK_MOD, name: str = "dei_testleak.mod") -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    (directory / name).write_text(text)
    return directory


def python_command(script: str) -> list:
    """``python -c`` running ``script``, which reports its result through ``report(obj)`` (JSON)."""
    prelude = f"import json\ndef report(obj): print({RESULT_MARK!r} + json.dumps(obj), flush=True)\n"
    return [sys.executable, "-c", prelude + textwrap.dedent(script)]


def python_env(cache: Path, **extra_env: str) -> dict:
    env = {**os.environ, "DENDRITEEI_CACHE": str(cache), **extra_env}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO), env.get("PYTHONPATH")]))
    return env


def run_python(script: str, cwd: Path, cache: Path, **extra_env: str) -> subprocess.CompletedProcess:
    """Run ``script`` in a fresh interpreter (fresh NEURON state) with its own cache."""
    return subprocess.run(python_command(script), cwd=cwd, env=python_env(cache, **extra_env),
                          capture_output=True, text=True, timeout=120)


def reported(process: subprocess.CompletedProcess):
    assert process.returncode == 0, process.stdout + process.stderr
    lines = [line for line in process.stdout.splitlines() if line.startswith(RESULT_MARK)]
    assert lines, process.stdout + process.stderr
    return json.loads(lines[-1][len(RESULT_MARK):])


@pytest.fixture(scope="module")
def leak_dir(tmp_path_factory) -> Path:
    return write_mod_dir(tmp_path_factory.mktemp("leak_mod"))


@pytest.fixture(scope="module")
def built_cache(tmp_path_factory, leak_dir) -> Path:
    """A cache that already holds the compiled leak mechanism."""
    cache = tmp_path_factory.mktemp("cache")
    script = f"from dendriteei.engine import mechanisms\nreport(str(mechanisms.build(directory={str(leak_dir)!r})))"
    process = run_python(script, cwd=cache, cache=cache)
    assert Path(reported(process)).is_file()
    return cache


@pytest.fixture(scope="module")
def classic_build(tmp_path_factory, leak_dir) -> Path:
    """A working directory where `nrnivmodl <leak_dir>` was run (the classic NEURON workflow)."""
    workdir = tmp_path_factory.mktemp("classic")
    nrnivmodl = Path(sys.executable).parent / "nrnivmodl"
    subprocess.run([str(nrnivmodl), str(leak_dir)], cwd=workdir, check=True, capture_output=True)
    return workdir


# --- pure functions -------------------------------------------------------------------------


def test_expected_mechanisms_reads_neuron_block_declarations(tmp_path):
    write_mod_dir(tmp_path, LEAK_MOD)
    write_mod_dir(tmp_path, "COMMENT\nSUFFIX dei_fake\nENDCOMMENT\n"
                            "NEURON { POINT_PROCESS dei_testsyn : SUFFIX dei_commented\n}\n", "syn.mod")
    write_mod_dir(tmp_path, "NEURON { SUFFIX nothing }\nFUNCTION f() { f = 1 }\n", "library.mod")
    assert mechanisms.expected_mechanisms(tmp_path) == {"dei_testleak", "dei_testsyn"}


def test_mod_hash_depends_on_content_and_names_only(tmp_path):
    first = write_mod_dir(tmp_path / "a")
    same = write_mod_dir(tmp_path / "b")
    (same / "README").write_text("not a mod file")
    renamed = write_mod_dir(tmp_path / "c", name="other.mod")
    edited = write_mod_dir(tmp_path / "d", LEAK_MOD.replace("0.001", "0.002"))
    digest = mechanisms.mod_hash(first)
    assert len(digest) == 64
    assert mechanisms.mod_hash(same) == digest
    assert mechanisms.mod_hash(renamed) != digest
    assert mechanisms.mod_hash(edited) != digest


def test_directory_without_mod_files_is_an_error(tmp_path):
    with pytest.raises(MechanismError, match="no .mod files"):
        mechanisms.mod_hash(tmp_path)


def test_cache_root_precedence(monkeypatch, tmp_path):
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.delenv("DENDRITEEI_CACHE", raising=False)
    monkeypatch.delenv("XDG_CACHE_HOME", raising=False)
    assert mechanisms.cache_root() == tmp_path / "home" / ".cache" / "dendriteei"
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert mechanisms.cache_root() == tmp_path / "xdg" / "dendriteei"
    monkeypatch.setenv("DENDRITEEI_CACHE", str(tmp_path / "explicit"))
    assert mechanisms.cache_root() == tmp_path / "explicit"


def test_mod_dir_prefers_installed_copy_then_checkout(monkeypatch, tmp_path):
    package = tmp_path / "checkout" / "dendriteei"
    package.mkdir(parents=True)
    monkeypatch.setattr(mechanisms, "PACKAGE_DIR", package)
    with pytest.raises(MechanismError, match="pip install --force-reinstall"):
        mechanisms.mod_dir()
    write_mod_dir(tmp_path / "checkout" / "mod")
    assert mechanisms.mod_dir() == tmp_path / "checkout" / "mod"
    write_mod_dir(package / "mod_src")
    assert mechanisms.mod_dir() == package / "mod_src"


# --- building --------------------------------------------------------------------------------


@pytest.mark.slow
def test_build_is_cached_and_edited_mod_gets_new_directory(built_cache, leak_dir, monkeypatch, tmp_path):
    monkeypatch.setenv("DENDRITEEI_CACHE", str(built_cache))
    library = mechanisms.build(directory=leak_dir)
    build_dir = library.parent.parent
    assert build_dir.parent == built_cache / "mechanisms"
    assert build_dir.name.startswith(mechanisms.mod_hash(leak_dir)[:16] + "-nrn")
    stamp = json.loads((build_dir / "build.json").read_text())
    assert stamp["mod_hash"] == mechanisms.mod_hash(leak_dir)
    assert stamp["mod_files"] == ["dei_testleak.mod"]
    assert (build_dir / "mod" / "dei_testleak.mod").read_text() == LEAK_MOD  # self-contained

    def no_compiling(*args, **kwargs):
        raise AssertionError("a complete build must not be compiled again")

    with monkeypatch.context() as patch:
        patch.setattr(mechanisms.subprocess, "run", no_compiling)
        assert mechanisms.build(directory=leak_dir) == library

    edited = write_mod_dir(tmp_path / "edited", LEAK_MOD.replace("0.001", "0.002"))
    edited_library = mechanisms.build(directory=edited)
    assert edited_library.parent.parent != build_dir
    assert edited_library.is_file() and library.is_file()


def test_truncated_library_is_rebuilt(built_cache, leak_dir, tmp_path):
    """A library cut short (e.g. a disk that filled up) differs from its build record (size and
    SHA-256): with autobuild on, loading compiles it again (here the one-file leak mechanism; the
    refusal without autobuild is tested on the shipped build in test_bad_specs.py)."""
    cache = tmp_path / "cache"
    shutil.copytree(built_cache, cache)
    stamp_path = next(cache.glob(f"mechanisms/*/{mechanisms.STAMP_NAME}"))
    library = mechanisms._find_library(stamp_path.parent)
    data = library.read_bytes()
    library.write_bytes(data[:len(data) // 3])
    script = f"from dendriteei.engine import mechanisms\nreport(str(mechanisms.load({str(leak_dir)!r})))"
    loaded = Path(reported(run_python(script, cwd=tmp_path, cache=cache, DENDRITEEI_AUTOBUILD="1")))
    assert loaded.stat().st_size == json.loads(stamp_path.read_text())["library_bytes"]


@pytest.mark.slow
def test_concurrent_builds_from_two_processes(tmp_path):
    moddir = write_mod_dir(tmp_path / "mod", LEAK_MOD.replace("-70", "-65"))
    cache = tmp_path / "cache"
    script = f"from dendriteei.engine import mechanisms\nreport(str(mechanisms.build(directory={str(moddir)!r})))"
    racers = [subprocess.Popen(python_command(script), cwd=tmp_path, env=python_env(cache),
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(2)]
    results = []
    for racer in racers:
        stdout, stderr = racer.communicate(timeout=120)
        results.append(reported(subprocess.CompletedProcess(racer.args, racer.returncode, stdout, stderr)))
    assert results[0] == results[1] and Path(results[0]).is_file()
    entries = sorted(path.name for path in (cache / "mechanisms").iterdir())
    assert len([name for name in entries if not name.endswith(".lock")]) == 1, entries  # no temp dirs left


def test_missing_nrnivmodl_says_how_to_install(tmp_path, monkeypatch):
    monkeypatch.setenv("DENDRITEEI_CACHE", str(tmp_path / "cache"))
    monkeypatch.setenv("PATH", str(tmp_path / "empty_bin"))
    monkeypatch.setattr(sys, "executable", str(tmp_path / "elsewhere" / "python"))
    with pytest.raises(MechanismError, match=r"pip install 'neuron>=9,<10'"):
        mechanisms.build(directory=write_mod_dir(tmp_path / "mod"))


@pytest.mark.slow
def test_compile_failure_reports_nrnivmodl_output_and_compiler_hint(tmp_path, monkeypatch):
    monkeypatch.setenv("DENDRITEEI_CACHE", str(tmp_path / "cache"))
    broken = write_mod_dir(tmp_path / "mod", LEAK_MOD.replace("BREAKPOINT {", "BREAKPOINT { ] "))
    with pytest.raises(MechanismError) as failure:
        mechanisms.build(directory=broken)
    message = str(failure.value)
    assert "dei_testleak.mod" in message and "apt-get install g++" in message
    assert not [path for path in (tmp_path / "cache" / "mechanisms").iterdir() if path.is_dir()]


# --- loading (one fresh process per scenario) -------------------------------------------------


@pytest.mark.slow
def test_load_twice_loads_the_library_once(built_cache, leak_dir, tmp_path):
    process = run_python(f"""
        from dendriteei.engine import mechanisms
        calls = []
        load_library = mechanisms._load_library
        mechanisms._load_library = lambda library: (calls.append(str(library)), load_library(library))
        first = mechanisms.load({str(leak_dir)!r})
        second = mechanisms.load({str(leak_dir)!r})
        from neuron import h
        section = h.Section()
        section.insert("dei_testleak")
        report(dict(first=str(first), second=str(second), calls=calls, g=section(0.5).dei_testleak.g,
                    describe=mechanisms.describe({str(leak_dir)!r})))
    """, cwd=tmp_path, cache=built_cache)
    result = reported(process)
    assert result["first"] == result["second"] == result["calls"][0]
    assert len(result["calls"]) == 1
    assert result["g"] == pytest.approx(0.001)
    assert result["describe"]["loaded_from"] == "cache"
    assert result["describe"]["library"] == result["first"]
    assert result["describe"]["mod_hash"] == mechanisms.mod_hash(leak_dir)


@pytest.mark.slow
def test_classic_nrnivmodl_build_in_cwd_is_reused(classic_build, leak_dir, tmp_path):
    os.utime(leak_dir / "dei_testleak.mod")  # a newer mtime alone does not make the build stale
    empty_cache = tmp_path / "cache"
    process = run_python(f"""
        import neuron
        from dendriteei.engine import mechanisms
        auto_loaded = "dei_testleak" in mechanisms.loaded_mechanisms()
        library = mechanisms.load({str(leak_dir)!r})
        again = mechanisms.load({str(leak_dir)!r})
        report(dict(auto_loaded=auto_loaded, library=str(library), again=str(again),
                    describe=mechanisms.describe({str(leak_dir)!r})))
    """, cwd=classic_build, cache=empty_cache)
    result = reported(process)
    assert result["auto_loaded"]
    assert Path(result["library"]).parent.parent == classic_build
    assert result["again"] == result["library"]
    assert result["describe"]["loaded_from"] == "cwd"
    assert not empty_cache.exists()  # nothing was compiled


@pytest.mark.slow
def test_stale_or_incomplete_cwd_build_is_refused(classic_build, leak_dir, tmp_path):
    edited = write_mod_dir(tmp_path / "edited", LEAK_MOD.replace("0.001", "0.003"))
    grown = write_mod_dir(tmp_path / "grown")
    write_mod_dir(grown, LEAK_MOD.replace("dei_testleak", "dei_testextra"), "dei_testextra.mod")
    process = run_python(f"""
        from dendriteei.engine import mechanisms
        messages = []
        for directory in ({str(edited)!r}, {str(grown)!r}):
            try:
                mechanisms.load(directory)
            except mechanisms.MechanismError as error:
                messages.append(str(error))
        report(messages)
    """, cwd=classic_build, cache=tmp_path / "cache")
    stale, incomplete = reported(process)
    assert "older than" in stale and "dei_testleak.mod" in stale
    assert f"`nrnivmodl {edited}` again" in stale and "delete ./" in stale
    assert "dei_testextra" in incomplete and f"`nrnivmodl {grown}` again" in incomplete


NMODL_TRANSPILER = Path(sys.executable).parent / "nmodl"


@pytest.mark.slow
@pytest.mark.skipif(not NMODL_TRANSPILER.is_file(), reason="NEURON's nmodl transpiler is not installed")
def test_cwd_build_without_embedded_nmodl_text_is_checked_by_mtime(tmp_path):
    """Libraries from `nrnivmodl -nmodl` do not register their mod text: compare mtimes instead."""
    moddir = write_mod_dir(tmp_path / "mod")
    nrnivmodl = Path(sys.executable).parent / "nrnivmodl"
    subprocess.run([str(nrnivmodl), "-nmodl", str(NMODL_TRANSPILER), str(moddir)],
                   cwd=tmp_path, check=True, capture_output=True)
    script = f"""
        from dendriteei.engine import mechanisms
        try:
            report(str(mechanisms.load({str(moddir)!r})))
        except mechanisms.MechanismError as error:
            report("error: " + str(error))
    """
    assert Path(reported(run_python(script, cwd=tmp_path, cache=tmp_path / "cache"))).parent.parent == tmp_path
    library_mtime = next(tmp_path.glob("*/libnrnmech.so")).stat().st_mtime
    os.utime(moddir / "dei_testleak.mod", (library_mtime + 10, library_mtime + 10))
    stale = reported(run_python(script, cwd=tmp_path, cache=tmp_path / "cache"))
    assert stale.startswith("error: compiled mechanisms in ./") and "`nrnivmodl ./mod` again" in stale


@pytest.mark.slow
def test_autobuild_disabled_uses_existing_build_or_refuses(built_cache, leak_dir, tmp_path):
    script = f"""
        from dendriteei.engine import mechanisms
        try:
            report(str(mechanisms.load({str(leak_dir)!r})))
        except mechanisms.MechanismError as error:
            report("error: " + str(error))
    """
    refused = reported(run_python(script, cwd=tmp_path, cache=tmp_path / "cache", DENDRITEEI_AUTOBUILD="0"))
    assert refused.startswith("error: compiled mechanisms not found") and "`dendriteei build`" in refused
    assert not (tmp_path / "cache").exists()
    loaded = reported(run_python(script, cwd=tmp_path, cache=built_cache, DENDRITEEI_AUTOBUILD="0"))
    assert Path(loaded).is_file()


@pytest.mark.slow
@pytest.mark.skipif(not any((REPO / "mod").glob("*.mod")), reason="mod/ has no mechanisms yet")
def test_shipped_mod_files_build_and_load(tmp_path):
    """Every shipped mechanism loads in a fresh process from the cache the suite uses (built by the
    README's `dendriteei build`, or compiled here; compiling into an empty cache is tested on the
    one-file leak mechanism above, which exercises the same code path in seconds)."""
    process = run_python("""
        from dendriteei.engine import mechanisms
        library = mechanisms.load()
        report(dict(library=str(library), expected=sorted(mechanisms.expected_mechanisms()),
                    loaded=sorted(mechanisms.loaded_mechanisms())))
    """, cwd=tmp_path, cache=mechanisms.cache_root())
    result = reported(process)
    assert result["expected"] and all(name.startswith("dei_") for name in result["expected"])
    assert set(result["expected"]) <= set(result["loaded"])
