"""Paper App. H: "the expected second-order displacement scales with the noise variance and has kick
neurons among its top components"."""
from hmmrnn.analysis import kick, second_order
from hmmrnn.registry import get

CLAIM = get("second-order.variance")


def test_claim(case, checkpoint, claims_seed, record):
    found = kick.discover(checkpoint.model, seed=claims_seed)
    neurons = [n for g in found["groups"].values() for n in g["neurons"]]
    stats = second_order.displacement(checkpoint.model, seed=claims_seed, kick_neurons=neurons)
    failed = record(CLAIM, stats)
    assert not failed, "; ".join(failed)
