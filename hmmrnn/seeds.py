"""Seeds as the unit of replication (issue 20): each seed observed over its late training, graded against the
controls, and how much the conclusions depend on the harness's own cuts.

Pure functions of plain data: ``late records`` (one per claim, reading and seed: its late checkpoints'
verdicts and thresholded statistics, from a committed audit; ``collect``), the claims' thresholds
(results["claims_meta"]) and the control rows of a claims run. The rules, fixed before any audit was read:
- a seed *holds* an inventory row when at least HOLDS of its decided late checkpoints pass it;
- a row *replicates* when every audited seed holds it, *partly* when some do;
- the seeds that do not hold it show the effect *present, weaker than stated* when they are separated from
  every control the reading must reject (for each such control, every threshold of the row that some such seed's
  median late value misses has every such seed's median beyond the control's value, on the passing side; where
  no median misses a cut, some threshold of the row), and *absent* when not (issue 30: before, some threshold
  sufficed, so a seed whose radius shrinks was "present, weaker" for the hole it does have);
- a cut is the harness's own unless its recorded why starts with "paper" (the paper's number); moving such a
  cut by FRAGILE_SHIFT either way and counting the seeds whose hold changes flags the row *fragile* when any do
  (a statistic that lives in [0, 1] is not moved to 1 or past it: 0.99 -> 1.24 would fail every seed).
"""
from __future__ import annotations

import math
import statistics as st

from .claim import OPS
from .precision import NEAR, near_thresholds

HOLDS = 0.5
FRAGILE_SHIFT = 0.25


# ---- collecting a committed audit ---------------------------------------------------------------------------

def collect(audit: dict) -> list[dict]:
    """Late records of one committed audit (results dict with RUN@EPOCH rows): one per (claim, reading, run),
    {"hmm", "run", "claim", "reading", "checkpoints": [{"epoch", "verdict", "rows", "stats"}]} where stats
    holds the reading's thresholded statistics only."""
    meta = audit.get("claims_meta", {})
    hmm = audit.get("audit", {}).get("hmm")
    seeds = set(audit.get("audit", {}).get("seeds", []))
    # claims about a run's whole training: a late checkpoint cannot decide them (its run folder holds the late
    # evolution checkpoints only), so they count on final checkpoints alone
    from .registry import whole_run
    whole = set(whole_run())
    out: dict[tuple, dict] = {}
    for r in audit.get("claims", []):
        if r.get("role") != "trained" or "@" not in r["checkpoint"]:
            continue
        run, epoch = r["checkpoint"].split("@")
        if (seeds and run not in seeds) or r["claim"] in whole:
            continue
        reading = r.get("reading", "strict")
        names = {t["statistic"] for t in _thresholds(meta, r["claim"], reading) + _superseded(meta, r["claim"], reading)}
        stats = {k: v for k, v in (r.get("statistics") or {}).items() if k in names}
        rec = out.setdefault((r["claim"], reading, run), {"hmm": hmm, "run": run, "claim": r["claim"],
                                                          "reading": reading, "checkpoints": []})
        rec["checkpoints"].append({"epoch": int(epoch), "verdict": r.get("verdict"), "rows": r.get("rows") or {},
                                   "stats": stats})
    for rec in out.values():
        rec["checkpoints"].sort(key=lambda c: c["epoch"])
    return list(out.values())


def _superseded(meta: dict, claim: str, reading: str) -> list[dict]:
    return list((meta.get(claim, {}).get("readings") or {}).get(reading, {}).get("superseded") or [])


def _thresholds(meta: dict, claim: str, reading: str) -> list[dict]:
    m = meta.get(claim, {})
    return list((m.get("readings") or {}).get(reading, {}).get("thresholds") or m.get("thresholds") or [])


# ---- one seed -----------------------------------------------------------------------------------------------

def row_passes(stats: dict, thresholds: list[dict], row: str, moved: tuple[int, float] | None = None) -> bool | None:
    """Whether a checkpoint's statistics pass an inventory row (every threshold deciding it holds); None when a
    statistic is missing. ``moved``: (index in thresholds, new cut) to ask what a moved cut would decide."""
    ok = True
    for i, t in enumerate(thresholds):
        if row not in t.get("rows", []):
            continue
        v = stats.get(t["statistic"])
        if v is None or (isinstance(v, float) and math.isnan(v)):
            return None
        cut = moved[1] if moved is not None and moved[0] == i else t["value"]
        ok = ok and bool(OPS[t["op"]](v, cut))
    return ok


