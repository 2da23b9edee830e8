"""Claims report: results.json, claims.md and one self-contained claims.html from a results dict.

The report is built once as a list of plain blocks (heading, paragraph, list, table, figure) and rendered
twice, to Markdown and to HTML, so both files carry the same content and the same numbers that the claim
assertions used. Markdown links the figures under ``figures/``; HTML embeds them as base64 data URIs, with
inline CSS and no scripts or external links, so the single file can be mailed or archived on its own.
"""
from __future__ import annotations

import base64
import fcntl
import html
import io
import json
import math
import mimetypes
import statistics as st
from pathlib import Path

from .checkpoint import atomic_write_bytes
from .seeds import cut_origin

CONTROL_ORDER = ("untrained", "pre-bifurcation", "line-attractor", "shuffled", "wrong-hmm")
LOUD = "loud"  # cell class for a harness defect (a control that was not rejected)


# ---------------------------------------------------------------- formatting

def _scalar(v):
    """numpy scalars and 0-d arrays to plain Python values (json and formatting both want them)."""
    if hasattr(v, "item") and getattr(v, "ndim", 0) == 0:
        return v.item()
    if hasattr(v, "tolist"):
        return v.tolist()
    return v


def _is_num(v) -> bool:
    """A plain number: int or float, not bool (bools are shown as yes/no and not averaged)."""
    v = _scalar(v)
    return isinstance(v, (int, float)) and not isinstance(v, bool)


def fmt(v, digits: int = 4) -> str:
    """Short text for a statistic: floats to `digits` significant digits, bools yes/no, lists briefly."""
    v = _scalar(v)
    if v is None:
        return "-"
    if isinstance(v, bool):
        return "yes" if v else "no"
    if isinstance(v, int):
        return str(v)
    if isinstance(v, float):
        return f"{v:.{digits}g}" if math.isfinite(v) else str(v)
    if isinstance(v, (list, tuple)):
        head = ", ".join(fmt(x, 3) for x in v[:4])
        return f"[{head}, ...] (n={len(v)})" if len(v) > 4 else f"[{head}]"
    if isinstance(v, dict):
        return "{" + ", ".join(sorted(map(str, v))[:4]) + (", ..." if len(v) > 4 else "") + "}"
    s = str(v).replace("\n", " ")
    return s if len(s) <= 80 else s[:77] + "..."


def margin(observed, op: str, value) -> float | None:
    """Observed minus threshold, signed so that a positive margin passes; None when not a number."""
    o = _scalar(observed)
    if not isinstance(o, (int, float)) or (isinstance(o, float) and math.isnan(o)):
        return None
    if op in ("<", "<="):
        return float(value - o)
    if op in (">", ">="):
        return float(o - value)
    return -abs(float(o - value))  # "==": 0 at equality, negative otherwise


def matches(row: dict) -> bool:
    """Did this result do what was expected? An error never matches, except as a control's rejection."""
    if row.get("verdict") == "error":
        return row.get("role") == "control" and row.get("expected") == "fail"
    return row.get("verdict") == row.get("expected")


def cell(text, cls: str = "", note: str = "") -> tuple[str, str, str]:
    """A table cell: text, a CSS class (pass/fail/error/loud/ok), and a small note shown after it."""
    return (str(text), cls, note)


# ---------------------------------------------------------------- table builders

def _claim_ids(results: dict) -> list[str]:
    ids = list(results.get("claims_meta", {}))
    for r in results.get("claims", []):
        if r["claim"] not in ids:
            ids.append(r["claim"])
    return ids


def _meta(results: dict, claim: str) -> dict:
    return results.get("claims_meta", {}).get(claim, {})


def _dagger(results: dict, claim: str) -> str:
    return claim + (" †" if _meta(results, claim).get("by_construction") else "")


def summary_table(results: dict):
    """Claim x trained checkpoint: verdict and the claim's key statistic (3 significant digits)."""
    rows = [r for r in results.get("claims", []) if r.get("role") == "trained"]
    cols = list(dict.fromkeys(r["checkpoint"] for r in rows))
    by = {(r["claim"], r["checkpoint"]): r for r in rows}
    body = []
    for c in _claim_ids(results):
        key = _meta(results, c).get("key", "")
        line = [cell(_dagger(results, c))]
        for ck in cols:
            r = by.get((c, ck))
            if r is None:
                line.append(cell("-"))
                continue
            v = r.get("verdict", "error")
            val = r.get("statistics", {}).get(key) if key else None
            known = " (expected: known failure)" if v == "fail" and r.get("expected") == "fail" else ""
            near = ", near the cut" if r.get("near_cut") else ""
            line.append(cell(v + known + near, v, f"{key} = {fmt(val, 3)}" if key and val is not None else ""))
        body.append(line)
    return ["claim"] + cols, body


