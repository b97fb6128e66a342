"""Novelty responses and adaptation through inhibitory plasticity (Schulz, Miehl, Berry &
Gjorgjieva 2021 eLife 10:e65309; review Wu, Miehl & Gjorgjieva 2022 Fig. 3).

The network of Litwin-Kumar & Doiron 2014 as Schulz et al. use it (:func:`dendriteei.network.
presets.schulz_2021`: 4000 EIF E cells in stimulus assemblies of 200, 1000 LIF I cells, p = 0.2,
Vogels iSTDP on I→E with r0 = 3 Hz). Paradigms (each run with iSTDP on and off):

- ``sequence`` (their Fig. 1): after a warm-up and pretraining (each assembly presented
  ``pretrain`` times in shuffled order), a sequence of ``n_familiar`` stimuli (300 ms each, back to
  back) is repeated ``repetitions`` times; in the last-but-one repetition its last stimulus is
  replaced by a novel one. Each presentation's response is the mean rate of all E cells (Schulz
  et al.'s measure). With iSTDP the inhibition onto the repeatedly driven assemblies grows, the
  response adapts, and the novel stimulus, whose assembly's inhibition did not grow, evokes a
  larger response; without iSTDP every presentation evokes the same.
- ``oddball`` (their Fig. 5, stimulus-specific adaptation): a standard A is shown ``repetitions``
  times (300 ms, 900 ms apart) with a deviant B in place of the last-but-one; A and B drive the
  same E assembly and differ in the inhibitory cells they drive (their inhibitory tuning, 0.1 of
  the E drive), so only iSTDP from A-tuned I cells adapts the response to A.
- ``disinhibition`` (their Fig. 6): the oddball with the I cells' background lowered by
  ``disinhibition_hz`` during the deviant.

Each block of ``sequence`` uses new assemblies (their 'unique sequences'); E→E is static here
(Schulz et al. also had E→E triplet STDP with normalisation; adaptation and novelty come from the
iSTDP, which this protocol tests by switching it off). ``cell`` other than 'point' makes E the
multicompartment cell with PV (perisomatic) and SST (distal) halves of I; ``plastic`` then
chooses which of their I→E projections learn.
"""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import numpy as np
import pandas as pd

from scipy.optimize import curve_fit

from ..conditions import using_jobs
from ..network.presets import SchulzParameters, schulz_2021
from ..network.spec import NetworkSpec, Recording, StimulusSequence, Synapse
from ..network_runs import map_networks, simulate
from ..parameters import ParameterError, parameter
from ..spec import CellSpec
from .common import ProtocolResult, RunParams, cell_spec

POINT = "point"
#: The plastic class of the point-neuron network (one I population).
POINT_PLASTIC = "I"

PARADIGMS = ("sequence", "oddball", "disinhibition")
_P = SchulzParameters()

#: What Schulz et al. 2021 report, read off their figures (REPO figures/*.png, which are the paper's;
#: ≈ ±0.2 Hz) and their notebooks' fits; population rates of all E cells.
PAPER = (
    ("sequence", "onset_hz", 5.0, "Fig. 1B: first presentations of a new sequence, ≈ 5 Hz"),
    ("sequence", "adapted_hz", 2.6, "Fig. 1B: adapted level 2.5–2.7 Hz after ≈ 17 repetitions"),
    ("sequence", "novelty_hz", 5.3, "Fig. 1B: novelty peak ≈ 5.3 Hz"),
    ("sequence", "novelty_over_adapted", 5.3 / 2.6, "Fig. 1B: ≈ 2 (5.3 / 2.6, derived)"),
    ("sequence", "adaptation_tau_s", 5.5, "Fig. 2C,D: decay constant ≈ 5.5 s for 3-stimulus sequences"),
    ("oddball", "first_standard_hz", 5.6, "Fig. 5: first A ≈ 5.6 Hz"),
    ("oddball", "adapted_hz", 2.9, "Fig. 5: A after ≈ 15 presentations 2.8–3 Hz"),
    ("oddball", "novelty_hz", 4.3, "Fig. 5: deviant B ≈ 4.3 Hz"),
    ("oddball", "novelty_over_adapted", 4.3 / 2.9, "Fig. 5: ≈ 1.5 (4.3 / 2.9, derived)"),
    ("disinhibition", "novelty_hz", 7.8, "Fig. 6B: deviant with disinhibition 1.5 kHz ≈ 7.8 Hz"),
)


