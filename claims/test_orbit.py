"""Paper 4.1, Fig 3D: "under noise the state rotates along a closed orbit whose radius grows
linearly with the input scale"."""
from hmmrnn.analysis import orbit
from hmmrnn.registry import get

CLAIM = get("orbit.radius-scaling")


def test_strict(case, checkpoint, shared, record):
    stats = shared(orbit.radius_scaling, checkpoint.model, scales=orbit.SCALES)
    failed = record(CLAIM, stats)
    assert not failed, "; ".join(failed)


def test_paper(case, checkpoint, shared, record):
    stats = shared(orbit.paper_orbit, checkpoint.model, scales=orbit.PAPER_SCALES)
    failed = record(CLAIM, stats)
    assert not failed, "; ".join(failed)
