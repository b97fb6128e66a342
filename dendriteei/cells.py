"""Ready-made cell specs.

:func:`l5_pyramidal` is the package's validated default: a stylised thick-tufted
layer-5 pyramidal cell with the branch layout of Wilmes et al. 2016 (PLoS Comput
Biol 12:e1004768, ModelDB 187603) stretched to L5 proportions (main bifurcation
near the Ca hot zone of Hay et al. 2011, PLoS Comput Biol 7:e1002107), and the
channel set of :mod:`mod` painted by region and path distance.
"""
from __future__ import annotations

import math

from .spec import MEMBRANE, Branch, CellSpec, Exponential, Linear, Paint, Region, Uniform

#: Path-distance window (µm, from the nexus; negative = before it) of the apical Ca "hot zone":
#: Hay et al. 2011's 685–885 µm, which ends just below the main bifurcation (their cell's nexus;
#: Larkum et al. 1999 Nature 398:338, Larkum & Zhu 2002 J Neurosci 22:6991: the Ca spike starts
#: near the nexus). Measured from each cell's own nexus, so the zone follows the cell; on
#: l5_pyramidal (nexus at 890 µm) it is 685–885 µm.
HOT_ZONE_FROM_NEXUS_UM = (-205.0, -5.0)

#: Start (µm from the nexus) of the distal apical dendrite that SST Martinotti cells target:
#: 600 µm on l5_pyramidal (the upper third of the trunk and the tuft, layers 1–2/3; Silberberg &
#: Markram 2007 Neuron 53:735).
DISTAL_APICAL_FROM_NEXUS_UM = -290.0

#: Regions every cell built by dendriteei carries (also SWC cells).
STANDARD_REGIONS = (
    Region("all", ("soma", "ais", "axon", "basal", "trunk", "oblique", "tuft")),
    Region("soma", ("soma",)),
    Region("axon", ("ais", "axon")),
    Region("ais", ("ais",)),
    Region("basal", ("basal",)),
    Region("apical", ("trunk", "oblique", "tuft")),
    Region("trunk", ("trunk",)),
    Region("oblique", ("oblique",)),
    Region("tuft", ("tuft",)),
    Region("dendrites", ("basal", "trunk", "oblique", "tuft")),
    # PV basket cells target soma and proximal dendrites (Freund & Katona 2007 Neuron 56:33);
    # 50 µm is the proximal limit used here.
    Region("perisomatic", ("soma", "basal", "trunk", "oblique"), 0.0, 50.0),
    # SST Martinotti cells target the distal apical tuft (Silberberg & Markram 2007 Neuron 53:735).
    Region("distal_apical", ("trunk", "tuft"), DISTAL_APICAL_FROM_NEXUS_UM, reference="nexus"),
    Region("hot_zone", ("trunk", "tuft"), *HOT_ZONE_FROM_NEXUS_UM, reference="nexus"),
)


def _binary_tree(prefix: str, tag: str, parent: str, parent_x: float, lengths, diams):
    """Branches of a binary tree: level k has 2**k branches of lengths[k], diams[k] (µm)."""
    branches, previous = [], [(parent, parent_x)]
    for level, (length, diam) in enumerate(zip(lengths, diams)):
        current = []
        for i, (par, px) in enumerate(previous):
            for j in range(1 if level == 0 else 2):
                name = f"{prefix}_{level}_{2 * i + j if level else 0}"
                branches.append(Branch(name, tag, par, px, length, diam))
                current.append((name, 1.0))
        previous = current
    return branches


