"""STDP flipped by (dis)inhibition: the sign of plasticity set by dendritic inhibition.

Plastic dei_glu synapses (biophysical spine-head Ca: NMDA Ca with its GHK driving force + spine
R-type VDCCs, µM) sit at a
proximal and a distal dendritic site, two per site (one starting DOWN, one UP, so that both LTP
and LTD show in the group change, Graupner & Brunel 2012). They are paired with somatic
spikes at each Δt (= t_post − t_pre) while inhibition acts near them. Conditions:

- ``control``: baseline SST-like input on the synapses' branches, timed with each pairing;
- ``sst``: the same SST input recruited to a larger conductance;
- ``pv``: baseline SST plus PV-like perisomatic input before each somatic spike;
- ``disinhibition``: SST silenced during pairing (VIP → SST disinhibition), no PV.

The calcium-control picture (Bar-Ilan, Gidon & Segev 2013 Front Neural Circuits 6:118;
Rossbroich & Zenke 2023; experimentally Paille et al. 2013 J Neurosci 33:9353): inhibition
lowers the synapse's Ca from above θ_p (LTP) into [θ_d, θ_p] (LTD) and below θ_d (no change,
"protected"), so (dis)inhibition decides the sign of plasticity for the same spike timing.

Thresholds are the pairing defaults (:class:`dendriteei.pairing.PairingSettings`): Chindemi et
al. 2022's form θ = a·C_pre + b·C_post with the Graupner–Brunel DP set's θ_d = C_pre, θ_p = 1.3·C_pre,
so that a lone EPSP at rest only reaches θ_d and changes nothing (Shouval et al. 2002 PNAS
99:10831 Fig. 3A: no change for pairing below −62.5 mV). For the Shouval rule the synapse's Ca
scale (spine volume) is set so that a lone EPSP at rest peaks at ``shouval_pre_ca_uM`` (below
α₁ = 0.35 µM, for the same reason).
"""
from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from .. import plasticity
from ..conditions import map_conditions, using_jobs
from ..pairing import (PairingSettings, calcium_peaks, initial_rho, post_latency_ms, predicted_transitions, run_timing,
                       shouval_volume, thresholds)
from ..interneurons import timed_inhibition
from ..parameters import ParameterError, parameter, shown
from .common import ProtocolResult, RunParams, cell_spec, site_branches

CONDITIONS = ("control", "sst", "pv", "disinhibition")
RULES = ("graupner_brunel", "shouval")
SITE_NAMES = ("proximal", "distal")


