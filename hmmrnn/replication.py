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

from . import evidence, precision, seeds
from .inventory import ROWS
from .claim import row_order
from .seeds import wilson


def converged(results: dict) -> tuple[set[str], dict[str, str]]:
    """(names of converged trained checkpoints, {name: why not} for the others), by the convergence claim."""
    from .claims.training_convergence import CLAIM as CONVERGENCE
    ok, why = set(), {}
    for r in results.get("claims", []):
        if r["claim"] == CONVERGENCE.id and r.get("reading", "strict") == "strict" and r.get("role") == "trained":
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


def coverage_table(results: dict, entries: list[dict] | None = None) -> dict:
    """Every inventory row: whether a check covers it (full: some reading decides it by a threshold; partial:
    reported, not decided; none), with the claims and readings; with the summary's entries, also what the check
    found here: the best evidence class over the row's readings (decided before by construction and
    indistinguishable, before undecided and reported), so "full" never hides a row nothing decides yet."""
    decides: dict[str, list[str]] = {}
    reports: dict[str, list[str]] = {}
    for cid, m in results.get("claims_meta", {}).items():
        for name, rd in (m.get("readings") or {}).items():
            for row in rd.get("covers", []):
                decides.setdefault(row, []).append(f"{cid} ({name})")
            for row in rd.get("reports", []):
                reports.setdefault(row, []).append(f"{cid} ({name})")
    found: dict[str, str] = {}
    for e in entries or []:
        now = found.get(e["row"])
        if now is None or evidence.CLASSES.index(e["evidence"]) < evidence.CLASSES.index(now):
            found[e["row"]] = e["evidence"]
    body = []
    n = {"full": 0, "partial": 0, "none": 0, "not testable": 0}
    here: dict[str, int] = {}
    for row_id, where, text, testable in sorted(ROWS, key=lambda r: row_order(r[0].split("-")[0])):
        if row_id in decides:
            kind, who = "full", decides[row_id]
        elif row_id in reports:
            kind, who = "partial", reports[row_id]
        else:
            kind, who = ("none" if testable else "not testable"), []
        n[kind] += 1
        ev = found.get(row_id, "")
        if ev:
            here[ev] = here.get(ev, 0) + 1
        cells = [(row_id, "", ""), (where, "", ""), (text if len(text) <= 90 else text[:87] + "...", "", ""),
                 (kind, {"full": "pass", "partial": "error", "none": "fail"}.get(kind, ""), "")]
        if entries is not None:
            cells.append((ev or "-", {"decided": "pass", "undecided": "fail"}.get(ev, "error" if ev else ""), ""))
        body.append(cells + [(", ".join(dict.fromkeys(who)) or "-", "", "")])
    intro = (f"{n['full']} rows with a check that decides them by a threshold (full), {n['partial']} reported but "
             f"not decided (partial), {n['none']} testable rows not covered (none), {n['not testable']} not "
             "testable on a checkpoint.")
    if entries is not None:
        intro += (" What the checks found here (the best evidence class over a row's readings): " +
                  ", ".join(f"{here.get(c, 0)} {c}" for c in evidence.CLASSES) +
                  "; an undecided row has a check but not the networks it needs.")
    head = ["row", "where", "claim", "coverage"] + (["evidence here"] if entries is not None else []) + \
        ["decided / reported by"]
    return {"intro": intro, "head": head, "body": body}


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


def _control_rows(results: dict) -> dict[tuple, list[dict]]:
    """{(claim, reading): the control results} of this run (every control; evidence sorts the must-reject ones)."""
    out: dict = {}
    kept = (results.get("late_audit") or {}).get("controls", [])  # every family's, judged outside CI
    seen = {(r["claim"], r.get("reading", "strict"), r["checkpoint"]) for r in results.get("claims", [])}
    for r in results.get("claims", []) + [r for r in kept if (r["claim"], r.get("reading", "strict"),
                                                               r["checkpoint"]) not in seen]:
        if r.get("role") == "control":
            out.setdefault((r["claim"], r.get("reading", "strict")), []).append(r)
    return out


