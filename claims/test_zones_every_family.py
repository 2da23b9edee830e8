"""Paper 4.2, App. I: "the same zones appear in every architecture" -- one verdict over the trained checkpoints of every family."""
from hmmrnn.plugin import claim_tests
from hmmrnn.registry import get

CLAIM = get("zones.every-family")
test_strict, test_paper = claim_tests(CLAIM, on="cohort_subject")
