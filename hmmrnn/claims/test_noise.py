"""Paper 4.2, Fig 5B: "clusters are sensitive to noise, transitions are nearly deterministic"."""
from hmmrnn.recipes import statistics
from hmmrnn.registry import get

CLAIM = get("noise.cluster-vs-transition")


def test_strict(subject, record):
    failed = record(CLAIM, statistics(CLAIM.id, "strict", subject))
    assert not failed, "; ".join(failed)


def test_paper(subject, record):
    failed = record(CLAIM, statistics(CLAIM.id, "paper", subject))
    assert not failed, "; ".join(failed)