def _sentence(row_id: str) -> str:
    """The row's sentence in short (CLAIMS.md) and where the paper says it (section, figure)."""
    where, text = next(((w, t) for rid, w, t, _ in ROWS if rid == row_id), ("", ""))
    text = text if len(text) <= 70 else text[:67] + "..."
    return f"{text} ({where})" if where else text


def _fault_of(entry: dict, failing_finals: list[dict]) -> str:
    """Whose fault, computed where a diagnostic shows it; hand-written attributions shown as such."""
    ref = next((s for s in entry["seeds"] + entry.get("tuning", []) if s["run"] == REFERENCE_SEED), None)
    parts = []
    if entry["conclusion"] != "replicates" and ref is not None and ref["holds"] is False:
        parts.append(f"harness (computed): the reading fails its own reference seed {REFERENCE_SEED} "
                     f"({ref['k']}/{ref['n']} late checkpoints)")
    hand = _fault(failing_finals)
    if hand and entry["conclusion"] != "replicates":
        parts.append(f"recorded by hand: {hand}")
    return "; ".join(parts)


def _why_final(claim: str, audited_claims: set[str], audited_runs: set[str], run: str) -> str:
    """Why a seed's verdict on a claim comes from its final checkpoint only (computed, not a fixed string)."""
    from .registry import whole_run
    if claim in whole_run():
        return "a claim about the whole run: judged once, on its final checkpoint"
    if claim not in audited_claims:
        return "the committed late audits predate this claim"
    if run not in audited_runs:
        return "this seed is not in its family's committed late audit"
    return "no late checkpoint of this seed decided it"


def final_records(results: dict) -> tuple[list[dict], dict]:
    """Records, shaped like seeds.collect's, for what the late audits do not hold: each converged seed's final
    checkpoint (its run at the paper's length) on the (claim, reading) pairs it has no late record of, and each
    cohort claim's result (one record per cohort). Returns (records, {"final": {(claim, run): why},
    "not_judged": [converged seed runs with no result in this run and no audit]})."""
    la = results.get("late_audit") or {}
    meta = results.get("claims_meta", {})
    late = {(r["claim"], r["reading"], r["run"]) for r in la.get("records", [])}
    audited_claims = {r["claim"] for r in la.get("records", [])}
    audited_runs = {r["run"] for r in la.get("records", [])}
    stand = {r["name"]: r for r in la.get("seed_runs", []) if r.get("converged") and not r.get("short")}
    known = set(la.get("runs", []))
    out, why, judged = [], {}, set()
    for r in results.get("claims", []):
        if r.get("role") != "trained" or "@" in r["checkpoint"]:
            continue
        claim, reading, name = r["claim"], r.get("reading", "strict"), r["checkpoint"]
        m = meta.get(claim, {})
        if name in stand:
            judged.add(name)
            if (claim, reading, name) in late:
                continue
            hmm = stand[name]["hmm"]
            why[(claim, name)] = _why_final(claim, audited_claims, audited_runs, name)
        elif m.get("across") and name not in known:
            hmm = "cohort"
            why[(claim, name)] = "decided across runs: one verdict per cohort"
        else:
            continue
        names = {t["statistic"] for t in seeds._thresholds(meta, claim, reading)}
        stats = {k: v for k, v in (r.get("statistics") or {}).items() if k in names}
        out.append({"hmm": hmm, "run": name, "claim": claim, "reading": reading, "basis": "final",
                    "checkpoints": [{"epoch": -1, "verdict": r.get("verdict"), "rows": r.get("rows") or {},
                                     "stats": stats}]})
    not_judged = sorted(n for n in stand if n not in judged and n not in audited_runs)
    return out, {"final": why, "not_judged": not_judged}


