TITLE dei_glu: AMPA + NMDA synapse with a local Ca signal and Ca-based plasticity

COMMENT
Glutamatergic point process: AMPA and NMDA conductances, a synaptic calcium
signal c, and a calcium-driven rule that sets the AMPA peak conductance.

Conductances (dual exponentials, reversal e = 0 mV)
    g_ampa = efficacy  * (B_ampa - A_ampa)
    g_nmda = gmax_nmda * (B_nmda - A_nmda) * mgblock(v)
    mgblock(v) = 1/(1 + mg/mg_k * exp(-mg_slope*v))      (Jahr & Stevens 1990)
    i = i_ampa + i_nmda,  i_x = g_x*(v - e)              (nA, uS, mV)
A presynaptic event of NetCon weight w adds w*f to both A and B of each
receptor, f being the factor that makes the peak of (B - A) equal to 1 for
w = 1; the peak of g_ampa is therefore efficacy and that of g_nmda (before
the Mg block) gmax_nmda. tau_r < tau_d is required.

Calcium c (ca_mode)
  0, phenomenological (Graupner & Brunel 2012 PNAS 109:3991), c in the
     paper's dimensionless units (declared uM only for unit checking):
        dc/dt = -c/tau_ca
        presynaptic event at t0:  c += C_pre at t0 + D (self event)
        postsynaptic event:       c += C_post at once
  1, biophysical: c is the free [Ca] in the synapse's spine head, in uM
     above the resting level ca_rest. The head is a well-mixed pool of volume
     vol_spine with fast buffers of capacity kappa_spine and first-order
     extrusion (Sabatini, Oertner & Svoboda 2002 Neuron 33:439):
        dc/dt = -(ica_nmda + ica_vdcc)*1e9/(2 F vol_spine (1 + kappa_spine))
                - c/tau_spine                       (uM/ms, nA, um3)
     Ca enters with its own driving force, the Goldman-Hodgkin-Katz flux,
     written as an equivalent driving force in mV,
        ghk(v) = v (ci/co - exp(-2Fv/RT))/(1 - exp(-2Fv/RT)),
     ci = ca_rest + c, co = cao (the cell's Ca ion): ghk -> v for v << 0,
     -RT/2F at 0 mV, and 0 only at E_Ca (~ +130 mV). So a bAP that drives
     the spine above 0 mV still brings Ca, and more of it the more it
     unblocks NMDA receptors.
     NMDA: a fraction pf_nmda of the NMDA current is Ca at v_pf = -60 mV
     (Burnashev et al. 1995 J Physiol 485:403); at other voltages the Ca
     part follows GHK:
        ica_nmda = pf_nmda g_nmda (v_pf - e) ghk(v)/ghk(v_pf)
     (part of i_nmda, so not added to i again). nmda_ghk = 0 replaces GHK by a
     linear driving force towards e_ca_linear (Shouval et al. 2002: 130 mV).
     VDCC: R-type channels in the spine head (Sabatini & Svoboda 2000 Nature
     408:589), m^2 h with Boltzmann steady states and fixed time constants
     (the Magee & Johnston 1995 R-type fit used by Chindemi et al. 2022's
     GluSynapse), conductance gbar_vdcc per synapse:
        ica_vdcc = gbar_vdcc m^2 h ghk(v)      (added to i)
     The spine head's voltage is taken to be the dendrite's (no neck
     resistance: the spine follows the bAP, which is what the pool needs;
     the EPSP in the head is underestimated). Post events are ignored: the
     bAP acts through v. INITIAL sets m, h and c to their resting steady
     state. The thresholds below then have to be given in uM (e.g. from the
     Ca peaks of a pre-only and a post-only event, Chindemi et al. 2022 Nat
     Commun 13:3038).

Plasticity (rule)
  0  none: efficacy = gmax0_ampa.
  1  Graupner & Brunel 2012: efficacy = gmax0_ampa + rho*(gmax1_ampa - gmax0_ampa),
        tau_rho drho/dt = -rho(1 - rho)(rho_star - rho)
                          + gamma_p (1 - rho) above_p - gamma_d rho above_d
                          + sigma sqrt(tau_rho) sqrt(above_d + above_p) eta(t)
     above_d, above_p (0/1) follow c > theta_d, c > theta_p; they are switched
     by WATCH events (ca_mode 1: up at theta, down at theta*(1 - watch_margin);
     every crossing re-arms all four WATCHes). With the fixed step a crossing takes effect at the end
     of its step. With CVODE set h.CVode().condition_order(2), so that the
     crossing time is interpolated within the step; with the default order 1
     it takes effect at the end of the (possibly long) CVODE step, which
     biases the time above threshold (10 DP pairings: rho 0.295 instead of
     0.2755). NEURON 9.0.2 may crash in a CVODE run with condition_order(2)
     after a section was freed before its dei_glu point process: free
     NetCons and point processes before their sections. rho is not clipped:
     the paper does not clip it and the cubic term keeps it near [0, 1].
     Noise: the white-noise term is applied as Gaussian kicks from self events
     every noise_interval ms, and only while c is above a threshold. Each
     kick has variance sigma^2 * S/tau_rho, where S is the integral of
     (above_d + above_p) dt since the previous kick; with both flags held
     this is sigma*sqrt(noise_interval/tau_rho)*sqrt(above_d + above_p)*N(0,1).
     The kick train starts when a flag turns on and ends at the first tick
     after both flags are off (that tick carries the remainder), so the
     summed variance is exactly sigma^2 * integral(above_d + above_p)/tau_rho.
     With sigma = 0 no tick is scheduled and no random number is drawn.
  2  Shouval, Bear & Cooper 2002 PNAS 99:10831: efficacy = w_shouval*gmax0_ampa,
        dW/dt = eta(c) (Omega(c) - lambda_shouval W)
        Omega(c) = 0.25 + sig(c - alpha2, beta2) - 0.25 sig(c - alpha1, beta1)
        sig(x, b) = 1/(1 + exp(-b x))
        eta(c) = 1/(P1/(P2 + c^P3) + P4)   (P1, P4 in s; eta converted to 1/ms)
     c is used in uM (ca_mode 1); c < 0 is treated as 0 in eta. W starts at
     w0_shouval = 0.25, the resting fixed point Omega(0)/lambda, so the
     baseline efficacy under this rule is 0.25*gmax0_ampa.

efficacy is a readout computed in BREAKPOINT from rho or W (it lags the
state by one step; h.fcurrent() refreshes it).

Events: NET_RECEIVE(weight, kind)
    kind 0 (default): presynaptic spike, conductances scaled by weight
        (normally 1); C_pre is not scaled by weight.
    kind 1: postsynaptic spike (e.g. a NetCon from the somatic voltage with
        weight vector [0, 1]).
    Self-event flags: 1 set up WATCHes, 2 delayed C_pre, 3/4 c crosses theta_d
    up/down, 5/6 theta_p up/down, 7 noise tick.

Noise stream: NEURON 9 RANDOM (Random123). Its sequence is reset to 0 at
every finitialize, so a run is reproducible (syn.rng.set_seq has no effect
on a run). NEURON gives each instance distinct default ids (1, 0, k) in
order of creation; to choose the streams explicitly use
syn.rng.set_ids(id1, id2, id3) from Python.

Integration: derivimplicit, because the Graupner-Brunel term is cubic in rho
(cnexp is only valid for equations linear in their state). With the fixed
step this is implicit Euler: at dt = 0.025 ms the AMPA rise time is ~6 %
long (0.212 vs 0.2 ms); use CVODE or a smaller dt when fast kinetics
matter. No dt appears in the model; thresholds are handled by WATCH.

Written for the dendriteei package.
ENDCOMMENT

NEURON {
    THREADSAFE
    POINT_PROCESS dei_glu
    USEION ca READ cao
    NONSPECIFIC_CURRENT i
    RANGE i_ampa, i_nmda, g_ampa, g_nmda, e, ica_nmda, ica_vdcc
    RANGE tau_r_ampa, tau_d_ampa, gmax0_ampa, gmax1_ampa, efficacy
    RANGE tau_r_nmda, tau_d_nmda, gmax_nmda, mg
    RANGE ca_mode, tau_ca, C_pre, C_post, D
    RANGE vol_spine, kappa_spine, tau_spine, ca_rest, pf_nmda, v_pf, nmda_ghk, e_ca_linear
    RANGE gbar_vdcc, vhalf_m_vdcc, k_m_vdcc, tau_m_vdcc, vhalf_h_vdcc, k_h_vdcc, tau_h_vdcc
    RANGE rule, above_d, above_p, watch_margin
    RANGE rho0, theta_d, theta_p, gamma_d, gamma_p, tau_rho, rho_star, sigma, noise_interval
    RANGE w0_shouval, alpha1, alpha2, beta1, beta2, P1, P2, P3, P4, lambda_shouval
    GLOBAL mg_k, mg_slope
    RANDOM rng
}

UNITS {
    (nA) = (nanoamp)
    (mV) = (millivolt)
    (uS) = (microsiemens)
    (molar) = (1/liter)
    (mM) = (millimolar)
    (uM) = (micromolar)
    (um) = (micron)
    FARADAY = (faraday) (coulomb)
    R = (k-mole) (joule/degC)
}

PARAMETER {
    e = 0 (mV)                    : reversal of AMPA and NMDA currents (non-selective cation channels)
    : AMPA
    tau_r_ampa = 0.2 (ms)         : rise, Chindemi et al. 2022 Nat Commun 13:3038 (GluSynapse); cf. Hausser & Roth 1997 J Neurosci 17:7606
    tau_d_ampa = 1.7 (ms)         : decay, Chindemi et al. 2022 (GluSynapse); cf. Hausser & Roth 1997
    gmax0_ampa = 0.0005 (uS)      : 0.5 nS, DOWN-state (and no-rule) peak conductance; order of one cortical contact (Chindemi et al. 2022 GluSynapse default 1 nS)
    gmax1_ampa = 0.0025 (uS)      : UP-state peak = b*DOWN with b = 5, Graupner & Brunel 2012 PNAS 109:3991 (sets DP to D')
    : NMDA
    tau_r_nmda = 0.29 (ms)        : rise, Markram et al. 2015 Cell 163:456 (ProbAMPANMDA_EMS) and Chindemi et al. 2022 (GluSynapse)
    tau_d_nmda = 43 (ms)          : decay, Markram et al. 2015 (ProbAMPANMDA_EMS, used with the Jahr-Stevens block); GluSynapse uses 70 ms
    gmax_nmda = 0.000355 (uS)     : 0.355 nS = 0.71*gmax0_ampa, NMDA/AMPA peak ratio 0.71 of Markram et al. 2015 (ProbAMPANMDA_EMS)
    mg = 1 (mM)                   : extracellular Mg2+, physiological 1 mM as in Jahr & Stevens 1990 J Neurosci 10:3178 and Markram et al. 2015
    mg_k = 3.57 (mM)              : Mg block, Jahr & Stevens 1990 J Neurosci 10:3178
    mg_slope = 0.062 (/mV)        : Mg block, Jahr & Stevens 1990
    : calcium
    ca_mode = 0 (1)               : 0 phenomenological (Graupner & Brunel 2012), 1 biophysical (uM)
    tau_ca = 20 (ms)              : Ca decay, Graupner & Brunel 2012 (set DP)
    C_pre = 1 (uM)                : Ca jump per pre spike, Graupner & Brunel 2012 (set DP; GB units, see c)
    C_post = 2 (uM)               : Ca jump per post spike, Graupner & Brunel 2012 (set DP; GB units, see c)
    D = 13.7 (ms)                 : delay of the pre Ca jump, Graupner & Brunel 2012 (set DP)
    : biophysical Ca (ca_mode 1): spine-head pool
    vol_spine = 0.087 (um3)       : spine head volume, Chindemi et al. 2022 (GluSynapse default, from spine reconstructions); cf. Harris & Stevens 1989 J Neurosci 9:2982
    kappa_spine = 24 (1)          : endogenous buffer capacity of spine heads, Sabatini et al. 2002 Neuron 33:439 (kappa_E 24 +- 11); free fraction 0.04 as GluSynapse
    tau_spine = 12 (ms)           : decay of spine-head Ca without indicator, Sabatini et al. 2002 (12-20 ms); GluSynapse 12 ms
    ca_rest = 7e-5 (mM)           : resting [Ca] in spines 70 nM, Sabatini et al. 2002 (70 +- 29 nM)
    pf_nmda = 0.11 (1)            : fractional Ca current of NMDA receptors at -60 mV, ~11 % (Burnashev et al. 1995 J Physiol 485:403, recombinant NR1-NR2); native 6.8 % in Schneggenburger et al. 1993 Neuron 11:133
    v_pf = -60 (mV)               : voltage at which pf_nmda was measured, Burnashev et al. 1995
    nmda_ghk = 1 (1)              : 1: NMDA Ca follows GHK; 0: linear towards e_ca_linear (the form of Shouval et al. 2002, of GluSynapse with +40 mV)
    e_ca_linear = 130 (mV)        : reversal of the linear NMDA Ca current, Shouval et al. 2002 PNAS 99:10831 (V_r = 130 mV)
    : spine-head VDCC, R-type (Sabatini & Svoboda 2000 Nature 408:589), Magee & Johnston 1995 J Physiol 487:67 fit as in GluSynapse (Chindemi et al. 2022)
    gbar_vdcc = 2.83e-4 (uS)      : 0.30 nS/um2 x head area 0.95 um2 (sphere of vol_spine): 4x GluSynapse's 0.0744 nS/um2 (20 channels/um2 of 3.72 pS), the smallest density at which one bAP gives a proximal oblique spine the Ca measured by Sabatini et al. 2002 (1.1 uM, range 0.6-8.2) and of the size of an EPSP's (Koester & Sakmann 1998 PNAS 95:9596)
    vhalf_m_vdcc = -5.9 (mV)      : activation midpoint, GluSynapse (Magee & Johnston 1995, corrected for m^2)
    k_m_vdcc = 9.5 (mV)           : activation slope, GluSynapse (Magee & Johnston 1995)
    tau_m_vdcc = 1 (ms)           : activation time constant, GluSynapse (stated there as an estimate)
    vhalf_h_vdcc = -39 (mV)       : inactivation midpoint, GluSynapse (Magee & Johnston 1995)
    k_h_vdcc = 9.2 (mV)           : inactivation slope, GluSynapse (Magee & Johnston 1995)
    tau_h_vdcc = 27 (ms)          : inactivation time constant, GluSynapse (Magee & Johnston 1995)
    : plasticity rule
    rule = 0 (1)                  : 0 none, 1 Graupner-Brunel, 2 Shouval-Bear-Cooper
    : Graupner & Brunel 2012 PNAS 109:3991, set DP (authors' code mgraupe/CalciumBasedPlasticityModel)
    rho0 = 0 (1)                  : initial rho (0: DOWN state)
    theta_d = 1 (uM)              : depression threshold, Graupner & Brunel 2012 (all sets)
    theta_p = 1.3 (uM)            : potentiation threshold, Graupner & Brunel 2012 (set DP)
    gamma_d = 200 (1)             : depression rate in units of 1/tau_rho, Graupner & Brunel 2012 (set DP)
    gamma_p = 321.808 (1)         : potentiation rate in units of 1/tau_rho, Graupner & Brunel 2012 (set DP)
    tau_rho = 150000 (ms)         : tau = 150 s, Graupner & Brunel 2012 (set DP)
    rho_star = 0.5 (1)            : unstable fixed point of the cubic, Graupner & Brunel 2012 (all sets)
    sigma = 2.8284 (1)            : noise amplitude, Graupner & Brunel 2012 (set DP)
    noise_interval = 1 (ms)       : interval of the noise kicks (discretisation of the white noise; not the integration step)
    watch_margin = 1e-4 (1)       : ca_mode 1: down-crossings detected at theta*(1 - watch_margin) (numerical hysteresis; a c falling at 0.1 uM/ms crosses the margin in ~2 us)
    : Shouval, Bear & Cooper 2002 PNAS 99:10831 (c in uM)
    w0_shouval = 0.25 (1)         : initial W = Omega(0)/lambda_shouval, the resting fixed point of the rule
    alpha1 = 0.35 (uM)            : Omega, Shouval et al. 2002
    alpha2 = 0.55 (uM)            : Omega, Shouval et al. 2002
    beta1 = 80 (/uM)              : Omega, Shouval et al. 2002
    beta2 = 80 (/uM)              : Omega, Shouval et al. 2002
    : eta: P1 0.1 s, P2 = P1*1e-4, P3 3, P4 1 s, Shouval et al. 2002, as transcribed by independent
    : reimplementations (folmez/CaDP-MatLab eta_calcium.m; ModelDB NEURON models of Kim et al. 2013),
    : which note that P2 is misprinted in the paper. eta(0) = 1/(1e4 + 1) /s: ~3 h at rest
    P1 = 0.1 (s)                  : eta, Shouval et al. 2002 (units s uM^P3)
    P2 = 1e-5 (1)                 : eta, = P1*1e-4, Shouval et al. 2002 (units uM^P3)
    P3 = 3 (1)                    : eta, Shouval et al. 2002
    P4 = 1 (s)                    : eta, Shouval et al. 2002
    lambda_shouval = 1 (1)        : decay term of dW/dt = eta(Omega - lambda W), Shouval et al. 2002; value 1 as in folmez/CaDP-MatLab (update_w.m)
}

ASSIGNED {
    v (mV)
    cao (mM)
    celsius (degC)
    i (nA)
    ica_nmda (nA)
    ica_vdcc (nA)
    i_ampa (nA)
    i_nmda (nA)
    g_ampa (uS)
    g_nmda (uS)
    efficacy (uS)
    factor_ampa (1)
    factor_nmda (1)
    above_d (1)
    above_p (1)
    ticking (1)
    acc (ms)
    t_acc (ms)
    t_down_d (ms)   : ca_mode 0: time at which c decays below theta_d (analytic)
    t_down_p (ms)   : ca_mode 0: time at which c decays below theta_p (analytic)
}

STATE {
    A_ampa (1)
    B_ampa (1)
    A_nmda (1)
    B_nmda (1)
    m_vdcc (1)
    h_vdcc (1)
    c (uM)          : uM in ca_mode 1; in ca_mode 0 the dimensionless units of Graupner & Brunel 2012
    rho (1)
    w_shouval (1)
    time_above_d (ms)   : time spent with c > theta_d since initialisation
    time_above_p (ms)   : time spent with c > theta_p since initialisation
}

INITIAL {
    A_ampa = 0
    B_ampa = 0
    A_nmda = 0
    B_nmda = 0
    factor_ampa = peak_factor(tau_r_ampa, tau_d_ampa)
    factor_nmda = peak_factor(tau_r_nmda, tau_d_nmda)
    m_vdcc = minf_vdcc(v)
    h_vdcc = hinf_vdcc(v)
    c = 0
    if (ca_mode == 1) {
        : start at the resting steady state: the VDCC window current against extrusion
        c = -tau_spine*flux_gain()*gbar_vdcc*m_vdcc*m_vdcc*h_vdcc*ghk(v, ca_rest, cao)
    }
    rho = rho0
    w_shouval = w0_shouval
    time_above_d = 0
    time_above_p = 0
    above_d = 0
    above_p = 0
    ticking = 0
    acc = 0
    t_acc = t
    random_setseq(rng, 0)
    set_efficacy()
    net_send(0, 1)
}

BREAKPOINT {
    SOLVE states METHOD derivimplicit
    set_efficacy()
    g_ampa = efficacy*(B_ampa - A_ampa)
    g_nmda = gmax_nmda*(B_nmda - A_nmda)*mgblock(v)
    i_ampa = g_ampa*(v - e)
    i_nmda = g_nmda*(v - e)
    ica_nmda = 0
    ica_vdcc = 0
    if (ca_mode == 1) {
        ica_nmda = nmda_calcium(g_nmda, v, ca_rest + (0.001)*c)
        ica_vdcc = gbar_vdcc*m_vdcc*m_vdcc*h_vdcc*ghk(v, ca_rest + (0.001)*c, cao)
    }
    i = i_ampa + i_nmda + ica_vdcc
}

DERIVATIVE states {
    : derivimplicit needs exactly one equation per state: the modes are
    : selected by 0/1 multipliers and precomputed rates instead of if/else around the
    : equations; terms a mode does not use are not evaluated (the spine VDCC gates stay at
    : their initial values in ca_mode 0, where no current flows through them), which keeps
    : the many synapses of a network cheap
    LOCAL gb, dw_shouval, influx, ci, m_target, h_target
    gb = 0
    dw_shouval = 0
    influx = 0
    m_target = m_vdcc
    h_target = h_vdcc
    if (ca_mode == 1) {
        ci = ca_rest + (0.001)*c
        influx = -flux_gain()*(nmda_calcium(gmax_nmda*(B_nmda - A_nmda)*mgblock(v), v, ci)
                               + gbar_vdcc*m_vdcc*m_vdcc*h_vdcc*ghk(v, ci, cao))
        m_target = minf_vdcc(v)
        h_target = hinf_vdcc(v)
    }
    if (rule == 1) {
        gb = 1
    } else if (rule == 2) {
        dw_shouval = eta_shouval(c)*(omega_shouval(c) - lambda_shouval*w_shouval)
    }
    A_ampa' = -A_ampa/tau_r_ampa
    B_ampa' = -B_ampa/tau_d_ampa
    A_nmda' = -A_nmda/tau_r_nmda
    B_nmda' = -B_nmda/tau_d_nmda
    m_vdcc' = (m_target - m_vdcc)/tau_m_vdcc
    h_vdcc' = (h_target - h_vdcc)/tau_h_vdcc
    c' = (1 - ca_mode)*(-c/tau_ca) + ca_mode*(influx - c/tau_spine)
    rho' = gb*(-rho*(1 - rho)*(rho_star - rho) + gamma_p*(1 - rho)*above_p - gamma_d*rho*above_d)/tau_rho
    w_shouval' = dw_shouval
    time_above_d' = above_d
    time_above_p' = above_p
}

NET_RECEIVE(weight (1), kind (1)) {
    INITIAL {
        : without this block finitialize would zero every NetCon weight
        : element but the first, i.e. turn post events (kind 1) into pre events
    }
    if (flag == 0) {
        if (kind == 0) {
            A_ampa = A_ampa + weight*factor_ampa
            B_ampa = B_ampa + weight*factor_ampa
            A_nmda = A_nmda + weight*factor_nmda
            B_nmda = B_nmda + weight*factor_nmda
            if (ca_mode == 0) {
                net_send(D, 2)
            }
        } else if (kind == 1) {
            if (ca_mode == 0) {
                net_send(0, 8)
            }
        }
    } else if (flag == 1) {
        if (ca_mode == 1) {
            : continuous c: threshold crossings located by WATCH (see arm_watches below)
            WATCH (c > theta_d) 3
            WATCH (c < theta_d*(1 - watch_margin)) 4
            WATCH (c > theta_p) 5
            WATCH (c < theta_p*(1 - watch_margin)) 6
        }
        : a WATCH fires on a false -> true change only: take the present state now
        if (c > theta_d) {
            above_d = 1
        }
        if (c > theta_p) {
            above_p = 1
        }
        if (rule == 1 && sigma > 0 && above_d + above_p > 0) {
            ticking = 1
            acc = 0
            t_acc = t
            net_send(noise_interval, 7)
        }
    } else if (flag == 2 || flag == 8) {
        : ca_mode 0 jumps (2: delayed presynaptic C_pre, 8: postsynaptic C_post). c then only
        : decays as exp(-t/tau_ca), so the flags are set here and the down-crossings are
        : scheduled exactly (a WATCH can miss a crossing that follows a jump to just above
        : threshold within the same integration step).
        accumulate()
        if (flag == 2) {
            c = c + C_pre
        } else {
            c = c + C_post
        }
        if (c > theta_d) {
            above_d = 1
            t_down_d = t + tau_ca*log(c/theta_d)
            net_send(t_down_d - t, 4)
        }
        if (c > theta_p) {
            above_p = 1
            t_down_p = t + tau_ca*log(c/theta_p)
            net_send(t_down_p - t, 6)
        }
        if (ticking == 0 && rule == 1 && sigma > 0 && above_d + above_p > 0) {
            ticking = 1
            acc = 0
            t_acc = t
            net_send(noise_interval, 7)
        }
    } else if (ca_mode == 0 && (flag == 4 || flag == 6)) {
        : analytic down-crossing; stale if a later jump moved the crossing on
        if (flag == 4 && t >= t_down_d - 1e-9) {
            accumulate()
            above_d = 0
        } else if (flag == 6 && t >= t_down_p - 1e-9) {
            accumulate()
            above_p = 0
        }
    } else if (flag >= 3 && flag <= 6) {
        accumulate()
        if (flag == 3) {
            above_d = 1
        } else if (flag == 4) {
            above_d = 0
        } else if (flag == 5) {
            above_p = 1
        } else {
            above_p = 0
        }
        : re-arm every WATCH from the present state (executing WATCH statements replaces the
        : instance's active ones): with a Ca peak tangent to a threshold, a down-crossing was
        : otherwise missed and the flag stayed on for the rest of the run. The down-crossings
        : sit watch_margin below the thresholds, so that a crossing delivered at an
        : interpolated time with c a round-off below the threshold still arms its partner.
        WATCH (c > theta_d) 3
        WATCH (c < theta_d*(1 - watch_margin)) 4
        WATCH (c > theta_p) 5
        WATCH (c < theta_p*(1 - watch_margin)) 6
        if (ticking == 0 && rule == 1 && sigma > 0 && above_d + above_p > 0) {
            ticking = 1
            acc = 0
            t_acc = t
            net_send(noise_interval, 7)
        }
    } else if (flag == 7) {
        accumulate()
        if (rule == 1 && sigma > 0 && acc > 0) {
            rho = rho + sigma*sqrt(acc/tau_rho)*random_normal(rng)
        }
        acc = 0
        if (rule == 1 && sigma > 0 && above_d + above_p > 0) {
            net_send(noise_interval, 7)
        } else {
            ticking = 0
        }
    }
}

PROCEDURE accumulate() {
    : time integral of (above_d + above_p) since the last noise kick
    if (ticking == 1) {
        acc = acc + (above_d + above_p)*(t - t_acc)
    }
    t_acc = t
}

PROCEDURE set_efficacy() {
    if (rule == 1) {
        efficacy = gmax0_ampa + rho*(gmax1_ampa - gmax0_ampa)
    } else if (rule == 2) {
        efficacy = w_shouval*gmax0_ampa
    } else {
        efficacy = gmax0_ampa
    }
}

FUNCTION peak_factor(tr (ms), td (ms)) (1) {
    : 1/peak of exp(-t/td) - exp(-t/tr), peak at tp = tr td/(td - tr) ln(td/tr)
    LOCAL tp
    tp = tr*td/(td - tr)*log(td/tr)
    peak_factor = 1/(exp(-tp/td) - exp(-tp/tr))
}

FUNCTION mgblock(vm (mV)) (1) {
    mgblock = 1/(1 + mg/mg_k*exp(-mg_slope*vm))
}

FUNCTION ghk(vm (mV), ci (mM), co (mM)) (mV) {
    : GHK flux of a divalent ion as an equivalent driving force (mV): -> vm for vm << 0,
    : 0 at the Nernst potential; the 0 mV limit RT/2F (ci/co - 1) is taken for |z| < 1e-6
    LOCAL z, k
    k = (1000)*R*(celsius + 273.15)/(2*FARADAY)
    z = vm/k
    if (fabs(z) < 1e-6) {
        ghk = k*(ci/co - 1)*(1 + z/2)
    } else {
        ghk = vm*(ci/co - exp(-z))/(1 - exp(-z))
    }
}

FUNCTION nmda_calcium(g (uS), vm (mV), ci (mM)) (nA) {
    : Ca part of an NMDA current of conductance g (Mg block included): pf_nmda at v_pf, GHK
    : elsewhere (nmda_ghk = 1) or linear towards e_ca_linear (nmda_ghk = 0)
    if (nmda_ghk == 1) {
        nmda_calcium = pf_nmda*g*(v_pf - e)*ghk(vm, ci, cao)/ghk(v_pf, ci, cao)
    } else {
        nmda_calcium = pf_nmda*g*(v_pf - e)*(vm - e_ca_linear)/(v_pf - e_ca_linear)
    }
}

FUNCTION flux_gain() (uM/ms-nA) {
    : free-Ca rise (uM/ms) per nA of inward Ca current into the spine head
    UNITSOFF
    flux_gain = 1e9/(2*FARADAY*vol_spine*(1 + kappa_spine))
    UNITSON
}

FUNCTION minf_vdcc(vm (mV)) (1) {
    minf_vdcc = 1/(1 + exp((vhalf_m_vdcc - vm)/k_m_vdcc))
}

FUNCTION hinf_vdcc(vm (mV)) (1) {
    hinf_vdcc = 1/(1 + exp((vm - vhalf_h_vdcc)/k_h_vdcc))
}

FUNCTION sig(x (uM), b (/uM)) (1) {
    : logistic e^(b x)/(1 + e^(b x)), written so that exp never overflows
    LOCAL z
    z = b*x
    if (z >= 0) {
        sig = 1/(1 + exp(-z))
    } else {
        z = exp(z)
        sig = z/(1 + z)
    }
}

FUNCTION omega_shouval(ca (uM)) (1) {
    omega_shouval = 0.25 + sig(ca - alpha2, beta2) - 0.25*sig(ca - alpha1, beta1)
}

FUNCTION eta_shouval(ca (uM)) (/ms) {
    : learning rate; Ca in uM, P1 and P4 in s, P2 in uM^P3: the power law has no
    : checkable units, and 1e-3 converts 1/s to 1/ms
    LOCAL cc
    cc = 0
    if (ca > 0) {
        cc = ca
    }
    UNITSOFF
    eta_shouval = 1e-3/(P1/(P2 + pow(cc, P3)) + P4)
    UNITSON
}
