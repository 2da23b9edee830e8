"""Plots of the claims of the training claims, decided over a folder of training runs (see figures.py)."""
from __future__ import annotations

PLOTS: dict = {}
