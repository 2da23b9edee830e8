"""Paper 5, Fig 7: "silencing the kick neurons traps the trajectory in its cluster".
The kick neurons are discovered per checkpoint, never typed in."""
from hmmrnn.recipes import statistics
from hmmrnn.registry import get

CLAIM = get("kick.ablation-traps")


def test_strict(subject, record):
    failed = record(CLAIM, statistics(CLAIM.id, "strict", subject))
    assert not failed, "; ".join(failed)


def test_paper(subject, record):
    failed = record(CLAIM, statistics(CLAIM.id, "paper", subject))
    assert not failed, "; ".join(failed)
