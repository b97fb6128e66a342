"""Vogels et al. 2011 balanced network with inhibitory STDP, run in Brian2 (peer benchmark).

    python vogels_brian2.py --params vogels_2011_params.json --out result.json [--mode runtime|standalone]

--mode runtime     Brian2's default runtime code generation (Cython if it compiles, else numpy); the
                   target actually used is written to the result. Cython extensions are cached in
                   Brian2's cache directory: the first run on a machine also compiles them
                   ("cython_cache_new_files" > 0 says it did), so time a second run.
--mode standalone  C++ standalone (cpp_standalone) in a fresh temporary directory, so every run
                   generates and compiles the whole project; compile time is part of wall_s and is
                   also reported as compile_s. One thread (openmp_threads 0); make runs with
                   --make-jobs parallel jobs (default 1).

Every model parameter comes from the JSON file; see README.md in this folder for the model and
for the result fields.
"""
import argparse
import os
import shutil
import sys
import tempfile
import time

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import _vogels_common as common  # noqa: E402


RUSAGE_WRAPPER = ("import resource, subprocess, sys; rc = subprocess.call(sys.argv[2:]); "
                  "open(sys.argv[1], 'w').write(str(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)); "
                  "sys.exit(rc)")


def count_files(path: str) -> int:
    if not path or not os.path.isdir(path):
        return 0
    return sum(len(files) for _, _, files in os.walk(path))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--params", required=True, help="PARAMS.json")
    parser.add_argument("--out", required=True, help="RESULT.json to write")
    parser.add_argument("--mode", choices=("runtime", "standalone"), default="runtime")
    parser.add_argument("--method", default="euler",
                        help="Brian2 state updater for the neurons (default euler, as Brian2's example)")
    parser.add_argument("--make-jobs", type=int, default=1,
                        help="standalone only: parallel jobs for make (default 1: one core)")
    parser.add_argument("--keep", action="store_true", help="standalone only: keep the project directory")
    args = parser.parse_args()
    p = common.load_params(args.params)

    t_import = time.perf_counter()
    import brian2
    from brian2 import (NeuronGroup, Network, SpikeMonitor, Synapses, defaultclock, device, mV, ms, nS,
                        pA, pF, prefs, second, seed, set_device)
    import_s = time.perf_counter() - t_import

    project_dir = None
    cache_dir = None
    cache_before = 0
    if args.mode == "standalone":
        project_dir = tempfile.mkdtemp(prefix="vogels_brian2_")
        set_device("cpp_standalone", directory=project_dir, build_on_run=False)
        prefs.devices.cpp_standalone.openmp_threads = 0
        prefs.devices.cpp_standalone.extra_make_args_unix = [f"-j{args.make_jobs}"]
        # Run ./main under a small wrapper that records the binary's own peak RSS: getrusage's
        # RUSAGE_CHILDREN of this process would report at least this process's RSS at the time of
        # the fork (Linux carries the parent's high-water mark over exec), hiding the binary's.
        binary_rss_file = os.path.join(project_dir, "bench_binary_maxrss_kB.txt")
        prefs.devices.cpp_standalone.run_cmd_unix = [sys.executable, "-c", RUSAGE_WRAPPER, binary_rss_file, "./main"]
    else:
        from brian2.codegen.runtime.cython_rt.extension_manager import get_cython_cache_dir
        cache_dir = get_cython_cache_dir()
        cache_before = count_files(cache_dir)

    n_exc, n_inh = int(p["n_exc"]), int(p["n_inh"])
    t_static = p["t_static_s"] * second
    t_plastic = p["t_plastic_s"] * second
    t_total = common.t_total_s(p)

    t_start = time.perf_counter()
    if args.mode == "standalone":
        # Wall-clock marks inside the binary (Brian2's own per-run time there is CPU time).
        device.insert_code("main", "struct timespec _bench_t0, _bench_t1, _bench_t2; "
                                   "clock_gettime(CLOCK_MONOTONIC, &_bench_t0);")
    defaultclock.dt = p["dt_ms"] * ms
    seed(int(p["seed"]))

    namespace = {
        "c_m": p["c_m_pF"] * pF, "g_leak": p["g_leak_nS"] * nS, "e_leak": p["e_leak_mV"] * mV,
        "e_exc": p["e_exc_mV"] * mV, "e_inh": p["e_inh_mV"] * mV, "i_bg": p["i_bg_pA"] * pA,
        "tau_exc": p["tau_exc_ms"] * ms, "tau_inh": p["tau_inh_ms"] * ms,
        "v_thresh": p["v_thresh_mV"] * mV, "v_reset": p["v_reset_mV"] * mV,
        "w_exc": p["w_exc_nS"] * nS, "w_ii": p["w_ii_nS"] * nS, "w_max": p["w_ie_max_nS"] * nS,
        "tau_stdp": p["tau_stdp_ms"] * ms, "alpha": common.alpha(p),
    }
    neuron_eqs = """
    dv/dt = (g_leak*(e_leak - v) + g_e*(e_exc - v) + g_i*(e_inh - v) + i_bg) / c_m : volt (unless refractory)
    dg_e/dt = -g_e / tau_exc : siemens
    dg_i/dt = -g_i / tau_inh : siemens
    """
    neurons = NeuronGroup(n_exc + n_inh, neuron_eqs, threshold="v > v_thresh", reset="v = v_reset",
                          refractory=p["t_ref_ms"] * ms, method=args.method, namespace=namespace,
                          name="neurons")
    exc, inh = neurons[:n_exc], neurons[n_exc:]
    span_mV = p["v_thresh_mV"] - p["v_reset_mV"]
    neurons.v = f"({p['v_reset_mV']!r} + rand() * {span_mV!r}) * mV"

    delay = p["delay_ms"] * ms
    prob = float(p["p_connect"])
    # E -> E and E -> I in one object: the source indices are the global ones, so i != j drops autapses.
    syn_e = Synapses(exc, neurons, on_pre="g_e_post += w_exc", delay=delay, namespace=namespace, name="syn_e")
    syn_e.connect(condition="i != j", p=prob)
    syn_ii = Synapses(inh, inh, on_pre="g_i_post += w_ii", delay=delay, namespace=namespace, name="syn_ii")
    syn_ii.connect(condition="i != j", p=prob)
    syn_ie = Synapses(inh, exc, model="""
        w : siemens
        eta : siemens (shared)
        dtrace_i/dt = -trace_i / tau_stdp : 1 (event-driven)
        dtrace_e/dt = -trace_e / tau_stdp : 1 (event-driven)
        """, on_pre="""
        trace_i += 1
        w = clip(w + eta * (trace_e - alpha), 0*nS, w_max)
        g_i_post += w
        """, on_post="""
        trace_e += 1
        w = clip(w + eta * trace_i, 0*nS, w_max)
        """, delay=delay, namespace=namespace, name="syn_ie")
    syn_ie.connect(p=prob)
    syn_ie.w = p["w_ie_init_nS"] * nS
    syn_ie.eta = 0 * nS
    mon_e = SpikeMonitor(exc, name="mon_e")
    mon_i = SpikeMonitor(inh, name="mon_i")
    net = Network(neurons, syn_e, syn_ii, syn_ie, mon_e, mon_i)
    build_py_s = time.perf_counter() - t_start

    t_run = time.perf_counter()
    if args.mode == "standalone":
        device.insert_code("main", "clock_gettime(CLOCK_MONOTONIC, &_bench_t1);")
    net.run(t_static)
    syn_ie.eta = p["eta_nS"] * nS
    net.run(t_plastic)
    run_py_s = time.perf_counter() - t_run

    result = {"simulator": f"brian2-{args.mode}", "version": brian2.__version__, "method": args.method,
              "threads": 1, "import_s": import_s}
    if args.mode == "standalone":
        device.insert_code("main", """clock_gettime(CLOCK_MONOTONIC, &_bench_t2);
        {
            std::ofstream _bench_f((results_dir + "bench_wallclock.txt").c_str());
            _bench_f.precision(9);
            _bench_f << (_bench_t1.tv_sec - _bench_t0.tv_sec) + 1e-9 * (_bench_t1.tv_nsec - _bench_t0.tv_nsec) << " "
                     << (_bench_t2.tv_sec - _bench_t1.tv_sec) + 1e-9 * (_bench_t2.tv_nsec - _bench_t1.tv_nsec)
                     << std::endl;
        }""")
        t_build = time.perf_counter()
        device.build(directory=project_dir, compile=True, run=True, with_output=False)
        build_call_s = time.perf_counter() - t_build
        wall_s = time.perf_counter() - t_start
        compile_s = sum(v for v in device.timers["compile"].values() if v is not None)
        binary_s = device.timers["run_binary"]
        with open(os.path.join(device.results_dir, "bench_wallclock.txt")) as handle:
            setup_bin_s, run_s = (float(x) for x in handle.read().split())
        result.update({
            "wall_s": wall_s, "compile_s": compile_s, "run_s": run_s,
            "build_s": wall_s - compile_s - run_s,
            "build_python_s": build_py_s + run_py_s,
            "codegen_s": build_call_s - compile_s - binary_s,
            "binary_s": binary_s, "binary_setup_s": setup_bin_s,
            "make_jobs": args.make_jobs,
            "openmp_threads": prefs.devices.cpp_standalone.openmp_threads,
        })
    else:
        from brian2.devices.device import auto_target
        wall_s = time.perf_counter() - t_start
        result.update({
            "codegen_target": auto_target().class_name,
            "wall_s": wall_s, "build_s": build_py_s, "run_s": run_py_s,
            "cython_cache_new_files": count_files(cache_dir) - cache_before,
        })

    # Analysis (not timed); peak RSS first, so the analysis's own arrays do not count.
    rss = common.peak_rss_mb(include_children=args.mode == "standalone")
    if args.mode == "standalone":
        with open(binary_rss_file) as handle:
            rss["peak_rss_binary_MB"] = int(handle.read()) / 1024.0
        # The Python process keeps its memory while the binary runs: their sum bounds the peak.
        rss["peak_rss_MB"] = rss["peak_rss_self_MB"] + rss["peak_rss_binary_MB"]
    counts = np.concatenate([np.asarray(mon_e.count), np.asarray(mon_i.count)])
    out_degree = (np.bincount(np.asarray(syn_e.i), minlength=n_exc + n_inh)
                  + np.bincount(np.asarray(syn_ii.i) + n_exc, minlength=n_exc + n_inh)
                  + np.bincount(np.asarray(syn_ie.i) + n_exc, minlength=n_exc + n_inh))
    t_e = np.asarray(mon_e.t / second)
    t_i = np.asarray(mon_i.t / second)
    w_ie = np.asarray(syn_ie.w / nS)
    result.update({
        "n_neurons": n_exc + n_inh,
        "n_synapses": int(len(syn_e) + len(syn_ii) + len(syn_ie)),
        "n_synapses_ie": int(len(syn_ie)),
        **common.activity(counts, out_degree, t_e, t_i, n_exc, n_inh, t_total, w_ie),
    })
    result.update(rss)
    result["peak_rss_after_analysis_MB"] = common.peak_rss_mb()["peak_rss_self_MB"]
    if project_dir and not args.keep:
        shutil.rmtree(project_dir, ignore_errors=True)
    elif project_dir:
        result["project_dir"] = project_dir
    common.finish(result, args.out)


if __name__ == "__main__":
    main()
