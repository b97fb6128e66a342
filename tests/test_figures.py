"""Figure layout on small synthetic result tables (no simulation)."""
import numpy as np
import pandas as pd

from dendriteei.plotting import plot_stdp, plot_stdp_flip
from dendriteei.protocols.common import ProtocolResult

DELTAS = (-50.0, -20.0, -10.0, 10.0, 20.0, 50.0)


def _inside(artist, fig) -> bool:
    box, frame = artist.get_window_extent(), fig.bbox
    return box.x0 >= frame.x0 and box.y0 >= frame.y0 and box.x1 <= frame.x1 and box.y1 <= frame.y1


def test_stdp_title_fits_in_figure():
    """The title (longest rule and Ca-mode names) lies wholly inside the figure after drawing
    (it used to run off the 5-inch-wide figure). Exact pixel containment, no tolerance."""
    rows = [dict(delta_t_ms=d, ca_mode="phenomenological", rule="graupner_brunel", synapse=f"s{k}",
                 w_before=0.5, w_after=0.5 * (1 + 0.3 * np.sign(d))) for d in DELTAS for k in range(10)]
    fig = plot_stdp(ProtocolResult(pd.DataFrame(rows)))
    fig.canvas.draw()
    ax = fig.axes[0]
    assert _inside(ax.title, fig)
    assert _inside(ax.yaxis.label, fig)


def test_stdp_flip_constant_changes_are_mid_axis():
    """All changes 1.0: each panel's log y axis spans at least a factor 2 (here 0.5–2, i.e.
    a factor 4), so the points are not drawn on the frame."""
    rows = [dict(rule=r, site=s, distance_um=dist, condition=c, delta_t_ms=d, change=1.0)
            for r in ("graupner_brunel", "shouval") for s, dist in (("proximal", 50.0), ("distal", 600.0))
            for c in ("control", "sst") for d in DELTAS]
    fig = plot_stdp_flip(ProtocolResult(pd.DataFrame(rows)))
    fig.canvas.draw()
    for ax in fig.axes:
        low, high = ax.get_ylim()
        assert high / low >= 2.0
        assert low < 1.0 < high
        assert _inside(ax.title, fig)


def test_stdp_flip_wide_range_keeps_autoscale():
    """Changes spanning more than a factor 4 keep matplotlib's own limits (every point visible)."""
    rows = [dict(rule="graupner_brunel", site="proximal", distance_um=50.0, condition="control",
                 delta_t_ms=d, change=c) for d, c in zip(DELTAS, (0.2, 0.5, 0.8, 1.5, 3.0, 1.1))]
    fig = plot_stdp_flip(ProtocolResult(pd.DataFrame(rows)))
    low, high = fig.axes[0].get_ylim()
    assert low <= 0.2 and high >= 3.0
