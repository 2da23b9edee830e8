"""Paper 3.2, App. C: "the trained RNNs replicate the emission statistics of the target HMMs"."""
from hmmrnn.plugin import claim_tests
from hmmrnn.registry import get

CLAIM = get("emission.hmm-agreement")
test_strict, test_paper = claim_tests(CLAIM)