@dataclass(frozen=True)
class StdpFlipParams(RunParams):
    cvode: bool = parameter(True, "", doc="use CVODE (pairing at 1 Hz is mostly quiet)")
    rules: tuple = parameter(("graupner_brunel",), "", doc="plasticity rules: graupner_brunel, shouval")
    conditions: tuple = parameter(CONDITIONS, "", doc="inhibition conditions: " + ", ".join(CONDITIONS))
    delta_ts_ms: tuple = parameter((-50.0, -20.0, -10.0, 10.0, 20.0, 50.0), "ms", -500.0, 500.0,
                              "spike timings Δt = t_post − t_pre")
    n_pairs: int = parameter(60, "", 1, 1000, "pairings (Graupner & Brunel 2012 Fig. 2: 60)")
    frequency_hz: float = parameter(1.0, "Hz", 0.01, 100.0, "pairing frequency (GB 2012: 1 Hz)")
    proximal_branch: str = parameter("oblique:0", "", doc="branch of the proximal synapses: a name or a selector "
                                     "(dendriteei.sites; 'oblique:0': the most proximal oblique, oblique_0)")
    proximal_x: float = parameter(0.5, "", 0.0, 1.0, "position on proximal_branch (≈ 170 µm from the soma)")
    distal_branch: str = parameter("oblique:-1", "", doc="branch of the distal synapses: a name or a selector "
                                   "('oblique:-1': the most distal oblique, oblique_5)")
    distal_x: float = parameter(0.9, "", 0.0, 1.0, "position on distal_branch (≈ 590 µm from the soma)")
    sst_offset_x: float = parameter(0.2, "", 0.0, 1.0,
                                    "SST synapse this far (fraction of the branch) toward the soma "
                                    "from each plastic site: on the path of the bAP")
    sst_onset_ms: float = parameter(-2.0, "ms", -100.0, 100.0, "SST onset relative to each presynaptic spike")
    baseline_sst_nS: float = parameter(5.0, "nS", 0.0, 1000.0, "SST conductance per site in control")
    sst_nS: float = parameter(20.0, "nS", 0.0, 1000.0, "SST conductance per site when recruited ('sst')")
    pv_nS: float = parameter(50.0, "nS", 0.0, 1000.0,
                             "perisomatic PV conductance ('pv'; below the ≈ 150 nS that abolishes the AP)")
    pv_onset_ms: float = parameter(-1.0, "ms", -100.0, 100.0, "PV onset relative to each somatic spike")
    theta_d_coeffs: tuple = parameter(PairingSettings.theta_d_coeffs, "", 0.0, 100.0,
                                      "θ_d = a·C_pre_peak + b·C_post_peak (pairing default: GB DP θ_d = C_pre)")
    theta_p_coeffs: tuple = parameter(PairingSettings.theta_p_coeffs, "", 0.0, 100.0,
                                      "θ_p = a·C_pre_peak + b·C_post_peak (pairing default: GB DP θ_p = 1.3·C_pre)")
    shouval_pre_ca_uM: float = parameter(0.3, "µM", 0.0, 10.0,
                                         "Shouval rule: Ca peak of a lone EPSP at rest (< α₁ = 0.35 µM)")
    ltp_above: float = parameter(1.1, "", 1.0, 10.0, "outcome 'LTP' when the change exceeds this")
    ltd_below: float = parameter(0.9, "", 0.0, 1.0, "outcome 'LTD' when the change is below this")

    def check(self) -> None:
        """Cross-parameter rules (ParameterError)."""
        for name, values, allowed in (("rules", self.rules, RULES), ("conditions", self.conditions, CONDITIONS)):
            unknown = [v for v in values if v not in allowed]
            if unknown:
                raise ParameterError(f"{name} = {shown(values)}: each must be one of {', '.join(allowed)}")


def plastic_sites(params: StdpFlipParams, spec=None) -> tuple:
    """(branch, x) of the four plastic synapses: proximal, distal (both DOWN), proximal, distal (UP);
    branch selectors resolved on ``spec``'s cell (default: the ``cell`` parameter's)."""
    proximal, distal = site_branches(spec or cell_spec(params.cell), (params.proximal_branch, params.distal_branch),
                                     "proximal_branch, distal_branch")
    pair = ((proximal, params.proximal_x), (distal, params.distal_x))
    return pair + pair


def pairing_settings(params: StdpFlipParams, rule: str) -> PairingSettings:
    """The pairing settings for one rule (biophysical Ca, half the synapses DOWN)."""
    return PairingSettings(dt_ms=params.dt_ms, cvode=params.cvode, atol=params.atol,
                           settle_ms=params.settle_ms, ca_mode="biophysical", rule=rule,
                           n_pairs=params.n_pairs, frequency_hz=params.frequency_hz,
                           synapse_region="dendrites", n_synapses=4, initial_state="mixed",
                           theta_d_coeffs=params.theta_d_coeffs, theta_p_coeffs=params.theta_p_coeffs)


@dataclass(frozen=True)
class Calibration:
    """Per-run constants: somatic spike latency (ms), per-site (θ_d, θ_p) (µM) and extra values."""
    latency_ms: float
    thresholds: tuple
    site_values: tuple


