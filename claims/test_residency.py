"""Paper 4.2, Fig 5A: "residency time splits state space into clusters, kick zones and transitions"."""
from hmmrnn.analysis import residency
from hmmrnn.registry import get

CLAIM = get("residency.three-zones")


def test_claim(case, checkpoint, claims_seed, record):
    stats = residency.three_zones(checkpoint.model, seed=claims_seed, n_locations=2000, rollouts=20, horizon=60)
    failed = record(CLAIM, stats)
    assert not failed, "; ".join(failed)
