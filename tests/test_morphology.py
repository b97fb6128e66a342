"""Reading morphologies with MorphIO: soma area by each file convention, the awkward files of
tests/data/morphologies (Jaxley test data, github.com/jaxleyverse/jaxley tests/swc_files,
Apache-2.0), Neurolucida ASC, and where the trunk ends (nexus) on synthetic and real cells."""
import math
from pathlib import Path

import numpy as np
import pytest

from dendriteei.cells import l5_pyramidal
from dendriteei.engine import build
from dendriteei.morphology import load_morphology
from dendriteei.spec import SpecError

MORPHOLOGIES = Path(__file__).parent / "data" / "morphologies"   # Jaxley test data, see its README
DENDRITE = ["10 3 0 -10 0 1 1", "11 3 0 -40 0 1 10", "12 4 0 10 0 1 1", "13 4 0 60 0 1 12"]


def built_soma_area(spec) -> float:
    """Membrane area (µm²) of the built soma section: NEURON's seg.area() summed."""
    segments = build(spec).segments()
    return float(segments[segments.branch == "soma"].area_um2.sum())


def frustums(points) -> float:
    """Side area (µm²) of frustums between consecutive (x, y, z, r) points."""
    return sum(math.pi * (a[3] + b[3]) * math.hypot(a[3] - b[3], math.dist(a[:3], b[:3]))
               for a, b in zip(points, points[1:]))


def write(path, lines):
    path.write_text("\n".join(lines) + "\n")
    return path


# -- soma conventions ------------------------------------------------------------------------------
def test_one_point_soma_is_a_sphere(tmp_path):
    spec = load_morphology(write(tmp_path / "one.swc", ["1 1 0 0 0 8 -1"] + DENDRITE))
    assert built_soma_area(spec) == pytest.approx(4 * math.pi * 8 ** 2, rel=0.05)
    assert "one point → sphere r = 8.0 µm" in spec.description


def test_three_point_soma_is_neuromorpho_sphere(tmp_path):
    """NeuroMorpho.org's 3-point cylinder (centre first, ±r along y): area of the sphere 4πr²."""
    lines = ["1 1 0 0 0 8 -1", "2 1 0 -8 0 8 1", "3 1 0 8 0 8 1"] + DENDRITE
    spec = load_morphology(write(tmp_path / "three.swc", lines))
    assert "3-point cylinder" in spec.description
    assert built_soma_area(spec) == pytest.approx(4 * math.pi * 8 ** 2, rel=0.05)


def test_stacked_soma_keeps_its_frustums(tmp_path):
    stack = [(0, -6, 0, 3), (0, -2, 0, 7), (0, 2, 0, 8), (0, 6, 0, 4)]
    lines = [f"{i + 1} 1 {x} {y} {z} {r} {i if i else -1}" for i, (x, y, z, r) in enumerate(stack)] + DENDRITE
    spec = load_morphology(write(tmp_path / "stack.swc", lines))
    assert "4-point stack of frustums kept" in spec.description
    assert built_soma_area(spec) == pytest.approx(frustums(stack), rel=0.05)


ASC = """("CellBody"
  (Color Red)
  (CellBody)
{contour}
)
( (Color Green)
  (Apical)
  ( 0.0  10.0 0.0 3.0)
  ( 0.0 300.0 0.0 3.0)
  (
    ( 0.0 300.0 0.0 1.5)
    (-100.0 400.0 0.0 1.5)
  |
    ( 0.0 300.0 0.0 1.5)
    (100.0 400.0 0.0 1.5)
  )
)
( (Color Blue)
  (Dendrite)
  ( 0.0 -10.0 0.0 1.5)
  ( 0.0 -150.0 0.0 1.0)
)
"""


