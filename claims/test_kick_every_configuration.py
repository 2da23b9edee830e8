"""Paper 5, App. I-K: "the analyses hold for the other configurations" -- kick groups that trap, in every family and chain."""
from hmmrnn.plugin import claim_tests
from hmmrnn.registry import get

CLAIM = get("kick.every-configuration")
test_strict, test_paper = claim_tests(CLAIM, on="cohort_subject")
