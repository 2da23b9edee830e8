"""Analyses of the paper, each a small module of pure functions over a model and a seed."""
from . import (composition, connectivity, emergence, emission, fixed_point, kick, noise, orbit, readout, residency,
               second_order)

__all__ = ["composition", "connectivity", "emergence", "emission", "fixed_point", "kick", "noise", "orbit", "readout", "residency",
           "second_order"]
