"""Figures for protocol results (matplotlib, no NEURON)."""
from __future__ import annotations

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib import colors, patheffects, ticker  # noqa: E402
from matplotlib.collections import LineCollection  # noqa: E402

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

#: Hay et al. 2011 bAP targets: (distance µm, mean mV, SD mV).
HAY_BAP_TARGETS = ((620.0, 45.0, 10.0), (800.0, 36.0, 9.3))


def plot_bap_attenuation(result):
    """bAP amplitude and Ca peak against distance per region (profile 'all': mean and min–max
    band), with Hay 2011 targets, and the cell coloured by each segment's bAP amplitude."""
    df = result.summary
    spread = "bap_amplitude_min_mV" in df
    fig, (ax_v, ax_ca, ax_cell) = plt.subplots(1, 3, figsize=(14, 5.5), width_ratios=(1, 1, 0.75))
    for k, (region, part) in enumerate(df.groupby("region", sort=False)):
        part = part.sort_values("distance_um")
        color = f"C{k}"
        ax_v.plot(part.distance_um, part.bap_amplitude_mV, "o-", ms=3, color=color, label=region)
        ax_ca.plot(part.distance_um, part.ca_peak_uM - part.ca_rest_uM, "o-", ms=3, color=color, label=region)
        if spread:
            ax_v.fill_between(part.distance_um, part.bap_amplitude_min_mV, part.bap_amplitude_max_mV,
                              color=color, alpha=0.2, lw=0)
            ax_ca.fill_between(part.distance_um, part.ca_peak_min_uM - part.ca_rest_uM,
                               part.ca_peak_max_uM - part.ca_rest_uM, color=color, alpha=0.2, lw=0)
    for d, mean, sd in HAY_BAP_TARGETS:
        ax_v.errorbar(d, mean, yerr=sd, fmt="ks", capsize=4, label="Hay 2011 target" if d == 620 else None)
    how = "all segments: mean, min–max" if spread else "path to each region's farthest tip"
    ax_v.set(xlabel="path distance from soma (µm)", ylabel="bAP amplitude (mV)", title=f"bAP attenuation ({how})")
    ax_ca.set(xlabel="path distance from soma (µm)", ylabel="Δ[Ca]i peak (µM)", title="bAP Ca transient")
    ax_v.legend(frameon=False, fontsize=8)
    for ax in (ax_v, ax_ca):
        ax.title.set_fontsize(10)
    segments = result.tables.get("segments")
    if segments is None:
        ax_cell.set_axis_off()
    else:
        plot_morphology(segments, segments.bap_amplitude_mV, ax=ax_cell, label="bAP amplitude (mV)",
                        sites=result.tables.get("sites"))
        ax_cell.set_title("bAP amplitude per segment", fontsize=10)
    fig.tight_layout()
    return fig


#: Tags of the apical tree, drawn pointing up by plot_morphology.
APICAL_TAGS = ("trunk", "oblique", "tuft")
#: Marker and colour of each kind of site drawn by plot_morphology.
SITE_STYLES = {"excitatory": ("^", "tab:red"), "inhibitory": ("o", "tab:blue"),
               "stimulus": ("*", "k"), "recording": ("D", "0.4")}


def plot_morphology(segments: pd.DataFrame, values=None, ax=None, label: str = "", cmap: str = "viridis",
                    sites: pd.DataFrame | None = None, limits: tuple | None = None):
    """The cell in 2-D from its segments table (:meth:`dendriteei.engine.BuiltCell.segments`): one
    line per segment, width ∝ diameter (with a floor), coloured by ``values`` (one per segment row,
    e.g. bAP amplitude; NaN: grey) on ``cmap`` with a colour bar labelled ``label`` and the colour
    range ``limits`` (default: the values' range). Cells with 3-D points are drawn in their x–y
    projection, stylised cells as a dendrogram (height: path distance, apical tree up). ``sites``:
    rows of name, kind (SITE_STYLES), branch and x (0–1 along it), marked and labelled. Equal
    aspect, a 100 µm scale bar instead of axes. Returns the figure."""
    if ax is None:
        _, ax = plt.subplots(figsize=(5, 6))
    ends, connectors = morphology_layout(segments)
    widths = np.clip(segments.diam_um.to_numpy(), 1.2, 6.0)
    lines = LineCollection(ends, linewidths=widths, capstyle="round")
    if values is None:
        lines.set_color("0.35")
    else:
        values = np.asarray(values, dtype=float)
        if values.shape != (len(segments),):
            raise ValueError(f"values: one per segment ({len(segments)}), got shape {values.shape}")
        low, high = limits if limits is not None else (np.nanmin(values), np.nanmax(values))
        lines.set_array(np.ma.masked_invalid(values))
        lines.set_cmap(plt.get_cmap(cmap).with_extremes(bad="0.75"))
        lines.set_norm(colors.Normalize(low, high))
    if connectors:
        ax.add_collection(LineCollection(connectors, linewidths=0.6, colors="0.6", zorder=0))
    ax.add_collection(lines)
    if values is not None:
        ax.figure.colorbar(lines, ax=ax, label=label, shrink=0.7)
    if sites is not None:
        _mark_sites(ax, sites, segments, ends)
    ax.set_aspect("equal")
    ax.autoscale_view()
    ax.set_axis_off()
    _scale_bar(ax, 100.0)
    return ax.figure


def morphology_layout(segments: pd.DataFrame) -> tuple:
    """(ends, connectors): each segment's drawn proximal and distal point, shape (segments, 2, 2)
    in µm, and the lines joining a dendrogram's branches. Segments with 2-D coordinates keep them
    (mirrored top to bottom if the apical tree lies below the soma); if some do, branches without
    (an SWC cell's stylised axon) run straight from their parent's point away from the cell's
    centre, else the cell is a dendrogram (:func:`_dendrogram`)."""
    coordinates = segments[["x0_um", "y0_um", "x1_um", "y1_um"]].to_numpy(dtype=float)
    if np.isnan(coordinates).all():
        return _dendrogram(segments)
    ends = coordinates.reshape(-1, 2, 2).copy()
    rows = _branch_rows(segments)
    apical = segments.tag.isin(APICAL_TAGS).to_numpy()
    root = segments.parent.map(lambda parent: not isinstance(parent, str)).to_numpy()
    if apical.any() and np.nanmean(ends[apical, :, 1]) < np.nanmean(ends[root, :, 1]):
        ends[:, :, 1] *= -1.0   # mirrored so that the apical tree points up
    centre = np.nanmean(ends.reshape(-1, 2), axis=0)
    direction = {}
    for branch in sorted(rows, key=lambda b: _depth(segments, rows, b)):
        index = rows[branch]
        if not np.isnan(ends[index]).any():
            continue
        first = segments.iloc[index[0]]
        start = _point_on(ends[rows[first.parent]], first.parent_x)
        away = start - centre
        direction[branch] = direction.get(first.parent, away / (np.linalg.norm(away) or 1.0))
        bounds = np.concatenate(([0.0], np.cumsum(segments.length_um.to_numpy()[index])))
        points = start + bounds[:, None] * direction[branch]
        ends[index] = np.stack([points[:-1], points[1:]], axis=1)
    return ends, []


