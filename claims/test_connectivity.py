"""Paper 5, Fig 6: "kick triplets excite within and inhibit each other;
two self-exciting, cross-inhibiting populations of about 35 neurons drive them with opposite signs"."""
from hmmrnn.plugin import claim_tests
from hmmrnn.registry import get

CLAIM = get("connectivity.kick-motif")
test_strict, test_paper = claim_tests(CLAIM)
