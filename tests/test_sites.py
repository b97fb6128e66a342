"""Sites chosen by region + path distance + rank (dendriteei.sites), their text form, and the
protocols' default sites: the same segments as the old branch-named sites on l5_pyramidal, and
present (or a clear error) on reconstructed cells. Real morphologies: tests/data/morphologies
(Jaxley test data, github.com/jaxleyverse/jaxley tests/swc_files, Apache-2.0)."""
import dataclasses
from pathlib import Path

import pytest

from dendriteei.cells import l5_pyramidal
from dendriteei.engine import Site, build
from dendriteei.parameters import ParameterError
from dendriteei.protocols import bap_gating as bg
from dendriteei.protocols import dendritic_balance as db
from dendriteei.protocols import stdp_flip as sf
from dendriteei.protocols.common import site_branches
from dendriteei.sites import ORDERS
from dendriteei.spec import SpecError

MORPHOLOGIES = Path(__file__).parent / "data" / "morphologies"   # Jaxley test data, see its README
#: Real reconstructions that load (the others in the folder are tiny or deliberately awkward).
REAL_CELLS = ("morph_l5pc_with_axon.swc", "morph_allen_485574832.swc", "morph_ca1_n120.swc")


@pytest.fixture(scope="module")
def spec():
    return l5_pyramidal()


@pytest.fixture(scope="module")
def cell(spec):
    return build(spec)


def same_segment(cell, new: Site, old: Site) -> None:
    """Same section, same x of the segment and same path distance (to 1e-9 µm)."""
    (seg_new, d_new), (seg_old, d_old) = cell.resolve(new), cell.resolve(old)
    assert seg_new.sec.name() == seg_old.sec.name()
    assert seg_new.x == pytest.approx(seg_old.x, abs=1e-12)
    assert d_new == pytest.approx(d_old, abs=1e-9)


# -- the rank / order / text forms on l5_pyramidal ----------------------------------------------
@pytest.mark.parametrize("text, branch, x", [
    ("oblique:0@0.9", "oblique_0", 0.9),      # the most proximal oblique (leaves the trunk at 70 µm)
    ("oblique:1@0.9", "oblique_1", 0.9),      # its sister: the next oblique
    ("oblique:-1", "oblique_5", 0.5),         # the most distal oblique
    ("oblique:4", "oblique_4", 0.5),
    ("tuft:0", "tuft_0", 0.5),                # tuft_0 and tuft_1 both start at 890 µm: spec order
    ("tuft:1", "tuft_1", 0.5),
    ("tuft:2", "tuft_0_0", 0.5),              # the first tuft branch beyond the tuft's bifurcation
    ("tuft:-1", "tuft_1_1", 0.5),
    ("tuft:0/extent", "tuft_0_0", 0.5),       # farthest end first; ties in spec order
    ("basal:0/extent", "basal0_2_0", 0.5),
    ("oblique:0/length", "oblique_0", 0.5),   # all obliques 200 µm: spec order
    ("trunk:0/length@0.25", "trunk", 0.25),
    ("oblique_3@0.3", "oblique_3", 0.3),      # a plain branch name, as before
    ("oblique_3", "oblique_3", 0.5),
])
def test_ranked_sites_pick_the_documented_branch(cell, text, branch, x):
    site = Site.parse(text)
    assert site.name == text
    got_branch, got_x = cell.branch_of(site)
    assert (got_branch, got_x) == (branch, pytest.approx(x))
    assert cell.branch_of(Site.parse(site.text)) == (got_branch, got_x)   # text round trip


def test_order_origin_sorts_by_start_distance(cell):
    """origin: nearest start first; the obliques leave the trunk at 60…400 µm along it."""
    starts = [cell.resolve(Site("o", region="oblique", rank=k, x=0.0))[1] for k in range(6)]
    assert starts == sorted(starts)
    assert [cell.branch_of(Site("o", region="oblique", rank=k))[0] for k in range(-6, 0)] == \
        [f"oblique_{k}" for k in range(6)]