def calibrate(spec, params: StdpFlipParams, rule: str) -> Calibration:
    """Spike latency, thresholds per synapse, and for the Shouval rule the Ca scale per synapse,
    from the pre-only and post-only Ca peaks of all plastic synapses together (two runs)."""
    pairing = pairing_settings(params, rule)
    latency = post_latency_ms(spec, pairing)
    sites = plastic_sites(params, spec)
    # every plastic synapse active together, each with its initial weight, as in the pairing runs
    # (a DOWN and an UP synapse per site; the other synapses' EPSPs add to each one's Ca)
    rho0 = initial_rho(replace(pairing, n_synapses=len(sites))) if rule == "graupner_brunel" else ()
    peaks = calcium_peaks(spec, replace(pairing, synapse_region="dendrites"), sites=sites, rho0=rho0)
    site_values = ()
    if rule == "shouval":   # the Ca scale: spine volume per synapse (pairing.shouval_volume)
        site_values = tuple({"vol_spine": shouval_volume(pre, params.shouval_pre_ca_uM)} for pre, _ in peaks)
    return Calibration(latency, tuple(thresholds(pairing, p) for p in peaks), site_values)


def inhibition_groups(params: StdpFlipParams, condition: str, delta_t_ms: float, latency_ms: float,
                      sst_nS: float | None = None, spec=None) -> tuple:
    """SST (per plastic site, on its branch toward the soma) and PV (soma) inputs of a condition,
    one event per pairing. ``sst_nS`` overrides the condition's SST conductance; ``spec``: the
    cell the branch selectors are resolved on (default: the ``cell`` parameter's)."""
    period = 1000.0 / params.frequency_hz
    post = np.array([params.settle_ms + k * period + latency_ms for k in range(params.n_pairs)])
    pre = post - delta_t_ms
    sst_g = {"control": params.baseline_sst_nS, "sst": params.sst_nS, "pv": params.baseline_sst_nS,
             "disinhibition": 0.0}[condition] if sst_nS is None else sst_nS
    groups = []
    if sst_g > 0:
        sites = tuple((b, max(x - params.sst_offset_x, 0.0)) for b, x in plastic_sites(params, spec)[:2])
        groups.append(timed_inhibition("sst", pre + params.sst_onset_ms, sst_g, "dendrites", sites))
    if condition == "pv" and params.pv_nS > 0:
        groups.append(timed_inhibition("pv", post + params.pv_onset_ms, params.pv_nS, "soma"))
    return tuple(groups)


def outcome(change: float, params: StdpFlipParams) -> str:
    if change > params.ltp_above:
        return "LTP"
    if change < params.ltd_below:
        return "LTD"
    return "none"


def pairing_rows(spec, params: StdpFlipParams, rule: str, calibration: Calibration, condition: str,
                 delta_t_ms: float, sst_nS: float | None = None) -> list[dict]:
    """One pairing protocol: a row per site: group change of its DOWN and UP synapse, Ca peak,
    thresholds and time above them of each (the UP synapse's with suffix _up)."""
    pairing = pairing_settings(params, rule)
    groups = inhibition_groups(params, condition, delta_t_ms, calibration.latency_ms, sst_nS, spec)
    synapses = run_timing(spec, pairing, delta_t_ms, calibration.latency_ms, calibration.thresholds,
                               extra_groups=groups, sites=plastic_sites(params, spec),
                               site_values=calibration.site_values)
    synapses["site"] = list(SITE_NAMES) * 2
    rows = []
    for site, part in synapses.groupby("site", sort=False):
        change = float(part.w_after.sum() / part.w_before.sum())
        down, up = part.iloc[0], part.iloc[1]   # the site's DOWN and UP synapse (initial_rho order)
        rows.append({"rule": rule, "condition": condition, "delta_t_ms": delta_t_ms, "site": site,
                     "distance_um": float(part.distance_um.iloc[0]),
                     "sst_nS": sum(g.weight for g in groups if g.name == "sst") * 1e3,
                     "change": change, "outcome": outcome(change, params),
                     # the DOWN synapse (whose LTP the pairing may induce) and the UP one (LTD)
                     "c_peak": float(down.c_peak), "theta_d": float(down.theta_d), "theta_p": float(down.theta_p),
                     "time_above_d_ms": float(down.time_above_d_ms), "time_above_p_ms": float(down.time_above_p_ms),
                     "c_peak_up": float(up.c_peak), "theta_d_up": float(up.theta_d), "theta_p_up": float(up.theta_p),
                     "time_above_d_up_ms": float(up.time_above_d_ms),
                     "time_above_p_up_ms": float(up.time_above_p_ms)})
    return rows


