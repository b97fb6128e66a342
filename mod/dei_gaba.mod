TITLE dei_gaba: GABA_A synapse with inhibitory spike-timing-dependent plasticity (iSTDP)

COMMENT
Conductance
    Dual exponential GABA_A conductance with reversal e:
        i = g*(v - e),   g = B - A,   A' = -A/tau_r,   B' = -B/tau_d   (g in uS, i in nA)
    A presynaptic spike on a connection of weight w (uS) adds w*factor to A and B,
    factor = 1/(exp(-tp/tau_d) - exp(-tp/tau_r)), tp = tau_r*tau_d/(tau_d - tau_r)*ln(tau_d/tau_r),
    so that one isolated event gives a conductance peak of exactly w at t_event + tp.
    If tau_r/tau_d > 0.9999, tau_r is taken as 0.9999*tau_d (the expressions are singular at
    tau_r = tau_d). tau_r = 0 gives a single exponential: w is added to g, which decays with
    tau_d (the synapse of conductance-based LIF networks, Vogels et al. 2011). The spike is transmitted with the weight it finds; the plasticity update
    that the same spike triggers acts on later spikes.

Connections (NET_RECEIVE arguments, one set per NetCon)
    weight vector [w (uS), x_pre, t_pre (ms), kind]; set w and kind, leave x_pre and t_pre at 0.
    kind 0  presynaptic GABA spike (plastic weight w, presynaptic trace x_pre last set at t_pre)
    kind 1  postsynaptic spike delivered from outside, e.g. a NetCon from the somatic voltage
            with weight vector [0, 0, 0, 1]; used when post_source = 0, ignored otherwise
    kind 2  spike of one of the n_exc excitatory neurons whose mean rate drives the
            homeostatic factor (weight vector [0, 0, 0, 2])
    w is changed in place, so each NetCon carries its own plastic weight; finitialize()
    resets x_pre and t_pre but not w.

Traces (all-to-all interactions: every spike adds 1, nothing is reset)
    x_pre  per connection, decays with tau_stdp.
    x_post per synapse, decays with tau_post = tau_minus if tau_minus > 0, else tau_stdp.
    Traces are not integrated: each stores its value at its last update time and is decayed
    analytically, x(t) = x(t_last)*exp(-(t - t_last)/tau), when an event needs it. The RANGE
    readout x_post is the value at t_x_post (its last update), not at the current time;
    xpost_now() returns the value decayed to t.

Learning rules, with alpha_eff = alpha if alpha >= 0, else 2*rho0_hz*tau_stdp/1000
(Vogels et al. 2011: alpha = 2*rho0*tau_STDP, rho0 in Hz, tau_stdp in ms).
At a presynaptic spike (kind 0) the post trace x_post is read before x_pre += 1; at a post
event x_pre of every kind-0 connection (FOR_NETCONS) is read before x_post += 1.
    window 0  none
    window 1  symmetric Hebbian (Vogels et al. 2011 Science 334:1569):
                  pre:  w += eta*(x_post - alpha_eff)      post: w += eta*x_pre
              one pair |dt| apart: dw = eta*(exp(-|dt|/tau) - alpha_eff) (iLTP near, iLTD far)
    window 2  asymmetric Hebbian (Haas et al. 2006 J Neurophysiol 96:3305):
                  pre:  w -= eta*a_minus*x_post            post: w += eta*a_plus*x_pre
              pre->post (dt = t_post - t_pre > 0): dw = +eta*a_plus*exp(-dt/tau_stdp)   iLTP
              post->pre (dt < 0):                  dw = -eta*a_minus*exp(dt/tau_post)   iLTD
    window 3  asymmetric anti-Hebbian (Wilmes et al. 2017 Eur J Neurosci 45:1032):
                  pre:  w += eta*a_minus*x_post            post: w -= eta*a_plus*x_pre
              pre->post iLTD, post->pre iLTP (window 2 with the signs reversed)
    window 4  symmetric anti-Hebbian (Woodin et al. 2003 Neuron 39:807; mirror of window 1):
                  pre:  w += eta*(alpha_eff - x_post)      post: w -= eta*x_pre
              one pair: dw = -eta*(exp(-|dt|/tau) - alpha_eff) (iLTD near, iLTP far)
    homeostatic = 1 (Zenke, Agnes & Gerstner 2015 Nat Commun 6:6922; replaces the window):
                  pre:  w += eta*G*x_post                  post: w += eta*G*(x_pre + 1)
              one pre->post pair dt apart: dw = eta*G*(1 + exp(-dt/tau_stdp)).
              Here G is a number in Hz, so eta is read as uS per Hz (the seed example uses
              eta = 1 nS*s = 0.001 uS/Hz).
    After every update w is clipped to [w_min, w_max].

