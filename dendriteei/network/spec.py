"""A network as plain data: populations, projections, stimuli, schedule and recordings.

In the spirit of Arbor's recipe, a :class:`NetworkSpec` answers per gid what the cell is, where
its incoming connections come from (:mod:`.connectivity`), which stimuli it gets and what is
recorded; nothing here touches NEURON (the engine's :mod:`dendriteei.engine.network` builds it).
Every field is checked on construction, and :meth:`NetworkSpec.check` checks the references
between fields (populations, regions, mechanisms) before anything is built. Units are in the
field names: nS, pA, ms, Hz, mV.
"""
from __future__ import annotations

import dataclasses
import json
import math
from dataclasses import dataclass
from typing import Optional, Union

from ..checks import SpecError, integer, is_number, number, one_of, shorten, text
from ..spec import CellSpec

#: Synapse mechanisms a projection may use: a point neuron's own single-exponential conductances
#: ("exc", "inh"; mod/dei_lif.mod) or the package's synapse point processes: dei_ampa (non-plastic
#: AMPA, cheap), dei_gaba (GABA_A with iSTDP), dei_glu (AMPA/NMDA with Ca-based plasticity).
SYNAPSE_MECHANISMS = ("exc", "inh", "dei_ampa", "dei_gaba", "dei_glu")
#: Largest AdEx spike cut-off above V_T, in slope factors Δ_T (dei_lif caps its exponent at 20).
MAX_CUTOFF_SLOPES = 10.0
#: Largest g_L e^x dt / C of an AdEx at its cut-off (x = (v_spike − V_T)/Δ_T): NEURON's fixed step
#: linearises the exponential current and diverges when this reaches 1; 0.8 keeps a margin.
STABLE_GAIN = 0.8
#: Regions that stand for the whole cell on a point neuron.
POINT_REGIONS = ("soma",)


def _positive(owner, field, value, unit):
    return number(owner, field, value, unit, above=0.0)


