"""The istdp-window and istdp-homeostatic protocols (dendriteei/protocols/istdp_window.py,
istdp_homeostatic.py) against the published iSTDP rules.

Expected values are written here from the publications as summarised in science.md §4 and
review Box 1 (Wu, Miehl & Gjorgjieva 2022 Trends Neurosci, seeds/000): Vogels et al. 2011
(symmetric Hebbian, α = 2ρ₀τ_STDP), Haas et al. 2006 (asymmetric Hebbian), Wilmes et al. 2017
(asymmetric anti-Hebbian), Woodin et al. 2003 (symmetric anti-Hebbian) and Zenke, Agnes &
Gerstner 2015 with the seeds/003 Brian2 protocol (homeostatic factor G = H − γ). Each test
names its source and tolerance.
"""
import dataclasses
import math

import matplotlib
import numpy as np
import pytest

from dendriteei import plotting
from dendriteei.parameters import ParameterError, with_overrides
from dendriteei.protocols import istdp_homeostatic, istdp_window

ABS_TOL = 1e-9  # µS
REL_TOL = 1e-6
WINDOW_NAMES = ("symmetric_hebbian", "asymmetric_hebbian", "asymmetric_antihebbian", "symmetric_antihebbian")
# Default grid plus irregular timings (the fixed-step and CVODE event times then differ from grid points).
DTS = (-100.0, -50.0, -37.3, -20.0, -10.0, -5.0, -1.3, 1.3, 5.0, 10.0, 20.0, 37.3, 50.0, 100.0)


def published_dw(window, dt, eta, alpha, a_plus=1.0, a_minus=1.0, tau=20.0, tau_minus=None):
    """Δw of one isolated pair, Δt = t_post − t_pre (ms), in closed form:
    symmetric Hebbian η(e^{−|Δt|/τ} − α) (Vogels et al. 2011); asymmetric Hebbian +η a₊ e^{−Δt/τ}
    for Δt > 0, −η a₋ e^{Δt/τ₋} for Δt < 0 (Haas et al. 2006); asymmetric anti-Hebbian its negative
    (Wilmes et al. 2017); symmetric anti-Hebbian the negative of symmetric Hebbian (Woodin et al. 2003)."""
    tau_minus = tau_minus or tau
    if window in ("symmetric_hebbian", "symmetric_antihebbian"):
        decay = math.exp(-dt / tau) if dt > 0 else math.exp(dt / tau_minus)
        dw = eta * (decay - alpha)
        return dw if window == "symmetric_hebbian" else -dw
    dw = eta * a_plus * math.exp(-dt / tau) if dt > 0 else -eta * a_minus * math.exp(dt / tau_minus)
    return dw if window == "asymmetric_hebbian" else -dw


def box1_sign(window, dt):
    """Sign of Δw in Box 1 (Figure I) of Wu, Miehl & Gjorgjieva 2022; 'near' is |Δt| ≤ 20 ms and
    'far' |Δt| ≥ 50 ms for the default α = 0.12 (Vogels et al. 2011, ρ₀ = 3 Hz, τ = 20 ms).
    None: between near and far (the symmetric windows change sign there)."""
    near, far = abs(dt) <= 20.0, abs(dt) >= 50.0
    if window == "asymmetric_hebbian":
        return 1 if dt > 0 else -1
    if window == "asymmetric_antihebbian":
        return -1 if dt > 0 else 1
    sign = 1 if window == "symmetric_hebbian" else -1
    return sign if near else -sign if far else None


@pytest.fixture(scope="module")
def windows_fixed():
    params = istdp_window.IstdpWindowParams(window="all", delta_ts_ms=DTS)
    return istdp_window.run(params).summary


@pytest.fixture(scope="module")
def windows_cvode():
    params = istdp_window.IstdpWindowParams(window="all", delta_ts_ms=DTS, cvode=True)
    return istdp_window.run(params).summary


