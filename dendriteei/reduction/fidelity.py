"""Agreement measures between a full and a reduced cell: plasticity outcomes (3 × 3 confusion
matrix, agreement, Cohen's κ, Spearman ρ of Δw) and spike-train coincidence."""
from __future__ import annotations

import numpy as np
import pandas as pd
from scipy.stats import spearmanr

#: Outcomes of a plasticity protocol, in the confusion matrix's order.
OUTCOMES = ("LTD", "none", "LTP")
#: |Δw| below which a change counts as none: ±5 % (the issue's band; GB 2012 Fig. 2 call changes
#: within the noise of the measurement "no change").
BAND = 0.05


def outcome(delta_w: float, band: float = BAND) -> str:
    """'LTP' above +band, 'LTD' below −band, else 'none' (Δw relative, e.g. 0.3 = +30 %)."""
    if delta_w > band:
        return "LTP"
    if delta_w < -band:
        return "LTD"
    return "none"


def confusion(full: pd.Series, reduced: pd.Series) -> pd.DataFrame:
    """Counts: rows the full cell's outcome, columns the reduced cell's (:data:`OUTCOMES`)."""
    table = pd.crosstab(pd.Categorical(full, OUTCOMES), pd.Categorical(reduced, OUTCOMES), dropna=False)
    table.index.name, table.columns.name = "full", "reduced"
    return table.reindex(index=list(OUTCOMES), columns=list(OUTCOMES), fill_value=0)


def cohen_kappa(matrix: pd.DataFrame) -> float:
    """Cohen's κ of a confusion matrix (Cohen 1960): (p_o − p_e)/(1 − p_e); 1 when both cells
    give one and the same outcome everywhere (p_e = 1), nan on an empty matrix."""
    counts = matrix.to_numpy(dtype=float)
    total = counts.sum()
    if total == 0:
        return float("nan")
    observed = np.trace(counts) / total
    expected = float((counts.sum(axis=1) * counts.sum(axis=0)).sum() / total ** 2)
    if expected == 1.0:
        return 1.0 if observed == 1.0 else 0.0
    return float((observed - expected) / (1.0 - expected))


def spearman(full: pd.Series, reduced: pd.Series) -> float:
    """Spearman rank correlation of two Δw series (nan when either is constant)."""
    if full.nunique() < 2 or reduced.nunique() < 2:
        return float("nan")
    return float(spearmanr(full, reduced).statistic)


def agreement(rows: pd.DataFrame, variant: str) -> dict:
    """Agreement of ``variant``'s outcomes with the full cell's: n, agreement (fraction), kappa,
    spearman; ``rows`` has one row per condition and cell with columns variant, key, outcome, dw."""
    full = rows[rows.variant == "full"].set_index("key")
    other = rows[rows.variant == variant].set_index("key").reindex(full.index)
    matrix = confusion(full.outcome, other.outcome)
    n = int(matrix.to_numpy().sum())
    return {"variant": variant, "n": n, "agreement": float(np.trace(matrix.to_numpy()) / n) if n else float("nan"),
            "kappa": cohen_kappa(matrix), "spearman": spearman(full.dw, other.dw)}


def coincidence_factor(reference_ms, test_ms, duration_ms: float, window_ms: float = 4.0) -> float:
    """Kistler et al. 1997 (Neural Comput 9:1015) coincidence factor Γ of two spike trains (ms):
    coincidences within ±window_ms, corrected for chance and normalised (1 = identical, 0 = chance)."""
    reference, test = np.asarray(reference_ms, float), np.asarray(test_ms, float)
    if len(reference) == 0 and len(test) == 0:
        return 1.0
    if len(reference) == 0 or len(test) == 0:
        return 0.0
    coincident = sum(bool(np.any(np.abs(test - t) <= window_ms)) for t in reference)
    rate = len(test) / duration_ms
    expected = 2.0 * rate * window_ms * len(reference)
    normaliser = 1.0 - 2.0 * rate * window_ms
    return float((coincident - expected) / (0.5 * (len(reference) + len(test)) * normaliser))
