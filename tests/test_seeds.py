"""Seeds as the unit (hmmrnn.seeds) and the committed audits (hmmrnn.audits), on hand-made rows."""
from __future__ import annotations

import json

import pytest

from hmmrnn import audits, seeds

TH = [{"statistic": "x", "op": ">=", "value": 1.0, "why": "fixture 1.5 vs untrained 0.2", "rows": ["P1"]},
      {"statistic": "y", "op": "<=", "value": 4.0, "why": "paper: at most 4", "rows": ["P1", "P2"]}]
META = {"c": {"readings": {"strict": {"thresholds": TH}}}}


def row(run, epoch, x, y, reading="strict"):
    stats = {"x": x, "y": y, "other": 9}
    p1 = "pass" if x >= 1.0 and y <= 4.0 else "fail"
    p2 = "pass" if y <= 4.0 else "fail"
    return {"claim": "c", "reading": reading, "checkpoint": f"{run}@{epoch}", "role": "trained",
            "verdict": "pass" if p1 == p2 == "pass" else "fail", "rows": {"P1": p1, "P2": p2}, "statistics": stats}


def audit(rows):
    return {"audit": {"hmm": "linear:2", "seeds": sorted({r["checkpoint"].split("@")[0] for r in rows})},
            "claims_meta": META, "claims": rows}


def test_collect_keeps_thresholded_statistics_per_seed_in_epoch_order():
    recs = seeds.collect(audit([row("a", 40, 2, 1), row("a", 20, 0.5, 1), row("b", 20, 2, 1)]))
    a = next(r for r in recs if r["run"] == "a")
    assert [c["epoch"] for c in a["checkpoints"]] == [20, 40]
    assert a["checkpoints"][0]["stats"] == {"x": 0.5, "y": 1}  # "other" decides nothing: not kept
    assert seeds.seed_fraction(a, "P1") == (1, 2) and seeds.holds(1, 2) is True  # half holds (>= HOLDS)
    assert seeds.holds(1, 3) is False and seeds.holds(0, 0) is None


def test_row_passes_agrees_with_the_rows_verdicts_and_moves_a_cut():
    for x in (0.5, 1.0, 2.0):
        for y in (3.0, 5.0):
            r = row("a", 1, x, y)
            assert seeds.row_passes(r["statistics"], TH, "P1") == (r["rows"]["P1"] == "pass")
            assert seeds.row_passes(r["statistics"], TH, "P2") == (r["rows"]["P2"] == "pass")
    assert seeds.row_passes({"x": 1.0, "y": 1}, TH, "P1", moved=(0, 1.25)) is False
    assert seeds.row_passes({"y": 1}, TH, "P1") is None


def control_rows(controls: dict[str, dict]) -> list[dict]:
    """Control results (must reject the reading) judged by TH, from {name: statistics}."""
    out = []
    for name, stats in controls.items():
        p1 = "pass" if stats.get("x", 0) >= 1.0 and stats.get("y", 9) <= 4.0 else "fail"
        p2 = "pass" if stats.get("y", 9) <= 4.0 else "fail"
        out.append({"claim": "c", "reading": "strict", "checkpoint": name, "role": "control", "expected": "fail",
                    "verdict": "pass" if p1 == p2 == "pass" else "fail", "rows": {"P1": p1, "P2": p2},
                    "statistics": stats})
    return out


def _summary(rows, controls):
    return {(e["row"]): e for e in seeds.row_summary(seeds.collect(audit(rows)), META,
                                                     {("c", "strict"): control_rows(controls)})}


def test_graded_conclusions():
    every = [row(s, e, 2.0, 1) for s in "ab" for e in (20, 40)]
    assert _summary(every, {"untrained": {"x": 0.2, "y": 9}})["P1"]["conclusion"] == "replicates"
    weak = [row(s, e, 0.8, 1) for s in "ab" for e in (20, 40)]  # short of the cut (1.0), above the control
    got = _summary(weak, {"untrained": {"x": 0.2, "y": 1}})["P1"]
    assert got["conclusion"].startswith("effect present, weaker than stated (0/2")
    assert got["separation"]["by"]["untrained"] == ("x", pytest.approx(0.6))
    absent = _summary(weak, {"untrained": {"x": 0.9, "y": 1}})["P1"]  # the control is as high: not separated
    assert absent["conclusion"] == "absent (0/2 seeds hold; not separated from untrained)"
    assert _summary(weak, {})["P1"]["conclusion"].startswith("does not replicate (0/2 seeds hold); no control")
    assert _summary(every, {})["P1"]["families"] == {"linear:2": [2, 2]}
    mixed = every[:2] + weak[2:]  # seed a holds; seed b, short of the cut, is graded alone
    assert _summary(mixed, {"untrained": {"x": 0.2, "y": 1}})["P1"]["conclusion"] == \
        "partly replicates (1/2 seeds hold); the others: effect present, weaker than stated"
    assert _summary(mixed, {"untrained": {"x": 0.9, "y": 1}})["P1"]["conclusion"] == \
        "partly replicates (1/2 seeds hold); the others: absent (not separated from untrained)"


