"""Paper App. L: "with more latent states in a linear chain, finer emission levels come from how the
readout rows align with the orbit plane" -- one verdict over all trained linear-chain checkpoints."""
from hmmrnn.recipes import statistics
from hmmrnn.registry import ClaimError, get

CLAIM = get("readout.alignment")


def decide(reading, cohort_subject, record):
    try:
        stats = statistics(CLAIM.id, reading, cohort_subject)
    except ClaimError as e:  # keep the per-checkpoint numbers in the report, then report what is missing
        if getattr(e, "statistics", None):
            record(CLAIM, e.statistics)
        raise
    return record(CLAIM, stats)


def test_strict(cohort_subject, record):
    failed = decide("strict", cohort_subject, record)
    assert not failed, "; ".join(failed)


def test_paper(cohort_subject, record):
    failed = decide("paper", cohort_subject, record)
    assert not failed, "; ".join(failed)
