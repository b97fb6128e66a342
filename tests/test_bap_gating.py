"""bAP and Ca-spike gating by timed inhibition: the results of Wilmes, Sprekeler & Schreiber
2016 (PLoS Comput Biol 12:e1004768, ModelDB 187603), at coarse resolution.

Wilmes et al. state the effects qualitatively (all-or-none, narrow window, pathway specific,
Ca spikes gated by much weaker inhibition over a much wider window); the numbers they
explored bound our tolerances: inhibitory weights 0–0.1 µS (allornone.py, Fig. 2) and onsets
within ±5 ms of the AP (timing.py, Figs. 3–4). Where a qualitative word needs a number
("abrupt", "much lower", "much wider") the test states the one it uses.
"""
from dataclasses import replace

import numpy as np
import pandas as pd
import pytest

from dendriteei import analysis, plasticity
from dendriteei.pairing import PairingSettings, predicted_transitions
from dendriteei.protocols import bap_gating as bg

OBLIQUE = bg.BapGatingParams()                     # PV-like inhibition on oblique_0
#: The morphology maps (one extra run per bg.run) are tested in test_figures.py.
NO_MAPS = {"segment_maps": False}
CA_SPIKE = bg.BapGatingParams(**bg.HEADLINE_CASES["ca_spike"])
PERISOMATIC = bg.BapGatingParams(**bg.HEADLINE_CASES["somatic_ap"])
ONSET_MS = -1.0


@pytest.fixture(scope="module")
def bap_threshold():
    return bg.threshold_conductance_nS(OBLIQUE, ONSET_MS, high_nS=100.0, tolerance_nS=0.25)


@pytest.fixture(scope="module")
def bap_window(bap_threshold):
    params = bg.BapGatingParams(**NO_MAPS, inhibition_g_nS=(0.0, 1.5 * bap_threshold),
                                inhibition_onset_ms=bg.onset_grid(-8.0, 3.0, 1.0))
    return bg.run(params).summary


@pytest.fixture(scope="module")
def ca_threshold():
    return bg.threshold_conductance_nS(CA_SPIKE, ONSET_MS, "ca_spike", high_nS=4.0, tolerance_nS=0.05)


@pytest.fixture(scope="module")
def ca_window(ca_threshold):
    params = bg.BapGatingParams(**NO_MAPS, **bg.HEADLINE_CASES["ca_spike"], inhibition_g_nS=(0.0, 1.5 * ca_threshold),
                                inhibition_onset_ms=bg.onset_grid(-20.0, 6.0, 2.0))
    return bg.run(params).summary


def _at(summary, site, g, onset):
    rows = summary[(summary.site == site) & np.isclose(summary.g_nS, g) & np.isclose(summary.onset_ms, onset)]
    assert len(rows) == 1
    return rows.iloc[0]


@pytest.mark.slow
def test_bap_block_is_all_or_none(bap_threshold):
    """Wilmes 2016 Fig. 2: above a threshold conductance the bAP beyond the synapse is lost
    abruptly. Threshold within the 0–100 nS the paper explored; 'abrupt' here: a ±5 %
    change of g around threshold moves the bAP from ≥ 90 % to ≤ 40 % of control."""
    assert 0.0 < bap_threshold < 100.0
    g_below, g_above = 0.95 * bap_threshold, 1.05 * bap_threshold
    params = bg.BapGatingParams(**NO_MAPS, inhibition_g_nS=(0.0, g_below, g_above), inhibition_onset_ms=(ONSET_MS,))
    summary = bg.run(params).summary
    assert _at(summary, "oblique_0", g_below, ONSET_MS).relative_amplitude >= 0.9
    assert _at(summary, "oblique_0", g_above, ONSET_MS).relative_amplitude <= 0.4


@pytest.mark.slow
def test_bap_gating_needs_a_narrow_window_before_the_bap(bap_window, bap_threshold):
    """Wilmes 2016 Fig. 3B: at a suprathreshold conductance (1.5 × threshold) the bAP is gated
    only for onsets in one window shorter than 5 ms (the ±5 ms of their onset axis), that
    ends before the bAP reaches the inhibitory synapse (its peak at the oblique's base)."""
    g = 1.5 * bap_threshold
    window = analysis.timing_window(bap_window, "oblique_0", g)
    rows = bap_window[(bap_window.site == "oblique_0") & np.isclose(bap_window.g_nS, g)]
    blocked = rows.sort_values("onset_ms").blocked.to_numpy()
    assert blocked.any() and not blocked[0] and not blocked[-1]
    assert np.count_nonzero(np.diff(blocked.astype(int))) == 2          # one contiguous window
    assert 0.0 < window["width_ms"] < 5.0
    arrival = _at(bap_window, "trunk@100", 0.0, 0.0).peak_latency_ms    # bAP at the oblique's base
    assert window["last_ms"] < arrival


