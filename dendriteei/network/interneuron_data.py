"""Point-neuron data for cortical PV, SST and VIP interneurons and the E/PV/SST/VIP motif (data only).

Numbers for a network layer of conductance-based adaptive exponential integrate-and-fire (AdEx / EIF
with adaptation) neurons. Every number carries its source; where a value is a modelling choice of
this module it says so and is listed in ``MODELLING_CHOICES``. Nothing here is imported from or
checked against a simulation.

Conventions
-----------
* Population names: ``"e"`` (pyramidal cell as a point neuron), ``"pv"``, ``"sst"``, ``"vip"``
  (SST is called SOM in several sources).
* Connection dicts are keyed ``(pre, post)``. Beware: Jiang et al. 2015 and Hertäg & Sprekeler
  2019 store their matrices as [post, pre]; they were transposed here into (pre, post).
* Membrane equation of the primary set (Litwin-Kumar et al. 2016 code, sim.jl l.65, l.78, l.92):
  ``C dV/dt = -gL (V - EL) + gL ΔT exp((V - VT)/ΔT) - w + I_syn``;
  ``τw dw/dt = a (V - EL) - w``; when V > v_spike: V -> v_reset, w -> w + b, and V is not
  integrated (held at v_reset) for t_ref (sim.jl l.77 ``if t > lastSpike + tauref``); w keeps
  relaxing during t_ref (l.65).
* Synapses of the primary set: conductance ``g(t) = G * (exp(-t/τd) - exp(-t/τr)) / (τd - τr)``
  per presynaptic spike (sim.jl l.81). The kernel has unit area, so ``G`` (params.jl ``gSyn``,
  labelled "nS" there) is the time integral of the unitary conductance, in nS·ms; the peak
  conductance is ``G * KERNEL_PEAK_PER_MS_LK2016[pre]``. Rise/decay depend on the presynaptic
  population only (params.jl rows = pre).

References (code paths with line numbers refer to the commits named)
---------------------------------------------------------------------
[LK16] Litwin-Kumar A, Rosenbaum R, Doiron B (2016) Inhibitory stabilization and visual coding in
    cortical circuits with multiple interneuron subtypes. J Neurophysiol 115(3):1399–1409.
    Published code "litwin-kumar_et_al_inhibition_2016" (Julia, (C) 2016 A. Litwin-Kumar, GPL-3,
    README: "Tested on Julia 1.0"), read from a third-party copy whose unpacked files are identical
    to the zip committed beside them (files dated 2018-10-05): github.com/rdgao/1E3I, commit
    ca4d4a9fb574af1878a3be6eef50291897015446, folder litwin-kumar_et_al_inhibition_2016/:
    params.jl, genweights.jl, sim.jl, runsim.jl. The paper's own parameter table was not
    accessible in the corpora searched; values are the code's (pre->post, rows = presynaptic).
[PF13] Pfeffer CK, Xue M, He M, Huang ZJ, Scanziani M (2013) Inhibition of inhibition in visual
    cortex: the logic of connections between molecularly distinct interneurons. Nat Neurosci
    16(8):1068–1076, doi:10.1038/nn.3446 (PMC3729586). Only the abstract was readable here; the
    normalised strengths come from the transcription in [KY17] (the same 12 numbers appear in
    other independent public codebases). The figure panel they come from was not checked here.
[KY17] Kim Y, Yang GR, Pradhan K, Venkataraju KU, Bota M, García del Molino LC, et al. (2017)
    Brain-wide maps reveal stereotyped cell-type-based cortical architecture and subcortical sexual
    dimorphism. Cell 171:456–469. Code github.com/gyyang/KimYang2017_Cell, commit
    a28bcbe2bdb3d1a359bbd04634f6e1de27d6386e: LiteratureParameters.py (G.R. Yang 2015–2016,
    literature values with their references) and SpikingCircuitModel.py ("Spiking network model
    based on Litwin-Kumar 2016").
[JI15] Jiang X, Shen S, Cadwell CR, Berens P, Sinz F, Ecker AS, Patel S, Tolias AS (2015)
    Principles of connectivity among morphologically defined cell types in adult neocortex.
    Science 350(6264):aac9462. Numbers as transcribed in [KY17] LiteratureParameters.py; Jiang's
    basket (BC), Martinotti (MC) and bitufted (BTC) cells are mapped to PV, SST and VIP as in
    [KY17] l.171–172 (PV/SST/VIP densities scaled onto the BC/MC/BTC lists). The paper's tables
    were not checked here.
[HS19] Hertäg L, Sprekeler H (2019) Amplifying the redistribution of somato-dendritic inhibition
    by the interplay of three interneuron types. PLoS Comput Biol 15(5):e1006999 (title from the
    code README; volume/article number not verified in the corpora). Code
    github.com/sprekelerlab/SourceCode_Hertaeg19, commit 59b475d23979fa263b7750908e8fa89e1ac2114b:
    Functions/Functions_CompRateModel.py, Functions/SimNets_FullMC.py (a rate model).
[YMW16] Yang GR, Murray JD, Wang X-J (2016) A dendritic disinhibitory circuit mechanism for
    pathway-specific gating. Nat Commun 7:12815. Code github.com/gyyang/DisinhibitoryCircuit2016,
    commit f4ba5fb26c66b42d869390c5e42d80d73269ab7b, data/parameters.txt.
[BA02] Bartos M, Vida I, Frotscher M, Meyer A, Monyer H, Geiger JRP, Jonas P (2002) Fast synaptic
    inhibition promotes synchronized gamma oscillations in hippocampal interneuron networks.
    Proc Natl Acad Sci USA 99(20):13222 (abstract).
[SM07] Silberberg G, Markram H (2007) Disynaptic inhibition between neocortical pyramidal cells
    mediated by Martinotti cells. Neuron 53:735 (abstract only: Martinotti cells "received
    facilitating synapses from PCs" and inhibit PC apical/tuft dendrites).
Not used for numbers (text not reachable in the corpora searched): Tremblay R, Lee S, Rudy B (2016)
    GABAergic interneurons in the neocortex: from cellular properties to circuits. Neuron
    91(2):260–292; Bartos M, Vida I, Jonas P (2007) Nat Rev Neurosci 8(1):45–56; the Allen
    Institute Cell Types Database (per-cell GLIF/ephys data exist but no class summary was
    available to cite).
"""
from __future__ import annotations

