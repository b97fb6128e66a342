"""Shouval, Bear & Cooper 2002 (PNAS 99:10831) STDP on dei_glu (rule 2, NMDA Ca), the site clamped
to rest + the paper's bAP (100 mV, 0.75·e^(−t/3 ms) + 0.25·e^(−t/25 ms), 2 ms delay), 100 pairings
at 1 Hz (Fig. 3C). The Ca scale (spine volume) is set once so that pairing at −62.5 mV peaks at α₁ (Fig. 3A);
nothing is fitted to the STDP curve. Δt = t_post − t_pre (positive: pre first).

Paper's Fig. 3C regions (figure legend): I LTD for −30 < Δt < −5 ms, II LTP for 0 < Δt < 45 ms,
III LTD for 45 < Δt < 100 ms. Model (5 ms grid, `python protocols/shouval_stdp.py`; LTD: W ratio
< 0.9, LTP: > 1.1): LTD for −45…−10 ms (weaker down to −55), LTP for −5…+35 ms, LTD for
+40…+70 ms, |W ratio − 1| < 2 % beyond ±85 ms. The LTD–LTP–LTD shape is the paper's; the
edges are off by 5–15 ms (region I reaches further out, the I/II and II/III crossovers are
≈ 5 ms early), and region III ends ≈ 25 ms early: dei_glu's NMDA current decays with one 43 ms
exponential, the paper's with 50 and 200 ms in equal parts. Those parts are strict xfails.
"""
import dataclasses

import numpy as np
import pytest

from dendriteei.plasticity import ShouvalParams
from dendriteei.protocols import shouval_stdp as ss

PARAMS = ss.ShouvalStdpParams(delta_ts_ms=(-100.0, -40.0, -15.0, 10.0, 40.0, 55.0, 90.0, 100.0))
ALPHA1, ALPHA2 = ShouvalParams().alpha1_uM, ShouvalParams().alpha2_uM


@pytest.fixture(scope="module")
def curve():
    return ss.run(PARAMS).summary.set_index("delta_t_ms")


def test_bap_command_is_the_papers_waveform():
    """Clamp command = rest + 100 mV·(0.75 e^(−s/3) + 0.25 e^(−s/25)), s = time since the spike
    − 2 ms (Shouval 2002 Methods, as CaDP-MatLab BPAP.m): rest just before arrival, the full
    100 mV at arrival, the analytic value 25 ms later within 0.01 mV (linear interpolation)."""
    t, v = ss.bap_command(PARAMS, [100.0], 1000.0)
    arrival = 102.0
    at = np.flatnonzero(t == arrival)
    assert len(at) == 2 and v[at[0]] == pytest.approx(-65.0) and v[at[1]] == pytest.approx(35.0)
    expected = -65.0 + 100.0 * (0.75 * np.exp(-25.0 / 3.0) + 0.25 * np.exp(-1.0))
    assert np.interp(arrival + 25.0, t, v) == pytest.approx(expected, abs=0.01)
    assert np.all(np.diff(t) >= 0) and v[-1] == pytest.approx(-65.0, abs=1e-3)


def test_timing_convention():
    """Δt = t_post − t_pre as stdp.py and the paper's Fig. 3C: Δt > 0 puts pre first."""
    pre, post, _ = ss.pair_times(PARAMS, 10.0)
    assert np.allclose(post - pre, 10.0) and pre[0] == PARAMS.settle_ms
    pre, post, _ = ss.pair_times(PARAMS, -15.0)
    assert np.allclose(post - pre, -15.0) and post[0] == PARAMS.settle_ms


@pytest.mark.slow
def test_post_pre_depresses(curve):
    """Region I (−30 < Δt < −5 ms, Shouval 2002 Fig. 3C): Δt = −15 ms gives LTD (W ratio < 0.9) with
    the Ca peak in the LTD band α₁ < Ca < α₂ (0.35–0.55 µM): pre arrives on the bAP's slow tail."""
    row = curve.loc[-15.0]
    assert row.change < 0.9
    assert ALPHA1 < row.c_peak_uM < ALPHA2


