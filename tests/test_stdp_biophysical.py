"""The stdp protocol with biophysical spine Ca on the default L5 cell (GB rule with the DP set's
rates and thresholds θ_d = C_pre, θ_p = 1.3·C_pre; Shouval rule on the free cell): the full
protocol at +10 ms, and GB's analytic outcome of whole protocols from the time above θ_d, θ_p in
a few simulated pairings (pairing.predicted_transitions), checked against it."""
import dataclasses

import numpy as np
import pandas as pd
import pytest

from dendriteei import pairing
from dendriteei.protocols import stdp


#: Biophysical Ca at the default proximal apical synapse (100 µm), GB rule (DP set rates), 60
#: pairings at 1 Hz (GB 2012 Fig. 2), one synapse.
BIOPHYSICAL = stdp.StdpParams()
WINDOW_MS = (-50.0, -20.0, -10.0, -5.0, 5.0, 10.0, 20.0, 50.0)


def _predicted(summary: pd.DataFrame, params: stdp.StdpParams, measured_pairs: int, **protocol) -> pd.DataFrame:
    """GB 2012's analytic (U, D) per Δt for the protocol ``params`` with ``protocol`` overrides,
    from the time above θ_d, θ_p in the ``measured_pairs`` simulated pairings of ``summary``."""
    settings = stdp.pairing_settings(dataclasses.replace(params, **protocol))
    first = summary.groupby("delta_t_ms").first()
    out = [pairing.predicted_transitions(settings, r.time_above_d_ms, r.time_above_p_ms, measured_pairs)
           for r in first.itertuples()]
    return pd.DataFrame({"U": [u for u, _ in out], "D": [d for _, d in out]}, index=first.index)


@pytest.fixture(scope="module")
def proximal():
    """The full protocol (60 pairings at 1 Hz) for a DOWN synapse at +10 ms."""
    return stdp.run(dataclasses.replace(BIOPHYSICAL, delta_ts_ms=(10.0,))).summary


@pytest.fixture(scope="module")
def window():
    """Two pairings per Δt: the time above θ_d, θ_p per pairing, for GB's analytic outcome."""
    return stdp.run(dataclasses.replace(BIOPHYSICAL, n_pairs=2, delta_ts_ms=WINDOW_MS)).summary


@pytest.mark.slow
def test_biophysical_pre_post_potentiates_post_pre_depresses(proximal, window):
    """Biophysical spine Ca at a proximal (100 µm) apical synapse, 60 pairings at 1 Hz: the
    protocol itself moves a DOWN synapse UP at +10 ms (LTP), as GB's analytic outcome from two
    simulated pairings predicts; by the same analysis post→pre (−10 ms) moves an UP synapse DOWN
    (LTD) with no time above θ_p: the classic signs (Markram et al. 1997; Bi & Poo 1998; Froemke &
    Dan 2002 Nature 416:433)."""
    assert proximal.rho_before.iloc[0] == 0.0 and proximal.rho_after.iloc[0] > 0.5
    predicted = _predicted(window, BIOPHYSICAL, 2, n_pairs=60)
    assert predicted.loc[10.0].U == 1.0
    assert predicted.loc[-10.0].D == 1.0 and predicted.loc[-10.0].U == 0.0
    acausal = window[window.delta_t_ms == -10.0]
    assert acausal.time_above_p_ms.iloc[0] == 0.0 < acausal.time_above_d_ms.iloc[0]


@pytest.mark.slow
def test_biophysical_fixed_step_and_cvode_agree():
    """Fixed step (dt 0.025 ms) and CVODE (atol 1e-4) give the same biophysical pairing: Ca peak
    within 2 %, time above θ_d and θ_p within 5 % (± 0.5 ms), same analytic outcome (stated
    tolerance), at Δt = −10 and +10 ms, one pairing (the fixed step takes ~40 s per simulated
    second on the full cell, so the run ends 200 ms after the pairing, as at 5 Hz: the spine Ca
    (τ 12 ms) is back at rest long before; the outcome is still that of 60 pairings at 1 Hz)."""
    params = dataclasses.replace(BIOPHYSICAL, n_pairs=1, delta_ts_ms=(-10.0, 10.0), settle_ms=150.0,
                                 frequency_hz=5.0)
    fixed = stdp.run(dataclasses.replace(params, cvode=False)).summary.set_index("delta_t_ms")
    cvode = stdp.run(params).summary.set_index("delta_t_ms")
    np.testing.assert_allclose(fixed.c_peak, cvode.c_peak, rtol=0.02)
    for column in ("time_above_d_ms", "time_above_p_ms"):
        np.testing.assert_allclose(fixed[column], cvode[column], rtol=0.05, atol=0.5)
    pd.testing.assert_frame_equal(_predicted(fixed.reset_index(), BIOPHYSICAL, 1, n_pairs=60),
                                  _predicted(cvode.reset_index(), BIOPHYSICAL, 1, n_pairs=60))


@pytest.mark.slow
def test_biophysical_stdp_window(window):
    """The STDP window with biophysical Ca (60 pairings at 1 Hz, GB's analytic outcome from two
    simulated pairings): LTP for pre→post at +5…+20 ms, LTD for post→pre at −20…−5 ms (Froemke &
    Dan 2002: LTP window τ ≈ 14 ms, LTD wider; Nevian & Sakmann 2006 J Neurosci 26:11001: one AP
    at −10 ms depresses), no LTP at ±50 ms and no LTD at +50 ms. (The model also depresses at
    +30 ms, a second LTD window like that of Shouval et al. 2002's model; not asserted.)"""
    predicted = _predicted(window, BIOPHYSICAL, 2, n_pairs=60)
    for dt in (5.0, 10.0, 20.0):
        assert predicted.loc[dt].U == 1.0, dt
    for dt in (-20.0, -10.0, -5.0):
        assert predicted.loc[dt].D == 1.0 and predicted.loc[dt].U == 0.0, dt
    assert predicted.loc[[-50.0, 50.0]].U.max() == 0.0 and predicted.loc[50.0].D == 0.0


