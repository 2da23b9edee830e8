"""How many conclusions of the replication summary flip with the claims seed (issue 20, item 6): the
final-checkpoint summary (hmmrnn.replication.final_summary) of fixtures runs made with different --claims-seed,
each row's conclusion and pass counts compared with the first run's.

Usage: for s in 1 2 3; do bash scripts/claims.sh --claims-seed $s --report-dir runs/seed$s; done
       python scripts/claims_seed_robustness.py reports/results.json runs/seed1/results.json ... [--out FILE]
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from hmmrnn.replication import final_summary  # noqa: E402


def lines(results: dict) -> dict[tuple, tuple]:
    """(claim, row) -> (paper count, strict count, conclusion's first clause)."""
    out = {}
    for r in final_summary(results)["body"]:
        out[(r[0][0], r[1][0])] = (r[2][0].split(" [")[0], r[3][0].split(" [")[0], r[6][0].split(" (")[0].split(";")[0])
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("results", nargs="+")
    ap.add_argument("--out", default=None)
    a = ap.parse_args()
    runs = [json.loads(Path(p).read_text()) for p in a.results]
    base, seeds = lines(runs[0]), [r.get("seed") for r in runs]
    report = {"seeds": seeds, "rows": len(base), "flips": {}}
    for res, seed in zip(runs[1:], seeds[1:]):
        other = lines(res)
        flips = [f"{c} {row}: {base[(c, row)][2]!r} -> {other.get((c, row), ('-', '-', 'absent'))[2]!r}"
                 for c, row in base if base[(c, row)][2] != other.get((c, row), (None, None, "absent"))[2]]
        counts = sum(base[k][:2] != other.get(k, (None, None))[:2] for k in base)
        report["flips"][str(seed)] = {"conclusions": flips, "count_changes": counts}
        print(f"claims seed {seed} against {seeds[0]}: {len(flips)} of {len(base)} conclusions flip, "
              f"{counts} rows change a pass count")
        for f in flips:
            print("  " + f)
    if a.out:
        Path(a.out).write_text(json.dumps(report, indent=1) + "\n")


if __name__ == "__main__":
    main()
