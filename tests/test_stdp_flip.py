"""STDP flipped by (dis)inhibition (issue 5 §2), coarse: one pairing timing (Δt = +10 ms), SST
conductances 0–40 nS; outcome of 60 pairings at 1 Hz (Graupner & Brunel 2012's protocol) by GB's
analytic solution from the time above θ_d, θ_p in two simulated pairings
(stdp_flip.predicted_outcomes; the shortcut is checked against the full protocol in
tests/test_stdp.py).

Sources: Bar-Ilan, Gidon & Segev 2013 (Front Neural Circuits 6:118): with growing local
inhibition a synapse moves LTP → LTD → protected (no change); Rossbroich & Zenke 2023 and
Paille et al. 2013 (J Neurosci 33:9353): (dis)inhibition sets the sign of plasticity for the
same spike timing.
"""
import pytest

from dendriteei.parameters import ParameterError
from dendriteei.protocols import stdp_flip as sf

CONDUCTANCES_NS = (0.0, 5.0, 10.0, 20.0, 40.0)



@pytest.fixture(scope="module")
def scan():
    params = sf.StdpFlipParams(n_pairs=2)
    return sf.predicted_outcomes(sf.inhibition_scan(params, CONDUCTANCES_NS, delta_t_ms=10.0), params, 2)


def _outcomes(scan, site):
    return list(scan[scan.site == site].sort_values("sst_nS").predicted_outcome)


def _walk(outcomes):
    """The outcomes with repeats removed, in order of growing conductance."""
    return [o for k, o in enumerate(outcomes) if k == 0 or o != outcomes[k - 1]]


@pytest.mark.slow
def test_local_inhibition_walks_ltp_ltd_none(scan):
    """Bar-Ilan et al. 2013: the proximal synapse potentiates without inhibition, depresses under
    moderate local inhibition (10 nS) and is protected under strong inhibition (20, 40 nS). In Ca
    terms (Graupner–Brunel): LTP needs enough time above θ_p; at the LTD step Ca still crosses θ_d
    long enough to depress; protected: Ca hardly or never crosses θ_d."""
    proximal = scan[scan.site == "proximal"].set_index("sst_nS")
    assert _walk(list(proximal.predicted_outcome)) == ["LTP", "none", "LTD", "none"]
    assert proximal.predicted_outcome[0.0] == "LTP" and proximal.predicted_outcome[10.0] == "LTD"
    assert (proximal.predicted_outcome[[20.0, 40.0]] == "none").all()
    assert proximal.time_above_p_ms[0.0] > proximal.time_above_p_ms[10.0] > 0
    assert proximal.time_above_d_ms[40.0] == 0.0 and proximal.c_peak[40.0] < proximal.theta_d[40.0]


@pytest.mark.slow
def test_disinhibition_sets_the_sign(scan):
    """Rossbroich & Zenke 2023 / Paille et al. 2013: the same pre→post timing gives LTP at the
    proximal synapse when SST is silenced (disinhibition, 0 nS) and LTD or no change with SST
    active (10–40 nS), at both sites."""
    rows = scan.set_index(["site", "sst_nS"]).predicted_outcome
    assert rows["proximal", 0.0] == "LTP"
    for site in sf.SITE_NAMES:
        for g in (10.0, 20.0, 40.0):
            assert rows[site, g] in ("LTD", "none")


@pytest.mark.slow
def test_distal_synapse_flips_first(scan):
    """Location dependence (what the model says): the thin distal oblique tip, where the UP
    synapse's EPSP alone brings Ca near θ_p, is ahead of the proximal synapse on the walk: it
    depresses from 0 nS (no LTP even when disinhibited) and is protected from 5 nS, the proximal
    synapse only from 20 nS."""
    outcomes = scan.assign(outcome=scan.predicted_outcome)
    assert sf.flip_conductance_nS(outcomes, "distal") < sf.flip_conductance_nS(outcomes, "proximal")
    distal = outcomes[outcomes.site == "distal"].set_index("sst_nS").outcome
    assert (distal[[5.0, 10.0, 20.0, 40.0]] == "none").all()


@pytest.mark.slow
def test_shouval_rule_walks_ltp_ltd_none():
    """Shouval et al. 2002 rule on the same synapses (Ca scale set so that a lone EPSP at rest
    peaks at 0.3 µM < α₁), 10 pairings: at the proximal synapse the +10 ms pairing puts Ca above
    α₂ = 0.55 µM and potentiates, 10 nS of SST brings it into the LTD band [α₁, α₂] and depresses
    (W ratio < 0.95), 20 nS below α₁ = 0.35 µM (change within 1 %): Bar-Ilan et al.'s walk with
    the paper's α₁, α₂."""
    scan = sf.inhibition_scan(sf.StdpFlipParams(n_pairs=10), (0.0, 10.0, 20.0), delta_t_ms=10.0, rule="shouval")
    rows = scan[scan.site == "proximal"].set_index("sst_nS")
    assert rows.loc[0.0, "c_peak"] > 0.55 and rows.loc[0.0, "change"] > 1.0
    assert 0.35 < rows.loc[10.0, "c_peak"] < 0.55 and rows.loc[10.0, "change"] < 0.95
    assert rows.loc[20.0, "c_peak"] < 0.35 and rows.loc[20.0, "change"] == pytest.approx(1.0, abs=0.01)


def test_bad_rule_or_condition_raises():
    with pytest.raises(ParameterError, match="rules"):
        sf.run(sf.StdpFlipParams(rules=("hebb",)))
    with pytest.raises(ParameterError, match="conditions"):
        sf.run(sf.StdpFlipParams(conditions=("vip",)))
