"""The stdp protocol: phenomenological Ca against Graupner & Brunel 2012's analytic solution,
and biophysical Ca on the L5 cell."""
import dataclasses

import numpy as np
import pytest

from dendriteei import pairing, plasticity
from dendriteei.parameters import ParameterError, with_overrides
from dendriteei.protocols import stdp

PHENOMENOLOGICAL = stdp.StdpParams(cell="point_soma", ca_mode="phenomenological", synapse_region="soma",
                                   synapse_distance_um=0.0, weight_scale=0.0, settle_ms=100.0)


def _binomial_ok(successes, trials, p, n_sd=3.5):
    return abs(successes - trials * p) <= n_sd * np.sqrt(trials * p * (1 - p)) + 1


@pytest.fixture(scope="module")
def dp_curve():
    params = dataclasses.replace(PHENOMENOLOGICAL, delta_ts_ms=(-20.0, -10.0, 10.0, 20.0), n_synapses=200,
                                 noise=True, initial_state="mixed", seed=7)
    return stdp.run(params).summary


@pytest.mark.slow
def test_dp_set_time_above_thresholds_equals_analytic(dp_curve):
    """GB 2012 (SI): time above θ_d and θ_p over 60 pairs = 60 s · (α_d, α_p); exact up to the
    event-delivery precision (relative 1e-3)."""
    gb = plasticity.graupner_brunel("DP")
    for dt, part in dp_curve.groupby("delta_t_ms"):
        alpha_d, alpha_p = plasticity.time_above(gb, dt, 1.0)
        assert part.time_above_d_ms.iloc[0] == pytest.approx(60_000 * alpha_d, rel=1e-3)
        assert part.time_above_p_ms.iloc[0] == pytest.approx(60_000 * alpha_p, rel=1e-3)


@pytest.mark.slow
def test_dp_set_transitions_and_change_match_analytic(dp_curve):
    """GB 2012 Fig. 2 (DP set, 60 pairs at 1 Hz, σ = 2.8284): UP/DOWN transition counts of
    100 DOWN and 100 UP synapses lie within 3.5 binomial SD of the analytic U and D; the mean
    change agrees within 0.1 (statistical error of 200 synapses ≈ 0.05, plus the cubic term the
    analytic solution neglects) and has the paper's sign: LTD for Δt < 0, LTP for Δt > 0."""
    gb = plasticity.graupner_brunel("DP")
    changes = pairing.group_change(dp_curve).set_index("delta_t_ms").change
    for dt, part in dp_curve.groupby("delta_t_ms"):
        up, down = plasticity.transition_probabilities(gb, dt, 1.0, 60)
        started_down = part[part.rho_before == 0.0]
        started_up = part[part.rho_before == 1.0]
        assert _binomial_ok((started_down.rho_after > 0.5).sum(), len(started_down), up)
        assert _binomial_ok((started_up.rho_after < 0.5).sum(), len(started_up), down)
        assert changes[dt] == pytest.approx(plasticity.synaptic_change(gb, dt, 1.0, 60), abs=0.1)
        assert (changes[dt] > 1.0) == (dt > 0)


@pytest.mark.slow
def test_cortical_set_frequency_dependence_follows_analytic_drift():
    """GB 2012 Fig. 4 / Sjöström et al. 2001: cortical-slices set, 75 pairs, σ = 0. At 40 Hz
    every Δt drives a DOWN synapse UP (potentiation for all Δt above ≈ 30 Hz); at 1 Hz
    post-before-pre drives an UP synapse down. Simulated ρ matches the analytic mean drift
    (`mean_rho_change`, cubic term neglected) within 0.03."""
    gb = plasticity.graupner_brunel("cortical slices")
    params = dataclasses.replace(PHENOMENOLOGICAL, gb_set="cortical slices", n_pairs=75,
                                 delta_ts_ms=(-10.0, 10.0), initial_state="down")
    fast = stdp.run(dataclasses.replace(params, frequency_hz=40.0)).summary
    assert (fast.rho_after > 0.5).all()
    for row in fast.itertuples():
        assert row.rho_after == pytest.approx(plasticity.mean_rho_change(gb, row.delta_t_ms, 40.0, 75, 0.0), abs=0.03)
    slow = stdp.run(dataclasses.replace(params, frequency_hz=1.0, delta_ts_ms=(-10.0,), initial_state="up")).summary
    expected = plasticity.mean_rho_change(gb, -10.0, 1.0, 75, 1.0)
    assert expected < 1.0 and slow.rho_after.iloc[0] < 0.6
    assert slow.rho_after.iloc[0] == pytest.approx(expected, abs=0.03)


