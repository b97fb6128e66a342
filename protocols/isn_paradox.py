#!/usr/bin/env python3
"""Run the `isn-paradox` protocol: CSV tables, PNG figure and JSON parameters into --out.

    python protocols/isn_paradox.py [--reduced] [--set name=value ...] [--out DIR] [--jobs N]
    mpiexec -n 4 python protocols/isn_paradox.py ...      # the ranks share each network

Default: Sadeh et al. 2017's network as published (1600 E + 400 I AdEx cells), I→E swept over
0.1–0.4 nS, three perturbation currents into I, the open-loop prediction, and iSTDP toward 1 and
10 Hz. --reduced: the dendritic variant (E = the reduced pyramidal cell, I = PV perisomatic + SST
distal; PV alone, SST alone and both perturbed) at 400 E + 100 I. Same as
`dendriteei run isn-paradox --set ...`.
"""
import sys

from dendriteei.cli import main

REDUCED = ["--set", "cell=reduced", "--set", "n_exc=400", "--set", "n_inh=100", "--set", "probe_cells=40",
           "--set", "w_ie_nS=0.1,0.2,0.4", "--set", "learn_s=0"]

if __name__ == "__main__":
    args = sys.argv[1:]
    preset = REDUCED if "--reduced" in args else []
    args = [a for a in args if a != "--reduced"]
    sys.exit(main(["run", "isn-paradox", *preset, *args]))
