"""Every protocol's quick setting on the reconstructed cells of tests/data/morphologies (Jaxley's
test data, see its README): runs, wall time and key numbers, as a table (CSV) for the docs.

    python protocols/real_cells.py --out results/real_cells.csv

Key numbers: bAP amplitude (mV) at 0/200/400/600/800 µm (bap-attenuation, trunk and tuft, nearest
sample) and relative to the nexus; BAC Ca spike yes/no (bac-firing, paired); bAP at the gated
oblique with/without inhibition (bap-gating); w after/before at ±10 ms (stdp); the rest: rows.
"""
from __future__ import annotations

import argparse
from dataclasses import replace
import time
import traceback
import warnings
from pathlib import Path

import pandas as pd

from dendriteei.latency import one_spike_pulse, somatic_spike_count
from dendriteei.morphology import load_morphology
from dendriteei.protocols import PROTOCOLS

CELLS = ("morph_l5pc_with_axon.swc", "morph_allen_485574832.swc", "morph_ca1_n120.swc")
#: Settings a reconstructed cell needs beyond the quick setting: inhibitory-balance places its
#: inputs on the dendrites (its default target is a point cell).
ON_A_FULL_CELL = {"inhibitory-balance": {"target": "pyramidal"}}


def key_numbers(name: str, result, spec, params) -> str:
    s = result.summary
    if name == "bap-attenuation":
        apical = s[s.region.isin(["trunk", "tuft"])]
        parts = []
        for d in (0, 200, 400, 600, 800):
            row = s[s.site == "soma"] if d == 0 else apical.iloc[(apical.distance_um - d).abs().argsort()[:1]]
            if d and abs(float(row.distance_um.iloc[0]) - d) > 60:
                parts.append(f"{d}: –")
            else:
                parts.append(f"{d}: {float(row.bap_amplitude_mV.iloc[0]):.0f}")
        nexus = apical.iloc[(apical.distance_um - spec.nexus_um).abs().argsort()[:1]]
        return "bAP mV at µm " + ", ".join(parts) + f"; at nexus ({spec.nexus_um:.0f} µm) {float(nexus.bap_amplitude_mV.iloc[0]):.0f}"
    if name == "bac-firing":
        paired = s[(s.condition == "paired") & (s.site == "hot_zone")].iloc[0]
        dend = s[(s.condition == "dendrite") & (s.site == "hot_zone")].iloc[0]
        return (f"BAC {'yes' if paired.ca_spike else 'no'} (paired: {paired.n_somatic_spikes} spikes, plateau "
                f"{paired.ca_plateau_width_ms:.0f} ms; EPSP alone {'Ca spike' if dend.ca_spike else 'no Ca spike'})")
    if name == "bap-gating":
        gated = s[s.site == "oblique_0"].set_index("g_nS").bap_amplitude_mV
        return (f"oblique_0 bAP {gated.iloc[0]:.0f} → {gated.iloc[-1]:.0f} mV with {gated.index[-1]:g} nS "
                f"(pulse {params.soma_amplitude_nA:g} nA, {params.soma_duration_ms:g} ms)")
    if name == "stdp":
        return ", ".join(f"{dt:+g} ms: {c:.3f}" for dt, c in s.groupby("delta_t_ms").change.mean().items())
    return f"{len(s)} rows"


def one_spike(spec, params):
    """bap-gating's parameters with a somatic pulse that fires exactly once on this cell."""
    if somatic_spike_count(spec, params, params.soma_amplitude_nA, params.soma_duration_ms, 45.0) == 1:
        return params
    pulse = one_spike_pulse(spec, params, params.soma_duration_ms, 20.0)
    if pulse is None:
        return params   # the protocol's own error says so
    return replace(params, soma_amplitude_nA=pulse[0], soma_duration_ms=pulse[1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--morphologies", default=str(Path(__file__).resolve().parents[1] / "tests" / "data" / "morphologies"))
    parser.add_argument("--out", default="results/real_cells.csv")
    parser.add_argument("--protocols", default=",".join(PROTOCOLS))
    args = parser.parse_args()
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    rows = []
    for cell in CELLS:
        path = Path(args.morphologies) / cell
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            spec = load_morphology(path)
        for name in args.protocols.split(","):
            protocol = PROTOCOLS[name]
            start = time.perf_counter()
            try:
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    params = protocol.quick_params(cell=str(path), **ON_A_FULL_CELL.get(name, {}))
                    if name == "bap-gating":   # needs exactly one somatic spike
                        params = one_spike(spec, params)
                    result = protocol.run(params, spec=spec)
                status, numbers = "ok", key_numbers(name, result, spec, params)
            except Exception as error:   # reported in the table, the next run goes on
                status, numbers = "error", f"{type(error).__name__}: {error}"
                traceback.print_exc()
            rows.append({"protocol": name, "cell": cell, "status": status,
                         "seconds": round(time.perf_counter() - start, 1), "key_numbers": numbers})
            print(rows[-1], flush=True)
            pd.DataFrame(rows).to_csv(out, index=False)   # finished work is never lost


if __name__ == "__main__":
    main()
