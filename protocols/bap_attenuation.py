#!/usr/bin/env python3
"""Run the `bap-attenuation` protocol at full resolution: writes CSV, traces, PNG figure and a JSON
of every parameter and version into --out (default results/).

    python protocols/bap_attenuation.py [--set name=value ...] [--out DIR]

Same as `dendriteei run bap-attenuation ...`; `dendriteei list` shows the parameters.
"""
import sys

from dendriteei.cli import main

if __name__ == "__main__":
    sys.exit(main(["run", "bap-attenuation", *sys.argv[1:]]))
