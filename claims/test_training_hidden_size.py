"""Paper 3.2: "hidden size beyond 150 gives only marginal benefits" -- one verdict over the training runs
under --runs-dir (linear:2 at H = 50, 150, 200)."""
from hmmrnn.plugin import claim_tests
from hmmrnn.registry import get

CLAIM = get("training.hidden-size")
test_strict, test_paper = claim_tests(CLAIM, on="runs_subject")