def _branch_rows(segments: pd.DataFrame) -> dict:
    """Branch name -> positions of its rows in the segments table, x ascending."""
    x = segments.x.to_numpy()
    return {branch: sorted(index, key=x.__getitem__) for branch, index in
            segments.groupby("branch", sort=False).indices.items()}


def _depth(segments: pd.DataFrame, rows: dict, branch: str) -> int:
    """Number of branches between ``branch`` and the root."""
    depth = 0
    parent = segments.parent.iloc[rows[branch][0]]
    while isinstance(parent, str):
        depth, parent = depth + 1, segments.parent.iloc[rows[parent][0]]
    return depth


def _point_on(branch_ends: np.ndarray, x: float) -> np.ndarray:
    """The drawn point at x (0–1) along a branch, from its segments' ends (x ascending)."""
    n = len(branch_ends)
    k = min(int(x * n), n - 1)
    fraction = x * n - k
    return branch_ends[k, 0] + fraction * (branch_ends[k, 1] - branch_ends[k, 0])


def _dendrogram(segments: pd.DataFrame) -> tuple:
    """Layout of a cell without 3-D points: height is signed path distance (branches leaving the
    root's distal half up, the rest down), each branch a vertical line in its own column. A branch's
    side branches alternate left and right of it, the most proximal outermost so that no lines cross;
    its end branches (x = 1) sit in the middle, and it stands above their centre. Columns are
    spaced a third of the cell's height over the most columns of one side (10–100 µm) apart."""
    rows = _branch_rows(segments)
    first = {branch: segments.iloc[index[0]] for branch, index in rows.items()}
    root = next(branch for branch, row in first.items() if not isinstance(row.parent, str))
    children = {branch: [] for branch in rows}
    for branch, row in sorted(((b, row) for b, row in first.items() if b != root), key=lambda item: item[1].parent_x):
        children[row.parent].append(branch)

    def slot_order(branch):
        ends = [k for k in children[branch] if first[k].parent_x >= 1.0 - 1e-9]
        side = [k for k in children[branch] if k not in ends]
        middle = [owner for k in ends for owner in slot_order(k)] or [branch]
        return ([owner for k in side[0::2] for owner in slot_order(k)] + middle
                + [owner for k in side[1::2][::-1] for owner in slot_order(k)])

    def outside_in(kids):
        """The root's children on one side: the largest outermost, the smallest next to the root."""
        largest_first = sorted(kids, key=lambda k: -len(slot_order(k)))
        return largest_first[0::2] + largest_first[1::2][::-1]

    up = outside_in([k for k in children[root] if first[k].parent_x >= 0.5])
    down = outside_in([k for k in children[root] if first[k].parent_x < 0.5])
    sides = {k: sign for sign, kids in ((1.0, up), (-1.0, down)) for top in kids for k in _subtree(children, top)}
    orders = [[owner for k in kids for owner in slot_order(k)] for kids in (up, down)]
    height = segments.distance_um.max() * 2 + segments.length_um.max()
    spacing = float(np.clip(height / (3 * max(1, *map(len, orders))), 10.0, 100.0))
    column = {root: 0.0}
    for order in orders:
        column.update({owner: (i - (len(order) - 1) / 2) * spacing for i, owner in enumerate(order)})

    def column_of(branch):
        if branch not in column:
            column[branch] = float(np.mean([column_of(k) for k in children[branch]
                                            if first[k].parent_x >= 1.0 - 1e-9]))
        return column[branch]

    ends = np.empty((len(segments), 2, 2))
    root_length = segments.length_um.iloc[rows[root]].sum()
    for branch, index in rows.items():
        part = segments.iloc[index]
        if branch == root:
            y0 = (part.x.to_numpy() - 0.5 * part.length_um.to_numpy() / root_length - 0.5) * root_length
        else:
            y0 = sides[branch] * (part.distance_um.to_numpy() - 0.5 * part.length_um.to_numpy())
        y1 = y0 + (1.0 if branch == root else sides[branch]) * part.length_um.to_numpy()
        x = column_of(branch)
        ends[index] = np.stack([np.stack([np.full(len(index), x), y0], axis=1),
                                np.stack([np.full(len(index), x), y1], axis=1)], axis=1)
    connectors = [((column_of(first[b].parent), ends[rows[b][0], 0, 1]), (column_of(b), ends[rows[b][0], 0, 1]))
                  for b in rows if b != root]
    return ends, connectors


def _subtree(children: dict, top: str) -> list:
    """``top`` and every branch beyond it."""
    return [top] + [b for k in children[top] for b in _subtree(children, k)]


def _mark_sites(ax, sites: pd.DataFrame, segments: pd.DataFrame, ends: np.ndarray) -> None:
    """Markers and labels of plot_morphology's sites."""
    rows = _branch_rows(segments)
    middle = np.nanmean(ends[:, :, 0])
    for site in sites.itertuples():
        if site.kind not in SITE_STYLES:
            raise ValueError(f"site {site.name!r}: kind {site.kind!r} is not one of {', '.join(SITE_STYLES)}")
        if site.branch not in rows:
            raise ValueError(f"site {site.name!r}: the segments table has no branch {site.branch!r}")
        marker, color = SITE_STYLES[site.kind]
        x, y = _point_on(ends[rows[site.branch]], site.x)
        ax.plot(x, y, marker=marker, mec=color, mfc="none", ms=9, mew=1.5, ls="none", zorder=5)
        right = x <= middle   # labels point towards the middle, staying clear of the colour bar
        ax.annotate(site.name, (x, y), xytext=(7 if right else -7, 4), textcoords="offset points", fontsize=7,
                    ha="left" if right else "right", color=color, zorder=5,
                    path_effects=[patheffects.withStroke(linewidth=2, foreground="w")])


def _scale_bar(ax, length_um: float) -> None:
    """A vertical scale bar of length_um at the lower right of the data."""
    x_low, x_high = ax.get_xlim()
    y_low, _ = ax.get_ylim()
    x = x_high + 0.02 * (x_high - x_low)
    ax.plot([x, x], [y_low, y_low + length_um], color="k", lw=2, solid_capstyle="butt")
    ax.annotate(f"{length_um:g} µm", (x, y_low + length_um / 2), xytext=(4, 0), textcoords="offset points",
                rotation=90, va="center", fontsize=7)


