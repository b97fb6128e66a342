"""The linearised rate model of :mod:`dendriteei.network.open_loop` against its closed forms
(Tsodyks et al. 1997 J Neurosci 17:4382; Ozeki et al. 2009 Neuron 62:578; Sadeh et al. 2017
J Neurosci 37:12050), the open-loop probe networks, and stimulus sequences onto assemblies."""
import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

from dendriteei.checks import SpecError
from dendriteei.network import (Constant, CurrentStep, NetworkSpec, Normal, PointNeuron, PoissonDrive, Population,
                                Probability, Projection, Recording, StimulusSequence, Synapse)
from dendriteei.network import open_loop

gains = st.floats(0.05, 5.0)


@given(a_ee=st.floats(0.0, 4.0), a_ei=gains, a_ie=gains, a_ii=gains, b_e=gains, b_i=gains)
@settings(max_examples=200, deadline=None)
def test_the_paradoxical_response_of_i_is_the_isn_condition(a_ee, a_ei, a_ie, a_ii, b_e, b_i):
    """Two populations: δr_I/δh_I = B_I (1 − A_EE)/det(1 − A) and δr_E/δh_I = −a_EI B_I/det
    (Tsodyks et al. 1997; Ozeki et al. 2009), so while stable, driving I lowers its rate iff
    A_EE > 1 (exact to 1e-9)."""
    a = np.array([[a_ee, -a_ei], [a_ie, -a_ii]])
    det = np.linalg.det(np.eye(2) - a)
    response = open_loop.linear_response(a, [b_e, b_i], [0.0, 1.0])
    assert response[1] == pytest.approx(b_i * (1 - a_ee) / det, rel=1e-9, abs=1e-12)
    assert response[0] == pytest.approx(-a_ei * b_i / det, rel=1e-9, abs=1e-12)
    if det > 1e-6 and a_ee != 1.0:
        assert (response[1] < 0) == (a_ee > 1)


def test_sadeh_all_to_all_model():
    """Sadeh et al. 2017's symmetric model (w_E onto every unit from E, −w_I from I): whole-I
    drive gives δr_I/δι = (1 − w_E)/(1 − w_E + w_I) (their notebook), negative iff w_E > 1."""
    for w_e, w_i in ((0.5, 3.0), (2.0, 5.0), (5.0, 20.0)):
        a = np.array([[w_e, -w_i], [w_e, -w_i]])
        assert open_loop.linear_response(a, [1.0, 1.0], [0.0, 1.0])[1] == pytest.approx((1 - w_e) / (1 - w_e + w_i))


def test_stability_and_crossing():
    assert open_loop.stable(np.array([[2.0, -3.0], [2.0, -1.0]]))
    assert not open_loop.stable(np.array([[2.0, -0.1], [0.1, -0.1]]))
    assert open_loop.crossing([0.1, 0.2, 0.3], [-1.0, -0.5, 0.5]) == pytest.approx(0.25)
    assert open_loop.crossing([0.1, 0.2, 0.3], [3.0, 2.0, 0.5], 1.0) == pytest.approx(0.2 + 0.1 * 1 / 1.5)
    assert np.isnan(open_loop.crossing([0.1, 0.2], [1.0, 2.0]))


def _two_populations(**stimuli):
    cell = PointNeuron("lif")
    return NetworkSpec("ei", (Population("E", cell, 40), Population("I", cell, 10)), (
        Projection("EE", "E", "E", Probability(0.5), Synapse("exc"), Normal(1.0, 0.2), Constant(0.5)),
        Projection("IE", "I", "E", Probability(0.2), Synapse("dei_gaba", "soma", {"window": 1, "eta": 1e-4},
                                                             post_events=True), Constant(3.0), Constant(0.5))),
        (PoissonDrive("bg", "E", 1000.0, Synapse("exc"), 0.5), CurrentStep("kick", "I", 5.0)), **stimuli)


