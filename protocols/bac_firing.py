#!/usr/bin/env python3
"""Run the `bac-firing` protocol at full resolution: writes CSV, traces, PNG figure and a JSON
of every parameter and version into --out (default results/).

    python protocols/bac_firing.py [--set name=value ...] [--out DIR]

Same as `dendriteei run bac-firing ...`; `dendriteei list` shows the parameters.
"""
import sys

from dendriteei.cli import main

if __name__ == "__main__":
    sys.exit(main(["run", "bac-firing", *sys.argv[1:]]))