def mark_near_cut(records: list[dict], meta: dict, noise: dict[tuple, float]) -> None:
    """Mark, in place, each checkpoint's rows that a statistic decides while within NEAR of its standard error
    from its cut (noise: precision.noise_from_lines of the test-retest table, scripts/reliability.py; a record's
    family's standard error where measured); seed_fraction then counts such a checkpoint as undecided for that
    row."""
    for rec in records:
        ths = _thresholds(meta, rec["claim"], rec["reading"])
        for c in rec["checkpoints"]:
            near = near_thresholds(rec["claim"], rec["reading"], c["stats"], ths, noise, rec.get("hmm"))
            c["near"] = sorted({row for t, _, _ in near for row in t.get("rows", [])})


def seed_fraction(rec: dict, row: str, precision: bool = True) -> tuple[int, int]:
    """(passing, decided) late checkpoints of one seed on one inventory row; with ``precision`` a checkpoint whose
    statistic is near the cut on the row (mark_near_cut) is undecided, neither a pass nor a fail."""
    got = [None if precision and row in c.get("near", ()) else c["rows"].get(row) for c in rec["checkpoints"]]
    return sum(v == "pass" for v in got), sum(v in ("pass", "fail") for v in got)


def holds(k: int, n: int) -> bool | None:
    return None if n == 0 else k / n >= HOLDS


def seed_value(rec: dict, statistic: str) -> float | None:
    """A seed's median late value of a statistic (booleans as 0/1); None when it has none."""
    vals = [float(c["stats"][statistic]) for c in rec["checkpoints"]
            if isinstance(c["stats"].get(statistic), (int, float)) and not (
                isinstance(c["stats"][statistic], float) and math.isnan(c["stats"][statistic]))]
    return st.median(vals) if vals else None


# ---- a row over seeds ---------------------------------------------------------------------------------------

def _beyond(value: float, other: float, op: str) -> bool:
    """value lies beyond other on the passing side of a threshold with operator op."""
    if op in (">", ">="):
        return value > other
    if op in ("<", "<="):
        return value < other
    return value > other  # "==" thresholds here are booleans or counts: more is the paper's side


def _separated_on_some(recs: list[dict], thresholds: list[dict], row: str, controls: dict[str, dict]) -> dict:
    """Whether the trained seeds are separated from every control on some threshold of this row: {"separated":
    bool | None, "by": {control: (statistic, margin) or None}}. margin: the gap between the seeds' worst median and
    the control's value (in the statistic's units). None when no control is there to compare."""
    if not controls or not recs:
        return {"separated": None, "by": {}}
    by = {}
    for name, cstats in sorted(controls.items()):
        best = None
        for t in thresholds:
            if row not in t.get("rows", []):
                continue
            cv = cstats.get(t["statistic"])
            vals = [seed_value(r, t["statistic"]) for r in recs]
            if not isinstance(cv, (int, float)) or any(v is None for v in vals):
                continue
            cv = float(cv)
            if math.isnan(cv):
                continue
            worst = min(vals) if t["op"] in (">", ">=", "==") else max(vals)
            if _beyond(worst, cv, t["op"]):
                gap = abs(worst - cv)
                if best is None or gap > best[1]:
                    best = (t["statistic"], gap)
        by[name] = best
    return {"separated": all(v is not None for v in by.values()), "by": by}


def missed(recs: list[dict], thresholds: list[dict], row: str) -> list[dict]:
    """The row's thresholds that some seed misses with its median late value (seed_value)."""
    out = []
    for t in thresholds:
        if row not in t.get("rows", []):
            continue
        vals = [seed_value(r, t["statistic"]) for r in recs]
        if any(v is not None and not OPS[t["op"]](v, t["value"]) for v in vals):
            out.append(t)
    return out


