"""Paper 4.2, Fig 5A: "residency time splits state space into clusters, kick zones and transitions"."""
from hmmrnn.recipes import statistics
from hmmrnn.registry import get

CLAIM = get("residency.three-zones")


def test_strict(subject, record):
    failed = record(CLAIM, statistics(CLAIM.id, "strict", subject))
    assert not failed, "; ".join(failed)


def test_paper(subject, record):
    failed = record(CLAIM, statistics(CLAIM.id, "paper", subject))
    assert not failed, "; ".join(failed)
