"""The claims on a device against the CPU (issue 22, item 2): per checkpoint, every per-checkpoint claim in both
readings, once with the rollouts on the CPU and once on DEVICE; the wall time of each, whether every verdict
agrees, and the largest relative difference of any statistic (|a - b| / max(|a|, |b|, 1e-12), over the numbers of
the statistics, nested ones included). ``--device cpu`` runs the device path (a copy of the network, blocks,
transfers) on the CPU: a rehearsal whose differences must be 0.

Usage: python benchmarks/claims_device.py CKPT [CKPT ...] [--device cuda] [--hmm linear:2] [--seed N] [--json F]
"""
from __future__ import annotations

import argparse
import json
import math
import time

import torch

import hmmrnn
from hmmrnn import device
from hmmrnn.checkpoint import load


def numbers(x, prefix=""):
    """(path, float) of every number in a nested statistics dict/list."""
    if isinstance(x, bool) or x is None or isinstance(x, str):
        return
    if isinstance(x, (int, float)):
        yield prefix, float(x)
    elif isinstance(x, dict):
        for k, v in x.items():
            if not str(k).startswith("_"):
                yield from numbers(v, f"{prefix}.{k}" if prefix else str(k))
    elif isinstance(x, (list, tuple)):
        for i, v in enumerate(x):
            yield from numbers(v, f"{prefix}[{i}]")


def rel(a: float, b: float) -> float:
    if math.isnan(a) and math.isnan(b) or a == b:
        return 0.0
    if math.isnan(a) or math.isnan(b) or math.isinf(a) or math.isinf(b):
        return math.inf
    return abs(a - b) / max(abs(a), abs(b), 1e-12)


def run_all(path: str, dev, hmm, seed: int) -> tuple[float, dict]:
    ck, cache, out = load(path), {}, {}
    t0 = time.perf_counter()
    with device.on_device(dev):
        for claim in hmmrnn.CLAIMS:
            if hmmrnn.get(claim).across:
                continue
            for reading in ("paper", "strict"):
                try:
                    r = hmmrnn.check(claim, ck, reading=reading, seed=seed, hmm=hmm, cache=cache)
                    out[(claim, reading)] = (r.verdict, dict(numbers(r.statistics)))
                except hmmrnn.ClaimError as e:
                    out[(claim, reading)] = ("error", dict(numbers(getattr(e, "statistics", None) or {})))
    if dev is not None and dev.type == "cuda":
        torch.cuda.synchronize()
    return time.perf_counter() - t0, out


def compare(a: dict, b: dict) -> dict:
    differ = sorted(f"{c}:{r} {a[(c, r)][0]}->{b[(c, r)][0]}" for c, r in a if a[(c, r)][0] != b[(c, r)][0])
    worst, where = 0.0, ""
    for key in a:
        for name, x in a[key][1].items():
            y = b[key][1].get(name, math.nan)
            d = rel(x, y)
            if d > worst:
                worst, where = d, f"{key[0]}:{key[1]} {name} ({x:.6g} vs {y:.6g})"
    return {"verdicts": len(a), "differing_verdicts": differ, "max_rel_diff": worst, "where": where}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("checkpoints", nargs="+")
    ap.add_argument("--device", default="cuda")
    ap.add_argument("--hmm", default=None)
    ap.add_argument("--seed", type=int, default=hmmrnn.DEFAULT_SEED)
    ap.add_argument("--json", default=None)
    a = ap.parse_args()
    torch.set_num_threads(1)
    dev = torch.device(a.device)
    print(f"claims seed {a.seed}; device {a.device}; torch {torch.__version__}; 1 CPU thread")
    print("| checkpoint | CPU s | device s | verdicts | differing | largest relative difference |")
    print("|---|---:|---:|---:|---|---|")
    rows = []
    for path in a.checkpoints:
        t_cpu, cpu = run_all(path, None, a.hmm, a.seed)
        t_dev, on = run_all(path, dev, a.hmm, a.seed)
        c = compare(cpu, on)
        rows.append({"checkpoint": path, "cpu_s": t_cpu, "device_s": t_dev, **c})
        print(f"| {path} | {t_cpu:.1f} | {t_dev:.1f} | {c['verdicts']} | {', '.join(c['differing_verdicts']) or 'none'} "
              f"| {c['max_rel_diff']:.2g} {c['where']} |", flush=True)
    if a.json:
        with open(a.json, "w") as f:
            json.dump(rows, f, indent=1)


if __name__ == "__main__":
    main()