def known_failures(results: dict) -> list[str]:
    """The manifest's recorded reasons why a trained model fails a claim (shown, never hidden)."""
    return [f"{r['claim']} on {r['checkpoint']}: {r['verdict']}; {r.get('expected_reason', '')}"
            for r in results.get("claims", []) if r.get("role") == "trained" and r.get("expected") == "fail"]


def replication_table(results: dict):
    """Trained results grouped by (claim, family): count, pass rate, mean and sd of the key statistic and
    of every thresholded one (the full set is in results.json)."""
    groups: dict[tuple, list[dict]] = {}
    for r in results.get("claims", []):
        if r.get("role") == "trained":
            groups.setdefault((r["claim"], r.get("family") or "-"), []).append(r)
    for c in {c for c, _ in groups}:  # pass rate over seeds and families together
        fams = [rs for (c2, _), rs in groups.items() if c2 == c]
        if len(fams) > 1:
            groups[(c, f"all {len(fams)} families")] = [r for rs in fams for r in rs]
    order = {c: i for i, c in enumerate(_claim_ids(results))}  # every row's claim is in it
    groups = dict(sorted(groups.items(), key=lambda kv: (order[kv[0][0]], kv[0][1].startswith("all "), kv[0][1])))
    body = []
    for (c, fam), rs in groups.items():
        n, npass = len(rs), sum(r.get("verdict") == "pass" for r in rs)
        meta = _meta(results, c)
        wanted = [meta.get("key")] + [t.get("statistic", k) for k, t in meta.get("thresholds", {}).items()]
        names = [k for k in dict.fromkeys(wanted) if k and any(_is_num(r.get("statistics", {}).get(k)) for r in rs)]
        first = [cell(_dagger(results, c)), cell(fam), cell(n),
                 cell(f"{npass}/{n} ({100 * npass / n:.0f}%)", "pass" if npass == n else "fail")]
        if not names:
            body.append(first + [cell("-"), cell("-"), cell("-"), cell("-")])
        for i, name in enumerate(names):
            vals = [float(_scalar(r["statistics"][name])) for r in rs if _is_num(r.get("statistics", {}).get(name))]
            sd = fmt(st.stdev(vals)) if len(vals) > 1 else "-"
            lo, hi = mean_ci(vals)
            ci = f"[{fmt(lo)}, {fmt(hi)}]" if len(vals) > 1 else "-"
            lead = first if i == 0 else [cell("")] * 4
            body.append(lead + [cell(name if len(vals) == n else f"{name} (n={len(vals)})"),
                                cell(fmt(st.fmean(vals))), cell(sd), cell(ci)])
    return ["claim", "family", "checkpoints", "pass rate", "statistic", "mean", "sd", "95% CI of mean"], body


def mean_ci(vals: list[float], level: float = 0.95) -> tuple[float, float]:
    """Student-t confidence interval of the mean across checkpoints (seeds); (nan, nan) below 2 values."""
    if len(vals) < 2:
        return float("nan"), float("nan")
    from scipy.stats import t
    half = t.ppf(0.5 + level / 2, len(vals) - 1) * st.stdev(vals) / math.sqrt(len(vals))
    m = st.fmean(vals)
    return m - half, m + half


def _control_status(r: dict) -> tuple[str, str, str]:
    v = r.get("verdict")
    if r.get("expected") != "fail":
        return ("-", "", v or "")
    if v == "fail":
        return ("rejected", "ok", "")
    if v == "error":
        return (f"rejected (error: {r.get('reason', '')})", "error", "")
    return ("NOT REJECTED", LOUD, "")