def _needs(rows: list[dict]) -> str:
    """What an undecided row is missing: the distinct one-line reasons of its trained results' ERRORs."""
    reasons = dict.fromkeys((r.get("reason") or "").strip() for r in rows
                            if r.get("role") == "trained" and r.get("verdict") == "error")
    reasons = [x for x in reasons if x]
    if not reasons:
        return "no trained network of this run decides it"
    return "; ".join(x if len(x) <= 300 else x[:297] + "..." for x in reasons[:3]) + \
        (f" (+{len(reasons) - 3} more)" if len(reasons) > 3 else "")


def category(conclusion: str) -> str:
    """The head of a graded conclusion: replicates, partly, weaker, absent."""
    if conclusion.startswith("replicates"):
        return "replicates"
    if conclusion.startswith("partly"):
        return "partly"
    if "weaker than stated" in conclusion:
        return "weaker"
    return "absent"


CATEGORY_WORDS = {"replicates": "replicates", "partly": "partly replicates", "weaker": "effect weaker than stated",
                  "absent": "does not replicate"}


def family_text(e: dict) -> str:
    """The conclusion of a decided entry: pooled where the families agree, else per group of families with
    the same conclusion ("replicates in linear:2, linear:3 (8/8); does not replicate in fully:3 (0/3)")."""
    if not e["split"]:
        return e["conclusion"]
    groups: dict[str, list[str]] = {}
    for hmm, g in e["family_grades"].items():
        groups.setdefault(category(g["conclusion"]), []).append(hmm)
    parts = []
    for cat in ("replicates", "partly", "weaker", "absent"):
        fams = groups.get(cat)
        if fams:
            k = sum(e["family_grades"][h]["k"] for h in fams)
            n = sum(e["family_grades"][h]["n"] for h in fams)
            parts.append(f"{CATEGORY_WORDS[cat]} in {', '.join(fams)} ({k}/{n})")
    return "; ".join(parts) + f" (families differ: exact test p = {e['split_p']:.2g})"


def _fragility_text(frag: dict) -> str:
    if frag["fragile"]:
        return "fragile: " + "; ".join(f"{c} changes {', '.join(runs)}" for c, runs in frag["changed"].items())
    if frag["harness_cuts"]:
        return "robust: moving each harness cut 25% toward its nearer bound or control changes no seed"
    if frag.get("fixed"):
        return "harness cuts that cannot move: " + "; ".join(frag["fixed"])
    return "the paper's cuts only" if frag.get("paper_cuts") else "-"


def _undecided_and_reported(results: dict, done: set, by: dict) -> list[dict]:
    """Entries for the (claim, row, reading) no record decides: undecided (with what is missing) or reported."""
    out = []
    for cid, meta in results.get("claims_meta", {}).items():
        for reading, rd in (meta.get("readings") or {}).items():
            for row in rd.get("covers", []):
                if (cid, row, reading) not in done:
                    out.append({"claim": cid, "row": row, "reading": reading, "evidence": "undecided",
                                "evidence_why": _needs(by.get((cid, reading), []))})
            for row in rd.get("reports", []):
                if (cid, row, reading) not in done and row not in rd.get("covers", []):
                    out.append({"claim": cid, "row": row, "reading": reading, "evidence": "reported",
                                "evidence_why": "no threshold: numbers reported, nothing decided"})
    return out


def _same_verdicts(a: dict, b: dict) -> bool:
    """Both readings of a row hold or fail on the very same seeds (and the tuning seed)."""
    def holds(e):
        return {s["run"]: s["holds"] for s in e.get("seeds", []) + e.get("tuning", [])}
    return a.get("evidence") == b.get("evidence") and holds(a) == holds(b) and bool(holds(a))