def run(params: StdpFlipParams = StdpFlipParams(), spec=None, jobs: int | None = None) -> ProtocolResult:
    """STDP curves per rule, condition and site: one row per (rule, condition, Δt, site). The
    pairings run in ``jobs`` worker processes (:func:`dendriteei.conditions.map_conditions`)."""
    spec = spec or cell_spec(params.cell)
    with using_jobs(jobs):
        calibrations = {rule: calibrate(spec, params, rule) for rule in params.rules}
        runs = [(spec, params, rule, calibrations[rule], condition, dt)
                for rule in params.rules for condition in params.conditions for dt in params.delta_ts_ms]
        rows = map_conditions(pairing_rows, runs)
    return ProtocolResult(pd.DataFrame([row for group in rows for row in group]))


def inhibition_scan(params: StdpFlipParams, conductances_nS, delta_t_ms: float = 10.0,
                    rule: str = "graupner_brunel", spec=None, jobs: int | None = None) -> pd.DataFrame:
    """Change per site against the SST conductance (nS) at one Δt: the walk LTP → LTD → none
    (Bar-Ilan et al. 2013), with Ca peak and θ_d, θ_p to see where it flips."""
    params = replace(params, rules=(rule,))  # validates the rule
    spec = spec or cell_spec(params.cell)
    with using_jobs(jobs):
        calibration = calibrate(spec, params, rule)
        runs = [(spec, params, rule, calibration, "sst", delta_t_ms, float(g)) for g in conductances_nS]
        rows = map_conditions(pairing_rows, runs)
    return pd.DataFrame([row for group in rows for row in group])


def predicted_outcomes(scan: pd.DataFrame, params: StdpFlipParams, measured_pairs: int,
                       n_pairs: int = 60) -> pd.DataFrame:
    """``scan`` (GB rule, ``measured_pairs`` pairings simulated) with Graupner & Brunel 2012's
    analytic outcome of ``n_pairs`` pairings from the time above θ_d, θ_p of each site's DOWN
    synapse (U) and UP synapse (D)
    (:func:`dendriteei.pairing.predicted_transitions`, σ = 0): U, D, predicted_outcome ('LTP' if
    a DOWN synapse goes UP, 'LTD' if an UP one goes DOWN, else 'none') and predicted_change, the
    group change of the site's DOWN and UP synapse."""
    settings = replace(pairing_settings(params, "graupner_brunel"), n_pairs=n_pairs)
    up = np.array([predicted_transitions(settings, r.time_above_d_ms, r.time_above_p_ms, measured_pairs)[0]
                   for r in scan.itertuples()])          # the DOWN synapse goes UP
    down = np.array([predicted_transitions(settings, r.time_above_d_up_ms, r.time_above_p_up_ms, measured_pairs)[1]
                     for r in scan.itertuples()])        # the UP synapse goes DOWN
    outcome = np.where(up == 1.0, "LTP", np.where(down == 1.0, "LTD", "none"))
    b = plasticity.graupner_brunel(settings.gb_set).b
    change = ((1.0 + (b - 1.0) * up) + (b - (b - 1.0) * down)) / (1.0 + b)   # a DOWN and an UP synapse
    return scan.assign(U=up, D=down, predicted_outcome=outcome, predicted_change=change)


def flip_conductance_nS(scan: pd.DataFrame, site: str, to: str = "LTD") -> float:
    """Smallest scanned SST conductance (nS) at which a site's outcome is ``to`` (inf if never)."""
    rows = scan[(scan.site == site) & (scan.outcome == to)]
    return float(rows.sst_nS.min()) if not rows.empty else float("inf")

