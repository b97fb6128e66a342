"""Sweep output: one JSON file per finished run, the merged tidy table and its provenance.

For ``out = results.csv`` (or ``results.parquet``):

- ``results.runs/<run_id>.json``: each run's record, written atomically the moment it
  finishes (temporary file, fsync, rename), so a killed sweep loses only the runs in flight;
- ``results.csv``: the tidy table merged from those files (rewritten at the end, also when
  the sweep stops early); with ``.parquet`` the provenance is also in the file's metadata;
- ``results.json``: the side-car (sweep call, parameter declarations, provenance, counts).
"""
from __future__ import annotations

import datetime as _dt
import fcntl
import json
import os
import platform
import sys
import warnings
from importlib import metadata
from pathlib import Path
from typing import Any, Mapping

import pandas as pd

from .. import __version__
from ..engine import mechanisms
from ..io import git_commit
from ..parameters import ParameterError
from .grid import Run

#: Columns every row starts with; the run's parameters follow, then the protocol's outputs.
RESERVED = ("run_id", "status", "error", "run_time_s", "seed")
#: Prefix of an output column whose name is already a parameter or reserved column.
OUTPUT_PREFIX = "out_"
FORMAT = "dendriteei-sweep/1"


def _version(package: str) -> str | None:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return None


def provenance() -> dict:
    """Versions, mod-file hash, git commit, date and host (without importing NEURON)."""
    return {"dendriteei": __version__, "neuron": _version("neuron"), "numpy": _version("numpy"),
            "pandas": _version("pandas"), "python": platform.python_version(),
            "mod_hash": mechanisms.mod_hash(),
            "mod_files": sorted(path.name for path in mechanisms.mod_dir().glob("*.mod")),
            "git_commit": git_commit(),
            "date": _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds"),
            "host": platform.node(), "platform": platform.platform(), "argv": sys.argv}


def _atomic_write(path: Path, write) -> None:
    tmp = path.with_name(f".{path.name}.tmp")
    write(tmp)
    with open(tmp, "rb+") as handle:
        os.fsync(handle.fileno())
    tmp.replace(path)


