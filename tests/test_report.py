"""The claims report: files written atomically, tables present, HTML self-contained with images that decode."""
from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

import pytest

from hmmrnn.report import margin, write_report

CHROMIUM = Path("/usr/bin/chromium")


def _png(path: Path) -> None:
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    path.parent.mkdir(parents=True, exist_ok=True)
    fig, ax = plt.subplots(figsize=(1, 1), dpi=40)
    ax.plot([0, 1], [0, 1])
    fig.savefig(path)
    plt.close(fig)


def _row(claim, ck, role, verdict, expected, stats, control=None, reason="", figures=(), seed_of_model=0):
    return {"claim": claim, "checkpoint": ck, "path": f"fixtures/{ck}.pt", "sha256": "ab" * 32, "role": role,
            "control": control, "family": "linear:2", "seed_of_model": seed_of_model, "verdict": verdict,
            "expected": expected, "statistics": stats, "thresholds": {}, "failed": [] if verdict == "pass" else
            ["x"], "reason": reason, "seed": 20251025, "seconds": 0.1, "figures": list(figures)}


def _results() -> dict:
    th_fp = {"residual": {"op": "<", "value": 1e-3, "why": "SPEC <fixed point> tolerance"}}
    th_orb = {"radius": {"op": ">", "value": 0.1, "why": "orbit must be visible"}}
    meta = {
        "fixed-point.single": {"title": "A single fixed point", "section": "4.1, Fig 3B", "statistic": "residual",
                               "by_construction": "bias-free ReLU: h=0 is always a fixed point",
                               "controls": ["line-attractor"], "key": "residual", "thresholds": th_fp,
                               "notes": ["a <note> & more"]},
        "orbit.radius": {"title": "Orbit radius grows", "section": "4.2", "statistic": "radius",
                         "by_construction": "", "controls": ["untrained", "line-attractor"], "key": "radius",
                         "thresholds": th_orb, "notes": []},
    }
    rows = [
        _row("fixed-point.single", "linear2-seed0", "trained", "pass", "pass",
             {"residual": 1.234567e-5, "converged": True, "eig": [0.5, 0.25]}, figures=["figures/orbit_pca.png"]),
        _row("fixed-point.single", "linear2-seed1", "trained", "pass", "pass",
             {"residual": 3.0e-5, "converged": True, "eig": [0.4]}, seed_of_model=1,
             figures=["figures/orbit_pca.png"]),
        _row("orbit.radius", "linear2-seed0", "trained", "pass", "pass", {"radius": 0.8}),
        _row("orbit.radius", "linear2-seed1", "trained", "fail", "pass", {"radius": 0.05},
             reason="radius 0.05 <= 0.1", seed_of_model=1),
        # control rejected by error, and a control that slipped through (harness defect)
        _row("fixed-point.single", "line-attractor", "control", "error", "fail", {}, control="line-attractor",
             reason="solver diverged <boom>"),
        _row("orbit.radius", "line-attractor", "control", "pass", "fail", {"radius": 0.5}, control="line-attractor"),
        _row("orbit.radius", "untrained", "control", "fail", "fail", {"radius": 0.0}, control="untrained"),
    ]
    rows[0]["thresholds"] = th_fp
    return {"seed": 20251025, "started": "2026-11-23T13:00:00Z", "hmmrnn": "0.1.0", "claims_meta": meta,
            "claims": rows}


@pytest.fixture
def report(tmp_path):
    _png(tmp_path / "figures" / "orbit_pca.png")
    res = _results()
    return res, write_report(res, tmp_path), tmp_path


def test_margin_sign():
    assert margin(1e-4, "<", 1e-3) > 0 and margin(1e-2, "<", 1e-3) < 0
    assert margin(0.5, ">", 0.1) > 0 and margin(0.05, ">=", 0.1) < 0
    assert margin(None, "<", 1) is None and margin(float("nan"), "<", 1) is None


