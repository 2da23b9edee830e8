"""Does the paper replicate? Per inventory row: the seeds that hold it over their late training (when the run
carries the committed late audits: hmmrnn.seeds), the pass counts of both readings over final checkpoints,
the controls each reading rejects, and a graded conclusion; and the coverage of the inventory.

Pure functions of a results dict (results.json). The rules for final checkpoints, fixed before any paper
reading ran:
- converged networks are the trained checkpoints that pass training.convergence (strict reading; the loss
  rule); the others are listed with the reason, and counts over all trained networks are shown beside;
- a row "replicates" when every converged network passes it; "partly" when some do; otherwise it does not,
  and whose fault is read off the recorded reasons of the failures (fixtures/manifest.json: "model:",
  "training:", "harness:", "scope:");
- the interval is Wilson's 95% score interval of the pass fraction.
"""
from __future__ import annotations

from . import seeds
from .inventory import ROWS
from .registry import row_order
from .seeds import wilson

CONVERGENCE = "training.convergence"


def converged(results: dict) -> tuple[set[str], dict[str, str]]:
    """(names of converged trained checkpoints, {name: why not} for the others)."""
    ok, why = set(), {}
    for r in results.get("claims", []):
        if r["claim"] == CONVERGENCE and r.get("reading", "strict") == "strict" and r.get("role") == "trained":
            if r.get("verdict") == "pass":
                ok.add(r["checkpoint"])
            else:
                why[r["checkpoint"]] = r.get("statistics", {}).get("why_not") or r.get("reason", r.get("verdict", ""))
    return ok, why


def _count(rows: list[dict], row_id: str, names: set[str] | None) -> tuple[int, int, list[dict]]:
    """(passes, decided, failing rows) of one inventory row over trained results (names: only those)."""
    k = n = 0
    failing = []
    for r in rows:
        if r.get("role") != "trained" or (names is not None and r["checkpoint"] not in names):
            continue
        v = (r.get("rows") or {}).get(row_id)
        if v in ("pass", "fail"):
            n += 1
            k += v == "pass"
            if v == "fail":
                failing.append(r)
    return k, n, failing


def _frac(k: int, n: int) -> str:
    if n == 0:
        return "-"
    lo, hi = wilson(k, n)
    return f"{k}/{n} [{lo:.2f}, {hi:.2f}]"


def _fault(failing: list[dict]) -> str:
    import re
    faults = []
    for r in failing:  # the first word of the recorded reason: model, training, harness, scope, family, ...
        reason = r.get("expected_reason", "").split("manifest: ")[-1]
        word = re.match(r"\s*([a-z]+)", reason)
        faults.append(word.group(1) if word and reason else "undetermined")
    if not faults:
        return ""
    counts = {f: faults.count(f) for f in dict.fromkeys(faults)}
    return ", ".join(f"{f} {c}" for f, c in counts.items())


def _controls(rows: list[dict]) -> tuple[str, list[str]]:
    """'rejected/required' over control results of one (claim, reading), and the controls its statistic cannot
    tell from a trained network (recorded findings)."""
    need = [r for r in rows if r.get("role") == "control" and r.get("expected") == "fail"]
    rej = sum(r.get("verdict") in ("fail", "error") for r in need)
    found = sorted({r["checkpoint"] for r in rows
                    if r.get("role") == "control" and r.get("finding") and r.get("verdict") == "pass"})
    return (f"{rej}/{len(need)}" if need else "-"), found


def conclusion(paper: tuple[int, int], strict: tuple[int, int], fault: str, blind: list[str]) -> str:
    """One line from the paper and strict counts over converged networks."""
    (kp, np_), (ks, ns) = paper, strict
    if np_ == 0 and ns == 0:
        return "cannot be decided here: no converged network decides this row"
    tail = f"; the paper's statistic cannot tell {', '.join(blind)} from a trained network" if blind else ""
    if np_ == 0 and ks == ns:
        return "replicates under the strict reading (the paper reading does not decide this row)" + tail
    if np_ == 0:
        paper_txt = "the paper reading does not decide this row"
    elif kp == np_:
        paper_txt = "replicates as the paper measured it"
    elif kp > 0:
        paper_txt = f"partly replicates as the paper measured it ({kp}/{np_})"
    else:
        paper_txt = "does not replicate as the paper measured it"
    if ns and ks == ns and (np_ == 0 or kp == np_):
        return "replicates (both readings)" + tail
    strict_txt = ("and under the strict reading" if ns and ks == ns else
                  f"not under the strict reading ({ks}/{ns})" if ns else "the strict reading does not decide it")
    why = f" (fails: {fault})" if fault else ""
    return f"{paper_txt}, {strict_txt}{why}{tail}"