def test_fragility_moves_only_the_harness_cuts():
    near = [row("a", e, 1.1, 1) for e in (20, 40)] + [row("b", e, 3.0, 3.5) for e in (20, 40)]
    got = _summary(near, {})
    frag = got["P1"]["fragility"]  # x >= 1.0 is the harness's: at 1.25 seed a stops holding; y <= 4 is the paper's
    assert frag["fragile"] and frag["changed"] == {"x >= 1 -> 1.25": ["a"]} and frag["harness_cuts"] == 1
    assert got["P2"]["fragility"] == {"changed": {}, "fragile": False, "harness_cuts": 0, "fixed": [], "paper_cuts": 1}


def test_stale_rows_and_freshness_compare_the_last_late_checkpoint_with_the_final():
    committed = audit([row("a", 20, 2, 1), row("a", 40, 2, 1)])
    fresh = {"claims": [{**row("a", 0, 2, 1), "checkpoint": "a"}]}
    assert audits.freshness({"linear:2": committed}, fresh) == \
        {"linear:2": {"sample": ["a"], "compared": 1, "diffs": []}}
    fresh["claims"][0]["statistics"]["x"] = 2.01
    diffs = audits.freshness({"linear:2": committed}, fresh)["linear:2"]["diffs"]
    assert len(diffs) == 1 and "x 2 committed, 2.01 now" in diffs[0]
    fresh["claims"][0] = {**row("a", 0, 0.5, 1), "checkpoint": "a"}
    assert "verdict pass committed, fail now" in audits.freshness({"linear:2": committed}, fresh)["linear:2"]["diffs"][0]
    assert audits.freshness({"linear:2": committed}, {"claims": []})["linear:2"]["compared"] == 0
    newer = {**row("a", 0, 2, 1), "checkpoint": "a", "claim": "a-claim-added-later"}
    assert audits.freshness({"linear:2": committed}, {"claims": [newer]})["linear:2"] == \
        {"sample": ["a"], "compared": 0, "diffs": []}  # not audited: not stale, not compared


def test_write_audit_round_trips_one_row_per_line(tmp_path):
    data = audit([{**row("a", 20, 2, 1), "thresholds": TH, "figures": ["f.png"]}, row("a", 40, 2, 1)])
    audits.write_audit(audits.audit_path(tmp_path, "linear:2"), data)
    text = (tmp_path / "audits" / "linear2.json").read_text()
    back = json.loads(text)
    assert back["audit"] == data["audit"] and len(back["claims"]) == 2
    assert "thresholds" not in back["claims"][0] and "figures" not in back["claims"][0]
    assert len(text.splitlines()) == 2 + 2  # head line, a row per line, the closing line
    assert audits.load_audits(tmp_path)["linear:2"]["claims"] == back["claims"]


def test_paper_length_run_stands_for_its_seed():
    manifest = {"runs": [{"name": "l3-s0", "hmm": "linear:3", "seed": 0, "epochs": 300},
                         {"name": "l3-s0-to500", "hmm": "linear:3", "seed": 0, "epochs": 500},
                         {"name": "f3-s1", "hmm": "fully:3", "seed": 1, "epochs": 500}]}
    got = {r["name"]: r["short"] for r in audits.seed_runs(manifest)}
    assert got == {"l3-s0-to500": False, "f3-s1": True}  # fully:3's paper length is 1000
    # a campaign run of another cell (same HMM, seed and length) is in the manifest but never a seed of the paper's
    manifest["runs"] += [{"name": "l3-tanh-s0", "hmm": "linear:3", "seed": 0, "epochs": 500, "cell": "tanh"},
                         {"name": "l3-bias-s2", "hmm": "linear:3", "seed": 2, "epochs": 500, "cell": "relu+bias"}]
    assert {r["name"] for r in audits.seed_runs(manifest)} == {"l3-s0-to500", "f3-s1"}


def test_a_superseded_cut_is_evaluated_beside_the_new_one():
    from hmmrnn.claim import Reading, Threshold
    new, old = Threshold("gap", "<=", 90.0, "post hoc", ("P16",)), Threshold("cover", "==", 1.0, "old", ("P16",))
    rd = Reading("paper", "s", (new,), superseded=((old, "gap"),))
    clean, failed, rows = rd.decide({"gap": 3.0, "cover": 0.75, "_plot": 1})
    assert failed == [] and rows == {"P16": "pass"} and clean["superseded_cuts"] == {"cover == 1": "fail"}
    meta = {"c": {"readings": {"strict": {"thresholds": rd.thresholds_json(), "superseded": rd.superseded_json()}}}}
    recs = seeds.collect({"audit": {"hmm": "linear:2"}, "claims_meta": meta, "claims": [
        {"claim": "c", "reading": "strict", "checkpoint": f"a@{e}", "role": "trained", "verdict": "pass",
         "rows": {"P16": "pass"}, "statistics": {"gap": 3.0, "cover": c}} for e, c in ((20, 0.75), (40, 1.0))]})
    (entry,) = seeds.row_summary(recs, meta, {})
    assert entry["k"] == 1 and entry["superseded"] == {"cuts": ["cover == 1"], "k": 1, "n": 1}  # 1 of 2: holds