def separation(recs: list[dict], thresholds: list[dict], row: str, controls: dict[str, dict]) -> dict:
    """Whether the seeds that do not hold the row are separated from every control on what they miss:
    {"separated": bool | None, "by": {control: (statistic, margin) or None}}; margin: the gap between the seeds'
    worst median and the control's value, in the statistic's units (the smallest over the missed thresholds).
    A control counts as separated only when the seeds lie beyond it on every threshold some seed's median misses
    (missed), so an effect the seeds lack (a radius that shrinks with the input) is not called present for a
    statistic they pass (a hole at the fixed point), nor a statistic on which a control does better than they do.
    A missed statistic the control has no value of (it has no clusters to measure) is left out for that control;
    where it has none of them, or no median misses a cut (each checkpoint fails on another threshold), some
    threshold of the row is asked, as before issue 30. None when no control is there to compare."""
    miss = missed(recs, thresholds, row)
    if not miss or not controls or not recs:
        return _separated_on_some(recs, thresholds, row, controls)
    by = {}
    for name in sorted(controls):
        one = {name: controls[name]}
        comparable = [t for t in miss if _number(controls[name].get(t["statistic"])) is not None]
        if not comparable:  # the control has none of the missed statistics (no clusters to measure): as before
            by[name] = _separated_on_some(recs, thresholds, row, one)["by"][name]
            continue
        got = [_separated_on_some(recs, [t], row, one)["by"][name] for t in comparable]
        by[name] = None if any(g is None for g in got) else min(got, key=lambda g: g[1])
    return {"separated": all(v is not None for v in by.values()), "by": by}


def _number(v) -> float | None:
    """A statistic's value as a number (booleans as 0/1); None when missing or NaN."""
    return float(v) if isinstance(v, (int, float)) and not math.isnan(float(v)) else None


def natural_bounds(values: list[float]) -> tuple[float, float]:
    """A statistic's natural bounds, read off the values every network takes: [0, 1] when all lie there (a
    fraction, a ratio of parts), [-1, 1] when all lie there and some are negative (a correlation), [0, inf)
    when all are non-negative, unbounded otherwise."""
    vals = [float(v) for v in values if isinstance(v, (int, float)) and not isinstance(v, bool)
            and not math.isnan(float(v))]
    lo = 0.0 if vals and min(vals) >= 0 else (-1.0 if vals and min(vals) >= -1 and max(vals) <= 1 else -math.inf)
    hi = 1.0 if vals and max(vals) <= 1 and lo > -math.inf else math.inf
    return lo, hi


def cut_origin(t: dict) -> str:
    """Where a cut comes from: "paper" (its why starts with the paper's number) or "harness" (fixed here)."""
    return "paper" if str(t.get("why", "")).lower().startswith("paper") else "harness"


def fragility(recs: list[dict], thresholds: list[dict], row: str, controls: dict[str, dict] | None = None) -> dict:
    """Seeds whose hold on the row changes when one of the harness's own cuts moves, either way, by FRAGILE_SHIFT
    of its distance to the nearer of the statistic's natural bounds (natural_bounds) and the controls' closest
    value: never past a bound or a control. {"changed": {"statistic op cut -> new": [runs]}, "fragile": bool,
    "harness_cuts": n movable harness cuts, "fixed": [harness cuts that cannot move: booleans, ==, a control or
    bound on the cut], "paper_cuts": n}."""
    changed, n_cuts, fixed, n_paper = {}, 0, [], 0
    for i, t in enumerate(thresholds):
        if row not in t.get("rows", []):
            continue
        if cut_origin(t) == "paper":
            n_paper += 1
            continue
        if isinstance(t["value"], bool) or t["op"] == "==":
            fixed.append(f"{t['statistic']} {t['op']} {t['value']}")
            continue
        vals = [c["stats"].get(t["statistic"]) for r in recs for c in r["checkpoints"]]
        ctl = [c.get(t["statistic"]) for c in (controls or {}).values()]
        ctl = [float(v) for v in ctl if isinstance(v, (int, float)) and not isinstance(v, bool)
               and not math.isnan(float(v))]
        lo, hi = natural_bounds(vals + ctl)
        room = min([abs(t["value"] - b) for b in (lo, hi) if not math.isinf(b)]
                   + [abs(t["value"] - v) for v in ctl], default=abs(t["value"]) or 1.0)
        step = FRAGILE_SHIFT * room
        if step == 0:
            fixed.append(f"{t['statistic']} {t['op']} {t['value']:g} (a bound or control on the cut)")
            continue
        n_cuts += 1
        for cut in (t["value"] - step, t["value"] + step):
            moved = []
            for r in recs:
                k, n = seed_fraction(r, row)
                got = [row_passes(c["stats"], thresholds, row, (i, cut)) for c in r["checkpoints"]
                       if c["rows"].get(row) in ("pass", "fail")]
                k2 = sum(g is True for g in got)
                if holds(k, n) != holds(k2, n):
                    moved.append(r["run"])
            if moved:
                changed[f"{t['statistic']} {t['op']} {t['value']:g} -> {cut:.4g}"] = moved
    return {"changed": changed, "fragile": bool(changed), "harness_cuts": n_cuts, "fixed": fixed,
            "paper_cuts": n_paper}


