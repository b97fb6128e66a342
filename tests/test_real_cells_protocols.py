"""Every other protocol's quick setting on reconstructed cells (see test_real_cells.py): it runs and
gives a finite summary. Split from test_real_cells.py so the two share the suite's workers."""
from __future__ import annotations

import warnings

import numpy as np
import pytest

from dendriteei.morphology import load_morphology
from dendriteei.protocols import PROTOCOLS
from test_real_cells import MORPHOLOGIES, _run, real  # noqa: F401 (real: the module-scoped cell fixture)

#: On every real cell: inhibitory-balance (dendritic synapses, seconds per cell). The other protocols
#: put their synapses at the soma or take > 10 s per cell (stdp, stdp-flip, dendritic-balance): on
#: the smallest real cell in the suite, on all three in protocols/real_cells.py. reduction-fidelity
#: fits a reduction per cell (a minute): test_reduction.py reduces a reconstructed cell instead.
#: Network protocols (a spec_of that builds a NetworkSpec) run hundreds of cells: test_network.py and
#: test_network_results.py run them, with multicompartment E cells as well.
OTHERS = ("inhibitory-balance",)
NETWORKS = tuple(name for name, protocol in PROTOCOLS.items() if protocol.spec_of is not None)
ON_THE_SMALLEST = tuple(name for name in PROTOCOLS if name not in ("bap-attenuation", "bac-firing", "bap-gating",
                                                                     "reduction-fidelity") + NETWORKS + OTHERS)


@pytest.mark.slow
@pytest.mark.parametrize("name", OTHERS)
def test_protocol_runs_on_real_cells(real, name):
    """The quick setting runs and gives a non-empty summary without NaN in its numeric columns
    (metrics that are undefined by design, e.g. r of a flat weight vector, excepted)."""
    path, spec = real
    summary = _run(name, path, spec).summary
    assert len(summary) > 0
    numeric = summary.select_dtypes("number").drop(columns=[c for c in summary if c.startswith("r_")], errors="ignore")
    assert np.isfinite(numeric.to_numpy(dtype=float)).any(axis=0).all()


@pytest.mark.slow
@pytest.mark.parametrize("name", ON_THE_SMALLEST)
def test_protocols_run_on_the_smallest_real_cell(name):
    path = MORPHOLOGIES / "morph_allen_485574832.swc"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        spec = load_morphology(path)
    summary = _run(name, path, spec).summary
    assert len(summary) > 0
