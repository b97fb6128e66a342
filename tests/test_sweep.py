"""Parameter sweeps: validation before any run, seeds, identical tables across backends,
failures recorded, nothing lost or recomputed when a sweep is killed and resumed."""
import json
import os
import signal
import subprocess
import sys
import textwrap
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from dendriteei import __version__
from dendriteei.engine import mechanisms
from dendriteei.cli import main as cli_main
from dendriteei.parameters import ParameterError, parameter
from dendriteei.protocols import Protocol, bap_attenuation
from dendriteei.protocols.common import ProtocolResult
from dendriteei.sweeps import grid as sweep_grid
from dendriteei.sweeps import SweepError, read, sweep

# --- a fast protocol without NEURON: outputs are functions of x and the seed ---------------


@dataclass(frozen=True)
class FakeParams:
    x: float = parameter(1.0, "mV", -10.0, 10.0, "input")
    mode: str = parameter("ok", "", doc="what the run does",
                          choices=("ok", "raise", "nan", "partial-nan", "inf", "hang", "crash"))
    delay_s: float = parameter(0.0, "s", 0.0, 60.0, "sleep before computing")
    regions: tuple = parameter(("a", "b"), "", doc="one summary row per item")
    seed: int = parameter(1, "", 0, 2**31 - 1, "seed of the noise")


def fake_run(params: FakeParams, spec=None) -> ProtocolResult:
    """y = 2x + N(0, 1) from the seed, one row per region; logs every call to $DEI_FAKE_LOG."""
    if os.environ.get("DEI_FAKE_LOG"):
        with open(os.environ["DEI_FAKE_LOG"], "a") as log:
            log.write(f"{params.x} {params.mode}\n")
    time.sleep(params.delay_s)
    stop = os.environ.get("DEI_FAKE_STOP")
    if stop and Path(stop).exists() and params.x == 3.0:
        raise KeyboardInterrupt("stopped by the test")
    if params.mode == "raise":
        raise RuntimeError(f"bad x = {params.x}")
    if params.mode == "hang":
        time.sleep(600)
    if params.mode == "crash":
        os._exit(3)
    noise = np.random.default_rng(params.seed).normal()
    rows = [{"site": r, "x": params.x, "y": 2 * params.x + noise, "z": float(i)}
            for i, r in enumerate(params.regions)]
    summary = pd.DataFrame(rows)
    if params.mode == "nan":
        summary["y"] = np.nan
    if params.mode == "partial-nan":
        summary.loc[0, "z"] = np.nan
    if params.mode == "inf":
        summary.loc[1, "z"] = np.inf
    return ProtocolResult(summary)


def fake_plot(result):
    return None


FAKE = Protocol("fake", FakeParams, fake_run, fake_plot, "test protocol")


def fake_y(x, seed):
    return 2 * x + np.random.default_rng(seed).normal()


def calls(log: Path) -> list[str]:
    return log.read_text().splitlines() if log.exists() else []


@pytest.fixture
def log(tmp_path, monkeypatch):
    path = tmp_path / "calls.log"
    monkeypatch.setenv("DEI_FAKE_LOG", str(path))
    return path


def same_table(a: pd.DataFrame, b: pd.DataFrame) -> None:
    """Equal in every value but run_time_s (the only column that depends on the machine)."""
    pd.testing.assert_frame_equal(a.drop(columns="run_time_s"), b.drop(columns="run_time_s"), check_exact=True)


# --- validation: fails before any run --------------------------------------------------------