def test_write_report(report):
    res, out, d = report
    assert set(out) == {"json", "md", "html"} and all(p.is_file() for p in out.values())
    assert out["json"] == d / "results.json" and json.loads(out["json"].read_text()) == res
    assert not list(d.glob(".*.tmp"))  # atomic writes leave no temporaries behind
    md = out["md"].read_text()
    for heading in ("## Summary", "## Replication across seeds", "## Controls", "## Errors",
                    "## fixed-point.single (strict): A single fixed point", "## orbit.radius (strict): Orbit radius grows",
                        "## Does the paper replicate?", "## Coverage of the paper"):
        assert heading in md
    assert "| claim | linear2-seed0 | linear2-seed1 |" in md  # summary columns = trained checkpoints
    assert "pass (residual = 1.23e-05)" in md  # key statistic at 3 significant digits
    assert "fixed-point.single (strict) †" in md and "† fixed-point.single (strict): bias-free ReLU" in md
    assert "| claim | family | checkpoints | pass rate | statistic | mean | sd |" in md
    assert "1/2 (50%)" in md and "2/2 (100%)" in md
    assert "| claim | untrained | line-attractor |" in md  # controls in canonical order
    assert "rejected (error: solver diverged \\<boom>)" in md
    assert "| residual | rule | margin |" in md and "< 0.001" in md and "+0.000988" in md
    assert "![orbit_pca](figures/orbit_pca.png)" in md and md.count("](figures/orbit_pca.png)") == 1
    assert "- fixed-point.single (strict), line-attractor: solver diverged \\<boom>" in md
    assert "| orbit.radius (strict) | rejected | **⚠ NOT REJECTED** |" in md
    assert "| fixed-point.single (strict) † | - |" in md  # untrained is not required to fail that claim
    assert "--claims-seed N" in md and "20251025" in md
    assert "Matched expectation: 5 of 7" in md  # one trained fail, one control not rejected
    page = out["html"].read_text()
    assert page.count('src="data:image/jpeg;base64,') == 1  # a JPEG copy; the PNG stays in figures/
    assert 'src="figures/' not in page and "http" not in page and "<script" not in page
    assert "&lt;boom&gt;" in page and "<boom>" not in page and "&lt;note&gt; &amp; more" in page
    assert '<td class="loud">NOT REJECTED</td>' in page


def test_json_path_override(tmp_path):
    out = write_report(_results(), tmp_path / "r", json_path=tmp_path / "elsewhere.json")
    assert out["json"] == tmp_path / "elsewhere.json" and out["json"].is_file()
    assert not (tmp_path / "r" / "results.json").exists()
    assert "missing figure: figures/orbit_pca.png" in out["html"].read_text()


def _chromium(tmp_path: Path, *args: str) -> subprocess.CompletedProcess:
    prof = tmp_path / f"profile{len(list(tmp_path.glob('profile*')))}"
    cmd = [str(CHROMIUM), "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
           "--disable-background-networking", "--disable-component-update", "--disable-sync",
           "--disable-dev-shm-usage", f"--user-data-dir={prof}", *args]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=60)


