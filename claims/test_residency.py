"""Paper 4.2, Fig 5A: "residency time splits state space into clusters, kick zones and transitions"."""
from hmmrnn.analysis import residency
from hmmrnn.registry import get

CLAIM = get("residency.three-zones")


def zone_map(shared, checkpoint):
    """The one zone map of a checkpoint (2000 locations x 20 rollouts x 60 steps), shared by the claims."""
    return shared(residency.three_zones, checkpoint.model, n_locations=2000, rollouts=20, horizon=60)


def test_strict(case, checkpoint, shared, record):
    failed = record(CLAIM, zone_map(shared, checkpoint))
    assert not failed, "; ".join(failed)


def test_paper(case, checkpoint, shared, record):
    failed = record(CLAIM, zone_map(shared, checkpoint))
    assert not failed, "; ".join(failed)
