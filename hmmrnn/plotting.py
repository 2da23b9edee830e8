"""Matplotlib without a display, and the one way a figure is written: atomically, as a PNG. The plot modules of
every claim module and the report's figures (figures.py) draw with these."""
from __future__ import annotations

import io
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

from .checkpoint import atomic_write_bytes  # noqa: E402

__all__ = ["plt", "save"]


def save(fig, path: Path | None):
    """Write the figure as a PNG at path (atomically) and close it; with no path, return the Figure."""
    if path is None:
        return fig
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=90, bbox_inches="tight")
    plt.close(fig)
    atomic_write_bytes(path, buf.getvalue())
    return path
