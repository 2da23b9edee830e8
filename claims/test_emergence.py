"""Paper 4.1, Fig 4 and 16: "the fixed point gives way to the orbit with the loss's second descent;
critical eigenvalue pairs appear; the rate of output transitions converges"."""
from hmmrnn.analysis import emergence, orbit
from hmmrnn.registry import get

CLAIM = get("training.emergence")
ORBIT_RULE = orbit.orbit_rule(get("orbit.radius-scaling").thresholds)  # the orbit claim's own rotation rule


def test_claim(case, checkpoint, target_hmm, claims_seed, record):
    gap = next(t.value for t in CLAIM.thresholds if t.statistic == "epoch_gap")
    stats = emergence.emergence(checkpoint.path, target_hmm, seed=claims_seed, orbit_rule=ORBIT_RULE, max_spacing=gap)
    failed = record(CLAIM, stats)
    assert not failed, "; ".join(failed)
