#!/usr/bin/env python3
"""Run the `dendritic-balance` protocol at full resolution: inhibitory STDP with a local (−40 mV
crossing at the synapse) or somatic post signal on four branches of l5_pyramidal; per-branch E/I
co-tuning before and after learning, branch voltage fluctuations, global / detailed / tight /
loose balance. Writes CSV, PNG figure and a JSON of every parameter and version into --out.

    python protocols/dendritic_balance.py [--set name=value ...] [--out DIR]

Defaults: dt 0.025 ms, 10 s of learning per post signal, 2 s probes (see the README for the run
time). Same as `dendriteei run dendritic-balance --set ...`.
"""
import sys

from dendriteei.cli import main

if __name__ == "__main__":
    sys.exit(main(["run", "dendritic-balance", *sys.argv[1:]]))
