"""Paper 4.2, Fig 5B: "clusters are sensitive to noise, transitions are nearly deterministic"."""
from hmmrnn.analysis import noise, residency
from hmmrnn.registry import get

CLAIM = get("noise.cluster-vs-transition")


def test_strict(case, checkpoint, shared, claims_seed, record):
    zones = shared(residency.three_zones, checkpoint.model, n_locations=1000)
    stats = noise.cluster_vs_transition(checkpoint.model, zones["_zones"], zones["_locations"], seed=claims_seed)
    failed = record(CLAIM, stats)
    assert not failed, "; ".join(failed)


def test_paper(case, checkpoint, shared, claims_seed, record):
    zones = shared(residency.three_zones, checkpoint.model, n_locations=1000)  # the nominal run's zones
    stats = noise.paper_protocol(checkpoint.model, zones["_zones"], zones["_locations"], seed=claims_seed)
    failed = record(CLAIM, stats)
    assert not failed, "; ".join(failed)
