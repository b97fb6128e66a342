"""Network results of the review (Wu, Miehl & Gjorgjieva 2022): the paradoxical effect in and out of
the inhibition-stabilised regime (Fig. 1B; Sadeh et al. 2017's network) and novelty responses
through iSTDP (Fig. 3; Schulz et al. 2021's network), at a small scale: each protocol runs once
per module (fixtures) and each claim is its own test."""
import os
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest

from dendriteei.parameters import ParameterError
from dendriteei.protocols import get
from test_network import MPIEXEC

pytestmark = pytest.mark.slow

#: Sadeh et al. 2017's network at 400 E + 100 I (weights × 4): I→E 0.15 nS (ISN side of the
#: boundary, ≈ 0.23–0.29 nS at this size) and 0.4 nS (outside); iSTDP toward 0.5 and 10 Hz.
ISN = dict(n_exc=400, n_inh=100, w_ie_nS=(0.15, 0.4), perturbation_pA=(5.0,), rho0_hz=(0.5, 10.0), learn_s=2.5,
           eta_nS=0.2, settle_ms=300.0, baseline_ms=400.0, perturbation_ms=400.0, probe_cells=100, probe_ms=1000.0)


@pytest.fixture(scope="module")
def isn():
    return get("isn-paradox").run(get("isn-paradox").params_type(**ISN))


def _perturbed(result, condition_prefix):
    rows = result.summary[result.summary.condition.str.startswith(condition_prefix)]
    return rows[rows.is_perturbed].iloc[0], rows[rows.population == "E"].iloc[0]


def test_driving_inhibition_lowers_its_rate_when_inhibition_to_e_is_weak(isn):
    """Review Fig. 1B middle (Tsodyks et al. 1997; Sadeh et al. 2017): weak w_EI, high activity, ISN:
    5 pA more into every I cell lowers the I rate (and the E rate)."""
    inh, exc = _perturbed(isn, "w_ie = 0.15")
    assert inh.delta_rate_hz < 0 and exc.delta_rate_hz < 0
    assert inh.paradoxical


def test_driving_inhibition_raises_its_rate_when_inhibition_to_e_is_strong(isn):
    """Review Fig. 1B right: strong w_EI, low activity, no ISN: the same drive raises the I rate."""
    inh, _ = _perturbed(isn, "w_ie = 0.4")
    assert inh.delta_rate_hz > 0 and not inh.paradoxical
    weak, strong = (isn.tables["regime"].set_index("condition").loc[f"w_ie = {w:g} nS"] for w in (0.15, 0.4))
    assert weak.rate_E_hz > 10 * strong.rate_E_hz        # "for weak w_EI network activity is high"


def test_the_open_loop_linearisation_predicts_the_regime(isn):
    """ISN ⇔ A_EE > 1 (Tsodyks et al. 1997; Ozeki et al. 2009), A measured open loop on each
    network's own cells: A_EE > 1 at w_ie 0.15 nS, < 1 at 0.4 nS; the predicted I response has the
    measured sign and is within a factor of 3 of it (the linearisation of a spiking network)."""
    regime = isn.tables["regime"].set_index("condition")
    assert regime.loc["w_ie = 0.15 nS"].a_EE > 1 > regime.loc["w_ie = 0.4 nS"].a_EE
    assert regime.stable_predicted.all()
    static = isn.summary[isn.summary.is_perturbed & isn.summary.rho0_hz.isna()]
    ratio = static.predicted_delta_hz / static.delta_rate_hz
    assert (ratio > 1 / 3).all() and (ratio < 3).all()


def test_istdp_target_rate_moves_w_ie_and_the_regime(isn):
    """Vogels et al. 2011's rule from w_ie = 0.2 nS (E ≈ 3.5 Hz): toward ρ0 = 0.5 Hz inhibition
    grows and the network leaves the ISN regime (I responds normally); toward 10 Hz it shrinks and
    the network stays paradoxical; the E rate moves toward each target."""
    regime = isn.tables["regime"].set_index("condition")
    low, high = regime.loc["iSTDP, ρ0 = 0.5 Hz"], regime.loc["iSTDP, ρ0 = 10 Hz"]
    start = get("isn-paradox").params_type(**ISN).w_ie_start_nS
    assert low.w_ie_nS > start > high.w_ie_nS
    assert low.rate_E_hz < 2.0 < 6.0 < high.rate_E_hz
    assert not low.paradoxical_I and high.paradoxical_I
    assert low.a_EE < high.a_EE


def test_isn_paradox_refuses_bad_perturbed_groups():
    params = get("isn-paradox").params_type(perturbed=("PV",), n_exc=40, n_inh=10)
    with pytest.raises(ParameterError, match="unknown inhibitory population 'PV'; this network has I"):
        get("isn-paradox").run(params)
    with pytest.raises(ParameterError, match="stands alone"):
        get("isn-paradox").params_type(perturbed=("auto", "I"))
    with pytest.raises(ParameterError, match="cvode"):
        get("isn-paradox").params_type(cvode=True)


# -- assembly-novelty (Schulz et al. 2021) -------------------------------------------------------
#: Schulz et al. 2021's network at 800 E (assemblies of 40) + 200 I (weights × 5), the sequence
#: paradigm with new assemblies (no pretraining), 6 repetitions, iSTDP η × 40 so that it acts
#: within seconds; iSTDP on and off.
NOVELTY = dict(n_exc=800, n_inh=200, assembly_size=40, paradigms=("sequence",), repetitions=6, pretrain=0,
               settle_ms=1000.0, eta_scale=40.0)


@pytest.fixture(scope="module")
def novelty():
    return get("assembly-novelty").run(get("assembly-novelty").params_type(**NOVELTY))


