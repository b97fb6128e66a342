TITLE dei_ih: hyperpolarisation-activated cation current (HCN, Ih)

COMMENT
Hyperpolarisation-activated, non-selective cation current
    ihcn = gbar * m * (v - ehcn),   gbar in S/cm2.
Kinetics: Kole et al. 2006 J Neurosci 26:1677 (layer 5 pyramidal neuron HCN
channels), in the form used by Hay et al. 2011 PLoS Comput Biol 7:e1002107 (Ih):
    alpha = 0.00643*(v + 154.9)/(exp((v + 154.9)/11.9) - 1)   (1/ms)
    beta  = 0.193*exp(v/33.1)                                  (1/ms)
Hay et al. 2011 use these rates without temperature correction in their
34 degC model, so 34 degC is taken as the reference temperature here; away
from it the rates are scaled with the HCN q10 given below.
Written for the dendriteei package.
ENDCOMMENT

NEURON {
    THREADSAFE
    SUFFIX dei_ih
    NONSPECIFIC_CURRENT ihcn
    RANGE gbar, g, ihcn, ehcn
    RANGE minf, mtau
}

UNITS {
    (S)  = (siemens)
    (mA) = (milliamp)
    (mV) = (millivolt)
}

PARAMETER {
    gbar = 0 (S/cm2)         : density; 0 so that inserting the mechanism is inert until painted
    ehcn = -45 (mV)          : reversal potential, Kole et al. 2006 J Neurosci 26:1677 (as used by Hay et al. 2011)
    : alpha = aa*(vha - v)/(1 - exp(-(vha - v)/ka)), i.e. aa*(v+154.9)/(exp((v+154.9)/11.9)-1)
    aa = 0.00643 (/ms-mV)    : Kole et al. 2006, as used by Hay et al. 2011 PLoS Comput Biol 7:e1002107 (Ih)
    vha = -154.9 (mV)        : Kole et al. 2006, as used by Hay et al. 2011 (Ih)
    ka = 11.9 (mV)           : Kole et al. 2006, as used by Hay et al. 2011 (Ih)
    : beta = bb*exp(v/kb)
    bb = 0.193 (/ms)         : Kole et al. 2006, as used by Hay et al. 2011 (Ih)
    kb = 33.1 (mV)           : Kole et al. 2006, as used by Hay et al. 2011 (Ih)
    q10 = 4.5 (1)            : Ih q10 of Migliore et al. 2004 J Comput Neurosci 16:5 (hd, kinetics after Magee 1998 J Neurosci 18:7613)
    tbase = 34 (degC)        : Hay et al. 2011 apply the rates unscaled at 34 degC
}

ASSIGNED {
    v (mV)
    celsius (degC)
    ihcn (mA/cm2)
    g (S/cm2)
    minf (1)
    mtau (ms)
}

STATE {
    m
}

BREAKPOINT {
    SOLVE states METHOD cnexp
    g = gbar*m
    ihcn = g*(v - ehcn)
}

INITIAL {
    rates(v)
    m = minf
}

DERIVATIVE states {
    rates(v)
    m' = (minf - m)/mtau
}

PROCEDURE rates(vm (mV)) {
    LOCAL qt, a, b
    : tabulated at 0.1 mV steps (linear interpolation) for speed; usetable_dei_ih = 0 computes the rates
    : exactly (spike times agree within 0.01 ms: benchmarks/bench_protocols.py)
    TABLE minf, mtau DEPEND celsius, aa, vha, ka, bb, kb, q10, tbase FROM -150 TO 100 WITH 2500
    qt = q10^((celsius - tbase)/(10 (degC)))
    a = aa*vtrap(vha - vm, ka)
    b = bb*exp(vm/kb)
    minf = a/(a + b)
    mtau = 1/((a + b)*qt)
}

: x/(1 - exp(-x/k)), continuous through its removable singularity at x = 0
FUNCTION vtrap(x (mV), k (mV)) (mV) {
    if (fabs(x/k) < 1e-6) {
        vtrap = k*(1 + x/(2*k))
    } else {
        vtrap = x/(1 - exp(-x/k))
    }
}