@pytest.mark.parametrize("window", WINDOW_NAMES)
def test_window_equals_analytic(windows_fixed, window):
    """One isolated pair per Δt (η = 1e-5 µS, Vogels et al. 2011; α = 0.12): simulated Δw equals the
    module's analytic Δw (the mod-header equations) and the closed form of the publications
    (published_dw) within 1e-9 µS absolute or 1e-6 relative at every Δt; each synapse counted
    exactly one post event."""
    part = windows_fixed[windows_fixed.window == window]
    assert list(part.delta_t_ms) == list(DTS)
    assert part.dw_uS.tolist() == pytest.approx(part.dw_analytic_uS.tolist(), rel=REL_TOL, abs=ABS_TOL)
    assert part.error_uS.abs().max() <= ABS_TOL
    published = [published_dw(window, dt, 1e-5, 0.12) for dt in part.delta_t_ms]
    assert part.dw_uS.tolist() == pytest.approx(published, rel=REL_TOL, abs=ABS_TOL)
    assert (part.n_post == 1).all()
    assert (part.w_after_uS - part.w_before_uS).tolist() == pytest.approx(part.dw_uS.tolist(), abs=1e-15)


@pytest.mark.parametrize("window", WINDOW_NAMES)
def test_window_signs_follow_box1(windows_fixed, window):
    """Box 1 of Wu, Miehl & Gjorgjieva 2022: symmetric Hebbian iLTP near, iLTD far; asymmetric
    Hebbian iLTP for Δt > 0, iLTD for Δt < 0; asymmetric anti-Hebbian the reverse; symmetric
    anti-Hebbian iLTD near, iLTP far (exact sign)."""
    part = windows_fixed[windows_fixed.window == window]
    checked = 0
    for dt, dw in zip(part.delta_t_ms, part.dw_uS):
        expected = box1_sign(window, dt)
        if expected is not None:
            assert np.sign(dw) == expected, f"{window} at Δt = {dt} ms: Δw = {dw}"
            checked += 1
    assert checked >= 12


def test_fixed_step_and_cvode_agree(windows_fixed, windows_cvode):
    """The updates are event-driven with exact event times, so the fixed step (dt = 0.025 ms) and
    CVODE give the same Δw within 1e-9 µS for every window and Δt (also off-grid Δt)."""
    assert np.max(np.abs(windows_fixed.dw_uS.values - windows_cvode.dw_uS.values)) < ABS_TOL
    assert windows_cvode.error_uS.abs().max() <= ABS_TOL


def test_window_parameters_are_used():
    """Non-default parameters reach the synapses: a₊ = 1.5, a₋ = 0.7, τ₋ = 35 ms, τ_STDP = 15 ms,
    explicit α = 0.3, η = 2e-4 µS; simulated Δw equals published_dw (Haas et al. 2006,
    Wilmes et al. 2017 with unequal amplitudes; Vogels et al. 2011 / Woodin et al. 2003 with α)
    within 1e-9 µS / 1e-6 relative. τ₋ is the decay of the post trace in every window (mod header),
    so here it also sets the Δt < 0 side of the symmetric windows."""
    params = istdp_window.IstdpWindowParams(window="all", delta_ts_ms=(-60.0, -8.0, 3.0, 25.0), eta=2e-4,
                                            tau_stdp_ms=15.0, tau_minus_ms=35.0, alpha=0.3, a_plus=1.5,
                                            a_minus=0.7, w_init_uS=0.01)
    summary = istdp_window.run(params).summary
    for row in summary.itertuples():
        symmetric = row.window.startswith("symmetric")
        expected = published_dw(row.window, row.delta_t_ms, 2e-4, 0.3, 1.0 if symmetric else 1.5,
                                1.0 if symmetric else 0.7, tau=15.0, tau_minus=35.0)
        assert row.dw_uS == pytest.approx(expected, rel=REL_TOL, abs=ABS_TOL)


