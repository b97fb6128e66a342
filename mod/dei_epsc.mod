TITLE dei_epsc: EPSP-shaped (double-exponential) current injection

COMMENT
A current-based synapse for "EPSP-like" current injections (Larkum et al. 1999 Nature 398:338;
Hay et al. 2011 PLoS Comput Biol 7:e1002107: rise 0.5 ms, decay 5 ms). Each event of weight
w (nA) adds a double-exponential current whose peak is exactly w, reached tp after the event,
tp = tau_r*tau_d/(tau_d - tau_r)*ln(tau_d/tau_r):
    i = -(B - A)   (nA; negative = inward, i.e. depolarising),  A' = -A/tau_r,  B' = -B/tau_d
Unlike a sampled waveform played into an IClamp, the kinetics are states, so CVODE integrates
them without a breakpoint every sample. If tau_r/tau_d > 0.9999, tau_r is taken as
0.9999*tau_d (the expressions are singular at tau_r = tau_d).

Written for the dendriteei package.
ENDCOMMENT

NEURON {
    THREADSAFE
    POINT_PROCESS dei_epsc
    RANGE tau_r, tau_d, i
    NONSPECIFIC_CURRENT i
}

UNITS {
    (nA) = (nanoamp)
}

PARAMETER {
    tau_r = 0.5 (ms)     : rise, Hay et al. 2011 (EPSP-shaped current)
    tau_d = 5 (ms)       : decay, Hay et al. 2011
}

ASSIGNED {
    i (nA)
    factor (1)
    tr (ms)
}

STATE {
    A (nA)
    B (nA)
}

INITIAL {
    LOCAL tp
    tr = tau_r
    if (tr/tau_d > 0.9999) {
        tr = 0.9999*tau_d
    }
    tp = (tr*tau_d)/(tau_d - tr)*log(tau_d/tr)
    factor = 1/(exp(-tp/tau_d) - exp(-tp/tr))
    A = 0
    B = 0
}

BREAKPOINT {
    SOLVE state METHOD cnexp
    i = -(B - A)
}

DERIVATIVE state {
    A' = -A/tr
    B' = -B/tau_d
}

NET_RECEIVE(weight (nA)) {
    A = A + weight*factor
    B = B + weight*factor
}