Homeostatic factor (Zenke et al. 2015; Brian2 example, dendriteei seeds/003)
        dH/dt = -H/tau_H + (1/n_exc)*sum over kind-2 spikes of delta(t - t_k)/tau_H
    i.e. H (Hz) jumps by 1000/(tau_H*n_exc) at each kind-2 event (tau_H in ms) and decays
    with tau_H; for n_exc neurons firing at mean rate r, H relaxes to r (in Hz). G = H - gamma_hz
    (Hz): positive when the excitatory population fires above the target rate. H and G are
    tracked whether or not homeostatic = 1. Readouts H and G are the values at t_H (the last
    event that updated them); G_now() gives G at the current time.

Post signal (post_source, read at finitialize for 1 and 2)
    0  external kind-1 events (e.g. the somatic spike)
    1  local voltage: every upward crossing of v > post_threshold at the synapse (WATCH)
    2  local calcium: every upward crossing of cai > post_ca_threshold (WATCH; USEION ca READ
       cai, so a section without a Ca mechanism gets the ca ion at its default cai)
    n_post counts the post events used. A WATCH crossing is detected at the end of the step in
    which it happens (fixed step: up to dt late; CVODE: up to one variable step late) unless
    CVODE runs with h.CVode().condition_order(2), which interpolates the crossing time.
    With post_source 1 or 2, delete the point process before its section: in NEURON 9.0.2 a
    section deleted first leaves a stale WATCH that aborts a later CVODE run with
    condition_order(2).

Written for the dendriteei package.
ENDCOMMENT

NEURON {
    THREADSAFE
    POINT_PROCESS dei_gaba
    USEION ca READ cai
    NONSPECIFIC_CURRENT i
    RANGE tau_r, tau_d, e, g, i
    RANGE window, eta, tau_stdp, tau_minus, alpha, rho0_hz, a_plus, a_minus, w_min, w_max
    RANGE homeostatic, tau_H, gamma_hz, n_exc, H, G, t_H
    RANGE post_source, post_threshold, post_ca_threshold
    RANGE n_post, x_post, t_x_post, alpha_eff
}

UNITS {
    (nA) = (nanoamp)
    (mV) = (millivolt)
    (uS) = (microsiemens)
    (molar) = (1/liter)
    (mM) = (millimolar)
}

