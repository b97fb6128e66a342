#!/usr/bin/env python3
"""Run the `inhibitory-balance` protocol (Vogels et al. 2011 single-cell detailed balance) at
full resolution: writes CSV, PNG figure and a JSON of every parameter and version into --out.

    python protocols/inhibitory_balance.py [--pyramidal] [--set name=value ...] [--out DIR]

Default: the LIF-like soma for 300 s of input (2 × the 150 s of Vogels et al.'s code; about
3 min on one core). --pyramidal runs the same inputs on l5_pyramidal (E on basal and oblique
dendrites, I at the soma, the cell's own APs at dt 0.025 ms) for 60 s with η = 0.004 (4 × Vogels,
so that the rate settles within ~15 s); the 465-segment cell costs ~16 s per simulated second
(about 17 min). Same as `dendriteei run inhibitory-balance --set ...`.
"""
import sys

from dendriteei.cli import main

POINT = ["--set", "duration_s=300"]
PYRAMIDAL = ["--set", "target=pyramidal", "--set", "cell=l5_pyramidal", "--set", "spike_model=cell",
             "--set", "dt_ms=0.025", "--set", "duration_s=60", "--set", "eta=0.004"]

if __name__ == "__main__":
    args = sys.argv[1:]
    preset = PYRAMIDAL if "--pyramidal" in args else POINT
    args = [a for a in args if a != "--pyramidal"]
    sys.exit(main(["run", "inhibitory-balance", *preset, *args]))
