"""Balance metrics (dendriteei.balance) on synthetic E and I with analytically known answers.
Definitions: Wu, Miehl & Gjorgjieva 2022 Trends Neurosci, Box 2 (global, detailed, tight, loose)."""
import math

import numpy as np
import pandas as pd
import pytest

from dendriteei import balance


def _orthonormal_patterns(k: int, count: int, seed: int = 0) -> np.ndarray:
    """``count`` zero-mean, mutually orthogonal patterns over k stimuli, each with mean square 1."""
    rng = np.random.default_rng(seed)
    q, _ = np.linalg.qr(np.column_stack([np.ones(k), rng.normal(size=(k, count))]))
    return q[:, 1:].T * math.sqrt(k)


def test_pearson_and_ratio_exact():
    """Exact: r(x, 2x + 1) = 1, r(x, −x) = −1; x = a + b, y = a + c with orthogonal zero-mean
    a, b, c of equal norm gives r = |a|²/(2|a|²) = 0.5 (to 1e-12); flat → NaN; E = 3 I → ratio 3."""
    a, b, c = _orthonormal_patterns(8, 3)
    x = np.linspace(0.0, 1.0, 8)
    assert balance.pearson(x, 2 * x + 1) == pytest.approx(1.0, abs=1e-12)
    assert balance.pearson(x, -x) == pytest.approx(-1.0, abs=1e-12)
    assert balance.pearson(a + b, a + c) == pytest.approx(0.5, abs=1e-12)
    assert math.isnan(balance.pearson(x, np.full(8, 0.1)))
    assert balance.ei_ratio(3 * (x + 1), x + 1) == pytest.approx(3.0, rel=1e-12)


def test_detailed_balance_per_unit():
    """Per unit across 8 groups (exact): I = E/2 → r = 1, E/I = 2; I = 3 − E → r = −1; flat I →
    r NaN (undefined, not zero)."""
    e = 1.0 + 0.5 * np.cos(np.linspace(0, 2 * np.pi, 8, endpoint=False))
    table = pd.DataFrame({"branch": np.repeat(["co", "anti", "flat"], 8), "group": np.tile(np.arange(1, 9), 3),
                          "g_exc": np.tile(e, 3), "g_inh": np.concatenate([e / 2, 3 - e, np.full(8, 0.7)])})
    out = balance.detailed_balance(table).set_index("branch")
    assert out.loc["co", "r"] == pytest.approx(1.0, abs=1e-12)
    assert out.loc["co", "ei_ratio"] == pytest.approx(2.0, rel=1e-12)
    assert out.loc["anti", "r"] == pytest.approx(-1.0, abs=1e-12)
    assert math.isnan(out.loc["flat", "r"]) and (out.n_stimuli == 8).all()


def test_global_without_detailed_balance():
    """Box 2 Fig. IA: each unit's E and I vary around a shared unit mean m_u with orthogonal
    patterns over stimuli (within-unit r = 0 exactly), the means differ between units. Pooled
    r = V_m/(V_m + 1) with V_m the variance of the unit means (mean-square-1 patterns):
    m = 50, 60, 70 → V_m = 200/3, r = 0.98522 (to 1e-9)."""
    e, f = _orthonormal_patterns(8, 2, seed=4)
    means = (50.0, 60.0, 70.0)
    table = pd.DataFrame({"branch": np.repeat(["a", "b", "c"], 8), "group": np.tile(np.arange(8), 3),
                          "g_exc": np.concatenate([m + e for m in means]),
                          "g_inh": np.concatenate([m + f for m in means])})
    result = balance.global_balance(table)
    v_m = np.var(means)
    assert result.r_pooled == pytest.approx(v_m / (v_m + 1.0), abs=1e-9)
    assert result.r_within_mean == pytest.approx(0.0, abs=1e-9)
    assert result.ei_ratio == pytest.approx(1.0, abs=1e-12)


