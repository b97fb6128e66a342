"""Every protocol's quick setting on reconstructed cells (``tests/data/morphologies``: Jaxley's test
data; L5 pyramidal with axon, Allen mouse L5 pyramidal 485574832, CA1 n120): each runs, the soma
fires and the bAP decays with distance. The table of runs, times and key numbers comes from
``protocols/real_cells.py``."""
from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
import pytest
from scipy.stats import spearmanr

from dendriteei.latency import somatic_spike_count
from dendriteei.morphology import load_morphology
from dendriteei.parameters import ParameterError
from dendriteei.protocols import PROTOCOLS

MORPHOLOGIES = Path(__file__).parent / "data" / "morphologies"   # Jaxley test data, see its README
CELLS = ("morph_l5pc_with_axon.swc", "morph_allen_485574832.swc", "morph_ca1_n120.swc")
#: What a reconstructed cell needs beyond the quick setting: inhibitory-balance puts its inputs on
#: the dendrites (its default target is a point cell).
ON_A_FULL_CELL = {"inhibitory-balance": {"target": "pyramidal"}}

@pytest.fixture(scope="module", params=CELLS)
def real(request):
    path = MORPHOLOGIES / request.param
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")   # the files' repairs are tested in test_morphology.py
        return path, load_morphology(path)


def _run(name: str, path: Path, spec, **overrides):
    protocol = PROTOCOLS[name]
    params = protocol.quick_params(cell=str(path), **{**ON_A_FULL_CELL.get(name, {}), **overrides})
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        return protocol.run(params, spec=spec)


def test_bap_fires_and_decays_with_distance(real):
    """One somatic AP (> 60 mV, overshooting 0 mV) that back-propagates with decrement (Stuart &
    Sakmann 1994 Nature 367:69; in CA1 too, Spruston et al. 1995 Science 268:297): along the apical
    path profile amplitude falls with distance (Spearman ρ < 0) and the farthest apical quarter
    keeps < 80 % of the somatic amplitude."""
    path, spec = real
    summary = _run("bap-attenuation", path, spec).summary
    soma = summary[summary.site == "soma"].iloc[0]
    assert soma.bap_amplitude_mV > 60.0 and soma.v_rest_mV + soma.bap_amplitude_mV > 0.0
    apical = summary[summary.region.isin(["trunk", "oblique", "tuft"])]
    rho, _ = spearmanr(apical.distance_um, apical.bap_amplitude_mV)
    assert rho < 0.0
    far = apical[apical.distance_um >= apical.distance_um.quantile(0.75)]
    assert far.bap_amplitude_mV.mean() < 0.8 * soma.bap_amplitude_mV


@pytest.mark.slow
def test_bac_firing_reports_the_ca_spike_or_its_absence(real):
    """BAC on a reconstructed cell: the soma fires, and the Ca spike is a yes/no readout, not an error."""
    path, spec = real
    summary = _run("bac-firing", path, spec).summary
    paired = summary[summary.condition == "paired"]
    assert (paired.n_somatic_spikes >= 1).all() and paired.ca_spike.dtype == bool
    assert np.isfinite(summary.v_peak_mV).all()


#: One-spike somatic pulses (nA, ms) where the default 1 nA, 5 ms pulse fires a burst, as found by
#: latency.one_spike_pulse (the Allen cell's rheobase is 0.13 nA; n120 bursts at rheobase for 5, 2, 1
#: and 0.5 ms pulses); the search itself runs in test_too_many_spikes_name_a_one_spike_pulse.
ONE_SPIKE_PULSES = {"morph_allen_485574832.swc": (0.16, 5.0), "morph_ca1_n120.swc": (4.0, 0.25)}


@pytest.mark.slow
def test_too_many_spikes_name_a_one_spike_pulse():
    """A pulse that fires a burst is refused with a pulse that fires once (the smallest real cell)."""
    path = MORPHOLOGIES / "morph_allen_485574832.swc"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        spec = load_morphology(path)
    with pytest.raises(ParameterError, match=r"soma_amplitude_nA = 1.0 nA gives [2-9] somatic spikes per 5.0 ms "
                                             r"pulse; .*a 0\.1[4-7] nA, 5 ms pulse gives exactly 1: "
                                             r"--set soma_amplitude_nA=0\.1[4-7]\)"):
        _run("bap-gating", path, spec)


@pytest.mark.slow
@pytest.mark.parametrize("name", ["morph_allen_485574832.swc"])
def test_bap_gating_with_a_one_spike_pulse(name):
    """bap-gating needs exactly one somatic spike: the pulse comes from the cell's rheobase
    (ONE_SPIKE_PULSES); 40 nS of oblique inhibition blocks (halves at least) the bAP in the gated
    oblique (Wilmes et al. 2016). n120: test_bap_gating_at_a_chosen_oblique; the L5 reconstruction
    (13 s): protocols/real_cells.py."""
    path = MORPHOLOGIES / name
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        spec = load_morphology(path)
    protocol = PROTOCOLS["bap-gating"]
    params = protocol.quick_params(cell=str(path))
    pulse = ONE_SPIKE_PULSES.get(path.name, (params.soma_amplitude_nA, params.soma_duration_ms))
    assert somatic_spike_count(spec, params, *pulse, 45.0) == 1
    summary = _run("bap-gating", path, spec, soma_amplitude_nA=pulse[0], soma_duration_ms=pulse[1],
                   segment_maps=False).summary   # maps on an SWC cell: test_figures.py
    gated = summary[summary.site == "oblique_0"].set_index("g_nS").bap_amplitude_mV
    assert gated[0.0] > 40.0 and gated[40.0] < 0.5 * gated[0.0]
    assert set(summary.site) >= {"soma", "trunk@100", "trunk_middle", "trunk_distal", "hot_zone", "oblique_0",
                                 "oblique_1", "tuft_0", "tuft_1", "basal"}


@pytest.mark.slow
def test_bap_gating_at_a_chosen_oblique():
    """On n120 the default gated oblique (the longest section, 670 µm out) gets a 4 mV bAP; the user
    puts the inhibition on the next longest oblique instead (``inhibition_site``, ``gated_site``):
    40 nS there blocks its bAP beyond the synapse (Wilmes et al. 2016), the summary names it."""
    path = MORPHOLOGIES / "morph_ca1_n120.swc"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        spec = load_morphology(path)
    assert somatic_spike_count(spec, PROTOCOLS["bap-gating"].quick_params(cell=str(path)),
                               *ONE_SPIKE_PULSES[path.name], 45.0) == 1
    summary = _run("bap-gating", path, spec, soma_amplitude_nA=4.0, soma_duration_ms=0.25,
                   inhibition_site="oblique:1/length@0.1", gated_site="oblique:1/length@0.9",
                   segment_maps=False).summary
    assert (summary.gated_site == "gated").all()
    gated = summary[summary.site == "gated"].set_index("g_nS")
    assert gated.bap_amplitude_mV[0.0] > 40.0 and gated.relative_amplitude[40.0] < 0.5
    assert gated.beyond_inhibition.all()
