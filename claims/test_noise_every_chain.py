"""Paper 4.2, Fig 20: "the same holds for every linear chain" (clusters noise-sensitive, transitions nearly deterministic) -- one verdict over S = 2..5."""
from hmmrnn.plugin import claim_tests
from hmmrnn.registry import get

CLAIM = get("noise.every-chain")
test_strict, test_paper = claim_tests(CLAIM, on="cohort_subject")
