"""Analyses of the paper, each a small module of pure functions over a model and a seed."""
from . import emission, fixed_point, kick, orbit, residency

__all__ = ["emission", "fixed_point", "kick", "orbit", "residency"]
