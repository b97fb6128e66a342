TITLE dei_cat: low-voltage-activated (T-type) Ca current

COMMENT
Low-voltage-activated, inactivating calcium current
    ica = gbar * m^2 * h * (v - eca),   gbar in S/cm2.
Kinetics: Avery & Johnston 1996 J Neurosci 16:5567 (steady state) with time
constants approximated from Randall & Tsien 1997 Neuropharmacology 36:879, in
the form used by Hay et al. 2011 PLoS Comput Biol 7:e1002107 (Ca_LVAst).
As in Hay et al. 2011, all rate functions are evaluated at u = v + vsh with
vsh = 10 mV (junction-potential correction, i.e. curves moved 10 mV
negative):
    minf = 1/(1 + exp(-(u + 30)/6)),    mtau = (5 + 20/(1 + exp((u + 25)/5)))/qt
    hinf = 1/(1 + exp((u + 80)/6.4)),   htau = (20 + 50/(1 + exp((u + 40)/7)))/qt
so that in terms of v the half-activation is -40 mV and the
half-inactivation -90 mV. qt = 2.3^((celsius - 21)/10).
Written for the dendriteei package.
ENDCOMMENT

NEURON {
    THREADSAFE
    SUFFIX dei_cat
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
    vsh = 10 (mV)            : rates evaluated at v + 10 mV, Hay et al. 2011 PLoS Comput Biol 7:e1002107 (Ca_LVAst)
    vhm = -30 (mV)           : Avery & Johnston 1996 J Neurosci 16:5567, as used by Hay et al. 2011 (Ca_LVAst)
    km = 6 (mV)              : Avery & Johnston 1996, as used by Hay et al. 2011 (Ca_LVAst)
    vhh = -80 (mV)           : Avery & Johnston 1996, as used by Hay et al. 2011 (Ca_LVAst)
    kh = 6.4 (mV)            : Avery & Johnston 1996, as used by Hay et al. 2011 (Ca_LVAst)
    tm0 = 5 (ms)             : approximated from Randall & Tsien 1997 Neuropharmacology 36:879 by Hay et al. 2011 (Ca_LVAst)
    tm1 = 20 (ms)            : Randall & Tsien 1997, as used by Hay et al. 2011 (Ca_LVAst)
    vtm = -25 (mV)           : Randall & Tsien 1997, as used by Hay et al. 2011 (Ca_LVAst)
    ktm = 5 (mV)             : Randall & Tsien 1997, as used by Hay et al. 2011 (Ca_LVAst)
    th0 = 20 (ms)            : Randall & Tsien 1997, as used by Hay et al. 2011 (Ca_LVAst)
    th1 = 50 (ms)            : Randall & Tsien 1997, as used by Hay et al. 2011 (Ca_LVAst)
    vth = -40 (mV)           : Randall & Tsien 1997, as used by Hay et al. 2011 (Ca_LVAst)
    kth = 7 (mV)             : Randall & Tsien 1997, as used by Hay et al. 2011 (Ca_LVAst)
    q10 = 2.3 (1)            : Hay et al. 2011 (Ca_LVAst temperature correction)
    tbase = 21 (degC)        : temperature of the time constants, Hay et al. 2011 (Ca_LVAst: qt = 2.3^((T-21)/10))
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
    LOCAL qt, u
    : tabulated at 0.1 mV steps (linear interpolation) for speed; usetable_dei_cat = 0 computes the rates
    : exactly (spike times agree within 0.01 ms: benchmarks/bench_protocols.py)
    TABLE minf, mtau, hinf, htau DEPEND celsius, vsh, vhm, km, vhh, kh, tm0, tm1, vtm, ktm, th0, th1, vth, kth, q10, tbase FROM -150 TO 100 WITH 2500
    qt = q10^((celsius - tbase)/(10 (degC)))
    u = vm + vsh
    minf = 1/(1 + exp(-(u - vhm)/km))
    mtau = (tm0 + tm1/(1 + exp((u - vtm)/ktm)))/qt
    hinf = 1/(1 + exp((u - vhh)/kh))
    htau = (th0 + th1/(1 + exp((u - vth)/kth)))/qt
}
