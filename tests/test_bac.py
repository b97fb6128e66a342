"""BAC firing (Larkum et al. 1999 Nature 398:338; targets of Hay et al. 2011)."""
import pytest


def _row(bac, condition, site="hot_zone"):
    s = bac.summary
    return s[(s.condition == condition) & (s.site == site)].iloc[0]


@pytest.mark.slow
def test_only_paired_input_evokes_dendritic_ca_spike(bac):
    """Neither the somatic pulse nor the distal EPSP alone evokes a Ca spike; together they do
    (Larkum 1999 Fig. 1). Ca spike = dendritic plateau above −40 mV for ≥ 10 ms."""
    assert not _row(bac, "soma").ca_spike
    assert not _row(bac, "dendrite").ca_spike
    paired = _row(bac, "paired")
    assert paired.ca_spike
    # The Ca transient of the Ca spike dwarfs that of the bAP alone.
    assert paired.ca_peak_uM - paired.ca_rest_uM > 10 * (_row(bac, "soma").ca_peak_uM - paired.ca_rest_uM)


@pytest.mark.slow
def test_ca_spike_width_near_hay_2011(bac):
    """Hay 2011: Ca-spike width 37 ± 1.3 ms. The model's plateau (time above −40 mV) is
    checked within a looser ±15 ms because our width measure differs from Hay's."""
    assert abs(_row(bac, "paired").ca_plateau_width_ms - 37.0) <= 15.0


@pytest.mark.slow
def test_somatic_input_alone_gives_single_spike(bac):
    assert _row(bac, "soma").n_somatic_spikes == 1
    assert _row(bac, "dendrite").n_somatic_spikes == 0


@pytest.mark.slow
def test_paired_input_evokes_somatic_burst(bac):
    """Hay 2011 / Larkum 1999: BAC firing gives a burst of 3 somatic spikes (≥ 2 required)."""
    assert _row(bac, "paired").n_somatic_spikes >= 2


@pytest.mark.slow
def test_burst_isi_hay_2011(bac):
    """Hay 2011: BAC burst ISI 9.9 ± 0.85 ms (tolerance 1 SD)."""
    assert abs(_row(bac, "paired").mean_isi_ms - 9.9) <= 0.85