@pytest.mark.slow
def test_bap_gating_is_pathway_specific(bap_window, bap_threshold):
    """Wilmes 2016 Fig. 2–3: the somatic AP and branches not behind the inhibitory synapse keep
    their bAP. Tolerances: somatic AP within 2 % and still one spike; sites away from the
    oblique's branch point (sister oblique, mid/distal trunk, hot zone, basal) within 5 %; the
    trunk 30 µm from the branch point within 15 %."""
    g = 1.5 * bap_threshold
    blocked = bap_window[(bap_window.site == "oblique_0") & np.isclose(bap_window.g_nS, g) & bap_window.blocked]
    assert not blocked.empty
    for onset in blocked.onset_ms:
        assert _at(bap_window, "soma", g, onset).relative_amplitude == pytest.approx(1.0, abs=0.02)
        assert _at(bap_window, "soma", g, onset).n_somatic_spikes == 1
        for site in ("oblique_1", "trunk_middle", "trunk_distal", "hot_zone", "basal"):
            assert _at(bap_window, site, g, onset).relative_amplitude == pytest.approx(1.0, abs=0.05), site
        assert _at(bap_window, "trunk@100", g, onset).relative_amplitude > 0.85
    beyond = bap_window[bap_window.beyond_inhibition]
    assert set(beyond.site) == {"oblique_0"}


@pytest.mark.slow
def test_ca_spike_gating_needs_less_inhibition_over_a_wider_window(ca_threshold, ca_window, bap_threshold,
                                                                   bap_window):
    """Wilmes 2016 Fig. 4: distal (SST-like) inhibition abolishes the BAC Ca spike at much
    lower conductance and over a much wider window than bAP gating needs. 'Much' here: a
    threshold ≤ 1/5 of the bAP threshold, and a window (at 1.5 × each threshold) ≥ 2 × wider."""
    assert 0.0 < ca_threshold <= bap_threshold / 5.0
    ca = analysis.timing_window(ca_window, "hot_zone", 1.5 * ca_threshold, "ca_spike")
    bap = analysis.timing_window(bap_window, "oblique_0", 1.5 * bap_threshold)
    assert ca["width_ms"] >= 2.0 * bap["width_ms"]
    assert _at(ca_window, "hot_zone", 0.0, 0.0).ca_spike                     # control has its Ca spike


@pytest.mark.slow
def test_distal_inhibition_gates_ca_locally(ca_window, ca_threshold):
    """Review Fig. 4 / Wilmes 2016: SST-like inhibition at the hot zone removes the Ca spike
    (hot-zone Ca integral < 10 % of control) while the first somatic AP and the proximal bAPs
    stay (within 5 %)."""
    g = 1.5 * ca_threshold
    gated = ca_window[(ca_window.site == "hot_zone") & np.isclose(ca_window.g_nS, g) & ~ca_window.ca_spike]
    assert not gated.empty
    for onset in gated.onset_ms:
        assert _at(ca_window, "hot_zone", g, onset).relative_ca_integral < 0.1
        assert _at(ca_window, "soma", g, onset).n_somatic_spikes >= 1
        for site in ("trunk@100", "trunk_middle", "oblique_0", "oblique_1"):
            assert _at(ca_window, site, g, onset).relative_amplitude == pytest.approx(1.0, abs=0.05), site


@pytest.mark.slow
def test_perisomatic_inhibition_controls_the_spike_not_a_branch():
    """Review Fig. 4 (PV vs SST): perisomatic inhibition strong enough removes the somatic AP
    and with it every bAP (< 20 % of control everywhere); weaker, it leaves the AP and cannot
    single out a branch (sister obliques within 2 % of each other, every dendritic site within
    5 % of control)."""
    params = bg.BapGatingParams(**NO_MAPS, **bg.HEADLINE_CASES["somatic_ap"], inhibition_g_nS=(0.0, 100.0, 250.0),
                                inhibition_onset_ms=(ONSET_MS,))
    summary = bg.run(params).summary
    strong = summary[np.isclose(summary.g_nS, 250.0)]
    assert (strong.n_somatic_spikes == 0).all()
    assert (strong.relative_amplitude < 0.2).all()
    weak = summary[np.isclose(summary.g_nS, 100.0)]
    assert (weak.n_somatic_spikes == 1).all()
    by_site = weak.set_index("site").relative_amplitude
    assert by_site["oblique_0"] == pytest.approx(by_site["oblique_1"], abs=0.02)
    assert (by_site.drop("soma") > 0.95).all()


def _transitions(rows: pd.DataFrame, pairing: PairingSettings) -> pd.DataFrame:
    """Graupner & Brunel 2012's analytic (U, D) over 60 pairings at 1 Hz from the time above θ_d,
    θ_p in the rows' first pairings (pairing.predicted_transitions; σ = 0: 0 or 1)."""
    full = replace(pairing, n_pairs=60)
    out = [predicted_transitions(full, r.time_above_d_ms, r.time_above_p_ms, pairing.n_pairs)
           for r in rows.itertuples()]
    return rows.assign(U=[u for u, _ in out], D=[d for _, d in out])


