"""Compile, cache and load the NMODL mechanisms (``dei_*``) that dendriteei ships.

The mod files are compiled once per (mod content, NEURON version, CPU architecture) into
``cache_root()/mechanisms/<hash16>-nrn<version>-<arch>/`` and loaded with
``h.nrn_load_dll``. If NEURON already holds our mechanisms (a classic ``nrnivmodl mod``
whose ``<arch>/`` directory NEURON auto-loaded from the working directory), that library
is used instead, provided it was compiled from the current mod files.
"""
from __future__ import annotations

import contextlib
import datetime
import fcntl
import hashlib
import json
import os
import platform
import re
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

PACKAGE_DIR = Path(__file__).resolve().parent.parent
LIBRARY_NAME = "libnrnmech.so"
STAMP_NAME = "build.json"
NEURON_PIN = "neuron>=9,<10"

# What load() did in this process, per mod_hash:
# {"library": Path | None, "how": "cache" | "cwd" | "external"}
_loaded_by_hash: dict[str, dict] = {}


class MechanismError(RuntimeError):
    """The mechanisms cannot be found, compiled or loaded; the message says how to fix it."""


def mod_dir() -> Path:
    """Directory of the shipped mod sources: installed ``mod_src/`` or the checkout's ``mod/``."""
    candidates = (PACKAGE_DIR / "mod_src", PACKAGE_DIR.parent / "mod")
    for candidate in candidates:
        if any(candidate.glob("*.mod")):
            return candidate
    raise MechanismError(
        f"no .mod files in {candidates[0]} or {candidates[1]}: the installation is incomplete; "
        "reinstall from the repository with `pip install --force-reinstall .`"
    )


@dataclass(frozen=True)
class _ModSources:
    """The ``*.mod`` files of one directory, read once so that hash, build and checks agree."""

    directory: Path
    contents: dict[str, bytes]  # file name -> bytes, sorted by name

    @classmethod
    def read(cls, directory: str | os.PathLike | None = None) -> _ModSources:
        """Read ``directory`` (default: ``mod_dir()``); it must hold .mod files."""
        source = mod_dir() if directory is None else Path(directory).resolve()
        files = sorted(source.glob("*.mod"), key=lambda path: path.name)
        if not files:
            raise MechanismError(f"no .mod files in {source}: pass a directory that holds the mod sources")
        return cls(source, {path.name: path.read_bytes() for path in files})

    def text(self, name: str) -> str:
        return self.contents[name].decode("utf-8", errors="replace")

    def digest(self) -> str:
        """sha256 (hex) over the (file name, content) pairs, length-prefixed."""
        digest = hashlib.sha256()
        for name, content in self.contents.items():
            for part in (name.encode(), content):
                digest.update(len(part).to_bytes(8, "little"))
                digest.update(part)
        return digest.hexdigest()

    def declared_names(self, name: str) -> set[str]:
        """Mechanisms declared in the NEURON block of file ``name`` (``SUFFIX nothing`` excluded)."""
        text = _LINE_COMMENT.sub("", _COMMENT_BLOCK.sub("", self.text(name)))
        return set(_DECLARATION.findall(text)) - {"nothing"}

    def expected(self) -> set[str]:
        return set().union(*(self.declared_names(name) for name in self.contents))


_COMMENT_BLOCK = re.compile(r"^\s*(COMMENT|VERBATIM)\b.*?^\s*END\1\b", re.MULTILINE | re.DOTALL)
_LINE_COMMENT = re.compile(r"[:?].*$", re.MULTILINE)
_DECLARATION = re.compile(r"\b(?:SUFFIX|POINT_PROCESS|ARTIFICIAL_CELL)\s+(\w+)")


def mod_hash(directory: str | os.PathLike | None = None) -> str:
    """sha256 (hex) over the sorted (file name, content) pairs of the ``*.mod`` files."""
    return _ModSources.read(directory).digest()


_RANGE = re.compile(r"^\s*RANGE\s+(.+)$", re.MULTILINE)


def declared_parameters(mechanism: str, directory: str | os.PathLike | None = None) -> set[str]:
    """RANGE names of ``mechanism`` as its mod file declares them (read from the text, without
    NEURON): what specs may set on it. Unknown mechanism: MechanismError listing the known ones."""
    sources = _ModSources.read(directory)
    for name in sources.contents:
        if mechanism in sources.declared_names(name):
            text = _LINE_COMMENT.sub("", _COMMENT_BLOCK.sub("", sources.text(name)))
            return {word.strip() for line in _RANGE.findall(text) for word in line.split(",") if word.strip()}
    raise MechanismError(f"no mod file declares {mechanism!r}; known: {', '.join(sorted(sources.expected()))}")


