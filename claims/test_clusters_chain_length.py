"""Paper 4.1, Fig 12: "more states in a linear chain do not add slow regions" -- one verdict over S = 2..5."""
from hmmrnn.plugin import claim_tests
from hmmrnn.registry import get

CLAIM = get("clusters.chain-length")
test_strict, test_paper = claim_tests(CLAIM, on="cohort_subject")