# -- cells --------------------------------------------------------------------------------------
@dataclass(frozen=True)
class PointNeuron:
    """Conductance-based integrate-and-fire neuron (mod/dei_lif.mod): LIF when delta_t_mV = 0,
    AdEx otherwise. Defaults: the LIF of Vogels et al. 2011 Science 334:1569 (ModelDB 143751)."""
    name: str
    c_m_pF: float = 200.0          # Vogels et al. 2011
    g_leak_nS: float = 10.0        # Vogels et al. 2011 (τ_m 20 ms)
    e_leak_mV: float = -60.0       # Vogels et al. 2011
    v_thresh_mV: float = -50.0     # Vogels et al. 2011 (V_T of the AdEx)
    delta_t_mV: float = 0.0        # 0: LIF (Vogels et al. 2011); Brette & Gerstner 2005: 2 mV
    v_spike_mV: Optional[float] = None   # spike cut-off; None: v_thresh_mV (LIF) or V_T + 5 Δ_T (AdEx)
    v_reset_mV: float = -60.0      # Vogels et al. 2011
    t_ref_ms: float = 5.0          # Vogels et al. 2011
    a_nS: float = 0.0              # subthreshold adaptation (Brette & Gerstner 2005); 0: none
    b_pA: float = 0.0              # spike-triggered adaptation; 0: none
    tau_w_ms: float = 100.0        # adaptation time constant
    i_bias_pA: float = 0.0         # constant drive; Vogels et al. 2011: 200 pA
    tau_exc_ms: float = 5.0        # own AMPA decay, Vogels et al. 2011
    tau_inh_ms: float = 10.0       # own GABA_A decay, Vogels et al. 2011
    e_exc_mV: float = 0.0          # Vogels et al. 2011
    e_inh_mV: float = -80.0        # Vogels et al. 2011
    v_init_mV: tuple = (-60.0, -50.0)   # initial v uniform in [low, high) per cell (Vogels et al. 2011)
    v_thresh_sd_mV: float = 0.0    # cell-to-cell SD of the threshold (the spike cut-off moves with it); Vogels: 0
    description: str = ""
    kind: str = "point"

    def __post_init__(self):
        owner = f"point neuron {self.name!r}"
        text("point neuron", "name", self.name)
        for field, unit in (("c_m_pF", "pF"), ("g_leak_nS", "nS"), ("t_ref_ms", "ms"), ("tau_w_ms", "ms"),
                            ("tau_exc_ms", "ms"), ("tau_inh_ms", "ms")):
            _positive(owner, field, getattr(self, field), unit)
        for field in ("e_leak_mV", "v_thresh_mV", "v_reset_mV", "e_exc_mV", "e_inh_mV"):
            number(owner, field, getattr(self, field), "mV", minimum=-200.0, maximum=200.0)
        number(owner, "delta_t_mV", self.delta_t_mV, "mV", minimum=0.0, maximum=20.0)
        number(owner, "v_thresh_sd_mV", self.v_thresh_sd_mV, "mV", minimum=0.0, maximum=20.0)
        number(owner, "v_spike_mV", self.v_spike_mV, "mV", minimum=-200.0, maximum=200.0, optional=True)
        for field, unit in (("a_nS", "nS"), ("b_pA", "pA"), ("i_bias_pA", "pA")):
            number(owner, field, getattr(self, field), unit)
        if self.delta_t_mV > 0 and self.spike_mV > self.v_thresh_mV + MAX_CUTOFF_SLOPES * self.delta_t_mV:
            raise SpecError(f"{owner}: v_spike_mV = {self.spike_mV:g} mV lies more than {MAX_CUTOFF_SLOPES:g} Δ_T above "
                            f"V_T ({self.v_thresh_mV:g} mV); the exponential upswing cannot be integrated that far "
                            f"with a fixed step: detect the spike at ≤ {self.v_thresh_mV + MAX_CUTOFF_SLOPES * self.delta_t_mV:g} "
                            "mV (from V_T + 5 Δ_T the upswing takes ≈ τ_m e^-5, < 0.2 ms)")
        if self.v_reset_mV >= self.spike_mV:
            raise SpecError(f"{owner}: v_reset_mV ({self.v_reset_mV:g} mV) must lie below the spike threshold "
                            f"({self.spike_mV:g} mV)")
        if not isinstance(self.v_init_mV, (tuple, list)) or len(self.v_init_mV) != 2:
            raise SpecError(f"{owner}: v_init_mV must be (low, high) in mV, got {shorten(self.v_init_mV)}")
        low, high = (number(owner, "v_init_mV", v, "mV", minimum=-200.0, maximum=200.0) for v in self.v_init_mV)
        if low > high:
            raise SpecError(f"{owner}: v_init_mV low ({low:g}) above high ({high:g}) mV")
        object.__setattr__(self, "v_init_mV", (low, high))
        one_of(owner, "kind", self.kind, ("point",))

    @property
    def spike_mV(self) -> float:
        """Spike detection threshold (mV)."""
        if self.v_spike_mV is not None:
            return self.v_spike_mV
        return self.v_thresh_mV + 5.0 * self.delta_t_mV

    def regions(self) -> tuple:
        return POINT_REGIONS


@dataclass(frozen=True)
class CompartmentalCell:
    """A multicompartment cell (e.g. a reduced pyramidal cell) in a population; spikes are
    detected at the soma centre at spike_threshold_mV."""
    spec: CellSpec
    spike_threshold_mV: float = -20.0
    kind: str = "compartmental"

    def __post_init__(self):
        if not isinstance(self.spec, CellSpec):
            raise SpecError(f"compartmental cell: spec must be a CellSpec, got {shorten(self.spec)}")
        number(f"compartmental cell {self.spec.name!r}", "spike_threshold_mV", self.spike_threshold_mV, "mV",
               minimum=-100.0, maximum=50.0)
        one_of("compartmental cell", "kind", self.kind, ("compartmental",))

    @property
    def name(self) -> str:
        return self.spec.name

    def regions(self) -> tuple:
        return tuple(r.name for r in self.spec.regions)


Cell = Union[PointNeuron, CompartmentalCell]