@dataclass(frozen=True)
class AssemblyNoveltyParams(RunParams):
    cell: str = parameter(POINT, "", doc="E cells: 'point' (Schulz et al. 2021's EIF) or a cell as elsewhere "
                          "(e.g. reduced) for the PV/SST variant")
    dt_ms: float = parameter(_P.dt_ms, "ms", 0.01, 0.2, "fixed time step (Schulz et al. 2021: 0.1 ms)")
    settle_ms: float = parameter(1000.0, "ms", 0.0, 600000.0, "warm-up with background only and iSTDP on "
                                 "(Schulz et al.: plasticity from 1 s)")
    paradigms: tuple = parameter(PARADIGMS, "", doc="paradigms: " + ", ".join(PARADIGMS))
    n_exc: int = parameter(_P.n_exc, "", 10, 10**6, "E cells (Schulz et al. 2021: 4000)")
    n_inh: int = parameter(_P.n_inh, "", 2, 10**6, "I cells (Schulz et al. 2021: 1000)")
    assembly_size: int = parameter(_P.assembly_size, "", 1, 10**6, "E cells per stimulus (Schulz et al.: ≈ 200)")
    inh_tuning_fraction: float = parameter(0.15, "", 0.0, 0.5, "oddball: fraction of I cells tuned to each "
                                           "stimulus (Schulz et al.: 0.15)")
    inh_tuning: float = parameter(0.1, "", 0.0, 1.0, "oddball: drive of tuned I cells relative to E's "
                                  "(Schulz et al.: inhibfactor 0.1)")
    n_familiar: int = parameter(3, "", 1, 100, "stimuli per sequence (Schulz et al.: 3)")
    repetitions: int = parameter(20, "", 3, 10000, "repetitions of the sequence or standard (Schulz et al.: 20)")
    blocks: int = parameter(1, "", 1, 1000, "sequence: blocks, each with new assemblies (Schulz et al. Fig. 1: 10)")
    pretrain: int = parameter(5, "", 0, 1000, "sequence: pretraining presentations per assembly (Schulz et al.: 5)")
    slot_ms: float = parameter(300.0, "ms", 1.0, 60000.0, "stimulus duration (Schulz et al.: 300 ms)")
    oddball_gap_ms: float = parameter(900.0, "ms", 0.0, 60000.0, "oddball: pause between stimuli (Schulz: 900 ms)")
    stimulus_hz: float = parameter(_P.stimulus_hz, "Hz", 0.0, 1e6, "extra Poisson input onto the stimulated "
                                   "assembly's cells (Schulz et al.: 12 kHz)")
    disinhibition_hz: float = parameter(1500.0, "Hz", 0.0, 1e6, "disinhibition: lower I background during the "
                                        "deviant by this (Schulz et al. Fig. 6: 1.5 kHz)")
    eta_scale: float = parameter(1.0, "", 0.0, 1e6, "iSTDP learning rate × this (Schulz et al.: η = 1)")
    istdp: tuple = parameter((True, False), "", doc="run each paradigm with iSTDP on (True) and off (False)")
    plastic: tuple = parameter(("PV+SST", "PV", "SST"), "", doc="variant only: one iSTDP run per entry, naming the "
                               "inhibitory classes whose I→E synapses learn ('+' joins several)")
    drive_hz: float = parameter(4500.0, "Hz", 0.0, 1e6, "variant only: background Poisson rate onto each E cell's "
                                "basal dendrites")
    drive_nS: float = parameter(0.3, "nS", 0.0, 1000.0, "variant only: weight (peak nS) of that background (0.3 nS: "
                                "the reduced cell alone fires ≈ 21 Hz; it saturates near 25 Hz, below the EIF's 51 Hz)")
    bin_ms: float = parameter(100.0, "ms", 1.0, 10000.0, "bin of the rate time courses")
    seed: int = parameter(1, "", 0, 2**31 - 1, "seed of connectivity, assemblies' inputs and initial voltages")
    progress: bool = parameter(False, "", doc="progress bar on simulated time (one network at a time)")

    def check(self) -> None:
        if self.cvode:
            raise ParameterError("cvode: networks run with the fixed step (dt_ms); set cvode=False")
        for name in self.paradigms:
            if name not in PARADIGMS:
                raise ParameterError(f"paradigms: unknown paradigm {name!r}; valid: {', '.join(PARADIGMS)}")
        needed = self.blocks * (self.n_familiar + 1) if "sequence" in self.paradigms else 1
        available = self.n_exc // self.assembly_size
        if needed > available:
            raise ParameterError(f"the sequence paradigm needs {needed} assemblies ({self.blocks} blocks × "
                                 f"({self.n_familiar} familiar + 1 novel)) but n_exc // assembly_size = {available}")
        if self.cell != POINT:
            for entry in self.plastic:
                for name in entry.split("+"):
                    if name not in ("PV", "SST"):
                        raise ParameterError(f"plastic: unknown inhibitory class {name!r} in {entry!r}; valid: PV, SST "
                                             "(join with '+')")
        tuned = round(self.inh_tuning_fraction * self.n_inh)
        if {"oddball", "disinhibition"} & set(self.paradigms) and 2 * tuned > self.n_inh:
            raise ParameterError("inh_tuning_fraction: two tuned I groups do not fit in n_inh")


