"""Paper 5, App. J: "kick neurons: pre-activation strongly negative in clusters, near zero in kick zones, positive
during transitions"."""
from hmmrnn.analysis import kick, residency
from hmmrnn.registry import get

CLAIM = get("kick.preactivation-profile")


def profile(shared, checkpoint):
    found = shared(kick.discover, checkpoint.model, group_size=3)
    z = shared(residency.three_zones, checkpoint.model, n_locations=2000, rollouts=20, horizon=60)
    return kick.zone_profile(found, z["_zones"], z["_preacts"], z["_outputs"])


def test_strict(case, checkpoint, shared, record):
    failed = record(CLAIM, profile(shared, checkpoint))
    assert not failed, "; ".join(failed)


def test_paper(case, checkpoint, shared, record):
    failed = record(CLAIM, profile(shared, checkpoint))
    assert not failed, "; ".join(failed)
