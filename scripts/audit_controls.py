"""Judge the controls kept out of CI (manifest entries with "audit": "controls", built by `hmmrnn controls
--audit-only`) on every claim they must fail, into fixtures/audits/controls.json, which the fixtures run reads beside
its own controls (the evidence classes count every family's controls; identical ones once).

Resumable (rows journaled as they finish: kill it and run it again). The file records the code version, claims seed
and command; its rows are not recomputed in CI (the controls are not CI fixtures), so rerun this after a change to
a claim.

Usage: python scripts/audit_controls.py [-n 1] [--claims-seed N]
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from hmmrnn import audits  # noqa: E402
from hmmrnn.registry import DEFAULT_SEED  # noqa: E402


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("-n", "--workers", default="1")
    ap.add_argument("--claims-seed", type=int, default=DEFAULT_SEED)
    a = ap.parse_args()
    fixtures = ROOT / "fixtures"
    manifest = json.loads((fixtures / "manifest.json").read_text())
    entries = [{k: v for k, v in e.items() if k != "ci"} for e in manifest["fixtures"] if e.get("audit") == "controls"]
    if not entries:
        print("audit_controls: no manifest entry with \"audit\": \"controls\" (hmmrnn controls --audit-only)",
              file=sys.stderr)
        return 2
    out = audits.audit_path(fixtures, "controls")
    journal = out.with_name(f".{out.name}.rows.jsonl")
    with tempfile.TemporaryDirectory() as tmp:
        (Path(tmp) / "controls").symlink_to(fixtures / "controls")
        (Path(tmp) / "manifest.json").write_text(json.dumps({"fixtures": entries, "runs": []}))
        cmd = [sys.executable, "-m", "pytest", str(ROOT / "claims"), "-p", "no:cacheprovider", "-q",
               "--fixtures-dir", tmp, "--claims-json", str(out), "--claims-seed", str(a.claims_seed),
               "--report-dir", str(ROOT / "runs" / "audit-reports" / "controls"), "-n", a.workers]
        if out.exists() and not journal.exists():  # rows of a finished stage: hand them to the journal
            journal.write_text("".join(json.dumps(r, sort_keys=True) + "\n" for r in json.loads(out.read_text())["claims"]))
        if journal.exists():
            cmd.append("--resume")
        print("audit_controls:", " ".join(cmd[2:]), f"({len(entries)} controls)", flush=True)
        rc = subprocess.call(cmd, cwd=ROOT, env={**os.environ, "OMP_NUM_THREADS": "1"})
    if out.exists():
        data = json.loads(out.read_text())
        data["claims"] = [r for r in data["claims"] if r.get("role") == "control"]  # cohort/runs cases: no members here
        rev = subprocess.run(["git", "rev-parse", "HEAD"], cwd=ROOT, capture_output=True, text=True).stdout.strip()
        dirty = bool(subprocess.run(["git", "status", "--porcelain", "hmmrnn"], cwd=ROOT, capture_output=True,
                                    text=True).stdout.strip())
        data["audit"] = {"hmm": "controls", "kind": "controls", "controls": [e["name"] for e in entries],
                         "claims_seed": a.claims_seed, "code": rev + ("+dirty" if dirty else ""),
                         "finished": datetime.now(timezone.utc).isoformat(timespec="seconds"),
                         "command": "python scripts/audit_controls.py"}
        audits.write_audit(out, data)
    return rc


if __name__ == "__main__":
    sys.exit(main())
