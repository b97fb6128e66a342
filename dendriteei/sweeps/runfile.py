"""Run files of ``dendriteei sweep --run-file``: a JSON list of {name: value} objects, or a CSV
with one run per row (header = parameter names; an empty cell leaves that parameter to the grid
or its default). Every defect (missing, empty, binary or non-UTF-8 file, invalid JSON, a name
twice, a ragged CSV row) raises ParameterError naming the file (and line)."""
from __future__ import annotations

import csv
import json
from pathlib import Path

from ..parameters import ParameterError, shorten


def read_runs(path) -> list[dict]:
    """The runs of a ``.json`` or ``.csv`` file (values as in the file: JSON types or CSV text)."""
    file = Path(path)
    where = f"--run-file {shorten(str(path))}"
    if not file.is_file():
        raise ParameterError(f"{where}: no such file")
    if file.suffix not in (".json", ".csv"):
        raise ParameterError(f"{where}: expected a .json or .csv file")
    data = file.read_bytes()
    if b"\0" in data:
        raise ParameterError(f"{where}: a binary file, not UTF-8 text")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ParameterError(f"{where}: not UTF-8 text (byte {error.start}); save it as UTF-8") from None
    if not text.strip():
        raise ParameterError(f"{where}: the file is empty")
    return _json_runs(text, where) if file.suffix == ".json" else _csv_runs(text, where)


def _unique(pairs: list) -> dict:
    """object_pairs_hook: a JSON object with a key twice fails."""
    seen = {}
    for key, value in pairs:
        if key in seen:
            raise ParameterError(f"{key} is given twice in one object ({shorten(repr(seen[key]))}, then "
                                 f"{shorten(repr(value))}): give it once")
        seen[key] = value
    return seen


def _json_runs(text: str, where: str) -> list[dict]:
    try:
        runs = json.loads(text, object_pairs_hook=_unique)
    except ParameterError as error:
        raise ParameterError(f"{where}: {error}") from None
    except ValueError as error:
        raise ParameterError(f"{where}: not valid JSON ({error})") from None
    if not isinstance(runs, list):
        raise ParameterError(f"{where}: expected a JSON list of objects")
    return runs


def _csv_runs(text: str, where: str) -> list[dict]:
    reader = csv.reader(text.splitlines())
    header = [name.strip() for name in next(reader)]
    twice = sorted({name for name in header if header.count(name) > 1})
    if twice or "" in header:
        problem = f"{', '.join(twice)} given twice" if twice else "an empty column name"
        raise ParameterError(f"{where}, line 1: header has {problem}")
    runs = []
    for row in reader:
        if not row:
            continue  # a blank line
        if len(row) != len(header):
            raise ParameterError(f"{where}, line {reader.line_num}: {len(row)} values for {len(header)} columns "
                                 f"({', '.join(header)})")
        runs.append({name: value for name, value in zip(header, row) if value != ""})
    if not runs:
        raise ParameterError(f"{where}: a header but no runs")
    return runs
