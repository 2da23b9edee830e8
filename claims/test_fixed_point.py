"""Paper 4.1, Fig 3B: "without input, activity converges to a single fixed point"."""
from hmmrnn.plugin import claim_tests
from hmmrnn.registry import get

CLAIM = get("fixed-point.single")
test_strict, test_paper = claim_tests(CLAIM)
