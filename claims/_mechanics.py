"""What the claims of orbit mechanics, slow regions and the kick gate share: each claim's analysis runs once per
checkpoint (``Subject.shared``) and returns both readings' statistics, of which a reading takes its own
(``one_reading``); the colours of the outputs in their plots."""
from __future__ import annotations

OUTPUT_COLOURS = ("tab:green", "tab:blue", "tab:red", "tab:purple", "tab:orange")


def one_reading(got: dict, reading: str) -> dict:
    """One reading's statistics of an analysis that computes both, with the plot data they share."""
    return {**got[reading], "_plot": got["_plot"]}
