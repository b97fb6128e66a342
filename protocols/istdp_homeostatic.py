#!/usr/bin/env python3
"""Run the `istdp-homeostatic` protocol (the seeds/003 experiment of Zenke, Agnes & Gerstner
2015: 1000 Poisson excitatory sources stepping through 0–10 Hz in 1 s epochs, τ_H = 100 ms,
γ = 5 Hz, one pre→post pair 1 ms apart per epoch): writes CSV, PNG figure and a JSON of every
parameter and version into --out.

    python protocols/istdp_homeostatic.py [--set name=value ...] [--out DIR]

Same as `dendriteei run istdp-homeostatic`; `dendriteei list` shows the parameters
(e.g. --set tau_H_ms=10000 --set epoch_ms=100000 for the paper's τ_H = 10 s).
"""
import sys

from dendriteei.cli import main

if __name__ == "__main__":
    sys.exit(main(["run", "istdp-homeostatic", *sys.argv[1:]]))
