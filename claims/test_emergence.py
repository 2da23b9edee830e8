"""Paper 4.1, Fig 4 and 16: "over training the fixed point turns into an orbit with the loss's second descent;
critical eigenvalue pairs appear; the rate of output transitions converges"."""
from hmmrnn.analysis import emergence, orbit
from hmmrnn.registry import get

CLAIM = get("training.emergence")
ORBIT_RULE = orbit.orbit_rule(get("orbit.radius-scaling").thresholds)  # the orbit claim's own rotation rule


def series(shared, checkpoint, target_hmm):
    return shared(emergence.emergence, checkpoint.path, target_hmm, orbit_rule=ORBIT_RULE,
                  max_spacing=CLAIM.threshold("epoch_gap"))


def test_strict(case, checkpoint, target_hmm, shared, record):
    failed = record(CLAIM, series(shared, checkpoint, target_hmm))
    assert not failed, "; ".join(failed)


def test_paper(case, checkpoint, target_hmm, shared, record):
    failed = record(CLAIM, series(shared, checkpoint, target_hmm))
    assert not failed, "; ".join(failed)
