"""Paper 5, Fig 7: amplifying the kick neurons' activity (mu = 2) or the integrating population's noise drive
has effects that "resemble a larger noise variance"."""
from hmmrnn.plugin import claim_tests
from hmmrnn.registry import get

CLAIM = get("kick.noise-equivalence")
test_strict, test_paper = claim_tests(CLAIM)
