"""Plots of the claims of time scales and self-induced stochastic resonance (see figures.py)."""
from __future__ import annotations

PLOTS: dict = {}
