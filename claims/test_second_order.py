"""Paper App. H: "the second-order response scales with the noise variance and has kick
neurons among its top components"."""
from hmmrnn.plugin import claim_tests
from hmmrnn.registry import get

CLAIM = get("second-order.variance")
test_strict, test_paper = claim_tests(CLAIM)
