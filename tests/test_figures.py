"""Figure layout on small synthetic result tables, and the morphology figure (cells built; the
bap-attenuation and bap-gating figures simulated)."""
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from matplotlib.collections import LineCollection

from dendriteei.analysis import strongest_gating
from dendriteei.cells import l5_pyramidal
from dendriteei.engine import build
from dendriteei.plotting import (morphology_layout, plot_bap_attenuation, plot_bap_gating, plot_morphology,
                                 plot_stdp, plot_stdp_flip)
from dendriteei.protocols import bap_attenuation, bap_gating
from dendriteei.protocols.common import ProtocolResult, cell_spec

DELTAS = (-50.0, -20.0, -10.0, 10.0, 20.0, 50.0)


def _inside(artist, fig) -> bool:
    box, frame = artist.get_window_extent(), fig.bbox
    return box.x0 >= frame.x0 and box.y0 >= frame.y0 and box.x1 <= frame.x1 and box.y1 <= frame.y1


def test_stdp_title_fits_in_figure():
    """The title (longest rule and Ca-mode names) lies wholly inside the figure after drawing
    (it used to run off the 5-inch-wide figure). Exact pixel containment, no tolerance."""
    rows = [dict(delta_t_ms=d, ca_mode="phenomenological", rule="graupner_brunel", synapse=f"s{k}",
                 w_before=0.5, w_after=0.5 * (1 + 0.3 * np.sign(d))) for d in DELTAS for k in range(10)]
    fig = plot_stdp(ProtocolResult(pd.DataFrame(rows)))
    fig.canvas.draw()
    ax = fig.axes[0]
    assert _inside(ax.title, fig)
    assert _inside(ax.yaxis.label, fig)


def test_stdp_flip_constant_changes_are_mid_axis():
    """All changes 1.0: each panel's log y axis spans at least a factor 2 (here 0.5–2, i.e.
    a factor 4), so the points are not drawn on the frame."""
    rows = [dict(rule=r, site=s, distance_um=dist, condition=c, delta_t_ms=d, change=1.0)
            for r in ("graupner_brunel", "shouval") for s, dist in (("proximal", 50.0), ("distal", 600.0))
            for c in ("control", "sst") for d in DELTAS]
    fig = plot_stdp_flip(ProtocolResult(pd.DataFrame(rows)))
    fig.canvas.draw()
    for ax in fig.axes:
        low, high = ax.get_ylim()
        assert high / low >= 2.0
        assert low < 1.0 < high
        assert _inside(ax.title, fig)


def test_stdp_flip_wide_range_keeps_autoscale():
    """Changes spanning more than a factor 4 keep matplotlib's own limits (every point visible)."""
    rows = [dict(rule="graupner_brunel", site="proximal", distance_um=50.0, condition="control",
                 delta_t_ms=d, change=c) for d, c in zip(DELTAS, (0.2, 0.5, 0.8, 1.5, 3.0, 1.1))]
    fig = plot_stdp_flip(ProtocolResult(pd.DataFrame(rows)))
    low, high = fig.axes[0].get_ylim()
    assert low <= 0.2 and high >= 3.0


# -- the cell drawn from its segments table (plot_morphology) -------------------------------------

SWC_CELL = str(Path(__file__).parent / "data" / "morphologies" / "morph_ca1_n120.swc")
QUICK = dict(cvode=True, settle_ms=100.0)


def _segment_lines(fig) -> LineCollection:
    """The coloured collection of plot_morphology (one line per segment)."""
    return next(c for ax in fig.axes for c in ax.collections
                if isinstance(c, LineCollection) and c.get_array() is not None)


def _ancestors(segments, branch) -> list:
    """``branch`` and the branches between it and the root."""
    parents = segments.groupby("branch").parent.first()
    chain = [branch]
    while isinstance(parents[chain[-1]], str):
        chain.append(parents[chain[-1]])
    return chain


