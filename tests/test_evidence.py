"""Evidence classes, the family test, the tuning seed and fragility's bounds (hmmrnn.evidence, hmmrnn.seeds,
hmmrnn.replication), on small constructed results."""
from __future__ import annotations


import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hmmrnn import evidence, seeds
from hmmrnn.replication import answer, seed_summary

TH = [{"statistic": "x", "op": ">=", "value": 1.0, "why": "fixture 1.5 vs untrained 0.2", "rows": ["P1"]}]
META = {"c": {"covers": ["P1"], "readings": {"strict": {"thresholds": TH, "covers": ["P1"], "reports": []}}}}


def rec(run, x, hmm="linear:2", epochs=(20, 40)):
    """A seed's late record with x at every checkpoint."""
    return {"hmm": hmm, "run": run, "claim": "c", "reading": "strict",
            "checkpoints": [{"epoch": e, "verdict": "pass" if x >= 1 else "fail",
                             "rows": {"P1": "pass" if x >= 1 else "fail"}, "stats": {"x": x}} for e in epochs]}


def ctl(name, x=None, error=False, expected="fail", kind="untrained"):
    if error:
        return {"claim": "c", "reading": "strict", "checkpoint": name, "role": "control", "expected": expected,
                "control": kind, "verdict": "error", "reason": "no pair of opposite switch directions", "rows": {},
                "statistics": {}}
    return {"claim": "c", "reading": "strict", "checkpoint": name, "role": "control", "expected": expected,
            "control": kind, "verdict": "pass" if x >= 1 else "fail", "rows": {"P1": "pass" if x >= 1 else "fail"},
            "statistics": {"x": x}}


def entry(recs, controls):
    (e,) = seeds.row_summary(recs, META, {("c", "strict"): controls})
    return e


def test_decided_when_every_control_fails_by_a_number():
    e = entry([rec("a", 2.0), rec("b", 1.5)], [ctl("untrained", 0.2), ctl("shuffled", 0.4)])
    assert e["evidence"] == "decided" and e["conclusion"] == "replicates"
    assert e["controls"].rejected == ("shuffled", "untrained") and e["controls"].text() == "2/2"


def test_a_control_rejected_by_error_is_not_a_rejection():
    e = entry([rec("a", 2.0), rec("b", 1.5)], [ctl("untrained", 0.2), ctl("pre-bifurcation", error=True)])
    assert e["evidence"] == "indistinguishable"
    assert "rejected only by ERROR by pre-bifurcation" in e["evidence_why"]
    assert e["controls"].text() == "1/2; ERROR only: pre-bifurcation"
    only_errors = entry([rec("a", 2.0)], [ctl("untrained", error=True)])
    assert only_errors["evidence"] == "indistinguishable" and only_errors["controls"].rejected == ()


def test_a_control_that_passes_makes_the_row_indistinguishable():
    e = entry([rec("a", 2.0), rec("b", 0.5)], [ctl("untrained", 0.2), ctl("shuffled", 1.2)])
    assert e["evidence"] == "indistinguishable" and "passed by shuffled" in e["evidence_why"]


def test_no_control_at_all_is_not_decided():
    assert entry([rec("a", 2.0)], [])["evidence"] == "indistinguishable"


def test_by_construction_holds_or_fails_for_every_network():
    holds = entry([rec("a", 2.0), rec("b", 3.0)], [ctl("untrained", 1.5), ctl("shuffled", 1.1)])
    assert holds["evidence"] == "by construction" and holds["evidence_why"].startswith("holds for every network")
    # every network fails, the seeds no further from the cut than the controls: the statistic says no to all
    fails = entry([rec("a", 0.3), rec("b", 0.2)], [ctl("untrained", 0.5)])
    assert fails["evidence"] == "by construction" and fails["evidence_why"].startswith("fails for every network")
    # every network fails, but the seeds are separated from the control: decided, weaker than stated
    weaker = entry([rec("a", 0.8), rec("b", 0.9)], [ctl("untrained", 0.2)])
    assert weaker["evidence"] == "decided" and weaker["conclusion"].startswith("effect present, weaker")
    # a single fixed point: every ordinary network has it (the untrained one need not fail it); only a hand-built
    # line attractor, required to fail, does: by construction, not decided
    fp = entry([rec("a", 2.0), rec("b", 3.0)], [ctl("untrained", 1.5, expected="pass"),
                                                ctl("line-attractor", 0.1, kind="line-attractor")])
    assert fp["evidence"] == "by construction" and fp["controls"].rejected == ("line-attractor",)