@pytest.mark.skipif(not CHROMIUM.exists(), reason="/usr/bin/chromium absent: cannot render the HTML report")
def test_html_renders_in_chromium(report):
    _, out, d = report
    shot = d / "shot.png"
    _chromium(d, f"--screenshot={shot}", "--window-size=1200,2000", out["html"].as_uri())
    assert shot.is_file() and shot.stat().st_size > 10_000
    # the report carries no script; a test-only page holds copies of its images and reports how they decoded
    srcs = re.findall(r'<img src="(data:image/[a-z]+;base64,[A-Za-z0-9+/=]+)"', out["html"].read_text())
    assert srcs
    imgs = "".join(f'<img id="i{k}" src="{s}">' for k, s in enumerate(srcs))
    probe = d / "probe.html"
    probe.write_text(f"<!DOCTYPE html><html><head><title>x</title></head><body>{imgs}<script>"
                     "window.onload=()=>{document.title='W:'+[...document.images].map(i=>i.naturalWidth).join(',')}"
                     "</script></body></html>")
    dom = _chromium(d, "--dump-dom", "--virtual-time-budget=3000", probe.as_uri()).stdout
    m = re.search(r"<title>W:([0-9,]+)</title>", dom)
    assert m, dom[:500]
    widths = [int(w) for w in m.group(1).split(",")]
    assert len(widths) == len(srcs) and all(w > 0 for w in widths)
    # the top of the page (what a reader sees first) is the replication summary
    top = d / "top.png"
    _chromium(d, f"--screenshot={top}", "--window-size=1200,900", out["html"].as_uri())
    assert top.is_file() and top.stat().st_size > 10_000
    page = _chromium(d, "--dump-dom", out["html"].as_uri()).stdout
    assert page.index("Does the paper replicate?") < page.index("<h2>Summary</h2>")


def test_html_keeps_under_its_figure_budget(tmp_path, monkeypatch):
    """Past the byte budget figures are named, not embedded; embedded ones are JPEG copies."""
    import hmmrnn.report as rep
    res = _results()
    for k in range(6):
        _png(tmp_path / "figures" / f"f{k}.png")
    res["claims"][0]["figures"] = [f"figures/f{k}.png" for k in range(6)]
    one = len(rep._img(tmp_path / "figures" / "f0.png"))
    monkeypatch.setattr(rep, "HTML_FIGURE_BUDGET", int(2.5 * one))
    out = write_report(res, tmp_path)
    page = out["html"].read_text()
    assert page.count("data:image/jpeg;base64,") == 2 and page.count("not embedded") == 4


def test_mean_ci_matches_scipy_and_covers():
    """The replication table's interval is the Student-t interval of the mean (oracle: scipy)."""
    from scipy import stats

    from hmmrnn.report import mean_ci
    vals = [1.0, 2.0, 4.0, 3.5]
    lo, hi = mean_ci(vals)
    ref = stats.t.interval(0.95, len(vals) - 1, loc=sum(vals) / 4, scale=stats.sem(vals))
    assert abs(lo - ref[0]) < 1e-12 and abs(hi - ref[1]) < 1e-12
    assert all(x != x for x in mean_ci([1.0]))  # NaN below two values


def test_replication_pools_families():
    """Per family, then one row over all families: pass rate over seeds and families together."""
    from hmmrnn.report import replication_table
    res = _results()
    extra = _row("orbit.radius", "fully3-seed0", "trained", "pass", "pass", {"radius": 0.5})
    extra["family"] = "fully:3"
    res["claims"].append(extra)
    _, body = replication_table(res)
    lead = [(r[1][0], r[3][0]) for r in body if r[1][0]]
    assert ("fully:3", "1/1 (100%)") in lead and ("linear:2", "1/2 (50%)") in lead
    assert ("all 2 families", "2/3 (67%)") in lead
    assert [f for f, _ in lead].index("all 2 families") > [f for f, _ in lead].index("linear:2")


def _reading_row(claim, ck, reading, verdict, rows, role="trained", expected="pass", reason="", control=None):
    return {"claim": claim, "reading": reading, "checkpoint": ck, "role": role, "control": control,
            "verdict": verdict, "expected": expected, "expected_reason": reason, "rows": rows, "statistics": {},
            "thresholds": [], "finding": ""}


