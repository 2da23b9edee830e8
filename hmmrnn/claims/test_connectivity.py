"""Paper 5, Fig 6: "kick triplets excite within and inhibit each other;
two self-exciting, cross-inhibiting populations of about 35 neurons drive them with opposite signs"."""
from hmmrnn.recipes import statistics
from hmmrnn.registry import get

CLAIM = get("connectivity.kick-motif")


def test_strict(subject, record):
    failed = record(CLAIM, statistics(CLAIM.id, "strict", subject))
    assert not failed, "; ".join(failed)


def test_paper(subject, record):
    failed = record(CLAIM, statistics(CLAIM.id, "paper", subject))
    assert not failed, "; ".join(failed)
