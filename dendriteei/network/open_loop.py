"""The linearised rate model of a network, measured on its own cells (numpy only; no NEURON).

Around an operating point (population rates r), a network of populations X behaves as the linear
rate model δr = A δr + B δh (Tsodyks, Skaggs, Sejnowski & McNaughton 1997 J Neurosci 17:4382;
Ozeki et al. 2009 Neuron 62:578): A[X, Y] = ∂r_X/∂r_Y is the open-loop change of X's rate per Hz
of population Y (positive from E, negative from inhibitory populations: the gain of X times the
coupling Y→X), B[X] = ∂r_X/∂h_X the gain to a current into X (Hz/pA). Its steady response to a
perturbation δh is δr = (1 − A)⁻¹ B δh. For one E and one I population:

    δr_I/δh_I = B_I (1 − A_EE) / det(1 − A),    δr_E/δh_I = A_EI B_I / det(1 − A),

so, while the fixed point is stable (det(1 − A) > 0), driving I lowers I's rate (the paradoxical
effect) if and only if A_EE > 1: the E subnetwork alone is unstable and needs inhibition to be
stable (an inhibition-stabilised network, ISN; Tsodyks et al. 1997, Ozeki et al. 2009; Sadeh et
al. 2017 J Neurosci 37:12050, whose all-to-all model gives the same condition w_E > 1).

A and B are measured *open loop* (:func:`open_loop_spec`): unconnected copies of each
population's cells receive their background plus Poisson input standing for each projection
(expected in-degree × presynaptic rate, with the projection's synapse and mean weight); the
rates of one presynaptic population are stepped up and down by a few per cent, or a current is
added, and the rate differences give A and B (central differences; all runs share the random
streams, so differences are not buried in Poisson noise).
"""
from __future__ import annotations

import dataclasses

import numpy as np

from ..checks import SpecError
from .spec import (AssemblyProbability, Constant, CurrentStep, InDegree, NetworkSpec, Normal, PoissonDrive,
                   Population, Probability, Projection, Recording, Synapse, UniformRange)

#: dei_gaba and dei_glu parameters that switch plasticity on; open-loop probes use static synapses.
_PLASTIC_PARAMETERS = ("window", "homeostatic", "rule", "eta")


def expected_in_degree(spec: NetworkSpec, projection: Projection) -> float:
    """Mean number of connections of ``projection`` onto one cell of its post population."""
    rule = projection.rule
    available = spec.population(projection.pre).size - (1 if projection.pre == projection.post else 0)
    if isinstance(rule, Probability):
        return rule.p * available
    if isinstance(rule, InDegree):
        return float(rule.k)
    assert isinstance(rule, AssemblyProbability)
    raise SpecError(f"projection {projection.name!r}: the open-loop model needs a rule without assemblies "
                    "(Probability or InDegree)")


def mean_weight_nS(distribution) -> float:
    """Mean of a weight distribution (a clipped Normal's clipping is ignored: cv ≤ 0.2 loses < 0.01 %)."""
    if isinstance(distribution, Constant):
        return distribution.value
    if isinstance(distribution, Normal):
        return distribution.mean
    assert isinstance(distribution, UniformRange)
    return 0.5 * (distribution.low + distribution.high)


def static(synapse: Synapse) -> Synapse:
    """``synapse`` with its plasticity off and no post events."""
    parameters = tuple((k, v) for k, v in synapse.parameters if k not in _PLASTIC_PARAMETERS)
    return dataclasses.replace(synapse, parameters=parameters, post_events=False)


