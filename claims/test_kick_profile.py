"""Paper 5, App. J: "kick neurons are strongly negative in clusters, near zero in kick zones and positive
during transitions"."""
from hmmrnn.analysis import kick, residency
from hmmrnn.registry import get

CLAIM = get("kick.preactivation-profile")


def test_claim(case, checkpoint, claims_seed, record):
    found = kick.discover(checkpoint.model, seed=claims_seed)
    z = residency.three_zones(checkpoint.model, seed=claims_seed, n_locations=2000)
    stats = kick.zone_profile(found, z["_zones"], z["_preacts"], z["_outputs"])
    failed = record(CLAIM, stats)
    assert not failed, "; ".join(failed)
