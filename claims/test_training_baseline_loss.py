"""Paper 1: "the Sinkhorn divergence lets a noise-driven RNN learn the stochastic transitions" -- one
verdict over the training runs under --runs-dir (Sinkhorn against a baseline loss)."""
from hmmrnn.plugin import claim_tests
from hmmrnn.registry import get

CLAIM = get("training.baseline-loss")
test_strict, test_paper = claim_tests(CLAIM, on="runs_subject")