def grade(n_hold: int, n_seeds: int, sep: dict) -> str:
    """The graded conclusion of one row and reading over its audited seeds; sep: the separation from the
    controls of the seeds that do not hold it."""
    if n_seeds == 0:
        return "cannot be decided here: no audited seed decides this row"
    if n_hold == n_seeds:
        return "replicates"
    share = f"{n_hold}/{n_seeds} seeds hold"
    head, rest = (f"partly replicates ({share}); the others: ", "") if n_hold else ("", f" ({share}")
    if sep["separated"] is None:
        body = "no control to tell an absent effect from a weak one"
        return f"{head}{body}" if n_hold else f"does not replicate{rest}); {body}"
    if sep["separated"]:
        return f"{head}effect present, weaker than stated" + ("" if n_hold else f"{rest}; every control separated)")
    missing = ", ".join(k for k, v in sep["by"].items() if v is None)
    return f"{head}absent (not separated from {missing})" if n_hold else f"absent{rest}; not separated from {missing})"


def wilson(k: int, n: int, z: float = 1.96) -> tuple[float, float]:
    """Wilson score interval of k successes in n trials; (nan, nan) for n = 0."""
    if n == 0:
        return float("nan"), float("nan")
    p = k / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return max(0.0, centre - half), min(1.0, centre + half)


def _family_grades(seeds: list[dict], decided: list[dict], ths: list[dict], row: str, controls: dict) -> dict:
    """{family: {"k", "n", "conclusion"}}: each family graded on its own seeds (as grade does for the pool)."""
    out = {}
    for hmm in sorted({s["hmm"] or "" for s in seeds}):
        mine = [s for s in seeds if (s["hmm"] or "") == hmm]
        k = sum(bool(s["holds"]) for s in mine)
        short = {s["run"] for s in mine if not s["holds"]}
        sep = separation([r for r in decided if r["run"] in short], ths, row, controls)
        out[hmm] = {"k": k, "n": len(mine), "conclusion": grade(k, len(mine), sep)}
    return out


