"""Parallel claims runs are never slower than serial ones (issue 22): the wall time of the same claims on two
checkpoints, serially and with `-n 2` alone (no --dist, no OMP_NUM_THREADS: the plugin shares the cores out
and groups each checkpoint on one worker). Run it on an idle machine.

Usage: python benchmarks/parallel_claims.py [CKPT_A CKPT_B] [-k EXPR]
"""
from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def timed(args: list[str]) -> float:
    env = {k: v for k, v in os.environ.items() if k != "OMP_NUM_THREADS"}
    t0 = time.perf_counter()
    subprocess.run([sys.executable, "-m", "pytest", str(ROOT / "claims"), "-q", "-p", "no:cacheprovider",
                    "--report-dir", str(ROOT / "runs" / "bench-parallel"), *args], cwd=ROOT, env=env,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - t0


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("checkpoints", nargs="*", default=["fixtures/linear2-seed3/final.pt", "fixtures/linear2-seed4/final.pt"])
    ap.add_argument("-k", default="not ablation", help="which claims (default: all but the kick ablation search)")
    a = ap.parse_args()
    base = [x for c in a.checkpoints for x in ("--checkpoint", c)] + ["-k", a.k, "--hmm", "linear:2"]
    print(f"{len(a.checkpoints)} checkpoints, -k {a.k!r}, {len(os.sched_getaffinity(0))} cores")
    for label, extra in (("serial", []), ("-n 2", ["-n", "2"])):
        print(f"{label:8s} {timed(base + extra):7.1f} s", flush=True)


if __name__ == "__main__":
    main()