def replication_summary(results: dict) -> dict:
    """The table at the top of the report: over seeds when the run carries late audits, else over final
    checkpoints."""
    return seed_summary(results) if (results.get("late_audit") or {}).get("records") else final_summary(results)


def final_summary(results: dict) -> dict:
    """One line per (claim, inventory row) decided by some reading, over final checkpoints."""
    ok, why = converged(results)
    by: dict[tuple[str, str], list[dict]] = {}
    for r in results.get("claims", []):
        by.setdefault((r["claim"], r.get("reading", "strict")), []).append(r)
    claims = list(results.get("claims_meta", {}))
    body = []
    for cid in claims:
        meta = results["claims_meta"][cid]
        for row_id in meta.get("covers", []):
            counts, faults, ctl, blind, all_counts = {}, [], {}, [], {}
            for reading in ("paper", "strict"):
                rows = by.get((cid, reading), [])
                k, n, failing = _count(rows, row_id, ok)
                counts[reading] = (k, n)
                ka, na, _ = _count(rows, row_id, None)
                all_counts[reading] = (ka, na)
                faults += failing
                ctl[reading], found = _controls(rows)
                if reading == "paper":
                    blind = found
            decided_anywhere = any(n for _, n in all_counts.values())
            if not decided_anywhere:
                continue
            line = conclusion(counts["paper"], counts["strict"], _fault(faults), blind)
            if not any(n for _, n in counts.values()):
                line += (f" (over all trained networks: paper {_frac(*all_counts['paper'])}, "
                         f"strict {_frac(*all_counts['strict'])})")
            body.append([(cid, "", ""), (row_id, "", ""), (_frac(*counts["paper"]), "", ""),
                         (_frac(*counts["strict"]), "", ""), (ctl["paper"], "", ""), (ctl["strict"], "", ""),
                         (line, _cls(line), "")])
    notes = [f"Converged (training.convergence): {len(ok)} network(s)" + (f": {', '.join(sorted(ok))}" if ok else "")]
    notes += [f"not converged: {n} ({w})" for n, w in sorted(why.items())]
    intro = ("Per inventory row: passes / converged networks that the row was decided on, with Wilson's 95% "
             "interval, for the paper reading (the authors' statistic and protocol) and the strict reading (the "
             "harness's test); controls rejected / required per reading; the conclusion. Only converged networks "
             "count, as the paper kept only converged seeds; a verdict on one checkpoint is a sample of a network "
             "that keeps changing (see the late-training audit).")
    head = ["claim", "row", "paper: pass / converged", "strict: pass / converged", "paper: controls rejected",
            "strict: controls rejected", "conclusion"]
    return {"intro": intro, "head": head, "body": body, "notes": notes}


def _cls(line: str) -> str:
    if line.startswith("replicates"):
        return "pass"
    if line.startswith("cannot"):
        return "error"
    return "fail"


def coverage_table(results: dict) -> dict:
    """Every inventory row: full (some reading decides it by a threshold), partial (reported, not decided),
    none; with the claims and readings."""
    decides: dict[str, list[str]] = {}
    reports: dict[str, list[str]] = {}
    for cid, m in results.get("claims_meta", {}).items():
        for name, rd in (m.get("readings") or {}).items():
            for row in rd.get("covers", []):
                decides.setdefault(row, []).append(f"{cid} ({name})")
            for row in rd.get("reports", []):
                reports.setdefault(row, []).append(f"{cid} ({name})")
    body = []
    n = {"full": 0, "partial": 0, "none": 0, "not testable": 0}
    for row_id, where, text, testable in sorted(ROWS, key=lambda r: row_order(r[0].split("-")[0])):
        if row_id in decides:
            kind, who = "full", decides[row_id]
        elif row_id in reports:
            kind, who = "partial", reports[row_id]
        else:
            kind, who = ("none" if testable else "not testable"), []
        n[kind] += 1
        body.append([(row_id, "", ""), (where, "", ""), (text if len(text) <= 90 else text[:87] + "...", "", ""),
                     (kind, {"full": "pass", "partial": "error", "none": "fail"}.get(kind, ""), ""),
                     (", ".join(dict.fromkeys(who)) or "-", "", "")])
    intro = (f"{n['full']} rows decided (full), {n['partial']} reported but not decided (partial), {n['none']} "
             f"testable rows not covered (none), {n['not testable']} not testable on a checkpoint.")
    return {"intro": intro, "head": ["row", "where", "claim", "coverage", "decided / reported by"], "body": body}