def test_replication_summary_counts_converged_networks_only():
    from hmmrnn.replication import replication_summary
    conv = "training.convergence"
    res = {"claims_meta": {"kick.x": {"covers": ["P61"], "readings": {}}, conv: {"covers": ["P8"], "readings": {}}},
           "claims": [_reading_row(conv, "a", "strict", "pass", {"P8": "pass"}),
                      _reading_row(conv, "b", "strict", "fail", {"P8": "fail"}),
                      _reading_row("kick.x", "a", "paper", "pass", {"P61": "pass"}),
                      _reading_row("kick.x", "b", "paper", "fail", {"P61": "fail"}),  # not converged: not counted
                      _reading_row("kick.x", "a", "strict", "fail", {"P61": "fail"}, expected="fail",
                                   reason="expected failure recorded in the manifest: model: no compact group"),
                      _reading_row("kick.x", "u", "paper", "fail", {"P61": "fail"}, role="control", expected="fail",
                                   control="untrained")]}
    out = replication_summary(res)
    line = next(r for r in out["body"] if r[0][0] == "kick.x")
    assert line[2][0].startswith("1/1") and line[3][0].startswith("0/1") and line[4][0] == "1/1"
    assert line[6][0].startswith("replicates as the paper measured it, not under the strict reading (0/1)")
    assert "model 1" in line[6][0]
    assert any("not converged: b" in n for n in out["notes"])


def test_wilson_interval_oracle():
    from hmmrnn.replication import wilson
    lo, hi = wilson(0, 5)
    assert lo == 0 and abs(hi - 0.4345) < 1e-3
    lo, hi = wilson(5, 5)
    assert hi == 1 and abs(lo - 0.5655) < 1e-3
    assert all(map(lambda x: x != x, wilson(0, 0)))


def test_coverage_lists_every_inventory_row():
    from hmmrnn.inventory import ROWS
    from hmmrnn.replication import coverage_table
    res = {"claims_meta": {"x": {"readings": {"paper": {"covers": ["P61"], "reports": ["P51"]}}}}}
    out = coverage_table(res)
    kinds = {r[0][0]: r[3][0] for r in out["body"]}
    assert len(kinds) == len(ROWS) == 79 and kinds["P61"] == "full" and kinds["P51"] == "partial"
    assert kinds["P12"] == "not testable" and kinds["P62"] == "none"


def test_late_table_counts_each_seed_over_its_late_checkpoints():
    from hmmrnn.replication import late_table
    rows = [_reading_row("kick.x", f"linear2-seed0@{e}", "paper", v, {}) for e, v in
            [(460, "fail"), (480, "pass"), (500, "pass"), (520, "error")]]
    rows.append(_reading_row("kick.x", "linear2-seed0", "paper", "pass", {}))  # a final.pt: not a late checkpoint
    out = late_table({"claims": rows})
    (line,) = out["body"]
    assert line[2][0] == "linear2-seed0" and line[3][0] == "460-520" and line[4][0].startswith("2/3")
    assert line[5][0] == "holds" and line[6][0] == "480, 500" and line[4][2] == "1 error"
    assert late_table({"claims": rows[-1:]}) is None


def test_late_series_and_its_figure_in_the_report(tmp_path):
    """Thresholded statistics of RUN@EPOCH rows against epoch: one series per run, the rule kept; the report
    shows the figure right after the late-training table."""
    from hmmrnn.replication import late_series
    from hmmrnn.report import write_report
    th = [{"statistic": "ratio", "op": "<=", "value": 0.1, "why": "", "rows": []}]
    rows = [dict(_reading_row("kick.x", f"{run}@{e}", "strict", "pass" if v <= 0.1 else "fail", {}),
                 statistics={"ratio": v}, thresholds=th) for run, e, v in [("a", 480, 0.5), ("a", 500, 0.05), ("b", 500, 0.2)]]
    s = late_series({"claims": rows})
    assert s == {("kick.x", "strict", "ratio"): {"op": "<=", "value": 0.1,
                                                 "runs": {"a": [(480, 0.5), (500, 0.05)], "b": [(500, 0.2)]}}}
    paths = write_report({"claims": rows, "claims_meta": {}}, tmp_path)
    assert (tmp_path / "figures" / "late-training-statistics.png").stat().st_size > 1000
    md = paths["md"].read_text()
    assert md.index("Seeds over their late training") < md.index("late-training-statistics.png")