def _drive(row) -> float:
    """ρ̄ = γ_p α_p / (γ_p α_p + γ_d α_d), the value ρ relaxes to under the pairing (GB 2012, DP
    rates): above ρ* = 0.5 the pairing potentiates a DOWN synapse, 0 means no potentiation at all."""
    gb = plasticity.graupner_brunel("DP")
    up, down = gb.gamma_p * row.time_above_p_ms, gb.gamma_d * row.time_above_d_ms
    return up / (up + down) if up + down > 0 else 0.0


@pytest.mark.slow
def test_gating_switches_off_ltp_only_at_gated_synapses(bap_threshold):
    """Wilmes et al. 2016 (PLoS Comput Biol 12:e1004768: inhibition gates the bAP all-or-none and
    so switches plasticity): pre→post pairing (+10 ms, two pairings, GB rule on the spine Ca) drives
    both oblique synapses above θ_p in control, towards ρ̄ ≥ 0.5 (LTP; marginal here: the 60-pair
    protocol ends at ρ = 0.50, README); with the oblique inhibition at 1.2 × the bAP-block
    threshold (the issue's bound) the gated synapse's Ca never reaches θ_p, so no LTP whatever the
    number of pairings (ρ̄ = 0, GB's analytic U = 0), while the synapse on the sister branch keeps
    ≥ 90 % of its time above θ_p and its ρ̄ within 0.02 of control."""
    pairing = PairingSettings(n_pairs=2)
    g = 1.2 * bap_threshold
    rows = _transitions(bg.gated_pairing(OBLIQUE, pairing, (g,), ONSET_MS), pairing)
    control = rows[rows.g_nS == 0].set_index("site")
    inhibited = rows[rows.g_nS == g].set_index("site")
    gated, sister = "oblique_0:0.9", "oblique_1:0.9"
    assert all(_drive(control.loc[site]) >= 0.5 for site in (gated, sister))
    assert inhibited.loc[gated].beyond_inhibition and not inhibited.loc[sister].beyond_inhibition
    assert inhibited.loc[gated].time_above_p_ms == 0.0 and inhibited.loc[gated].U == 0.0
    assert inhibited.loc[sister].time_above_p_ms >= 0.9 * control.loc[sister].time_above_p_ms
    assert abs(_drive(inhibited.loc[sister]) - _drive(control.loc[sister])) < 0.02


@pytest.mark.slow
def test_ca_spike_gating_switches_off_the_ltp_that_needs_it(ca_threshold):
    """Wilmes et al. 2016 / Larkum et al. 1999: a tuft synapse beyond the bAP's reach (≈ 920 µm)
    potentiates under pre→post pairing (+10 ms, 60 at 1 Hz, analytic from two pairings) only when
    the somatic AP and the distal EPSP evoke a BAC Ca spike (U = 1); with the bAP alone (no
    distal EPSP) and with SST-like distal trunk inhibition at 1.5 × the Ca-spike threshold (the
    spike is gone) it does not (U = 0)."""
    pairing = PairingSettings(n_pairs=2)
    tuft = (("tuft:0", 0.1),)
    g = 1.5 * ca_threshold
    with_spike = _transitions(bg.gated_pairing(CA_SPIKE, pairing, (g,), ONSET_MS, sites=tuft), pairing)
    bap_only = _transitions(bg.gated_pairing(replace(CA_SPIKE, distal_epsp=False), pairing, (), ONSET_MS,
                                             sites=tuft), pairing)
    assert with_spike[with_spike.g_nS == 0].U.iloc[0] == 1.0
    assert bap_only.U.iloc[0] == 0.0
    assert with_spike[with_spike.g_nS == g].U.iloc[0] == 0.0


@pytest.mark.slow
def test_fixed_step_and_cvode_agree(bap_threshold):
    """Fixed step (dt 0.025 ms) and CVODE give the same gating: bAP amplitudes within 1.5 mV
    (the tolerance of the bap-attenuation tests) at a gated condition."""
    grid = {"inhibition_g_nS": (0.0, 1.5 * bap_threshold), "inhibition_onset_ms": (ONSET_MS,)}
    cvode = bg.run(bg.BapGatingParams(**NO_MAPS, **grid)).summary
    fixed = bg.run(bg.BapGatingParams(**NO_MAPS, cvode=False, **grid)).summary
    assert np.allclose(cvode.bap_amplitude_mV, fixed.bap_amplitude_mV, atol=1.5)
    assert (cvode.blocked == fixed.blocked).all()


def test_bad_inputs_raise():
    with pytest.raises(ValueError, match="criterion"):
        bg.threshold_conductance_nS(OBLIQUE, 0.0, criterion="calcium")
    with pytest.raises(ValueError, match="distal_epsp"):
        bg.threshold_conductance_nS(OBLIQUE, 0.0, criterion="ca_spike")
