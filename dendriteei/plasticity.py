"""Calcium-based plasticity rules, pure numpy/scipy.

* Graupner & Brunel 2012 (PNAS 109:3991, its SI, and the published correction of the
  noise term, doi:10.1073/pnas.1220044110): calcium c(t) is a sum of exponentials that
  jumps by C_pre at every presynaptic spike + D and by C_post at every postsynaptic spike;
  the efficacy ρ obeys

      τ dρ/dt = −ρ(1−ρ)(ρ*−ρ) + γ_p(1−ρ)Θ[c−θ_p] − γ_d ρ Θ[c−θ_d]
                + σ√τ √(Θ[c−θ_d] + Θ[c−θ_p]) η(t).

  For a periodic protocol the paper's analytic solution replaces the Θ terms by the
  fractions of time α_d, α_p that c spends above each threshold, which turns ρ into an
  Ornstein–Uhlenbeck process; the UP/DOWN transition probabilities then follow from erf.
* Shouval, Bear & Cooper 2002 (PNAS 99:10831): dW/dt = η(Ca)(Ω(Ca) − λW).
* Chindemi et al. 2022 (Nat Commun 13:3038): per-synapse thresholds from the calcium
  peaks of a lone pre and a lone post spike.

Sign convention throughout: Δt = t_post − t_pre (positive: pre before post).
"""
from __future__ import annotations

import dataclasses
import difflib
import math
from types import MappingProxyType

import numpy as np
import pandas as pd
from scipy.special import erfc, expit

from .parameters import ParameterError, parameter, validate

#: Inter-spike interval of the postsynaptic burst in GB 2012 Fig. 3 (authors' code,
#: Graupner2012PNAS_Fig3.py: deltaBurst = 0.0115 s).
DEFAULT_POST_ISI_MS = 11.5


def _field(unit: str, low: float | None = None, high: float | None = None, doc: str = ""):
    """A required dataclass field with the unit/range metadata of :mod:`parameters`."""
    return dataclasses.field(metadata={"unit": unit, "low": low, "high": high, "doc": doc})


def _require_positive(obj, names) -> None:
    for name in names:
        value = getattr(obj, name)
        if not value > 0:
            unit = next(f.metadata["unit"] for f in dataclasses.fields(obj) if f.name == name)
            unit = f" {unit}" if unit else ""
            raise ParameterError(f"{name} = {value}{unit} is out of range (0, inf){unit}")


@dataclasses.dataclass(frozen=True)
class GraupnerBrunel:
    """One parameter set of the Graupner–Brunel model (units as in the paper's table)."""

    tau_ca_ms: float = _field("ms", 0.0, None, "calcium decay time constant τ_Ca")
    c_pre: float = _field("", 0.0, None, "calcium jump per presynaptic spike (after D)")
    c_post: float = _field("", 0.0, None, "calcium jump per postsynaptic spike")
    theta_d: float = _field("", 0.0, None, "depression threshold θ_d")
    theta_p: float = _field("", 0.0, None, "potentiation threshold θ_p (≥ θ_d)")
    gamma_d: float = _field("", 0.0, None, "depression rate γ_d")
    gamma_p: float = _field("", 0.0, None, "potentiation rate γ_p")
    sigma: float = _field("", 0.0, None, "noise amplitude σ")
    tau_s: float = _field("s", 0.0, None, "time constant τ of ρ")
    delay_ms: float = _field("ms", 0.0, None, "delay D of the presynaptic calcium jump")
    beta: float = _field("", 0.0, 1.0, "fraction β of synapses initially DOWN")
    b: float = _field("", 1.0, None, "ratio b = w_UP / w_DOWN")
    rho_star: float = _field("", 0.0, 1.0, "unstable fixed point ρ* (UP/DOWN boundary)")

    def __post_init__(self):
        _require_positive(self, ("tau_ca_ms", "tau_s", "theta_d"))
        validate(self)
        if not 0.0 < self.rho_star < 1.0:
            raise ParameterError(f"rho_star = {self.rho_star} is out of range (0, 1)")
        if self.theta_p < self.theta_d:
            raise ParameterError(
                f"theta_p = {self.theta_p} is below theta_d = {self.theta_d}; "
                "the model needs theta_p >= theta_d")


