"""Cell specs are plain data: JSON round trip, distributions, consistency errors."""
import json
import math

import pytest

from dendriteei.cells import l5_pyramidal
from dendriteei.spec import Branch, CellSpec, Exponential, Linear, Paint, Region, SpecError, Uniform


def test_default_cell_round_trips_through_json():
    spec = l5_pyramidal()
    text = spec.to_json()
    json.loads(text)
    assert CellSpec.from_json(text) == spec


def test_distributions_follow_their_formulas():
    # Wilmes et al. 2016 A-type K: 0.029 (1 + d/100 µm), capped at 500 µm.
    ka = Linear(0.029, 100.0, 500.0)
    assert ka.at(0) == pytest.approx(0.029)
    assert ka.at(300) == pytest.approx(0.029 * 4)
    assert ka.at(900) == pytest.approx(0.029 * 6)
    ih = Exponential(2e-4, -0.8696, 2.087, 323.0)
    assert ih.at(646) == pytest.approx(2e-4 * (-0.8696 + 2.087 * math.exp(2.0)))
    assert Uniform(3.0).at(1e4) == 3.0


def test_region_distance_window_is_half_open():
    hot = Region("hot", ("trunk",), 685.0, 885.0)
    assert hot.contains("trunk", 685.0) and not hot.contains("trunk", 885.0)
    assert not hot.contains("tuft", 700.0)


def test_inconsistent_specs_raise():
    soma = Branch("soma", "soma", None, 1.0, 20.0, 20.0)
    with pytest.raises(SpecError, match="unknown parent"):
        CellSpec("c", (soma, Branch("d", "basal", "nowhere", 1.0, 10.0, 1.0)), (), ())
    with pytest.raises(SpecError, match="exactly one root"):
        CellSpec("c", (soma, Branch("s2", "soma", None, 1.0, 10.0, 1.0)), (), ())
    with pytest.raises(SpecError, match="unknown region"):
        CellSpec("c", (soma,), (), (Paint("soma", "pas", "g", Uniform(1e-4)),))
    with pytest.raises(SpecError, match="length_um must be > 0"):
        Branch("d", "basal", "soma", 1.0, -5.0, 1.0)


def test_landmark_regions_follow_each_cells_nexus():
    """The hot zone (Hay et al. 2011: 685–885 µm, ending at the nexus) and the distal apical
    region are measured from each cell's nexus: on l5_pyramidal (nexus 890 µm) they keep their
    numbers; on a cell whose trunk is 300 µm shorter they move 300 µm toward the soma."""
    spec = l5_pyramidal()
    assert spec.nexus_um == pytest.approx(890.0) and spec.apical_extent_um == pytest.approx(1390.0)
    assert (spec.region("hot_zone").min_distance_um, spec.region("hot_zone").max_distance_um) == (685.0, 885.0)
    assert spec.region("distal_apical").min_distance_um == 600.0
    short = spec.replace(branches=tuple(b if b.name != "trunk" else Branch("trunk", "trunk", "soma", 1.0, 580.0, 3.0, 1.4)
                                        for b in spec.branches))
    assert short.nexus_um == pytest.approx(590.0)
    assert (short.region("hot_zone").min_distance_um, short.region("hot_zone").max_distance_um) == (385.0, 585.0)
    assert short.region("distal_apical").min_distance_um == 300.0
    assert CellSpec.from_json(spec.to_json()).regions == spec.regions   # the reference round-trips


def test_nexus_relative_regions_are_checked():
    Region("r", ("trunk",), -100.0, -5.0, reference="nexus")               # before the nexus: fine
    with pytest.raises(SpecError, match="min_distance_um must be ≥ 0 µm"):
        Region("r", ("trunk",), -100.0)                                     # from the soma: not
    with pytest.raises(SpecError, match="unknown reference 'tip'; valid: soma, nexus"):
        Region("r", ("trunk",), reference="tip")
    # a window wholly before the soma is empty, not an error
    far = Region("r", ("trunk",), -2000.0, -1500.0, reference="nexus").from_soma(890.0)
    assert not any(far.contains("trunk", d) for d in (0.1, 1.0, 100.0))
