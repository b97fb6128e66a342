TITLE dei_nat: fast transient Na current (soma, axon)

COMMENT
Fast inactivating sodium current, Hodgkin-Huxley form
    ina = gbar * m^3 * h * (v - ena),   gbar in S/cm2.
Kinetics: Colbert & Pan 2002 Nat Neurosci 5:533, in the parameterisation
fitted by Hay et al. 2011 PLoS Comput Biol 7:e1002107 ("NaTa_t").
The rate constants refer to 21 degC and are scaled to celsius with q10 = 2.3.

vshift (mV) translates both gates along the voltage axis: all rates are
evaluated at (v - vshift). A negative vshift therefore makes activation and
inactivation occur at more hyperpolarised potentials (e.g. for an axon
initial segment channel population). Default 0 = somatic channel.
Written for the dendriteei package.
ENDCOMMENT

NEURON {
    THREADSAFE
    SUFFIX dei_nat
    USEION na READ ena WRITE ina
    RANGE gbar, g, ina, vshift
    RANGE minf, mtau, hinf, htau
}

UNITS {
    (S)  = (siemens)
    (mA) = (milliamp)
    (mV) = (millivolt)
}

PARAMETER {
    gbar = 0 (S/cm2)         : density; 0 so that inserting the mechanism is inert until painted
    vshift = 0 (mV)          : no shift for the somatic channel (Hay et al. 2011 NaTa_t has none)
    : activation m: alpha = am*(v-vhm)/(1-exp(-(v-vhm)/km)), beta = bm*(vhm-v)/(1-exp((v-vhm)/km))
    am = 0.182 (/ms-mV)      : Colbert & Pan 2002 Nat Neurosci 5:533, as fitted by Hay et al. 2011 PLoS Comput Biol 7:e1002107 (NaTa_t)
    bm = 0.124 (/ms-mV)      : Colbert & Pan 2002, as fitted by Hay et al. 2011 (NaTa_t)
    vhm = -38 (mV)           : Colbert & Pan 2002, as fitted by Hay et al. 2011 (NaTa_t)
    km = 6 (mV)              : Colbert & Pan 2002, as fitted by Hay et al. 2011 (NaTa_t)
    : inactivation h: alpha = ah*(vhh-v)/(1-exp((v-vhh)/kh)), beta = bh*(v-vhh)/(1-exp(-(v-vhh)/kh))
    ah = 0.015 (/ms-mV)      : Colbert & Pan 2002, as fitted by Hay et al. 2011 (NaTa_t)
    bh = 0.015 (/ms-mV)      : Colbert & Pan 2002, as fitted by Hay et al. 2011 (NaTa_t)
    vhh = -66 (mV)           : Colbert & Pan 2002, as fitted by Hay et al. 2011 (NaTa_t)
    kh = 6 (mV)              : Colbert & Pan 2002, as fitted by Hay et al. 2011 (NaTa_t)
    q10 = 2.3 (1)            : Hay et al. 2011 (NaTa_t temperature correction)
    tbase = 21 (degC)        : temperature of the rate constants, Hay et al. 2011 (NaTa_t: qt = 2.3^((T-21)/10))
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
}

STATE {
    m
    h
}

BREAKPOINT {
    SOLVE states METHOD cnexp
    g = gbar*m*m*m*h
    ina = g*(v - ena)
}

INITIAL {
    rates(v - vshift)
    m = minf
    h = hinf
}

DERIVATIVE states {
    rates(v - vshift)
    m' = (minf - m)/mtau
    h' = (hinf - h)/htau
}

: vm: the membrane potential minus vshift (so that the table does not depend on the painted shift)
PROCEDURE rates(vm (mV)) {
    LOCAL qt, a, b
    : tabulated at 0.1 mV steps (linear interpolation) for speed; usetable_dei_nat = 0 computes the rates
    : exactly (spike times agree within 0.01 ms: benchmarks/bench_protocols.py)
    TABLE minf, mtau, hinf, htau DEPEND celsius, am, bm, vhm, km, ah, bh, vhh, kh, q10, tbase FROM -150 TO 100 WITH 2500
    qt = q10^((celsius - tbase)/(10 (degC)))
    a = am*vtrap(vm - vhm, km)
    b = bm*vtrap(vhm - vm, km)
    minf = a/(a + b)
    mtau = 1/((a + b)*qt)
    a = ah*vtrap(vhh - vm, kh)
    b = bh*vtrap(vm - vhh, kh)
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
