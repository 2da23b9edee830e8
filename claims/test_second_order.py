"""Paper App. H: "the second-order response scales with the noise variance and has kick
neurons among its top components"."""
from hmmrnn.analysis import kick, second_order
from hmmrnn.registry import get

CLAIM = get("second-order.variance")


def kick_neurons(shared, checkpoint) -> list[int]:
    found = shared(kick.discover, checkpoint.model, group_size=3)
    return [n for g in found["groups"].values() for n in g["neurons"]]


def test_strict(case, checkpoint, shared, claims_seed, record):
    stats = second_order.displacement(checkpoint.model, seed=claims_seed, kick_neurons=kick_neurons(shared, checkpoint))
    failed = record(CLAIM, stats)
    assert not failed, "; ".join(failed)


def test_paper(case, checkpoint, shared, claims_seed, record):
    stats = second_order.paper_recursion(checkpoint.model, seed=claims_seed, kick_neurons=kick_neurons(shared, checkpoint))
    failed = record(CLAIM, stats)
    assert not failed, "; ".join(failed)
