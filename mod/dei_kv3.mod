TITLE dei_kv3: fast non-inactivating Kv3.1 potassium current

COMMENT
Fast delayed rectifier of soma and axon that repolarises the action potential
quickly and lets the cell fire at high rates:
    ik = gbar * m * (v - ek),   gbar in S/cm2.
Kinetics of Kv3.1 (Rettig et al. 1992 EMBO J 11:2473) in the form fitted by
Hay et al. 2011 PLoS Comput Biol 7:e1002107 (SKv3_1):
    minf = 1/(1 + exp((v - 18.7)/-9.7)),
    mtau = 0.2 * 20/(1 + exp((v + 46.56)/-44.14)) ms,
at the 34 degC of that model; no temperature correction (Hay et al. 2011).
Written for the dendriteei package.
ENDCOMMENT

NEURON {
    THREADSAFE
    SUFFIX dei_kv3
    USEION k READ ek WRITE ik
    RANGE gbar, g, ik, minf, mtau
}

UNITS {
    (S)  = (siemens)
    (mA) = (milliamp)
    (mV) = (millivolt)
}

PARAMETER {
    gbar = 0 (S/cm2)        : density; 0 so that inserting the mechanism is inert until painted
    vhalf = 18.7 (mV)       : half-activation, Hay et al. 2011 (SKv3_1) after Rettig et al. 1992
    slope = 9.7 (mV)        : activation slope, Hay et al. 2011 (SKv3_1)
    taumax = 4 (ms)         : 0.2 * 20 ms, maximal time constant, Hay et al. 2011 (SKv3_1)
    tauvhalf = -46.56 (mV)  : midpoint of the time-constant sigmoid, Hay et al. 2011 (SKv3_1)
    tauslope = 44.14 (mV)   : slope of the time-constant sigmoid, Hay et al. 2011 (SKv3_1)
}

ASSIGNED {
    v (mV)
    ek (mV)
    ik (mA/cm2)
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
    ik = g*(v - ek)
}

INITIAL {
    rates(v)
    m = minf
}

DERIVATIVE states {
    rates(v)
    m' = (minf - m)/mtau
}

PROCEDURE rates(v (mV)) {
    minf = 1/(1 + exp((vhalf - v)/slope))
    mtau = taumax/(1 + exp((tauvhalf - v)/tauslope))
}
