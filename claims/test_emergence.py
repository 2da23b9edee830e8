"""Paper 4.1, Fig 4 and 16: "over training the fixed point turns into an orbit with the loss's second descent;
critical eigenvalue pairs appear; the rate of output transitions converges"."""
from hmmrnn.plugin import claim_tests
from hmmrnn.registry import get

CLAIM = get("training.emergence")
test_strict, test_paper = claim_tests(CLAIM)