# -- stimulus schedules --------------------------------------------------------------------------
def sequence_slots(params: AssemblyNoveltyParams) -> list:
    """(assembly, role, block, repetition) per slot of the sequence paradigm; role is 'pretrain',
    'familiar' or 'novel'. Block b uses assemblies b·(n+1) … b·(n+1)+n, the last one novel."""
    rng = np.random.default_rng([params.seed, 7])
    n = params.n_familiar
    slots = []
    everything = [a for b in range(params.blocks) for a in range(b * (n + 1), b * (n + 1) + n + 1)]
    order = []
    for _ in range(params.pretrain):         # shuffled, no assembly twice in a row (Schulz et al.)
        batch = list(rng.permutation(everything))
        while order and len(batch) > 1 and batch[0] == order[-1]:
            batch = list(rng.permutation(everything))
        order += batch
    slots += [(int(a), "pretrain", -1, -1) for a in order]
    for block in range(params.blocks):
        first = block * (n + 1)
        for repetition in range(params.repetitions):
            for k in range(n):
                novel = repetition == params.repetitions - 2 and k == n - 1
                slots.append((first + n if novel else first + k, "novel" if novel else "familiar", block, repetition))
    return slots


def oddball_slots(params: AssemblyNoveltyParams) -> list:
    """(stimulus, role, 0, repetition): A (standard) ``repetitions`` times, B (deviant) in place of
    the last-but-one (Schulz et al. Fig. 5: A×19, B, A)."""
    return [("B" if r == params.repetitions - 2 else "A", "novel" if r == params.repetitions - 2 else "familiar", 0, r)
            for r in range(params.repetitions)]


def _schulz(params: AssemblyNoveltyParams) -> SchulzParameters:
    return dataclasses.replace(_P, n_exc=params.n_exc, n_inh=params.n_inh, assembly_size=params.assembly_size,
                               stimulus_hz=params.stimulus_hz, dt_ms=params.dt_ms)