def l5_morphology() -> tuple:
    """Stylised L5 pyramidal morphology (lengths, diameters in µm)."""
    branches = [
        # Soma: cylinder 20 µm x 20 µm (area ≈ 1257 µm²), close to the 18.5 µm of Wilmes 2016.
        Branch("soma", "soma", None, 1.0, 20.0, 20.0),
        # Axon initial segment and proximal axon: two 30 µm sections (Hay 2011 replaced the
        # axon by two 30 µm sections); AIS diameter 1.2 µm (Kole et al. 2008 Nat Neurosci 11:178).
        Branch("ais", "ais", "soma", 0.0, 30.0, 1.2, 1.0),
        Branch("axon", "axon", "ais", 1.0, 30.0, 1.0),
        # Apical trunk to the main bifurcation at ~890 µm path distance, just beyond the Ca hot
        # zone (Larkum et al. 1999; Hay 2011), tapering 3 → 1.4 µm.
        Branch("trunk", "trunk", "soma", 1.0, 880.0, 3.0, 1.4),
        # Oblique dendrites: six side branches of 200 µm (diam 0.8 → 0.5 µm) leaving the trunk
        # between 60 and 400 µm (Wilmes 2016 used one 300 µm x 0.4 µm oblique at 100 µm; L5 trunks
        # carry several obliques, which load the trunk and shape bAP attenuation).
        *(Branch(f"oblique_{k}", "oblique", "trunk", d / 880.0, 200.0, 0.8, 0.5)
          for k, d in enumerate((60.0, 120.0, 180.0, 240.0, 320.0, 400.0))),
    ]
    # Tuft: 2 then 4 branches of 250 µm, diam 1.33 and 0.89 µm (Wilmes 2016: 300 µm).
    branches += [Branch("tuft_0", "tuft", "trunk", 1.0, 250.0, 1.33),
                 Branch("tuft_1", "tuft", "trunk", 1.0, 250.0, 1.33)]
    for parent in ("tuft_0", "tuft_1"):
        branches += [Branch(f"{parent}_{k}", "tuft", parent, 1.0, 250.0, 0.89) for k in (0, 1)]
    # Basal tree: three primary dendrites, each 1 -> 2 -> 4 branches of 150 µm with diameters
    # 1, 0.67, 0.44 µm (Wilmes 2016 had one such tree).
    for k in range(3):
        branches += _binary_tree(f"basal{k}", "basal", "soma", 0.0, (150.0, 150.0, 150.0), (1.0, 0.67, 0.44))
    return tuple(branches)


#: Length constant (µm) of the apical Ih gradient on l5_pyramidal, whose farthest apical point
#: lies at :data:`L5_APICAL_EXTENT_UM`; other cells scale it with their extent (Hay et al. 2011
#: scale theirs to each cell's farthest apical distance).
IH_LENGTH_UM = 323.0
L5_APICAL_EXTENT_UM = 1390.0


def ih_length_um(apical_extent_um: float) -> float:
    """Ih length constant (µm) for a cell whose farthest apical point lies at ``apical_extent_um``:
    l5_pyramidal's 323 µm scaled by extent, so that every cell has the same density profile in
    relative distance (Hay et al. 2011: exp(3.6161·d/d_max); here exp(4.30·d/d_max))."""
    if apical_extent_um <= 0.0:
        return IH_LENGTH_UM
    return IH_LENGTH_UM * apical_extent_um / L5_APICAL_EXTENT_UM


