"""Paper 4.1, Fig 2C/3D, Fig 8 and the abstract: "input pushes activity outward, recurrence pulls it back";
"rotation along the orbit modulates emission probabilities"; "sustained quasi-periodic oscillations without
periodic input"."""
from hmmrnn.plugin import claim_tests
from hmmrnn.registry import get

CLAIM = get("orbit.mechanics")
test_strict, test_paper = claim_tests(CLAIM)