@dataclass(frozen=True)
class Population:
    """``size`` cells of one kind; ``assembly_size`` > 0 splits the first cells into consecutive,
    non-overlapping assemblies of that many cells (cell i is in assembly i // assembly_size)."""
    name: str
    cell: Cell
    size: int
    assembly_size: int = 0

    def __post_init__(self):
        text("population", "name", self.name)
        if not isinstance(self.cell, (PointNeuron, CompartmentalCell)):
            raise SpecError(f"population {self.name!r}: cell must be a PointNeuron or CompartmentalCell, "
                            f"got {shorten(self.cell)}")
        integer(f"population {self.name!r}", "size", self.size, minimum=1)
        integer(f"population {self.name!r}", "assembly_size", self.assembly_size, minimum=0, maximum=self.size)

    @property
    def n_assemblies(self) -> int:
        return self.size // self.assembly_size if self.assembly_size else 0


# -- distributions -----------------------------------------------------------------------------
@dataclass(frozen=True)
class Constant:
    value: float
    kind: str = "constant"

    def __post_init__(self):
        number("constant", "value", self.value, minimum=0.0)


@dataclass(frozen=True)
class Normal:
    """Normal(mean, sd) clipped below at ``low`` (weights and delays are not negative)."""
    mean: float
    sd: float
    low: float = 0.0
    kind: str = "normal"

    def __post_init__(self):
        number("normal", "mean", self.mean, minimum=0.0)
        number("normal", "sd", self.sd, minimum=0.0)
        number("normal", "low", self.low, minimum=0.0)


@dataclass(frozen=True)
class UniformRange:
    low: float
    high: float
    kind: str = "uniform"

    def __post_init__(self):
        number("uniform", "low", self.low, minimum=0.0)
        number("uniform", "high", self.high, minimum=self.low)


Distribution = Union[Constant, Normal, UniformRange]
_DISTRIBUTIONS = {"constant": Constant, "normal": Normal, "uniform": UniformRange}


def _distribution(owner: str, field: str, value, unit: str) -> None:
    if not isinstance(value, (Constant, Normal, UniformRange)):
        raise SpecError(f"{owner}: {field} must be a Constant, Normal or UniformRange ({unit}), got {shorten(value)}")


# -- connection rules --------------------------------------------------------------------------
@dataclass(frozen=True)
class Probability:
    """Each (pre, post) pair is connected independently with probability ``p`` (no autapses)."""
    p: float
    kind: str = "probability"

    def __post_init__(self):
        number("probability rule", "p", self.p, minimum=0.0, maximum=1.0)


@dataclass(frozen=True)
class InDegree:
    """Each post cell gets exactly ``k`` distinct presynaptic cells (no autapses)."""
    k: int
    kind: str = "in_degree"

    def __post_init__(self):
        integer("in-degree rule", "k", self.k, minimum=0)


@dataclass(frozen=True)
class AssemblyProbability:
    """Pairs in the same assembly connect with ``p_within``, others with ``p_between``; cells
    outside every assembly count as 'between' (Litwin-Kumar & Doiron 2014 Nat Commun 5:5319)."""
    p_within: float
    p_between: float
    kind: str = "assembly"

    def __post_init__(self):
        number("assembly rule", "p_within", self.p_within, minimum=0.0, maximum=1.0)
        number("assembly rule", "p_between", self.p_between, minimum=0.0, maximum=1.0)


Rule = Union[Probability, InDegree, AssemblyProbability]
_RULES = {"probability": Probability, "in_degree": InDegree, "assembly": AssemblyProbability}


