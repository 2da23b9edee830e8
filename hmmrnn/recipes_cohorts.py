"""Recipes of the claims of claims decided across checkpoints of several HMMs and chains, and the perturbative ones: P22, P32, P34, P41, P52, P70 (see recipes.py)."""
from __future__ import annotations

RECIPES: dict = {}