def expected_mechanisms(directory: str | os.PathLike | None = None) -> set[str]:
    """Mechanism names (density suffixes and point processes) the mod files declare."""
    return _ModSources.read(directory).expected()


def cache_root() -> Path:
    """``$DENDRITEEI_CACHE``, else ``$XDG_CACHE_HOME/dendriteei``, else ``~/.cache/dendriteei``."""
    if os.environ.get("DENDRITEEI_CACHE"):
        return Path(os.environ["DENDRITEEI_CACHE"]).expanduser()
    xdg = os.environ.get("XDG_CACHE_HOME")
    base = Path(xdg) if xdg and Path(xdg).is_absolute() else Path.home() / ".cache"
    return base / "dendriteei"


def _neuron():
    """The ``neuron`` module, or MechanismError saying how to install it."""
    try:
        import neuron
    except ImportError as error:
        raise MechanismError(
            f"NEURON is not importable from {sys.executable} ({error}): run `pip install '{NEURON_PIN}'`"
        ) from error
    return neuron


def _neuron_version() -> str:
    return _neuron().__version__


def _arch() -> str:
    return platform.machine() or "unknown"


def _build_dir(sources: _ModSources) -> Path:
    """``cache_root()/mechanisms/<hash16>-nrn<NEURON version>-<arch>``."""
    version = re.sub(r"[^A-Za-z0-9._-]", "_", _neuron_version())
    return cache_root() / "mechanisms" / f"{sources.digest()[:16]}-nrn{version}-{_arch()}"


def _find_library(directory: Path) -> Path | None:
    """The ``libnrnmech.so`` that nrnivmodl wrote under ``directory/<arch>/``, if any."""
    preferred = [directory / _arch() / ".libs" / LIBRARY_NAME, directory / _arch() / LIBRARY_NAME]
    found = preferred + sorted(directory.glob(f"*/.libs/{LIBRARY_NAME}")) + sorted(
        directory.glob(f"*/{LIBRARY_NAME}")
    )
    return next((path for path in found if path.is_file()), None)