def l5_paints(ih_length: float = IH_LENGTH_UM) -> tuple:
    """Membrane properties and channel densities (S/cm² unless stated); ``ih_length`` (µm) is the
    length constant of the apical Ih gradient (:func:`ih_length_um`)."""
    return (
        # Passive: Cm 1 µF/cm² at soma/axon, 2 µF/cm² in dendrites to account for spines;
        # Ra 100 Ω·cm (Hay et al. 2011).
        Paint("all", MEMBRANE, "Ra", Uniform(100.0)),
        Paint("all", MEMBRANE, "cm", Uniform(1.0)),
        Paint("dendrites", MEMBRANE, "cm", Uniform(2.0)),
        # Leak: g 3e-5 S/cm² soma (Rm ≈ 33 kΩ·cm²), doubled in dendrites with the spine factor;
        # e_pas −80 mV so that with Ih the soma rests near −73 mV (Hay 2011: e_pas −90 mV).
        Paint("all", "pas", "g", Uniform(3.0e-5)),
        Paint("dendrites", "pas", "g", Uniform(6.0e-5)),
        Paint("all", "pas", "e", Uniform(-80.0)),
        # Fast Na: soma 0.2 S/cm², AIS 3 S/cm² (Hay 2011 axonal NaTa_t 3.14 S/cm²; Kole et al. 2008).
        Paint("soma", "dei_nat", "gbar", Uniform(0.2)),
        Paint("axon", "dei_nat", "gbar", Uniform(0.5)),
        Paint("ais", "dei_nat", "gbar", Uniform(3.0)),
        # AIS Na activates at more negative voltages than somatic Na (Colbert & Pan 2002 Nat
        # Neurosci 5:533; Kole et al. 2008): shifted by −12 mV, the value at which a BAC Ca spike
        # drives a somatic burst in this cell (bac-firing protocol).
        Paint("ais", "dei_nat", "vshift", Uniform(-12.0)),
        # Dendritic Na with slow inactivation: 0.02 S/cm² (Hay 2011 apical NaTa_t 0.0213 S/cm²;
        # Stuart & Sakmann 1994 Nature 367:69), ar 0.8 (Migliore et al. 1999).
        Paint("apical", "dei_nad", "gbar", Uniform(0.02)),
        Paint("apical", "dei_nad", "ar", Uniform(0.8)),
        Paint("basal", "dei_nad", "gbar", Uniform(0.01)),
        # Delayed rectifier 0.005 S/cm² in soma and dendrites, 0.01 in the axon (Migliore et al.
        # 1999 order of magnitude); fast Kv3.1 repolarises soma and axon: 0.3 and 1.0 S/cm²
        # (Hay 2011 SKv3_1: soma 0.30, axon 1.02 S/cm²).
        Paint("all", "dei_kdr", "gbar", Uniform(0.005)),
        Paint("axon", "dei_kdr", "gbar", Uniform(0.01)),
        Paint("soma", "dei_kv3", "gbar", Uniform(0.3)),
        Paint("axon", "dei_kv3", "gbar", Uniform(1.0)),
        # A-type K rising linearly with distance (Hoffman et al. 1997 Nature 387:869): the form of
        # Wilmes 2016, 0.029·(1 + d/100 µm), halved and capped at 550 µm (not 500) to meet the
        # bAP amplitudes of Hay 2011 at 620/800 µm (L5 apical A-type density is flatter than in
        # CA1: Bekkers 2000 J Physiol 525:611). Proximal kinetics below 100 µm, distal beyond
        # (Migliore et al. 1999).
        Paint("dendrites", "dei_ka", "gbar", Linear(0.015, 100.0, 550.0)),
        Paint("soma", "dei_ka", "gbar", Uniform(0.015)),
        *_distal_ka_kinetics(),
        # Ih rising exponentially along the apical dendrite (Kole et al. 2006 J Neurosci 26:1677;
        # Hay 2011 form 0.0002·(−0.8696 + 2.087·exp(d/L)) with L = 1/(3.6161/max distance)).
        Paint("soma", "dei_ih", "gbar", Uniform(8.0e-5)),
        Paint("basal", "dei_ih", "gbar", Uniform(8.0e-5)),
        Paint("apical", "dei_ih", "gbar", Exponential(2.0e-4, -0.8696, 2.087, ih_length)),
        # High-voltage-activated Ca in soma and apical dendrites with a hot zone (685–885 µm here), and
        # T-type Ca in soma and hot zone (Hay 2011: Ca_HVA 5.55e-5 apical, x10 in the zone;
        # Ca_LVA 1.87e-4, x100 in the zone; soma Ca_HVA 9.9e-4, Ca_LVA 3.3e-3 S/cm²). The zone's
        # Ca_HVA is 0.02 S/cm² here (Hay: 5.55e-4): with our A-type K along the trunk, this is the
        # smallest density at which bAP + distal EPSP evoke a Ca spike (bac-firing protocol).
        # Apical Ca_HVA outside the zone is Hay's zone value 5.55e-4 (10x Hay's apical 5.55e-5): with
        # the measured buffer capacity below, the smallest density at which one bAP brings the
        # 200-300 nM measured in the proximal trunk (Helmchen et al. 1996 Biophys J 70:1069).
        Paint("soma", "dei_cahva", "gbar", Uniform(1.0e-3)),
        Paint("apical", "dei_cahva", "gbar", Uniform(5.55e-4)),
        Paint("hot_zone", "dei_cahva", "gbar", Uniform(0.02)),
        Paint("soma", "dei_cat", "gbar", Uniform(3.0e-3)),
        Paint("apical", "dei_cat", "gbar", Uniform(1.87e-4)),
        Paint("hot_zone", "dei_cat", "gbar", Uniform(1.87e-2)),
        # SK: soma 0.005 S/cm² (Hay 2011 soma SK_E2 0.0843, lowered here because our soma also
        # carries T-type and HVA Ca with a slow pool and adapted to silence within 3 spikes);
        # apical 1.5e-4, 0.014 S/cm² in the hot zone, which ends the Ca spike after ~30 ms (Hay 2011
        # target width 37 ± 1.3 ms). Hay's apical 1.2e-3 went with a pool that let a bAP raise [Ca]
        # by ~1 nM; with the measured pool below a bAP brings ~200 nM, and 1.2e-3 then shortens the
        # BAC burst to one spike: 1.5e-4 is the largest density that keeps Hay's 3-spike burst.
        Paint("soma", "dei_sk", "gbar", Uniform(0.005)),
        Paint("apical", "dei_sk", "gbar", Uniform(1.5e-4)),
        Paint("hot_zone", "dei_sk", "gbar", Uniform(0.014)),
        # Ca pools. Soma: decay 460 ms, gamma 5e-4 (Hay 2011). Apical dendrites: the measured
        # endogenous buffer capacity kappa_S = 100 (free fraction 1/(1 + 100) = 0.0099) and decay
        # 70 ms of the proximal L5 trunk (Helmchen et al. 1996 Biophys J 70:1069), so that one bAP
        # gives the measured hundreds of nM. Hot zone: Hay's pool (decay 122 ms, gamma 5.09e-4),
        # fitted with the zone's channels to the BAC Ca spike, which keeps its µM Ca.
        Paint("soma", "dei_cad", "decay", Uniform(460.0)),
        Paint("soma", "dei_cad", "gamma", Uniform(5.0e-4)),
        Paint("apical", "dei_cad", "decay", Uniform(70.0)),
        Paint("apical", "dei_cad", "gamma", Uniform(0.0099)),
        Paint("hot_zone", "dei_cad", "decay", Uniform(122.0)),
        Paint("hot_zone", "dei_cad", "gamma", Uniform(5.09e-4)),
    )


