"""Plots of the claims of orbit mechanics, slow regions and the kick gate (see figures.py)."""
from __future__ import annotations

PLOTS: dict = {}