#: Population names, in the order of the [LK16] matrices (params.jl rows/columns: e, pv, som, vip).
POPULATIONS = ("e", "pv", "sst", "vip")

# ---------------------------------------------------------------------------------------------
# 1. Intrinsic parameters (AdEx / EIF with adaptation), primary set: [LK16] params.jl l.95–110
# ---------------------------------------------------------------------------------------------

#: AdEx parameters per population. All values from [LK16] params.jl (line numbers per key below);
#: the same numbers are re-used in [KY17] SpikingCircuitModel.py l.44–91.
INTRINSIC = {
    "e": {
        "c_m_pF": 180.0,        # [LK16] params.jl l.95  Cm = [180, 80, 80, 80] pF
        "g_leak_nS": 6.25,      # [LK16] params.jl l.96  gL = 1/0.16 nS (R = 160 MOhm, tau_m = 28.8 ms)
        "e_leak_mV": -60.0,     # [LK16] params.jl l.100 EL = -60 mV (all populations)
        "v_thresh_mV": -40.0,   # [LK16] params.jl l.102 vTpop = [-40, -40, -45, -45] mV (mean; see V_T_SD_MV)
        "delta_t_mV": 1.0,      # [LK16] params.jl l.101 deltaT = [1, 0.25, 1, 1] mV
        "v_spike_mV": 20.0,     # [LK16] params.jl l.104 vth = 20 mV (spike cut-off)
        "v_reset_mV": -60.0,    # [LK16] params.jl l.105 vre = -60 mV
        "t_ref_ms": 2.0,        # [LK16] params.jl l.106 tauref = 2 ms
        "a_nS": 4.0,            # [LK16] params.jl l.109 a_adapt = [4, 0, 4, 4] nS
        "b_pA": 8.0,            # [LK16] params.jl l.110 b_adapt = 10*[0.8, 0, 0.8, 0.8] pA
        "tau_w_ms": 150.0,      # [LK16] params.jl l.107 tauw_adapt = 150 ms (all populations)
    },
    "pv": {
        "c_m_pF": 80.0,         # [LK16] params.jl l.95
        "g_leak_nS": 10.0,      # [LK16] params.jl l.96  gL = 1/0.1 nS (R = 100 MOhm, tau_m = 8 ms: lowest R, shortest tau)
        "e_leak_mV": -60.0,     # [LK16] params.jl l.100
        "v_thresh_mV": -40.0,   # [LK16] params.jl l.102
        "delta_t_mV": 0.25,     # [LK16] params.jl l.101 (sharpest spike initiation of the four)
        "v_spike_mV": 20.0,     # [LK16] params.jl l.104
        "v_reset_mV": -60.0,    # [LK16] params.jl l.105
        "t_ref_ms": 2.0,        # [LK16] params.jl l.106
        "a_nS": 0.0,            # [LK16] params.jl l.109 PV: no adaptation
        "b_pA": 0.0,            # [LK16] params.jl l.110 PV: no adaptation
        "tau_w_ms": 150.0,      # [LK16] params.jl l.107 (irrelevant while a = b = 0)
    },
    "sst": {
        "c_m_pF": 80.0,         # [LK16] params.jl l.95
        "g_leak_nS": 5.0,       # [LK16] params.jl l.96  gL = 1/0.2 nS (R = 200 MOhm, tau_m = 16 ms)
        "e_leak_mV": -60.0,     # [LK16] params.jl l.100
        "v_thresh_mV": -45.0,   # [LK16] params.jl l.102
        "delta_t_mV": 1.0,      # [LK16] params.jl l.101
        "v_spike_mV": 20.0,     # [LK16] params.jl l.104
        "v_reset_mV": -60.0,    # [LK16] params.jl l.105
        "t_ref_ms": 2.0,        # [LK16] params.jl l.106
        "a_nS": 4.0,            # [LK16] params.jl l.109
        "b_pA": 8.0,            # [LK16] params.jl l.110
        "tau_w_ms": 150.0,      # [LK16] params.jl l.107
    },
    "vip": {                    # [LK16] gives VIP exactly the SOM parameters (params.jl l.95–110)
        "c_m_pF": 80.0,         # [LK16] params.jl l.95
        "g_leak_nS": 5.0,       # [LK16] params.jl l.96  (R = 200 MOhm, tau_m = 16 ms)
        "e_leak_mV": -60.0,     # [LK16] params.jl l.100
        "v_thresh_mV": -45.0,   # [LK16] params.jl l.102
        "delta_t_mV": 1.0,      # [LK16] params.jl l.101
        "v_spike_mV": 20.0,     # [LK16] params.jl l.104
        "v_reset_mV": -60.0,    # [LK16] params.jl l.105
        "t_ref_ms": 2.0,        # [LK16] params.jl l.106
        "a_nS": 4.0,            # [LK16] params.jl l.109
        "b_pA": 8.0,            # [LK16] params.jl l.110
        "tau_w_ms": 150.0,      # [LK16] params.jl l.107
    },
}

