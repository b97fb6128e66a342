"""STDP pairing: n pre/post pairings at a frequency, for a range of spike timings.

Timing convention (Graupner & Brunel 2012, :mod:`dendriteei.pairing`): Δt = t_post − t_pre,
so Δt > 0 means the presynaptic spike comes first (causal pairing).

Calcium at the synapse is either *phenomenological* (jumps C_pre after a delay D and
C_post at each somatic spike, exactly as in Graupner & Brunel 2012) or *biophysical*
(the spine head's free Ca in µM: NMDA Ca with its GHK driving force plus spine R-type VDCCs,
so the bAP acts only through voltage). In the biophysical mode the thresholds θ_d, θ_p are set
from the Ca peaks of a pre-only and a post-only event (Chindemi et al. 2022 Nat Commun 13:3038;
coefficients in :class:`dendriteei.pairing.PairingSettings`).
``preset="graupner_brunel_2012"`` fixes the settings under which the protocol is that model
exactly (:data:`PRESETS`). Every run checks the premise of the protocol: the soma fires exactly
the n_pairs × post_spikes spikes the pulses evoke.
"""
from __future__ import annotations

from dataclasses import dataclass, fields

import pandas as pd

from .. import plasticity
from ..catalogue import GLU_CA_MODES, GLU_RULES
from ..conditions import map_conditions, using_jobs
from ..engine import Site, build
from ..pairing import (PairingSettings, calibrate_thresholds, check_onset, check_trains, post_latency_ms,
                       run_timing, shouval_scaled)
from ..parameters import ParameterError, parameter
from ..spec import SpecError
from .common import ProtocolResult, RunParams, cell_spec, check_regions

_PAIRING = PairingSettings()
#: The rules this protocol offers (GLU_RULES without "none").
RULES = tuple(name for name in GLU_RULES if name != "none")
#: The settings each preset fixes. graupner_brunel_2012: the model of Graupner & Brunel 2012
#: (PNAS 109:3991): Ca jumps C_pre (delay D) and C_post at each postsynaptic spike, and the
#: postsynaptic spikes are those of the protocol only, so synapses at the soma of a point cell
#: (distance 0) carry no current (weight_scale 0: Ca only). gb_set stays free (default DP, the
#: set of GB 2012 Fig. 2), as do the timing and the noise.
PRESETS = {
    "none": {},
    "graupner_brunel_2012": {"cell": "point_soma", "ca_mode": "phenomenological", "rule": "graupner_brunel",
                             "synapse_region": "soma", "synapse_distance_um": 0.0, "synapse_branch": "",
                             "weight_scale": 0.0},
}


