"""Paper 4.1, Fig 3D: "under noise the state rotates along a closed orbit whose radius grows
linearly with the input scale"."""
from hmmrnn.recipes import statistics
from hmmrnn.registry import get

CLAIM = get("orbit.radius-scaling")


def test_strict(subject, record):
    failed = record(CLAIM, statistics(CLAIM.id, "strict", subject))
    assert not failed, "; ".join(failed)


def test_paper(subject, record):
    failed = record(CLAIM, statistics(CLAIM.id, "paper", subject))
    assert not failed, "; ".join(failed)
