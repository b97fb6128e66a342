"""Vogels et al. 2011 balanced network with inhibitory STDP, run in NEST (peer benchmark).

    python vogels_nest.py --params vogels_2011_params.json --out result.json

iaf_cond_exp neurons; static_synapse for E->E, E->I and I->I; vogels_sprekeler_synapse for I->E.
One thread (local_num_threads 1), no MPI. build_s = Create + Connect + nest.Prepare (NEST builds its
spike-delivery tables there), run_s = the two nest.Run calls and the switch of eta between them.

Every model parameter comes from the JSON file; see README.md in this folder for the model, the
mapping of the synapse's parameters and the result fields.
"""
import argparse
import os
import sys
import time

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import _vogels_common as common  # noqa: E402


def connection_values(nest, sources, targets, key: str, synapse_model=None, chunk: int = 250) -> np.ndarray:
    """One connection property for all connections sources -> targets, fetched in blocks of source
    neurons: SynapseCollection.get builds a full status dictionary per connection (kBs each), so
    asking for two million connections at once would take GBs."""
    values = []
    for start in range(0, len(sources), chunk):
        kwargs = {"source": sources[start:min(start + chunk, len(sources))], "target": targets}
        if synapse_model:
            kwargs["synapse_model"] = synapse_model
        conns = nest.GetConnections(**kwargs)
        if len(conns) == 1:
            values.append(np.atleast_1d(conns.get(key)))
        elif len(conns):
            values.append(np.asarray(conns.get(key)))
    return np.concatenate(values) if values else np.zeros(0)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--params", required=True, help="PARAMS.json")
    parser.add_argument("--out", required=True, help="RESULT.json to write")
    parser.add_argument("--threads", type=int, default=1, help="local_num_threads (default 1)")
    args = parser.parse_args()
    p = common.load_params(args.params)

    t_import = time.perf_counter()
    import nest
    import_s = time.perf_counter() - t_import

    n_exc, n_inh = int(p["n_exc"]), int(p["n_inh"])
    t_total = common.t_total_s(p)

    t_start = time.perf_counter()
    nest.ResetKernel()
    nest.verbosity = nest.VerbosityLevel.WARNING
    nest.SetKernelStatus({"local_num_threads": args.threads, "resolution": p["dt_ms"],
                          "rng_seed": int(p["seed"]), "print_time": False})
    neuron_params = {
        "C_m": p["c_m_pF"], "g_L": p["g_leak_nS"], "E_L": p["e_leak_mV"],
        "E_ex": p["e_exc_mV"], "E_in": p["e_inh_mV"],
        "V_th": p["v_thresh_mV"], "V_reset": p["v_reset_mV"], "t_ref": p["t_ref_ms"],
        "I_e": p["i_bg_pA"], "tau_syn_ex": p["tau_exc_ms"], "tau_syn_in": p["tau_inh_ms"],
        # The post-synaptic trace of vogels_sprekeler_synapse is the neuron's STDP trace, whose
        # time constant is the neuron's tau_minus (the synapse's own tau only sets the pre trace).
        "tau_minus": p["tau_stdp_ms"],
    }
    exc = nest.Create("iaf_cond_exp", n_exc, params=neuron_params)
    inh = nest.Create("iaf_cond_exp", n_inh, params=neuron_params)
    neurons = exc + inh
    neurons.V_m = nest.random.uniform(min=p["v_reset_mV"], max=p["v_thresh_mV"])

    delay = p["delay_ms"]
    # In iaf_cond_exp the sign of the weight picks the receptor: > 0 excitatory, < 0 inhibitory;
    # the magnitude is the conductance jump in nS.
    nest.CopyModel("vogels_sprekeler_synapse", "vogels_ie",
                   {"tau": p["tau_stdp_ms"], "alpha": common.alpha(p), "eta": 0.0,
                    "Wmax": -p["w_ie_max_nS"], "weight": -p["w_ie_init_nS"], "delay": delay})
    rule = {"rule": "pairwise_bernoulli", "p": float(p["p_connect"]), "allow_autapses": False}
    exc_syn = {"synapse_model": "static_synapse", "weight": p["w_exc_nS"], "delay": delay}
    nest.Connect(exc, exc, rule, exc_syn)
    nest.Connect(exc, inh, rule, exc_syn)
    nest.Connect(inh, inh, rule, {"synapse_model": "static_synapse", "weight": -p["w_ii_nS"], "delay": delay})
    nest.Connect(inh, exc, rule, {"synapse_model": "vogels_ie", "weight": -p["w_ie_init_nS"], "delay": delay})
    rec_e = nest.Create("spike_recorder")
    rec_i = nest.Create("spike_recorder")
    nest.Connect(exc, rec_e)
    nest.Connect(inh, rec_i)
    connect_s = time.perf_counter() - t_start
    t_prepare = time.perf_counter()
    nest.Prepare()
    prepare_s = time.perf_counter() - t_prepare
    build_s = time.perf_counter() - t_start

    t_run = time.perf_counter()
    nest.Run(p["t_static_s"] * 1000.0)
    t_eta = time.perf_counter()
    conns_ie = nest.GetConnections(source=inh, target=exc, synapse_model="vogels_ie")
    conns_ie.set(eta=p["eta_nS"])
    set_eta_s = time.perf_counter() - t_eta
    nest.Run(p["t_plastic_s"] * 1000.0)
    nest.Cleanup()
    run_s = time.perf_counter() - t_run
    wall_s = time.perf_counter() - t_start

    # Analysis (not timed); peak RSS first, so the analysis's own arrays do not count.
    rss = common.peak_rss_mb()
    first_id = neurons[0].global_id
    ev_e = rec_e.get("events")
    ev_i = rec_i.get("events")
    counts = np.bincount(np.concatenate([ev_e["senders"], ev_i["senders"]]) - first_id,
                         minlength=n_exc + n_inh)
    sources = connection_values(nest, neurons, neurons, "source").astype(np.int64)
    out_degree = np.bincount(sources - first_id, minlength=n_exc + n_inh)
    w_ie = np.abs(connection_values(nest, inh, exc, "weight", synapse_model="vogels_ie").astype(float))
    t_e = np.asarray(ev_e["times"], dtype=float) / 1000.0
    t_i = np.asarray(ev_i["times"], dtype=float) / 1000.0
    result = {
        "simulator": "nest", "version": nest.__version__, "threads": args.threads, "import_s": import_s,
        "wall_s": wall_s, "build_s": build_s, "run_s": run_s,
        "create_connect_s": connect_s, "prepare_s": prepare_s, "set_eta_s": set_eta_s,
        "n_neurons": n_exc + n_inh,
        "n_synapses": int(sources.size),
        "n_synapses_ie": int(w_ie.size),
        **common.activity(counts, out_degree, t_e, t_i, n_exc, n_inh, t_total, w_ie),
    }
    result.update(rss)
    result["peak_rss_after_analysis_MB"] = common.peak_rss_mb()["peak_rss_self_MB"]
    common.finish(result, args.out)


if __name__ == "__main__":
    main()