def controls_table(results: dict):
    """Claim x control: rejected / rejected (error) / NOT REJECTED (a harness defect) / '-' (not required)."""
    rows = [r for r in results.get("claims", []) if r.get("role") == "control"]
    seen = {r.get("control") for r in rows} | {k for c in _claim_ids(results) for k in _meta(results, c).get("controls", [])}
    cols = [k for k in CONTROL_ORDER if k in seen] + sorted(k for k in seen if k and k not in CONTROL_ORDER)
    body = []
    for c in _claim_ids(results):
        required = set(_meta(results, c).get("controls", []))
        line = [cell(_dagger(results, c))]
        for k in cols:
            rs = [r for r in rows if r["claim"] == c and r.get("control") == k]
            if not rs:
                line.append(cell("not run", LOUD) if k in required else cell("-"))
                continue
            parts = [_control_status(r) for r in rs]
            cls = LOUD if any(p[1] == LOUD for p in parts) else ("error" if any(p[1] == "error" for p in parts)
                                                                  else parts[0][1])
            if len(rs) == 1:
                line.append(cell(*parts[0]))
            else:
                line.append(cell("; ".join(f"{r['checkpoint']}: {p[0]}" + (f" ({p[2]})" if p[2] else "")
                                           for r, p in zip(rs, parts)), cls))
        body.append(line)
    return ["claim"] + cols, body


def claim_table(results: dict, claim: str):
    """Every checkpoint of one claim: each thresholded statistic beside its rule, and the signed margin."""
    rs = [r for r in results.get("claims", []) if r["claim"] == claim]
    names = list(dict.fromkeys(list(_meta(results, claim).get("thresholds", {}))
                               + [k for r in rs for k in r.get("thresholds", {})]))
    head = ["checkpoint", "role", "verdict", "expected"]
    for n in names:
        head += [n, "rule", "margin"]
    head.append("reason")
    body = []
    for r in rs:
        role = r.get("role", "")
        if role == "control":
            role = f"control: {r.get('control')}"
        v = r.get("verdict", "error")
        line = [cell(r["checkpoint"]), cell(role), cell(v, v),
                cell(r.get("expected", ""), "" if matches(r) else LOUD if role != "trained" and v == "pass"
                     else "fail")]
        ths = {**_meta(results, claim).get("thresholds", {}), **r.get("thresholds", {})}
        for n in names:
            t = ths.get(n)
            obs = r.get("statistics", {}).get(t.get("statistic", n) if t else n)
            if t is None:
                line += [cell(fmt(obs)), cell("-"), cell("-")]
                continue
            m = margin(obs, t["op"], t["value"])
            line += [cell(fmt(obs)), cell(f"{t['op']} {fmt(t['value'])}"),
                     cell("-" if m is None else f"{m:+.3g}", "" if m is None else ("pass" if m > 0 or
                          (m == 0 and t["op"] in ("<=", ">=", "==")) else "fail"))]
        line.append(cell(r.get("reason", "") if v != "pass" else ""))
        body.append(line)
    return head, body


# ---------------------------------------------------------------- document

def by_reading(results: dict) -> dict:
    """The results with each (claim, reading) as its own entry, labelled 'claim (reading)', so that every
    per-claim table below shows the two readings side by side; thresholds keyed by statistic (a second
    threshold on the same statistic by 'statistic op')."""
    def keyed(ths) -> dict:
        if isinstance(ths, dict):  # results written before readings existed
            return ths
        out = {}
        for t in ths:
            k = t["statistic"] if t["statistic"] not in out else f"{t['statistic']} {t['op']}"
            out[k] = t
        return out
    meta, rows = {}, []
    for cid, m in results.get("claims_meta", {}).items():
        for name, rd in (m.get("readings") or {"strict": m}).items():
            meta[f"{cid} ({name})"] = {**m, "statistic": rd.get("statistic", m.get("statistic")),
                                       "controls": rd.get("controls", m.get("controls", [])),
                                       "thresholds": keyed(rd.get("thresholds", {})),
                                       "notes": list(rd.get("notes", [])) or m.get("notes", []),
                                       "indistinguishable": rd.get("indistinguishable", {})}
    for r in results.get("claims", []):
        rows.append({**r, "claim": f"{r['claim']} ({r.get('reading', 'strict')})", "claim_id": r["claim"],
                     "thresholds": keyed(r.get("thresholds", {}))})
    return {**results, "claims_meta": meta, "claims": rows}