def seed_summary(results: dict) -> dict:
    """Every (claim, inventory row, reading): its evidence class (hmmrnn.evidence) and, for decided rows only,
    the graded conclusion over the held-out seeds (each judged on its late checkpoints where the committed
    audits hold them, else on its final checkpoint, with the reason), per family where the families differ,
    the tuning seed apart; the final-checkpoint counts beside, the controls rejected by a number (ERRORs apart),
    fragility within the natural bounds, and whose fault. Also the answer paragraph and the decided table
    (answer())."""
    la = results["late_audit"]
    meta = results.get("claims_meta", {})
    extra, basis = final_records(results)
    noise = precision.noise_from_lines((la.get("reliability") or {}).get("lines", []))
    seeds.mark_near_cut(la["records"] + extra, meta, noise)
    entries = seeds.row_summary(la["records"] + extra, meta, _control_rows(results))
    ok, why = converged(results)
    by: dict[tuple[str, str], list[dict]] = {}
    for r in results.get("claims", []):
        by.setdefault((r["claim"], r.get("reading", "strict")), []).append(r)
    finals = {(r["claim"], r["run"]) for r in extra}
    for e in entries:
        e["final_only"] = sorted({basis["final"][(e["claim"], s["run"])] for s in e["seeds"] + e["tuning"]
                                  if (e["claim"], s["run"]) in finals})
    for e in entries:  # a claim over every group, decided before the missing groups exist: say so
        for r in by.get((e["claim"], e["reading"]), []):
            st = r.get("statistics") or {}
            if r.get("role") == "trained" and st.get("groups_missing") and e.get("evidence") == "decided":
                e["evidence_why"] += (f"; decided without {', '.join(st['groups_missing'])}: "
                                      f"{', '.join(st.get('groups_failing', []))} already fail(s) it, which no "
                                      "further group can change")
    done = {(e["claim"], e["row"], e["reading"]) for e in entries}
    entries += _undecided_and_reported(results, done, by)
    order = {cid: i for i, cid in enumerate(meta)}
    entries.sort(key=lambda e: (order.get(e["claim"], 99), row_order(e["row"]), e["reading"] != "paper"))
    lines = []  # one dict per line: the CSV's columns, and what only the table shows ("cls", "_" keys)
    for e in entries:
        rows = by.get((e["claim"], e["reading"]), [])
        kc, nc, failing = _count(rows, e["row"], ok)
        ka, na, _ = _count(rows, e["row"], None)
        graded = e["evidence"] == "decided"
        if "seeds" in e:
            lo, hi = e["interval"]
            line = family_text(e) if graded else f"not graded ({e['evidence']}: {e['evidence_why']})"
            old = e.get("superseded")
            if old and graded:  # a post-hoc cut: the old cut's count stays beside the new one
                line += f"; under the cut it replaced ({', '.join(old['cuts'])}): {old['k']}/{old['n']} seeds hold"
            tun = "; ".join(f"{s['run']} {'holds' if s['holds'] else 'does not hold'} ({s['k']}/{s['n']})"
                            for s in e["tuning"])
            extra_cols = {"seeds_hold": e["k"], "seeds": e["n"], "wilson_lo": round(lo, 3), "wilson_hi": round(hi, 3),
                          "per_family": ", ".join(f"{h} {k}/{n}" for h, (k, n) in sorted(e["families"].items())),
                          "tuning_seed": tun,
                          "controls_rejected": e["controls"].text(),
                          "separation": ", ".join(f"{c}: {v[0]} by {v[1]:.3g}" if v else f"{c}: none"
                                                  for c, v in e["separation"]["by"].items()),
                          "fragile": e["fragility"]["fragile"] if graded else "",
                          "fragility": _fragility_text(e["fragility"]) if graded else "",
                          "final_only": "; ".join(e["final_only"]),
                          "near_cut_changes": "; ".join(e.get("near_changed", []))}
        else:
            line = f"not graded ({e['evidence']}: {e['evidence_why']})"
            extra_cols = {"seeds_hold": "", "seeds": "", "wilson_lo": "", "wilson_hi": "", "per_family": "",
                          "tuning_seed": "", "controls_rejected": "", "separation": "", "fragile": "",
                          "fragility": "", "final_only": "", "near_cut_changes": ""}
        e["line"] = line
        lines.append({"claim": e["claim"], "row": e["row"], "reading": e["reading"], "evidence": e["evidence"],
                      "evidence_why": e["evidence_why"], **extra_cols,
                      "final_converged": f"{kc}/{nc}", "final_all": f"{ka}/{na}", "_fc": _frac(kc, nc),
                      "_fa": _frac(ka, na), "conclusion": line if graded else "", "_line": line,
                      "fault": _fault_of(e, failing) if graded else "",
                      "cls": ("pass" if e["conclusion"] == "replicates" and not e["split"] else "error"
                              if category(e["conclusion"]) in ("partly", "weaker") or e["split"] else "fail")
                      if graded else ""})
    body = [[(x["claim"], "", ""), (x["row"], "", _sentence(x["row"])), (x["reading"], "", ""),
             (x["evidence"], "", x["evidence_why"] if x["evidence"] == "decided" else ""),
             (x["per_family"] or "-", "", x["tuning_seed"] and f"tuning seed, not counted: {x['tuning_seed']}"),
             (f"{x['seeds_hold']}/{x['seeds']} [{x['wilson_lo']:.2f}, {x['wilson_hi']:.2f}]" if x["seeds"] else "-",
              "", x["final_only"] and f"final checkpoint only: {x['final_only']}"),
             (x["_fc"], "", f"all trained: {x['_fa']}"), (x["controls_rejected"] or "-", "", x["separation"]),
             (x["_line"], x["cls"], x["fault"]), (x["fragility"] or "-", "fail" if x["fragile"] is True else "", "")]
            for x in lines]
    csv = [{"claim": x["claim"], "row": x["row"], "sentence": _sentence(x["row"]),
            **{k: v for k, v in x.items() if k not in ("claim", "row", "cls") and not k.startswith("_")}} for x in lines]
    fams = la.get("families", {})
    notes = [f"Late audit of {h}: seeds {', '.join(m.get('seeds', []))}; every {m.get('late_every')} epochs over the "
             f"last {m.get('late')}" + "".join(f" ({r}: every {k}, a first pass)" for r, k in (m.get("thinned") or {}).items())
             + f"; claims seed {m.get('claims_seed')}; code {m.get('code')}; `{m.get('command')}`"
             for h, m in sorted(fams.items())]
    for h, f in sorted((la.get("freshness") or {}).items()):
        notes.append(f"{h}: " + (f"STALE, {len(f['diffs'])} committed rows differ from this run's" if f["diffs"] else
                                 f"{f['compared']} committed rows recomputed by this run on {', '.join(f['sample'])}: equal"
                                 if f["compared"] else "no committed row recomputed by this run"))
    notes += [f"audit file not read: {e}" for e in la.get("errors", [])]
    ca = la.get("controls_audit") or {}
    if ca:
        notes.append(f"Controls judged outside CI (every family's own): {', '.join(ca.get('controls', []))}; claims "
                     f"seed {ca.get('claims_seed')}; code {ca.get('code')}; `{ca.get('command')}` (not recomputed "
                     "by this run)")
    changed = [f"{e['claim']} {e['row']} {e['reading']}: {', '.join(e['near_changed'])}"
               for e in entries if e.get("near_changed")]
    notes.append(f"Near the cut (a statistic within {seeds.NEAR:g} standard errors of the rollout's draws of its cut, "
                 "scripts/reliability.py) a late checkpoint is undecided for its seed: "
                 + (f"{len(changed)} (row, reading) pairs change a seed's hold: " + "; ".join(changed)
                    if changed else "no seed's hold changes" if noise else "no draw spread measured yet"))
    if basis["not_judged"]:
        notes.append("Converged seeds at the paper's length judged nowhere (no committed audit, not a fixture of "
                     f"this run): {', '.join(basis['not_judged'])}")
    notes.append(f"Final checkpoints, converged (training.convergence, the loss rule): {len(ok)}" +
                 (f": {', '.join(sorted(ok))}" if ok else ""))
    notes += [f"not converged: {n} ({w})" for n, w in sorted(why.items())]
    intro = ("Every (row, reading) with its evidence class, computed from the results (decided, by construction, "
             "indistinguishable, undecided, reported); only decided rows are graded. The unit is the seed: each "
             "held-out seed is judged on its late evolution checkpoints (every 20 epochs over its last 180) where "
             "the committed audits hold them, else on its final checkpoint (the reason in small text), and holds a "
             "row when at least half of its decided checkpoints pass (fixed before any audit ran). The tuning seed "
             f"({evidence.TUNING_SEED}, on which the harness's own cuts were fixed) is shown, never counted. "
             "Conclusions are per family where the families' counts differ (exact test, p < 0.05). Controls: "
             "rejected by a number / required, ERRORs apart, identical controls once. Fragile: moving one of the "
             "harness's own cuts 25% of the way to its nearer natural bound or control value changes whether some "
             "seed holds. Final-checkpoint counts (converged; in small text: all trained) stay beside.")
    head = ["claim", "row", "reading", "evidence", "seeds holding, per family", "seeds holding (95%)",
            "final checkpoints", "controls rejected", "conclusion", "fragility"]
    return {"intro": intro, "head": head, "body": body, "notes": notes, "csv": csv, "entries": entries,
            "answer": answer([e for e in entries]), "basis": basis,
            "universality": universality_table(la["records"] + extra, la.get("cells") or {},
                                               [r for rows in _control_rows(results).values() for r in rows])}


