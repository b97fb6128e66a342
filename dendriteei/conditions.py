"""Independent conditions of one protocol run (timings, conductances, onsets, sites, seeds), run
in worker processes: :func:`map_conditions`.

Each condition is a module-level function applied to plain arguments (specs, parameters,
calibrations), so it computes the same numbers in any process: a run gives the same table to
the last digit with any number of jobs. The workers (:class:`dendriteei.workers.WorkerPool`) are
started on first use and kept for the rest of the process, so later runs pay no start-up.

How many jobs: the ``jobs`` argument; else the innermost :func:`using_jobs` block (the CLI's
``--jobs``); else the CPUs available. Inside a worker process (a sweep's, or this module's own)
it is always 1: pools do not nest.
"""
from __future__ import annotations

import atexit
import contextlib
import contextvars
import os
from typing import Any, Callable, Iterator, Sequence

from . import workers
from .parameters import ParameterError

_JOBS: contextvars.ContextVar[int | None] = contextvars.ContextVar("dendriteei_jobs", default=None)
_POOL: workers.WorkerPool | None = None


def available_cpus() -> int:
    """CPUs this process may run on."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def check_jobs(jobs, name: str = "jobs") -> int | None:
    """``jobs`` if it is None or an integer ≥ 1, else ParameterError naming ``name``."""
    if jobs is None:
        return None
    if isinstance(jobs, bool) or not isinstance(jobs, int) or jobs < 1:
        raise ParameterError(f"{name} = {jobs!r}: expected an integer ≥ 1 (worker processes)")
    return jobs


def default_jobs() -> int:
    """Jobs when none are given: 1 in a worker process, else the :func:`using_jobs` setting,
    else the CPUs available."""
    if workers.IN_WORKER:
        return 1
    return _JOBS.get() or available_cpus()


@contextlib.contextmanager
def using_jobs(jobs: int | None) -> Iterator[None]:
    """Within the block, runs that are not given ``jobs`` use this many (None: leave the setting)."""
    token = _JOBS.set(check_jobs(jobs) or _JOBS.get())
    try:
        yield
    finally:
        _JOBS.reset(token)


def _pool(jobs: int) -> workers.WorkerPool:
    """The process's shared pool, resized to ``jobs`` workers."""
    global _POOL
    if _POOL is not None and _POOL.jobs != jobs:
        _POOL.close()
        _POOL = None
    if _POOL is None:
        _POOL = workers.WorkerPool(jobs, keep_alive=True, import_main=False)
    return _POOL


@atexit.register
def shutdown() -> None:
    """Stop the shared workers (also at interpreter exit)."""
    global _POOL
    if _POOL is not None:
        _POOL.close()
        _POOL = None


def map_conditions(function: Callable[..., Any], arguments: Sequence[tuple], jobs: int | None = None) -> list:
    """``[function(*args) for args in arguments]``, spread over ``jobs`` worker processes (default:
    :func:`default_jobs`); results in the order of ``arguments``. ``function`` must be importable
    by name (a module-level function). The first condition that raises stops the map and its
    exception is raised here, with the worker's traceback as a note. The workers do not import
    the calling script, so it needs no ``if __name__ == "__main__":`` guard."""
    jobs = check_jobs(jobs) or default_jobs()
    arguments = [tuple(args) for args in arguments]
    if workers.IN_WORKER or jobs == 1 or len(arguments) < 2:
        return [function(*args) for args in arguments]
    tasks = [{"run_id": i, "call": function, "args": args} for i, args in enumerate(arguments)]
    results: dict[int, Any] = {}
    records = _pool(jobs).run(tasks)
    try:
        for record in records:
            if record["status"] != "ok":
                error = record.get("exception") or workers.WorkerError(
                    f"{function.__name__}{arguments[record['run_id']]!r}: {record['error']}")
                if record.get("traceback"):
                    error.add_note("in the worker process:\n" + record["traceback"].rstrip())
                raise error
            results[record["run_id"]] = record["value"]
    finally:
        records.close()
    return [results[i] for i in range(len(arguments))]
