"""Paper 5, Fig 7: "silencing the kick neurons traps the trajectory in its cluster".
The kick neurons are discovered per checkpoint, never typed in."""
from hmmrnn.analysis import kick, kick_search, mu_sweep
from hmmrnn.registry import get

CLAIM = get("kick.ablation-traps")
TRAP = CLAIM.threshold("max_ablated_ratio")


def test_strict(case, checkpoint, shared, claims_seed, record):
    found = shared(kick.discover, checkpoint.model, group_size=3)  # the paper's triplets
    effects = kick.ablation(checkpoint.model, found, seed=claims_seed)
    stats = kick.summary(found, effects, kick.example_trace(checkpoint.model, found, seed=claims_seed))
    stats["trap_size"] = kick.trap_size(checkpoint.model, seed=claims_seed)  # reported, not thresholded
    # whose fault when the discovered triplet does not trap: a greedy search by ablation, held-out ratio
    searched = kick_search.greedy_group(checkpoint.model, found, seed=claims_seed, size=3)
    stats.update(kick_search.summary(effects, searched, TRAP))
    failed = record(CLAIM, stats)
    assert not failed, "; ".join(failed)


def test_paper(case, checkpoint, shared, mu_grid, record):
    found = shared(kick.discover, checkpoint.model, group_size=3)
    sweeps = shared(mu_sweep.sweep, checkpoint.model, found, grid=mu_grid, max_size=3)  # the paper's triplet
    stats = mu_sweep.paper_statistics(sweeps)
    stats["kick_critical_run_ratio"] = stats["kick_critical_run_mu0"] / max(stats["kick_critical_run_mu1"], 1e-12)
    stats.update({"grid": mu_grid, "per_direction": mu_sweep.per_direction(sweeps),
                  "_plot": mu_sweep.plot_data(sweeps)})
    failed = record(CLAIM, stats)
    assert not failed, "; ".join(failed)
