TITLE dei_kdr: delayed-rectifier K current

COMMENT
Non-inactivating delayed-rectifier potassium current
    ik = gbar * n * (v - ek),   gbar in S/cm2  (n enters linearly).
Kinetics: Migliore et al. 1999 J Comput Neurosci 7:5 ("kdr", CA1 pyramidal
neuron), Eyring-type rates
    alpn = exp(zetan*(v - vhalfn)*F/RT),  betn = exp(zetan*gmn*(v - vhalfn)*F/RT)
    ninf = 1/(1 + alpn),  taun = betn/(qt*a0n*(1 + alpn)),  taun >= nmin.
The original uses q10 = 1 (no temperature scaling of the rates); the
Boltzmann factor F/RT still follows celsius.
Written for the dendriteei package.
ENDCOMMENT

NEURON {
    THREADSAFE
    SUFFIX dei_kdr
    USEION k READ ek WRITE ik
    RANGE gbar, g, ik
    RANGE ninf, taun
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
    vhalfn = 13 (mV)     : Migliore et al. 1999 J Comput Neurosci 7:5 (kdr)
    a0n = 0.02 (/ms)     : Migliore et al. 1999 (kdr)
    zetan = -3 (1)       : Migliore et al. 1999 (kdr)
    gmn = 0.7 (1)        : Migliore et al. 1999 (kdr)
    nmin = 2 (ms)        : lower bound of taun (named nmax in the original), Migliore et al. 1999 (kdr)
    q10 = 1 (1)          : Migliore et al. 1999 (kdr: rates not temperature scaled)
    tbase = 24 (degC)    : reference temperature, Migliore et al. 1999 (kdr)
}

ASSIGNED {
    v (mV)
    celsius (degC)
    ek (mV)
    ik (mA/cm2)
    g (S/cm2)
    ninf (1)
    taun (ms)
}

STATE {
    n
}

BREAKPOINT {
    SOLVE states METHOD cnexp
    g = gbar*n
    ik = g*(v - ek)
}

INITIAL {
    rates(v)
    n = ninf
}

DERIVATIVE states {
    rates(v)
    n' = (ninf - n)/taun
}

PROCEDURE rates(vm (mV)) {
    LOCAL qt, fz, alpn, betn
    : tabulated at 0.1 mV steps (linear interpolation) for speed; usetable_dei_kdr = 0 computes the rates
    : exactly (spike times agree within 0.01 ms: benchmarks/bench_protocols.py)
    TABLE ninf, taun DEPEND celsius, vhalfn, a0n, zetan, gmn, nmin, q10, tbase FROM -150 TO 100 WITH 2500
    qt = q10^((celsius - tbase)/(10 (degC)))
    fz = FARADAY/(R*(celsius + 273.15 (degC)))    : F/RT in 1/mV
    alpn = exp(zetan*(vm - vhalfn)*fz)
    betn = exp(zetan*gmn*(vm - vhalfn)*fz)
    ninf = 1/(1 + alpn)
    taun = betn/(qt*a0n*(1 + alpn))
    if (taun < nmin) { taun = nmin }
}