# -- synapses, projections, stimuli --------------------------------------------------------------
@dataclass(frozen=True)
class Synapse:
    """What a connection lands on. ``mechanism``: "exc"/"inh" (a point neuron's own conductance,
    weight = conductance jump in nS) or "dei_gaba"/"dei_glu" point processes placed in ``region``
    of the target cell (dei_ampa, dei_gaba: weight = peak conductance in nS; dei_glu: weight in nS of AMPA
    peak, converted to the mechanism's relative weight by gmax0_ampa). ``sites`` point processes
    per target cell share its incoming connections (each connection keeps its own plastic weight,
    NET_RECEIVE arguments). ``parameters``: RANGE values of the mechanism, e.g. dei_gaba's window;
    ``post_events``: the target's spikes reach the synapses as post events (dei_gaba post_source
    "soma"; dei_glu "post" events)."""
    mechanism: str
    region: str = "soma"
    parameters: tuple = ()
    sites: int = 1
    post_events: bool = False

    def __post_init__(self):
        one_of("synapse", "mechanism", self.mechanism, SYNAPSE_MECHANISMS)
        text("synapse", "region", self.region)
        params = self.parameters.items() if isinstance(self.parameters, dict) else self.parameters
        try:
            pairs = tuple((str(k), v) for k, v in params)
        except (TypeError, ValueError):
            raise SpecError(f"synapse: parameters must be a mapping name -> number, got {shorten(self.parameters)}") \
                from None
        for name, value in pairs:
            if not is_number(value):
                raise SpecError(f"synapse {self.mechanism}: parameter {name!r} must be a number, got {shorten(value)}")
        if self.mechanism in ("exc", "inh") and pairs:
            raise SpecError(f"synapse {self.mechanism!r} (the point neuron's own conductance) takes no parameters; "
                            "set its time constant and reversal on the PointNeuron")
        object.__setattr__(self, "parameters", tuple(sorted((k, float(v)) for k, v in pairs)))
        integer(f"synapse {self.mechanism}", "sites", self.sites, minimum=1)
        if not isinstance(self.post_events, bool):
            raise SpecError(f"synapse {self.mechanism}: post_events must be True or False, got {shorten(self.post_events)}")

    @property
    def parameter_dict(self) -> dict:
        return dict(self.parameters)

    @property
    def plastic(self) -> bool:
        p = self.parameter_dict
        return self.mechanism == "dei_gaba" and (p.get("window", 0) > 0 or p.get("homeostatic", 0) > 0) or \
            self.mechanism == "dei_glu" and p.get("rule", 0) > 0


@dataclass(frozen=True)
class Projection:
    """Connections from population ``pre`` to population ``post``: which pairs (``rule``), what they
    land on (``synapse``), weight (nS) and delay (ms) distributions."""
    name: str
    pre: str
    post: str
    rule: Rule
    synapse: Synapse
    weight_nS: Distribution = Constant(1.0)
    delay_ms: Distribution = Constant(1.0)

    def __post_init__(self):
        owner = f"projection {self.name!r}"
        text("projection", "name", self.name)
        text(owner, "pre", self.pre)
        text(owner, "post", self.post)
        if not isinstance(self.rule, (Probability, InDegree, AssemblyProbability)):
            raise SpecError(f"{owner}: rule must be Probability, InDegree or AssemblyProbability, got "
                            f"{shorten(self.rule)}")
        if not isinstance(self.synapse, Synapse):
            raise SpecError(f"{owner}: synapse must be a Synapse, got {shorten(self.synapse)}")
        _distribution(owner, "weight_nS", self.weight_nS, "nS")
        _distribution(owner, "delay_ms", self.delay_ms, "ms")


@dataclass(frozen=True)
class PoissonDrive:
    """Independent Poisson input to every (or a ``fraction`` of the) cells of ``target``:
    ``n_sources`` sources of ``rate_hz`` each, superposed into one Poisson process, from
    ``start_ms`` to ``stop_ms``, landing on ``synapse`` with ``weight_nS``. A drive with a window
    onto one population is an optogenetic-style perturbation."""
    name: str
    target: str
    rate_hz: float
    synapse: Synapse
    weight_nS: float
    n_sources: int = 1
    start_ms: float = 0.0
    stop_ms: float = 1e9
    fraction: float = 1.0

    def __post_init__(self):
        owner = _check_stimulus("Poisson drive", self)
        number(owner, "rate_hz", self.rate_hz, "Hz", minimum=0.0, maximum=1e4)
        if not isinstance(self.synapse, Synapse):
            raise SpecError(f"{owner}: synapse must be a Synapse, got {shorten(self.synapse)}")
        number(owner, "weight_nS", self.weight_nS, "nS", minimum=0.0)
        integer(owner, "n_sources", self.n_sources, minimum=1)


@dataclass(frozen=True)
class CurrentStep:
    """A current of ``amplitude_pA`` into the soma of every (or a ``fraction`` of the) cells of
    ``target`` from ``start_ms`` to ``stop_ms`` (e.g. the extra drive of an optogenetic perturbation)."""
    name: str
    target: str
    amplitude_pA: float
    start_ms: float = 0.0
    stop_ms: float = 1e9
    fraction: float = 1.0

    def __post_init__(self):
        owner = _check_stimulus("current step", self)
        number(owner, "amplitude_pA", self.amplitude_pA, "pA", minimum=-1e5, maximum=1e5)