HOLDS = 0.5  # a seed "holds" a claim when at least this fraction of its late checkpoints pass (fixed in advance)


def late_table(results: dict) -> dict | None:
    """Seeds observed over late training (checkpoints named RUN@EPOCH, from `hmmrnn audit --late`): per claim,
    reading and run, the fraction of its late checkpoints that pass, with Wilson's 95% interval, and whether
    the seed holds the claim (>= HOLDS). None when the run has no such checkpoints."""
    groups: dict[tuple[str, str, str], list[dict]] = {}
    for r in results.get("claims", []):
        if r.get("role") == "trained" and "@" in r["checkpoint"]:
            run = r["checkpoint"].split("@")[0]
            groups.setdefault((r["claim"], r.get("reading", "strict"), run), []).append(r)
    if not groups:
        return None
    body = []
    for (claim, reading, run), rs in sorted(groups.items()):
        decided = [r for r in rs if r.get("verdict") in ("pass", "fail")]
        k, n = sum(r["verdict"] == "pass" for r in decided), len(decided)
        epochs = sorted(int(r["checkpoint"].split("@")[1]) for r in rs)
        passing = [int(r["checkpoint"].split("@")[1]) for r in decided if r["verdict"] == "pass"]
        holds = "-" if n == 0 else ("holds" if k / n >= HOLDS else "does not hold")
        body.append([(claim, "", ""), (reading, "", ""), (run, "", ""), (f"{epochs[0]}-{epochs[-1]}", "", ""),
                     (_frac(k, n), "", f"{len(rs) - n} error" if len(rs) > n else ""),
                     (holds, "pass" if holds == "holds" else "fail" if n else "error", ""),
                     (", ".join(map(str, sorted(passing))) or "-", "", "")])
    intro = (f"Each seed over its late training (`hmmrnn audit --late`): the fraction of its late evolution "
             f"checkpoints that pass, with Wilson's 95% interval; a seed holds a claim when at least "
             f"{HOLDS:.0%} of them pass (fixed before any was run).")
    return {"intro": intro, "head": ["claim", "reading", "run", "epochs", "pass / late checkpoints", "seed",
                                     "passing epochs"], "body": body}


def late_series(results: dict) -> dict:
    """The decisive statistic of each (claim, reading) over late checkpoints (RUN@EPOCH), against epoch, for
    the plot: the thresholded statistic that fails most often there (the first one when none fails), with its
    rule and {run: [(epoch, value)]}; statistics that are not numbers are skipped."""
    out: dict = {}
    fails: dict = {}
    for r in results.get("claims", []):
        if r.get("role") != "trained" or "@" not in r["checkpoint"]:
            continue
        run, epoch = r["checkpoint"].split("@")
        for t in r.get("thresholds", []):
            v = (r.get("statistics") or {}).get(t["statistic"])
            if isinstance(v, bool) or not isinstance(v, (int, float)) or not isinstance(t.get("value"), (int, float)):
                continue
            key = (r["claim"], r.get("reading", "strict"), t["statistic"])
            s = out.setdefault(key, {"op": t["op"], "value": t["value"], "runs": {}})
            s["runs"].setdefault(run, []).append((int(epoch), float(v)))
            fails[key] = fails.get(key, 0) + any(f.startswith(t["statistic"] + " ") for f in r.get("failed", []))
    best: dict = {}
    for key in out:  # first-seen order decides ties: the claim's first threshold
        cr = key[:2]
        if cr not in best or fails[key] > fails[best[cr]]:
            best[cr] = key
    return {key: out[key] for key in best.values()}


REFERENCE_SEED = "linear2-seed0-to500"  # the network every harness cut was fixed on (linear2-seed0), at 500 epochs