@pytest.mark.slow
def test_pre_post_potentiates(curve):
    """Region II (0 < Δt < 45 ms, Shouval 2002 Fig. 3C): Δt = +10 ms gives LTP (W ratio > 1.1), the
    Ca peak above α₂ = 0.55 µM (the bAP unblocks NMDA receptors opened by pre)."""
    row = curve.loc[10.0]
    assert row.change > 1.1
    assert row.c_peak_uM > ALPHA2


@pytest.mark.slow
def test_second_ltd_window_for_long_pre_post(curve):
    """Region III (45 < Δt < 100 ms, Shouval 2002 Fig. 3C): Δt = +55 ms, inside both the paper's and
    the model's window, gives LTD (W ratio < 0.9): the bAP meets the NMDA tail, Ca peaks in the LTD
    band (α₁ < Ca < α₂)."""
    row = curve.loc[55.0]
    assert row.change < 0.9
    assert ALPHA1 < row.c_peak_uM < ALPHA2


@pytest.mark.slow
def test_no_change_far_out(curve):
    """Δt = ±100 ms (Shouval 2002 Fig. 3C: outside region I, at the end of region III): no change,
    |W ratio − 1| < 2 % (the tolerance of the clamped-pairing band test)."""
    for dt in (-100.0, 100.0):
        assert abs(curve.loc[dt].change - 1.0) < 0.02


@pytest.mark.xfail(strict=True, reason="model's region I reaches −45 ms: a lone pre spike at rest brings Ca to "
                   "0.31 µM (α₁ = 0.35), so the few mV of the bAP's slow tail 40 ms later still push Ca into "
                   "the LTD band")
@pytest.mark.slow
def test_no_ltd_outside_the_papers_region_i(curve):
    """Region I starts at −30 ms (Shouval 2002 Fig. 3C): at Δt = −40 ms the change should be small,
    |W ratio − 1| < 0.1."""
    assert abs(curve.loc[-40.0].change - 1.0) < 0.1


@pytest.mark.xfail(strict=True, reason="model's LTP window ends at ≈ 35-40 ms: dei_glu's NMDA current "
                   "decays with one 43 ms exponential, the paper's with 50 and 200 ms in equal parts")
@pytest.mark.slow
def test_ltp_up_to_the_papers_region_ii_edge(curve):
    """Region II extends to 45 ms (Shouval 2002 Fig. 3C): Δt = +40 ms should potentiate (W ratio > 1)."""
    assert curve.loc[40.0].change > 1.0


@pytest.mark.xfail(strict=True, reason="model's second LTD window ends at ≈ 75-80 ms (paper 100 ms): "
                   "43 ms single-exponential NMDA decay instead of the paper's 50/200 ms")
@pytest.mark.slow
def test_second_ltd_window_reaches_90_ms(curve):
    """Region III extends to 100 ms (Shouval 2002 Fig. 3C): Δt = +90 ms should depress (W ratio < 0.9)."""
    assert curve.loc[90.0].change < 0.9


@pytest.mark.slow
def test_fixed_step_and_cvode_agree():
    """Δt = +10 and −15 ms, 5 pairings, one Ca scale: W_after/W_before with the fixed step (dt 0.025
    ms, implicit Euler) and with CVODE (atol 1e-6, the protocol default) agree within 0.005
    (stated tolerance; measured ≈ 1e-4), and the two calibrated Ca scales within 0.1 %. Both runs
    reach the bAP peak (> 34 mV of the command's 35 mV: the jump is not smoothed away)."""
    params = dataclasses.replace(PARAMS, n_pairs=5)
    spec = ss.cell_spec(params.cell)
    gains = {cvode: ss.calibrate_volume(spec, dataclasses.replace(params, cvode=cvode)) for cvode in (True, False)}
    assert gains[False] == pytest.approx(gains[True], rel=1e-3)
    for dt, sign in ((10.0, 1.0), (-15.0, -1.0)):
        changes = {}
        for cvode in (True, False):
            row, trace = ss.run_timing(spec, dataclasses.replace(params, cvode=cvode), dt, gains[True])
            changes[cvode] = row["change"]
            # the clamped site follows the command's jump to the bAP peak (−65 + 100 mV)
            assert trace[trace.variable == "v"].value.max() > 34.0
        assert np.sign(changes[True] - 1.0) == sign and abs(changes[True] - 1.0) > 0.05
        assert changes[False] == pytest.approx(changes[True], abs=0.005)
