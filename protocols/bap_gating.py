#!/usr/bin/env python3
"""bAP and Ca-spike gating (Wilmes et al. 2016) at full resolution, into --out (default
results/bap_gating/):

    python protocols/bap_gating.py [--out DIR] [--pairs N] [--jobs N]

1. bap-gating grid for oblique PV-like inhibition (g 0–40 nS × onsets −6…+3 ms): CSV, PNG, JSON;
2. the same for SST-like inhibition at the hot zone with the BAC distal EPSP (g 0–2 nS ×
   onsets −30…+10 ms);
3. threshold conductances (bisection, ±0.05 nS) and timing windows at 1.5 × threshold for bAP,
   Ca-spike and somatic-AP gating: gating_measures.csv;
4. STDP pairing (+10 ms, N pairs at 1 Hz, default 60, GB rule on biophysical spine Ca) at a gated
   (oblique_0) and an ungated (oblique_1) synapse without and with oblique inhibition of 1.0 and
   1.2 × the bAP-block threshold: pairing.csv;
5. the same at a tuft synapse (tuft_0 at x 0.1, beyond the bAP's reach) with the BAC distal EPSP,
   without and with SST-like hot-zone inhibition at 1.5 × the Ca-spike threshold, and with the
   bAP alone (no distal EPSP): pairing_ca_spike.csv.

A single grid is `dendriteei run bap-gating --set ...` (see `dendriteei list`).
"""
import argparse
import time
from dataclasses import replace
from pathlib import Path

import pandas as pd

from dendriteei import plotting
from dendriteei.conditions import using_jobs
from dendriteei.io import write_result
from dendriteei.pairing import PairingSettings
from dendriteei.protocols import bap_gating as bg
from dendriteei.protocols.common import ProtocolResult, cell_spec

GRIDS = {
    "oblique_pv": bg.BapGatingParams(inhibition_g_nS=(0, 5, 10, 12.5, 15, 17.5, 20, 30, 40),
                                     inhibition_onset_ms=bg.onset_grid(-6.0, 3.0, 0.5)),
    "hot_zone_sst_bac": bg.BapGatingParams(inhibition_location="distal_trunk", inhibition_kinetics="sst",
                                           distal_epsp=True, inhibition_g_nS=(0, 0.25, 0.5, 1.0, 2.0),
                                           inhibition_onset_ms=bg.onset_grid(-30.0, 10.0, 2.0)),
}
WINDOWS = {"bap": (-8.0, 3.0, 0.5), "ca_spike": (-30.0, 10.0, 1.0), "somatic_ap": (-8.0, 3.0, 0.5)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default="results/bap_gating")
    parser.add_argument("--pairs", type=int, default=60)
    parser.add_argument("--jobs", type=int, default=None, help="worker processes (default: the CPUs available)")
    args = parser.parse_args()
    with using_jobs(args.jobs):
        run_all(Path(args.out), args.pairs)


def run_all(out: Path, pairs: int) -> None:
    base = bg.BapGatingParams()
    spec = cell_spec(base.cell)
    for name, params in GRIDS.items():
        start = time.perf_counter()
        result = bg.run(params, spec)
        write_result(name, result, params, spec, out, plotting.plot_bap_gating(result))
        print(f"{name}: {len(result.summary)} rows in {time.perf_counter() - start:.0f} s", flush=True)
    rows = []
    for case, window in WINDOWS.items():
        start = time.perf_counter()
        measures, _ = bg.gating_measures(base, case, window=window, tolerance_nS=0.05, spec=spec)
        rows.append({**measures, "run_time_s": time.perf_counter() - start})
        print(rows[-1], flush=True)
        pd.DataFrame(rows).to_csv(out / "gating_measures.csv", index=False)
    thresholds = {row["case"]: row["threshold_nS"] for row in rows}
    start = time.perf_counter()
    bap_g = thresholds["bap"]
    pairing = bg.gated_pairing(base, PairingSettings(n_pairs=pairs), (bap_g, 1.2 * bap_g), -1.0, spec=spec)
    write_result("pairing", ProtocolResult(pairing), base, spec, out)
    print(pairing.to_string(index=False), f"\n{time.perf_counter() - start:.0f} s", flush=True)
    start = time.perf_counter()
    ca = replace(base, **bg.HEADLINE_CASES["ca_spike"])
    tuft = (("tuft:0", 0.1),)
    frames = [bg.gated_pairing(ca, PairingSettings(n_pairs=pairs), (1.5 * thresholds["ca_spike"],), -1.0,
                               sites=tuft, spec=spec),
              bg.gated_pairing(replace(ca, distal_epsp=False), PairingSettings(n_pairs=pairs), (), -1.0,
                               sites=tuft, spec=spec)]
    ca_pairing = pd.concat(frames, ignore_index=True)
    write_result("pairing_ca_spike", ProtocolResult(ca_pairing), ca, spec, out)
    print(ca_pairing.to_string(index=False), f"\n{time.perf_counter() - start:.0f} s", flush=True)


if __name__ == "__main__":
    main()