PARAMETER {
    : conductance
    tau_r = 0.5 (ms)            : rise (0: single exponential), dendritic GABA_A synapses of Wilmes et al. 2017 Eur J Neurosci 45:1032 (ModelDB 234241, tau1)
    tau_d = 5 (ms)              : decay, Wilmes et al. 2017 (ModelDB 234241, tau2); class presets (PV faster, SST slower) are set from Python
    e = -75 (mV)                : GABA_A reversal; Wilmes et al. 2017 (ModelDB 234241) use -74 mV, Vogels et al. 2011 -80 mV
    : plasticity
    window = 0 (1)              : 0 none, 1 symmetric Hebbian, 2 asymmetric Hebbian, 3 asymmetric anti-Hebbian, 4 symmetric anti-Hebbian (Wu, Miehl & Gjorgjieva 2022 Trends Neurosci, Box 1)
    eta = 1e-5 (uS)             : learning rate; Vogels et al. 2011 network eta = 0.01 in a weight unit of 1 nS (ModelDB 143751, isp_brian.py); uS/Hz when homeostatic = 1
    tau_stdp = 20 (ms)          : trace time constant, Vogels et al. 2011 (ModelDB 143751); also Zenke et al. 2015
    tau_minus = 0 (ms)          : time constant of x_post if > 0 (asymmetric windows); 0: x_post decays with tau_stdp as in Vogels et al. 2011
    alpha = -1 (1)              : depression offset of windows 1 and 4; < 0: alpha_eff = 2*rho0_hz*tau_stdp/1000 (Vogels et al. 2011)
    rho0_hz = 3 (1)             : target rate (Hz), Vogels et al. 2011 network (ModelDB 143751: alpha = 3 Hz * 2 * tau_stdp)
    a_plus = 1 (1)              : relative amplitude of the post-event term (windows 2, 3); 1: equal amplitudes, no published value for this form
    a_minus = 1 (1)             : relative amplitude of the pre-event term (windows 2, 3); equal to a_plus as in Wilmes et al. 2017 (ModelDB 234241, potentiation = depression)
    w_min = 0 (uS)              : weights stay non-negative, Vogels et al. 2011
    w_max = 0.1 (uS)            : Vogels et al. 2011 network gmax = 100 x 1 nS (ModelDB 143751, isp_brian.py)
    : homeostatic modulation
    homeostatic = 0 (1)         : 1: Zenke et al. 2015 rule (replaces window)
    tau_H = 10000 (ms)          : Zenke et al. 2015 (10 s); the seeds/003 example uses 100 ms for short runs
    gamma_hz = 5 (1)            : target mean excitatory rate (Hz), seeds/003 Brian2 example of Zenke et al. 2015
    n_exc = 1 (1)               : number of excitatory neurons sending kind-2 events; set it to the real count
    : post signal
    post_source = 0 (1)         : 0 external kind-1 events, 1 local voltage crossing, 2 local [Ca]i crossing
    post_threshold = -40 (mV)   : local bAP detection threshold at the synapse, Wilmes et al. 2017 (ModelDB 234241, thresh)
    post_ca_threshold = 0.00035 (mM) : no published iSTDP value; 0.35 uM = alpha1 of Shouval, Bear & Cooper 2002 PNAS 99:10831 (onset of Ca-dependent plasticity); set it for the Ca pool in use
}

ASSIGNED {
    v (mV)
    cai (mM)
    i (nA)
    g (uS)
    factor (1)
    tr (ms)
    x_post (1)
    t_x_post (ms)
    H (1)                       : Hz
    t_H (ms)
    G (1)                       : Hz
    n_post (1)
    alpha_eff (1)
}

STATE {
    A (uS)
    B (uS)
}

INITIAL {
    LOCAL tp
    if (tau_r > 0) {
        tr = tau_r
        if (tr/tau_d > 0.9999) {
            tr = 0.9999*tau_d
        }
        tp = (tr*tau_d)/(tau_d - tr)*log(tau_d/tr)
        factor = 1/(exp(-tp/tau_d) - exp(-tp/tr))
    } else {
        : single exponential: A stays 0 (its rate constant only needs to be finite)
        tr = tau_d
        factor = 1
    }
    A = 0
    B = 0
    x_post = 0
    t_x_post = t
    H = 0
    t_H = t
    G = -gamma_hz
    n_post = 0
    set_alpha()
    if (post_source == 1 || post_source == 2) {
        net_send(0, 1)
    }
}

BREAKPOINT {
    SOLVE state METHOD cnexp
    g = B - A
    i = g*(v - e)
}