def universality_table(relu_records: list[dict], cells: dict, relu_controls: list[dict] = ()) -> dict:
    """The universality table: the held-out bias-free ReLU seeds of linear:2 (the campaign's target) beside the
    campaign's converged runs of the other cells (hmmrnn.universality), with every campaign run's status; each
    cell graded against its own controls (the ReLU's: linear:2's, from relu_controls; another cell's: its runs')."""
    from . import universality
    relu = [r for r in relu_records if r["hmm"] == "linear:2" and not evidence.is_tuning(r["run"])]
    by_cell: dict[str, list[dict]] = {"relu": relu}
    for r in cells.get("records", []):
        by_cell.setdefault(r["hmm"], []).append(r)
    controls: dict[str, list[dict]] = {"relu": [r for r in relu_controls if r.get("family") == "linear:2"]}
    for r in cells.get("controls", []):
        controls.setdefault(r.get("cell", ""), []).append(r)
    status: dict[str, list[str]] = {}
    for name, st in sorted((cells.get("runs") or {}).items()):
        status.setdefault(st["cell"], []).append(f"{name} {st['status']}")
    return universality.table(by_cell, central(), status, controls)


# ---- the answer first ----------------------------------------------------------------------------------------

def central() -> tuple[tuple[str, object], ...]:
    """The paper's central claims (its abstract's mechanism, in its order): (name, Claim) of every claim whose
    module names it central (Claim.central)."""
    from .registry import all_claims
    return tuple((c.central, c) for c in all_claims() if c.central)


