"""Paper 3.2, App. C: "the network's emission statistics agree with the HMM's"."""
from hmmrnn.analysis import emission
from hmmrnn.registry import get

CLAIM = get("emission.hmm-agreement")


def test_claim(case, checkpoint, target_hmm, claims_seed, record):
    stats = emission.agreement(checkpoint.model, target_hmm, seed=claims_seed, n=5000)
    failed = record(CLAIM, stats)
    assert not failed, "; ".join(failed)
