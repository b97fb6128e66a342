"""The engine: many cells per process under gids, no leaked state, one NEURON boundary."""
import re
from pathlib import Path

import numpy as np
import pytest

from dendriteei.cells import l5_pyramidal, point_soma
from dendriteei.engine import Simulation, Site, build
from dendriteei.spec import SpecError
from dendriteei.synapses import ExplicitSpikes, PoissonSpikes, SynapseGroup

PACKAGE = Path(__file__).resolve().parent.parent / "dendriteei"
SOMA = Site("soma", region="soma")


def _stimulate(sim, cell, pulse_ms: float, seed: int, name: str) -> None:
    """A somatic pulse (one AP) and 20 Poisson-driven AMPA/NMDA synapses on the obliques."""
    sim.current_pulse(SOMA, 1.0, pulse_ms, 5.0, cell=cell)
    sim.add_synapses(SynapseGroup(name, "oblique", "dei_glu", (PoissonSpikes(20.0, 10.0, 120.0),), n=20,
                                  seed=seed), cell=cell)
    sim.record(SOMA, ("v",), cell=cell, label=f"soma_{name}")


def _alone(pulse_ms: float, seed: int, name: str):
    cell = build(l5_pyramidal())
    with Simulation(cell) as sim:
        _stimulate(sim, cell, pulse_ms, seed, name)
        traces = sim.run(120.0)
        return traces[(f"soma_{name}", "v")].values, traces.spikes_by_gid[sim.gid_of(cell)]


@pytest.mark.slow
def test_two_cells_in_one_simulation_match_each_cell_alone():
    """Two copies of the default cell, each with its own synapses and inputs, give each the
    somatic trace of that cell simulated alone to 1e-9 mV (fixed step), spikes recorded by gid."""
    cells = [build(l5_pyramidal()), build(l5_pyramidal())]
    assert cells[0].section_names().isdisjoint(cells[1].section_names())
    with Simulation(cells) as sim:
        assert sim.gids == [0, 1]
        _stimulate(sim, cells[0], 20.0, 1, "a")
        _stimulate(sim, cells[1], 60.0, 2, "b")
        together = sim.run(120.0)
    del cells
    for gid, (pulse, seed, name) in enumerate(((20.0, 1, "a"), (60.0, 2, "b"))):
        v_alone, spikes_alone = _alone(pulse, seed, name)
        np.testing.assert_allclose(together[(f"soma_{name}", "v")].values, v_alone, rtol=0, atol=1e-9)
        assert len(spikes_alone) >= 1
        np.testing.assert_allclose(together.spikes_by_gid[gid], spikes_alone, rtol=0, atol=1e-9)
    # the two cells spiked at different times, so the gids are not mixed up
    assert abs(together.spikes_by_gid[0][0] - together.spikes_by_gid[1][0]) > 30.0


def _spikes(pulses_ms, cvode: bool) -> list:
    """Somatic spike times (ms) of one default cell per pulse onset, simulated together."""
    cells = [build(l5_pyramidal()) for _ in pulses_ms]
    with Simulation(cells, cvode=cvode) as sim:
        for cell, onset in zip(cells, pulses_ms):
            sim.current_pulse(SOMA, 1.0, onset, 5.0, cell=cell)
        spikes = sim.run(120.0).spikes_by_gid
        return [spikes[gid] for gid in sim.gids]


@pytest.mark.slow
def test_two_cells_under_cvode_keep_each_cells_spike_times():
    """CVODE takes one variable step for all cells, so two cells together are not bit-identical to
    each alone; their spike times stay within 0.05 ms (two fixed steps of 0.025 ms; measured
    0.007 ms)."""
    together = _spikes((20.0, 60.0), cvode=True)
    for onset, spikes in zip((20.0, 60.0), together):
        alone = _spikes((onset,), cvode=True)[0]
        assert len(spikes) == len(alone) >= 1
        np.testing.assert_allclose(spikes, alone, rtol=0, atol=0.05)


def _plastic_run(cvode: bool):
    """Default cell, a somatic AP and a plastic dei_glu synapse with its WATCH thresholds."""
    cell = build(l5_pyramidal())
    with Simulation(cell, cvode=cvode) as sim:
        sim.current_pulse(SOMA, 1.0, 50.0, 5.0)
        placed = sim.add_synapses(SynapseGroup(
            "syn", "oblique", "dei_glu", (ExplicitSpikes((45.0, 55.0)),), distances_um=(150.0,),
            parameters={"ca_mode": 1, "rule": 1, "theta_d": 0.01, "theta_p": 0.02}))
        sim.record(SOMA, ("v",))
        sim.record_synapses("syn", ("c",))
        traces = sim.run(100.0)
        return traces["soma", "v"].values, traces["syn[0]", "c"].values, placed.values("rho")


