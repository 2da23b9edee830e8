"""Recipes of the claims of the training claims, decided over a folder of training runs (see recipes.py)."""
from __future__ import annotations

RECIPES: dict = {}