def test_distance_and_rank(cell):
    """With distance_um, rank counts the region's branches (in order) that reach that distance:
    at 950 µm tuft_0 and tuft_1 (890–1140 µm); at 295 µm the basal branch basal0_1_0 at x 0.9."""
    for rank, branch in ((0, "tuft_0"), (1, "tuft_1"), (-1, "tuft_1")):
        seg, distance = cell.resolve(Site.parse(f"tuft:{rank}@950um"))
        assert seg.sec.name() == f"{cell.label}.{branch}"
        assert abs(distance - 950.0) < 10.0       # within half a segment
    same_segment(cell, Site.parse("basal@295um"), Site("b", branch="basal0_1_0", x=0.9))
    same_segment(cell, Site.parse("basal:0@295um"), Site("b", branch="basal0_1_0", x=0.9))
    same_segment(cell, Site("t", region="tuft", distance_um=950.0), Site.parse("tuft:0@950 µm"))


def test_text_form_fields():
    assert Site.parse("oblique:-1/extent@0.25") == Site("oblique:-1/extent@0.25", region="oblique", rank=-1,
                                                        order="extent", x=0.25)
    assert Site.parse("basal@295um", name="basal") == Site("basal", region="basal", distance_um=295.0)
    assert Site.parse("b17@1") == Site("b17@1", branch="b17", x=1.0)
    assert Site("s", region="tuft", rank=1, distance_um=950.0).text == "tuft:1@950um"
    assert Site("s", region="soma").text == "soma@0um"


# -- the protocols' selectors = the old branch-named sites on l5_pyramidal ------------------------
OLD_RECORDING = {"oblique_0": ("oblique_0", 0.9), "oblique_1": ("oblique_1", 0.9), "tuft_0": ("tuft_0", 0.5),
                 "tuft_1": ("tuft_1", 0.5), "basal": ("basal0_1_0", 0.9)}


def test_bap_gating_sites_are_the_old_segments(cell, spec):
    recording = {site.name: site for site in bg.recording_sites(spec)}
    for name, (branch, x) in OLD_RECORDING.items():
        same_segment(cell, recording[name], Site(name, branch=branch, x=x))
    for name, distance in (("trunk@100", 100.0), ("trunk_middle", 300.0), ("trunk_distal", 600.0),
                           ("hot_zone", 785.0)):
        assert cell.resolve(recording[name])[1] == pytest.approx(distance, abs=spec.max_segment_um)
    assert site_branches(spec, [b for b, _ in bg.PAIRING_SITES]) == ("oblique_0", "oblique_1")
    assert [x for _, x in bg.PAIRING_SITES] == [0.9, 0.9]
    # gated_site labels still name recording sites, and the oblique / tuft inhibition sits on them,
    # where it sat before (oblique_0 at 90 µm, trunk at 700 µm, tuft_0 at 950 µm)
    for location in bg.INHIBITION_LOCATIONS.values():
        assert location.gated_site in recording
    for key in ("oblique", "tuft"):
        location = bg.INHIBITION_LOCATIONS[key]
        assert cell.branch_of(location.site)[0] == cell.branch_of(recording[location.gated_site])[0]
    for key, distance in (("oblique", 90.0), ("distal_trunk", 700.0), ("tuft", 950.0)):
        assert cell.resolve(bg.INHIBITION_LOCATIONS[key].site)[1] == pytest.approx(distance, abs=spec.max_segment_um)


def test_stdp_flip_sites_are_the_old_segments(cell, spec):
    params = sf.StdpFlipParams()
    old = (("oblique_0", 0.5), ("oblique_5", 0.9))
    assert sf.plastic_sites(params, spec) == old + old
    assert sf.plastic_sites(params) == old + old
    for (branch, x), (old_branch, old_x) in zip(sf.plastic_sites(params, spec), old):
        same_segment(cell, Site("new", branch=branch, x=x), Site("old", branch=old_branch, x=old_x))
    # SST: sst_offset_x (0.2 of the branch) toward the soma from each plastic site, as before
    sst = next(g for g in sf.inhibition_groups(params, "control", 10.0, 5.0, spec=spec) if g.name == "sst")
    assert sst.sites == (("oblique_0", pytest.approx(0.3)), ("oblique_5", pytest.approx(0.7)))
    # branch names still work
    named = dataclasses.replace(params, proximal_branch="oblique_0", distal_branch="oblique_5")
    assert sf.plastic_sites(named, spec) == old + old


