#!/usr/bin/env python3
"""Run the `vogels-network` protocol at full resolution: CSV tables (Parquet for the spikes), PNG
figure and the JSON of the whole network spec with provenance, into --out.

    python protocols/vogels_network.py [--reduced] [--set name=value ...] [--out DIR]
    mpiexec -n 4 python protocols/vogels_network.py [--reduced] ...      # same results

Default: Vogels et al. 2011's network as published (8000 E + 2000 I point neurons, 10 s, iSTDP
from 1 s; see the README's Speed section for the time on one core). --reduced: the dendritic
variant with reduced pyramidal E cells (PV perisomatic with the somatic spike, SST distal with
the local bAP as post signal) at 800 E + 200 I (p 0.2: the same 160 E and 40 I inputs per cell)
for 5 s with η × 25 (0.25 nS), so that the rates settle within the run. Same as
`dendriteei run vogels-network --set ...`.
"""
import sys

from dendriteei.cli import main

POINT = []
REDUCED = ["--set", "cell=reduced", "--set", "n_exc=800", "--set", "n_inh=200", "--set", "p_connect=0.2",
           "--set", "duration_s=5", "--set", "static_s=0.5", "--set", "eta_nS=0.25", "--set", "window_s=0.5"]

if __name__ == "__main__":
    args = sys.argv[1:]
    preset = REDUCED if "--reduced" in args else POINT
    args = [a for a in args if a != "--reduced"]
    sys.exit(main(["run", "vogels-network", *preset, *args]))
