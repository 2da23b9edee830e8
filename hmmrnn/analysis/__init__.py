"""Analyses of the paper, each a small module of pure functions over a model and a seed."""
from . import connectivity, emergence, emission, fixed_point, kick, noise, orbit, residency, second_order

__all__ = ["connectivity", "emergence", "emission", "fixed_point", "kick", "noise", "orbit", "residency",
           "second_order"]
