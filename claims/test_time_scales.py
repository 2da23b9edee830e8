"""Paper 5 and 6, Fig 8: "slow integrating units and fast kick neurons"; "noise accumulates in the slow subsystem
until the kick zone triggers a fast deterministic transition"; "the period is set by noise variance and slow
integration"; "resembles self-induced stochastic resonance"; "kick activity rises sharply before the transition"."""
from hmmrnn.plugin import claim_tests
from hmmrnn.registry import get

CLAIM = get("time-scales.resonance")
test_strict, test_paper = claim_tests(CLAIM)
