"""Run (or resume) the late-training audit of one HMM family's seeds into fixtures/audits/FAMILY.json.

The seeds: every run of the family at the paper's length that converged by the loss rule, in seed order
(hmmrnn.audits.seed_runs; --max-seeds N takes the first N). The checkpoints: every 20 epochs over each run's
last 180 (--every 40 does every other one first; a later run with the default fills in the rest, resuming).
Rows are journaled as they finish: a killed audit resumes where it stopped. The audit's provenance (code
version, claims seed, command) goes into the results file.

Usage: python scripts/audit_late.py linear:3 [--max-seeds 3] [--every 40] [-n 2] [--refresh CLAIM] [--only RUN]
  --only RUN (repeatable) audits these seeds' runs only (every claim), keeping the committed rows of the others:
  a seed that converged after its family's audit was made joins it without recomputing the rest.
"""
from __future__ import annotations

import argparse
import json
import subprocess
import sys
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from hmmrnn import audits  # noqa: E402
from hmmrnn.registry import DEFAULT_SEED  # noqa: E402


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("hmm")
    ap.add_argument("--max-seeds", type=int, default=None)
    ap.add_argument("--every", type=int, default=None, help=f"default {audits.LATE_EVERY}; with --refresh, the file's")
    ap.add_argument("--refresh", action="append", default=[], metavar="CLAIM",
                    help="drop this claim's committed rows and compute them again (after a change to it); only the "
                         "refreshed claims run")
    ap.add_argument("--only", action="append", default=[], metavar="RUN",
                    help="audit only this seed's run (repeatable); the audit's other seeds keep their committed rows")
    ap.add_argument("-n", "--workers", default="2")
    ap.add_argument("--claims-seed", type=int, default=DEFAULT_SEED)
    a = ap.parse_args()
    fixtures = ROOT / "fixtures"
    manifest = json.loads((fixtures / "manifest.json").read_text())
    runs = [r for r in audits.seed_runs(manifest, a.hmm) if r["converged"] and not r["short"]][: a.max_seeds]
    if not runs:
        print(f"audit_late: no converged run of {a.hmm} at the paper's length", file=sys.stderr)
        return 2
    out = audits.audit_path(fixtures, a.hmm)
    out.parent.mkdir(parents=True, exist_ok=True)
    old = json.loads(out.read_text()) if out.exists() else {}
    if a.refresh and (old.get("audit") or {}).get("seeds"):  # a refresh keeps the audit's seeds
        runs = [r for r in audits.seed_runs(manifest, a.hmm) if r["name"] in old["audit"]["seeds"]]
    if a.every is None:
        a.every = (old.get("audit") or {}).get("late_every", audits.LATE_EVERY) if a.refresh else audits.LATE_EVERY
    if a.refresh and old:
        old["claims"] = [r for r in old["claims"] if r["claim"] not in a.refresh]
        audits.write_audit(out, old)
    if a.only:
        unknown = sorted(set(a.only) - {r["name"] for r in runs})
        if unknown:
            print(f"audit_late: --only {', '.join(unknown)}: not a converged run of {a.hmm} at the paper's length",
                  file=sys.stderr)
            return 2
        kept = [r for r in runs if r["name"] in set((old.get("audit") or {}).get("seeds", [])) | set(a.only)]
        dirs = [str(fixtures / name) for name in a.only]
        thinned = {**{k: v for k, v in (old.get("audit") or {}).get("thinned", {}).items() if k not in a.only},
                   **({n: a.every for n in a.only} if a.every != audits.LATE_EVERY else {})}
        runs = kept
    else:
        dirs = [str(fixtures / r["name"]) for r in runs]
        thinned = (old.get("audit") or {}).get("thinned", {})
    cmd = [sys.executable, "-m", "hmmrnn.cli", "audit", *dirs, "--late", str(audits.LATE), "--late-every", str(a.every),
           "--claims-seed", str(a.claims_seed), "--report-dir", str(ROOT / "runs" / "audit-reports" / out.stem),
           "--", "--claims-json", str(out), "-n", a.workers, "--dist", "loadgroup", "-p", "no:cacheprovider"]
    if a.refresh:  # only the refreshed claims run: a claim the audit lacks for a seed stays for `--only` to add
        cmd += ["-k", " or ".join(a.refresh)]
    journal = out.with_name(f".{out.name}.rows.jsonl")
    if out.exists() or journal.exists():  # go on from what is there: committed rows and an interrupted run's
        cmd.append("--resume")
        if out.exists() and not journal.exists():  # rows of a finished stage: hand them to the journal
            rows = json.loads(out.read_text())["claims"]
            journal.write_text("".join(json.dumps(r, sort_keys=True) + "\n" for r in rows))
    print("audit_late:", " ".join(cmd[1:]), f"({len(runs)} seeds: {', '.join(r['name'] for r in runs)})", flush=True)
    env = {"OMP_NUM_THREADS": "1"}
    import os
    rc = subprocess.call(cmd, cwd=ROOT, env={**os.environ, **env})
    if out.exists():
        data = json.loads(out.read_text())
        rev = subprocess.run(["git", "rev-parse", "HEAD"], cwd=ROOT, capture_output=True, text=True).stdout.strip()
        dirty = bool(subprocess.run(["git", "status", "--porcelain", "hmmrnn"], cwd=ROOT, capture_output=True,
                                    text=True).stdout.strip())
        note = (data.get("audit") or {}).get("note")
        refreshed = sorted(set((data.get("audit") or {}).get("refreshed", [])) | set(a.refresh))
        data["audit"] = {**({"note": note} if note else {}), **({"refreshed": refreshed} if refreshed else {}),
                         **({"thinned": thinned} if thinned else {}),
                         "hmm": a.hmm, "seeds": [r["name"] for r in runs], "late": audits.LATE,
                         "late_every": (old.get("audit") or {}).get("late_every", a.every) if a.only else a.every,
                         "claims_seed": a.claims_seed, "code": rev + ("+dirty" if dirty else ""),
                         "finished": datetime.now(timezone.utc).isoformat(timespec="seconds"),
                         "command": f"python scripts/audit_late.py {a.hmm}" + (f" --max-seeds {a.max_seeds}" if a.max_seeds else "")
                         + "".join(f" --only {n}" for n in a.only)}
        audits.write_audit(out, data)
    return rc


if __name__ == "__main__":
    sys.exit(main())