READING_NAMES = {"paper": "paper", "strict": "harness"}  # strict: the harness's own test, not always stricter


def _merged(entries: list[dict]) -> list[dict]:
    """Decided entries, the two readings of a row as one line ("both") where they hold on the same seeds."""
    out, seen = [], set()
    by = {(e["claim"], e["row"], e["reading"]): e for e in entries}
    for e in entries:
        key = (e["claim"], e["row"])
        if key in seen:
            continue
        seen.add(key)
        pair = [by.get((*key, r)) for r in ("paper", "strict")]
        pair = [p for p in pair if p is not None and p["evidence"] == "decided"]
        if len(pair) == 2 and _same_verdicts(*pair):
            out.append({**pair[0], "reading": "both"})
        else:
            out += pair
    return out


def _short(e: dict) -> str:
    """A decided entry in a few words: 'P16 paper: linear:2, linear:3 only' / 'P46 harness: 3/16 seeds'."""
    head = f"{e['row']} {READING_NAMES.get(e['reading'], e['reading'])}"
    if e["split"]:
        good = [h for h, g in e["family_grades"].items() if category(g["conclusion"]) == "replicates"]
        return f"{head}: in {', '.join(good)} only" if good else f"{head}: differs by family, in none fully"
    cat = category(e["conclusion"])
    return head if cat == "replicates" else f"{head}: {e['k']}/{e['n']} seeds"