#: Cell-to-cell standard deviation of the EIF threshold V_T (Gaussian), mV: [LK16] params.jl l.103
#: sigvT = 3 mV for all populations, drawn once per cell in sim.jl l.30 (vT = vTpop + sigvT*randn).
V_T_SD_MV = {"e": 3.0, "pv": 3.0, "sst": 3.0, "vip": 3.0}

#: Measured passive/firing properties, [JI15] as transcribed in [KY17] LiteratureParameters.py
#: l.134–139 (BC -> pv, MC -> sst, BTC -> vip; see module docstring). The derived entries
#: (c_m_pF = tau/R, g_leak_nS = 1/R) are computed here from those two numbers, not measured.
INTRINSIC_MEASURED_JIANG2015 = {
    "pv":  {"v_rest_mV": -68.1, "r_in_MOhm": 84.5,  "tau_m_ms": 3.9, "v_thresh_mV": -44.1, "rate_max_Hz": 145.2,
            "c_m_pF_derived": 46.2, "g_leak_nS_derived": 11.83},  # [KY17] l.134–139, column 'bc'
    "sst": {"v_rest_mV": -66.3, "r_in_MOhm": 126.1, "tau_m_ms": 9.1, "v_thresh_mV": -42.4, "rate_max_Hz": 25.5,
            "c_m_pF_derived": 72.2, "g_leak_nS_derived": 7.93},   # [KY17] l.134–139, column 'mc'
    "vip": {"v_rest_mV": -66.5, "r_in_MOhm": 131.6, "tau_m_ms": 5.8, "v_thresh_mV": -44.2, "rate_max_Hz": 19.1,
            "c_m_pF_derived": 44.1, "g_leak_nS_derived": 7.60},   # [KY17] l.134–139, column 'btc'
}