def _gb(tau_ca_ms, c_pre, c_post, theta_p, gamma_d, gamma_p, sigma, tau_s, delay_ms,
        beta=0.5, b=5.0) -> GraupnerBrunel:
    """A published set; θ_d = 1 and ρ* = 0.5 in all of them."""
    return GraupnerBrunel(tau_ca_ms=tau_ca_ms, c_pre=c_pre, c_post=c_post, theta_d=1.0,
                          theta_p=theta_p, gamma_d=gamma_d, gamma_p=gamma_p, sigma=sigma,
                          tau_s=tau_s, delay_ms=delay_ms, beta=beta, b=b, rho_star=0.5)


# Every value below was read from the authors' code, mgraupe/CalciumBasedPlasticityModel,
# synapticChange.py, choseParameterSet() (commit 0d5b62b; τ_Ca and D converted s → ms);
# they were not re-read from the paper's PDF. The six generic sets are those of
# GB 2012 Fig. 2; the three fitted sets are the paper's fits to hippocampal slices
# (Wittenberg & Wang 2006), hippocampal cultures (Wang et al. 2005) and cortical slices
# (Sjöström et al. 2001).
# Columns: τ_Ca [ms], C_pre, C_post, θ_p, γ_d, γ_p, σ, τ [s], D [ms], β, b.
GB_SETS = MappingProxyType({
    # GB 2012 Fig. 2, "DP" in the authors' code
    "DP": _gb(20.0, 1.0, 2.0, 1.3, 200.0, 321.808, 2.8284, 150.0, 13.7),
    # GB 2012 Fig. 2, "DPD" in the authors' code
    "DPD": _gb(20.0, 0.9, 0.9, 1.3, 250.0, 550.0, 2.8284, 150.0, 4.6),
    # GB 2012 Fig. 2, "DPDprime" in the authors' code
    "DPD'": _gb(20.0, 1.0, 2.0, 2.5, 50.0, 600.0, 2.8284, 150.0, 2.2),
    # GB 2012 Fig. 2, "P" in the authors' code
    "P": _gb(20.0, 2.0, 2.0, 1.3, 160.0, 257.447, 2.8284, 150.0, 0.0),
    # GB 2012 Fig. 2, "D" in the authors' code (σ doubled)
    "D": _gb(20.0, 0.6, 0.6, 1.3, 500.0, 550.0, 5.6568, 150.0, 0.0),
    # GB 2012 Fig. 2, "Dprime" in the authors' code
    "D'": _gb(20.0, 1.0, 2.0, 3.5, 60.0, 600.0, 2.8284, 150.0, 0.0),
    # GB 2012 fit (Fig. 3), "hippocampal slices" in the authors' code
    "hippocampal slices": _gb(48.8373, 1.0, 0.275865, 1.3, 313.0965, 1645.59, 9.1844,
                              688.355, 18.8008, beta=0.7, b=5.28145),
    # GB 2012 fit, "hippocampal cultures" in the authors' code
    "hippocampal cultures": _gb(11.9536, 0.58156, 1.76444, 1.3, 61.141, 113.6545, 2.5654,
                                33.7596, 10.0, beta=0.5, b=36.0263),
    # GB 2012 fit (Fig. 4), "cortical slices" in the authors' code
    "cortical slices": _gb(22.6936, 0.5617539, 1.23964, 1.3, 331.909, 725.085, 3.3501,
                           346.3615, 4.6098, beta=0.5, b=5.40988),
})


def graupner_brunel(name: str) -> GraupnerBrunel:
    """The published parameter set called ``name`` (one of :data:`GB_SETS`)."""
    try:
        return GB_SETS[name]
    except KeyError:
        by_lower = {valid.lower(): valid for valid in GB_SETS}
        close = [by_lower[match] for match in
                 difflib.get_close_matches(str(name).lower().replace("prime", "'"), by_lower,
                                           n=3, cutoff=0.6)]
        hint = f" Did you mean {', '.join(repr(c) for c in close)}?" if close else ""
        raise ParameterError(f"unknown Graupner-Brunel set {name!r}.{hint} "
                             f"Valid names: {', '.join(repr(n) for n in GB_SETS)}") from None