def test_asc_contour_soma_becomes_a_sphere(tmp_path):
    """A Neurolucida contour (an ellipse 12 x 8 µm radii): sphere of the mean distance of the
    contour points from their centroid (NeuroMorpho.org SomaFormat; NeuroM SomaSimpleContour),
    not a 62 µm x 0.26 µm tube; the apical and basal trees are read and labelled."""
    angles = np.linspace(0, 2 * np.pi, 24, endpoint=False)
    xy = np.c_[12 * np.cos(angles), 8 * np.sin(angles)]
    contour = "\n".join(f"  ({x:.3f} {y:.3f} 0.0 0.5)" for x, y in xy)
    path = tmp_path / "cell.asc"
    path.write_text(ASC.format(contour=contour))
    spec = load_morphology(path)
    radius = np.linalg.norm(xy - xy.mean(axis=0), axis=1).mean()
    assert "24-point contour" in spec.description
    assert built_soma_area(spec) == pytest.approx(4 * math.pi * radius ** 2, rel=0.05)
    assert sorted(b.tag for b in spec.branches) == ["ais", "axon", "basal", "soma", "trunk", "tuft", "tuft"]


@pytest.mark.parametrize("name, expected", [
    ("morph_allen_485574832.swc", 4 * math.pi * 6.0176 ** 2),            # one point, r 6.0176 µm
    ("morph_ca1_n120_250_single_point_soma.swc", None),                  # one point
    ("morph_l5pc_with_axon.swc", None),                                  # 21-point stack
    ("morph_ca1_n120.swc", None),                                        # 12-point stack, two ways from node 1
])
def test_real_soma_areas(name, expected):
    """Real files: the built soma area equals the convention's area, computed here from the
    file's soma lines (one point: 4πr²; stack: frustums between each point and its parent)."""
    rows = [line.split() for line in (MORPHOLOGIES / name).read_text().splitlines()
            if line.strip() and not line.startswith("#")]
    soma = {int(r[0]): (float(r[2]), float(r[3]), float(r[4]), float(r[5]), int(r[6])) for r in rows if r[1] == "1"}
    if expected is None:
        expected = (4 * math.pi * next(iter(soma.values()))[3] ** 2 if len(soma) == 1 else
                    sum(frustums([v[:4], soma[v[4]][:4]]) for v in soma.values() if v[4] in soma))
    assert built_soma_area(load_morphology(MORPHOLOGIES / name)) == pytest.approx(expected, rel=0.05)


# -- awkward files ---------------------------------------------------------------------------------
def test_multiple_roots_fail():
    """Two soma roots with a repeated id 3: refused, naming the line."""
    with pytest.raises(SpecError, match=r"morph_multiple_roots.swc:9: id 3 is already used on line 7"):
        load_morphology(MORPHOLOGIES / "morph_multiple_roots.swc")


@pytest.mark.parametrize("name", ["morph_interrupted_soma.swc", "morph_somatic_branchpoint.swc"])
def test_soma_running_both_ways_from_its_root_is_one_stack(name):
    """Soma points 6-5-1-2 (two runs from node 1, both r = 1 µm, 1 µm apart) form one stack of
    three 1 µm cylinders, area 3·2π µm²; the basal branch and (replaced) axon hang off it."""
    spec = load_morphology(MORPHOLOGIES / name)
    assert "4-point stack" in spec.description
    assert built_soma_area(spec) == pytest.approx(3 * 2 * math.pi, rel=0.05)
    assert [b.tag for b in spec.branches].count("basal") == 1


def test_soma_both_ends_loads_with_two_basal_trees():
    """Basal trees leave both ends of a 2-point soma: both attach to the soma (its middle)."""
    spec = load_morphology(MORPHOLOGIES / "morph_soma_both_ends.swc")
    assert built_soma_area(spec) == pytest.approx(2 * math.pi, rel=0.05)
    assert [b.parent for b in spec.branches if b.tag == "basal"] == ["soma", "soma"]


def test_non_somatic_branchpoint_fails_without_a_soma():
    with pytest.raises(SpecError, match=r"morph_non_somatic_branchpoint.swc: no soma"):
        load_morphology(MORPHOLOGIES / "morph_non_somatic_branchpoint.swc")


def test_morphio_errors_become_spec_errors(tmp_path):
    with pytest.raises(SpecError, match=r"missing.asc: MorphIO cannot read this morphology: .*does not exist"):
        load_morphology(tmp_path / "missing.asc")
    bad = tmp_path / "bad.asc"
    bad.write_text('("CellBody" (CellBody) (0 0 0 1)\n( (Dendrite) (0 1 0 x) )\n')
    with pytest.raises(SpecError, match=r"bad.asc(:\d+)?: MorphIO cannot read this morphology"):
        load_morphology(bad)


