"""Paper 4.1, Fig 4D, App. H: "the second-order term dominates after the transition"."""
from hmmrnn.plugin import claim_tests
from hmmrnn.registry import get

CLAIM = get("training.second-order-dominance")
test_strict, test_paper = claim_tests(CLAIM)
