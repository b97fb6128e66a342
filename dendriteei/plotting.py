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
    """Voltage at soma, injection site and hot zone for the three BAC conditions
    (the layout of Larkum et al. 1999 Fig. 1)."""
    tr = result.traces
    conditions = list(dict.fromkeys(result.summary.condition))
    sites = ("soma", "dendrite", "hot_zone")
    colors = {"soma": "k", "dendrite": "tab:red", "hot_zone": "tab:purple"}
    fig, axes = plt.subplots(len(sites), len(conditions), figsize=(4 * len(conditions), 6.5),
                             sharex=True, sharey="row")
    for col, condition in enumerate(conditions):
        part = tr[(tr.condition == condition) & (tr.variable == "v")]
        t0 = part.t_ms.min() + 10.0
        for row, site in enumerate(sites):
            s = part[part.site == site]
            axes[row, col].plot(s.t_ms - t0, s.value, lw=1, color=colors[site])
            axes[row, col].set_title(f"{condition}: {site.replace('_', ' ')}", fontsize=9)
        info = result.summary[result.summary.condition == condition].iloc[0]
        axes[0, col].text(0.98, 0.95, f"{info.n_somatic_spikes} spike(s)", transform=axes[0, col].transAxes,
                          ha="right", va="top", fontsize=8)
    for ax in axes[-1]:
        ax.set_xlabel("time from somatic pulse onset (ms)")
    for ax, site in zip(axes[:, 0], sites):
        ax.set_ylabel(f"V {site.replace('_', ' ')} (mV)")
    fig.tight_layout()
    return fig


def plot_stdp(result: ProtocolResult):
    """Δw (after/before) against Δt = t_post − t_pre, mean ± SD over synapses
    (the layout of Graupner & Brunel 2012 Fig. 2)."""
    df = result.summary
    stats = df.groupby("dt_ms").change.agg(["mean", "std"]).reset_index()
    fig, ax = plt.subplots(figsize=(5, 3.5))
    ax.axhline(1.0, color="0.6", lw=0.8)
    ax.axvline(0.0, color="0.6", lw=0.8)
    ax.errorbar(stats.dt_ms, stats["mean"], yerr=stats["std"].fillna(0.0), fmt="o-", ms=4, capsize=2)
    ax.set(xlabel="Δt = t_post − t_pre (ms)", ylabel="synaptic change (w after / w before)",
           title=f"STDP ({df.ca_mode.iloc[0]} Ca, {df.rule.iloc[0]})")
    fig.tight_layout()
    return fig