def _claim_status(es: list[dict]) -> tuple[str, str]:
    """(category, detail) of one central claim over its rows and readings: replicates (every decided row in every
    family), families (some row replicates in some families only), partly (some seeds hold some row), absent
    (no decided row holds), none (no decided row at all: its classes)."""
    decided = _merged([e for e in es if e["evidence"] == "decided"])
    if not decided:
        return "none", ", ".join(sorted({e["evidence"] for e in es}))
    cats = {("families" if e["split"] else category(e["conclusion"])) for e in decided}
    detail = "; ".join(_short(e) for e in decided)
    if cats == {"replicates"}:
        return "replicates", detail
    if "families" in cats:
        return "families", detail
    if cats & {"replicates", "partly"}:
        return "partly", detail
    return "absent", detail


def answer(entries: list[dict]) -> dict:
    """The answer first: one generated paragraph (which central claims replicate, which do not, which cannot be
    decided here and why), the decided rows as one table (one line per row and reading, both readings on one
    line where they hold on the same seeds), and the other rows by evidence class with their reasons."""
    by_claim: dict[str, list[dict]] = {}
    for e in entries:
        by_claim.setdefault(e["claim"], []).append(e)
    seeds_seen = {(s["hmm"], s["run"]) for e in entries for s in e.get("seeds", []) if s["hmm"] != "cohort"}
    fams = sorted({h for h, _ in seeds_seen})
    named = central()
    status = {c.id: _claim_status(by_claim.get(c.id, [])) for _, c in named}
    groups: dict[str, list[str]] = {}
    for name, c in named:
        cat, detail = status[c.id]
        groups.setdefault(cat, []).append(f"{name} ({detail})")
    undecided = [e for e in entries if e["evidence"] == "undecided"]
    noisy = sorted({e["row"] for e in undecided if e["evidence_why"].startswith("too noisy")}, key=row_order)
    und_rows = sorted({e["row"] for e in undecided if not e["evidence_why"].startswith("too noisy")}, key=row_order)
    words = {"replicates": "replicate in every family", "families": "replicate in some families and not others",
             "partly": "replicate on some seeds only", "absent": "do not replicate as stated",
             "none": "give no evidence either way here (their statistics cannot tell trained networks from "
                     "controls, or hold for every network)"}
    parts = [f"{words[c]}: " + "; ".join(groups[c]) for c in ("replicates", "families", "partly", "absent", "none")
             if groups.get(c)]
    n_dec = len([e for e in entries if e["evidence"] == "decided"])
    pairs: dict[str, dict] = {}
    for e in entries:
        if e["evidence"] == "decided":
            pairs.setdefault(e["row"], {})[e["reading"]] = e["k"]
    looser = sorted((r for r, p in pairs.items() if p.get("strict", -1) > p.get("paper", 10**9)), key=row_order)
    counts = {c: sum(e["evidence"] == c for e in entries) for c in evidence.CLASSES}
    para = (f"Over {len(seeds_seen)} held-out seeds in {len(fams)} families ({', '.join(fams)}; the tuning seed "
            f"{evidence.TUNING_SEED} shown apart), of the paper's {len(named)} central claims, those that "
            + "; those that ".join(parts) + ". "
            f"Of {len(entries)} (row, reading) pairs, {n_dec} are decided and graded; {counts['by construction']} "
            f"hold or fail by construction, {counts['indistinguishable']} cannot be told from a control, "
            f"{counts['reported']} are reported without a threshold, and {counts['undecided']} cannot be decided "
            f"here: the networks they need do not exist ({', '.join(und_rows) or 'none'}; each with what it needs "
            "below)" + (f", or every late checkpoint lies within two standard errors of the rollout's draws of a cut "
                        f"({', '.join(noisy)})" if noisy else "") + ". The readings: paper is the authors' statistic and protocol; harness (test ids: strict) "
            "is this project's quantitative test" + (f", not always the stricter one: it holds more seeds than the "
                                                      f"paper reading on {', '.join(looser)}." if looser else "."))
    table = []
    for e in _merged([e for e in entries if e["evidence"] == "decided"]):
        text = _sentence(e["row"])
        table.append({"row": e["row"], "sentence": text if len(text) <= 60 else text[:57] + "...",
                      "reading": READING_NAMES.get(e["reading"], e["reading"]),
                      "per_family": ", ".join(f"{h} {k}/{n}" for h, (k, n) in sorted(e["families"].items())),
                      "conclusion": family_text(e) if e["split"] else e["conclusion"],
                      "category": "families" if e["split"] else category(e["conclusion"]),
                      "families": e["family_grades"], "claim": e["claim"]})
    others = {c: [e for e in entries if e["evidence"] == c] for c in evidence.CLASSES if c != "decided"}
    return {"paragraph": para, "table": table, "others": others, "status": status}