@pytest.mark.slow
@pytest.mark.parametrize("cvode", [False, True], ids=["fixed", "cvode"])
def test_build_run_release_build_again_gives_identical_results(cvode):
    """No state leaks from one simulation into the next: bit-identical traces and ρ."""
    first, second = _plastic_run(cvode), _plastic_run(cvode)
    for a, b in zip(first, second):
        np.testing.assert_array_equal(a, b)


def test_release_frees_the_gids_and_the_simulation_refuses_to_run_again():
    cell = build(point_soma())
    sim = Simulation(cell)
    placed = sim.add_synapses(SynapseGroup("syn", "soma", "ExpSyn", (ExplicitSpikes(()),), distances_um=(0.0,)))
    sim.release()
    with pytest.raises(RuntimeError, match="inside the `with"):
        placed.weights()
    sim.release()   # twice is harmless
    with pytest.raises(RuntimeError, match="released"):
        sim.run(1.0)
    with Simulation(build(point_soma())) as fresh:
        assert fresh.gids == [0]


def test_gids_of_live_simulations_do_not_collide():
    with Simulation(build(point_soma())) as first, Simulation(build(point_soma())) as second:
        assert first.gids == [0] and second.gids == [1]
        with pytest.raises(ValueError, match="already in use"):
            second.add_cell(build(point_soma()), gid=0)


def test_one_threshold_per_watched_node():
    """NEURON shares a threshold among NetCons on the same node: a second one is refused."""
    with Simulation(build(point_soma())) as sim:
        sim.record_spikes(SOMA, threshold_mV=-20.0)
        with pytest.raises(SpecError, match="spike_threshold_mV"):
            sim.record_spikes(SOMA, threshold_mV=-50.0)


def test_cell_argument_is_needed_with_several_cells():
    with Simulation([build(point_soma()), build(point_soma())]) as sim:
        with pytest.raises(ValueError, match="cell="):
            sim.record(SOMA)
        with pytest.raises(ValueError, match="not in this simulation"):
            sim.record(SOMA, cell=build(point_soma()))


def test_bad_numerics_are_refused():
    cell = build(point_soma())
    for bad in (-0.1, 0.0, float("nan"), True):
        with pytest.raises(ValueError, match="dt_ms"):
            Simulation(cell, dt_ms=bad)
    with pytest.raises(TypeError, match="cvode"):
        Simulation(cell, cvode="no")
    with Simulation(cell) as sim, pytest.raises(ValueError, match="tstop_ms"):
        sim.run(float("inf"))


def test_delivered_events_and_callbacks_arrive_at_their_times():
    """Typed events go to one synapse; callbacks read state at exact times (CVODE)."""
    with Simulation(build(point_soma()), cvode=True) as sim:
        placed = sim.add_synapses(SynapseGroup("gaba", "soma", "dei_gaba", (ExplicitSpikes((20.0,)),),
                                               distances_um=(0.0,), parameters={"post_source": 0}))
        sim.deliver(placed, 0, (30.0, 40.0), "post")
        seen = []
        for t in (25.0, 35.0, 45.0):
            sim.call_at(t, lambda: seen.append((sim.time_ms, placed.values("n_post")[0])))
        sim.run(50.0)
    assert seen == [(25.0, 0.0), (35.0, 1.0), (45.0, 2.0)]


def test_threshold_reset_clamps_after_each_crossing():
    """Integrate-and-fire reset: after a crossing the soma sits at the reset voltage."""
    with Simulation(build(point_soma()), dt_ms=0.1, spike_threshold_mV=-50.0) as sim:
        sim.threshold_reset(-50.0, -60.0, 5.0)
        sim.current_pulse(SOMA, 2.0, 10.0, 100.0)
        sim.record(SOMA)
        traces = sim.run(110.0)
        spikes = traces.spikes_by_gid[0]
    assert len(spikes) >= 2 and np.all(np.diff(spikes) > 5.0)
    assert abs(traces.value_at("soma", "v", spikes[0] + 2.5) - (-60.0)) < 0.1


