"""Paper App. B: shorter training sequences were used where long chains failed to converge -- one verdict
over the training runs under --runs-dir (linear:5 at L = 40 and 30)."""
from hmmrnn.plugin import claim_tests
from hmmrnn.registry import get

CLAIM = get("training.sequence-length")
test_strict, test_paper = claim_tests(CLAIM, on="runs_subject")
