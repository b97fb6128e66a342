"""Reconstructed morphologies: SWC cells get regions, distance-dependent densities and a bAP."""
import numpy as np
import pytest

from dendriteei.engine import Site, build
from dendriteei.protocols import bap_attenuation
from dendriteei.spec import SpecError
from dendriteei.morphology import load_morphology


def _write_swc(path):
    """A small pyramidal-like tree: 1-point soma, basal dendrite, apical trunk (900 µm)
    with two obliques and a bifurcating tuft, and an axon stub (replaced on load)."""
    lines = ["# written by test_swc", "1 1 0 0 0 10 -1"]
    node = 1

    def chain(kind, parent, start, direction, length, radius, step=10.0):
        nonlocal node
        ids, x = [], np.array(start, float)
        for _ in range(int(length / step)):
            x = x + step * np.asarray(direction, float)
            node += 1
            lines.append(f"{node} {kind} {x[0]:.2f} {x[1]:.2f} {x[2]:.2f} {radius} {parent}")
            parent = node
            ids.append((node, x.copy()))
        return ids

    trunk1 = chain(4, 1, (0, 10, 0), (0, 1, 0), 200, 1.4)
    chain(4, trunk1[-1][0], trunk1[-1][1], (1, 0, 0), 150, 0.4)          # oblique at ~210 µm
    trunk2 = chain(4, trunk1[-1][0], trunk1[-1][1], (0, 1, 0), 200, 1.2)
    chain(4, trunk2[-1][0], trunk2[-1][1], (-1, 0, 0), 150, 0.4)         # oblique at ~410 µm
    trunk3 = chain(4, trunk2[-1][0], trunk2[-1][1], (0, 1, 0), 500, 1.0)
    for side in (-1, 1):                                                   # tuft at ~910 µm
        chain(4, trunk3[-1][0], trunk3[-1][1], (side * 0.6, 0.8, 0), 250, 0.6)
    chain(3, 1, (0, -10, 0), (0, -1, 0), 200, 0.5)                        # basal
    chain(2, 1, (0, -10, 0), (1, -1, 0), 50, 0.5)                         # axon (replaced)
    path.write_text("\n".join(lines) + "\n")
    return path


@pytest.fixture(scope="module")
def swc_path(tmp_path_factory):
    return _write_swc(tmp_path_factory.mktemp("swc") / "cell.swc")


def test_swc_branches_get_pyramidal_tags(swc_path):
    spec = load_morphology(swc_path)
    tags = {}
    for b in spec.branches:
        tags[b.tag] = tags.get(b.tag, 0) + 1
    assert tags == {"soma": 1, "ais": 1, "axon": 1, "trunk": 3, "oblique": 2, "tuft": 2, "basal": 1}


def test_swc_cell_regions_and_distance_dependent_densities(swc_path):
    cell = build(load_morphology(swc_path))
    segs = cell.segments()
    assert segs.distance_um.max() > 1100.0
    # A-type K follows 0.015 (1 + d/100 µm), capped at 550 µm (the default cell's rule).
    for site, distance in (("near", 150.0), ("far", 700.0)):
        seg, d = cell.resolve(Site(site, region="trunk", distance_um=distance))
        assert seg.gbar_dei_ka == pytest.approx(0.015 * (1 + min(d, 550.0) / 100.0), rel=1e-9)
    # Hot-zone Ca channels only inside 685–885 µm.
    inside, _ = cell.resolve(Site("hz", region="trunk", distance_um=780.0))
    outside, _ = cell.resolve(Site("out", region="trunk", distance_um=500.0))
    assert inside.gbar_dei_cahva > 30 * outside.gbar_dei_cahva   # zone 0.02, apical 5.55e-4 S/cm²
    with pytest.raises(SpecError, match="no point of region"):
        cell.resolve(Site("x", region="oblique", distance_um=900.0))


def test_swc_cell_propagates_a_bap(swc_path):
    params = bap_attenuation.BapAttenuationParams(cell=str(swc_path), regions=("trunk", "tuft"),
                                                  step_um=100.0, cvode=True, settle_ms=200.0)
    df = bap_attenuation.run(params).summary
    assert (df.n_somatic_spikes >= 1).all()
    trunk = df[df.region == "trunk"].sort_values("distance_um")
    assert trunk.bap_amplitude_mV.iloc[0] > 50.0           # near-soma bAP
    assert trunk.bap_amplitude_mV.iloc[-1] > 10.0          # still present at the far trunk
    assert trunk.bap_amplitude_mV.iloc[0] > trunk.bap_amplitude_mV.iloc[-1]


def test_bad_swc_is_rejected(tmp_path):
    bad = tmp_path / "bad.swc"
    bad.write_text("1 3 0 0 0 1 -1\n")
    with pytest.raises(SpecError, match="no soma"):
        load_morphology(bad)
    bad.write_text("1 1 0 0\n")
    with pytest.raises(SpecError, match="7 fields"):
        load_morphology(bad)
