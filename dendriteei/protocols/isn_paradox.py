"""Inhibition stabilisation and the paradoxical effect (Wu, Miehl & Gjorgjieva 2022 Trends Neurosci,
Fig. 1B; Tsodyks et al. 1997 J Neurosci 17:4382; Sadeh et al. 2017 J Neurosci 37:12050).

The E–I network of Sadeh et al. 2017 (1600 E + 400 I AdEx cells, :func:`dendriteei.network.presets.
sadeh_2017`) is run at each I→E weight ``w_ie_nS``. After ``settle_ms``, epochs of ``baseline_ms``
without and ``perturbation_ms`` with an extra current into the inhibitory population(s) (as an
optogenetic drive) measure each population's rate change. In an inhibition-stabilised network
(ISN) the driven I population fires *less* (paradoxical); outside that regime it fires more. Weak
I→E inhibition leaves E active, where its gain is high and the E subnetwork alone unstable (ISN);
strong inhibition quiets E and the network leaves the ISN regime (review Fig. 1B).

The prediction: the linearised rate model measured open loop on each network's own cells
(:mod:`dendriteei.network.open_loop`): ISN ⇔ A_EE > 1, and the predicted rate changes
δr = (1 − A)⁻¹ B δh beside the measured ones; the regime boundary in w_ie where A_EE crosses 1
against where the measured I response changes sign.

With ``rho0_hz`` the I→E synapses learn with the Vogels et al. 2011 rule (dei_gaba window 1) for
``learn_s`` from ``w_ie_start_nS``, then learning stops and the same perturbation epochs follow:
the target rate sets w_ie and with it the regime.

``cell`` other than "point" (e.g. ``reduced``) makes E the multicompartment cell and splits I into
PV (perisomatic) and SST (distal apical) halves; ``perturbed`` then names which of them get the
current (default: PV alone, SST alone, both), to ask whether the paradoxical effect holds when
only PV or only SST is perturbed.

Weights are alpha-conductance peaks as in Sadeh et al. (nS at the published size; smaller
networks scale them up, keeping each cell's mean input). Runs on one process or under
``mpiexec`` (the ranks share each network; rank 0 returns the result).
"""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..catalogue import GABA_WINDOWS
from ..conditions import using_jobs
from ..engine.parallel import broadcast
from ..network import open_loop
from ..network.presets import SadehParameters, sadeh_2017
from ..network.spec import Constant, CurrentStep, NetworkSpec, ParameterChange, Recording
from ..network_runs import map_networks, simulate, window_rates
from ..parameters import ParameterError, parameter
from ..spec import CellSpec
from .common import ProtocolResult, RunParams, cell_spec

POINT = "point"
#: ``perturbed`` value: the whole I population, or PV, SST and both in the PV/SST variant.
AUTO = "auto"
_S = SadehParameters()