def plot_bac_firing(result):
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


def plot_stdp(result):
    """Synaptic change Σw_after/Σw_before of the synapses at each Δt = t_post − t_pre
    (Graupner & Brunel 2012's measure, the layout of their Fig. 2)."""
    df = result.summary
    sums = df.groupby("delta_t_ms")[["w_before", "w_after"]].sum()
    fig, ax = plt.subplots(figsize=(5, 3.5))
    ax.axhline(1.0, color="0.6", lw=0.8)
    ax.axvline(0.0, color="0.6", lw=0.8)
    ax.plot(sums.index, sums.w_after / sums.w_before, "o-", ms=4)
    ax.set(xlabel="Δt = t_post − t_pre (ms)", ylabel="synaptic change\n(Σw after / Σw before)")
    ax.set_title(f"STDP\n{df.ca_mode.iloc[0]} Ca, {df.rule.iloc[0]}, {df.synapse.nunique()} synapses/Δt",
                 fontsize=9)
    fig.tight_layout()
    return fig


def plot_synaptic_calcium(result):
    """Spine Ca peak (µM) of one EPSP, one bAP and each pairing against the site's path distance,
    and the dendritic (shaft) Ca of one bAP (nM), per region (marker)."""
    df = result.summary.copy()
    df["region"] = df.site.str.split("@").str[0].str.split(":").str[0]
    markers = {region: m for region, m in zip(df.region.unique(), "osD^v<>ph")}
    fig, (spine, shaft) = plt.subplots(1, 2, figsize=(9, 3.6))
    events = [("epsp", np.nan, "EPSP"), ("bap", np.nan, "bAP")] + [
        ("pair", dt, f"pair Δt = {dt:+g} ms") for dt in sorted(df.delta_t_ms.dropna().unique())]
    for k, (event, dt, label) in enumerate(events):
        part = df[(df.event == event) & ((df.delta_t_ms == dt) | (np.isnan(dt) & df.delta_t_ms.isna()))]
        for region, rows in part.groupby("region"):
            spine.plot(rows.distance_um, rows.spine_ca_uM, markers[region], color=f"C{k}", ms=5,
                       label=label if region == part.region.iloc[0] else None)
    spine.set(xlabel="path distance (µm)", ylabel="spine Ca peak (µM above rest)", title="spine head (dei_glu)")
    spine.legend(frameon=False, fontsize=7)
    bap = df[df.event == "bap"].dropna(subset=["shaft_ca_nM"])
    for region, rows in bap.groupby("region"):
        shaft.plot(rows.distance_um, rows.shaft_ca_nM, markers[region], color="C1", ms=5, label=region)
    shaft.set(xlabel="path distance (µm)", ylabel="shaft [Ca]i peak (nM above rest)", title="dendrite, one bAP")
    shaft.legend(frameon=False, fontsize=7)
    fig.tight_layout()
    return fig


def plot_istdp_window(result):
    """Δw of one isolated pre/post pair against Δt = t_post − t_pre, per iSTDP window: simulated
    (markers) and analytic (line), the layout of Box 1 of Wu, Miehl & Gjorgjieva 2022."""
    df, curve = result.summary, result.tables.get("analytic_curve", pd.DataFrame())
    fig, ax = plt.subplots(figsize=(5.5, 3.8))
    ax.axhline(0.0, color="0.6", lw=0.8)
    ax.axvline(0.0, color="0.6", lw=0.8)
    for k, (window, part) in enumerate(df.groupby("window", sort=False)):
        color = f"C{k}"
        label = window.replace("_", " ")
        if not curve.empty:
            line = curve[curve.window == window].sort_values("delta_t_ms")
            ax.plot(line.delta_t_ms, line.dw_analytic_uS * 1e3, "-", lw=1, color=color)
        part = part.sort_values("delta_t_ms")
        ax.plot(part.delta_t_ms, part.dw_uS * 1e3, "o", ms=4, color=color, label=label)
    ax.set(xlabel="Δt = t_post − t_pre (ms)", ylabel="Δw (nS)",
           title="iSTDP window: simulated (markers), analytic (lines)")
    ax.legend(frameon=False, fontsize=8)
    fig.tight_layout()
    return fig


def plot_istdp_homeostatic(result):
    """Homeostatic iSTDP (Zenke et al. 2015; seeds/003): G and w against time with the pairings,
    and the true Δw = w_after − w_before of each pairing against G with η G (1 + e^{−Δt/τ})."""
    df, tr = result.summary, result.traces
    fig = plt.figure(figsize=(10, 4))
    ax_g = fig.add_subplot(2, 2, 1)
    ax_w = fig.add_subplot(2, 2, 3, sharex=ax_g)
    ax_dw = fig.add_subplot(1, 2, 2)
    if not tr.empty:
        g = tr[tr.variable == "G"]
        w = tr[tr.variable == "w"]
        ax_g.plot(g.t_ms, g.value, lw=0.8)
        ax_w.plot(w.t_ms, w.value * 1e3, lw=0.8)
    for ax in (ax_g, ax_w):
        for t in df.t_pre_ms:
            ax.axvline(t, color="0.6", ls=":", lw=0.8)
    ax_g.axhline(0.0, color="0.6", lw=0.8)
    ax_g.set(ylabel="G = H − γ (Hz)", title="protocol (dotted: pairings)")
    ax_w.set(xlabel="time (ms)", ylabel="w (nS)")
    order = df.sort_values("G_hz")
    ax_dw.axhline(0.0, color="0.6", lw=0.8)
    ax_dw.axvline(0.0, color="0.6", lw=0.8)
    ax_dw.plot(order.G_hz, order.dw_expected_uS * 1e3, "-", color="0.3", lw=1,
               label=r"$\eta\,G\,(1 + e^{-\Delta t/\tau})$")
    ax_dw.plot(df.G_hz, df.dw_uS * 1e3, "o", ms=5, label="simulated")
    ax_dw.set(xlabel="G at the pairing (Hz)", ylabel="Δw = w_after − w_before (nS)",
              title="weight change modulation")
    ax_dw.legend(frameon=False, fontsize=8)
    fig.tight_layout()
    return fig