def test_tight_balance_recovers_the_lag():
    """I is E delayed by 3 ms (white noise, dt 0.5 ms, 20 s): the fast parts match except at the
    edges (r_fast > 0.99), the lag is found exactly (3.0 ms), kind 'tight'."""
    rng = np.random.default_rng(1)
    e = rng.normal(size=40_006)
    i = np.roll(e, 6)[6:]                     # i[t] = e[t − 6 samples]
    out = balance.temporal_balance(e[6:], i, dt_ms=0.5)
    assert out.r_fast > 0.99 and out.lag_ms == 3.0 and out.kind == "tight"
    back = balance.temporal_balance(i, e[6:], dt_ms=0.5)
    assert back.lag_ms == -3.0                # E lagging I gives a negative lag


def test_loose_balance_shares_only_slow_changes():
    """E and I share a slow component constant over 200 ms blocks (SD 1) plus independent fast
    noise (SD 1), dt 0.5 ms, 60 s. Averaged over 100 ms bins (200 samples) r_slow =
    1/(1 + 1/200) = 0.995 (±0.01 for 600 bins); the fast parts share only the block edges
    (r_fast < 0.1, analytic ≈ 0.01): kind 'loose'. Independent noise: kind 'none'."""
    rng = np.random.default_rng(2)
    n = 120_000
    slow = np.repeat(rng.normal(size=n // 400), 400)
    e, i = slow + rng.normal(size=n), slow + rng.normal(size=n)
    out = balance.temporal_balance(e, i, dt_ms=0.5)
    assert out.r_slow == pytest.approx(1 / (1 + 1 / 200), abs=0.01)
    assert out.r_fast < 0.1 and out.kind == "loose"
    none = balance.temporal_balance(rng.normal(size=n), rng.normal(size=n), dt_ms=0.5)
    assert none.r_fast < 0.05 and abs(none.r_slow) < 0.25 and none.kind == "none"


def test_partly_shared_fast_noise_gives_half_correlation():
    """E = a + b, I = a + c with independent white a, b, c of equal variance: the fast parts are
    the same linear filter of each, so r_fast = 0.5 (±0.02 for 100,000 samples; the lag search
    adds at most ~0.01) at lag 0; 0.5 meets the threshold, so 'tight'."""
    rng = np.random.default_rng(3)
    a, b, c = rng.normal(size=(3, 100_000))
    out = balance.temporal_balance(a + b, a + c, dt_ms=0.5)
    assert out.r_fast == pytest.approx(0.5, abs=0.02) and out.lag_ms == 0.0


def test_bad_inputs_raise_clear_errors():
    x = np.linspace(1.0, 2.0, 10)
    with pytest.raises(ValueError, match="same shape"):
        balance.pearson(x, x[:-1])
    with pytest.raises(ValueError, match="NaN or infinite"):
        balance.ei_ratio(x, np.where(x > 1.5, np.nan, x))
    with pytest.raises(ValueError, match="magnitudes ≥ 0"):
        balance.ei_ratio(-x, x)


def test_ei_ratio_without_inhibition_is_nan_with_a_warning():
    """A branch whose inhibitory weights all went to 0 (dendritic-balance on real cells) has no
    E/I ratio: NaN and a warning, not an exception."""
    x = np.linspace(1.0, 2.0, 5)
    with pytest.warns(UserWarning, match="no inhibition"):
        assert np.isnan(balance.ei_ratio(x, np.zeros_like(x)))
    with pytest.raises(ValueError, match="fewer than 3 bins"):
        balance.temporal_balance(x, x, dt_ms=0.5)
    with pytest.raises(ValueError, match="1-D"):
        balance.temporal_balance(np.ones((3, 1000)), np.ones((3, 1000)), dt_ms=0.5)
    table = pd.DataFrame({"branch": ["a"] * 4, "group": [1, 1, 2, 3], "g_exc": [1.0, 2, 3, 4], "g_inh": [1.0, 2, 3, 4]})
    with pytest.raises(ValueError, match="must appear once"):
        balance.detailed_balance(table)
    with pytest.raises(ValueError, match="lacks column"):
        balance.detailed_balance(table, exc="i_exc")
