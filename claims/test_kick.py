"""Paper 5, Fig 7: "silencing the kick neurons traps the trajectory in its cluster".
The kick neurons are discovered per checkpoint, never typed in."""
from hmmrnn.plugin import claim_tests
from hmmrnn.registry import get

CLAIM = get("kick.ablation-traps")
test_strict, test_paper = claim_tests(CLAIM)
