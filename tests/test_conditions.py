"""Protocols' independent conditions in worker processes (dendriteei.conditions): the same
numbers with any number of jobs, errors raised where the run was asked for, no nested pools,
scripts without a ``__main__`` guard; calibrations computed once; the rate tables exact enough."""
import os
import subprocess
import sys
import textwrap
import time

import numpy as np
import pandas as pd
import pytest

from dendriteei import conditions, latency, pairing
from dendriteei.conditions import default_jobs, map_conditions, using_jobs
from dendriteei.parameters import ParameterError
from dendriteei.protocols import bac_firing, bap_gating, dendritic_balance, get, stdp_flip


def test_results_in_order_with_any_jobs():
    arguments = [(k, 3) for k in range(7)]
    assert map_conditions(pow, arguments, jobs=2) == map_conditions(pow, arguments, jobs=1) \
        == [k ** 3 for k in range(7)]


def test_a_failing_condition_raises_its_own_error_with_the_worker_traceback():
    with pytest.raises(ValueError, match="invalid literal") as caught:
        map_conditions(int, [("1",), ("x",)], jobs=2)
    assert any("in the worker process" in note for note in caught.value.__notes__)
    assert map_conditions(pow, [(2, 2), (3, 2)], jobs=2) == [4, 9]   # the pool survives the error


def test_pools_do_not_nest():
    # each worker reports its own default: 1, whatever the parent's
    assert map_conditions(default_jobs, [(), ()], jobs=2) == [1, 1]


@pytest.mark.parametrize("jobs", [0, -1, 1.5, True, "2"])
def test_bad_jobs_are_refused(jobs):
    with pytest.raises(ParameterError, match="jobs = .*expected an integer ≥ 1"):
        map_conditions(pow, [(1, 1), (2, 1)], jobs=jobs)
    with pytest.raises(ParameterError, match="expected an integer ≥ 1"):
        with using_jobs(jobs):
            pass


def test_using_jobs_sets_the_default_and_none_leaves_it():
    with using_jobs(3):
        assert default_jobs() == 3
        with using_jobs(None):
            assert default_jobs() == 3
    assert default_jobs() == conditions.available_cpus()


@pytest.mark.slow
def test_a_script_without_main_guard_runs_conditions_in_parallel(tmp_path):
    script = tmp_path / "unguarded.py"
    script.write_text("from dendriteei.conditions import map_conditions\n"
                      "print(map_conditions(pow, [(2, 5), (3, 3)], jobs=2))\n")
    done = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().endswith("[32, 27]")


@pytest.mark.slow
def test_a_sweep_from_a_script_without_main_guard_fails_at_once_saying_why(tmp_path):
    script = tmp_path / "unguarded_sweep.py"
    script.write_text(textwrap.dedent(f"""
        from dendriteei.sweeps import sweep
        sweep("istdp-window", grid={{"eta": [0.1, 0.2]}}, backend="process", jobs=2,
              out={str(tmp_path / 'sweep.csv')!r}, progress=False)
    """))
    done = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=300)
    assert done.returncode != 0
    assert "SweepError" in done.stderr and 'if __name__ == "__main__":' in done.stderr


def test_latency_and_calcium_calibrations_run_once_per_input():
    spec = get("stdp").spec(get("stdp").params_type())
    settings = pairing.PairingSettings(settle_ms=50.0, cvode=True)
    latency._spikes_ms.cache_clear()
    pairing._calcium_peaks.cache_clear()
    first = pairing.post_latency_ms(spec, settings)
    assert pairing.post_latency_ms(spec, settings) == first
    assert latency._spikes_ms.cache_info().hits == 1 and latency._spikes_ms.cache_info().misses == 1
    peaks = pairing.calcium_peaks(spec, settings, n=2)
    assert pairing.calcium_peaks(spec, settings, n=2) == peaks
    assert pairing._calcium_peaks.cache_info().hits == 1


@pytest.mark.slow
def test_stdp_flip_is_the_same_to_the_last_digit_with_one_and_two_jobs():
    params = get("stdp-flip").quick_params(delta_ts_ms=(-10.0, 10.0))
    serial = stdp_flip.run(params, jobs=1).summary
    latency._spikes_ms.cache_clear()
    pairing._calcium_peaks.cache_clear()
    parallel = stdp_flip.run(params, jobs=2).summary
    pd.testing.assert_frame_equal(serial, parallel, check_exact=True)