def row_summary(records: list[dict], meta: dict, control_rows: dict[tuple, list[dict]]) -> list[dict]:
    """One entry per (claim, inventory row, reading) decided on some seed: its evidence class (hmmrnn.evidence);
    per family and pooled, the held-out seeds holding it (the tuning seed apart, never counted), the graded
    conclusion, pooled or per family (where the families' counts differ: evidence.families_split), separation
    from the controls, fragility, and per seed its pass fraction. control_rows: {(claim, reading): the
    claims run's control results}."""
    from . import evidence
    by: dict[tuple, list[dict]] = {}
    for r in records:
        by.setdefault((r["claim"], r["reading"]), []).append(r)
    out = []
    for (claim, reading), recs in sorted(by.items()):
        ths = _thresholds(meta, claim, reading)
        rows = sorted({row for t in ths for row in t.get("rows", [])})
        ctl_rows = control_rows.get((claim, reading), [])
        for row in rows:
            outcome = evidence.control_outcome(ctl_rows, row)
            counted = set(outcome.rejected) | set(outcome.passed)  # numeric, identical ones once
            controls = {r["checkpoint"]: r.get("statistics") or {} for r in ctl_rows if r["checkpoint"] in counted}
            seeds, tuning, near_changed, decided_anywhere = [], [], [], False
            for r in sorted(recs, key=lambda r: (r["hmm"] or "", r["run"])):
                k, n = seed_fraction(r, row)
                k0, n0 = seed_fraction(r, row, precision=False)
                decided_anywhere = decided_anywhere or n0 > 0
                if holds(k, n) != holds(k0, n0) and not evidence.is_tuning(r["run"]):
                    near_changed.append(f"{r['run']} ({k0}/{n0} -> {k}/{n})")
                if n:
                    (tuning if evidence.is_tuning(r["run"]) else seeds).append(
                        {"hmm": r["hmm"], "run": r["run"], "k": k, "n": n, "holds": holds(k, n),
                         "near": n0 - n})
            if not seeds and not tuning:
                if decided_anywhere:  # every decided checkpoint near the cut
                    out.append({"claim": claim, "reading": reading, "row": row, "families": {}, "k": 0, "n": 0,
                                "interval": wilson(0, 0), "seeds": [], "tuning": [], "separation": {"separated": None,
                                                                                                   "by": {}},
                                "evidence": "undecided", "controls": outcome, "near_changed": near_changed,
                                "evidence_why": f"too noisy to decide here: every decided checkpoint of every seed "
                                                f"lies within {NEAR:g} standard errors of the rollout's draws of a cut",
                                "split": False, "split_p": 1.0, "family_grades": {}, "conclusion": "",
                                "fragility": {"changed": {}, "fragile": False, "harness_cuts": 0, "fixed": [],
                                              "paper_cuts": 0}, "superseded": None})
                continue
            decided = [r for r in recs if seed_fraction(r, row)[1] and not evidence.is_tuning(r["run"])]
            fam: dict[str, list[int]] = {}
            for s in seeds:
                f = fam.setdefault(s["hmm"], [0, 0])
                f[0] += bool(s["holds"])
                f[1] += 1
            k = sum(bool(s["holds"]) for s in seeds)
            short = {x["run"] for x in seeds if not x["holds"]}  # graded on the seeds that miss the cut
            sep = separation([r for r in decided if r["run"] in short], ths, row, controls)
            cls, why = evidence.classify(reported=False, seed_holds=[s["holds"] for s in seeds], controls=outcome,
                                         control_verdicts=evidence.all_control_verdicts(ctl_rows, row),
                                         separated=sep["separated"],
                                         across=(meta.get(claim) or {}).get("across", ""))
            split, p = evidence.families_split({h: tuple(v) for h, v in fam.items()})
            out.append({"claim": claim, "reading": reading, "row": row, "families": fam, "k": k, "n": len(seeds),
                        "interval": wilson(k, len(seeds)), "seeds": seeds, "tuning": tuning, "separation": sep,
                        "evidence": cls, "evidence_why": why, "controls": outcome, "near_changed": near_changed,
                        "split": split, "split_p": p,
                        "family_grades": _family_grades(seeds, decided, ths, row, controls),
                        "fragility": fragility(decided, ths, row, controls), "conclusion": grade(k, len(seeds), sep),
                        "superseded": superseded_holds(decided, ths, _superseded(meta, claim, reading), row)})
    return out


def superseded_holds(recs: list[dict], thresholds: list[dict], old: list[dict], row: str) -> dict | None:
    """Seeds that would hold the row under the cuts it had before a post-hoc change (each old threshold in place
    of the one that replaced it): {"cuts": [...], "k", "n"}; None when the row has no superseded cut."""
    old = [o for o in old if row in o.get("rows", [])]
    if not old:
        return None
    gone = {o["replaced_by"] for o in old}
    then = [t for t in thresholds if t["statistic"] not in gone] + old
    k = n = 0
    for r in recs:
        got = [row_passes(c["stats"], then, row) for c in r["checkpoints"] if c["rows"].get(row) in ("pass", "fail")]
        got = [g for g in got if g is not None]
        if got:
            n += 1
            k += bool(holds(sum(got), len(got)))
    return {"cuts": [f"{o['statistic']} {o['op']} {o['value']:g}" for o in old], "k": k, "n": n}
