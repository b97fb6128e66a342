TITLE dei_lif: conductance-based integrate-and-fire point neuron (LIF or AdEx) with its own synaptic conductances
COMMENT
A point neuron as a point process on a single compartment (the compartment holds only the
capacitance: cm * area = C). The point process supplies every other current (nA, outward > 0):

    i = g_leak*(v - e_leak) - g_leak*delta_t*exp((v - v_thresh)/delta_t)     leak and spike initiation
      + g_e*(v - e_e) + g_i*(v - e_i)                                          its own synapses
      + w_adapt - i_bias                                                        adaptation, bias current
      + refractory*g_clamp*(v - v_reset)                                        reset and refractoriness

delta_t = 0 gives the leaky integrate-and-fire neuron (no exponential term; Vogels et al. 2011
Science 334:1569); delta_t > 0 the adaptive exponential one (Brette & Gerstner 2005
J Neurophysiol 94:3637). The exponent is capped at EXP_CAP so that a step that overshoots the
spike cut-off cannot overflow.

Spikes: WATCH (v > v_spike) (v_spike = v_thresh for the LIF; the AdEx cut-off otherwise) emits
net_event, adds b to w_adapt and starts the refractory period: for t_ref the clamp conductance
g_clamp pulls v to v_reset (time constant C/g_clamp, 0.2 us for C = 200 pF and 1 mS), which
stands for the instantaneous reset and the voltage held during refractoriness of the LIF.
Synaptic conductances keep integrating during the refractory period.

Own synapses: single exponential conductances, the synapses of conductance-based LIF networks
(Vogels et al. 2011; NEST iaf_cond_exp). NET_RECEIVE(w (uS), kind): kind 0 adds w to g_e
(reversal e_e, decay tau_e), kind 1 adds w to g_i (reversal e_i, decay tau_i). Plastic or
dendritic-style synapses go on the same compartment as separate point processes (dei_gaba,
dei_glu). Many NetCons may target one instance; w is read, never changed.

Integration: cnexp for the conductances and w_adapt (linear in their state); no dt in the
model; the threshold is a WATCH, so fixed step and CVODE both apply.

Written for the dendriteei package.
ENDCOMMENT

NEURON {
    THREADSAFE
    POINT_PROCESS dei_lif
    NONSPECIFIC_CURRENT i
    RANGE g_leak, e_leak, v_thresh, delta_t, v_spike, v_reset, t_ref, g_clamp, i_bias
    RANGE a, b, tau_w, w_adapt
    RANGE tau_e, tau_i, e_e, e_i, g_e, g_i
    RANGE refractory, n_spikes, i, i_e, i_i
}

UNITS {
    (nA) = (nanoamp)
    (mV) = (millivolt)
    (uS) = (microsiemens)
}

PARAMETER {
    : membrane (defaults: the LIF of Vogels et al. 2011 Science 334:1569, ModelDB 143751 / Brian2 example)
    g_leak = 0.01 (uS)      : 10 nS, Vogels et al. 2011 (tau_m = C/g_leak = 20 ms with C = 200 pF)
    e_leak = -60 (mV)       : resting potential, Vogels et al. 2011
    v_thresh = -50 (mV)     : threshold (LIF) or V_T (AdEx), Vogels et al. 2011
    delta_t = 0 (mV)        : slope factor; 0: LIF (Vogels et al. 2011); 2 mV in Brette & Gerstner 2005
    v_spike = -50 (mV)      : spike detection; = v_thresh for the LIF, the cut-off for the AdEx
    v_reset = -60 (mV)      : reset, Vogels et al. 2011
    t_ref = 5 (ms)          : absolute refractory period, Vogels et al. 2011
    g_clamp = 1000 (uS)     : reset clamp; numerical, not physiological: 1 mS gives C/g_clamp = 0.2 us for C = 200 pF
    i_bias = 0 (nA)         : constant drive; Vogels et al. 2011 use 0.2 nA (200 pA background current)
    : adaptation (Brette & Gerstner 2005); 0: none
    a = 0 (uS)              : subthreshold adaptation conductance
    b = 0 (nA)              : spike-triggered adaptation increment
    tau_w = 100 (ms)        : adaptation time constant (Brette & Gerstner 2005 use 144 ms)
    : own synapses (Vogels et al. 2011)
    tau_e = 5 (ms)          : excitatory (AMPA) decay, Vogels et al. 2011
    tau_i = 10 (ms)         : inhibitory (GABA_A) decay, Vogels et al. 2011
    e_e = 0 (mV)            : excitatory reversal, Vogels et al. 2011
    e_i = -80 (mV)          : inhibitory reversal, Vogels et al. 2011
}

CONSTANT {
    EXP_CAP = 20 (1)        : largest exponent of the spike-initiation term (exp(20) ~ 5e8)
}

ASSIGNED {
    v (mV)
    i (nA)
    i_e (nA)                : own excitatory synaptic current
    i_i (nA)                : own inhibitory synaptic current
    refractory (1)
    n_spikes (1)
}

STATE {
    g_e (uS)
    g_i (uS)
    w_adapt (nA)
}

INITIAL {
    g_e = 0
    g_i = 0
    w_adapt = 0
    refractory = 0
    n_spikes = 0
    net_send(0, 1)
}

BREAKPOINT {
    SOLVE states METHOD cnexp
    i_e = g_e*(v - e_e)
    i_i = g_i*(v - e_i)
    i = g_leak*(v - e_leak) - spike_current(v) + i_e + i_i + w_adapt - i_bias + refractory*g_clamp*(v - v_reset)
}

DERIVATIVE states {
    g_e' = -g_e/tau_e
    g_i' = -g_i/tau_i
    w_adapt' = (a*(v - e_leak) - w_adapt)/tau_w
}

FUNCTION spike_current(v (mV)) (nA) {
    LOCAL x
    if (delta_t > 0) {
        x = (v - v_thresh)/delta_t
        if (x > EXP_CAP) {
            x = EXP_CAP
        }
        spike_current = g_leak*delta_t*exp(x)
    } else {
        spike_current = 0
    }
}

NET_RECEIVE(w (uS), kind (1)) {
    INITIAL {
        : keep kind as set from Python (finitialize would otherwise zero it)
    }
    if (flag == 0) {
        if (kind == 0) {
            g_e = g_e + w
        } else if (kind == 1) {
            g_i = g_i + w
        }
    } else if (flag == 1) {
        WATCH (v > v_spike) 2
    } else if (flag == 2) {
        if (refractory == 0) {
            net_event(t)
            n_spikes = n_spikes + 1
            w_adapt = w_adapt + b
            refractory = 1
            net_send(t_ref, 3)
        }
    } else if (flag == 3) {
        refractory = 0
    }
}