def plot_inhibitory_balance(result):
    """Output rate and E–I weight correlation against time; E and I weights per signal group;
    mean E and I currents per group over the final window (the layout of Vogels et al. 2011
    Fig. 1: detailed balance of a single cell)."""
    df, tr = result.summary, result.tables.get("time_course", pd.DataFrame())
    fig, (ax_rate, ax_w, ax_i) = plt.subplots(1, 3, figsize=(13, 3.8))
    if not tr.empty:
        ax_rate.plot(tr.t_s, tr.rate_hz, ".-", color="k", ms=3, lw=0.6, label="output rate")
        ax_r = ax_rate.twinx()
        ax_r.plot(tr.t_s, tr.r_ei, color="tab:purple", lw=1)
        ax_r.set_ylim(-1.05, 1.05)
        ax_r.set_ylabel("r (E vs I weights)", color="tab:purple")
    if "rho0_hz" in df:
        ax_rate.axhline(df.rho0_hz.iloc[0], color="tab:red", ls="--", lw=1, label="ρ0")
    ax_rate.set(xlabel="time (s)", ylabel="output rate (Hz)", title="rate and co-tuning")
    ax_rate.legend(frameon=False, fontsize=8)
    ax_w.plot(df.group, df.w_exc, "s-", color="k", label="E")
    ax_w.plot(df.group, df.w_inh_initial, "o--", color="0.6", mfc="w", label="I initial")
    ax_w.plot(df.group, df.w_inh_final, "o-", color="tab:blue", mfc="w", label="I final")
    ax_w.set(xlabel="signal group", ylabel="mean weight per synapse (nS)", title="weights")
    ax_w.legend(frameon=False, fontsize=8)
    ax_i.plot(df.group, -df.i_exc_mean, "s-", color="k", label="excitatory (−I)")
    ax_i.plot(df.group, df.i_inh_mean, "o-", color="tab:blue", mfc="w", label="inhibitory")
    ax_i.set(xlabel="signal group", ylabel="mean synaptic current (nA)", title="currents, final window")
    ax_i.legend(frameon=False, fontsize=8)
    fig.tight_layout()
    return fig


def plot_shouval_stdp(result):
    """Shouval et al. 2002 STDP on dei_glu: W_after/W_before against Δt = t_post − t_pre with
    the paper's Fig. 3C regions shaded (I, III LTD; II LTP), and the Ca peak with α₁, α₂."""
    from .plasticity import SHOUVAL_PAPER_REGIONS_MS, ShouvalParams

    df = result.summary.sort_values("delta_t_ms")
    fig, (ax_w, ax_c) = plt.subplots(1, 2, figsize=(10, 3.8))
    for name, (lo, hi) in SHOUVAL_PAPER_REGIONS_MS.items():
        color = "tab:green" if name.endswith("ltp") else "tab:red"
        for ax in (ax_w, ax_c):
            ax.axvspan(lo, hi, color=color, alpha=0.12, lw=0)
        ax_w.text((lo + hi) / 2, 0.02, name.split("_")[0], ha="center", va="bottom",
                  transform=ax_w.get_xaxis_transform(), fontsize=8)
    ax_w.axhline(1.0, color="0.6", lw=0.8)
    ax_w.plot(df.delta_t_ms, df.change, "o-", ms=3, color="k")
    ax_w.set(xlabel="Δt = t_post − t_pre (ms)", ylabel="W after / W before",
             title=f"Shouval STDP, {df.n_pairs.iloc[0]} pairs at {df.frequency_hz.iloc[0]:g} Hz "
                   "(shaded: paper)")
    shouval = ShouvalParams()
    for level, label in ((shouval.alpha1_uM, "α₁"), (shouval.alpha2_uM, "α₂")):
        ax_c.axhline(level, color="0.5", ls="--", lw=0.8)
        ax_c.text(df.delta_t_ms.max(), level, label, va="bottom", ha="right", fontsize=8)
    ax_c.plot(df.delta_t_ms, df.c_peak_uM, "o-", ms=3, color="tab:blue")
    ax_c.set(xlabel="Δt = t_post − t_pre (ms)", ylabel="Ca peak (µM)", title="synaptic Ca peak")
    fig.tight_layout()
    return fig


def plot_sweep_heatmap(table, x: str, y: str, value: str, where: dict | None = None, title: str | None = None):
    """Heat map of column ``value`` of a sweep table over columns ``x`` and ``y`` (parameters or
    outputs), using the ok rows that match ``where`` (e.g. ``{"site": "trunk@800"}``).

    Cells of every (x, y) pair in the table that have no ok row (failed runs) are grey. Raises
    ValueError if a cell would hold several rows: ``where`` must single out one row per run.
    """

    def numeric(column):
        as_number = pd.to_numeric(column, errors="coerce")
        return as_number if as_number.notna().all() else column

    frame = table.assign(**{x: numeric(table[x]), y: numeric(table[y])})
    keep = frame.status.eq("ok")
    for column, wanted in (where or {}).items():
        keep &= frame[column].eq(wanted)
    rows = frame[keep]
    if rows.empty:
        raise ValueError(f"no ok row with {where}")
    if rows.duplicated([x, y]).any():
        raise ValueError(f"several rows per ({x}, {y}) cell: narrow `where` (columns: {', '.join(table.columns)})")
    xs, ys = sorted(frame[x].unique()), sorted(frame[y].unique())
    grid = rows.pivot(index=y, columns=x, values=value).reindex(index=ys, columns=xs)
    cmap = plt.get_cmap("viridis").with_extremes(bad="0.8")
    fig, ax = plt.subplots(figsize=(max(4.5, 2.0 + 0.45 * len(xs)), max(3.5, 1.8 + 0.35 * len(ys))))
    image = ax.imshow(np.ma.masked_invalid(grid.to_numpy(dtype=float)), origin="lower", aspect="auto", cmap=cmap)
    ax.set_xticks(range(len(xs)), [f"{v:g}" if isinstance(v, (int, float)) else str(v) for v in xs],
                  rotation=90 if len(xs) > 12 else 0)
    ax.set_yticks(range(len(ys)), [f"{v:g}" if isinstance(v, (int, float)) else str(v) for v in ys])
    if title is None:
        title = ", ".join(f"{k} = {v}" for k, v in (where or {}).items()) or value
        title += "\n(grey: failed run)" if grid.isna().to_numpy().any() else ""
    ax.set(xlabel=x, ylabel=y)
    ax.set_title(title, fontsize=9)
    fig.colorbar(image, ax=ax, label=value)
    fig.tight_layout()
    return fig


