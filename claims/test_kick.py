"""Paper 5, Fig 7: "silencing the kick neurons traps the trajectory in its cluster".
The kick neurons are discovered per checkpoint, never typed in."""
from hmmrnn.analysis import kick, kick_search
from hmmrnn.registry import get

CLAIM = get("kick.ablation-traps")
TRAP = next(t.value for t in CLAIM.thresholds if t.statistic == "max_ablated_ratio")


def test_claim(case, checkpoint, claims_seed, record):
    found = kick.discover(checkpoint.model, seed=claims_seed, group_size=3)  # the paper's triplets
    effects = kick.ablation(checkpoint.model, found, seed=claims_seed)
    stats = kick.summary(found, effects, kick.example_trace(checkpoint.model, found, seed=claims_seed))
    stats["trap_size"] = kick.trap_size(checkpoint.model, seed=claims_seed)  # reported, not thresholded
    # whose fault when the discovered triplet does not trap: a greedy search by ablation, held-out ratio
    searched = kick_search.greedy_group(checkpoint.model, found, seed=claims_seed, size=3)
    stats.update(kick_search.summary(effects, searched, TRAP))
    failed = record(CLAIM, stats)
    assert not failed, "; ".join(failed)
