"""Paper 4.1, Fig 4 and 16: "over training the fixed point turns into an orbit with the loss's second descent;
critical eigenvalue pairs appear; the rate of output transitions converges"."""
from hmmrnn.recipes import statistics
from hmmrnn.registry import get

CLAIM = get("training.emergence")


def test_strict(subject, record):
    failed = record(CLAIM, statistics(CLAIM.id, "strict", subject))
    assert not failed, "; ".join(failed)


def test_paper(subject, record):
    failed = record(CLAIM, statistics(CLAIM.id, "paper", subject))
    assert not failed, "; ".join(failed)
