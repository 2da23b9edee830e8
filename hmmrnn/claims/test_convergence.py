"""Paper App. B: "training converges, typically within 1000 epochs"; "only seeds that successfully converged
were retained" -- the filter of the replication summary."""
from hmmrnn.recipes import statistics
from hmmrnn.registry import get

CLAIM = get("training.convergence")


def test_strict(subject, record):
    failed = record(CLAIM, statistics(CLAIM.id, "strict", subject))
    assert not failed, "; ".join(failed)


def test_paper(subject, record):
    failed = record(CLAIM, statistics(CLAIM.id, "paper", subject))
    assert not failed, "; ".join(failed)
