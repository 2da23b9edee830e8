"""The claims of orbit mechanics, slow regions and the kick gate (paper 4.1, 5): P17, P19-P21, P30, P54."""
from .claim import Claim, Reading, Threshold as T  # noqa: F401

CLAIMS: tuple[Claim, ...] = ()
PAPER_READINGS: dict[str, Reading] = {}