def test_stylised_cell_has_no_points_and_is_drawn_as_a_dendrogram():
    """l5_pyramidal has no 3-D points: NaN drawing coordinates, so a dendrogram: every segment
    vertical, height = ± path distance (apical tree up, basal down), each child starting at the
    height where it leaves its parent."""
    segments = build(l5_pyramidal()).segments()
    assert segments[["x0_um", "y0_um", "x1_um", "y1_um"]].isna().all().all()
    ends, connectors = morphology_layout(segments)
    assert np.allclose(ends[:, 0, 0], ends[:, 1, 0])                     # vertical lines
    top = segments.tag.isin(["trunk", "oblique", "tuft"]).to_numpy()
    bottom = segments.tag.isin(["basal", "ais", "axon"]).to_numpy()
    assert np.allclose(ends[top, :, 1].mean(axis=1), segments.distance_um[top])
    assert np.allclose(ends[bottom, :, 1].mean(axis=1), -segments.distance_um[bottom])
    assert len(connectors) == segments.branch.nunique() - 1
    assert all(np.isclose(a[1], b[1]) for a, b in connectors)             # horizontal joins


def test_swc_segments_carry_their_3d_projection():
    """SWC branches: segment ends on the section's 3-D points (consecutive segments join, the
    drawn length ≤ the 3-D length); the stylised axon has none and is drawn from its parent."""
    segments = build(cell_spec(SWC_CELL)).segments()
    with_points = segments.tag.isin(["soma", "basal", "trunk", "oblique", "tuft"])
    assert segments.loc[with_points, ["x0_um", "y0_um", "x1_um", "y1_um"]].notna().all().all()
    assert segments.loc[segments.tag.isin(["ais", "axon"]), "x0_um"].isna().all()
    for _, part in segments[with_points].groupby("branch"):
        assert np.allclose(part.x1_um.to_numpy()[:-1], part.x0_um.to_numpy()[1:])
        drawn = np.hypot(part.x1_um - part.x0_um, part.y1_um - part.y0_um)
        assert (drawn <= part.length_um + 1e-6).all()
    ends, _ = morphology_layout(segments)
    assert np.isfinite(ends).all()


def test_values_colour_their_own_segments_and_nan_is_grey():
    """Synthetic values (the row number; NaN on one segment): the collection holds them in table
    order, the NaN segment is masked (drawn grey) and sites are marked where asked."""
    segments = build(l5_pyramidal()).segments()
    values = np.arange(len(segments), dtype=float)
    values[3] = np.nan
    sites = pd.DataFrame([{"name": "inh", "kind": "inhibitory", "branch": "oblique_0", "x": 0.5}])
    fig = plot_morphology(segments, values, label="row", sites=sites)
    lines = _segment_lines(fig)
    array = lines.get_array()
    assert array.mask[3] and not array.mask[np.arange(len(values)) != 3].any()
    assert np.array_equal(array.data[~array.mask], values[~np.isnan(values)])
    assert np.allclose(lines.to_rgba(np.ma.masked_invalid([np.nan]))[0][:3], 0.75)
    with pytest.raises(ValueError, match="kind 'foo'"):
        plot_morphology(segments, values, sites=sites.assign(kind="foo"))
    with pytest.raises(ValueError, match="one per segment"):
        plot_morphology(segments, values[:-1])


@pytest.fixture(scope="module")
def bap_path():
    """bap-attenuation on the default cell, profile 'path' (CVODE, ≈ 1 s)."""
    return bap_attenuation.run(bap_attenuation.BapAttenuationParams(**QUICK))


def test_bap_attenuation_figure_colours_each_segment_by_its_bap(bap_path, tmp_path):
    """The cell panel's colours are the segments table's bAP amplitudes, row for row; among the
    soma and dendrites the soma is the largest (the AIS and axon spike higher), and the table's
    soma value equals the summary's soma site."""
    segments = bap_path.tables["segments"]
    fig = plot_bap_attenuation(bap_path)
    fig.savefig(tmp_path / "bap.png")
    lines = _segment_lines(fig)
    assert np.allclose(lines.get_array(), segments.bap_amplitude_mV)
    not_axon = segments[~segments.tag.isin(["ais", "axon"])]
    assert not_axon.bap_amplitude_mV.idxmax() == segments.index[segments.branch == "soma"][0]
    soma = bap_path.summary.set_index("site").loc["soma"]
    assert segments.loc[segments.branch == "soma", "bap_amplitude_mV"].item() == soma.bap_amplitude_mV


def test_path_profile_is_monotonic_along_one_path(bap_path):
    """Profile 'path': per region, distances never decrease and each site's branch is the previous
    site's branch or lies beyond it; the tuft path ends at the tuft's farthest segment."""
    segments = bap_path.tables["segments"]
    for region, part in bap_path.summary[bap_path.summary.region != "soma"].groupby("region"):
        assert (np.diff(part.distance_um.to_numpy()) >= 0).all(), region
        for previous, branch in zip(part.branch, part.branch.iloc[1:]):
            assert previous in _ancestors(segments, branch), (region, previous, branch)
    tuft = segments[segments.tag == "tuft"]
    assert bap_path.summary[bap_path.summary.region == "tuft"].branch.iloc[-1] == \
        tuft.loc[tuft.distance_um.idxmax(), "branch"]


