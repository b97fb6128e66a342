#!/usr/bin/env python3
"""Run the `assembly-novelty` protocol: CSV tables, PNG figure and JSON parameters into --out.

    python protocols/assembly_novelty.py [--reduced] [--set name=value ...] [--out DIR] [--jobs N]
    mpiexec -n 8 python protocols/assembly_novelty.py ...   # the ranks share each network

Default: Schulz et al. 2021's network at its published size (4000 E in assemblies of 200 + 1000 I),
the sequence paradigm (3 stimuli × 20 repetitions, novel stimulus in the 19th), the oddball and
the oddball with disinhibition, each with iSTDP on and off. --reduced: the dendritic variant (E =
the reduced pyramidal cell, I = PV perisomatic + SST distal) at 1000 E + 250 I, sequence paradigm,
iSTDP on PV and SST, PV only, SST only, and off. Same as `dendriteei run assembly-novelty --set ...`.
"""
import sys

from dendriteei.cli import main

REDUCED = ["--set", "cell=reduced", "--set", "n_exc=1000", "--set", "n_inh=250", "--set", "assembly_size=50",
           "--set", "paradigms=sequence"]

if __name__ == "__main__":
    args = sys.argv[1:]
    preset = REDUCED if "--reduced" in args else []
    args = [a for a in args if a != "--reduced"]
    sys.exit(main(["run", "assembly-novelty", *preset, *args]))
