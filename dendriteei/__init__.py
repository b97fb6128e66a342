"""dendriteei: compartmental dendrite models of how inhibition controls plasticity."""
__version__ = "0.1.0"
