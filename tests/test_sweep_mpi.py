"""The mpi backend (mpi4py.futures under mpiexec, 2 worker ranks) gives the serial table."""
import json
import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pandas as pd
import pytest

from dendriteei.sweeps import read, sweep

MPIEXEC = shutil.which("mpiexec", path=os.pathsep.join([str(Path(sys.executable).parent), os.environ["PATH"]]))
SMALL = {"settle_ms": 20.0, "window_ms": 10.0, "step_um": 400.0}
GRID = {"amplitude_nA": "1:2:1", "duration_ms": [2.0, 5.0]}


@pytest.mark.skipif(MPIEXEC is None,
                    reason="mpiexec not found beside python or on PATH: pip install 'dendriteei[mpi]'")
@pytest.mark.slow
def test_mpi_backend_gives_the_serial_table(tmp_path):
    pytest.importorskip("mpi4py", reason="mpi4py not installed: pip install 'dendriteei[mpi]'")
    out = tmp_path / "mpi.csv"
    script = tmp_path / "sweep_mpi.py"
    script.write_text(textwrap.dedent(f"""
        from dendriteei import sweep
        if __name__ == "__main__":
            sweep("bap-attenuation", {GRID!r}, fixed={SMALL!r}, backend="mpi", out={str(out)!r})
    """))
    # 3 ranks: rank 0 runs the script, ranks 1 and 2 run the simulations
    command = [MPIEXEC, "--oversubscribe", "-n", "3"]
    if os.geteuid() == 0:
        command.append("--allow-run-as-root")
    done = subprocess.run([*command, sys.executable, "-m", "mpi4py.futures", str(script)],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    serial = sweep("bap-attenuation", GRID, fixed=SMALL, backend="serial", out=tmp_path / "serial.csv")
    mpi = read(out)
    from_serial = read(tmp_path / "serial.csv")
    pd.testing.assert_frame_equal(mpi.drop(columns="run_time_s"), from_serial.drop(columns="run_time_s"),
                                  check_exact=True)
    assert len(serial) == len(mpi) == 4 * 5 and (mpi.status == "ok").all()   # 4 runs × 5 sites (soma + 4 path profiles)
    pids = {json.loads(p.read_text())["pid"] for p in out.with_suffix(".runs").glob("*.json")}
    assert len(pids) == 2  # both worker ranks ran simulations
    assert mpi.attrs["sweep"]["sweep"]["backend"] == "mpi"


@pytest.mark.slow
def test_mpi_backend_outside_mpiexec_says_how_to_launch(tmp_path):
    """Run in a subprocess: MPI is initialised once per process and should not be in pytest's."""
    pytest.importorskip("mpi4py", reason="mpi4py not installed: pip install 'dendriteei[mpi]'")
    code = ("from dendriteei.cli import main; "
            "main(['sweep', 'bap-attenuation', '--backend', 'mpi', '--grid', 'amplitude_nA=1,2', '--out', 'x.csv'])")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, cwd=tmp_path)
    launch = "the mpi backend needs worker ranks: launch with `mpiexec -n <ranks> python -m mpi4py.futures"
    assert launch in done.stderr
    assert list(tmp_path.iterdir()) == []  # refused before anything was written