# --- calcium of a periodic protocol ------------------------------------------------------

def _period_ms(frequency_hz: float) -> float:
    if not (math.isfinite(frequency_hz) and frequency_hz > 0):
        raise ParameterError(f"frequency_hz = {frequency_hz} Hz is out of range (0, inf) Hz")
    return 1000.0 / frequency_hz


def _calcium_events(params: GraupnerBrunel, dt_ms: float, period_ms: float, n_post: int,
                    post_isi_ms: float) -> tuple[np.ndarray, np.ndarray]:
    """Times (ms, folded into [0, period)) and sizes of the calcium jumps of one period.

    The presynaptic spike is at 0, its calcium jump at D; the postsynaptic spikes at
    Δt, Δt + isi, … (Δt is the time of the first one).
    """
    if int(n_post) != n_post or n_post < 1:
        raise ParameterError(f"n_post = {n_post} is not a positive integer")
    if n_post > 1 and not post_isi_ms > 0:
        raise ParameterError(f"post_isi_ms = {post_isi_ms} ms is out of range (0, inf) ms")
    times = np.concatenate(([params.delay_ms], dt_ms + post_isi_ms * np.arange(int(n_post))))
    sizes = np.concatenate(([params.c_pre], np.full(int(n_post), params.c_post)))
    return np.mod(times, period_ms), sizes


def _steady_state(times, sizes, t, period_ms, tau_ms):
    """Periodic c(t): every jump and all its earlier repetitions (geometric series)."""
    since = np.mod(np.subtract.outer(np.asarray(t, float), times), period_ms)
    return np.exp(-since / tau_ms) @ sizes / -math.expm1(-period_ms / tau_ms)


def calcium_trace(params: GraupnerBrunel, dt_ms: float, frequency_hz: float, t_ms,
                  n_post: int = 1, post_isi_ms: float = DEFAULT_POST_ISI_MS) -> np.ndarray:
    """Steady-state calcium c(t) of pairs repeated at ``frequency_hz`` (dimensionless).

    ``t_ms`` is time since a presynaptic spike (any real values; c is periodic) and c is
    right-continuous: at a jump time it includes the jump.
    """
    period = _period_ms(frequency_hz)
    times, sizes = _calcium_events(params, dt_ms, period, n_post, post_isi_ms)
    return _steady_state(times, sizes, t_ms, period, params.tau_ca_ms)


def time_above(params: GraupnerBrunel, dt_ms: float, frequency_hz: float, n_post: int = 1,
               post_isi_ms: float = DEFAULT_POST_ISI_MS) -> tuple[float, float]:
    """(α_d, α_p): fractions of a period with c > θ_d and c > θ_p.

    Exact: between two jumps c decays from its post-jump value c_j, so it stays above θ
    for min(gap, τ_Ca ln(c_j/θ)).
    """
    period = _period_ms(frequency_hz)
    times, sizes = _calcium_events(params, dt_ms, period, n_post, post_isi_ms)
    starts = np.unique(times)
    gaps = np.diff(np.append(starts, starts[0] + period))
    peaks = _steady_state(times, sizes, starts, period, params.tau_ca_ms)
    fractions = []
    for theta in (params.theta_d, params.theta_p):
        with np.errstate(divide="ignore"):
            above = params.tau_ca_ms * np.log(peaks / theta)
        fractions.append(float(np.clip(above, 0.0, gaps).sum() / period))
    return fractions[0], fractions[1]


# --- efficacy: reduced (linear) dynamics and the OU solution ------------------------------

def _relax(x: float) -> float:
    """(1 − e^{−x})/x, equal to 1 at x = 0."""
    return -math.expm1(-x) / x if x > 0 else 1.0