#: Sjöström, Turrigiano & Nelson 2001 Neuron 32:1149 (L5 → L5; table digitised in BlueBrain's
#: plastyfire biodata): 0.1 Hz = 50 single pairs; 10–50 Hz = 15 trains of 5 pairs every 10 s.
#: EPSP ratio at Δt = −10 ms: 0.68 (0.1 Hz), 0.56 (10), 0.64 (20), 1.50 (40), 1.69 (50 Hz).
SJOSTROM_HZ = (0.1, 20.0, 40.0, 50.0)


def _sjostrom(frequency_hz: float) -> dict:
    if frequency_hz < 1.0:
        return {"n_pairs": 50, "frequency_hz": frequency_hz}
    return {"n_pairs": 75, "frequency_hz": frequency_hz, "pairs_per_train": 5, "train_interval_s": 10.0}


@pytest.fixture(scope="module")
def frequency():
    """One pairing (0.1 Hz) or one train of 5 (10–50 Hz) per frequency and Δt = ±10 ms, with GB's
    analytic outcome of the whole protocol."""
    out = {}
    for f in SJOSTROM_HZ:
        measured = {**_sjostrom(f), "n_pairs": 1 if f < 1.0 else 5}
        summary = stdp.run(dataclasses.replace(BIOPHYSICAL, delta_ts_ms=(-10.0, 10.0), **measured)).summary
        out[f] = _predicted(summary, BIOPHYSICAL, measured["n_pairs"], **_sjostrom(f))
    return out


@pytest.mark.slow
def test_frequency_turns_post_pre_depression_into_potentiation(frequency):
    """Sjöström et al. 2001: post→pre pairing (−10 ms) depresses at low frequency (0.1 Hz; the
    model also at 10 Hz, README) and potentiates at 40 and 50 Hz; pre→post (+10 ms) potentiates
    at 40 and 50 Hz."""
    for f in (0.1,):
        assert frequency[f].loc[-10.0].D == 1.0 and frequency[f].loc[-10.0].U == 0.0, f
    for f in (40.0, 50.0):
        assert frequency[f].loc[-10.0].U == 1.0 and frequency[f].loc[10.0].U == 1.0, f


@pytest.mark.slow
@pytest.mark.xfail(strict=True, reason="model disagrees: +10 ms at 0.1 Hz potentiates; Sjöström et al. 2001 "
                                       "EPSP ratio 0.96 (no change) — Froemke & Dan 2002 find LTP for single pairs")
def test_single_pre_post_pairs_at_low_frequency_do_not_potentiate(frequency):
    """Sjöström et al. 2001: 50 pre→post pairs (+10 ms) at 0.1 Hz leave the synapse unchanged."""
    assert frequency[0.1].loc[10.0].U == 0.0


@pytest.mark.slow
@pytest.mark.xfail(strict=True, reason="model disagrees: post→pre at 20 Hz already potentiates; Sjöström et al. "
                                       "2001 EPSP ratio 0.64 (LTD) at 20 Hz, LTP only from 40 Hz")
def test_post_pre_pairing_at_20_hz_still_depresses(frequency):
    """Sjöström et al. 2001: 15 trains of 5 post→pre pairs (−10 ms) at 20 Hz depress (0.64)."""
    assert frequency[20.0].loc[-10.0].D == 1.0


@pytest.mark.slow
def test_biophysical_synapse_beyond_bap_does_not_potentiate():
    """A tuft synapse at 1150 µm, where the bAP has decayed to a few mV (bap-attenuation), gets
    no NMDA boost from pairing: pre→post does not potentiate (Sjöström & Häusser 2006 Neuron
    51:227: distal L5 synapses lack timing-dependent LTP without extra depolarisation). GB's
    analytic outcome of 60 pairings at 1 Hz from two simulated pairings."""
    params = dataclasses.replace(BIOPHYSICAL, n_pairs=2, delta_ts_ms=(10.0,), synapse_region="tuft",
                                 synapse_distance_um=1150.0)
    assert _predicted(stdp.run(params).summary, BIOPHYSICAL, 2).loc[10.0].U == 0.0


@pytest.mark.slow
def test_shouval_rule_on_the_free_cell():
    """Shouval, Bear & Cooper 2002 rule with the paper's α₁ = 0.35, α₂ = 0.55 µM on the free cell
    (no clamp), Ca scale set once so that a lone EPSP peaks at 0.3 µM (< α₁: a lone EPSP at rest
    changes nothing, the paper's Fig. 3A): after 5 pairings at 1 Hz pre→post (+10 ms) has
    potentiated (Ca above α₂) and post→pre (−10 ms) depressed (Ca in the LTD band α₁…α₂)."""
    params = dataclasses.replace(BIOPHYSICAL, rule="shouval", n_pairs=5, delta_ts_ms=(-10.0, 10.0))
    rows = stdp.run(params).summary.set_index("delta_t_ms")
    assert rows.loc[10.0].c_peak > 0.55 and rows.loc[10.0].change > 1.0
    assert 0.35 < rows.loc[-10.0].c_peak < 0.55 and rows.loc[-10.0].change < 1.0