@dataclass(frozen=True)
class IsnParadoxParams(RunParams):
    cell: str = parameter(POINT, "", doc="E cells: 'point' (Sadeh et al. 2017's AdEx) or a cell as elsewhere "
                          "(e.g. reduced) for the PV/SST variant")
    dt_ms: float = parameter(_S.dt_ms, "ms", 0.01, 0.2, "fixed time step (Sadeh et al. 2017: 0.1 ms)")
    settle_ms: float = parameter(500.0, "ms", 0.0, 60000.0, "transient left out (Sadeh et al. 2017: 500 ms)")
    n_exc: int = parameter(_S.n_exc, "", 1, 10**6, "E cells (Sadeh et al. 2017: 1600)")
    n_inh: int = parameter(_S.n_inh, "", 2, 10**6, "I cells (Sadeh et al. 2017: 400)")
    w_ie_nS: tuple = parameter((0.1, 0.15, 0.2, 0.25, 0.3, 0.4), "nS", 0.0, 100.0,
                               "I→E weights swept, alpha peak at the published size (Sadeh et al. 2017: 0.1–0.5)")
    w_exc_nS: float = parameter(_S.w_exc_nS, "nS", 0.0, 100.0, "E→E and E→I weight (Sadeh et al. 2017 sample: 0.1)")
    w_ii_nS: float = parameter(_S.w_ii_nS, "nS", 0.0, 100.0, "I→I weight (Sadeh et al. 2017 sample: 0.2)")
    perturbation_pA: tuple = parameter((2.5, 5.0, 10.0), "pA", -1000.0, 1000.0,
                                       "currents into the perturbed cells (> 0: extra excitatory drive)")
    perturbed: tuple = parameter((AUTO,), "", doc="inhibitory populations perturbed per epoch, '+' joins several "
                                 f"(e.g. PV, SST, PV+SST); {AUTO}: I (point E cells) or PV, SST and PV+SST")
    perturbed_fraction: float = parameter(1.0, "", 0.01, 1.0, "fraction of the cells perturbed (Sadeh et al. "
                                          "2017: 0.1–1; a large fraction is needed to see the effect)")
    baseline_ms: float = parameter(500.0, "ms", 10.0, 60000.0, "window before each perturbation (Sadeh: 500 ms)")
    perturbation_ms: float = parameter(500.0, "ms", 10.0, 60000.0, "perturbation window (Sadeh: 500 ms)")
    skip_ms: float = parameter(100.0, "ms", 0.0, 10000.0, "start of each window left out of its rate")
    probe_cells: int = parameter(200, "", 10, 100000, "open-loop probe cells per population")
    probe_ms: float = parameter(2000.0, "ms", 100.0, 600000.0, "duration of each open-loop probe run")
    probe_step: float = parameter(0.1, "", 0.01, 1.0, "relative step of the presynaptic rates in the probes")
    probe_current_pA: float = parameter(2.0, "pA", 0.01, 1000.0, "current step of the probes (± this)")
    rho0_hz: tuple = parameter((0.5, 10.0), "Hz", 0.01, 200.0, "iSTDP target rates of the learning runs "
                               "(Vogels et al. 2011: 3 Hz)")
    w_ie_start_nS: float = parameter(0.2, "nS", 0.0, 100.0, "I→E weight where learning starts")
    learn_s: float = parameter(10.0, "s", 0.0, 3600.0, "learning time before the perturbation epochs (0: no "
                               "learning runs)")
    eta_nS: float = parameter(0.02, "nS", 0.0, 100.0, "iSTDP learning rate at the published size (Vogels rule; "
                              "Vogels et al. 2011: 0.01 nS for weights of ≈ 1 nS)")
    w_ie_max_nS: float = parameter(5.0, "nS", 0.0, 1000.0, "largest learned I→E weight (alpha peak)")
    drive_hz: float = parameter(9600.0, "Hz", 0.0, 1e6, "variant only: Poisson rate onto each E cell's basal "
                                "dendrites (the point neurons get Sadeh's 9600 Hz background)")
    drive_nS: float = parameter(0.22, "nS", 0.0, 1000.0, "variant only: weight (peak nS) of that drive (0.22 nS: "
                                "the reduced cell alone fires ≈ 9 Hz, as Sadeh's E cell with its background)")
    bin_ms: float = parameter(50.0, "ms", 1.0, 10000.0, "bin of the rate time courses (Sadeh: 50 ms)")
    seed: int = parameter(1, "", 0, 2**31 - 1, "seed of connectivity, initial voltages and inputs")
    progress: bool = parameter(False, "", doc="progress bar on simulated time (one network at a time)")

    def check(self) -> None:
        if self.cvode:
            raise ParameterError("cvode: networks run with the fixed step (dt_ms); set cvode=False")
        if AUTO in self.perturbed and len(self.perturbed) > 1:
            raise ParameterError(f"perturbed = {self.perturbed!r}: {AUTO!r} stands alone")
        if self.skip_ms >= min(self.baseline_ms, self.perturbation_ms):
            raise ParameterError(f"skip_ms = {self.skip_ms:g} ms leaves nothing of the {min(self.baseline_ms, self.perturbation_ms):g} ms windows")


# -- the networks --------------------------------------------------------------------------------
def _sadeh(params: IsnParadoxParams, w_ie_nS: float) -> SadehParameters:
    return dataclasses.replace(_S, n_exc=params.n_exc, n_inh=params.n_inh, w_exc_nS=params.w_exc_nS,
                               w_ie_nS=w_ie_nS, w_ii_nS=params.w_ii_nS, dt_ms=params.dt_ms)


