"""Paper 5, Fig 6: "kick triplets excite within and inhibit each other;
two self-exciting, cross-inhibiting populations of about 35 neurons drive them with opposite signs"."""
from hmmrnn.analysis import connectivity, kick
from hmmrnn.registry import get

CLAIM = get("connectivity.kick-motif")


def motif(shared, checkpoint, claims_seed):
    found = shared(kick.discover, checkpoint.model, group_size=3)
    return connectivity.kick_motif(checkpoint.model.weight_hh.numpy(), found["groups"], seed=claims_seed,
                                   pop_size=70, n_null=200)


def test_strict(case, checkpoint, shared, claims_seed, record):
    failed = record(CLAIM, motif(shared, checkpoint, claims_seed))
    assert not failed, "; ".join(failed)


def test_paper(case, checkpoint, shared, claims_seed, record):
    failed = record(CLAIM, motif(shared, checkpoint, claims_seed))
    assert not failed, "; ".join(failed)