def _check_stimulus(kind: str, stimulus) -> str:
    """Check the fields every stimulus has (name, target, window, fraction); returns its label."""
    text(kind, "name", stimulus.name)
    owner = f"{kind} {stimulus.name!r}"
    text(owner, "target", stimulus.target)
    number(owner, "start_ms", stimulus.start_ms, "ms", minimum=0.0)
    number(owner, "stop_ms", stimulus.stop_ms, "ms", minimum=stimulus.start_ms)
    number(owner, "fraction", stimulus.fraction, minimum=0.0, maximum=1.0)
    return owner


@dataclass(frozen=True)
class StimulusSequence:
    """Stimuli presented one after another, as in the novelty and oddball paradigms of Schulz et
    al. 2021 eLife 10:e65309: slot i (from ``start_ms + i·(slot_ms + gap_ms)``, lasting
    ``slot_ms``) drives assembly ``sequence[i]`` of ``target`` (−1: no stimulus in that slot) with
    extra Poisson input of ``rate_hz`` per cell through ``synapse`` with ``weight_nS``; each
    presentation draws its own Poisson stream per cell. Assemblies are the target population's
    (``Population.assembly_size``)."""
    name: str
    target: str
    sequence: tuple
    slot_ms: float
    rate_hz: float
    synapse: Synapse
    weight_nS: float
    start_ms: float = 0.0
    gap_ms: float = 0.0

    def __post_init__(self):
        text("stimulus sequence", "name", self.name)
        owner = f"stimulus sequence {self.name!r}"
        text(owner, "target", self.target)
        if not isinstance(self.sequence, (tuple, list)) or not self.sequence:
            raise SpecError(f"{owner}: sequence must be a non-empty list of assembly indices (−1: none), "
                            f"got {shorten(self.sequence)}")
        object.__setattr__(self, "sequence", tuple(integer(owner, "sequence", a, minimum=-1)
                                                   for a in self.sequence))
        number(owner, "slot_ms", self.slot_ms, "ms", above=0.0)
        number(owner, "gap_ms", self.gap_ms, "ms", minimum=0.0)
        number(owner, "start_ms", self.start_ms, "ms", minimum=0.0)
        number(owner, "rate_hz", self.rate_hz, "Hz", minimum=0.0, maximum=1e5)
        if not isinstance(self.synapse, Synapse):
            raise SpecError(f"{owner}: synapse must be a Synapse, got {shorten(self.synapse)}")
        number(owner, "weight_nS", self.weight_nS, "nS", minimum=0.0)

    def window_ms(self, slot: int) -> tuple:
        """(start, stop) of slot ``slot`` (ms)."""
        start = self.start_ms + slot * (self.slot_ms + self.gap_ms)
        return start, start + self.slot_ms

    @property
    def stop_ms(self) -> float:
        return self.window_ms(len(self.sequence) - 1)[1]


Stimulus = Union[PoissonDrive, CurrentStep, StimulusSequence]


@dataclass(frozen=True)
class ParameterChange:
    """At ``t_ms`` set ``parameter`` of every synapse of ``projection`` to ``value`` (e.g. switch
    iSTDP on by setting dei_gaba's eta, Vogels et al. 2011)."""
    t_ms: float
    projection: str
    parameter: str
    value: float

    def __post_init__(self):
        number("parameter change", "t_ms", self.t_ms, "ms", minimum=0.0)
        text("parameter change", "projection", self.projection)
        text("parameter change", "parameter", self.parameter)
        number("parameter change", "value", self.value)


@dataclass(frozen=True)
class Recording:
    """What a run records besides every spike: the weights of ``weight_sample`` connections per
    plastic projection and the excitatory and inhibitory synaptic currents of ``current_sample``
    cells per population, every ``every_ms``."""
    every_ms: float = 100.0
    weight_sample: int = 200
    current_sample: int = 0
    current_every_ms: float = 1.0

    def __post_init__(self):
        number("recording", "every_ms", self.every_ms, "ms", above=0.0)
        integer("recording", "weight_sample", self.weight_sample, minimum=0)
        integer("recording", "current_sample", self.current_sample, minimum=0)
        number("recording", "current_every_ms", self.current_every_ms, "ms", above=0.0)


