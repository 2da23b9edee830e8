"""The committed late-training audits (fixtures/audits/FAMILY.json): which run stands for each seed, and the
check that a committed audit is not stale.

A seed is the unit of replication (SPEC): each seed is observed over its late training, on the evolution
checkpoints every 20 epochs over its last 180 (RUN@EPOCH rows from `hmmrnn audit --late 180 --late-every 20`).
The run that stands for a seed is its run at the paper's length (500 epochs; 1000 for the fully connected
HMM; REFERENCE.md section 6), whatever its verdicts: the rule is fixed before any audit ran.
"""
from __future__ import annotations

import json
import math
from pathlib import Path

AUDITS = "audits"
LATE, LATE_EVERY = 180, 20


def paper_epochs(hmm: str) -> int:
    """The paper's training length for an HMM spec ('fully:3' -> 1000, every other family 500)."""
    return 1000 if hmm.split(":")[0] == "fully" else 500


def seed_runs(manifest: dict, hmm: str | None = None) -> list[dict]:
    """One manifest run per (HMM, seed) of the paper's network (the bias-free ReLU: the universality campaign's runs
    of other cells are in the list too, and are not its seeds): the one trained to the paper's length (None where
    no run of that seed reached it: the entry of its longest run, with ``short`` set). In (HMM, seed) order."""
    best: dict[tuple, dict] = {}
    for r in manifest.get("runs", []):
        if (hmm is not None and r["hmm"] != hmm) or r.get("cell", "relu") != "relu":
            continue
        k = (r["hmm"], r["seed"])
        target = paper_epochs(r["hmm"])
        score = (r.get("epochs") == target, r.get("epochs") or 0)
        if k not in best or score > best[k][0]:
            best[k] = (score, r)
    out = []
    for k in sorted(best):
        (at_length, _), r = best[k]
        out.append({**r, "short": not at_length})
    return out


def audit_path(fixtures: Path, hmm: str) -> Path:
    """fixtures/audits/linear3.json for 'linear:3'."""
    return Path(fixtures) / AUDITS / f"{hmm.replace(':', '')}.json"


def load_audits(fixtures: Path) -> dict[str, dict]:
    """{hmm spec: results dict} of every committed audit (a file that does not parse is skipped with its name
    in the returned dict's ``_errors``)."""
    out: dict = {}
    folder = Path(fixtures) / AUDITS
    for f in sorted(folder.glob("*.json")) if folder.is_dir() else []:
        try:
            data = json.loads(f.read_text())
            out[data["audit"]["hmm"]] = data
        except (json.JSONDecodeError, KeyError, TypeError) as e:
            out.setdefault("_errors", []).append(f"{f}: {type(e).__name__}: {e}")
    return out


def _number(v) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool)


def _close(a, b, rtol: float, scale: float = 0.0) -> bool:
    """Whether two statistics agree to rtol of their size (and ATOL near zero). A list of numbers is compared
    element by element against the size of its largest element (a float32 vector's entries carry rounding of
    the order of its largest: a near-zero distance 1.6e-06 beside 2.8 and 5.7 is rounding, not a value); a dict
    key by key, each value on its own; anything else exactly."""
    if _number(a) and _number(b):
        if a == b or (math.isnan(a) and math.isnan(b)):  # equal infinities too
            return True
        return abs(a - b) <= rtol * max(abs(a), abs(b), scale) + ATOL
    if isinstance(a, list) and isinstance(b, list):
        if len(a) != len(b):
            return False
        flat = [abs(x) for x in a + b if _number(x) and math.isfinite(x)]
        big = max(flat, default=0.0)
        return all(_close(x, y, rtol, big) for x, y in zip(a, b))
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_close(a[k], b[k], rtol) for k in a)
    return a == b


# Statistics are compared to RTOL (and ATOL near zero): most are float32 reductions, and the audit and the
# fixtures run split the claims over workers differently, so a checkpoint's BLAS calls may sum in another order
# (seen: a fixed point's min_q_away 1.8180145e-07 against 1.8180168e-07), and another CPU's kernels round
# otherwise (seen on an AMD EPYC machine: second-order norms in their last bit, a near-zero cluster distance
# 1.64e-06 against 1.70e-06 beside 2.84 and 5.65; lists and dicts were compared exactly then and read as stale).
# Verdicts and per-row verdicts must be equal; what made linear:2's first committed audit stale moved statistics
# by 1-60%.
RTOL, ATOL = 1e-4, 1e-9