def test_identical_controls_count_once():
    e = entry([rec("a", 2.0)], [ctl("linear2-seed0-untrained", 0.2), ctl("fully3-seed0-untrained", 0.2),
                                ctl("shuffled", 0.3)])
    assert e["controls"].rejected == ("fully3-seed0-untrained", "shuffled")
    assert e["controls"].same_as == {"linear2-seed0-untrained": "fully3-seed0-untrained"}


def test_the_tuning_seed_is_shown_not_counted():
    e = entry([rec("linear2-seed0-to500", 0.5), rec("linear2-seed3", 2.0), rec("linear2-seed4", 2.0)],
              [ctl("untrained", 0.2)])
    assert (e["k"], e["n"]) == (2, 2) and e["conclusion"] == "replicates"
    assert [s["run"] for s in e["tuning"]] == ["linear2-seed0-to500"] and e["tuning"][0]["holds"] is False
    assert evidence.is_tuning("linear2-seed0") and evidence.is_tuning("linear2-seed0-to1000")
    assert not evidence.is_tuning("linear2-seed00") and not evidence.is_tuning("linear3-seed0")


def test_families_that_disagree_are_not_pooled():
    recs = ([rec(f"l2-{i}", 2.0, "linear:2") for i in range(4)] + [rec(f"l3-{i}", 2.0, "linear:3") for i in range(4)]
            + [rec(f"c4-{i}", 0.5, "cyclic:4") for i in range(3)] + [rec(f"f3-{i}", 0.5, "fully:3") for i in range(3)])
    e = entry(recs, [ctl("untrained", 0.2)])
    assert e["evidence"] == "decided" and e["split"] and e["split_p"] < 0.05
    from hmmrnn.replication import family_text
    text = family_text(e)
    assert text.startswith("replicates in linear:2, linear:3 (8/8); effect weaker than stated in cyclic:4, "
                           "fully:3 (0/6)")
    same = entry([rec(f"l2-{i}", 2.0, "linear:2") for i in range(3)] + [rec("l3-0", 0.5, "linear:3"),
                                                                           rec("l3-1", 2.0, "linear:3")],
                 [ctl("untrained", 0.2)])
    assert not same["split"] and family_text(same) == same["conclusion"]


def test_homogeneity_p_is_fishers_exact_on_two_by_two():
    from scipy.stats import fisher_exact
    for table in ([(5, 5), (0, 3)], [(3, 4), (1, 3)], [(2, 2), (2, 2)], [(0, 4), (4, 4)], [(1, 5), (4, 5)]):
        a, b = table
        ref = fisher_exact([[a[0], a[1] - a[0]], [b[0], b[1] - b[0]]]).pvalue
        assert evidence.homogeneity_p(table) == pytest.approx(ref, rel=1e-9)
    assert evidence.homogeneity_p([(3, 3)]) == 1.0
    # k x 2: the probabilities of all tables with the margins sum to one; the most likely one has p = 1
    assert evidence.homogeneity_p([(1, 2), (1, 2), (1, 2)]) == pytest.approx(1.0)


@settings(max_examples=200, deadline=None)
@given(cut=st.floats(0.01, 0.99), seeds_x=st.lists(st.floats(0, 1), min_size=1, max_size=4),
       controls_x=st.lists(st.floats(0, 1), min_size=0, max_size=3), op=st.sampled_from([">=", "<="]))