def test_only_the_engine_imports_neuron():
    """One NEURON boundary: no module of the package outside dendriteei/engine/ imports neuron."""
    pattern = re.compile(r"^\s*(import neuron\b|from neuron\b)", re.MULTILINE)
    offenders = [str(path.relative_to(PACKAGE)) for path in PACKAGE.rglob("*.py")
                 if "engine" not in path.relative_to(PACKAGE).parts and pattern.search(path.read_text())]
    assert offenders == []
    assert pattern.search((PACKAGE / "engine" / "cell.py").read_text())   # the check can fail


MPI_SCRIPT = """
import json
from dendriteei.cells import point_soma
from dendriteei.engine import Simulation, Site, build, mpi_init
rank, ranks = mpi_init()
with Simulation(build(point_soma()), gids=[10 + rank]) as sim:
    sim.current_pulse(Site("soma", region="soma"), 0.5 + 0.5 * rank, 10.0, 50.0)
    spikes = sim.run(60.0).spikes_by_gid
print(json.dumps({"rank": rank, "ranks": ranks, "spikes": {str(g): list(t) for g, t in spikes.items()}}))
"""


@pytest.mark.slow
def test_the_same_code_runs_on_two_mpi_ranks(tmp_path):
    """Under mpiexec -n 2 each rank simulates its own cell under its gid (ParallelContext.psolve),
    and each gets the spike times of that cell simulated alone in one process (to 1e-9 ms)."""
    import json
    import os
    import shutil
    import subprocess
    import sys
    pytest.importorskip("mpi4py", reason="mpi4py not installed: pip install 'dendriteei[mpi]'")
    mpiexec = shutil.which("mpiexec", path=os.pathsep.join([str(Path(sys.executable).parent), os.environ["PATH"]]))
    if mpiexec is None:
        pytest.skip("mpiexec not found beside python or on PATH: pip install 'dendriteei[mpi]'")
    script = tmp_path / "ranks.py"
    script.write_text(MPI_SCRIPT)
    command = [mpiexec, "--oversubscribe", "-n", "2", *(["--allow-run-as-root"] if os.geteuid() == 0 else [])]
    done = subprocess.run([*command, sys.executable, str(script)], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    results = [json.loads(line) for line in done.stdout.splitlines() if line.startswith("{")]
    assert sorted(r["rank"] for r in results) == [0, 1] and all(r["ranks"] == 2 for r in results)
    for result in results:
        rank = result["rank"]
        with Simulation(build(point_soma())) as sim:
            sim.current_pulse(SOMA, 0.5 + 0.5 * rank, 10.0, 50.0)
            alone = sim.run(60.0).spikes_by_gid[sim.gids[0]]
        assert list(result["spikes"]) == [str(10 + rank)]
        assert len(alone) >= 5
        np.testing.assert_allclose(result["spikes"][str(10 + rank)], alone, rtol=0, atol=1e-9)


def test_record_segments_gives_one_row_per_segment_from_start_on():
    """Whole-cell recording: one row per row of the segments table, times from start_ms on; the
    soma row equals a site recording there; Ca only where the pool is (NaN rows elsewhere); a
    variable that some sections lack is refused, naming the mechanism option."""
    cell = build(l5_pyramidal())
    segments = cell.segments()
    with Simulation(cell, cvode=True) as sim:
        sim.record(SOMA)
        sim.record_segments("v", start_ms=20.0)
        sim.record_segments("cai", mechanism="dei_cad")
        with pytest.raises(ValueError, match="pass mechanism="):
            sim.record_segments("cai", label="everywhere")
        sim.current_pulse(SOMA, 1.0, 25.0, 5.0)
        traces = sim.run(40.0)
    t, v = traces.segments["v"]
    assert v.shape == (len(segments), len(t)) and t[0] >= 20.0
    soma_row = segments.index[segments.branch == "soma"][0]
    assert np.array_equal(v[soma_row], traces.window("soma", "v", 20.0)[1])
    _, ca = traces.segments["cai"]
    has_pool = np.array([cell.sections[b].has_membrane("dei_cad") for b in segments.branch])
    assert np.isfinite(ca[has_pool]).all() and np.isnan(ca[~has_pool]).all() and has_pool.any()


def test_path_to_farthest_runs_from_the_soma_to_the_regions_farthest_tip():
    cell = build(l5_pyramidal())
    assert cell.path_to_farthest("oblique") == ["soma", "trunk", "oblique_5"]
    assert cell.path_to_farthest("tuft")[:3] == ["soma", "trunk", "tuft_0"]
    with pytest.raises(SpecError, match="region 'hot_zone'"):
        build(point_soma()).path_to_farthest("hot_zone")