def test_window_rho0_sets_alpha_and_clipping_is_analytic():
    """α = 2ρ₀τ_STDP (Vogels et al. 2011): ρ₀ = 5 Hz, τ = 20 ms gives α = 0.2 (relative 1e-12).
    Clipping at w_min = 0 (Vogels et al. 2011 keep w ≥ 0) acts after each update: from
    w_init = 1e-6 µS, a symmetric-Hebbian pair 80 ms apart ends at 0 when post comes first (the
    pre update η(e^{−4} − α) ≈ −2e-6 µS is clipped last) and at η e^{−4} when pre comes first
    (clipped to 0, then the post update adds η e^{−4}); simulated and analytic agree within
    1e-9 µS / 1e-6 relative."""
    eta = 1e-5
    params = istdp_window.IstdpWindowParams(delta_ts_ms=(-80.0, 80.0), rho0_hz=5.0, w_init_uS=1e-6, eta=eta)
    summary = istdp_window.run(params).summary
    assert summary.alpha.iloc[0] == pytest.approx(0.2, rel=1e-12)
    assert summary.w_after_uS.tolist() == pytest.approx([0.0, eta * math.exp(-4.0)], rel=REL_TOL, abs=1e-15)
    assert summary.dw_uS.tolist() == pytest.approx(summary.dw_analytic_uS.tolist(), rel=REL_TOL, abs=ABS_TOL)


# --- homeostatic ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def homeostatic():
    """The seeds/003 experiment at the protocol defaults (5 epochs of 1 s at 0–10 Hz)."""
    return istdp_homeostatic.run(istdp_homeostatic.IstdpHomeostaticParams())


@pytest.mark.slow
def test_homeostatic_dw_linear_in_g(homeostatic):
    """Zenke et al. 2015 (seeds/003): an isolated pre→post pair Δt = 1 ms apart gives
    Δw = η G (1 + e^{−Δt/τ}), η = 0.001 µS/Hz, τ = 20 ms. A straight-line fit of Δw against G over
    the five epochs has slope η(1 + e^{−1/20}) within 1 % and intercept below 1e-9 µS; each
    row matches its expected Δw within 1e-9 µS / 1e-6 relative; G < 0 depresses, G > 0
    potentiates (the true Δw = w_after − w_before, not the seed plot's inverted sign)."""
    s = homeostatic.summary
    slope, intercept = np.polyfit(s.G_hz, s.dw_uS, 1)
    assert slope == pytest.approx(0.001 * (1.0 + math.exp(-1.0 / 20.0)), rel=0.01)
    assert abs(intercept) < ABS_TOL
    assert s.dw_uS.tolist() == pytest.approx(s.dw_expected_uS.tolist(), rel=REL_TOL, abs=ABS_TOL)
    assert s.dw_uS.tolist() == pytest.approx((s.w_after_uS - s.w_before_uS).tolist(), abs=1e-15)
    assert (np.sign(s.dw_uS) == np.sign(s.G_hz)).all()
    assert s.G_hz.iloc[0] == pytest.approx(-5.0)  # no excitatory spikes: H = 0, G = −γ
    assert s.dw_uS.iloc[0] < 0 < s.dw_uS.iloc[-1]


@pytest.mark.slow
def test_homeostatic_h_tracks_epoch_rate(homeostatic):
    """H is the excitatory rate low-passed with τ_H = 100 ms (Zenke et al. 2015; seeds/003). At the
    pairing (900 ms = 9 τ_H into the 1 s epoch) its Poisson expectation is the epoch rate (within
    1e-3 relative + 1e-3 Hz: the previous epoch's transient e^{−9} is left), and H lies within 5 SD
    of it (shot noise SD sqrt(r/(2 τ_H N_E)), Campbell's theorem). H equals the event sum
    Σ_k 1000/(τ_H N_E) e^{−(t − t_k)/τ_H} of the E spikes to 1e-9 relative."""
    s = homeostatic.summary
    assert s.H_expected_hz.tolist() == pytest.approx(s.rate_hz.tolist(), rel=1e-3, abs=1e-3)
    sd = np.sqrt(s.rate_hz / (2 * 0.1 * 1000))
    assert s.H_sd_hz.tolist() == pytest.approx(sd.tolist(), rel=1e-3)
    assert (np.abs(s.H_hz - s.H_expected_hz) <= 5 * s.H_sd_hz).all()
    assert s.H_hz.tolist() == pytest.approx(s.H_events_hz.tolist(), rel=1e-9, abs=1e-12)
    assert (s.G_hz - (s.H_hz - 5.0)).abs().max() < 1e-12
    counts = s.rate_hz * 1000 * 1.0  # N_E · r · 1 s
    assert (np.abs(s.n_exc_spikes - counts) <= 5 * np.sqrt(counts) + 1).all()