def _distal_ka_kinetics() -> tuple:
    """Distal A-type kinetics beyond 100 µm (Migliore et al. 1999 kad)."""
    return (
        Paint("distal_ka", "dei_ka", "vhalfn", Uniform(-1.0)),
        Paint("distal_ka", "dei_ka", "a0n", Uniform(0.1)),
        Paint("distal_ka", "dei_ka", "zetan", Uniform(-1.8)),
        Paint("distal_ka", "dei_ka", "gmn", Uniform(0.39)),
        Paint("distal_ka", "dei_ka", "nmin", Uniform(0.2)),
    )


def l5_pyramidal(name: str = "l5pc") -> CellSpec:
    """The default stylised L5 pyramidal cell (34 °C, E_Na 50, E_K −85 mV as in Hay 2011)."""
    regions = STANDARD_REGIONS + (Region("distal_ka", ("basal", "trunk", "oblique", "tuft"), 100.0),)
    return CellSpec(name=name, branches=l5_morphology(), regions=regions, paints=l5_paints(),
                    description="Stylised thick-tufted L5 pyramidal cell (Wilmes 2016 layout, Hay 2011 channels)")


def point_soma(name: str = "soma") -> CellSpec:
    """A single 20 µm x 20 µm somatic compartment that fires one AP per brief pulse: for
    developing synapses and for the phenomenological plasticity checks. Densities as the
    soma of :func:`l5_pyramidal`; no Ca channels (the phenomenological Ca needs none)."""
    paints = (
        Paint("all", MEMBRANE, "cm", Uniform(1.0)),                  # µF/cm² (Hay 2011 soma)
        Paint("all", "pas", "g", Uniform(3.0e-5)),                   # as l5_pyramidal soma
        Paint("all", "pas", "e", Uniform(-70.0)),                    # rest −70 mV
        Paint("soma", "dei_nat", "gbar", Uniform(0.2)),              # as l5_pyramidal soma
        Paint("soma", "dei_kv3", "gbar", Uniform(0.3)),              # Hay 2011 soma SKv3_1
    )
    return CellSpec(name=name, branches=(Branch("soma", "soma", None, 1.0, 20.0, 20.0),),
                    regions=STANDARD_REGIONS, paints=paints,
                    description="single somatic compartment (Na + Kv3.1 + leak)")


def vogels_soma(name: str = "vogels_soma") -> CellSpec:
    """Passive single compartment with the membrane of Vogels et al. 2011's LIF (ModelDB 143751):
    a cylinder of 2·10⁴ µm² (L = diam = 79.79 µm) with cm 1 µF/cm² (C = 200 pF) and g_pas 5e-5
    S/cm² (g_leak = 10 nS, τ_m = 20 ms), e_pas = v_init = −60 mV. Threshold and reset come from
    the protocol (spike_model = "lif")."""
    diam = math.sqrt(2.0e4 / math.pi)
    paints = (Paint("all", MEMBRANE, "cm", Uniform(1.0)),
              Paint("all", "pas", "g", Uniform(5.0e-5)),
              Paint("all", "pas", "e", Uniform(-60.0)))
    return CellSpec(name=name, branches=(Branch("soma", "soma", None, 1.0, diam, diam),),
                    regions=STANDARD_REGIONS, paints=paints, v_init_mV=-60.0,
                    description="passive soma with the membrane of Vogels et al. 2011's LIF (τ_m 20 ms, "
                                "g_leak 10 nS, rest −60 mV)")