def plot_dendritic_balance(result):
    """Per branch (columns) and post signal (rows): E and I tuning over the signal groups
    before and after learning (conductance per input rate, each scaled to its maximum; r =
    Pearson r of E and I), as the tuning curves of Vogels et al. 2011 Fig. 1; last column: the
    rate of post events per site during learning against ρ0."""
    df, tr = result.summary, result.tables.get("time_course", pd.DataFrame())
    conditions = list(dict.fromkeys(df.condition))
    sites = list(dict.fromkeys(df.site))
    fig, axes = plt.subplots(len(conditions), len(sites) + 1, figsize=(2.6 * (len(sites) + 1), 2.6 * len(conditions)),
                             squeeze=False, sharex="col")
    for row, condition in enumerate(conditions):
        for col, site in enumerate(sites):
            ax = axes[row, col]
            part = df[(df.condition == condition) & (df.site == site)]
            r = {}
            for phase, style, color in (("before", "--", "0.6"), ("after", "-", "tab:blue")):
                ph = part[part.phase == phase].sort_values("group")
                if phase == "after":
                    ax.plot(ph.group, ph.g_exc_nS_per_hz / ph.g_exc_nS_per_hz.max(), "s-", color="k", ms=3, label="E")
                ax.plot(ph.group, ph.g_inh_nS_per_hz / ph.g_inh_nS_per_hz.max(), "o" + style, color=color, ms=3,
                        mfc="w", label=f"I {phase}")
                r[phase] = ph.r_detailed.iloc[0]
            ax.set_ylim(0, 1.1)
            ax.set_title(f"{condition}: {site}\nr {r['before']:.2f} → {r['after']:.2f}", fontsize=9)
            if row == len(conditions) - 1:
                ax.set_xlabel("signal group")
            if col == 0:
                ax.set_ylabel("conductance / max")
        ax = axes[row, -1]
        for site, course in tr[tr.condition == condition].groupby("site", sort=False):
            ax.plot(course.t_s, course.rate_hz, ".-", ms=3, lw=0.8, label=site)
        ax.axhline(df.rho0_hz.iloc[0], color="tab:red", ls="--", lw=1, label="ρ0")
        ax.set(ylabel="post events (Hz)", title=f"{condition}: learning",
               xlabel="time (s)" if row == len(conditions) - 1 else "")
    axes[0, 0].legend(frameon=False, fontsize=7)
    axes[0, -1].legend(frameon=False, fontsize=6)
    fig.tight_layout()
    return fig


def plot_bap_gating(result):
    """Wilmes et al. 2016 layout: bAP at the gated site and hot-zone Ca against inhibition onset
    for each conductance, every site's bAP at the strongest gating condition, and the cell
    coloured by each segment's bAP at that condition relative to control."""
    from .analysis import strongest_gating

    df = result.summary
    location = df.location.iloc[0]
    gated = df.gated_site.iloc[0]
    fig, (ax_bap, ax_ca, ax_sites, ax_cell) = plt.subplots(1, 4, figsize=(18, 5.2), width_ratios=(1, 1, 1, 0.9))
    colors = plt.cm.viridis_r
    conductances = sorted(g for g in df.g_nS.unique() if g > 0)
    for k, g in enumerate(conductances):
        color = colors(k / max(len(conductances) - 1, 1))
        at_g = df[df.g_nS == g].sort_values("onset_ms")
        site = at_g[at_g.site == gated]
        ax_bap.plot(site.onset_ms, site.relative_amplitude, "o-", ms=3, color=color, label=f"{g:g} nS")
        hot = at_g[at_g.site == "hot_zone"]
        ax_ca.plot(hot.onset_ms, hot.relative_ca_integral, "o-", ms=3, color=color)
    ax_bap.set(xlabel="inhibition onset re somatic spike (ms)", ylabel=f"bAP amplitude at {gated} / control",
               title=f"bAP gating: {location} inhibition ({df.kinetics.iloc[0].upper()})")
    ax_bap.legend(frameon=False, fontsize=7, title="peak g")
    ax_ca.set(xlabel="inhibition onset re somatic spike (ms)", ylabel="hot-zone Ca integral / control",
              title="Ca-spike gating" if df.distal_epsp.iloc[0] else "hot-zone Ca (bAP only)")
    g, worst = strongest_gating(df)
    sites = df[(df.g_nS == g) & (df.onset_ms == worst)]
    bar_colors = ["tab:red" if b else "tab:gray" for b in sites.beyond_inhibition]
    ax_sites.bar(sites.site, sites.relative_amplitude, color=bar_colors)
    ax_sites.axhline(1.0, color="k", lw=0.5)
    ax_sites.set(ylabel="bAP amplitude / control", title=f"{g:g} nS at {worst:g} ms (red: beyond the synapse)")
    ax_sites.tick_params(axis="x", rotation=60, labelsize=8)
    segments = result.tables.get("segments")
    if segments is None:
        ax_cell.set_axis_off()
    else:
        plot_morphology(segments, segments.relative_amplitude, ax=ax_cell, label="bAP amplitude / control",
                        sites=result.tables.get("sites"), limits=(0.0, 1.0))
        ax_cell.set_title(f"bAP / control per segment, {g:g} nS at {worst:g} ms", fontsize=10)
    for ax in (ax_bap, ax_ca, ax_sites):
        ax.title.set_fontsize(10)
    fig.tight_layout()
    return fig


def _min_log_span(ax, values, factor: float = 2.0) -> None:
    """On a log y axis, show at least ``factor`` either side of the data's geometric centre, so
    that (near-)constant values, e.g. all 1.0, sit mid-axis instead of on the frame."""
    values = pd.Series(values, dtype=float)
    values = values[values > 0]
    if values.empty:
        return
    low, high = float(values.min()), float(values.max())
    if high / low < factor * factor:
        centre = (low * high) ** 0.5
        ax.set_ylim(centre / factor, centre * factor)
        ax.yaxis.set_major_locator(ticker.LogLocator(subs=(1.0, 2.0, 5.0)))
        ax.yaxis.set_major_formatter(ticker.FuncFormatter(lambda value, _: f"{value:g}"))
        ax.yaxis.set_minor_formatter(ticker.NullFormatter())


def plot_stdp_flip(result):
    """Δw against Δt per condition (Paille et al. 2013 / Rossbroich & Zenke 2023 layout): one
    row per rule, one column per site; dashed line: no change."""
    df = result.summary
    rules, sites = list(dict.fromkeys(df.rule)), list(dict.fromkeys(df.site))
    colors = {"control": "k", "sst": "tab:blue", "pv": "tab:orange", "disinhibition": "tab:green"}
    fig, axes = plt.subplots(len(rules), len(sites), figsize=(5 * len(sites), 3.6 * len(rules)),
                             squeeze=False, sharex=True)
    for i, rule in enumerate(rules):
        for j, site in enumerate(sites):
            ax = axes[i][j]
            part = df[(df.rule == rule) & (df.site == site)]
            for condition, rows in part.groupby("condition", sort=False):
                rows = rows.sort_values("delta_t_ms")
                ax.plot(rows.delta_t_ms, rows.change, "o-", ms=4, color=colors.get(condition), label=condition)
            ax.axhline(1.0, color="gray", ls="--", lw=0.8)
            ax.axvline(0.0, color="gray", lw=0.5)
            ax.set_yscale("log")
            _min_log_span(ax, part.change)
            ax.set(title=f"{rule}: {site} ({part.distance_um.iloc[0]:.0f} µm)", ylabel="w after / w before")
            if i == len(rules) - 1:
                ax.set_xlabel("Δt = t_post − t_pre (ms)")
    axes[0][0].legend(frameon=False, fontsize=8)
    fig.tight_layout()
    return fig


