"""The claims of time scales and self-induced stochastic resonance (paper 5, 6): P38, P59, P68, P72-P77."""
from .claim import Claim, Reading, Threshold as T  # noqa: F401

CLAIMS: tuple[Claim, ...] = ()
PAPER_READINGS: dict[str, Reading] = {}
