"""Paper 3.2, App. C: "the trained RNNs replicate the emission statistics of the target HMMs"."""
from hmmrnn.analysis import emission
from hmmrnn.registry import get

CLAIM = get("emission.hmm-agreement")


def test_strict(case, checkpoint, target_hmm, shared, record):
    stats = shared(emission.agreement, checkpoint.model, target_hmm, n=5000)
    failed = record(CLAIM, stats)
    assert not failed, "; ".join(failed)


def test_paper(case, checkpoint, target_hmm, shared, record):
    stats = shared(emission.agreement, checkpoint.model, target_hmm, n=5000, length=100)  # the authors' 5000 x 100
    failed = record(CLAIM, stats)
    assert not failed, "; ".join(failed)