def network_spec(params: AssemblyNoveltyParams, paradigm: str | None = None, istdp: bool | None = None,
                 exc_cell: CellSpec | None = None, plastic: str | None = None) -> NetworkSpec:
    """The network of one paradigm (default: the first) with iSTDP on or off (default: the first);
    in the PV/SST variant ``plastic`` ('+'-joined classes, default the first entry) learn."""
    paradigm = paradigm or params.paradigms[0]
    istdp = params.istdp[0] if istdp is None else istdp
    plastic = plastic or params.plastic[0]
    if exc_cell is None and params.cell != POINT:
        exc_cell = cell_spec(params.cell)
    p = _schulz(params)
    weight = p.j_ext_exc / p.tau_exc_ms       # the stimulus arrives like the background (Schulz et al.)
    start = params.settle_ms
    network = dict(seed=params.seed, eta_scale=params.eta_scale if istdp else 0.0, exc_cell=exc_cell,
                   plastic=tuple(plastic.split("+")), exc_drive_hz=params.drive_hz, exc_drive_nS=params.drive_nS,
                   recording=Recording(every_ms=1000.0, weight_sample=200))
    if paradigm == "sequence":
        slots = sequence_slots(params)
        stimuli = (StimulusSequence("stimuli->E", "E", tuple(a for a, *_ in slots), params.slot_ms,
                                    params.stimulus_hz, _exc_synapse(exc_cell), weight, start_ms=start),)
        spec = schulz_2021(p, stimuli=stimuli, **network)
        return spec.replace(name=f"assembly_novelty_sequence_{_label(istdp, plastic, exc_cell)}")
    slots = oddball_slots(params)
    period = params.slot_ms + params.oddball_gap_ms
    e_sequence = tuple(0 for _ in slots)                       # A and B drive the same E cells (Schulz et al.)
    i_sequence = tuple(0 if s == "A" else 1 for s, *_ in slots)
    i_weight = p.j_ext_inh / p.tau_exc_ms
    spec = schulz_2021(p, stimuli=(StimulusSequence("stimuli->E", "E", e_sequence, params.slot_ms,
                                                    params.stimulus_hz, _exc_synapse(exc_cell), weight,
                                                    start_ms=start, gap_ms=params.oddball_gap_ms),), **network)
    inhibitory = [pop.name for pop in spec.populations[1:]]
    populations = (spec.populations[0],) + tuple(dataclasses.replace(pop, assembly_size=round(
        params.inh_tuning_fraction * pop.size)) for pop in spec.populations[1:])
    stimuli = list(spec.stimuli)
    for name in inhibitory:     # the inhibitory tuning: A and B drive different I cells (Schulz et al. Fig. 5)
        stimuli.append(StimulusSequence(f"stimuli->{name}", name, i_sequence, params.slot_ms,
                                        params.stimulus_hz * params.inh_tuning, Synapse("exc"), i_weight,
                                        start_ms=start, gap_ms=params.oddball_gap_ms))
    if paradigm == "disinhibition":
        deviant = next(i for i, (stimulus, *_) in enumerate(slots) if stimulus == "B")
        on, off = start + deviant * period, start + deviant * period + params.slot_ms
        for name in inhibitory:
            background = next(s for s in stimuli if s.name == f"background->{name}")
            stimuli.remove(background)
            stimuli += [dataclasses.replace(background, rate_hz=background.rate_hz - params.disinhibition_hz),
                        dataclasses.replace(background, name=f"background->{name} before the deviant",
                                            rate_hz=params.disinhibition_hz, stop_ms=on),
                        dataclasses.replace(background, name=f"background->{name} after the deviant",
                                            rate_hz=params.disinhibition_hz, start_ms=off)]
    return spec.replace(populations=populations, stimuli=tuple(stimuli),
                        name=f"assembly_novelty_{paradigm}_{_label(istdp, plastic, exc_cell)}")


def _label(istdp: bool, plastic: str, exc_cell) -> str:
    return "static" if not istdp else ("istdp" if exc_cell is None else f"istdp_{plastic}")


def conditions(params: AssemblyNoveltyParams) -> list:
    """(paradigm, iSTDP on, plastic classes) of every run: with point E cells one run per iSTDP
    setting; in the PV/SST variant one learning run per ``plastic`` entry."""
    learning = (POINT_PLASTIC,) if params.cell == POINT else params.plastic
    return [(paradigm, istdp, plastic) for paradigm in params.paradigms for istdp in params.istdp
            for plastic in (learning if istdp else ("",))]


def _exc_synapse(exc_cell: CellSpec | None) -> Synapse:
    """Where external input lands on E: the point neuron's own conductance, or the basal AMPA
    synapses of a multicompartment E cell (:data:`dendriteei.network.presets.SCHULZ_BASAL_AMPA`)."""
    from ..network.presets import SCHULZ_BASAL_AMPA
    return Synapse("exc") if exc_cell is None else SCHULZ_BASAL_AMPA