class RunStore:
    """The files of one sweep output (see module doc); ``open`` takes a lock so two sweeps
    never write the same output at once."""

    def __init__(self, out: str | os.PathLike):
        out = Path(out)
        if out.suffix not in (".csv", ".parquet"):
            raise ParameterError(f"out = {str(out)!r}: name the table file, ending in .csv or .parquet")
        self.out = out
        self.runs_dir = out.with_suffix(".runs")
        self.sidecar = out.with_suffix(".json")
        self._lock = None

    def open(self, clear: bool) -> None:
        """Create the run directory and lock it; ``clear`` deletes earlier run files."""
        self.runs_dir.mkdir(parents=True, exist_ok=True)
        self._lock = open(self.runs_dir / ".lock", "a")
        try:
            fcntl.flock(self._lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            self._lock.close()
            self._lock = None
            raise ParameterError(f"another sweep is writing {self.out}; wait for it or choose another out") from None
        if clear:
            for path in self.runs_dir.glob("*.json"):
                path.unlink()

    def close(self) -> None:
        if self._lock is not None:
            self._lock.close()
            self._lock = None

    def finished(self) -> dict[str, dict]:
        """Records of the runs already in the run directory, by run id (an unreadable file is
        reported and its run computed again)."""
        records = {}
        for path in sorted(self.runs_dir.glob("*.json")):
            try:
                records[path.stem] = json.loads(path.read_text())
            except (OSError, ValueError) as error:
                warnings.warn(f"ignoring unreadable run file {path} ({error}); the run is computed again")
        return records

    def save(self, record: Mapping[str, Any]) -> dict:
        """Write one run's record atomically; returns it as read back (JSON types)."""
        text = json.dumps(record, default=str)
        _atomic_write(self.runs_dir / f"{record['run_id']}.json", lambda p: p.write_text(text))
        return json.loads(text)

    def write(self, frame: pd.DataFrame, sidecar: Mapping[str, Any]) -> None:
        """Write the table (CSV, or Parquet with the side-car in its metadata) and the side-car."""
        text = json.dumps(sidecar, indent=1, default=str)
        if self.out.suffix == ".parquet":
            import pyarrow as pa
            import pyarrow.parquet as pq
            table = pa.Table.from_pandas(frame, preserve_index=False)
            table = table.replace_schema_metadata({**(table.schema.metadata or {}), b"dendriteei": text.encode()})
            _atomic_write(self.out, lambda p: pq.write_table(table, p))
        else:
            _atomic_write(self.out, lambda p: frame.to_csv(p, index=False))
        _atomic_write(self.sidecar, lambda p: p.write_text(text))


def table_value(value: Any) -> Any:
    """A parameter as a table cell: tuples as the CLI's comma-separated text."""
    return ",".join(map(str, value)) if isinstance(value, (tuple, list)) else value


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _selected_rows(outputs: Mapping[str, list], n: int, select: Mapping[str, Any] | None, run_id: str) -> list[int]:
    """Indices of the summary rows whose columns equal the selected values (all rows without select)."""
    rows = list(range(n))
    for column, wanted in (select or {}).items():
        if column not in outputs:
            raise ParameterError(f"select {column!r}: not an output column ({', '.join(outputs)})")
        values = list(wanted) if isinstance(wanted, (list, tuple, set)) else [wanted]
        if outputs[column] and all(_is_number(v) for v in outputs[column]):
            try:
                values = [float(v) for v in values]
            except ValueError:
                raise ParameterError(f"select {column}={wanted!r}: {column} holds numbers") from None
        rows = [i for i in rows if outputs[column][i] in values]
    if not rows:
        raise ParameterError(f"select {dict(select)} matches no summary row of run {run_id}")
    return rows


def table(runs: list[Run], records: Mapping[str, dict], select: Mapping[str, Any] | None = None) -> pd.DataFrame:
    """The tidy table: one row per run and summary row (one row for an errored run), in plan order.

    Columns: run_id, status, error, run_time_s, seed, every parameter, the protocol's outputs
    (renamed ``out_<name>`` where a name is taken; missing where a run lacks them). ``select``
    keeps summary rows whose column equals a value (or one of a list), e.g. ``{"site": "trunk@400"}``.
    """
    columns: dict[str, list] = {name: [] for name in RESERVED}
    for name in runs[0].params if runs else ():
        columns.setdefault(name, [])
    length = 0
    for run in runs:
        record = records.get(run.run_id)
        if record is None:
            continue
        base = {"run_id": run.run_id, "status": record["status"], "error": record["error"],
                "run_time_s": record["run_time_s"], "seed": run.seed,
                **{name: table_value(value) for name, value in run.params.items()}}
        outputs: dict[str, list] = {}
        rows = [0]
        if record["status"] == "ok":
            outputs = {(OUTPUT_PREFIX + c if c in base else c): v for c, v in record["summary"].items()}
            rows = _selected_rows(outputs, len(next(iter(outputs.values()), [])), select, run.run_id)
        cells = {**{name: [value] * len(rows) for name, value in base.items()},
                 **{name: [values[i] for i in rows] for name, values in outputs.items()}}
        for name in cells:
            if name not in columns:
                columns[name] = [None] * length
        for name, values in columns.items():
            values.extend(cells.get(name, [None] * len(rows)))
        length += len(rows)
    return pd.DataFrame(columns)


def read(path: str | os.PathLike) -> pd.DataFrame:
    """A sweep table written by :func:`dendriteei.sweep`, its side-car in ``attrs["sweep"]``."""
    path = Path(path)
    if path.suffix == ".parquet":
        frame = pd.read_parquet(path)
    else:
        columns = pd.read_csv(path, nrows=0).columns
        exact = {} if int(pd.__version__.split(".")[0]) >= 3 else {"float_precision": "round_trip"}
        frame = pd.read_csv(path, keep_default_na=False, na_values={c: [""] for c in columns if c != "error"},
                            dtype={"error": str}, **exact)
    sidecar = path.with_suffix(".json")
    if sidecar.exists():
        frame.attrs["sweep"] = json.loads(sidecar.read_text())
    return frame
