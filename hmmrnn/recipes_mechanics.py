"""Recipes of the claims of orbit mechanics, slow regions and the kick gate (see recipes.py)."""
from __future__ import annotations

RECIPES: dict = {}
