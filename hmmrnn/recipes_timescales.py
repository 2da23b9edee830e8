"""Recipes of the claims of time scales and self-induced stochastic resonance (see recipes.py)."""
from __future__ import annotations

RECIPES: dict = {}
