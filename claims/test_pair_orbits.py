"""Paper 4.1, Fig 3G: "for fully-connected and cyclic HMMs the network forms several orbits, one per
output pair"."""
from hmmrnn.analysis import composition
from hmmrnn.registry import get

CLAIM = get("orbit.per-output-pair")


def test_claim(case, checkpoint, target_hmm, claims_seed, record):
    stats = composition.pair_orbits(checkpoint.model, target_hmm, seed=claims_seed)
    failed = record(CLAIM, stats)
    assert not failed, "; ".join(failed)
