TITLE dei_ampa: AMPA conductance synapse without Ca or plasticity (network inputs)
COMMENT
Dual exponential conductance with reversal e, for the many non-plastic excitatory inputs of a
network (recurrent and background), where dei_glu's Ca machinery and implicit solve of eleven
states would dominate the run time:
    i = g*(v - e),   g = B - A,   A' = -A/tau_r,   B' = -B/tau_d   (g in uS, i in nA)
A spike on a connection of weight w (uS) adds w*factor to A and B, with the factor that makes
the peak of one isolated event exactly w (as dei_gaba); tau_r = 0 gives a single exponential
whose jump is w. Any number of NetCons may target one instance; w is read, never changed.
Defaults: the AMPA kinetics of dei_glu (Chindemi et al. 2022). Integration: cnexp (the
equations are linear in their states); no dt in the model.

Written for the dendriteei package.
ENDCOMMENT

NEURON {
    THREADSAFE
    POINT_PROCESS dei_ampa
    NONSPECIFIC_CURRENT i
    RANGE tau_r, tau_d, e, g, i
}

UNITS {
    (nA) = (nanoamp)
    (mV) = (millivolt)
    (uS) = (microsiemens)
}

PARAMETER {
    tau_r = 0.2 (ms)        : rise, Chindemi et al. 2022 Nat Commun 13:3038 (as dei_glu's AMPA); 0: single exponential
    tau_d = 1.7 (ms)        : decay, Chindemi et al. 2022 (as dei_glu's AMPA)
    e = 0 (mV)              : reversal of AMPA receptors (non-selective cation channels)
}

ASSIGNED {
    v (mV)
    i (nA)
    g (uS)
    factor (1)
    tr (ms)
}

STATE {
    A (uS)
    B (uS)
}

INITIAL {
    LOCAL tp
    if (tau_r > 0) {
        tr = tau_r
        if (tr/tau_d > 0.9999) {
            tr = 0.9999*tau_d
        }
        tp = (tr*tau_d)/(tau_d - tr)*log(tau_d/tr)
        factor = 1/(exp(-tp/tau_d) - exp(-tp/tr))
    } else {
        tr = tau_d
        factor = 1
    }
    A = 0
    B = 0
}

BREAKPOINT {
    SOLVE state METHOD cnexp
    g = B - A
    i = g*(v - e)
}

DERIVATIVE state {
    A' = -A/tr
    B' = -B/tau_d
}

NET_RECEIVE(w (uS)) {
    if (tau_r > 0) {
        A = A + w*factor
    }
    B = B + w*factor
}
