"""Paper App. B: gradient clipping (0.9 for linear chains) stabilises training -- one verdict over the
training runs under --runs-dir (linear:2 with and without clipping)."""
from hmmrnn.plugin import claim_tests
from hmmrnn.registry import get

CLAIM = get("training.clipping")
test_strict, test_paper = claim_tests(CLAIM, on="runs_subject")