@pytest.mark.slow
def test_homeostatic_fixed_step_and_cvode_agree():
    """Shorter run (3 epochs of 300 ms at 0, 5, 10 Hz, 200 sources): the weights with the fixed
    step and with CVODE agree within 1e-9 µS and both match η G (1 + e^{−Δt/τ}) within
    1e-9 µS / 1e-6 relative (Zenke et al. 2015)."""
    base = istdp_homeostatic.IstdpHomeostaticParams(rates_hz=(0.0, 5.0, 10.0), epoch_ms=300.0, n_exc=200,
                                                    settle_ms=20.0)
    fixed = istdp_homeostatic.run(base).summary
    variable = istdp_homeostatic.run(dataclasses.replace(base, cvode=True)).summary
    assert np.max(np.abs(fixed.w_after_uS.values - variable.w_after_uS.values)) < ABS_TOL
    for s in (fixed, variable):
        assert s.dw_uS.tolist() == pytest.approx(s.dw_expected_uS.tolist(), rel=REL_TOL, abs=ABS_TOL)


# --- parameters and plots ------------------------------------------------------------------


@pytest.mark.parametrize("params_type, overrides", [
    (istdp_window.IstdpWindowParams, {"window": "hebbian"}),
    (istdp_window.IstdpWindowParams, {"tau_stdp_ms": "-20"}),
    (istdp_window.IstdpWindowParams, {"tau_minus_ms": "-5"}),
    (istdp_window.IstdpWindowParams, {"tau_ms": "20"}),
    (istdp_homeostatic.IstdpHomeostaticParams, {"tau_H_ms": "-100"}),
    (istdp_homeostatic.IstdpHomeostaticParams, {"tau_stdp_ms": "0"}),
    (istdp_homeostatic.IstdpHomeostaticParams, {"rates_hz": "1,-2"}),
])
def test_bad_parameters_rejected(params_type, overrides):
    """Unknown window names, unknown parameters and negative (or zero) time constants or rates
    raise ParameterError (dendriteei.parameters)."""
    with pytest.raises(ParameterError):
        with_overrides(params_type(), overrides)


@pytest.mark.parametrize("run, params_type, kwargs", [
    (istdp_window.run, istdp_window.IstdpWindowParams, {"tau_stdp_ms": -20.0}),
    (istdp_window.run, istdp_window.IstdpWindowParams, {"window": "hebbian"}),
    (istdp_window.run, istdp_window.IstdpWindowParams, {"delta_ts_ms": (-10.0, 0.0, 10.0)}),
    (istdp_homeostatic.run, istdp_homeostatic.IstdpHomeostaticParams, {"tau_H_ms": -100.0}),
    (istdp_homeostatic.run, istdp_homeostatic.IstdpHomeostaticParams, {"pair_phase": 0.99, "epoch_ms": 50.0}),
    (istdp_homeostatic.run, istdp_homeostatic.IstdpHomeostaticParams, {"rates_hz": ()}),
])
def test_run_validates_directly_built_parameters(run, params_type, kwargs):
    """Parameters built without with_overrides are validated (when built, so before run()):
    out-of-range values, unknown windows, Δt = 0 (undefined order of simultaneous events), no
    epochs and a pair that does not fit in its epoch raise ParameterError before any simulation."""
    with pytest.raises(ParameterError):
        run(params_type(**kwargs))


@pytest.mark.slow
def test_plots(windows_fixed, homeostatic):
    """Both figures draw: simulated markers and analytic lines (no numerical check)."""
    window_result = istdp_window.run(istdp_window.IstdpWindowParams())
    fig = plotting.plot_istdp_window(window_result)
    assert len(fig.axes[0].lines) >= 4
    fig = plotting.plot_istdp_homeostatic(homeostatic)
    assert len(fig.axes) == 3
    matplotlib.pyplot.close("all")
