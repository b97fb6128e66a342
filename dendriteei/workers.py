"""Worker processes: long-lived ``spawn`` processes that each load the mechanisms once and then
run tasks one at a time, for sweeps (whole protocol runs, :mod:`dendriteei.sweeps`) and for the
independent conditions inside one protocol run (:mod:`dendriteei.conditions`).

A task is a dict with a ``run_id`` and either ``protocol`` (a sweep run, executed by
:func:`dendriteei.sweeps.worker.execute`) or ``call`` and ``args`` (a module-level function and
its arguments, pickled by reference). Every task gives back one record; a task never raises
into its worker.
"""
from __future__ import annotations

import contextlib
import multiprocessing
import os
import pickle
import platform
import signal
import sys
import time
import traceback
from collections import deque
from dataclasses import dataclass
from multiprocessing.connection import wait
from typing import Any, Iterator

#: True in a worker process: protocols run their conditions serially there (no nested pools).
IN_WORKER = False

GUARD_HINT = ("worker processes import the script that started them, so a script must start runs only "
              "under `if __name__ == \"__main__\":` (or run serially with jobs=1)")


class WorkerError(RuntimeError):
    """Worker processes cannot start or died (not an error of one run's parameters)."""


def check_not_bootstrapping() -> None:
    """Refuse to start runs while this process is a worker still importing its parent's script
    (a script without the ``if __name__ == "__main__":`` guard), with a message that says so."""
    if getattr(multiprocessing.current_process(), "_inheriting", False):
        raise WorkerError("dendriteei runs were started while a worker process imported the script that "
                          f"launched it: {GUARD_HINT}")


def call_record(task: dict[str, Any]) -> dict[str, Any]:
    """Run ``task["call"](*task["args"])``; the record holds its value, or the exception (pickled
    when it can be, else as a RuntimeError with its message) and the worker's traceback."""
    record = {"run_id": task["run_id"], "status": "ok", "pid": os.getpid()}
    start = time.perf_counter()
    try:
        record["value"] = task["call"](*task["args"])
    except Exception as error:
        try:
            pickle.dumps(error)
        except Exception:
            error = RuntimeError(f"{type(error).__name__}: {error}")
        record.update(status="error", exception=error, traceback=traceback.format_exc())
    record["run_time_s"] = time.perf_counter() - start
    return record


def _execute(task: dict[str, Any]) -> dict[str, Any]:
    if "call" in task:
        return call_record(task)
    from .sweeps.worker import execute
    return execute(task)


def serve(connection) -> None:
    """Worker process main loop: load the mechanisms once, then run tasks until told to stop.

    Sends ("ready", None) or ("failed", message) first, then ("done", record) per task.
    Exits on None or when the parent is gone. Ctrl-C is left to the parent, which stops the
    workers; NEURON starts without GUI.
    """
    global IN_WORKER
    IN_WORKER = True
    _exit_with_parent()
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    os.environ.setdefault("NEURON_MODULE_OPTIONS", "-nogui")
    try:
        from .engine import mechanisms
        from .sweeps import worker  # noqa: F401  (imports every protocol: not counted in a task's time)
        mechanisms.load()
    except Exception as error:
        connection.send(("failed", f"{type(error).__name__}: {error}"))
        return
    connection.send(("ready", None))
    while True:
        try:
            task = connection.recv()
        except (EOFError, OSError):
            return
        if task is None:
            return
        connection.send(("done", _execute(task)))


def _exit_with_parent() -> None:
    """On Linux, have the kernel kill this worker when its parent dies, even by SIGKILL (a worker
    deep in a NEURON run never reads its pipe, so it would otherwise finish its task orphaned)."""
    if not sys.platform.startswith("linux"):
        return
    try:
        import ctypes
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)   # 1: PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        return
    parent = multiprocessing.parent_process()
    if parent is not None and not parent.is_alive():   # the parent died before prctl
        os._exit(1)


def error_record(run_id: str, message: str, run_time_s: float) -> dict[str, Any]:
    """Record of a task that produced nothing (timed out, worker died); run_time_s until then."""
    return {"run_id": run_id, "status": "error", "error": message, "traceback": "",
            "host": platform.node(), "pid": None, "run_time_s": run_time_s}


