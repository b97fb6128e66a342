"""The dendritic-balance protocol at coarse resolution. Sources: Vogels et al. 2011 Science
334:1569 (symmetric iSTDP with target rate → detailed balance, Fig. 1); Wu, Miehl & Gjorgjieva 2022
Trends Neurosci Box 2 (global / detailed / tight / loose balance); Wilmes et al. 2017 Eur J
Neurosci 45:1032 (local −40 mV crossing at the synapse as the post signal)."""
import dataclasses

import numpy as np
import pytest

from dendriteei.parameters import ParameterError, with_overrides
from dendriteei.protocols import dendritic_balance as db

#: Coarse: dt 0.05 ms (bAP peaks within 1.5 mV of dt 0.025 ms on the default branches), 4 s of
#: learning per post signal, 1 s probes, η = 0.05 nS (2.5 × the script's 0.02 nS, so that 4 s do
#: what 10 s do there). About 100 s of wall time on one core.
COARSE = db.DendriticBalanceParams(dt_ms=0.05, duration_s=4.0, probe_s=1.0, eta_nS=0.05, seed=3)
TUFT = ("tuft_0_0", "tuft_1_1")
#: The branches COARSE.branches (selectors) pick on l5_pyramidal: the rows' site labels.
BRANCHES = ("tuft_0_0", "oblique_1", "tuft_1_1", "oblique_4")


@pytest.fixture(scope="module")
def sites():
    return db.site_metrics(db.run(COARSE).summary).set_index(["condition", "phase", "site"]).sort_index()


@pytest.mark.slow
def test_local_post_signal_cotunes_inhibition_per_branch(sites):
    """Vogels 2011 detailed balance, per branch (review Box 2): with the local post signal each
    tuft branch's group I conductances become co-tuned with its own E tuning: r ≥ 0.5 and above
    the value before learning (flat I weights, r_weights undefined; r of the conductances is then
    Poisson noise of the 1-s probe, −0.7…0.7). These settings with seeds 1–4 gave 0.57–0.88 on
    the tuft branches (seed 3: 0.70, 0.86); over all four branches the mean r ≥ 0.4 (0.55–0.74;
    obliques vary more, −0.22…0.88, because the bAP, the same event on every branch, invades them)."""
    for branch in TUFT:
        before, after = sites.loc[("local", "before", branch)], sites.loc[("local", "after", branch)]
        assert np.isnan(before.r_weights)
        assert after.r_detailed >= 0.5 and after.r_detailed > before.r_detailed
    after = sites.loc[("local", "after")].drop("soma")
    assert after.r_detailed.mean() >= 0.4


@pytest.mark.slow
def test_branch_fluctuations_shrink_toward_the_set_point(sites):
    """With the local post signal every branch's voltage SD falls (paired probe inputs) and its
    rate of −40 mV crossings moves toward ρ0 = 6.25 Hz, the set point of the rule (Vogels 2011:
    the post rate converges to ρ0): |rate − ρ0| after < before on each branch (seeds 1–4: 14–33 Hz
    before, 1–10 Hz after; SD 3.9–6.9 mV after vs 5.6–8.1 mV before)."""
    rho0 = COARSE.rho0_hz
    for branch in BRANCHES:
        before, after = sites.loc[("local", "before", branch)], sites.loc[("local", "after", branch)]
        assert after.v_sd_mV < before.v_sd_mV
        assert abs(after.event_rate_hz - rho0) < abs(before.event_rate_hz - rho0)


@pytest.mark.slow
def test_somatic_post_signal_gives_weaker_per_branch_cotuning(sites):
    """The contrast: with the somatic spike as post signal all branches' I synapses see the same
    event and learn one shared tuning, so per-branch co-tuning is weaker: on each tuft branch r is
    at least 0.3 below the local value (seeds 1–4: somatic −0.70…0.43, the smallest gap 0.41;
    seed 3: 1.38, 1.13), and the mean over the four branches at least 0.3 lower (gaps 0.48–0.73)."""
    for branch in TUFT:
        local = sites.loc[("local", "after", branch), "r_detailed"]
        assert sites.loc[("somatic", "after", branch), "r_detailed"] <= local - 0.3
    local = sites.loc[("local", "after")].drop("soma").r_detailed.mean()
    somatic = sites.loc[("somatic", "after")].drop("soma").r_detailed.mean()
    assert somatic <= local - 0.3


def test_bad_parameters_raise():
    """Clear errors before any simulation (exact messages)."""
    with pytest.raises(ParameterError, match="not a dendrite of cell 'l5pc'"):
        db.run(dataclasses.replace(COARSE, branches=("tuft_9",)))
    with pytest.raises(ParameterError, match="conditions: 'dendritic' is not one of"):
        db.run(dataclasses.replace(COARSE, conditions=("dendritic",)))
    with pytest.raises(ParameterError, match="too coarse"):
        db.run(dataclasses.replace(COARSE, dt_ms=0.1))
    with pytest.raises(ParameterError, match="two bins"):
        db.run(dataclasses.replace(COARSE, duration_s=1.0, bin_s=1.0))
    with pytest.raises(ParameterError, match="out of range"):
        with_overrides(COARSE, {"eta_nS": -1.0})


def test_branch_tuning_layout():
    """Vogels 2011 tuning w = 0.3 + 1.1/(1 + d⁴) per branch with circular group distance d and
    preferred groups 1, 3, 5, 7 (exact); summed over the four branches every group drives the
    cell about equally (within 5 %: 2.33–2.43 units), so only a branch-specific post signal can
    learn branch-specific inhibition."""
    assert np.array_equal(db.preferred_groups(COARSE), [1, 3, 5, 7])
    w = db.exc_weights(COARSE)
    np.testing.assert_allclose(w[0, [0, 1, 2, 4, 7]], [1.4, 0.85, 0.3 + 1.1 / 17, 0.3 + 1.1 / 257, 0.85])
    total = w.sum(axis=0)
    assert total.max() / total.min() < 1.05
