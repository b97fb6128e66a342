"""The engine: the only part of dendriteei that touches NEURON.

Specs (cells, synapse groups, sites) are plain data; the engine compiles and loads the
mechanisms (:mod:`.mechanisms`), builds cells (:mod:`.cell`), and stimulates, records and runs
them (:mod:`.simulation`, with the event queue of :mod:`.events`); :mod:`.parallel` starts MPI.
"""
from ..sites import Site
from .cell import BuiltCell, build
from .parallel import mpi_init
from .simulation import PlacedSynapses, Simulation, SimulationDiverged, Trace, Traces

__all__ = ["BuiltCell", "PlacedSynapses", "Simulation", "SimulationDiverged", "Site", "Trace", "Traces", "build",
           "mpi_init"]
