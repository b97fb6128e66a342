"""Parameter sweeps over any protocol: ``sweep(protocol, grid=..., runs=...)`` → tidy table.

Runs are validated and expanded before anything is simulated (:mod:`.grid`), executed in
this process, in worker processes or on MPI ranks (:mod:`.backends`), each written to disk
the moment it finishes and merged with its provenance (:mod:`.store`). A run's seed and id
hash its full parameter set, so a table does not depend on order, backend or workers, and
a resumed sweep computes only what is missing.
"""
from __future__ import annotations

import importlib.util
import json
import os
import time
import warnings
from typing import Any, Mapping, Sequence

import pandas as pd

from .. import __version__, parameters
from ..conditions import available_cpus, check_jobs
from ..workers import check_not_bootstrapping
from ..parameters import ParameterError
from ..protocols import PROTOCOLS
from . import backends, grid as _grid
from .backends import MPI_LAUNCH, SweepError
from .progress import Progress
from .store import FORMAT, RunStore, provenance, read, table
from .worker import resolve


def _jobs(jobs: int | None) -> int:
    return check_jobs(jobs) or available_cpus()


def _check_options(backend: str, timeout_s: float | None, out) -> None:
    if backend not in backends.BACKENDS:
        raise ParameterError(f"backend = {backend!r}: expected one of {', '.join(backends.BACKENDS)}")
    if timeout_s is not None:
        if isinstance(timeout_s, bool) or not isinstance(timeout_s, (int, float)) or not timeout_s > 0:
            raise ParameterError(f"timeout_s = {timeout_s!r}: expected a number of seconds > 0")
        if backend == "serial":
            raise ParameterError("timeout_s needs backend='process' or 'mpi': a run in this process "
                                 "cannot be interrupted")
    if out is not None and str(out).endswith(".parquet") and importlib.util.find_spec("pyarrow") is None:
        raise ParameterError("out = *.parquet needs pyarrow: pip install 'dendriteei[parquet]'")
    if backend == "mpi":
        backends.require_mpi()


