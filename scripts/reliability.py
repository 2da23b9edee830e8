"""How precise is each thresholded statistic? (issue 33, item 1) Test-retest spread at three levels, in the
statistic's own units, beside its distance from the cut and from the controls:

- draws: the same checkpoint under claims seeds 1, 2, 3 and the default (the rollouts' random draws alone), per
  family (its sample checkpoint) and the largest over the families;
- checkpoints: from late checkpoint to late checkpoint within one seed (the committed late audits);
- seeds: between the seeds' median late values (the committed late audits).

The sample, fixed before any of it was computed: the final checkpoint of each family's first audited seed (its
weights are its last late checkpoint's) for the draws; every audited seed's late checkpoints for the other two.
The draws' claims runs are kept in runs/reliability/ (resumable: a finished run is not repeated); the table goes
to fixtures/reliability/reliability.json, which the report reads.

Usage: python scripts/reliability.py [--draw-seeds 1 2 3] [-n 1]     # runs what is missing, then the table
       python scripts/reliability.py --table-only                   # the table from what is there
"""
from __future__ import annotations

import argparse
import json
import math
import os
import statistics as st
import subprocess
import sys
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from hmmrnn import audits  # noqa: E402
from hmmrnn.checkpoint import atomic_write_json  # noqa: E402
from hmmrnn.precision import TABLE  # noqa: E402
from hmmrnn.registry import DEFAULT_SEED  # noqa: E402

OUT = ROOT / "fixtures" / TABLE
RUNS = ROOT / "runs" / "reliability"


def _num(v) -> float | None:
    if isinstance(v, bool) or not isinstance(v, (int, float)):
        return None
    v = float(v)
    return None if math.isnan(v) or math.isinf(v) else v


def _sd(vals: list[float]) -> float | None:
    return st.stdev(vals) if len(vals) >= 2 else None


def draw_runs(store: dict, seeds: list[int], workers: str) -> dict[str, dict[int, Path]]:
    """{checkpoint name: {claims seed: results.json}}: the sample's final checkpoints under each claims seed."""
    got: dict[str, dict[int, Path]] = {}
    for hmm, audit in sorted(store.items()):
        first = audit["audit"]["seeds"][0]
        path = ROOT / "fixtures" / first / "final.pt"
        for s in seeds:
            out = RUNS / f"{first}-claims{s}.json"
            if not out.exists():
                cmd = [sys.executable, "-m", "hmmrnn.cli", "check", str(path), "--claims-seed", str(s),
                       "--report-dir", str(RUNS / f"report-{first}-{s}"), "--", "--claims-json", str(out),
                       "-p", "no:cacheprovider", "-q", "-n", workers, "--dist", "loadgroup"]
                print("reliability:", " ".join(cmd[2:]), flush=True)
                subprocess.call(cmd, cwd=ROOT, env={**os.environ, "OMP_NUM_THREADS": "1"})
            if out.exists():
                got.setdefault(first, {})[s] = out
    return got


