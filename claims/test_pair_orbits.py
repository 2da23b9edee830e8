"""Paper 4.1, Fig 3G: "for fully-connected and cyclic HMMs the network forms several orbits, one per
output pair"."""
from hmmrnn.plugin import claim_tests
from hmmrnn.registry import get

CLAIM = get("orbit.per-output-pair")
test_strict, test_paper = claim_tests(CLAIM)
