"""Paper 3.2, App. C: "the trained RNNs replicate the emission statistics of the target HMMs"."""
from hmmrnn.recipes import statistics
from hmmrnn.registry import get

CLAIM = get("emission.hmm-agreement")


def test_strict(subject, record):
    failed = record(CLAIM, statistics(CLAIM.id, "strict", subject))
    assert not failed, "; ".join(failed)


def test_paper(subject, record):
    failed = record(CLAIM, statistics(CLAIM.id, "paper", subject))
    assert not failed, "; ".join(failed)