@dataclass(frozen=True)
class StdpParams(RunParams):
    """STDP parameters. A preset writes its settings (:data:`PRESETS`) into the fields left at
    their defaults; a field set to any other value than the default or the preset's is refused
    (an explicit default cannot be told from an unset field: it is replaced too)."""
    preset: str = parameter("none", "", doc="named setting: 'graupner_brunel_2012' fixes cell=point_soma, "
                            "ca_mode=phenomenological, rule=graupner_brunel, synapse_region=soma, "
                            "synapse_distance_um=0, synapse_branch='', weight_scale=0 (GB 2012 exactly); "
                            "'none': every parameter as given", choices=tuple(PRESETS))
    cvode: bool = parameter(_PAIRING.cvode, "", doc="use CVODE (pairing at 1 Hz is mostly quiet: CVODE is much faster)")
    ca_mode: str = parameter(_PAIRING.ca_mode, "", doc="synaptic Ca model", choices=tuple(GLU_CA_MODES))
    rule: str = parameter(_PAIRING.rule, "", doc="plasticity rule", choices=RULES)
    gb_set: str = parameter(_PAIRING.gb_set, "", doc="Graupner–Brunel parameter set (science.md table)",
                            choices=tuple(plasticity.GB_SETS))
    delta_ts_ms: tuple = parameter((-50.0, -20.0, -10.0, 10.0, 20.0, 50.0), "ms", -500.0, 500.0,
                              "spike timings Δt = t_post − t_pre")
    n_pairs: int = parameter(_PAIRING.n_pairs, "", 1, 1000, "number of pairings (GB 2012 Fig. 2: 60)")
    frequency_hz: float = parameter(_PAIRING.frequency_hz, "Hz", 0.01, 100.0, "pairing frequency")
    pairs_per_train: int = parameter(_PAIRING.pairs_per_train, "", 0, 1000, "pairs per train (0: one train of "
                                     "n_pairs; Sjöström et al. 2001: 5)")
    train_interval_s: float = parameter(_PAIRING.train_interval_s, "s", 0.01, 1000.0,
                                        "interval between train onsets (Sjöström et al. 2001: 10 s)")
    post_spikes: int = parameter(_PAIRING.post_spikes, "", 1, 10, "somatic spikes per pairing (burst)")
    post_isi_ms: float = parameter(_PAIRING.post_isi_ms, "ms", 2.0, 100.0, "interval between burst spikes")
    post_amplitude_nA: float = parameter(_PAIRING.post_amplitude_nA, "nA", 0.0, 20.0,
                                         "somatic pulse evoking each post spike")
    post_duration_ms: float = parameter(_PAIRING.post_duration_ms, "ms", 0.1, 20.0, "somatic pulse duration")
    synapse_region: str = parameter(_PAIRING.synapse_region, "", doc="region of the plastic synapses")
    synapse_distance_um: float = parameter(_PAIRING.synapse_distance_um, "µm", 0.0, 3000.0,
                                           "path distance of the synapses")
    synapse_branch: str = parameter(_PAIRING.synapse_branch, "", doc="if set, put the synapses on this branch at "
                                    "synapse_x instead of at synapse_distance_um (the branch must lie in "
                                    "synapse_region)")
    synapse_x: float = parameter(_PAIRING.synapse_x, "", 0.0, 1.0, "position along synapse_branch")
    n_synapses: int = parameter(_PAIRING.n_synapses, "", 1, 1000, "synapses per timing (independent noise)")
    noise: bool = parameter(_PAIRING.noise, "", doc="include the GB noise term σ (then n_synapses > 1 averages it)")
    initial_state: str = parameter(_PAIRING.initial_state, "", doc="ρ at start: all DOWN (0), all UP (1), or "
                                   "'mixed' with the set's fraction β DOWN (GB 2012)", choices=("down", "up", "mixed"))
    weight_scale: float = parameter(_PAIRING.weight_scale, "", 0.0, 100.0,
                                    "multiplier on AMPA/NMDA conductances (0: Ca only, no current)")
    theta_d: float = parameter(0.0, "µM", 0.0, 1e4, "biophysical θ_d (0: from pre/post Ca peaks)")
    theta_p: float = parameter(0.0, "µM", 0.0, 1e4, "biophysical θ_p (0: from pre/post Ca peaks)")
    # coefficients and rates: sources in dendriteei.pairing.PairingSettings
    theta_d_coeffs: tuple = parameter(_PAIRING.theta_d_coeffs, "", 0.0, 100.0,
                                      "θ_d = a·C_pre_peak + b·C_post_peak (form of Chindemi et al. 2022)")
    theta_p_coeffs: tuple = parameter(_PAIRING.theta_p_coeffs, "", 0.0, 100.0,
                                      "θ_p = a·C_pre_peak + b·C_post_peak (form of Chindemi et al. 2022)")
    spine_volume_um3: float = parameter(_PAIRING.spine_volume_um3, "µm³", 0.0, 100.0,
                                        "spine-head volume, the biophysical Ca scale (0: dei_glu's 0.087 µm³, "
                                        "or with the Shouval rule set from shouval_pre_ca_uM)")
    shouval_pre_ca_uM: float = parameter(_PAIRING.shouval_pre_ca_uM, "µM", 0.01, 10.0,
                                         "Shouval rule: Ca peak of a lone EPSP (< α₁ = 0.35 µM: no change)")
    seed: int = parameter(_PAIRING.seed, "", 0, 2**31 - 1, "seed of the noise (each Δt's streams are hashed "
                          "from it and the other settings: dendriteei.pairing.noise_seed)")

    def __post_init__(self) -> None:
        defaults = {f.name: f.default for f in fields(self)}
        fixed = PRESETS.get(self.preset, {}) if isinstance(self.preset, str) else {}  # a bad preset: validate
        for name, value in fixed.items():
            if getattr(self, name) == defaults[name]:
                object.__setattr__(self, name, value)
        super().__post_init__()

    def check(self) -> None:
        """Cross-parameter rules (ParameterError)."""
        for name, value in PRESETS[self.preset].items():
            if getattr(self, name) != value:
                raise ParameterError(f"preset = {self.preset!r} sets {name} = {value!r}; {name} = "
                                     f"{getattr(self, name)!r} conflicts with it: leave {name} unset "
                                     "or use preset = 'none'")
        check_trains(pairing_settings(self))
        if self.theta_d > 0 and self.theta_p > 0 and self.theta_p < self.theta_d:
            raise ParameterError(f"theta_p = {self.theta_p} µM must not be below theta_d = {self.theta_d} µM")