@pytest.mark.slow
def test_fixed_step_and_cvode_give_the_same_rho():
    """Deterministic DP pairing (10 pairs): ρ after fixed step (dt 0.025 ms) and CVODE agree within
    1e-3 (stated tolerance)."""
    params = dataclasses.replace(PHENOMENOLOGICAL, delta_ts_ms=(10.0, -20.0), n_pairs=10, frequency_hz=5.0)
    cvode = stdp.run(params).summary.rho_after.to_numpy()
    fixed = stdp.run(dataclasses.replace(params, cvode=False)).summary.rho_after.to_numpy()
    np.testing.assert_allclose(cvode, fixed, atol=1e-3)


BIOPHYSICAL = stdp.StdpParams(n_pairs=60, frequency_hz=5.0, initial_state="mixed", n_synapses=2)


@pytest.fixture(scope="module")
def proximal():
    return stdp.run(dataclasses.replace(BIOPHYSICAL, delta_ts_ms=(-20.0, 10.0))).summary


@pytest.mark.slow
def test_biophysical_pre_post_potentiates_post_pre_depresses(proximal):
    """Biophysical Ca at a proximal (100 µm) apical synapse, 60 pairings at 5 Hz: pre→post
    (Δt = +10 ms) moves a DOWN synapse UP (LTP: NMDA Ca relieved of Mg block by the bAP exceeds
    θ_p), post→pre (−20 ms) moves an UP synapse DOWN (LTD: only θ_d is crossed), the classic
    STDP signs (Markram et al. 1997; Bi & Poo 1998)."""
    causal = proximal[proximal.delta_t_ms == 10.0]
    acausal = proximal[proximal.delta_t_ms == -20.0]
    assert causal.time_above_p_ms.iloc[0] > 0 and acausal.time_above_p_ms.iloc[0] == 0
    assert causal[causal.rho_before == 0].rho_after.iloc[0] > 0.5
    assert acausal[acausal.rho_before == 1].rho_after.iloc[0] < 0.5


@pytest.mark.slow
def test_biophysical_synapse_beyond_bap_does_not_potentiate():
    """A tuft synapse at 1150 µm, where the bAP has decayed to a few mV (bap-attenuation), gets
    no NMDA boost from pairing: pre→post does not potentiate (Sjöström & Häusser 2006 Neuron
    51:227: distal L5 synapses lack timing-dependent LTP without extra depolarisation)."""
    far = stdp.run(dataclasses.replace(BIOPHYSICAL, delta_ts_ms=(10.0,), synapse_region="tuft",
                                       synapse_distance_um=1150.0)).summary
    assert (far[far.rho_before == 0].rho_after < 0.5).all()


def test_bad_parameters_raise():
    with pytest.raises(ParameterError, match="not one of"):
        with_overrides(stdp.StdpParams(), {"gb_set": "DPX"})
    with pytest.raises(ParameterError, match="theta_p = 1.0 µM must not be below theta_d"):
        stdp.run(dataclasses.replace(BIOPHYSICAL, theta_d=2.0, theta_p=1.0, delta_ts_ms=(10.0,)))
    with pytest.raises(ParameterError):
        plasticity.GraupnerBrunel(**{**dataclasses.asdict(plasticity.graupner_brunel("DP")), "tau_ca_ms": -1.0})


@pytest.fixture(scope="module")
def shouval_clamped():
    """Shouval rule under voltage clamp, 100 pulses at 1 Hz; NMDA Ca gain scaled once so the
    Ca peak at −62.5 mV equals α1 = 0.35 µM (the paper's LTD onset)."""
    probe = pairing.clamped_pairing(-62.5, n_pulses=2)
    gain = 247.0 * 0.35 / probe["c_peak_uM"]        # 247 µM/(nA·ms): dei_glu default
    return {v: pairing.clamped_pairing(v, synapse={"nmda_ca_gain": gain})["change"]
            for v in (-70.0, -65.0, -60.0, -55.0, -45.0, -40.0)}


@pytest.mark.slow
def test_shouval_voltage_clamp_bands(shouval_clamped):
    """Shouval, Bear & Cooper 2002 Fig. 3A: pairing at a clamped voltage gives no change below
    −62.5 mV, LTD between −62.5 and −52.5 mV, LTP above −50 mV. Only the LTD onset is
    calibrated; the LTD→LTP boundary then follows from the Jahr–Stevens Mg block. Tolerances:
    'no change' |ΔW/W| < 2 %, LTD < 0.9, LTP > 1.1."""
    for v in (-70.0, -65.0):
        assert abs(shouval_clamped[v] - 1.0) < 0.02
    for v in (-60.0, -55.0):
        assert shouval_clamped[v] < 0.9
    for v in (-45.0, -40.0):
        assert shouval_clamped[v] > 1.1
