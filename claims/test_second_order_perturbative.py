"""Paper 4.1, App. H: the radius scaling is "confirmed by a perturbative analysis"."""
from hmmrnn.plugin import claim_tests
from hmmrnn.registry import get

CLAIM = get("second-order.perturbative")
test_strict, test_paper = claim_tests(CLAIM)