# -- the network -------------------------------------------------------------------------------
@dataclass(frozen=True)
class NetworkSpec:
    """Populations (gids assigned in order, consecutive per population), projections, stimuli,
    a schedule of parameter changes and recordings; ``seed`` fixes every random stream
    (connectivity, delays, weights, Poisson inputs, initial voltages), ``dt_ms`` the fixed step."""
    name: str
    populations: tuple
    projections: tuple = ()
    stimuli: tuple = ()
    schedule: tuple = ()
    recording: Recording = Recording()
    seed: int = 1
    dt_ms: float = 0.1
    celsius: float = 34.0
    description: str = ""

    def __post_init__(self):
        text("network", "name", self.name)
        for field in ("populations", "projections", "stimuli", "schedule"):
            value = getattr(self, field)
            if not isinstance(value, (tuple, list)):
                raise SpecError(f"network {self.name!r}: {field} must be a list, got {shorten(value)}")
            object.__setattr__(self, field, tuple(value))
        if not self.populations:
            raise SpecError(f"network {self.name!r} needs at least one population")
        for field, kinds in (("populations", Population), ("projections", Projection),
                             ("stimuli", (PoissonDrive, CurrentStep, StimulusSequence)),
                             ("schedule", ParameterChange)):
            for item in getattr(self, field):
                if not isinstance(item, kinds):
                    raise SpecError(f"network {self.name!r}: {field} holds {shorten(item)}, not a "
                                    f"{getattr(kinds, '__name__', 'PoissonDrive, CurrentStep or StimulusSequence')}")
        if not isinstance(self.recording, Recording):
            raise SpecError(f"network {self.name!r}: recording must be a Recording, got {shorten(self.recording)}")
        integer(f"network {self.name!r}", "seed", self.seed, minimum=0, maximum=2**31 - 1)
        number(f"network {self.name!r}", "dt_ms", self.dt_ms, "ms", above=0.0, maximum=1.0)
        number(f"network {self.name!r}", "celsius", self.celsius, "°C", minimum=0.0, maximum=45.0)
        self.check()

    # -- references between fields --------------------------------------------------------------
    def check(self) -> None:
        """SpecError for any reference to an unknown population, projection, region or mechanism
        parameter, or a rule the populations cannot satisfy (nothing is built)."""
        owner = f"network {self.name!r}"
        for kind, items in (("population", self.populations), ("projection", self.projections),
                            ("stimulus", self.stimuli)):
            names = [item.name for item in items]
            duplicate = next((n for n in names if names.count(n) > 1), None)
            if duplicate:
                raise SpecError(f"{owner}: two {kind}s are named {duplicate!r}")
        pops = {p.name: p for p in self.populations}
        for pop in self.populations:
            cell = pop.cell
            if isinstance(cell, PointNeuron) and cell.delta_t_mV > 0:
                gain = cell.g_leak_nS * math.exp((cell.spike_mV - cell.v_thresh_mV) / cell.delta_t_mV) \
                    * self.dt_ms / cell.c_m_pF
                if gain >= STABLE_GAIN:
                    slopes = math.log(STABLE_GAIN * cell.c_m_pF / (cell.g_leak_nS * self.dt_ms))
                    raise SpecError(f"{owner}, population {pop.name!r}: the AdEx cut-off v_spike_mV = {cell.spike_mV:g} mV "
                                    f"is too far above V_T for dt_ms = {self.dt_ms:g} ms (g_L e^x dt / C = {gain:.2f} ≥ "
                                    f"{STABLE_GAIN:g}: the fixed step diverges); use v_spike_mV ≤ "
                                    f"{cell.v_thresh_mV + slopes * cell.delta_t_mV:.2f} mV or a smaller dt_ms")
        for proj in self.projections:
            where = f"{owner}, projection {proj.name!r}"
            for end in ("pre", "post"):
                one_of(where, f"{end} population", getattr(proj, end), list(pops))
            _check_synapse(where, proj.synapse, pops[proj.post])
            pre, post = pops[proj.pre], pops[proj.post]
            available = pre.size - (1 if proj.pre == proj.post else 0)
            if isinstance(proj.rule, InDegree) and proj.rule.k > available:
                raise SpecError(f"{where}: in-degree k = {proj.rule.k} exceeds the {available} possible presynaptic "
                                f"cells of population {proj.pre!r}")
            if isinstance(proj.rule, AssemblyProbability) and not (pre.assembly_size and post.assembly_size):
                raise SpecError(f"{where}: the assembly rule needs assemblies in both {proj.pre!r} and {proj.post!r} "
                                "(Population.assembly_size > 0)")
            if proj.delay_ms.kind == "constant" and proj.delay_ms.value < self.dt_ms or \
                    proj.delay_ms.kind == "uniform" and proj.delay_ms.low < self.dt_ms or \
                    proj.delay_ms.kind == "normal" and proj.delay_ms.low < self.dt_ms:
                raise SpecError(f"{where}: delays must be ≥ dt_ms = {self.dt_ms:g} ms (set the distribution's low "
                                "bound); the spike exchange interval is the smallest delay")
        for stim in self.stimuli:
            where = f"{owner}, stimulus {stim.name!r}"
            one_of(where, "target population", stim.target, list(pops))
            if isinstance(stim, (PoissonDrive, StimulusSequence)):
                _check_synapse(where, stim.synapse, pops[stim.target])
            if isinstance(stim, StimulusSequence):
                target = pops[stim.target]
                largest = max(stim.sequence)
                if largest >= target.n_assemblies:
                    raise SpecError(f"{where}: the sequence names assembly {largest}, but population {stim.target!r} has "
                                    f"{target.n_assemblies} assemblies (0 … {target.n_assemblies - 1}; set "
                                    "Population.assembly_size)")
        projections = {p.name: p for p in self.projections}
        for change in self.schedule:
            where = f"{owner}, parameter change at {change.t_ms:g} ms"
            one_of(where, "projection", change.projection, list(projections))
            synapse = projections[change.projection].synapse
            if synapse.mechanism in ("exc", "inh"):
                raise SpecError(f"{where}: projection {change.projection!r} uses the point neuron's own conductance, "
                                "which has no parameters to change")
            _check_parameter_names(where, synapse.mechanism, (change.parameter,))

    # -- gids ----------------------------------------------------------------------------------
    @property
    def n_cells(self) -> int:
        return sum(p.size for p in self.populations)

    def population(self, name: str) -> Population:
        for pop in self.populations:
            if pop.name == name:
                return pop
        raise SpecError(f"network {self.name!r}: unknown population {name!r}; valid: "
                        f"{', '.join(p.name for p in self.populations)}")

    def first_gid(self, name: str) -> int:
        """gid of cell 0 of population ``name`` (gids are consecutive per population, in order)."""
        start = 0
        for pop in self.populations:
            if pop.name == name:
                return start
            start += pop.size
        self.population(name)   # raises with the valid names
        return start

    def population_of(self, gid: int) -> tuple:
        """(population, index within it) of ``gid``."""
        start = 0
        for pop in self.populations:
            if gid < start + pop.size:
                return pop, gid - start
            start += pop.size
        raise SpecError(f"gid {gid} is outside the network's {self.n_cells} cells")

    # -- JSON ----------------------------------------------------------------------------------
    def to_dict(self) -> dict:
        return dataclasses.asdict(self)

    def to_json(self, **kwargs) -> str:
        return json.dumps(self.to_dict(), **kwargs)

    @classmethod
    def from_dict(cls, data: dict) -> "NetworkSpec":
        return _network_from_dict(data)

    @classmethod
    def from_json(cls, text_: str) -> "NetworkSpec":
        try:
            data = json.loads(text_)
        except (TypeError, ValueError) as error:
            raise SpecError(f"network JSON does not parse: {error}") from None
        return cls.from_dict(data)

    def replace(self, **changes) -> "NetworkSpec":
        return dataclasses.replace(self, **changes)