def test_dendritic_balance_branches_are_the_old_ones(spec):
    params = db.DendriticBalanceParams()
    assert site_branches(spec, params.branches) == ("tuft_0_0", "oblique_1", "tuft_1_1", "oblique_4")
    db._check(params, spec)
    with pytest.raises(ParameterError, match="distinct"):
        db._check(dataclasses.replace(params, branches=("oblique:1", "oblique_1")), spec)
    with pytest.raises(ParameterError, match="not a dendrite"):
        db._check(dataclasses.replace(params, branches=("soma:0",)), spec)


# -- reconstructed cells ---------------------------------------------------------------------------
@pytest.fixture(scope="module", params=REAL_CELLS)
def real(request):
    from dendriteei.morphology import load_morphology
    spec = load_morphology(MORPHOLOGIES / request.param)
    return spec, build(spec)


def test_protocol_sites_on_reconstructed_cells(real):
    """bap-gating's recording and inhibition sites, chosen by region, rank and distance relative
    to the cell's own nexus and extent, all exist on real cells and lie in their regions."""
    spec, cell = real
    for site in bg.recording_sites(spec) + tuple(loc.site for loc in bg.INHIBITION_LOCATIONS.values()):
        seg, distance = cell.resolve(site)
        assert spec.region(site.region).contains(cell.tags[cell.branch_of(site)[0]], distance)
    selectors = ([b for b, _ in bg.PAIRING_SITES] + [sf.StdpFlipParams().proximal_branch,
                 sf.StdpFlipParams().distal_branch] + list(db.DendriticBalanceParams().branches))
    names = site_branches(spec, selectors)
    tags = {b.name: b.tag for b in spec.branches}
    assert [tags[n] for n in names] == [s.split(":")[0] for s in selectors]
    assert names[0] != names[1]                                     # oblique:0 and its sister
    db._check(db.DendriticBalanceParams(), spec)
    assert len(set(sf.plastic_sites(sf.StdpFlipParams(), spec))) == 2


def test_unknown_branch_on_a_real_cell_names_a_few_and_the_way_without_names(real):
    """Not ~200 branch names: the count, the five closest names and the region:rank form."""
    spec, cell = real
    with pytest.raises(SpecError) as error:
        cell.resolve(Site("x", branch="oblique_0"))
    message = str(error.value)
    assert f"has {len(spec.branches)} branches; closest names: " in message and "oblique:0" in message
    assert message.count(", b") <= 5


def test_rank_beyond_a_real_cell_says_how_many(real):
    spec, cell = real
    n = sum(b.tag == "oblique" for b in spec.branches)
    with pytest.raises(SpecError, match=rf"rank {n} is out of range: region 'oblique' has {n} branches "
                                        rf"on cell '{spec.name}' \(ranks 0\.\.{n - 1}, or -{n}\.\.-1"):
        cell.resolve(Site("far", region="oblique", rank=n))
    assert cell.branch_of(Site("last", region="oblique", rank=-n))[0] == cell.branch_of(
        Site("first", region="oblique", rank=0))[0]


# -- clear errors ----------------------------------------------------------------------------------
def test_unknown_region_lists_the_regions(cell):
    with pytest.raises(SpecError, match="site 'x': unknown region 'obliques'; regions: all, soma, .*oblique"):
        cell.resolve(Site("x", region="obliques", rank=0))


def test_rank_out_of_range(cell):
    with pytest.raises(SpecError, match=r"rank 6 is out of range: region 'oblique' has 6 branches on cell "
                                        r"'l5pc' \(ranks 0\.\.5, or -6\.\.-1 from the end\)"):
        cell.resolve(Site.parse("oblique:6"))
    with pytest.raises(SpecError, match="rank -7 is out of range"):
        cell.resolve(Site.parse("oblique:-7"))
    with pytest.raises(SpecError, match=r"rank 2 is out of range: 2 of the 6 branches of region 'tuft' "
                                        r"on cell 'l5pc' reach 950 µm"):
        cell.resolve(Site.parse("tuft:2@950um"))
    with pytest.raises(SpecError, match="x = 0.9 on branch 'trunk' lies at 802 µm, outside region 'perisomatic'"):
        cell.resolve(Site.parse("perisomatic:1@0.9"))
    with pytest.raises(SpecError, match="no point of region 'basal' lies at 2000 µm .*21 branches on cell 'l5pc'"):
        cell.resolve(Site.parse("basal@2000um"))