def test_two_writers_on_one_report_dir_never_leave_a_mixed_set(tmp_path):
    """Writers racing on one report dir (threads here, runs in use): results.json, claims.md and claims.html
    always come from the same writer."""
    import threading
    from hmmrnn.report import write_report
    def writer(seed):
        for _ in range(5):
            write_report({"seed": seed, "claims": [], "claims_meta": {}}, tmp_path)
    threads = [threading.Thread(target=writer, args=(s,)) for s in (111, 222)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    seed = json.loads((tmp_path / "results.json").read_text())["seed"]
    assert f"Seed: {seed}" in (tmp_path / "claims.md").read_text()
    assert f"Seed: {seed}" in (tmp_path / "claims.html").read_text()
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]


def test_a_run_that_dies_while_building_its_report_leaves_the_previous_one_whole(tmp_path, monkeypatch):
    from hmmrnn import report
    report.write_report({"seed": 1, "claims": [], "claims_meta": {}}, tmp_path)
    before = {p.name: p.read_bytes() for p in tmp_path.iterdir() if p.is_file()}

    def dies(*a, **k):
        raise KeyboardInterrupt  # what a kill during rendering looks like from inside
    monkeypatch.setattr(report, "render_html", dies)
    with pytest.raises(KeyboardInterrupt):
        report.write_report({"seed": 2, "claims": [], "claims_meta": {}}, tmp_path)
    assert {p.name: p.read_bytes() for p in tmp_path.iterdir() if p.is_file()} == before


@pytest.mark.slow
def test_a_report_writer_killed_with_sigkill_leaves_whole_files(tmp_path):
    """A process writing reports in a loop, killed with SIGKILL at three random (seeded) moments: every
    report file left behind is whole (the JSON parses, the page ends with its closing tag), and the next
    write removes the temporary files the killed writer left."""
    import random
    import signal
    import subprocess
    import sys
    import time
    from hmmrnn.report import write_report
    rows = [{"claim": "fixed-point.single", "reading": "strict", "checkpoint": f"net{i}", "verdict": "pass",
             "statistics": {"end_spread": i / 1000}, "reason": "x" * 200} for i in range(300)]
    (tmp_path / "rows.json").write_text(json.dumps(rows))
    loop = ("import json, sys; from pathlib import Path; from hmmrnn.report import write_report\n"
            "rows = json.loads(Path(sys.argv[1]).read_text())\n"
            "for i in range(10**6):\n"
            "    write_report({'seed': i, 'claims': rows, 'claims_meta': {}}, Path(sys.argv[2]))\n"
            "    print(i, flush=True)\n")
    out = tmp_path / "rep"
    rng = random.Random(20251025)
    for _ in range(3):
        proc = subprocess.Popen([sys.executable, "-c", loop, str(tmp_path / "rows.json"), str(out)],
                                stdout=subprocess.PIPE, text=True)
        assert proc.stdout.readline()  # one report written: the loop is running
        time.sleep(rng.uniform(0.0, 0.5))
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        json.loads((out / "results.json").read_text())
        assert (out / "claims.html").read_text().rstrip().endswith("</html>")
        assert (out / "claims.md").read_text().startswith("#")
    write_report({"seed": -1, "claims": [], "claims_meta": {}}, out)
    assert not [p.name for p in out.iterdir() if p.name.endswith(".tmp")]


