TITLE dei_ka: A-type K current with proximal and distal kinetics

COMMENT
Transient (A-type) potassium current
    ik = gbar * n * l * (v - ek),   gbar in S/cm2.
Kinetics: Migliore et al. 1999 J Comput Neurosci 7:5 ("kap" within 100 um of
the soma, "kad" beyond), fitted to the dendritic A-current of Hoffman et al.
1997 Nature 387:869. One mechanism covers both: the activation parameters
vhalfn, a0n, zetan, gmn and nmin are RANGE variables to be painted per
location. Defaults are the proximal (kap) values; distal (kad) values are
    vhalfn = -1 mV, a0n = 0.1 /ms, zetan = -1.8, gmn = 0.39, nmin = 0.2 ms.
Rates (F/RT with celsius):
    zeta = zetan + pw/(1 + exp((v - tq)/qq))
    alpn = exp(zeta*(v - vhalfn)*F/RT),  betn = exp(zeta*gmn*(v - vhalfn)*F/RT)
    ninf = 1/(1 + alpn),  taun = betn/(qt*a0n*(1 + alpn)) >= nmin
    linf = 1/(1 + exp(zetal*(v - vhalfl)*F/RT))
    taul = ktl*(v - vtl) >= lmin   (not temperature scaled, as in the original)
Written for the dendriteei package.
ENDCOMMENT

NEURON {
    THREADSAFE
    SUFFIX dei_ka
    USEION k READ ek WRITE ik
    RANGE gbar, g, ik
    RANGE vhalfn, a0n, zetan, gmn, nmin
    RANGE ninf, taun, linf, taul
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
    : painted activation parameters, defaults = proximal
    vhalfn = 11 (mV)     : proximal, Migliore et al. 1999 J Comput Neurosci 7:5 (kap); distal -1 (kad)
    a0n = 0.05 (/ms)     : proximal, Migliore et al. 1999 (kap); distal 0.1 (kad)
    zetan = -1.5 (1)     : proximal, Migliore et al. 1999 (kap); distal -1.8 (kad)
    gmn = 0.55 (1)       : proximal, Migliore et al. 1999 (kap); distal 0.39 (kad)
    nmin = 0.1 (ms)      : lower bound of taun, proximal, Migliore et al. 1999 (kap); distal 0.2 (kad)
    : common
    pw = -1 (1)          : Migliore et al. 1999 (kap, kad)
    tq = -40 (mV)        : Migliore et al. 1999 (kap, kad)
    qq = 5 (mV)          : Migliore et al. 1999 (kap, kad)
    vhalfl = -56 (mV)    : Migliore et al. 1999 (kap, kad), after Hoffman et al. 1997 Nature 387:869
    zetal = 3 (1)        : Migliore et al. 1999 (kap, kad)
    ktl = 0.26 (ms/mV)   : slope of taul, Migliore et al. 1999 (kap, kad)
    vtl = -50 (mV)       : taul = ktl*(v - vtl), Migliore et al. 1999 (kap, kad)
    lmin = 2 (ms)        : lower bound of taul, Migliore et al. 1999 (kap, kad)
    q10 = 5 (1)          : Migliore et al. 1999 (kap, kad), applied to taun only
    tbase = 24 (degC)    : reference temperature, Migliore et al. 1999 (kap, kad)
}

ASSIGNED {
    v (mV)
    celsius (degC)
    ek (mV)
    ik (mA/cm2)
    g (S/cm2)
    ninf (1)
    taun (ms)
    linf (1)
    taul (ms)
    zpart (1)
    qt (1)
    fz (/mV)
}

STATE {
    n
    l
}

BREAKPOINT {
    SOLVE states METHOD cnexp
    g = gbar*n*l
    ik = g*(v - ek)
}

INITIAL {
    rates(v)
    n = ninf
    l = linf
}

DERIVATIVE states {
    rates(v)
    n' = (ninf - n)/taun
    l' = (linf - l)/taul
}

PROCEDURE rates(vm (mV)) {
    LOCAL zeta, alpn, betn
    vrates(vm)
    zeta = zetan + zpart
    alpn = exp(zeta*(vm - vhalfn)*fz)
    betn = exp(zeta*gmn*(vm - vhalfn)*fz)
    ninf = 1/(1 + alpn)
    taun = betn/(qt*a0n*(1 + alpn))
    if (taun < nmin) { taun = nmin }
}

: the parts that depend on v and global parameters only, tabulated (the painted n-gate parameters are not)
PROCEDURE vrates(vm (mV)) {
    : tabulated at 0.1 mV steps (linear interpolation) for speed; usetable_dei_ka = 0 computes the rates
    : exactly (spike times agree within 0.01 ms: benchmarks/bench_protocols.py)
    TABLE linf, taul, zpart, qt, fz DEPEND celsius, pw, tq, qq, vhalfl, zetal, ktl, vtl, lmin, q10, tbase FROM -150 TO 100 WITH 2500
    qt = q10^((celsius - tbase)/(10 (degC)))
    fz = FARADAY/(R*(celsius + 273.15 (degC)))    : F/RT in 1/mV
    zpart = pw/(1 + exp((vm - tq)/qq))
    linf = 1/(1 + exp(zetal*(vm - vhalfl)*fz))
    taul = ktl*(vm - vtl)
    if (taul < lmin) { taul = lmin }
}
