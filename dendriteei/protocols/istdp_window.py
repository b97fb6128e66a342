"""iSTDP window: the weight change of one isolated pre/post pair against the spike timing.

Timing convention as in :mod:`.stdp`: Δt = t_post − t_pre, so Δt > 0 means the presynaptic
(GABAergic) spike comes first.

Design. One simulation holds one ``dei_gaba`` synapse per Δt (and per window when
``window = "all"``), all on the soma of the chosen cell. Each synapse gets its own
presynaptic spike (kind-0 NetCon event) and its own postsynaptic event, delivered as an
explicit kind-1 NetCon event at an exact time (``post_source = 0``) rather than as a real
somatic spike. The synapses share no state (traces and weights are per synapse), so each
measures the window alone: no somatic spike timing, no voltage or calcium dependence, no
interaction between pairs. This isolates the learning window exactly as the idealised
windows of Box 1 of Wu, Miehl & Gjorgjieva 2022 (Trends Neurosci; seeds/000) are drawn.

The analytic Δw (:func:`pair_weight`) implements the update equations of the
``mod/dei_gaba.mod`` header (science.md §4), event by event with clipping to
[w_min, w_max]:

    window 1  symmetric Hebbian (Vogels et al. 2011 Science 334:1569):
              pre: w += η(x_post − α)           post: w += η x_pre
    window 2  asymmetric Hebbian (Haas et al. 2006 J Neurophysiol 96:3305):
              pre: w −= η a₋ x_post              post: w += η a₊ x_pre
    window 3  asymmetric anti-Hebbian (Wilmes et al. 2017 Eur J Neurosci 45:1032):
              pre: w += η a₋ x_post              post: w −= η a₊ x_pre
    window 4  symmetric anti-Hebbian (Woodin et al. 2003 Neuron 39:807):
              pre: w += η(α − x_post)            post: w −= η x_pre

with x_pre = e^{−Δt/τ_STDP} at a post spike Δt after the pre spike, x_post = e^{Δt/τ₋} at a
pre spike −Δt after the post spike (τ₋ = tau_minus_ms if > 0, else τ_STDP), and
α = 2ρ₀τ_STDP (Vogels et al. 2011) unless alpha ≥ 0 is given.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..catalogue import GABA_POST_SOURCES, GABA_RULES, GABA_WINDOWS
from ..engine import Simulation, build
from ..parameters import ParameterError, parameter
from ..synapses import ExplicitSpikes, SynapseGroup
from .common import ProtocolResult, RunParams, cell_spec

#: The plastic windows of dei_gaba (Box 1 of Wu, Miehl & Gjorgjieva 2022; codes in the catalogue).
WINDOWS = tuple(name for name in GABA_WINDOWS if name != "none")
#: Margin (ms) between the start of stimulation and the earliest spike, and after the latest.
MARGIN_MS = 10.0


@dataclass(frozen=True)
class IstdpWindowParams(RunParams):
    cell: str = parameter("point_soma", "", doc="built-in cell name, or morphology (.swc, .asc, .h5) / cell-spec .json; the synapses "
                          "sit on the soma and get explicit post events, so the cell does not change Δw")
    window: str = parameter("symmetric_hebbian", "", doc="iSTDP window (Wu, Miehl & Gjorgjieva 2022 Box 1); "
                            "'all': the four in one run", choices=(*WINDOWS, "all"))
    delta_ts_ms: tuple = parameter((-100.0, -50.0, -20.0, -10.0, -5.0, 5.0, 10.0, 20.0, 50.0, 100.0), "ms",
                              -500.0, 500.0, "spike timings Δt = t_post − t_pre (not 0: the order of "
                              "simultaneous events is undefined)")
    eta: float = parameter(1e-5, "µS", 0.0, 1.0, "learning rate η: Vogels et al. 2011 network η = 0.01 in "
                           "units of 1 nS (ModelDB 143751)")
    tau_stdp_ms: float = parameter(20.0, "ms", 0.1, 1000.0, "trace time constant τ_STDP (Vogels et al. 2011; "
                                   "Zenke et al. 2015)")
    tau_minus_ms: float = parameter(0.0, "ms", 0.0, 1000.0, "decay of the post trace in the asymmetric "
                                    "windows; 0: τ_STDP (Vogels et al. 2011 use one τ)")
    alpha: float = parameter(-1.0, "", -1.0, 10.0, "depression offset α of windows 1 and 4; negative: "
                             "α = 2ρ₀τ_STDP (Vogels et al. 2011)")
    rho0_hz: float = parameter(3.0, "Hz", 0.0, 1000.0, "target rate ρ₀ for α = 2ρ₀τ_STDP; 3 Hz: Vogels et al. "
                               "2011 network (ModelDB 143751), giving α = 0.12")
    a_plus: float = parameter(1.0, "", 0.0, 100.0, "relative amplitude of the post-event term (windows 2, 3); "
                              "1: equal amplitudes as in Wilmes et al. 2017 (ModelDB 234241)")
    a_minus: float = parameter(1.0, "", 0.0, 100.0, "relative amplitude of the pre-event term (windows 2, 3); "
                               "1: as a_plus (Wilmes et al. 2017)")
    w_init_uS: float = parameter(0.003, "µS", 0.0, 10.0, "weight before the pair: 3 nS, the I→I weight of the "
                                 "Vogels et al. 2011 network (ModelDB 143751); well inside [w_min, w_max] so "
                                 "a pair is not clipped")
    w_max_uS: float = parameter(0.1, "µS", 0.0, 10.0, "upper weight bound: Vogels et al. 2011 gmax = 100 nS "
                                "(ModelDB 143751); the lower bound is 0 (w ≥ 0, Vogels et al. 2011)")

    def check(self) -> None:
        """Cross-parameter rules (ParameterError)."""
        if any(dt == 0 for dt in self.delta_ts_ms):
            raise ParameterError("delta_ts_ms contains 0: the order of simultaneous pre and post events is undefined")
        if self.w_init_uS > self.w_max_uS:
            raise ParameterError(f"w_init_uS = {self.w_init_uS} µS exceeds w_max_uS = {self.w_max_uS} µS")


def alpha_effective(alpha: float, rho0_hz: float, tau_stdp_ms: float) -> float:
    """α if α ≥ 0, else 2ρ₀τ_STDP (Vogels et al. 2011; ρ₀ in Hz, τ in ms)."""
    return alpha if alpha >= 0 else 2.0 * rho0_hz * tau_stdp_ms / 1000.0


def pair_weight(window: int, delta_t_ms: float, w0: float, eta: float, alpha: float, a_plus: float = 1.0,
                a_minus: float = 1.0, tau_stdp_ms: float = 20.0, tau_minus_ms: float = 0.0,
                w_min: float = 0.0, w_max: float = math.inf) -> float:
    """Weight after one isolated pair Δt = t_post − t_pre (ms) apart, starting from w0: the
    dei_gaba update equations (module docstring) applied event by event, clipped after each
    update. ``alpha`` is α itself (see :func:`alpha_effective`)."""
    if window not in (1, 2, 3, 4):   # the plastic GABA_WINDOWS codes
        raise ParameterError(f"window code {window} is not 1–4")
    if delta_t_ms == 0:
        raise ParameterError("Δt = 0: the order of simultaneous pre and post events is undefined")
    tau_post = tau_minus_ms if tau_minus_ms > 0 else tau_stdp_ms
    clip = lambda w: min(max(w, w_min), w_max)  # noqa: E731

    def on_pre(w, x_post):
        change = {1: eta * (x_post - alpha), 2: -eta * a_minus * x_post,
                  3: eta * a_minus * x_post, 4: eta * (alpha - x_post)}[window]
        return clip(w + change)

    def on_post(w, x_pre):
        change = {1: eta * x_pre, 2: eta * a_plus * x_pre, 3: -eta * a_plus * x_pre, 4: -eta * x_pre}[window]
        return clip(w + change)

    if delta_t_ms > 0:  # pre first: the pre spike sees no post trace, the post spike sees x_pre
        return on_post(on_pre(w0, 0.0), math.exp(-delta_t_ms / tau_stdp_ms))
    return on_pre(on_post(w0, 0.0), math.exp(delta_t_ms / tau_post))


def pair_dw(window: int, delta_t_ms, eta: float, alpha: float, a_plus: float = 1.0, a_minus: float = 1.0,
            tau_stdp_ms: float = 20.0, tau_minus_ms: float = 0.0) -> np.ndarray:
    """Unbounded Δw of one pair (closed form, vectorised over Δt; NaN at Δt = 0):
    window 1 η(e^{−Δt/τ} − α) for Δt > 0, η(e^{Δt/τ₋} − α) for Δt < 0 (τ₋ = τ by default);
    2 +η a₊ e^{−Δt/τ} (Δt > 0), −η a₋ e^{Δt/τ₋} (Δt < 0); 3 the negative of 2; 4 the negative of 1."""
    dt = np.asarray(delta_t_ms, dtype=float)
    tau_post = tau_minus_ms if tau_minus_ms > 0 else tau_stdp_ms
    with np.errstate(over="ignore"):
        pre_first = np.where(dt > 0, np.exp(-np.abs(dt) / tau_stdp_ms), 0.0)   # x_pre at the post spike
        post_first = np.where(dt < 0, np.exp(-np.abs(dt) / tau_post), 0.0)     # x_post at the pre spike
    if window == 1:
        dw = eta * (pre_first + post_first - alpha)
    elif window == 2:
        dw = eta * (a_plus * pre_first - a_minus * post_first)
    elif window == 3:
        dw = -eta * (a_plus * pre_first - a_minus * post_first)
    elif window == 4:
        dw = -eta * (pre_first + post_first - alpha)
    else:
        raise ParameterError(f"window code {window} is not 1–4")
    return np.where(dt == 0, np.nan, dw)


def analytic_curve(params: IstdpWindowParams, step_ms: float = 0.5) -> pd.DataFrame:
    """Unbounded analytic Δw on a dense Δt grid over the range of delta_ts_ms (NaN at 0, which
    breaks plotted lines there), per window."""
    low, high = min(min(params.delta_ts_ms), -step_ms), max(max(params.delta_ts_ms), step_ms)
    grid = np.union1d(np.arange(0.0, low - 1e-9, -step_ms), np.arange(0.0, high + 1e-9, step_ms))
    alpha = alpha_effective(params.alpha, params.rho0_hz, params.tau_stdp_ms)
    names = tuple(WINDOWS) if params.window == "all" else (params.window,)
    return pd.DataFrame([{"window": name, "delta_t_ms": dt, "dw_analytic_uS": dw}
                         for name in names
                         for dt, dw in zip(grid, pair_dw(GABA_WINDOWS[name], grid, params.eta, alpha, params.a_plus,
                                                         params.a_minus, params.tau_stdp_ms,
                                                         params.tau_minus_ms))])


def run(params: IstdpWindowParams = IstdpWindowParams(), spec=None) -> ProtocolResult:
    """Δw of one isolated pre/post pair per Δt (and window): simulated and analytic. Table
    ``analytic_curve``: the analytic window on a 0.5 ms grid (columns window, delta_t_ms, dw_analytic_uS)."""
    spec = spec or cell_spec(params.cell)
    names = tuple(WINDOWS) if params.window == "all" else (params.window,)
    cases = [(name, float(dt)) for name in names for dt in params.delta_ts_ms]
    reach = max(abs(dt) for _, dt in cases)
    center = params.settle_ms + MARGIN_MS + reach / 2.0
    pre_times = [center - dt / 2.0 for _, dt in cases]
    post_times = [center + dt / 2.0 for _, dt in cases]
    alpha = alpha_effective(params.alpha, params.rho0_hz, params.tau_stdp_ms)
    values = {"eta": params.eta, "tau_stdp": params.tau_stdp_ms, "tau_minus": params.tau_minus_ms,
              "alpha": params.alpha, "rho0_hz": params.rho0_hz, "a_plus": params.a_plus,
              "a_minus": params.a_minus, "w_min": 0.0, "w_max": params.w_max_uS,
              "homeostatic": GABA_RULES["stdp_window"],
              "post_source": GABA_POST_SOURCES["soma"]}
    group = SynapseGroup("gaba", "soma", "dei_gaba", tuple(ExplicitSpikes((t,)) for t in pre_times),
                         n=len(cases), distances_um=(0.0,) * len(cases), parameters=values,
                         varying={"window": tuple(GABA_WINDOWS[name] for name, _ in cases)},
                         weight=params.w_init_uS)
    with Simulation(build(spec), dt_ms=params.dt_ms, cvode=params.cvode, atol=params.atol) as sim:
        placed = sim.add_synapses(group)
        for index, t_post in enumerate(post_times):
            sim.deliver(placed, index, (t_post,), "post")
        sim.run(center + reach / 2.0 + MARGIN_MS)
        weights = placed.weights()  # dei_gaba changes each input NetCon's weight[0] in place
        n_post = placed.values("n_post")
    rows = []
    for (name, dt), t_pre, t_post, w_after, posts in zip(cases, pre_times, post_times, weights, n_post):
        w_after = float(w_after)
        w_expected = pair_weight(GABA_WINDOWS[name], dt, params.w_init_uS, params.eta, alpha, params.a_plus,
                                 params.a_minus, params.tau_stdp_ms, params.tau_minus_ms, 0.0, params.w_max_uS)
        dw, dw_analytic = w_after - params.w_init_uS, w_expected - params.w_init_uS
        rows.append({"window": name, "delta_t_ms": dt, "t_pre_ms": t_pre, "t_post_ms": t_post,
                     "w_before_uS": params.w_init_uS, "w_after_uS": w_after, "dw_uS": dw,
                     "dw_analytic_uS": dw_analytic, "error_uS": dw - dw_analytic,
                     "alpha": alpha, "n_post": int(posts)})
    return ProtocolResult(pd.DataFrame(rows), tables={"analytic_curve": analytic_curve(params)})