def _file_record(library: Path) -> dict:
    """Size (bytes) and SHA-256 (hex) of a library, as the build record stores them."""
    digest = hashlib.sha256()
    with open(library, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return {"library_bytes": library.stat().st_size, "library_sha256": digest.hexdigest()}


def _library_problem(build_dir: Path, expected_hash: str) -> tuple[Path | None, str | None]:
    """(library, None) for a finished, intact build in ``build_dir``; (None, None) if there is
    no finished build; (None, why) if its library is not the one recorded.

    Intact: the stamp's mod hash matches and the library's size and SHA-256 are those recorded
    at build time (loading a truncated library kills the process with SIGBUS)."""
    try:
        stamp = json.loads((build_dir / STAMP_NAME).read_text())
    except (OSError, ValueError):
        return None, None
    if not isinstance(stamp, dict):
        return None, None
    library = build_dir / str(stamp.get("library", ""))
    if stamp.get("mod_hash") != expected_hash or not library.is_file():
        return None, None
    if "library_sha256" not in stamp:
        return None, f"{library} has no size and SHA-256 in its build record (built by an older dendriteei)"
    if _file_record(library) != {key: stamp.get(key) for key in ("library_bytes", "library_sha256")}:
        return None, f"{library} differs from its build record (size or SHA-256): truncated or overwritten"
    return library, None


def _completed_library(build_dir: Path, expected_hash: str) -> Path | None:
    """Library of a finished, intact build in ``build_dir``, else None."""
    return _library_problem(build_dir, expected_hash)[0]


def _find_nrnivmodl() -> Path | None:
    """nrnivmodl beside the running interpreter (same environment as ``neuron``), else on PATH."""
    beside_python = Path(sys.executable).parent / "nrnivmodl"
    if beside_python.is_file() and os.access(beside_python, os.X_OK):
        return beside_python
    on_path = shutil.which("nrnivmodl")
    return Path(on_path) if on_path else None


@contextlib.contextmanager
def _exclusive_lock(lock_file: Path) -> Iterator[None]:
    """Hold an exclusive fcntl lock on ``lock_file`` (blocks until other holders release it)."""
    with open(lock_file, "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


_ANSI_ESCAPE = re.compile(r"\x1b\[[0-9;]*m")


def _output_tail(output: str, lines: int = 25) -> str:
    """Last lines of nrnivmodl's output, without colour codes or its wrapper's Python traceback."""
    text = _ANSI_ESCAPE.sub("", output)
    text = text.split("Traceback (most recent call last):")[0]
    kept = [line for line in text.splitlines() if line.strip()]
    return "\n".join(kept[-lines:])


def _compile(sources: _ModSources, staging: Path, nrnivmodl: Path) -> Path:
    """Write the mod files into ``staging/mod`` and run nrnivmodl there; returns the library."""
    mod_copy = staging / "mod"
    mod_copy.mkdir()
    for name, content in sources.contents.items():
        (mod_copy / name).write_bytes(content)
    result = subprocess.run(
        [str(nrnivmodl), "mod"],
        cwd=staging,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        errors="replace",
    )
    (staging / "build.log").write_text(result.stdout)
    library = _find_library(staging)
    if result.returncode != 0 or library is None:
        raise MechanismError(
            f"nrnivmodl failed to compile the mod files of {sources.directory} "
            f"(exit code {result.returncode}):\n"
            f"{_output_tail(result.stdout)}\n"
            "If the error is about the compiler rather than a mod file, install a C++ compiler "
            "(Debian/Ubuntu: `sudo apt-get install g++`; macOS: `xcode-select --install`) "
            "and run `dendriteei build` again."
        )
    return library


def build(force: bool = False, directory: str | os.PathLike | None = None) -> Path:
    """Compile the mod files into the cache (once per content/NEURON/arch); returns libnrnmech.so.

    Safe to call from several processes at once: one compiles under a file lock while the
    others wait, and the build directory appears by an atomic rename only once complete.
    """
    return _build(_ModSources.read(directory), force)


def _build(sources: _ModSources, force: bool) -> Path:
    """``build()`` for mod files already read (hash, copies and stamp all come from them)."""
    digest = sources.digest()
    target = _build_dir(sources)
    if not force and (library := _completed_library(target, digest)):
        return library
    nrnivmodl = _find_nrnivmodl()
    if nrnivmodl is None:
        raise MechanismError(
            f"nrnivmodl not found (looked beside {sys.executable} and on PATH); it comes with "
            f"NEURON: run `{sys.executable} -m pip install '{NEURON_PIN}'`"
        )
    target.parent.mkdir(parents=True, exist_ok=True)
    with _exclusive_lock(target.parent / f"{target.name}.lock"):
        if not force and (library := _completed_library(target, digest)):
            return library  # another process finished it while we waited for the lock
        for leftover in target.parent.glob(f".{target.name}.*"):
            shutil.rmtree(leftover, ignore_errors=True)  # from builds that were killed
        staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.build-", dir=target.parent))
        try:
            library = _compile(sources, staging, nrnivmodl)
            stamp = {
                "mod_hash": digest,
                "neuron_version": _neuron_version(),
                "arch": _arch(),
                "built_at": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
                "mod_files": list(sources.contents),
                "mod_source": str(sources.directory),
                "library": str(library.relative_to(staging)),
                **_file_record(library),
            }
            (staging / STAMP_NAME).write_text(json.dumps(stamp, indent=2) + "\n")
            if target.exists():  # force: move the old build aside so target is never half-deleted
                trash = Path(tempfile.mkdtemp(prefix=f".{target.name}.old-", dir=target.parent))
                target.rename(trash / "old")
            staging.rename(target)
        finally:
            shutil.rmtree(staging, ignore_errors=True)
            for old in target.parent.glob(f".{target.name}.old-*"):
                shutil.rmtree(old, ignore_errors=True)
    return target / stamp["library"]


def _autobuild_enabled() -> bool:
    return os.environ.get("DENDRITEEI_AUTOBUILD", "1").strip().lower() not in {"0", "false", "no", "off"}


def _mechanism_types():
    """NEURON's lists of density mechanisms and of point processes."""
    h = _neuron().h
    return h.MechanismType(0), h.MechanismType(1)


def loaded_mechanisms() -> set[str]:
    """Names of all mechanisms NEURON knows in this process (density and point processes)."""
    names = set()
    for mechanism_type in _mechanism_types():
        name = _neuron().h.ref("")
        for index in range(int(mechanism_type.count())):
            mechanism_type.select(index)
            mechanism_type.selected(name)
            names.add(name[0])
    return names


def _loaded_code(name: str) -> str:
    """NMODL text NEURON registered for loaded mechanism ``name`` ('' if the library lacks it)."""
    for mechanism_type in _mechanism_types():
        mechanism_type.select(name)  # an unknown name leaves the previous selection
        selected = _neuron().h.ref("")
        mechanism_type.selected(selected)
        if selected[0] == name:
            return mechanism_type.code()
    return ""


def _cwd_library() -> Path | None:
    """The ``<arch>/libnrnmech.so`` in the working directory that NEURON auto-loads, if any."""
    return _find_library(Path.cwd())


def _display(path: Path) -> str:
    """``path`` as ``./relative`` when it lies below the working directory, else absolute."""
    try:
        return f"./{path.resolve().relative_to(Path.cwd().resolve())}"
    except ValueError:
        return str(path)


def _preloaded_problem(sources: _ModSources) -> str | None:
    """Why the mechanisms NEURON already holds do not match ``sources`` (None if they do).

    Compares the NMODL text each mechanism registered at compile time with the current file;
    libraries built without that text are compared by modification time instead.
    """
    missing = sources.expected() - loaded_mechanisms()
    if missing:
        return f"lack {', '.join(sorted(missing))} (declared in {_display(sources.directory)})"
    cwd_library = _cwd_library()
    for file_name in sources.contents:
        mod_file = sources.directory / file_name
        for name in sorted(sources.declared_names(file_name)):
            code = _loaded_code(name)
            if code:
                changed = code.splitlines() != sources.text(file_name).splitlines()
            else:
                changed = cwd_library is not None and mod_file.stat().st_mtime > cwd_library.stat().st_mtime
            if changed:
                return f"are older than {_display(mod_file)} (mechanism {name} differs)"
    return None


def _check_preloaded(sources: _ModSources) -> None:
    """Raise MechanismError if NEURON's already loaded mechanisms are stale or incomplete."""
    problem = _preloaded_problem(sources)
    if problem is None:
        return
    source = sources.directory
    cwd_library = _cwd_library()
    if cwd_library is not None:
        library_dir = cwd_library.parent
        arch_dir = _display(library_dir.parent if library_dir.name == ".libs" else library_dir)
        raise MechanismError(
            f"compiled mechanisms in {arch_dir} {problem}: run `nrnivmodl {_display(source)}` again "
            f"(or delete {arch_dir} to let dendriteei build its own cache)"
        )
    if _loaded_by_hash:
        raise MechanismError(
            f"the mechanisms loaded earlier in this process {problem}; NEURON cannot unload them: "
            "restart Python to load the current mod files"
        )
    raise MechanismError(
        f"the mechanisms NEURON already loaded {problem}: recompile them with "
        f"`nrnivmodl {_display(source)}`, or stop loading them before dendriteei does"
    )


def _load_library(library: Path) -> None:
    """``h.nrn_load_dll(library)``, raising MechanismError if NEURON refuses it."""
    if not _neuron().h.nrn_load_dll(str(library)):
        raise MechanismError(
            f"NEURON could not load {library}: rebuild it with `dendriteei build --force`"
        )


def load(directory: str | os.PathLike | None = None) -> Path | None:
    """Make the mechanisms available in this process (idempotent); returns the library used.

    Reuses mechanisms NEURON already holds (e.g. auto-loaded from ``./<arch>/``) after
    checking they match the mod files; otherwise loads the cached build, compiling it first
    unless ``DENDRITEEI_AUTOBUILD=0``. Returns None if the already loaded library is unknown.
    """
    sources = _ModSources.read(directory)
    digest = sources.digest()
    if digest in _loaded_by_hash:
        return _loaded_by_hash[digest]["library"]
    expected = sources.expected()
    if expected & loaded_mechanisms():
        _check_preloaded(sources)
        library = _cwd_library()
        _loaded_by_hash[digest] = {"library": library, "how": "cwd" if library else "external"}
        return library
    if _autobuild_enabled():
        library = _build(sources, force=False)
    else:
        library, problem = _library_problem(_build_dir(sources), digest)
        if library is None and problem is None:
            raise MechanismError(
                "compiled mechanisms not found: run `dendriteei build` "
                "(or `nrnivmodl mod` in the repository)"
            )
        if problem is not None:
            raise MechanismError(f"{problem}; not loading it: rebuild with `dendriteei build --force` "
                                 "(or unset DENDRITEEI_AUTOBUILD=0 to rebuild automatically)")
    _load_library(library)
    missing = expected - loaded_mechanisms()
    if missing:
        raise MechanismError(
            f"{library} did not provide {', '.join(sorted(missing))}: rebuild it with "
            "`dendriteei build --force`"
        )
    _loaded_by_hash[digest] = {"library": library, "how": "cache"}
    return library


def describe(directory: str | os.PathLike | None = None) -> dict:
    """JSON-able provenance of the mechanisms: mod hash, NEURON version, arch, library, origin.

    ``library`` and ``loaded_from`` ("cache", "cwd" or "external") are None until ``load()``.
    """
    sources = _ModSources.read(directory)
    digest = sources.digest()
    record = _loaded_by_hash.get(digest, {})
    library = record.get("library")
    return {
        "mod_hash": digest,
        "mod_dir": str(sources.directory),
        "mod_files": list(sources.contents),
        "neuron_version": _neuron_version(),
        "arch": _arch(),
        "library": str(library) if library else None,
        "loaded_from": record.get("how"),
    }