def _check_synapse(where: str, synapse: Synapse, target: Population) -> None:
    cell = target.cell
    if synapse.mechanism in ("exc", "inh") and not isinstance(cell, PointNeuron):
        raise SpecError(f"{where}: synapse {synapse.mechanism!r} is a point neuron's own conductance, but population "
                        f"{target.name!r} is made of compartmental cells; use dei_glu or dei_gaba")
    one_of(f"{where}: population {target.name!r} ({cell.name})", "region", synapse.region, cell.regions())
    if synapse.mechanism.startswith("dei_"):
        _check_parameter_names(where, synapse.mechanism, [name for name, _ in synapse.parameters])


def _check_parameter_names(where: str, mechanism: str, names) -> None:
    from ..engine.mechanisms import declared_parameters
    valid = declared_parameters(mechanism)
    for name in names:
        one_of(f"{where}: {mechanism}", "parameter", name, sorted(valid))


# -- from JSON ---------------------------------------------------------------------------------
def _make(cls, data, where: str):
    from ..spec import _make as make, _mapping
    return make(cls, dict(_mapping(data, where)), where)


def _tagged(table: dict, data, where: str):
    from ..spec import _mapping
    data = dict(_mapping(data, where))
    kind = data.get("kind")
    if kind not in table:
        raise SpecError(f"{where}: unknown kind {shorten(kind)}; valid: {', '.join(table)}")
    return _make(table[kind], data, where)


