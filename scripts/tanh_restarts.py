"""Summarise scripts/tanh_restarts.sh (issue 30): per arm, the validation loss after the restart from the tanh net's
best checkpoint, how many epochs it spends back on the first plateau (val > PLATEAU_LEVEL, as plateau-returns.md
counts them), beside the original run over the same epochs -> docs/universality/tanh-restarts.md and .png.

Usage: .venv/bin/python scripts/tanh_restarts.py [OUT]   (OUT: runs/tanh-restarts)
"""
from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

from campaign_cells import PLATEAU_LEVEL, _state, _state_or_packed  # noqa: E402
from hmmrnn.checkpoint import atomic_write_bytes  # noqa: E402
from hmmrnn.plotting import plt, save  # noqa: E402

ARMS = {"as-trained": "clip 0.9, lr 1e-3 (the campaign's)", "no-clip": "no clipping, lr 1e-3",
        "lr-1e-4": "clip 0.9, lr 1e-4"}
START = 377  # the best checkpoint's epoch
AWAY = 15.0  # above the converged nets' 9-12 by a margin: the solution lost, on the plateau or on the way there


def history(run: Path) -> list[dict]:
    """The epochs after the restart (the history carries the source run's epochs before it)."""
    st = _state(run)
    return [x for x in st["history"] if x["epoch"] > START] if st else []


def row(label: str, what: str, h: list[dict]) -> str:
    val = [x["val"] for x in h]
    if not val:
        return f"| {label} | {what} | not run | | | | | | |"
    up = [x["epoch"] for x in h if x["val"] > PLATEAU_LEVEL]
    away = sum(v > AWAY for v in val)
    return (f"| {label} | {what} | {h[0]['epoch']}-{h[-1]['epoch']} | {len(up)} of {len(val)} | "
            f"{up[0] if up else '-'} | {away} | {min(val):.2f} | {max(val):.2f} | {val[-1]:.2f} |")


def main(argv: list[str]) -> int:
    out = Path(argv[0]) if argv else ROOT / "runs" / "tanh-restarts"
    orig = _state_or_packed(ROOT / "runs" / "cells", ROOT / "fixtures" / "partial" / "issue30", "linear2-tanh-seed0")
    arms = {a: history(out / a) for a in ARMS}
    n = max((len(h) for h in arms.values()), default=0)
    base = [x for x in orig["history"] if START < x["epoch"] <= START + n]
    lines = ["# The tanh net restarted from its best checkpoint (issue 30)", "",
             f"From epoch {START} (validation 9.46), a fresh Adam state, the same seed; `scripts/tanh_restarts.sh`. "
             f"'On the plateau': validation loss above {PLATEAU_LEVEL:g} (the first plateau sits at 31-36, the "
             "converged nets at 9-12).", "",
             "| arm | settings | epochs | on the plateau | first | above 15 | min val | max val | final val |",
             "|---|---|---|---|---|---|---|---|---|",
             row("original run", "clip 0.9, lr 1e-3, Adam state carried on", base)]
    lines += [row(a, ARMS[a], h) for a, h in arms.items()]
    doc = ROOT / "docs" / "universality"
    atomic_write_bytes(doc / "tanh-restarts.md", ("\n".join(lines) + "\n").encode())
    fig, ax = plt.subplots(figsize=(6, 3.2))
    ax.plot([x["epoch"] for x in base], [x["val"] for x in base], color="0.6", lw=1, label="original run")
    for a, h in arms.items():
        if h:
            ax.plot([x["epoch"] for x in h], [x["val"] for x in h], lw=1.2, label=f"{a}: {ARMS[a]}")
    ax.axhline(PLATEAU_LEVEL, color="grey", ls=":", lw=1)
    ax.set(xlabel="epoch", ylabel="validation loss", title="tanh seed 0 restarted from its best checkpoint")
    ax.legend(fontsize=7)
    save(fig, doc / "tanh-restarts.png")
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