def _jump_per_peak(params: IsnParadoxParams) -> float:
    """Jump (nS) of this network's I→E single exponential per nS of alpha peak at the published size."""
    return _S.n_inh / params.n_inh * np.e / 2.0


def _istdp(params: IsnParadoxParams, rho0_hz: float) -> tuple:
    """(dei_gaba values of the Vogels rule, learning off; η when on, µS). Weights are jumps of the
    single exponential standing for Sadeh's alpha synapse; η and w_max scale like the weights."""
    scale = _jump_per_peak(params) * 1e-3
    values = (("window", float(GABA_WINDOWS["symmetric_hebbian"])), ("eta", 0.0), ("rho0_hz", rho0_hz),
              ("tau_stdp", 20.0), ("w_min", 0.0), ("w_max", params.w_ie_max_nS * scale))   # Vogels et al. 2011: τ 20 ms
    return values, params.eta_nS * scale


def inhibitory_populations(spec: NetworkSpec) -> list:
    return [p.name for p in spec.populations if p.name != "E"]


def _targets(params: IsnParadoxParams, spec: NetworkSpec) -> list:
    """The perturbed groups, each a list of population names."""
    names = inhibitory_populations(spec)
    chosen = params.perturbed if params.perturbed != (AUTO,) else \
        ((names[0],) if len(names) == 1 else (*names, "+".join(names)))
    groups = []
    for label in chosen:
        group = label.split("+")
        for name in group:
            if name not in names:
                raise ParameterError(f"perturbed: unknown inhibitory population {name!r}; this network has "
                                     f"{', '.join(names)} (join several with '+')")
        groups.append(group)
    return groups


def epochs(params: IsnParadoxParams, spec: NetworkSpec, start_ms: float) -> list:
    """(target label, amplitude pA, baseline window, perturbation window) of every epoch from start_ms."""
    rows, t = [], start_ms
    for group in _targets(params, spec):
        for amplitude in params.perturbation_pA:
            base = (t, t + params.baseline_ms)
            pert = (base[1], base[1] + params.perturbation_ms)
            rows.append(("+".join(group), float(amplitude), base, pert))
            t = pert[1]
    return rows


def network_spec(params: IsnParadoxParams, w_ie_nS: float | None = None, rho0_hz: float | None = None,
                 exc_cell: CellSpec | None = None) -> NetworkSpec:
    """The network of one condition: static I→E of ``w_ie_nS`` (default: the first swept value), or
    learning toward ``rho0_hz`` from w_ie_start_nS, with its perturbation epochs."""
    if exc_cell is None and params.cell != POINT:
        exc_cell = cell_spec(params.cell)
    learning = rho0_hz is not None
    weight = params.w_ie_start_nS if learning else (params.w_ie_nS[0] if w_ie_nS is None else w_ie_nS)
    istdp, eta = _istdp(params, rho0_hz) if learning else ((), 0.0)
    base = sadeh_2017(_sadeh(params, weight), seed=params.seed, istdp=istdp,
                      exc_cell=exc_cell, exc_drive_hz=params.drive_hz, exc_drive_nS=params.drive_nS,
                      recording=Recording(every_ms=max(params.bin_ms, 100.0), weight_sample=100 if learning else 0))
    start = params.settle_ms + (params.learn_s * 1000.0 if learning else 0.0)
    steps = []
    for label, amplitude, _, (on, off) in epochs(params, base, start):
        steps += [CurrentStep(f"perturb {label} {amplitude:g} pA @{on:g}->{name}", name, amplitude, on, off,
                              params.perturbed_fraction) for name in label.split("+")]
    schedule = ()
    if learning:
        plastic = [p.name for p in base.projections if p.synapse.plastic]
        schedule = tuple(ParameterChange(t, name, "eta", value) for name in plastic
                         for t, value in ((params.settle_ms, eta), (start, 0.0)))
    return base.replace(stimuli=base.stimuli + tuple(steps), schedule=schedule,
                        name=f"isn_paradox_{'rho0_%g' % rho0_hz if learning else 'w_ie_%g' % weight}")


def duration_ms(params: IsnParadoxParams, spec: NetworkSpec, learning: bool) -> float:
    start = params.settle_ms + (params.learn_s * 1000.0 if learning else 0.0)
    return epochs(params, spec, start)[-1][3][1]


