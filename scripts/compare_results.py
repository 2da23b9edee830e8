"""Two claims runs' results.json compared: every row (claim, reading, checkpoint) present in both, with the same
verdict, rows, thresholds, failed thresholds, reason and figures, and every statistic equal to a relative 1e-4
(the audits' tolerance; numbers from the same code and seed are bitwise equal, the tolerance is for a device);
the claims' metadata (claims_meta) equal too. Each run's checkout folder is written <root> in both, so two clones
compare. Written for issue 29 (a refactor must not move a number).

    python scripts/compare_results.py BEFORE.json AFTER.json [--rtol 1e-4]

Prints one line per difference (at most 50) and a summary; exit status 1 when anything differs.
"""
from __future__ import annotations

import argparse
import json
import math
import sys
from pathlib import Path

EXACT = ("verdict", "expected", "rows", "thresholds", "failed", "reason", "figures", "finding", "role")


def close(a, b, rtol: float) -> bool:
    """Nested equality, floats to a relative rtol (NaN equals NaN)."""
    if isinstance(a, bool) or isinstance(b, bool) or isinstance(a, str) or a is None:
        return a == b
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        if math.isnan(a) or math.isnan(b):
            return math.isnan(a) and math.isnan(b)
        return a == b or abs(a - b) <= rtol * max(abs(a), abs(b))
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(close(a[k], b[k], rtol) for k in a)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(close(x, y, rtol) for x, y in zip(a, b))
    return a == b


def checkout_root(results: dict) -> str | None:
    """The folder the run's fixtures were under (the part of a row's path before /fixtures/), if any."""
    for r in results.get("claims", []):
        head, sep, _ = str(r.get("path", "")).partition("/fixtures/")
        if sep:
            return head
    return None


def relative(results: dict) -> dict:
    """The results with the checkout's own folder written as <root> wherever a string names it (two clones of
    the same commit give the same numbers, not the same paths)."""
    root = checkout_root(results)
    if not root:
        return results

    def walk(x):
        if isinstance(x, str):
            return x.replace(root, "<root>")
        if isinstance(x, dict):
            return {k: walk(v) for k, v in x.items()}
        if isinstance(x, list):
            return [walk(v) for v in x]
        return x
    return walk(results)


def differences(before: dict, after: dict, rtol: float = 1e-4) -> list[str]:
    def rows(res):
        return {(r["claim"], r["reading"], r["checkpoint"]): r for r in res.get("claims", [])}
    old, new = rows(before), rows(after)
    out = [f"only before: {k}" for k in sorted(old.keys() - new.keys())]
    out += [f"only after: {k}" for k in sorted(new.keys() - old.keys())]
    for k in sorted(old.keys() & new.keys()):
        a, b = old[k], new[k]
        out += [f"{k} {f}: {a.get(f)!r} -> {b.get(f)!r}" for f in EXACT if a.get(f) != b.get(f)]
        sa, sb = a.get("statistics", {}), b.get("statistics", {})
        for s in sorted(sa.keys() | sb.keys()):
            if not close(sa.get(s), sb.get(s), rtol):
                out.append(f"{k} statistic {s}: {str(sa.get(s))[:80]} -> {str(sb.get(s))[:80]}")
    ma, mb = before.get("claims_meta", {}), after.get("claims_meta", {})
    out += [f"claims_meta {c}" for c in sorted(ma.keys() | mb.keys()) if ma.get(c) != mb.get(c)]
    return out


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("before")
    ap.add_argument("after")
    ap.add_argument("--rtol", type=float, default=1e-4)
    a = ap.parse_args(argv)
    try:
        before, after = (json.loads(Path(p).read_text()) for p in (a.before, a.after))
    except (OSError, json.JSONDecodeError) as e:
        print(f"compare_results: {e}", file=sys.stderr)
        return 2
    diffs = differences(relative(before), relative(after), a.rtol)
    for line in diffs[:50]:
        print(line)
    n = len(before.get("claims", []))
    print(f"{n} rows before, {len(after.get('claims', []))} after: "
          + ("identical (statistics to a relative %g)" % a.rtol if not diffs else f"{len(diffs)} difference(s)"))
    return 1 if diffs else 0


if __name__ == "__main__":
    sys.exit(main())
