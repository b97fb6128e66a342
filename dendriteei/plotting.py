"""Figures for protocol results (matplotlib, no NEURON)."""
from __future__ import annotations

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

from .protocols.common import ProtocolResult  # noqa: E402

#: Hay et al. 2011 bAP targets: (distance µm, mean mV, SD mV).
HAY_BAP_TARGETS = ((620.0, 45.0, 10.0), (800.0, 36.0, 9.3))


def plot_bap_attenuation(result: ProtocolResult):
    """bAP amplitude and Ca peak against distance per region, with Hay 2011 targets."""
    df = result.summary
    fig, (ax_v, ax_ca) = plt.subplots(1, 2, figsize=(10, 4))
    for region, part in df.groupby("region", sort=False):
        part = part.sort_values("distance_um")
        ax_v.plot(part.distance_um, part.bap_amplitude_mV, "o-", ms=3, label=region)
        ax_ca.plot(part.distance_um, part.ca_peak_uM - part.ca_rest_uM, "o-", ms=3, label=region)
    for d, mean, sd in HAY_BAP_TARGETS:
        ax_v.errorbar(d, mean, yerr=sd, fmt="ks", capsize=4, label="Hay 2011 target" if d == 620 else None)
    ax_v.set(xlabel="path distance from soma (µm)", ylabel="bAP amplitude (mV)", title="bAP attenuation")
    ax_ca.set(xlabel="path distance from soma (µm)", ylabel="Δ[Ca]i peak (µM)", title="bAP Ca transient")
    ax_v.legend(frameon=False, fontsize=8)
    fig.tight_layout()
    return fig


def plot_bac_firing(result: ProtocolResult):
    """Soma and dendrite voltage for the three BAC conditions (Larkum 1999 Fig. 1 layout)."""
    tr = result.traces
    conditions = list(result.summary.condition)
    fig, axes = plt.subplots(2, len(conditions), figsize=(4 * len(conditions), 5), sharex=True, sharey="row")
    for col, condition in enumerate(conditions):
        part = tr[(tr.condition == condition) & (tr.variable == "v")]
        t0 = part.t_ms.min() + 10.0
        for row, site in enumerate(("soma", "dendrite")):
            s = part[part.site == site]
            axes[row, col].plot(s.t_ms - t0, s.value, lw=1, color="k" if site == "soma" else "tab:red")
            axes[row, col].set_title(f"{condition}: {site}", fontsize=9)
        info = result.summary.iloc[col]
        axes[0, col].text(0.98, 0.95, f"{info.n_somatic_spikes} spikes", transform=axes[0, col].transAxes,
                          ha="right", va="top", fontsize=8)
    for ax in axes[1]:
        ax.set_xlabel("time from somatic pulse (ms)")
    axes[0, 0].set_ylabel("V soma (mV)")
    axes[1, 0].set_ylabel("V dendrite (mV)")
    fig.tight_layout()
    return fig