DERIVATIVE state {
    A' = -A/tr
    B' = -B/tau_d
}

PROCEDURE set_alpha() {
    if (alpha >= 0) {
        alpha_eff = alpha
    } else {
        alpha_eff = 2*rho0_hz*tau_stdp/(1000 (ms))
    }
}

FUNCTION tau_post() (ms) {
    if (tau_minus > 0) {
        tau_post = tau_minus
    } else {
        tau_post = tau_stdp
    }
}

FUNCTION xpost_now() {
    xpost_now = x_post*exp(-(t - t_x_post)/tau_post())
}

FUNCTION G_now() {
    G_now = H*exp(-(t - t_H)/tau_H) - gamma_hz
}

PROCEDURE update_H() {
    H = H*exp(-(t - t_H)/tau_H)
    t_H = t
    G = H - gamma_hz
}

FUNCTION clip(x (uS)) (uS) {
    if (x < w_min) {
        clip = w_min
    } else if (x > w_max) {
        clip = w_max
    } else {
        clip = x
    }
}

NET_RECEIVE(w (uS), x_pre (1), t_pre (ms), kind (1)) {
    LOCAL post, xp, dw
    INITIAL {
        x_pre = 0
        t_pre = t
    }
    post = 0
    if (flag == 0) {
        if (kind == 0) {
            : transmit with the current weight
            if (tau_r > 0) {
                A = A + w*factor
            }
            B = B + w*factor
            : plasticity: traces decayed to now
            x_pre = x_pre*exp(-(t - t_pre)/tau_stdp)
            t_pre = t
            x_post = x_post*exp(-(t - t_x_post)/tau_post())
            t_x_post = t
            dw = 0
            if (homeostatic == 1) {
                update_H()
                dw = eta*G*x_post
            } else if (window == 1) {
                set_alpha()
                dw = eta*(x_post - alpha_eff)
            } else if (window == 2) {
                dw = -eta*a_minus*x_post
            } else if (window == 3) {
                dw = eta*a_minus*x_post
            } else if (window == 4) {
                set_alpha()
                dw = eta*(alpha_eff - x_post)
            }
            if (homeostatic == 1 || (window >= 1 && window <= 4)) {
                w = clip(w + dw)
            }
            x_pre = x_pre + 1
        } else if (kind == 1) {
            if (post_source == 0) {
                post = 1
            }
        } else if (kind == 2) {
            update_H()
            H = H + (1000 (ms))/(tau_H*n_exc)
            G = H - gamma_hz
        }
    } else if (flag == 1) {
        : self-event from INITIAL: start watching the local post signal
        if (post_source == 1) {
            WATCH (v > post_threshold) 2
        } else if (post_source == 2) {
            WATCH (cai > post_ca_threshold) 3
        }
    } else if (flag == 2) {
        if (post_source == 1) {
            post = 1
        }
    } else if (flag == 3) {
        if (post_source == 2) {
            post = 1
        }
    }
    if (post == 1) {
        n_post = n_post + 1
        x_post = x_post*exp(-(t - t_x_post)/tau_post())
        t_x_post = t
        if (homeostatic == 1) {
            update_H()
        }
        if (homeostatic == 1 || (window >= 1 && window <= 4)) {
            FOR_NETCONS(ww (uS), xx (1), tt (ms), kk (1)) {
                if (kk == 0) {
                    xp = xx*exp(-(t - tt)/tau_stdp)
                    if (homeostatic == 1) {
                        dw = eta*G*(xp + 1)
                    } else if (window == 1) {
                        dw = eta*xp
                    } else if (window == 2) {
                        dw = eta*a_plus*xp
                    } else if (window == 3) {
                        dw = -eta*a_plus*xp
                    } else {
                        dw = -eta*xp
                    }
                    ww = clip(ww + dw)
                }
            }
        }
        x_post = x_post + 1
    }
}
