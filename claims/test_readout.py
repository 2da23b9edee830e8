"""Paper App. L: "with more latent states in a linear chain, finer emission levels come from how the
readout rows align with the orbit plane" -- one verdict over all trained linear-chain checkpoints."""
from hmmrnn.analysis import orbit, readout
from hmmrnn.registry import ClaimError, get

CLAIM = get("readout.alignment")
ORBIT_RULE = orbit.orbit_rule(get("orbit.radius-scaling").thresholds)  # a checkpoint counts only if it has an orbit


def decide(members, shared, record):
    by_states, per_member = shared(readout.alignment_by_states, members, orbit_rule=ORBIT_RULE)
    try:
        stats = readout.trend(by_states, without_orbit=[n for n, m in per_member.items() if not m["has_orbit"]])
    except ClaimError:  # keep the per-checkpoint numbers in the report, then report what is missing
        record(CLAIM, {"per_checkpoint": per_member, "_plot": {"per_checkpoint": per_member}})
        raise
    return record(CLAIM, {**stats, "per_checkpoint": per_member, "_plot": {"per_checkpoint": per_member}})


def test_strict(case, members, shared, record):
    failed = decide(members, shared, record)
    assert not failed, "; ".join(failed)


def test_paper(case, members, shared, record):
    failed = decide(members, shared, record)
    assert not failed, "; ".join(failed)