def pairing_settings(params: StdpParams) -> PairingSettings:
    """The pairing settings of these parameters (every PairingSettings field has its namesake here)."""
    return PairingSettings(**{f.name: getattr(params, f.name) for f in fields(PairingSettings)})


def check_placement(spec, params: StdpParams) -> None:
    """Refuse a synapse_distance_um that no point of synapse_region reaches on ``spec``'s cell,
    naming the region's span (ParameterError); synapses on synapse_branch are not checked here."""
    if params.synapse_branch:
        return
    try:
        build(spec).resolve(Site("synapses", region=params.synapse_region, distance_um=params.synapse_distance_um))
    except SpecError as error:
        raise ParameterError(f"synapse_region = {params.synapse_region!r}, synapse_distance_um = "
                             f"{params.synapse_distance_um:g} µm: {error}") from None


def check_post_spikes(params: StdpParams, rows: pd.DataFrame) -> None:
    """The protocol's premise: each run's soma fires exactly n_pairs × post_spikes spikes, those
    the pulses evoke (ParameterError otherwise: the pairing and GB's Ca would be wrong)."""
    count, expected = int(rows.n_post_spikes.iloc[0]), params.n_pairs * params.post_spikes
    if count == expected:
        return
    what = f"Δt = {rows.delta_t_ms.iloc[0]:g} ms: {count} somatic post spikes, expected {expected} " \
           f"(n_pairs {params.n_pairs} × post_spikes {params.post_spikes})"
    if count > expected:
        raise ParameterError(f"{what}: the synapses drive the cell; lower weight_scale (0: Ca only, no "
                             f"current; now {params.weight_scale:g}) or n_synapses (now {params.n_synapses}), "
                             "or for Graupner & Brunel 2012 use preset = 'graupner_brunel_2012'")
    raise ParameterError(f"{what}: some pulses evoke no spike at {params.frequency_hz:g} Hz; raise "
                         f"post_amplitude_nA (now {params.post_amplitude_nA:g} nA), lengthen post_isi_ms "
                         "or lower frequency_hz")


def run(params: StdpParams = StdpParams(), spec=None, jobs: int | None = None) -> ProtocolResult:
    """STDP curve: one row per Δt and synapse (Δw as efficacy after/before, ρ, Ca peak, time above θ),
    the timings in ``jobs`` worker processes.
    Refuses (ParameterError) a run whose soma does not fire exactly n_pairs × post_spikes spikes."""
    spec = spec or cell_spec(params.cell)
    check_regions(spec, synapse_region=params.synapse_region)
    check_placement(spec, params)
    with using_jobs(jobs):
        settings = shouval_scaled(spec, pairing_settings(params))
        latency = post_latency_ms(spec, settings)
        thresholds = None
        if params.ca_mode == "biophysical":
            if params.theta_d > 0 and params.theta_p > 0:
                thresholds = (params.theta_d, params.theta_p)
            else:
                thresholds = calibrate_thresholds(spec, settings, n=params.n_synapses)
        for dt in params.delta_ts_ms:   # before any pairing run
            check_onset(settings, dt, latency)
        frames = map_conditions(run_timing, [(spec, settings, dt, latency, thresholds) for dt in params.delta_ts_ms])
    for frame in frames:
        check_post_spikes(params, frame)
    summary = pd.concat(frames, ignore_index=True)
    summary.insert(1, "ca_mode", params.ca_mode)
    summary.insert(2, "rule", params.rule)
    return ProtocolResult(summary)
