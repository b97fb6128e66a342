"""Synaptic and dendritic Ca in the default cell against the measured ranges (synaptic-calcium
protocol: dei_glu's spine-head pool in µM, the cell's dendritic Ca pools). Each test names its
source and tolerance.

Sources: Sabatini, Oertner & Svoboda 2002 Neuron 33:439 (CA1 spines: one bAP 1.1 µM, range
0.6–8.2 µM; decay 12–20 ms); Koester & Sakmann 1998 PNAS 95:9596 (L5 spines: EPSP and bAP Ca of
comparable amplitude; EPSP→AP pairs sum supralinearly, AP→EPSP pairs sublinearly); Helmchen,
Imoto & Sakmann 1996 Biophys J 70:1069 (L5 proximal trunk: buffer capacity 100, decay 70 ms,
one AP: hundreds of nM); Schiller, Helmchen & Sakmann 1995 J Physiol 487:583 (bAP Ca falls
along the apical trunk).
"""
import numpy as np
import pytest

from dendriteei.protocols import synaptic_calcium as sc

TRUNK = ("trunk@50um", "trunk@150um", "trunk@300um", "trunk@500um")
PROXIMAL = ("oblique@150um", "trunk@150um")


@pytest.fixture(scope="module")
def calcium():
    return sc.run(sc.SynapticCalciumParams(sites=TRUNK + ("oblique@150um",))).summary


def _value(table, site, event, column, delta_t_ms=None):
    rows = table[(table.site == site) & (table.event == event)]
    if delta_t_ms is not None:
        rows = rows[np.isclose(rows.delta_t_ms, delta_t_ms)]
    assert len(rows) == 1
    return float(rows[column].iloc[0])


@pytest.mark.slow
@pytest.mark.parametrize("site", PROXIMAL)
def test_one_bap_gives_proximal_spines_the_measured_ca(calcium, site):
    """Sabatini et al. 2002: one bAP raises spine-head Ca by 1.1 µM (range 0.6–8.2 µM) in proximal
    spines; the model's spine at 150 µm lies in that range, and its transient decays within the
    measured 12–20 ms (tolerance: the range)."""
    assert 0.6 <= _value(calcium, site, "bap", "spine_ca_uM") <= 8.2
    assert 12.0 <= _value(calcium, site, "bap", "spine_decay_ms") <= 20.0


@pytest.mark.slow
@pytest.mark.parametrize("site", PROXIMAL)
def test_epsp_and_bap_bring_comparable_spine_ca(calcium, site):
    """Koester & Sakmann 1998: in proximal spines an EPSP's and a bAP's Ca transients are of
    comparable amplitude; tolerance (ours, the paper gives no ratio here): within a factor 3."""
    ratio = _value(calcium, site, "epsp", "spine_ca_uM") / _value(calcium, site, "bap", "spine_ca_uM")
    assert 1 / 3 <= ratio <= 3


@pytest.mark.slow
@pytest.mark.parametrize("site", TRUNK[:2])
def test_one_bap_gives_hundreds_of_nM_in_the_proximal_trunk(calcium, site):
    """Helmchen et al. 1996 (L5 proximal trunk, buffer capacity 100): one AP raises dendritic
    [Ca]i by hundreds of nM (accepted: 100–500 nM) and the transient decays with 70 ms (± 20 %)."""
    assert 100.0 <= _value(calcium, site, "bap", "shaft_ca_nM") <= 500.0
    assert _value(calcium, site, "bap", "shaft_decay_ms") == pytest.approx(70.0, rel=0.2)


@pytest.mark.slow
def test_bap_ca_falls_with_distance_along_the_trunk(calcium):
    """Schiller et al. 1995: the bAP's dendritic Ca falls along the apical trunk; here both the
    shaft and the spine Ca of one bAP fall monotonically from 50 to 500 µm, to below half."""
    for column in ("shaft_ca_nM", "spine_ca_uM"):
        values = [_value(calcium, site, "bap", column) for site in TRUNK]
        assert all(a > b for a, b in zip(values, values[1:]))
        assert values[-1] < 0.5 * values[0]


@pytest.mark.slow
@pytest.mark.parametrize("site", PROXIMAL)
def test_coincidence_is_supralinear_only_for_pre_post(calcium, site):
    """Koester & Sakmann 1998: EPSP followed by an AP (Δt = +10 ms) gives more spine Ca than
    the sum of the two alone; AP followed by the EPSP (−10 ms) gives less (ratio < 1)."""
    assert _value(calcium, site, "pair", "supralinearity", 10.0) > 1.0
    assert _value(calcium, site, "pair", "supralinearity", -10.0) < 1.0


@pytest.mark.slow
def test_fixed_step_and_cvode_agree(calcium):
    """Fixed step (dt 0.025 ms) and CVODE (atol 1e-4): spine Ca peaks of the EPSP, the bAP and
    the +10 ms pairing within 3 % and the shaft bAP Ca within 3 % at the proximal oblique (stated
    tolerance)."""
    fixed = sc.run(sc.SynapticCalciumParams(sites=("oblique@150um",), delta_ts_ms=(10.0,), cvode=False,
                                            window_ms=150.0)).summary
    cvode = calcium[(calcium.site == "oblique@150um") & (calcium.delta_t_ms != -10.0)].reset_index(drop=True)
    assert np.allclose(fixed.spine_ca_uM, cvode.spine_ca_uM, rtol=0.03)
    assert _value(fixed, "oblique@150um", "bap", "shaft_ca_nM") == pytest.approx(
        _value(cvode, "oblique@150um", "bap", "shaft_ca_nM"), rel=0.03)


def test_bad_site_is_refused():
    with pytest.raises(Exception, match="site"):
        sc.SynapticCalciumParams(sites=("nowhere@",))
