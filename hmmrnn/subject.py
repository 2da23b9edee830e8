"""What a claim's recipe runs on (Subject), how a reading's statistics are computed on it (``statistics``), and
the two computations many claims share on a checkpoint: its zone map and its kick groups (one rule for each, used
by every claim that reads clusters, kick zones or kick neurons, the cohort claims included)."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

from . import cells
from .analysis import kick, residency
from .errors import ClaimError

# the checkpoint's zone map, shared by the claims that read its clusters and kick zones (the noise claims read the
# same map on 1000 states: noise_cluster_vs_transition.ZONE_MAP)
ZONE_MAP = dict(n_locations=2000, rollouts=20, horizon=60)
KICK_GROUP = 3  # the paper's kick triplets


@dataclass
class Subject:
    """What a recipe runs on. ``hmm`` is looked up only by the claims that need a target HMM (a missing one
    is their ERROR, not the others'); ``cache`` holds what several claims and both readings share, keyed by
    (function, arguments); ``members``: [(name, HMM, RNN)] of a cohort claim."""

    path: str
    model: object
    seed: int
    target: Callable[[], object] | None = None
    mu_grid: str = "coarse"
    members: list | None = None
    member_paths: dict = field(default_factory=dict)  # a cohort member's checkpoint file, by name
    cache: dict = field(default_factory=dict)

    @property
    def hmm(self):
        if self.target is None:
            raise ClaimError(f"{self.path}: no target HMM; pass one (linear:2, fully:3, cyclic:4 or a JSON file)")
        return self.target()

    def shared(self, fn, *args, **kw):
        """fn(*args, seed=self.seed, **kw), computed once per subject (a model argument is keyed as "<model>").
        An exception is kept and raised again for every claim that asks. Do not mutate results."""
        shown = tuple("<model>" if a is self.model else a for a in args)
        key = (f"{fn.__module__}.{fn.__qualname__}", repr(shown), repr(sorted(kw.items())))
        if key not in self.cache:
            try:
                self.cache[key] = fn(*args, seed=self.seed, **kw)
            except Exception as e:
                self.cache[key] = _Failed(e)
        got = self.cache[key]
        if isinstance(got, _Failed):
            raise got.error
        return got


class _Failed:
    def __init__(self, error: Exception):
        self.error = error


def zone_map(s: Subject) -> residency.ZoneMap:
    return s.shared(residency.three_zones, s.model, **ZONE_MAP)


def kick_groups(s: Subject) -> kick.KickGroups:
    return s.shared(kick.discover, s.model, group_size=KICK_GROUP)


def statistics(claim, reading: str, subject: Subject) -> dict:
    """The statistics of one reading of a claim on a subject: its recipe's, after its applicability to the
    network's cell (hmmrnn.cells: an ERROR where it does not apply; the cell and any declared analogue added to its
    statistics). ``pytest claims``, ``hmmrnn check`` and the notebook API all call this, so their numbers agree."""
    if claim.recipe is None:
        raise KeyError(f"claim {claim.id} has no recipe")
    on_cell = cells.require(claim, subject.model, reading) if subject.model is not None else {}
    stats = claim.recipe(subject, reading)
    return {**stats, **on_cell} if on_cell else stats