@pytest.mark.slow
def test_bap_gating_grid_and_threshold_are_the_same_with_one_and_two_jobs():
    params = get("bap-gating").quick_params(inhibition_g_nS=(0.0, 10.0, 40.0), inhibition_onset_ms=(-1.0, 1.0))
    serial = bap_gating.run(params, jobs=1)
    parallel = bap_gating.run(params, jobs=2)
    pd.testing.assert_frame_equal(serial.summary, parallel.summary, check_exact=True)
    for name in serial.tables:
        pd.testing.assert_frame_equal(serial.tables[name], parallel.tables[name], check_exact=True)
    thresholds = [bap_gating.threshold_conductance_nS(params, -1.0, tolerance_nS=10.0, jobs=jobs) for jobs in (1, 2)]
    assert thresholds[0] == thresholds[1] and 0 < thresholds[0] < 200


@pytest.mark.slow
def test_dendritic_balance_is_the_same_with_one_and_two_jobs():
    params = get("dendritic-balance").quick_params(conditions=("local", "somatic"))
    serial = dendritic_balance.run(params, jobs=1)
    parallel = dendritic_balance.run(params, jobs=2)
    pd.testing.assert_frame_equal(serial.summary, parallel.summary, check_exact=True)
    pd.testing.assert_frame_equal(serial.tables["time_course"], parallel.tables["time_course"], check_exact=True)


@pytest.mark.slow
def test_bac_firing_is_the_same_with_one_and_two_jobs():
    params = get("bac-firing").quick_params()
    serial, parallel = bac_firing.run(params, jobs=1), bac_firing.run(params, jobs=2)
    pd.testing.assert_frame_equal(serial.summary, parallel.summary, check_exact=True)
    pd.testing.assert_frame_equal(serial.traces, parallel.traces, check_exact=True)


def test_rate_tables_agree_with_exact_rates(fixed_step):
    """The channels' rate tables (0.1 mV, linear interpolation; mod/dei_*.mod) against the rates
    computed exactly (usetable_* = 0): somatic spike times within 0.01 ms and voltages within
    0.5 mV everywhere over five spikes at 50 Hz, the tolerance stated in the mod files."""
    from neuron import h
    from dendriteei.cells import l5_pyramidal
    from dendriteei.engine import Simulation, Site, build
    tabled = ("dei_cahva", "dei_cat", "dei_ih", "dei_ka", "dei_kdr", "dei_nad", "dei_nat")
    runs = {}
    for use in (1, 0):
        for name in tabled:
            setattr(h, f"usetable_{name}", use)
        with Simulation(build(l5_pyramidal()), dt_ms=0.025) as sim:
            for k in range(5):   # five somatic spikes at 50 Hz, each with its bAP
                sim.current_pulse(Site("soma", branch="soma"), 3.0, 20.0 + 20.0 * k, 2.0)
            for branch, x in (("soma", 0.5), ("trunk", 1.0), ("oblique_0", 1.0), ("tuft_0", 0.5)):
                sim.record(Site(f"{branch}@{x}", branch=branch, x=x), ("v",))
            sim.record_spikes(Site("soma", branch="soma"))
            runs[use] = sim.run(120.0)
    for name in tabled:
        setattr(h, f"usetable_{name}", 1)
    tables, exact = runs[1], runs[0]
    assert len(exact.spikes_ms["soma"]) >= 5 and len(tables.spikes_ms["soma"]) == len(exact.spikes_ms["soma"])
    assert np.abs(tables.spikes_ms["soma"] - exact.spikes_ms["soma"]).max() < 0.01
    for key in exact.traces:
        assert np.abs(tables.traces[key].values - exact.traces[key].values).max() < 0.5, key


@pytest.mark.slow
def test_workers_die_with_their_parent(tmp_path):
    """A parent killed by SIGKILL leaves no worker computing on (Linux: PR_SET_PDEATHSIG)."""
    if not sys.platform.startswith("linux"):
        pytest.skip("parent-death signal is Linux only")
    script = tmp_path / "parent.py"
    started = [tmp_path / f"started{k}" for k in range(2)]
    script.write_text("import os\nfrom dendriteei.conditions import map_conditions\n"
                      f"map_conditions(os.system, [('touch {started[0]}; sleep 30',), "
                      f"('touch {started[1]}; sleep 30',)], jobs=2)\n")
    parent = subprocess.Popen([sys.executable, str(script)])
    deadline = time.time() + 120.0
    while time.time() < deadline and not all(path.exists() for path in started):   # both tasks running
        time.sleep(0.1)
    workers = [int(pid) for pid in subprocess.run(["pgrep", "-P", str(parent.pid), "-f", "spawn_main"],
                                                  capture_output=True, text=True).stdout.split()]
    parent.kill()
    parent.wait()

    def running(pid):
        try:
            return open(f"/proc/{pid}/stat").read().split()[2] != "Z"
        except FileNotFoundError:
            return False
    deadline = time.time() + 10.0
    while time.time() < deadline and any(running(pid) for pid in workers):
        time.sleep(0.2)
    assert len(workers) == 2 and not any(running(pid) for pid in workers)