def test_fragility_never_moves_a_cut_past_a_bound_or_a_control(cut, seeds_x, controls_x, op):
    th = [{"statistic": "x", "op": op, "value": cut, "why": "harness", "rows": ["P1"]}]
    recs = [{"hmm": "linear:2", "run": f"s{i}", "checkpoints": [
        {"epoch": 1, "rows": {"P1": "pass"}, "stats": {"x": x}}]} for i, x in enumerate(seeds_x)]
    moved = []
    orig = seeds.row_passes

    def spy(stats, thresholds, row, m=None):
        if m is not None:
            moved.append(m[1])
        return orig(stats, thresholds, row, m)

    seeds.row_passes = spy
    try:
        seeds.fragility(recs, th, "P1", {f"c{i}": {"x": x} for i, x in enumerate(controls_x)})
    finally:
        seeds.row_passes = orig
    for new in moved:
        assert 0 < new < 1  # the values live in [0, 1]: never at or past a bound
        for c in controls_x:  # never past a control's value
            assert (new - c) * (cut - c) >= 0


def _results(final_rows, controls, runs):
    """A fixtures run's results: no late records, the seeds' final checkpoints, the manifest's seed runs."""
    return {"claims_meta": META, "claims": final_rows + controls,
            "late_audit": {"records": [], "families": {}, "freshness": {},
                           "seed_runs": [{"name": n, "hmm": h, "seed": i, "epochs": 500, "converged": True,
                                          "short": False} for i, (n, h) in enumerate(runs)],
                           "runs": [n for n, _ in runs]}}


def final(run, x=None, error=None):
    if error:
        return {"claim": "c", "reading": "strict", "checkpoint": run, "role": "trained", "verdict": "error",
                "reason": error, "rows": {}, "statistics": {}}
    return {"claim": "c", "reading": "strict", "checkpoint": run, "role": "trained",
            "verdict": "pass" if x >= 1 else "fail", "rows": {"P1": "pass" if x >= 1 else "fail"},
            "statistics": {"x": x}}


def test_final_checkpoints_stand_in_where_no_audit_holds_the_claim_with_the_reason():
    runs = [("linear2-seed3", "linear:2"), ("linear2-seed4", "linear:2"), ("linear3-seed3", "linear:3")]
    res = _results([final("linear2-seed3", 2.0), final("linear2-seed4", 2.0)], [ctl("untrained", 0.1)], runs)
    out = seed_summary(res)
    (e,) = [e for e in out["entries"] if e["row"] == "P1"]
    assert e["evidence"] == "decided" and (e["k"], e["n"]) == (2, 2)
    assert e["final_only"] == ["the committed late audits predate this claim"]
    assert out["basis"]["not_judged"] == ["linear3-seed3"]
    assert any("judged nowhere" in n and "linear3-seed3" in n for n in out["notes"])


def test_undecided_rows_say_what_they_need():
    res = _results([final("linear2-seed3", error="needs linear:4 at d = 1, 10, 200 (5 seeds each): none trained")],
                   [ctl("untrained", 0.1)], [("linear2-seed3", "linear:2")])
    out = seed_summary(res)
    (e,) = out["entries"]
    assert e["evidence"] == "undecided" and "needs linear:4 at d = 1, 10, 200" in e["evidence_why"]
    a = out["answer"]
    assert a["table"] == [] and a["others"]["undecided"] == [e] and "P1" in a["paragraph"]


def test_only_decided_rows_are_graded_in_the_answer():
    runs = [("linear2-seed3", "linear:2"), ("linear2-seed4", "linear:2")]
    by_error = _results([final("linear2-seed3", 2.0), final("linear2-seed4", 2.0)],
                        [ctl("untrained", error=True)], runs)
    out = seed_summary(by_error)
    assert out["answer"]["table"] == [] and out["answer"]["others"]["indistinguishable"]
    (line,) = out["csv"]
    assert line["evidence"] == "indistinguishable" and line["conclusion"] == "" and line["fragility"] == ""
    decided = seed_summary(_results([final("linear2-seed3", 2.0), final("linear2-seed4", 2.0)],
                                    [ctl("untrained", 0.2)], runs))
    (row,) = decided["answer"]["table"]
    assert row["conclusion"] == "replicates" and row["per_family"] == "linear:2 2/2"


