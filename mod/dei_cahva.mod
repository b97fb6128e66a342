TITLE dei_cahva: high-voltage-activated Ca current

COMMENT
High-voltage-activated calcium current
    ica = gbar * m^2 * h * (v - eca),   gbar in S/cm2.
Kinetics: Reuveni et al. 1993 J Neurosci 13:4609, in the form used by
Hay et al. 2011 PLoS Comput Biol 7:e1002107 (Ca_HVA):
    m: alpha = 0.055*(-27 - v)/(exp((-27 - v)/3.8) - 1), beta = 0.94*exp((-75 - v)/17)
    h: alpha = 0.000457*exp((-13 - v)/50),             beta = 0.0065/(exp((-15 - v)/28) + 1)
Hay et al. 2011 use these rates without temperature correction in their
34 degC model, so 34 degC is the reference temperature here; away from it
the rates are scaled with the q10 given below.
Written for the dendriteei package.
ENDCOMMENT

NEURON {
    THREADSAFE
    SUFFIX dei_cahva
    USEION ca READ eca WRITE ica
    RANGE gbar, g, ica
    RANGE minf, mtau, hinf, htau
}

UNITS {
    (S)  = (siemens)
    (mA) = (milliamp)
    (mV) = (millivolt)
}

PARAMETER {
    gbar = 0 (S/cm2)         : density; 0 so that inserting the mechanism is inert until painted
    : m: alpha = ama*(v - vma)/(1 - exp(-(v - vma)/kma)), beta = bmb*exp((vmb - v)/kmb)
    ama = 0.055 (/ms-mV)     : Reuveni et al. 1993 J Neurosci 13:4609, as used by Hay et al. 2011 PLoS Comput Biol 7:e1002107 (Ca_HVA)
    vma = -27 (mV)           : Reuveni et al. 1993, as used by Hay et al. 2011 (Ca_HVA)
    kma = 3.8 (mV)           : Reuveni et al. 1993, as used by Hay et al. 2011 (Ca_HVA)
    bmb = 0.94 (/ms)         : Reuveni et al. 1993, as used by Hay et al. 2011 (Ca_HVA)
    vmb = -75 (mV)           : Reuveni et al. 1993, as used by Hay et al. 2011 (Ca_HVA)
    kmb = 17 (mV)            : Reuveni et al. 1993, as used by Hay et al. 2011 (Ca_HVA)
    : h: alpha = aha*exp((vha - v)/kha), beta = bhb/(exp((vhb - v)/khb) + 1)
    aha = 0.000457 (/ms)     : Reuveni et al. 1993, as used by Hay et al. 2011 (Ca_HVA)
    vha = -13 (mV)           : Reuveni et al. 1993, as used by Hay et al. 2011 (Ca_HVA)
    kha = 50 (mV)            : Reuveni et al. 1993, as used by Hay et al. 2011 (Ca_HVA)
    bhb = 0.0065 (/ms)       : Reuveni et al. 1993, as used by Hay et al. 2011 (Ca_HVA)
    vhb = -15 (mV)           : Reuveni et al. 1993, as used by Hay et al. 2011 (Ca_HVA)
    khb = 28 (mV)            : Reuveni et al. 1993, as used by Hay et al. 2011 (Ca_HVA)
    q10 = 2.3 (1)            : q10 for these Reuveni et al. 1993 rates in Mainen & Sejnowski 1996 Nature 382:363 (HVA Ca)
    tbase = 34 (degC)        : Hay et al. 2011 apply the rates unscaled at 34 degC
}

ASSIGNED {
    v (mV)
    celsius (degC)
    eca (mV)
    ica (mA/cm2)
    g (S/cm2)
    minf (1)
    mtau (ms)
    hinf (1)
    htau (ms)
}

STATE {
    m
    h
}

BREAKPOINT {
    SOLVE states METHOD cnexp
    g = gbar*m*m*h
    ica = g*(v - eca)
}

INITIAL {
    rates(v)
    m = minf
    h = hinf
}

DERIVATIVE states {
    rates(v)
    m' = (minf - m)/mtau
    h' = (hinf - h)/htau
}

PROCEDURE rates(vm (mV)) {
    LOCAL qt, a, b
    : tabulated at 0.1 mV steps (linear interpolation) for speed; usetable_dei_cahva = 0 computes the rates
    : exactly (spike times agree within 0.01 ms: benchmarks/bench_protocols.py)
    TABLE minf, mtau, hinf, htau DEPEND celsius, ama, vma, kma, bmb, vmb, kmb, aha, vha, kha, bhb, vhb, khb, q10, tbase FROM -150 TO 100 WITH 2500
    qt = q10^((celsius - tbase)/(10 (degC)))
    a = ama*vtrap(vm - vma, kma)
    b = bmb*exp((vmb - vm)/kmb)
    minf = a/(a + b)
    mtau = 1/((a + b)*qt)
    a = aha*exp((vha - vm)/kha)
    b = bhb/(exp((vhb - vm)/khb) + 1)
    hinf = a/(a + b)
    htau = 1/((a + b)*qt)
}

: x/(1 - exp(-x/k)), continuous through its removable singularity at x = 0
FUNCTION vtrap(x (mV), k (mV)) (mV) {
    if (fabs(x/k) < 1e-6) {
        vtrap = k*(1 + x/(2*k))
    } else {
        vtrap = x/(1 - exp(-x/k))
    }
}