def slots(params: AssemblyNoveltyParams, paradigm: str) -> list:
    return sequence_slots(params) if paradigm == "sequence" else oddball_slots(params)


def _windows(params: AssemblyNoveltyParams, paradigm: str) -> list:
    gap = 0.0 if paradigm == "sequence" else params.oddball_gap_ms
    return [(params.settle_ms + i * (params.slot_ms + gap), params.settle_ms + i * (params.slot_ms + gap) + params.slot_ms)
            for i in range(len(slots(params, paradigm)))]


# -- the protocol --------------------------------------------------------------------------------
def run(params: AssemblyNoveltyParams = AssemblyNoveltyParams(), spec: NetworkSpec | CellSpec | None = None,
        jobs: int | None = None) -> ProtocolResult | None:
    """Summary: one row per paradigm and iSTDP setting: onset, adapted and novel responses (Hz,
    all E cells), novelty / adapted, the adaptation time constant. Tables: ``presentations`` (per
    stimulus: population and assembly rates), ``paper`` (ours beside Schulz et al. 2021's),
    ``rates`` (time courses), ``weights`` (mean I→E weights over time). ``spec``: a CellSpec for
    the E cells (or the NetworkSpec of :func:`network_spec`, for provenance)."""
    exc_cell = spec if isinstance(spec, CellSpec) else None
    if isinstance(spec, NetworkSpec) and spec != network_spec(params):
        raise ParameterError("assembly-novelty builds its networks from its parameters; pass a CellSpec for the E "
                             "cells, or set the parameters")
    if exc_cell is None and params.cell != POINT:
        exc_cell = cell_spec(params.cell)
    runs_of = conditions(params)
    runs = []
    for paradigm, istdp, plastic in runs_of:
        windows = tuple(_windows(params, paradigm))
        runs.append((network_spec(params, paradigm, istdp, exc_cell, plastic or params.plastic[0]),
                     windows[-1][1] + 100.0, windows, params.bin_ms, params.progress))
    with using_jobs(jobs):
        outcomes = map_networks(simulate, runs, jobs)
    if outcomes[0] is None:          # an MPI rank other than 0
        return None
    presentations, summary, binned, weights = [], [], [], []
    for (paradigm, istdp, plastic), (net, _, windows, _, _), out in zip(runs_of, runs, outcomes):
        label = {"paradigm": paradigm, "istdp": istdp, "plastic": plastic if istdp else "none"}
        table = _presentations(params, paradigm, net, windows, out).assign(**label)
        presentations.append(table)
        summary.append({**label, **responses(table, params, paradigm)})
        binned.append(out["binned"].assign(**label))
        if len(out["weights"]):
            weights.append(out["weights"].assign(**label))
    summary = pd.DataFrame(summary)
    return ProtocolResult(summary=summary, tables={
        "presentations": pd.concat(presentations, ignore_index=True), "paper": paper_table(summary),
        "rates": pd.concat(binned, ignore_index=True),
        "weights": pd.concat(weights, ignore_index=True) if weights else pd.DataFrame()})


def _presentations(params, paradigm: str, net: NetworkSpec, windows: tuple, out: dict) -> pd.DataFrame:
    """One row per presentation: stimulus, role, block, repetition, start, the rate of all E cells
    and of the driven assembly (Hz)."""
    spikes = out["spikes"]
    exc = spikes[spikes.population == "E"]
    size = params.assembly_size
    rows = []
    for (stimulus, role, block, repetition), (start, stop), rate in zip(slots(params, paradigm), windows,
                                                                         out["rates"]["E"]):
        assembly = stimulus if paradigm == "sequence" else 0
        inside = exc[(exc.t_ms >= start) & (exc.t_ms < stop)]
        members = inside.gid.between(assembly * size, (assembly + 1) * size - 1)
        rows.append({"stimulus": str(stimulus), "role": role, "block": block, "repetition": repetition,
                     "start_ms": start, "rate_hz": rate,
                     "assembly_rate_hz": float(members.sum() / (size * (stop - start) / 1000.0)),
                     "rest_rate_hz": float((~members).sum() / ((net.population("E").size - size) * (stop - start)
                                                               / 1000.0))})
    return pd.DataFrame(rows)


