#!/usr/bin/env python3
"""Run the `stdp` protocol at full resolution (Δt from −100 to +100 ms in 5 ms steps):
writes CSV, PNG figure and a JSON of every parameter and version into --out.

    python protocols/stdp.py [--set name=value ...] [--out DIR]

Same as `dendriteei run stdp --set delta_ts_ms=...`; `dendriteei list` shows the parameters.
"""
import sys

import numpy as np

from dendriteei.cli import main

FULL_CURVE = ",".join(f"{dt:g}" for dt in np.arange(-100.0, 100.1, 5.0) if dt != 0.0)

if __name__ == "__main__":
    sys.exit(main(["run", "stdp", "--set", f"delta_ts_ms={FULL_CURVE}", *sys.argv[1:]]))
