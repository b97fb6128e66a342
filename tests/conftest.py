"""Shared fixtures: protocol results computed once per test session; the longest files run first."""
import pytest

from dendriteei.protocols import bac_firing, bap_attenuation


@pytest.fixture(scope="session")
def bap_fixed():
    """bAP attenuation on the default cell, fixed step dt = 0.025 ms, sites every 20 µm."""
    params = bap_attenuation.BapAttenuationParams(step_um=20.0)
    return bap_attenuation.run(params).summary.set_index("site")


@pytest.fixture(scope="session")
def bap_cvode():
    params = bap_attenuation.BapAttenuationParams(step_um=20.0, cvode=True)
    return bap_attenuation.run(params).summary.set_index("site")


@pytest.fixture(scope="session")
def bac():
    return bac_firing.run(bac_firing.BacFiringParams())


@pytest.fixture
def fixed_step():
    """NEURON's fixed-step integrator at dt = 0.025 ms for tests that drive NEURON directly;
    CVODE settings (tolerances, condition order) are reset afterwards."""
    from dendriteei.engine import mechanisms
    mechanisms.load()
    from neuron import h
    cvode = h.CVode()
    cvode.active(0)
    h.secondorder = 0
    h.dt = 0.025
    yield
    cvode.active(0)
    cvode.atol(1e-3)
    cvode.rtol(0)
    cvode.condition_order(1)


#: Test files that take minutes, longest first (measured with --durations). With
#: ``-n 2 --dist loadfile`` the workers take files in collection order, so these start first and
#: the short files fill in around them instead of one long file running alone at the end.
LONGEST_FIRST = ("test_stdp_biophysical.py", "test_reduction.py", "test_stdp_flip.py", "test_stdp.py", "test_bap_gating.py", "test_dendritic_balance.py",
                 "test_real_cells_protocols.py", "test_real_cells.py", "test_inhibitory_balance.py",
                 "test_mechanisms.py", "test_shouval_stdp.py")


def pytest_collection_modifyitems(items):
    rank = {name: k for k, name in enumerate(LONGEST_FIRST)}
    items.sort(key=lambda item: rank.get(item.path.name, len(LONGEST_FIRST)))