def _sequence(result, istdp):
    summary = result.summary
    return summary[(summary.paradigm == "sequence") & (summary.istdp == istdp)].iloc[0]


def test_repeated_stimuli_adapt_only_with_istdp(novelty):
    """Schulz et al. 2021 Fig. 1B / review Fig. 3C: the driven assembly's response falls over the
    repetitions as inhibition onto it grows (onset > 1.1 × adapted); without iSTDP it does not
    (within ±15 %: the same assemblies, so only Poisson noise differs)."""
    on, off = _sequence(novelty, True), _sequence(novelty, False)
    assert on.assembly_onset_over_adapted > 1.1
    assert abs(off.assembly_onset_over_adapted - 1.0) < 0.15


def test_a_novel_stimulus_evokes_a_larger_response_only_with_istdp(novelty):
    """Schulz et al. 2021 Fig. 1B: the novel stimulus's assembly responds more than the adapted
    familiar ones with iSTDP (ratio > 1.15, and > 1.15 × the ratio without iSTDP in the same
    network); without iSTDP the ratio is ≈ 1 within the spread between assemblies at this scale
    (±25 %: 40-cell assemblies respond at 36–52 Hz in the static network); the I→E weights grew."""
    on, off = _sequence(novelty, True), _sequence(novelty, False)
    assert on.assembly_novelty_over_adapted > 1.15
    assert on.assembly_novelty_over_adapted > 1.15 * off.assembly_novelty_over_adapted
    assert abs(off.assembly_novelty_over_adapted - 1.0) < 0.25
    weights = novelty.tables["weights"]
    learned = weights[weights.istdp.astype(bool)].sort_values("t_ms").weight_nS
    assert learned.iloc[-1] > 1.1 * learned.iloc[0]


@pytest.mark.xfail(strict=True, reason="model disagrees with Schulz et al. 2021: the novelty response of all E "
                   "cells is 1.09 × the adapted one here (paper ≈ 2, Fig. 1B): the driven assembly adapts from "
                   "28 to 23 Hz only (static E→E, 6 repetitions, 40-cell assemblies at this scale)")
def test_population_novelty_ratio_matches_schulz_2021(novelty):
    """Schulz et al. 2021 Fig. 1B: novelty peak ≈ 5.3 Hz over an adapted ≈ 2.6 Hz (ratio ≈ 2,
    ±25 % for the figure read-off and the scale)."""
    assert _sequence(novelty, True).novelty_over_adapted == pytest.approx(5.3 / 2.6, rel=0.25)


def test_the_pv_sst_variant_perturbs_each_class_and_models_three_populations():
    """cell = reduced: E = the reduced pyramidal cell, I = PV (perisomatic) + SST (distal apical)
    halves; the default epochs perturb PV, SST and both, and the open-loop model has E, PV, SST
    (a 3 × 3 A whose PV and SST columns are inhibitory onto E: A[E, PV], A[E, SST] ≤ 0 within
    noise of 0.1)."""
    params = get("isn-paradox").params_type(cell="reduced", n_exc=24, n_inh=8, w_ie_nS=(0.2,), learn_s=0.0,
                                            perturbation_pA=(20.0,), settle_ms=100.0, baseline_ms=150.0,
                                            perturbation_ms=150.0, skip_ms=50.0, probe_cells=10, probe_ms=300.0)
    result = get("isn-paradox").run(params)
    assert set(result.summary.perturbed) == {"PV", "SST", "PV+SST"}
    assert set(result.summary.population) == {"E", "PV", "SST"}
    regime = result.tables["regime"].iloc[0]
    assert {"A[E,PV]", "A[SST,SST]", "B[SST]_hz_per_pA"} <= set(regime.index)
    assert regime["B[PV]_hz_per_pA"] > 0 and regime["B[SST]_hz_per_pA"] > 0
    spec = get("isn-paradox").spec(params)
    regions = {p.name: p.synapse.region for p in spec.projections if p.post == "E"}
    assert regions == {"E->E": "basal", "PV->E": "perisomatic", "SST->E": "distal_apical"}


@pytest.mark.skipif(MPIEXEC is None, reason="mpiexec not found beside python or on PATH: pip install 'dendriteei[mpi]'")
def test_isn_paradox_gives_the_same_table_on_two_mpi_ranks(tmp_path):
    """Under mpiexec the ranks share each network (and the open-loop probes): the protocol's
    tables equal the single-process ones to the last digit."""
    pytest.importorskip("mpi4py", reason="mpi4py not installed: pip install 'dendriteei[mpi]'")
    command = [MPIEXEC, "--oversubscribe", "-n", "2"] + (["--allow-run-as-root"] if os.geteuid() == 0 else [])
    done = subprocess.run([*command, sys.executable, "-m", "dendriteei", "run", "isn-paradox", "--quick",
                           "--out", str(tmp_path)], capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    here = get("isn-paradox").run(get("isn-paradox").quick_params(), jobs=1)
    there = pd.read_csv(tmp_path / "isn-paradox.csv")
    numeric = here.summary.select_dtypes("number").columns
    np.testing.assert_array_equal(here.summary[numeric].to_numpy(), there[numeric].to_numpy())


def test_the_figures_draw_every_panel(isn, novelty, tmp_path):
    """Both protocols' figures draw from their results (six panels each) and save."""
    for name, result in (("isn-paradox", isn), ("assembly-novelty", novelty)):
        figure = get(name).plot(result)
        assert len(figure.axes) >= 6
        figure.savefig(tmp_path / f"{name}.png")
        assert (tmp_path / f"{name}.png").stat().st_size > 10_000
