"""Networks as data: populations of point neurons or multicompartment cells, projections onto
regions, stimuli, a schedule and recordings (:mod:`.spec`); who connects to whom, per target
gid (:mod:`.connectivity`); published networks (:mod:`.presets`); spike-train statistics
(:mod:`.analysis`). The engine (:mod:`dendriteei.engine.network`) builds and runs them on NEURON's
ParallelContext."""
from .spec import (AssemblyProbability, CompartmentalCell, Constant, CurrentStep, InDegree, NetworkSpec, Normal,
                   ParameterChange, PointNeuron, PoissonDrive, Population, Probability, Projection, Recording,
                   StimulusSequence, Synapse, UniformRange)

__all__ = ["AssemblyProbability", "CompartmentalCell", "Constant", "CurrentStep", "InDegree", "NetworkSpec",
           "Normal", "ParameterChange", "PointNeuron", "PoissonDrive", "Population", "Probability", "Projection",
           "Recording", "StimulusSequence", "Synapse",
           "UniformRange"]
