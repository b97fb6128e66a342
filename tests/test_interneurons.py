"""PV and SST presets: placement, kinetics and plasticity signs."""
import numpy as np
import pytest

from dendriteei.engine import Simulation, build
from dendriteei.cells import l5_pyramidal, point_soma
from dendriteei.interneurons import PRESETS, inhibitory_group, preset
from dendriteei.parameters import ParameterError
from dendriteei.synapses import ExplicitSpikes, PoissonSpikes


def test_pv_is_perisomatic_and_sst_is_distal():
    """PV: soma and proximal dendrites ≤ 50 µm (Freund & Katona 2007); SST: apical ≥ 600 µm
    (Silberberg & Markram 2007)."""
    sim = Simulation(build(l5_pyramidal()))
    pv = sim.add_synapses(inhibitory_group("pv", (PoissonSpikes(10.0, 0.0, 100.0),), n=5))
    sst = sim.add_synapses(inhibitory_group("sst", (PoissonSpikes(10.0, 0.0, 100.0),), n=5))
    assert max(pv.distances_um) <= 50.0
    assert min(sst.distances_um) >= 600.0
    assert (pv.values("tau_d") < sst.values("tau_d")).all()
    assert (pv.values("window") == 1).all() and (sst.values("post_source") == 1).all()
    sim.release()


def _pair_change(name: str, dt_ms: float) -> float:
    """Δw of one preset synapse for a single post/pre pair, Δt = t_post − t_pre."""
    t_pre = 100.0
    group = inhibitory_group(name, (ExplicitSpikes((t_pre,)),), eta_uS=1e-4, region="soma")
    with Simulation(build(point_soma()), cvode=True) as sim:
        placed = sim.add_synapses(group)
        sim.deliver(placed, 0, (t_pre + dt_ms,), "post")
        sim.run(300.0)
        change = placed.weights()[0] - group.weight
    return change


@pytest.mark.parametrize("name, sign", [("pv_ca1", -1.0), ("sst_ca1", 1.0)])
def test_ca1_presets_follow_udakis_2020(name, sign):
    """Udakis et al. 2020: PV iLTD, SST iLTP for post-before-pre (−60 ms) and near-coincident
    pairing, no change at +60 ms (pre before post)."""
    assert np.sign(_pair_change(name, -60.0)) == sign
    assert np.sign(_pair_change(name, -1.0)) == sign
    assert _pair_change(name, 60.0) == pytest.approx(0.0, abs=1e-12)


def test_unknown_preset_lists_valid_ones():
    with pytest.raises(ParameterError, match="Did you mean pv"):
        preset("pvv")
    assert set(PRESETS) == {"pv", "sst", "pv_ca1", "sst_ca1"}


def test_sst_local_post_signal_sees_only_a_bap_that_reaches_it():
    """Wilmes et al. 2017: with the local post signal (synaptic voltage > −40 mV) an SST synapse
    registers a post event only where the bAP arrives: at 700 µm (bAP ≈ 40 mV above rest) yes,
    at 1200 µm in the tuft (bAP ≈ 1 mV, bap-attenuation) no."""
    from dendriteei.engine import Site
    sim = Simulation(build(l5_pyramidal()), cvode=True)
    near = sim.add_synapses(inhibitory_group("sst", (ExplicitSpikes(()),), name="near", region="trunk",
                                             min_distance_um=700.0, max_distance_um=700.0))
    far = sim.add_synapses(inhibitory_group("sst", (ExplicitSpikes(()),), name="far", region="tuft",
                                            min_distance_um=1200.0, max_distance_um=1200.0))
    sim.current_pulse(Site("soma", region="soma"), 1.0, 300.0, 5.0)
    sim.record_spikes(Site("soma", region="soma"))
    traces = sim.run(400.0)
    assert len(traces.spikes_ms["soma"]) == 1
    assert near.values("n_post")[0] == 1 and far.values("n_post")[0] == 0
    sim.release()
