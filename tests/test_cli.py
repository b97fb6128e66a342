"""The command line: list, run (files written), and clear errors."""
import json
import subprocess
import sys

import pandas as pd
import pytest


def _cli(*args, cwd=None):
    return subprocess.run([sys.executable, "-m", "dendriteei.cli", *args], capture_output=True,
                          text=True, cwd=cwd, timeout=600)


def test_list_shows_protocols_parameters_units_and_ranges():
    out = _cli("list")
    assert out.returncode == 0
    assert "bap-attenuation" in out.stdout and "bac-firing" in out.stdout
    assert "amplitude_nA = 1.0 nA [0.0, 20.0]" in out.stdout
    assert "preset = none {none, graupner_brunel_2012}" in out.stdout


@pytest.mark.slow
def test_run_writes_csv_png_and_json(tmp_path):
    out = _cli("run", "bap-attenuation", "--set", "cvode=true", "--set", "step_um=200",
               "--set", "settle_ms=100", "--out", str(tmp_path))
    assert out.returncode == 0, out.stderr
    table = pd.read_csv(tmp_path / "bap-attenuation.csv")
    assert {"site", "distance_um", "bap_amplitude_mV", "ca_peak_uM"} <= set(table.columns)
    meta = json.loads((tmp_path / "bap-attenuation.json").read_text())
    assert meta["parameters"]["step_um"] == 200.0 and meta["parameters"]["cvode"] is True
    assert meta["provenance"]["neuron"].startswith("9.")
    assert meta["provenance"]["mechanisms"]["mod_hash"]
    assert (tmp_path / "bap-attenuation.png").stat().st_size > 10_000


@pytest.mark.slow
def test_unknown_parameter_and_range_errors_exit_2():
    out = _cli("run", "bac-firing", "--set", "epsp_peak=1")
    assert out.returncode == 2
    assert "unknown parameter 'epsp_peak'" in out.stderr and "epsp_peak_nA" in out.stderr
    out = _cli("run", "bac-firing", "--set", "epsp_peak_nA=-1")
    assert out.returncode == 2 and "out of range [0.0, 10.0] nA" in out.stderr
    out = _cli("run", "nosuch")
    assert out.returncode == 2 and "available: bap-attenuation, bac-firing" in out.stderr
    out = _cli("run", "bac-firing", "--jobs", "0")
    assert out.returncode == 2 and "jobs = 0: expected an integer ≥ 1" in out.stderr
