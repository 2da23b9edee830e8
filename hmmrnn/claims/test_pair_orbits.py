"""Paper 4.1, Fig 3G: "for fully-connected and cyclic HMMs the network forms several orbits, one per
output pair"."""
from hmmrnn.recipes import statistics
from hmmrnn.registry import get

CLAIM = get("orbit.per-output-pair")


def test_strict(subject, record):
    failed = record(CLAIM, statistics(CLAIM.id, "strict", subject))
    assert not failed, "; ".join(failed)


def test_paper(subject, record):
    failed = record(CLAIM, statistics(CLAIM.id, "paper", subject))
    assert not failed, "; ".join(failed)
