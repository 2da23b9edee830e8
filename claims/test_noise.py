"""Paper 4.2, Fig 5B: "clusters are sensitive to noise, transitions are nearly deterministic"."""
from hmmrnn.analysis import noise, residency
from hmmrnn.registry import get

CLAIM = get("noise.cluster-vs-transition")


def test_claim(case, checkpoint, claims_seed, record):
    zones = residency.three_zones(checkpoint.model, seed=claims_seed, n_locations=1000)
    stats = noise.cluster_vs_transition(checkpoint.model, zones["_zones"], zones["_locations"], seed=claims_seed)
    failed = record(CLAIM, stats)
    assert not failed, "; ".join(failed)
