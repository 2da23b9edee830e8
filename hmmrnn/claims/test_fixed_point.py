"""Paper 4.1, Fig 3B: "without input, activity converges to a single fixed point"."""
from hmmrnn.recipes import statistics
from hmmrnn.registry import get

CLAIM = get("fixed-point.single")


def test_strict(subject, record):
    failed = record(CLAIM, statistics(CLAIM.id, "strict", subject))
    assert not failed, "; ".join(failed)


def test_paper(subject, record):
    failed = record(CLAIM, statistics(CLAIM.id, "paper", subject))
    assert not failed, "; ".join(failed)