def _ou_end_state(params: GraupnerBrunel, alpha_d: float, alpha_p: float, duration_s: float,
                  rho0: float) -> tuple[float, float]:
    """Mean and variance of ρ after ``duration_s`` of the time-averaged linear dynamics

        τ dρ/dt = −Γ_d ρ + Γ_p (1 − ρ) + σ √τ √(α_d + α_p) η(t),   Γ = γ α,

    i.e. relaxation to ρ̄ = Γ_p/(Γ_p + Γ_d) with τ_eff = τ/(Γ_p + Γ_d) and stationary
    variance σ_ρ²/2, σ_ρ² = σ²(α_p + α_d)/(Γ_p + Γ_d) (GB 2012). Written so that
    Γ_p + Γ_d = 0 (pure diffusion, or no change at all) needs no special case.
    """
    gamma_p, gamma_d = params.gamma_p * alpha_p, params.gamma_d * alpha_d
    rate_s = (gamma_p + gamma_d) / params.tau_s  # 1/τ_eff
    decay = rate_s * duration_s
    mean = rho0 * math.exp(-decay) + gamma_p / params.tau_s * duration_s * _relax(decay)
    diffusion = params.sigma ** 2 * (alpha_d + alpha_p) / params.tau_s  # per second
    variance = diffusion * duration_s * _relax(2.0 * decay)
    return mean, variance


def _duration_s(frequency_hz: float, n_pairs: float) -> float:
    if not (math.isfinite(n_pairs) and n_pairs >= 0):
        raise ParameterError(f"n_pairs = {n_pairs} is out of range [0, inf)")
    return n_pairs * _period_ms(frequency_hz) / 1000.0


def _probability_above(mean: float, variance: float, threshold: float) -> float:
    if variance == 0.0:
        return 0.5 * (1.0 + np.sign(mean - threshold))
    return 0.5 * float(erfc((threshold - mean) / math.sqrt(2.0 * variance)))


def _transitions(params: GraupnerBrunel, alpha_d: float, alpha_p: float,
                 duration_s: float) -> tuple[float, float]:
    up = _probability_above(*_ou_end_state(params, alpha_d, alpha_p, duration_s, 0.0),
                            params.rho_star)
    stay_up = _probability_above(*_ou_end_state(params, alpha_d, alpha_p, duration_s, 1.0),
                                 params.rho_star)
    return float(up), float(1.0 - stay_up)


def transition_probabilities(params: GraupnerBrunel, dt_ms: float, frequency_hz: float,
                             n_pairs: float, n_post: int = 1,
                             post_isi_ms: float = DEFAULT_POST_ISI_MS) -> tuple[float, float]:
    """(U, D): probability that a synapse starting DOWN (ρ = 0) ends above ρ*, and that
    one starting UP (ρ = 1) ends below ρ*, after ``n_pairs`` pairs at ``frequency_hz``.

    GB 2012 analytic solution: the cubic term is neglected during the protocol and the
    synapse is counted by the side of ρ* it ends on (afterwards the cubic term drives it
    to 0 or 1). With σ = 0 the probabilities are 0 or 1; with α_d = α_p = 0 both are 0.
    """
    alphas = time_above(params, dt_ms, frequency_hz, n_post, post_isi_ms)
    return _transitions(params, *alphas, _duration_s(frequency_hz, n_pairs))


def transitions_from_time_above(params: GraupnerBrunel, time_above_d_ms: float, time_above_p_ms: float,
                                period_ms: float, n_pairs: float) -> tuple[float, float]:
    """(U, D) as :func:`transition_probabilities`, from a measured Ca signal instead of the
    analytic one: ``time_above_d_ms``, ``time_above_p_ms`` are the times above θ_d and θ_p in one
    pairing period (``period_ms``), e.g. of a biophysical Ca trace at a steady pairing. GB 2012's
    analysis needs only these fractions α = T/period."""
    if not 0.0 <= time_above_p_ms <= time_above_d_ms <= period_ms:
        raise ParameterError(f"need 0 <= time above θ_p ({time_above_p_ms:g} ms) <= time above θ_d "
                             f"({time_above_d_ms:g} ms) <= period ({period_ms:g} ms)")
    duration_s = n_pairs * period_ms / 1000.0
    return _transitions(params, time_above_d_ms / period_ms, time_above_p_ms / period_ms, duration_s)