@contextlib.contextmanager
def _main_hidden() -> Iterator[None]:
    """While a "spawn" process starts, hide the main script's module name and path, which
    multiprocessing passes on so that the child imports the script (see
    multiprocessing.spawn.get_preparation_data): the child then imports only what its task needs."""
    main = sys.modules["__main__"]
    saved = {name: main.__dict__[name] for name in ("__spec__", "__file__") if name in main.__dict__}
    main.__spec__ = None
    main.__dict__.pop("__file__", None)
    try:
        yield
    finally:
        main.__dict__.pop("__spec__", None)
        main.__dict__.update(saved)


@dataclass
class _Worker:
    process: Any
    connection: Any
    started: float  # perf_counter of the process start, then of the current task's start
    ready: bool = False
    task: dict | None = None


class WorkerPool:
    """Long-lived worker processes ("spawn": NEURON never crosses a fork), one task each at a
    time. Each loads the mechanisms once; a worker whose task exceeds the timeout is killed and
    replaced, as is one that dies (e.g. a segfault in a mechanism). With ``keep_alive`` idle
    workers outlive :meth:`run` for the next call (stop them with :meth:`close`). Without
    ``import_main`` the workers do not import the script that started them (it then needs no
    ``__main__`` guard, but tasks cannot call functions defined in it)."""

    def __init__(self, jobs: int, keep_alive: bool = False, import_main: bool = True):
        self.jobs = jobs
        self.keep_alive = keep_alive
        self.import_main = import_main
        self.startup_s: list[float] = []  # per worker started: spawn, imports, mechanism load (s)
        self._context = multiprocessing.get_context("spawn")
        self._workers: list[_Worker] = []

    def _start(self) -> _Worker:
        check_not_bootstrapping()
        ours, theirs = self._context.Pipe()
        process = self._context.Process(target=serve, args=(theirs,), daemon=True, name="dendriteei-worker")
        with contextlib.nullcontext() if self.import_main else _main_hidden():
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
        """Handle what a worker sent (or its death); yields a finished task's record."""
        try:
            kind, payload = worker.connection.recv()
        except (EOFError, OSError):
            kind, payload = "died", None
        if kind == "ready":
            worker.ready = True
            self.startup_s.append(time.perf_counter() - worker.started)
        elif kind == "failed":
            raise WorkerError(f"a worker process could not start: {payload}")
        elif kind == "done":
            worker.task = None
            yield payload
        else:
            worker.process.join(1.0)
            code = worker.process.exitcode
            if not worker.ready:
                raise WorkerError(f"a worker process died while starting (exit code {code}); if this ran "
                                  f"from a script: {GUARD_HINT}")
            task = worker.task
            worker.task = None
            self._replace(worker)
            if task is not None:
                yield error_record(task["run_id"], f"WorkerDied: the worker process ended with exit code {code} "
                                   "during this run", time.perf_counter() - worker.started)

    def run(self, tasks: list[dict], timeout_s: float | None = None) -> Iterator[dict]:
        """Yield the record of every task as it finishes."""
        pending = deque(tasks)
        wanted = min(self.jobs, len(tasks)) if not self.keep_alive else self.jobs
        self._workers = [w for w in self._workers if w.process.is_alive()]
        self._workers += [self._start() for _ in range(max(0, wanted - len(self._workers)))]
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
            if self.keep_alive:
                for worker in [w for w in self._workers if w.task is not None]:   # abandoned: stop
                    self._stop(worker, 0.0)
                    self._workers.remove(worker)
            else:
                self.close()

    def close(self) -> None:
        """Stop every worker: idle ones exit on their own, busy ones are killed."""
        for worker in self._workers:
            if worker.task is None and worker.process.is_alive():
                try:
                    worker.connection.send(None)  # idle workers exit on their own, all at once
                except OSError:
                    pass
        for worker in self._workers:
            self._stop(worker, 5.0 if worker.task is None else 0.0)
        self._workers = []