def build_blocks(results: dict, json_name: str = "results.json", summary: dict | None = None) -> list[tuple]:
    """The report as blocks: ("h", level, text), ("p", text), ("ul", [text]), ("table", head, rows), ("fig", path, caption).
    summary: the replication summary of these results, when the caller has it already."""
    from .replication import coverage_table, late_table, replication_summary
    head = summary or replication_summary(results)
    cover = coverage_table(results, head.get("entries"))
    late = late_table(results)
    results = by_reading(results)
    rows = results.get("claims", [])
    count = {k: sum(r.get("verdict") == k for r in rows) for k in ("pass", "fail", "error")}
    trained = [r for r in rows if r.get("role") == "trained"]
    controls = [r for r in rows if r.get("role") == "control"]
    b: list[tuple] = [("h", 1, "Claims report: Mechanistic Interpretability of RNNs emulating Hidden Markov Models")]
    if head.get("answer"):  # the answer first (SPEC, Report)
        b += answer_blocks(head["answer"])
    if head.get("universality"):
        u = head["universality"]
        b += [("h", 3, "Do other cells find the same mechanism? (the paper's open question)"), ("p", u["sentence"]),
              ("table", u["head"], u["body"])]
    b.append(("ul", [
        f"Seed: {results.get('seed')} (override with --claims-seed N)",
        f"Run started: {results.get('started', '-')}; hmmrnn version {results.get('hmmrnn', '-')}",
        f"Results: {len(rows)} ({count['pass']} pass, {count['fail']} fail, {count['error']} error)",
        f"Matched expectation: {sum(map(matches, rows))} of {len(rows)}; trained fixtures "
        f"{sum(map(matches, trained))} of {len(trained)}; controls {sum(map(matches, controls))} of {len(controls)}"
        f" ({sum(r.get('verdict') == 'error' and matches(r) for r in controls)} of them rejected (error))",
        f"Readings: {results.get('reading', 'all')}; mu grid of the Fig 7 sweep: {results.get('mu_grid', '-')}; "
        f"rollouts on {results.get('device', 'cpu')}",
        f"Raw numbers: {json_name}",
    ]))
    title = EVERY_ROW if head.get("answer") else ANSWER
    b += [("h", 2, title), ("p", head["intro"]), ("table", head["head"], head["body"])]
    b += [("ul", head["notes"])] if head["notes"] else []
    if late:
        b += [("h", 2, "Seeds over their late training"), ("p", late["intro"]), ("table", late["head"], late["body"])]
    from .replication import reliability_table
    rel = reliability_table((results.get("late_audit") or {}).get("reliability") or {})
    if rel:
        b += [("h", 2, PRECISION), ("p", rel["intro"]), ("table", rel["head"], rel["body"])]
    b += [("h", 2, "Coverage of the paper's testable claims (CLAIMS.md, P1-P82)"), ("p", cover["intro"]),
          ("table", cover["head"], cover["body"])]
    b += [("h", 2, "Summary"), ("p", "Verdict and key statistic (3 significant digits) per claim and trained checkpoint."),
          ("table", *summary_table(results))]
    foot = [f"† {c}: {_meta(results, c)['by_construction']}" for c in _claim_ids(results)
            if _meta(results, c).get("by_construction")]
    if foot:
        b.append(("ul", foot))
    known = known_failures(results)
    if known:
        b += [("p", "Claims that a trained fixture fails, recorded in fixtures/manifest.json with the reason "
                    "(each reason says whose fault it is as investigated: the model, the claim's scope, or "
                    "undetermined; a strict xfail, so a later pass is flagged):"),
              ("ul", known)]
    b += [("h", 2, "Replication across seeds"),
          ("p", "Trained checkpoints grouped by claim and family; mean and sample sd of the key and thresholded "
                "statistics (all statistics are in results.json)."),
          ("table", *replication_table(results))]
    b.append(("h", 2, "Controls"))
    if any(r.get("role") == "control" for r in results.get("claims", [])):
        b += [("p", "Each control must be rejected by the claims it is listed for. NOT REJECTED is a harness defect. "
                    "'-' means the control is not required to fail that claim (its verdict in small text)."),
              ("table", *controls_table(results))]
    else:
        b.append(("p", "No controls in this run. Run `pytest claims` without "
                       "--checkpoint to see every claim reject its negative controls."))
    for c in _claim_ids(results):
        m = _meta(results, c)
        b.append(("h", 2, f"{c}: {m.get('title', '')}"))
        b.append(("ul", [f"Paper: {m.get('section', '-')}", f"Statistic: {m.get('statistic', '-')}",
                         f"Controls that must fail it: {', '.join(m.get('controls', [])) or 'none'}"]
                  + [f"Cannot reject '{k}' (a finding, expected to pass): {v}"
                     for k, v in m.get("indistinguishable", {}).items()]))
        rule = [f"[{cut_origin(t)}] {t.get('statistic', n)} {t['op']} {fmt(t['value'])}" +
                (f": {t['why']}" if t.get("why") else "")
                + (f" [{', '.join(t['rows'])}]" if t.get("rows") else "") for n, t in m.get("thresholds", {}).items()]
        b += [("p", "Pass rule (all must hold; [paper]: the paper's number, [harness]: fixed here, its why after it):"),
              ("ul", rule or ["(none)"])]
        if m.get("by_construction"):
            b.append(("p", f"† By construction: {m['by_construction']}"))
        if m.get("notes"):
            b += [("p", "Notes:"), ("ul", list(m["notes"]))]
        b.append(("table", *claim_table(results, c)))
        figs = dict.fromkeys(f for r in rows if r["claim"] == c for f in r.get("figures", []))
        b += [("fig", f, Path(f).stem) for f in figs]
    errs = [f"{r['claim']}, {r['checkpoint']}: {r.get('reason', '')}" for r in rows if r.get("verdict") == "error"]
    b += [("h", 2, "Errors"), ("ul", errs) if errs else ("p", "No errors.")]
    return b