#: How the classes differ, with the source of each statement.
QUALITATIVE = {
    "pv": ("fast-spiking, non-adapting, lowest input resistance and shortest membrane time constant: "
           "[LK16] a = b = 0, R = 100 MOhm, tau = 8 ms vs 200 MOhm / 16 ms for SOM and VIP (params.jl "
           "l.96, l.109–110); [JI15] via [KY17] l.134–139: basket cells R_in 84.5 MOhm, tau 3.9 ms, "
           "max rate 145 Hz vs 25.5 (MC) and 19.1 Hz (BTC)."),
    "sst": ("adapting: [LK16] a = 4 nS, b = 8 pA, tau_w = 150 ms (params.jl l.107–110); in [HS19] "
            "spike-frequency adaptation is given to SOM and VIP only (SimNets_FullMC.py l.65–66: "
            "adaptation strength B = 0 for E and PV, 'ada' for SOM and VIP; Ta = 100 ms for SOM/VIP vs 5 ms). "
            "Receives facilitating input from pyramidal cells ([SM07] abstract; [LK16] params.jl l.83 "
            "UF[E,SOM] = 0.5, the only facilitating synapse of that model)."),
    "vip": ("high input resistance: [JI15] via [KY17] l.136 bitufted cells 131.6 MOhm, the highest of "
            "the three (BC 84.5, MC 126.1); [LK16] 200 MOhm (= SOM). Adapting in [LK16] and [HS19] as "
            "for SST. Mainly inhibits SST ([PF13] abstract)."),
}

# ---------------------------------------------------------------------------------------------
# 2. Connectivity
# ---------------------------------------------------------------------------------------------

#: Connection probability (pre, post), primary set: [LK16] params.jl l.13–16, matrix p0 with rows =
#: presynaptic and columns = postsynaptic (genweights.jl l.35 ``prob = p0[pp,qq]`` for pre pp ->
#: post qq). [LK16] adds an orientation-tuned component p0*(1 + p2*cos 2Δθ) with p2 = 0.8 for E->E
#: and 0.1 for E->PV (params.jl l.20–23; the PV row of p2 is zeroed, l.36–39); untuned values here.
CONNECTION_PROBABILITY = {
    ("e", "e"): 0.1,     ("e", "pv"): 0.6,    ("e", "sst"): 0.6,   ("e", "vip"): 0.6,    # params.jl l.13
    ("pv", "e"): 0.6,    ("pv", "pv"): 0.6,   ("pv", "sst"): 0.0,  ("pv", "vip"): 0.6,   # params.jl l.14
    ("sst", "e"): 0.6,   ("sst", "pv"): 0.6,  ("sst", "sst"): 0.0, ("sst", "vip"): 0.6,  # params.jl l.15
    ("vip", "e"): 0.0,   ("vip", "pv"): 0.0,  ("vip", "sst"): 0.4, ("vip", "vip"): 0.0,  # params.jl l.16
}

#: Connection probability (pre, post) from paired recordings, [JI15] as transcribed in [KY17]
#: LiteratureParameters.py l.157–160 (pairs with inter-soma distance < 150 µm, l.155/162; stored
#: there as [post, pre] in %, transposed and divided by 100 here; layer not stated in that file).
CONNECTION_PROBABILITY_JIANG2015 = {
    ("e", "e"): 0.020,   ("e", "pv"): 0.186,  ("e", "sst"): 0.189,  ("e", "vip"): 0.200,   # column 'pyr'
    ("pv", "e"): 0.352,  ("pv", "pv"): 0.468, ("pv", "sst"): 0.182, ("pv", "vip"): 0.114,  # column 'bc'
    ("sst", "e"): 0.436, ("sst", "pv"): 0.489, ("sst", "sst"): 0.0, ("sst", "vip"): 0.478, # column 'mc'
    ("vip", "e"): 0.183, ("vip", "pv"): 0.029, ("vip", "sst"): 0.261, ("vip", "vip"): 0.144, # column 'btc'
}