def test_answer_merges_readings_that_hold_on_the_same_seeds():
    def e(reading, holds):
        return {"claim": "c", "row": "P1", "reading": reading, "evidence": "decided", "split": False,
                "conclusion": "replicates" if all(holds) else "partly replicates", "families": {"linear:2": [2, 2]},
                "family_grades": {}, "k": sum(holds), "n": len(holds), "tuning": [],
                "seeds": [{"hmm": "linear:2", "run": r, "holds": h} for r, h in zip("ab", holds)]}
    both = answer([e("paper", [True, True]), e("strict", [True, True])])["table"]
    assert [t["reading"] for t in both] == ["both"]
    apart = answer([e("paper", [True, False]), e("strict", [True, True])])["table"]
    assert [t["reading"] for t in apart] == ["paper", "harness"]


def test_universality_table_counts_seeds_per_cell_and_says_what_is_missing():
    from hmmrnn import universality
    from hmmrnn.replication import central

    def r(run, cell, claim, reading, verdicts):
        return {"hmm": cell, "run": run, "claim": claim, "reading": reading,
                "checkpoints": [{"epoch": i, "verdict": v, "rows": {}, "stats": {}} for i, v in enumerate(verdicts)]}
    recs = {"relu": [r("a", "relu", "fixed-point.single", "strict", ["pass", "pass"]),
                     r("b", "relu", "fixed-point.single", "strict", ["fail", "fail", "pass"])]}
    out = universality.table(recs, central(), {"tanh": ["linear2-tanh-seed0 epoch 500/500: not converged"]})
    row = out["body"][0]
    assert row[0][0] == "a single fixed point without input"
    # b passes 1 of 3: does not hold; no control judged: the seeds' holding cannot be told from a control's
    assert row[1][0] == "paper: no seed; strict: 1/2 seeds hold; indistinguishable [no control of this cell judged]"
    assert out["head"][1] == "relu (2 seeds)" and out["sentence"].startswith("Not answered yet")
    assert "tanh: linear2-tanh-seed0 epoch 500/500: not converged" in out["sentence"]
    kick = next(b for b in out["body"] if b[0][2] == "kick.ablation-traps")
    assert kick[5][0] == "paper: no seed (analogue); strict: no seed (analogue)"  # the LSTM's mu sweep runs
    assert kick[3][0] == "paper: no seed (analogue); strict: no seed (analogue)"


def test_a_cell_is_graded_against_its_own_controls():
    """The orbit claim on a GRU seed that misses its cut: separated from controls that fail it by a number (the
    effect is there, weaker); where a control lies beyond the seed it fails by construction; a claim every
    control passes too holds by construction; controls that only ERROR leave it indistinguishable."""
    from hmmrnn import universality
    from hmmrnn.replication import central
    claims = dict((c.id, c) for _, c in central())
    orbit = claims["orbit.radius-scaling"]
    stat, cut = "slope", 0.0  # the strict reading's slope > 0 (the radius grows with the input)
    assert {"statistic": stat, "op": ">", "value": cut} == {k: t[k] for t in orbit.reading("strict").thresholds_json()
                                                            if t["statistic"] == stat for k in ("statistic", "op", "value")}
    worse, far = -0.2, -2.0  # a seed that misses the cut; a control far beyond it on the failing side

    def seed(verdict, value):
        return {"hmm": "gru", "run": "g0", "claim": orbit.id, "reading": "strict",
                "checkpoints": [{"epoch": 1, "verdict": verdict, "rows": {}, "stats": {stat: value}}]}

    def ctl(kind, verdict, value):
        return {"claim": orbit.id, "reading": "strict", "role": "control", "control": kind, "expected": "fail",
                "checkpoint": f"g0-{kind}", "verdict": verdict, "statistics": {stat: value}}
    got = universality.judged([seed("fail", worse)], orbit, "strict", [ctl("untrained", "fail", far)])
    assert (got.k, got.n, got.evidence, got.holds) == (0, 1, "decided", False)
    assert got.text.startswith("effect present, weaker than stated (0/1 seeds hold; every control separated)")
    assert got.text.endswith("[controls: 1/1 rejected by a number]")
    beyond = universality.judged([seed("fail", far)], orbit, "strict", [ctl("untrained", "fail", worse)])
    # every network fails and the seed is not separated from the control: it fails by construction
    assert beyond.evidence == "by construction" and beyond.text.startswith("0/1 seeds hold; by construction (its controls fail it too)")
    both = universality.judged([seed("pass", 1.0)], orbit, "strict", [ctl("untrained", "pass", 1.0)])
    assert both.evidence == "by construction" and both.holds and "(its controls pass it too)" in both.text
    errs = universality.judged([seed("pass", 1.0)], orbit, "strict", [ctl("shuffled", "error", None)])
    assert errs.evidence == "indistinguishable" and "1 by ERROR only" in errs.text
    def state(recs, controls):
        return universality.cell_state(universality.per_reading(recs, orbit, "gru", controls))
    assert state([seed("pass", 1.0)], [ctl("untrained", "fail", far)]) == "holds"
    assert state([seed("pass", 1.0)], [ctl("shuffled", "error", None)]) == "holds, not told from its controls"