def plot_reduction_fidelity(result):
    """Reduction fidelity: somatic voltage of the Poisson run, f–I curves, relative error of each
    voltage measure, and per reduction the 3 × 3 confusion matrix of plasticity outcomes (rows
    full cell, columns reduced) with agreement and Cohen's κ."""
    confusion = result.tables.get("confusion", pd.DataFrame())
    variants = list(confusion.variant.unique()) if not confusion.empty else []
    fig, axes = plt.subplots(1, 3 + len(variants), figsize=(4.0 * (3 + len(variants)), 3.8))
    trace_ax, fi_ax, error_ax = axes[:3]
    summary = result.summary
    if not result.traces.empty:
        for k, (variant, part) in enumerate(result.traces.groupby("variant", sort=False)):
            shown = part[part.t_ms <= part.t_ms.min() + 1000.0]
            trace_ax.plot(shown.t_ms - shown.t_ms.min(), shown.v_mV, lw=0.7, color=f"C{k}", label=variant)
        trace_ax.set(xlabel="time (ms)", ylabel="somatic V (mV)", title="Poisson-driven run")
        trace_ax.legend(frameon=False, fontsize=7)
    if not summary.empty:
        rates = summary[summary.measure.str.startswith("rate_")].copy()
        rates["current_nA"] = rates.measure.str.removeprefix("rate_").str.removesuffix("nA").astype(float)
        for k, (variant, part) in enumerate(rates.groupby("variant", sort=False)):
            fi_ax.plot(part.current_nA, part.value, "o-", color=f"C{k}", label=variant)
        fi_ax.set(xlabel="somatic step (nA)", ylabel="rate (Hz)", title="f–I")
        fi_ax.legend(frameon=False, fontsize=7)
        keep = summary[(summary.variant != "full") & summary.relative_error.notna()
                       & ~summary.measure.isin(("wall_time_per_simulated_s", "segments"))]
        measures = list(dict.fromkeys(keep.measure))
        for k, (variant, part) in enumerate(keep.groupby("variant", sort=False)):
            part = part.set_index("measure").reindex(measures)
            y = np.arange(len(measures)) + 0.4 * k
            error_ax.barh(y, np.clip(100.0 * part.relative_error.to_numpy(), -100.0, 100.0), height=0.4,
                          color=f"C{k + 1}", label=variant)
        error_ax.set_yticks(np.arange(len(measures)) + 0.2, measures, fontsize=6)
        error_ax.axvline(0.0, color="k", lw=0.5)
        for limit in (-10.0, 10.0):
            error_ax.axvline(limit, color="0.6", lw=0.5, ls="--")
        speed = summary[summary.measure == "speed_up"].set_index("variant").value
        error_ax.set(xlabel="error vs full cell (%, clipped at ±100)",
                     title="voltage; speed-up\n" + ", ".join(f"{v} {s:.0f}×" for v, s in speed.items() if v != "full"))
        error_ax.legend(frameon=False, fontsize=7)
    agreement = result.tables.get("agreement", pd.DataFrame()).set_index("variant") if variants else None
    for ax, variant in zip(axes[3:], variants):
        matrix = confusion[confusion.variant == variant].pivot(index="full", columns="reduced", values="count")
        order = ["LTD", "none", "LTP"]
        matrix = matrix.reindex(index=order, columns=order)
        ax.imshow(matrix.to_numpy(), cmap="Blues")
        for i in range(3):
            for j in range(3):
                ax.text(j, i, int(matrix.iloc[i, j]), ha="center", va="center", fontsize=9)
        ax.set_xticks(range(3), order)
        ax.set_yticks(range(3), order)
        row = agreement.loc[variant]
        ax.set(xlabel=f"{variant} cell", ylabel="full cell",
               title=f"{variant}:\n{100 * row.agreement:.0f} % agree, κ = {row.kappa:.2f}")
    fig.tight_layout()
    return fig


def plot_vogels_network(result):
    """Raster of a sample of cells at the start and the end, population rates over time, sampled
    I→E weights (mean and spread) and CV of the ISI / pairwise correlation per window."""
    spikes, rates, weights = result.tables["spikes"], result.tables["rates"], result.tables["weights"]
    summary, outcome = result.summary, result.tables["outcome"].iloc[0]
    fig = plt.figure(figsize=(14, 8), layout="constrained")
    grid = fig.add_gridspec(2, 3)
    t_end = float(rates.t_ms.max() + (rates.t_ms.iloc[1] - rates.t_ms.iloc[0] if len(rates) > 1 else 0.0) / 2)
    span = min(500.0, t_end / 2)
    for column, (start, label) in enumerate(((0.0, "start"), (t_end - span, "end"))):
        ax = fig.add_subplot(grid[0, column])
        shown = spikes[(spikes.t_ms >= start) & (spikes.t_ms < start + span)]
        for k, (pop, part) in enumerate(shown.groupby("population", sort=False)):
            sample = np.sort(part.gid.unique())[:200]
            part = part[part.gid.isin(sample)]
            ax.plot(part.t_ms, part.gid, ".", ms=1.2, color=f"C{k}", label=pop)
        ax.set(xlabel="time (ms)", ylabel="gid (≤ 200 cells per population)", title=f"raster, {label}")
        ax.legend(frameon=False, fontsize=8, markerscale=6, loc="upper right")
    ax = fig.add_subplot(grid[0, 2])
    for k, (pop, part) in enumerate(rates.groupby("population", sort=False)):
        ax.plot(part.t_ms / 1000.0, part.rate_hz, color=f"C{k}", label=pop)
    ax.axhline(outcome.rho0_hz, color="k", ls="--", lw=1, label=f"ρ0 = {outcome.rho0_hz:g} Hz")
    ax.set(xlabel="time (s)", ylabel="rate (Hz)", yscale="log", title="population rates")
    ax.legend(frameon=False, fontsize=8)
    ax = fig.add_subplot(grid[1, 0])
    for k, (projection, part) in enumerate(weights.groupby("projection", sort=False)):
        stats = part.groupby("t_ms").weight_nS.agg(["mean", lambda w: w.quantile(0.1), lambda w: w.quantile(0.9)])
        stats.columns = ["mean", "q10", "q90"]
        ax.plot(stats.index / 1000.0, stats["mean"], color=f"C{k}", label=f"{projection} mean")
        ax.fill_between(stats.index / 1000.0, stats.q10, stats.q90, color=f"C{k}", alpha=0.2, lw=0)
    ax.set(xlabel="time (s)", ylabel="weight (nS)", title="sampled plastic weights (10–90 %)")
    if len(weights):
        ax.legend(frameon=False, fontsize=8)
    ax = fig.add_subplot(grid[1, 1])
    for k, (pop, part) in enumerate(summary.groupby("population", sort=False)):
        middle = (part.start_s + part.stop_s) / 2
        ax.plot(middle, part.cv_isi, "o-", color=f"C{k}", label=f"{pop} CV ISI")
        ax.plot(middle, part.correlation, "s--", color=f"C{k}", label=f"{pop} correlation")
    ax.axhline(1.0, color="k", lw=0.8, ls=":")
    ax.set(xlabel="time (s)", ylabel="CV of ISI / correlation", title="irregularity and synchrony")
    ax.legend(frameon=False, fontsize=7)
    ax = fig.add_subplot(grid[1, 2])
    currents = result.tables["currents"]
    if len(currents):
        mean = currents.groupby(["population", "t_ms"])[["exc_nA", "inh_nA"]].mean().reset_index()
        for k, (pop, part) in enumerate(mean.groupby("population", sort=False)):
            ax.plot(part.t_ms / 1000.0, -part.exc_nA, color=f"C{k}", lw=0.6, label=f"{pop}: excitatory (inward)")
            ax.plot(part.t_ms / 1000.0, part.inh_nA, color=f"C{k}", lw=0.6, ls="--", label=f"{pop}: inhibitory (outward)")
        ax.legend(frameon=False, fontsize=7)
    ax.set(xlabel="time (s)", ylabel="synaptic current (nA)", title="E and I currents (sampled cells)")
    settled = outcome.time_to_rho0_10pct_s
    when = f"reached ρ0 ± 10 % at {settled:.1f} s" if np.isfinite(settled) else "not within ρ0 ± 10 % by the end"
    fig.suptitle(f"Vogels et al. 2011 network ({outcome.n_cells} cells, E = {outcome.cell}): E rate "
                 f"{outcome.e_rate_first_window_hz:.0f} → {outcome.e_rate_last_window_hz:.1f} Hz, {when}")
    return fig


