"""Synapse placement and spike sources."""
import numpy as np
import pytest

from dendriteei.engine import Simulation, build
from dendriteei.cells import l5_pyramidal
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


def test_groups_on_named_branches_and_sites():
    """Branch placement: region + distance always resolves to the first tuft branch that reaches
    the distance (tuft_0_0 at 1200 µm), so tuft_1_1 is reachable only by name. ``branches``
    alternates synapses between the named branches, evenly spread at x = (j + 0.5)/m; ``sites``
    puts each synapse at its (branch, x). Exact: positions are set, not fitted."""
    sim = Simulation(build(l5_pyramidal()))
    by_distance = sim.add_synapses(SynapseGroup("d", "tuft", "ExpSyn", (RegularSpikes(1.0, 1),), distances_um=(1200.0,)))
    assert by_distance.points[0].get_segment().sec.name().endswith(".tuft_0_0")
    group = SynapseGroup("b", "dendrites", "ExpSyn", (RegularSpikes(1.0, 1),), n=5, branches=("tuft_1_1", "basal2_2_3"))
    assert group.branch_sites() == (("tuft_1_1", 1 / 6), ("basal2_2_3", 0.25), ("tuft_1_1", 0.5),
                                    ("basal2_2_3", 0.75), ("tuft_1_1", 5 / 6))
    placed = sim.add_synapses(group)
    for point, (branch, x), distance in zip(placed.points, group.branch_sites(), placed.distances_um):
        seg = point.get_segment()
        assert seg.sec.name().endswith(f".{branch}")
        assert abs(seg.x - x) <= 0.5 / seg.sec.nseg                      # the segment holding x
        assert distance == pytest.approx(sim.cell.segments().query("branch == @branch and x == @seg.x").distance_um.item())
    sites = SynapseGroup("s", "oblique", "ExpSyn", (RegularSpikes(1.0, 1),), n=2, sites=(("oblique_4", 0.1), ("oblique_0", 1.0)))
    placed = sim.add_synapses(sites)
    assert [p.get_segment().sec.name().split(".")[-1] for p in placed.points] == ["oblique_4", "oblique_0"]
    # oblique_4 spans 340–525 µm, oblique_0 86–271 µm (segment centres; ±8 µm = half a segment)
    assert placed.distances_um == pytest.approx([340.0 + 0.1 * 200.0, 271.0], abs=8.0)
    sim.release()


def test_bad_branch_placement_raises_clear_errors():
    sim = Simulation(build(l5_pyramidal()))
    source = (RegularSpikes(1.0, 1),)
    with pytest.raises(SpecError, match="site \\('tuft_0_0', 0.5\\) at 1265 µm lies outside region 'basal'"):
        sim.add_synapses(SynapseGroup("g", "basal", "ExpSyn", source, branches=("tuft_0_0",)))
    with pytest.raises(SpecError, match="unknown branch 'tuft_9'"):
        sim.add_synapses(SynapseGroup("g", "tuft", "ExpSyn", source, branches=("tuft_9",)))
    with pytest.raises(SpecError, match="at most one of distances_um, branches, sites"):
        SynapseGroup("g", "tuft", "ExpSyn", source, distances_um=(900.0,), branches=("tuft_0",))
    with pytest.raises(SpecError, match="1 sites for n = 2"):
        SynapseGroup("g", "tuft", "ExpSyn", source, n=2, sites=(("tuft_0", 0.5),))
    with pytest.raises(SpecError, match="x outside \\[0, 1\\]"):
        SynapseGroup("g", "tuft", "ExpSyn", source, sites=(("tuft_0", 1.5),))
    assert not sim._synapses                   # nothing half-placed
    sim.release()
