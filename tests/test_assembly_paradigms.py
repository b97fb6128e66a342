"""The stimulus paradigms of assembly-novelty as data (Schulz et al. 2021 eLife 10:e65309: the
sequence violation of Fig. 1, the oddball of Fig. 5, its disinhibition in Fig. 6), checked
without simulating."""
import pytest

from dendriteei.network import StimulusSequence
from dendriteei.parameters import ParameterError
from dendriteei.protocols.assembly_novelty import (AssemblyNoveltyParams, network_spec, oddball_slots,
                                                   sequence_slots)

SMALL = dict(n_exc=400, n_inh=100, assembly_size=20, repetitions=5, blocks=2, pretrain=2)


def test_sequence_paradigm_blocks_and_the_novel_stimulus():
    """ABC repeated; in the last-but-one repetition C is replaced by a new assembly N (ABC…ABN ABC);
    each block has its own assemblies; pretraining shows every assembly ``pretrain`` times,
    never twice in a row."""
    params = AssemblyNoveltyParams(**SMALL)
    slots = sequence_slots(params)
    pretrain = [a for a, role, *_ in slots if role == "pretrain"]
    assert sorted(pretrain) == sorted(list(range(8)) * 2)
    assert all(a != b for a, b in zip(pretrain, pretrain[1:]))
    block0 = [(a, role, rep) for a, role, block, rep in slots if block == 0]
    assert [a for a, _, _ in block0[:3]] == [0, 1, 2] and len(block0) == 15
    assert [(a, rep) for a, role, rep in block0 if role == "novel"] == [(3, 3)]
    assert {a for a, role, block, _ in slots if block == 1} == {4, 5, 6, 7}


def test_oddball_drives_the_same_e_cells_and_different_i_cells():
    """A and B drive the same E assembly and differ in their tuned I cells (Schulz et al. Fig. 5;
    15 % of I per stimulus at 0.1 of the E drive); B is the last-but-one presentation."""
    params = AssemblyNoveltyParams(**SMALL, paradigms=("oddball",))
    assert [s for s, *_ in oddball_slots(params)] == ["A", "A", "A", "B", "A"]
    spec = network_spec(params, "oddball", True)
    sequences = {s.target: s for s in spec.stimuli if isinstance(s, StimulusSequence)}
    assert sequences["E"].sequence == (0, 0, 0, 0, 0) and sequences["I"].sequence == (0, 0, 0, 1, 0)
    assert spec.population("I").assembly_size == 15
    assert sequences["I"].rate_hz == pytest.approx(0.1 * sequences["E"].rate_hz)
    assert sequences["E"].gap_ms == 900.0


def test_disinhibition_lowers_the_i_background_during_the_deviant_only():
    """Schulz et al. Fig. 6: all I cells' background is lower by disinhibition_hz while B is shown."""
    params = AssemblyNoveltyParams(**SMALL, paradigms=("disinhibition",))
    spec = network_spec(params, "disinhibition", True)
    drives = [s for s in spec.stimuli if s.target == "I" and s.name.startswith("background")]
    start, stop = params.settle_ms + 3 * 1200.0, params.settle_ms + 3 * 1200.0 + 300.0

    def rate(t):
        return sum(d.rate_hz for d in drives if d.start_ms <= t <= d.stop_ms)
    assert rate(start - 1) == rate(stop + 1) == pytest.approx(2250.0)
    assert rate(start + 150) == pytest.approx(2250.0 - 1500.0)


def test_bad_paradigm_parameters_are_refused():
    with pytest.raises(ParameterError, match="unknown paradigm 'novel'; valid: sequence, oddball, disinhibition"):
        AssemblyNoveltyParams(paradigms=("novel",))
    with pytest.raises(ParameterError, match=r"needs 40 assemblies \(10 blocks"):
        AssemblyNoveltyParams(blocks=10)
    with pytest.raises(ParameterError, match="unknown inhibitory class 'VIP'"):
        AssemblyNoveltyParams(cell="reduced", plastic=("VIP",))
