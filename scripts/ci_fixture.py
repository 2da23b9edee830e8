"""Put a seed's paper-length run into the fixtures claims run (CI) in place of its shorter run (issue 20).

The run's final.pt is its last late checkpoint, so CI recomputes the committed audit's rows of it (the
freshness check). Its expected failures (strict xfails) are the (claim, reading) pairs that fail on that
checkpoint in the committed audit (claims about the whole run: in a claims results file of final.pt given with
--results, which also stands in for the audit where there is none); each reason is the
shorter run's investigated one where it failed the same claim there, marked as such, else "undetermined".

Usage: python scripts/ci_fixture.py NEW_NAME --replaces OLD_NAME [--results reports/x.json]
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from hmmrnn import audits, manifest  # noqa: E402
from hmmrnn.checkpoint import atomic_write_json, load  # noqa: E402
from hmmrnn.registry import get, whole_run  # noqa: E402


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("name")
    ap.add_argument("--replaces", required=True)
    ap.add_argument("--results", default=None, help="a claims run's results.json holding the run's final.pt rows")
    a = ap.parse_args()
    fx = ROOT / "fixtures"
    m = json.loads((fx / "manifest.json").read_text())
    old = next(e for e in m["fixtures"] if e["name"] == a.replaces)
    run = next(r for r in m["runs"] if r["name"] == a.name)
    epoch = int(load(fx / a.name / "final.pt").meta["epoch"])
    rows = {}
    path = audits.audit_path(fx, run["hmm"])
    if path.exists():  # claims about the whole run are judged on final.pt itself (--results), not the audit's row
        whole = set(whole_run())
        rows = {(r["claim"], r["reading"]): r for r in json.loads(path.read_text())["claims"]
                if r["checkpoint"] == f"{a.name}@{epoch}" and r["claim"] not in whole}
    if a.results:
        rows.update({(r["claim"], r["reading"]): r for r in json.loads(Path(a.results).read_text())["claims"]
                     if r["checkpoint"] == a.name})
    rows = list(rows.values())
    if not rows:
        print(f"ci_fixture: no rows of {a.name} at epoch {epoch}", file=sys.stderr)
        return 2
    known = old.get("expected_fail") or {}
    expected = {}
    for r in sorted(rows, key=lambda r: (r["claim"], r["reading"])):
        if r["verdict"] not in ("fail", "error") or not get(r["claim"]).applies(run["hmm"].split(":")[0]):
            continue  # (a claim about other families never runs on this fixture in CI)
        key = r["claim"] if r["reading"] == "strict" else f"{r['claim']}:{r['reading']}"
        failed = "; ".join(r.get("failed") or []) or f"error: {r.get('reason', '')}"
        expected[key] = (f"{known[key]} [investigated on {a.replaces} at epoch {old.get('epochs')}; at epoch {epoch}: "
                         f"{failed}]" if key in known else f"undetermined (not investigated; issue 20): {failed}")
    entry = manifest.trained_entry(fx, fx / a.name, a.name, f"scripts/plans/*.txt ({run.get('plan')}); "
                                   f"continued from {run.get('continued_from') or '-'}")
    entry["expected_fail"] = expected
    entry["converged"] = run["converged"]
    entry["replaces_in_ci"] = a.replaces
    manifest.upsert(fx / "manifest.json", entry)
    m = json.loads((fx / "manifest.json").read_text())
    for e in m["fixtures"]:
        if e["name"] == a.replaces:
            e["ci"] = False
            e["ci_note"] = (f"the seed at {e.get('epochs')} epochs; CI judges it at the paper's length as {a.name} "
                            f"(one checkpoint per seed; issue 20)")
    atomic_write_json(fx / "manifest.json", m)
    print(f"{a.name}: in CI in place of {a.replaces}; {len(expected)} expected failures: {', '.join(expected) or '-'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
