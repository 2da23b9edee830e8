"""The two ways a claim can stop short of a verdict on its statistics."""
from __future__ import annotations


class ClaimError(Exception):
    """A claim that cannot be evaluated on a checkpoint (ERROR, not FAIL); the message is one line.
    ``statistics``: what was computed before it stopped, for the report (optional)."""

    statistics: dict | None = None


class ModelDiverged(Exception):
    """The network's activity blows up (inf/NaN) where the claim needs it bounded: the claim FAILS."""
