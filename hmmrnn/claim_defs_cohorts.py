"""The claims of claims decided across checkpoints of several HMMs and chains, and the perturbative ones: P22, P32, P34, P41, P52, P70."""
from .claim import Claim, Reading, Threshold as T  # noqa: F401

CLAIMS: tuple[Claim, ...] = ()
PAPER_READINGS: dict[str, Reading] = {}