ANSWER = "Does the paper replicate?"
EVERY_ROW = "Every row and reading: evidence, seeds, controls"
PRECISION = "How precise is each statistic?"


def _figure_after(blocks: list[tuple], heading: str, path: str, caption: str) -> None:
    """Insert a figure right after the level-2 section ``heading``'s first three blocks (title, intro, table)."""
    at = next(i for i, b in enumerate(blocks) if b[:3] == ("h", 2, heading)) + 3
    blocks.insert(at, ("fig", path, caption))


def _figure_path(report_dir: Path, name: str) -> Path:
    path = report_dir / "figures" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    return path
CATEGORY_CLS = {"replicates": "pass", "partly": "error", "weaker": "error", "families": "error", "absent": "fail"}


def answer_blocks(a: dict) -> list[tuple]:
    """The report's opening: the generated paragraph, the decided rows (one line per row and reading), and the
    rows of every other evidence class with their reasons (replication.answer)."""
    rows = [[cell(t["row"]), cell(t["sentence"]), cell(t["reading"]), cell(t["per_family"]),
             cell(t["conclusion"], CATEGORY_CLS.get(t["category"], ""))] for t in a["table"]]
    out = [("h", 2, ANSWER), ("p", a["paragraph"]),
           ("table", ["row", "the paper says", "reading", "seeds holding, per family", "conclusion"], rows)]
    items = []
    for cls, es in a["others"].items():
        merged: dict[tuple, list[str]] = {}
        for e in es:
            merged.setdefault((e["row"], e["claim"], e["evidence_why"]), []).append(e["reading"])
        for (row, claim, why), readings in merged.items():
            names = "both readings" if len(readings) == 2 else " and ".join(readings) + " reading"
            items.append(f"{cls}: {row} ({claim}, {names}): {why}")
    if items:
        out += [("p", "Not graded (evidence neither way, or none here), per row:"), ("ul", items)]
    return out


def _md(text: str) -> str:
    """Markdown-safe text: '<' escaped so that '<name>' is shown, not swallowed as an HTML tag."""
    return str(text).replace("<", "\\<")


def _md_cell(c: tuple) -> str:
    text, cls, note = c
    text = f"**⚠ {text}**" if cls == LOUD else text
    s = f"{text} ({note})" if note else text
    return _md(s).replace("|", "\\|").replace("\n", " ")


def render_markdown(blocks: list[tuple]) -> str:
    """Markdown: GitHub tables, figures linked by their path relative to the report folder."""
    out = []
    for blk in blocks:
        kind = blk[0]
        if kind == "h":
            out.append("#" * blk[1] + " " + _md(blk[2]))
        elif kind == "p":
            out.append(_md(blk[1]))
        elif kind == "ul":
            out.append("\n".join(f"- {_md(x)}" for x in blk[1]))
        elif kind == "table":
            head, rows = blk[1], blk[2]
            lines = ["| " + " | ".join(h.replace("|", "\\|") for h in head) + " |",
                     "|" + "---|" * len(head)]
            lines += ["| " + " | ".join(_md_cell(c) for c in r) + " |" for r in rows]
            out.append("\n".join(lines) if rows else "(no rows)")
        elif kind == "fig":
            out.append(f"![{blk[2]}]({blk[1]})\n\n*{blk[2]}*")
    return "\n\n".join(out) + "\n"


