"""Paper App. L: "with more latent states in a linear chain, finer emission levels come from how the
readout rows align with the orbit plane" -- one verdict over all trained linear-chain checkpoints."""
from hmmrnn.plugin import claim_tests
from hmmrnn.registry import get

CLAIM = get("readout.alignment")
test_strict, test_paper = claim_tests(CLAIM, on="cohort_subject")