def test_the_summary_counts_seeds_when_late_audits_are_attached(tmp_path):
    """With results["late_audit"], the summary counts seeds per family (seed: half its late checkpoints), grades
    each row against the controls' statistics from the same run, and the report carries the heat map and CSV."""
    from hmmrnn import seeds
    from hmmrnn.replication import replication_summary
    from hmmrnn.report import write_report
    th = [{"statistic": "z", "op": ">=", "value": 2.0, "why": "fixture 3 vs untrained 0", "rows": ["P61"]}]
    meta = {"kick.x": {"covers": ["P61"], "readings": {"strict": {"covers": ["P61"], "thresholds": th}}}}
    late = [dict(_reading_row("kick.x", f"{run}@{e}", "strict", "pass" if z >= 2 else "fail",
                              {"P61": "pass" if z >= 2 else "fail"}), statistics={"z": z})
            for run, e, z in [("l2-s0", 480, 3), ("l2-s0", 500, 1), ("l3-s0", 480, 1.5), ("l3-s0", 500, 1.2)]]
    audit = {"audit": {"hmm": "linear:2", "seeds": ["l2-s0", "l3-s0"]}, "claims_meta": meta, "claims": late}
    recs = seeds.collect(audit)
    for r in recs:
        r["hmm"] = "linear:3" if r["run"].startswith("l3") else "linear:2"
    ctl = dict(_reading_row("kick.x", "l2-s0-untrained", "strict", "fail", {"P61": "fail"}, role="control",
                            expected="fail", control="untrained"), statistics={"z": 0.1})
    res = {"claims_meta": meta, "claims": [ctl], "late_audit": {"records": recs, "families": {}, "freshness": {}}}
    out = replication_summary(res)
    (line,) = out["body"]
    assert line[3][0] == "decided" and line[7][0] == "1/1"
    assert line[4][0] == "linear:2 1/1, linear:3 0/1" and line[5][0].startswith("1/2 [")
    assert line[8][0] == "partly replicates (1/2 seeds hold); the others: effect present, weaker than stated"
    assert "untrained: z by 1.25" in line[7][2]  # l3-s0's median 1.35 against the control's 0.1
    write_report(res, tmp_path)
    assert (tmp_path / "figures" / "seeds-late-pass-fraction.png").stat().st_size > 1000
    csv = (tmp_path / "replication.csv").read_text().splitlines()
    assert csv[0].startswith("claim,row,sentence,reading,evidence,evidence_why,seeds_hold,seeds") and len(csv) == 2
    assert (tmp_path / "figures" / "decided-rows-by-family.png").stat().st_size > 1000
    md = (tmp_path / "claims.md").read_text().splitlines()
    assert md[2] == "## Does the paper replicate?" and md[4].startswith("Over 2 held-out seeds in 2 families")


def test_rows_no_late_checkpoint_decides_are_shown_over_final_checkpoints():
    """A whole-run claim (no late checkpoint decides it) is judged on each converged seed's final checkpoint,
    graded like the rest, with the reason computed."""
    from hmmrnn.replication import seed_summary
    th = [{"statistic": "z", "op": ">=", "value": 2.0, "why": "harness", "rows": ["P26"]}]
    meta = {"training.emergence": {"covers": ["P26"], "readings": {"strict": {"covers": ["P26"], "thresholds": th}}}}
    em = "training.emergence"
    res = {"claims_meta": meta,
           "late_audit": {"records": [], "families": {}, "freshness": {}, "runs": ["a", "b"],
                          "seed_runs": [{"name": n, "hmm": "linear:2", "seed": i, "epochs": 500, "converged": True,
                                         "short": False} for i, n in enumerate("ab")]},
           "claims": [dict(_reading_row(em, "a", "strict", "pass", {"P26": "pass"}), statistics={"z": 3}),
                      dict(_reading_row(em, "b", "strict", "fail", {"P26": "fail"}), statistics={"z": 1.9}),
                      dict(_reading_row(em, "l2-untrained", "strict", "fail", {"P26": "fail"}, role="control",
                                        expected="fail", control="untrained"), statistics={"z": 0.1})]}
    lines = {(b[0][0], b[1][0]): b for b in seed_summary(res)["body"]}
    emergence = lines[(em, "P26")]
    assert emergence[3][0] == "decided" and emergence[5][0].startswith("1/2")
    assert emergence[5][2] == "final checkpoint only: a claim about the whole run: judged once, on its final checkpoint"
    assert emergence[8][0].startswith("partly replicates (1/2 seeds hold)")