def test_an_effect_is_present_only_where_the_seed_lies_beyond_its_controls_on_what_it_misses():
    """A seed that misses the radius cut (it shrinks with the input) but passes the hole, against a control that
    lacks the hole and whose radius does not shrink: separated on the hole, not on the radius. The effect the seed
    lacks is not present: not separated (the rule before issue 30, some threshold of the row, called it
    separated)."""
    ths = [{"statistic": "slope", "op": ">", "value": 0.0, "rows": ["claim"]},
           {"statistic": "hole", "op": "<", "value": 1.0, "rows": ["claim"]}]
    rec = {"run": "g0", "checkpoints": [{"epoch": e, "stats": {"slope": -0.3, "hole": 0.5}} for e in (1, 2, 3)]}
    flat = {"untrained": {"slope": 0.0, "hole": 2.0}}
    assert seeds.missed([rec], ths, "claim") == ths[:1]
    assert seeds._separated_on_some([rec], ths, "claim", flat)["separated"] is True  # on the hole
    got = seeds.separation([rec], ths, "claim", flat)
    assert got == {"separated": False, "by": {"untrained": None}}
    below = {"untrained": {"slope": -1.0, "hole": 2.0}}  # the control shrinks faster: the seed lies beyond it
    assert seeds.separation([rec], ths, "claim", below) == {"separated": True,
                                                                           "by": {"untrained": ("slope", 0.7)}}
    # a control with no value of the missed statistic (nothing to measure it on) is asked on the others: as before
    blank = {"untrained": {"hole": 2.0}}
    assert seeds.separation([rec], ths, "claim", blank) == seeds._separated_on_some([rec], ths, "claim", blank)
    assert seeds.separation([rec], ths, "claim", blank)["separated"] is True
    passing = {"run": "g1", "checkpoints": [{"epoch": 1, "stats": {"slope": 0.1, "hole": 0.5}}]}
    # no median misses a cut (it failed at its checkpoints on other grounds): every threshold is asked
    assert seeds.separation([passing], ths, "claim", flat) == seeds._separated_on_some([passing], ths, "claim", flat)


def test_a_checkpoint_near_its_cut_is_undecided_for_its_seed():
    """x >= 1 with a draw standard error of 0.1: 1.05 and 0.95 are near the cut (within 2 se), 1.5 and 0.5 not."""
    recs = [{"hmm": "linear:2", "run": "a", "claim": "c", "reading": "strict", "checkpoints": [
        {"epoch": e, "rows": {"P1": "pass" if x >= 1 else "fail"}, "stats": {"x": x}}
        for e, x in ((1, 1.05), (2, 0.95), (3, 0.5), (4, 1.5), (5, 0.96))]}]
    seeds.mark_near_cut(recs, META, {("c", "strict", "x"): 0.1})
    assert [c["near"] for c in recs[0]["checkpoints"]] == [["P1"], ["P1"], [], [], ["P1"]]
    assert seeds.seed_fraction(recs[0], "P1") == (1, 2)  # 1.5 passes, 0.5 fails: holds (1/2)
    assert seeds.seed_fraction(recs[0], "P1", precision=False) == (2, 5)  # without the precision: does not hold
    (e,) = seeds.row_summary(recs, META, {("c", "strict"): [ctl("untrained", 0.1)]})
    assert e["near_changed"] == ["a (2/5 -> 1/2)"] and e["seeds"][0]["near"] == 3


