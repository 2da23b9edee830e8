"""Paper 5: "kick neurons sit near the ReLU threshold in kick zones, where small input changes open the gate"."""
from hmmrnn.plugin import claim_tests
from hmmrnn.registry import get

CLAIM = get("kick.gate")
test_strict, test_paper = claim_tests(CLAIM)
