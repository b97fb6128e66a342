"""Input and transfer impedances of a cell at rest (NEURON's ``Impedance``)."""
from __future__ import annotations

import pandas as pd

from ..spec import CellSpec, SpecError
from .cell import build
from .simulation import Simulation

#: Frequencies (Hz) of the reduction's impedance fit: steady state and the theta band, where
#: dendritic filtering of synaptic input already shows (Amsalem et al. 2020 Nat Commun 11:288 fit
#: at one frequency; two constrain both the cable's conductance and its capacitance).
FIT_FREQUENCIES_HZ = (0.0, 10.0)


#: Fixed step (ms) of the settle to rest before an impedance measurement.
SETTLE_DT_MS = 0.5


def rest_impedances(spec: CellSpec, points, frequencies_hz=FIT_FREQUENCIES_HZ,
                    settle_ms: float = 300.0) -> pd.DataFrame:
    """Impedances at rest between the soma centre and each point ``(branch, x)``: one row per
    point and frequency with branch, x, distance_um (path distance, µm), frequency_hz,
    input_MOhm (|Z| at the point), transfer_MOhm (|Z| soma ↔ point, symmetric) and
    soma_input_MOhm. The cell first settles for ``settle_ms`` (ms); the impedance is that
    of the membrane with every channel's conductance frozen at rest. NEURON 9.0.2's extended
    impedance (channels linearised, ``Impedance.compute(f, 1)``) is not used: on a cell whose
    parameters vary between segments it gives the impedance of one segment's values everywhere
    (a soma + dendrite with g_pas 3e-5 and 6e-5 S/cm²: 549 MΩ in place of 318 MΩ)."""
    cell = build(spec)
    for branch, x in points:
        if branch not in cell.sections:
            raise SpecError(f"impedance point ({branch!r}, {x}): unknown branch; cell {spec.name!r} has "
                            f"{len(cell.sections)} branches")
    rows = []
    # Rest by fixed steps of SETTLE_DT_MS: the equilibrium is a fixed point of the step for any dt,
    # and NEURON's implicit scheme is stable there; CVODE takes longer to get there.
    with Simulation(cell, dt_ms=SETTLE_DT_MS) as sim:
        sim.run(settle_ms)
        h = cell.h
        impedance = h.Impedance()
        impedance.loc(cell.soma(0.5))
        for frequency in frequencies_hz:
            impedance.compute(float(frequency), 0)
            soma = impedance.input(cell.soma(0.5))
            for branch, x in points:
                seg = cell.sections[branch](x)
                rows.append({"branch": branch, "x": float(x), "distance_um": cell._distance(seg),
                             "frequency_hz": float(frequency), "input_MOhm": impedance.input(seg),
                             "transfer_MOhm": impedance.transfer(seg), "soma_input_MOhm": soma})
    return pd.DataFrame(rows)

