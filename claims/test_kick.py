"""Paper 5, Fig 7: "silencing the kick neurons traps the trajectory in its cluster".
The kick neurons are discovered per checkpoint, never typed in."""
from hmmrnn.analysis import kick
from hmmrnn.registry import get

CLAIM = get("kick.ablation-traps")


def test_claim(case, checkpoint, claims_seed, record):
    found = kick.discover(checkpoint.model, seed=claims_seed)
    effects = kick.ablation(checkpoint.model, found, seed=claims_seed)
    stats = kick.summary(found, effects, kick.example_trace(checkpoint.model, found, seed=claims_seed))
    failed = record(CLAIM, stats)
    assert not failed, "; ".join(failed)
