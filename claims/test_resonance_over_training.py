"""Abstract and paper 6: "training shifts the network into a stochastic-resonance regime"; "learning shapes the
period through the effective time constant" (over a run's evolution checkpoints)."""
from hmmrnn.plugin import claim_tests
from hmmrnn.registry import get

CLAIM = get("time-scales.over-training")
test_strict, test_paper = claim_tests(CLAIM)
