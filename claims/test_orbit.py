"""Paper 4.1, Fig 3D, App. H: "under noise the state rotates along a closed orbit whose radius grows
linearly with the input scale"."""
from hmmrnn.analysis import orbit
from hmmrnn.registry import get

CLAIM = get("orbit.radius-scaling")


def test_claim(case, checkpoint, claims_seed, record):
    stats = orbit.radius_scaling(checkpoint.model, seed=claims_seed, scales=orbit.SCALES)
    failed = record(CLAIM, stats)
    assert not failed, "; ".join(failed)
