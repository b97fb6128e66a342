"""STDP flipped by (dis)inhibition (issue 5 §2), coarse: one pairing timing (Δt = +10 ms),
SST conductances 0, 20 and 40 nS, 60 pairings at 1 Hz (Graupner & Brunel 2012's protocol).

Sources: Bar-Ilan, Gidon & Segev 2013 (Front Neural Circuits 6:118): with growing local
inhibition a synapse moves LTP → LTD → protected (no change); Rossbroich & Zenke 2023 and
Paille et al. 2013 (J Neurosci 33:9353): (dis)inhibition sets the sign of plasticity for the
same spike timing. Outcomes use the protocol's bands: LTP if the group change > 1.1, LTD if
< 0.9 (a DOWN and an UP synapse per site: both UP gives 1.67, both DOWN 0.33).
"""
import pytest

from dendriteei.parameters import ParameterError
from dendriteei.protocols import stdp_flip as sf

CONDUCTANCES_NS = (0.0, 20.0, 40.0)
ORDER = {"LTP": 0, "LTD": 1, "none": 2}


@pytest.fixture(scope="module")
def scan():
    return sf.inhibition_scan(sf.StdpFlipParams(), CONDUCTANCES_NS, delta_t_ms=10.0)


def _outcomes(scan, site):
    return list(scan[scan.site == site].sort_values("sst_nS").outcome)


@pytest.mark.slow
def test_local_inhibition_walks_ltp_ltd_none(scan):
    """Bar-Ilan et al. 2013: the proximal synapse potentiates without inhibition, depresses at
    20 nS and is protected at 40 nS. In Ca terms (Graupner–Brunel): LTP needs time above θ_p;
    at the LTD step Ca no longer reaches θ_p but stays above θ_d; at the protected step the
    time above θ_d falls to less than half of the LTD step's, too little to depress."""
    assert _outcomes(scan, "proximal") == ["LTP", "LTD", "none"]
    rows = scan[scan.site == "proximal"].sort_values("sst_nS").to_dict("records")
    ltp, ltd, protected = rows
    assert ltp["time_above_p_ms"] > 0 and ltp["c_peak"] > ltp["theta_p"]
    assert ltd["time_above_p_ms"] == 0 and ltd["theta_d"] < ltd["c_peak"] < ltd["theta_p"]
    assert protected["time_above_p_ms"] == 0 and protected["time_above_d_ms"] < 0.5 * ltd["time_above_d_ms"]


@pytest.mark.slow
def test_disinhibition_sets_the_sign(scan):
    """Rossbroich & Zenke 2023 / Paille et al. 2013: the same pre→post timing gives LTP when
    SST is silenced (disinhibition, 0 nS) and LTD or no change with SST active (20 nS), at
    both sites."""
    for site in sf.SITE_NAMES:
        rows = scan[scan.site == site].set_index("sst_nS")
        assert rows.loc[0.0, "outcome"] == "LTP"
        assert rows.loc[20.0, "outcome"] in ("LTD", "none")


@pytest.mark.slow
def test_distal_synapse_flips_first(scan):
    """Location dependence (issue 5 §2; what the model says): the thin distal oblique tip is
    never behind the proximal synapse on the LTP → LTD → none walk, and at 20 nS it is
    already protected while the proximal synapse depresses."""
    proximal, distal = _outcomes(scan, "proximal"), _outcomes(scan, "distal")
    assert all(ORDER[d] >= ORDER[p] for p, d in zip(proximal, distal))
    assert distal[1] == "none" and proximal[1] == "LTD"


@pytest.mark.slow
def test_shouval_rule_in_the_cell_is_moved_out_of_its_ltd_band():
    """Shouval et al. 2002 rule on the same synapses (Ca scaled so that a lone EPSP at rest
    peaks at 0.3 µM < α₁): the +10 ms pairing puts Ca in the LTD band [α₁, α₂] = [0.35,
    0.55] µM and depresses (W ratio < 0.95 after 10 pairings); 40 nS of SST brings Ca below α₁
    and the change within 1 %. The model does not reach α₂ (no LTP): dei_glu's NMDA Ca
    uses the NMDA reversal (0 mV), so the bAP's peak carries little Ca (see README)."""
    scan = sf.inhibition_scan(sf.StdpFlipParams(n_pairs=10), (0.0, 40.0), delta_t_ms=10.0, rule="shouval")
    for site in sf.SITE_NAMES:
        rows = scan[scan.site == site].set_index("sst_nS")
        assert 0.35 < rows.loc[0.0, "c_peak"] < 0.55
        assert rows.loc[0.0, "change"] < 0.95
        assert rows.loc[40.0, "c_peak"] < 0.35
        assert rows.loc[40.0, "change"] == pytest.approx(1.0, abs=0.01)


def test_bad_rule_or_condition_raises():
    with pytest.raises(ParameterError, match="rules"):
        sf.run(sf.StdpFlipParams(rules=("hebb",)))
    with pytest.raises(ParameterError, match="conditions"):
        sf.run(sf.StdpFlipParams(conditions=("vip",)))
