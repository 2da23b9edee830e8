"""Runs the claims over the fixtures under several --claims-seed values and prints, per claim and
checkpoint, the verdicts and the range of each thresholded statistic: verdicts must not depend on the seed.

    python benchmarks/seed_stability.py --seeds 1-10 [-k "expr"] [--out runs/seeds]
"""
from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def seeds(spec: str) -> list[int]:
    out = []
    for part in spec.split(","):
        a, _, b = part.partition("-")
        out += list(range(int(a), int(b) + 1)) if b else [int(a)]
    return out


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--seeds", default="1-10")
    p.add_argument("-k", default=None, help="pytest -k expression")
    p.add_argument("--out", default=str(ROOT / "runs" / "seeds"))
    a = p.parse_args()
    rows = defaultdict(list)
    for s in seeds(a.seeds):
        rep = Path(a.out) / str(s)
        cmd = [sys.executable, "-m", "pytest", str(ROOT / "claims"), "-q", "-p", "no:cacheprovider",
               "--claims-seed", str(s), "--report-dir", str(rep)] + (["-k", a.k] if a.k else [])
        t = time.perf_counter()
        rc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True).returncode
        res = json.loads((rep / "results.json").read_text())
        print(f"seed {s}: pytest exit {rc}, {len(res['claims'])} results, {time.perf_counter() - t:.0f} s", flush=True)
        for r in res["claims"]:
            rows[(r["claim"], r["checkpoint"])].append(r)
    print(f"\n{'claim':28s} {'checkpoint':32s} {'verdicts':18s} thresholded statistics: min .. max")
    unstable = 0
    for (c, ck), rs in sorted(rows.items()):
        verdicts = sorted({r["verdict"] for r in rs})
        unstable += len(verdicts) > 1
        stats = []
        for name in rs[0]["thresholds"]:
            vals = [r["statistics"].get(name) for r in rs if isinstance(r["statistics"].get(name), (int, float))]
            if vals:
                stats.append(f"{name} {min(vals):.4g}..{max(vals):.4g}")
        flag = "  <-- CHANGES" if len(verdicts) > 1 else ""
        print(f"{c:28s} {ck:32s} {'/'.join(verdicts):18s} {'; '.join(stats)}{flag}")
    print(f"\n{unstable} claim x checkpoint pairs change verdict across {len(seeds(a.seeds))} seeds")
    return 1 if unstable else 0


if __name__ == "__main__":
    sys.exit(main())
