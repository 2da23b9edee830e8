"""Paper App. L: "with more latent states in a linear chain, finer emission levels come from how the
readout rows align with the orbit plane" -- one verdict over all trained linear-chain checkpoints."""
from hmmrnn.analysis import readout
from hmmrnn.registry import ClaimError, get

CLAIM = get("readout.alignment")


def test_claim(case, members, claims_seed, record):
    by_states, per_member = readout.alignment_by_states(members, seed=claims_seed)
    try:
        stats = readout.trend(by_states)
    except ClaimError:  # keep the per-checkpoint numbers in the report, then report what is missing
        record(CLAIM, {"per_checkpoint": per_member, "_plot": {"per_checkpoint": per_member}})
        raise
    failed = record(CLAIM, {**stats, "per_checkpoint": per_member, "_plot": {"per_checkpoint": per_member}})
    assert not failed, "; ".join(failed)