# -- the protocol --------------------------------------------------------------------------------
def run(params: IsnParadoxParams = IsnParadoxParams(), spec: NetworkSpec | CellSpec | None = None,
        jobs: int | None = None) -> ProtocolResult | None:
    """Summary: per condition, perturbed group, amplitude and population the baseline and perturbed
    rates, the measured and predicted change and whether it is paradoxical. Tables: ``regime``
    (per condition: rates, the open-loop matrix A and gains B, predicted ISN, measured paradox,
    slopes), ``boundary`` (measured vs predicted w_ie of the regime change), ``rates`` (time
    courses), ``probes`` (open-loop runs), ``weights`` (learning runs). ``spec``: a CellSpec for
    the E cells (or the NetworkSpec of :func:`network_spec`, for provenance)."""
    exc_cell = spec if isinstance(spec, CellSpec) else None
    if isinstance(spec, NetworkSpec) and spec != network_spec(params):
        raise ParameterError("isn-paradox builds its networks from its parameters; pass a CellSpec for the E cells, "
                             "or set the parameters")
    if exc_cell is None and params.cell != POINT:
        exc_cell = cell_spec(params.cell)
    conditions = [("w_ie", w, None) for w in params.w_ie_nS] + \
        [("rho0", None, r) for r in (params.rho0_hz if params.learn_s > 0 else ())]
    specs = [network_spec(params, w, r, exc_cell) for _, w, r in conditions]
    runs = []
    for (kind, _, _), net in zip(conditions, specs):
        learning = kind == "rho0"
        table = epochs(params, net, params.settle_ms + (params.learn_s * 1000.0 if learning else 0.0))
        windows = tuple((a + params.skip_ms, b) for _, _, base, pert in table for a, b in (base, pert))
        runs.append((net, duration_ms(params, net, learning), windows, params.bin_ms, params.progress))
    with using_jobs(jobs):
        outcomes = broadcast(map_networks(simulate, runs, jobs))
        operating = [_operating_point(params, net, out, kind == "rho0") for (kind, _, _), net, out
                     in zip(conditions, specs, outcomes)]
        plans, probe_runs = [], []
        for net, point in zip(specs, operating):
            names = [p.name for p in net.populations]
            plan = open_loop.probe_plan(names, point["rates"], params.probe_step, 0.2, params.probe_current_pA)
            plans.append(plan)
            probe_runs += [(open_loop.open_loop_spec(point["spec"], point["rates"], params.probe_cells, steps, current,
                                                     seed=params.seed), params.probe_ms,
                            ((min(200.0, params.probe_ms / 4), params.probe_ms),))
                           for _, steps, current in plan]
        probe_rates = map_networks(window_rates, probe_runs, jobs)
    if probe_rates[0] is None:       # an MPI rank other than 0
        return None
    return _tables(params, conditions, specs, outcomes, operating, plans, probe_rates)


def _operating_point(params, net: NetworkSpec, outcome: dict, learning: bool) -> dict:
    """Baseline rates (Hz, mean over the epochs' baseline windows) and the network whose open loop
    is probed (learned I→E weights replaced by their mean)."""
    rates = {name: float(np.mean(values[0::2])) for name, values in outcome["rates"].items()}
    probed = net
    if learning:
        projections = tuple(dataclasses.replace(p, weight_nS=Constant(outcome["final_weights"][p.name]),
                                                synapse=open_loop.static(p.synapse))
                            if p.name in outcome["final_weights"] else p for p in net.projections)
        probed = net.replace(projections=projections)
    return {"rates": rates, "spec": probed}