def _control_stats(results: dict) -> dict[tuple, dict]:
    """{(claim, reading): {control: statistics}} of the controls each reading must reject, from this run."""
    out: dict = {}
    for r in results.get("claims", []):
        if r.get("role") == "control" and r.get("expected") == "fail" and r.get("statistics"):
            out.setdefault((r["claim"], r.get("reading", "strict")), {})[r["checkpoint"]] = r["statistics"]
    return out


def _sentence(row_id: str) -> str:
    """The row's sentence in short (CLAIMS.md) and where the paper says it (section, figure)."""
    where, text = next(((w, t) for rid, w, t, _ in ROWS if rid == row_id), ("", ""))
    text = text if len(text) <= 70 else text[:67] + "..."
    return f"{text} ({where})" if where else text


def _fault_of(entry: dict, failing_finals: list[dict]) -> str:
    """Whose fault, computed where a diagnostic shows it; hand-written attributions shown as such."""
    ref = next((s for s in entry["seeds"] if s["run"] == REFERENCE_SEED), None)
    parts = []
    if entry["conclusion"] != "replicates" and ref is not None and ref["holds"] is False:
        parts.append(f"harness (computed): the reading fails its own reference seed {REFERENCE_SEED} "
                     f"({ref['k']}/{ref['n']} late checkpoints)")
    hand = _fault(failing_finals)
    if hand and entry["conclusion"] != "replicates":
        parts.append(f"recorded by hand: {hand}")
    return "; ".join(parts)