def test_all_profile_reports_the_spread_per_bin():
    """Profile 'all': every bin holds ≥ 1 segment, min ≤ mean ≤ max, and the bins of a region
    count each of its segments once."""
    result = bap_attenuation.run(bap_attenuation.BapAttenuationParams(**QUICK, profile="all"))
    summary, segments = result.summary, result.tables["segments"]
    assert (summary.n_segments >= 1).all()
    assert (summary.bap_amplitude_min_mV <= summary.bap_amplitude_mV + 1e-9).all()
    assert (summary.bap_amplitude_mV <= summary.bap_amplitude_max_mV + 1e-9).all()
    assert summary[summary.region == "tuft"].n_segments.sum() == (segments.tag == "tuft").sum()
    plot_bap_attenuation(result)


@pytest.mark.slow
def test_bap_attenuation_figure_on_an_swc_cell(tmp_path):
    """A reconstructed CA1 cell: one somatic AP at the default pulse, every segment coloured."""
    result = bap_attenuation.run(bap_attenuation.BapAttenuationParams(cell=SWC_CELL, **QUICK))
    fig = plot_bap_attenuation(result)
    fig.savefig(tmp_path / "swc.png")
    assert len(_segment_lines(fig).get_array()) == len(result.tables["segments"])
    assert result.tables["segments"].bap_amplitude_mV.notna().all()


@pytest.mark.slow
def test_bap_gating_map_shows_the_gated_branch():
    """The per-segment map at the strongest condition: the bAP ratio is lowest on the branch of
    the inhibitory synapse (oblique_0) and about 1 at the soma; the sites table marks the synapse."""
    params = bap_gating.BapGatingParams(inhibition_g_nS=(0.0, 40.0), inhibition_onset_ms=(-1.0,))
    result = bap_gating.run(params)
    segments, sites = result.tables["segments"], result.tables["sites"]
    assert (segments.g_nS.iloc[0], segments.onset_ms.iloc[0]) == strongest_gating(result.summary)
    assert segments.loc[segments.relative_amplitude.idxmin(), "branch"] == "oblique_0"
    assert segments.loc[segments.branch == "soma", "relative_amplitude"].item() == pytest.approx(1.0, abs=0.02)
    assert sites.set_index("kind").loc["inhibitory", "branch"] == "oblique_0"
    lines = _segment_lines(plot_bap_gating(result))
    assert np.allclose(lines.get_array(), segments.relative_amplitude)


def test_reduction_fidelity_titles_fit_in_figure():
    """The reduction-fidelity figure on a small synthetic result: one confusion panel per reduction,
    every title wholly inside the figure (the last panel's used to run off its right edge)."""
    from dendriteei.plotting import plot_reduction_fidelity
    summary = pd.DataFrame([{"variant": v, "measure": m, "unit": "", "value": x, "full_value": 1.0,
                             "relative_error": x - 1.0}
                            for v, x in (("full", 1.0), ("reduced", 1.1), ("single-compartment", 0.5))
                            for m in ("rate_0.4nA", "bap_trunk", "speed_up")])
    confusion = pd.DataFrame([{"variant": v, "full": a, "reduced": b, "count": int(a == b) * 5}
                              for v in ("reduced", "single-compartment")
                              for a in ("LTD", "none", "LTP") for b in ("LTD", "none", "LTP")])
    agreement = pd.DataFrame([{"variant": "reduced", "n": 15, "agreement": 0.9, "kappa": 0.84, "spearman": 0.8},
                              {"variant": "single-compartment", "n": 15, "agreement": 0.55, "kappa": 0.27,
                               "spearman": 0.2}])
    traces = pd.DataFrame({"variant": ["full"] * 3, "t_ms": [0.0, 1.0, 2.0], "v_mV": [-70.0, -60.0, -70.0]})
    fig = plot_reduction_fidelity(ProtocolResult(summary, traces, {"confusion": confusion, "agreement": agreement}))
    fig.canvas.draw()
    assert len(fig.axes) == 5
    assert all(_inside(ax.title, fig) for ax in fig.axes)
