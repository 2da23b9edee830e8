"""Recipes of the claims of orbit mechanics, slow regions and the kick gate (see recipes.py).

Each claim's analysis runs once per checkpoint (``Subject.shared``) and returns both readings' statistics; the
orbit plane, zone map and kick groups are the ones the other claims share."""
from __future__ import annotations

from .analysis import gate, orbit, orbit_mechanics, slow_regions
from .errors import ClaimError
from .subject import kick_groups, zone_map


def _mechanics(s):
    return s.shared(orbit_mechanics.analyse, s.model, plane=s.shared(orbit.orbit_plane, s.model))


def _slow(s):
    return s.shared(slow_regions.analyse, s.model, zone_map(s))


def _gate(s):
    try:
        groups = kick_groups(s).neurons_by_direction()
    except ClaimError as e:
        raise ClaimError(f"no kick groups: {e}") from None
    z = zone_map(s)
    return s.shared(_gate_of, s.model, groups, z)


def _gate_of(model, groups, z, seed):
    return gate.analyse(model, groups, z.zones, z.locations, z.outputs, z.rt, seed)


def _reading(compute, name):
    def recipe(s):
        got = compute(s)
        return {**got[name], "_plot": got["_plot"]}
    recipe.__name__ = f"{compute.__name__.strip('_')}_{name}"
    return recipe


RECIPES: dict = {
    ("orbit.mechanics", "strict"): _reading(_mechanics, "strict"),
    ("orbit.mechanics", "paper"): _reading(_mechanics, "paper"),
    ("slow-regions.output-classes", "strict"): _reading(_slow, "strict"),
    ("slow-regions.output-classes", "paper"): _reading(_slow, "paper"),
    ("kick.gate", "strict"): _reading(_gate, "strict"),
    ("kick.gate", "paper"): _reading(_gate, "paper"),
}
