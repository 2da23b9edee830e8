"""Paper App. H: "the second-order response scales with the noise variance and has kick
neurons among its top components"."""
from hmmrnn.recipes import statistics
from hmmrnn.registry import get

CLAIM = get("second-order.variance")


def test_strict(subject, record):
    failed = record(CLAIM, statistics(CLAIM.id, "strict", subject))
    assert not failed, "; ".join(failed)


def test_paper(subject, record):
    failed = record(CLAIM, statistics(CLAIM.id, "paper", subject))
    assert not failed, "; ".join(failed)
