"""Paper 4.1, Fig 2D: "slow regions (clusters), each a distinct output class"; "transitions between slow zones
change output probabilities a lot"."""
from hmmrnn.plugin import claim_tests
from hmmrnn.registry import get

CLAIM = get("slow-regions.output-classes")
test_strict, test_paper = claim_tests(CLAIM)