def test_reliability_spreads_are_the_sample_sds_of_known_values(tmp_path):
    """The test-retest table on constructed audits and draws: each spread is the sample sd of the values put in."""
    import json
    import statistics as st
    import sys
    from pathlib import Path
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "scripts"))
    import reliability
    vals = {"s1": [1.2, 1.4, 1.6], "s2": [2.0, 2.2, 2.1]}
    audit = {"audit": {"hmm": "linear:2", "seeds": ["s1", "s2"]}, "claims_meta": META, "claims": [
        {"claim": "c", "reading": "strict", "role": "trained", "checkpoint": f"{run}@{100 + 20 * i}",
         "statistics": {"x": v}} for run, vs in vals.items() for i, v in enumerate(vs)]}
    draws = []
    for s, v in ((1, 1.1), (2, 1.9), (3, 1.3)):
        p = tmp_path / f"s1-claims{s}.json"
        p.write_text(json.dumps({"claims": [{"claim": "c", "reading": "strict", "statistics": {"x": v}}]}))
        draws.append(p)
    (line,) = reliability.table({"linear:2": audit}, {"s1": dict(zip((1, 2, 3), draws))},
                                [ctl("untrained", 0.3)])
    assert line["checkpoint_sd"] == pytest.approx(st.median([st.stdev(vals["s1"]), st.stdev(vals["s2"])]))
    assert line["seed_sd"] == pytest.approx(st.stdev([1.4, 2.1]))
    assert line["draw_sd"] == pytest.approx(st.stdev([1.1, 1.9, 1.3, 1.6]))  # 1.6: the last late checkpoint
    assert line["margin"] == pytest.approx(0.4) and line["control_closest"] == 0.3
    assert line["draws_reach_margin"] and not line["checkpoints_reach_margin"]  # 2 x 0.35 >= 0.4; 2 x 0.15 < 0.4


def test_near_the_cut_names_the_thresholds_within_two_standard_errors(tmp_path):
    import json
    from hmmrnn import precision
    (tmp_path / "reliability").mkdir()
    (tmp_path / "reliability" / "reliability.json").write_text(json.dumps({"lines": [
        {"claim": "c", "reading": "strict", "statistic": "x", "draw_sd": 0.1},
        {"claim": "c", "reading": "strict", "statistic": "y", "draw_sd": None}]}))
    noise = precision.noise_table(tmp_path)
    assert noise == {("c", "strict", "x"): 0.1}
    th = TH + [{"statistic": "y", "op": "<", "value": 3.0, "rows": ["P1"]}]
    assert precision.near_cut("c", "strict", {"x": 1.15, "y": 3.0}, th, noise) == \
        ["x >= 1 (observed 1.15, se 0.1)"]  # y has no measured noise: never flagged
    assert precision.near_cut("c", "strict", {"x": 1.25}, th, noise) == []
    assert precision.noise_table(tmp_path / "nowhere") == {}
    # every row carries the standard errors of its thresholded statistics (those measured)
    assert precision.standard_errors(noise, "c", "strict", th) == {"x": 0.1}
    fam = {**noise, ("c", "strict", "x", "linear:3"): 0.02}
    assert precision.standard_errors(fam, "c", "strict", th, "linear:3") == {"x": 0.02}
    assert precision.standard_errors(fam, "c", "strict", th, "fully:3") == {"x": 0.1}


