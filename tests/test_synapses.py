"""Synapse placement and spike sources."""
import numpy as np
import pytest

from dendriteei.builder import build
from dendriteei.cells import l5_pyramidal
from dendriteei.simulation import Simulation
from dendriteei.spec import SpecError
from dendriteei.synapses import ExplicitSpikes, PoissonSpikes, RegularSpikes, SynapseGroup


def test_spike_sources_are_reproducible_from_the_seed():
    group = SynapseGroup("g", "tuft", "dei_glu", (PoissonSpikes(20.0, 0.0, 1000.0),), n=3, seed=5)
    first, again = group.spike_times(), group.spike_times()
    assert all(np.array_equal(a, b) for a, b in zip(first, again))
    assert not np.array_equal(first[0], first[1])                 # each synapse its own draw
    assert abs(np.mean([len(t) for t in first]) - 20.0) < 4 * np.sqrt(20.0 / 3)
    np.testing.assert_allclose(RegularSpikes(2.0, 3, 100.0, 5.0).times(None), [105.0, 605.0, 1105.0])
    np.testing.assert_allclose(ExplicitSpikes((3.0, 1.0)).times(None), [1.0, 3.0])


def test_group_is_spread_over_the_region_with_per_synapse_values():
    sim = Simulation(build(l5_pyramidal()))
    group = SynapseGroup("g", "oblique", "dei_glu", (RegularSpikes(10.0, 2),), n=5,
                         parameters={"gmax_nmda": 0.0}, varying={"rho0": (0, 0.25, 0.5, 0.75, 1.0)})
    placed = sim.add_synapses(group)
    nearest, farthest = sim.cell.distance_range("oblique")
    assert placed.distances_um[0] == pytest.approx(nearest, abs=20) and placed.distances_um[-1] == pytest.approx(farthest, abs=20)
    np.testing.assert_allclose(placed.values("rho0"), [0, 0.25, 0.5, 0.75, 1.0])
    assert (placed.values("gmax_nmda") == 0).all()
    sim.release()


def test_bad_groups_raise_clear_errors():
    sim = Simulation(build(l5_pyramidal()))
    with pytest.raises(SpecError, match="no parameter 'gnmda'; valid: .*gmax_nmda"):
        sim.add_synapses(SynapseGroup("g", "tuft", "dei_glu", (RegularSpikes(1.0, 1),), parameters={"gnmda": 1}))
    with pytest.raises(SpecError, match="not a point process"):
        sim.add_synapses(SynapseGroup("g", "tuft", "dei_nat", (RegularSpikes(1.0, 1),)))
    with pytest.raises(SpecError, match="give 1 or n = 3 spike sources"):
        SynapseGroup("g", "tuft", "dei_glu", (RegularSpikes(1.0, 1),) * 2, n=3)
