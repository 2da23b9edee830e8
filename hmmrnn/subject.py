"""What a recipe runs on (Subject) and the computations several claims share: the zone map, the kick groups, the
orbit claim's runs and its rotation rule, the noise claim's statistics. The recipes of every group of claims import them from here."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

from .analysis import kick, noise, orbit, residency
from .registry import ClaimError, get

ZONE_MAP = dict(n_locations=2000, rollouts=20, horizon=60)  # the one zone map of a checkpoint, shared by claims
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


def orbit_rule() -> dict:
    """The orbit claim's own rotation rule: whether a network has an orbit, for the claims that ask."""
    return orbit.orbit_rule(get("orbit.radius-scaling").thresholds)


def orbit_strict(s):
    return s.shared(orbit.radius_scaling, s.model, scales=orbit.SCALES)


def orbit_paper(s):
    return s.shared(orbit.paper_orbit, s.model, scales=orbit.PAPER_SCALES)


def noise_strict(s):
    z = s.shared(residency.three_zones, s.model, n_locations=1000)
    return noise.cluster_vs_transition(s.model, z.zones, z.locations, seed=s.seed)


def noise_paper(s):
    z = s.shared(residency.three_zones, s.model, n_locations=1000)  # the nominal run's zones
    return noise.paper_protocol(s.model, z.zones, z.locations, seed=s.seed)