def plot_network(result):
    """Any network run (:class:`dendriteei.engine.network.NetworkResult`): raster of up to 200
    cells per population and population rates over time."""
    fig, (ax_raster, ax_rate) = plt.subplots(1, 2, figsize=(12, 4.5), layout="constrained")
    for k, (pop, part) in enumerate(result.spikes.groupby("population", sort=False)):
        sample = np.sort(part.gid.unique())[:200]
        part = part[part.gid.isin(sample)]
        ax_raster.plot(part.t_ms, part.gid, ".", ms=1.0, color=f"C{k}", label=pop)
    ax_raster.set(xlabel="time (ms)", ylabel="gid", title="raster (≤ 200 cells per population)")
    ax_raster.legend(frameon=False, fontsize=8, markerscale=6)
    rates = result.rates_hz(result.spec.recording.every_ms)
    for k, (pop, part) in enumerate(rates.groupby("population", sort=False)):
        ax_rate.plot(part.t_ms, part.rate_hz, color=f"C{k}", label=pop)
    ax_rate.set(xlabel="time (ms)", ylabel="rate (Hz)", title="population rates")
    ax_rate.legend(frameon=False, fontsize=8)
    fig.suptitle(f"{result.spec.name}: {result.spec.n_cells} cells, {result.timing['ranks']} rank(s)")
    return fig


def plot_isn_paradox(result):
    """Rates around the perturbations of the weakest and strongest I→E weight; rate change of the
    perturbed and E populations against the perturbation per w_ie; the regime map (paradoxical or
    not, per w_ie and perturbation); the open-loop A_EE against w_ie with the measured regime;
    the learning runs' I→E weights."""
    summary, regime, rates = result.summary, result.tables["regime"], result.tables["rates"]
    static = regime[regime.rho0_hz.isna()].sort_values("w_ie_nS")
    fig = plt.figure(figsize=(15, 8.5), layout="constrained")
    grid = fig.add_gridspec(2, 3)
    perturbed = summary[summary.is_perturbed]
    examples = [c for c in (static.condition.iloc[0], static.condition.iloc[-1])] if len(static) else []
    for column, condition in enumerate(examples[:2]):
        ax = fig.add_subplot(grid[0, column])
        part = rates[rates.condition == condition]
        for k, (pop, trace) in enumerate(part.groupby("population", sort=False)):
            ax.plot(trace.t_ms / 1000.0, trace.rate_hz, color=f"C{k}", lw=1, label=pop)
        rows = summary[(summary.condition == condition)]
        for on, off in rows[["perturbation_on_ms", "perturbation_off_ms"]].drop_duplicates().itertuples(index=False):
            ax.axvspan(on / 1000.0, off / 1000.0, color="0.9", lw=0)
        ax.set(xlabel="time (s)", ylabel="rate (Hz)",
               title=f"{condition}: {'paradoxical' if rows[rows.is_perturbed].paradoxical.any() else 'not paradoxical'}")
        ax.legend(frameon=False, fontsize=8)
    ax = fig.add_subplot(grid[0, 2])
    for k, (condition, part) in enumerate(perturbed.groupby("condition", sort=False)):
        for group, rows in part.groupby("perturbed", sort=False):
            rows = rows.sort_values("perturbation_pA")
            ax.plot(rows.perturbation_pA, rows.delta_rate_hz, "o-", color=f"C{k % 10}", ms=4,
                    label=f"{condition}, {group}" if group == part.perturbed.iloc[0] else None)
            ax.plot(rows.perturbation_pA, rows.predicted_delta_hz, ":", color=f"C{k % 10}")
    ax.axhline(0.0, color="k", lw=0.8)
    ax.set(xlabel="current into the perturbed cells (pA)", ylabel="Δ rate of the perturbed cells (Hz)",
           title="measured (o) and predicted (:)")
    ax.legend(frameon=False, fontsize=6)
    ax = fig.add_subplot(grid[1, 0])
    grid_table = perturbed[perturbed.rho0_hz.isna()].pivot_table(index="perturbation_pA", columns="w_ie_nS",
                                                                  values="delta_rate_hz", aggfunc="mean")
    if grid_table.size:
        limit = float(np.nanmax(np.abs(grid_table.to_numpy()))) or 1.0
        image = ax.imshow(grid_table.to_numpy(), cmap="RdBu_r", vmin=-limit, vmax=limit, aspect="auto", origin="lower")
        ax.set_xticks(range(grid_table.shape[1]), [f"{w:g}" for w in grid_table.columns])
        ax.set_yticks(range(grid_table.shape[0]), [f"{a:g}" for a in grid_table.index])
        fig.colorbar(image, ax=ax, label="Δ rate of the perturbed cells (Hz)")
    ax.set(xlabel="I→E weight w_ie (nS)", ylabel="perturbation (pA)", title="regime map (blue: paradoxical)")
    ax = fig.add_subplot(grid[1, 1])
    ax.plot(static.w_ie_nS, static.a_EE, "ko-", label="open-loop A_EE (ISN if > 1)")
    ax.axhline(1.0, color="k", ls="--", lw=0.8)
    for column in (c for c in static.columns if c.startswith("paradoxical_")):
        marks = static[static[column].astype(bool)]
        ax.plot(marks.w_ie_nS, marks.a_EE, "rs", ms=9, mfc="none", label=f"measured paradoxical ({column[12:]})")
    learned = regime[regime.rho0_hz.notna()]
    for _, row in learned.iterrows():
        ax.plot(row.w_ie_nS, row.a_EE, "^", ms=9, label=f"learned, ρ0 = {row.rho0_hz:g} Hz")
    ax.set(xlabel="I→E weight w_ie (nS)", ylabel="A_EE = ∂r_E/∂r_E (open loop)", yscale="log",
           title="inhibition stabilisation: predicted and measured")
    ax.legend(frameon=False, fontsize=7)
    ax = fig.add_subplot(grid[1, 2])
    weights = result.tables.get("weights", pd.DataFrame())
    if len(weights):
        for k, (condition, part) in enumerate(weights.groupby("condition", sort=False)):
            mean = part.groupby("t_ms").weight_nS.mean()
            ax.plot(mean.index / 1000.0, mean.to_numpy(), color=f"C{k}", label=condition)
        ax.legend(frameon=False, fontsize=8)
    ax.set(xlabel="time (s)", ylabel="mean sampled I→E weight (nS, this network's jump)",
           title="iSTDP: the target rate sets w_ie")
    boundary = result.tables.get("boundary", pd.DataFrame())
    text = "; ".join(f"{row.population}: boundary measured {row.w_ie_boundary_measured_nS:.3g} nS, predicted "
                     f"{row.w_ie_boundary_predicted_nS:.3g} nS" for row in boundary.itertuples())
    fig.suptitle(f"Paradoxical effect (Sadeh et al. 2017 network; shaded: perturbation)\n{text}", fontsize=10)
    return fig


