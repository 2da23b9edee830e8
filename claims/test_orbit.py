"""Paper 4.1, Fig 3D: "under noise the state rotates along a closed orbit whose radius grows
linearly with the input scale"."""
from hmmrnn.plugin import claim_tests
from hmmrnn.registry import get

CLAIM = get("orbit.radius-scaling")
test_strict, test_paper = claim_tests(CLAIM)