def stale_rows(audit: dict, fresh: dict, rename: dict[str, str]) -> tuple[list[str], int]:
    """Differences between committed audit rows and freshly computed ones for the same checkpoints: ``rename``
    maps a fresh row's checkpoint name to the audit's (e.g. 'linear3-seed0-to500' -> 'linear3-seed0-to500@500').
    A claim the audit holds no row of for that seed (added after the seed was audited; a seed that joined later
    may be audited on more claims than the others) is not compared: the audit is not stale, it does not cover
    that claim for that seed, and the seed summary reads it on final checkpoints.
    Returns (one line per difference, number of rows compared)."""
    committed = {(r["claim"], r["reading"], r["checkpoint"]): r for r in audit.get("claims", [])}
    audited = {(c, ck.split("@")[0]) for c, _, ck in committed}
    diffs, n = [], 0
    from .registry import whole_run
    whole = set(whole_run())
    for r in fresh.get("claims", []):
        name = rename.get(r["checkpoint"])
        if name is None or r["claim"] in whole or (r["claim"], name.split("@")[0]) not in audited:
            continue  # whole-run claims are judged on the run's series at final.pt; unaudited claims not at all
        old = committed.get((r["claim"], r["reading"], name))
        if old is None:
            diffs.append(f"{r['claim']}:{r['reading']}[{name}]: not in the committed audit")
            continue
        n += 1
        if old["verdict"] != r["verdict"] or old.get("rows") != r.get("rows"):
            diffs.append(f"{r['claim']}:{r['reading']}[{name}]: verdict {old['verdict']} committed, {r['verdict']} now")
            continue
        a, b = old.get("statistics") or {}, r.get("statistics") or {}
        bad = sorted(k for k in set(a) | set(b) if not k.startswith("_") and not _close(a.get(k), b.get(k), RTOL))
        if bad:
            diffs.append(f"{r['claim']}:{r['reading']}[{name}]: statistics differ: " +
                         ", ".join(f"{k} {a.get(k)!r} committed, {b.get(k)!r} now" for k in bad[:3]))
    return diffs, n


def freshness(store: dict[str, dict], fresh: dict) -> dict[str, dict]:
    """Per committed audit, its rows recomputed in this claims run: a seed's run that is also a fixture of the
    run (same name) is judged there on its final.pt, the weights of its last late checkpoint. {hmm: {"sample":
    [runs], "compared": n, "diffs": [lines]}}; compared 0 means this run checked nothing of that audit."""
    names = {r["checkpoint"] for r in fresh.get("claims", []) if r.get("role") == "trained"}
    out = {}
    for hmm, audit in store.items():
        if hmm.startswith("_"):
            continue
        seed = (audit.get("audit") or {}).get("claims_seed", audit.get("seed"))
        if fresh.get("seed") is not None and seed is not None and seed != fresh["seed"]:
            out[hmm] = {"sample": [], "compared": 0, "diffs": [], "note": f"claims seed {fresh['seed']}, audit's {seed}"}
            continue
        last: dict[str, int] = {}
        for r in audit.get("claims", []):
            if "@" in r["checkpoint"]:
                run, e = r["checkpoint"].split("@")
                last[run] = max(last.get(run, 0), int(e))
        rename = {run: f"{run}@{e}" for run, e in last.items() if run in names}
        diffs, n = stale_rows(audit, fresh, rename)
        out[hmm] = {"sample": sorted(rename), "compared": n, "diffs": diffs}
    return out


DROPPED = ("thresholds", "figures")  # per row, the claim's thresholds (claims_meta holds them) and figure paths


def write_audit(path: Path, data: dict, *, sort_head: bool = True) -> None:
    """Write a committed audit compactly and atomically: one row per line (readable diffs), without what
    claims_meta already holds. sort_head=False keeps the order of what precedes the rows (a campaign's runs in
    the order they train)."""
    from .checkpoint import atomic_write_bytes
    from .serial import jsonable
    head = {k: v for k, v in data.items() if k != "claims"}
    rows = [{k: v for k, v in r.items() if k not in DROPPED} for r in data.get("claims", [])]
    text = json.dumps(jsonable(head), sort_keys=sort_head)[:-1] + ', "claims": [\n'
    text += ",\n".join(json.dumps(jsonable(r), sort_keys=True) for r in rows) + "\n]}\n"
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    atomic_write_bytes(Path(path), text.encode())
