"""Paper 4.1, Fig 3G: "for fully-connected and cyclic HMMs the network forms several orbits, one per
output pair"."""
from hmmrnn.analysis import composition
from hmmrnn.registry import get

CLAIM = get("orbit.per-output-pair")


def test_strict(case, checkpoint, target_hmm, shared, record):
    failed = record(CLAIM, shared(composition.pair_orbits, checkpoint.model, target_hmm))
    assert not failed, "; ".join(failed)


def test_paper(case, checkpoint, target_hmm, shared, record):
    failed = record(CLAIM, shared(composition.pair_orbits, checkpoint.model, target_hmm))
    assert not failed, "; ".join(failed)
