"""Bookkeeping of the universality campaign (scripts/campaign_cells.sh): which runs are done, and the pack that
carries an unfinished campaign to the next session (fixtures/partial/issue30/NAME/).

  python scripts/campaign_cells.py status RUNS PACK NAME...
  python scripts/campaign_cells.py pack   RUNS PACK NAME...   # state.pt, history.json, late evolution -> PACK
  python scripts/campaign_cells.py unpack RUNS PACK NAME...   # PACK -> RUNS where RUNS has no state yet
  python scripts/campaign_cells.py done   RUNS PACK NAME      # exit 0 when the run needs no more training

The pack keeps what resumes a run and what judges it: the resumable state (weights, Adam moments, history), the
history as JSON, and the evolution checkpoints every LATE_EVERY epochs over the last LATE epochs reached (the late
window of the replication summary), so a fresh machine continues without losing more than an epoch.
"""
from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path

import torch

CAP = 500           # the paper's length for linear:2: the campaign's --max-epochs
CONSECUTIVE = 3     # --until-converged's default K
LATE, LATE_EVERY = 180, 20


def _state(run: Path) -> dict | None:
    p = run / "state.pt"
    if not p.exists():
        return None
    return torch.load(p, map_location="cpu", weights_only=False)


def _where(st: dict | None, run: Path) -> str:
    if (run / "DIVERGED").exists():
        return "diverged: " + (run / "DIVERGED").read_text().strip()
    if st is None:
        return "not started"
    h = st["history"]
    last = h[-1] if h else {}
    conv = last.get("convergence_streak", 0) >= CONSECUTIVE
    cap = st["config"].get("epochs", CAP)
    state = "converged" if conv else ("stopped at the cap" if st["epoch"] >= cap else "running/unfinished")
    val = f", val {last['val']:.4g}" if h else ""
    best = f", best {st['best_val']:.4g} at {st['best_epoch']}" if h else ""
    rule = "" if st["config"].get("until_converged") else " (fixed length, no stopping rule)"
    return f"epoch {st['epoch']}/{cap}{val}{best}: {state}{rule}"


def finished(run: Path) -> bool:
    if (run / "DIVERGED").exists():
        return True
    st = _state(run)
    if st is None or not (run / "final.pt").exists():
        return False
    last = st["history"][-1] if st["history"] else {}
    return st["epoch"] >= st["config"].get("epochs", CAP) or last.get("convergence_streak", 0) >= CONSECUTIVE


def _late(run: Path, epoch: int) -> list[Path]:
    keep = {e for e in range(epoch, max(epoch - LATE, 0) - 1, -LATE_EVERY)}
    return [p for p in sorted((run / "evolution").glob("epoch_*.pt")) if int(p.stem.split("_")[1]) in keep]


def pack(runs: Path, out: Path, names: list[str]) -> None:
    for name in names:
        run, dst = runs / name, out / name
        st = _state(run)
        if st is None:
            continue
        tmp = out / f".{name}.packing"
        shutil.rmtree(tmp, ignore_errors=True)
        (tmp / "evolution").mkdir(parents=True)
        shutil.copy2(run / "state.pt", tmp / "state.pt.packed")  # state.pt itself is ignored by git
        (tmp / "history.json").write_text(json.dumps(st["history"]))
        for f in ("final.pt", "final.json", "best.pt", "best.json", "DIVERGED"):
            if (run / f).exists():
                shutil.copy2(run / f, tmp / f)
        for p in _late(run, st["epoch"]):
            for q in (p, p.with_suffix(".json")):
                if q.exists():
                    shutil.copy2(q, tmp / "evolution" / q.name)
        shutil.rmtree(dst, ignore_errors=True)
        tmp.rename(dst)
        size = sum(f.stat().st_size for f in dst.rglob("*") if f.is_file()) / 2**20
        print(f"packed {name}: {_where(st, run)}; {size:.1f} MiB")


def unpack(runs: Path, out: Path, names: list[str]) -> None:
    legacy = {"linear2-tanh-seed0": Path("fixtures/partial/issue23/linear2-tanh-seed0/state-epoch500.pt")}
    for name in names:
        run, src = runs / name, out / name
        if (run / "state.pt").exists():
            continue
        state = src / "state.pt.packed" if (src / "state.pt.packed").exists() else legacy.get(name)
        if state is None or not state.exists():
            continue
        (run / "evolution").mkdir(parents=True, exist_ok=True)
        if src.exists():
            for p in src.rglob("*"):
                if p.is_file() and p.name != "state.pt.packed":
                    d = run / p.relative_to(src)
                    d.parent.mkdir(parents=True, exist_ok=True)
                    shutil.copy2(p, d)
        shutil.copy2(state, run / "state.pt")
        print(f"resumed {name} from {state}")


def main(argv: list[str]) -> int:
    cmd, runs, out, names = argv[0], Path(argv[1]), Path(argv[2]), argv[3:]
    if cmd == "status":
        for name in names:
            run = runs / name if (runs / name / "state.pt").exists() else out / name
            st = _state(run) if run == runs / name else None
            if st is None and (out / name / "state.pt.packed").exists():
                st = torch.load(out / name / "state.pt.packed", map_location="cpu", weights_only=False)
            print(f"{name:28s} {_where(st, run)}")
        return 0
    if cmd == "pack":
        pack(runs, out, names)
        return 0
    if cmd == "unpack":
        unpack(runs, out, names)
        return 0
    if cmd == "done":
        return 0 if finished(runs / names[0]) else 1
    print(f"campaign_cells.py: unknown command {cmd}", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
