TITLE dei_nad: dendritic Na current with slow (cumulative) inactivation

COMMENT
Dendritic sodium current
    ina = gbar * m^3 * h * s * (v - ena),   gbar in S/cm2.
Kinetics: Migliore et al. 1999 J Comput Neurosci 7:5 (CA1 dendritic Na
channel, "na3"); its slow inactivation gate s represents the slow recovery
from inactivation described by Colbert et al. 1997 J Neurosci 17:6512.
m and h rates refer to 24 degC and are scaled with q10 = 2; the s gate is
not temperature-scaled in the original model and is not here either.

ar sets the depth of slow inactivation: sinf = c + ar*(1 - c) with
c = 1/(1 + exp((v - vvh)/vvs)); ar = 1 removes slow inactivation (s = 1),
ar = 0 is maximal. ar is a RANGE variable so it can be graded with distance.
Written for the dendriteei package.
ENDCOMMENT

NEURON {
    THREADSAFE
    SUFFIX dei_nad
    USEION na READ ena WRITE ina
    RANGE gbar, g, ina, ar
    RANGE minf, mtau, hinf, htau, sinf, taus, cslow
}

UNITS {
    (S)  = (siemens)
    (mA) = (milliamp)
    (mV) = (millivolt)
    FARADAY = (faraday) (kilocoulombs)
    R = (k-mole) (joule/degC)
}

PARAMETER {
    gbar = 0 (S/cm2)     : density; 0 so that inserting the mechanism is inert until painted
    ar = 1 (1)           : 1 = no slow inactivation, Migliore et al. 1999 J Comput Neurosci 7:5 (na3 default)
    : activation m
    tha = -30 (mV)       : Migliore et al. 1999 J Comput Neurosci 7:5 (na3)
    qa = 7.2 (mV)        : Migliore et al. 1999 (na3)
    Ra = 0.4 (/ms-mV)    : Migliore et al. 1999 (na3)
    Rb = 0.124 (/ms-mV)  : Migliore et al. 1999 (na3)
    mmin = 0.02 (ms)     : lower bound of mtau, Migliore et al. 1999 (na3)
    : fast inactivation h
    thi1 = -45 (mV)      : Migliore et al. 1999 (na3)
    thi2 = -45 (mV)      : Migliore et al. 1999 (na3)
    qd = 1.5 (mV)        : Migliore et al. 1999 (na3)
    qg = 1.5 (mV)        : Migliore et al. 1999 (na3)
    Rd = 0.03 (/ms-mV)   : Migliore et al. 1999 (na3)
    Rg = 0.01 (/ms-mV)   : Migliore et al. 1999 (na3)
    thinf = -50 (mV)     : Migliore et al. 1999 (na3)
    qinf = 4 (mV)        : Migliore et al. 1999 (na3)
    hmin = 0.5 (ms)      : lower bound of htau, Migliore et al. 1999 (na3)
    : slow inactivation s
    vhalfs = -60 (mV)    : Migliore et al. 1999 (na3)
    zetas = 12 (1)       : Migliore et al. 1999 (na3)
    gms = 0.2 (1)        : Migliore et al. 1999 (na3)
    a0s = 0.0003 (/ms)   : Migliore et al. 1999 (na3)
    smax = 10 (ms)       : lower bound of taus (named smax in the original), Migliore et al. 1999 (na3)
    vvh = -58 (mV)       : Migliore et al. 1999 (na3)
    vvs = 2 (mV)         : Migliore et al. 1999 (na3)
    : temperature
    q10 = 2 (1)          : Migliore et al. 1999 (na3)
    tbase = 24 (degC)    : reference temperature, Migliore et al. 1999 (na3: qt = 2^((T-24)/10))
}

ASSIGNED {
    v (mV)
    celsius (degC)
    ena (mV)
    ina (mA/cm2)
    g (S/cm2)
    minf (1)
    mtau (ms)
    hinf (1)
    htau (ms)
    sinf (1)
    taus (ms)
    cslow (1)
}

STATE {
    m
    h
    s
}

BREAKPOINT {
    SOLVE states METHOD cnexp
    g = gbar*m*m*m*h*s
    ina = g*(v - ena)
}

INITIAL {
    rates(v)
    sinf = cslow + ar*(1 - cslow)
    m = minf
    h = hinf
    s = sinf
}

DERIVATIVE states {
    rates(v)
    sinf = cslow + ar*(1 - cslow)
    m' = (minf - m)/mtau
    h' = (hinf - h)/htau
    s' = (sinf - s)/taus
}

PROCEDURE rates(vm (mV)) {
    LOCAL qt, a, b, fz
    : tabulated at 0.1 mV steps (linear interpolation) for speed; usetable_dei_nad = 0 computes the rates
    : exactly (spike times agree within 0.01 ms: benchmarks/bench_protocols.py)
    TABLE minf, mtau, hinf, htau, cslow, taus DEPEND celsius, tha, qa, Ra, Rb, mmin, thi1, thi2, qd, qg, Rd, Rg, thinf, qinf, hmin, vhalfs, zetas, gms, a0s, smax, vvh, vvs, q10, tbase FROM -150 TO 100 WITH 2500
    qt = q10^((celsius - tbase)/(10 (degC)))

    a = Ra*vtrap(vm - tha, qa)
    b = Rb*vtrap(tha - vm, qa)
    minf = a/(a + b)
    mtau = 1/((a + b)*qt)
    if (mtau < mmin) { mtau = mmin }

    a = Rd*vtrap(vm - thi1, qd)
    b = Rg*vtrap(thi2 - vm, qg)
    htau = 1/((a + b)*qt)
    if (htau < hmin) { htau = hmin }
    hinf = 1/(1 + exp((vm - thinf)/qinf))

    cslow = 1/(1 + exp((vm - vvh)/vvs))
    fz = FARADAY/(R*(celsius + 273.15 (degC)))    : F/RT in 1/mV
    taus = exp(zetas*gms*(vm - vhalfs)*fz)/(a0s*(1 + exp(zetas*(vm - vhalfs)*fz)))
    if (taus < smax) { taus = smax }
}

: x/(1 - exp(-x/k)), continuous through its removable singularity at x = 0
FUNCTION vtrap(x (mV), k (mV)) (mV) {
    if (fabs(x/k) < 1e-6) {
        vtrap = k*(1 + x/(2*k))
    } else {
        vtrap = x/(1 - exp(-x/k))
    }
}