def _tables(params, conditions, specs, outcomes, operating, plans, probe_rates) -> ProtocolResult:
    rows, regime, binned, probes, weights = [], [], [], [], []
    offset = 0
    for (kind, w_ie, rho0), net, out, point, plan in zip(conditions, specs, outcomes, operating, plans):
        names = [p.name for p in net.populations]
        measured = [{name: values[0] for name, values in rates.items()}
                    for rates in probe_rates[offset:offset + len(plan)]]
        offset += len(plan)
        a, b = open_loop.open_loop_matrices(names, plan, measured)
        learned = np.mean([out["final_weights"][p.name] for p in net.projections if p.name in out["final_weights"]]) \
            if kind == "rho0" else np.nan
        # the learned weight as the alpha peak at the published size, comparable with the swept w_ie
        w_label = w_ie if kind == "w_ie" else learned / _jump_per_peak(params)
        label = f"w_ie = {w_ie:g} nS" if kind == "w_ie" else f"iSTDP, ρ0 = {rho0:g} Hz"
        table = epochs(params, net, params.settle_ms + (params.learn_s * 1000.0 if kind == "rho0" else 0.0))
        slopes = {}
        for e, (group, amplitude, _, (on, off)) in enumerate(table):
            drive = np.array([amplitude * params.perturbed_fraction if n in group.split("+") else 0.0 for n in names])
            predicted = open_loop.linear_response(a, b, drive)
            for i, name in enumerate(names):
                before, after = out["rates"][name][2 * e], out["rates"][name][2 * e + 1]
                perturbed = name in group.split("+")
                rows.append({"condition": label, "w_ie_nS": w_label, "rho0_hz": rho0 if rho0 is not None else np.nan,
                             "perturbed": group, "perturbation_pA": amplitude, "perturbation_on_ms": on,
                             "perturbation_off_ms": off, "population": name,
                             "is_perturbed": perturbed, "rate_baseline_hz": before, "rate_perturbed_hz": after,
                             "delta_rate_hz": after - before, "predicted_delta_hz": float(predicted[i]),
                             "paradoxical": bool(perturbed and (after - before) * amplitude < 0)})
                slopes.setdefault((group, name), []).append((amplitude, after - before, float(predicted[i])))
        record = {"condition": label, "w_ie_nS": w_label, "rho0_hz": rho0 if rho0 is not None else np.nan,
                  **{f"rate_{n}_hz": point["rates"][n] for n in names},
                  "a_EE": a[0, 0], "isn_predicted": bool(a[0, 0] > 1.0), "stable_predicted": open_loop.stable(a),
                  **{f"A[{post},{pre}]": a[i, j] for i, post in enumerate(names) for j, pre in enumerate(names)},
                  **{f"B[{n}]_hz_per_pA": b[i] for i, n in enumerate(names)}}
        for (group, name), values in slopes.items():
            if name in group.split("+") and "+" not in group:
                x, y, z = (np.array(v) for v in zip(*values))
                record[f"slope_{name}_hz_per_pA"] = float(x @ y / (x @ x))
                record[f"slope_{name}_predicted_hz_per_pA"] = float(x @ z / (x @ x))
                record[f"paradoxical_{name}"] = bool(x @ y / (x @ x) < 0)
        regime.append(record)
        frame = out["binned"].assign(condition=label)
        binned.append(frame)
        probes += [{"condition": label, "probe": tag, "population": n, "rate_hz": r[n], "current_pA": current,
                    **{f"step_{k}_hz": v for k, v in steps.items()}} for (tag, steps, current), r in zip(plan, measured)
                   for n in names]
        if len(out["weights"]):
            weights.append(out["weights"].assign(condition=label, rho0_hz=rho0))
    regime = pd.DataFrame(regime)
    return ProtocolResult(summary=pd.DataFrame(rows), tables={
        "regime": regime, "boundary": _boundary(regime, specs[0]), "rates": pd.concat(binned, ignore_index=True),
        "probes": pd.DataFrame(probes), "weights": pd.concat(weights, ignore_index=True) if weights else pd.DataFrame()})


def _boundary(regime: pd.DataFrame, spec: NetworkSpec) -> pd.DataFrame:
    """Per perturbed population: the w_ie (static sweep) where the measured slope of its rate change
    changes sign, and where the predicted A_EE crosses 1."""
    static = regime[regime.rho0_hz.isna()].sort_values("w_ie_nS")
    rows = []
    for name in inhibitory_populations(spec):
        column = f"slope_{name}_hz_per_pA"
        if column not in static or static.empty:
            continue
        rows.append({"population": name,
                     "w_ie_boundary_measured_nS": open_loop.crossing(static.w_ie_nS, static[column]),
                     "w_ie_boundary_predicted_nS": open_loop.crossing(static.w_ie_nS, static.a_EE, 1.0),
                     "w_ie_boundary_predicted_slope_nS": open_loop.crossing(
                         static.w_ie_nS, static[f"slope_{name}_predicted_hz_per_pA"])})
    return pd.DataFrame(rows)