def test_the_summary_reads_each_familys_own_standard_error():
    """The largest standard error over the sample (0.5) would put 1.2 near the cut 1; linear:2's own (0.05) does
    not: the seed keeps its decided checkpoint."""
    res = _results([final("linear2-seed3", 1.2)], [ctl("untrained", 0.1)], [("linear2-seed3", "linear:2")])
    res["late_audit"]["reliability"] = {"lines": [
        {"claim": "c", "reading": "strict", "statistic": "x", "draw_sd": 0.5,
         "draw_sd_by_family": {"linear:2": 0.05, "fully:3": 0.5}}]}
    (e,) = [e for e in seed_summary(res)["entries"] if e["row"] == "P1"]
    assert e["evidence"] == "decided" and (e["k"], e["n"]) == (1, 1) and e["near_changed"] == []
    res["late_audit"]["reliability"]["lines"][0]["draw_sd_by_family"] = {}
    (e,) = [e for e in seed_summary(res)["entries"] if e["row"] == "P1"]
    assert e["evidence"] == "undecided" and e["evidence_why"].startswith("too noisy")


def test_the_campaigns_rows_of_a_cohort_claim_do_not_break_the_universality_records(tmp_path):
    """cells.json may hold a judged run's cohort rows (checkpoint 'every-configuration', no epoch): the records are
    the run's late checkpoints only (a cohort of one network of another cell says nothing)."""
    import json
    from hmmrnn.plugin import _cells_campaign
    (tmp_path / "campaigns").mkdir()
    row = {"claim": "fixed-point.single", "reading": "strict", "role": "trained", "verdict": "fail", "rows": {},
           "statistics": {}, "cell": "gru", "run": "linear2-gru-seed0"}
    (tmp_path / "campaigns" / "cells.json").write_text(json.dumps({"campaign": {"runs": {}}, "claims": [
        dict(row, checkpoint="linear2-gru-seed0@250"),
        dict(row, claim="zones.every-family", checkpoint="every-configuration")]}))
    got = _cells_campaign(tmp_path)
    assert [(r["claim"], r["hmm"], len(r["checkpoints"])) for r in got["records"]] == [("fixed-point.single", "gru", 1)]


def test_the_sentence_names_a_cell_that_holds_the_whole_mechanism():
    """The sentence measures each cell against what the bias-free ReLU seeds hold of the mechanism (fixed point,
    orbit, residency, kick ablation), or against all four where no ReLU seed is judged: a GRU holding them, in a
    reading whose controls it is told from by a number, holds these too; missing one, it does not."""
    from hmmrnn import universality
    from hmmrnn.replication import central

    def rec(claim, verdict):
        return {"hmm": "gru", "run": "g0", "claim": claim, "reading": "strict",
                "checkpoints": [{"epoch": 1, "verdict": verdict, "rows": {}, "stats": {}}]}

    def ctl(claim):
        return {"claim": claim, "reading": "strict", "role": "control", "control": "untrained", "expected": "fail",
                "checkpoint": "g0-untrained", "verdict": "fail", "statistics": {}}
    mech = universality.mechanism()
    assert len(mech) == 4 and "fixed-point.single" in mech
    records = {"gru": [rec(c, "pass") for c in mech]}
    controls = {"gru": [ctl(c) for c in mech]}
    n = {c: 0 for c in universality.COLUMNS} | {"gru": 1}

    def answer(records, controls, n):
        grid = {cell: {c.id: universality.per_reading(records.get(cell, []), c, cell, controls.get(cell, []))
                       for _, c in central()} for cell in universality.COLUMNS}
        return universality.answer(grid, central(), n)
    said = answer(records, controls, n)
    assert said.startswith("The paper's mechanism") and "no bias-free ReLU seed is judged here; gru holds these too" in said
    assert "gru (1 seed) holds: a single fixed point without input" in said
    records["gru"][-1] = rec(mech[-1], "fail")
    assert "no other cell judged so far holds all of these (gru: 3 of 4, 1 seed)" in \
        answer(records, controls, n)
    # beside ReLU seeds holding the fixed point only, the GRU holding it too holds what they hold
    records["relu"] = [dict(rec(mech[0], "pass"), hmm="relu", run="r0")]
    controls["relu"] = [ctl(mech[0])]
    said = answer(records, controls, n | {"relu": 1})
    assert "the bias-free ReLU seeds here hold 1 of 4 (a single fixed point without input); gru holds these too" in said