CSS = """
body{font-family:system-ui,sans-serif;max-width:1400px;margin:1em auto;padding:0 1em;color:#222}
table{border-collapse:collapse;margin:.5em 0 1em;font-size:13px}
th,td{border:1px solid #ccc;padding:3px 6px;text-align:left;vertical-align:top}
th{background:#f0f0f0}
td.pass,td.ok{background:#e6f4e6}td.fail{background:#fbe3e3}td.error{background:#fff0d0}
td.loud{background:#c00;color:#fff;font-weight:bold}
small{color:#666}
figure{display:inline-block;margin:.5em}figure img{max-width:640px;border:1px solid #ddd}
figcaption{font-size:13px;color:#444;text-align:center}
.missing{color:#c00;font-weight:bold}
"""


HTML_FIGURE_BUDGET = 4_000_000  # bytes of embedded figures: the page stays one file under 5 MB
THUMB_WIDTH = 720  # px: embedded figures are JPEG copies at most this wide (the PNGs stay in figures/)


def _img(path: Path) -> str:
    """A data URI of the figure: a JPEG copy at most THUMB_WIDTH wide (PNG as is where Pillow cannot)."""
    try:
        from PIL import Image
        with Image.open(path) as im:
            im = im.convert("RGB")
            if im.width > THUMB_WIDTH:
                im = im.resize((THUMB_WIDTH, round(im.height * THUMB_WIDTH / im.width)), Image.LANCZOS)
            buf = io.BytesIO()
            im.save(buf, format="JPEG", quality=70, optimize=True)
        return "data:image/jpeg;base64," + base64.b64encode(buf.getvalue()).decode("ascii")
    except Exception:  # not an image Pillow reads: embed the file itself
        mime = mimetypes.guess_type(path.name)[0] or "image/png"
        return f"data:{mime};base64," + base64.b64encode(path.read_bytes()).decode("ascii")


def render_html(blocks: list[tuple], report_dir: Path) -> str:
    """One self-contained HTML page: inline CSS, every figure embedded as a base64 data URI."""
    e = html.escape
    out = ["<!DOCTYPE html>", '<html lang="en"><head><meta charset="utf-8">',
           "<title>Claims report</title>", f"<style>{CSS}</style></head><body>"]
    budget = HTML_FIGURE_BUDGET
    for blk in blocks:
        kind = blk[0]
        if kind == "h":
            out.append(f"<h{blk[1]}>{e(blk[2])}</h{blk[1]}>")
        elif kind == "p":
            out.append(f"<p>{e(blk[1])}</p>")
        elif kind == "ul":
            out.append("<ul>" + "".join(f"<li>{e(x)}</li>" for x in blk[1]) + "</ul>")
        elif kind == "table":
            head, rows = blk[1], blk[2]
            t = ["<table><tr>" + "".join(f"<th>{e(h)}</th>" for h in head) + "</tr>"]
            for r in rows:
                tds = []
                for text, cls, note in r:
                    inner = e(text) + (f" <small>{e(note)}</small>" if note else "")
                    tds.append(f'<td class="{e(cls)}">{inner}</td>' if cls else f"<td>{inner}</td>")
                t.append("<tr>" + "".join(tds) + "</tr>")
            out.append("".join(t) + "</table>" if rows else "<p>(no rows)</p>")
        elif kind == "fig":
            p = (report_dir / blk[1]).resolve()
            if p.is_file() and p.is_relative_to(report_dir.resolve()):
                uri = _img(p) if budget > 0 else ""
                if uri and len(uri) <= budget:
                    budget -= len(uri)
                    out.append(f'<figure><img src="{uri}" alt="{e(blk[2])}">'
                               f"<figcaption>{e(blk[2])}</figcaption></figure>")
                else:  # past the page's budget: named, in figures/ beside the page and linked from claims.md
                    budget = 0
                    out.append(f'<p class="more">figure {e(blk[1])} (not embedded: the page keeps under 5 MB)</p>')
            else:
                out.append(f'<p class="missing">missing figure: {e(blk[1])}</p>')
    out.append("</body></html>")
    return "\n".join(out) + "\n"


