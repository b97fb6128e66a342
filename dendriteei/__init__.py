"""dendriteei: compartmental dendrite models of how inhibition controls plasticity."""
__version__ = "0.1.0"


def __getattr__(name):
    """``dendriteei.sweep`` imported on first use, so ``import dendriteei`` stays cheap."""
    if name == "sweep":
        from .sweeps import sweep
        return sweep
    raise AttributeError(f"module 'dendriteei' has no attribute {name!r}")
