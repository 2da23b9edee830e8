"""Add trained runs to fixtures/ (for the late audit) and to the manifest's `runs` list; refresh every run's
convergence by the loss rule (hmmrnn.analysis.convergence, issue 20).

A run folder goes to fixtures/NAME with what the claims and the audit read, nothing else: final and best
checkpoints with their sidecars, history.json, and the evolution checkpoints of the late audit (every
LATE_EVERY epochs back from the last one, over the last LATE epochs: the rule of docs/replication-linear2),
whose sidecars leave the loss history to history.json. Weights are copied byte for byte.

Usage: python scripts/add_runs.py --plan scripts/plans/issue20.txt RUN_DIR... [--late-epochs-from DIR...]
       python scripts/add_runs.py --refresh      (recompute `converged` of every manifest run from its history)
"""
from __future__ import annotations

import argparse
import json
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from hmmrnn.analysis.convergence import loss_verdict  # noqa: E402
from hmmrnn.checkpoint import atomic_write_json, load, save  # noqa: E402
from hmmrnn.registry import ClaimError  # noqa: E402
from hmmrnn.runs import drop_evolution_history, evolution_epochs  # noqa: E402

LATE, LATE_EVERY = 180, 20
RULE = "loss (hmmrnn.analysis.convergence: issue 20; plateau on the curve, issue 30)"
FIXTURES = ROOT / "fixtures"


def late_epochs(last: int) -> list[int]:
    return [e for e in range(last - LATE, last + 1) if (last - e) % LATE_EVERY == 0 and e >= 0]


def loss_convergence(history: list[dict]) -> dict:
    """The convergence rule's verdict on a run's history, rounded for the manifest."""
    try:
        r = loss_verdict(history)
    except ClaimError as e:
        return {"why_not": str(e), "converged": False}
    return {k: round(v, 4) if isinstance(v, float) else v for k, v in r.items()}


def copy_run(run: Path, name: str, extra_evolution: list[Path]) -> tuple[Path, list[int], list[int]]:
    """Copy a run into fixtures/NAME; returns (folder, late epochs kept, late epochs missing)."""
    dst = FIXTURES / name
    (dst / "evolution").mkdir(parents=True, exist_ok=True)
    for f in ("final.pt", "final.json", "best.pt", "best.json", "history.json"):
        if (run / f).exists():
            shutil.copy2(run / f, dst / f)
    last = int(load(run / "final.pt").meta["epoch"])
    kept, missing = [], []
    for e in late_epochs(last):
        for src in [run, *extra_evolution]:
            pt = src / "evolution" / f"epoch_{e:04d}.pt"
            if pt.exists():
                shutil.copy2(pt, dst / "evolution" / pt.name)
                shutil.copy2(pt.with_suffix(".json"), dst / "evolution" / pt.with_suffix(".json").name)
                kept.append(e)
                break
        else:
            if e == last:  # the trainer writes the last epoch's evolution checkpoint from final.pt's weights
                ck = load(run / "final.pt")
                save(dst / "evolution" / f"epoch_{e:04d}", ck.model, dict(ck.meta, kind="evolution", from_final=True))
                kept.append(e)
            else:
                missing.append(e)
    drop_evolution_history(dst)
    return dst, kept, missing


def run_entry(folder: Path, name: str, plan: str | None, missing: list[int]) -> dict:
    meta = load(folder / "final.pt").meta
    hist = json.loads((folder / "history.json").read_text())
    tr = meta.get("training", {})
    conv = loss_convergence(hist)
    return {"name": name, "hmm": meta["hmm"]["name"], "seed": meta.get("seed"), "epochs": meta.get("epoch"),
            "planned_epochs": tr.get("epochs"), "continued_from": tr.get("continue_from"),
            "device": meta.get("device"), "wall_seconds": meta.get("wall_seconds"), "plan": plan,
            "path": str((folder / "final.pt").relative_to(FIXTURES)), "late_epochs": evolution_epochs(folder),
            "late_epochs_missing": missing, "converged": conv["converged"], "convergence": conv,
            "convergence_rule": RULE}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("runs", nargs="*", type=Path)
    ap.add_argument("--plan", default=None)
    ap.add_argument("--late-epochs-from", nargs="*", type=Path, default=[],
                    help="other copies of the same runs (same seed, same device: same weights) to take late epochs from")
    ap.add_argument("--refresh", action="store_true")
    a = ap.parse_args()
    mpath = FIXTURES / "manifest.json"
    m = json.loads(mpath.read_text())
    runs = {r["name"]: r for r in m.get("runs", [])}
    for run in a.runs:
        name = run.name
        extra = [d / name for d in a.late_epochs_from if (d / name).is_dir()]
        folder, kept, missing = copy_run(run, name, extra)
        runs[name] = {**runs.get(name, {}), **run_entry(folder, name, a.plan, missing)}
        print(f"{name}: late epochs {kept}" + (f"; missing {missing}" if missing else "") +
              f"; converged {runs[name]['converged']} {runs[name]['convergence']['why_not']}")
    if a.refresh:
        for name, r in runs.items():
            hist_path = FIXTURES / name / "history.json"
            if hist_path.exists():
                conv = loss_convergence(json.loads(hist_path.read_text()))
                if r.get("converged") != conv["converged"]:
                    print(f"{name}: converged {r.get('converged')} -> {conv['converged']} ({conv['why_not'] or 'loss rule'})")
                r.update(converged=conv["converged"], convergence=conv, convergence_rule=RULE)
    m["runs"] = list(runs.values())
    atomic_write_json(mpath, m)


if __name__ == "__main__":
    main()