def sweep(protocol, grid: Mapping[str, Any] | None = None, runs: Sequence[Mapping[str, Any]] | None = None, *,
          fixed: Mapping[str, Any] | None = None, seed: int = 0, jobs: int | None = None,
          backend: str = "process", out: str | os.PathLike | None = None, resume: bool = True,
          retry_errors: bool = False, timeout_s: float | None = None,
          check_finite: Sequence[str] | None = None, select: Mapping[str, Any] | None = None,
          progress: bool | None = None, max_runs: int = _grid.MAX_RUNS) -> pd.DataFrame:
    """Run ``protocol`` (registered name or Protocol) over a grid and/or explicit runs.

    grid: {name: values}, the product of the axes; values are a list, ``"start:stop:step"``
        (stop included when on the grid), ``"a,b,c"``, or ``"a,b;c"`` for tuple parameters.
    runs: list of {name: value} dicts, each combined with every grid point.
    fixed: {name: value} applied to every run (the CLI's ``--set``).
    seed: sweep seed; each run's seed hashes it with the run's full parameter set and goes
        into the protocol's ``seed`` parameter unless the sweep sets that itself.
    jobs: worker processes (``process``; default: the CPUs available). backend: ``serial``
        (this process), ``process`` or ``mpi`` (ranks of ``mpiexec ... -m mpi4py.futures``).
    out: ``.csv`` or ``.parquet`` path; runs are saved beside it as they finish (``.runs/``)
        and the table and a ``.json`` side-car with provenance are written at the end.
    resume: reuse runs already saved under ``out`` (errored ones too unless ``retry_errors``);
        False deletes them first. timeout_s: a longer run is killed and recorded as an error.
    check_finite: columns that must be finite in every summary row; default: an error if a
        numeric output is infinite or NaN in every row. select: keep summary rows where
        ``column == value`` (or in a list), e.g. one site, for one row per run.
    progress: tqdm bar on stderr (default: only on a terminal).
    max_runs: a sweep of more runs fails before anything is made (default 100 000).

    Returns one row per run and summary row (see :func:`store.table`); ``attrs["sweep"]``
    holds the counts. Everything is validated before any simulation.
    """
    check_not_bootstrapping()
    proto = resolve(protocol)
    _check_options(backend, timeout_s, out)
    jobs = _jobs(jobs)
    check_finite = [check_finite] if isinstance(check_finite, str) else check_finite
    plan = _grid.plan(proto, grid, runs, fixed, seed, max_runs)
    store = RunStore(out) if out is not None else None
    defaults = proto.params_type()
    call = {"grid": {n: _grid.axis_values(n, v, getattr(defaults, n), max_runs) for n, v in (grid or {}).items()},
            "runs": list(runs) if runs is not None else None, "fixed": dict(fixed or {}), "seed": seed,
            "backend": backend, "jobs": jobs, "timeout_s": timeout_s, "check_finite": check_finite,
            "select": dict(select) if select else None, "resume": resume, "retry_errors": retry_errors}
    info = provenance()
    records: dict[str, dict] = {}
    if store is not None:
        store.open(clear=not resume)
        try:
            records = _saved_runs(store, plan, info["mod_hash"], retry_errors)
        except BaseException:
            store.close()
            raise
    reused = len(records)
    by_id = {run.run_id: run for run in plan}
    sent = proto.name if PROTOCOLS.get(proto.name) is proto else proto
    tasks = [{"run_id": run.run_id, "protocol": sent, "params": run.params, "seed": run.seed,
              "check_finite": check_finite} for run in plan if run.run_id not in records]
    bar = Progress(len(plan), reused, sum(r["status"] != "ok" for r in records.values()), progress)
    started = time.perf_counter()
    results = backends.BACKENDS[backend](tasks, jobs, timeout_s)
    complete = False
    try:
        for record in results:
            run = by_id[record["run_id"]]
            record.update(protocol=proto.name, params=run.params, seed=run.seed, mod_hash=info["mod_hash"],
                          dendriteei=__version__)
            records[run.run_id] = store.save(record) if store else json.loads(json.dumps(record, default=str))
            bar.update(record)
        complete = True
    finally:
        results.close()
        bar.close()
        counts = _counts(plan, records, reused, time.perf_counter() - started)
        if store is not None:
            try:
                frame = table(plan, records, select)
                store.write(frame, {"format": FORMAT, "protocol": proto.name, "complete": complete,
                                    "counts": counts, "table": store.out.name, "runs_dir": store.runs_dir.name,
                                    "sweep": call, "parameters": parameters.describe(proto.params_type),
                                    "provenance": info})
            except Exception as error:
                if complete:
                    raise
                warnings.warn(f"the sweep stopped and its partial table could not be written ({error}); "
                              f"the finished runs are safe in {store.runs_dir}")
            finally:
                store.close()
    if store is None:
        frame = table(plan, records, select)
    frame.attrs["sweep"] = counts
    return frame


def _saved_runs(store: RunStore, plan, mod_hash: str, retry_errors: bool) -> dict[str, dict]:
    """Records of planned runs already saved in ``store`` (failed ones dropped if retry_errors);
    refuses runs computed from other mod files."""
    planned = {run.run_id for run in plan}
    records = {i: r for i, r in store.finished().items() if i in planned}
    stale = [i for i, r in records.items() if r.get("mod_hash") != mod_hash]
    if stale:
        raise SweepError(f"{len(stale)} saved runs in {store.runs_dir} were computed from other mod files; "
                         "rerun with resume=False (--no-resume) or choose another out")
    if retry_errors:
        records = {i: r for i, r in records.items() if r["status"] == "ok"}
    return records


def _counts(plan, records: Mapping[str, dict], reused: int, wall_s: float) -> dict:
    """planned / reused / computed / ok / error / missing runs and the wall time (s)."""
    ok = sum(records[r.run_id]["status"] == "ok" for r in plan if r.run_id in records)
    done = sum(r.run_id in records for r in plan)
    return {"planned": len(plan), "reused": reused, "computed": done - reused, "ok": ok,
            "error": done - ok, "missing": len(plan) - done, "wall_s": round(wall_s, 3)}


__all__ = ["MPI_LAUNCH", "SweepError", "read", "sweep"]