def test_max_empty_arc_against_brute_force():
    import numpy as np
    from hmmrnn.analysis.orbit import max_empty_arc
    rng = np.random.default_rng(0)
    for _ in range(20):
        ang = rng.uniform(0, 360, rng.integers(1, 30))
        d = np.stack([np.cos(np.radians(ang)), np.sin(np.radians(ang))], 1)
        grid = np.arange(0, 360, 0.01)  # the widest run of grid directions with no point inside
        occupied = np.zeros(len(grid), bool)
        for a in ang:
            occupied[int(round(a / 0.01)) % len(grid)] = True
        runs, cur = [], 0
        for o in np.concatenate([occupied, occupied]):
            cur = 0 if o else cur + 1
            runs.append(cur)
        assert abs(max_empty_arc(d) - (min(max(runs), len(grid)) + 1) * 0.01) < 0.05


def test_a_fraction_cut_is_not_moved_to_its_bound():
    th = [{"statistic": "r2", "op": ">=", "value": 0.99, "why": "SPEC", "rows": ["P31"]}]
    meta = {"c": {"readings": {"strict": {"thresholds": th}}}}
    recs = seeds.collect({"audit": {"hmm": "linear:2"}, "claims_meta": meta, "claims": [
        {"claim": "c", "reading": "strict", "checkpoint": "a@1", "role": "trained", "verdict": "pass",
         "rows": {"P31": "pass"}, "statistics": {"r2": 0.9999}}]})
    (entry,) = seeds.row_summary(recs, meta, {})
    # 25% of the way to the nearer bound (1): 0.9875 and 0.9925, never 1 or past it
    assert entry["fragility"] == {"changed": {}, "fragile": False, "harness_cuts": 1, "fixed": [], "paper_cuts": 0}


def test_float_noise_is_not_staleness():
    """Last-bit differences (another summation order) pass; a moved statistic does not."""
    assert audits._close(1.8180145e-07, 1.8180168e-07, audits.RTOL)
    assert audits._close(0.66939713, 0.66939713 * (1 + 5e-5), audits.RTOL)
    assert not audits._close(0.66939713, 0.6078012, audits.RTOL)
    assert audits._close(float("inf"), float("inf"), audits.RTOL) and not audits._close(1.0, float("nan"), audits.RTOL)


def test_a_claim_audited_for_a_later_seed_only_is_not_stale_for_the_others():
    """linear3-seed3 joined its family's audit on every claim; the older seeds hold the first claims only."""
    committed = audit([row("a", 20, 2, 1), row("a", 40, 2, 1)])
    committed["claims"].append({**row("late", 40, 2, 1), "claim": "newer"})
    fresh = {"claims": [{**row("a", 0, 2, 1), "checkpoint": "a"}, {**row("a", 0, 2, 1), "checkpoint": "a",
                                                                      "claim": "newer"}]}
    assert audits.freshness({"linear:2": committed}, fresh)["linear:2"] == \
        {"sample": ["a"], "compared": 1, "diffs": []}


def test_a_committed_audit_is_stale_only_beyond_rounding_of_its_statistics():
    """Rows recomputed on another CPU agree with the committed ones to rounding: a list's near-zero entry beside
    large ones, a dict's floats in their last bits (seen on an AMD EPYC machine), are the same statistics; a moved
    value, a changed length or key, or another verdict is stale."""
    from hmmrnn import audits

    def row(stats, verdict="pass"):
        return {"claim": "noise.cluster-vs-transition", "reading": "paper", "checkpoint": "r@500", "verdict": verdict,
                "rows": {}, "statistics": stats}
    committed = {"cluster_distance": [1.638179583096644e-06, 2.8425793647766113, 5.651921272277832],
                 "per_direction": {"0->2": {"kick": 1.124983787536621}}, "norms": [9.452709298174593, 37.81083719269837]}
    rounding = {"cluster_distance": [1.6967054534688941e-06, 2.8425793647766113, 5.651921272277832],
                "per_direction": {"0->2": {"kick": 1.1249839067459106}}, "norms": [9.452709298174591, 37.810837192698365]}

    def stale(fresh, verdict="pass"):
        got, n = audits.stale_rows({"claims": [row(committed)]}, {"claims": [dict(row(fresh, verdict), checkpoint="r")]},
                                   {"r": "r@500"})
        assert n == 1
        return got
    assert stale(rounding) == []
    assert stale(dict(rounding, cluster_distance=[0.01, 2.8425793647766113, 5.651921272277832]))  # moved by 0.2% of 5.7
    assert stale(dict(rounding, norms=[9.452709298174591]))  # another length
    assert stale(dict(rounding, per_direction={"2->0": {"kick": 1.1249839067459106}}))  # another key
    assert stale(dict(rounding, per_direction={"0->2": {"kick": 1.13}}))
    assert stale(rounding, verdict="fail")
