"""Paper 4.1, Fig 3B: "without input, the activity collapses to a single fixed point"."""
from hmmrnn.analysis import fixed_point
from hmmrnn.registry import get

CLAIM = get("fixed-point.single")


def test_claim(case, checkpoint, claims_seed, record):
    stats = fixed_point.collapse(checkpoint.model, seed=claims_seed, n_starts=512, steps=500)
    failed = record(CLAIM, stats)
    assert not failed, "; ".join(failed)
