"""Paper App. B: "training converges, typically within 1000 epochs"; "only seeds that successfully converged
were retained" -- the filter of the replication summary."""
from hmmrnn.plugin import claim_tests
from hmmrnn.registry import get

CLAIM = get("training.convergence")
test_strict, test_paper = claim_tests(CLAIM)
