"""What a worker does with one run: simulate, check the outputs, return a JSON-able record.

The same :func:`execute` serves every backend (in-process, worker processes, MPI ranks),
so a run's record does not depend on where it ran. Records carry status ``ok`` or
``error`` with the message; a run never raises into the sweep.
"""
from __future__ import annotations

import math
import os
import platform
import time
import traceback
from typing import Any, Sequence

import pandas as pd

from ..engine import mechanisms
from ..protocols import get


def resolve(protocol):
    """A Protocol from its registered name (workers look it up themselves) or as given."""
    return get(protocol) if isinstance(protocol, str) else protocol


def nonfinite(summary: pd.DataFrame, check_finite: Sequence[str] | None) -> str:
    """Why the summary is unusable ('' if it is fine).

    Default rule (``check_finite=None``): an error if any numeric output is ±inf, or if a
    numeric column is NaN in every row (the protocol produced no value at all; columns NaN in
    only some rows, e.g. Ca at sites without a Ca pool, are legitimate). With a list of
    columns: those columns must be finite in every row, nothing else is checked.
    """
    if summary.empty:
        return "the protocol returned an empty summary"
    if check_finite is not None:
        missing = [c for c in check_finite if c not in summary.columns]
        if missing:
            return (f"check_finite names columns not in the summary: {', '.join(missing)} "
                    f"(columns: {', '.join(map(str, summary.columns))})")
        bad = [c for c in check_finite
               if not all(isinstance(v, (int, float)) and math.isfinite(v) for v in summary[c].tolist())]
        return f"non-finite values in {', '.join(bad)}" if bad else ""
    numeric = summary.select_dtypes("number").select_dtypes(exclude="bool")
    infinite = [c for c in numeric.columns if numeric[c].abs().eq(math.inf).any()]
    all_nan = [c for c in numeric.columns if numeric[c].isna().all()]
    problems = []
    if infinite:
        problems.append(f"infinite values in {', '.join(infinite)}")
    if all_nan:
        problems.append(f"NaN in every row of {', '.join(all_nan)}")
    if problems:
        return "; ".join(problems) + (" (choose the columns that must be finite with check_finite=[...] "
                                      "or --check-finite)")
    return ""


def execute(task: dict[str, Any]) -> dict[str, Any]:
    """Run one task {run_id, protocol, params, seed, check_finite}; return its record.

    The record holds run_id, status, error (one line), traceback, run_time_s (build and
    simulation, s), host, pid and, when the protocol returned, the summary as column lists.
    """
    record = {"run_id": task["run_id"], "status": "ok", "error": "", "traceback": "",
              "host": platform.node(), "pid": os.getpid()}
    start = time.perf_counter()
    try:
        protocol = resolve(task["protocol"])
        params = protocol.params_type(**task["params"])
        mechanisms.load()  # loads once per process; later calls only check the mod hash
        summary = protocol.run(params).summary
        record["summary"] = {str(c): summary[c].tolist() for c in summary.columns}
        problem = nonfinite(summary, task["check_finite"])
        if problem:
            record.update(status="error", error=f"NonFinite: {problem}")
    except Exception as error:  # any failure of one run is that run's result
        message = " ".join(str(error).split()) or repr(error)
        record.update(status="error", error=f"{type(error).__name__}: {message}",
                      traceback=traceback.format_exc())
    record["run_time_s"] = time.perf_counter() - start
    return record