#: Connection probability (pre, post) of [HS19] Functions_CompRateModel.py l.29 (network "with
#: recurrence"; l.26, the variant without, sets SOM->SOM and VIP->VIP to 0). Stored there as
#: P[post, pre] (NCon = P*NC per postsynaptic row, l.31; SetConnectivity l.82–93), transposed here.
CONNECTION_PROBABILITY_HERTAEG2019 = {
    ("e", "e"): 0.10,   ("e", "pv"): 0.45,  ("e", "sst"): 0.35,  ("e", "vip"): 0.10,
    ("pv", "e"): 0.60,  ("pv", "pv"): 0.50, ("pv", "sst"): 0.0,  ("pv", "vip"): 0.0,
    ("sst", "e"): 0.55, ("sst", "pv"): 0.60, ("sst", "sst"): 0.50, ("sst", "vip"): 0.45,
    ("vip", "e"): 0.0,  ("vip", "pv"): 0.0, ("vip", "sst"): 0.50, ("vip", "vip"): 0.50,
}

#: Relative inhibitory strength (pre, post) of [PF13], mouse V1 L2/3, normalised to PV->pyramidal = 1
#: ("individual contribution normalized", 'ref': 'pfeffer13', 'layer': '2/3', 'area': 'V1',
#: 'dist': (25, 100) µm in [KY17] LiteratureParameters.py l.107–121). [PF13] has no E->x data:
#: those entries are None (use CONNECTION_STRENGTH_NS_MS_LK2016 for them).
CONNECTION_STRENGTH = {
    ("e", "e"): None,    ("e", "pv"): None,   ("e", "sst"): None,   ("e", "vip"): None,   # not in [PF13]
    ("pv", "e"): 1.00,   ("pv", "pv"): 1.01,  ("pv", "sst"): 0.03,  ("pv", "vip"): 0.22,  # [KY17] l.107
    ("sst", "e"): 0.54,  ("sst", "pv"): 0.33, ("sst", "sst"): 0.02, ("sst", "vip"): 0.77, # [KY17] l.108
    ("vip", "e"): 0.02,  ("vip", "pv"): 0.02, ("vip", "sst"): 0.15, ("vip", "vip"): 0.02, # [KY17] l.109
}

#: Pairs of [PF13]'s motif with negligible strength (<= 0.03 of PV->pyramidal in CONNECTION_STRENGTH;
#: the 0.03 cut is a modelling choice of this module). [PF13] abstract: "Parvalbumin expressing
#: interneurons strongly inhibit one another but ... provide little inhibition to other populations.
#: ... somatostatin expressing interneurons avoid inhibiting one another, yet strongly inhibit all
#: other populations. ... vasoactive intestinal peptide expressing interneurons preferentially
#: inhibit somatostatin interneurons." Note PV->VIP (0.22) is weak but not negligible, and PV->E is
#: the reference (1.0). [LK16] sets exactly PV->SOM, SOM->SOM, VIP->E, VIP->PV, VIP->VIP to p = 0.
PFEFFER_NEGLIGIBLE = frozenset({
    ("pv", "sst"), ("sst", "sst"), ("vip", "e"), ("vip", "pv"), ("vip", "vip"),
})