def change_from_transitions(params: GraupnerBrunel, up: float, down: float) -> float:
    """w_after/w_before of a population with a fraction β DOWN (w = 1) and 1 − β UP
    (w = b), given the transition probabilities U and D (GB 2012)."""
    beta, b = params.beta, params.b
    after = beta * (1 - up) + (1 - beta) * down + b * (beta * up + (1 - beta) * (1 - down))
    return after / (beta + (1 - beta) * b)


def synaptic_change(params: GraupnerBrunel, dt_ms: float, frequency_hz: float, n_pairs: float,
                    n_post: int = 1, post_isi_ms: float = DEFAULT_POST_ISI_MS) -> float:
    """w_after/w_before for ``n_pairs`` pre/post pairings at ``frequency_hz`` (GB 2012)."""
    up, down = transition_probabilities(params, dt_ms, frequency_hz, n_pairs, n_post,
                                        post_isi_ms)
    return change_from_transitions(params, up, down)


def stdp_curve(params: GraupnerBrunel, dts_ms, frequency_hz: float, n_pairs: float,
               n_post: int = 1, post_isi_ms: float = DEFAULT_POST_ISI_MS) -> pd.DataFrame:
    """One row per Δt (ms): dt_ms, alpha_d, alpha_p, U, D, change (= w_after/w_before)."""
    duration = _duration_s(frequency_hz, n_pairs)
    rows = []
    for dt in np.atleast_1d(np.asarray(dts_ms, float)):
        alpha_d, alpha_p = time_above(params, dt, frequency_hz, n_post, post_isi_ms)
        up, down = _transitions(params, alpha_d, alpha_p, duration)
        rows.append({"dt_ms": dt, "alpha_d": alpha_d, "alpha_p": alpha_p, "U": up, "D": down,
                     "change": change_from_transitions(params, up, down)})
    return pd.DataFrame(rows, columns=["dt_ms", "alpha_d", "alpha_p", "U", "D", "change"])


def mean_rho_change(params: GraupnerBrunel, dt_ms: float, frequency_hz: float, n_pairs: float,
                    rho0: float, n_post: int = 1,
                    post_isi_ms: float = DEFAULT_POST_ISI_MS) -> float:
    """Deterministic (σ → 0) ρ at the end of the protocol, starting from ``rho0``.

    Integrates the *reduced* linear dynamics of the analytic solution,
    ρ(T) = ρ̄ + (ρ0 − ρ̄) e^{−T/τ_eff}: like the paper's approximation it neglects the
    cubic term −ρ(1−ρ)(ρ*−ρ) during stimulation, so it is not the full model's mean.
    """
    if not 0.0 <= rho0 <= 1.0:
        raise ParameterError(f"rho0 = {rho0} is out of range [0, 1]")
    alpha_d, alpha_p = time_above(params, dt_ms, frequency_hz, n_post, post_isi_ms)
    duration = _duration_s(frequency_hz, n_pairs)
    return _ou_end_state(params, alpha_d, alpha_p, duration, rho0)[0]


# --- Shouval, Bear & Cooper 2002 ----------------------------------------------------------

#: The paper's Fig. 3C regions (Δt = t_post − t_pre, ms): I LTD, II LTP, III LTD (legend of Fig. 3,
#: PMC125058).
SHOUVAL_PAPER_REGIONS_MS = {"I_ltd": (-30.0, -5.0), "II_ltp": (0.0, 45.0), "III_ltd": (45.0, 100.0)}

