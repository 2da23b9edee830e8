"""Thin the evolution series of training runs and pack them into at most 6 tar.gz files for the trip back
from the device machine (the device tool returns at most 8 files of 16 MiB, 64 MiB in all).

Usage: python scripts/pack_runs.py RUNS_DIR OUT_DIR [--budget-mib 60]

What is kept, by a rule fixed before any run was looked at (issue 13):
  - every run: its final/best checkpoints with sidecars, history.json, train.log; state.pt only while the
    run is unfinished (no final.pt), so it can be resumed;
  - evolution every 100 epochs, and every 10 epochs:
      linear:2 runs: from epoch 300 on (the late phase) and up to epoch 150 (the second descent, ~epoch 50);
      any run with a second descent: within 100 epochs of it, and over its last 200 epochs (the late audit);
    and every 20 epochs over the last 200 of every run, converged or not (issue 20: every run is audited).
    The second descent is the first epoch after 40 whose 10-epoch mean validation loss is below 0.9 times
    the plateau (median over epochs 20-40), the halfway mark of the convergence rule's descent.
With --late-only, only the every-100 and late-audit epochs are kept. A run folder is one holding state.pt,
directly under RUNS_DIR or one level down (a batched line's seeds: RUNS_DIR/NAME/linear5-seed3). Runs are
packed in the order given by RUNS_DIR/order.txt (else by name), a batched line's seeds in seed order; the
evolution files of runs with a second descent go first (issue 22: in a sweep most runs never converge, and
only converged runs are audited); once the budget is reached the remaining evolution files are left out and
listed in OUT_DIR/packed.txt, never a final checkpoint.
"""
from __future__ import annotations

import argparse
import json
import re
import tarfile
from pathlib import Path

import numpy as np

MAX_PARTS = 6  # with packed.txt and a log, 8 files: what the device tool brings back
PART_BYTES = 15 * 2**20


def second_descent(history: list[dict]) -> int | None:
    ep = np.array([h["epoch"] for h in history])
    val = np.array([h["val"] for h in history], dtype=float)
    if len(val) < 50:
        return None
    plateau = np.median(val[(ep >= 20) & (ep <= 40)])
    for i in range(49, len(val)):
        if np.mean(val[i - 9 : i + 1]) < 0.9 * plateau:
            return int(ep[i])
    return None


def seed_order(run: Path) -> tuple:
    m = re.search(r"seed(\d+)$", run.name)
    return (int(m.group(1)) if m else -1, run.name)


def keep_epoch(e: int, family: str, last: int, descent: int | None, late_only: bool = False) -> bool:
    if e % 100 == 0 or (e % 20 == 0 and e > last - 200):
        return True
    if late_only:
        return False
    if e % 10:
        return False
    if family == "linear:2" and (e >= 300 or e <= 150):
        return True
    return descent is not None and (abs(e - descent) <= 100 or e > last - 200)


def files_of(run: Path, late_only: bool = False, root: Path | None = None) -> tuple[list[Path], list[Path], dict]:
    """(essential files, evolution files to keep, summary) of one run directory."""
    import torch
    state = torch.load(run / "state.pt", map_location="cpu", weights_only=False)
    hist, family = state["history"], state["config"]["hmm"]
    last = hist[-1]["epoch"] if hist else 0
    descent = second_descent(hist)
    finished = (run / "final.pt").exists()
    essential = [p for p in sorted(run.iterdir()) if p.is_file() and not p.name.startswith(".")
                 and (p.name != "state.pt" or not finished)]
    evo = []
    for p in sorted((run / "evolution").glob("epoch_*")) if (run / "evolution").exists() else []:
        m = re.fullmatch(r"epoch_(\d+)\.(pt|json)", p.name)
        if m and keep_epoch(int(m.group(1)), family, last, descent, late_only):
            evo.append(p)
    return essential, evo, {"run": str(run.relative_to(root)) if root else run.name, "hmm": family, "epochs": last, "finished": finished,
                            "second_descent": descent}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("runs")
    ap.add_argument("out")
    ap.add_argument("--budget-mib", type=float, default=60)
    ap.add_argument("--late-only", action="store_true", help="evolution every 100 epochs and what the late audit reads only")
    a = ap.parse_args()
    root, out = Path(a.runs), Path(a.out)
    order = (root / "order.txt").read_text().split() if (root / "order.txt").exists() else []
    tops = [root / n for n in order if (root / n).is_dir()] + sorted(
        p for p in root.iterdir() if p.is_dir() and p.name not in order)
    runs = [r for top in tops for r in ([top] if (top / "state.pt").exists() else sorted(
        (p for p in top.iterdir() if p.is_dir()), key=seed_order))]
    runs = list(dict.fromkeys(runs))  # a run named in order.txt and found under its line's folder: once
    budget = int(a.budget_mib * 2**20)
    chosen, left_out, lines = [], [], []
    plan = [files_of(r, a.late_only, root) for r in runs if (r / "state.pt").exists()]
    chosen += [top / f for top in tops if not (top / "state.pt").exists() for f in ("train.log", "manifest.json")
               if (top / f).exists()]  # a batched line's own log and manifest
    for essential, _, summary in plan:  # every run's essentials first, then evolution in run order
        chosen += essential
        lines.append(json.dumps(summary))
    used = sum(p.stat().st_size for p in chosen)
    for _, evo, _ in sorted(plan, key=lambda x: x[2]["second_descent"] is None):  # stable: run order kept
        for p in evo:
            if used + p.stat().st_size <= budget:
                chosen.append(p)
                used += p.stat().st_size
            else:
                left_out.append(p)
    out.mkdir(parents=True, exist_ok=True)
    part, size, tar = 0, 0, None
    for p in chosen:
        if tar is None or size + p.stat().st_size > PART_BYTES:
            if tar:
                tar.close()
            if part == MAX_PARTS:
                left_out += chosen[chosen.index(p):]
                break
            part += 1
            tar, size = tarfile.open(out / f"runs{part}.tar.gz", "w:gz", compresslevel=6), 0
        tar.add(p, arcname=str(p.relative_to(root)))
        size += p.stat().st_size
    if tar:
        tar.close()
    lines += [f"left out: {p.relative_to(root)}" for p in left_out]
    (out / "packed.txt").write_text("\n".join(lines) + "\n")
    print("\n".join(lines[: len(plan)]), f"\n{used / 2**20:.1f} MiB packed in {part} parts, {len(left_out)} files left out")


if __name__ == "__main__":
    main()