def table(store: dict, draws: dict[str, dict[int, Path]], controls: list[dict]) -> list[dict]:
    """One line per (claim, reading, thresholded statistic)."""
    meta = next(iter(store.values())).get("claims_meta", {})
    family = {run: hmm for hmm, audit in store.items() for run in audit["audit"]["seeds"]}
    late: dict[tuple, dict[str, list[float]]] = {}  # (claim, reading, statistic) -> run -> late values
    default: dict[tuple, dict[str, float]] = {}  # the draws' default-seed value: the audit's last late checkpoint
    for audit in store.values():
        last = {}
        for r in audit["claims"]:
            if r.get("role") == "trained" and "@" in r["checkpoint"]:
                run, ep = r["checkpoint"].split("@")
                last[run] = max(last.get(run, -1), int(ep))
        for r in audit["claims"]:
            if r.get("role") != "trained" or "@" not in r["checkpoint"]:
                continue
            run, ep = r["checkpoint"].split("@")
            for k, v in (r.get("statistics") or {}).items():
                v = _num(v)
                if v is None:
                    continue
                key = (r["claim"], r.get("reading", "strict"), k)
                late.setdefault(key, {}).setdefault(run, []).append(v)
                if int(ep) == last[run]:
                    default.setdefault(key, {})[run] = v
    drawn: dict[tuple, dict[str, list[float]]] = {}
    for run, by_seed in draws.items():
        for s, path in by_seed.items():
            for r in json.loads(path.read_text()).get("claims", []):
                for k, v in (r.get("statistics") or {}).items():
                    v = _num(v)
                    if v is not None:
                        drawn.setdefault((r["claim"], r.get("reading", "strict"), k), {}).setdefault(run, []).append(v)
    ctl: dict[tuple, list[float]] = {}
    for r in controls:
        if r.get("role") == "control" and r.get("expected") == "fail":
            for k, v in (r.get("statistics") or {}).items():
                v = _num(v)
                if v is not None:
                    ctl.setdefault((r["claim"], r.get("reading", "strict"), k), []).append(v)
    lines = []
    for claim, m in meta.items():
        for reading, rd in (m.get("readings") or {}).items():
            for t in rd.get("thresholds", []):
                if isinstance(t["value"], bool) or not isinstance(t["value"], (int, float)):
                    continue
                key = (claim, reading, t["statistic"])
                runs = late.get(key, {})
                medians = [st.median(v) for v in runs.values() if v]
                within = [s for s in (_sd(v) for v in runs.values()) if s is not None]
                per_draw, by_family = [], {}
                for run, vals in drawn.get(key, {}).items():
                    base = default.get(key, {}).get(run)
                    vals = vals + ([base] if base is not None else [])
                    if len(vals) >= 2:
                        per_draw.append(st.stdev(vals))
                        by_family[family.get(run, run)] = st.stdev(vals)
                cut = float(t["value"])
                if not medians:  # a claim the late audits predate: the draws' own values
                    medians = [st.mean(v) for v in drawn.get(key, {}).values() if v]
                margin = min((abs(x - cut) for x in medians), default=None)
                draw_sd = max(per_draw) if per_draw else None
                c = ctl.get(key, [])
                lines.append({"claim": claim, "reading": reading, "statistic": t["statistic"], "op": t["op"],
                              "cut": cut, "rows": t.get("rows", []), "seeds": len(runs),
                              "median": st.median(medians) if medians else None,
                              "draw_sd": draw_sd, "checkpoint_sd": st.median(within) if within else None,
                              "seed_sd": _sd(medians), "margin": margin, "draw_sd_by_family": by_family,
                              "control_closest": min(c, key=lambda x: abs(x - cut)) if c else None,
                              "draws_reach_margin": (bool(draw_sd) and margin is not None
                                                     and 2 * draw_sd >= margin),
                              "checkpoints_reach_margin": (bool(within) and bool(st.median(within))
                                                           and margin is not None
                                                           and 2 * st.median(within) >= margin)})
    return lines


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--draw-seeds", type=int, nargs="+", default=[1, 2, 3])
    ap.add_argument("-n", "--workers", default="1")
    ap.add_argument("--table-only", action="store_true")
    a = ap.parse_args()
    store = {h: d for h, d in audits.load_audits(ROOT / "fixtures").items() if not h.startswith("_") and h != "controls"}
    RUNS.mkdir(parents=True, exist_ok=True)
    draws = {} if a.table_only else draw_runs(store, a.draw_seeds, a.workers)
    if a.table_only:
        for hmm, audit in store.items():
            first = audit["audit"]["seeds"][0]
            got = {s: RUNS / f"{first}-claims{s}.json" for s in a.draw_seeds}
            draws[first] = {s: p for s, p in got.items() if p.exists()}
    controls = []
    for f in (ROOT / "reports" / "results.json", ROOT / "fixtures" / "audits" / "controls.json"):
        if f.exists():
            controls += json.loads(f.read_text()).get("claims", [])
    lines = table(store, draws, controls)
    OUT.parent.mkdir(parents=True, exist_ok=True)
    data = {"sample": {run: sorted(by) for run, by in draws.items()}, "default_seed": DEFAULT_SEED,
            "finished": datetime.now(timezone.utc).isoformat(timespec="seconds"),
            "command": "python scripts/reliability.py", "lines": lines}
    atomic_write_json(OUT, data)
    reach = [x for x in lines if x["draws_reach_margin"]]
    print(f"reliability: {len(lines)} thresholded statistics; the draws alone reach the margin of {len(reach)}:")
    for x in reach:
        print(f"  {x['claim']} {x['reading']} {x['statistic']} {x['op']} {x['cut']:g}: draw sd {x['draw_sd']:.3g}, "
              f"margin {x['margin']:.3g}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
