"""The report's universality table (issue 30), written from a claims run's results and the committed campaign
without running any claim: the sentence and the table as the main job's report opens with them.

  python scripts/universality_table.py [RESULTS] [--fixtures DIR]   # RESULTS: reports/results.json by default

RESULTS gives the bias-free ReLU controls judged in that run (the main job's, `bash scripts/claims.sh`); the
campaign's rows and its cells' controls are read from DIR/campaigns/ as they are now, and the ReLU seeds' late
records from DIR/audits/. Markdown to standard output (the dated snapshot in docs/universality/README.md is one).
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from hmmrnn import plugin, replication, report  # noqa: E402


def main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("results", nargs="?", default="reports/results.json", type=Path)
    ap.add_argument("--fixtures", default=Path("fixtures"), type=Path)
    a = ap.parse_args(argv)
    try:
        results = json.loads(a.results.read_text())
    except (OSError, ValueError) as e:
        print(f"universality_table: {a.results}: {e} (run bash scripts/claims.sh first)", file=sys.stderr)
        return 2
    plugin.late_audit(results, a.fixtures)
    u = replication.seed_summary(results)["universality"]
    print(report.render_markdown([("p", u["sentence"]), ("table", u["head"], u["body"])]))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
