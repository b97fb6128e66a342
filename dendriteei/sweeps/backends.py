"""Where runs execute: in this process, in worker processes, or on MPI ranks.

Each backend is a generator ``backend(tasks, jobs, timeout_s)`` that yields one record
(see :func:`worker.execute`) per task as tasks finish, in completion order. Closing the
generator (end of sweep, Ctrl-C, an exception) stops its workers.
"""
from __future__ import annotations

import time
from collections import deque
from typing import Any, Iterator

from ..workers import WorkerError, WorkerPool, error_record
from .worker import execute

#: ``mpiexec`` line that gives the ``mpi`` backend its worker ranks.
MPI_LAUNCH = "mpiexec -n <ranks> python -m mpi4py.futures your_script.py"


class SweepError(WorkerError):
    """The sweep itself cannot go on (workers cannot start, wrong MPI launch)."""


def serial(tasks: list[dict], jobs: int, timeout_s: float | None) -> Iterator[dict]:
    """Every run in this process, one after the other (no timeout: NEURON cannot be interrupted)."""
    for task in tasks:
        yield execute(task)


def process(tasks: list[dict], jobs: int, timeout_s: float | None) -> Iterator[dict]:
    """Runs spread over ``jobs`` worker processes of this machine."""
    try:
        yield from WorkerPool(jobs).run(tasks, timeout_s)
    except WorkerError as error:
        if isinstance(error, SweepError):
            raise
        raise SweepError(str(error)) from None


def require_mpi() -> None:
    """Raise SweepError unless this is rank 0 of an MPI job with worker ranks under mpi4py."""
    try:
        from mpi4py import MPI
    except ImportError as error:
        raise SweepError(f"the mpi backend needs mpi4py ({error}): pip install 'dendriteei[mpi]'") from None
    world = MPI.COMM_WORLD
    if world.Get_size() < 2 or world.Get_rank() != 0:
        raise SweepError(f"the mpi backend needs worker ranks: launch with `{MPI_LAUNCH}` "
                         f"(this is rank {world.Get_rank()} of {world.Get_size()})")


def mpi(tasks: list[dict], jobs: int, timeout_s: float | None) -> Iterator[dict]:
    """Runs spread over the worker ranks of ``mpiexec -n N python -m mpi4py.futures script.py``
    (N − 1 workers; ``jobs`` is ignored). At most one run per rank is in flight, so a run's
    timeout counts from its start; a timed-out run is recorded as an error, but its rank
    cannot be stopped and stays busy until the run ends. :func:`require_mpi` checks the launch."""
    from mpi4py.futures import FIRST_COMPLETED, MPIPoolExecutor
    from mpi4py.futures import wait as wait_futures
    executor = MPIPoolExecutor()
    stuck = 0
    try:
        capacity = executor.num_workers
        pending = deque(tasks)
        running: dict[Any, tuple[dict, float]] = {}
        while pending or running:
            while pending and len(running) < capacity:
                task = pending.popleft()
                running[executor.submit(execute, task)] = (task, time.perf_counter())
            if not running:
                raise SweepError(f"every MPI worker is stuck in a timed-out run; {len(pending)} runs "
                                 "were not started (resume the sweep in a new job)")
            wait_s = None
            if timeout_s is not None:
                wait_s = max(0.0, min(s for _, s in running.values()) + timeout_s - time.perf_counter())
            done, _ = wait_futures(list(running), timeout=wait_s, return_when=FIRST_COMPLETED)
            for future in done:
                running.pop(future)
                yield future.result()
            now = time.perf_counter()
            for future, (task, started) in list(running.items()):
                if timeout_s is not None and now - started > timeout_s:
                    running.pop(future)
                    capacity, stuck = capacity - 1, stuck + 1
                    yield error_record(task["run_id"], f"Timeout: no result after {timeout_s:g} s "
                                       "(its MPI rank stays busy until the run ends)", now - started)
    finally:
        executor.shutdown(wait=stuck == 0, cancel_futures=True)


BACKENDS = {"serial": serial, "process": process, "mpi": mpi}