def _json_default(o):
    v = _scalar(o)
    if v is o:
        raise TypeError(f"not JSON serialisable: {type(o).__name__}")
    return v


def _late_figure(results: dict, report_dir: Path) -> Path | None:
    """Thresholded statistics against epoch over late training (issue 13), when the run has RUN@EPOCH rows."""
    from . import figures
    from .replication import late_series
    series = late_series(results)
    if not series:
        return None
    return figures.late_statistics(series, _figure_path(report_dir, "late-training-statistics.png"), "Thresholded statistics over late training (dashed: the rule)")


def _seed_figure(entries: list[dict] | None, report_dir: Path) -> Path | None:
    """The rows x seeds heat map of late pass fractions (issue 20), when the summary counts seeds."""
    from . import figures
    if not entries:
        return None
    return figures.seed_heatmap(entries, _figure_path(report_dir, "seeds-late-pass-fraction.png"), "Late pass fraction per inventory row and audited seed")


def _csv(rows: list[dict]) -> bytes:
    import csv
    import io
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=list(rows[0]))
    w.writeheader()
    w.writerows(rows)
    return buf.getvalue().encode()


def write_report(results: dict, report_dir: Path, *, json_path: Path | None = None) -> dict[str, Path]:
    """Write results.json (or json_path), claims.md and claims.html atomically, under an exclusive lock on
    REPORT_DIR/.lock so that two runs sharing a report dir never leave a mixed set (each file is renamed into
    place whole; the last run to finish wins). Returns {"json", "md", "html": path}."""
    report_dir = Path(report_dir)
    json_path = Path(json_path) if json_path is not None else report_dir / "results.json"
    try:
        json_name = str(json_path.resolve().relative_to(report_dir.resolve()))
    except ValueError:
        json_name = str(json_path)
    report_dir.mkdir(parents=True, exist_ok=True)
    with open(report_dir / ".lock", "w") as lock:  # two runs on one report dir: one writes its set at a time
        fcntl.flock(lock, fcntl.LOCK_EX)
        stale = [*json_path.parent.glob(f".{json_path.name}.*.tmp"), *report_dir.glob(".claims.md.*.tmp"),
                 *report_dir.glob(".claims.html.*.tmp")]  # left by a writer killed mid-write
        for f in stale:
            f.unlink(missing_ok=True)
        from .replication import replication_summary
        summary = replication_summary(results)  # once: the table, the heat map and the CSV read it
        blocks = build_blocks(results, json_name, summary)
        late_fig = _late_figure(results, report_dir)
        if late_fig:  # right after the late-training table
            _figure_after(blocks, "Seeds over their late training", str(late_fig), "claim statistics against epoch")
        seed_fig = _seed_figure([e for e in summary.get("entries") or [] if "seeds" in e], report_dir)
        if seed_fig:  # right after the table of every row
            _figure_after(blocks, EVERY_ROW if summary.get("answer") else ANSWER,
                          str(seed_fig.relative_to(report_dir)), "late pass fraction per row and seed")
        from . import figures
        rel = ((results.get("late_audit") or {}).get("reliability") or {}).get("lines")
        if rel:  # after the precision table
            fig = figures.precision(rel, _figure_path(report_dir, "statistic-precision.png"))
            _figure_after(blocks, PRECISION, str(fig.relative_to(report_dir)), "spread against margin per statistic")
        if summary.get("answer") and summary["answer"]["table"]:  # beside the decided table
            fig = figures.decided_families(summary["answer"]["table"],
                                           _figure_path(report_dir, "decided-rows-by-family.png"))
            _figure_after(blocks, ANSWER, str(fig.relative_to(report_dir)), "decided rows x families, by conclusion")
        md, page = report_dir / "claims.md", report_dir / "claims.html"
        # everything is rendered before the first file is replaced: a run that dies while building its report
        # leaves the previous one whole
        out = {json_path: (json.dumps(results, indent=1, default=_json_default) + "\n").encode(),
               md: render_markdown(blocks).encode("utf-8"), page: render_html(blocks, report_dir).encode("utf-8")}
        csv_rows = summary.get("csv")
        if csv_rows:  # the replication summary for a spreadsheet
            out[report_dir / "replication.csv"] = _csv(csv_rows)
        for path, data in out.items():
            atomic_write_bytes(path, data)
    return {"json": json_path, "md": md, "html": page}