#: Unitary synaptic weight G (pre, post) of [LK16] params.jl l.42–45 (``gSyn``, rows = pre, written
#: there as x/60*1000 for E rows and x/22*1000 for inhibitory rows; transcribed as the same
#: expressions). Unit nS·ms (integral of the unitary conductance; see module docstring). These are
#: tuned to [LK16]'s network size (POPULATION_SIZES_LK2016); the /60 and /22 look like input-count
#: normalisations, which the code does not state.
CONNECTION_STRENGTH_NS_MS_LK2016 = {
    ("e", "e"): 0.1 / 60 * 1000.0,   ("e", "pv"): 0.3 / 60 * 1000.0,   # l.42: 1.667, 5.0
    ("e", "sst"): 0.05 / 60 * 1000.0, ("e", "vip"): 0.1 / 60 * 1000.0, # l.42: 0.833, 1.667
    ("pv", "e"): 3.0 / 22 * 1000.0,  ("pv", "pv"): 3.0 / 22 * 1000.0,  # l.43: 136.4, 136.4
    ("pv", "sst"): 0.0,              ("pv", "vip"): 0.6 / 22 * 1000.0, # l.43: 0, 27.27
    ("sst", "e"): 1.5 / 22 * 1000.0, ("sst", "pv"): 1.0 / 22 * 1000.0, # l.44: 68.18, 45.45
    ("sst", "sst"): 0.0,             ("sst", "vip"): 2.5 / 22 * 1000.0, # l.44: 0, 113.6
    ("vip", "e"): 0.0,               ("vip", "pv"): 0.0,               # l.45
    ("vip", "sst"): 3.0 / 22 * 1000.0, ("vip", "vip"): 0.0,            # l.45: 136.4, 0
}

#: Peak of the unit-area kernel (exp(-t/τd) - exp(-t/τr))/(τd - τr), per ms, per presynaptic
#: population, computed here from SYNAPTIC_KINETICS (derived, not a published number); peak at
#: t* = ln(τd/τr) τr τd / (τd - τr) = 0.924 (e), 1.075 (pv), 1.848 ms (sst, vip).
KERNEL_PEAK_PER_MS_LK2016 = {"e": 0.31498, "pv": 0.23294, "sst": 0.15749, "vip": 0.15749}

#: Unitary PSP peak amplitude (pre, post) in mV (EPSPs from e, IPSPs otherwise, absolute values),
#: [JI15] as transcribed in [KY17] LiteratureParameters.py l.165–168 ([post, pre] there, transposed).
PSP_AMPLITUDE_MV_JIANG2015 = {
    ("e", "e"): 0.34,   ("e", "pv"): 1.60,  ("e", "sst"): 0.86,  ("e", "vip"): 1.31,
    ("pv", "e"): 0.48,  ("pv", "pv"): 0.68, ("pv", "sst"): 0.42, ("pv", "vip"): 0.41,
    ("sst", "e"): 0.31, ("sst", "pv"): 0.50, ("sst", "sst"): 0.00, ("sst", "vip"): 0.46,
    ("vip", "e"): 0.28, ("vip", "pv"): 0.18, ("vip", "sst"): 0.32, ("vip", "vip"): 0.44,
}

# ---------------------------------------------------------------------------------------------
# 3. Synaptic kinetics
# ---------------------------------------------------------------------------------------------

#: Per presynaptic population (onto every target): difference-of-exponentials rise/decay and
#: reversal, [LK16] params.jl l.47–62 (rows = pre; sim.jl l.67–68 indexes taurise/taudecay[pre, post]).
#: "e" is AMPA onto all populations (interneurons included); pv/sst/vip are GABA_A.
SYNAPTIC_KINETICS = {
    "e":   {"tau_rise_ms": 0.5, "tau_decay_ms": 2.0, "e_rev_mV": 0.0},    # l.53, l.59, l.47
    "pv":  {"tau_rise_ms": 0.5, "tau_decay_ms": 3.0, "e_rev_mV": -67.0},  # l.54, l.60, l.48
    "sst": {"tau_rise_ms": 1.0, "tau_decay_ms": 4.0, "e_rev_mV": -67.0},  # l.55, l.61, l.49
    "vip": {"tau_rise_ms": 1.0, "tau_decay_ms": 4.0, "e_rev_mV": -67.0},  # l.56, l.62, l.50
}

