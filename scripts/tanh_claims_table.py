"""The claims on the tanh run of seed 0 (issue 30): its final checkpoint (the fixture rule: the final epoch; at
epoch 500 it sits on the first plateau again) and its best-validation checkpoint (epoch 377, shown to say what the
cell reaches at its best; not a seed of any count). Reads the two claims runs' results.json:

    hmmrnn check runs/cells/linear2-tanh-seed0/final.pt --report-dir runs/tanh-final
    hmmrnn check runs/cells/linear2-tanh-seed0/best.pt --report-dir runs/tanh-best
    python scripts/tanh_claims_table.py runs/tanh-final/results.json runs/tanh-best/results.json > docs/universality/tanh-seed0-claims.md
"""
from __future__ import annotations

import json
import sys


def cell(r: dict) -> str:
    if r["verdict"] == "error":
        return "ERROR: " + (r.get("reason") or "")[:110].replace("|", "/")
    failed = "; ".join(f.split(" (observed")[0] + f" (observed {f.split('(observed ')[1][:-1][:8]})"
                       for f in r.get("failed", [])[:2])
    return r["verdict"] + (f": {failed}" if failed else "")


def main() -> None:
    final, best = (json.load(open(p)) for p in sys.argv[1:3])
    rows = {}
    for name, res in (("final", final), ("best", best)):
        for r in res["claims"]:
            rows.setdefault((r["claim"], r.get("reading", "strict")), {})[name] = r
    print("# linear2-tanh-seed0 under the claims\n")
    print("Final checkpoint (epoch 500, validation loss 32.18: back on the first plateau) and best-validation checkpoint "
          "(epoch 377, 9.46). Claims seed 20251025. ERROR: the check could not run on that network (its reason).\n")
    print("| claim | reading | final (epoch 500) | best (epoch 377) |\n|---|---|---|---|")
    for (claim, reading), got in sorted(rows.items()):
        print(f"| {claim} | {reading} | {cell(got['final']) if 'final' in got else '-'} | "
              f"{cell(got['best']) if 'best' in got else '-'} |")
    for name, res in (("final", final), ("best", best)):
        n = {v: sum(r["verdict"] == v for r in res["claims"]) for v in ("pass", "fail", "error")}
        print(f"\n{name}: {n['pass']} pass, {n['fail']} fail, {n['error']} error")


if __name__ == "__main__":
    main()
