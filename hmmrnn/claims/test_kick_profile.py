"""Paper 5, App. J: "kick neurons: pre-activation strongly negative in clusters, near zero in kick zones, positive
during transitions"."""
from hmmrnn.recipes import statistics
from hmmrnn.registry import get

CLAIM = get("kick.preactivation-profile")


def test_strict(subject, record):
    failed = record(CLAIM, statistics(CLAIM.id, "strict", subject))
    assert not failed, "; ".join(failed)


def test_paper(subject, record):
    failed = record(CLAIM, statistics(CLAIM.id, "paper", subject))
    assert not failed, "; ".join(failed)
