"""The claims of the training claims, decided over a folder of training runs (paper 3.2, App B): P6, P7, P10, P11, P13."""
from .claim import Claim, Reading, Threshold as T  # noqa: F401

CLAIMS: tuple[Claim, ...] = ()
PAPER_READINGS: dict[str, Reading] = {}
