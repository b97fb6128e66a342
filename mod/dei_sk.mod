TITLE dei_sk: small-conductance Ca-activated K current (SK)

COMMENT
Calcium-activated, voltage-independent potassium current
    ik = gbar * z * (v - ek),   gbar in S/cm2.
Steady-state Ca dependence: Hill fit of Koehler et al. 1996 Science 273:1709
(cloned SK channels), in the form used by Hay et al. 2011 PLoS Comput Biol
7:e1002107 (SK_E2):
    zinf = 1/(1 + (kd/cai)^nh),  ztau = 1 ms.
For cai <= 0 zinf is 0. Hay et al. 2011 use no temperature correction; the
q10 below (1) keeps that, with the formula in place should a measured q10
be wanted.
Written for the dendriteei package.
ENDCOMMENT

NEURON {
    THREADSAFE
    SUFFIX dei_sk
    USEION k READ ek WRITE ik
    USEION ca READ cai
    RANGE gbar, g, ik
    RANGE zinf, ztau
}

UNITS {
    (S)  = (siemens)
    (mA) = (milliamp)
    (mV) = (millivolt)
    (molar) = (1/liter)
    (mM) = (millimolar)
}

PARAMETER {
    gbar = 0 (S/cm2)         : density; 0 so that inserting the mechanism is inert until painted
    kd = 0.00043 (mM)        : half-activation 0.43 uM, Koehler et al. 1996 Science 273:1709, as used by Hay et al. 2011 (SK_E2)
    nh = 4.8 (1)             : Hill coefficient, Koehler et al. 1996, as used by Hay et al. 2011 (SK_E2)
    ztau0 = 1 (ms)           : activation time constant, Hay et al. 2011 PLoS Comput Biol 7:e1002107 (SK_E2)
    q10 = 1 (1)              : Hay et al. 2011 (SK_E2) apply no temperature correction
    tbase = 34 (degC)        : temperature of the Hay et al. 2011 model
}

ASSIGNED {
    v (mV)
    celsius (degC)
    ek (mV)
    cai (mM)
    ik (mA/cm2)
    g (S/cm2)
    zinf (1)
    ztau (ms)
}

STATE {
    z
}

BREAKPOINT {
    SOLVE states METHOD cnexp
    g = gbar*z
    ik = g*(v - ek)
}

INITIAL {
    ztau = ztau0/(q10^((celsius - tbase)/(10 (degC))))
    rates(cai)
    z = zinf
}

DERIVATIVE states {
    rates(cai)
    z' = (zinf - z)/ztau
}

PROCEDURE rates(ca (mM)) {
    if (ca > 0) {
        zinf = 1/(1 + (kd/ca)^nh)
    } else {
        zinf = 0
    }
}