def open_loop_spec(spec: NetworkSpec, rates_hz: dict, n_cells: int, rate_steps: dict | None = None,
                   current_pA: float = 0.0, duration_ms: float = 1e9, seed: int | None = None) -> NetworkSpec:
    """Unconnected copies (``n_cells`` per population) of ``spec``'s cells with their stimuli and,
    per projection, Poisson input at expected in-degree × presynaptic rate (``rates_hz``, Hz per
    population, plus ``rate_steps`` Hz per population) through a static copy of its synapse with
    its mean weight; ``current_pA`` into every cell. Current steps (perturbations) and stimulus sequences are left out. The same
    ``seed`` gives every variant the same random streams."""
    rate_steps = rate_steps or {}
    for name in [*rates_hz, *rate_steps]:
        spec.population(name)           # unknown names raise with the valid ones
    missing = [p.name for p in spec.populations if p.name not in rates_hz]
    if missing:
        raise SpecError(f"open-loop model: no operating rate for population(s) {', '.join(missing)}")
    populations = tuple(Population(p.name, p.cell, n_cells) for p in spec.populations)
    stimuli = [dataclasses.replace(s, fraction=1.0) for s in spec.stimuli if isinstance(s, PoissonDrive)]
    for projection in spec.projections:
        rate = (rates_hz[projection.pre] + rate_steps.get(projection.pre, 0.0)) * expected_in_degree(spec, projection)
        stimuli.append(PoissonDrive(f"open-loop {projection.name}", projection.post, max(rate, 0.0),
                                    static(projection.synapse), mean_weight_nS(projection.weight_nS)))
    if current_pA:
        stimuli.extend(CurrentStep(f"open-loop current->{p.name}", p.name, current_pA) for p in populations)
    return NetworkSpec(f"{spec.name}_open_loop", populations, (), tuple(stimuli), (), Recording(weight_sample=0),
                       seed=spec.seed if seed is None else seed, dt_ms=spec.dt_ms, celsius=spec.celsius,
                       description=f"open-loop probes of {spec.name}")


def probe_plan(populations, rates_hz: dict, relative_step: float, floor_hz: float, current_step_pA: float) -> list:
    """The open-loop runs that measure A and B: (label, rate_steps, current_pA), with a step of
    ``relative_step`` × rate (at least ``floor_hz``) up and down per population, and ± a current."""
    plan = [("operating point", {}, 0.0)]
    for name in populations:
        step = max(relative_step * rates_hz[name], floor_hz)
        plan += [(f"{name}+", {name: step}, 0.0), (f"{name}-", {name: -min(step, rates_hz[name])}, 0.0)]
    plan += [("current+", {}, current_step_pA), ("current-", {}, -current_step_pA)]
    return plan


def open_loop_matrices(populations, plan: list, probe_rates: list) -> tuple:
    """(A, B) from the probes' rates (one dict population → Hz per entry of ``plan``)."""
    n = len(populations)
    by_label = dict(zip((label for label, _, _ in plan), zip(plan, probe_rates)))
    a = np.zeros((n, n))
    for j, pre in enumerate(populations):
        (_, up, _), r_up = by_label[f"{pre}+"]
        (_, down, _), r_down = by_label[f"{pre}-"]
        span = up[pre] - down[pre]
        for i, post in enumerate(populations):
            a[i, j] = (r_up[post] - r_down[post]) / span
    (_, _, h_up), r_up = by_label["current+"]
    (_, _, h_down), r_down = by_label["current-"]
    b = np.array([(r_up[p] - r_down[p]) / (h_up - h_down) for p in populations])
    return a, b


def linear_response(a: np.ndarray, b: np.ndarray, perturbation_pA: np.ndarray) -> np.ndarray:
    """Steady rate change δr = (1 − A)⁻¹ (B · δh) (Hz) of the linearised network for currents
    ``perturbation_pA`` (pA per population)."""
    a, b = np.asarray(a, float), np.asarray(b, float)
    return np.linalg.solve(np.eye(len(b)) - a, b * np.asarray(perturbation_pA, float))


def stable(a: np.ndarray) -> bool:
    """Whether the linearised fixed point is stable for equal population time constants: every
    eigenvalue of A has real part < 1."""
    return bool(np.all(np.linalg.eigvals(np.asarray(a, float)).real < 1.0))


def crossing(x, y, level: float = 0.0) -> float:
    """First x at which y crosses ``level`` (linear interpolation between samples), NaN if never."""
    x, y = np.asarray(x, float), np.asarray(y, float) - level
    for i in range(len(x) - 1):
        if y[i] == 0:
            return float(x[i])
        if y[i] * y[i + 1] < 0:
            return float(x[i] + (x[i + 1] - x[i]) * y[i] / (y[i] - y[i + 1]))
    return float(x[-1]) if len(y) and y[-1] == 0 else float("nan")