def plot_assembly_novelty(result):
    """Responses per presentation (all E cells and the driven assembly) with iSTDP on and off,
    novel and deviant stimuli marked; ours beside Schulz et al. 2021's numbers; I→E weights and
    population rates over time."""
    table, summary = result.tables["presentations"], result.summary
    fig = plt.figure(figsize=(15, 8.5), layout="constrained")
    grid = fig.add_gridspec(2, 3)
    for column, paradigms in enumerate((("sequence",), ("oddball", "disinhibition"))):
        ax = fig.add_subplot(grid[0, column])
        shown = table[table.paradigm.isin(paradigms) & (table.role != "pretrain")]
        for k, ((paradigm, plastic), part) in enumerate(shown.groupby(["paradigm", "plastic"], sort=False)):
            x = np.arange(len(part))
            ax.plot(x, part.rate_hz.to_numpy(), ".-", color=f"C{k}", lw=0.8, label=f"{paradigm}, iSTDP: {plastic}")
            novel = part.role.to_numpy() == "novel"
            ax.plot(x[novel], part.rate_hz.to_numpy()[novel], "*", ms=13, color=f"C{k}", mec="k")
        ax.set(xlabel="presentation", ylabel="rate of all E cells (Hz)",
               title=f"{' / '.join(paradigms)}: responses (★ novel / deviant)")
        if len(shown):
            ax.legend(frameon=False, fontsize=7)
    ax = fig.add_subplot(grid[0, 2])
    shown = table[(table.role != "pretrain")]
    for k, ((paradigm, plastic), part) in enumerate(shown.groupby(["paradigm", "plastic"], sort=False)):
        ax.plot(np.arange(len(part)), part.assembly_rate_hz.to_numpy(), lw=0.8, color=f"C{k}",
                label=f"{paradigm}, iSTDP: {plastic}")
    ax.set(xlabel="presentation", ylabel="rate of the driven assembly (Hz)", title="driven assembly")
    ax.legend(frameon=False, fontsize=7)
    ax = fig.add_subplot(grid[1, 0])
    paper = result.tables.get("paper", pd.DataFrame())
    if len(paper):
        x = np.arange(len(paper))
        ax.bar(x - 0.2, paper.schulz_2021, 0.4, label="Schulz et al. 2021")
        ax.bar(x + 0.2, paper.dendriteei, 0.4, label="dendriteei (iSTDP on)")
        ax.set_xticks(x, [f"{p}\n{m}" for p, m in zip(paper.paradigm, paper.measure)], rotation=60, fontsize=6)
        ax.legend(frameon=False, fontsize=8)
    ax.set(ylabel="Hz, ratio or s", title="beside the paper")
    ax = fig.add_subplot(grid[1, 1])
    weights = result.tables.get("weights", pd.DataFrame())
    if len(weights):
        for k, ((paradigm, plastic, projection), part) in enumerate(
                weights.groupby(["paradigm", "plastic", "projection"], sort=False)):
            ax.plot(part.t_ms / 1000.0, part.weight_nS, color=f"C{k % 10}",
                    label=f"{paradigm}, {projection}, iSTDP: {plastic}")
        ax.legend(frameon=False, fontsize=6)
    ax.set(xlabel="time (s)", ylabel="mean sampled I→E weight (nS peak)", title="inhibition onto E grows")
    ax = fig.add_subplot(grid[1, 2])
    rates = result.tables["rates"]
    first = rates[(rates.paradigm == rates.paradigm.iloc[0]) & rates.istdp.astype(bool)] if len(rates) else rates
    for k, (pop, part) in enumerate(first.groupby("population", sort=False)):
        ax.plot(part.t_ms / 1000.0, part.rate_hz, color=f"C{k}", lw=0.8, label=pop)
    ax.set(xlabel="time (s)", ylabel="population rate (Hz)", title="population rates (first paradigm, iSTDP on)")
    ax.legend(frameon=False, fontsize=8)
    on = summary[summary.istdp.astype(bool)]
    text = "; ".join(f"{row.paradigm} ({row.plastic}): novel/adapted {row.novelty_over_adapted:.2f}"
                     for row in on.itertuples())
    fig.suptitle(f"Novelty responses and adaptation through iSTDP (Schulz et al. 2021 network)\n{text}", fontsize=10)
    return fig