def test_sites_relative_to_the_nexus(cell, spec):
    """``REGION@nexus±Dum`` measures from the far end of the trunk (890 µm on l5_pyramidal): the
    same point as the absolute distance, on every cell the same place relative to its nexus."""
    assert spec.nexus_um == pytest.approx(890.0)
    for relative, absolute in (("trunk@nexus-190um", "trunk@700um"), ("tuft:1@nexus+60um", "tuft:1@950um"),
                               ("hot_zone@nexus-105um", "hot_zone@785um")):
        site = Site.parse(relative)
        assert site.reference == "nexus" and Site.parse(site.text) == site
        same_segment(cell, site, Site.parse(absolute))
    with pytest.raises(SpecError, match=r"-900 µm from the nexus lies before the soma on cell 'l5pc', "
                                        r"whose nexus is at 890 µm"):
        cell.resolve(Site.parse("trunk@nexus-900um"))
    with pytest.raises(SpecError, match="reference 'nexus' needs distance_um"):
        Site("x", region="trunk", reference="nexus")
    with pytest.raises(SpecError, match="unknown reference 'tip'; valid: soma, nexus"):
        Site("x", region="trunk", distance_um=3.0, reference="tip")


def test_bad_order():
    with pytest.raises(SpecError, match="unknown order 'proximal'; orders: origin, length, extent"):
        Site("x", region="oblique", rank=0, order="proximal")
    with pytest.raises(SpecError, match=r"unknown order 'far' \(orders: origin, length, extent\)"):
        Site.parse("oblique:0/far")
    with pytest.raises(SpecError, match="order 'length' needs a rank"):
        Site("x", region="oblique", order="length")
    assert ORDERS == ("origin", "length", "extent")


@pytest.mark.parametrize("text, why", [
    ("oblique:first", "rank 'first' is not an integer"),
    ("oblique:", "rank '' is not an integer"),
    ("oblique:0@1.5", r"x = 1.5 must lie in \[0, 1\] \(a distance needs the unit: 1.5um\)"),
    ("oblique:0@far", "position 'far' is neither x"),
    ("basal@-3um", r"distance '-3um' from the soma must be ≥ 0 µm \(before the nexus: nexus-3um\)"),
    ("trunk@nexus5um", "position 'nexus5um' is neither x"),
    ("oblique:0@0.9@0.5", "not a site"),
    ("two words", "not a site"),
    (":0", "not a site"),
])
def test_bad_text_forms(text, why):
    with pytest.raises(SpecError, match=rf"site '{text}': {why}.*; the form is BRANCH\[@X\]"):
        Site.parse(text)


def test_bad_site_fields():
    with pytest.raises(SpecError, match="rank must be an integer"):
        Site("x", region="oblique", rank=1.0)
    with pytest.raises(SpecError, match="a branch site takes only x"):
        Site("x", branch="oblique_0", rank=0)
    with pytest.raises(SpecError, match="either region"):
        Site("x", region="oblique", branch="oblique_0")


def test_protocol_parameters_give_parameter_errors(spec):
    with pytest.raises(ParameterError, match="proximal_branch, distal_branch: site 'oblique:9': rank 9 is out "
                                             "of range: region 'oblique' has 6 branches"):
        sf.plastic_sites(sf.StdpFlipParams(proximal_branch="oblique:9"), spec)
    with pytest.raises(ParameterError, match="branches: site 'tuft:x'"):
        db._check(db.DendriticBalanceParams(branches=("tuft:x",)), spec)
    with pytest.raises(ParameterError, match="sites: site 'apical_tuft:0': unknown region"):
        bg.gated_pairing(bg.BapGatingParams(), None, (), 0.0, sites=(("apical_tuft:0", 0.9),), spec=spec)
