"""Paper 5, Fig 6: "within a kick triplet connections are excitatory, each triplet inhibits the other;
two self-exciting, cross-inhibiting populations of about 35 neurons drive them with opposite signs"."""
from hmmrnn.analysis import connectivity, kick
from hmmrnn.registry import get

CLAIM = get("connectivity.kick-motif")


def test_claim(case, checkpoint, claims_seed, record):
    found = kick.discover(checkpoint.model, seed=claims_seed)
    stats = connectivity.kick_motif(checkpoint.model.weight_hh.numpy(), found["groups"], seed=claims_seed,
                                    pop_size=70, n_null=200)
    failed = record(CLAIM, stats)
    assert not failed, "; ".join(failed)
