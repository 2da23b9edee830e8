"""Paper 4.2, Fig 5A: "residency time splits state space into clusters, kick zones and transitions"."""
from hmmrnn.plugin import claim_tests
from hmmrnn.registry import get

CLAIM = get("residency.three-zones")
test_strict, test_paper = claim_tests(CLAIM)