#: Other published decay time constants (ms), for comparison; not used by the primary set.
SYNAPTIC_KINETICS_ALTERNATIVES = {
    # [YMW16] data/parameters.txt l.15: tauAMPA 2.0 ms (same as [LK16] for E).
    "ampa_decay_ms_yang2016": 2.0,
    # [YMW16] data/parameters.txt l.17: tauGABA 20 ms (dendrite-targeting, SOM-type, inhibition).
    "gaba_dendritic_decay_ms_yang2016": 20.0,
    # [YMW16] data/parameters.txt l.110: tauGABA_soma 10 ms (soma-targeting inhibition).
    "gaba_somatic_decay_ms_yang2016": 10.0,
    # [YMW16] data/parameters.txt l.12: vI = -70 mV (inhibitory reversal).
    "e_gaba_mV_yang2016": -70.0,
    # [BA02] abstract: unitary BC->BC IPSC amplitude-weighted decay 2.5 / 1.2 / 1.8 ms in dentate
    # gyrus / CA3 / CA1 (hippocampus, 33–34 °C); BC->principal-cell IPSCs decay significantly slower.
    "pv_to_pv_decay_ms_bartos2002": {"dg": 2.5, "ca3": 1.2, "ca1": 1.8},
}

#: Short-term plasticity of [LK16] (pre, post), only the non-trivial entries (all others static):
#: depression x -> x*UD per spike, recovery tau_D = 800 ms (params.jl l.65–74); facilitation
#: F -> F + UF (Fmax - F), Fmax = 2, recovery tau_F = 200 ms (l.77–92); sim.jl l.105–106.
SHORT_TERM_PLASTICITY_LK2016 = {
    ("e", "e"):   {"ud": 0.75},               # params.jl l.71
    ("e", "pv"):  {"ud": 0.75},               # params.jl l.71
    ("e", "sst"): {"uf": 0.5, "f_max": 2.0},  # params.jl l.83, l.89 (facilitating E->SOM)
    ("pv", "e"):  {"ud": 0.9},                # params.jl l.72 (PV row: 0.9 onto all four)
    ("pv", "pv"): {"ud": 0.9},
    ("pv", "sst"): {"ud": 0.9},               # (no PV->SOM synapses exist: p = 0)
    ("pv", "vip"): {"ud": 0.9},
}
STP_TAU_D_MS_LK2016 = 800.0  # params.jl l.65–68 (all pairs)
STP_TAU_F_MS_LK2016 = 200.0  # params.jl l.77–80 (all pairs)

#: [LK16] network size, runsim.jl l.12: Ncells = [400, 50, 25, 25] for [e, pv, som, vip].
POPULATION_SIZES_LK2016 = {"e": 400, "pv": 50, "sst": 25, "vip": 25}

#: External Poisson drive of [LK16], params.jl l.33 (r0, spikes per ms, i.e. kHz summed over all
#: external inputs of a cell, delivered through the E->post synapse: sim.jl l.111–116 increments
#: the E channel; genweights.jl l.54 applies the weak tuning r2 = 0.2 for E). l.32 keeps a
#: commented-out "high rate" set of 3x for E and PV.
EXTERNAL_RATE_KHZ_LK2016 = {"e": 2.4, "pv": 0.4, "sst": 0.8, "vip": 0.3}

# ---------------------------------------------------------------------------------------------
# Values that are modelling choices of this module rather than published numbers
# ---------------------------------------------------------------------------------------------

MODELLING_CHOICES = (
    "INTRINSIC, CONNECTION_PROBABILITY, CONNECTION_STRENGTH_NS_MS_LK2016 and SYNAPTIC_KINETICS take "
    "[LK16]'s published code as the primary set (the only complete, self-consistent AdEx parameter "
    "set for E/PV/SOM/VIP found); the other tables are alternatives, not merged into it.",
    "PFEFFER_NEGLIGIBLE: the cut at <= 0.03 of PV->pyramidal strength is this module's choice.",
    "CONNECTION_STRENGTH[('e', x)] = None: [PF13] measured no E->x strengths; no value is substituted.",
    "Mapping [JI15] basket/Martinotti/bitufted cells to PV/SST/VIP follows [KY17] l.171-172; "
    "the correspondence is approximate.",
    "INTRINSIC_MEASURED_JIANG2015 c_m_pF_derived, g_leak_nS_derived and KERNEL_PEAK_PER_MS_LK2016 "
    "are computed here from published numbers (tau/R, 1/R, kernel maximum).",
)