@dataclasses.dataclass(frozen=True)
class ShouvalParams:
    """Ω(Ca) and η(Ca) of Shouval, Bear & Cooper 2002 (Ca in µM, η in 1/s).

    P1…P4 = 0.1 s·µM³, P1·10⁻⁴ µM³, 3, 1 s. Implementations of the model note that the
    printed P2 is a typo (folmez/CaDP-MatLab: "in Shouval 2002, this parameter has a
    typo"; B. Blais's ``plasticity`` package: "p2=p1*1e-4 ... p2 ~= p1/1e-4") and all use
    P2 = P1·10⁻⁴, as do the NEURON ``eta()`` functions of ModelDB models with this rule.
    It gives 1/η ≈ 10⁴ s ≈ 3 h at rest and → P4 = 1 s at high Ca. (We did not see the
    printed PDF ourselves.)
    """

    alpha1_uM: float = parameter(0.35, "µM", 0.0, None, "lower edge α₁ of the LTD region")
    alpha2_uM: float = parameter(0.55, "µM", 0.0, None, "onset α₂ of LTP (> α₁)")
    beta1_per_uM: float = parameter(80.0, "1/µM", 0.0, None, "steepness β₁ of the LTD sigmoid")
    beta2_per_uM: float = parameter(80.0, "1/µM", 0.0, None, "steepness β₂ of the LTP sigmoid")
    p1_s_uM3: float = parameter(0.1, "s·µM³", 0.0, None, "P1 of 1/η = P1/(P2 + Ca^P3) + P4")
    p2_uM3: float = parameter(1e-5, "µM³", 0.0, None, "P2 = P1·10⁻⁴ (the paper's typo fixed)")
    p3: float = parameter(3.0, "", 0.0, None, "Hill exponent P3")
    p4_s: float = parameter(1.0, "s", 0.0, None, "P4: the fastest learning time 1/η")

    def __post_init__(self):
        _require_positive(self, [f.name for f in dataclasses.fields(self)])
        validate(self)
        if self.alpha2_uM <= self.alpha1_uM:
            raise ParameterError(f"alpha2_uM = {self.alpha2_uM} µM must exceed "
                                 f"alpha1_uM = {self.alpha1_uM} µM")


def shouval_omega(ca_uM, params: ShouvalParams = ShouvalParams()):
    """Ω(Ca) = 0.25 + sig(Ca − α₂, β₂) − 0.25 sig(Ca − α₁, β₁), sig(x, β) = 1/(1 + e^−βx).

    0.25 at rest, ≈ 0 (LTD side) between α₁ and α₂, → 1 for high Ca.
    """
    ca = np.asarray(ca_uM, float)
    return (0.25 + expit(params.beta2_per_uM * (ca - params.alpha2_uM))
            - 0.25 * expit(params.beta1_per_uM * (ca - params.alpha1_uM)))


def shouval_eta(ca_uM, params: ShouvalParams = ShouvalParams()):
    """Learning rate η(Ca) = 1/(P1/(P2 + Ca^P3) + P4) in 1/s (Ca ≥ 0 in µM)."""
    ca = np.asarray(ca_uM, float)
    if np.any(ca < 0):
        raise ParameterError("ca_uM must be >= 0 µM (calcium above rest)")
    return 1.0 / (params.p1_s_uM3 / (params.p2_uM3 + ca ** params.p3) + params.p4_s)


# --- Chindemi et al. 2022 -----------------------------------------------------------------

def thresholds_from_peaks(c_pre_peak, c_post_peak, a_d, b_d, a_p, b_p):
    """(θ_d, θ_p) = (a_d C_pre + b_d C_post, a_p C_pre + b_p C_post), Chindemi et al. 2022.

    C_pre, C_post: peak of the synapse's (effective) calcium after a lone presynaptic and
    a lone postsynaptic spike. The paper fits separate coefficients for basal and apical
    synapses; we could not check them against the paper itself, so they have no defaults
    here. (Fitted values circulate in BlueBrain/plastyfire, configs/*.yaml, keys a00…a31.)
    """
    c_pre = np.asarray(c_pre_peak, float)
    c_post = np.asarray(c_post_peak, float)
    if np.any(c_pre < 0) or np.any(c_post < 0):
        raise ParameterError("calcium peaks c_pre_peak and c_post_peak must be >= 0")
    return a_d * c_pre + b_d * c_post, a_p * c_pre + b_p * c_post