# ---- how precise is each statistic ----------------------------------------------------------------------------

def reliability_table(rel: dict) -> dict | None:
    """The committed test-retest table (scripts/reliability.py) for the report: counts, and one line per
    thresholded statistic whose spread from the draws or from checkpoint to checkpoint reaches its margin (twice
    the spread at least the distance of the nearest seed's median from the cut). None when absent."""
    lines = rel.get("lines") or []
    if not lines:
        return None

    def f(v):
        return "-" if v is None else f"{v:.3g}"
    noisy = [x for x in lines if x.get("draws_reach_margin") or x.get("checkpoints_reach_margin")]
    body = [[(x["claim"], "", ", ".join(x.get("rows", []))), (x["reading"], "", ""),
             (f"{x['statistic']} {x['op']} {x['cut']:g}", "", ""), (f(x["median"]), "", f"{x['seeds']} seeds"),
             (f(x["margin"]), "", ""), (f(x["draw_sd"]), "fail" if x.get("draws_reach_margin") else "", ""),
             (f(x["checkpoint_sd"]), "fail" if x.get("checkpoints_reach_margin") else "", ""), (f(x["seed_sd"]), "", ""),
             (f(x["control_closest"]), "", "")] for x in noisy]
    n_draw = sum(bool(x.get("draws_reach_margin")) for x in lines)
    n_ckpt = sum(bool(x.get("checkpoints_reach_margin")) for x in lines)
    measured = sum(x.get("draw_sd") is not None for x in lines)
    sample = rel.get("sample") or {}
    intro = (f"Test-retest spread of the {len(lines)} thresholded statistics, in their own units (`{rel.get('command')}`, "
             f"{rel.get('finished')}): draws = the sd of one checkpoint's value under claims seeds "
             f"{', '.join(map(str, sorted({s for v in sample.values() for s in v})))} and {rel.get('default_seed')} "
             f"(checkpoints: {', '.join(sorted(sample)) or 'none yet'}; the largest over them; measured for {measured}); "
             "checkpoints = the median over seeds of the sd over its late checkpoints; seeds = the sd of the seeds' "
             "median late values; margin = the nearest seed median's distance from the cut. A spread reaches the "
             f"margin when twice it is at least the margin: the draws alone for {n_draw}, checkpoint to checkpoint "
             f"for {n_ckpt}; those are listed.")
    head = ["claim", "reading", "statistic and cut", "median", "margin", "draws sd", "checkpoints sd", "seeds sd",
            "closest control"]
    return {"intro": intro, "head": head, "body": body, "lines": lines}
