"""Builder and simulation errors are clear; divergence raises instead of returning NaN."""
import pytest

from dendriteei.engine import Simulation, SimulationDiverged, Site, build
from dendriteei.spec import Branch, CellSpec, Paint, Region, SpecError, Uniform


def _ball(paints, length=20.0):
    soma = Branch("soma", "soma", None, 1.0, length, 20.0)
    dend = Branch("dend", "basal", "soma", 0.0, 200.0, 1.0)
    regions = (Region("all", ("soma", "basal")), Region("soma", ("soma",)))
    return CellSpec("ball", (soma, dend), regions, tuple(paints))


def test_unknown_mechanism_lists_available():
    with pytest.raises(SpecError, match=r"unknown mechanism 'dei_nope'; available: .*dei_nat"):
        build(_ball([Paint("all", "dei_nope", "gbar", Uniform(1.0))]))


def test_unknown_mechanism_parameter_lists_valid_ones():
    with pytest.raises(SpecError, match=r"no parameter 'gmax'; valid: gbar"):
        build(_ball([Paint("all", "dei_nat", "gmax", Uniform(1.0))]))


def test_paints_override_in_order_and_nseg_follows_d_lambda():
    cell = build(_ball([Paint("all", "pas", "g", Uniform(1e-4)), Paint("soma", "pas", "g", Uniform(5e-4))]))
    assert cell.sections["soma"](0.5).g_pas == 5e-4
    assert cell.sections["dend"](0.5).g_pas == 1e-4
    assert cell.sections["dend"].nseg % 2 == 1 and cell.sections["dend"].nseg >= 200 / 20.0


def test_recording_unknown_variable_is_a_clear_error():
    sim = Simulation(build(_ball([Paint("all", "pas", "g", Uniform(1e-4))])))
    with pytest.raises(ValueError, match="cannot record 'cai'"):
        sim.record(Site("s", region="soma"), ("cai",))


def test_diverging_simulation_raises():
    # A negative leak (the old way to diverge) is now refused by the spec: an absurd current instead.
    sim = Simulation(build(_ball([Paint("all", "pas", "g", Uniform(1e-3))])), dt_ms=0.1)
    site = Site("s", region="soma")
    sim.record(site)
    sim.current_pulse(site, 1e308, 1.0, 100.0)   # v overflows to inf
    with pytest.raises(SimulationDiverged, match="v at s became non-finite"):
        sim.run(2000.0)
    sim.release()  # the diverged cell must not linger into later simulations