def test_open_loop_probes_get_in_degree_times_rate():
    """Each projection becomes Poisson input at expected in-degree × presynaptic rate, through a
    static copy of its synapse with its mean weight; perturbations (current steps) are left out."""
    spec = _two_populations()
    probes = open_loop.open_loop_spec(spec, {"E": 4.0, "I": 10.0}, 7, rate_steps={"I": 1.0}, current_pA=2.0)
    assert [p.size for p in probes.populations] == [7, 7] and probes.projections == ()
    drives = {s.name: s for s in probes.stimuli}
    assert drives["open-loop EE"].rate_hz == pytest.approx(0.5 * 39 * 4.0)
    assert drives["open-loop IE"].rate_hz == pytest.approx(0.2 * 10 * 11.0)
    assert drives["open-loop EE"].weight_nS == 1.0 and not drives["open-loop IE"].synapse.plastic
    assert not drives["open-loop IE"].synapse.post_events
    assert "kick" not in drives and drives["bg"].rate_hz == 1000.0
    assert {s.amplitude_pA for s in probes.stimuli if isinstance(s, CurrentStep)} == {2.0}
    with pytest.raises(SpecError, match="no operating rate for population"):
        open_loop.open_loop_spec(spec, {"E": 4.0}, 7)
    with pytest.raises(SpecError, match="unknown population 'X'"):
        open_loop.open_loop_spec(spec, {"E": 4.0, "I": 1.0, "X": 2.0}, 7)


def test_probe_plan_and_matrices_recover_a_linear_population():
    """A, B from central differences are exact for rates linear in the inputs."""
    a_true, b_true = np.array([[1.5, -2.0], [1.2, -0.5]]), np.array([0.3, 0.7])
    rates = {"E": 5.0, "I": 8.0}
    plan = open_loop.probe_plan(["E", "I"], rates, 0.1, 0.2, 2.0)
    measured = []
    for _, steps, current in plan:
        shift = np.array([steps.get("E", 0.0), steps.get("I", 0.0)])
        r = np.array([5.0, 8.0]) + a_true @ shift + b_true * current
        measured.append({"E": r[0], "I": r[1]})
    a, b = open_loop.open_loop_matrices(["E", "I"], plan, measured)
    np.testing.assert_allclose(a, a_true)
    np.testing.assert_allclose(b, b_true)


def test_stimulus_sequences_drive_their_assembly_in_their_slots():
    """Slot i drives assembly sequence[i] from start + i·(slot + gap) for slot_ms; −1 is silence."""
    from dendriteei.engine.network import Network
    cell = PointNeuron("lif", i_bias_pA=0.0)
    sequence = StimulusSequence("seq", "E", (0, 1, -1, 0, 3), 100.0, 200.0, Synapse("exc"), 20.0, start_ms=50.0,
                                gap_ms=10.0)
    spec = NetworkSpec("seq", (Population("E", cell, 20, assembly_size=5),), stimuli=(sequence,),
                       recording=Recording(weight_sample=0))
    assert NetworkSpec.from_json(spec.to_json()) == spec
    assert sequence.window_ms(3) == (380.0, 480.0) and sequence.stop_ms == 590.0
    with Network(spec) as network:
        spikes = network.run(700.0).spikes
    assembly = spikes.gid.to_numpy() // 5
    for slot, driven in enumerate(sequence.sequence):
        start, stop = sequence.window_ms(slot)
        inside = (spikes.t_ms >= start + 5) & (spikes.t_ms < stop)
        assert set(assembly[inside.to_numpy()]) == ({driven} if driven >= 0 else set())
    assert set(assembly) == {0, 1, 3}


def test_bad_stimulus_sequences_are_refused():
    cell = PointNeuron("lif")
    good = dict(name="s", target="E", sequence=(0, 1), slot_ms=10.0, rate_hz=10.0, synapse=Synapse("exc"),
                weight_nS=1.0)
    with pytest.raises(SpecError, match="non-empty list of assembly indices"):
        StimulusSequence(**{**good, "sequence": ()})
    with pytest.raises(SpecError, match="slot_ms"):
        StimulusSequence(**{**good, "slot_ms": 0.0})
    with pytest.raises(SpecError, match="sequence must be an integer"):
        StimulusSequence(**{**good, "sequence": (0, -2)})
    with pytest.raises(SpecError, match=r"names assembly 1, but population 'E' has 1 assemblies \(0 … 0"):
        NetworkSpec("x", (Population("E", cell, 10, assembly_size=10),), stimuli=(StimulusSequence(**good),))
    with pytest.raises(SpecError, match="has 0 assemblies"):
        NetworkSpec("x", (Population("E", cell, 10),), stimuli=(StimulusSequence(**good),))