# -- nexus -----------------------------------------------------------------------------------------
def test_default_cell_nexus():
    assert l5_pyramidal().nexus_um == pytest.approx(890.0)


def _early_split(path):
    """A trunk splitting at 176 µm into two sister trunks (radius 1.2 µm) of 700 µm, each with
    three 100 µm obliques and a two-branch tuft of 250 µm branches; 1-point soma r 10 µm."""
    lines, node = ["1 1 0 0 0 10 -1"], 1

    def chain(kind, parent, start, direction, length, radius, step=4.0):
        nonlocal node
        x, direction = np.array(start, float), np.asarray(direction, float) / np.linalg.norm(direction)
        for _ in range(int(round(length / step))):
            x = x + step * direction
            node += 1
            lines.append(f"{node} {kind} {x[0]:.3f} {x[1]:.3f} {x[2]:.3f} {radius} {parent}")
            parent = node
        return node, x

    end, x = chain(4, 1, (0, 10, 0), (0, 1, 0), 176, 1.5)
    for side in (-1, 1):
        tip, y = end, x
        for _ in range(3):
            tip, y = chain(4, tip, y, (side * 0.3, 1, 0), 700 / 4, 1.2)
            chain(4, tip, y, (side, 0.2, 0), 100, 0.4)
        tip, y = chain(4, tip, y, (side * 0.3, 1, 0), 700 / 4, 1.2)
        for branch in (-1, 1):
            chain(4, tip, y, (branch, 1, 0), 250, 0.6)
    chain(3, 1, (0, -10, 0), (0, -1, 0), 200, 0.5)
    return write(path, lines)


def test_early_split_gives_two_sister_trunks(tmp_path):
    """Split at 176 µm (< 0.5 of the 1126 µm farthest tip): two sister trunks, each with its
    obliques and tuft; the nexus is where the sisters end, 176 + 700 = 876 µm, not 176 µm."""
    spec = load_morphology(_early_split(tmp_path / "split.swc"))
    counts = {tag: sum(b.tag == tag for b in spec.branches) for tag in ("trunk", "oblique", "tuft")}
    assert counts == {"trunk": 1 + 2 * 4, "oblique": 6, "tuft": 4}
    assert spec.nexus_um == pytest.approx(876.0, abs=5.0)
    old = load_morphology(tmp_path / "split.swc", nexus_fraction=0.0)   # the previous rule
    assert old.nexus_um == pytest.approx(176.0, abs=5.0)


@pytest.mark.parametrize("name, by_eye_xy, by_eye_um", [
    ("morph_l5pc_with_axon.swc", (228.0, 780.0), 825.0),
    ("morph_allen_485574832.swc", (345.0, 240.0), 430.0),
    ("morph_ca1_n120.swc", (-10.0, -345.0), 570.0),
])
def test_real_cell_nexus_matches_the_eye(name, by_eye_xy, by_eye_um):
    """How checked: each cell drawn in the x-y plane with matplotlib, coloured by tag; the
    main bifurcation put by eye where the thick apical trunk splits into the tuft (L5: the
    tuft at the top, ~(228, 780); Allen's L5 cell, drawn pia-down: ~(345, 240), no early
    split; CA1 n120: the trunk entering stratum lacunosum-moleculare, ~(−10, −345)). The
    path distance of the eye's point is that of the nearest trunk point (read off the same
    drawing, then rounded). The nexus found must lie within 30 µm (x-y) of the eye's point
    and within 50 µm of its path distance."""
    spec = load_morphology(MORPHOLOGIES / name)
    ends = {branch: end for branch, (_, end) in spec.branch_spans.items()}
    trunk_end = max((b for b in spec.branches if b.tag == "trunk"), key=lambda b: ends[b.name])
    assert math.dist(trunk_end.points[-1][:2], by_eye_xy) < 30.0
    assert spec.nexus_um == pytest.approx(by_eye_um, abs=50.0)


def test_nexus_distance_agrees_with_neuron():
    """The spec-side path distance equals NEURON's h.distance from the soma centre."""
    spec = load_morphology(MORPHOLOGIES / "morph_ca1_n120.swc")
    segments = build(spec).segments()
    trunk = segments[segments.tag == "trunk"]
    assert trunk.distance_um.max() == pytest.approx(spec.nexus_um, abs=15.0)