def _exponential(t, r_inf, amplitude, tau):
    return r_inf + amplitude * np.exp(-t / tau)


def adaptation_tau_s(t_s: np.ndarray, rate_hz: np.ndarray) -> float:
    """τ (s) of r(t) = r∞ + A e^(−t/τ) fitted to a decaying response (NaN if it does not decay)."""
    if len(t_s) < 4 or rate_hz[0] <= rate_hz[-1]:
        return float("nan")
    try:
        (_, amplitude, tau), _ = curve_fit(_exponential, t_s, rate_hz, p0=(rate_hz[-1], rate_hz[0] - rate_hz[-1],
                                                                          max(t_s[-1] / 4, 1e-3)),
                                           bounds=((0.0, 0.0, 1e-3), (np.inf, np.inf, 100.0 * max(t_s[-1], 1e-3))))
    except RuntimeError:
        return float("nan")
    return float(tau)


def responses(table: pd.DataFrame, params: AssemblyNoveltyParams, paradigm: str) -> dict:
    """Onset (first repetition), adapted (the familiar presentations of the repetition before the
    novel one), novelty and after-novelty responses (Hz, mean over blocks), their ratios and the
    adaptation time constant of the familiar responses (s and repetitions): of all E cells
    (Schulz et al.'s measure) and, prefixed ``assembly_``, of the driven assembly."""
    period_s = (params.n_familiar * params.slot_ms if paradigm == "sequence"
                else params.slot_ms + params.oddball_gap_ms) / 1000.0
    out = {}
    for prefix, column in (("", "rate_hz"), ("assembly_", "assembly_rate_hz")):
        onset, adapted, novel, after, taus = [], [], [], [], []
        last = params.repetitions - 2
        for _, block in table[table.role != "pretrain"].groupby("block"):
            familiar = block[block.role == "familiar"]
            onset.append(familiar[familiar.repetition == 0][column].mean())
            adapted.append(familiar[familiar.repetition == last - 1][column].mean())
            novel.append(block[block.role == "novel"][column].mean())
            after.append(familiar[familiar.repetition == last + 1][column].mean())
            taus.append(adaptation_tau_s((familiar.start_ms.to_numpy() - familiar.start_ms.iloc[0]) / 1000.0,
                                         familiar[column].to_numpy()))
        tau = float(np.nanmean(taus)) if np.isfinite(taus).any() else float("nan")
        mean_adapted = float(np.mean(adapted))
        out.update({f"{prefix}onset_hz": float(np.mean(onset)), f"{prefix}adapted_hz": mean_adapted,
                    f"{prefix}novelty_hz": float(np.mean(novel)), f"{prefix}after_novel_hz": float(np.mean(after)),
                    f"{prefix}novelty_over_adapted": float(np.mean(novel)) / mean_adapted if mean_adapted > 0
                    else float("nan"),
                    f"{prefix}onset_over_adapted": float(np.mean(onset)) / mean_adapted if mean_adapted > 0
                    else float("nan"),
                    f"{prefix}adaptation_tau_s": tau, f"{prefix}adaptation_tau_repetitions": tau / period_s})
    return out


def paper_table(summary: pd.DataFrame) -> pd.DataFrame:
    """Schulz et al. 2021's numbers beside ours (iSTDP on)."""
    rows = []
    for paradigm, measure, value, source in PAPER:
        ours = summary[(summary.paradigm == paradigm) & summary.istdp.astype(bool)]
        ours = ours[ours.plastic == ours.plastic.iloc[0]] if len(ours) else ours    # all classes learning
        column = {"first_standard_hz": "onset_hz"}.get(measure, measure)
        if len(ours):
            rows.append({"paradigm": paradigm, "measure": measure, "schulz_2021": value,
                         "dendriteei": float(ours[column].iloc[0]), "source": source})
    return pd.DataFrame(rows)
