"""Paper App. B: "training converges, typically within 1000 epochs"; "only seeds that successfully converged
were retained" -- the filter of the replication summary."""
from hmmrnn.analysis import convergence
from hmmrnn.registry import get

CLAIM = get("training.convergence")


def test_strict(case, checkpoint, target_hmm, shared, record):
    failed = record(CLAIM, shared(convergence.of_checkpoint, checkpoint.path, target_hmm))
    assert not failed, "; ".join(failed)


def test_paper(case, checkpoint, target_hmm, shared, record):
    failed = record(CLAIM, shared(convergence.of_checkpoint, checkpoint.path, target_hmm))
    assert not failed, "; ".join(failed)
