"""Paper 3.2: "higher input dimensionality d improves convergence" -- one verdict over the training runs
under --runs-dir (linear:4 at d = 1, 10, 100, 200)."""
from hmmrnn.plugin import claim_tests
from hmmrnn.registry import get

CLAIM = get("training.input-dimension")
test_strict, test_paper = claim_tests(CLAIM, on="runs_subject")
