"""Paper 5, App. J: "kick neurons: pre-activation strongly negative in clusters, near zero in kick zones, positive
during transitions"."""
from hmmrnn.plugin import claim_tests
from hmmrnn.registry import get

CLAIM = get("kick.preactivation-profile")
test_strict, test_paper = claim_tests(CLAIM)