def _synapse(data, where: str) -> Synapse:
    data = dict(data)
    if isinstance(data.get("parameters"), list):
        data["parameters"] = tuple(tuple(pair) for pair in data["parameters"])
    return _make(Synapse, data, where)


def _cell(data, where: str):
    from ..spec import _mapping
    data = dict(_mapping(data, where))
    if data.get("kind") == "compartmental":
        data["spec"] = CellSpec.from_dict(data.get("spec"))
        return _make(CompartmentalCell, data, where)
    if data.get("kind", "point") == "point":
        if isinstance(data.get("v_init_mV"), list):
            data["v_init_mV"] = tuple(data["v_init_mV"])
        return _make(PointNeuron, data, where)
    raise SpecError(f"{where}: unknown cell kind {shorten(data.get('kind'))}; valid: point, compartmental")


def _network_from_dict(data) -> NetworkSpec:
    from ..spec import _mapping, _sequence
    data = dict(_mapping(data, "network"))
    pops = []
    for i, p in enumerate(_sequence(data.get("populations", ()), "network.populations")):
        p = dict(_mapping(p, f"network.populations[{i}]"))
        p["cell"] = _cell(p.get("cell"), f"network.populations[{i}].cell")
        pops.append(_make(Population, p, f"network.populations[{i}]"))
    data["populations"] = tuple(pops)
    projections = []
    for i, p in enumerate(_sequence(data.get("projections", ()), "network.projections")):
        where = f"network.projections[{i}]"
        p = dict(_mapping(p, where))
        p["rule"] = _tagged(_RULES, p.get("rule"), f"{where}.rule")
        p["synapse"] = _synapse(_mapping(p.get("synapse"), f"{where}.synapse"), f"{where}.synapse")
        for field in ("weight_nS", "delay_ms"):
            if field in p:
                p[field] = _tagged(_DISTRIBUTIONS, p[field], f"{where}.{field}")
        projections.append(_make(Projection, p, where))
    data["projections"] = tuple(projections)
    stimuli = []
    for i, s in enumerate(_sequence(data.get("stimuli", ()), "network.stimuli")):
        where = f"network.stimuli[{i}]"
        s = dict(_mapping(s, where))
        if "synapse" in s:
            s["synapse"] = _synapse(_mapping(s["synapse"], f"{where}.synapse"), f"{where}.synapse")
            if "sequence" in s:
                if isinstance(s["sequence"], list):
                    s["sequence"] = tuple(s["sequence"])
                stimuli.append(_make(StimulusSequence, s, where))
            else:
                stimuli.append(_make(PoissonDrive, s, where))
        else:
            stimuli.append(_make(CurrentStep, s, where))
    data["stimuli"] = tuple(stimuli)
    data["schedule"] = tuple(_make(ParameterChange, c, f"network.schedule[{i}]")
                             for i, c in enumerate(_sequence(data.get("schedule", ()), "network.schedule")))
    if "recording" in data:
        data["recording"] = _make(Recording, data["recording"], "network.recording")
    return _make(NetworkSpec, data, "network")