def seed_summary(results: dict) -> dict:
    """One line per (claim, inventory row, reading) decided on an audited seed: seeds holding it over their late
    training, per family and pooled (Wilson 95%), the final-checkpoint counts beside, the controls rejected, the
    graded conclusion (hmmrnn.seeds), fragility of the harness's own cuts, and whose fault."""
    la = results["late_audit"]
    entries = seeds.row_summary(la["records"], results.get("claims_meta", {}), _control_stats(results))
    ok, why = converged(results)
    by: dict[tuple[str, str], list[dict]] = {}
    for r in results.get("claims", []):
        by.setdefault((r["claim"], r.get("reading", "strict")), []).append(r)
    order = {cid: i for i, cid in enumerate(results.get("claims_meta", {}))}
    entries.sort(key=lambda e: (order.get(e["claim"], 99), row_order(e["row"]), e["reading"] != "paper"))
    lines = []  # one dict per line: the CSV's columns, and what only the table shows ("cls", "_" keys)
    for e in entries:
        rows = by.get((e["claim"], e["reading"]), [])
        kc, nc, failing = _count(rows, e["row"], ok)
        ka, na, _ = _count(rows, e["row"], None)
        ctl, blind = _controls(rows)
        lo, hi = e["interval"]
        frag = e["fragility"]
        frag_txt = ("fragile: " + "; ".join(f"{c} changes {', '.join(runs)}" for c, runs in frag["changed"].items())
                    if frag["fragile"] else ("robust to +-25% of its harness cuts" if frag["harness_cuts"] else
                                             "paper's cuts only"))
        line = e["conclusion"] + (f"; the paper's statistic cannot tell {', '.join(blind)} from a trained network"
                                  if blind else "")
        old = e.get("superseded")
        if old:  # a post-hoc cut: the old cut's count stays beside the new one
            line += f"; under the cut it replaced ({', '.join(old['cuts'])}): {old['k']}/{old['n']} seeds hold"
        lines.append({"claim": e["claim"], "row": e["row"], "reading": e["reading"], "seeds_hold": e["k"],
                      "seeds": e["n"], "wilson_lo": round(lo, 3), "wilson_hi": round(hi, 3),
                      "per_family": ", ".join(f"{h} {k}/{n}" for h, (k, n) in sorted(e["families"].items())),
                      "final_converged": f"{kc}/{nc}", "final_all": f"{ka}/{na}", "_fc": _frac(kc, nc),
                      "_fa": _frac(ka, na), "controls_rejected": ctl,
                      "separation": ", ".join(f"{c}: {v[0]} by {v[1]:.3g}" if v else f"{c}: none"
                                              for c, v in e["separation"]["by"].items()),
                      "conclusion": e["conclusion"], "_line": line, "fragile": frag["fragile"], "fragility": frag_txt,
                      "fault": _fault_of(e, failing),
                      "cls": "pass" if e["conclusion"] == "replicates" else
                             "error" if e["conclusion"].startswith(("effect", "cannot", "partly")) else "fail"})
    done = {(e["claim"], e["row"], e["reading"]) for e in entries}
    for cid, meta in results.get("claims_meta", {}).items():  # rows no late checkpoint decides: final checkpoints
        for reading, rd in (meta.get("readings") or {}).items():
            for row in rd.get("covers", []):
                k, n, failing = _count(by.get((cid, reading), []), row, ok)
                if (cid, row, reading) in done or not n:
                    continue
                ka, na, _ = _count(by.get((cid, reading), []), row, None)
                line = ("replicates" if k == n else f"partly replicates ({k}/{n})" if k else "does not replicate") + \
                    " on final checkpoints (a claim about the whole run or across runs: no late checkpoint decides it)"
                lines.append({"claim": cid, "row": row, "reading": reading, "seeds_hold": "", "seeds": "",
                              "wilson_lo": "", "wilson_hi": "", "per_family": "", "final_converged": f"{k}/{n}",
                              "final_all": f"{ka}/{na}", "_fc": _frac(k, n), "_fa": _frac(ka, na),
                              "controls_rejected": _controls(by.get((cid, reading), []))[0],
                              "separation": "", "conclusion": line, "_line": line, "fragile": "", "fragility": "",
                              "fault": _fault(failing), "cls": "pass" if k == n else "fail"})
    lines.sort(key=lambda x: (order.get(x["claim"], 99), row_order(x["row"]), x["reading"] != "paper"))
    body = [[(x["claim"], "", ""), (x["row"], "", _sentence(x["row"])), (x["reading"], "", ""),
             (x["per_family"] or "-", "", ""),
             (f"{x['seeds_hold']}/{x['seeds']} [{x['wilson_lo']:.2f}, {x['wilson_hi']:.2f}]" if x["seeds"] else "-", "", ""),
             (x["_fc"], "", f"all trained: {x['_fa']}"), (x["controls_rejected"], "", x["separation"]),
             (x["_line"], x["cls"], x["fault"]), (x["fragility"] or "-", "fail" if x["fragile"] else "", "")]
            for x in lines]
    csv = [{"claim": x["claim"], "row": x["row"], "sentence": _sentence(x["row"]),
            **{k: v for k, v in x.items() if k not in ("claim", "row", "cls") and not k.startswith("_")}} for x in lines]
    fams = la.get("families", {})
    notes = [f"Late audit of {h}: seeds {', '.join(m.get('seeds', []))}; every {m.get('late_every')} epochs over the "
             f"last {m.get('late')}; claims seed {m.get('claims_seed')}; code {m.get('code')}; `{m.get('command')}`"
             for h, m in sorted(fams.items())]
    for h, f in sorted((la.get("freshness") or {}).items()):
        notes.append(f"{h}: " + (f"STALE, {len(f['diffs'])} committed rows differ from this run's" if f["diffs"] else
                                 f"{f['compared']} committed rows recomputed by this run on {', '.join(f['sample'])}: equal"
                                 if f["compared"] else "no committed row recomputed by this run"))
    notes += [f"audit file not read: {e}" for e in la.get("errors", [])]
    notes.append(f"Final checkpoints, converged (training.convergence, the loss rule): {len(ok)}" +
                 (f": {', '.join(sorted(ok))}" if ok else ""))
    notes += [f"not converged: {n} ({w})" for n, w in sorted(why.items())]
    intro = ("The unit is the seed (SPEC): each audited seed is judged on its late evolution checkpoints (every 20 "
             "epochs over its last 180), and holds a row when at least half of its decided late checkpoints pass "
             f"(fixed before any audit ran). Seeds: every converged run at the paper's length, in seed order. "
             "Conclusion: replicates (every seed holds), partly (some do); the seeds that do not: effect present, weaker "
             "than stated (separated from every control the reading must reject, but short of the cut; the margins in "
             "small text) or absent (not separated). Fragile: moving one of the harness's own cuts (not the paper's numbers) by 25% either way "
             "changes whether some seed holds. Final-checkpoint counts (converged; in small text: all trained) stay beside.")
    head = ["claim", "row", "reading", "seeds holding, per family", "seeds holding (95%)", "final checkpoints",
            "controls rejected", "conclusion", "fragility"]
    return {"intro": intro, "head": head, "body": body, "notes": notes, "csv": csv, "entries": entries}
