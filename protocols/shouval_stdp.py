#!/usr/bin/env python3
"""Run the `shouval-stdp` protocol over Δt = −100…+100 ms in 5 ms steps (Shouval, Bear & Cooper
2002 PNAS 99:10831 Fig. 3C: 100 pairings at 1 Hz): writes CSV, PNG figure and a JSON of every
parameter and version into --out.

    python protocols/shouval_stdp.py [--set name=value ...] [--out DIR]

Same as `dendriteei run shouval-stdp --set delta_ts_ms=...`; `dendriteei list` shows the parameters.
"""
import sys

import numpy as np

from dendriteei.cli import main

FULL_CURVE = ",".join(f"{dt:g}" for dt in np.arange(-100.0, 100.1, 5.0) if dt != 0.0)

if __name__ == "__main__":
    sys.exit(main(["run", "shouval-stdp", "--set", f"delta_ts_ms={FULL_CURVE}", *sys.argv[1:]]))