@pytest.mark.parametrize("kwargs, message", [
    ({"grid": {"amplitude": [1.0]}}, "unknown parameter 'amplitude'.*Did you mean amplitude_nA"),
    ({"grid": {"amplitude_nA": [1.0, 25.0]}}, r"amplitude_nA = 25.0 nA is out of range \[0.0, 20.0\] nA"),
    ({"grid": {"amplitude_nA": "5:1:1"}}, "empty range"),
    ({"grid": {"amplitude_nA": []}}, "empty list"),
    ({"grid": {"amplitude_nA": "1,abc"}}, "'abc' is not a valid float"),
    ({"grid": {"amplitude_nA": "1:2"}}, "start:stop:step"),
    ({"grid": {"amplitude_nA": "0:1:0"}}, "non-zero"),
    ({"grid": {"cvode": ["maybe"]}}, "not a valid bool"),
    ({"grid": {"cell": ["no_such_cell"]}}, "not a built-in cell"),
    ({"grid": {"duration_ms": [1, 1.0]}}, "repeats run 0"),
    ({"grid": {"duration_ms": [1]}, "fixed": {"duration_ms": 2}}, "also set as a fixed parameter"),
    ({"runs": [{"duration_ms": 2}], "grid": {"duration_ms": [1]}}, "also set by the grid"),
    ({"runs": [{"step": 2}]}, r"runs\[0\].*Did you mean step_um"),
    ({"runs": []}, "runs: the list is empty"),
    ({"fixed": {"window_ms": 1.0}}, r"window_ms = 1.0 ms is out of range \[5.0, 1000.0\] ms"),
    ({"backend": "threads"}, "backend = 'threads'"),
    ({"backend": "serial", "timeout_s": 5}, "timeout_s needs backend"),
    ({"jobs": 0}, "jobs = 0"),
    ({"seed": -1}, "sweep seed"),
    ({"out": "table.txt"}, r"\.csv or \.parquet"),
])
def test_invalid_sweeps_fail_before_any_run(kwargs, message, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(ParameterError, match=message):
        sweep("bap-attenuation", **{"backend": "serial", **kwargs})
    assert list(tmp_path.iterdir()) == []  # nothing written, nothing simulated


def test_invalid_grid_value_names_nothing_ran(log, tmp_path):
    with pytest.raises(ParameterError, match=r"grid x: x = 11.0 mV is out of range \[-10.0, 10.0\] mV"):
        sweep(FAKE, grid={"x": [1.0, 11.0]}, backend="serial", out=tmp_path / "t.csv")
    with pytest.raises(ParameterError, match="unknown protocol 'nope'"):
        sweep("nope")
    assert calls(log) == []


def test_ranges_lists_and_tuple_values():
    assert sweep_grid.axis_values("a", "0:1:0.1", 1.0)[3] == 0.3  # no 0.30000000000000004
    assert sweep_grid.axis_values("a", "0:1:0.1", 1.0)[-1] == 1.0  # stop included on the grid
    assert sweep_grid.axis_values("a", "0:1:0.3", 1.0) == [0.0, 0.3, 0.6, 0.9]  # off-grid stop excluded
    assert sweep_grid.axis_values("a", "1:0:-0.5", 1.0) == [1.0, 0.5, 0.0]
    assert sweep_grid.axis_values("n", "2:6:2", 1) == [2, 4, 6]
    assert sweep_grid.axis_values("a", "1, 2.5", 1.0) == ["1", "2.5"]
    assert sweep_grid.axis_values("a", np.array([1.0, 2.0]), 1.0) == [1.0, 2.0]
    runs = sweep_grid.plan(FAKE, grid={"regions": "a,b;c"})
    assert [r.params["regions"] for r in runs] == [("a", "b"), ("c",)]
    assert sweep_grid.axis_values("delta_ts_ms", "-10:10:10", (1.0, 2.0)) == [(-10.0,), (0.0,), (10.0,)]
    assert sweep_grid.axis_values("delta_ts_ms", "-10,10;20", (1.0, 2.0)) == ["-10,10", "20"]


# --- seeds ------------------------------------------------------------------------------------


def test_seeds_depend_on_parameters_not_order():
    forward = sweep_grid.plan(FAKE, grid={"x": [1, 2, 3], "delay_s": [0, 0.5]}, seed=7)
    backward = sweep_grid.plan(FAKE, grid={"delay_s": [0.5, 0], "x": [3, 2, 1]}, seed=7)
    by_params = {(r.params["x"], r.params["delay_s"]): (r.seed, r.run_id) for r in forward}
    assert by_params == {(r.params["x"], r.params["delay_s"]): (r.seed, r.run_id) for r in backward}
    assert len({seed for seed, _ in by_params.values()}) == 6
    assert all(r.params["seed"] == r.seed for r in forward)  # injected into the protocol's seed
    other = sweep_grid.plan(FAKE, grid={"x": [1, 2, 3], "delay_s": [0, 0.5]}, seed=8)
    assert not {r.seed for r in other} & {s for s, _ in by_params.values()}
    fixed = sweep_grid.plan(FAKE, grid={"x": [1, 2]}, fixed={"seed": 5})
    assert [r.seed for r in fixed] == [5, 5]
    # sha256-based: the same on every machine, Python version and run (pinned)
    assert sweep_grid.derive_seed(0, "fake", {"x": 1.0}) == 1660758163


# --- runs, failures and backends ------------------------------------------------------------


@pytest.mark.slow
def test_failures_are_recorded_and_the_sweep_goes_on(log, tmp_path):
    modes = ["ok", "raise", "nan", "partial-nan", "inf", "hang", "crash", "ok"]
    runs = [{"x": float(i), "mode": m} for i, m in enumerate(modes)]
    frame = sweep(FAKE, runs=runs, backend="process", jobs=2, timeout_s=2, out=tmp_path / "t.csv")
    status = frame.drop_duplicates("run_id").set_index("x")
    assert list(status.status) == ["ok", "error", "error", "ok", "error", "error", "error", "ok"]
    assert status.error[1.0].startswith("RuntimeError: bad x = 1.0")
    assert status.error[2.0] == ("NonFinite: NaN in every row of y (choose the columns that must be "
                                 "finite with check_finite=[...] or --check-finite)")
    assert status.error[4.0].startswith("NonFinite: infinite values in z")
    assert status.error[5.0] == "Timeout: no result after 2 s; the worker process was killed"
    assert status.error[6.0] == "WorkerDied: the worker process ended with exit code 3 during this run"
    assert frame.groupby("x").size().to_dict() == {0.0: 2, 1.0: 1, 2.0: 1, 3.0: 2, 4.0: 1, 5.0: 1, 6.0: 1, 7.0: 2}
    ok = frame[frame.status == "ok"]
    assert np.allclose(ok.y, [fake_y(x, s) for x, s in zip(ok.x, ok.seed)], rtol=0, atol=1e-12)
    assert frame.attrs["sweep"] == {**frame.attrs["sweep"], "planned": 8, "ok": 3, "error": 5, "missing": 0}
    # the saved run file keeps the traceback of a run that raised
    record = json.loads((tmp_path / "t.runs" / f"{status.run_id[1.0]}.json").read_text())
    assert "Traceback" in record["traceback"] and "bad x" in record["traceback"]
    # check_finite chooses the columns: y must be finite, z may be NaN or inf
    chosen = sweep(FAKE, runs=runs[2:5], backend="serial", check_finite=["y"])
    assert list(chosen.drop_duplicates("run_id").status) == ["error", "ok", "ok"]
    assert chosen.error.iloc[0] == "NonFinite: non-finite values in y"


SMALL = {"settle_ms": 20.0, "window_ms": 10.0, "step_um": 400.0}
GRID = {"amplitude_nA": "1:2:1", "duration_ms": [2.0, 5.0]}


@pytest.fixture(scope="module")
def serial_table(tmp_path_factory):
    out = tmp_path_factory.mktemp("serial") / "bap.csv"
    return sweep("bap-attenuation", GRID, fixed=SMALL, backend="serial", out=out), out


@pytest.mark.slow
def test_table_holds_the_protocols_own_results(serial_table):
    frame, _ = serial_table
    assert frame.attrs["sweep"]["ok"] == 4 and (frame.status == "ok").all()
    one = frame[(frame.amplitude_nA == 2.0) & (frame.duration_ms == 5.0)].reset_index(drop=True)
    direct = bap_attenuation.run(bap_attenuation.BapAttenuationParams(amplitude_nA=2.0, duration_ms=5.0, **SMALL))
    pd.testing.assert_frame_equal(one[direct.summary.columns], direct.summary, check_exact=True)
    assert (one.regions == "trunk,tuft,oblique,basal").all() and (one.settle_ms == 20.0).all()
    # the stimulus matters: a 1 nA, 2 ms pulse gives a different soma peak than 2 nA, 5 ms
    soma = frame[frame.site == "soma"].set_index(["amplitude_nA", "duration_ms"]).v_peak_mV
    assert soma[(1.0, 2.0)] != soma[(2.0, 5.0)]


@pytest.mark.slow
def test_process_backend_gives_the_serial_table(serial_table, tmp_path):
    frame, out = serial_table
    parallel = sweep("bap-attenuation", GRID, fixed=SMALL, backend="process", jobs=2, out=tmp_path / "bap.csv")
    same_table(frame, parallel)
    pids = {json.loads(p.read_text())["pid"] for p in (tmp_path / "bap.runs").glob("*.json")}
    assert len(pids) == 2  # both workers ran
    same_table(read(out), read(tmp_path / "bap.csv"))  # and the files agree


@pytest.mark.slow
def test_provenance_in_the_side_car(serial_table):
    _, out = serial_table
    side = json.loads(out.with_suffix(".json").read_text())
    prov = side["provenance"]
    assert prov["dendriteei"] == __version__ and prov["neuron"].startswith("9.")
    assert prov["mod_hash"] == mechanisms.mod_hash()
    assert {"git_commit", "date", "host", "python", "numpy", "pandas"} <= set(prov)
    assert side["complete"] and side["protocol"] == "bap-attenuation"
    assert side["sweep"]["grid"] == {"amplitude_nA": [1.0, 2.0], "duration_ms": [2.0, 5.0]}
    assert {row["name"]: row["unit"] for row in side["parameters"]}["amplitude_nA"] == "nA"
    assert len(list(out.with_suffix(".runs").glob("*.json"))) == 4


def test_parquet_holds_the_table_and_the_provenance(tmp_path):
    pq = pytest.importorskip("pyarrow.parquet", reason="pyarrow not installed: pip install 'dendriteei[parquet]'")
    out = tmp_path / "t.parquet"
    frame = sweep(FAKE, grid={"x": [1.0, 2.0], "regions": "a,b;c"}, backend="serial", out=out)
    same_table(read(out), frame)
    meta = json.loads(pq.read_schema(out).metadata[b"dendriteei"])
    assert meta["provenance"]["mod_hash"] == mechanisms.mod_hash() and meta["counts"]["ok"] == 4
    assert list(frame.drop_duplicates("run_id").regions) == ["a,b", "c", "a,b", "c"]


def test_select_gives_one_row_per_run_and_clashing_outputs_are_renamed():
    frame = sweep(FAKE, grid={"x": [1.0, 2.0]}, backend="serial", select={"site": "b"})
    assert len(frame) == 2 and (frame.site == "b").all()
    assert list(frame.out_x) == list(frame.x)  # the summary's own x column, renamed
    with pytest.raises(ParameterError, match="matches no summary row"):
        sweep(FAKE, grid={"x": [1.0]}, backend="serial", select={"site": "c"})


def test_progress_bar_on_request_quiet_otherwise(capsys):
    runs = [{"x": 1.0}, {"x": 2.0, "mode": "raise"}]
    sweep(FAKE, runs=runs, backend="serial")  # stderr is not a terminal under pytest
    assert capsys.readouterr().err == ""
    sweep(FAKE, runs=runs, backend="serial", progress=True)
    bar = capsys.readouterr().err
    assert "0/2" in bar and "2/2" in bar and "failed 1" in bar and "<" in bar  # done, failed, elapsed<ETA


def test_heatmap_draws_each_runs_value_and_failed_runs_grey():
    import matplotlib.pyplot as plt

    from dendriteei.plotting import plot_sweep_heatmap
    frame = sweep(FAKE, grid={"mode": ["ok", "raise"], "x": [2.0, 1.0]}, backend="serial")
    figure = plot_sweep_heatmap(frame, "x", "mode", "y", {"site": "a"})
    cells = figure.axes[0].images[0].get_array()
    ok = frame[(frame.status == "ok") & (frame.site == "a")].sort_values("x")
    assert list(cells[0]) == list(ok.y)  # row "ok", columns x = 1, 2
    assert cells.mask[1].all()  # row "raise": no value
    with pytest.raises(ValueError, match="several rows per"):
        plot_sweep_heatmap(frame, "x", "mode", "y")
    plt.close(figure)


# --- nothing lost, nothing computed twice --------------------------------------------------


def test_interrupted_sweep_resumes_to_the_uninterrupted_table(log, tmp_path, monkeypatch):
    grid = {"x": [1.0, 2.0, 3.0, 4.0, 5.0]}
    whole = sweep(FAKE, grid=grid, backend="serial", out=tmp_path / "whole.csv")
    stop = tmp_path / "STOP"
    stop.touch()
    monkeypatch.setenv("DEI_FAKE_STOP", str(stop))
    out = tmp_path / "cut.csv"
    with pytest.raises(KeyboardInterrupt):
        sweep(FAKE, grid=grid, backend="serial", out=out)  # stops inside the run x = 3
    partial = read(out)
    assert list(partial.x.unique()) == [1.0, 2.0] and not partial.attrs["sweep"]["complete"]
    stop.unlink()
    log.unlink()
    resumed = sweep(FAKE, grid=grid, backend="serial", out=out)
    assert calls(log) == ["3.0 ok", "4.0 ok", "5.0 ok"]  # 1 and 2 were not computed again
    assert resumed.attrs["sweep"]["reused"] == 2 and resumed.attrs["sweep"]["computed"] == 3
    same_table(whole, resumed)
    same_table(read(tmp_path / "whole.csv"), read(out))


@pytest.mark.slow
def test_killed_process_sweep_resumes(log, tmp_path):
    """SIGKILL a sweep of 2 worker processes midway; the same call finishes the rest."""
    out = tmp_path / "killed.csv"
    script = tmp_path / "run.py"
    script.write_text(textwrap.dedent(f"""
        from test_sweep import FAKE
        from dendriteei.sweeps import sweep
        if __name__ == "__main__":
            sweep(FAKE, grid={{"x": [float(i) for i in range(10)]}}, fixed={{"delay_s": 0.15}},
                  backend="process", jobs=2, out={str(out)!r})
    """))
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(Path(__file__).parent), *sys.path])}
    child = subprocess.Popen([sys.executable, str(script)], env=env, start_new_session=True,
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    runs_dir = out.with_suffix(".runs")
    deadline = time.monotonic() + 120
    while len(list(runs_dir.glob("*.json"))) < 4 and time.monotonic() < deadline and child.poll() is None:
        time.sleep(0.05)
    os.killpg(child.pid, signal.SIGKILL)
    child.wait()
    before = {p.name: p.stat().st_mtime_ns for p in runs_dir.glob("*.json")}
    assert 4 <= len(before) < 10, "the sweep was not stopped midway"
    finished_x = {json.loads((runs_dir / name).read_text())["params"]["x"] for name in before}
    resumed = sweep(FAKE, grid={"x": [float(i) for i in range(10)]}, fixed={"delay_s": 0.15},
                    backend="process", jobs=2, out=out)
    assert resumed.attrs["sweep"]["reused"] == len(before)
    assert resumed.attrs["sweep"]["computed"] == 10 - len(before)
    counted = pd.Series([float(line.split()[0]) for line in calls(log)]).value_counts()
    assert all(counted[x] == 1 for x in finished_x)  # no finished run was computed twice
    assert {p.name: p.stat().st_mtime_ns for p in runs_dir.glob("*.json") if p.name in before} == before
    whole = sweep(FAKE, grid={"x": [float(i) for i in range(10)]}, fixed={"delay_s": 0.15}, backend="serial")
    same_table(whole, resumed)


def test_resume_false_recomputes_and_retry_errors(log, tmp_path):
    out = tmp_path / "t.csv"
    runs = [{"x": 1.0}, {"x": 2.0, "mode": "raise"}]
    sweep(FAKE, runs=runs, backend="serial", out=out)
    again = sweep(FAKE, runs=runs, backend="serial", out=out, retry_errors=True)
    assert again.attrs["sweep"]["reused"] == 1 and calls(log) == ["1.0 ok", "2.0 raise", "2.0 raise"]
    fresh = sweep(FAKE, runs=runs, backend="serial", out=out, resume=False)
    assert fresh.attrs["sweep"]["reused"] == 0 and len(calls(log)) == 5
    saved = next(out.with_suffix(".runs").glob("*.json"))
    saved.write_text(saved.read_text().replace(mechanisms.mod_hash(), "0" * 64))
    with pytest.raises(SweepError, match="1 saved runs .* other mod files"):
        sweep(FAKE, runs=runs, backend="serial", out=out)
    assert len(calls(log)) == 5


# --- command line ------------------------------------------------------------------------------


@pytest.mark.slow
def test_cli_sweep_writes_table_and_resumes(serial_table, tmp_path, capsys):
    frame, _ = serial_table
    out = tmp_path / "cli.csv"
    argv = ["sweep", "bap-attenuation", "--grid", "amplitude_nA=1:2:1", "--grid", "duration_ms=2,5",
            *[f"--set={k}={v}" for k, v in SMALL.items()], "--backend", "serial", "--out", str(out)]
    assert cli_main(argv) == 0
    same_table(read(out), frame)
    assert cli_main(argv) == 0
    assert "4 runs (4 reused from earlier), 4 ok, 0 failed" in capsys.readouterr().out
    assert cli_main(["sweep", "bap-attenuation", "--grid", "amplitude=1,2", "--out", str(out)]) == 2
    assert "Did you mean amplitude_nA" in capsys.readouterr().err


def test_cli_run_files_csv_and_json(tmp_path, capsys):
    tiny = ["--set", "cell=point_soma", "--set", "settle_ms=5", "--set", "window_ms=5", "--set", "regions=soma",
            "--check-finite", "v_peak_mV", "--backend", "serial"]
    (tmp_path / "runs.csv").write_text("amplitude_nA,duration_ms\n1.5,2\n2.5,\n")
    (tmp_path / "runs.json").write_text(json.dumps([{"amplitude_nA": 1.5, "duration_ms": 2}, {"amplitude_nA": 2.5}]))
    tables = []
    for name in ("runs.csv", "runs.json"):
        out = tmp_path / f"{name}.out.csv"
        argv = ["sweep", "bap-attenuation", "--run-file", str(tmp_path / name), *tiny, "--out", str(out)]
        assert cli_main(argv) == 0
        tables.append(read(out))
    same_table(*tables)
    assert list(tables[0].drop_duplicates("run_id").duration_ms) == [2.0, 5.0]  # empty cell: the default
    assert cli_main(["sweep", "bap-attenuation", "--run-file", str(tmp_path / "nope.json"), *tiny]) == 2
    assert "no such file" in capsys.readouterr().err


def test_cli_ctrl_c_says_how_to_resume(monkeypatch, tmp_path, capsys):
    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt
    monkeypatch.setattr("dendriteei.sweeps.sweep", interrupted)
    argv = ["sweep", "bap-attenuation", "--grid", "amplitude_nA=1,2", "--out", str(tmp_path / "t.csv")]
    assert cli_main(argv) == 130
    assert f"saved in {tmp_path / 't.runs'}/ and the same command resumes it" in capsys.readouterr().err
    assert cli_main([*argv, "--no-resume"]) == 130
    assert "the same command without --no-resume resumes it" in capsys.readouterr().err
