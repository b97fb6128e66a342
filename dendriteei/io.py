"""Writing protocol results: CSV tables, a PNG figure and a JSON of parameters and versions."""
from __future__ import annotations

import dataclasses
import datetime as _dt
import json
import platform
import subprocess
from pathlib import Path

from . import __version__


def git_commit() -> str | None:
    """The checkout's commit, if the package runs from a git work tree."""
    try:
        out = subprocess.run(["git", "rev-parse", "HEAD"], cwd=Path(__file__).parent,
                             capture_output=True, text=True, timeout=5)
    except (OSError, subprocess.SubprocessError):
        return None
    return out.stdout.strip() or None


def provenance() -> dict:
    """Versions and machine facts to store beside every result."""
    import numpy
    import pandas

    from .engine import mechanisms
    described = mechanisms.describe()
    return {"dendriteei": __version__, "neuron": described["neuron_version"], "numpy": numpy.__version__,
            "pandas": pandas.__version__, "python": platform.python_version(),
            "mechanisms": described, "git_commit": git_commit(),
            "date": _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds"),
            "host": platform.node()}


#: Tables longer than this (rows; e.g. a network's spikes) are written as Parquet when pyarrow is
#: installed (``pip install 'dendriteei[parquet]'``), else as gzipped CSV.
LARGE_TABLE_ROWS = 100_000


def large_table_suffix() -> str:
    try:
        import pyarrow  # noqa: F401
    except ImportError:
        return ".csv.gz"
    return ".parquet"


def write_large_table(frame, path: Path) -> None:
    """Parquet when pyarrow is installed (by the suffix of the final name), else gzipped CSV."""
    if large_table_suffix() == ".parquet":
        frame.to_parquet(path, index=False)
    else:
        frame.to_csv(path, index=False, compression="gzip")


def write_result(name: str, result, params, spec, out_dir, figure=None) -> dict[str, Path]:
    """Write <name>.csv (summary), <name>_traces.csv.gz, <name>_<table>.csv per further table
    (Parquet or .csv.gz beyond LARGE_TABLE_ROWS rows), <name>.png and <name>.json (parameters,
    the cell or network spec, provenance) into out_dir. Each file is written to a temporary name and
    renamed, so a crash leaves no partial file."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    paths = {"summary": out / f"{name}.csv", "traces": out / f"{name}_traces.csv.gz",
             "metadata": out / f"{name}.json"}

    def atomic(path: Path, write):
        tmp = path.with_name(path.name + ".tmp")
        try:
            write(tmp)
            tmp.replace(path)
        except BaseException:
            tmp.unlink(missing_ok=True)  # e.g. a full disk: no partial file left behind
            raise

    atomic(paths["summary"], lambda p: result.summary.to_csv(p, index=False))
    if not result.traces.empty:
        atomic(paths["traces"], lambda p: result.traces.to_csv(p, index=False, compression="gzip"))
    else:
        paths.pop("traces")
    for table, frame in result.tables.items():
        if len(frame) > LARGE_TABLE_ROWS:
            paths[table] = out / f"{name}_{table}{large_table_suffix()}"
            atomic(paths[table], lambda p, frame=frame: write_large_table(frame, p))
        else:
            paths[table] = out / f"{name}_{table}.csv"
            atomic(paths[table], lambda p, frame=frame: frame.to_csv(p, index=False))
    kind = "network" if type(spec).__name__ == "NetworkSpec" else "cell"
    metadata = {"protocol": name, "parameters": dataclasses.asdict(params),
                kind: spec.to_dict(), "provenance": provenance()}
    atomic(paths["metadata"], lambda p: p.write_text(json.dumps(metadata, indent=1, default=str)))
    if figure is not None:
        paths["figure"] = out / f"{name}.png"
        atomic(paths["figure"], lambda p: figure.savefig(p, dpi=120, format="png"))
    return paths


def write_network(result, out_dir, figure=None) -> dict[str, Path]:
    """Write a network run (:class:`dendriteei.engine.network.NetworkResult`) into out_dir: spikes,
    weights, final_weights, currents (Parquet when pyarrow is installed, else gzipped CSV), rates
    (CSV, bins of the recording interval), network.json (the spec, counts, timing, provenance) and
    network.png if a figure is given. Atomic per file, like :func:`write_result`."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    suffix = large_table_suffix()
    paths = {}

    def atomic(path: Path, write):
        tmp = path.with_name(path.name + ".tmp" + path.suffix)
        try:
            write(tmp)
            tmp.replace(path)
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise

    for table in ("spikes", "weights", "final_weights", "currents"):
        paths[table] = out / f"{table}{suffix}"
        atomic(paths[table], lambda p, frame=getattr(result, table): write_large_table(frame, p))
    paths["rates"] = out / "rates.csv"
    rates = result.rates_hz(result.spec.recording.every_ms)
    atomic(paths["rates"], lambda p: rates.to_csv(p, index=False))
    metadata = {"network": result.spec.to_dict(), "tstop_ms": result.tstop_ms, "timing": result.timing,
                "connections": result.connections, "synaptic_events": result.synaptic_events,
                "provenance": provenance()}
    paths["metadata"] = out / "network.json"
    atomic(paths["metadata"], lambda p: p.write_text(json.dumps(metadata, indent=1, default=str)))
    if figure is not None:
        paths["figure"] = out / "network.png"
        atomic(paths["figure"], lambda p: figure.savefig(p, dpi=120, format="png"))
    return paths


def read_table(directory, name: str):
    """A table written by :func:`write_network` or :func:`write_result`: <name>.parquet,
    <name>.csv.gz or <name>.csv in directory."""
    import pandas as pd
    directory = Path(directory)
    for suffix, reader in ((".parquet", pd.read_parquet), (".csv.gz", pd.read_csv), (".csv", pd.read_csv)):
        path = directory / f"{name}{suffix}"
        if path.exists():
            return reader(path)
    raise FileNotFoundError(f"no table {name!r} (.parquet, .csv.gz or .csv) in {directory}")
