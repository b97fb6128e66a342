"""Where runs execute: in this process, in worker processes, or on MPI ranks.

Each backend is a generator ``backend(tasks, jobs, timeout_s)`` that yields one record
(see :func:`worker.execute`) per task as tasks finish, in completion order. Closing the
generator (end of sweep, Ctrl-C, an exception) stops its workers.
"""
from __future__ import annotations

import multiprocessing
import time
from collections import deque
from dataclasses import dataclass
from multiprocessing.connection import wait
from typing import Any, Iterator

from .worker import error_record, execute, serve

#: ``mpiexec`` line that gives the ``mpi`` backend its worker ranks.
MPI_LAUNCH = "mpiexec -n <ranks> python -m mpi4py.futures your_script.py"


class SweepError(RuntimeError):
    """The sweep itself cannot go on (workers cannot start, wrong MPI launch)."""


def serial(tasks: list[dict], jobs: int, timeout_s: float | None) -> Iterator[dict]:
    """Every run in this process, one after the other (no timeout: NEURON cannot be interrupted)."""
    for task in tasks:
        yield execute(task)


@dataclass
class _Worker:
    process: Any
    connection: Any
    started: float  # perf_counter of the process start, then of the current task's start
    ready: bool = False
    task: dict | None = None


class WorkerPool:
    """Long-lived worker processes ("spawn": NEURON never crosses a fork), one run each at a
    time. Each loads the mechanisms once; a worker whose run exceeds the timeout is killed and
    replaced, as is one that dies (e.g. a segfault in a mechanism)."""

    def __init__(self, jobs: int):
        self.jobs = jobs
        self.startup_s: list[float] = []  # per worker started: spawn, imports, mechanism load (s)
        self._context = multiprocessing.get_context("spawn")
        self._workers: list[_Worker] = []

    def _start(self) -> _Worker:
        ours, theirs = self._context.Pipe()
        process = self._context.Process(target=serve, args=(theirs,), daemon=True, name="dendriteei-sweep")
        process.start()
        theirs.close()
        return _Worker(process, ours, started=time.perf_counter())

    @staticmethod
    def _stop(worker: _Worker, grace_s: float) -> None:
        """Wait up to grace_s for the worker to exit, then terminate it, then kill it."""
        worker.process.join(grace_s)
        if worker.process.is_alive():
            worker.process.terminate()
            worker.process.join(1.0)
        if worker.process.is_alive():
            worker.process.kill()
            worker.process.join()
        worker.connection.close()

    def _replace(self, worker: _Worker) -> None:
        self._stop(worker, 0.0)
        self._workers[self._workers.index(worker)] = self._start()

    def _receive(self, worker: _Worker) -> Iterator[dict]:
        """Handle what a worker sent (or its death); yields a finished run's record."""
        try:
            kind, payload = worker.connection.recv()
        except (EOFError, OSError):
            kind, payload = "died", None
        if kind == "ready":
            worker.ready = True
            self.startup_s.append(time.perf_counter() - worker.started)
        elif kind == "failed":
            raise SweepError(f"a worker process could not start: {payload}")
        elif kind == "done":
            worker.task = None
            yield payload
        else:
            worker.process.join(1.0)
            code = worker.process.exitcode
            if not worker.ready:
                raise SweepError(f"a worker process died while starting (exit code {code})")
            task = worker.task
            worker.task = None
            self._replace(worker)
            if task is not None:
                yield error_record(task["run_id"], f"WorkerDied: the worker process ended with exit code {code} "
                                   "during this run", time.perf_counter() - worker.started)

    def run(self, tasks: list[dict], timeout_s: float | None) -> Iterator[dict]:
        """Yield the record of every task as it finishes."""
        pending = deque(tasks)
        self._workers = [self._start() for _ in range(min(self.jobs, len(tasks)))]
        try:
            while pending or any(w.task is not None for w in self._workers):
                now = time.perf_counter()
                for worker in self._workers:
                    if worker.ready and worker.task is None and pending:
                        worker.task, worker.started = pending.popleft(), now
                        worker.connection.send(worker.task)
                busy = [w for w in self._workers if w.task is not None]
                wait_s = None
                if timeout_s is not None and busy:
                    wait_s = max(0.0, min(w.started + timeout_s for w in busy) - now)
                wait([w.connection for w in self._workers] + [w.process.sentinel for w in self._workers], wait_s)
                for worker in list(self._workers):
                    if worker.connection.poll() or not worker.process.is_alive():
                        yield from self._receive(worker)
                now = time.perf_counter()
                for worker in list(self._workers):
                    if worker.task is not None and timeout_s is not None and now - worker.started > timeout_s:
                        task = worker.task
                        self._replace(worker)
                        yield error_record(task["run_id"], f"Timeout: no result after {timeout_s:g} s; "
                                           "the worker process was killed", now - worker.started)
        finally:
            for worker in self._workers:
                if worker.task is None and worker.process.is_alive():
                    try:
                        worker.connection.send(None)  # idle workers exit on their own, all at once
                    except OSError:
                        pass
            for worker in self._workers:
                self._stop(worker, 5.0 if worker.task is None else 0.0)
            self._workers = []


def process(tasks: list[dict], jobs: int, timeout_s: float | None) -> Iterator[dict]:
    """Runs spread over ``jobs`` worker processes of this machine."""
    yield from WorkerPool(jobs).run(tasks, timeout_s)


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
