"""Paper 4.2, Fig 5B: "clusters are sensitive to noise, transitions are nearly deterministic"."""
from hmmrnn.plugin import claim_tests
from hmmrnn.registry import get

CLAIM = get("noise.cluster-vs-transition")
test_strict, test_paper = claim_tests(CLAIM)
