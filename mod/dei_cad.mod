TITLE dei_cad: submembrane Ca pool with first-order removal

COMMENT
Intracellular calcium in a shell of thickness depth under the membrane:
    dcai/dt = -(10000)*ica*gamma/(2*F*depth) - (cai - minCai)/decay
gamma is the fraction of entering Ca that stays free (the rest is bound by
fast buffers), decay the time constant of extrusion/uptake, minCai the
resting concentration. Units: ica mA/cm2, depth um, cai mM; the factor
10000 converts (mA/cm2)/(C/mol * um) to mM/ms. Model form and default values
of Hay et al. 2011 PLoS Comput Biol 7:e1002107 (CaDynamics_E2), after
Helmchen et al. 1996 Biophys J 70:1069. No conductance: nothing to paint,
insert it wherever a Ca channel is painted. The removal constant is a fitted
value at the model temperature and is not scaled with celsius.
Written for the dendriteei package.
ENDCOMMENT

NEURON {
    THREADSAFE
    SUFFIX dei_cad
    USEION ca READ ica WRITE cai
    RANGE gamma, decay, depth, minCai
}

UNITS {
    (mA) = (milliamp)
    (um) = (micron)
    (molar) = (1/liter)
    (mM) = (millimolar)
    FARADAY = (faraday) (coulomb)
}

PARAMETER {
    gamma = 0.05 (1)         : free fraction of Ca influx, Hay et al. 2011 PLoS Comput Biol 7:e1002107 (CaDynamics_E2 default)
    decay = 80 (ms)          : removal time constant, Hay et al. 2011 (CaDynamics_E2 default)
    depth = 0.1 (um)         : shell depth, Hay et al. 2011 (CaDynamics_E2 default)
    minCai = 1e-4 (mM)       : resting [Ca]i 100 nM, Hay et al. 2011 (CaDynamics_E2 default)
}

ASSIGNED {
    ica (mA/cm2)
}

STATE {
    cai (mM)    : a <tolerance> tag here is ignored by nocmodl for ion STATEs; with CVODE
                : set e.g. h.CVode().atolscale("cai", 1e-3) so that ~1e-4 mM is resolved
}

BREAKPOINT {
    SOLVE states METHOD cnexp
}

INITIAL {
    cai = minCai
}

DERIVATIVE states {
    cai' = -(10000)*ica*gamma/(2*FARADAY*depth) - (cai - minCai)/decay
}
